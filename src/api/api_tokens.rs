use actix_web::{HttpResponse, delete, get, post, web};

use crate::api::json::ValidJson;
use crate::api::paging::{Listed, Paging};
use crate::auth::AdminUser;
use crate::db::Db;
use crate::domain::ids::AccountId;
use crate::dto::api_token::{ApiTokenCreated, ApiTokenOut, CreateApiToken};
use crate::dto::{Page, PageQuery};
use crate::error::ApiError;
use crate::service;

/// Create an integrator API token
///
/// For an `observer` account. The token is returned once and stored hashed; send
/// it as `Authorization: Bearer otk_...`.
#[utoipa::path(
    tag = "api tokens",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Observer account id")),
    request_body = CreateApiToken,
    responses(
        (status = 201, description = "Created; store the token now", body = ApiTokenCreated),
        (status = 404, description = "No such account"),
        (status = 409, description = "The account is not an observer"),
    )
)]
#[post("/accounts/{id}/api-tokens")]
pub async fn create_api_token(
    db: web::Data<Db>,
    admin: AdminUser,
    id: web::Path<AccountId>,
    body: ValidJson<CreateApiToken>,
) -> Result<HttpResponse, ApiError> {
    let created = service::api_tokens::create(&db, &admin, id.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(created))
}

/// List an account's API tokens
///
/// Names, dates and last use; never the secrets. With `updated_since`, the
/// tokens created, used or revoked since. Admins only.
#[utoipa::path(
    tag = "api tokens",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id"), PageQuery),
    responses(
        (status = 200, description = "The tokens, oldest first", body = Page<ApiTokenOut>),
        (status = 404, description = "No such account"),
    )
)]
#[get("/accounts/{id}/api-tokens")]
pub async fn list_api_tokens(
    db: web::Data<Db>,
    _admin: AdminUser,
    id: web::Path<AccountId>,
    page: Paging,
) -> Result<Listed<ApiTokenOut>, ApiError> {
    let limit = page.limit()?;
    Ok(page.respond(service::api_tokens::list(&db, id.into_inner(), page.updated_since(), page.after()?, limit).await?))
}

/// Revoke an API token
///
/// Takes effect at once. Revoking a revoked token changes nothing.
#[utoipa::path(
    tag = "api tokens",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "API token id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "No such token"),
    )
)]
#[delete("/api-tokens/{id}")]
pub async fn revoke_api_token(
    db: web::Data<Db>,
    admin: AdminUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    service::api_tokens::revoke(&db, &admin, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
