//! The database itself keeps a visit's references whole, whatever writes to it:
//! a visit is of a stop of its own route and of an existing volunteer, and what
//! a visit refers to is not removed under it. (SQLite checks them as foreign
//! keys; PostgreSQL once per statement, for fast batch syncs.)

use diesel::RunQueryDsl;
use outreach::db::DbConn;

use crate::factories::{OWN_BRANCH, id};
use crate::helpers::TestApp;

on_both_databases!(the_database_refuses_a_visit_that_refers_to_what_is_not_there);
async fn the_database_refuses_a_visit_that_refers_to_what_is_not_there(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let (route, walker) = app.assigned_route(&coordinator, OWN_BRANCH, 3).await;
    let (other_route, _) = app.assigned_route(&coordinator, OWN_BRANCH, 2).await;
    let stop = |route: &serde_json::Value, index: usize| route["stops"][index]["id"].as_str().unwrap().to_owned();
    app.sync_visits(&walker, &route, &[crate::factories::visit(&stop(&route, 0))]).await;
    let volunteer = app.volunteer(&coordinator, OWN_BRANCH).await;
    let (route_id, volunteer_id) = (id(&route), id(&volunteer));
    let visits_before = visits_of(&app, route_id).await;

    // A stop of another route, an unknown stop or volunteer: refused, and a
    // statement with one such row among valid ones writes none of them.
    for (stop, volunteer) in
        [(stop(&other_route, 0), None), ("no-such-stop".to_owned(), None), (stop(&route, 1), Some("no-such-volunteer"))]
    {
        let refused = execute(&app, insert_visits(route_id, &[(&stop, volunteer)])).await;
        assert_eq!(refused, Err("ForeignKeyViolation".into()), "a visit of {stop} by {volunteer:?}");
    }
    let mixed = insert_visits(route_id, &[(&stop(&route, 1), Some(volunteer_id)), (&stop(&other_route, 1), None)]);
    assert_eq!(execute(&app, mixed).await, Err("ForeignKeyViolation".into()));
    assert_eq!(visits_of(&app, route_id).await, visits_before);

    // Valid rows go in, several in one statement.
    let valid = insert_visits(route_id, &[(&stop(&route, 1), Some(volunteer_id)), (&stop(&route, 2), None)]);
    assert_eq!(execute(&app, valid).await, Ok(2));

    // What a visit refers to stays: a visited stop and a volunteer with visits
    // are not deleted, nor a visited stop's key changed; the unvisited ones are.
    for sql in [
        format!("DELETE FROM route_stops WHERE id = '{}'", stop(&route, 0)),
        format!("DELETE FROM volunteers WHERE id = '{volunteer_id}'"),
        format!("UPDATE route_stops SET id = 'moved' WHERE id = '{}'", stop(&route, 1)),
    ] {
        assert_eq!(execute(&app, sql.clone()).await, Err("ForeignKeyViolation".into()), "{sql}");
    }
    assert_eq!(execute(&app, format!("DELETE FROM route_stops WHERE id = '{}'", stop(&other_route, 1))).await, Ok(1));
    let unvisited = app.volunteer(&coordinator, OWN_BRANCH).await;
    assert_eq!(execute(&app, format!("DELETE FROM volunteers WHERE id = '{}'", id(&unvisited))).await, Ok(1));
    assert_eq!(visits_of(&app, route_id).await, visits_before + 2);
}

/// Two transactions at once, one writing a visit and one removing its stop:
/// whichever comes second waits for the first and is refused, as with a
/// foreign key (PostgreSQL; SQLite has one writer at a time).
#[actix_web::test]
async fn a_visit_and_the_removal_of_its_stop_at_once_never_both_succeed() {
    let Some(app) = TestApp::postgres().await else { return };
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let (route, _) = app.assigned_route(&coordinator, OWN_BRANCH, 2).await;
    let route_id = id(&route).to_owned();
    let stop = |index: usize| route["stops"][index]["id"].as_str().unwrap().to_owned();
    let remove = |stop: &str| format!("DELETE FROM route_stops WHERE id = '{stop}'");

    let (written, removed) = race(&app, insert_visits(&route_id, &[(&stop(0), None)]), remove(&stop(0))).await;
    assert_eq!((written, removed), (Ok(1), Err("ForeignKeyViolation".into())), "the visit first");

    let (removed, written) = race(&app, remove(&stop(1)), insert_visits(&route_id, &[(&stop(1), None)])).await;
    assert_eq!((removed, written), (Ok(1), Err("ForeignKeyViolation".into())), "the removal first");
    assert_eq!(visits_of(&app, &route_id).await, 1);
}

/// An INSERT of one visit per `(stop, volunteer)` on `route`.
fn insert_visits(route: &str, visits: &[(&str, Option<&str>)]) -> String {
    let rows: Vec<String> = visits
        .iter()
        .map(|(stop, volunteer)| {
            let volunteer = volunteer.map_or("NULL".to_owned(), |id| format!("'{id}'"));
            format!(
                "('{}', '{route}', '{stop}', {volunteer}, 'test', '2026-12-01 10:00:00', 1, 1, 0, 0, 0, '', '2026-12-01 10:00:00')",
                uuid::Uuid::now_v7()
            )
        })
        .collect();
    format!(
        "INSERT INTO visits (id, route_id, stop_id, volunteer_id, recorded_by, visited_at, doors_knocked, \
         conversations, not_at_home, refused, materials_left, question_topics, received_at) VALUES {}",
        rows.join(", ")
    )
}

/// Runs `sql` on its own: the rows it touched, or the kind of the database's refusal.
async fn execute(app: &TestApp, sql: String) -> Result<usize, String> {
    app.state.db.run(move |conn| Ok(run_sql(conn, &sql))).await.unwrap()
}

fn run_sql(conn: &mut DbConn, sql: &str) -> Result<usize, String> {
    let done = match conn {
        DbConn::Sqlite(sqlite) => diesel::sql_query(sql).execute(sqlite),
        DbConn::Postgresql(pg) => diesel::sql_query(sql).execute(pg),
    };
    // SQLite's check of a visit's route (a trigger) fails with the text of its
    // foreign keys' failures, under no kind of its own.
    done.map_err(|error| match error {
        diesel::result::Error::DatabaseError(_, info) if info.message() == "FOREIGN KEY constraint failed" => {
            "ForeignKeyViolation".to_owned()
        }
        diesel::result::Error::DatabaseError(kind, _) => format!("{kind:?}"),
        other => other.to_string(),
    })
}

async fn visits_of(app: &TestApp, route: &str) -> i64 {
    use diesel::prelude::*;
    use outreach::db::schema::visits;
    let route = route.to_owned();
    app.state
        .db
        .run(move |conn| Ok(visits::table.filter(visits::route_id.eq(route)).count().get_result::<i64>(conn)?))
        .await
        .unwrap()
}

/// Runs `first` in a transaction that stays open for 300 ms after it, and
/// `second` on another connection in that time: the results of both.
async fn race(app: &TestApp, first: String, second: String) -> (Result<usize, String>, Result<usize, String>) {
    let (first_done, wait_for_first) = std::sync::mpsc::channel();
    let first = app.state.db.run(move |conn| {
        use diesel::Connection;
        Ok(conn
            .transaction::<_, diesel::result::Error, _>(|conn| {
                let done = run_sql(conn, &first);
                first_done.send(()).unwrap();
                std::thread::sleep(std::time::Duration::from_millis(300));
                Ok(done)
            })
            .unwrap())
    });
    let second = app.state.db.run(move |conn| {
        wait_for_first.recv().unwrap();
        Ok(run_sql(conn, &second))
    });
    let (first, second) = futures_util::future::join(first, second).await;
    (first.unwrap(), second.unwrap())
}
