use actix_web::{HttpResponse, delete, get, patch, post, web};

use crate::api::etag;
use crate::api::idempotency::{IdempotencyKey, create_once};
use crate::api::json::ValidJson;
use crate::api::paging::{Listed, Paging};
use crate::api::query::Query;
use crate::auth::{AuthUser, StaffUser};
use crate::db::Db;
use crate::db::localities::LocalityFilter;
use crate::domain::ids::LocalityId;
use crate::domain::version::ExpectedVersion;
use crate::dto::locality::{
    CreateLocality, LocalityFilterQuery, LocalityNode, LocalityOut, LocalityTreeQuery, UpdateLocality,
};
use crate::dto::page::paginate;
use crate::dto::{Page, PageQuery};
use crate::error::ApiError;
use crate::service;
use crate::service::localities::build_tree;
use actix_web::http::StatusCode;

/// Create a locality
///
/// A district, city, town, rural district or village of a branch, optionally
/// inside another locality of the same branch. Admins, or the branch's coordinators.
/// Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = "localities",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays return the first response")),
    request_body = CreateLocality,
    responses((status = 201, description = "Created", body = LocalityOut))
)]
#[post("/localities")]
pub async fn create_locality(
    db: web::Data<Db>,
    user: StaffUser,
    key: IdempotencyKey,
    body: ValidJson<CreateLocality>,
) -> Result<HttpResponse, ApiError> {
    create_once(&db, "POST /localities".into(), &user, key, body.into_inner(), |conn, actor, input| {
        Ok((StatusCode::CREATED, LocalityOut::from(service::localities::create(conn, actor, input)?)))
    })
    .await
}

/// List localities
///
/// A flat list, filtered; see `/localities/tree` for the hierarchy of a branch.
/// Every signed-in role reads every branch's localities (reference data
/// without personal data).
#[utoipa::path(
    tag = "localities",
    security(("bearer" = [])),
    params(LocalityFilterQuery, PageQuery),
    responses((status = 200, description = "A page of localities", body = Page<LocalityOut>))
)]
#[get("/localities")]
pub async fn list_localities(
    db: web::Data<Db>,
    _user: AuthUser,
    filter: Query<LocalityFilterQuery>,
    page: Paging,
) -> Result<Listed<LocalityOut>, ApiError> {
    let limit = page.limit()?;
    let filter = filter.into_inner();
    let filter = LocalityFilter {
        branch: filter.branch,
        parent_id: filter.parent_id,
        kind: filter.kind,
        updated_since: page.updated_since(),
        after: page.after()?,
    };
    let rows = service::localities::list(&db, filter, i64::from(limit) + 1).await?;
    Ok(page.respond(paginate(rows, limit, |row| row.id.to_string(), LocalityOut::from)))
}

/// The localities of a branch as a tree
///
/// Any branch's, for every signed-in role (reference data without personal
/// data).
#[utoipa::path(
    tag = "localities",
    security(("bearer" = [])),
    params(LocalityTreeQuery),
    responses(
        (status = 200, description = "Top-level localities with their descendants", body = Vec<LocalityNode>),
        (status = 404, description = "No such branch"),
    )
)]
#[get("/localities/tree")]
pub async fn locality_tree(
    db: web::Data<Db>,
    _user: AuthUser,
    query: Query<LocalityTreeQuery>,
) -> Result<web::Json<Vec<LocalityNode>>, ApiError> {
    let branch = query.into_inner().branch;
    let rows = service::localities::all_in_branch(&db, branch).await?;
    Ok(web::Json(build_tree(rows)))
}

/// Get a locality
#[utoipa::path(
    tag = "localities",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Locality id")),
    responses(
        (status = 200, description = "The locality", body = LocalityOut),
        (status = 404, description = "No such locality"),
    )
)]
#[get("/localities/{id}")]
pub async fn get_locality(
    db: web::Data<Db>,
    _user: AuthUser,
    id: web::Path<LocalityId>,
) -> Result<HttpResponse, ApiError> {
    let locality = service::localities::get(&db, id.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header(etag(locality.version)).json(LocalityOut::from(locality)))
}

/// Update a locality
#[utoipa::path(
    tag = "localities",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Locality id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on"),
    ),
    request_body = UpdateLocality,
    responses(
        (status = 200, description = "Updated", body = LocalityOut),
        (status = 404, description = "No such locality in the caller's scope"),
        (status = 412, description = "The locality changed since the given version"),
    )
)]
#[patch("/localities/{id}")]
pub async fn update_locality(
    db: web::Data<Db>,
    user: StaffUser,
    id: web::Path<LocalityId>,
    if_match: ExpectedVersion,
    body: ValidJson<UpdateLocality>,
) -> Result<HttpResponse, ApiError> {
    let locality = service::localities::update(&db, &user, id.into_inner(), body.into_inner(), if_match).await?;
    Ok(HttpResponse::Ok().insert_header(etag(locality.version)).json(LocalityOut::from(locality)))
}

/// Delete a locality
///
/// Only a locality nothing refers to (no sub-localities, no volunteers).
#[utoipa::path(
    tag = "localities",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Locality id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such locality in the caller's scope"),
        (status = 409, description = "Still referenced"),
    )
)]
#[delete("/localities/{id}")]
pub async fn delete_locality(
    db: web::Data<Db>,
    user: StaffUser,
    id: web::Path<LocalityId>,
) -> Result<HttpResponse, ApiError> {
    service::localities::delete(&db, &user, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
