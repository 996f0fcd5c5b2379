use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};

use crate::api::etag;
use crate::api::idempotency::{IdempotencyKey, create_once};
use crate::api::json::{ValidJson, read_body};
use crate::api::paging::{Listed, Paging};
use crate::api::query::Query;
use crate::auth::{AuthUser, StaffUser};
use crate::db::Db;
use crate::db::poster_sites::SiteFilter;
use crate::domain::ids::PosterSiteId;
use crate::domain::version::ExpectedVersion;
use crate::dto::page::{
    NearQuery, decode_distance_cursor, decode_time_cursor, distance_key, encode_cursor, paginate, time_key,
};
use crate::dto::poster::{CreateSite, SiteFilterQuery, SiteImportReport, SiteOut, UpdateSite};
use crate::dto::volunteer_import::ImportQuery;
use crate::dto::{Page, PageQuery};
use crate::error::ApiError;
use crate::service;
use actix_web::http::StatusCode;

/// Largest CSV file an import accepts.
const IMPORT_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// The list's filters as the data layer takes them.
fn site_filter(query: SiteFilterQuery) -> Result<SiteFilter, ApiError> {
    Ok(SiteFilter {
        branch: query.branch,
        locality_id: query.locality_id,
        status: query.status,
        not_checked_since: service::poster_sites::not_checked_since(query.not_checked_for_days)?,
        without_current_poster: query.without_current_poster.unwrap_or(false),
        ..SiteFilter::default()
    })
}

/// Register a poster site
///
/// A place the local executive body designated for campaign posters: locality,
/// address, optional coordinates, kind, capacity (posters at once) and the
/// designating decision. Admins name the branch; coordinators register sites
/// of their own branch.
/// Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = "posters",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays return the first response")),
    request_body = CreateSite,
    responses((status = 201, description = "Registered", body = SiteOut))
)]
#[post("/poster-sites")]
pub async fn create_site(
    db: web::Data<Db>,
    user: StaffUser,
    key: IdempotencyKey,
    body: ValidJson<CreateSite>,
) -> Result<HttpResponse, ApiError> {
    create_once(&db, "POST /poster-sites".into(), &user, key, body.into_inner(), |conn, actor, input| {
        Ok((StatusCode::CREATED, SiteOut::from(service::poster_sites::create(conn, actor, input)?)))
    })
    .await
}

/// List poster sites
///
/// Admins and observers see every branch, coordinators and volunteers their
/// own. `not_checked_for_days=N` keeps the sites not inspected for N days
/// (never inspected ones included), `without_current_poster=true` those where
/// nothing hangs. With `updated_since` the list pages in change order;
/// `near=<lat>,<lng>&radius_km=` keeps the sites with coordinates within the
/// radius, nearest first.
#[utoipa::path(
    tag = "posters",
    security(("bearer" = [])),
    params(SiteFilterQuery, NearQuery, PageQuery),
    responses((status = 200, description = "A page of sites", body = Page<SiteOut>))
)]
#[get("/poster-sites")]
pub async fn list_sites(
    db: web::Data<Db>,
    user: AuthUser,
    filter: Query<SiteFilterQuery>,
    near: Query<NearQuery>,
    page: Paging,
) -> Result<Listed<SiteOut>, ApiError> {
    let limit = page.limit()?;
    // With `updated_since` the list is a sync, paged in change order.
    let sync = page.updated_since.is_some();
    let near = near.parse(sync)?;
    let filter = SiteFilter {
        updated_since: page.updated_since(),
        after: if sync || near.is_some() { None } else { page.after()? },
        after_change: if sync { decode_time_cursor(page.after()?)? } else { None },
        after_near: if near.is_some() { decode_distance_cursor(page.after()?)? } else { None },
        near,
        ..site_filter(filter.into_inner())?
    };
    let rows = service::poster_sites::list(&db, &user, filter, i64::from(limit) + 1).await?;
    if let Some(near) = near {
        let mut page_rows = paginate(rows, limit, |_| String::new(), SiteOut::from);
        if page_rows.next_cursor.is_some()
            && let Some(last) = page_rows.items.last()
        {
            let distance = service::poster_sites::distance(&db, last.id.clone(), near).await?;
            page_rows.next_cursor = Some(encode_cursor(&distance_key(distance, &last.id)));
        }
        return Ok(page.respond(page_rows));
    }
    let key = |site: &SiteOut| if sync { time_key(site.updated_at.naive_utc(), &site.id) } else { site.id.to_string() };
    Ok(page.respond(paginate(rows.into_iter().map(SiteOut::from).collect(), limit, key, |site| site)))
}

/// Get a poster site
#[utoipa::path(
    tag = "posters",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Site id")),
    responses(
        (status = 200, description = "The site", body = SiteOut),
        (status = 404, description = "No such site in the caller's scope"),
    )
)]
#[get("/poster-sites/{id}")]
pub async fn get_site(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<PosterSiteId>,
) -> Result<HttpResponse, ApiError> {
    let site = service::poster_sites::get(&db, &user, id.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header(etag(site.version)).json(SiteOut::from(site)))
}

/// Update a poster site
///
/// Coordinators of the branch and admins. The capacity never goes below the
/// posters hanging now (409 `capacity_exceeded`); a retired site takes no new
/// placements. A site keeps its branch. Placements and inspections change the
/// site too (its `current_posters` and `last_checked_at`), so its version moves on
/// with them.
#[utoipa::path(
    tag = "posters",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Site id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on"),
    ),
    request_body = UpdateSite,
    responses(
        (status = 200, description = "Updated", body = SiteOut),
        (status = 404, description = "No such site in the caller's scope"),
        (status = 409, description = "The capacity would be below the posters hanging"),
    )
)]
#[patch("/poster-sites/{id}")]
pub async fn update_site(
    db: web::Data<Db>,
    user: StaffUser,
    id: web::Path<PosterSiteId>,
    if_match: ExpectedVersion,
    body: ValidJson<UpdateSite>,
) -> Result<HttpResponse, ApiError> {
    let site = service::poster_sites::update(&db, &user, id.into_inner(), body.into_inner(), if_match).await?;
    Ok(HttpResponse::Ok().insert_header(etag(site.version)).json(SiteOut::from(site)))
}

/// Export poster sites as CSV
///
/// The sites the caller may see, with the list's filters, in id order, as UTF-8
/// CSV with a byte-order mark.
#[utoipa::path(
    tag = "posters",
    security(("bearer" = [])),
    params(SiteFilterQuery),
    responses((status = 200, description = "The CSV file", content_type = "text/csv", body = String))
)]
#[get("/poster-sites.csv")]
pub async fn export_sites(
    db: web::Data<Db>,
    user: AuthUser,
    filter: Query<SiteFilterQuery>,
) -> Result<HttpResponse, ApiError> {
    let csv = service::poster_csv::export(&db, &user, site_filter(filter.into_inner())?).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", "attachment; filename=\"poster-sites.csv\""))
        .body(csv))
}

/// Import poster sites from CSV
///
/// A header row, then one site per row. Columns: `locality_id`, `address`,
/// `kind`, `capacity`, `decision_body`, `decision_number` and `decision_date`
/// (`YYYY-MM-DD`) are required; `branch` (admins), `latitude`, `longitude` and
/// `status` are optional. Every row is checked and stored on its own: a bad row
/// never stops the good ones, and its errors are reported with its line number.
/// With `dry_run=true` nothing is stored. At most 5000 rows.
#[utoipa::path(
    tag = "posters",
    security(("bearer" = [])),
    params(ImportQuery),
    request_body(content = inline(crate::dto::json::CsvFile), content_type = "text/csv", description = "UTF-8 CSV with a header row"),
    responses(
        (status = 200, description = "The result of every row", body = SiteImportReport),
        (status = 413, description = "The file is larger than 4 MiB"),
        (status = 415, description = "Not sent as text/csv"),
    )
)]
#[post("/poster-sites.csv")]
pub async fn import_sites(
    req: HttpRequest,
    db: web::Data<Db>,
    user: StaffUser,
    query: Query<ImportQuery>,
    payload: web::Payload,
) -> Result<web::Json<SiteImportReport>, ApiError> {
    let body = read_body(&req, payload, "text/csv", IMPORT_BODY_LIMIT).await?;
    Ok(web::Json(service::poster_csv::import(&db, &user, body, query.dry_run).await?))
}
