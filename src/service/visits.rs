//! Offline batch sync of door-to-door visits: each item checked and stored on
//! its own (all or nothing per item), replays recognised by the phone's UUID,
//! the route's progress updated in the same transaction.

use crate::domain::ids::{MaterialId, RouteId, StopId, VisitId, VolunteerId};
use std::collections::{BTreeSet, HashMap};

use chrono::{TimeDelta, Utc};
use serde_json::value::RawValue;
use validator::Validate;

use crate::auth::{AuthUser, SessionUser};
use crate::db::routes::{self, ProgressDelta, Route, Visit};
use crate::db::stock_movements::{self, StockMovement};
use crate::db::volunteers::encode_list;
use crate::db::{Db, DbConn, write_transaction};
use crate::domain::role::Role;
use crate::domain::time::now;
use crate::dto::json::parse_json;
use crate::dto::route::{BatchResult, ItemResult, ItemStatus, RouteProgress, RouteStatus, VisitIn, VisitOut};
use crate::dto::stock::HandedOut;
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::service::hand_outs::{self, HandOut, Shelf, Source};
use crate::service::routes::{load_visible, route_audit};

/// Most visits one batch carries.
pub const MAX_BATCH: usize = 500;
/// Most printed items one visit leaves.
const MAX_MATERIALS_LEFT: i32 = 10_000;
/// How far ahead of the server's clock a phone's clock may run.
const CLOCK_SKEW: TimeDelta = TimeDelta::minutes(5);

fn errors_of(err: ApiError) -> Vec<FieldError> {
    match err {
        ApiError::Validation(errors) | ApiError::BadRequest { errors, .. } => errors,
        other => vec![FieldError::new("item", ErrorCode::Refused, other.problem().detail)],
    }
}

/// An item read from the batch, or why it cannot be.
type ParsedItem = Result<VisitIn, Vec<FieldError>>;
/// Each item of a batch: the id it carried (when readable) and what it parsed to.
type ParsedBatch = Vec<(Option<String>, ParsedItem)>;

/// Reads one item: shape (serde), rules (validator), and what needs no database.
fn parse_item(raw: &RawValue, route: &Route) -> ParsedItem {
    // Named as in a body of its own, but a fault of the whole item is the item's.
    let mut item: VisitIn = parse_json(raw.get().as_bytes()).map_err(|err| {
        let mut errors = errors_of(err);
        errors.iter_mut().filter(|error| error.field == "body").for_each(|error| error.field = "item".into());
        errors
    })?;
    item.validate().map_err(|err| errors_of(ApiError::from(err)))?;
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
    if errors.is_empty() { Ok(item) } else { Err(errors) }
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

/// What a batch comes to: a result per item, the visits to insert and what they
/// add to the route's counters.
struct Outcome {
    results: Vec<ItemResult>,
    new_visits: Vec<Visit>,
    /// The materials each new visit handed out (taken from the shelf).
    hand_outs: Vec<(VisitId, Vec<HandedOut>)>,
    delta: ProgressDelta,
    received_at: chrono::NaiveDateTime,
}

/// Decides every item against the route, its stops, the visits already stored
/// under the items' ids (`stored` gains the new ones, so an id repeated within
/// the batch is a duplicate) and the stock its materials come from (a new item
/// takes them from `shelf`, or is refused whole). Writes nothing.
fn decide(
    parsed: ParsedBatch,
    route: &Route,
    stops: &HashMap<StopId, (i32, bool)>,
    mut stored: HashMap<VisitId, Visit>,
    shelf: &mut Shelf,
    syncer: &Syncer,
    actor: &SessionUser,
) -> Outcome {
    let volunteer_id = &syncer.volunteer_id;
    let received_at = now();
    let mut delta = ProgressDelta {
        visits: 0,
        new_stops: 0,
        doors_knocked: 0,
        conversations: 0,
        materials_left: 0,
        last_activity_at: None,
    };
    let mut results = Vec::with_capacity(parsed.len());
    let mut new_visits = Vec::new();
    let mut hand_outs = Vec::new();
    for (index, (raw_id, item)) in parsed.into_iter().enumerate() {
        let mut result = ItemResult {
            index,
            id: raw_id,
            status: ItemStatus::Rejected,
            conflicting: false,
            visit: None,
            errors: vec![],
        };
        match item {
            Err(errors) => result.errors = errors,
            Ok(item) => {
                let id = item.id.clone();
                result.id = Some(id.to_string());
                if let Some(existing) = stored.get(&id) {
                    if existing.route_id == route.id {
                        result.status = ItemStatus::Duplicate;
                        result.conflicting =
                            !same_content(existing, &visit_of(&item, route, volunteer_id, actor, received_at));
                        result.visit = Some(existing.clone().into());
                    } else {
                        result.errors.push(FieldError::new(
                            "id",
                            ErrorCode::Taken,
                            "this id belongs to a visit of another route",
                        ));
                    }
                } else if let Some(until) = syncer.assigned_until.filter(|until| item.visited_at.naive_utc() >= *until)
                {
                    result.errors.push(FieldError::new(
                        "visited_at",
                        ErrorCode::AssignmentEnded,
                        format!(
                            "the volunteer was taken off this route at {}; only visits made before then are accepted",
                            until.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                        ),
                    ));
                } else if !stops.contains_key(&item.stop_id) {
                    result.errors.push(FieldError::new(
                        "stop_id",
                        ErrorCode::NotOnRoute,
                        "this stop is not on the route",
                    ));
                } else if item.doors_knocked > stops[&item.stop_id].0 {
                    result.errors.push(FieldError::new(
                        "doors_knocked",
                        ErrorCode::MoreThanDoors,
                        "more doors than the stop has",
                    ));
                } else if counters_would_overflow(route, &delta, &item) {
                    result.errors.push(FieldError::new(
                        "item",
                        ErrorCode::RouteFull,
                        "the route's counters cannot take more",
                    ));
                } else if let Err(errors) = shelf.take(&item.materials) {
                    result.errors = errors;
                } else {
                    let visit = visit_of(&item, route, volunteer_id, actor, received_at);
                    delta.visits += 1;
                    delta.doors_knocked += visit.doors_knocked;
                    delta.conversations += visit.conversations;
                    delta.materials_left += visit.materials_left;
                    delta.last_activity_at = delta.last_activity_at.max(Some(visit.visited_at));
                    result.status = ItemStatus::Created;
                    if !item.materials.is_empty() {
                        hand_outs.push((id.clone(), item.materials));
                    }
                    new_visits.push(visit.clone());
                    stored.insert(id, visit);
                }
            }
        }
        results.push(result);
    }

    Outcome { results, new_visits, hand_outs, delta, received_at }
}

/// The materials the items not stored yet hand out, each once, in id order.
fn materials_named(parsed: &ParsedBatch, stored: &HashMap<VisitId, Visit>) -> BTreeSet<MaterialId> {
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

/// Parses the items (needing only the route's creation time) and loads the visits
/// already stored under their ids.
fn read_batch(
    conn: &mut DbConn,
    items: Vec<Box<RawValue>>,
    route: &Route,
) -> Result<(ParsedBatch, HashMap<VisitId, Visit>), ApiError> {
    let parsed: ParsedBatch = items
        .iter()
        .map(|raw| match parse_item(raw, route) {
            Ok(item) => (Some(item.id.to_string()), Ok(item)),
            Err(errors) => (id_of_unreadable(raw), Err(errors)),
        })
        .collect();
    let stored = stored_visits(conn, &parsed)?;
    Ok((parsed, stored))
}

/// The id an item carried, read apart from the rest so that a refused item can
/// still be matched to the phone's record.
fn id_of_unreadable(raw: &RawValue) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct IdOnly {
        id: Option<String>,
    }
    serde_json::from_str::<IdOnly>(raw.get()).ok().and_then(|item| item.id)
}

fn stored_visits(
    conn: &mut DbConn,
    parsed: &[(Option<String>, ParsedItem)],
) -> Result<HashMap<VisitId, Visit>, ApiError> {
    let ids: Vec<VisitId> =
        parsed.iter().filter_map(|(_, item)| item.as_ref().ok().map(|item| item.id.clone())).collect();
    Ok(routes::visits_by_ids(conn, &ids)?.into_iter().map(|visit| (visit.id.clone(), visit)).collect())
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

fn batch_result(results: Vec<ItemResult>, route: &Route) -> BatchResult {
    let count = |status: ItemStatus| results.iter().filter(|item| item.status == status).count();
    BatchResult {
        created: count(ItemStatus::Created),
        duplicates: count(ItemStatus::Duplicate),
        rejected: count(ItemStatus::Rejected),
        progress: RouteProgress::of(route),
        items: results,
    }
}

pub async fn sync_batch(
    db: &Db,
    actor: &AuthUser,
    route_id: RouteId,
    items: Vec<Box<RawValue>>,
) -> Result<BatchResult, ApiError> {
    if items.len() > MAX_BATCH {
        return Err(ApiError::invalid("visits", ErrorCode::TooMany, format!("at most {MAX_BATCH} visits per batch")));
    }
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        // Read and decide first, outside any transaction: a replay (every item
        // stored already) or a batch of refused items writes nothing, so it need not
        // wait for the write lock behind other phones' syncs.
        let (route, syncer) = load_for_sync(conn, &actor, &route_id)?;
        let (parsed, stored) = read_batch(conn, items, &route)?;
        let writes_nothing =
            parsed.iter().all(|(_, item)| item.as_ref().map_or(true, |item| stored.contains_key(&item.id)));
        if writes_nothing {
            let mut outcome = decide(parsed, &route, &HashMap::new(), stored, &mut Shelf::empty(), &syncer, &actor);
            hand_outs::fill_visit_materials(conn, outcome.results.iter_mut().filter_map(|item| item.visit.as_mut()))?;
            return Ok(batch_result(outcome.results, &route));
        }
        write_transaction(conn, |conn| {
            // Under the route's lock, everything is read again: another sync, a
            // change of stops or of assignees may have come in between.
            routes::lock(conn, &route_id)?;
            let (route, syncer) = load_for_sync(conn, &actor, &route_id)?;
            let stops: HashMap<StopId, (i32, bool)> = routes::stop_doors(conn, &route.id)?
                .into_iter()
                .map(|(id, doors, visited)| (id, (doors, visited)))
                .collect();
            let stored = stored_visits(conn, &parsed)?;
            // The materials the new items hand out come from the visiting
            // volunteer's holding (a staff sync: the route's branch), read and
            // locked once, after the route.
            let source = match &syncer.volunteer_id {
                Some(volunteer) => Source::Volunteer(volunteer.clone()),
                None => Source::Branch(route.branch_code.clone()),
            };
            let mut shelf = Shelf::load(conn, source, &materials_named(&parsed, &stored))?;
            let Outcome { mut results, new_visits, hand_outs, mut delta, received_at } =
                decide(parsed, &route, &stops, stored, &mut shelf, &syncer, &actor);
            hand_outs::fill_visit_materials(conn, results.iter_mut().filter_map(|item| item.visit.as_mut()))?;
            // Every item is decided and the route is locked: the new visits go in
            // with a few multi-row statements instead of one round trip each.
            if delta.visits > 0 {
                routes::insert_visits(conn, &new_visits)?;
                let touched = visits_per_stop(&new_visits);
                routes::add_stop_visits(conn, &touched)?;
                let newly_visited =
                    touched.iter().filter(|stop| stops.get(&stop.stop_id).is_some_and(|(_, visited)| !visited));
                delta.new_stops = i32::try_from(newly_visited.count()).unwrap_or(i32::MAX);
                let status = RouteStatus::worked(route.stops_visited + delta.new_stops, route.stops_total);
                routes::add_progress(conn, &route, &delta, status, received_at)?;
                let handed_out = hand_out_rows(&actor, &route, &syncer.volunteer_id, hand_outs, received_at);
                if !handed_out.is_empty() {
                    shelf.debit(conn, received_at)?;
                    stock_movements::insert_many(conn, &handed_out)?;
                }
                let details = format!("{} visits synced, {} hand-outs", delta.visits, handed_out.len());
                crate::db::audit::record(conn, route_audit(&actor, "visits_synced", &route.id, Some(details)))?;
            }
            let route = routes::find(conn, &route.id)?.ok_or_else(|| ApiError::internal("route vanished"))?;
            Ok(batch_result(results, &route))
        })
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
