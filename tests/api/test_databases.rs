//! PostgreSQL databases for the tests, as crates.io's `crates_io_test_db` makes
//! them: each test process migrates one template database once, and every test
//! gets a copy of it (`CREATE DATABASE .. TEMPLATE ..`, a file copy on the
//! server) instead of running all migrations again.
//!
//! Every database and temporary directory of a process is named
//! `outreach_test_<pid>_..`, so concurrent runs never collide. Each test drops
//! its own on drop; the template outlives the tests, so a reaper drops it: the
//! first PostgreSQL test starts the test binary again as a child that waits for
//! this process to exit (the end of a pipe), then drops the template and
//! whatever a crashed or killed test left behind.

use std::io::Read;
#[cfg(unix)]
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;
use outreach::db::{self, DbConn};

/// Held while a test database is cloned: `CREATE DATABASE .. TEMPLATE` fails
/// when any other session is connected to the template, and a clone in
/// progress is such a session.
pub static CLONING: Mutex<()> = Mutex::new(());

/// Names the parent process to the reaper (the test binary started again).
const REAPER_OF: &str = "OUTREACH_TEST_REAPER_OF";

/// The prefix of every database and temporary directory this process creates.
pub fn process_prefix() -> String {
    prefix_of(std::process::id())
}

fn prefix_of(pid: u32) -> String {
    format!("outreach_test_{pid}_")
}

/// `TEST_DATABASE_URL` without its database: where sibling databases live.
pub fn server_url(admin_url: &str) -> &str {
    admin_url.rsplit_once('/').map(|(base, _)| base).expect("TEST_DATABASE_URL has a database path")
}

/// The name of this process's migrated template, created on first use.
pub fn template(admin_url: &str) -> &'static str {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE.get_or_init(|| create_template(admin_url))
}

fn create_template(admin_url: &str) -> String {
    // The reaper first: from here on whatever this process creates on the server
    // is dropped after it exits, however it exits.
    start_reaper();
    let prefix = process_prefix();
    let name = format!("{prefix}template");
    let mut admin = PgConnection::establish(admin_url).expect("connect to TEST_DATABASE_URL");
    // Left by an earlier process that had this id and was killed with its reaper.
    drop_databases_with_prefix(&mut admin, &prefix);
    admin.batch_execute(&format!("CREATE DATABASE {name}")).expect("create the template database");
    drop(admin);
    let conn = PgConnection::establish(&format!("{}/{name}", server_url(admin_url))).expect("connect to the template");
    let mut conn = DbConn::Postgresql(conn);
    db::run_migrations(&mut conn).expect("migrate the template");
    // Closed before the first clone: an open session on the template makes it fail.
    drop(conn);
    name
}

/// Starts this test binary again, running only [`reaper`], with its stdin a
/// pipe whose writing end this process never closes: the reaper reads end of
/// file when this process exits, crash and SIGKILL included.
fn start_reaper() {
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut command = Command::new(exe);
    command
        .args(["test_databases::reaper", "--exact", "--test-threads=1", "--quiet"])
        .env(REAPER_OF, std::process::id().to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // Its own process group: Ctrl-C on `cargo test` must not kill the reaper too.
    #[cfg(unix)]
    command.process_group(0);
    // Never waited for: the reaper outlives this process on purpose (init adopts it).
    #[expect(clippy::zombie_processes, reason = "the reaper must outlive the test process")]
    let mut child = command.spawn().expect("start the test database reaper");
    // Never closed: its end of file is what tells the reaper this process has exited.
    std::mem::forget(child.stdin.take());
}

#[derive(QueryableByName)]
struct Database {
    #[diesel(sql_type = Text)]
    datname: String,
}

fn drop_databases_with_prefix(admin: &mut PgConnection, prefix: &str) {
    // starts_with, not LIKE: `_` in the prefix would be a wildcard there.
    let databases: Vec<Database> = diesel::sql_query("SELECT datname FROM pg_database WHERE starts_with(datname, $1)")
        .bind::<Text, _>(prefix)
        .load(admin)
        .unwrap_or_default();
    for Database { datname } in databases {
        let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{datname}\" WITH (FORCE)"));
    }
}

/// A no-op in an ordinary run. Started by [`start_reaper`] with `REAPER_OF`
/// set, it waits for that process to exit, then removes what it left behind.
#[test]
fn reaper() {
    let Some(parent) = std::env::var(REAPER_OF).ok().and_then(|pid| pid.parse::<u32>().ok()) else {
        return;
    };
    // Blocks until the parent exits: it holds the only writing end of this pipe.
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    let prefix = prefix_of(parent);
    if let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    if let Ok(admin_url) = std::env::var("TEST_DATABASE_URL")
        && let Ok(mut admin) = PgConnection::establish(&admin_url)
    {
        drop_databases_with_prefix(&mut admin, &prefix);
    }
}
