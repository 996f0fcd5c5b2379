//! Events counted against a limit, per throttle key (`account:EMAIL`,
//! `address:IP`, `application:IP`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::throttle_events;

/// Serialises checks of one key inside the current transaction. SQLite's
/// `BEGIN IMMEDIATE` already serialises writers; PostgreSQL needs a lock.
pub fn lock_key(conn: &mut DbConn, key: &str) -> QueryResult<()> {
    if let DbConn::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind::<diesel::sql_types::Text, _>(key)
            .execute(pg)?;
    }
    Ok(())
}

/// Events of `key` at or after `since`, oldest first (their times decide when
/// the throttle lifts).
pub fn recent(conn: &mut DbConn, key: &str, since: NaiveDateTime) -> QueryResult<Vec<NaiveDateTime>> {
    throttle_events::table
        .filter(throttle_events::throttle_key.eq(key))
        .filter(throttle_events::at.ge(since))
        .order(throttle_events::at)
        .select(throttle_events::at)
        .load(conn)
}

/// Counts one event; returns its id so a provisional count can be taken back.
pub fn record(conn: &mut DbConn, key: &str, at: NaiveDateTime) -> QueryResult<String> {
    let id = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(throttle_events::table)
        .values((throttle_events::id.eq(&id), throttle_events::throttle_key.eq(key), throttle_events::at.eq(at)))
        .execute(conn)?;
    Ok(id)
}

/// Counts one event of `key` about `subject` (the account a failed login tried).
pub fn record_about(conn: &mut DbConn, key: &str, subject: &str, at: NaiveDateTime) -> QueryResult<()> {
    let id = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(throttle_events::table)
        .values((
            throttle_events::id.eq(&id),
            throttle_events::throttle_key.eq(key),
            throttle_events::subject.eq(subject),
            throttle_events::at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}

/// The distinct subjects of `key`'s events at or after `since`, each with its
/// latest event, oldest first: one row per subject, however many events.
pub fn recent_subjects(conn: &mut DbConn, key: &str, since: NaiveDateTime) -> QueryResult<Vec<NaiveDateTime>> {
    use diesel::dsl::max;
    let latest: Vec<Option<NaiveDateTime>> = throttle_events::table
        .filter(throttle_events::throttle_key.eq(key))
        .filter(throttle_events::at.ge(since))
        .filter(throttle_events::subject.is_not_null())
        .group_by(throttle_events::subject)
        .select(max(throttle_events::at))
        .order(max(throttle_events::at))
        .load(conn)?;
    Ok(latest.into_iter().flatten().collect())
}

pub fn delete(conn: &mut DbConn, ids: &[String]) -> QueryResult<()> {
    diesel::delete(throttle_events::table.filter(throttle_events::id.eq_any(ids))).execute(conn).map(drop)
}

/// Forgets the events of `key` (after a successful login). Only that key's rows:
/// when every login also swept the expired rows of all keys, concurrent logins
/// deleted the same rows in different orders and PostgreSQL could abort one as a
/// deadlock. Expired rows go in the hourly housekeeping.
pub fn clear(conn: &mut DbConn, key: &str) -> QueryResult<()> {
    diesel::delete(throttle_events::table.filter(throttle_events::throttle_key.eq(key))).execute(conn).map(drop)
}
