use actix_web::{HttpResponse, delete, get, patch, post, web};

use crate::api::etag;
use crate::api::idempotency::{IdempotencyKey, create_once};
use crate::api::json::ValidJson;
use crate::api::paging::{Listed, Paging};
use crate::api::query::Query;
use crate::auth::{AdminUser, AuthUser};
use crate::db::Db;
use crate::db::member_organisations::MemberOrganisationFilter;
use crate::domain::ids::MemberOrganisationId;
use crate::domain::version::ExpectedVersion;
use crate::dto::member_organisation::{
    CreateMemberOrganisation, MemberOrganisationFilterQuery, MemberOrganisationOut, UpdateMemberOrganisation,
};
use crate::dto::page::paginate;
use crate::dto::{Page, PageQuery};
use crate::error::ApiError;
use crate::service;
use actix_web::http::StatusCode;

/// Register a coalition member organisation
///
/// Admins only. The BIN is checked (12 digits with its check digit) and unique.
/// Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = "member organisations",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays return the first response")),
    request_body = CreateMemberOrganisation,
    responses(
        (status = 201, description = "Created", body = MemberOrganisationOut),
        (status = 409, description = "The BIN is registered already; `existing_id` names the organisation"),
    )
)]
#[post("/member-organisations")]
pub async fn create_member_organisation(
    db: web::Data<Db>,
    admin: AdminUser,
    key: IdempotencyKey,
    body: ValidJson<CreateMemberOrganisation>,
) -> Result<HttpResponse, ApiError> {
    create_once(&db, "POST /member-organisations".into(), &admin, key, body.into_inner(), |conn, actor, input| {
        Ok((
            StatusCode::CREATED,
            MemberOrganisationOut::from(service::member_organisations::create(conn, actor, input)?),
        ))
    })
    .await
}

/// List coalition member organisations
///
/// National and every branch's, for every signed-in role (reference data
/// without personal data).
#[utoipa::path(
    tag = "member organisations",
    security(("bearer" = [])),
    params(MemberOrganisationFilterQuery, PageQuery),
    responses((status = 200, description = "A page of organisations", body = Page<MemberOrganisationOut>))
)]
#[get("/member-organisations")]
pub async fn list_member_organisations(
    db: web::Data<Db>,
    _user: AuthUser,
    filter: Query<MemberOrganisationFilterQuery>,
    page: Paging,
) -> Result<Listed<MemberOrganisationOut>, ApiError> {
    let limit = page.limit()?;
    let filter = filter.into_inner();
    let filter = MemberOrganisationFilter {
        kind: filter.kind,
        branch: filter.branch,
        updated_since: page.updated_since(),
        after: page.after()?,
    };
    let rows = service::member_organisations::list(&db, filter, i64::from(limit) + 1).await?;
    Ok(page.respond(paginate(rows, limit, |row| row.id.to_string(), MemberOrganisationOut::from)))
}

/// Get a coalition member organisation
#[utoipa::path(
    tag = "member organisations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The organisation", body = MemberOrganisationOut),
        (status = 404, description = "No such organisation"),
    )
)]
#[get("/member-organisations/{id}")]
pub async fn get_member_organisation(
    db: web::Data<Db>,
    _user: AuthUser,
    id: web::Path<MemberOrganisationId>,
) -> Result<HttpResponse, ApiError> {
    let row = service::member_organisations::get(&db, id.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header(etag(row.version)).json(MemberOrganisationOut::from(row)))
}

/// Update a coalition member organisation
#[utoipa::path(
    tag = "member organisations",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Organisation id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on"),
    ),
    request_body = UpdateMemberOrganisation,
    responses(
        (status = 200, description = "Updated", body = MemberOrganisationOut),
        (status = 404, description = "No such organisation"),
        (status = 409, description = "The BIN belongs to another organisation"),
        (status = 412, description = "The organisation changed since the given version"),
    )
)]
#[patch("/member-organisations/{id}")]
pub async fn update_member_organisation(
    db: web::Data<Db>,
    admin: AdminUser,
    id: web::Path<MemberOrganisationId>,
    if_match: ExpectedVersion,
    body: ValidJson<UpdateMemberOrganisation>,
) -> Result<HttpResponse, ApiError> {
    let row = service::member_organisations::update(&db, &admin, id.into_inner(), body.into_inner(), if_match).await?;
    Ok(HttpResponse::Ok().insert_header(etag(row.version)).json(MemberOrganisationOut::from(row)))
}

/// Delete a coalition member organisation
///
/// Only when no volunteer belongs to it.
#[utoipa::path(
    tag = "member organisations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Organisation id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such organisation"),
        (status = 409, description = "Volunteers still belong to it"),
    )
)]
#[delete("/member-organisations/{id}")]
pub async fn delete_member_organisation(
    db: web::Data<Db>,
    admin: AdminUser,
    id: web::Path<MemberOrganisationId>,
) -> Result<HttpResponse, ApiError> {
    service::member_organisations::delete(&db, &admin, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
