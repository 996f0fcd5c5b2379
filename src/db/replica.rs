//! An optional PostgreSQL read replica for reports (`DATABASE_READ_URL`).
//!
//! Reports read many rows and change none, so they can run on a streaming
//! replica and leave the primary to the writes. A replica may lag or be down:
//! at most once a second a report first asks the replica how far behind it is,
//! and while it lags more than the allowed staleness, or fails, reports go to the
//! primary. Nothing waits on a broken replica for long: its connections are
//! checked out with a short timeout.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel::sql_types::Double;

use super::pool::{DbPool, build_lazy_pool, build_pool};
use super::threads::DbThreads;
use super::{DatabaseUrl, DbConn};

/// How long a report waits for a replica connection before using the primary.
const CHECKOUT_TIMEOUT: Duration = Duration::from_millis(250);
/// How often the replica's lag is measured (by the report that finds it due).
const CHECK_EVERY: Duration = Duration::from_secs(1);

#[derive(Debug)]
pub struct ReadReplica {
    pool: DbPool,
    /// Where the reports on the replica run: one thread per replica connection,
    /// as on the primary (see [`super::threads`]).
    pub(super) threads: DbThreads,
    max_lag: Duration,
    health: Mutex<Health>,
}

#[derive(Debug, Clone, Copy)]
struct Health {
    checked_at: Option<Instant>,
    usable: bool,
}

/// Seconds the replica is behind its primary: 0 when it has replayed all it
/// received, or when it is not a replica at all (the functions answer NULL).
#[derive(QueryableByName)]
struct Lag {
    #[diesel(sql_type = Double)]
    seconds: f64,
}

const LAG_SQL: &str = "SELECT COALESCE(CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 \
     ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END, 0)::float8 AS seconds";

impl ReadReplica {
    /// Opens a small pool on the replica. Unlike the primary, a replica that
    /// cannot be reached at start is not fatal: reports use the primary until it
    /// answers.
    pub fn open(url: &DatabaseUrl, pool_size: u32, max_lag: Duration) -> Result<Self, String> {
        if !matches!(url, DatabaseUrl::Postgres(_)) {
            return Err("DATABASE_READ_URL must be a postgres:// URL (a streaming replica of DATABASE_URL)".into());
        }
        let pool = build_pool(url, pool_size).or_else(|err| {
            tracing::warn!(replica = %url, error = %err, "read replica unreachable at start; reports use the primary");
            build_lazy_pool(url, pool_size)
        })?;
        let threads = DbThreads::start(usize::try_from(pool_size).unwrap_or(1))?;
        Ok(Self { pool, threads, max_lag, health: Mutex::new(Health { checked_at: None, usable: true }) })
    }

    /// A replica connection when the replica is fit to answer, `None` to use the
    /// primary. Runs on one of the replica's threads.
    pub(super) fn connection(&self) -> Option<diesel::r2d2::PooledConnection<super::pool::Manager>> {
        let health = self.health();
        let due = health.checked_at.is_none_or(|at| at.elapsed() >= CHECK_EVERY);
        if !due && !health.usable {
            return None;
        }
        let conn = self.pool.get_timeout(CHECKOUT_TIMEOUT).ok();
        if !due {
            return conn;
        }
        let mut conn = conn;
        let usable = conn.as_mut().is_some_and(|conn| self.fresh_enough(conn));
        self.set_health(Health { checked_at: Some(Instant::now()), usable });
        if usable { conn } else { None }
    }

    /// Marks the replica unfit until the next check (a query on it failed).
    pub(super) fn failed(&self) {
        self.set_health(Health { checked_at: Some(Instant::now()), usable: false });
    }

    fn fresh_enough(&self, conn: &mut DbConn) -> bool {
        match diesel::sql_query(LAG_SQL).get_result::<Lag>(conn) {
            Ok(lag) if lag.seconds <= self.max_lag.as_secs_f64() => true,
            Ok(lag) => {
                tracing::warn!(lag_seconds = lag.seconds, "read replica lags; reports use the primary");
                false
            }
            Err(err) => {
                tracing::warn!(error = %err, "read replica unreachable; reports use the primary");
                false
            }
        }
    }

    fn health(&self) -> Health {
        *self.health.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn set_health(&self, health: Health) {
        *self.health.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = health;
    }
}
