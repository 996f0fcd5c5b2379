//! The campaign reports (issue 18): the summary of a branch or the nation over
//! a range of branch-local days, its daily or weekly series, the branches side
//! by side, and each of them as CSV. Any signed-in caller: the reports hold
//! counts only, no personal data.

use actix_web::{HttpResponse, get, web};

use crate::api::query::Query;
use crate::auth::AuthUser;
use crate::config::Config;
use crate::db::Db;
use crate::dto::report::{BranchesQuery, BranchesReport, ReportQuery, ReportSeries, ReportSummary, SeriesQuery};
use crate::error::ApiError;
use crate::service;

fn csv_response(name: &str, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{name}\"")))
        .body(body)
}

/// Campaign summary
///
/// The campaign at a glance for one branch, or without `branch` for the
/// nation. Dates are branch-local days (each record counts on the local day of
/// its own branch); `from` and `to` are inclusive, `to` defaults to today and
/// `from` to 29 days before `to`, at most 366 days. In-range figures count what
/// happened on those days (volunteers registered, events and shifts by their
/// start, visits, hand-outs, meetings held, posts published); volunteers by
/// status, routes and stops, poster sites and rural settlements are as of now.
/// Rates and shares are 0 to 1 (0 when their denominator is 0).
/// `days_to_polling_day` counts from today to `POLLING_DAY` when it is set.
/// Every signed-in caller; no personal data.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(ReportQuery),
    responses(
        (status = 200, description = "The summary", body = ReportSummary),
        (status = 400, description = "A malformed date"),
        (status = 404, description = "No such branch"),
        (status = 422, description = "`from` after `to`, or more than 366 days (`query.from`)"),
    )
)]
#[get("/reports/summary")]
pub async fn report_summary(
    db: web::Data<Db>,
    config: web::Data<Config>,
    user: AuthUser,
    query: Query<ReportQuery>,
) -> Result<web::Json<ReportSummary>, ApiError> {
    Ok(web::Json(service::reports::summary(&db, &user, query.into_inner(), config.polling_day).await?))
}

/// Campaign summary as CSV
///
/// The summary of `GET /reports/summary` (same parameters) as UTF-8 CSV with
/// a byte-order mark: `measure,value,title_kk,title_ru`, one measure a row
/// (`volunteers.active`, `events.by_kind.door_to_door`, ...; a material handed
/// out is `materials_handed_out.<material id>` with its titles).
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(ReportQuery),
    responses(
        (status = 200, description = "The CSV file", content_type = "text/csv", body = String),
        (status = 400, description = "A malformed date"),
        (status = 404, description = "No such branch"),
        (status = 422, description = "`from` after `to`, or more than 366 days (`query.from`)"),
    )
)]
#[get("/reports/summary.csv")]
pub async fn report_summary_csv(
    db: web::Data<Db>,
    config: web::Data<Config>,
    user: AuthUser,
    query: Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let report = service::reports::summary(&db, &user, query.into_inner(), config.polling_day).await?;
    Ok(csv_response("report-summary.csv", service::reports_csv::summary(&report)?))
}

/// Campaign time series
///
/// The measures of a branch or the nation per local day (`interval=day`, the
/// default) or ISO week (`interval=week`, each dated by its Monday; the first
/// and last week count only the range's days): one point per step of the
/// range, oldest first, zero-filled. Same days as the summary. Every signed-in
/// caller.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(SeriesQuery),
    responses(
        (status = 200, description = "The series", body = ReportSeries),
        (status = 400, description = "A malformed date (or `interval`)"),
        (status = 404, description = "No such branch"),
        (status = 422, description = "`from` after `to`, or more than 366 days (`query.from`)"),
    )
)]
#[get("/reports/series")]
pub async fn report_series(
    db: web::Data<Db>,
    user: AuthUser,
    query: Query<SeriesQuery>,
) -> Result<web::Json<ReportSeries>, ApiError> {
    Ok(web::Json(service::reports::series(&db, &user, query.into_inner()).await?))
}

/// Campaign time series as CSV
///
/// The points of `GET /reports/series` (same parameters), one a row, oldest
/// first: `date` and the measures, as UTF-8 CSV with a byte-order mark.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(SeriesQuery),
    responses(
        (status = 200, description = "The CSV file", content_type = "text/csv", body = String),
        (status = 400, description = "A malformed date (or `interval`)"),
        (status = 404, description = "No such branch"),
        (status = 422, description = "`from` after `to`, or more than 366 days (`query.from`)"),
    )
)]
#[get("/reports/series.csv")]
pub async fn report_series_csv(
    db: web::Data<Db>,
    user: AuthUser,
    query: Query<SeriesQuery>,
) -> Result<HttpResponse, ApiError> {
    let report = service::reports::series(&db, &user, query.into_inner()).await?;
    Ok(csv_response("report-series.csv", service::reports_csv::series(&report)?))
}

/// The branches side by side
///
/// Every branch (20, by code) with its main figures over the range (visits,
/// doors, meetings held, posts) and as of now (active volunteers, poster sites
/// with a poster, rural settlements reached): the dashboard's table. Same days
/// as the summary (today in Astana time). Every signed-in caller.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(BranchesQuery),
    responses(
        (status = 200, description = "The branches", body = BranchesReport),
        (status = 400, description = "A malformed date"),
        (status = 422, description = "`from` after `to`, or more than 366 days (`query.from`)"),
    )
)]
#[get("/reports/branches")]
pub async fn report_branches(
    db: web::Data<Db>,
    user: AuthUser,
    query: Query<BranchesQuery>,
) -> Result<web::Json<BranchesReport>, ApiError> {
    Ok(web::Json(service::reports::branches(&db, &user, query.into_inner()).await?))
}

/// The branches side by side as CSV
///
/// The rows of `GET /reports/branches` (same parameters), with the names in
/// Kazakh, Russian and English, as UTF-8 CSV with a byte-order mark.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(BranchesQuery),
    responses(
        (status = 200, description = "The CSV file", content_type = "text/csv", body = String),
        (status = 400, description = "A malformed date"),
        (status = 422, description = "`from` after `to`, or more than 366 days (`query.from`)"),
    )
)]
#[get("/reports/branches.csv")]
pub async fn report_branches_csv(
    db: web::Data<Db>,
    user: AuthUser,
    query: Query<BranchesQuery>,
) -> Result<HttpResponse, ApiError> {
    let report = service::reports::branches(&db, &user, query.into_inner()).await?;
    Ok(csv_response("report-branches.csv", service::reports_csv::branches(&report)?))
}
