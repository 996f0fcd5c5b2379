//! The load benchmark's reference point: the same reads as the API (one
//! volunteer by id, a keyset page of a branch's volunteers, a page of a branch's
//! events with their shifts and sign-up counts, a page of a branch's meetings
//! with their speakers, reports and follow-ups) straight from the same database
//! through the same pool, with no auth, no DTO layer, no middleware, no audit.
//! "Nothing could be faster with this stack." See BENCHMARKS.md; started by
//! `bench/run`, not meant for anything else.
//!
//! Configured like the server: `DATABASE_URL`, `BIND_ADDR`, `DATABASE_POOL_SIZE`,
//! `HTTP_WORKERS` (0: one per core).
#![forbid(unsafe_code)]

use std::process::ExitCode;

use actix_web::{App, HttpResponse, HttpServer, web};
use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use outreach::db::schema::{
    assignments, events, follow_ups, meeting_reports, meeting_speakers, meetings, shifts, volunteers,
};
use outreach::db::{DatabaseUrl, DbPool, build_pool};
use serde::{Deserialize, Serialize};

/// A row as stored, serialised as is.
#[derive(Queryable, Selectable, Serialize)]
#[diesel(table_name = volunteers)]
struct Row {
    id: String,
    branch_code: String,
    locality_id: Option<String>,
    full_name: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    birth_date: Option<NaiveDate>,
    guardian_name: Option<String>,
    search_text: Option<String>,
    languages: String,
    skills: String,
    member_organisation_id: Option<String>,
    youth_wing: bool,
    availability: Option<String>,
    status: String,
    consent_at: NaiveDateTime,
    consent_version: String,
    guardian_consent_at: Option<NaiveDateTime>,
    source: String,
    anonymised_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i32,
}

/// An event as stored.
#[derive(Queryable, Selectable, Serialize)]
#[diesel(table_name = events)]
struct EventRow {
    id: String,
    branch_code: String,
    locality_id: Option<String>,
    kind: String,
    title: String,
    description: Option<String>,
    venue: Option<String>,
    address: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    status: String,
    cancel_reason: Option<String>,
    created_by: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i32,
}

/// A shift as stored.
#[derive(Queryable, Selectable, Serialize)]
#[diesel(table_name = shifts)]
struct ShiftRow {
    id: String,
    event_id: String,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    capacity: i32,
    required_skill: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i32,
}

#[derive(Serialize)]
struct ShiftWithCounts {
    #[serde(flatten)]
    shift: ShiftRow,
    /// Assignments per status.
    counts: BTreeMap<String, i64>,
}

#[derive(Serialize)]
struct EventWithShifts {
    #[serde(flatten)]
    event: EventRow,
    shifts: Vec<ShiftWithCounts>,
}

/// A meeting as stored.
#[derive(Queryable, Selectable, Serialize)]
#[diesel(table_name = meetings)]
struct MeetingRow {
    event_id: String,
    organisation_id: Option<String>,
    status: String,
    proposed_starts_at: NaiveDateTime,
    proposed_ends_at: NaiveDateTime,
    cancel_reason: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i32,
}

/// A speaker as stored.
#[derive(Queryable, Selectable, Serialize)]
#[diesel(table_name = meeting_speakers)]
struct SpeakerRow {
    id: String,
    meeting_id: String,
    volunteer_id: Option<String>,
    assignment_id: Option<String>,
    figure_name: Option<String>,
    figure_kind: Option<String>,
    member_organisation_id: Option<String>,
    role: String,
    created_at: NaiveDateTime,
}

#[derive(Serialize)]
struct MeetingWithChildren {
    #[serde(flatten)]
    meeting: MeetingRow,
    event: EventRow,
    speakers: Vec<SpeakerRow>,
    has_report: bool,
    /// Open follow-ups' due dates.
    open_follow_ups: Vec<NaiveDate>,
}

#[derive(Deserialize)]
struct ListQuery {
    branch: String,
    limit: Option<i64>,
    after: Option<String>,
}

fn failure(err: impl std::fmt::Display) -> HttpResponse {
    HttpResponse::InternalServerError().body(err.to_string())
}

async fn get_one(pool: web::Data<DbPool>, id: web::Path<String>) -> HttpResponse {
    let pool = pool.into_inner();
    let found = web::block(move || {
        let mut conn = pool.get().map_err(|err| err.to_string())?;
        volunteers::table
            .find(id.into_inner())
            .select(Row::as_select())
            .first(&mut *conn)
            .optional()
            .map_err(|err| err.to_string())
    })
    .await;
    match found {
        Ok(Ok(Some(row))) => HttpResponse::Ok().json(row),
        Ok(Ok(None)) => HttpResponse::NotFound().finish(),
        Ok(Err(err)) => failure(err),
        Err(err) => failure(err),
    }
}

async fn list(pool: web::Data<DbPool>, query: web::Query<ListQuery>) -> HttpResponse {
    let pool = pool.into_inner();
    let query = query.into_inner();
    let rows = web::block(move || {
        let mut conn = pool.get().map_err(|err| err.to_string())?;
        let mut select = volunteers::table
            .filter(volunteers::branch_code.eq(query.branch))
            .select(Row::as_select())
            .order(volunteers::id)
            .limit(query.limit.unwrap_or(50).clamp(1, 1000))
            .into_boxed();
        if let Some(after) = query.after {
            select = select.filter(volunteers::id.gt(after));
        }
        select.load(&mut *conn).map_err(|err| err.to_string())
    })
    .await;
    match rows {
        Ok(Ok(rows)) => HttpResponse::Ok().json(rows),
        Ok(Err(err)) => failure(err),
        Err(err) => failure(err),
    }
}

/// A branch's events in start order, as the API's list: the page (one row more,
/// as the API asks to know whether another page exists) on
/// `events_branch_start_idx`, then the shifts of those events, then the
/// assignments counted per shift and status. Three queries, one connection.
async fn list_events(pool: web::Data<DbPool>, query: web::Query<ListQuery>) -> HttpResponse {
    let pool = pool.into_inner();
    let query = query.into_inner();
    let page = web::block(move || {
        let mut conn = pool.get().map_err(|err| err.to_string())?;
        let limit = query.limit.unwrap_or(50).clamp(1, 1000);
        let mut rows: Vec<EventRow> = events::table
            .filter(events::branch_code.eq(query.branch))
            .select(EventRow::as_select())
            .order((events::starts_at, events::id))
            .limit(limit + 1)
            .load(&mut *conn)
            .map_err(|err| err.to_string())?;
        rows.truncate(limit as usize);
        let ids: Vec<&str> = rows.iter().map(|event| event.id.as_str()).collect();
        let all_shifts: Vec<ShiftRow> = shifts::table
            .filter(shifts::event_id.eq_any(&ids))
            .order((shifts::starts_at, shifts::id))
            .select(ShiftRow::as_select())
            .load(&mut *conn)
            .map_err(|err| err.to_string())?;
        let shift_ids: Vec<&str> = all_shifts.iter().map(|shift| shift.id.as_str()).collect();
        let counted: Vec<(String, String, i64)> = assignments::table
            .filter(assignments::shift_id.eq_any(&shift_ids))
            .group_by((assignments::shift_id, assignments::status))
            .select((assignments::shift_id, assignments::status, diesel::dsl::count_star()))
            .load(&mut *conn)
            .map_err(|err| err.to_string())?;
        let mut counts: HashMap<String, BTreeMap<String, i64>> = HashMap::new();
        for (shift_id, status, count) in counted {
            counts.entry(shift_id).or_default().insert(status, count);
        }
        let mut by_event: HashMap<String, Vec<ShiftWithCounts>> = HashMap::new();
        for shift in all_shifts {
            let shift_counts = counts.remove(&shift.id).unwrap_or_default();
            by_event.entry(shift.event_id.clone()).or_default().push(ShiftWithCounts { shift, counts: shift_counts });
        }
        Ok::<_, String>(
            rows.into_iter()
                .map(|event| {
                    let shifts = by_event.remove(&event.id).unwrap_or_default();
                    EventWithShifts { event, shifts }
                })
                .collect::<Vec<_>>(),
        )
    })
    .await;
    match page {
        Ok(Ok(page)) => HttpResponse::Ok().json(page),
        Ok(Err(err)) => failure(err),
        Err(err) => failure(err),
    }
}

/// A branch's meetings in id order, as the API's list: the page (one row more)
/// of meetings joined to their events, then the page's speakers, reports and
/// open follow-ups. Four queries, one connection.
async fn list_meetings(pool: web::Data<DbPool>, query: web::Query<ListQuery>) -> HttpResponse {
    let pool = pool.into_inner();
    let query = query.into_inner();
    let page = web::block(move || {
        let mut conn = pool.get().map_err(|err| err.to_string())?;
        let limit = query.limit.unwrap_or(50).clamp(1, 1000);
        let mut select = meetings::table
            .inner_join(events::table)
            .filter(events::branch_code.eq(query.branch))
            .select((MeetingRow::as_select(), EventRow::as_select()))
            .order(meetings::event_id)
            .limit(limit + 1)
            .into_boxed();
        if let Some(after) = query.after {
            select = select.filter(meetings::event_id.gt(after));
        }
        let mut rows: Vec<(MeetingRow, EventRow)> = select.load(&mut *conn).map_err(|err| err.to_string())?;
        rows.truncate(limit as usize);
        let ids: Vec<&str> = rows.iter().map(|(meeting, _)| meeting.event_id.as_str()).collect();
        let all_speakers: Vec<SpeakerRow> = meeting_speakers::table
            .filter(meeting_speakers::meeting_id.eq_any(&ids))
            .order(meeting_speakers::created_at)
            .select(SpeakerRow::as_select())
            .load(&mut *conn)
            .map_err(|err| err.to_string())?;
        let reported: Vec<String> = meeting_reports::table
            .filter(meeting_reports::meeting_id.eq_any(&ids))
            .select(meeting_reports::meeting_id)
            .load(&mut *conn)
            .map_err(|err| err.to_string())?;
        let open: Vec<(String, NaiveDate)> = follow_ups::table
            .filter(follow_ups::meeting_id.eq_any(&ids))
            .filter(follow_ups::done.eq(false))
            .select((follow_ups::meeting_id, follow_ups::due_date))
            .load(&mut *conn)
            .map_err(|err| err.to_string())?;
        let mut speakers: HashMap<String, Vec<SpeakerRow>> = HashMap::new();
        for speaker in all_speakers {
            speakers.entry(speaker.meeting_id.clone()).or_default().push(speaker);
        }
        let mut due: HashMap<String, Vec<NaiveDate>> = HashMap::new();
        for (meeting_id, date) in open {
            due.entry(meeting_id).or_default().push(date);
        }
        Ok::<_, String>(
            rows.into_iter()
                .map(|(meeting, event)| MeetingWithChildren {
                    speakers: speakers.remove(&meeting.event_id).unwrap_or_default(),
                    has_report: reported.contains(&meeting.event_id),
                    open_follow_ups: due.remove(&meeting.event_id).unwrap_or_default(),
                    meeting,
                    event,
                })
                .collect::<Vec<_>>(),
        )
    })
    .await;
    match page {
        Ok(Ok(page)) => HttpResponse::Ok().json(page),
        Ok(Err(err)) => failure(err),
        Err(err) => failure(err),
    }
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

fn run() -> Result<(), String> {
    let url: DatabaseUrl =
        env_or("DATABASE_URL", "sqlite://data/outreach.db").parse().map_err(|err| format!("DATABASE_URL: {err}"))?;
    let bind = env_or("BIND_ADDR", "127.0.0.1:8081");
    let pool_size: u32 =
        env_or("DATABASE_POOL_SIZE", "4").parse().map_err(|err| format!("DATABASE_POOL_SIZE: {err}"))?;
    let workers: usize = env_or("HTTP_WORKERS", "0").parse().map_err(|err| format!("HTTP_WORKERS: {err}"))?;
    let pool = build_pool(&url, pool_size)?;
    actix_web::rt::System::new().block_on(async move {
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(pool.clone()))
                .route("/volunteers/{id}", web::get().to(get_one))
                .route("/volunteers", web::get().to(list))
                .route("/events", web::get().to(list_events))
                .route("/meetings", web::get().to(list_meetings))
        });
        if workers > 0 {
            server = server.workers(workers);
        }
        let server = server.bind(&bind).map_err(|err| format!("cannot listen on {bind}: {err}"))?;
        server.run().await.map_err(|err| format!("server error: {err}"))
    })
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("bench_baseline: {err}");
            ExitCode::FAILURE
        }
    }
}
