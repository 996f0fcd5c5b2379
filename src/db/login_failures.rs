//! Failed logins per throttle key (an account email or a client address).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::login_failures;

/// Failures of `key` at or after `since`, oldest first (their times decide when
/// the throttle lifts).
pub fn recent(conn: &mut DbConn, key: &str, since: NaiveDateTime) -> QueryResult<Vec<NaiveDateTime>> {
    login_failures::table
        .filter(login_failures::throttle_key.eq(key))
        .filter(login_failures::failed_at.ge(since))
        .order(login_failures::failed_at)
        .select(login_failures::failed_at)
        .load(conn)
}

pub fn record(conn: &mut DbConn, key: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::id.eq(uuid::Uuid::now_v7().to_string()),
            login_failures::throttle_key.eq(key),
            login_failures::failed_at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}

/// Forgets the failures of `key` (after a successful login) and any older than
/// `before` (housekeeping).
pub fn clear(conn: &mut DbConn, key: &str, before: NaiveDateTime) -> QueryResult<()> {
    diesel::delete(
        login_failures::table.filter(login_failures::throttle_key.eq(key).or(login_failures::failed_at.lt(before))),
    )
    .execute(conn)
    .map(drop)
}
