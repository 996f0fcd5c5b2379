//! The data layer: one code base over the embedded SQLite default and PostgreSQL,
//! chosen at run time from `DATABASE_URL`.
//!
//! Queries are written once against [`DbConn`], a diesel `MultiConnection`; only
//! where the SQL really differs (upserts, some `RETURNING` forms) does a query
//! match on the variant. Every call runs off the async reactor via [`Db::run`].

pub mod accounts;
pub mod api_tokens;
pub mod audit;
pub mod audit_chain;
pub mod backup;
pub mod branches;
mod breaker;
pub mod events;
pub mod failure;
pub mod follow_ups;
pub mod geo;
pub mod hand_outs;
pub mod idempotency;
pub mod localities;
pub mod materials;
pub mod meetings;
pub mod member_organisations;
pub mod outbox;

mod pool;
pub mod poster_coverage;
pub mod poster_placements;
pub mod poster_sites;
pub mod question_report;
mod raw_sql;
pub mod read_audit;
pub mod refresh_tokens;
pub mod replica;
pub mod report_days;
pub mod reports;
pub mod routes;
pub mod schema;
mod scope;
pub mod shifts;
pub mod social_posts;
pub mod social_report;
pub mod stock_balances;
pub mod stock_movements;
pub mod talking_points;
pub mod threads;
pub mod throttle_events;
pub mod volunteer_holdings;
pub mod volunteers;
pub mod webhook_deliveries;
pub mod webhooks;
mod writer_queue;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::ApiError;
pub use pool::{DbPool, build_pool};
pub use scope::AccountChanges;

/// A database connection of either backend.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

/// Where the data lives, parsed from `DATABASE_URL`.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://PATH`: a file, relative to the working directory unless absolute
    /// (`sqlite:///var/lib/outreach.db`).
    Sqlite(PathBuf),
    /// `postgres://...` or `postgresql://...`, passed to libpq as is.
    Postgres(String),
}

impl FromStr for DatabaseUrl {
    type Err = String;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err("an sqlite:// URL needs a file path, e.g. sqlite://data/outreach.db".into());
            }
            Ok(Self::Sqlite(PathBuf::from(path)))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres(url.to_owned()))
        } else {
            Err("must start with sqlite:// or postgres://".into())
        }
    }
}

impl fmt::Display for DatabaseUrl {
    /// Shows the URL without its password, so it can be logged.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            Self::Postgres(url) => match (url.find("://"), url.rfind('@')) {
                (Some(scheme_end), Some(at)) if at > scheme_end && url[scheme_end + 3..at].contains(':') => {
                    let credentials = &url[scheme_end + 3..at];
                    let user = credentials.split(':').next().unwrap_or_default();
                    write!(f, "{}{user}:***{}", &url[..scheme_end + 3], &url[at..])
                }
                _ => f.write_str(url),
            },
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

type MigrationError = Box<dyn std::error::Error + Send + Sync>;

/// Applies every pending migration of the connection's backend.
/// Then sets the branches' UTC offsets, which the report triggers read (see
/// [`report_days::sync_offsets`]).
pub fn run_migrations(conn: &mut DbConn) -> Result<(), MigrationError> {
    match conn {
        DbConn::Sqlite(conn) => conn.run_pending_migrations(SQLITE_MIGRATIONS).map(drop)?,
        DbConn::Postgresql(conn) => conn.run_pending_migrations(POSTGRES_MIGRATIONS).map(drop)?,
    }
    report_days::sync_offsets(conn)?;
    Ok(())
}

/// The collation PostgreSQL compares text with in this database, when it is
/// not `C` (byte order). Every key here is text (UUIDs, codes), and byte order
/// is what SQLite uses too; a locale's collation compares each key through the
/// C library instead (a 500-visit sync spent a tenth of its database time on
/// it). `None` on SQLite.
pub fn slow_text_collation(conn: &mut DbConn) -> diesel::QueryResult<Option<String>> {
    use diesel::RunQueryDsl;
    let DbConn::Postgresql(pg) = conn else { return Ok(None) };
    let collation: String = diesel::select(diesel::dsl::sql::<diesel::sql_types::Text>(
        "(SELECT datcollate FROM pg_database WHERE datname = current_database())",
    ))
    .get_result(pg)?;
    Ok((collation != "C" && collation != "POSIX").then_some(collation))
}

/// Reverts every applied migration (runs each `down.sql`); used by the test that
/// proves the down migrations work.
pub fn revert_all_migrations(conn: &mut DbConn) -> Result<(), MigrationError> {
    match conn {
        DbConn::Sqlite(conn) => conn.revert_all_migrations(SQLITE_MIGRATIONS).map(drop),
        DbConn::Postgresql(conn) => conn.revert_all_migrations(POSTGRES_MIGRATIONS).map(drop),
    }
}

/// The shared handle handlers use to reach the database.
#[derive(Clone)]
pub struct Db {
    pool: DbPool,
    read_audit: read_audit::ReadAuditQueue,
    /// One permit per pooled connection, shared by every HTTP worker: a request
    /// takes one before its work goes to a database thread, so the work in flight
    /// never exceeds the connections. A request beyond that waits here, as a
    /// future, rather than on a thread.
    slots: Arc<Semaphore>,
    /// Where the work of a slot runs: one thread per pooled connection.
    threads: threads::DbThreads,
    /// The writer queue and account change count of this application.
    shared: Arc<scope::Shared>,
    /// Fails requests at once while the database is down (see [`breaker`]).
    breaker: Arc<breaker::Breaker>,
    /// Never armed outside the tests (see [`idempotency::InjectedCrash`]).
    #[doc(hidden)]
    pub idempotency_crash: idempotency::InjectedCrash,
    /// Where reports read when `DATABASE_READ_URL` is set.
    replica: Option<Arc<replica::ReadReplica>>,
}

/// A pooled connection within `timeout`; a failure is told to the breaker (a
/// success is told once the connection answered).
fn checkout(
    pool: &DbPool,
    breaker: &Arc<breaker::Breaker>,
    timeout: Duration,
) -> Result<diesel::r2d2::PooledConnection<pool::Manager>, ApiError> {
    match pool.get_timeout(timeout) {
        Ok(conn) => Ok(conn),
        Err(err) => {
            breaker.failure(pool);
            Err(ApiError::unavailable(err))
        }
    }
}

/// How long a request waits for a pooled connection before answering 503.
const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long the readiness probe waits: it must answer quickly when the database is down.
const READY_CHECKOUT_TIMEOUT: Duration = Duration::from_millis(750);

impl Db {
    /// Wraps `pool` and starts the writer of read-audit entries.
    pub fn new(pool: DbPool) -> Result<Self, String> {
        let shared = Arc::new(scope::Shared::default());
        let read_audit = read_audit::ReadAuditQueue::start(pool.clone(), Arc::clone(&shared))?;
        let connections = usize::try_from(pool.max_size()).unwrap_or(1);
        let slots = Arc::new(Semaphore::new(connections));
        let threads = threads::DbThreads::start(connections)?;
        Ok(Self {
            pool,
            read_audit,
            slots,
            threads,
            shared,
            breaker: Arc::default(),
            idempotency_crash: idempotency::InjectedCrash::default(),
            replica: None,
        })
    }

    /// Sends the reports (see [`Db::run_report`]) to `replica`.
    pub fn with_read_replica(mut self, replica: replica::ReadReplica) -> Self {
        self.replica = Some(Arc::new(replica));
        self
    }

    /// Runs the read-only report query `work` on the read replica when one is
    /// configured and fit to answer (not lagging beyond the allowed staleness, not
    /// failing), on the primary otherwise; a replica that fails during the query
    /// hands it to the primary. `work` is cloned for that second chance.
    pub async fn run_report<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Clone + Send + 'static,
        T: Send + 'static,
    {
        let Some(replica) = self.replica.clone() else {
            return self.run(work).await;
        };
        let (on_replica, shared, threads) = (work.clone(), Arc::clone(&self.shared), replica.threads.clone());
        let answered = threads
            .run(move || {
                let mut conn = replica.connection()?;
                match scope::enter(&shared, || on_replica(&mut conn)) {
                    Err(ApiError::Unavailable(cause)) => {
                        tracing::warn!(error = %cause, "a report failed on the read replica; the primary answers it");
                        replica.failed();
                        None
                    }
                    answered => Some(answered),
                }
            })
            .await
            .ok_or_else(|| ApiError::internal("the report on the read replica did not finish"))?;
        match answered {
            Some(answered) => answered,
            None => self.run(work).await,
        }
    }

    /// Records that someone read personal data, without making the read wait for
    /// a write (see [`read_audit`]). Only when the queue is full does the request
    /// write the entry itself.
    pub async fn record_read(&self, event: audit::AuditEvent<'_>) -> Result<(), ApiError> {
        let Some(entry) = self.read_audit.push(event.into()) else { return Ok(()) };
        self.run(move |conn| read_audit::insert_entries(conn, std::slice::from_ref(&entry))).await
    }

    /// The account changes made through this `Db`, for the account cache.
    pub fn account_changes(&self) -> AccountChanges {
        AccountChanges::of(&self.shared)
    }

    /// Open and idle pooled connections, for the metrics.
    pub fn pool_state(&self) -> (u32, u32) {
        let state = self.pool.state();
        (state.connections, state.idle_connections)
    }

    /// Read-audit entries queued and not yet stored, for the metrics.
    pub fn read_audit_queued(&self) -> usize {
        self.read_audit.queued()
    }

    /// Waits until every queued read-audit entry is stored: before the audit log
    /// is read, and at shutdown.
    pub async fn flush_read_audit(&self) {
        self.read_audit.flush().await;
    }

    /// Runs `work` with one pooled connection on a database thread, so diesel
    /// never blocks an async worker.
    pub async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let started = Instant::now();
        self.breaker.check()?;
        let slot = self.slot(CHECKOUT_TIMEOUT).await?;
        // The read-audit writer and housekeeping take connections without a slot,
        // so the checkout may still wait, for what is left of the timeout.
        let left = CHECKOUT_TIMEOUT.saturating_sub(started.elapsed()).max(Duration::from_millis(1));
        let (pool, shared, breaker) = (self.pool.clone(), Arc::clone(&self.shared), Arc::clone(&self.breaker));
        self.on_db_thread(move || {
            let done = checkout(&pool, &breaker, left).and_then(|mut conn| {
                let done = scope::enter(&shared, || work(&mut conn));
                // A failure on a connection that no longer answers is an outage
                // too (the server went away under the pool).
                use diesel::connection::SimpleConnection;
                if done.is_ok() || conn.batch_execute("SELECT 1").is_ok() {
                    breaker.success();
                } else {
                    breaker.failure(&pool);
                }
                done
            });
            // The slot is given back here, with the connection, and not when the
            // awaiting request is next polled: its worker may be busy with other
            // requests for a while, and the slot would sit idle until then.
            drop(slot);
            done
        })
        .await
    }

    /// Runs `work` on a database thread (see [`threads`]); a panic in it is a 500.
    async fn on_db_thread<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        self.threads.run(work).await.unwrap_or_else(|| Err(ApiError::internal("the database work did not finish")))
    }

    /// Whether the circuit breaker is open (the database is taken for down).
    pub fn breaker_open(&self) -> bool {
        self.breaker.is_open()
    }

    /// Waits up to `timeout` for a database slot; 503 when none frees up.
    async fn slot(&self, timeout: Duration) -> Result<OwnedSemaphorePermit, ApiError> {
        tokio::time::timeout(timeout, Arc::clone(&self.slots).acquire_owned())
            .await
            .map_err(|_| ApiError::unavailable("every database connection stayed busy"))?
            .map_err(ApiError::internal)
    }

    /// Runs `work` with one pooled connection on the calling thread (for the
    /// command line, outside any async runtime).
    pub fn run_blocking<T>(&self, work: impl FnOnce(&mut DbConn) -> Result<T, String>) -> Result<T, String> {
        let mut conn = self.pool.get().map_err(|err| err.to_string())?;
        scope::enter(&self.shared, || work(&mut conn))
    }

    /// Checks that the database answers a trivial query, quickly.
    pub async fn ping(&self) -> Result<(), ApiError> {
        self.breaker.check()?;
        let slot = self.slot(READY_CHECKOUT_TIMEOUT).await?;
        let (pool, breaker) = (self.pool.clone(), Arc::clone(&self.breaker));
        self.on_db_thread(move || {
            use diesel::connection::SimpleConnection;
            let answered = checkout(&pool, &breaker, READY_CHECKOUT_TIMEOUT)
                .and_then(|mut conn| conn.batch_execute("SELECT 1").map_err(ApiError::unavailable));
            // Given back with the connection, as in `run`.
            drop(slot);
            answered
        })
        .await
    }
}

/// Locks one row of `table` (a fixed table name, never user input) until the
/// transaction ends, so that checks made on it hold until the commit. SQLite's
/// `BEGIN IMMEDIATE` already serialises every writer, so only PostgreSQL needs it.
pub fn lock_row(conn: &mut DbConn, table: &'static str, id: &str) -> diesel::QueryResult<()> {
    use diesel::RunQueryDsl;
    if let DbConn::Postgresql(pg) = conn {
        diesel::sql_query(format!("SELECT 1 FROM {table} WHERE id = $1 FOR UPDATE"))
            .bind::<diesel::sql_types::Text, _>(id)
            .execute(pg)?;
    }
    Ok(())
}

/// Runs `work` in a transaction meant to write. On SQLite it starts with
/// `BEGIN IMMEDIATE`, taking the write lock up front: a deferred transaction that
/// reads and then writes fails with "database is locked" when another writer
/// committed in between, whatever the busy timeout.
///
/// On SQLite the writers of this application (see [`scope`]) also queue, first
/// come first served,
/// before they ask for the lock: SQLite admits one writer at a time anyway, but a
/// writer waiting in its busy handler sleeps in steps of up to 100 ms and is
/// served in no particular order, which under load left some 500-visit syncs a
/// second or more behind the others (BENCHMARKS.md).
pub fn write_transaction<T, F>(conn: &mut DbConn, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConn) -> Result<T, ApiError>,
{
    use diesel::connection::{AnsiTransactionManager, Connection, TransactionManager};
    let DbConn::Sqlite(sqlite) = conn else {
        return conn.transaction(work);
    };
    let scope = scope::current();
    let _turn = scope.as_ref().map(|shared| shared.writers.wait_for_turn());
    AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
    let result = work(conn);
    if let DbConn::Sqlite(sqlite) = conn {
        match &result {
            Ok(_) => AnsiTransactionManager::commit_transaction(sqlite)?,
            Err(_) => AnsiTransactionManager::rollback_transaction(sqlite)?,
        }
    }
    result
}
