use actix_web::{HttpRequest, HttpResponse, post, web};

use crate::api::json::ValidJson;
use crate::auth::password::PasswordHasher;
use crate::auth::{JwtKeys, session};
use crate::db::Db;
use crate::dto::auth::{LoginRequest, RefreshRequest, TokenResponse};
use crate::error::ApiError;
use crate::request_context::{RequestId, client_address};

/// Sign in
///
/// Exchanges an email and password for an access token (a JWT valid 15 minutes)
/// and a refresh token (single use, 30 days). An unknown email and a wrong
/// password get the same answer. After 5 failures within 15 minutes for the same
/// account or from the same address, logins answer 429 with `Retry-After`.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 401, description = "Wrong email or password, or a disabled account"),
        (status = 429, description = "Too many failed logins; see `Retry-After`"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    db: web::Data<Db>,
    keys: web::Data<JwtKeys>,
    passwords: web::Data<PasswordHasher>,
    request_id: RequestId,
    body: ValidJson<LoginRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let body = body.into_inner();
    let session =
        session::login(&db, &keys, &passwords, &body.email, body.password, client_address(&req), Some(request_id.0))
            .await?;
    Ok(web::Json(session.into()))
}

/// Rotate a refresh token
///
/// Spends the refresh token and returns a new access and refresh token. A refresh
/// token presented a second time revokes every token of its login (theft
/// detection): sign in again.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenResponse),
        (status = 401, description = "Unknown, expired, revoked or reused refresh token"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    db: web::Data<Db>,
    keys: web::Data<JwtKeys>,
    request_id: RequestId,
    body: ValidJson<RefreshRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let session = session::refresh(&db, &keys, body.into_inner().refresh_token, Some(request_id.0)).await?;
    Ok(web::Json(session.into()))
}

/// Sign out
///
/// Revokes the refresh token and every token rotated from the same login. The
/// access token expires on its own within 15 minutes. Idempotent.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses((status = 204, description = "Signed out"))
)]
#[post("/auth/logout")]
pub async fn logout(
    db: web::Data<Db>,
    request_id: RequestId,
    body: ValidJson<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    session::logout(&db, body.into_inner().refresh_token, Some(request_id.0)).await?;
    Ok(HttpResponse::NoContent().finish())
}
