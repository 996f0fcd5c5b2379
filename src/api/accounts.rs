use actix_web::{HttpResponse, get, patch, post, web};

use crate::api::etag;
use crate::api::idempotency::{IdempotencyKey, respond, run_once};
use crate::api::json::ValidJson;
use crate::api::paging::{Listed, Paging};
use crate::api::query::Query;
use crate::auth::StaffUser;
use crate::auth::password::PasswordHasher;
use crate::db::Db;
use crate::db::accounts::AccountFilter;
use crate::domain::ids::AccountId;
use crate::domain::version::ExpectedVersion;
use crate::dto::account::{
    AccountFilterQuery, AccountOut, AccountWithPassword, CreateAccount, PasswordReset, PasswordResetOut, UpdateAccount,
};
use crate::dto::page::paginate;
use crate::dto::{Page, PageQuery};
use crate::error::ApiError;
use crate::service;
use actix_web::http::StatusCode;

/// Create an account
///
/// Admins create any account. Coordinators create `volunteer` accounts of their
/// own branch only. Without `password` a one-time password is generated and
/// returned once; it must be changed at first login. Send an `Idempotency-Key`
/// to make retries safe; a replay of a creation whose password was generated
/// comes without `one_time_password` (it is never stored): reset the password.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays return the first response")),
    request_body = CreateAccount,
    responses(
        (status = 201, description = "Created", body = AccountWithPassword),
        (status = 409, description = "The email is taken; `existing_id` names the account when the caller may see it"),
    )
)]
#[post("/accounts")]
pub async fn create_account(
    db: web::Data<Db>,
    passwords: web::Data<PasswordHasher>,
    user: StaffUser,
    key: IdempotencyKey,
    body: ValidJson<CreateAccount>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let password = service::accounts::hash_new_account_password(&passwords, &user, &input).await?;
    let one_time_password = password.one_time_password.clone();
    let mut stored = run_once(&db, "POST /accounts".into(), &user, key, input, move |conn, actor, input| {
        let account = service::accounts::create(conn, actor, input, &password)?;
        // Stored for replays without the one-time password: it is shown once.
        Ok((StatusCode::CREATED, AccountWithPassword { account, one_time_password: None }))
    })
    .await?;
    if !stored.replayed
        && let Some(one_time_password) = one_time_password
    {
        let mut body: serde_json::Value = serde_json::from_str(&stored.body).map_err(ApiError::internal)?;
        body["one_time_password"] = one_time_password.into();
        stored.body = body.to_string();
    }
    Ok(respond(stored))
}

/// List accounts
///
/// Admins see every account; coordinators the accounts of their branch. Ordered
/// by id (creation order).
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    params(AccountFilterQuery, PageQuery),
    responses((status = 200, description = "A page of accounts", body = Page<AccountOut>))
)]
#[get("/accounts")]
pub async fn list_accounts(
    db: web::Data<Db>,
    user: StaffUser,
    filter: Query<AccountFilterQuery>,
    page: Paging,
) -> Result<Listed<AccountOut>, ApiError> {
    let limit = page.limit()?;
    let filter = filter.into_inner();
    let filter = AccountFilter {
        role: filter.role,
        branch: filter.branch,
        active: filter.active,
        email_contains: filter.email.map(|email| email.trim().to_lowercase()),
        updated_since: page.updated_since(),
        after: page.after()?,
    };
    let rows = service::accounts::list(&db, &user, filter, i64::from(limit) + 1).await?;
    Ok(page.respond(paginate(rows, limit, |row: &AccountOut| row.id.to_string(), |row| row)))
}

/// Get an account
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses(
        (status = 200, description = "The account; `ETag` carries its version", body = AccountOut),
        (status = 404, description = "No such account in the caller's scope"),
    )
)]
#[get("/accounts/{id}")]
pub async fn get_account(
    db: web::Data<Db>,
    user: StaffUser,
    id: web::Path<AccountId>,
) -> Result<HttpResponse, ApiError> {
    let account = service::accounts::get(&db, &user, id.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header(etag(account.version)).json(account))
}

/// Update an account
///
/// Role, branch and active flag. Coordinators manage the volunteer accounts of
/// their branch and cannot change roles or branches. Disabling an account or
/// changing its role takes effect at once and ends its sessions. Send `If-Match`
/// (or `version`) to avoid overwriting a concurrent change.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Account id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on"),
    ),
    request_body = UpdateAccount,
    responses(
        (status = 200, description = "Updated", body = AccountOut),
        (status = 404, description = "No such account in the caller's scope"),
        (status = 412, description = "The account changed since the given version"),
    )
)]
#[patch("/accounts/{id}")]
pub async fn update_account(
    db: web::Data<Db>,
    user: StaffUser,
    id: web::Path<AccountId>,
    if_match: ExpectedVersion,
    body: ValidJson<UpdateAccount>,
) -> Result<HttpResponse, ApiError> {
    let account = service::accounts::update(&db, &user, id.into_inner(), body.into_inner(), if_match).await?;
    Ok(HttpResponse::Ok().insert_header(etag(account.version)).json(account))
}

/// Reset an account's password
///
/// Sets the given password, or generates a one-time password (returned once) that
/// must be changed at first login. Ends every session of the account. Not for
/// one's own account (403): that is `POST /api/v1/me/password`.
#[utoipa::path(
    tag = "accounts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    request_body = PasswordReset,
    responses(
        (status = 200, description = "Password reset", body = PasswordResetOut),
        (status = 404, description = "No such account in the caller's scope"),
    )
)]
#[post("/accounts/{id}/password-reset")]
pub async fn reset_password(
    db: web::Data<Db>,
    passwords: web::Data<PasswordHasher>,
    user: StaffUser,
    id: web::Path<AccountId>,
    body: ValidJson<PasswordReset>,
) -> Result<web::Json<PasswordResetOut>, ApiError> {
    let one_time_password =
        service::accounts::reset_password(&db, &passwords, &user, id.into_inner(), body.into_inner()).await?;
    Ok(web::Json(PasswordResetOut { one_time_password }))
}
