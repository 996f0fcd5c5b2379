//! Offline batch sync of door-to-door visits, under the contract every batch a
//! phone syncs follows (see [`super::batch`]): each item checked and stored on
//! its own, replays recognised by the phone's UUID, the route's progress and the
//! materials handed out updated in the same transaction.

use crate::domain::ids::{MaterialId, RouteId, StopId, VisitId, VolunteerId};
use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{TimeDelta, Utc};

use crate::auth::{AuthUser, SessionUser};
use crate::db::reports;
use crate::db::routes::{self, ProgressDelta, Route, Visit};
use crate::db::stock_movements::{self, StockMovement};
use crate::db::volunteers::encode_list;
use crate::db::{Db, DbConn};
use crate::domain::role::Role;
use crate::domain::time::now;
use crate::dto::json::parse_json;
use crate::dto::route::{BatchResult, ItemResult, RouteProgress, RouteStatus, VisitBatch, VisitIn, VisitOut};
use crate::dto::stock::HandedOut;
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::service::batch::{self, BatchItem, Decision, ParsedBatch};
use crate::service::hand_outs::{self, HandOut, Shelf, Source};
use crate::service::local_days;
use crate::service::routes::{load_visible, route_audit};

/// Most printed items one visit leaves.
const MAX_MATERIALS_LEFT: i32 = 10_000;
/// How far ahead of the server's clock a phone's clock may run.
const CLOCK_SKEW: TimeDelta = TimeDelta::minutes(5);

impl BatchItem for VisitIn {
    type Id = VisitId;

    fn id(&self) -> &VisitId {
        &self.id
    }
}

/// The rules of one visit that need only the route; completes the bare
/// `materials_left` total from the listed materials.
fn check_visit(item: &mut VisitIn, route: &Route) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if item.visited_at > Utc::now() + CLOCK_SKEW {
        errors.push(FieldError::new("visited_at", ErrorCode::InFuture, "the visit time is in the future"));
    }
    if item.visited_at.naive_utc() < route.created_at - CLOCK_SKEW {
        errors.push(FieldError::new(
            "visited_at",
            ErrorCode::BeforeRoute,
            "the visit time is before the route existed",
        ));
    }
    if item.conversations + item.not_at_home + item.refused > item.doors_knocked {
        errors.push(FieldError::new(
            "doors_knocked",
            ErrorCode::Inconsistent,
            "conversations, not at home and refused add up to more than the doors knocked",
        ));
    }
    // The bare total stays: the sum of the materials when they are listed.
    match hand_outs::total_of(&item.materials, "materials_left", item.materials_left, MAX_MATERIALS_LEFT) {
        Ok(total) => item.materials_left = Some(total),
        Err(mut more) => errors.append(&mut more),
    }
    errors
}

/// Whether adding the item would push one of the route's counters past what its
/// column holds.
fn counters_would_overflow(route: &Route, delta: &ProgressDelta, item: &VisitIn) -> bool {
    let past = |stored: i32, added: i32, more: i32| {
        i64::from(stored) + i64::from(added) + i64::from(more) > i64::from(i32::MAX)
    };
    past(route.visits_count, delta.visits, 1)
        || past(route.doors_knocked, delta.doors_knocked, item.doors_knocked)
        || past(route.conversations, delta.conversations, item.conversations)
        || past(route.materials_left, delta.materials_left, item.materials_left.unwrap_or(0))
}

/// Who syncs a batch: the volunteer the visits are credited to (none for staff),
/// and for a volunteer taken off the route, when that happened.
struct Syncer {
    volunteer_id: Option<VolunteerId>,
    assigned_until: Option<chrono::NaiveDateTime>,
}

/// The route, if `actor` may sync visits to it: its assigned volunteers, the
/// volunteers taken off it (for visits made before that), and its branch's staff.
fn load_for_sync(conn: &mut DbConn, actor: &SessionUser, route_id: &RouteId) -> Result<(Route, Syncer), ApiError> {
    let not_found = || ApiError::not_found(format!("route {route_id}"));
    let staff = Syncer { volunteer_id: None, assigned_until: None };
    match actor.role {
        Role::Admin => Ok((load_visible(conn, actor, route_id)?, staff)),
        Role::Coordinator => {
            let route = load_visible(conn, actor, route_id)?;
            actor.ensure_manages_branch(&route.branch_code, format!("route {}", route.id))?;
            Ok((route, staff))
        }
        Role::Volunteer => {
            let volunteer = actor.volunteer_id.clone().ok_or_else(not_found)?;
            let assigned_until = routes::assignment(conn, route_id, &volunteer)?.ok_or_else(not_found)?;
            let route = routes::find(conn, route_id)?.ok_or_else(not_found)?;
            Ok((route, Syncer { volunteer_id: Some(volunteer), assigned_until }))
        }
        Role::Observer => Err(ApiError::Forbidden("observers do not record visits".into())),
    }
}

/// The visit `item` records on `route`.
fn visit_of(
    item: &VisitIn,
    route: &Route,
    volunteer_id: &Option<VolunteerId>,
    actor: &SessionUser,
    received_at: chrono::NaiveDateTime,
) -> Visit {
    Visit {
        id: item.id.clone(),
        route_id: route.id.clone(),
        stop_id: item.stop_id.clone(),
        volunteer_id: volunteer_id.clone(),
        recorded_by: actor.account_id.clone(),
        visited_at: item.visited_at.naive_utc(),
        doors_knocked: item.doors_knocked,
        conversations: item.conversations,
        not_at_home: item.not_at_home,
        refused: item.refused,
        materials_left: item.materials_left.unwrap_or(0),
        question_topics: encode_list(&item.questions.iter().map(|topic| topic.as_str().to_owned()).collect::<Vec<_>>()),
        question_text: item.question_text.clone(),
        note: item.note.clone(),
        latitude: item.latitude,
        longitude: item.longitude,
        received_at,
    }
}

/// Whether a replayed visit says what the stored one says (who sent it and when
/// it arrived aside; times to the microsecond the databases keep).
fn same_content(stored: &Visit, replayed: &Visit) -> bool {
    let micros = |at: chrono::NaiveDateTime| at.and_utc().timestamp_micros();
    stored.stop_id == replayed.stop_id
        && micros(stored.visited_at) == micros(replayed.visited_at)
        && (stored.doors_knocked, stored.conversations, stored.not_at_home, stored.refused, stored.materials_left)
            == (
                replayed.doors_knocked,
                replayed.conversations,
                replayed.not_at_home,
                replayed.refused,
                replayed.materials_left,
            )
        && stored.question_topics == replayed.question_topics
        && stored.question_text == replayed.question_text
        && stored.note == replayed.note
        && stored.latitude == replayed.latitude
        && stored.longitude == replayed.longitude
}

/// A replayed visit is a duplicate of the stored one when both are on the route;
/// `conflicting` when it says something else.
fn duplicate(
    item: &VisitIn,
    existing: &Visit,
    route: &Route,
    syncer: &Syncer,
    actor: &SessionUser,
) -> Result<bool, Vec<FieldError>> {
    if existing.route_id != route.id {
        return Err(vec![FieldError::new("id", ErrorCode::Taken, "this id belongs to a visit of another route")]);
    }
    Ok(!same_content(existing, &visit_of(item, route, &syncer.volunteer_id, actor, existing.received_at)))
}

/// The rules of a new visit that need the stored route: the syncer still (or
/// then) assigned, the stop on the route, its doors, the route's counters.
fn check_against_route(
    item: &VisitIn,
    route: &Route,
    stops: &HashMap<StopId, (i32, bool)>,
    delta: &ProgressDelta,
    syncer: &Syncer,
) -> Result<(), FieldError> {
    if let Some(until) = syncer.assigned_until.filter(|until| item.visited_at.naive_utc() >= *until) {
        return Err(FieldError::new(
            "visited_at",
            ErrorCode::AssignmentEnded,
            format!(
                "the volunteer was taken off this route at {}; only visits made before then are accepted",
                until.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
        ));
    }
    let Some((doors, _)) = stops.get(&item.stop_id) else {
        return Err(FieldError::new("stop_id", ErrorCode::NotOnRoute, "this stop is not on the route"));
    };
    if item.doors_knocked > *doors {
        return Err(FieldError::new("doors_knocked", ErrorCode::MoreThanDoors, "more doors than the stop has"));
    }
    if counters_would_overflow(route, delta, item) {
        return Err(FieldError::new("item", ErrorCode::RouteFull, "the route's counters cannot take more"));
    }
    Ok(())
}

/// The materials the items not stored yet hand out, each once, in id order.
fn materials_named(parsed: &ParsedBatch<VisitIn>, stored: &HashMap<VisitId, Visit>) -> BTreeSet<MaterialId> {
    parsed
        .iter()
        .filter_map(|(_, item)| item.as_ref().ok())
        .filter(|item| !stored.contains_key(&item.id))
        .flat_map(|item| item.materials.iter().map(|handed| handed.material_id.clone()))
        .collect()
}

/// The `hand_out` movements of the new visits, one per visit and material.
fn hand_out_rows(
    actor: &SessionUser,
    route: &Route,
    volunteer_id: &Option<VolunteerId>,
    hand_outs: Vec<(VisitId, Vec<HandedOut>)>,
    at: chrono::NaiveDateTime,
) -> Vec<StockMovement> {
    let mut rows = Vec::new();
    for (visit_id, materials) in hand_outs {
        for handed in materials {
            let hand_out = HandOut {
                actor,
                material_id: &handed.material_id,
                branch: &route.branch_code,
                volunteer_id: volunteer_id.clone(),
                quantity: handed.quantity,
                at,
            };
            rows.push(StockMovement { visit_id: Some(visit_id.clone()), ..hand_out.row() });
        }
    }
    rows
}

fn stored_visits(conn: &mut DbConn, ids: &[VisitId]) -> Result<HashMap<VisitId, Visit>, ApiError> {
    Ok(routes::visits_by_ids(conn, ids)?.into_iter().map(|visit| (visit.id.clone(), visit)).collect())
}

/// The new visits per stop: how many, and the earliest.
fn visits_per_stop(visits: &[Visit]) -> Vec<routes::StopVisits> {
    let mut per_stop: HashMap<&StopId, routes::StopVisits> = HashMap::new();
    for visit in visits {
        let stop = per_stop.entry(&visit.stop_id).or_insert_with(|| routes::StopVisits {
            stop_id: visit.stop_id.clone(),
            visits: 0,
            first_visited_at: visit.visited_at,
        });
        stop.visits += 1;
        stop.first_visited_at = stop.first_visited_at.min(visit.visited_at);
    }
    per_stop.into_values().collect()
}

/// The answer to a batch: a result per item (a duplicate shows the visit stored
/// under its id, with its materials) and the route's progress.
fn batch_result(conn: &mut DbConn, decisions: Vec<Decision<Visit>>, route: &Route) -> Result<BatchResult, ApiError> {
    let (created, duplicates, rejected) = batch::counts(&decisions);
    let mut items: Vec<ItemResult> = decisions
        .into_iter()
        .map(|decision| ItemResult {
            index: decision.index,
            id: decision.id,
            status: decision.status,
            conflicting: decision.conflicting,
            visit: decision.existing.map(VisitOut::from),
            errors: decision.errors,
        })
        .collect();
    hand_outs::fill_visit_materials(conn, items.iter_mut().filter_map(|item| item.visit.as_mut()))?;
    Ok(BatchResult { created, duplicates, rejected, progress: RouteProgress::of(route), items })
}

/// Under the route's lock: the route, its syncer and stops read again (another
/// sync, a change of stops or of assignees may have come in between).
struct Locked {
    route: Route,
    syncer: Syncer,
    stops: HashMap<StopId, (i32, bool)>,
}

fn lock_route(conn: &mut DbConn, actor: &SessionUser, route_id: &RouteId) -> Result<Locked, ApiError> {
    routes::lock(conn, route_id)?;
    let (route, syncer) = load_for_sync(conn, actor, route_id)?;
    let stops =
        routes::stop_doors(conn, &route.id)?.into_iter().map(|(id, doors, visited)| (id, (doors, visited))).collect();
    Ok(Locked { route, syncer, stops })
}

/// Decides the items under the lock and writes the new visits, the route's
/// progress, the stock they hand out and one audit entry.
fn apply(
    conn: &mut DbConn,
    actor: &SessionUser,
    Locked { route, syncer, stops }: Locked,
    parsed: ParsedBatch<VisitIn>,
    stored: HashMap<VisitId, Visit>,
) -> Result<BatchResult, ApiError> {
    let received_at = now();
    // The materials the new items hand out come from the visiting volunteer's
    // holding (a staff sync: the route's branch), read and locked once, after
    // the route.
    let source = match &syncer.volunteer_id {
        Some(volunteer) => Source::Volunteer(volunteer.clone()),
        None => Source::Branch(route.branch_code.clone()),
    };
    let mut shelf = Shelf::load(conn, source, &materials_named(&parsed, &stored))?;
    let mut delta = ProgressDelta {
        visits: 0,
        new_stops: 0,
        doors_knocked: 0,
        conversations: 0,
        materials_left: 0,
        last_activity_at: None,
    };
    let mut handed: Vec<(VisitId, Vec<HandedOut>)> = Vec::new();
    let (decisions, new_visits) = batch::decide(
        parsed,
        stored,
        |item, existing| duplicate(item, existing, &route, &syncer, actor),
        |item| {
            check_against_route(item, &route, &stops, &delta, &syncer).map_err(|error| vec![error])?;
            shelf.take(&item.materials)?;
            let visit = visit_of(item, &route, &syncer.volunteer_id, actor, received_at);
            delta.visits += 1;
            delta.doors_knocked += visit.doors_knocked;
            delta.conversations += visit.conversations;
            delta.materials_left += visit.materials_left;
            delta.last_activity_at = delta.last_activity_at.max(Some(visit.visited_at));
            if !item.materials.is_empty() {
                handed.push((item.id.clone(), item.materials.clone()));
            }
            Ok(visit)
        },
    );
    // Every item is decided and the route is locked: the new visits go in with
    // a few multi-row statements instead of one round trip each.
    if !new_visits.is_empty() {
        routes::insert_visits(conn, &new_visits)?;
        add_to_visit_days(conn, &route.branch_code, &new_visits)?;
        let touched = visits_per_stop(&new_visits);
        routes::add_stop_visits(conn, &touched)?;
        let newly_visited = touched.iter().filter(|stop| stops.get(&stop.stop_id).is_some_and(|(_, visited)| !visited));
        delta.new_stops = i32::try_from(newly_visited.count()).unwrap_or(i32::MAX);
        let status = RouteStatus::worked(route.stops_visited + delta.new_stops, route.stops_total);
        routes::add_progress(conn, &route, &delta, status, received_at)?;
        let handed_out = hand_out_rows(actor, &route, &syncer.volunteer_id, handed, received_at);
        if !handed_out.is_empty() {
            shelf.debit(conn, received_at)?;
            stock_movements::insert_many(conn, &handed_out)?;
        }
        let details = format!("{} visits synced, {} hand-outs", delta.visits, handed_out.len());
        crate::db::audit::record(conn, route_audit(actor, "visits_synced", &route.id, Some(details)))?;
    }
    let route = routes::find(conn, &route.id)?.ok_or_else(|| ApiError::internal("route vanished"))?;
    batch_result(conn, decisions, &route)
}

/// Adds new visits to their branch's per-day sums (`visit_days`, read by the
/// reports), by the branch's local day of each visit.
fn add_to_visit_days(conn: &mut DbConn, branch: &str, visits: &[Visit]) -> Result<(), ApiError> {
    let minutes = local_days::branch_offsets(conn, Some(branch))?.first().map_or(300, |(_, minutes)| *minutes);
    let mut days: BTreeMap<String, reports::VisitDay> = BTreeMap::new();
    for visit in visits {
        let day = (visit.visited_at + TimeDelta::minutes(i64::from(minutes))).date().to_string();
        let sums = days.entry(day.clone()).or_insert_with(|| reports::VisitDay {
            branch_code: branch.to_owned(),
            day,
            visits: 0,
            doors_knocked: 0,
            conversations: 0,
        });
        sums.visits += 1;
        sums.doors_knocked += i64::from(visit.doors_knocked);
        sums.conversations += i64::from(visit.conversations);
    }
    reports::add_visit_days(conn, &days.into_values().collect::<Vec<_>>())?;
    Ok(())
}

/// Syncs a batch of visits recorded offline on one route: `body` is the JSON of
/// a [`VisitBatch`].
///
/// The body is parsed once the request has its database slot, not before: a
/// parsed batch of 500 items takes several times the body's size, and phones
/// syncing at once beyond the pool's size then wait holding only their bytes
/// (32 concurrent syncs held ~35 MB more before).
pub async fn sync_batch(db: &Db, actor: &AuthUser, route_id: RouteId, body: Vec<u8>) -> Result<BatchResult, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        let items = parse_json::<VisitBatch>(&body)?.visits;
        drop(body);
        batch::check_size(items.len(), "visits")?;
        let (route, syncer) = load_for_sync(conn, &actor, &route_id)?;
        let parsed = batch::parse(&items, |item: &mut VisitIn| check_visit(item, &route));
        batch::sync(
            conn,
            parsed,
            stored_visits,
            |conn, parsed, stored| {
                let (decisions, _) = batch::decide(
                    parsed,
                    stored,
                    |item, existing| duplicate(item, existing, &route, &syncer, &actor),
                    |_| Err(vec![FieldError::new("item", ErrorCode::Refused, "not stored")]),
                );
                batch_result(conn, decisions, &route)
            },
            |conn| lock_route(conn, &actor, &route_id),
            |conn, locked, parsed, stored| apply(conn, &actor, locked, parsed, stored),
        )
    })
    .await
}

/// Visits visible to `actor`, in the order received.
pub async fn list(
    db: &Db,
    actor: &AuthUser,
    mut filter: routes::VisitFilter,
    limit: i64,
) -> Result<Vec<VisitOut>, ApiError> {
    if !super::routes::narrow_to_caller(actor, &mut filter.branch, &mut filter.assignee) {
        return Ok(Vec::new());
    }
    db.run(move |conn| {
        let mut visits: Vec<VisitOut> =
            routes::list_visits(conn, &filter, limit)?.into_iter().map(VisitOut::from).collect();
        hand_outs::fill_visit_materials(conn, visits.iter_mut())?;
        Ok(visits)
    })
    .await
}
