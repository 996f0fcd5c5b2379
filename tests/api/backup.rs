//! The restore drill for the embedded database: `outreach backup` copies a
//! serving SQLite database, and an app started on the copy answers what the
//! original answered when the copy was taken.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::factories::TestUser;
use crate::helpers::TestApp;

fn backup(database: &Path, to: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_outreach"))
        .args(["backup", "--to"])
        .arg(to)
        .env("DATABASE_URL", format!("sqlite://{}", database.display()))
        .output()
        .expect("run outreach backup")
}

async fn volunteer_ids(app: &TestApp, admin: &TestUser) -> Vec<String> {
    let page = app.get("/api/v1/volunteers?limit=200").bearer(&admin.token).send().await.assert_status(200).json();
    page["items"].as_array().unwrap().iter().map(|v: &Value| v["id"].as_str().unwrap().to_owned()).collect()
}

#[actix_web::test]
async fn a_backup_taken_while_serving_restores_to_the_same_answers() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    for branch in ["KZ-71", "KZ-75", "KZ-15"] {
        app.volunteer(&admin, branch).await;
    }
    let before = volunteer_ids(&app, &admin).await;
    let database = app.sqlite_file().unwrap();
    // Next to the database: removed with the test's directory, pass or fail.
    let dir = database.parent().unwrap().to_owned();
    let copy = dir.join("copy.db");

    // The server keeps its pool (and the WAL) open and keeps writing: the copy is
    // the state of one instant, with or without the write that raced it.
    let running = Command::new(env!("CARGO_BIN_EXE_outreach"))
        .args(["backup", "--to"])
        .arg(&copy)
        .env("DATABASE_URL", format!("sqlite://{}", database.display()))
        .spawn()
        .expect("start outreach backup");
    let raced = app.volunteer(&admin, "KZ-71").await;
    let status = running.wait_with_output().expect("wait for the backup").status;
    assert!(status.success(), "the backup exits 0");
    assert!(!dir.join("copy.db.partial").exists(), "no partial file is left");

    let restored = TestApp::sqlite_restored_from(&copy).await;
    let admin_there = restored.admin().await;
    let after = volunteer_ids(&restored, &admin_there).await;
    let raced_id = raced["id"].as_str().unwrap().to_owned();
    let expected: Vec<String> =
        if after.contains(&raced_id) { volunteer_ids(&app, &admin).await } else { before.clone() };
    assert_eq!(after, expected, "the restored database answers as the original did at the copy's instant");
    let one = restored.get(&format!("/api/v1/volunteers/{}", before[0])).bearer(&admin_there.token).send().await;
    one.assert_status(200);

    // A second backup to the same file is refused; nothing is overwritten.
    let again = backup(&database, &copy);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"), "{again:?}");
    // PostgreSQL has its own tools.
    let postgres = Command::new(env!("CARGO_BIN_EXE_outreach"))
        .args(["backup", "--to"])
        .arg(dir.join("pg.db"))
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .output()
        .unwrap();
    assert!(!postgres.status.success());
    assert!(String::from_utf8_lossy(&postgres.stderr).contains("pg_dump"), "{postgres:?}");
}
