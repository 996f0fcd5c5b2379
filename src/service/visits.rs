//! Offline batch sync of door-to-door visits: each item checked and stored on
//! its own (all or nothing per item), replays recognised by the phone's UUID,
//! the route's progress updated in the same transaction.

use crate::domain::ids::{RouteId, StopId, VisitId, VolunteerId};
use std::collections::HashMap;

use chrono::{TimeDelta, Utc};
use serde_json::value::RawValue;

use crate::auth::{AuthUser, SessionUser};
use crate::db::routes::{self, ProgressDelta, Route, Visit};
use crate::db::volunteers::encode_list;
use crate::db::{Db, DbConn};
use crate::domain::role::Role;
use crate::domain::time::now;
use crate::dto::route::{BatchResult, ItemResult, ItemStatus, RouteProgress, RouteStatus, VisitIn, VisitOut};
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::service::batch::{self, BatchItem, ParsedBatch};
use crate::service::routes::{load_visible, route_audit};

/// How far ahead of the server's clock a phone's clock may run.
const CLOCK_SKEW: TimeDelta = TimeDelta::minutes(5);

impl BatchItem for VisitIn {
    type Id = VisitId;

    fn id(&self) -> &VisitId {
        &self.id
    }
}

/// The rules of one visit that need only the route's creation time.
fn check_item(item: &VisitIn, route: &Route) -> Vec<FieldError> {
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
        || past(route.materials_left, delta.materials_left, item.materials_left)
}

/// Who may sync: the route's assigned volunteers and its branch's staff.
fn ensure_may_sync(conn: &mut DbConn, actor: &SessionUser, route: &Route) -> Result<Option<VolunteerId>, ApiError> {
    match actor.role {
        Role::Admin => Ok(None),
        Role::Coordinator => {
            actor.ensure_manages_branch(&route.branch_code, format!("route {}", route.id))?;
            Ok(None)
        }
        Role::Volunteer => {
            let volunteer =
                actor.volunteer_id.clone().ok_or_else(|| ApiError::not_found(format!("route {}", route.id)))?;
            if routes::is_assigned(conn, &route.id, &volunteer)? {
                Ok(Some(volunteer))
            } else {
                Err(ApiError::not_found(format!("route {}", route.id)))
            }
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
        materials_left: item.materials_left,
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
    delta: ProgressDelta,
    received_at: chrono::NaiveDateTime,
}

/// Decides every item against the route, its stops and the visits already stored
/// under the items' ids (see [`batch::decide`]). Writes nothing.
fn decide(
    parsed: ParsedBatch<VisitIn>,
    route: &Route,
    stops: &HashMap<StopId, (i32, bool)>,
    stored: HashMap<VisitId, Visit>,
    volunteer_id: &Option<VolunteerId>,
    actor: &SessionUser,
) -> Outcome {
    let received_at = now();
    let mut delta = ProgressDelta {
        visits: 0,
        new_stops: 0,
        doors_knocked: 0,
        conversations: 0,
        materials_left: 0,
        last_activity_at: None,
    };
    let duplicate = |item: &VisitIn, existing: &Visit| {
        if existing.route_id == route.id {
            Ok(!same_content(existing, &visit_of(item, route, volunteer_id, actor, received_at)))
        } else {
            Err(vec![FieldError::new("id", ErrorCode::Taken, "this id belongs to a visit of another route")])
        }
    };
    let create = |item: &VisitIn| {
        let refuse = |field: &str, code: ErrorCode, message: &str| -> Result<Visit, Vec<FieldError>> {
            Err(vec![FieldError::new(field, code, message)])
        };
        let Some((doors, _)) = stops.get(&item.stop_id) else {
            return refuse("stop_id", ErrorCode::NotOnRoute, "this stop is not on the route");
        };
        if item.doors_knocked > *doors {
            return refuse("doors_knocked", ErrorCode::MoreThanDoors, "more doors than the stop has");
        }
        if counters_would_overflow(route, &delta, item) {
            return refuse("item", ErrorCode::RouteFull, "the route's counters cannot take more");
        }
        let visit = visit_of(item, route, volunteer_id, actor, received_at);
        delta.visits += 1;
        delta.doors_knocked += visit.doors_knocked;
        delta.conversations += visit.conversations;
        delta.materials_left += visit.materials_left;
        delta.last_activity_at = delta.last_activity_at.max(Some(visit.visited_at));
        Ok(visit)
    };
    let (decisions, new_visits) = batch::decide(parsed, stored, duplicate, create);
    let results = decisions
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
    Outcome { results, new_visits, delta, received_at }
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
    batch::check_size(items.len(), "visits")?;
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        let route = load_visible(conn, &actor, &route_id)?;
        let volunteer_id = ensure_may_sync(conn, &actor, &route)?;
        let parsed = batch::parse(&items, |item: &VisitIn| check_item(item, &route));
        batch::sync(
            conn,
            parsed,
            stored_visits,
            |_, parsed, stored| {
                // Every item is a replay or refused: nothing to check against the stops.
                let outcome = decide(parsed, &route, &HashMap::new(), stored, &volunteer_id, &actor);
                Ok(batch_result(outcome.results, &route))
            },
            |conn| {
                // Under the route's lock, everything is read again: another sync, a
                // change of stops or of assignees may have come in between.
                routes::lock(conn, &route_id)?;
                let route = load_visible(conn, &actor, &route_id)?;
                let volunteer_id = ensure_may_sync(conn, &actor, &route)?;
                Ok((route, volunteer_id))
            },
            |conn, (route, volunteer_id), parsed, stored| {
                let stops: HashMap<StopId, (i32, bool)> = routes::stop_doors(conn, &route.id)?
                    .into_iter()
                    .map(|(id, doors, visited)| (id, (doors, visited)))
                    .collect();
                let Outcome { results, new_visits, mut delta, received_at } =
                    decide(parsed, &route, &stops, stored, &volunteer_id, &actor);
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
                    let details = format!("{} visits synced", delta.visits);
                    crate::db::audit::record(conn, route_audit(&actor, "visits_synced", &route.id, Some(details)))?;
                }
                let route = routes::find(conn, &route.id)?.ok_or_else(|| ApiError::internal("route vanished"))?;
                Ok(batch_result(results, &route))
            },
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
    db.run(move |conn| Ok(routes::list_visits(conn, &filter, limit)?.into_iter().map(VisitOut::from).collect())).await
}
