//! Queries on `routes`, `route_stops`, `route_assignees` and `visits`.

use super::geo::distance_km;
use crate::domain::geo::Near;
use crate::domain::ids::{AccountId, EventId, LocalityId, RouteId, ShiftId, StopId, VisitId, VolunteerId};
use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Double, Nullable};
use diesel::sql_types::{Integer, Text, Timestamp};

use super::DbConn;
use super::schema::{route_assignees, route_stops, routes, visits};
use crate::domain::route::RouteStatus;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = routes, treat_none_as_default_value = false)]
pub struct Route {
    pub id: RouteId,
    pub branch_code: String,
    pub locality_id: LocalityId,
    pub event_id: Option<EventId>,
    pub shift_id: Option<ShiftId>,
    pub name: String,
    pub status: RouteStatus,
    pub stops_total: i32,
    pub stops_visited: i32,
    pub visits_count: i32,
    pub doors_knocked: i32,
    pub conversations: i32,
    pub materials_left: i32,
    pub last_activity_at: Option<NaiveDateTime>,
    pub completed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = route_stops, treat_none_as_default_value = false)]
pub struct Stop {
    pub id: StopId,
    pub route_id: RouteId,
    pub position: i32,
    pub street: String,
    pub building: String,
    pub entrance: Option<String>,
    pub doors: i32,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub access_notes: Option<String>,
    pub visits_count: i32,
    pub first_visited_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = visits, treat_none_as_default_value = false)]
pub struct Visit {
    pub id: VisitId,
    pub route_id: RouteId,
    pub stop_id: StopId,
    pub volunteer_id: Option<VolunteerId>,
    pub recorded_by: AccountId,
    pub visited_at: NaiveDateTime,
    pub doors_knocked: i32,
    pub conversations: i32,
    pub not_at_home: i32,
    pub refused: i32,
    pub materials_left: i32,
    pub question_topics: String,
    pub question_text: Option<String>,
    pub note: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub received_at: NaiveDateTime,
}

#[derive(Debug, Default, Clone)]
pub struct RouteFilter {
    pub branch: Option<String>,
    pub locality_id: Option<String>,
    pub status: Option<RouteStatus>,
    pub event_id: Option<String>,
    /// Only routes this volunteer is assigned to.
    pub assignee: Option<String>,
    pub updated_since: Option<NaiveDateTime>,
    pub after: Option<String>,
    /// Keyset cursor of a sync (`updated_since` given): after this (updated_at, id).
    pub after_change: Option<(NaiveDateTime, String)>,
    /// Within this circle, nearest first, by the first stop's coordinates
    /// (routes whose first stop has none are left out).
    pub near: Option<Near>,
    /// Keyset cursor of a `near` list: after this (distance, id).
    pub after_near: Option<(f64, String)>,
}

pub fn insert(conn: &mut DbConn, route: &Route, stops: &[Stop]) -> QueryResult<()> {
    diesel::insert_into(routes::table).values(route).execute(conn)?;
    insert_stops(conn, stops)
}

/// Inserts stops in chunks: one multi-row statement per chunk keeps 500 stops
/// fast. Multi-row inserts need the concrete backend (the MultiConnection
/// cannot express them).
pub fn insert_stops(conn: &mut DbConn, stops: &[Stop]) -> QueryResult<()> {
    for chunk in stops.chunks(50) {
        let statement = diesel::insert_into(route_stops::table).values(chunk);
        match conn {
            DbConn::Sqlite(sqlite) => statement.execute(sqlite)?,
            DbConn::Postgresql(pg) => statement.execute(pg)?,
        };
    }
    Ok(())
}

pub fn find(conn: &mut DbConn, id: &RouteId) -> QueryResult<Option<Route>> {
    routes::table.find(id).select(Route::as_select()).first(conn).optional()
}

/// The routes of `ids` that exist, in one query (the change feed's page).
pub fn find_many(conn: &mut DbConn, ids: &[RouteId]) -> QueryResult<Vec<Route>> {
    routes::table.filter(routes::id.eq_any(ids)).select(Route::as_select()).load(conn)
}

/// Locks the route until the transaction ends: batches of one route are applied
/// one after another (SQLite's `BEGIN IMMEDIATE` already serialises writers).
pub fn lock(conn: &mut DbConn, id: &RouteId) -> QueryResult<()> {
    super::lock_row(conn, "routes", id)
}

pub fn list(conn: &mut DbConn, filter: &RouteFilter, limit: i64) -> QueryResult<Vec<Route>> {
    let mut query = routes::table.select(Route::as_select()).limit(limit).into_boxed();
    query = match &filter.updated_since {
        // A sync pages in change order, so a route changed behind the cursor comes again.
        Some(_) => query.order((routes::updated_at, routes::id)),
        None => query.order(routes::id),
    };
    if let Some((at, id)) = &filter.after_change {
        query = query.filter(routes::updated_at.gt(*at).or(routes::updated_at.eq(*at).and(routes::id.gt(id.clone()))));
    }
    if let Some(branch) = &filter.branch {
        query = query.filter(routes::branch_code.eq(branch.clone()));
    }
    if let Some(locality) = &filter.locality_id {
        query = query.filter(routes::locality_id.eq(locality.clone()));
    }
    if let Some(status) = &filter.status {
        query = query.filter(routes::status.eq(*status));
    }
    if let Some(event) = &filter.event_id {
        query = query.filter(routes::event_id.eq(event.clone()));
    }
    if let Some(volunteer) = &filter.assignee {
        let assigned = route_assignees::table
            .filter(route_assignees::volunteer_id.eq(volunteer.clone()))
            .filter(route_assignees::unassigned_at.is_null())
            .select(route_assignees::route_id);
        query = query.filter(routes::id.eq_any(assigned));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(routes::updated_at.ge(since));
    }
    if let Some(after) = &filter.after {
        query = query.filter(routes::id.gt(after.clone()));
    }
    if let Some(near) = filter.near {
        // Where a route starts: its first stop. The box narrows on the first
        // stops' indexed coordinates; the distance decides and orders.
        let ((south, north), lngs) = near.bounding_box();
        // `position = 0` written out, not bound: SQLite's planner (with the
        // stability guarantee, .cargo/config.toml) matches the partial index
        // `route_stops_first_position_idx` only against the literal.
        let starts = route_stops::table
            .filter(sql::<diesel::sql_types::Bool>("route_stops.position = 0"))
            .filter(route_stops::latitude.between(south, north));
        query = match lngs {
            Some((west, east)) => query.filter(
                routes::id
                    .eq_any(starts.filter(route_stops::longitude.between(west, east)).select(route_stops::route_id)),
            ),
            None => query.filter(routes::id.eq_any(starts.select(route_stops::route_id))),
        };
        let distance = || {
            sql::<Nullable<Double>>("(SELECT distance_km(s.latitude, s.longitude, ")
                .bind::<Double, _>(near.lat)
                .sql(", ")
                .bind::<Double, _>(near.lng)
                .sql(") FROM route_stops s WHERE s.route_id = routes.id AND s.position = 0)")
        };
        query = query.filter(distance().le(near.radius_km)).order((distance(), routes::id));
        if let Some((after, id)) = &filter.after_near {
            query = query.filter(distance().gt(*after).or(distance().eq(*after).and(routes::id.gt(id.clone()))));
        }
    }
    query.load(conn)
}

/// The distance of a route (its first stop) from a `near` point, as the list
/// computes it.
pub fn distance(conn: &mut DbConn, id: &RouteId, near: &Near) -> QueryResult<Option<f64>> {
    route_stops::table
        .filter(route_stops::route_id.eq(id))
        .filter(route_stops::position.eq(0))
        .select(distance_km(route_stops::latitude, route_stops::longitude, near.lat, near.lng))
        .first::<Option<f64>>(conn)
        .optional()
        .map(Option::flatten)
}

pub fn stops_of(conn: &mut DbConn, route_id: &RouteId) -> QueryResult<Vec<Stop>> {
    route_stops::table
        .filter(route_stops::route_id.eq(route_id))
        .order((route_stops::position, route_stops::id))
        .select(Stop::as_select())
        .load(conn)
}

/// The stops of each of `route_ids`, in one query, by route then position.
pub fn stops_of_routes(conn: &mut DbConn, route_ids: &[RouteId]) -> QueryResult<Vec<Stop>> {
    route_stops::table
        .filter(route_stops::route_id.eq_any(route_ids))
        .order((route_stops::route_id, route_stops::position, route_stops::id))
        .select(Stop::as_select())
        .load(conn)
}

pub fn assignees_of(conn: &mut DbConn, route_id: &RouteId) -> QueryResult<Vec<VolunteerId>> {
    route_assignees::table
        .filter(route_assignees::route_id.eq(route_id))
        .filter(route_assignees::unassigned_at.is_null())
        .order(route_assignees::volunteer_id)
        .select(route_assignees::volunteer_id)
        .load(conn)
}

/// The assignees of each of `route_ids` (a page of routes) in one query, as
/// `(route_id, volunteer_id)` pairs ordered by route then volunteer.
pub fn assignees_of_routes(conn: &mut DbConn, route_ids: &[RouteId]) -> QueryResult<Vec<(RouteId, VolunteerId)>> {
    route_assignees::table
        .filter(route_assignees::route_id.eq_any(route_ids))
        .filter(route_assignees::unassigned_at.is_null())
        .order((route_assignees::route_id, route_assignees::volunteer_id))
        .select((route_assignees::route_id, route_assignees::volunteer_id))
        .load(conn)
}

pub fn is_assigned(conn: &mut DbConn, route_id: &RouteId, volunteer_id: &VolunteerId) -> QueryResult<bool> {
    Ok(assignment(conn, route_id, volunteer_id)? == Some(None))
}

/// The volunteer's place on the route: `None` if never assigned, `Some(None)` while
/// assigned, `Some(Some(at))` once taken off at `at`.
pub fn assignment(
    conn: &mut DbConn,
    route_id: &RouteId,
    volunteer_id: &VolunteerId,
) -> QueryResult<Option<Option<NaiveDateTime>>> {
    route_assignees::table
        .filter(route_assignees::route_id.eq(route_id))
        .filter(route_assignees::volunteer_id.eq(volunteer_id))
        .select(route_assignees::unassigned_at)
        .first(conn)
        .optional()
}

/// Adds the assignee (again, if taken off before); `Ok(false)` when already assigned.
pub fn add_assignee(
    conn: &mut DbConn,
    route_id: &RouteId,
    volunteer_id: &VolunteerId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    match assignment(conn, route_id, volunteer_id)? {
        Some(None) => Ok(false),
        Some(Some(_)) => {
            diesel::update(
                route_assignees::table
                    .filter(route_assignees::route_id.eq(route_id))
                    .filter(route_assignees::volunteer_id.eq(volunteer_id)),
            )
            .set(route_assignees::unassigned_at.eq(None::<NaiveDateTime>))
            .execute(conn)?;
            Ok(true)
        }
        None => {
            diesel::insert_into(route_assignees::table)
                .values((
                    route_assignees::route_id.eq(route_id),
                    route_assignees::volunteer_id.eq(volunteer_id),
                    route_assignees::created_at.eq(now),
                ))
                .execute(conn)?;
            Ok(true)
        }
    }
}

/// Takes the assignee off the route at `now`, keeping the row (see [`assignment`]);
/// the number of places ended, 0 or 1.
pub fn remove_assignee(
    conn: &mut DbConn,
    route_id: &RouteId,
    volunteer_id: &VolunteerId,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        route_assignees::table
            .filter(route_assignees::route_id.eq(route_id))
            .filter(route_assignees::volunteer_id.eq(volunteer_id))
            .filter(route_assignees::unassigned_at.is_null()),
    )
    .set(route_assignees::unassigned_at.eq(now))
    .execute(conn)
}

/// Records a change of the route (name, stops, assignees, status): new version.
pub fn set_status_and_bump(
    conn: &mut DbConn,
    id: &RouteId,
    status: RouteStatus,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(routes::table.find(id))
        .set((routes::status.eq(status), routes::updated_at.eq(now), routes::version.eq(routes::version + 1)))
        .execute(conn)
        .map(drop)
}

pub fn rename(
    conn: &mut DbConn,
    id: &RouteId,
    name: &str,
    expected_version: i32,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let updated = diesel::update(routes::table.filter(routes::id.eq(id)).filter(routes::version.eq(expected_version)))
        .set((routes::name.eq(name), routes::updated_at.eq(now), routes::version.eq(expected_version + 1)))
        .execute(conn)?;
    Ok(updated == 1)
}

pub fn delete_stops(conn: &mut DbConn, ids: &[StopId]) -> QueryResult<usize> {
    diesel::delete(route_stops::table.filter(route_stops::id.eq_any(ids))).execute(conn)
}

pub fn set_stop_position(conn: &mut DbConn, id: &StopId, position: i32) -> QueryResult<()> {
    diesel::update(route_stops::table.find(id)).set(route_stops::position.eq(position)).execute(conn).map(drop)
}

/// Visits already stored under any of `ids`.
pub fn visits_by_ids(conn: &mut DbConn, ids: &[VisitId]) -> QueryResult<Vec<Visit>> {
    match conn {
        // One array parameter (`= ANY($1)`, what diesel writes for PostgreSQL
        // itself): a statement prepared once for every batch size, where the
        // multi-backend's `IN` list of 500 parameters was parsed and planned again
        // on each batch.
        DbConn::Postgresql(pg) => {
            let ids: Vec<&str> = ids.iter().map(VisitId::as_str).collect();
            visits::table.filter(visits::id.eq_any(ids)).select(Visit::as_select()).load(pg)
        }
        DbConn::Sqlite(_) => visits::table.filter(visits::id.eq_any(ids)).select(Visit::as_select()).load(conn),
    }
}

pub fn insert_visit(conn: &mut DbConn, visit: &Visit) -> QueryResult<()> {
    diesel::insert_into(visits::table).values(visit).execute(conn).map(drop)
}

pub fn visits_of_route(conn: &mut DbConn, route_id: &RouteId) -> QueryResult<Vec<Visit>> {
    visits::table
        .filter(visits::route_id.eq(route_id))
        .order((visits::visited_at, visits::id))
        .select(Visit::as_select())
        .load(conn)
}

/// Inserts visits in bulk, per backend (the MultiConnection cannot express
/// either): multi-row INSERTs on SQLite; one binary COPY on PostgreSQL, which
/// neither parses nor plans a statement of thousands of parameters (a 500-visit
/// batch spent a fifth of its database time on that).
pub fn insert_visits(conn: &mut DbConn, rows: &[Visit]) -> QueryResult<()> {
    match conn {
        DbConn::Sqlite(sqlite) => {
            for chunk in rows.chunks(250) {
                diesel::insert_into(visits::table).values(chunk).execute(sqlite)?;
            }
        }
        DbConn::Postgresql(pg) => {
            if !rows.is_empty() {
                diesel::copy_from(visits::table).from_insertable(rows).execute(pg)?;
            }
        }
    }
    Ok(())
}

/// What a batch of new visits adds to one stop.
pub struct StopVisits {
    pub stop_id: StopId,
    pub visits: i32,
    pub first_visited_at: NaiveDateTime,
}

/// Adds new visits to the stops they were made at, in one statement: only the
/// touched stops are written, whatever the number of visits stored before.
pub fn add_stop_visits(conn: &mut DbConn, added: &[StopVisits]) -> QueryResult<()> {
    match conn {
        DbConn::Sqlite(sqlite) => {
            // A VALUES list (SQLite 3.33+ names its columns column1..n), three
            // parameters a stop: far below SQLite's limit for 500 stops.
            const SET: &str = "UPDATE route_stops AS s SET visits_count = s.visits_count + d.column2, \
                first_visited_at = CASE WHEN s.first_visited_at IS NULL OR d.column3 < s.first_visited_at \
                THEN d.column3 ELSE s.first_visited_at END FROM (VALUES ";
            const WHERE: &str = ") AS d WHERE s.id = d.column1";
            for chunk in added.chunks(1000) {
                let rows = vec!["(?, ?, ?)"; chunk.len()].join(", ");
                let mut query = diesel::sql_query(format!("{SET}{rows}{WHERE}")).into_boxed();
                for stop in chunk {
                    query = query
                        .bind::<Text, _>(stop.stop_id.as_str())
                        .bind::<Integer, _>(stop.visits)
                        .bind::<Timestamp, _>(stop.first_visited_at);
                }
                query.execute(sqlite)?;
            }
        }
        DbConn::Postgresql(pg) => {
            // Three arrays instead of a VALUES list: a statement of three
            // parameters, parsed and planned in microseconds.
            use diesel::sql_types::Array;
            diesel::sql_query(
                "UPDATE route_stops AS s SET visits_count = s.visits_count + d.visits, \
                 first_visited_at = CASE WHEN s.first_visited_at IS NULL OR d.first < s.first_visited_at \
                 THEN d.first ELSE s.first_visited_at END \
                 FROM unnest($1::text[], $2::int4[], $3::timestamp[]) AS d(id, visits, first) WHERE s.id = d.id",
            )
            .bind::<Array<Text>, _>(added.iter().map(|stop| stop.stop_id.as_str()).collect::<Vec<_>>())
            .bind::<Array<Integer>, _>(added.iter().map(|stop| stop.visits).collect::<Vec<_>>())
            .bind::<Array<Timestamp>, _>(added.iter().map(|stop| stop.first_visited_at).collect::<Vec<_>>())
            .execute(pg)?;
        }
    }
    Ok(())
}

/// Each stop of the route: its doors, and whether it has been visited.
pub fn stop_doors(conn: &mut DbConn, route_id: &RouteId) -> QueryResult<Vec<(StopId, i32, bool)>> {
    route_stops::table
        .filter(route_stops::route_id.eq(route_id))
        .select((route_stops::id, route_stops::doors, route_stops::first_visited_at.is_not_null()))
        .load(conn)
}

/// The route's progress after a batch: counters added, status moved on.
pub struct ProgressDelta {
    pub visits: i32,
    pub new_stops: i32,
    pub doors_knocked: i32,
    pub conversations: i32,
    pub materials_left: i32,
    pub last_activity_at: Option<NaiveDateTime>,
}

pub fn add_progress(
    conn: &mut DbConn,
    route: &Route,
    delta: &ProgressDelta,
    status: RouteStatus,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let last = match (route.last_activity_at, delta.last_activity_at) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    let completed_at =
        if status == RouteStatus::Completed { route.completed_at.or(Some(now)) } else { route.completed_at };
    diesel::update(routes::table.find(&route.id))
        .set((
            routes::visits_count.eq(routes::visits_count + delta.visits),
            routes::stops_visited.eq(routes::stops_visited + delta.new_stops),
            routes::doors_knocked.eq(routes::doors_knocked + delta.doors_knocked),
            routes::conversations.eq(routes::conversations + delta.conversations),
            routes::materials_left.eq(routes::materials_left + delta.materials_left),
            routes::last_activity_at.eq(last),
            routes::status.eq(status),
            routes::completed_at.eq(completed_at),
            routes::updated_at.eq(now),
            // The route's view (progress) changed: a new version for ETag and If-Match.
            routes::version.eq(routes::version + 1),
        ))
        .execute(conn)
        .map(drop)
}

pub fn set_stops_total(conn: &mut DbConn, id: &RouteId, total: i32, visited: i32) -> QueryResult<()> {
    diesel::update(routes::table.find(id))
        .set((routes::stops_total.eq(total), routes::stops_visited.eq(visited)))
        .execute(conn)
        .map(drop)
}

#[derive(Debug, Default, Clone)]
pub struct VisitFilter {
    pub route_id: Option<String>,
    pub volunteer_id: Option<String>,
    pub branch: Option<String>,
    /// Only routes this volunteer is assigned to (a volunteer's own view).
    pub assignee: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    pub received_since: Option<NaiveDateTime>,
    pub after: Option<(NaiveDateTime, String)>,
}

/// Visits in the order they were received.
pub fn list_visits(conn: &mut DbConn, filter: &VisitFilter, limit: i64) -> QueryResult<Vec<Visit>> {
    let mut query =
        visits::table.select(Visit::as_select()).order((visits::received_at, visits::id)).limit(limit).into_boxed();
    if let Some(route) = &filter.route_id {
        query = query.filter(visits::route_id.eq(route.clone()));
    }
    if let Some(volunteer) = &filter.volunteer_id {
        query = query.filter(visits::volunteer_id.eq(volunteer.clone()));
    }
    if let Some(branch) = &filter.branch {
        let in_branch = routes::table.filter(routes::branch_code.eq(branch.clone())).select(routes::id);
        query = query.filter(visits::route_id.eq_any(in_branch));
    }
    if let Some(volunteer) = &filter.assignee {
        let assigned = route_assignees::table
            .filter(route_assignees::volunteer_id.eq(volunteer.clone()))
            .filter(route_assignees::unassigned_at.is_null())
            .select(route_assignees::route_id);
        query = query.filter(visits::route_id.eq_any(assigned));
    }
    if let Some(from) = filter.from {
        query = query.filter(visits::visited_at.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(visits::visited_at.lt(to));
    }
    if let Some(since) = filter.received_since {
        query = query.filter(visits::received_at.ge(since));
    }
    if let Some((at, id)) = &filter.after {
        query =
            query.filter(visits::received_at.gt(*at).or(visits::received_at.eq(*at).and(visits::id.gt(id.clone()))));
    }
    query.load(conn)
}

/// The routes' maintained counters summed per branch, locality and status.
#[derive(Debug, Clone, Queryable)]
pub struct RouteTally {
    pub branch_code: String,
    pub locality_id: String,
    pub status: RouteStatus,
    pub routes: i64,
    pub stops_total: Option<i64>,
    pub stops_visited: Option<i64>,
    pub visits: Option<i64>,
    pub doors_knocked: Option<i64>,
    pub conversations: Option<i64>,
    pub materials_left: Option<i64>,
}

/// What progress reports read: one row per branch, locality and route status,
/// summed in the database, however many routes and visits there are.
pub fn tallies(conn: &mut DbConn, branch: Option<&str>) -> QueryResult<Vec<RouteTally>> {
    use diesel::dsl::{count_star, sum};
    let mut query = routes::table
        .group_by((routes::branch_code, routes::locality_id, routes::status))
        .select((
            routes::branch_code,
            routes::locality_id,
            routes::status,
            count_star(),
            sum(routes::stops_total),
            sum(routes::stops_visited),
            sum(routes::visits_count),
            sum(routes::doors_knocked),
            sum(routes::conversations),
            sum(routes::materials_left),
        ))
        .into_boxed();
    if let Some(branch) = branch {
        query = query.filter(routes::branch_code.eq(branch.to_owned()));
    }
    query.load(conn)
}

/// Takes the volunteer off every route not yet completed, at `now`.
/// Each route it leaves is a change for the feed, concerning the volunteer.
pub fn unassign_everywhere(conn: &mut DbConn, volunteer_id: &VolunteerId, now: NaiveDateTime) -> QueryResult<usize> {
    let open_routes =
        routes::table.filter(routes::status.ne(crate::domain::route::RouteStatus::Completed)).select(routes::id);
    let left: Vec<String> = route_assignees::table
        .filter(route_assignees::volunteer_id.eq(volunteer_id))
        .filter(route_assignees::unassigned_at.is_null())
        .filter(route_assignees::route_id.eq_any(open_routes))
        .select(route_assignees::route_id)
        .load(conn)?;
    if left.is_empty() {
        return Ok(0);
    }
    let ended = diesel::update(
        route_assignees::table
            .filter(route_assignees::volunteer_id.eq(volunteer_id))
            .filter(route_assignees::unassigned_at.is_null())
            .filter(route_assignees::route_id.eq_any(&left)),
    )
    .set(route_assignees::unassigned_at.eq(now))
    .execute(conn)?;
    super::outbox::append_route_unassignments(conn, &left, volunteer_id.as_str())?;
    Ok(ended)
}
