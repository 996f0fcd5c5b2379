//! Online backup of the embedded SQLite database.
//!
//! `VACUUM INTO` reads the database inside one read transaction, so the copy is
//! the consistent state of one instant even while the server keeps writing (WAL
//! lets the writer go on meanwhile). The copy is written next to its final name
//! and renamed into place, so a crash never leaves a half-written file under it.
//! PostgreSQL has its own tools (`pg_dump`, `pg_restore`): see docs/deploy.md.

use std::path::{Path, PathBuf};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel::sqlite::SqliteConnection;

use super::DatabaseUrl;

/// Writes a consistent copy of the database at `url` to `to`, which must not exist.
pub fn backup(url: &DatabaseUrl, to: &Path) -> Result<(), String> {
    let DatabaseUrl::Sqlite(source) = url else {
        return Err("`outreach backup` copies SQLite databases; for PostgreSQL use pg_dump (see docs/deploy.md)".into());
    };
    if !source.exists() {
        return Err(format!("no database at {}", source.display()));
    }
    if to.exists() {
        return Err(format!("{} exists already: choose a new file", to.display()));
    }
    let partial = partial_name(to);
    let _ = std::fs::remove_file(&partial);
    let copied = vacuum_into(source, &partial).and_then(|()| {
        std::fs::rename(&partial, to).map_err(|err| format!("cannot move the copy to {}: {err}", to.display()))
    });
    if copied.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    copied
}

fn vacuum_into(source: &Path, to: &Path) -> Result<(), String> {
    let mut conn = SqliteConnection::establish(&source.to_string_lossy())
        .map_err(|err| format!("cannot open {}: {err}", source.display()))?;
    // Waits for a writer's lock instead of failing at once, as the server does.
    conn.batch_execute("PRAGMA busy_timeout = 5000;").map_err(|err| err.to_string())?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(to.to_string_lossy().into_owned())
        .execute(&mut conn)
        .map(drop)
        .map_err(|err| format!("cannot write the copy to {}: {err}", to.display()))
}

fn partial_name(to: &Path) -> PathBuf {
    let mut name = to.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}
