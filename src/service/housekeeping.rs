//! Forgetting what is no longer needed: stored replies to idempotent requests
//! after [`IDEMPOTENCY_RETENTION`], throttle events after [`THROTTLE_RETENTION`],
//! the change feed's outbox rows after `CHANGE_RETENTION_DAYS` ([`purge_changes`]),
//! and finished webhook deliveries after the same time.
//! Runs hourly on a thread of its own while the server serves.

use std::time::Duration;

use chrono::TimeDelta;
use diesel::prelude::*;

use crate::db::schema::{idempotency_keys, throttle_events};
use crate::db::{Db, DbConn};
use crate::domain::time::now;

/// How long a replay with the same `Idempotency-Key` still gets the first
/// response: long enough for a phone that was offline for weeks to retry.
pub const IDEMPOTENCY_RETENTION: TimeDelta = TimeDelta::days(30);
/// Longer than every throttle window (15 minutes for logins, an hour for public
/// applications).
pub const THROTTLE_RETENTION: TimeDelta = TimeDelta::days(1);
const EVERY: Duration = Duration::from_secs(3600);

/// What one purge removed.
#[derive(Debug, PartialEq, Eq)]
pub struct Purged {
    pub idempotency_keys: usize,
    pub throttle_events: usize,
}

pub fn purge_expired(conn: &mut DbConn) -> QueryResult<Purged> {
    let at = now();
    let idempotency_keys =
        diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(at - IDEMPOTENCY_RETENTION)))
            .execute(conn)?;
    let throttle_events =
        diesel::delete(throttle_events::table.filter(throttle_events::at.lt(at - THROTTLE_RETENTION))).execute(conn)?;
    Ok(Purged { idempotency_keys, throttle_events })
}

/// Forgets the changes recorded more than `retention` ago; a feed cursor
/// before them then answers 410. Returns how many went.
pub fn purge_changes(conn: &mut DbConn, retention: TimeDelta) -> QueryResult<usize> {
    crate::db::outbox::prune(conn, now() - retention)
}

/// Forgets the webhook deliveries that ended more than `retention` ago (the
/// delivery log keeps what the change feed keeps). Returns how many went.
pub fn purge_deliveries(conn: &mut DbConn, retention: TimeDelta) -> QueryResult<usize> {
    crate::db::webhook_deliveries::prune_finished(conn, now() - retention)
}

/// Purges now and then every hour, for as long as the process runs.
pub fn start(db: Db, change_retention: TimeDelta) -> Result<(), String> {
    std::thread::Builder::new()
        .name("housekeeping".into())
        .spawn(move || {
            loop {
                match db.run_blocking(|conn| purge_expired(conn).map_err(|err| err.to_string())) {
                    Ok(purged) => tracing::info!(?purged, "expired idempotency keys and throttle events purged"),
                    Err(error) => tracing::warn!(%error, "housekeeping failed; retrying in an hour"),
                }
                match db.run_blocking(|conn| purge_changes(conn, change_retention).map_err(|err| err.to_string())) {
                    Ok(changes) => tracing::info!(changes, "changes past their retention purged from the feed"),
                    Err(error) => tracing::warn!(%error, "purging the change feed failed; retrying in an hour"),
                }
                match db.run_blocking(|conn| purge_deliveries(conn, change_retention).map_err(|err| err.to_string())) {
                    Ok(deliveries) => {
                        tracing::info!(deliveries, "finished webhook deliveries past their retention purged")
                    }
                    Err(error) => tracing::warn!(%error, "purging webhook deliveries failed; retrying in an hour"),
                }
                std::thread::sleep(EVERY);
            }
        })
        .map(drop)
        .map_err(|err| format!("cannot start the housekeeping thread: {err}"))
}
