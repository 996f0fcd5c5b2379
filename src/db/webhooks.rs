//! Queries on `webhook_subscriptions`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::webhook_subscriptions;
use crate::domain::ids::{AccountId, WebhookId};
use crate::domain::webhook::EventType;

/// A subscription as stored. `event_types` is the comma-separated list (see
/// [`Subscription::events`]).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_subscriptions, treat_none_as_default_value = false)]
pub struct Subscription {
    pub id: WebhookId,
    pub url: String,
    pub description: String,
    pub event_types: String,
    pub secret: String,
    pub active: bool,
    pub consecutive_failures: i32,
    pub disabled_reason: Option<String>,
    pub created_by: AccountId,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

impl Subscription {
    /// The event types asked for; a stored name no longer known is skipped.
    pub fn events(&self) -> Vec<EventType> {
        self.event_types.split(',').filter_map(|name| name.parse().ok()).collect()
    }

    pub fn wants(&self, event: EventType) -> bool {
        self.event_types.split(',').any(|name| name == event.as_str())
    }
}

/// The stored form of a list of event types.
pub fn join_events(events: &[EventType]) -> String {
    events.iter().map(|event| event.as_str()).collect::<Vec<_>>().join(",")
}

/// What an update changes; `None` leaves a field as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = webhook_subscriptions)]
pub struct SubscriptionChanges {
    pub url: Option<String>,
    pub description: Option<String>,
    pub event_types: Option<String>,
    pub secret: Option<String>,
    pub active: Option<bool>,
    pub consecutive_failures: Option<i32>,
    pub disabled_reason: Option<Option<String>>,
}

pub fn insert(conn: &mut DbConn, subscription: &Subscription) -> QueryResult<()> {
    diesel::insert_into(webhook_subscriptions::table).values(subscription).execute(conn).map(drop)
}

pub fn find(conn: &mut DbConn, id: &WebhookId) -> QueryResult<Option<Subscription>> {
    webhook_subscriptions::table.find(id).select(Subscription::as_select()).first(conn).optional()
}

/// Applies `changes` when the stored version is `version`; `Ok(false)` when it
/// is not (changed meanwhile).
pub fn update(
    conn: &mut DbConn,
    id: &WebhookId,
    version: i32,
    changes: &SubscriptionChanges,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let updated =
        diesel::update(webhook_subscriptions::table.find(id).filter(webhook_subscriptions::version.eq(version)))
            .set((changes, webhook_subscriptions::updated_at.eq(at), webhook_subscriptions::version.eq(version + 1)))
            .execute(conn)?;
    Ok(updated == 1)
}

pub fn delete(conn: &mut DbConn, id: &WebhookId) -> QueryResult<bool> {
    Ok(diesel::delete(webhook_subscriptions::table.find(id)).execute(conn)? == 1)
}

/// The active subscriptions, for the fan-out.
pub fn active(conn: &mut DbConn) -> QueryResult<Vec<Subscription>> {
    webhook_subscriptions::table
        .filter(webhook_subscriptions::active.eq(true))
        .order(webhook_subscriptions::id)
        .select(Subscription::as_select())
        .load(conn)
}

/// A page in id order; with `changed_since`, only those updated since.
pub fn list_page(
    conn: &mut DbConn,
    changed_since: Option<NaiveDateTime>,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<Subscription>> {
    let mut query = webhook_subscriptions::table
        .order(webhook_subscriptions::id)
        .limit(limit)
        .select(Subscription::as_select())
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(webhook_subscriptions::id.gt(after.to_owned()));
    }
    if let Some(since) = changed_since {
        query = query.filter(webhook_subscriptions::updated_at.ge(since));
    }
    query.load(conn)
}

/// Records the outcome of a delivery that ended: a success resets the count of
/// failures in a row, a failure adds one. Returns the count after.
pub fn count_outcome(conn: &mut DbConn, id: &WebhookId, succeeded: bool) -> QueryResult<i32> {
    let target = webhook_subscriptions::table.find(id);
    if succeeded {
        diesel::update(target.filter(webhook_subscriptions::consecutive_failures.ne(0)))
            .set(webhook_subscriptions::consecutive_failures.eq(0))
            .execute(conn)?;
        return Ok(0);
    }
    diesel::update(target)
        .set(webhook_subscriptions::consecutive_failures.eq(webhook_subscriptions::consecutive_failures + 1))
        .execute(conn)?;
    // A subscription deleted meanwhile has no count (and nothing to disable).
    Ok(target.select(webhook_subscriptions::consecutive_failures).first(conn).optional()?.unwrap_or(0))
}

/// Turns an active subscription off for `reason`; `Ok(false)` when it was off already.
pub fn disable(conn: &mut DbConn, id: &WebhookId, reason: &str, at: NaiveDateTime) -> QueryResult<bool> {
    let updated = diesel::update(webhook_subscriptions::table.find(id).filter(webhook_subscriptions::active.eq(true)))
        .set((
            webhook_subscriptions::active.eq(false),
            webhook_subscriptions::disabled_reason.eq(reason),
            webhook_subscriptions::updated_at.eq(at),
            webhook_subscriptions::version.eq(webhook_subscriptions::version + 1),
        ))
        .execute(conn)?;
    Ok(updated == 1)
}
