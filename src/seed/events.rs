//! Events of the non-meeting kinds with their shifts and sign-ups, in the
//! branch's time zone, spread over the campaign calendar around the base time:
//! past events completed (attendance recorded) or cancelled, later ones
//! scheduled, a few drafts and cancellations.

use crate::domain::ids::{EventId, ShiftId};
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

use super::addresses;
use super::clock::{base_time, campaign_days, day_between, instant_between, local, plus_minutes};
use super::context::BranchContext;
use super::new_id;
use super::rng::Rng;
use super::signups::{self, Window};
use crate::db::events::Event;
use crate::db::shifts::{Assignment, Shift};
use crate::domain::event::{AssignmentStatus, EventKind, EventStatus};

/// Rows written together (one transaction).
#[derive(Default)]
pub struct EventBatch {
    pub events: Vec<Event>,
    pub shifts: Vec<Shift>,
    pub assignments: Vec<Assignment>,
}

/// A door-to-door shift over: routes are walked on it by its volunteers.
pub struct Walk {
    pub event_id: EventId,
    pub shift_id: ShiftId,
    pub settlement: usize,
    pub starts: NaiveDateTime,
    pub ends: NaiveDateTime,
    /// When the event took sign-ups: routes are cut after it.
    pub opened: NaiveDateTime,
    /// Roster indices of the volunteers who came (past) or are signed up (to come).
    pub walkers: Vec<usize>,
}

const KINDS: &[(EventKind, u32)] = &[
    (EventKind::DoorToDoor, 30),
    (EventKind::PosterPlacement, 12),
    (EventKind::MaterialsDistribution, 15),
    (EventKind::StreetStand, 18),
    (EventKind::SocialMedia, 8),
    (EventKind::Training, 10),
    (EventKind::Other, 7),
];

const CANCEL_REASONS: &[&str] = &[
    "Перенос из-за погоды",
    "Площадка недоступна в этот день",
    "Совпадает с другим мероприятием штаба",
    "Ауа райына байланысты шегерілді",
    "Недостаточно волонтёров",
];

const STAND_PLACES: &[&str] =
    &["у ТРЦ", "на центральной площади", "у автовокзала", "у городского рынка", "у входа в парк", "у ЦОНа"];

/// A shift to create: local day, start, minutes, capacity, skill.
struct ShiftPlan {
    day: NaiveDate,
    hour: u32,
    minute: u32,
    minutes: i64,
    capacity: i32,
    skill: Option<&'static str>,
}

fn shift_plans(rng: &mut Rng, kind: EventKind, first_day: NaiveDate) -> Vec<ShiftPlan> {
    let half_hour = |rng: &mut Rng| if rng.chance(50) { 0 } else { 30 };
    let mut plans = Vec::new();
    let mut add = |day, hour: i64, minute, minutes, capacity: i64, skill| {
        plans.push(ShiftPlan {
            day,
            hour: u32::try_from(hour).unwrap_or(10),
            minute,
            minutes,
            capacity: i32::try_from(capacity).unwrap_or(5),
            skill,
        })
    };
    match kind {
        EventKind::DoorToDoor => {
            let hour = rng.between(10, 15);
            let minute = half_hour(rng);
            let capacity = rng.between(4, 12);
            for shift in 0..rng.between(1, 2) {
                add(first_day, hour + shift * 3, minute, 150, capacity, None);
            }
        }
        EventKind::PosterPlacement => {
            let hour = rng.between(9, 15);
            add(first_day, hour, half_hour(rng), 150, rng.between(3, 8), None);
        }
        EventKind::MaterialsDistribution => {
            let hour = rng.between(9, 14);
            let minute = half_hour(rng);
            let capacity = rng.between(5, 15);
            let skill = rng.chance(15).then_some("водитель");
            for day in 0..rng.between(1, 3) {
                add(first_day + TimeDelta::days(day), hour, minute, 240, capacity, skill);
            }
        }
        EventKind::StreetStand => {
            let capacity = rng.between(3, 6);
            for day in 0..rng.between(1, 3) {
                add(first_day + TimeDelta::days(day), 10, 0, 240, capacity, None);
                add(first_day + TimeDelta::days(day), 14, 0, 240, capacity, None);
            }
        }
        EventKind::SocialMedia => {
            let skill = rng.chance(40).then_some("smm");
            add(first_day, 19, 0, 120, rng.between(10, 30), skill);
        }
        EventKind::Training => add(first_day, rng.between(10, 15), 0, 180, rng.between(15, 40), None),
        _ => add(first_day, rng.between(10, 16), half_hour(rng), rng.between(4, 6) * 30, rng.between(5, 20), None),
    }
    plans
}

/// Title, description, venue and address of an event in `place`.
fn texts(
    rng: &mut Rng,
    kind: EventKind,
    place: &str,
    village: bool,
) -> (String, Option<String>, Option<String>, Option<String>) {
    let address = Some(addresses::address(rng, village));
    match kind {
        EventKind::DoorToDoor => (
            format!("Поквартирный обход: {place}"),
            Some("Разъясняем жителям вопрос референдума и порядок голосования; сбор у штаба".into()),
            Some("Сбор у штаба".into()),
            address,
        ),
        EventKind::PosterPlacement => (
            format!("Размещение плакатов на информационных щитах, {place}"),
            Some("Только на местах, отведённых решением акимата".into()),
            None,
            address,
        ),
        EventKind::MaterialsDistribution => (
            format!("Раздача информационных материалов, {place}"),
            None,
            Some(format!("Пункт раздачи {}", rng.pick(STAND_PLACES))),
            address,
        ),
        EventKind::StreetStand => (
            format!("Информационный пикет {}, {place}", rng.pick(STAND_PLACES)),
            Some("Үгіт-насихат пикеті: буклеттер мен сұрақтарға жауап".into()),
            Some("Информационная палатка".into()),
            address,
        ),
        EventKind::SocialMedia => (
            "Онлайн-марафон: ответы на вопросы о референдуме".into(),
            Some("Публикации и прямой эфир в социальных сетях штаба".into()),
            Some("Онлайн".into()),
            None,
        ),
        EventKind::Training => (
            format!("Обучение волонтёров: работа с вопросами жителей ({place})"),
            Some("Еріктілерге арналған оқыту: сайлау процедурасы, жұмыс тәртібі".into()),
            Some("Штаб кампании, учебный зал".into()),
            address,
        ),
        _ => (format!("Собрание волонтёров штаба, {place}"), None, Some("Штаб кампании".into()), address),
    }
}

/// Where an event ends up, decided by its time against the base time.
fn status_for(rng: &mut Rng, starts: NaiveDateTime, ends: NaiveDateTime) -> EventStatus {
    let now = base_time();
    if ends <= now {
        if rng.chance(92) { EventStatus::Completed } else { EventStatus::Cancelled }
    } else if starts > now {
        [EventStatus::Scheduled, EventStatus::Draft, EventStatus::Cancelled][rng.weighted(&[85, 8, 7])]
    } else {
        EventStatus::Scheduled
    }
}

/// One event with its shifts and sign-ups; door-to-door shifts become walks.
fn one_event(rng: &mut Rng, branch: &mut BranchContext, batch: &mut EventBatch, walks: &mut Vec<Walk>) {
    let kind = KINDS[rng.weighted(&KINDS.iter().map(|(_, weight)| *weight).collect::<Vec<_>>())].0;
    let (first, last) = campaign_days();
    let day = day_between(rng, first, last - TimeDelta::days(2));
    let settlement = rng.below(u64::try_from(branch.settlements.len()).unwrap_or(1));
    let settlement = usize::try_from(settlement).unwrap_or(0);
    let (place, village, locality_id) = match branch.settlements.get(settlement) {
        Some(found) if kind != EventKind::SocialMedia => (found.name_ru.clone(), found.village, Some(found.id.clone())),
        _ => (branch.centre_ru.clone(), false, None),
    };
    let plans = shift_plans(rng, kind, day);
    let spans: Vec<(NaiveDateTime, NaiveDateTime)> = plans
        .iter()
        .map(|plan| {
            let starts = local(branch.zone, plan.day, plan.hour, plan.minute);
            (starts, plus_minutes(starts, plan.minutes))
        })
        .collect();
    let starts = spans.iter().map(|span| span.0).min().unwrap_or_default();
    let ends = spans.iter().map(|span| span.1).max().unwrap_or_default();
    let status = status_for(rng, starts, ends);
    let now = base_time();
    let created_at = plus_minutes(starts.min(now), -rng.between(2 * 24 * 60, 21 * 24 * 60));
    let id: EventId = new_id(rng, created_at);
    let mut version = 1;
    // Some events were drafted first and scheduled later.
    let opened = if status != EventStatus::Draft && rng.chance(30) {
        version += 1;
        instant_between(rng, created_at, plus_minutes(created_at, 2 * 24 * 60)).min(starts.min(now))
    } else {
        created_at
    };
    let cancelled_at = (status == EventStatus::Cancelled).then(|| instant_between(rng, opened, starts.min(now)));
    let mut updated_at = opened.max(cancelled_at.unwrap_or(opened));
    let mut event_shifts = Vec::new();
    let mut event_assignments = Vec::new();
    for (plan, (shift_starts, shift_ends)) in plans.iter().zip(spans) {
        let shift = Shift {
            id: new_id(rng, created_at),
            event_id: id.clone(),
            starts_at: shift_starts,
            ends_at: shift_ends,
            capacity: plan.capacity,
            required_skill: plan.skill.map(str::to_owned),
            created_at,
            updated_at: created_at,
            version: 1,
            cancelled_at: None,
            cancel_reason: None,
        };
        if status != EventStatus::Draft {
            let closes = shift_starts.min(now).min(cancelled_at.unwrap_or(shift_starts));
            let demand = plan.capacity * i32::try_from(rng.between(30, 130)).unwrap_or(100) / 100;
            let window =
                Window { opens: opened, closes, cancelled_at, demand: usize::try_from(demand.max(1)).unwrap_or(1) };
            let (rows, touched) = signups::fill(rng, &mut branch.roster, &shift, &window);
            updated_at = updated_at.max(touched.unwrap_or(updated_at));
            if kind == EventKind::DoorToDoor && status != EventStatus::Cancelled {
                let came = if shift_ends <= now { AssignmentStatus::Attended } else { AssignmentStatus::SignedUp };
                let walkers = rows.iter().filter(|(_, row)| row.status == came).map(|(member, _)| *member).collect();
                walks.push(Walk {
                    event_id: id.clone(),
                    shift_id: shift.id.clone(),
                    settlement,
                    starts: shift_starts,
                    ends: shift_ends,
                    opened,
                    walkers,
                });
            }
            event_assignments.extend(rows.into_iter().map(|(_, row)| row));
        }
        event_shifts.push(shift);
    }
    if status == EventStatus::Completed {
        version += 1;
        updated_at = updated_at.max(plus_minutes(ends, rng.between(30, 24 * 60)).min(now));
    } else if status == EventStatus::Cancelled {
        version += 1;
    }
    let (title, description, venue, address) = texts(rng, kind, &place, village);
    batch.events.push(Event {
        id,
        branch_code: branch.code.clone(),
        locality_id,
        kind,
        title,
        description,
        venue,
        address,
        latitude: None,
        longitude: None,
        starts_at: starts,
        ends_at: ends,
        status,
        cancel_reason: cancelled_at.map(|_| (*rng.pick(CANCEL_REASONS)).to_owned()),
        created_by: branch.coordinator.clone(),
        created_at,
        updated_at,
        version,
    });
    batch.shifts.extend(event_shifts);
    batch.assignments.extend(event_assignments);
}

/// `count` events of the branch, handed to `sink` in batches of about `batch_size`
/// events; returns the branch's walks.
pub fn generate(
    rng: &mut Rng,
    branch: &mut BranchContext,
    count: u64,
    batch_size: usize,
    sink: &mut dyn FnMut(EventBatch) -> Result<(), String>,
) -> Result<Vec<Walk>, String> {
    let mut walks = Vec::new();
    let mut batch = EventBatch::default();
    for _ in 0..count {
        one_event(rng, branch, &mut batch, &mut walks);
        if batch.events.len() >= batch_size {
            sink(std::mem::take(&mut batch))?;
        }
    }
    if !batch.events.is_empty() {
        sink(batch)?;
    }
    Ok(walks)
}
