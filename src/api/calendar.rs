use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};

use crate::auth::SessionUser;
use crate::config::Config;
use crate::db::Db;
use crate::dto::event::{CalendarFeedOut, ScheduleOut};
use crate::error::ApiError;
use crate::service;

fn ics(body: String) -> HttpResponse {
    HttpResponse::Ok().content_type("text/calendar; charset=utf-8").body(body)
}

/// My schedule
///
/// The caller's sign-ups (a volunteer's account): upcoming soonest first, past
/// most recent first. Empty for accounts not linked to a volunteer.
#[utoipa::path(
    tag = "shifts",
    security(("bearer" = [])),
    responses((status = 200, description = "The schedule", body = ScheduleOut))
)]
#[get("/me/schedule")]
pub async fn my_schedule(db: web::Data<Db>, user: SessionUser) -> Result<web::Json<ScheduleOut>, ApiError> {
    Ok(web::Json(service::signups::schedule(&db, &user).await?))
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
