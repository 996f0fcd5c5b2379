use actix_web::{HttpRequest, HttpResponse, get, post, web};

use crate::api::json::read_body;
use crate::api::query::Query;
use crate::api::volunteers::volunteer_filter;
use crate::auth::StaffUser;
use crate::db::Db;
use crate::dto::volunteer::VolunteerFilterQuery;
use crate::dto::volunteer_import::{ImportQuery, ImportReport};
use crate::error::ApiError;
use crate::service;

/// Largest CSV file an import accepts.
const IMPORT_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// Export volunteers as CSV
///
/// The volunteers the caller may see (coordinators: their branch), with the
/// list's filters, as UTF-8 CSV with a byte-order mark so spreadsheets show
/// Cyrillic text. Lists within a cell are separated by `;`. Audited.
#[utoipa::path(
    tag = "volunteers",
    security(("bearer" = [])),
    params(VolunteerFilterQuery),
    responses((status = 200, description = "The CSV file", content_type = "text/csv", body = String))
)]
#[get("/volunteers.csv")]
pub async fn export_volunteers(
    db: web::Data<Db>,
    user: StaffUser,
    filter: Query<VolunteerFilterQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = volunteer_filter(filter.into_inner());
    let csv = service::volunteer_csv::export(&db, &user, filter).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", "attachment; filename=\"volunteers.csv\""))
        .body(csv))
}

/// Import volunteers from CSV
///
/// A header row, then one volunteer per row. Columns: `full_name`, `phone`,
/// `consent_at` (RFC 3339) and `consent_version` are required; `email`,
/// `birth_date`, `languages` and `skills` (`;`-separated), `branch` (admins),
/// `locality_id`, `member_organisation_id`, `youth_wing`, `status`,
/// `guardian_name` and `guardian_consent_at` are optional. Every row is checked
/// and stored on its own: a bad row never stops the good ones. With
/// `dry_run=true` nothing is stored. At most 5000 rows.
#[utoipa::path(
    tag = "volunteers",
    security(("bearer" = [])),
    params(ImportQuery),
    request_body(content = inline(crate::dto::json::CsvFile), content_type = "text/csv", description = "UTF-8 CSV with a header row"),
    responses(
        (status = 200, description = "The result of every row", body = ImportReport),
        (status = 413, description = "The file is larger than 4 MiB"),
        (status = 415, description = "Not sent as text/csv"),
    )
)]
#[post("/volunteers/import")]
pub async fn import_volunteers(
    req: HttpRequest,
    db: web::Data<Db>,
    user: StaffUser,
    query: Query<ImportQuery>,
    payload: web::Payload,
) -> Result<web::Json<ImportReport>, ApiError> {
    let body = read_body(&req, payload, "text/csv", IMPORT_BODY_LIMIT).await?;
    Ok(web::Json(service::volunteer_csv::import(&db, &user, body, query.dry_run).await?))
}
