//! Walking a route: sessions in which one volunteer visits stops in walking
//! order and syncs the visits afterwards (one batch per session), and what the
//! API then keeps on the stops and the route. Visits record counts and the
//! topics residents asked about; never an opinion or a voting intention.

use crate::domain::ids::{AccountId, RouteId, VolunteerId};
use chrono::{NaiveDateTime, TimeDelta};
use chrono_tz::Tz;

use super::clock::{base_time, instant_between, local, plus_minutes};
use super::new_id;
use super::rng::Rng;
use crate::db::routes::{Stop, Visit};
use crate::db::volunteers::encode_list;
use crate::dto::route::{QuestionTopic, RouteStatus};

const TOPICS: &[QuestionTopic] = QuestionTopic::ALL;

const QUESTION_TEXTS: &[&str] = &[
    "Где находится наш избирательный участок?",
    "Можно ли проголосовать не по месту прописки?",
    "Когда будет опубликован полный текст вопроса?",
    "Как проголосовать пожилым, которые не выходят из дома?",
    "Сайлау учаскесі қай жерде орналасқан?",
    "Какие документы нужны для голосования?",
];

const NOTES: &[&str] = &[
    "Подъезд закрыт, домофон не работает",
    "Жильцы просили зайти вечером",
    "Оставили листовки в почтовых ящиках",
    "Кіреберіс жабық, код белгісіз",
    "Во дворе собака, заходить с осторожностью",
    "Часть квартир пустует",
];

/// Who walks: the volunteer and the account their phone syncs with.
#[derive(Clone)]
pub struct Walker {
    pub volunteer_id: VolunteerId,
    pub account_id: AccountId,
}

/// When the route is walked.
pub enum Schedule {
    /// Not (yet): a route for later.
    Later,
    /// During one shift, from its start until it ends.
    Shift { starts: NaiveDateTime, ends: NaiveDateTime },
    /// Sessions on several days from `first_day`, until `percent` of the stops
    /// had a visit (or the data set's "now" comes).
    Sessions { first_day: NaiveDateTime, percent: i64, zone: Tz },
}

/// The route's maintained progress after the walks.
pub struct Progress {
    pub status: RouteStatus,
    pub stops_visited: i32,
    pub visits_count: i32,
    pub doors_knocked: i32,
    pub conversations: i32,
    pub materials_left: i32,
    pub last_activity_at: Option<NaiveDateTime>,
    pub completed_at: Option<NaiveDateTime>,
    pub last_sync_at: Option<NaiveDateTime>,
}

fn percent_of(rng: &mut Rng, count: i32, low: i64, high: i64) -> i32 {
    let percent = i32::try_from(rng.between(low, high)).unwrap_or(0);
    (count * percent + 50) / 100
}

/// One visit's counts at a stop of `doors` doors; `only` limits the doors
/// knocked (a second round at the doors nobody opened).
fn outcome(rng: &mut Rng, doors: i32, only: Option<i32>) -> (i32, i32, i32, i32, i32) {
    let knocked = match only {
        Some(left) => left.clamp(1, doors),
        None if doors <= 2 => doors,
        None => percent_of(rng, doors, 75, 100).max(1),
    };
    let (conversations, not_at_home, refused) = if knocked <= 2 {
        let mut counts = (0, 0, 0);
        for _ in 0..knocked {
            match rng.weighted(&[40, 42, 10, 8]) {
                0 => counts.0 += 1,
                1 => counts.1 += 1,
                2 => counts.2 += 1,
                _ => {}
            }
        }
        counts
    } else {
        let conversations = percent_of(rng, knocked, 20, 45);
        let refused = percent_of(rng, knocked, 0, 10);
        let not_at_home = percent_of(rng, knocked, 30, 55).min(knocked - conversations - refused);
        (conversations, not_at_home.max(0), refused)
    };
    let materials = conversations + percent_of(rng, not_at_home, 50, 100);
    (knocked, conversations, not_at_home, refused, materials.min(10_000))
}

/// Minutes a walker spends at a stop.
fn minutes_at(rng: &mut Rng, knocked: i32) -> i64 {
    i64::from(knocked) * rng.between(30, 50) / 60 + rng.between(2, 5)
}

struct Walk<'a> {
    rng: &'a mut Rng,
    stops: &'a mut [Stop],
    visits: &'a mut Vec<Visit>,
    route_id: &'a RouteId,
    progress: Progress,
    /// Doors nobody opened at each stop's last visit.
    unanswered: Vec<i32>,
}

impl Walk<'_> {
    fn visit(&mut self, stop: usize, walker: &Walker, at: NaiveDateTime, revisit: bool) -> i64 {
        let only = revisit.then_some(self.unanswered[stop]);
        let (knocked, conversations, not_at_home, refused, materials) = outcome(self.rng, self.stops[stop].doors, only);
        self.unanswered[stop] = not_at_home;
        let topics: Vec<String> = if conversations > 0 && self.rng.chance(35) {
            let first = *self.rng.pick(TOPICS);
            let second = *self.rng.pick(TOPICS);
            let mut topics = vec![first.as_str().to_owned()];
            if second != first && self.rng.chance(40) {
                topics.push(second.as_str().to_owned());
            }
            topics
        } else {
            Vec::new()
        };
        let question_text =
            (!topics.is_empty() && self.rng.chance(15)).then(|| (*self.rng.pick(QUESTION_TEXTS)).to_owned());
        let note = self.rng.chance(6).then(|| (*self.rng.pick(NOTES)).to_owned());
        let row = &mut self.stops[stop];
        row.visits_count += 1;
        if row.first_visited_at.is_none() {
            row.first_visited_at = Some(at);
            self.progress.stops_visited += 1;
        }
        self.progress.visits_count += 1;
        self.progress.doors_knocked += knocked;
        self.progress.conversations += conversations;
        self.progress.materials_left += materials;
        self.progress.last_activity_at = self.progress.last_activity_at.max(Some(at));
        self.visits.push(Visit {
            id: new_id(self.rng, at),
            route_id: self.route_id.to_owned(),
            stop_id: row.id.clone(),
            volunteer_id: Some(walker.volunteer_id.clone()),
            recorded_by: walker.account_id.clone(),
            visited_at: at,
            doors_knocked: knocked,
            conversations,
            not_at_home,
            refused,
            materials_left: materials,
            question_topics: encode_list(&topics),
            question_text,
            note,
            latitude: None,
            longitude: None,
            // Set when the session's batch is synced.
            received_at: at,
        });
        minutes_at(self.rng, knocked)
    }

    /// Walks `order` from `starts` until `ends`; the batch is synced afterwards.
    /// Returns how many stops of `order` were reached.
    fn session(
        &mut self,
        order: &[usize],
        walker: &Walker,
        starts: NaiveDateTime,
        ends: NaiveDateTime,
        revisit: bool,
    ) -> usize {
        let first_visit = self.visits.len();
        let mut at = starts;
        let mut reached = 0;
        for &stop in order {
            if at >= ends || at >= base_time() {
                break;
            }
            let minutes = self.visit(stop, walker, at, revisit);
            at = plus_minutes(at, minutes);
            reached += 1;
        }
        if self.visits.len() > first_visit {
            let last = self.progress.last_activity_at.unwrap_or(starts);
            let synced = plus_minutes(at, self.rng.between(5, 180)).min(base_time()).max(last);
            for visit in &mut self.visits[first_visit..] {
                visit.received_at = synced;
            }
            let total = i32::try_from(self.stops.len()).unwrap_or(i32::MAX);
            if self.progress.completed_at.is_none() && self.progress.stops_visited >= total && total > 0 {
                self.progress.completed_at = Some(synced);
            }
            self.progress.last_sync_at = Some(synced);
        }
        reached
    }
}

/// Walks the route's `stops` (updating their counters) by `walkers` on
/// `schedule`, appending the visits; returns the route's progress.
pub fn walk(
    rng: &mut Rng,
    route_id: &RouteId,
    stops: &mut [Stop],
    walkers: &[Walker],
    schedule: &Schedule,
    visits: &mut Vec<Visit>,
) -> Progress {
    let progress = Progress {
        status: if walkers.is_empty() { RouteStatus::Planned } else { RouteStatus::Assigned },
        stops_visited: 0,
        visits_count: 0,
        doors_knocked: 0,
        conversations: 0,
        materials_left: 0,
        last_activity_at: None,
        completed_at: None,
        last_sync_at: None,
    };
    let unanswered = vec![0; stops.len()];
    let mut walk = Walk { rng, stops, visits, route_id, progress, unanswered };
    let order: Vec<usize> = (0..walk.stops.len()).collect();
    match (schedule, walkers.is_empty()) {
        (Schedule::Later, _) | (_, true) => {}
        (Schedule::Shift { starts, ends }, false) => {
            let walker = walk.rng.pick(walkers).clone();
            let starts = plus_minutes(*starts, walk.rng.between(10, 30));
            walk.session(&order, &walker, starts, *ends, false);
        }
        (Schedule::Sessions { first_day, percent, zone }, false) => {
            let target = (order.len() * usize::try_from(*percent).unwrap_or(100)).div_ceil(100);
            let mut day = *first_day;
            let mut next = 0;
            while next < target && day < base_time() {
                let walker = walk.rng.pick(walkers).clone();
                let hour = u32::try_from(walk.rng.between(10, 17)).unwrap_or(10);
                let starts = local(*zone, day.date(), hour, u32::try_from(walk.rng.between(0, 59)).unwrap_or(0));
                let ends = plus_minutes(starts, walk.rng.between(120, 240));
                next += walk.session(&order[next..target], &walker, starts, ends, false);
                day += TimeDelta::days(walk.rng.between(1, 4));
            }
            // A second round at stops where many doors stayed shut.
            if next == order.len() && walk.rng.chance(60) && day < base_time() {
                let again: Vec<usize> =
                    order.iter().copied().filter(|&stop| walk.unanswered[stop] * 4 > walk.stops[stop].doors).collect();
                let walker = walk.rng.pick(walkers).clone();
                let starts = local(*zone, day.date(), 18, 0);
                walk.session(&again, &walker, starts, plus_minutes(starts, 150), true);
            }
        }
    }
    let mut progress = walk.progress;
    let total = i32::try_from(walk.stops.len()).unwrap_or(i32::MAX);
    if progress.visits_count > 0 {
        progress.status = RouteStatus::worked(progress.stops_visited, total);
    }
    progress
}

/// A random instant to start the first session on, between `from` and the day before the base time.
pub fn first_session_day(rng: &mut Rng, from: NaiveDateTime) -> NaiveDateTime {
    instant_between(rng, from, base_time() - TimeDelta::days(3))
}
