use actix_web::{HttpRequest, HttpResponse, get, post, web};

use crate::api::idempotency::{IdempotencyKey, create_once};
use crate::api::json::{ValidJson, read_body};
use crate::api::paging::{Listed, Paging};
use crate::api::query::Query;
use crate::auth::{AuthUser, StaffUser};
use crate::db::Db;
use crate::db::poster_placements::PlacementFilter;
use crate::domain::ids::{PlacementId, PosterSiteId};
use crate::domain::poster::PlacementStatus;
use crate::domain::visibility::Visibility;
use crate::dto::json::parse_json;
use crate::dto::page::{decode_time_cursor, paginate, time_key};
use crate::dto::poster::{
    CreateChange, CreatePlacement, InspectionBatch, InspectionBatchResult, PlacementFilterQuery, PlacementOut,
};
use crate::dto::{Page, PageQuery};
use crate::error::ApiError;
use crate::service;
use actix_web::http::StatusCode;

/// Largest inspection batch body: 500 inspections with notes fit with room to spare.
const BATCH_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// Put posters up on a site
///
/// Coordinators of the site's branch and admins. The material must be a
/// catalogue `poster`; the site must be active and have room: more than its free
/// space is 409 `capacity_exceeded`, naming the free space. Placing debits the
/// stock once, in the same transaction, with a `placement` movement naming the
/// placement: out of the holding of `volunteer_id` when given, else out of the
/// branch's stock; short is 409 `insufficient_stock` naming the material, the
/// balance and the quantity. The history starts with `placed`. Send an
/// `Idempotency-Key`: a retried placement debits the stock once.
#[utoipa::path(
    tag = "posters",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Site id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays return the first response"),
    ),
    request_body = CreatePlacement,
    responses(
        (status = 201, description = "Placed", body = PlacementOut),
        (status = 404, description = "No such site in the caller's scope"),
        (status = 409, description = "Not enough free space or stock, or the site is retired"),
    )
)]
#[post("/poster-sites/{id}/placements")]
pub async fn create_placement(
    db: web::Data<Db>,
    user: StaffUser,
    key: IdempotencyKey,
    id: web::Path<PosterSiteId>,
    body: ValidJson<CreatePlacement>,
) -> Result<HttpResponse, ApiError> {
    let site = id.into_inner();
    let operation = format!("POST /poster-sites/{site}/placements");
    create_once(&db, operation, &user, key, body.into_inner(), move |conn, actor, input| {
        let (placement, changes) = service::poster_placements::place(conn, actor, &site, input)?;
        Ok((StatusCode::CREATED, PlacementOut::new(placement, changes, Visibility::Full)))
    })
    .await
}

/// List poster placements
///
/// Each with its status history. Admins and observers see every branch
/// (observers without volunteers, notes or photos), coordinators and volunteers
/// their own. `awaiting_replacement=true` (or `status=damaged`, `status=removed`)
/// lists what needs replacing. With `updated_since` the list pages in change order.
#[utoipa::path(
    tag = "posters",
    security(("bearer" = [])),
    params(PlacementFilterQuery, PageQuery),
    responses((status = 200, description = "A page of placements", body = Page<PlacementOut>))
)]
#[get("/poster-placements")]
pub async fn list_placements(
    db: web::Data<Db>,
    user: AuthUser,
    filter: Query<PlacementFilterQuery>,
    page: Paging,
) -> Result<Listed<PlacementOut>, ApiError> {
    let limit = page.limit()?;
    let sync = page.updated_since.is_some();
    let query = filter.into_inner();
    let mut statuses: Vec<PlacementStatus> = query.status.into_iter().collect();
    if query.awaiting_replacement == Some(true) {
        let awaiting = [PlacementStatus::Damaged, PlacementStatus::Removed];
        statuses = if statuses.is_empty() {
            awaiting.to_vec()
        } else {
            statuses.into_iter().filter(|status| status.awaits_replacement()).collect()
        };
        if statuses.is_empty() {
            return Ok(page.respond(Page { items: Vec::new(), next_cursor: None }));
        }
    }
    let filter = PlacementFilter {
        branch: query.branch,
        site_id: query.site_id,
        locality_id: query.locality_id,
        statuses,
        updated_since: page.updated_since(),
        after: if sync { None } else { page.after()? },
        after_change: if sync { decode_time_cursor(page.after()?)? } else { None },
    };
    let rows = service::poster_placements::list(&db, &user, filter, i64::from(limit) + 1).await?;
    let visibility = user.visibility();
    let key =
        |out: &PlacementOut| if sync { time_key(out.updated_at.naive_utc(), &out.id) } else { out.id.to_string() };
    let items =
        rows.into_iter().map(|(placement, changes)| PlacementOut::new(placement, changes, visibility)).collect();
    Ok(page.respond(paginate(items, limit, key, |out| out)))
}

/// Get a poster placement
///
/// With its status history, oldest first.
#[utoipa::path(
    tag = "posters",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Placement id")),
    responses(
        (status = 200, description = "The placement", body = PlacementOut),
        (status = 404, description = "No such placement in the caller's scope"),
    )
)]
#[get("/poster-placements/{id}")]
pub async fn get_placement(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<PlacementId>,
) -> Result<HttpResponse, ApiError> {
    let (placement, changes) = service::poster_placements::get(&db, &user, id.into_inner()).await?;
    let out = PlacementOut::new(placement, changes, user.visibility());
    Ok(HttpResponse::Ok().insert_header(crate::api::etag(out.version)).json(out))
}

/// Record a placement's next status
///
/// `placed` or `checked` -> `checked`, `damaged` or `removed` (an inspection);
/// `damaged` or `removed` -> `replaced`. Anything else is 409
/// `illegal_status_change`; nothing is ever edited or deleted from the history.
/// A `replaced` change may carry a `replacement`: the new posters put up in the
/// freed space in the same transaction (material and quantity default to the
/// replaced placement's; stock debited as for any placement), named in the
/// answer's `replaced_by_id`. Staff of the branch and its volunteers (recorded
/// as themselves).
/// Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = "posters",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Placement id"), ("Idempotency-Key" = Option<String>, Header, description = "Replays return the first response")),
    request_body = CreateChange,
    responses(
        (status = 201, description = "The placement with its history", body = PlacementOut),
        (status = 404, description = "No such placement in the caller's scope"),
        (status = 409, description = "Not a legal next status, or the replacement does not fit or lacks stock"),
    )
)]
#[post("/poster-placements/{id}/changes")]
pub async fn change_placement(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<PlacementId>,
    key: IdempotencyKey,
    body: ValidJson<CreateChange>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let operation = format!("POST /poster-placements/{id}/changes");
    let visibility = user.visibility();
    create_once(&db, operation, &user, key, body.into_inner(), move |conn, actor, input| {
        let (placement, changes) = service::poster_placements::change(conn, actor, &id, input)?;
        Ok((StatusCode::CREATED, PlacementOut::new(placement, changes, visibility)))
    })
    .await
}

/// Sync a round of poster inspections
///
/// Up to 500 inspections made offline, each with its phone-generated UUID: a
/// placement found `checked`, `damaged` or `removed`, when, with an optional
/// note and photo reference. The same contract as the visit batch sync: each
/// item is decided on its own, `created`, `duplicate` (received before; the
/// stored change is returned, `conflicting` when it says something else) or
/// `rejected` (with the field and rule: `unknown_placement`,
/// `illegal_status_change`, ...). Replaying a batch, even twice at once, adds
/// nothing twice to any history. Staff and volunteers of the placements' branch.
#[utoipa::path(
    tag = "posters",
    security(("bearer" = [])),
    request_body = InspectionBatch,
    responses((status = 200, description = "A result per item", body = InspectionBatchResult))
)]
#[post("/poster-inspections/batch")]
pub async fn sync_inspections(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    payload: web::Payload,
) -> Result<web::Json<InspectionBatchResult>, ApiError> {
    let body = read_body(&req, payload, "application/json", BATCH_BODY_LIMIT).await?;
    let batch: InspectionBatch = parse_json(&body)?;
    Ok(web::Json(service::poster_placements::sync_inspections(&db, &user, batch.inspections).await?))
}
