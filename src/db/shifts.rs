//! Queries on `shifts` and `assignments`.

use crate::domain::ids::{AssignmentId, EventId, ShiftId, VolunteerId};
use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{assignments, events, shift_requests, shifts, volunteers};
use crate::domain::change::ChangeType;
use crate::domain::event::AssignmentStatus;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = shifts, treat_none_as_default_value = false)]
pub struct Shift {
    pub id: ShiftId,
    pub event_id: EventId,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub capacity: i32,
    pub required_skill: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
    /// Set when the shift was cancelled on its own (its event goes on).
    pub cancelled_at: Option<NaiveDateTime>,
    pub cancel_reason: Option<String>,
}

/// Changes to a shift; `None` leaves a column as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = shifts)]
pub struct ShiftChanges {
    pub starts_at: Option<NaiveDateTime>,
    pub ends_at: Option<NaiveDateTime>,
    pub capacity: Option<i32>,
    pub required_skill: Option<Option<String>>,
    pub cancelled_at: Option<Option<NaiveDateTime>>,
    pub cancel_reason: Option<Option<String>>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = assignments, treat_none_as_default_value = false)]
pub struct Assignment {
    pub id: AssignmentId,
    pub shift_id: ShiftId,
    pub volunteer_id: VolunteerId,
    pub status: AssignmentStatus,
    pub shift_starts_at: NaiveDateTime,
    pub shift_ends_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

/// How many assignments of each status a shift has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub signed_up: i64,
    pub waitlisted: i64,
    pub attended: i64,
    pub no_show: i64,
}

impl Counts {
    /// Places taken (signed up, attended or no-show).
    pub fn taken(&self) -> i64 {
        self.signed_up + self.attended + self.no_show
    }

    pub fn add(&mut self, other: Counts) {
        self.signed_up += other.signed_up;
        self.waitlisted += other.waitlisted;
        self.attended += other.attended;
        self.no_show += other.no_show;
    }
}

pub fn insert(conn: &mut DbConn, rows: &[Shift]) -> QueryResult<()> {
    for row in rows {
        diesel::insert_into(shifts::table).values(row).execute(conn)?;
    }
    Ok(())
}

pub fn find(conn: &mut DbConn, id: &ShiftId) -> QueryResult<Option<Shift>> {
    shifts::table.find(id).select(Shift::as_select()).first(conn).optional()
}

pub fn for_events(conn: &mut DbConn, event_ids: &[EventId]) -> QueryResult<Vec<Shift>> {
    shifts::table
        .filter(shifts::event_id.eq_any(event_ids))
        .order((shifts::starts_at, shifts::id))
        .select(Shift::as_select())
        .load(conn)
}

/// Locks the shift's row until the transaction ends, so that concurrent sign-ups
/// to one shift are counted one after another. (SQLite's `BEGIN IMMEDIATE`
/// already serialises writers.)
pub fn lock(conn: &mut DbConn, id: &ShiftId) -> QueryResult<()> {
    super::lock_row(conn, "shifts", id)
}

/// Per shift, the number of assignments in each status.
pub fn counts(conn: &mut DbConn, shift_ids: &[ShiftId]) -> QueryResult<HashMap<ShiftId, Counts>> {
    let rows: Vec<(ShiftId, AssignmentStatus, i64)> = assignments::table
        .filter(assignments::shift_id.eq_any(shift_ids))
        .group_by((assignments::shift_id, assignments::status))
        .select((assignments::shift_id, assignments::status, diesel::dsl::count_star()))
        .load(conn)?;
    let mut out: HashMap<ShiftId, Counts> = HashMap::new();
    for (shift_id, status, count) in rows {
        let counts = out.entry(shift_id).or_default();
        match status {
            AssignmentStatus::SignedUp => counts.signed_up += count,
            AssignmentStatus::Waitlisted => counts.waitlisted += count,
            AssignmentStatus::Attended => counts.attended += count,
            AssignmentStatus::NoShow => counts.no_show += count,
            AssignmentStatus::Cancelled => {}
        }
    }
    Ok(out)
}

pub fn find_assignment(conn: &mut DbConn, id: &AssignmentId) -> QueryResult<Option<Assignment>> {
    assignments::table.find(id).select(Assignment::as_select()).first(conn).optional()
}

pub fn assignment_of(
    conn: &mut DbConn,
    shift_id: &ShiftId,
    volunteer_id: &VolunteerId,
) -> QueryResult<Option<Assignment>> {
    assignments::table
        .filter(assignments::shift_id.eq(shift_id))
        .filter(assignments::volunteer_id.eq(volunteer_id))
        .select(Assignment::as_select())
        .first(conn)
        .optional()
}

pub fn insert_assignment(conn: &mut DbConn, row: &Assignment) -> QueryResult<()> {
    diesel::insert_into(assignments::table).values(row).execute(conn).map(drop)
}

pub fn set_status(
    conn: &mut DbConn,
    id: &AssignmentId,
    status: AssignmentStatus,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(assignments::table.find(id))
        .set((
            assignments::status.eq(status),
            assignments::updated_at.eq(now),
            assignments::version.eq(assignments::version + 1),
        ))
        .execute(conn)
        .map(drop)
}

/// The volunteer's assignment that holds time overlapping `[starts, ends)` on
/// another shift, if any.
pub fn overlapping(
    conn: &mut DbConn,
    volunteer_id: &VolunteerId,
    except_shift: &ShiftId,
    starts: NaiveDateTime,
    ends: NaiveDateTime,
) -> QueryResult<Option<Assignment>> {
    assignments::table
        .filter(assignments::volunteer_id.eq(volunteer_id))
        .filter(assignments::shift_id.ne(except_shift))
        .filter(assignments::status.eq_any(AssignmentStatus::HOLDING))
        .filter(assignments::shift_starts_at.lt(ends))
        .filter(assignments::shift_ends_at.gt(starts))
        .select(Assignment::as_select())
        .first(conn)
        .optional()
}

/// The first volunteer waiting for a place on the shift.
pub fn first_waiting(conn: &mut DbConn, shift_id: &ShiftId) -> QueryResult<Option<Assignment>> {
    assignments::table
        .filter(assignments::shift_id.eq(shift_id))
        .filter(assignments::status.eq(AssignmentStatus::Waitlisted))
        .order((assignments::created_at, assignments::id))
        .select(Assignment::as_select())
        .first(conn)
        .optional()
}

pub fn for_shift(conn: &mut DbConn, shift_id: &ShiftId) -> QueryResult<Vec<Assignment>> {
    assignments::table
        .filter(assignments::shift_id.eq(shift_id))
        .order((assignments::created_at, assignments::id))
        .select(Assignment::as_select())
        .load(conn)
}

/// Applies `changes` if the shift is still at `expected_version`; `false` when it
/// moved on meanwhile.
pub fn update(
    conn: &mut DbConn,
    id: &ShiftId,
    expected_version: i32,
    changes: &ShiftChanges,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let target = shifts::table.find(id).filter(shifts::version.eq(expected_version));
    let updated = diesel::update(target)
        .set((changes, shifts::updated_at.eq(now), shifts::version.eq(shifts::version + 1)))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Whether the event has a shift that is not cancelled from `starts` to `ends`
/// exactly; its id if so.
pub fn same_span(
    conn: &mut DbConn,
    event_id: &EventId,
    starts: NaiveDateTime,
    ends: NaiveDateTime,
) -> QueryResult<Option<ShiftId>> {
    shifts::table
        .filter(shifts::event_id.eq(event_id))
        .filter(shifts::starts_at.eq(starts))
        .filter(shifts::ends_at.eq(ends))
        .filter(shifts::cancelled_at.is_null())
        .select(shifts::id)
        .first(conn)
        .optional()
}

/// The assignments that hold or wait for a place on the shift.
pub fn live_of_shift(conn: &mut DbConn, shift_id: &ShiftId) -> QueryResult<Vec<Assignment>> {
    assignments::table
        .filter(assignments::shift_id.eq(shift_id))
        .filter(assignments::status.eq_any([AssignmentStatus::SignedUp, AssignmentStatus::Waitlisted]))
        .order((assignments::created_at, assignments::id))
        .select(Assignment::as_select())
        .load(conn)
}

/// Cancels every live assignment of the shift (the shift is cancelled), each
/// with its change in the outbox (no audit entry of its own names them).
pub fn cancel_all_for_shift(conn: &mut DbConn, shift_id: &ShiftId, now: NaiveDateTime) -> QueryResult<usize> {
    let live: Vec<AssignmentId> = assignments::table
        .filter(assignments::shift_id.eq(shift_id))
        .filter(assignments::status.eq_any([AssignmentStatus::SignedUp, AssignmentStatus::Waitlisted]))
        .select(assignments::id)
        .load(conn)?;
    cancel_each(conn, &live, now)
}

/// Cancels every live assignment of the event's shifts (the event is
/// cancelled), each with its change in the outbox.
pub fn cancel_all_for_event(conn: &mut DbConn, event_id: &EventId, now: NaiveDateTime) -> QueryResult<usize> {
    let shift_ids = shifts::table.filter(shifts::event_id.eq(event_id)).select(shifts::id);
    let live: Vec<AssignmentId> = assignments::table
        .filter(assignments::shift_id.eq_any(shift_ids))
        .filter(assignments::status.eq_any([AssignmentStatus::SignedUp, AssignmentStatus::Waitlisted]))
        .select(assignments::id)
        .load(conn)?;
    cancel_each(conn, &live, now)
}

/// Cancels `ids` (read under the caller's lock of their shift or event) and
/// appends their changes as `signup_cancelled`, the action of a single
/// cancellation, so webhooks send `assignment.cancelled` for them too.
fn cancel_each(conn: &mut DbConn, ids: &[AssignmentId], now: NaiveDateTime) -> QueryResult<usize> {
    if ids.is_empty() {
        return Ok(0);
    }
    let cancelled = diesel::update(assignments::table.filter(assignments::id.eq_any(ids)))
        .set((
            assignments::status.eq(AssignmentStatus::Cancelled),
            assignments::updated_at.eq(now),
            assignments::version.eq(assignments::version + 1),
        ))
        .execute(conn)?;
    let ids: Vec<&str> = ids.iter().map(AssignmentId::as_str).collect();
    super::outbox::append_updates_as(conn, ChangeType::Assignment, &ids, Some("signup_cancelled"))?;
    Ok(cancelled)
}

/// A page of the shift's assignments in waitlist order, with the volunteers'
/// names: after `after` (created_at, id), `limit` rows.
pub fn signups_page(
    conn: &mut DbConn,
    shift_id: &ShiftId,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> QueryResult<Vec<(Assignment, Option<String>)>> {
    let mut query = assignments::table
        .inner_join(volunteers::table)
        .filter(assignments::shift_id.eq(shift_id))
        .order((assignments::created_at, assignments::id))
        .select((Assignment::as_select(), volunteers::full_name))
        .limit(limit)
        .into_boxed();
    if let Some((at, id)) = after {
        query =
            query.filter(assignments::created_at.gt(at).or(assignments::created_at.eq(at).and(assignments::id.gt(id))));
    }
    query.load(conn)
}

/// A page of a volunteer's assignments with their shifts and events, by shift
/// start then id: shifts ending after `from`, after `after`, `limit` rows.
pub fn schedule_page(
    conn: &mut DbConn,
    volunteer_id: &VolunteerId,
    from: Option<NaiveDateTime>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> QueryResult<Vec<(Assignment, Shift, super::events::Event)>> {
    let mut query = assignments::table
        .inner_join(shifts::table.inner_join(events::table))
        .filter(assignments::volunteer_id.eq(volunteer_id))
        .order((assignments::shift_starts_at, assignments::id))
        .select((Assignment::as_select(), Shift::as_select(), super::events::Event::as_select()))
        .limit(limit)
        .into_boxed();
    if let Some(from) = from {
        query = query.filter(assignments::shift_ends_at.gt(from));
    }
    if let Some((at, id)) = after {
        query = query.filter(
            assignments::shift_starts_at.gt(at).or(assignments::shift_starts_at.eq(at).and(assignments::id.gt(id))),
        );
    }
    query.load(conn)
}

/// A volunteer's assignments with their shifts and events, by shift start.
pub fn schedule_of(
    conn: &mut DbConn,
    volunteer_id: &VolunteerId,
    from: Option<NaiveDateTime>,
    to: Option<NaiveDateTime>,
) -> QueryResult<Vec<(Assignment, Shift, super::events::Event)>> {
    let mut query = assignments::table
        .inner_join(shifts::table.inner_join(events::table))
        .filter(assignments::volunteer_id.eq(volunteer_id))
        .order((assignments::shift_starts_at, assignments::id))
        .select((Assignment::as_select(), Shift::as_select(), super::events::Event::as_select()))
        .into_boxed();
    if let Some(from) = from {
        query = query.filter(assignments::shift_ends_at.gt(from));
    }
    if let Some(to) = to {
        query = query.filter(assignments::shift_starts_at.lt(to));
    }
    query.load(conn)
}

pub fn delete(conn: &mut DbConn, id: &ShiftId) -> QueryResult<usize> {
    diesel::delete(shifts::table.find(id)).execute(conn)
}

/// Puts a re-activated sign-up at the end of the waitlist order.
pub fn restart_queue_position(conn: &mut DbConn, id: &AssignmentId, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(assignments::table.find(id)).set(assignments::created_at.eq(now)).execute(conn).map(drop)
}

/// Moves a shift and the copied times of its assignments, which are then
/// changed records for the feed (their `shift_starts_at`/`shift_ends_at`).
pub fn move_shift(conn: &mut DbConn, id: &ShiftId, starts: NaiveDateTime, ends: NaiveDateTime) -> QueryResult<()> {
    diesel::update(shifts::table.find(id))
        .set((shifts::starts_at.eq(starts), shifts::ends_at.eq(ends)))
        .execute(conn)?;
    let moved: Vec<AssignmentId> =
        assignments::table.filter(assignments::shift_id.eq(id)).select(assignments::id).load(conn)?;
    diesel::update(assignments::table.filter(assignments::shift_id.eq(id)))
        .set((assignments::shift_starts_at.eq(starts), assignments::shift_ends_at.eq(ends)))
        .execute(conn)?;
    let moved: Vec<&str> = moved.iter().map(AssignmentId::as_str).collect();
    super::outbox::append_updates(conn, ChangeType::Assignment, &moved)
}

/// The assignments of `ids` with their volunteer's name (`None` once
/// anonymised) and their event, for the change feed.
pub fn find_many_with_names(
    conn: &mut DbConn,
    ids: &[AssignmentId],
) -> QueryResult<Vec<(Assignment, Option<String>, super::events::Event)>> {
    assignments::table
        .inner_join(volunteers::table)
        .inner_join(shifts::table.inner_join(events::table))
        .filter(assignments::id.eq_any(ids))
        .select((Assignment::as_select(), volunteers::full_name, super::events::Event::as_select()))
        .load(conn)
}

/// The volunteer's places on shifts that have not started yet.
pub fn upcoming_of(conn: &mut DbConn, volunteer_id: &VolunteerId, now: NaiveDateTime) -> QueryResult<Vec<Assignment>> {
    assignments::table
        .filter(assignments::volunteer_id.eq(volunteer_id))
        .filter(assignments::status.eq_any([AssignmentStatus::SignedUp, AssignmentStatus::Waitlisted]))
        .filter(assignments::shift_starts_at.gt(now))
        .select(Assignment::as_select())
        .load(conn)
}

/// Records the shift a public applicant asked for (a request, not a sign-up).
pub fn request(
    conn: &mut DbConn,
    volunteer_id: &VolunteerId,
    shift_id: &ShiftId,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(shift_requests::table)
        .values((
            shift_requests::volunteer_id.eq(volunteer_id),
            shift_requests::shift_id.eq(shift_id),
            shift_requests::created_at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}

/// The shift an applicant asked for, if any.
pub fn requested(conn: &mut DbConn, volunteer_id: &VolunteerId) -> QueryResult<Option<ShiftId>> {
    shift_requests::table.find(volunteer_id).select(shift_requests::shift_id).first(conn).optional()
}

/// Forgets an applicant's request once decided; returns the shift it named.
pub fn take_request(conn: &mut DbConn, volunteer_id: &VolunteerId) -> QueryResult<Option<ShiftId>> {
    let requested = requested(conn, volunteer_id)?;
    if requested.is_some() {
        diesel::delete(shift_requests::table.find(volunteer_id)).execute(conn)?;
    }
    Ok(requested)
}

/// The shifts asked for by these applicants.
pub fn requested_by(conn: &mut DbConn, volunteer_ids: &[VolunteerId]) -> QueryResult<HashMap<VolunteerId, ShiftId>> {
    if volunteer_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(VolunteerId, ShiftId)> = shift_requests::table
        .filter(shift_requests::volunteer_id.eq_any(volunteer_ids))
        .select((shift_requests::volunteer_id, shift_requests::shift_id))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}
