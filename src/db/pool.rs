//! A connection pool whose manager picks the backend from the URL scheme.
//!
//! diesel's generic `ConnectionManager<MultiConnection>` reports every failure as
//! "Invalid connection url for multiconnection"; this manager keeps the real error.

use std::time::Duration;

use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ManageConnection, Pool};
use diesel::sqlite::SqliteConnection;

use super::{DatabaseUrl, DbConn};

pub type DbPool = Pool<Manager>;

/// Settings applied to every SQLite connection: write-ahead logging so readers do
/// not block the writer, foreign keys enforced, and a wait instead of an immediate
/// "database is locked" when another connection holds the write lock.
///
/// The page cache is 512 KiB per connection instead of SQLite's 2 MiB: the
/// operating system caches the file anyway, and a page missing from SQLite's
/// cache is one `pread` from it. The default made the connections' caches,
/// filled and fragmented over a day of requests, the largest part of the heap.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA foreign_keys = ON;
PRAGMA busy_timeout = 5000;
PRAGMA cache_size = -512;";

#[derive(Debug)]
pub struct Manager {
    url: DatabaseUrl,
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Postgres(url) => {
                PgConnection::establish(url).map(DbConn::Postgresql).map_err(r2d2::Error::ConnectionError)
            }
            DatabaseUrl::Sqlite(path) => {
                let mut conn =
                    SqliteConnection::establish(&path.to_string_lossy()).map_err(r2d2::Error::ConnectionError)?;
                conn.batch_execute(SQLITE_PRAGMAS).map_err(r2d2::Error::QueryError)?;
                super::geo::register(&mut conn).map_err(r2d2::Error::QueryError)?;
                super::audit_chain::register(&mut conn).map_err(r2d2::Error::QueryError)?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1").map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        // A connection used by a panicking thread may sit inside a transaction.
        std::thread::panicking() || diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

/// A pool that connects only when asked: for a read replica that may be down
/// when the server starts.
pub fn build_lazy_pool(url: &DatabaseUrl, max_size: u32) -> Result<DbPool, String> {
    Ok(Pool::builder()
        .max_size(max_size)
        .min_idle(Some(0))
        .connection_timeout(Duration::from_secs(5))
        .test_on_check_out(false)
        .build_unchecked(Manager { url: url.clone() }))
}

/// Builds the pool. For SQLite the file's directory is created first. Fails when
/// the database cannot be reached within a few seconds.
pub fn build_pool(url: &DatabaseUrl, max_size: u32) -> Result<DbPool, String> {
    if let DatabaseUrl::Sqlite(path) = url
        && let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)
            .map_err(|err| format!("cannot create the database directory {}: {err}", dir.display()))?;
    }
    let manager = Manager { url: url.clone() };
    // Check one connection first so the operator sees the database's own error
    // rather than r2d2's generic timeout.
    manager.connect().map_err(|err| format!("cannot connect to {url}: {err}"))?;
    Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(5))
        .test_on_check_out(false)
        .build(manager)
        .map_err(|err| format!("cannot open the connection pool for {url}: {err}"))
}
