//! What the database holds is read back as typed values: a status or kind
//! outside its closed set is an error, never turned into some legal state.

use crate::factories::OWN_BRANCH;
use crate::helpers::TestApp;

on_both_databases!(an_unknown_stored_status_is_an_error_not_a_default);
async fn an_unknown_stored_status_is_an_error_not_a_default(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let event = app.scheduled_event(&coordinator, OWN_BRANCH, "2027-03-01T05:00:00Z", "2027-03-01T09:00:00Z", 2).await;
    let path = format!("/api/v1/events/{}", event["id"].as_str().unwrap());
    app.get(&path).bearer(&coordinator.token).send().await.assert_status(200);

    // A row written by hand (or by a newer version) with a status this version does not know.
    let id = event["id"].as_str().unwrap().to_owned();
    app.state
        .db
        .run(move |conn| {
            use diesel::connection::SimpleConnection;
            use diesel::prelude::*;
            use outreach::db::{DbConn, schema::events};
            // Past the CHECK constraint that guards the column, as a hand edit could be.
            match conn {
                DbConn::Sqlite(sqlite) => sqlite.batch_execute("PRAGMA ignore_check_constraints = ON")?,
                DbConn::Postgresql(pg) => pg.batch_execute("ALTER TABLE events DROP CONSTRAINT events_status_check")?,
            }
            diesel::update(events::table.find(&id)).set(events::status.eq("archived")).execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();

    let problem = app.get(&path).bearer(&coordinator.token).send().await.problem(500);
    assert!(!problem["detail"].as_str().unwrap_or_default().contains("archived"), "a 500 says nothing about the cause");
    // Lists that meet the row fail the same way instead of showing it as cancelled or draft.
    app.get(&format!("/api/v1/events?branch={OWN_BRANCH}")).bearer(&coordinator.token).send().await.problem(500);
}
