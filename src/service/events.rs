//! Events and their shifts: creation (one shift or a daily series in the branch's
//! time zone), reading with counts, updates and the status lifecycle.

use crate::domain::ids::{EventId, LocalityId, ShiftId};
use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDateTime, TimeDelta, Utc, Weekday};
use chrono_tz::Tz;

use crate::auth::{AuthUser, SessionUser};
use crate::db::audit::{self, AuditEvent};
use crate::db::events::{self, Event, EventChanges, EventFilter};
use crate::db::shifts::{self, Shift};
use crate::db::{Db, DbConn, branches, localities, write_transaction};
use crate::domain::event::{EventStatus, MAX_EVENT_DAYS, MAX_SERIES_SHIFTS, MAX_SHIFT_HOURS};
use crate::domain::geo::Near;
use crate::domain::role::Role;
use crate::domain::time::now;
use crate::domain::version::ExpectedVersion;
use crate::dto::event::{
    CreateEvent, EventOut, EventStatusChange, NewShift, PublicEventOut, ShiftOut, ShiftSeries, UpdateEvent,
};
use crate::dto::shift::{ShiftSeriesOut, SkippedShift};
use crate::error::{ApiError, ErrorCode, FieldError};

/// `ends > starts`, and not absurdly long.
pub(crate) fn check_span(
    prefix: &str,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
    max: TimeDelta,
    errors: &mut Vec<FieldError>,
) {
    let field = |name: &str| if prefix.is_empty() { name.to_owned() } else { format!("{prefix}.{name}") };
    if ends <= starts {
        errors.push(FieldError::new(field("ends_at"), ErrorCode::NotAfterStart, "must be after starts_at"));
    } else if ends - starts > max {
        errors.push(FieldError::new(
            field("ends_at"),
            ErrorCode::TooLong,
            format!("at most {} hours after starts_at", max.num_hours()),
        ));
    }
}

/// A shift must lie inside its event's time span.
pub(crate) fn check_shift_inside(
    prefix: &str,
    shift: &NewShift,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
    errors: &mut Vec<FieldError>,
) {
    check_span(prefix, shift.starts_at, shift.ends_at, TimeDelta::hours(MAX_SHIFT_HOURS), errors);
    if shift.starts_at < starts || shift.ends_at > ends {
        errors.push(FieldError::new(
            format!("{prefix}.starts_at"),
            ErrorCode::OutsideEvent,
            "a shift lies within its event's time span",
        ));
    }
}

fn shift_row(event_id: &EventId, shift: &NewShift) -> Shift {
    let at = now();
    Shift {
        id: ShiftId::new(),
        event_id: event_id.to_owned(),
        starts_at: shift.starts_at.naive_utc(),
        ends_at: shift.ends_at.naive_utc(),
        capacity: shift.capacity,
        required_skill: shift.required_skill.as_ref().map(|skill| skill.trim().to_lowercase()),
        created_at: at,
        updated_at: at,
        version: 1,
        cancelled_at: None,
        cancel_reason: None,
    }
}

fn check_locality(conn: &mut DbConn, branch: &str, locality_id: Option<&LocalityId>) -> Result<(), ApiError> {
    if let Some(id) = locality_id
        && localities::find(conn, id)?.is_none_or(|locality| locality.branch_code != branch)
    {
        return Err(ApiError::invalid(
            "locality_id",
            ErrorCode::UnknownLocality,
            "not a locality of the event's branch",
        ));
    }
    Ok(())
}

/// Creates an event with its shifts, in the caller's write transaction (the
/// idempotent request's, see `service::idempotency::once`).
pub fn create(conn: &mut DbConn, actor: &SessionUser, input: CreateEvent) -> Result<EventOut, ApiError> {
    let branch = actor.branch_for_new_record(input.branch.clone())?;
    let mut errors = Vec::new();
    if matches!(
        input.kind,
        crate::domain::event::EventKind::WorkCollectiveMeeting
            | crate::domain::event::EventKind::ExpertMeeting
            | crate::domain::event::EventKind::ResidentsMeeting
    ) {
        errors.push(FieldError::new("kind", ErrorCode::Meeting, "meetings are requested through /api/v1/meetings"));
    }
    check_span("", input.starts_at, input.ends_at, TimeDelta::days(MAX_EVENT_DAYS), &mut errors);
    for (index, shift) in input.shifts.iter().enumerate() {
        check_shift_inside(&format!("shifts[{index}]"), shift, input.starts_at, input.ends_at, &mut errors);
    }
    let status = input.status.unwrap_or(EventStatus::Draft);
    match status {
        EventStatus::Draft => {}
        EventStatus::Scheduled if input.shifts.is_empty() => {
            errors.push(FieldError::new("shifts", ErrorCode::Required, "a scheduled event needs at least one shift"));
        }
        EventStatus::Scheduled => {}
        EventStatus::Completed | EventStatus::Cancelled => {
            errors.push(FieldError::new("status", ErrorCode::NotAllowed, "a new event is a draft or scheduled"));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    if branches::find(conn, &branch)?.is_none() {
        return Err(ApiError::invalid("branch", ErrorCode::UnknownBranch, format!("there is no branch {branch}")));
    }
    check_locality(conn, &branch, input.locality_id.as_ref())?;
    let at = now();
    let event = Event {
        id: EventId::new(),
        branch_code: branch,
        locality_id: input.locality_id,
        kind: input.kind,
        title: input.title.trim().to_owned(),
        description: input.description,
        venue: input.venue,
        address: input.address,
        latitude: input.latitude,
        longitude: input.longitude,
        starts_at: input.starts_at.naive_utc(),
        ends_at: input.ends_at.naive_utc(),
        status,
        cancel_reason: None,
        created_by: actor.account_id.clone(),
        created_at: at,
        updated_at: at,
        version: 1,
    };
    events::insert(conn, &event)?;
    let rows: Vec<Shift> = input.shifts.iter().map(|shift| shift_row(&event.id, shift)).collect();
    shifts::insert(conn, &rows)?;
    audit::record(conn, event_audit(actor, "event_created", &event.id, None))?;
    one_view(conn, &event.id)
}

/// Whether `actor` may see the event: staff and volunteers their branch (volunteers
/// no drafts), admins and observers everything.
pub fn sees(actor: &SessionUser, event: &Event) -> bool {
    match actor.role {
        Role::Admin | Role::Observer => true,
        Role::Coordinator => actor.sees_branch(&event.branch_code),
        Role::Volunteer => actor.sees_branch(&event.branch_code) && event.status != EventStatus::Draft,
    }
}

pub fn load_visible(conn: &mut DbConn, actor: &SessionUser, id: &EventId) -> Result<Event, ApiError> {
    events::find(conn, id)?.filter(|event| sees(actor, event)).ok_or_else(|| ApiError::not_found(format!("event {id}")))
}

/// The event, checked to be one `actor` may change here (not a meeting).
pub fn load_managed(conn: &mut DbConn, actor: &SessionUser, id: &EventId) -> Result<Event, ApiError> {
    let event = load_visible(conn, actor, id)?;
    actor.ensure_manages_branch(&event.branch_code, format!("event {id}"))?;
    ensure_not_meeting(&event)?;
    crate::db::lock_row(conn, "events", id)?;
    Ok(event)
}

/// Meetings keep their event in step with their own lifecycle and speakers:
/// they are changed through `/meetings`, never through the generic endpoints.
pub fn ensure_not_meeting(event: &Event) -> Result<(), ApiError> {
    use crate::domain::event::EventKind;
    match event.kind {
        EventKind::WorkCollectiveMeeting | EventKind::ExpertMeeting | EventKind::ResidentsMeeting => {
            Err(ApiError::field_conflict(
                "this event is a meeting; change it through /api/v1/meetings",
                "kind",
                ErrorCode::Meeting,
                None,
            ))
        }
        _ => Ok(()),
    }
}

/// Events with their shifts and counts, in three queries whatever their number.
pub fn views(conn: &mut DbConn, rows: Vec<Event>) -> Result<Vec<EventOut>, ApiError> {
    let ids: Vec<EventId> = rows.iter().map(|event| event.id.clone()).collect();
    let all_shifts = shifts::for_events(conn, &ids)?;
    let shift_ids: Vec<ShiftId> = all_shifts.iter().map(|shift| shift.id.clone()).collect();
    let counts = shifts::counts(conn, &shift_ids)?;
    let mut by_event: HashMap<EventId, Vec<ShiftOut>> = HashMap::new();
    for shift in all_shifts {
        let shift_counts = counts.get(&shift.id).copied().unwrap_or_default();
        by_event.entry(shift.event_id.clone()).or_default().push(ShiftOut::new(shift, shift_counts));
    }
    Ok(rows
        .into_iter()
        .map(|event| {
            let shifts = by_event.remove(&event.id).unwrap_or_default();
            EventOut::new(event, shifts)
        })
        .collect())
}

/// A page of a branch's public feed: its scheduled events (no meetings) that
/// have not ended, in start order after `after`. 404 for an unknown branch.
pub async fn public_feed(
    db: &Db,
    branch: String,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<PublicEventOut>, ApiError> {
    db.run(move |conn| {
        if branches::find(conn, &branch)?.is_none() {
            return Err(ApiError::not_found(format!("branch {branch}")));
        }
        let filter = EventFilter {
            branch: Some(branch),
            status: Some(EventStatus::Scheduled),
            exclude_meetings: true,
            from: Some(now()),
            after,
            ..Default::default()
        };
        let rows = events::list(conn, &filter, limit)?;
        Ok(views(conn, rows)?.into_iter().map(PublicEventOut::from).collect())
    })
    .await
}

fn one_view(conn: &mut DbConn, id: &EventId) -> Result<EventOut, ApiError> {
    let event = events::find(conn, id)?.ok_or_else(|| ApiError::not_found(format!("event {id}")))?;
    views(conn, vec![event])?.pop().ok_or_else(|| ApiError::internal("event view vanished"))
}

pub async fn get(db: &Db, actor: &AuthUser, id: EventId) -> Result<EventOut, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        let event = load_visible(conn, &actor, &id)?;
        views(conn, vec![event])?.pop().ok_or_else(|| ApiError::internal("event view vanished"))
    })
    .await
}

/// Events visible to `actor`; `limit` rows at most (the caller asks one extra to
/// know whether another page exists).
/// How far an event lies from a `near` point, as its list computed it.
pub async fn distance(db: &Db, id: EventId, near: Near) -> Result<f64, ApiError> {
    db.run(move |conn| Ok(events::distance(conn, &id, &near)?.unwrap_or(f64::MAX))).await
}

/// `filter` narrowed to what `actor` may list, or `None` when that is nothing
/// (a branch outside a coordinator's or volunteer's own).
fn scoped(actor: &AuthUser, mut filter: EventFilter) -> Option<EventFilter> {
    match actor.role {
        Role::Admin | Role::Observer => {}
        Role::Coordinator | Role::Volunteer => {
            filter.branch = actor.list_branch(filter.branch.take())?;
            if actor.role == Role::Volunteer {
                filter.exclude_status = Some(EventStatus::Draft);
            }
        }
    }
    Some(filter)
}

/// What an events page that `filter` gives `actor` depends on besides its
/// query: the branch's change counter and whether drafts are hidden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventPageVersion {
    pub branch: String,
    pub drafts_hidden: bool,
    pub version: i64,
}

/// The version of the page `filter` gives `actor`, read with one primary-key
/// read, when the page lies within one branch (so one counter covers it);
/// `None` when it does not (every branch, a `near=` search: these are not kept).
/// Read it before the page itself: a page read after the counter is at least
/// as new as the counter says.
pub async fn page_version(
    db: &Db,
    actor: &AuthUser,
    filter: &EventFilter,
) -> Result<Option<EventPageVersion>, ApiError> {
    let Some(filter) = scoped(actor, filter.clone()) else { return Ok(None) };
    let (Some(branch), None) = (filter.branch, filter.near) else { return Ok(None) };
    let drafts_hidden = filter.exclude_status == Some(EventStatus::Draft);
    db.run(move |conn| {
        let version = events::page_version(conn, &branch)?;
        Ok(version.map(|version| EventPageVersion { branch, drafts_hidden, version }))
    })
    .await
}

pub async fn list(db: &Db, actor: &AuthUser, filter: EventFilter, limit: i64) -> Result<Vec<EventOut>, ApiError> {
    let Some(filter) = scoped(actor, filter) else { return Ok(Vec::new()) };
    db.run(move |conn| {
        let rows = events::list(conn, &filter, limit)?;
        views(conn, rows)
    })
    .await
}

pub async fn update(
    db: &Db,
    actor: &AuthUser,
    id: EventId,
    input: UpdateEvent,
    expected: ExpectedVersion,
) -> Result<EventOut, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            let current = load_managed(conn, &actor, &id)?;
            let version = expected.check(input.version, current.version)?;
            if !current.status.takes_signups() {
                return Err(ApiError::field_conflict(
                    format!("a {} event cannot be edited", current.status),
                    "status",
                    ErrorCode::NotEditable,
                    None,
                ));
            }
            let starts = input.starts_at.unwrap_or_else(|| current.starts_at.and_utc());
            let ends = input.ends_at.unwrap_or_else(|| current.ends_at.and_utc());
            let mut errors = Vec::new();
            check_span("", starts, ends, TimeDelta::days(MAX_EVENT_DAYS), &mut errors);
            if !errors.is_empty() {
                return Err(ApiError::Validation(errors));
            }
            let outside = shifts::for_events(conn, std::slice::from_ref(&current.id))?
                .into_iter()
                .any(|shift| shift.starts_at < starts.naive_utc() || shift.ends_at > ends.naive_utc());
            if outside {
                return Err(ApiError::field_conflict(
                    "some shifts would fall outside the new time span; move them first",
                    "starts_at",
                    ErrorCode::ShiftsOutside,
                    None,
                ));
            }
            if let Some(locality) = &input.locality_id {
                check_locality(conn, &current.branch_code, locality.as_ref())?;
            }
            let changes = EventChanges {
                locality_id: input.locality_id,
                title: input.title.map(|title| title.trim().to_owned()),
                description: input.description,
                venue: input.venue,
                address: input.address,
                latitude: input.latitude,
                longitude: input.longitude,
                starts_at: input.starts_at.map(|at| at.naive_utc()),
                ends_at: input.ends_at.map(|at| at.naive_utc()),
                ..Default::default()
            };
            if !events::update(conn, &current.id, version, &changes, now())? {
                return Err(ApiError::PreconditionFailed("the event changed meanwhile; reload it".into()));
            }
            audit::record(conn, event_audit(&actor, "event_updated", &current.id, None))?;
            one_view(conn, &current.id)
        })
    })
    .await
}

/// Moves the event through its lifecycle. Cancelling needs a reason and cancels
/// every sign-up; scheduling needs at least one shift.
pub async fn change_status(
    db: &Db,
    actor: &AuthUser,
    id: EventId,
    change: EventStatusChange,
    expected: ExpectedVersion,
) -> Result<EventOut, ApiError> {
    if change.status == EventStatus::Cancelled && change.reason.as_deref().is_none_or(|reason| reason.trim().is_empty())
    {
        return Err(ApiError::invalid("reason", ErrorCode::Required, "cancelling an event needs a reason"));
    }
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            let current = load_managed(conn, &actor, &id)?;
            let version = expected.check(change.version, current.version)?;
            let from = current.status;
            if !from.can_become(change.status) {
                return Err(ApiError::field_conflict(
                    format!("an event cannot go from {} to {}", from.as_str(), change.status.as_str()),
                    "status",
                    ErrorCode::IllegalTransition,
                    None,
                ));
            }
            if change.status == EventStatus::Scheduled
                && shifts::for_events(conn, std::slice::from_ref(&current.id))?
                    .iter()
                    .all(|shift| shift.cancelled_at.is_some())
            {
                return Err(ApiError::field_conflict(
                    "add at least one shift before scheduling the event",
                    "status",
                    ErrorCode::NoShifts,
                    None,
                ));
            }
            let at = now();
            let changes = EventChanges {
                status: Some(change.status),
                cancel_reason: (change.status == EventStatus::Cancelled).then(|| change.reason.clone()),
                ..Default::default()
            };
            if !events::update(conn, &current.id, version, &changes, at)? {
                return Err(ApiError::PreconditionFailed("the event changed meanwhile; reload it".into()));
            }
            if change.status == EventStatus::Cancelled {
                shifts::cancel_all_for_event(conn, &current.id, at)?;
            }
            let action = format!("event_{}", change.status.as_str());
            audit::record(conn, event_audit(&actor, &action, &current.id, change.reason.clone()))?;
            one_view(conn, &current.id)
        })
    })
    .await
}

fn add_rows(
    conn: &mut DbConn,
    actor: &SessionUser,
    event_id: &EventId,
    rows: Vec<Shift>,
) -> Result<EventOut, ApiError> {
    shifts::insert(conn, &rows)?;
    events::touch(conn, event_id, now())?;
    audit::record(conn, event_audit(actor, "shifts_added", event_id, Some(format!("{} shifts", rows.len()))))?;
    one_view(conn, event_id)
}

fn ensure_open(event: &Event) -> Result<(), ApiError> {
    if event.status.takes_signups() {
        Ok(())
    } else {
        Err(ApiError::field_conflict(
            format!("a {} event takes no new shifts", event.status),
            "status",
            ErrorCode::NotEditable,
            None,
        ))
    }
}

/// Adds one shift, in the caller's write transaction. A shift with exactly the
/// start and end of one the event already has (not cancelled) is a 409 naming
/// it: the same slot twice is a mistake (raise its capacity instead).
pub fn add_shift(
    conn: &mut DbConn,
    actor: &SessionUser,
    event_id: &EventId,
    shift: NewShift,
) -> Result<EventOut, ApiError> {
    let event = load_managed(conn, actor, event_id)?;
    ensure_open(&event)?;
    let mut errors = Vec::new();
    check_shift_inside("", &shift, event.starts_at.and_utc(), event.ends_at.and_utc(), &mut errors);
    if !errors.is_empty() {
        // The fields are the body's own: drop the "." prefix of a nameless path.
        errors.iter_mut().for_each(|err| err.field = err.field.trim_start_matches('.').to_owned());
        return Err(ApiError::Validation(errors));
    }
    if let Some(existing) = shifts::same_span(conn, &event.id, shift.starts_at.naive_utc(), shift.ends_at.naive_utc())?
    {
        return Err(ApiError::field_conflict(
            format!("the event has shift {existing} at exactly this start and end already"),
            "starts_at",
            ErrorCode::Duplicate,
            Some(existing.to_string()),
        ));
    }
    add_rows(conn, actor, &event.id, vec![shift_row(&event.id, &shift)])
}

/// The UTC instant of `date` at `time` in `zone`.
fn local_instant(zone: Tz, date: chrono::NaiveDate, time: chrono::NaiveTime) -> Option<NaiveDateTime> {
    date.and_time(time).and_local_timezone(zone).earliest().map(|at| at.naive_utc())
}

/// Creates one shift per day (optionally only on some weekdays) at the same local
/// times, read in the branch's time zone.
///
/// A day whose shift the event already has (same start and end, not cancelled)
/// is skipped and reported, so repeating a series creates nothing twice.
/// Runs in the caller's write transaction.
pub fn add_series(
    conn: &mut DbConn,
    actor: &SessionUser,
    event_id: &EventId,
    series: ShiftSeries,
) -> Result<ShiftSeriesOut, ApiError> {
    if series.end_time <= series.start_time {
        return Err(ApiError::invalid(
            "end_time",
            ErrorCode::NotAfterStart,
            "must be after start_time on the same day",
        ));
    }
    if series.to_date < series.from_date {
        return Err(ApiError::invalid("to_date", ErrorCode::BeforeFromDate, "must not be before from_date"));
    }
    let days = (series.to_date - series.from_date).num_days() + 1;
    if usize::try_from(days).unwrap_or(usize::MAX) > MAX_SERIES_SHIFTS {
        return Err(ApiError::invalid(
            "to_date",
            ErrorCode::TooMany,
            format!("at most {MAX_SERIES_SHIFTS} days per series"),
        ));
    }
    let event = load_managed(conn, actor, event_id)?;
    ensure_open(&event)?;
    let branch = branches::find(conn, &event.branch_code)?.ok_or_else(|| ApiError::internal("event without branch"))?;
    let zone: Tz =
        branch.timezone.parse().map_err(|_| ApiError::internal(format!("bad time zone {}", branch.timezone)))?;
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    for date in series.from_date.iter_days().take_while(|date| *date <= series.to_date) {
        if series.weekdays.as_ref().is_some_and(|days| !days.iter().any(|&day| Weekday::from(day) == date.weekday())) {
            continue;
        }
        let (Some(starts), Some(ends)) =
            (local_instant(zone, date, series.start_time), local_instant(zone, date, series.end_time))
        else {
            return Err(ApiError::invalid(
                "start_time",
                ErrorCode::NonexistentLocalTime,
                format!("{date} has no such local time"),
            ));
        };
        if starts < event.starts_at || ends > event.ends_at {
            return Err(ApiError::invalid(
                "from_date",
                ErrorCode::OutsideEvent,
                format!("the shift of {date} would fall outside the event's time span"),
            ));
        }
        if let Some(existing) = shifts::same_span(conn, &event.id, starts, ends)? {
            skipped.push(SkippedShift {
                date,
                starts_at: starts.and_utc(),
                ends_at: ends.and_utc(),
                existing_shift_id: existing,
            });
            continue;
        }
        let shift = NewShift {
            starts_at: starts.and_utc(),
            ends_at: ends.and_utc(),
            capacity: series.capacity,
            required_skill: series.required_skill.clone(),
        };
        rows.push(shift_row(&event.id, &shift));
    }
    if rows.is_empty() && skipped.is_empty() {
        return Err(ApiError::invalid("weekdays", ErrorCode::NoDays, "no day of the range matches the weekdays"));
    }
    let created = rows.iter().map(|row| row.id.clone()).collect();
    let event = if rows.is_empty() { one_view(conn, &event.id)? } else { add_rows(conn, actor, &event.id, rows)? };
    Ok(ShiftSeriesOut { event, created, skipped })
}

fn event_audit<'a>(actor: &'a SessionUser, action: &'a str, id: &'a str, details: Option<String>) -> AuditEvent<'a> {
    super::audit(actor, action, "event", id, details)
}
