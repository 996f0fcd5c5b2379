//! A circuit breaker in front of the pool: while the database is down, requests
//! answer 503 at once instead of each waiting the full checkout timeout.
//!
//! Closed (normal): every checkout is tried; [`FAILURES_TO_OPEN`] connection
//! failures in a row (the pool could not hand out a connection within its
//! timeout, or a request failed on a connection that then did not answer
//! `SELECT 1`) open it. Open: requests get 503 (`Retry-After`) without touching the pool,
//! and one background thread probes the database every [`PROBE_INTERVAL`]
//! (a checkout and `SELECT 1`); the first probe that succeeds closes it again.
//! A busy pool (every connection in use) is not a failure: that is load, and
//! the request waits its turn as before.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use diesel::connection::SimpleConnection;

use super::DbPool;
use crate::error::ApiError;

/// Failed checkouts in a row that open the breaker.
pub const FAILURES_TO_OPEN: u32 = 3;
/// How often an open breaker probes the database.
pub const PROBE_INTERVAL: Duration = Duration::from_millis(250);
/// How long one probe waits for a connection.
const PROBE_TIMEOUT: Duration = Duration::from_secs(1);

#[derive(Default)]
pub struct Breaker {
    failures: AtomicU32,
    open: AtomicBool,
}

impl Breaker {
    /// 503 at once while the breaker is open.
    pub fn check(&self) -> Result<(), ApiError> {
        if self.open.load(Ordering::Acquire) {
            return Err(ApiError::unavailable("circuit breaker open: the database failed repeatedly"));
        }
        Ok(())
    }

    /// Whether the breaker is open (for the metrics and readiness).
    pub fn is_open(&self) -> bool {
        self.open.load(Ordering::Acquire)
    }

    /// A checkout succeeded.
    pub fn success(&self) {
        if self.failures.load(Ordering::Relaxed) != 0 {
            self.failures.store(0, Ordering::Relaxed);
        }
    }

    /// A checkout failed: opens the breaker after [`FAILURES_TO_OPEN`] in a row
    /// and starts the probe that closes it.
    pub fn failure(self: &Arc<Self>, pool: &DbPool) {
        let failures = self.failures.fetch_add(1, Ordering::Relaxed).saturating_add(1);
        if failures < FAILURES_TO_OPEN || self.open.swap(true, Ordering::AcqRel) {
            return;
        }
        tracing::error!(failures, "database unreachable: circuit breaker open, answering 503 until a probe succeeds");
        let (breaker, pool) = (Arc::clone(self), pool.clone());
        let probe = std::thread::Builder::new().name("db-breaker-probe".into()).spawn(move || {
            loop {
                std::thread::sleep(PROBE_INTERVAL);
                if Arc::strong_count(&breaker) == 1 {
                    return; // the application is gone
                }
                let answered = pool
                    .get_timeout(PROBE_TIMEOUT)
                    .map_err(|err| err.to_string())
                    .and_then(|mut conn| conn.batch_execute("SELECT 1").map_err(|err| err.to_string()));
                if answered.is_ok() {
                    breaker.failures.store(0, Ordering::Relaxed);
                    breaker.open.store(false, Ordering::Release);
                    tracing::info!("database reachable again: circuit breaker closed");
                    return;
                }
            }
        });
        if let Err(err) = probe {
            // Without a probe the breaker must not stay open.
            tracing::error!(%err, "cannot start the circuit breaker's probe");
            self.failures.store(0, Ordering::Relaxed);
            self.open.store(false, Ordering::Release);
        }
    }
}
