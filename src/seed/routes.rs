//! Door-to-door routes: stops cut in a settlement (apartment entrances in
//! towns, houses in villages), assignees, and the walks that produce visits,
//! with the counters the visit sync maintains.

use crate::domain::ids::{EventId, RouteId, ShiftId, VolunteerId};
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::addresses;
use super::clock::plus_minutes;
use super::context::Settlement;
use super::new_id;
use super::rng::Rng;
use super::walking::{self, Schedule, Walker};
use crate::db::routes::{Route, Stop, Visit};
use crate::db::schema::route_assignees;

/// A volunteer on a route (the table has no row struct of its own in `db`).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = route_assignees, treat_none_as_default_value = false)]
pub struct RouteAssignee {
    pub route_id: RouteId,
    pub volunteer_id: VolunteerId,
    pub created_at: NaiveDateTime,
}

/// Rows written together (one transaction).
#[derive(Default)]
pub struct RouteBatch {
    pub routes: Vec<Route>,
    pub stops: Vec<Stop>,
    pub assignees: Vec<RouteAssignee>,
    pub visits: Vec<Visit>,
}

/// A route to cut and walk.
pub struct RouteSpec<'a> {
    pub branch_code: &'a str,
    pub settlement: &'a Settlement,
    pub event: Option<(EventId, ShiftId)>,
    pub created_at: NaiveDateTime,
    pub walkers: Vec<Walker>,
    pub schedule: Schedule,
}

fn stop(rng: &mut Rng, route_id: &RouteId, created_at: NaiveDateTime, street: &str, building: String) -> Stop {
    Stop {
        id: new_id(rng, created_at),
        route_id: route_id.to_owned(),
        position: 0,
        street: street.to_owned(),
        building,
        entrance: None,
        doors: 1,
        latitude: None,
        longitude: None,
        access_notes: None,
        visits_count: 0,
        first_visited_at: None,
        created_at,
    }
}

/// The stops of a route in walking order, and the route's name.
fn cut(rng: &mut Rng, route_id: &RouteId, created_at: NaiveDateTime, settlement: &Settlement) -> (Vec<Stop>, String) {
    let mut stops = Vec::new();
    let name;
    if settlement.village {
        let street = addresses::village_street(rng);
        let mut number = rng.between(1, 30);
        for _ in 0..rng.between(15, 35) {
            let mut house = stop(rng, route_id, created_at, street, number.to_string());
            house.doors = if rng.chance(90) { 1 } else { 2 };
            stops.push(house);
            number += rng.between(1, 2);
        }
        name = format!("{}: {street}, {}–{number}", settlement.name_ru, stops.first().map_or("1", |s| &s.building));
    } else {
        let street = addresses::city_street(rng);
        let mut number = rng.between(1, 60);
        let first = number;
        for _ in 0..rng.between(2, 4) {
            let (entrances, doors_each) =
                [(4, 36), (6, 20), (3, 48), (2, 64), (8, 36)][rng.weighted(&[35, 25, 15, 10, 15])];
            for entrance in 1..=entrances {
                let mut block = stop(rng, route_id, created_at, street, number.to_string());
                block.entrance = Some(entrance.to_string());
                block.doors = doors_each;
                if rng.chance(4) {
                    block.access_notes = Some("Домофон, код у старшего по дому".into());
                }
                stops.push(block);
            }
            number += rng.between(2, 6);
        }
        name = format!("{}: {street}, {first}–{number}", settlement.name_ru);
    }
    for (position, stop) in stops.iter_mut().enumerate() {
        stop.position = i32::try_from(position).unwrap_or(i32::MAX);
    }
    (stops, name)
}

/// Cuts, assigns and walks one route into `batch`; returns its visit count.
pub fn build(rng: &mut Rng, spec: RouteSpec, batch: &mut RouteBatch) -> usize {
    let id = new_id(rng, spec.created_at);
    let (mut stops, name) = cut(rng, &id, spec.created_at, spec.settlement);
    let first_visit = batch.visits.len();
    let progress = walking::walk(rng, &id, &mut stops, &spec.walkers, &spec.schedule, &mut batch.visits);
    let updated_at = progress.last_sync_at.unwrap_or(spec.created_at).max(spec.created_at);
    let (event_id, shift_id) = spec.event.map_or((None, None), |(event, shift)| (Some(event), Some(shift)));
    batch.routes.push(Route {
        id: id.clone(),
        branch_code: spec.branch_code.to_owned(),
        locality_id: spec.settlement.id.clone(),
        event_id,
        shift_id,
        name,
        status: progress.status,
        stops_total: i32::try_from(stops.len()).unwrap_or(i32::MAX),
        stops_visited: progress.stops_visited,
        visits_count: progress.visits_count,
        doors_knocked: progress.doors_knocked,
        conversations: progress.conversations,
        materials_left: progress.materials_left,
        last_activity_at: progress.last_activity_at,
        completed_at: progress.completed_at,
        created_at: spec.created_at,
        updated_at,
        version: 1,
    });
    let mut seen = Vec::new();
    for walker in &spec.walkers {
        if !seen.contains(&walker.volunteer_id) {
            seen.push(walker.volunteer_id.clone());
            batch.assignees.push(RouteAssignee {
                route_id: id.clone(),
                volunteer_id: walker.volunteer_id.clone(),
                created_at: spec.created_at,
            });
        }
    }
    batch.stops.extend(stops);
    batch.visits.len() - first_visit
}

/// When a route walked in sessions was cut: a few days before its first walk.
pub fn cut_before(rng: &mut Rng, first_walk: NaiveDateTime) -> NaiveDateTime {
    plus_minutes(first_walk, -rng.between(24 * 60, 5 * 24 * 60))
}
