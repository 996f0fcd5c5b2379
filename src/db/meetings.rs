//! Queries on `organisations`, `meetings` and the meeting's speakers, report,
//! questions and follow-ups.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConn;
use super::schema::{events, follow_ups, meeting_reports, meeting_speakers, meetings, organisations, report_questions};
use crate::domain::meeting::{MeetingStatus, Sector};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = organisations, treat_none_as_default_value = false)]
pub struct Organisation {
    pub id: String,
    pub branch_code: String,
    pub locality_id: Option<String>,
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
    pub locality_id: Option<Option<String>>,
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
    pub event_id: String,
    pub organisation_id: Option<String>,
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
    pub meeting_id: String,
    pub volunteer_id: Option<String>,
    pub assignment_id: Option<String>,
    pub figure_name: Option<String>,
    pub figure_kind: Option<String>,
    pub member_organisation_id: Option<String>,
    pub role: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = meeting_reports, treat_none_as_default_value = false)]
pub struct Report {
    pub meeting_id: String,
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
    pub meeting_id: String,
    pub topic: String,
    pub text: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = follow_ups, treat_none_as_default_value = false)]
pub struct FollowUp {
    pub id: String,
    pub meeting_id: String,
    pub what: String,
    pub owner: String,
    pub due_date: NaiveDate,
    pub done: bool,
    pub created_at: NaiveDateTime,
}

pub fn insert_organisation(conn: &mut DbConn, row: &Organisation) -> QueryResult<()> {
    diesel::insert_into(organisations::table).values(row).execute(conn).map(drop)
}

pub fn find_organisation(conn: &mut DbConn, id: &str) -> QueryResult<Option<Organisation>> {
    organisations::table.find(id).select(Organisation::as_select()).first(conn).optional()
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
    id: &str,
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

pub fn insert_meeting(conn: &mut DbConn, row: &Meeting) -> QueryResult<()> {
    diesel::insert_into(meetings::table).values(row).execute(conn).map(drop)
}

pub fn find_meeting(conn: &mut DbConn, id: &str) -> QueryResult<Option<Meeting>> {
    meetings::table.find(id).select(Meeting::as_select()).first(conn).optional()
}

pub fn meetings_for_events(conn: &mut DbConn, event_ids: &[String]) -> QueryResult<Vec<Meeting>> {
    meetings::table.filter(meetings::event_id.eq_any(event_ids)).select(Meeting::as_select()).load(conn)
}

/// Moves the meeting on when it is still at `expected_version`; `Ok(false)` otherwise.
pub fn set_meeting_status(
    conn: &mut DbConn,
    id: &str,
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
/// bookings being cancelled).
pub fn remove_speakers_booked_by(conn: &mut DbConn, assignment_ids: &[String]) -> QueryResult<usize> {
    diesel::delete(meeting_speakers::table.filter(meeting_speakers::assignment_id.eq_any(assignment_ids))).execute(conn)
}

pub fn insert_speaker(conn: &mut DbConn, row: &Speaker) -> QueryResult<()> {
    diesel::insert_into(meeting_speakers::table).values(row).execute(conn).map(drop)
}

pub fn speakers_of(conn: &mut DbConn, meeting_ids: &[String]) -> QueryResult<Vec<Speaker>> {
    meeting_speakers::table
        .filter(meeting_speakers::meeting_id.eq_any(meeting_ids))
        .order(meeting_speakers::created_at)
        .select(Speaker::as_select())
        .load(conn)
}

pub fn find_report(conn: &mut DbConn, meeting_id: &str) -> QueryResult<Option<Report>> {
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

pub fn replace_questions(conn: &mut DbConn, meeting_id: &str, rows: &[Question]) -> QueryResult<()> {
    diesel::delete(report_questions::table.filter(report_questions::meeting_id.eq(meeting_id))).execute(conn)?;
    for row in rows {
        diesel::insert_into(report_questions::table).values(row).execute(conn)?;
    }
    Ok(())
}

pub fn replace_follow_ups(conn: &mut DbConn, meeting_id: &str, rows: &[FollowUp]) -> QueryResult<()> {
    diesel::delete(follow_ups::table.filter(follow_ups::meeting_id.eq(meeting_id))).execute(conn)?;
    for row in rows {
        diesel::insert_into(follow_ups::table).values(row).execute(conn)?;
    }
    Ok(())
}

pub fn questions_of(conn: &mut DbConn, meeting_id: &str) -> QueryResult<Vec<Question>> {
    report_questions::table
        .filter(report_questions::meeting_id.eq(meeting_id))
        .order(report_questions::id)
        .select(Question::as_select())
        .load(conn)
}

pub fn follow_ups_of(conn: &mut DbConn, meeting_ids: &[String]) -> QueryResult<Vec<FollowUp>> {
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

/// Meetings (with their events) of a branch or of all, started within `[from, to)`.
pub fn meetings_with_events(
    conn: &mut DbConn,
    branch: Option<&str>,
    from: Option<NaiveDateTime>,
    to: Option<NaiveDateTime>,
) -> QueryResult<Vec<(Meeting, super::events::Event)>> {
    let mut query = meetings::table
        .inner_join(events::table)
        .select((Meeting::as_select(), super::events::Event::as_select()))
        .into_boxed();
    if let Some(branch) = branch {
        query = query.filter(events::branch_code.eq(branch.to_owned()));
    }
    if let Some(from) = from {
        query = query.filter(events::starts_at.ge(from));
    }
    if let Some(to) = to {
        query = query.filter(events::starts_at.lt(to));
    }
    query.load(conn)
}

pub fn organisations_of(conn: &mut DbConn, branch: Option<&str>) -> QueryResult<Vec<Organisation>> {
    let mut query = organisations::table.select(Organisation::as_select()).into_boxed();
    if let Some(branch) = branch {
        query = query.filter(organisations::branch_code.eq(branch.to_owned()));
    }
    query.load(conn)
}

pub fn reports_for(conn: &mut DbConn, meeting_ids: &[String]) -> QueryResult<Vec<Report>> {
    meeting_reports::table
        .filter(meeting_reports::meeting_id.eq_any(meeting_ids))
        .select(Report::as_select())
        .load(conn)
}

pub fn questions_for(conn: &mut DbConn, meeting_ids: &[String]) -> QueryResult<Vec<Question>> {
    report_questions::table
        .filter(report_questions::meeting_id.eq_any(meeting_ids))
        .select(Question::as_select())
        .load(conn)
}
