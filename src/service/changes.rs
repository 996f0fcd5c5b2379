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
//! tombstone), for a record gone for those who could read it (a removed
//! social-media post, to the readers of its branch; a retired talking point,
//! to those who read only published items) or for a route the calling
//! volunteer was taken off.
//!
//! Sign-ups (`assignment`) are records of their own too (`GET
//! /assignments/{id}`): a sign-up, cancellation, promotion or attendance mark
//! changes the assignment and its event (counts, waitlist), and each gets its
//! change. A volunteer reads only their own; observers read them without the
//! volunteer's name.
//!
//! Poster placements are records of their own (`GET /poster-placements/{id}`,
//! with their status history), not part of their site: the site's own `GET`
//! shows only what they add up to (`current_posters`, `last_checked_at`), and
//! a placement or inspection moves both, so each gets its change.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::auth::{AuthUser, SessionUser};
use crate::db::audit::AuditEvent;
use crate::db::outbox::{self, OutboxRow};
use crate::db::poster_placements::PlacementChange;
use crate::db::{
    Db, DbConn, events, localities, materials, meetings, member_organisations, poster_placements, poster_sites, routes,
    shifts, social_posts, talking_points, volunteers,
};
use crate::domain::change::ChangeType;
use crate::domain::ids::{
    AssignmentId, EventId, LocalityId, MaterialId, MemberOrganisationId, OrganisationId, PlacementId, PosterSiteId,
    RouteId, SocialPostId, TalkingPointId, VolunteerId,
};
use crate::domain::role::Role;
use crate::domain::time::utc;
use crate::domain::volunteer::VolunteerStatus;
use crate::dto::change::{ChangeOut, ChangePage, SharedRecord};
use crate::dto::locality::LocalityOut;
use crate::dto::material::MaterialOut;
use crate::dto::meeting::OrganisationOut;
use crate::dto::member_organisation::MemberOrganisationOut;
use crate::dto::poster::{PlacementOut, SiteOut};
use crate::dto::route::RouteOut;
use crate::dto::shift::SignupOut;
use crate::dto::social::PostOut;
use crate::dto::talking_point::TalkingPointOut;
use crate::dto::volunteer::VolunteerOut;
use crate::error::ApiError;

/// What the caller gets of one record. A record absent from the map is gone
/// (deleted).
enum Sight {
    /// As its own `GET` answers it for the caller.
    Shown(SharedRecord),
    /// It exists and is not the caller's to see.
    Hidden,
    /// It is gone for the caller, who may have held it: a tombstone.
    Gone,
}

type Rendered = HashMap<String, Sight>;

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
            let (items, next, has_more, personal_records) = render_capped(conn, &reader, rows, start, has_more)?;
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
            details: Some(format!("{personal_records} volunteers or sign-ups with names in the change feed")),
        })
        .await?;
    }
    Ok(page)
}

/// The JSON of records a page carries at most, besides `limit`: every item
/// repeats its record, and a route with 500 stops is ~150 kB, so a page of 100
/// route syncs was ~15 MB to build and send.
pub const PAGE_RECORD_BYTES: usize = 1024 * 1024;

/// Rows in the first chunk [`render_capped`] renders.
const FIRST_CHUNK: usize = 8;

/// The caller's items of `rows`, rendered in chunks until their records pass
/// [`PAGE_RECORD_BYTES`], then cut by [`cap_by_size`]; with the cursor after the
/// last row read, whether more follow, and how many volunteers' records the
/// items show. The first chunk is 8 rows; each next one as many as the records
/// so far say fit in what is left of the cap. A page of large records (routes of
/// 500 stops) stops after its first chunk instead of building every record of
/// the page and then dropping most of them (eight clients reading such pages at
/// once held tens of megabytes); a page of small ones takes two chunks.
fn render_capped(
    conn: &mut DbConn,
    actor: &SessionUser,
    rows: Vec<OutboxRow>,
    start: i64,
    has_more: bool,
) -> Result<(Vec<ChangeOut>, i64, bool, usize), ApiError> {
    let (mut items, mut next, mut bytes, mut personal_records, mut read) = (Vec::new(), start, 0, 0, 0);
    let mut rows = rows.into_iter().peekable();
    let mut chunk = FIRST_CHUNK;
    while rows.peek().is_some() {
        let part: Vec<OutboxRow> = rows.by_ref().take(chunk).collect();
        read += part.len();
        next = part.last().and_then(|row| row.seq).unwrap_or(next);
        let (rendered, personal) = render(conn, actor, part)?;
        personal_records += personal;
        bytes += rendered.iter().map(|item| item.record.as_ref().map_or(0, SharedRecord::json_len)).sum::<usize>();
        items.extend(rendered);
        if bytes > PAGE_RECORD_BYTES {
            let (items, next, has_more) = cap_by_size(items, next, has_more || rows.peek().is_some());
            return Ok((items, next, has_more, personal_records));
        }
        let per_row = (bytes / read).max(1);
        chunk = ((PAGE_RECORD_BYTES - bytes) / per_row).max(FIRST_CHUNK);
    }
    Ok((items, next, has_more, personal_records))
}

/// `items` cut after the item that takes the records past [`PAGE_RECORD_BYTES`]
/// (at least one item stays), with the cursor after the last item kept and
/// `has_more`: the rest comes on the next page.
fn cap_by_size(mut items: Vec<ChangeOut>, next: i64, has_more: bool) -> (Vec<ChangeOut>, i64, bool) {
    let mut total = 0;
    for index in 0..items.len() {
        total += items[index].record.as_ref().map_or(0, SharedRecord::json_len);
        if total > PAGE_RECORD_BYTES && index + 1 < items.len() {
            items.truncate(index + 1);
            let next = items[index].seq;
            return (items, next, true);
        }
    }
    (items, next, has_more)
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
            ChangeType::Organisation => render_organisations(conn, actor, &ids)?,
            ChangeType::Material => render_materials(conn, &ids)?,
            ChangeType::PosterSite => render_poster_sites(conn, actor, &ids)?,
            ChangeType::PosterPlacement => render_placements(conn, actor, &ids)?,
            ChangeType::SocialPost => render_social_posts(conn, actor, &ids)?,
            ChangeType::TalkingPoint => render_talking_points(conn, actor, &ids)?,
            ChangeType::Assignment => {
                let (records, named) = render_assignments(conn, actor, &ids)?;
                personal_records += named;
                records
            }
        };
        if resource_type == ChangeType::Volunteer {
            personal_records += records.values().filter(|record| matches!(record, Sight::Shown(_))).count();
        }
        rendered.insert(resource_type, records);
    }
    let items = rows
        .into_iter()
        .filter_map(|row| {
            let seq = row.seq?;
            let record = match rendered.get(&row.resource_type).and_then(|records| records.get(&row.resource_id)) {
                Some(Sight::Shown(record)) => Some(record.clone()),
                Some(Sight::Gone) => None,
                // Out of the caller's sight: a tombstone only for whom the
                // change took it from (a volunteer off a route), else nothing.
                Some(Sight::Hidden) => {
                    let concerned = row.subject_id.is_some()
                        && row.subject_id.as_deref() == actor.volunteer_id.as_ref().map(VolunteerId::as_str);
                    if !concerned {
                        return None;
                    }
                    None
                }
                None => {
                    let everyone_reads = matches!(
                        row.resource_type,
                        ChangeType::Locality | ChangeType::MemberOrganisation | ChangeType::Material
                    );
                    if !everyone_reads && actor.role != Role::Admin {
                        return None;
                    }
                    None
                }
            };
            let version = record.as_ref().and_then(SharedRecord::version);
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

fn json(value: &impl Serialize) -> Result<SharedRecord, ApiError> {
    SharedRecord::new(value).map_err(ApiError::internal)
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
            Sight::Shown(json(&VolunteerOut { requested_shift_id, ..VolunteerOut::new(row, visibility) })?)
        } else {
            Sight::Hidden
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
        rendered.insert(event.id.to_string(), Sight::Hidden);
    }
    for view in super::events::views(conn, visible)? {
        rendered.insert(view.id.to_string(), Sight::Shown(json(&view)?));
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
            rendered.insert(event.id.to_string(), Sight::Hidden);
        }
    }
    for view in super::meetings::views(conn, visible)? {
        rendered.insert(view.id.to_string(), Sight::Shown(json(&view)?));
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
            Sight::Shown(json(&RouteOut::new(route, assigned, Some(route_stops)))?)
        } else {
            Sight::Hidden
        };
        rendered.insert(id, record);
    }
    Ok(rendered)
}

fn render_localities(conn: &mut DbConn, ids: &[String]) -> Result<Rendered, ApiError> {
    let mut rendered = Rendered::new();
    for row in localities::find_many(conn, &parse_ids::<LocalityId>(ids))? {
        rendered.insert(row.id.to_string(), Sight::Shown(json(&LocalityOut::from(row))?));
    }
    Ok(rendered)
}

fn render_member_organisations(conn: &mut DbConn, ids: &[String]) -> Result<Rendered, ApiError> {
    let mut rendered = Rendered::new();
    for row in member_organisations::find_many(conn, &parse_ids::<MemberOrganisationId>(ids))? {
        rendered.insert(row.id.to_string(), Sight::Shown(json(&MemberOrganisationOut::from(row))?));
    }
    Ok(rendered)
}

/// Shown or hidden as `GET /organisations/{id}` decides (observers without
/// the contact person).
fn render_organisations(conn: &mut DbConn, actor: &SessionUser, ids: &[String]) -> Result<Rendered, ApiError> {
    let mut rendered = Rendered::new();
    for row in meetings::find_organisations(conn, &parse_ids::<OrganisationId>(ids))? {
        let id = row.id.to_string();
        let sight = if actor.sees_branch(&row.branch_code) {
            Sight::Shown(json(&OrganisationOut::new(row, actor.visibility()))?)
        } else {
            Sight::Hidden
        };
        rendered.insert(id, sight);
    }
    Ok(rendered)
}

/// The national catalogue: everyone signed in reads it.
fn render_materials(conn: &mut DbConn, ids: &[String]) -> Result<Rendered, ApiError> {
    let mut rendered = Rendered::new();
    for row in materials::find_many(conn, &parse_ids::<MaterialId>(ids))? {
        rendered.insert(row.id.to_string(), Sight::Shown(json(&MaterialOut::from(row))?));
    }
    Ok(rendered)
}

fn render_poster_sites(conn: &mut DbConn, actor: &SessionUser, ids: &[String]) -> Result<Rendered, ApiError> {
    let mut rendered = Rendered::new();
    for site in poster_sites::find_many(conn, &parse_ids::<PosterSiteId>(ids))? {
        let id = site.id.to_string();
        let sight = if actor.sees_branch(&site.branch_code) {
            Sight::Shown(json(&SiteOut::from(site))?)
        } else {
            Sight::Hidden
        };
        rendered.insert(id, sight);
    }
    Ok(rendered)
}

/// Each with its status history, in one query for the page.
fn render_placements(conn: &mut DbConn, actor: &SessionUser, ids: &[String]) -> Result<Rendered, ApiError> {
    let rows = poster_placements::find_many_with_names(conn, &parse_ids::<PlacementId>(ids))?;
    let mut rendered = Rendered::new();
    let (visible, hidden): (Vec<_>, Vec<_>) =
        rows.into_iter().partition(|row| actor.sees_branch(&row.placement.branch_code));
    for row in hidden {
        rendered.insert(row.placement.id.to_string(), Sight::Hidden);
    }
    let visible_ids: Vec<PlacementId> = visible.iter().map(|row| row.placement.id.clone()).collect();
    let mut history: HashMap<PlacementId, Vec<PlacementChange>> = HashMap::new();
    for change in poster_placements::changes_of(conn, &visible_ids)? {
        history.entry(change.placement_id.clone()).or_default().push(change);
    }
    for row in visible {
        let id = row.placement.id.clone();
        let changes = history.remove(&id).unwrap_or_default();
        rendered.insert(id.to_string(), Sight::Shown(json(&PlacementOut::new(row, changes, actor.visibility()))?));
    }
    Ok(rendered)
}

/// A removed post is gone for the readers of its branch (observers without
/// its author).
fn render_social_posts(conn: &mut DbConn, actor: &SessionUser, ids: &[String]) -> Result<Rendered, ApiError> {
    let mut rendered = Rendered::new();
    for row in social_posts::find_many(conn, &parse_ids::<SocialPostId>(ids))? {
        let id = row.post.id.to_string();
        let sight = if !actor.sees_branch(&row.post.branch_code) {
            Sight::Hidden
        } else if row.post.removed_at.is_some() {
            Sight::Gone
        } else {
            Sight::Shown(json(&PostOut::new(row, actor.visibility()))?)
        };
        rendered.insert(id, sight);
    }
    Ok(rendered)
}

/// Shown as `GET /assignments/{id}` answers it (with the volunteer's name for
/// staff and the volunteer, without for observers); the second value counts
/// those shown with a name, whose read is audited.
fn render_assignments(conn: &mut DbConn, actor: &SessionUser, ids: &[String]) -> Result<(Rendered, usize), ApiError> {
    let visibility = actor.visibility();
    let mut rendered = Rendered::new();
    let mut named = 0;
    for (assignment, name, event) in shifts::find_many_with_names(conn, &parse_ids::<AssignmentId>(ids))? {
        let id = assignment.id.to_string();
        let sight = if super::signups::sees(actor, &assignment, &event) {
            let name = visibility.personal(name);
            named += usize::from(name.is_some());
            Sight::Shown(json(&SignupOut::new(assignment, name))?)
        } else {
            Sight::Hidden
        };
        rendered.insert(id, sight);
    }
    Ok((rendered, named))
}

/// Admins read every item as it is; the others read what is published, and a
/// retired item is gone for them (a draft never published stays hidden).
fn render_talking_points(conn: &mut DbConn, actor: &SessionUser, ids: &[String]) -> Result<Rendered, ApiError> {
    let admin = actor.is_admin();
    let mut rendered = Rendered::new();
    for point in talking_points::find_many(conn, &parse_ids::<TalkingPointId>(ids))? {
        let id = point.id.to_string();
        let sight = if admin || (point.published_version.is_some() && point.retired_at.is_none()) {
            Sight::Shown(json(&TalkingPointOut::new(point, admin)?)?)
        } else if point.published_version.is_some() {
            Sight::Gone
        } else {
            Sight::Hidden
        };
        rendered.insert(id, sight);
    }
    Ok(rendered)
}
