//! The change feed: the outbox read back for one caller, each change with its
//! record as that caller's own `GET` would answer it now.
//!
//! A page costs one query for the outbox rows and, per record type on the
//! page, one batch of queries for the records (never one per item). Records are
//! rendered as they are at read time: a replica wants the latest state, and a
//! record changed twice on one page shows its latest state twice.
//!
//! What the caller may not see is left out, never revealed: a change of a
//! record outside the caller's scope is skipped. A tombstone (`deleted: true`)
//! stands for a record that is gone (a deleted locality or member
//! organisation, national reference data everyone reads; admins get every
//! tombstone) or for a route the calling volunteer was taken off.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::auth::{AuthUser, SessionUser};
use crate::db::audit::AuditEvent;
use crate::db::outbox::{self, OutboxRow};
use crate::db::{Db, DbConn, events, localities, meetings, member_organisations, routes, shifts, volunteers};
use crate::domain::change::ChangeType;
use crate::domain::ids::{EventId, LocalityId, MemberOrganisationId, RouteId, VolunteerId};
use crate::domain::role::Role;
use crate::domain::time::utc;
use crate::domain::volunteer::VolunteerStatus;
use crate::dto::change::{ChangeOut, ChangePage};
use crate::dto::locality::LocalityOut;
use crate::dto::member_organisation::MemberOrganisationOut;
use crate::dto::route::RouteOut;
use crate::dto::volunteer::VolunteerOut;
use crate::error::ApiError;

/// What the caller gets of one record: its rendering, or `None` when it
/// exists but is not the caller's to see. A record absent from the map is gone.
type Rendered = HashMap<String, Option<serde_json::Value>>;

/// One page of changes after `after` (the start when `None`), of `types` (all
/// when empty): `limit` outbox rows at most are read, and the caller's share of
/// them answered; `from_now`: an empty page at the end of the feed. 410 when `after` lies before what retention kept.
pub async fn page(
    db: &Db,
    actor: &AuthUser,
    after: Option<i64>,
    types: Vec<ChangeType>,
    limit: i64,
    from_now: bool,
) -> Result<ChangePage, ApiError> {
    let reader = SessionUser::clone(actor);
    let (page, personal_records) = db
        .run(move |conn| {
            let (last_seq, pruned_through) = outbox::state(conn)?;
            if let Some(after) = after
                && (after < pruned_through || after > last_seq)
            {
                return Err(ApiError::Gone(
                    "the changes after this cursor are no longer kept; resync from the lists, then follow the \
                     feed from a new cursor"
                        .into(),
                ));
            }
            let start = after.unwrap_or(pruned_through);
            if from_now {
                return Ok((ChangePage { items: Vec::new(), next_cursor: last_seq.to_string(), has_more: false }, 0));
            }
            let rows = outbox::page(conn, start, &types, limit)?;
            let has_more = i64::try_from(rows.len()).unwrap_or(i64::MAX) >= limit;
            let next = rows.last().and_then(|row| row.seq).unwrap_or(start);
            let (items, personal_records) = render(conn, &reader, rows)?;
            Ok((ChangePage { items, next_cursor: next.to_string(), has_more }, personal_records))
        })
        .await?;
    if personal_records > 0 && actor.visibility().shows_personal_data() {
        db.record_read(AuditEvent {
            actor_id: Some(&actor.account_id),
            action: "volunteer_changes_listed",
            record_type: "volunteer",
            record_id: None,
            request_id: actor.request_id.as_deref(),
            details: Some(format!("{personal_records} volunteers in the change feed")),
        })
        .await?;
    }
    Ok(page)
}

/// The caller's items of `rows`, and how many volunteers' records they show.
fn render(conn: &mut DbConn, actor: &SessionUser, rows: Vec<OutboxRow>) -> Result<(Vec<ChangeOut>, usize), ApiError> {
    let mut ids: HashMap<ChangeType, Vec<String>> = HashMap::new();
    for row in &rows {
        let of_type = ids.entry(row.resource_type).or_default();
        if !of_type.contains(&row.resource_id) {
            of_type.push(row.resource_id.clone());
        }
    }
    let mut rendered: HashMap<ChangeType, Rendered> = HashMap::new();
    let mut personal_records = 0;
    for (resource_type, ids) in ids {
        let records = match resource_type {
            ChangeType::Volunteer => render_volunteers(conn, actor, &ids)?,
            ChangeType::Event => render_events(conn, actor, &ids)?,
            ChangeType::Meeting => render_meetings(conn, actor, &ids)?,
            ChangeType::Route => render_routes(conn, actor, &ids)?,
            ChangeType::Locality => render_localities(conn, &ids)?,
            ChangeType::MemberOrganisation => render_member_organisations(conn, &ids)?,
        };
        if resource_type == ChangeType::Volunteer {
            personal_records = records.values().filter(|record| record.is_some()).count();
        }
        rendered.insert(resource_type, records);
    }
    let items = rows
        .into_iter()
        .filter_map(|row| {
            let seq = row.seq?;
            let record = match rendered.get(&row.resource_type).and_then(|records| records.get(&row.resource_id)) {
                Some(Some(record)) => Some(record.clone()),
                // Out of the caller's sight: a tombstone only for whom the
                // change took it from (a volunteer off a route), else nothing.
                Some(None) => {
                    let concerned = row.subject_id.is_some()
                        && row.subject_id.as_deref() == actor.volunteer_id.as_ref().map(VolunteerId::as_str);
                    if !concerned {
                        return None;
                    }
                    None
                }
                None => {
                    let everyone_reads =
                        matches!(row.resource_type, ChangeType::Locality | ChangeType::MemberOrganisation);
                    if !everyone_reads && actor.role != Role::Admin {
                        return None;
                    }
                    None
                }
            };
            let version = record.as_ref().and_then(|record| record.get("version")).and_then(serde_json::Value::as_i64);
            Some(ChangeOut {
                seq,
                resource_type: row.resource_type,
                id: row.resource_id,
                operation: row.operation,
                at: utc(row.at),
                version,
                deleted: record.is_none(),
                record,
            })
        })
        .collect();
    Ok((items, personal_records))
}

fn parse_ids<T: std::str::FromStr>(ids: &[String]) -> Vec<T> {
    ids.iter().filter_map(|id| id.parse().ok()).collect()
}

fn json(value: &impl Serialize) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(value).map_err(ApiError::internal)
}

fn render_volunteers(conn: &mut DbConn, actor: &SessionUser, ids: &[String]) -> Result<Rendered, ApiError> {
    let rows = volunteers::find_many(conn, &parse_ids::<VolunteerId>(ids))?;
    let staff = matches!(actor.role, Role::Admin | Role::Coordinator);
    let applicants: Vec<VolunteerId> = rows
        .iter()
        .filter(|row| staff && row.status == VolunteerStatus::Applicant && super::volunteers::sees(actor, row))
        .map(|row| row.id.clone())
        .collect();
    let mut requested = shifts::requested_by(conn, &applicants)?;
    let visibility = actor.visibility();
    let mut rendered = Rendered::new();
    for row in rows {
        let id = row.id.to_string();
        let record = if super::volunteers::sees(actor, &row) {
            let requested_shift_id = requested.remove(&row.id);
            Some(json(&VolunteerOut { requested_shift_id, ..VolunteerOut::new(row, visibility) })?)
        } else {
            None
        };
        rendered.insert(id, record);
    }
    Ok(rendered)
}

fn render_events(conn: &mut DbConn, actor: &SessionUser, ids: &[String]) -> Result<Rendered, ApiError> {
    let rows = events::find_many(conn, &parse_ids::<EventId>(ids))?;
    let mut rendered = Rendered::new();
    let (visible, hidden): (Vec<_>, Vec<_>) = rows.into_iter().partition(|event| super::events::sees(actor, event));
    for event in hidden {
        rendered.insert(event.id.to_string(), None);
    }
    for view in super::events::views(conn, visible)? {
        rendered.insert(view.id.to_string(), Some(json(&view)?));
    }
    Ok(rendered)
}

fn render_meetings(conn: &mut DbConn, actor: &SessionUser, ids: &[String]) -> Result<Rendered, ApiError> {
    let ids = parse_ids::<EventId>(ids);
    let mut found: HashMap<EventId, _> =
        events::find_many(conn, &ids)?.into_iter().map(|event| (event.id.clone(), event)).collect();
    let mut rendered = Rendered::new();
    let mut visible = Vec::new();
    for meeting in meetings::meetings_for_events(conn, &ids)? {
        let Some(event) = found.remove(&meeting.event_id) else { continue };
        if super::meetings::sees(actor, &event) {
            visible.push((meeting, event));
        } else {
            rendered.insert(event.id.to_string(), None);
        }
    }
    for view in super::meetings::views(conn, visible)? {
        rendered.insert(view.id.to_string(), Some(json(&view)?));
    }
    Ok(rendered)
}

fn render_routes(conn: &mut DbConn, actor: &SessionUser, ids: &[String]) -> Result<Rendered, ApiError> {
    let rows = routes::find_many(conn, &parse_ids::<RouteId>(ids))?;
    let route_ids: Vec<RouteId> = rows.iter().map(|route| route.id.clone()).collect();
    let mut assignees: HashMap<RouteId, Vec<VolunteerId>> = HashMap::new();
    for (route_id, volunteer_id) in routes::assignees_of_routes(conn, &route_ids)? {
        assignees.entry(route_id).or_default().push(volunteer_id);
    }
    // The same rule as `GET /routes/{id}`: staff of its branch, admins,
    // observers, and the volunteers assigned to it now.
    let sees = |route: &routes::Route, assigned: &[VolunteerId]| match actor.role {
        Role::Admin | Role::Observer => true,
        Role::Coordinator => actor.sees_branch(&route.branch_code),
        Role::Volunteer => actor.volunteer_id.as_ref().is_some_and(|volunteer| assigned.contains(volunteer)),
    };
    let visible_ids: Vec<RouteId> = rows
        .iter()
        .filter(|route| sees(route, assignees.get(&route.id).map_or(&[][..], Vec::as_slice)))
        .map(|route| route.id.clone())
        .collect();
    let mut stops: HashMap<RouteId, Vec<routes::Stop>> = HashMap::new();
    for stop in routes::stops_of_routes(conn, &visible_ids)? {
        stops.entry(stop.route_id.clone()).or_default().push(stop);
    }
    let visible: HashSet<RouteId> = visible_ids.into_iter().collect();
    let mut rendered = Rendered::new();
    for route in rows {
        let id = route.id.to_string();
        let record = if visible.contains(&route.id) {
            let assigned = assignees.remove(&route.id).unwrap_or_default();
            let route_stops = stops.remove(&route.id).unwrap_or_default();
            Some(json(&RouteOut::new(route, assigned, Some(route_stops)))?)
        } else {
            None
        };
        rendered.insert(id, record);
    }
    Ok(rendered)
}

fn render_localities(conn: &mut DbConn, ids: &[String]) -> Result<Rendered, ApiError> {
    let mut rendered = Rendered::new();
    for row in localities::find_many(conn, &parse_ids::<LocalityId>(ids))? {
        rendered.insert(row.id.to_string(), Some(json(&LocalityOut::from(row))?));
    }
    Ok(rendered)
}

fn render_member_organisations(conn: &mut DbConn, ids: &[String]) -> Result<Rendered, ApiError> {
    let mut rendered = Rendered::new();
    for row in member_organisations::find_many(conn, &parse_ids::<MemberOrganisationId>(ids))? {
        rendered.insert(row.id.to_string(), Some(json(&MemberOrganisationOut::from(row))?));
    }
    Ok(rendered)
}
