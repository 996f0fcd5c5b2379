//! The audit log is a hash chain: `outreach audit verify` (the function the
//! command runs) passes over an intact chain, and names the first broken link
//! when an entry was edited or deleted directly in the database.

use diesel::prelude::*;
use outreach::db::audit_chain::{self, Problem};
use outreach::db::schema::audit_log;
use outreach::db::{DatabaseUrl, Db, DbConn};

use crate::factories::{OWN_BRANCH, TestUser, id};
use crate::helpers::TestApp;

/// Runs `work` on a pooled connection of the app's database, as an operator
/// with database access would.
fn in_database<T>(db: &Db, work: impl FnOnce(&mut DbConn) -> QueryResult<T>) -> T {
    db.run_blocking(|conn| work(conn).map_err(|err| err.to_string())).unwrap()
}

fn entry_at(db: &Db, seq: i64) -> String {
    in_database(db, |conn| {
        audit_log::table.filter(audit_log::chain_seq.eq(seq)).select(audit_log::id).first::<String>(conn)
    })
}

fn entries(db: &Db) -> i64 {
    in_database(db, |conn| audit_log::table.count().get_result(conn))
}

/// Runs `outreach audit verify`, the built binary, on the app's database.
fn verify_command(app: &TestApp) -> std::process::Output {
    let url = match &app.state.config.database_url {
        DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
        DatabaseUrl::Postgres(url) => url.clone(),
    };
    std::process::Command::new(env!("CARGO_BIN_EXE_outreach"))
        .args(["audit", "verify"])
        .env("DATABASE_URL", url)
        .env("JWT_SECRET", "a signing secret for the command line, 32+ bytes")
        .env("DATA_DIR", std::env::temp_dir())
        .output()
        .expect("run outreach audit verify")
}

/// Some changes and some reads of personal data (entries of both write paths).
async fn some_history(app: &TestApp, admin: &TestUser, volunteers: usize) {
    for _ in 0..volunteers {
        let volunteer = app.volunteer(admin, OWN_BRANCH).await;
        let path = format!("/api/v1/volunteers/{}", id(&volunteer));
        app.get(&path).bearer(&admin.token).send().await.assert_status(200);
    }
    app.state.db.flush_read_audit().await;
}

on_both_databases!(an_intact_chain_verifies_with_changes_and_batched_reads_in_it);
async fn an_intact_chain_verifies_with_changes_and_batched_reads_in_it(app: TestApp) {
    let admin = app.admin().await;
    some_history(&app, &admin, 3).await;
    let summary = outreach::cli::verify_audit_chain(&app.state.db).unwrap();
    let total = entries(&app.state.db);
    assert!(summary.starts_with(&format!("audit chain intact: {total} entries")), "{summary}");
    let check = in_database(&app.state.db, audit_chain::verify);
    assert_eq!((check.broken, check.head.last_seq), (None, total));
    // The batched read entries are links like the others.
    let unlinked_reads: i64 = in_database(&app.state.db, |conn| {
        audit_log::table
            .filter(audit_log::action.eq("volunteer_viewed"))
            .filter(audit_log::hash.is_null())
            .count()
            .get_result(conn)
    });
    let reads: i64 = in_database(&app.state.db, |conn| {
        audit_log::table.filter(audit_log::action.eq("volunteer_viewed")).count().get_result(conn)
    });
    assert_eq!((reads, unlinked_reads), (3, 0));
}

on_both_databases!(an_entry_edited_in_the_database_is_named_as_the_first_broken_link);
async fn an_entry_edited_in_the_database_is_named_as_the_first_broken_link(app: TestApp) {
    let admin = app.admin().await;
    some_history(&app, &admin, 3).await;
    let intact = verify_command(&app);
    assert!(intact.status.success(), "{intact:?}");
    assert!(String::from_utf8_lossy(&intact.stdout).contains("audit chain intact"), "{intact:?}");
    let edited = entry_at(&app.state.db, 4);
    in_database(&app.state.db, |conn| {
        diesel::update(audit_log::table.filter(audit_log::id.eq(&edited)))
            .set(audit_log::details.eq("nothing to see here"))
            .execute(conn)
    });
    let check = in_database(&app.state.db, audit_chain::verify);
    let broken = check.broken.unwrap();
    assert_eq!(
        (broken.chain_seq, broken.entry_id.as_deref(), &broken.problem),
        (Some(4), Some(edited.as_str()), &Problem::Edited)
    );
    assert_eq!(check.entries, 3, "the three entries before it hold");
    let error = outreach::cli::verify_audit_chain(&app.state.db).unwrap_err();
    assert!(error.contains(&format!("chain_seq 4, entry {edited}: edited")), "{error}");
    // The command exits non-zero, naming the link.
    let broken = verify_command(&app);
    assert!(!broken.status.success(), "{broken:?}");
    assert!(
        String::from_utf8_lossy(&broken.stderr).contains(&format!("chain_seq 4, entry {edited}: edited")),
        "{broken:?}"
    );
}

on_both_databases!(a_deleted_entry_is_named_as_the_first_broken_link);
async fn a_deleted_entry_is_named_as_the_first_broken_link(app: TestApp) {
    let admin = app.admin().await;
    some_history(&app, &admin, 3).await;
    // The newest entry deleted is missed (the head remembers it).
    let last = entries(&app.state.db);
    let delete = |seq: i64| {
        in_database(&app.state.db, |conn| {
            diesel::delete(audit_log::table.filter(audit_log::chain_seq.eq(seq))).execute(conn)
        })
    };
    delete(last);
    let broken = in_database(&app.state.db, audit_chain::verify).broken.unwrap();
    assert_eq!(
        (broken.chain_seq, broken.entry_id, broken.problem),
        (Some(last), None, Problem::Missing { through: last })
    );
    // One in the middle is named, with the entry the chain goes on at.
    let next = entry_at(&app.state.db, 4);
    delete(3);
    let broken = in_database(&app.state.db, audit_chain::verify).broken.unwrap();
    assert_eq!((broken.chain_seq, broken.entry_id.as_deref()), (Some(3), Some(next.as_str())));
    assert_eq!(broken.problem, Problem::Missing { through: 3 });
    let error = outreach::cli::verify_audit_chain(&app.state.db).unwrap_err();
    assert!(
        error.contains(&format!("chain_seq 3: missing entry (deleted); the chain goes on at entry {next}")),
        "{error}"
    );
}

on_both_databases!(pruning_keeps_an_anchor_the_rest_of_the_chain_verifies_from);
async fn pruning_keeps_an_anchor_the_rest_of_the_chain_verifies_from(app: TestApp) {
    let admin = app.admin().await;
    some_history(&app, &admin, 2).await;
    let old = entries(&app.state.db);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let cut = outreach::domain::time::now();
    some_history(&app, &admin, 2).await;
    let anchor =
        app.state.db.run_blocking(|conn| audit_chain::prune_before(conn, cut).map_err(|err| format!("{err:?}")));
    let (anchor_seq, _) = anchor.unwrap().unwrap();
    assert_eq!(anchor_seq, old, "everything before the cut went");
    let check = in_database(&app.state.db, audit_chain::verify);
    assert_eq!(check.broken, None);
    assert_eq!(check.head.anchor_seq, old);
    // The pruning is audited, in the chain, and what follows the anchor is still checked.
    assert_eq!(i64::try_from(check.entries).unwrap(), entries(&app.state.db));
    let pruned: i64 = in_database(&app.state.db, |conn| {
        audit_log::table.filter(audit_log::action.eq("audit_log_pruned")).count().get_result(conn)
    });
    assert_eq!(pruned, 1);
    let first_kept = entry_at(&app.state.db, old + 1);
    in_database(&app.state.db, |conn| {
        diesel::delete(audit_log::table.filter(audit_log::id.eq(&first_kept))).execute(conn)
    });
    let broken = in_database(&app.state.db, audit_chain::verify).broken.unwrap();
    assert_eq!((broken.chain_seq, broken.problem), (Some(old + 1), Problem::Missing { through: old + 1 }));
}

on_both_databases!(concurrent_writers_leave_one_chain_that_verifies);
async fn concurrent_writers_leave_one_chain_that_verifies(app: TestApp) {
    let admin = app.admin().await;
    // 8 writers of 20 creates each (and a read of each, from the batch writer).
    let writers = (0..8).map(|_| some_history(&app, &admin, 20));
    futures_util::future::join_all(writers).await;
    app.state.db.flush_read_audit().await;
    let check = in_database(&app.state.db, audit_chain::verify);
    assert_eq!(check.broken, None);
    let total = entries(&app.state.db);
    assert!(total >= 8 * 20 * 2, "{total}");
    assert_eq!((i64::try_from(check.entries).unwrap(), check.head.last_seq), (total, total));
}
