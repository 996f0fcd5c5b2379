//! Meetings with work collectives, experts and residents: lifecycle, speakers
//! (volunteers booked like shift sign-ups), reports with follow-ups, coverage.

use crate::domain::ids::{AssignmentId, EventId, ShiftId};
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::auth::{AuthUser, SessionUser};
use crate::db::audit::{self, AuditEvent};
use crate::db::events::{self, Event, EventChanges};
use crate::db::meetings::{self, CoverageScope, FollowUp, Meeting, MeetingFilter, Question, Report, Speaker};
use crate::db::shifts::{self, Assignment, Shift};
use crate::db::talking_points::{self, PointFilter};
use crate::db::{Db, DbConn, branches, localities, member_organisations, outbox, volunteers, write_transaction};
use crate::domain::change::{ChangeOperation, ChangeType};
use crate::domain::event::{AssignmentStatus, EventKind, EventStatus};
use crate::domain::role::Role;
use crate::domain::route::QuestionTopic;
use crate::domain::time::{now, utc};
use crate::domain::version::ExpectedVersion;
use crate::domain::volunteer::VolunteerStatus;
use crate::dto::meeting::{BriefOrganisation, MeetingBrief};
use crate::dto::meeting::{
    CountByKey, CreateMeeting, FollowUpOut, MeetingCoverage, MeetingKind, MeetingOut, MeetingStatus,
    MeetingStatusChange, QuestionIn, ReportIn, ReportOut, SpeakerIn, SpeakerOut,
};
use crate::dto::talking_point::TalkingPointOut;
use crate::error::{ApiError, ErrorCode};

fn audit_event<'a>(actor: &'a SessionUser, action: &'a str, id: &'a str, details: Option<String>) -> AuditEvent<'a> {
    super::audit(actor, action, "meeting", id, details)
}

fn meeting_kind(event: &Event) -> MeetingKind {
    match event.kind {
        EventKind::WorkCollectiveMeeting => MeetingKind::WorkCollectiveMeeting,
        EventKind::ExpertMeeting => MeetingKind::ExpertMeeting,
        _ => MeetingKind::ResidentsMeeting,
    }
}

pub fn create(conn: &mut DbConn, actor: &SessionUser, input: CreateMeeting) -> Result<MeetingOut, ApiError> {
    let branch = actor.branch_for_new_record(input.branch.clone())?;
    if input.proposed_ends_at <= input.proposed_starts_at {
        return Err(ApiError::invalid(
            "proposed_ends_at",
            ErrorCode::NotAfterStart,
            "must be after proposed_starts_at",
        ));
    }
    if input.kind == MeetingKind::WorkCollectiveMeeting && input.organisation_id.is_none() {
        return Err(ApiError::invalid(
            "organisation_id",
            ErrorCode::Required,
            "a work-collective meeting names its organisation",
        ));
    }
    if branches::find(conn, &branch)?.is_none() {
        return Err(ApiError::invalid("branch", ErrorCode::UnknownBranch, format!("there is no branch {branch}")));
    }
    if let Some(id) = &input.organisation_id
        && meetings::find_organisation(conn, id)?.is_none_or(|organisation| organisation.branch_code != branch)
    {
        return Err(ApiError::invalid(
            "organisation_id",
            ErrorCode::UnknownOrganisation,
            "not an organisation of the meeting's branch",
        ));
    }
    if let Some(id) = &input.locality_id
        && localities::find(conn, id)?.is_none_or(|locality| locality.branch_code != branch)
    {
        return Err(ApiError::invalid(
            "locality_id",
            ErrorCode::UnknownLocality,
            "not a locality of the meeting's branch",
        ));
    }
    let at = now();
    let (starts, ends) = (input.proposed_starts_at.naive_utc(), input.proposed_ends_at.naive_utc());
    let event = Event {
        id: EventId::new(),
        branch_code: branch,
        locality_id: input.locality_id,
        kind: input.kind.event_kind(),
        title: input.title.trim().to_owned(),
        description: None,
        venue: input.venue,
        address: input.address,
        latitude: None,
        longitude: None,
        starts_at: starts,
        ends_at: ends,
        status: EventStatus::Draft,
        cancel_reason: None,
        created_by: actor.account_id.clone(),
        created_at: at,
        updated_at: at,
        version: 1,
    };
    events::insert(conn, &event)?;
    // The meeting's one shift: what volunteer speakers are booked on.
    let shift = Shift {
        id: ShiftId::new(),
        event_id: event.id.clone(),
        starts_at: starts,
        ends_at: ends,
        capacity: 50,
        required_skill: None,
        created_at: at,
        updated_at: at,
        version: 1,
        cancelled_at: None,
        cancel_reason: None,
    };
    shifts::insert(conn, std::slice::from_ref(&shift))?;
    let meeting = Meeting {
        event_id: event.id.clone(),
        organisation_id: input.organisation_id,
        status: MeetingStatus::Requested,
        proposed_starts_at: starts,
        proposed_ends_at: ends,
        cancel_reason: None,
        created_at: at,
        updated_at: at,
        version: 1,
    };
    meetings::insert_meeting(conn, &meeting)?;
    audit::record(conn, audit_event(actor, "meeting_requested", &event.id, None))?;
    Ok(views(conn, vec![(meeting, event)])?.remove(0))
}

pub(crate) fn views(conn: &mut DbConn, rows: Vec<(Meeting, Event)>) -> Result<Vec<MeetingOut>, ApiError> {
    let ids: Vec<EventId> = rows.iter().map(|(meeting, _)| meeting.event_id.clone()).collect();
    let mut speakers: HashMap<EventId, Vec<SpeakerOut>> = HashMap::new();
    for speaker in meetings::speakers_of(conn, &ids)? {
        speakers.entry(speaker.meeting_id.clone()).or_default().push(speaker.into());
    }
    let reported: HashSet<EventId> =
        meetings::reports_for(conn, &ids)?.into_iter().map(|report| report.meeting_id).collect();
    let today = Utc::now().date_naive();
    let mut follow_ups: HashMap<EventId, (i64, i64)> = HashMap::new();
    for follow_up in meetings::follow_ups_of(conn, &ids)?.into_iter().filter(|follow_up| !follow_up.done) {
        let entry = follow_ups.entry(follow_up.meeting_id.clone()).or_default();
        entry.0 += 1;
        entry.1 += i64::from(follow_up.due_date < today);
    }
    Ok(rows
        .into_iter()
        .map(|(meeting, event)| {
            let (open, overdue) = follow_ups.get(&meeting.event_id).copied().unwrap_or_default();
            MeetingOut {
                kind: meeting_kind(&event),
                speakers: speakers.remove(&meeting.event_id).unwrap_or_default(),
                has_report: reported.contains(&meeting.event_id),
                open_follow_ups: open,
                overdue_follow_ups: overdue,
                id: meeting.event_id,
                branch: event.branch_code,
                organisation_id: meeting.organisation_id,
                locality_id: event.locality_id,
                title: event.title,
                venue: event.venue,
                address: event.address,
                status: meeting.status,
                cancel_reason: meeting.cancel_reason,
                proposed_starts_at: utc(meeting.proposed_starts_at),
                proposed_ends_at: utc(meeting.proposed_ends_at),
                starts_at: utc(event.starts_at),
                ends_at: utc(event.ends_at),
                // The event's stamp: it moves with speakers and reports too, and it
                // is what a sync pages by (see `db::meetings::MeetingFilter`).
                created_at: utc(event.created_at),
                updated_at: utc(event.updated_at),
                version: meeting.version,
            }
        })
        .collect())
}

pub(crate) fn sees(actor: &SessionUser, event: &Event) -> bool {
    match actor.role {
        Role::Admin | Role::Observer => true,
        Role::Coordinator | Role::Volunteer => actor.sees_branch(&event.branch_code),
    }
}

fn load(conn: &mut DbConn, actor: &SessionUser, id: &EventId) -> Result<(Meeting, Event), ApiError> {
    let not_found = || ApiError::not_found(format!("meeting {id}"));
    let meeting = meetings::find_meeting(conn, id)?.ok_or_else(not_found)?;
    let event = events::find(conn, id)?.filter(|event| sees(actor, event)).ok_or_else(not_found)?;
    Ok((meeting, event))
}

fn load_managed(conn: &mut DbConn, actor: &SessionUser, id: &EventId) -> Result<(Meeting, Event), ApiError> {
    let (meeting, event) = load(conn, actor, id)?;
    actor.ensure_manages_branch(&event.branch_code, format!("meeting {id}"))?;
    Ok((meeting, event))
}

pub async fn get(db: &Db, actor: &AuthUser, id: EventId) -> Result<MeetingOut, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        let row = load(conn, &actor, &id)?;
        Ok(views(conn, vec![row])?.remove(0))
    })
    .await
}

/// Meetings visible to `actor`: one keyset page of `limit` rows at most (the
/// caller asks one extra to know whether another page exists), every filter in
/// SQL, the page's speakers, reports and follow-ups in one query each.
pub async fn list(
    db: &Db,
    actor: &AuthUser,
    mut filter: MeetingFilter,
    limit: i64,
) -> Result<Vec<MeetingOut>, ApiError> {
    if matches!(actor.role, Role::Coordinator | Role::Volunteer) {
        let Some(branch) = actor.list_branch(filter.branch.take()) else { return Ok(Vec::new()) };
        filter.branch = branch;
    }
    db.run(move |conn| {
        let rows = meetings::list(conn, &filter, limit)?;
        views(conn, rows)
    })
    .await
}

/// Books a speaker. A volunteer speaker is signed up on the meeting's shift, so
/// an overlapping meeting or shift is refused (409) and the meeting shows in the
/// volunteer's schedule and calendar.
pub fn add_speaker(
    conn: &mut DbConn,
    actor: &SessionUser,
    id: EventId,
    input: SpeakerIn,
) -> Result<MeetingOut, ApiError> {
    if input.volunteer_id.is_none() && (input.figure_name.is_none() || input.figure_kind.is_none()) {
        return Err(ApiError::invalid(
            "volunteer_id",
            ErrorCode::Required,
            "name a volunteer, or a figure with figure_name and figure_kind",
        ));
    }
    let (meeting, event) = load_managed(conn, actor, &id)?;
    if !matches!(meeting.status, MeetingStatus::Requested | MeetingStatus::Agreed) {
        return Err(ApiError::field_conflict(
            format!("a {} meeting takes no new speakers", meeting.status),
            "status",
            ErrorCode::NotOpen,
            None,
        ));
    }
    let at = now();
    let mut assignment_id = None;
    if let Some(volunteer_id) = &input.volunteer_id {
        let volunteer = volunteers::find(conn, volunteer_id)?
            .filter(|volunteer| volunteer.branch_code == event.branch_code)
            .ok_or_else(|| {
                ApiError::invalid(
                    "volunteer_id",
                    ErrorCode::UnknownVolunteer,
                    "no such volunteer in the meeting's branch",
                )
            })?;
        if volunteer.status != VolunteerStatus::Active {
            return Err(ApiError::field_conflict(
                "only active volunteers speak",
                "volunteer_id",
                ErrorCode::VolunteerNotActive,
                None,
            ));
        }
        let shift = shifts::for_events(conn, std::slice::from_ref(&event.id))?
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::internal("meeting without shift"))?;
        shifts::lock(conn, &shift.id)?;
        crate::db::lock_row(conn, "volunteers", volunteer_id)?;
        if let Some(clash) = shifts::overlapping(conn, volunteer_id, &shift.id, shift.starts_at, shift.ends_at)? {
            return Err(ApiError::field_conflict(
                "the speaker is booked at an overlapping time",
                "volunteer_id",
                ErrorCode::Overlap,
                Some(clash.shift_id.to_string()),
            ));
        }
        if shifts::assignment_of(conn, &shift.id, volunteer_id)?
            .is_some_and(|a| a.status != AssignmentStatus::Cancelled)
        {
            return Err(ApiError::field_conflict(
                "this volunteer speaks at the meeting already",
                "volunteer_id",
                ErrorCode::Duplicate,
                None,
            ));
        }
        let assignment = Assignment {
            id: AssignmentId::new(),
            shift_id: shift.id.clone(),
            volunteer_id: volunteer_id.clone(),
            status: AssignmentStatus::SignedUp,
            shift_starts_at: shift.starts_at,
            shift_ends_at: shift.ends_at,
            created_at: at,
            updated_at: at,
            version: 1,
        };
        shifts::insert_assignment(conn, &assignment)?;
        // The booking is a sign-up of its own in the feed; the audit entry
        // names the meeting, so the change is appended here.
        outbox::append(
            conn,
            &outbox::Change {
                resource_type: ChangeType::Assignment,
                resource_id: &assignment.id,
                operation: ChangeOperation::Create,
                subject_id: None,
                action: Some("speaker_booked"),
            },
        )?;
        assignment_id = Some(assignment.id);
    }
    if let Some(organisation) = &input.member_organisation_id
        && member_organisations::find(conn, organisation)?.is_none()
    {
        return Err(ApiError::invalid(
            "member_organisation_id",
            ErrorCode::UnknownMemberOrganisation,
            "no such member organisation",
        ));
    }
    let speaker = Speaker {
        id: uuid::Uuid::now_v7().to_string(),
        meeting_id: meeting.event_id.clone(),
        volunteer_id: input.volunteer_id.clone(),
        assignment_id,
        figure_name: input.figure_name.clone(),
        figure_kind: input.figure_kind,
        member_organisation_id: input.member_organisation_id.clone(),
        role: input.role,
        created_at: at,
    };
    meetings::insert_speaker(conn, &speaker)?;
    meetings::touch(conn, std::slice::from_ref(&event.id), at)?;
    audit::record(conn, audit_event(actor, "meeting_speaker_added", &event.id, Some(format!("role={}", input.role))))?;
    let row = load(conn, actor, &id)?;
    Ok(views(conn, vec![row])?.remove(0))
}

pub async fn change_status(
    db: &Db,
    actor: &AuthUser,
    id: EventId,
    change: MeetingStatusChange,
    expected: ExpectedVersion,
) -> Result<MeetingOut, ApiError> {
    if change.status == MeetingStatus::Cancelled
        && change.reason.as_deref().is_none_or(|reason| reason.trim().is_empty())
    {
        return Err(ApiError::invalid("reason", ErrorCode::Required, "cancelling a meeting needs a reason"));
    }
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            crate::db::lock_row(conn, "events", &id)?;
            let (meeting, event) = load_managed(conn, &actor, &id)?;
            expected.check(change.version, meeting.version)?;
            let from = meeting.status;
            if !from.can_become(change.status) {
                return Err(ApiError::field_conflict(
                    format!("a meeting cannot go from {} to {}", from.as_str(), change.status.as_str()),
                    "status",
                    ErrorCode::IllegalTransition,
                    None,
                ));
            }
            let at = now();
            let mut event_changes = EventChanges::default();
            if change.status == MeetingStatus::Agreed
                && let (Some(starts), Some(ends)) = (change.starts_at, change.ends_at)
            {
                reschedule(conn, &event, starts, ends)?;
                event_changes.starts_at = Some(starts.naive_utc());
                event_changes.ends_at = Some(ends.naive_utc());
            }
            event_changes.status = Some(match change.status {
                MeetingStatus::Requested => EventStatus::Draft,
                MeetingStatus::Agreed => EventStatus::Scheduled,
                MeetingStatus::Held => EventStatus::Completed,
                MeetingStatus::Cancelled => EventStatus::Cancelled,
            });
            if change.status == MeetingStatus::Cancelled {
                event_changes.cancel_reason = Some(change.reason.clone());
                shifts::cancel_all_for_event(conn, &event.id, at)?;
            }
            events::update(conn, &event.id, event.version, &event_changes, at)?;
            if !meetings::set_meeting_status(
                conn,
                &meeting.event_id,
                meeting.version,
                change.status,
                change.reason.clone(),
                at,
            )? {
                return Err(ApiError::PreconditionFailed("the meeting changed meanwhile; reload it".into()));
            }
            let action = format!("meeting_{}", change.status.as_str());
            audit::record(conn, audit_event(&actor, &action, &event.id, change.reason.clone()))?;
            let row = load(conn, &actor, &id)?;
            Ok(views(conn, vec![row])?.remove(0))
        })
    })
    .await
}

/// Moves the meeting (its event, shift and volunteer speakers' bookings) to the
/// agreed time; a speaker then double-booked makes it a 409.
fn reschedule(conn: &mut DbConn, event: &Event, starts: DateTime<Utc>, ends: DateTime<Utc>) -> Result<(), ApiError> {
    if ends <= starts {
        return Err(ApiError::invalid("ends_at", ErrorCode::NotAfterStart, "must be after starts_at"));
    }
    let (starts, ends) = (starts.naive_utc(), ends.naive_utc());
    for shift in shifts::for_events(conn, std::slice::from_ref(&event.id))? {
        for assignment in shifts::for_shift(conn, &shift.id)? {
            if let Some(clash) = shifts::overlapping(conn, &assignment.volunteer_id, &shift.id, starts, ends)? {
                return Err(ApiError::field_conflict(
                    "a speaker is booked at an overlapping time",
                    "starts_at",
                    ErrorCode::Overlap,
                    Some(clash.shift_id.to_string()),
                ));
            }
        }
        shifts::move_shift(conn, &shift.id, starts, ends)?;
    }
    Ok(())
}

/// Whether `actor` may report on the meeting: its branch's staff, or one of its
/// volunteer speakers.
fn ensure_may_report(conn: &mut DbConn, actor: &SessionUser, meeting: &Meeting, event: &Event) -> Result<(), ApiError> {
    match actor.role {
        Role::Admin | Role::Coordinator => {
            actor.ensure_manages_branch(&event.branch_code, format!("meeting {}", meeting.event_id))
        }
        Role::Volunteer => {
            // A failed lookup is a failure (500/503), never a silent "not a speaker".
            let speaks = match &actor.volunteer_id {
                Some(own) => meetings::is_speaker(conn, &meeting.event_id, own)?,
                None => false,
            };
            if speaks {
                Ok(())
            } else {
                Err(ApiError::Forbidden("only the meeting's speakers and staff report on it".into()))
            }
        }
        Role::Observer => Err(ApiError::Forbidden("observers do not report".into())),
    }
}

pub async fn save_report(
    db: &Db,
    actor: &AuthUser,
    id: EventId,
    input: ReportIn,
    expected: ExpectedVersion,
) -> Result<ReportOut, ApiError> {
    // The bare total stays: the sum of the materials when they are listed.
    let materials_handed_out = crate::service::hand_outs::total_of(
        &input.materials,
        "materials_handed_out",
        input.materials_handed_out,
        1_000_000,
    )
    .map_err(ApiError::Validation)?;
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            let (meeting, event) = load(conn, &actor, &id)?;
            ensure_may_report(conn, &actor, &meeting, &event)?;
            if meeting.status != MeetingStatus::Held {
                return Err(ApiError::field_conflict(
                    format!("only a held meeting has a report; this one is {}", meeting.status),
                    "status",
                    ErrorCode::NotHeld,
                    None,
                ));
            }
            if let Some(organisation) = meeting
                .organisation_id
                .as_ref()
                .map(|org| meetings::find_organisation(conn, org))
                .transpose()?
                .flatten()
                && input.attendance > organisation.employee_count
                && !input.attendance_confirmed
            {
                return Err(ApiError::invalid(
                    "attendance",
                    ErrorCode::AboveEmployeeCount,
                    format!(
                        "more than the organisation's {} employees; set attendance_confirmed to record it",
                        organisation.employee_count
                    ),
                ));
            }
            let at = now();
            let existing = meetings::find_report(conn, &id)?;
            let expected = match &existing {
                Some(report) => Some(expected.check(input.version, report.version)?),
                None => None,
            };
            let report = Report {
                meeting_id: id.clone(),
                attendance: input.attendance,
                attendance_confirmed: input.attendance_confirmed,
                materials_handed_out,
                notes: input.notes.clone(),
                created_at: existing.as_ref().map_or(at, |report| report.created_at),
                updated_at: at,
                version: 1,
            };
            if !meetings::save_report(conn, &report, expected)? {
                return Err(ApiError::PreconditionFailed("the report changed meanwhile; reload it".into()));
            }
            let questions: Vec<Question> = input
                .questions
                .iter()
                .map(|question| Question {
                    id: uuid::Uuid::now_v7().to_string(),
                    meeting_id: id.clone(),
                    topic: question.topic.as_str().into(),
                    text: question.text.clone(),
                })
                .collect();
            meetings::replace_questions(conn, &id, &questions)?;
            crate::service::hand_outs::reconcile_meeting(conn, &actor, &id, &event.branch_code, &input.materials)?;
            // Follow-ups named by id keep it (and what the report does not say of
            // them); the others are new.
            let stored: HashMap<String, FollowUp> = meetings::follow_ups_of(conn, std::slice::from_ref(&id))?
                .into_iter()
                .map(|follow_up| (follow_up.id.clone(), follow_up))
                .collect();
            let mut follow_ups: Vec<FollowUp> = Vec::with_capacity(input.follow_ups.len());
            for (index, follow_up) in input.follow_ups.iter().enumerate() {
                let previous = match follow_up.id {
                    Some(given) => {
                        let given = given.to_string();
                        let previous = stored.get(&given).filter(|_| !follow_ups.iter().any(|kept| kept.id == given));
                        Some(previous.ok_or_else(|| {
                            ApiError::invalid(
                                &format!("follow_ups[{index}].id"),
                                ErrorCode::UnknownFollowUp,
                                "not a follow-up of this meeting's report (or named twice)",
                            )
                        })?)
                    }
                    None => None,
                };
                follow_ups.push(FollowUp {
                    id: previous.map_or_else(|| uuid::Uuid::now_v7().to_string(), |previous| previous.id.clone()),
                    meeting_id: id.clone(),
                    what: follow_up.what.trim().to_owned(),
                    owner: follow_up.owner.trim().to_owned(),
                    due_date: follow_up.due_date,
                    done: follow_up.done.or(previous.map(|previous| previous.done)).unwrap_or(false),
                    created_at: previous.map_or(at, |previous| previous.created_at),
                });
            }
            meetings::replace_follow_ups(conn, &id, &follow_ups)?;
            // The meeting's view (has_report, follow-up counts) changed.
            meetings::touch(conn, std::slice::from_ref(&id), at)?;
            let action = if existing.is_some() { "meeting_report_corrected" } else { "meeting_report_filed" };
            audit::record(conn, audit_event(&actor, action, &id, Some(format!("attendance={}", input.attendance))))?;
            report_view(conn, &id)
        })
    })
    .await
}

fn report_view(conn: &mut DbConn, id: &EventId) -> Result<ReportOut, ApiError> {
    let report =
        meetings::find_report(conn, id)?.ok_or_else(|| ApiError::not_found(format!("report of meeting {id}")))?;
    let questions = meetings::questions_of(conn, id)?
        .into_iter()
        .map(|question| {
            // An unknown stored topic is corrupt data: say so rather than relabel it.
            let topic = serde_json::from_value(serde_json::Value::String(question.topic.clone()))
                .map_err(|_| ApiError::internal(format!("unknown question topic {:?} stored", question.topic)))?;
            Ok(QuestionIn { topic, text: question.text })
        })
        .collect::<Result<_, ApiError>>()?;
    let follow_ups = meetings::follow_ups_of(conn, &[id.to_owned()])?.into_iter().map(FollowUpOut::from).collect();
    let materials = crate::service::hand_outs::meeting_materials(conn, id)?;
    Ok(ReportOut::new(report, materials, questions, follow_ups))
}

/// A meeting's report as the caller may see it.
pub async fn get_report(db: &Db, actor: &AuthUser, id: EventId) -> Result<ReportOut, ApiError> {
    let visibility = actor.visibility();
    let actor = SessionUser::clone(actor);
    let report = db
        .run(move |conn| {
            load(conn, &actor, &id)?;
            report_view(conn, &id)
        })
        .await?;
    Ok(report.seen_with(visibility))
}

/// The coverage figures, each aggregated in SQL (GROUP BY, COUNT, SUM) over the
/// scope: the work grows with the number of groups, not of meetings.
pub async fn coverage(
    db: &Db,
    actor: &AuthUser,
    branch: Option<String>,
    from: Option<NaiveDateTime>,
    to: Option<NaiveDateTime>,
) -> Result<MeetingCoverage, ApiError> {
    if actor.role == Role::Volunteer {
        return Err(ApiError::Forbidden("coverage reports are for staff and observers".into()));
    }
    db.run_report(move |conn| {
        let scope = CoverageScope { branch, from, to };
        let (organisations, employees) = meetings::organisation_totals(conn, scope.branch.as_deref())?;
        let organisations_met = meetings::organisations_met(conn, &scope)?;
        let reached = meetings::employees_reached(conn, &scope)?;
        let mut by_kind: HashMap<String, i64> = HashMap::new();
        let mut by_status: HashMap<String, i64> = HashMap::new();
        for (kind, count) in meetings::count_by_kind(conn, &scope)? {
            *by_kind.entry(kind.as_str().to_owned()).or_default() += count;
        }
        for (status, count) in meetings::count_by_status(conn, &scope)? {
            by_status.insert(status.as_str().to_owned(), count);
        }
        let (open_follow_ups, overdue_follow_ups) =
            meetings::count_open_follow_ups(conn, &scope, Utc::now().date_naive())?;
        let topics = meetings::count_question_topics(conn, &scope)?.into_iter().collect();
        Ok(MeetingCoverage {
            organisations,
            organisations_met,
            employees,
            employees_reached: reached,
            employees_reached_percent: if employees == 0 {
                0.0
            } else {
                ((reached.min(employees)) as f64 * 1000.0 / employees as f64).round() / 10.0
            },
            meetings_by_kind: ranked(by_kind),
            meetings_by_status: ranked(by_status),
            open_follow_ups,
            overdue_follow_ups,
            top_question_topics: ranked(topics),
            branch: scope.branch,
        })
    })
    .await
}

/// Counts per key, most frequent first (ties by key): a handful of groups.
fn ranked(counts: HashMap<String, i64>) -> Vec<CountByKey> {
    let mut out: Vec<CountByKey> = counts.into_iter().map(|(key, count)| CountByKey { key, count }).collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.key.cmp(&b.key)));
    out
}

/// At most this many talking points in a brief (the whole published library
/// of a campaign is far smaller).
const BRIEF_POINTS: i64 = 500;

/// A meeting's brief: whoever may read the meeting.
pub async fn brief(db: &Db, actor: &AuthUser, id: EventId) -> Result<MeetingBrief, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        let row = load(conn, &actor, &id)?;
        let organisation = match &row.0.organisation_id {
            Some(organisation) => meetings::find_organisation(conn, organisation)?.map(BriefOrganisation::from),
            None => None,
        };
        let meeting = views(conn, vec![row])?.remove(0);
        let mut topics: Vec<QuestionTopic> = meetings::questions_of(conn, &id)?
            .into_iter()
            .map(|question| {
                serde_json::from_value(serde_json::Value::String(question.topic.clone()))
                    .map_err(|_| ApiError::internal(format!("unknown question topic {:?} stored", question.topic)))
            })
            .collect::<Result<_, ApiError>>()?;
        topics.sort_by_key(|topic| topic.as_str());
        topics.dedup();
        let filter = PointFilter { published_only: true, ..PointFilter::default() };
        let points = talking_points::list(conn, &filter, BRIEF_POINTS)?;
        let talking_points = points
            .into_iter()
            .filter(|point| {
                topics.is_empty()
                    || topics.iter().any(|topic| point.published_topics.contains(&format!(",{},", topic.as_str())))
            })
            .map(|point| TalkingPointOut::new(point, false))
            .collect::<Result<_, ApiError>>()?;
        let materials = crate::service::hand_outs::meeting_materials(conn, &id)?;
        Ok(MeetingBrief { meeting, organisation, topics, talking_points, materials })
    })
    .await
}
