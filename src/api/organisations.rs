use actix_web::{HttpResponse, get, patch, post, web};

use crate::api::etag;
use crate::api::idempotency::{IdempotencyKey, create_once};
use crate::api::json::ValidJson;
use crate::api::paging::{Listed, Paging};
use crate::api::query::Query;
use crate::auth::{AuthUser, StaffUser};
use crate::db::Db;
use crate::db::meetings::OrganisationFilter;
use crate::domain::ids::OrganisationId;
use crate::domain::version::ExpectedVersion;
use crate::domain::visibility::Visibility;
use crate::dto::meeting::{CreateOrganisation, OrganisationFilterQuery, OrganisationOut, UpdateOrganisation};
use crate::dto::page::paginate;
use crate::dto::{Page, PageQuery};
use crate::error::ApiError;
use crate::service;
use actix_web::http::StatusCode;

/// Register a work collective
///
/// An employer or institution to meet, with a checked, unique BIN. Admins, or
/// the branch's coordinators.
/// Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = "meetings",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays return the first response")),
    request_body = CreateOrganisation,
    responses(
        (status = 201, description = "Registered", body = OrganisationOut),
        (status = 409, description = "The BIN is registered already"),
    )
)]
#[post("/organisations")]
pub async fn create_organisation(
    db: web::Data<Db>,
    user: StaffUser,
    key: IdempotencyKey,
    body: ValidJson<CreateOrganisation>,
) -> Result<HttpResponse, ApiError> {
    create_once(&db, "POST /organisations".into(), &user, key, body.into_inner(), |conn, actor, input| {
        Ok((
            StatusCode::CREATED,
            OrganisationOut::new(service::organisations::create(conn, actor, input)?, Visibility::Full),
        ))
    })
    .await
}

/// List work collectives
///
/// Search by name or BIN; filter by sector, locality, or never met.
/// Coordinators and volunteers see their branch's, admins and observers every
/// branch's; observers get no contact details.
#[utoipa::path(
    tag = "meetings",
    security(("bearer" = [])),
    params(OrganisationFilterQuery, PageQuery),
    responses((status = 200, description = "A page of organisations", body = Page<OrganisationOut>))
)]
#[get("/organisations")]
pub async fn list_organisations(
    db: web::Data<Db>,
    user: AuthUser,
    filter: Query<OrganisationFilterQuery>,
    page: Paging,
) -> Result<Listed<OrganisationOut>, ApiError> {
    let limit = page.limit()?;
    let filter = filter.into_inner();
    let filter = OrganisationFilter {
        branch: filter.branch,
        sector: filter.sector,
        locality_id: filter.locality_id,
        search: filter.q.map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty()),
        never_met: filter.never_met.unwrap_or(false),
        updated_since: page.updated_since(),
        after: page.after()?,
    };
    let rows = service::organisations::list(&db, &user, filter, i64::from(limit) + 1).await?;
    Ok(page.respond(paginate(
        rows,
        limit,
        |row| row.id.to_string(),
        |row| OrganisationOut::new(row, user.visibility()),
    )))
}

/// Get a work collective
#[utoipa::path(
    tag = "meetings",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "The organisation", body = OrganisationOut),
        (status = 404, description = "No such organisation in the caller's scope"),
    )
)]
#[get("/organisations/{id}")]
pub async fn get_organisation(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<OrganisationId>,
) -> Result<HttpResponse, ApiError> {
    let row = service::organisations::get(&db, &user, id.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header(etag(row.version)).json(OrganisationOut::new(row, user.visibility())))
}

/// Update a work collective
#[utoipa::path(
    tag = "meetings",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Organisation id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on"),
    ),
    request_body = UpdateOrganisation,
    responses(
        (status = 200, description = "Updated", body = OrganisationOut),
        (status = 404, description = "No such organisation in the caller's scope"),
        (status = 412, description = "The organisation changed since the given version"),
    )
)]
#[patch("/organisations/{id}")]
pub async fn update_organisation(
    db: web::Data<Db>,
    user: StaffUser,
    id: web::Path<OrganisationId>,
    if_match: ExpectedVersion,
    body: ValidJson<UpdateOrganisation>,
) -> Result<HttpResponse, ApiError> {
    let row = service::organisations::update(&db, &user, id.into_inner(), body.into_inner(), if_match).await?;
    Ok(HttpResponse::Ok().insert_header(etag(row.version)).json(OrganisationOut::new(row, Visibility::Full)))
}
