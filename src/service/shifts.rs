//! One shift managed on its own: read, change (times, capacity, skill) and
//! cancel. Sign-ups to it are in [`super::signups`].
//!
//! Every change locks the shift (as a sign-up does), so a sign-up and a change
//! of capacity never interleave.

use crate::auth::{AuthUser, SessionUser};
use crate::db::audit::{self, AuditEvent};
use crate::db::events::{self, Event};
use crate::db::shifts::{self, Shift, ShiftChanges};
use crate::db::{Db, DbConn, write_transaction};
use crate::domain::event::AssignmentStatus;
use crate::domain::ids::ShiftId;
use crate::domain::time::now;
use crate::domain::version::ExpectedVersion;
use crate::dto::event::{NewShift, ShiftOut};
use crate::dto::shift::{CancelShift, UpdateShift};
use crate::error::{ApiError, ErrorCode};
use crate::service::events::{check_shift_inside, ensure_not_meeting};
use crate::service::signups::load_shift;

/// The shift with its counts.
fn view(conn: &mut DbConn, shift: Shift) -> Result<ShiftOut, ApiError> {
    let counts = shifts::counts(conn, std::slice::from_ref(&shift.id))?.get(&shift.id).copied().unwrap_or_default();
    Ok(ShiftOut::new(shift, counts))
}

fn reload(conn: &mut DbConn, id: &ShiftId) -> Result<Shift, ApiError> {
    shifts::find(conn, id)?.ok_or_else(|| ApiError::internal("shift vanished"))
}

/// A shift whoever sees its event may read: staff and volunteers of the branch
/// (volunteers not of drafts), admins and observers everywhere.
pub async fn get(db: &Db, actor: &AuthUser, id: ShiftId) -> Result<ShiftOut, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        let (shift, _) = load_shift(conn, &actor, &id)?;
        view(conn, shift)
    })
    .await
}

/// The shift and its event, locked, when `actor` manages the event's branch and
/// the shift may still change (its event is a draft or scheduled, not a meeting,
/// and the shift is not cancelled).
fn load_managed(conn: &mut DbConn, actor: &SessionUser, id: &ShiftId) -> Result<(Shift, Event), ApiError> {
    let (_, event) = load_shift(conn, actor, id)?;
    actor.ensure_manages_branch(&event.branch_code, format!("shift {id}"))?;
    ensure_not_meeting(&event)?;
    // In the order a sign-up takes them: the shift, then its event.
    shifts::lock(conn, id)?;
    crate::db::lock_row(conn, "events", &event.id)?;
    // Read again under the locks.
    let event = events::find(conn, &event.id)?.ok_or_else(|| ApiError::internal("event vanished"))?;
    let shift = reload(conn, id)?;
    if !event.status.takes_signups() {
        return Err(ApiError::field_conflict(
            format!("the event is {}; its shifts no longer change", event.status),
            "status",
            ErrorCode::NotEditable,
            None,
        ));
    }
    Ok((shift, event))
}

fn ensure_not_cancelled(shift: &Shift) -> Result<(), ApiError> {
    if shift.cancelled_at.is_some() {
        return Err(ApiError::field_conflict(
            "the shift is cancelled; it no longer changes",
            "cancelled_at",
            ErrorCode::NotEditable,
            None,
        ));
    }
    Ok(())
}

/// Changes a shift's times, capacity or required skill (see [`UpdateShift`]).
pub async fn update(
    db: &Db,
    actor: &AuthUser,
    id: ShiftId,
    input: UpdateShift,
    expected: ExpectedVersion,
) -> Result<ShiftOut, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            let (shift, event) = load_managed(conn, &actor, &id)?;
            let version = expected.check(input.version, shift.version)?;
            ensure_not_cancelled(&shift)?;
            let starts = input.starts_at.unwrap_or_else(|| shift.starts_at.and_utc());
            let ends = input.ends_at.unwrap_or_else(|| shift.ends_at.and_utc());
            let capacity = input.capacity.unwrap_or(shift.capacity);
            let moved = starts.naive_utc() != shift.starts_at || ends.naive_utc() != shift.ends_at;
            if moved {
                let mut errors = Vec::new();
                let new = NewShift { starts_at: starts, ends_at: ends, capacity, required_skill: None };
                check_shift_inside("", &new, event.starts_at.and_utc(), event.ends_at.and_utc(), &mut errors);
                if !errors.is_empty() {
                    errors.iter_mut().for_each(|err| err.field = err.field.trim_start_matches('.').to_owned());
                    return Err(ApiError::Validation(errors));
                }
                // Nobody on the shift may end up holding two overlapping places.
                for holder in shifts::live_of_shift(conn, &shift.id)? {
                    crate::db::lock_row(conn, "volunteers", &holder.volunteer_id)?;
                    if let Some(clash) = shifts::overlapping(
                        conn,
                        &holder.volunteer_id,
                        &shift.id,
                        starts.naive_utc(),
                        ends.naive_utc(),
                    )? {
                        return Err(ApiError::field_conflict(
                            format!(
                                "volunteer {} holds shift {} at an overlapping time; the shift cannot move there",
                                holder.volunteer_id, clash.shift_id
                            ),
                            "starts_at",
                            ErrorCode::Overlap,
                            Some(clash.shift_id.to_string()),
                        ));
                    }
                }
            }
            let counts =
                shifts::counts(conn, std::slice::from_ref(&shift.id))?.get(&shift.id).copied().unwrap_or_default();
            if i64::from(capacity) < counts.taken() {
                return Err(ApiError::field_conflict(
                    format!(
                        "{} places are taken; cancel sign-ups before lowering the capacity below that",
                        counts.taken()
                    ),
                    "capacity",
                    ErrorCode::CapacityExceeded,
                    None,
                ));
            }
            let at = now();
            let changes = ShiftChanges {
                starts_at: input.starts_at.map(|at| at.naive_utc()),
                ends_at: input.ends_at.map(|at| at.naive_utc()),
                capacity: input.capacity,
                required_skill: input.required_skill.map(|skill| skill.map(|skill| skill.trim().to_lowercase())),
                ..Default::default()
            };
            if !shifts::update(conn, &shift.id, version, &changes, at)? {
                return Err(ApiError::PreconditionFailed("the shift changed meanwhile; reload it".into()));
            }
            if moved {
                shifts::move_shift(conn, &shift.id, starts.naive_utc(), ends.naive_utc())?;
            }
            // A raised capacity goes to the waitlist, first come first served.
            let mut free = i64::from(capacity) - counts.taken();
            while free > 0 {
                let Some(next) = shifts::first_waiting(conn, &shift.id)? else { break };
                shifts::set_status(conn, &next.id, AssignmentStatus::SignedUp, at)?;
                audit::record(
                    conn,
                    super::audit(
                        &actor,
                        "promoted_from_waitlist",
                        "assignment",
                        &next.id,
                        Some("capacity raised".into()),
                    ),
                )?;
                free -= 1;
            }
            events::touch(conn, &event.id, at)?;
            audit::record(conn, shift_audit(&actor, "shift_updated", &shift.id, None))?;
            let shift = reload(conn, &shift.id)?;
            view(conn, shift)
        })
    })
    .await
}

/// Cancels a shift: its sign-ups and waitlist are cancelled with it (their
/// schedules and calendar feeds show it cancelled), nobody is promoted onto it
/// and it takes no new sign-ups. Attendance already recorded stays. Cancelling a
/// cancelled shift returns it unchanged.
pub async fn cancel(
    db: &Db,
    actor: &AuthUser,
    id: ShiftId,
    input: CancelShift,
    expected: ExpectedVersion,
) -> Result<ShiftOut, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            let (shift, event) = load_managed(conn, &actor, &id)?;
            let version = expected.check(input.version, shift.version)?;
            if shift.cancelled_at.is_some() {
                return view(conn, shift);
            }
            let at = now();
            let changes = ShiftChanges {
                cancelled_at: Some(Some(at)),
                cancel_reason: Some(input.reason.clone().map(|reason| reason.trim().to_owned())),
                ..Default::default()
            };
            if !shifts::update(conn, &shift.id, version, &changes, at)? {
                return Err(ApiError::PreconditionFailed("the shift changed meanwhile; reload it".into()));
            }
            let freed = shifts::cancel_all_for_shift(conn, &shift.id, at)?;
            events::touch(conn, &event.id, at)?;
            audit::record(conn, shift_audit(&actor, "shift_cancelled", &shift.id, Some(format!("{freed} sign-ups"))))?;
            let shift = reload(conn, &shift.id)?;
            view(conn, shift)
        })
    })
    .await
}

fn shift_audit<'a>(actor: &'a SessionUser, action: &'a str, id: &'a str, details: Option<String>) -> AuditEvent<'a> {
    super::audit(actor, action, "shift", id, details)
}
