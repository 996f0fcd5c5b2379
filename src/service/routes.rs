//! Door-to-door routes: cutting them (up to 500 stops), assigning volunteers,
//! reordering stops, and the offline pack a phone downloads.

use crate::domain::ids::{RouteId, StopId, VolunteerId};
use std::collections::{HashMap, HashSet};

use crate::auth::{AuthUser, SessionUser};
use crate::db::audit::{self, AuditEvent};
use crate::db::routes::{self, Route, Stop};
use crate::db::{Db, DbConn, events, localities, shifts, volunteers, write_transaction};
use crate::domain::role::Role;
use crate::domain::time::now;
use crate::domain::version::ExpectedVersion;
use crate::domain::volunteer::VolunteerStatus;
use crate::dto::route::{CreateRoute, ReplaceStops, RouteOut, RouteStatus, StopIn};
use crate::error::{ApiError, ErrorCode};

fn stop_row(route_id: &RouteId, position: usize, stop: &StopIn) -> Stop {
    Stop {
        id: StopId::new(),
        route_id: route_id.to_owned(),
        position: i32::try_from(position).unwrap_or(i32::MAX),
        street: stop.street.trim().to_owned(),
        building: stop.building.trim().to_owned(),
        entrance: stop.entrance.clone(),
        doors: stop.doors,
        latitude: stop.latitude,
        longitude: stop.longitude,
        access_notes: stop.access_notes.clone(),
        visits_count: 0,
        first_visited_at: None,
        created_at: now(),
    }
}

/// Whether `actor` may see the route: staff of its branch, admins, observers,
/// and the volunteers assigned to it.
fn sees(conn: &mut DbConn, actor: &SessionUser, route: &Route) -> Result<bool, ApiError> {
    Ok(match actor.role {
        Role::Admin | Role::Observer => true,
        Role::Coordinator => actor.sees_branch(&route.branch_code),
        Role::Volunteer => match &actor.volunteer_id {
            Some(volunteer) => routes::is_assigned(conn, &route.id, volunteer)?,
            None => false,
        },
    })
}

pub fn load_visible(conn: &mut DbConn, actor: &SessionUser, id: &RouteId) -> Result<Route, ApiError> {
    let route = routes::find(conn, id)?.ok_or_else(|| ApiError::not_found(format!("route {id}")))?;
    if sees(conn, actor, &route)? { Ok(route) } else { Err(ApiError::not_found(format!("route {id}"))) }
}

fn load_managed(conn: &mut DbConn, actor: &SessionUser, id: &RouteId) -> Result<Route, ApiError> {
    let route = load_visible(conn, actor, id)?;
    actor.ensure_manages_branch(&route.branch_code, format!("route {id}"))?;
    Ok(route)
}

/// An active volunteer of the route's branch.
fn check_assignable(conn: &mut DbConn, branch: &str, volunteer_id: &VolunteerId) -> Result<(), ApiError> {
    // Another branch's volunteer is answered like an unknown one: its existence
    // is not revealed.
    let volunteer =
        volunteers::find(conn, volunteer_id)?.filter(|volunteer| volunteer.branch_code == branch).ok_or_else(|| {
            ApiError::invalid("volunteer_id", ErrorCode::UnknownVolunteer, "no such volunteer in the route's branch")
        })?;
    if volunteer.status != VolunteerStatus::Active {
        return Err(ApiError::field_conflict(
            format!("only active volunteers work routes; this one is {}", volunteer.status),
            "volunteer_id",
            ErrorCode::VolunteerNotActive,
            None,
        ));
    }
    Ok(())
}

pub fn view(conn: &mut DbConn, route: Route, with_stops: bool) -> Result<RouteOut, ApiError> {
    let assignees = routes::assignees_of(conn, &route.id)?;
    let stops = if with_stops { Some(routes::stops_of(conn, &route.id)?) } else { None };
    Ok(RouteOut::new(route, assignees, stops))
}

/// A page of routes without their stops, with the assignees of the whole page
/// loaded in one query (not one per route).
fn list_views(conn: &mut DbConn, rows: Vec<Route>) -> Result<Vec<RouteOut>, ApiError> {
    let ids: Vec<RouteId> = rows.iter().map(|route| route.id.clone()).collect();
    let mut assignees: HashMap<RouteId, Vec<VolunteerId>> = HashMap::new();
    for (route_id, volunteer_id) in routes::assignees_of_routes(conn, &ids)? {
        assignees.entry(route_id).or_default().push(volunteer_id);
    }
    Ok(rows
        .into_iter()
        .map(|route| {
            let assigned = assignees.remove(&route.id).unwrap_or_default();
            RouteOut::new(route, assigned, None)
        })
        .collect())
}

pub fn create(conn: &mut DbConn, actor: &SessionUser, input: CreateRoute) -> Result<RouteOut, ApiError> {
    let locality = localities::find(conn, &input.locality_id)?
        .ok_or_else(|| ApiError::invalid("locality_id", ErrorCode::UnknownLocality, "no such locality"))?;
    let branch = actor.branch_for_new_record(Some(locality.branch_code.clone()))?;
    if let Some(event_id) = &input.event_id {
        let event = events::find(conn, event_id)?.filter(|event| event.branch_code == branch);
        event.ok_or_else(|| {
            ApiError::invalid("event_id", ErrorCode::UnknownEvent, "not an event of the route's branch")
        })?;
    }
    if let Some(shift_id) = &input.shift_id {
        let shift = shifts::find(conn, shift_id)?.filter(|shift| Some(&shift.event_id) == input.event_id.as_ref());
        shift.ok_or_else(|| {
            ApiError::invalid("shift_id", ErrorCode::UnknownShift, "not a shift of the route's event")
        })?;
    }
    if input.stops.iter().any(|stop| stop.id.is_some()) {
        return Err(ApiError::invalid("stops", ErrorCode::IdNotAllowed, "new routes have only new stops"));
    }
    for volunteer in &input.volunteer_ids {
        check_assignable(conn, &branch, volunteer)?;
    }
    let at = now();
    let id = RouteId::new();
    let stops: Vec<Stop> =
        input.stops.iter().enumerate().map(|(position, stop)| stop_row(&id, position, stop)).collect();
    let status = if input.volunteer_ids.is_empty() { RouteStatus::Planned } else { RouteStatus::Assigned };
    let route = Route {
        id: id.clone(),
        branch_code: branch,
        locality_id: locality.id,
        event_id: input.event_id,
        shift_id: input.shift_id,
        name: input.name.trim().to_owned(),
        status,
        stops_total: i32::try_from(stops.len()).unwrap_or(i32::MAX),
        stops_visited: 0,
        visits_count: 0,
        doors_knocked: 0,
        conversations: 0,
        materials_left: 0,
        last_activity_at: None,
        completed_at: None,
        created_at: at,
        updated_at: at,
        version: 1,
    };
    routes::insert(conn, &route, &stops)?;
    for volunteer in &input.volunteer_ids {
        routes::add_assignee(conn, &id, volunteer, at)?;
    }
    audit::record(conn, route_audit(actor, "route_created", &id, Some(format!("{} stops", stops.len()))))?;
    view(conn, route, true)
}

pub async fn get(db: &Db, actor: &AuthUser, id: RouteId) -> Result<RouteOut, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        let route = load_visible(conn, &actor, &id)?;
        view(conn, route, true)
    })
    .await
}

/// Narrows a door-to-door list (routes, visits) to what `actor` may see:
/// coordinators their branch, volunteers the routes assigned to them. `false`
/// when nothing can be listed.
pub fn narrow_to_caller(actor: &AuthUser, branch: &mut Option<String>, assignee: &mut Option<String>) -> bool {
    match actor.role {
        Role::Admin | Role::Observer => true,
        Role::Coordinator => match actor.list_branch(branch.take()) {
            Some(own) => {
                *branch = own;
                true
            }
            None => false,
        },
        Role::Volunteer => match &actor.volunteer_id {
            Some(volunteer) => {
                *assignee = Some(volunteer.to_string());
                true
            }
            None => false,
        },
    }
}

/// How far a route (its first stop) lies from a `near` point, as its list computed it.
pub async fn distance(db: &Db, id: RouteId, near: crate::domain::geo::Near) -> Result<f64, ApiError> {
    db.run(move |conn| Ok(routes::distance(conn, &id, &near)?.unwrap_or(f64::MAX))).await
}

pub async fn list(
    db: &Db,
    actor: &AuthUser,
    mut filter: routes::RouteFilter,
    limit: i64,
) -> Result<Vec<RouteOut>, ApiError> {
    if !narrow_to_caller(actor, &mut filter.branch, &mut filter.assignee) {
        return Ok(Vec::new());
    }
    db.run(move |conn| {
        let rows = routes::list(conn, &filter, limit)?;
        list_views(conn, rows)
    })
    .await
}

/// Replaces the ordered stop list: kept stops are reordered, new ones added,
/// unlisted ones removed unless they have visits (409).
pub async fn replace_stops(
    db: &Db,
    actor: &AuthUser,
    id: RouteId,
    input: ReplaceStops,
    expected: ExpectedVersion,
) -> Result<RouteOut, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            routes::lock(conn, &id)?;
            let route = load_managed(conn, &actor, &id)?;
            expected.check(input.version, route.version)?;
            let current: HashMap<StopId, Stop> =
                routes::stops_of(conn, &id)?.into_iter().map(|stop| (stop.id.clone(), stop)).collect();
            let mut kept = HashSet::new();
            for (index, stop) in input.stops.iter().enumerate() {
                if let Some(stop_id) = &stop.id
                    && (!current.contains_key(stop_id) || !kept.insert(stop_id.clone()))
                {
                    return Err(ApiError::invalid(
                        &format!("stops[{index}].id"),
                        ErrorCode::UnknownStop,
                        "not a stop of this route, or listed twice",
                    ));
                }
            }
            let removed: Vec<StopId> = current.keys().filter(|stop_id| !kept.contains(*stop_id)).cloned().collect();
            if removed.iter().any(|stop_id| current[stop_id].visits_count > 0) {
                return Err(ApiError::field_conflict(
                    "stops with recorded visits cannot be removed",
                    "stops",
                    ErrorCode::StopHasVisits,
                    None,
                ));
            }
            routes::delete_stops(conn, &removed)?;
            let mut new_stops = Vec::new();
            for (position, stop) in input.stops.iter().enumerate() {
                match &stop.id {
                    Some(stop_id) => {
                        routes::set_stop_position(conn, stop_id, i32::try_from(position).unwrap_or(i32::MAX))?
                    }
                    None => new_stops.push(stop_row(&id, position, stop)),
                }
            }
            routes::insert_stops(conn, &new_stops)?;
            let visited =
                current.values().filter(|stop| kept.contains(&stop.id) && stop.first_visited_at.is_some()).count();
            routes::set_stops_total(
                conn,
                &id,
                i32::try_from(input.stops.len()).unwrap_or(i32::MAX),
                i32::try_from(visited).unwrap_or(0),
            )?;
            // With the stops changed, a route is complete exactly when every stop has a visit.
            let status = route.status.after_stops_changed(
                i32::try_from(visited).unwrap_or(0),
                i32::try_from(input.stops.len()).unwrap_or(i32::MAX),
            );
            routes::set_status_and_bump(conn, &id, status, now())?;
            audit::record(
                conn,
                route_audit(&actor, "route_stops_replaced", &id, Some(format!("{} stops", input.stops.len()))),
            )?;
            let route = routes::find(conn, &id)?.ok_or_else(|| ApiError::internal("route vanished"))?;
            view(conn, route, true)
        })
    })
    .await
}

pub async fn assign(db: &Db, actor: &AuthUser, id: RouteId, volunteer_id: VolunteerId) -> Result<RouteOut, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            routes::lock(conn, &id)?;
            let route = load_managed(conn, &actor, &id)?;
            check_assignable(conn, &route.branch_code, &volunteer_id)?;
            if routes::add_assignee(conn, &id, &volunteer_id, now())? {
                let status = if route.status == RouteStatus::Planned { RouteStatus::Assigned } else { route.status };
                routes::set_status_and_bump(conn, &id, status, now())?;
                audit::record(
                    conn,
                    route_audit(&actor, "route_assigned", &id, Some(format!("volunteer={volunteer_id}"))),
                )?;
            }
            let route = routes::find(conn, &id)?.ok_or_else(|| ApiError::internal("route vanished"))?;
            view(conn, route, true)
        })
    })
    .await
}

pub async fn unassign(db: &Db, actor: &AuthUser, id: RouteId, volunteer_id: VolunteerId) -> Result<RouteOut, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            routes::lock(conn, &id)?;
            let route = load_managed(conn, &actor, &id)?;
            if routes::remove_assignee(conn, &id, &volunteer_id, now())? == 0 {
                return Err(ApiError::not_found(format!("volunteer {volunteer_id} on route {id}")));
            }
            let left = routes::assignees_of(conn, &id)?;
            let status = if left.is_empty() && route.status == RouteStatus::Assigned {
                RouteStatus::Planned
            } else {
                route.status
            };
            routes::set_status_and_bump(conn, &id, status, now())?;
            audit::record(
                conn,
                route_audit(&actor, "route_unassigned", &id, Some(format!("volunteer={volunteer_id}"))),
            )?;
            let route = routes::find(conn, &id)?.ok_or_else(|| ApiError::internal("route vanished"))?;
            view(conn, route, true)
        })
    })
    .await
}

/// The offline pack and its entity tag (changes when the route or its visits do).
/// At most this many talking points in a pack (the published library of a
/// campaign is far smaller).
const PACK_TALKING_POINTS: i64 = 500;

pub async fn pack(db: &Db, actor: &AuthUser, id: RouteId) -> Result<(crate::dto::route::RoutePack, String), ApiError> {
    use crate::dto::route::{QuestionTopic, RoutePack, VisitOut};
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        let route = load_visible(conn, &actor, &id)?;
        let mut tag = format!("r{}-v{}", route.version, route.visits_count);
        let mut visits: Vec<VisitOut> = routes::visits_of_route(conn, &id)?.into_iter().map(VisitOut::from).collect();
        crate::service::hand_outs::fill_visit_materials(conn, visits.iter_mut())?;
        let event = match &route.event_id {
            Some(event_id) => match events::find(conn, event_id)? {
                Some(event) => {
                    // The pack carries the event's time window: its changes change the tag.
                    tag.push_str(&format!("-e{}", event.updated_at.and_utc().timestamp_micros()));
                    crate::service::events::views(conn, vec![event])?.pop()
                }
                None => None,
            },
            None => None,
        };
        let question_topics = QuestionTopic::ALL.to_vec();
        let held = match &actor.volunteer_id {
            Some(volunteer) => crate::db::volunteer_holdings::held_by(conn, volunteer)?,
            None => Vec::new(),
        };
        // Every movement of a holding stamps it: the latest stamp and the count change the tag.
        let latest = held.iter().map(|(holding, ..)| holding.updated_at.and_utc().timestamp_micros()).max();
        tag.push_str(&format!("-m{}-{}", held.len(), latest.unwrap_or_default()));
        let materials_held = held.into_iter().map(Into::into).collect();
        // The published library: which items at which published version make the tag.
        let filter = crate::db::talking_points::PointFilter { published_only: true, ..Default::default() };
        let points = crate::db::talking_points::list(conn, &filter, PACK_TALKING_POINTS)?;
        let library: String = points
            .iter()
            .map(|point| format!("{}:{};", point.id, point.published_version.unwrap_or_default()))
            .collect();
        tag.push_str(&format!("-t{:x}", xxhash_rust::xxh3::xxh3_64(library.as_bytes())));
        let talking_points = points
            .into_iter()
            .map(|point| crate::dto::talking_point::TalkingPointOut::new(point, false))
            .collect::<Result<_, ApiError>>()?;
        let route = view(conn, route, true)?;
        let generated_at = chrono::Utc::now();
        Ok((RoutePack { route, visits, event, question_topics, materials_held, talking_points, generated_at }, tag))
    })
    .await
}

pub fn route_audit<'a>(
    actor: &'a SessionUser,
    action: &'a str,
    id: &'a str,
    details: Option<String>,
) -> AuditEvent<'a> {
    super::audit(actor, action, "route", id, details)
}
