use actix_web::{HttpResponse, get, post, web};

use crate::api::json::ValidJson;
use crate::auth::SessionUser;
use crate::auth::password::PasswordHasher;
use crate::db::Db;
use crate::dto::account::AccountOut;
use crate::dto::auth::ChangePasswordRequest;
use crate::dto::volunteer::MyDataOut;
use crate::error::ApiError;
use crate::service;

/// The signed-in account
///
/// Works even while the account must still change its one-time password.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses((status = 200, description = "The caller's account", body = AccountOut))
)]
#[get("/me")]
pub async fn me(db: web::Data<Db>, user: SessionUser) -> Result<web::Json<AccountOut>, ApiError> {
    Ok(web::Json(service::accounts::own(&db, &user).await?))
}

/// Change the caller's password
///
/// Needs the current password. The new one has at least 12 characters and is not
/// the email address. Every session of the account ends: sign in again. Wrong
/// current passwords count as failed logins of the account: after five within 15
/// minutes the answer is 429 with `Retry-After`.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Password changed; sign in again"),
        (status = 429, description = "Too many wrong current passwords; see `Retry-After`"),
    )
)]
#[post("/me/password")]
pub async fn change_password(
    db: web::Data<Db>,
    passwords: web::Data<PasswordHasher>,
    user: SessionUser,
    body: ValidJson<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    service::accounts::change_own_password(&db, &passwords, &user, body.current_password, body.new_password).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Everything stored about me
///
/// The caller's account, their volunteer record (when linked) and the audit
/// entries about both: the data-subject access the consent text promises.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses((status = 200, description = "The caller's data", body = MyDataOut))
)]
#[get("/me/data")]
pub async fn my_data(db: web::Data<Db>, user: SessionUser) -> Result<web::Json<MyDataOut>, ApiError> {
    Ok(web::Json(service::volunteers::my_data(&db, &user).await?))
}
