//! The append-only audit log.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::audit_log;
use crate::domain::time::now;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log, treat_none_as_default_value = false)]
pub struct AuditEntry {
    pub id: String,
    pub at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub action: String,
    pub record_type: String,
    pub record_id: Option<String>,
    pub request_id: Option<String>,
    pub details: Option<String>,
}

/// What happened, to be recorded in the same transaction as the change itself.
#[derive(Debug, Clone, Default)]
pub struct AuditEvent<'a> {
    pub actor_id: Option<&'a str>,
    pub action: &'a str,
    pub record_type: &'a str,
    pub record_id: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub details: Option<String>,
}

/// Records `event`, and in the same transaction the change it stands for in
/// the outbox (see [`super::outbox::change_of`]).
pub fn record(conn: &mut DbConn, event: AuditEvent<'_>) -> QueryResult<()> {
    super::outbox::append_audited(conn, &event)?;
    diesel::insert_into(audit_log::table).values(&AuditEntry::from(event)).execute(conn).map(drop)
}

impl From<AuditEvent<'_>> for AuditEntry {
    /// The entry as of now, with a fresh time-ordered id.
    fn from(event: AuditEvent<'_>) -> Self {
        AuditEntry {
            id: uuid::Uuid::now_v7().to_string(),
            at: now(),
            actor_id: event.actor_id.map(str::to_owned),
            action: event.action.to_owned(),
            record_type: event.record_type.to_owned(),
            record_id: event.record_id.map(str::to_owned),
            request_id: event.request_id.map(str::to_owned),
            details: event.details,
        }
    }
}

#[derive(Debug, Default)]
pub struct AuditFilter {
    pub actor_id: Option<String>,
    pub action: Option<String>,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    /// Keyset cursor: entries older than this id (newest first).
    pub before: Option<String>,
}

/// Entries newest first.
pub fn list(conn: &mut DbConn, filter: &AuditFilter, limit: i64) -> QueryResult<Vec<AuditEntry>> {
    let mut query =
        audit_log::table.select(AuditEntry::as_select()).order(audit_log::id.desc()).limit(limit).into_boxed();
    if let Some(actor) = &filter.actor_id {
        query = query.filter(audit_log::actor_id.eq(actor.clone()));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_log::action.eq(action.clone()));
    }
    if let Some(record_type) = &filter.record_type {
        query = query.filter(audit_log::record_type.eq(record_type.clone()));
    }
    if let Some(record_id) = &filter.record_id {
        query = query.filter(audit_log::record_id.eq(record_id.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_log::at.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(audit_log::at.lt(to));
    }
    if let Some(before) = &filter.before {
        query = query.filter(audit_log::id.lt(before.clone()));
    }
    query.load(conn)
}

/// Entries about any of `record_ids`, newest first.
pub fn about_records(conn: &mut DbConn, record_ids: &[String], limit: i64) -> QueryResult<Vec<AuditEntry>> {
    audit_log::table
        .filter(audit_log::record_id.eq_any(record_ids))
        .order(audit_log::id.desc())
        .limit(limit)
        .select(AuditEntry::as_select())
        .load(conn)
}
