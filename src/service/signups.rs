//! Sign-ups to shifts: capacity and waitlist, the overlap rule, cancellations
//! with promotion, attendance, and a volunteer's schedule.
//!
//! Every change runs in one write transaction that first locks the shift (and,
//! on SQLite, the whole database), so concurrent sign-ups never overbook.

use crate::auth::{AuthUser, SessionUser};
use crate::db::audit::{self, AuditEvent};
use crate::db::events::{self, Event};
use crate::db::shifts::{self, Assignment, Shift};
use crate::db::volunteers::{self, decode_list};
use crate::db::{Db, DbConn, write_transaction};
use crate::domain::event::{AssignmentStatus, EventStatus};
use crate::domain::ids::{AssignmentId, EventId, ShiftId, VolunteerId};
use crate::domain::role::Role;
use crate::domain::time::now;
use crate::domain::volunteer::VolunteerStatus;
use crate::dto::event::ScheduleItem;
use crate::dto::shift::SignupOut;
use crate::error::{ApiError, ErrorCode};
use chrono::NaiveDateTime;

/// The shift and its event, when `actor` may see the event.
pub(crate) fn load_shift(
    conn: &mut DbConn,
    actor: &SessionUser,
    shift_id: &ShiftId,
) -> Result<(Shift, Event), ApiError> {
    let not_found = || ApiError::not_found(format!("shift {shift_id}"));
    let shift = shifts::find(conn, shift_id)?.ok_or_else(not_found)?;
    let event = events::find(conn, &shift.event_id)?
        .filter(|event| crate::service::events::sees(actor, event))
        .ok_or_else(not_found)?;
    Ok((shift, event))
}

/// The volunteer a sign-up is for: volunteers sign themselves up; staff name
/// someone they may see.
fn signing_volunteer(
    conn: &mut DbConn,
    actor: &SessionUser,
    requested: Option<VolunteerId>,
) -> Result<volunteers::Volunteer, ApiError> {
    let id = match actor.role {
        Role::Volunteer => {
            let own = actor
                .volunteer_id
                .clone()
                .ok_or_else(|| ApiError::Forbidden("this account is not linked to a volunteer record".into()))?;
            if requested.as_ref().is_some_and(|requested| requested != &own) {
                return Err(ApiError::Forbidden("volunteers sign up only themselves".into()));
            }
            own
        }
        Role::Admin | Role::Coordinator => requested
            .ok_or_else(|| ApiError::invalid("volunteer_id", ErrorCode::Required, "name the volunteer to assign"))?,
        Role::Observer => return Err(ApiError::Forbidden("observers do not sign up".into())),
    };
    volunteers::find(conn, &id)?
        .filter(|volunteer| actor.role == Role::Volunteer || actor.sees_branch(&volunteer.branch_code))
        .ok_or_else(|| {
            ApiError::invalid("volunteer_id", ErrorCode::UnknownVolunteer, "no such volunteer in your branch")
        })
}

/// Signs a volunteer up: a place if one is free, the waitlist otherwise.
/// Signing up again returns the existing assignment (`false`: nothing created).
/// Runs in the caller's write transaction.
pub fn sign_up(
    conn: &mut DbConn,
    actor: &SessionUser,
    shift_id: &ShiftId,
    volunteer_id: Option<VolunteerId>,
) -> Result<(Assignment, bool), ApiError> {
    shifts::lock(conn, shift_id)?;
    let (shift, event) = load_shift(conn, actor, shift_id)?;
    if actor.role == Role::Coordinator {
        actor.ensure_manages_branch(&event.branch_code, format!("shift {shift_id}"))?;
    }
    let volunteer = signing_volunteer(conn, actor, volunteer_id)?;
    let existing = shifts::assignment_of(conn, &shift.id, &volunteer.id)?;
    if let Some(existing) = &existing
        && existing.status != AssignmentStatus::Cancelled
    {
        return Ok((existing.clone(), false));
    }
    crate::service::events::ensure_not_meeting(&event)?;
    if shift.cancelled_at.is_some() {
        return Err(ApiError::field_conflict(
            "the shift is cancelled; it takes no sign-ups",
            "shift_id",
            ErrorCode::NotOpen,
            None,
        ));
    }
    // Locked so that a cancellation of the event, or a parallel booking of
    // the same volunteer elsewhere, cannot slip between check and insert.
    crate::db::lock_row(conn, "events", &event.id)?;
    crate::db::lock_row(conn, "volunteers", &volunteer.id)?;
    let event = events::find(conn, &event.id)?.ok_or_else(|| ApiError::internal("event vanished"))?;
    let open = event.status == EventStatus::Scheduled;
    if !open {
        return Err(ApiError::field_conflict(
            format!("the event is {}; it takes no sign-ups", event.status),
            "shift_id",
            ErrorCode::EventNotOpen,
            None,
        ));
    }
    if volunteer.branch_code != event.branch_code {
        return Err(ApiError::field_conflict(
            "the volunteer belongs to another branch",
            "volunteer_id",
            ErrorCode::OtherBranch,
            None,
        ));
    }
    if volunteer.status != VolunteerStatus::Active {
        return Err(ApiError::field_conflict(
            format!("only active volunteers sign up; this one is {}", volunteer.status),
            "volunteer_id",
            ErrorCode::VolunteerNotActive,
            None,
        ));
    }
    if let Some(skill) = &shift.required_skill
        && !decode_list(&volunteer.skills).contains(skill)
    {
        return Err(ApiError::field_conflict(
            format!("this shift needs the skill {skill}"),
            "volunteer_id",
            ErrorCode::MissingSkill,
            None,
        ));
    }
    if let Some(clash) = shifts::overlapping(conn, &volunteer.id, &shift.id, shift.starts_at, shift.ends_at)? {
        return Err(ApiError::field_conflict(
            format!("the volunteer already holds shift {} at an overlapping time", clash.shift_id),
            "shift_id",
            ErrorCode::Overlap,
            Some(clash.shift_id.to_string()),
        ));
    }
    let taken =
        shifts::counts(conn, std::slice::from_ref(&shift.id))?.get(&shift.id).copied().unwrap_or_default().taken();
    let status =
        if taken < i64::from(shift.capacity) { AssignmentStatus::SignedUp } else { AssignmentStatus::Waitlisted };
    let at = now();
    let existing_row = existing.is_some();
    let assignment = match existing {
        // A cancelled place is taken again, at the end of the waitlist if full.
        Some(cancelled) => {
            shifts::set_status(conn, &cancelled.id, status, at)?;
            shifts::restart_queue_position(conn, &cancelled.id, at)?;
            shifts::find_assignment(conn, &cancelled.id)?.ok_or_else(|| ApiError::internal("assignment vanished"))?
        }
        None => {
            let row = Assignment {
                id: AssignmentId::new(),
                shift_id: shift.id.clone(),
                volunteer_id: volunteer.id.clone(),
                status,
                shift_starts_at: shift.starts_at,
                shift_ends_at: shift.ends_at,
                created_at: at,
                updated_at: at,
                version: 1,
            };
            shifts::insert_assignment(conn, &row)?;
            row
        }
    };
    events::touch(conn, &event.id, at)?;
    // The feed and webhooks tell a new row (`create`) from a cancelled one
    // taken back (`update`) by the action.
    let action = if existing_row { "signed_up_again" } else { "signed_up" };
    audit::record(conn, assignment_audit(actor, action, &assignment.id, Some(status.to_string())))?;
    Ok((assignment, true))
}

fn load_assignment(
    conn: &mut DbConn,
    actor: &SessionUser,
    id: &AssignmentId,
) -> Result<(Assignment, Shift, Event), ApiError> {
    let not_found = || ApiError::not_found(format!("assignment {id}"));
    let assignment = shifts::find_assignment(conn, id)?.ok_or_else(not_found)?;
    let (shift, event) = load_shift(conn, actor, &assignment.shift_id).map_err(|_| not_found())?;
    if !sees(actor, &assignment, &event) {
        return Err(not_found());
    }
    Ok((assignment, shift, event))
}

/// Whether `actor` may read the assignment (on a shift of `event`): whoever
/// sees the event (staff their branch, admins and observers every branch),
/// except volunteers, who read only their own.
pub(crate) fn sees(actor: &SessionUser, assignment: &Assignment, event: &Event) -> bool {
    let own = actor.volunteer_id.as_ref() == Some(&assignment.volunteer_id);
    crate::service::events::sees(actor, event) && (actor.role != Role::Volunteer || own)
}

/// One sign-up as the caller may read it: with the volunteer's name for staff
/// and the volunteer themself (the read is audited), without it for observers.
pub async fn get(db: &Db, actor: &AuthUser, id: AssignmentId) -> Result<SignupOut, ApiError> {
    let reader = SessionUser::clone(actor);
    let wanted = id.clone();
    let (assignment, name) = db
        .run(move |conn| {
            shifts::find_many_with_names(conn, std::slice::from_ref(&wanted))?
                .into_iter()
                .find(|(assignment, _, event)| sees(&reader, assignment, event))
                .map(|(assignment, name, _)| (assignment, name))
                .ok_or_else(|| ApiError::not_found(format!("assignment {wanted}")))
        })
        .await?;
    let visibility = actor.visibility();
    if visibility.shows_personal_data() && name.is_some() {
        db.record_read(super::audit(actor, "assignment_viewed", "assignment", &id, None)).await?;
    }
    Ok(SignupOut::new(assignment, visibility.personal(name)))
}

/// Cancels a sign-up (the volunteer's own, or by staff of the branch) and gives
/// the freed place to the first volunteer waiting.
pub async fn cancel(db: &Db, actor: &AuthUser, id: AssignmentId) -> Result<Assignment, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            let (assignment, shift, event) = load_assignment(conn, &actor, &id)?;
            crate::service::events::ensure_not_meeting(&event)?;
            shifts::lock(conn, &shift.id)?;
            // Read again under the lock: a parallel cancel must not promote twice.
            let assignment = shifts::find_assignment(conn, &assignment.id)?
                .ok_or_else(|| ApiError::not_found(format!("assignment {id}")))?;
            if actor.role != Role::Volunteer {
                actor.ensure_manages_branch(&event.branch_code, format!("assignment {id}"))?;
            }
            let status = assignment.status;
            match status {
                AssignmentStatus::Cancelled => return Ok(assignment),
                AssignmentStatus::SignedUp | AssignmentStatus::Waitlisted => {}
                AssignmentStatus::Attended | AssignmentStatus::NoShow => {
                    return Err(ApiError::field_conflict(
                        "attendance is recorded; the sign-up can no longer be cancelled",
                        "status",
                        ErrorCode::IllegalTransition,
                        None,
                    ));
                }
            }
            let at = now();
            shifts::set_status(conn, &assignment.id, AssignmentStatus::Cancelled, at)?;
            if status == AssignmentStatus::SignedUp
                && let Some(next) = shifts::first_waiting(conn, &shift.id)?
            {
                shifts::set_status(conn, &next.id, AssignmentStatus::SignedUp, at)?;
                audit::record(conn, assignment_audit(&actor, "promoted_from_waitlist", &next.id, None))?;
            }
            events::touch(conn, &event.id, at)?;
            audit::record(conn, assignment_audit(&actor, "signup_cancelled", &assignment.id, None))?;
            shifts::find_assignment(conn, &assignment.id)?.ok_or_else(|| ApiError::internal("assignment vanished"))
        })
    })
    .await
}

/// Records attendance once the shift has started (corrections allowed).
pub async fn mark_attendance(
    db: &Db,
    actor: &AuthUser,
    id: AssignmentId,
    status: AssignmentStatus,
) -> Result<Assignment, ApiError> {
    if !matches!(status, AssignmentStatus::Attended | AssignmentStatus::NoShow) {
        return Err(ApiError::invalid("status", ErrorCode::NotAttendance, "attendance is attended or no_show"));
    }
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            let (assignment, shift, event) = load_assignment(conn, &actor, &id)?;
            actor.ensure_manages_branch(&event.branch_code, format!("assignment {id}"))?;
            if now() < shift.starts_at {
                return Err(ApiError::field_conflict(
                    "attendance is recorded once the shift has started",
                    "status",
                    ErrorCode::TooEarly,
                    None,
                ));
            }
            let current = assignment.status;
            if !matches!(current, AssignmentStatus::SignedUp | AssignmentStatus::Attended | AssignmentStatus::NoShow) {
                return Err(ApiError::field_conflict(
                    format!("a {} sign-up has no attendance", current.as_str()),
                    "status",
                    ErrorCode::IllegalTransition,
                    None,
                ));
            }
            let at = now();
            shifts::set_status(conn, &assignment.id, status, at)?;
            events::touch(conn, &event.id, at)?;
            audit::record(
                conn,
                assignment_audit(&actor, "attendance_marked", &assignment.id, Some(status.to_string())),
            )?;
            shifts::find_assignment(conn, &assignment.id)?.ok_or_else(|| ApiError::internal("assignment vanished"))
        })
    })
    .await
}

/// A page of the shift's sign-ups, in waitlist order: staff of the event's
/// branch (admins everywhere) with the volunteers' names, observers without
/// them. Reads that show names are recorded in the audit log.
pub async fn for_shift(
    db: &Db,
    actor: &AuthUser,
    shift_id: ShiftId,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<SignupOut>, ApiError> {
    if actor.role == Role::Volunteer {
        return Err(ApiError::Forbidden("volunteers do not list a shift's sign-ups".into()));
    }
    let visibility = actor.visibility();
    let reader = SessionUser::clone(actor);
    let id = shift_id.clone();
    let rows = db
        .run(move |conn| {
            let (shift, _) = load_shift(conn, &reader, &id)?;
            Ok(shifts::signups_page(conn, &shift.id, after, limit)?)
        })
        .await?;
    if visibility.shows_personal_data() && !rows.is_empty() {
        let details = format!("{} sign-ups with names listed", rows.len());
        db.record_read(super::audit(actor, "shift_signups_listed", "shift", &shift_id, Some(details))).await?;
    }
    Ok(rows.into_iter().map(|(row, name)| SignupOut::new(row, visibility.personal(name))).collect())
}

/// A page of a volunteer's schedule: their sign-ups by shift start, oldest
/// first (`from` keeps shifts ending after it). `None`: an account without a
/// volunteer record, whose schedule is empty.
pub async fn schedule(
    db: &Db,
    volunteer_id: Option<VolunteerId>,
    from: Option<NaiveDateTime>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<ScheduleItem>, ApiError> {
    let Some(volunteer_id) = volunteer_id else { return Ok(Vec::new()) };
    let rows = db.run(move |conn| Ok(shifts::schedule_page(conn, &volunteer_id, from, after, limit)?)).await?;
    Ok(rows
        .into_iter()
        .map(|(assignment, shift, event)| ScheduleItem {
            assignment: assignment.into(),
            shift_cancelled_at: shift.cancelled_at.map(crate::domain::time::utc),
            event_kind: event.kind,
            event_status: event.status,
            event_id: event.id,
            event_title: event.title,
            venue: event.venue,
            address: event.address,
        })
        .collect())
}

/// A volunteer's schedule as staff read it: the volunteer must be one the
/// caller may read (`GET /volunteers/{id}` rules: staff their branch, admins
/// and observers every branch, a volunteer only themselves). A schedule holds
/// no personal data, so observers read it whole.
pub async fn volunteer_schedule(
    db: &Db,
    actor: &AuthUser,
    volunteer_id: VolunteerId,
    from: Option<NaiveDateTime>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<ScheduleItem>, ApiError> {
    let reader = SessionUser::clone(actor);
    let id = volunteer_id.clone();
    db.run(move |conn| {
        volunteers::find(conn, &id)?
            .filter(|volunteer| crate::service::volunteers::sees(&reader, volunteer))
            .map(drop)
            .ok_or_else(|| ApiError::not_found(format!("volunteer {id}")))
    })
    .await?;
    schedule(db, Some(volunteer_id), from, after, limit).await
}

fn assignment_audit<'a>(
    actor: &'a SessionUser,
    action: &'a str,
    id: &'a str,
    details: Option<String>,
) -> AuditEvent<'a> {
    super::audit(actor, action, "assignment", id, details)
}

/// Frees what a volunteer held once they pause, leave or are anonymised: their
/// places on shifts not yet started (each freed place goes to the first waiting),
/// their places as speakers of meetings to come, and their open routes. Runs
/// inside the caller's transaction.
pub fn release_volunteer(conn: &mut DbConn, actor: &SessionUser, volunteer_id: &VolunteerId) -> Result<(), ApiError> {
    let at = now();
    let upcoming = shifts::upcoming_of(conn, volunteer_id, at)?;
    let released: Vec<AssignmentId> = upcoming.iter().map(|assignment| assignment.id.clone()).collect();
    let meetings_spoken_at = crate::db::meetings::remove_speakers_booked_by(conn, &released)?;
    crate::db::meetings::touch(conn, &meetings_spoken_at, at)?;
    // The events whose places were freed change (counts, waitlist): a new
    // version, and a change in the feed.
    let mut events_changed: Vec<EventId> = Vec::new();
    for assignment in upcoming {
        shifts::lock(conn, &assignment.shift_id)?;
        if let Some(shift) = shifts::find(conn, &assignment.shift_id)?
            && !events_changed.contains(&shift.event_id)
        {
            events_changed.push(shift.event_id);
        }
        shifts::set_status(conn, &assignment.id, AssignmentStatus::Cancelled, at)?;
        if assignment.status == AssignmentStatus::SignedUp
            && let Some(next) = shifts::first_waiting(conn, &assignment.shift_id)?
        {
            shifts::set_status(conn, &next.id, AssignmentStatus::SignedUp, at)?;
            audit::record(conn, assignment_audit(actor, "promoted_from_waitlist", &next.id, None))?;
        }
        audit::record(
            conn,
            assignment_audit(actor, "signup_cancelled", &assignment.id, Some("volunteer released".into())),
        )?;
    }
    for event_id in &events_changed {
        events::touch(conn, event_id, at)?;
    }
    crate::db::routes::unassign_everywhere(conn, volunteer_id, at)?;
    Ok(())
}
