//! Meetings with work collectives, experts and residents. A meeting is an event
//! of a meeting kind (same id) with one shift that volunteer speakers are
//! booked on, moved through requested → agreed → held (with a report) or
//! cancelled, with the event's status following as the meeting service sets it.

use crate::domain::ids::{EventId, MemberOrganisationId};
use chrono::{NaiveDateTime, TimeDelta};

use super::clock::{base_time, campaign_days, day_between, instant_between, local, plus_minutes};
use super::context::BranchContext;
use super::events::EventBatch;
use super::names;
use super::new_id;
use super::rng::Rng;
use crate::db::events::Event;
use crate::db::meetings::{FollowUp, Meeting, Organisation, Question, Report, Speaker};
use crate::db::shifts::{Assignment, Shift};
use crate::domain::event::{AssignmentStatus, EventKind, EventStatus};
use crate::dto::meeting::{FigureKind, MeetingStatus, SpeakerRole};
use crate::dto::route::QuestionTopic;
use crate::service::volunteers::normalize_name;

/// Rows written together (one transaction).
#[derive(Default)]
pub struct MeetingBatch {
    pub events: EventBatch,
    pub meetings: Vec<Meeting>,
    pub speakers: Vec<Speaker>,
    pub reports: Vec<Report>,
    pub questions: Vec<Question>,
    pub follow_ups: Vec<FollowUp>,
}

/// What the service gives a meeting's one shift.
const SPEAKER_PLACES: i32 = 50;

const FIGURE_KINDS: &[FigureKind] = FigureKind::ALL;

const QUESTIONS: &[(QuestionTopic, &str)] = &[
    (QuestionTopic::VotingProcedure, "Можно ли проголосовать по открепительному удостоверению?"),
    (QuestionTopic::PollingStation, "Будет ли участок на территории предприятия?"),
    (QuestionTopic::ReferendumQuestion, "Что именно меняется, если поправки примут?"),
    (QuestionTopic::Constitution, "Какие статьи Конституции затрагивает вопрос?"),
    (QuestionTopic::Economy, "Как это связано с зарплатами в отрасли?"),
    (QuestionTopic::SocialSupport, "Сақталатын әлеуметтік төлемдер туралы"),
    (QuestionTopic::Education, "Изменится ли что-то для школ?"),
    (QuestionTopic::Healthcare, "Касается ли это обязательного медстрахования?"),
    (QuestionTopic::LocalIssues, "Ремонт дороги к посёлку"),
];

const FOLLOW_UPS: &[&str] = &[
    "Передать брошюры на казахском языке для второй смены",
    "Сообщить адрес избирательного участка",
    "Организовать повторную встречу для вахтовиков",
    "Ответить письменно на вопрос о порядке голосования",
    "Направить эксперта по правовым вопросам",
];

const CANCEL_REASONS: &[&str] = &[
    "Организация попросила перенести на после отчётного периода",
    "Зал занят, новая дата не согласована",
    "Спикер заболел",
    "Ұжым вахтада, кездесу кейінге қалдырылды",
];

/// Titles by kind.
fn title(kind: EventKind, organisation: Option<&Organisation>, place: &str) -> String {
    match (kind, organisation) {
        (EventKind::WorkCollectiveMeeting, Some(organisation)) => {
            format!("Встреча с коллективом: {}", organisation.name_ru)
        }
        (EventKind::ExpertMeeting, _) => format!("Экспертная встреча о вопросе референдума, {place}"),
        _ => format!("Встреча с жителями, {place}"),
    }
}

/// A meeting's life: the times of its changes, decided by its time and the base time.
struct Life {
    status: MeetingStatus,
    created: NaiveDateTime,
    agreed: Option<NaiveDateTime>,
    closed: Option<NaiveDateTime>,
}

fn life(rng: &mut Rng, proposed: NaiveDateTime, starts: NaiveDateTime, ends: NaiveDateTime) -> Life {
    let now = base_time();
    let created = plus_minutes(proposed.min(starts).min(now), -rng.between(7 * 24 * 60, 30 * 24 * 60));
    let before_start = starts.min(proposed).min(now);
    let agreed_at = |rng: &mut Rng| instant_between(rng, created, plus_minutes(created, 5 * 24 * 60)).min(before_start);
    if ends <= now {
        if rng.chance(80) {
            let agreed = agreed_at(rng);
            let held = plus_minutes(ends, rng.between(60, 48 * 60)).min(now);
            return Life { status: MeetingStatus::Held, created, agreed: Some(agreed), closed: Some(held) };
        }
    } else {
        match rng.weighted(&[40, 50, 10]) {
            0 => return Life { status: MeetingStatus::Requested, created, agreed: None, closed: None },
            1 => {
                let agreed = agreed_at(rng);
                return Life { status: MeetingStatus::Agreed, created, agreed: Some(agreed), closed: None };
            }
            _ => {}
        }
    }
    let agreed = rng.chance(50).then(|| agreed_at(rng));
    let cancelled = instant_between(rng, agreed.unwrap_or(created), before_start);
    Life { status: MeetingStatus::Cancelled, created, agreed, closed: Some(cancelled) }
}

/// Books the speakers: volunteers through an assignment on the meeting's shift
/// (free at that time, as the overlap rule requires), or public figures.
fn book_speakers(
    rng: &mut Rng,
    branch: &mut BranchContext,
    member_organisations: &[MemberOrganisationId],
    shift: &Shift,
    life: &Life,
    batch: &mut MeetingBatch,
) -> NaiveDateTime {
    // Speakers are added while the meeting is requested or agreed.
    let open_until = life.closed.unwrap_or(base_time()).min(base_time());
    let mut touched = life.created;
    for index in 0..rng.between(1, 3) {
        let at = instant_between(rng, life.created, open_until);
        let role = if index == 1 && rng.chance(40) { SpeakerRole::Moderator } else { SpeakerRole::Speaker };
        let mut speaker = Speaker {
            id: new_id(rng, at),
            meeting_id: shift.event_id.clone(),
            volunteer_id: None,
            assignment_id: None,
            figure_name: None,
            figure_kind: None,
            member_organisation_id: None,
            role,
            created_at: at,
        };
        let volunteer = rng
            .chance(60)
            .then(|| branch.roster.pick_registered_before(rng, at))
            .flatten()
            .filter(|&member| branch.roster.members[member].is_free(shift.starts_at, shift.ends_at));
        if let Some(member) = volunteer {
            branch.roster.members[member].hold(shift.starts_at, shift.ends_at);
            let (status, updated_at, version) = match life.status {
                MeetingStatus::Held => (AssignmentStatus::Attended, life.closed.unwrap_or(at), 2),
                MeetingStatus::Cancelled => (AssignmentStatus::Cancelled, life.closed.unwrap_or(at), 1),
                _ => (AssignmentStatus::SignedUp, at, 1),
            };
            let assignment = Assignment {
                id: new_id(rng, at),
                shift_id: shift.id.clone(),
                volunteer_id: branch.roster.members[member].id.clone(),
                status,
                shift_starts_at: shift.starts_at,
                shift_ends_at: shift.ends_at,
                created_at: at,
                updated_at,
                version,
            };
            speaker.volunteer_id = Some(assignment.volunteer_id.clone());
            speaker.assignment_id = Some(assignment.id.clone());
            batch.events.assignments.push(assignment);
        } else {
            speaker.figure_name = Some(normalize_name(&names::person(rng).full_name));
            speaker.figure_kind = Some(*rng.pick(FIGURE_KINDS));
            speaker.member_organisation_id =
                (!member_organisations.is_empty() && rng.chance(50)).then(|| rng.pick(member_organisations).clone());
        }
        touched = touched.max(at);
        batch.speakers.push(speaker);
    }
    touched
}

/// The report of a held meeting: attendance, questions, follow-ups.
fn report(
    rng: &mut Rng,
    id: &EventId,
    held: NaiveDateTime,
    organisation: Option<&Organisation>,
    batch: &mut MeetingBatch,
) {
    let at = plus_minutes(held, rng.between(10, 2 * 24 * 60)).min(base_time()).max(held);
    let (attendance, confirmed) = match organisation {
        Some(organisation) if rng.chance(4) => {
            (organisation.employee_count + i32::try_from(rng.between(1, 20)).unwrap_or(1), true)
        }
        Some(organisation) => {
            let share = i32::try_from(rng.between(10, 60)).unwrap_or(30);
            ((organisation.employee_count * share / 100).max(3).min(organisation.employee_count), false)
        }
        None => (i32::try_from(rng.between(15, 150)).unwrap_or(30), false),
    };
    batch.reports.push(Report {
        meeting_id: id.to_owned(),
        attendance,
        attendance_confirmed: confirmed,
        materials_handed_out: attendance * i32::try_from(rng.between(50, 150)).unwrap_or(100) / 100,
        notes: rng.chance(50).then(|| "Вопросы задавали в основном о порядке голосования".to_owned()),
        created_at: at,
        updated_at: at,
        version: 1,
    });
    for _ in 0..rng.between(0, 5) {
        let (topic, text) = *rng.pick(QUESTIONS);
        batch.questions.push(Question {
            id: new_id(rng, at),
            meeting_id: id.to_owned(),
            topic: topic.as_str().into(),
            text: rng.chance(70).then(|| text.to_owned()),
        });
    }
    for _ in 0..rng.between(0, 3) {
        let due_date = (held + TimeDelta::days(rng.between(3, 21))).date();
        batch.follow_ups.push(FollowUp {
            id: new_id(rng, at),
            meeting_id: id.to_owned(),
            what: (*rng.pick(FOLLOW_UPS)).to_owned(),
            owner: "Штаб филиала".into(),
            due_date,
            done: due_date < base_time().date() && rng.chance(60),
            created_at: at,
        });
    }
}

/// One meeting (event, shift, meeting row, speakers, report) into `batch`.
fn one_meeting(
    rng: &mut Rng,
    branch: &mut BranchContext,
    organisations: &[Organisation],
    member_organisations: &[MemberOrganisationId],
    batch: &mut MeetingBatch,
) {
    let mut kind = [EventKind::WorkCollectiveMeeting, EventKind::ExpertMeeting, EventKind::ResidentsMeeting]
        [rng.weighted(&[60, 15, 25])];
    if kind == EventKind::WorkCollectiveMeeting && organisations.is_empty() {
        kind = EventKind::ResidentsMeeting;
    }
    let organisation = (kind == EventKind::WorkCollectiveMeeting).then(|| rng.pick(organisations));
    let settlement = if branch.settlements.is_empty() { None } else { Some(rng.pick(&branch.settlements)) };
    let locality_id = organisation
        .and_then(|organisation| organisation.locality_id.clone())
        .or_else(|| settlement.map(|found| found.id.clone()));
    let place = settlement.map_or(branch.centre_ru.clone(), |found| found.name_ru.clone());
    let (first, last) = campaign_days();
    let day = day_between(rng, first, last);
    let hour = u32::try_from([12, 15, 17][rng.weighted(&[40, 30, 30])]).unwrap_or(12);
    let proposed = local(branch.zone, day, hour, 0);
    let minutes = rng.between(2, 3) * 30;
    // Some meetings were agreed for another day than first proposed.
    let starts = if rng.chance(30) { proposed + TimeDelta::days(rng.between(1, 3)) } else { proposed };
    let ends = plus_minutes(starts, minutes);
    let life = life(rng, proposed, starts, ends);
    let (starts, ends) = if life.status == MeetingStatus::Requested {
        (proposed, plus_minutes(proposed, minutes))
    } else {
        (starts, ends)
    };
    let id: EventId = new_id(rng, life.created);
    let shift = Shift {
        id: new_id(rng, life.created),
        event_id: id.clone(),
        starts_at: starts,
        ends_at: ends,
        capacity: SPEAKER_PLACES,
        required_skill: None,
        created_at: life.created,
        updated_at: life.created,
        version: 1,
        cancelled_at: None,
        cancel_reason: None,
    };
    let touched = book_speakers(rng, branch, member_organisations, &shift, &life, batch);
    let (event_status, changes) = match life.status {
        MeetingStatus::Requested => (EventStatus::Draft, 0),
        MeetingStatus::Agreed => (EventStatus::Scheduled, 1),
        MeetingStatus::Held => (EventStatus::Completed, 2),
        MeetingStatus::Cancelled => (EventStatus::Cancelled, 1 + i32::from(life.agreed.is_some())),
    };
    let changed = life.closed.or(life.agreed).unwrap_or(life.created);
    let cancel_reason = (life.status == MeetingStatus::Cancelled).then(|| (*rng.pick(CANCEL_REASONS)).to_owned());
    batch.events.events.push(Event {
        id: id.clone(),
        branch_code: branch.code.clone(),
        locality_id,
        kind,
        title: title(kind, organisation, &place),
        description: None,
        venue: Some(match organisation {
            Some(_) => "Актовый зал предприятия".to_owned(),
            None => (*rng.pick(&["Дом культуры", "Школа, актовый зал", "Библиотека", "Штаб кампании"])).to_owned(),
        }),
        address: organisation.and_then(|organisation| organisation.address.clone()),
        latitude: None,
        longitude: None,
        starts_at: starts,
        ends_at: ends,
        status: event_status,
        cancel_reason: cancel_reason.clone(),
        created_by: branch.coordinator.clone(),
        created_at: life.created,
        updated_at: changed.max(touched),
        version: 1 + changes,
    });
    batch.events.shifts.push(shift);
    batch.meetings.push(Meeting {
        event_id: id.clone(),
        organisation_id: organisation.map(|organisation| organisation.id.clone()),
        status: life.status,
        proposed_starts_at: proposed,
        proposed_ends_at: plus_minutes(proposed, minutes),
        cancel_reason,
        created_at: life.created,
        updated_at: changed,
        version: 1 + changes,
    });
    if let (MeetingStatus::Held, Some(held)) = (life.status, life.closed) {
        report(rng, &id, held, organisation, batch);
    }
}

/// `count` meetings of the branch.
pub fn generate(
    rng: &mut Rng,
    branch: &mut BranchContext,
    organisations: &[Organisation],
    member_organisations: &[MemberOrganisationId],
    count: u64,
) -> MeetingBatch {
    let mut batch = MeetingBatch::default();
    for _ in 0..count {
        one_meeting(rng, branch, organisations, member_organisations, &mut batch);
    }
    batch
}
