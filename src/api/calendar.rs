use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};

use crate::api::paging::{Listed, Paging};
use crate::api::query::Query;
use crate::auth::AuthUser;
use crate::auth::SessionUser;
use crate::config::Config;
use crate::db::Db;
use crate::domain::ids::VolunteerId;
use crate::dto::Page;
use crate::dto::event::{CalendarFeedOut, ScheduleItem};
use crate::dto::page::{decode_time_cursor, encode_time_cursor};
use crate::dto::shift::ScheduleQuery;
use crate::error::ApiError;
use crate::service;
use chrono::NaiveDateTime;

fn ics(body: String) -> HttpResponse {
    HttpResponse::Ok().content_type("text/calendar; charset=utf-8").body(body)
}

/// My schedule
///
/// The caller's sign-ups (a volunteer's account), by shift start, oldest
/// first; `from=<now>` keeps what is still to come. A keyset page
/// `{items, next_cursor}`. Empty for accounts not linked to a volunteer.
#[utoipa::path(
    tag = "shifts",
    security(("bearer" = [])),
    params(ScheduleQuery),
    responses((status = 200, description = "A page of the schedule", body = Page<ScheduleItem>))
)]
#[get("/me/schedule")]
pub async fn my_schedule(
    db: web::Data<Db>,
    user: SessionUser,
    query: Query<ScheduleQuery>,
    page: Paging,
) -> Result<Listed<ScheduleItem>, ApiError> {
    let (from, after, limit) = schedule_page(query.into_inner(), &page)?;
    let items = service::signups::schedule(&db, user.volunteer_id.clone(), from, after, i64::from(limit) + 1).await?;
    Ok(page.respond(schedule_items(items, limit)))
}

/// A volunteer's schedule
///
/// The same page as `GET /me/schedule`, for staff: admins and observers read
/// any volunteer's, coordinators those of their branch (404 otherwise), a
/// volunteer only their own. The schedule holds no personal data (shift times
/// and events), so observers read it whole.
#[utoipa::path(
    tag = "volunteers",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Volunteer id"), ScheduleQuery),
    responses(
        (status = 200, description = "A page of the schedule", body = Page<ScheduleItem>),
        (status = 404, description = "No such volunteer in the caller's scope"),
    )
)]
#[get("/volunteers/{id}/schedule")]
pub async fn volunteer_schedule(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<VolunteerId>,
    query: Query<ScheduleQuery>,
    page: Paging,
) -> Result<Listed<ScheduleItem>, ApiError> {
    let (from, after, limit) = schedule_page(query.into_inner(), &page)?;
    let items =
        service::signups::volunteer_schedule(&db, &user, id.into_inner(), from, after, i64::from(limit) + 1).await?;
    Ok(page.respond(schedule_items(items, limit)))
}

type SchedulePage = (Option<NaiveDateTime>, Option<(NaiveDateTime, String)>, u32);

fn schedule_page(query: ScheduleQuery, page: &Paging) -> Result<SchedulePage, ApiError> {
    Ok((query.from.map(|at| at.naive_utc()), decode_time_cursor(page.after()?)?, page.limit()?))
}

fn schedule_items(mut items: Vec<ScheduleItem>, limit: u32) -> Page<ScheduleItem> {
    let next_cursor = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|item| encode_time_cursor(item.assignment.shift_starts_at.naive_utc(), &item.assignment.id))
    } else {
        None
    };
    Page { items, next_cursor }
}

/// Create my calendar feed
///
/// A secret, absolute URL with the caller's shifts as iCalendar, for a phone's
/// calendar to subscribe to without a bearer token. A new call replaces the
/// previous URL. The URL starts with the server's `PUBLIC_URL` setting, or with
/// the scheme and host this request came to when that is unset.
#[utoipa::path(
    tag = "shifts",
    security(("bearer" = [])),
    responses((status = 201, description = "The feed's URL", body = CalendarFeedOut))
)]
#[post("/me/calendar-feed")]
pub async fn create_calendar_feed(
    db: web::Data<Db>,
    config: web::Data<Config>,
    request: HttpRequest,
    user: SessionUser,
) -> Result<HttpResponse, ApiError> {
    let token = service::calendar::issue_token(&db, &user).await?;
    let url = format!("{}/api/v1/calendar/{token}.ics", public_base(&config, &request));
    Ok(HttpResponse::Created().json(CalendarFeedOut { url }))
}

/// Where clients reach this server: `PUBLIC_URL`, else this request's scheme and
/// host (which honour `Forwarded` / `X-Forwarded-*` from a proxy).
fn public_base(config: &Config, request: &HttpRequest) -> String {
    config.public_url.clone().unwrap_or_else(|| {
        let info = request.connection_info();
        format!("{}://{}", info.scheme(), info.host())
    })
}

/// Revoke my calendar feed
#[utoipa::path(
    tag = "shifts",
    security(("bearer" = [])),
    responses((status = 204, description = "Revoked; the URL answers 404 from now on"))
)]
#[delete("/me/calendar-feed")]
pub async fn revoke_calendar_feed(db: web::Data<Db>, user: SessionUser) -> Result<HttpResponse, ApiError> {
    service::calendar::revoke_token(&db, &user).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A volunteer's calendar feed
///
/// iCalendar (RFC 5545) with the volunteer's shifts; the token in the URL is the
/// credential. 404 once revoked.
#[utoipa::path(
    tag = "shifts",
    params(("token" = String, Path, description = "The feed token")),
    responses(
        (status = 200, description = "The calendar", content_type = "text/calendar", body = String),
        (status = 404, description = "Unknown or revoked feed"),
    )
)]
#[get("/calendar/{token}.ics")]
pub async fn volunteer_calendar(db: web::Data<Db>, token: web::Path<String>) -> Result<HttpResponse, ApiError> {
    Ok(ics(service::calendar::volunteer_feed(&db, token.into_inner()).await?))
}

/// A branch's public events calendar
///
/// The branch's scheduled, completed and cancelled events as iCalendar, one entry
/// per shift (a three-week event with daily shifts shows as its shifts, not as one
/// three-week block).
#[utoipa::path(
    tag = "events",
    params(("code" = String, Path, description = "Branch code", example = "KZ-71")),
    responses(
        (status = 200, description = "The calendar", content_type = "text/calendar", body = String),
        (status = 404, description = "No such branch"),
    )
)]
#[get("/branches/{code}/events.ics")]
pub async fn branch_calendar(db: web::Data<Db>, code: web::Path<String>) -> Result<HttpResponse, ApiError> {
    Ok(ics(service::calendar::branch_feed(&db, code.into_inner()).await?))
}
