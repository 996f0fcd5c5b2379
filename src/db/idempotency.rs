//! Stored responses of idempotent requests, one row per (scope, key). A row is
//! claimed, worked on and answered inside the transaction of the request's work
//! (see `service::idempotency`), so no other transaction ever sees it unanswered.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::idempotency_keys;

/// A row as a later request with the same key finds it.
pub struct StoredKey {
    pub request_hash: String,
    /// 0 while unanswered: only rows claimed by an earlier version of the
    /// server, which committed its claim in a transaction of its own.
    pub status_code: i32,
    pub response_body: Option<String>,
    pub created_at: NaiveDateTime,
}

/// Claims (`scope`, `key`) for the current transaction; false when a row is
/// there already. On PostgreSQL an insert that meets another transaction's
/// uncommitted claim waits for it to end, so the caller then reads its answer
/// (or claims the key itself if that transaction rolled back). SQLite's
/// `BEGIN IMMEDIATE` has already serialised the two.
pub fn claim(conn: &mut DbConn, scope: &str, key: &str, request_hash: &str, at: NaiveDateTime) -> QueryResult<bool> {
    // diesel's MultiConnection has no ON CONFLICT: the same statement per backend.
    let claim = || {
        diesel::insert_into(idempotency_keys::table)
            .values((
                idempotency_keys::scope.eq(scope),
                idempotency_keys::idempotency_key.eq(key),
                idempotency_keys::request_hash.eq(request_hash),
                idempotency_keys::status_code.eq(0),
                idempotency_keys::created_at.eq(at),
            ))
            .on_conflict_do_nothing()
    };
    let inserted = match conn {
        DbConn::Postgresql(pg) => claim().execute(pg)?,
        DbConn::Sqlite(sqlite) => claim().execute(sqlite)?,
    };
    Ok(inserted == 1)
}

pub fn find(conn: &mut DbConn, scope: &str, key: &str) -> QueryResult<Option<StoredKey>> {
    idempotency_keys::table
        .find((scope, key))
        .select((
            idempotency_keys::request_hash,
            idempotency_keys::status_code,
            idempotency_keys::response_body,
            idempotency_keys::created_at,
        ))
        .first::<(String, i32, Option<String>, NaiveDateTime)>(conn)
        .optional()
        .map(|row| {
            row.map(|(request_hash, status_code, response_body, created_at)| StoredKey {
                request_hash,
                status_code,
                response_body,
                created_at,
            })
        })
}

/// Takes over an abandoned claim (see [`StoredKey::status_code`]) for the
/// current transaction.
pub fn take_over(conn: &mut DbConn, scope: &str, key: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(idempotency_keys::table.find((scope, key)))
        .set(idempotency_keys::created_at.eq(at))
        .execute(conn)
        .map(drop)
}

pub fn store_response(conn: &mut DbConn, scope: &str, key: &str, status: u16, body: &str) -> QueryResult<()> {
    diesel::update(idempotency_keys::table.find((scope, key)))
        .set((idempotency_keys::status_code.eq(i32::from(status)), idempotency_keys::response_body.eq(body)))
        .execute(conn)
        .map(drop)
}

/// A crash the tests inject after an idempotent request's work and before its
/// response is stored, to show that the work does not outlive it. Only code
/// arms it (the test harness, through `AppState`): no setting, no request can.
#[doc(hidden)]
#[derive(Clone, Default)]
pub struct InjectedCrash(Arc<AtomicU32>);

impl InjectedCrash {
    /// The next `times` idempotent requests with a key crash at that point.
    #[doc(hidden)]
    pub fn arm(&self, times: u32) {
        self.0.store(times, Ordering::SeqCst);
    }

    /// Whether this request crashes (using up one armed crash).
    pub fn fires(&self) -> bool {
        self.0.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| left.checked_sub(1)).is_ok()
    }
}
