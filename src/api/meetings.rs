use crate::api::idempotency::{IdempotencyKey, create_once};
use crate::api::paging::{Listed, Paging};
use crate::api::query::Query;
use crate::domain::ids::EventId;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, put, web};
use chrono::Utc;

use crate::api::etag;
use crate::api::json::ValidJson;
use crate::auth::{AuthUser, StaffUser};
use crate::db::Db;
use crate::db::meetings::MeetingFilter;
use crate::domain::meeting::MeetingKind;
use crate::domain::version::ExpectedVersion;
use crate::dto::meeting::{
    CoverageQuery, CreateMeeting, MeetingCoverage, MeetingFilterQuery, MeetingOut, MeetingStatusChange, ReportIn,
    ReportOut, SpeakerIn,
};
use crate::dto::page::{decode_time_cursor, encode_cursor, encode_time_cursor};
use crate::dto::{Page, PageQuery};
use crate::error::ApiError;
use crate::service;

/// Request a meeting
///
/// With a work collective (organisation required), the expert community or
/// residents, at a proposed time. The meeting is also an event (same id), so it
/// shows in schedules and calendars once agreed.
/// Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = "meetings",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays return the first response")),
    request_body = CreateMeeting,
    responses((status = 201, description = "Requested", body = MeetingOut))
)]
#[post("/meetings")]
pub async fn create_meeting(
    db: web::Data<Db>,
    user: StaffUser,
    key: IdempotencyKey,
    body: ValidJson<CreateMeeting>,
) -> Result<HttpResponse, ApiError> {
    create_once(&db, "POST /meetings".into(), &user, key, body.into_inner(), |conn, actor, input| {
        Ok((StatusCode::CREATED, service::meetings::create(conn, actor, input)?))
    })
    .await
}

/// List meetings
///
/// Coordinators and volunteers see their branch's, admins and observers every
/// branch's (observers without names in reports).
#[utoipa::path(
    tag = "meetings",
    security(("bearer" = [])),
    params(MeetingFilterQuery, PageQuery),
    responses((status = 200, description = "A page of meetings", body = Page<MeetingOut>))
)]
#[get("/meetings")]
pub async fn list_meetings(
    db: web::Data<Db>,
    user: AuthUser,
    filter: Query<MeetingFilterQuery>,
    page: Paging,
) -> Result<Listed<MeetingOut>, ApiError> {
    let limit = page.limit()?;
    // With `updated_since` the list is a sync, paged in change order.
    let sync = page.updated_since.is_some();
    let filter = filter.into_inner();
    let filter = MeetingFilter {
        branch: filter.branch,
        kind: filter.kind.map(MeetingKind::event_kind),
        status: filter.status,
        organisation_id: filter.organisation_id,
        locality_id: filter.locality_id,
        from: filter.from.map(|at| at.naive_utc()),
        to: filter.to.map(|at| at.naive_utc()),
        overdue_before: filter.has_overdue_follow_ups.unwrap_or(false).then(|| Utc::now().date_naive()),
        updated_since: page.updated_since(),
        after: if sync { None } else { page.after()? },
        after_change: if sync { decode_time_cursor(page.after()?)? } else { None },
    };
    let mut items = service::meetings::list(&db, &user, filter, i64::from(limit) + 1).await?;
    let next_cursor = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|meeting| {
            if sync {
                encode_time_cursor(meeting.updated_at.naive_utc(), &meeting.id)
            } else {
                encode_cursor(&meeting.id)
            }
        })
    } else {
        None
    };
    Ok(page.respond(Page { items, next_cursor }))
}

/// Get a meeting
#[utoipa::path(
    tag = "meetings",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Meeting id")),
    responses(
        (status = 200, description = "The meeting", body = MeetingOut),
        (status = 404, description = "No such meeting in the caller's scope"),
    )
)]
#[get("/meetings/{id}")]
pub async fn get_meeting(db: web::Data<Db>, user: AuthUser, id: web::Path<EventId>) -> Result<HttpResponse, ApiError> {
    let meeting = service::meetings::get(&db, &user, id.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header(etag(meeting.version)).json(meeting))
}

/// Get a meeting's brief
///
/// What a speaker reads before the meeting and carries offline, for whoever may
/// read the meeting: the meeting (time, venue, speakers), the organisation met
/// (without contacts), the meeting's question topics (from its report), the
/// published talking points for those topics (the whole published library when
/// it has none) and the materials recorded for it.
#[utoipa::path(
    tag = "meetings",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Meeting id")),
    responses(
        (status = 200, description = "The brief", body = crate::dto::meeting::MeetingBrief),
        (status = 404, description = "No such meeting in the caller's scope"),
    )
)]
#[get("/meetings/{id}/brief")]
pub async fn get_meeting_brief(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<EventId>,
) -> Result<HttpResponse, ApiError> {
    let brief = service::meetings::brief(&db, &user, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(brief))
}

/// Add a speaker
///
/// A volunteer of the branch (booked like a shift sign-up: an overlapping meeting
/// or shift is a 409) or a figure from a member organisation (deputy, scientist,
/// culture or sport figure), as speaker or moderator.
/// Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = "meetings",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Meeting id"), ("Idempotency-Key" = Option<String>, Header, description = "Replays return the first response")),
    request_body = SpeakerIn,
    responses(
        (status = 201, description = "Added; the meeting", body = MeetingOut),
        (status = 404, description = "No such meeting in the caller's scope"),
        (status = 409, description = "Double-booked, inactive, or the meeting is over"),
    )
)]
#[post("/meetings/{id}/speakers")]
pub async fn add_speaker(
    db: web::Data<Db>,
    user: StaffUser,
    id: web::Path<EventId>,
    key: IdempotencyKey,
    body: ValidJson<SpeakerIn>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let operation = format!("POST /meetings/{id}/speakers");
    create_once(&db, operation, &user, key, body.into_inner(), move |conn, actor, input| {
        Ok((StatusCode::CREATED, service::meetings::add_speaker(conn, actor, id, input)?))
    })
    .await
}

/// Change a meeting's status
///
/// `requested → agreed → held`, or `cancelled` (reason required) before it is
/// held. Agreeing may set the agreed time.
#[utoipa::path(
    tag = "meetings",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Meeting id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on"),
    ),
    request_body = MeetingStatusChange,
    responses(
        (status = 200, description = "Changed", body = MeetingOut),
        (status = 404, description = "No such meeting in the caller's scope"),
        (status = 409, description = "Illegal status change, or a speaker double-booked at the agreed time"),
    )
)]
#[post("/meetings/{id}/status")]
pub async fn change_meeting_status(
    db: web::Data<Db>,
    user: StaffUser,
    id: web::Path<EventId>,
    if_match: ExpectedVersion,
    body: ValidJson<MeetingStatusChange>,
) -> Result<HttpResponse, ApiError> {
    let meeting = service::meetings::change_status(&db, &user, id.into_inner(), body.into_inner(), if_match).await?;
    Ok(HttpResponse::Ok().insert_header(etag(meeting.version)).json(meeting))
}

/// File or correct a meeting's report
///
/// Only for a held meeting, by its branch's staff or one of its volunteer
/// speakers: attendance (above the organisation's employee count only with
/// `attendance_confirmed`), questions, materials, notes, follow-ups. A correction
/// replaces the report; send `If-Match` (or `version`). Every change is audited.
#[utoipa::path(
    tag = "meetings",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Meeting id"),
        ("If-Match" = Option<String>, Header, description = "The report's `ETag` a correction is based on"),
    ),
    request_body = ReportIn,
    responses(
        (status = 200, description = "Saved", body = ReportOut),
        (status = 404, description = "No such meeting in the caller's scope"),
        (status = 409, description = "The meeting is not held"),
        (status = 412, description = "The report changed since the given version"),
    )
)]
#[put("/meetings/{id}/report")]
pub async fn save_report(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<EventId>,
    if_match: ExpectedVersion,
    body: ValidJson<ReportIn>,
) -> Result<HttpResponse, ApiError> {
    let report = service::meetings::save_report(&db, &user, id.into_inner(), body.into_inner(), if_match).await?;
    Ok(HttpResponse::Ok().insert_header(etag(report.version)).json(report))
}

/// Get a meeting's report
#[utoipa::path(
    tag = "meetings",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Meeting id")),
    responses(
        (status = 200, description = "The report", body = ReportOut),
        (status = 404, description = "No such meeting, or no report yet"),
    )
)]
#[get("/meetings/{id}/report")]
pub async fn get_report(db: web::Data<Db>, user: AuthUser, id: web::Path<EventId>) -> Result<HttpResponse, ApiError> {
    let report = service::meetings::get_report(&db, &user, id.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header(etag(report.version)).json(report))
}

/// Meetings coverage
///
/// For a branch or the whole country, optionally within a date range:
/// organisations registered and met, the share of employees reached, meetings by
/// kind and status, open and overdue follow-ups, the most frequent question topics.
#[utoipa::path(
    tag = "meetings",
    security(("bearer" = [])),
    params(CoverageQuery),
    responses((status = 200, description = "The coverage", body = MeetingCoverage))
)]
#[get("/meeting-coverage")]
pub async fn meeting_coverage(
    db: web::Data<Db>,
    user: AuthUser,
    query: Query<CoverageQuery>,
) -> Result<web::Json<MeetingCoverage>, ApiError> {
    let query = query.into_inner();
    let coverage = service::meetings::coverage(
        &db,
        &user,
        query.branch,
        query.from.map(|at| at.naive_utc()),
        query.to.map(|at| at.naive_utc()),
    )
    .await?;
    Ok(web::Json(coverage))
}
