use actix_web::{HttpResponse, get, patch, post, web};

use crate::api::etag;
use crate::api::idempotency::{IdempotencyKey, create_once};
use crate::api::json::ValidJson;
use crate::api::paging::{Listed, Paging};
use crate::api::query::Query;
use crate::auth::{AdminUser, AuthUser};
use crate::db::Db;
use crate::db::materials::MaterialFilter;
use crate::domain::ids::MaterialId;
use crate::domain::version::ExpectedVersion;
use crate::dto::material::{CreateMaterial, MaterialFilterQuery, MaterialOut, UpdateMaterial};
use crate::dto::page::paginate;
use crate::dto::{Page, PageQuery};
use crate::error::ApiError;
use crate::service;
use actix_web::http::StatusCode;

/// Add a printed material to the catalogue
///
/// Admins only. The code is unique.
/// Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = "materials",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays return the first response")),
    request_body = CreateMaterial,
    responses(
        (status = 201, description = "Added", body = MaterialOut),
        (status = 409, description = "The code is taken; `existing_id` names the material"),
    )
)]
#[post("/materials")]
pub async fn create_material(
    db: web::Data<Db>,
    admin: AdminUser,
    key: IdempotencyKey,
    body: ValidJson<CreateMaterial>,
) -> Result<HttpResponse, ApiError> {
    create_once(&db, "POST /materials".into(), &admin, key, body.into_inner(), |conn, actor, input| {
        Ok((StatusCode::CREATED, MaterialOut::from(service::materials::create(conn, actor, input)?)))
    })
    .await
}

/// List the catalogue of printed materials
///
/// One national catalogue, read by every signed-in role.
#[utoipa::path(
    tag = "materials",
    security(("bearer" = [])),
    params(MaterialFilterQuery, PageQuery),
    responses((status = 200, description = "A page of materials", body = Page<MaterialOut>))
)]
#[get("/materials")]
pub async fn list_materials(
    db: web::Data<Db>,
    _user: AuthUser,
    filter: Query<MaterialFilterQuery>,
    page: Paging,
) -> Result<Listed<MaterialOut>, ApiError> {
    let limit = page.limit()?;
    let filter = MaterialFilter {
        kind: filter.kind,
        language: filter.language,
        active: filter.active,
        updated_since: page.updated_since(),
        after: page.after()?,
    };
    let rows = service::materials::list(&db, filter, i64::from(limit) + 1).await?;
    Ok(page.respond(paginate(rows, limit, |row| row.id.to_string(), MaterialOut::from)))
}

/// Get a printed material
#[utoipa::path(
    tag = "materials",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Material id")),
    responses(
        (status = 200, description = "The material", body = MaterialOut),
        (status = 404, description = "No such material"),
    )
)]
#[get("/materials/{id}")]
pub async fn get_material(
    db: web::Data<Db>,
    _user: AuthUser,
    id: web::Path<MaterialId>,
) -> Result<HttpResponse, ApiError> {
    let row = service::materials::get(&db, id.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header(etag(row.version)).json(MaterialOut::from(row)))
}

/// Update a printed material
///
/// Admins only; also sets the reorder level.
#[utoipa::path(
    tag = "materials",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Material id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on"),
    ),
    request_body = UpdateMaterial,
    responses(
        (status = 200, description = "Updated", body = MaterialOut),
        (status = 404, description = "No such material"),
        (status = 409, description = "The code belongs to another material"),
        (status = 412, description = "The material changed since the given version"),
    )
)]
#[patch("/materials/{id}")]
pub async fn update_material(
    db: web::Data<Db>,
    admin: AdminUser,
    id: web::Path<MaterialId>,
    if_match: ExpectedVersion,
    body: ValidJson<UpdateMaterial>,
) -> Result<HttpResponse, ApiError> {
    let row = service::materials::update(&db, &admin, id.into_inner(), body.into_inner(), if_match).await?;
    Ok(HttpResponse::Ok().insert_header(etag(row.version)).json(MaterialOut::from(row)))
}
