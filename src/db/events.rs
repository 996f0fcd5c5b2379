//! Queries on `events`.

use crate::domain::ids::{AccountId, EventId, LocalityId};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::Bool;

use super::DbConn;
use super::geo::distance_km;
use super::schema::{event_page_versions, events};
use crate::domain::event::{EventKind, EventStatus};
use crate::domain::geo::Near;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = events, treat_none_as_default_value = false)]
pub struct Event {
    pub id: EventId,
    pub branch_code: String,
    pub locality_id: Option<LocalityId>,
    pub kind: EventKind,
    pub title: String,
    pub description: Option<String>,
    pub venue: Option<String>,
    pub address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub status: EventStatus,
    pub cancel_reason: Option<String>,
    pub created_by: AccountId,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = events)]
pub struct EventChanges {
    pub locality_id: Option<Option<LocalityId>>,
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub venue: Option<Option<String>>,
    pub address: Option<Option<String>>,
    pub latitude: Option<Option<f64>>,
    pub longitude: Option<Option<f64>>,
    pub starts_at: Option<NaiveDateTime>,
    pub ends_at: Option<NaiveDateTime>,
    pub status: Option<EventStatus>,
    pub cancel_reason: Option<Option<String>>,
}

#[derive(Debug, Default, Clone)]
pub struct EventFilter {
    pub branch: Option<String>,
    pub locality_id: Option<String>,
    pub kind: Option<EventKind>,
    pub status: Option<EventStatus>,
    /// Statuses hidden from the caller (drafts, for volunteers).
    pub exclude_status: Option<EventStatus>,
    /// Leaves out the meeting kinds (the public feed).
    pub exclude_meetings: bool,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    pub has_free_places: bool,
    pub updated_since: Option<NaiveDateTime>,
    /// Keyset cursor: after this (starts_at, id).
    pub after: Option<(NaiveDateTime, String)>,
    /// Keyset cursor of a sync (`updated_since` given): after this (updated_at, id).
    pub after_change: Option<(NaiveDateTime, String)>,
    /// Within this circle, nearest first (events without coordinates left out).
    pub near: Option<Near>,
    /// Keyset cursor of a `near` list: after this (distance, id).
    pub after_near: Option<(f64, String)>,
}

pub fn insert(conn: &mut DbConn, event: &Event) -> QueryResult<()> {
    diesel::insert_into(events::table).values(event).execute(conn).map(drop)
}

pub fn find(conn: &mut DbConn, id: &EventId) -> QueryResult<Option<Event>> {
    events::table.find(id).select(Event::as_select()).first(conn).optional()
}

/// The events of `ids` that exist, in one query (the change feed's page).
pub fn find_many(conn: &mut DbConn, ids: &[EventId]) -> QueryResult<Vec<Event>> {
    events::table.filter(events::id.eq_any(ids)).select(Event::as_select()).load(conn)
}

/// Events in start order.
pub fn list(conn: &mut DbConn, filter: &EventFilter, limit: i64) -> QueryResult<Vec<Event>> {
    let mut query = events::table.select(Event::as_select()).limit(limit).into_boxed();
    query = match &filter.updated_since {
        // A sync pages in change order, so an event changed behind the cursor comes again.
        Some(_) => query.order((events::updated_at, events::id)),
        None => query.order((events::starts_at, events::id)),
    };
    if let Some((at, id)) = &filter.after_change {
        query = query.filter(events::updated_at.gt(*at).or(events::updated_at.eq(*at).and(events::id.gt(id.clone()))));
    }
    if let Some(branch) = &filter.branch {
        query = query.filter(events::branch_code.eq(branch.clone()));
    }
    if let Some(locality) = &filter.locality_id {
        query = query.filter(events::locality_id.eq(locality.clone()));
    }
    if let Some(kind) = &filter.kind {
        query = query.filter(events::kind.eq(*kind));
    }
    if let Some(status) = &filter.status {
        query = query.filter(events::status.eq(*status));
    }
    if let Some(hidden) = &filter.exclude_status {
        query = query.filter(events::status.ne(*hidden));
    }
    if filter.exclude_meetings {
        query = query.filter(events::kind.ne_all(EventKind::MEETINGS));
    }
    if let Some(from) = filter.from {
        query = query.filter(events::ends_at.gt(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(events::starts_at.lt(to));
    }
    if filter.has_free_places {
        // Some shift has fewer taken places than its capacity.
        query = query.filter(diesel::dsl::sql::<Bool>(
            "EXISTS (SELECT 1 FROM shifts s WHERE s.event_id = events.id AND s.cancelled_at IS NULL AND s.capacity > \
             (SELECT COUNT(*) FROM assignments a WHERE a.shift_id = s.id \
              AND a.status IN ('signed_up', 'attended', 'no_show')))",
        ));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(events::updated_at.ge(since));
    }
    if let Some((starts_at, id)) = &filter.after {
        query = query.filter(
            events::starts_at.gt(*starts_at).or(events::starts_at.eq(*starts_at).and(events::id.gt(id.clone()))),
        );
    }
    if let Some(near) = filter.near {
        // The box narrows on the indexed columns; the distance decides and orders.
        let ((south, north), lngs) = near.bounding_box();
        query = query.filter(events::latitude.between(south, north));
        if let Some((west, east)) = lngs {
            query = query.filter(events::longitude.between(west, east));
        }
        let distance = || distance_km(events::latitude, events::longitude, near.lat, near.lng);
        query = query.filter(distance().le(near.radius_km)).order((distance(), events::id));
        if let Some((after, id)) = &filter.after_near {
            query = query.filter(distance().gt(*after).or(distance().eq(*after).and(events::id.gt(id.clone()))));
        }
    }
    query.load(conn)
}

/// The distance of an event from a `near` point, as the list computes it (for
/// the next page's cursor).
/// The change counter of a branch's events pages: bumped by the database
/// (triggers of the migration `event_page_versions`) in the transaction of every
/// write to the branch's events, shifts and sign-ups. `None` for no such branch.
pub fn page_version(conn: &mut DbConn, branch: &str) -> QueryResult<Option<i64>> {
    event_page_versions::table.find(branch).select(event_page_versions::version).get_result(conn).optional()
}

pub fn distance(conn: &mut DbConn, id: &EventId, near: &Near) -> QueryResult<Option<f64>> {
    events::table.find(id).select(distance_km(events::latitude, events::longitude, near.lat, near.lng)).first(conn)
}

pub fn update(
    conn: &mut DbConn,
    id: &EventId,
    expected_version: i32,
    changes: &EventChanges,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let target = events::table.filter(events::id.eq(id)).filter(events::version.eq(expected_version));
    let updated = diesel::update(target)
        .set((changes, events::updated_at.eq(now), events::version.eq(expected_version + 1)))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Marks the event changed (its shifts or sign-ups changed): a new version and
/// stamp, so `If-Match` and clients syncing with `updated_since` see the change.
/// The change feed hears of it too (see [`super::outbox`]).
pub fn touch(conn: &mut DbConn, id: &EventId, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(events::table.find(id))
        .set((events::updated_at.eq(now), events::version.eq(events::version + 1)))
        .execute(conn)?;
    super::outbox::append_updates(conn, crate::domain::change::ChangeType::Event, &[id.as_str()])
}
