//! Queries on `organisations`, `meetings` and the meeting's speakers, report,
//! questions and follow-ups.

use crate::domain::ids::{AssignmentId, EventId, LocalityId, MemberOrganisationId, OrganisationId, VolunteerId};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::{count_star, sum};
use diesel::prelude::*;

use super::DbConn;
use super::events::Event;
use super::schema::{events, follow_ups, meeting_reports, meeting_speakers, meetings, organisations, report_questions};
use crate::domain::event::EventKind;
use crate::domain::meeting::{FigureKind, MeetingStatus, Sector, SpeakerRole};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = organisations, treat_none_as_default_value = false)]
pub struct Organisation {
    pub id: OrganisationId,
    pub branch_code: String,
    pub locality_id: Option<LocalityId>,
    pub name_kk: String,
    pub name_ru: String,
    pub bin: String,
    pub sector: Sector,
    pub employee_count: i32,
    pub address: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub search_text: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = organisations)]
pub struct OrganisationChanges {
    pub locality_id: Option<Option<LocalityId>>,
    pub name_kk: Option<String>,
    pub name_ru: Option<String>,
    pub sector: Option<Sector>,
    pub employee_count: Option<i32>,
    pub address: Option<Option<String>>,
    pub contact_name: Option<Option<String>>,
    pub contact_phone: Option<Option<String>>,
    pub search_text: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub struct OrganisationFilter {
    pub branch: Option<String>,
    pub sector: Option<Sector>,
    pub locality_id: Option<String>,
    pub search: Option<String>,
    /// Only organisations with no held meeting.
    pub never_met: bool,
    pub updated_since: Option<NaiveDateTime>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = meetings, treat_none_as_default_value = false)]
pub struct Meeting {
    pub event_id: EventId,
    pub organisation_id: Option<OrganisationId>,
    pub status: MeetingStatus,
    pub proposed_starts_at: NaiveDateTime,
    pub proposed_ends_at: NaiveDateTime,
    pub cancel_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = meeting_speakers, treat_none_as_default_value = false)]
pub struct Speaker {
    pub id: String,
    pub meeting_id: EventId,
    pub volunteer_id: Option<VolunteerId>,
    pub assignment_id: Option<AssignmentId>,
    pub figure_name: Option<String>,
    pub figure_kind: Option<FigureKind>,
    pub member_organisation_id: Option<MemberOrganisationId>,
    pub role: SpeakerRole,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = meeting_reports, treat_none_as_default_value = false)]
pub struct Report {
    pub meeting_id: EventId,
    pub attendance: i32,
    pub attendance_confirmed: bool,
    pub materials_handed_out: i32,
    pub notes: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = report_questions, treat_none_as_default_value = false)]
pub struct Question {
    pub id: String,
    pub meeting_id: EventId,
    pub topic: String,
    pub text: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = follow_ups, treat_none_as_default_value = false)]
pub struct FollowUp {
    pub id: String,
    pub meeting_id: EventId,
    pub what: String,
    pub owner: String,
    pub due_date: NaiveDate,
    pub done: bool,
    pub created_at: NaiveDateTime,
}

pub fn insert_organisation(conn: &mut DbConn, row: &Organisation) -> QueryResult<()> {
    diesel::insert_into(organisations::table).values(row).execute(conn).map(drop)
}

pub fn find_organisation(conn: &mut DbConn, id: &OrganisationId) -> QueryResult<Option<Organisation>> {
    organisations::table.find(id).select(Organisation::as_select()).first(conn).optional()
}

/// The work collectives of `ids` that exist.
pub fn find_organisations(conn: &mut DbConn, ids: &[OrganisationId]) -> QueryResult<Vec<Organisation>> {
    organisations::table.filter(organisations::id.eq_any(ids)).select(Organisation::as_select()).load(conn)
}

pub fn organisation_by_bin(conn: &mut DbConn, bin: &str) -> QueryResult<Option<Organisation>> {
    organisations::table.filter(organisations::bin.eq(bin)).select(Organisation::as_select()).first(conn).optional()
}

pub fn list_organisations(
    conn: &mut DbConn,
    filter: &OrganisationFilter,
    limit: i64,
) -> QueryResult<Vec<Organisation>> {
    let mut query =
        organisations::table.select(Organisation::as_select()).order(organisations::id).limit(limit).into_boxed();
    if let Some(branch) = &filter.branch {
        query = query.filter(organisations::branch_code.eq(branch.clone()));
    }
    if let Some(sector) = &filter.sector {
        query = query.filter(organisations::sector.eq(*sector));
    }
    if let Some(locality) = &filter.locality_id {
        query = query.filter(organisations::locality_id.eq(locality.clone()));
    }
    if let Some(search) = &filter.search {
        query = query.filter(organisations::search_text.like(format!("%{}%", search.replace(['%', '_', '\\'], ""))));
    }
    if filter.never_met {
        let met = meetings::table
            .filter(meetings::status.eq(MeetingStatus::Held))
            .filter(meetings::organisation_id.is_not_null())
            .select(meetings::organisation_id.assume_not_null());
        query = query.filter(organisations::id.ne_all(met));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(organisations::updated_at.ge(since));
    }
    if let Some(after) = &filter.after {
        query = query.filter(organisations::id.gt(after.clone()));
    }
    query.load(conn)
}

pub fn update_organisation(
    conn: &mut DbConn,
    id: &OrganisationId,
    expected_version: i32,
    changes: &OrganisationChanges,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let target =
        organisations::table.filter(organisations::id.eq(id)).filter(organisations::version.eq(expected_version));
    let updated = diesel::update(target)
        .set((changes, organisations::updated_at.eq(now), organisations::version.eq(expected_version + 1)))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Which meetings a list page holds. A meeting's change stamp is its event's
/// `updated_at`: every change of the meeting (status, speakers, report) touches
/// the event, and the event's stamp is never behind the meeting row's.
#[derive(Debug, Default, Clone)]
pub struct MeetingFilter {
    pub branch: Option<String>,
    pub kind: Option<EventKind>,
    pub status: Option<MeetingStatus>,
    pub organisation_id: Option<String>,
    pub locality_id: Option<String>,
    /// Meetings starting at or after this instant.
    pub from: Option<NaiveDateTime>,
    /// Meetings starting before this instant.
    pub to: Option<NaiveDateTime>,
    /// Only meetings with an open follow-up due before this day.
    pub overdue_before: Option<NaiveDate>,
    pub updated_since: Option<NaiveDateTime>,
    /// Keyset cursor: after this meeting id.
    pub after: Option<String>,
    /// Keyset cursor of a sync (`updated_since` given): after this (updated_at, id).
    pub after_change: Option<(NaiveDateTime, String)>,
}

/// The branch and start-time scope shared by every coverage figure.
#[derive(Debug, Default, Clone)]
pub struct CoverageScope {
    pub branch: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
}

/// Boxes `$query` (joining `meetings` and `events`) and narrows it to the
/// meetings of `$scope`: one definition of the scope for every coverage query.
macro_rules! in_scope {
    ($query:expr, $scope:expr) => {{
        let scope: &CoverageScope = $scope;
        let mut query = $query.into_boxed();
        if let Some(branch) = &scope.branch {
            query = query.filter(events::branch_code.eq(branch.clone()));
        }
        if let Some(from) = scope.from {
            query = query.filter(events::starts_at.ge(from));
        }
        if let Some(to) = scope.to {
            query = query.filter(events::starts_at.lt(to));
        }
        query
    }};
}

/// A page of meetings with their events, in id order, or in change order for a
/// sync (`updated_since`), so a meeting changed behind the cursor comes again.
pub fn list(conn: &mut DbConn, filter: &MeetingFilter, limit: i64) -> QueryResult<Vec<(Meeting, Event)>> {
    let mut query = meetings::table
        .inner_join(events::table)
        .select((Meeting::as_select(), Event::as_select()))
        .limit(limit)
        .into_boxed();
    query = match &filter.updated_since {
        Some(_) => query.order((events::updated_at, events::id)),
        None => query.order(meetings::event_id),
    };
    if let Some(branch) = &filter.branch {
        query = query.filter(events::branch_code.eq(branch.clone()));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(events::kind.eq(kind));
    }
    if let Some(status) = filter.status {
        query = query.filter(meetings::status.eq(status));
    }
    if let Some(organisation) = &filter.organisation_id {
        query = query.filter(meetings::organisation_id.eq(organisation.clone()));
    }
    if let Some(locality) = &filter.locality_id {
        query = query.filter(events::locality_id.eq(locality.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(events::starts_at.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(events::starts_at.lt(to));
    }
    if let Some(today) = filter.overdue_before {
        let overdue = follow_ups::table
            .filter(follow_ups::done.eq(false))
            .filter(follow_ups::due_date.lt(today))
            .select(follow_ups::meeting_id);
        query = query.filter(meetings::event_id.eq_any(overdue));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(events::updated_at.ge(since));
    }
    if let Some(after) = &filter.after {
        query = query.filter(meetings::event_id.gt(after.clone()));
    }
    if let Some((at, id)) = &filter.after_change {
        query = query.filter(events::updated_at.gt(*at).or(events::updated_at.eq(*at).and(events::id.gt(id.clone()))));
    }
    query.load(conn)
}

/// How many organisations the scope's branch has (all when `None`), and their
/// employees.
pub fn organisation_totals(conn: &mut DbConn, branch: Option<&str>) -> QueryResult<(i64, i64)> {
    let mut query = organisations::table.select((count_star(), sum(organisations::employee_count))).into_boxed();
    if let Some(branch) = branch {
        query = query.filter(organisations::branch_code.eq(branch.to_owned()));
    }
    let (count, employees): (i64, Option<i64>) = query.get_result(conn)?;
    // SUM over no rows is NULL.
    Ok((count, employees.unwrap_or(0)))
}

/// Meetings of the scope counted per kind.
pub fn count_by_kind(conn: &mut DbConn, scope: &CoverageScope) -> QueryResult<Vec<(EventKind, i64)>> {
    in_scope!(
        meetings::table.inner_join(events::table).group_by(events::kind).select((events::kind, count_star())),
        scope
    )
    .load(conn)
}

/// Meetings of the scope counted per status.
pub fn count_by_status(conn: &mut DbConn, scope: &CoverageScope) -> QueryResult<Vec<(MeetingStatus, i64)>> {
    in_scope!(
        meetings::table.inner_join(events::table).group_by(meetings::status).select((meetings::status, count_star())),
        scope
    )
    .load(conn)
}

/// Distinct organisations with a held meeting in the scope.
pub fn organisations_met(conn: &mut DbConn, scope: &CoverageScope) -> QueryResult<i64> {
    in_scope!(
        meetings::table
            .inner_join(events::table)
            .filter(meetings::status.eq(MeetingStatus::Held))
            .select(diesel::dsl::count(meetings::organisation_id).aggregate_distinct()),
        scope
    )
    .get_result(conn)
}

/// The attendance reported at the scope's held work-collective meetings (those
/// with an organisation), summed.
pub fn employees_reached(conn: &mut DbConn, scope: &CoverageScope) -> QueryResult<i64> {
    // Joined rather than `IN (subquery)`: a boxed subquery cannot be rendered
    // through the MultiConnection.
    let reached: Option<i64> = in_scope!(
        meeting_reports::table
            .inner_join(meetings::table.on(meetings::event_id.eq(meeting_reports::meeting_id)))
            .inner_join(events::table.on(events::id.eq(meetings::event_id)))
            .filter(meetings::status.eq(MeetingStatus::Held))
            .filter(meetings::organisation_id.is_not_null())
            .select(sum(meeting_reports::attendance)),
        scope
    )
    .get_result(conn)?;
    Ok(reached.unwrap_or(0))
}

/// The question topics of the scope's held meetings, counted per topic.
pub fn count_question_topics(conn: &mut DbConn, scope: &CoverageScope) -> QueryResult<Vec<(String, i64)>> {
    in_scope!(
        report_questions::table
            .inner_join(meetings::table.on(meetings::event_id.eq(report_questions::meeting_id)))
            .inner_join(events::table.on(events::id.eq(meetings::event_id)))
            .filter(meetings::status.eq(MeetingStatus::Held))
            .group_by(report_questions::topic)
            .select((report_questions::topic, count_star())),
        scope
    )
    .load(conn)
}

/// Open follow-ups of the scope's meetings, and how many of them are due
/// before `today`.
pub fn count_open_follow_ups(conn: &mut DbConn, scope: &CoverageScope, today: NaiveDate) -> QueryResult<(i64, i64)> {
    let open = in_scope!(
        follow_ups::table
            .inner_join(meetings::table.inner_join(events::table))
            .filter(follow_ups::done.eq(false))
            .select(count_star()),
        scope
    )
    .get_result(conn)?;
    let overdue = in_scope!(
        follow_ups::table
            .inner_join(meetings::table.inner_join(events::table))
            .filter(follow_ups::done.eq(false))
            .filter(follow_ups::due_date.lt(today))
            .select(count_star()),
        scope
    )
    .get_result(conn)?;
    Ok((open, overdue))
}

/// Whether `volunteer_id` speaks at the meeting.
pub fn is_speaker(conn: &mut DbConn, meeting_id: &EventId, volunteer_id: &VolunteerId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        meeting_speakers::table
            .filter(meeting_speakers::meeting_id.eq(meeting_id))
            .filter(meeting_speakers::volunteer_id.eq(volunteer_id)),
    ))
    .get_result(conn)
}

pub fn insert_meeting(conn: &mut DbConn, row: &Meeting) -> QueryResult<()> {
    diesel::insert_into(meetings::table).values(row).execute(conn).map(drop)
}

pub fn find_meeting(conn: &mut DbConn, id: &EventId) -> QueryResult<Option<Meeting>> {
    meetings::table.find(id).select(Meeting::as_select()).first(conn).optional()
}

pub fn meetings_for_events(conn: &mut DbConn, event_ids: &[EventId]) -> QueryResult<Vec<Meeting>> {
    meetings::table.filter(meetings::event_id.eq_any(event_ids)).select(Meeting::as_select()).load(conn)
}

/// Moves the meeting on when it is still at `expected_version`; `Ok(false)` otherwise.
pub fn set_meeting_status(
    conn: &mut DbConn,
    id: &EventId,
    expected_version: i32,
    status: MeetingStatus,
    reason: Option<String>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let target = meetings::table.filter(meetings::event_id.eq(id)).filter(meetings::version.eq(expected_version));
    let updated = diesel::update(target)
        .set((
            meetings::status.eq(status),
            meetings::cancel_reason.eq(reason),
            meetings::updated_at.eq(now),
            meetings::version.eq(expected_version + 1),
        ))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Takes off the speakers whose booking is one of `assignment_ids` (the
/// bookings being cancelled); the meetings they spoke at.
pub fn remove_speakers_booked_by(conn: &mut DbConn, assignment_ids: &[AssignmentId]) -> QueryResult<Vec<EventId>> {
    let booked = || meeting_speakers::table.filter(meeting_speakers::assignment_id.eq_any(assignment_ids));
    let meetings: Vec<EventId> = booked().select(meeting_speakers::meeting_id).distinct().load(conn)?;
    diesel::delete(booked()).execute(conn)?;
    Ok(meetings)
}

/// Marks meetings changed in what their view shows besides their own columns
/// (speakers, report, follow-ups): a new version and stamp, so `If-Match` and
/// `updated_since` see the change.
pub fn touch(conn: &mut DbConn, ids: &[EventId], now: NaiveDateTime) -> QueryResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    diesel::update(meetings::table.filter(meetings::event_id.eq_any(ids)))
        .set((meetings::version.eq(meetings::version + 1), meetings::updated_at.eq(now)))
        .execute(conn)?;
    diesel::update(events::table.filter(events::id.eq_any(ids))).set(events::updated_at.eq(now)).execute(conn)?;
    let ids: Vec<&str> = ids.iter().map(|id| id.as_str()).collect();
    super::outbox::append_updates(conn, crate::domain::change::ChangeType::Meeting, &ids)?;
    // `GET /events` lists meetings too.
    super::outbox::append_updates(conn, crate::domain::change::ChangeType::Event, &ids)
}

pub fn insert_speaker(conn: &mut DbConn, row: &Speaker) -> QueryResult<()> {
    diesel::insert_into(meeting_speakers::table).values(row).execute(conn).map(drop)
}

pub fn speakers_of(conn: &mut DbConn, meeting_ids: &[EventId]) -> QueryResult<Vec<Speaker>> {
    meeting_speakers::table
        .filter(meeting_speakers::meeting_id.eq_any(meeting_ids))
        .order(meeting_speakers::created_at)
        .select(Speaker::as_select())
        .load(conn)
}

pub fn find_report(conn: &mut DbConn, meeting_id: &EventId) -> QueryResult<Option<Report>> {
    meeting_reports::table.find(meeting_id).select(Report::as_select()).first(conn).optional()
}

/// Writes the report (insert, or update at `expected_version`); `Ok(false)` when
/// the stored version moved on.
pub fn save_report(conn: &mut DbConn, report: &Report, expected_version: Option<i32>) -> QueryResult<bool> {
    match expected_version {
        None => diesel::insert_into(meeting_reports::table).values(report).execute(conn).map(|_| true),
        Some(version) => {
            let target = meeting_reports::table
                .filter(meeting_reports::meeting_id.eq(&report.meeting_id))
                .filter(meeting_reports::version.eq(version));
            let updated = diesel::update(target)
                .set((
                    meeting_reports::attendance.eq(report.attendance),
                    meeting_reports::attendance_confirmed.eq(report.attendance_confirmed),
                    meeting_reports::materials_handed_out.eq(report.materials_handed_out),
                    meeting_reports::notes.eq(&report.notes),
                    meeting_reports::updated_at.eq(report.updated_at),
                    meeting_reports::version.eq(version + 1),
                ))
                .execute(conn)?;
            Ok(updated == 1)
        }
    }
}

pub fn replace_questions(conn: &mut DbConn, meeting_id: &EventId, rows: &[Question]) -> QueryResult<()> {
    diesel::delete(report_questions::table.filter(report_questions::meeting_id.eq(meeting_id))).execute(conn)?;
    for row in rows {
        diesel::insert_into(report_questions::table).values(row).execute(conn)?;
    }
    Ok(())
}

pub fn replace_follow_ups(conn: &mut DbConn, meeting_id: &EventId, rows: &[FollowUp]) -> QueryResult<()> {
    diesel::delete(follow_ups::table.filter(follow_ups::meeting_id.eq(meeting_id))).execute(conn)?;
    for row in rows {
        diesel::insert_into(follow_ups::table).values(row).execute(conn)?;
    }
    Ok(())
}

pub fn questions_of(conn: &mut DbConn, meeting_id: &EventId) -> QueryResult<Vec<Question>> {
    report_questions::table
        .filter(report_questions::meeting_id.eq(meeting_id))
        .order(report_questions::id)
        .select(Question::as_select())
        .load(conn)
}

pub fn follow_ups_of(conn: &mut DbConn, meeting_ids: &[EventId]) -> QueryResult<Vec<FollowUp>> {
    follow_ups::table
        .filter(follow_ups::meeting_id.eq_any(meeting_ids))
        .order((follow_ups::due_date, follow_ups::id))
        .select(FollowUp::as_select())
        .load(conn)
}

/// Open follow-ups due before `today` of meetings in `branch` (all when `None`).
pub fn overdue_follow_ups(conn: &mut DbConn, branch: Option<&str>, today: NaiveDate) -> QueryResult<Vec<FollowUp>> {
    let mut query = follow_ups::table
        .inner_join(meetings::table.inner_join(events::table))
        .filter(follow_ups::done.eq(false))
        .filter(follow_ups::due_date.lt(today))
        .order((follow_ups::due_date, follow_ups::id))
        .select(FollowUp::as_select())
        .into_boxed();
    if let Some(branch) = branch {
        query = query.filter(events::branch_code.eq(branch.to_owned()));
    }
    query.load(conn)
}

pub fn reports_for(conn: &mut DbConn, meeting_ids: &[EventId]) -> QueryResult<Vec<Report>> {
    meeting_reports::table
        .filter(meeting_reports::meeting_id.eq_any(meeting_ids))
        .select(Report::as_select())
        .load(conn)
}
