//! Queries on `webhook_deliveries` and the fan-out cursor (`webhook_state`).
//!
//! A delivery is claimed by one dispatcher at a time: the claim sets
//! `claimed_until` in a short transaction, and on PostgreSQL selects the due rows
//! `FOR UPDATE SKIP LOCKED`, so instances claiming at the same moment take
//! different rows (one that lost the race re-reads `claimed_until` and skips the
//! row). On SQLite the claim's `BEGIN IMMEDIATE` admits one claimer at a time.
//! A dispatcher that dies mid-send leaves its lease to run out; the delivery is
//! then due again (at least once).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{webhook_deliveries, webhook_state, webhook_subscriptions};
use crate::domain::ids::{DeliveryId, WebhookId};
use crate::domain::webhook::{DeliveryStatus, EventType};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_deliveries, treat_none_as_default_value = false)]
pub struct Delivery {
    pub id: DeliveryId,
    pub subscription_id: WebhookId,
    pub outbox_seq: i64,
    pub event_type: EventType,
    pub payload: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: Option<NaiveDateTime>,
    pub claimed_until: Option<NaiveDateTime>,
    pub last_attempt_at: Option<NaiveDateTime>,
    pub last_response_code: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The last outbox seq fanned out, the row locked until the transaction ends on
/// PostgreSQL (one fan-out at a time across instances; SQLite's writer lock
/// does the same there).
pub fn cursor_for_update(conn: &mut DbConn) -> QueryResult<i64> {
    let query = || webhook_state::table.find(1).select(webhook_state::fanned_out_through);
    match conn {
        DbConn::Postgresql(pg) => query().for_update().first(pg),
        DbConn::Sqlite(sqlite) => query().first(sqlite),
    }
}

/// The last outbox seq fanned out, as committed (no lock: to see whether a
/// fan-out has anything to do before taking the writer's lock).
pub fn cursor(conn: &mut DbConn) -> QueryResult<i64> {
    webhook_state::table.find(1).select(webhook_state::fanned_out_through).first(conn)
}

/// Whether any delivery is due at `now`, without claiming it (a read, so that
/// an idle dispatcher takes no writer's lock).
pub fn any_due(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<bool> {
    use webhook_deliveries::dsl as d;
    let due = webhook_deliveries::table
        .filter(d::status.eq(DeliveryStatus::Pending))
        .filter(d::next_attempt_at.le(now))
        .filter(d::claimed_until.is_null().or(d::claimed_until.lt(now)));
    diesel::select(diesel::dsl::exists(due)).get_result(conn)
}

pub fn set_cursor(conn: &mut DbConn, seq: i64) -> QueryResult<()> {
    diesel::update(webhook_state::table.find(1)).set(webhook_state::fanned_out_through.eq(seq)).execute(conn).map(drop)
}

pub fn insert(conn: &mut DbConn, delivery: &Delivery) -> QueryResult<()> {
    diesel::insert_into(webhook_deliveries::table).values(delivery).execute(conn).map(drop)
}

/// Up to `limit` deliveries due at `now` of active subscriptions, claimed until
/// `lease_until`, each with its subscription's URL and secret.
pub fn claim_due(
    conn: &mut DbConn,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<(Delivery, String, String)>> {
    use webhook_deliveries::dsl as d;
    let active =
        webhook_subscriptions::table.filter(webhook_subscriptions::active.eq(true)).select(webhook_subscriptions::id);
    let due = || {
        webhook_deliveries::table
            .filter(d::status.eq(DeliveryStatus::Pending))
            .filter(d::next_attempt_at.le(now))
            .filter(d::claimed_until.is_null().or(d::claimed_until.lt(now)))
            .filter(d::subscription_id.eq_any(active))
            .order(d::next_attempt_at)
            .limit(limit)
            .select(d::id)
    };
    let ids: Vec<DeliveryId> = match conn {
        DbConn::Postgresql(pg) => due().for_update().skip_locked().load(pg)?,
        DbConn::Sqlite(sqlite) => due().load(sqlite)?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::update(webhook_deliveries::table.filter(d::id.eq_any(&ids)))
        .set(d::claimed_until.eq(lease_until))
        .execute(conn)?;
    webhook_deliveries::table
        .inner_join(webhook_subscriptions::table)
        .filter(d::id.eq_any(&ids))
        .order(d::next_attempt_at)
        .select((Delivery::as_select(), webhook_subscriptions::url, webhook_subscriptions::secret))
        .load(conn)
}

/// What one attempt came to.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub at: NaiveDateTime,
    pub response_code: Option<i32>,
    pub error: Option<String>,
    /// `Succeeded`, `Failed` (no attempts left) or `Pending` (retried at `next_attempt_at`).
    pub status: DeliveryStatus,
    pub next_attempt_at: Option<NaiveDateTime>,
}

/// Records an attempt and releases the claim.
pub fn record_attempt(conn: &mut DbConn, id: &DeliveryId, attempt: &Attempt) -> QueryResult<()> {
    use webhook_deliveries::dsl as d;
    diesel::update(webhook_deliveries::table.find(id))
        .set((
            d::attempts.eq(d::attempts + 1),
            d::status.eq(attempt.status),
            d::next_attempt_at.eq(attempt.next_attempt_at),
            d::claimed_until.eq(None::<NaiveDateTime>),
            d::last_attempt_at.eq(attempt.at),
            d::last_response_code.eq(attempt.response_code),
            d::last_error.eq(attempt.error.as_deref()),
            d::delivered_at.eq((attempt.status == DeliveryStatus::Succeeded).then_some(attempt.at)),
            d::updated_at.eq(attempt.at),
        ))
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConn, subscription: &WebhookId, id: &DeliveryId) -> QueryResult<Option<Delivery>> {
    webhook_deliveries::table
        .find(id)
        .filter(webhook_deliveries::subscription_id.eq(subscription))
        .select(Delivery::as_select())
        .first(conn)
        .optional()
}

/// Makes the delivery due now with a fresh set of attempts (manual redelivery).
pub fn redeliver(conn: &mut DbConn, id: &DeliveryId, at: NaiveDateTime) -> QueryResult<()> {
    use webhook_deliveries::dsl as d;
    diesel::update(webhook_deliveries::table.find(id))
        .set((
            d::status.eq(DeliveryStatus::Pending),
            d::attempts.eq(0),
            d::next_attempt_at.eq(at),
            d::updated_at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}

/// A page of the subscription's deliveries, newest first (ids are time-ordered).
pub fn list_page(
    conn: &mut DbConn,
    subscription: &WebhookId,
    changed_since: Option<NaiveDateTime>,
    before: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<Delivery>> {
    use webhook_deliveries::dsl as d;
    let mut query = webhook_deliveries::table
        .filter(d::subscription_id.eq(subscription))
        .order(d::id.desc())
        .limit(limit)
        .select(Delivery::as_select())
        .into_boxed();
    if let Some(since) = changed_since {
        query = query.filter(d::updated_at.ge(since));
    }
    if let Some(before) = before {
        query = query.filter(d::id.lt(before.to_owned()));
    }
    query.load(conn)
}

/// Removes the deliveries that ended (succeeded or failed) before `before`.
/// Returns how many went.
pub fn prune_finished(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    use webhook_deliveries::dsl as d;
    diesel::delete(
        webhook_deliveries::table.filter(d::status.ne(DeliveryStatus::Pending)).filter(d::updated_at.lt(before)),
    )
    .execute(conn)
}
