use chrono::{NaiveDateTime, Utc};

use crate::auth::secret::{API_TOKEN_PREFIX, new_token, token_hash};
use crate::auth::{AuthUser, SessionUser};
use crate::db::api_tokens::{self, ApiToken};
use crate::db::audit::{self, AuditEvent};
use crate::db::{Db, accounts, write_transaction};
use crate::domain::ids::AccountId;
use crate::domain::role::Role;
use crate::domain::time::now;
use crate::dto::Page;
use crate::dto::api_token::{ApiTokenCreated, ApiTokenOut, CreateApiToken};
use crate::dto::page::paginate;
use crate::error::{ApiError, ErrorCode};

/// Creates an integrator token for an observer account; the secret is returned
/// once and only its hash is stored.
pub async fn create(
    db: &Db,
    admin: &AuthUser,
    account_id: AccountId,
    input: CreateApiToken,
) -> Result<ApiTokenCreated, ApiError> {
    let expires_at = input.expires_at.map(|at| at.naive_utc());
    if input.expires_at.is_some_and(|at| at <= Utc::now()) {
        return Err(ApiError::invalid("expires_at", ErrorCode::InThePast, "the expiry must be in the future"));
    }
    let secret = new_token(API_TOKEN_PREFIX)?;
    let token = ApiToken {
        id: uuid::Uuid::now_v7().to_string(),
        account_id,
        name: input.name.trim().to_owned(),
        token_hash: token_hash(&secret),
        created_by: admin.account_id.clone(),
        created_at: now(),
        expires_at,
        last_used_at: None,
        revoked_at: None,
    };
    let admin = SessionUser::clone(admin);
    let stored = db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let account = accounts::find(conn, &token.account_id)?
                    .ok_or_else(|| ApiError::not_found(format!("account {}", token.account_id)))?;
                if account.role != Role::Observer {
                    return Err(ApiError::Conflict {
                        detail: "API tokens are issued to observer accounts only".into(),
                        errors: vec![],
                        existing_id: None,
                    });
                }
                api_tokens::insert(conn, &token)?;
                audit::record(
                    conn,
                    event(&admin, "api_token_created", &token.id, Some(format!("account={}", account.id))),
                )?;
                Ok(token)
            })
        })
        .await?;
    Ok(ApiTokenCreated { token_info: stored.into(), token: secret })
}

pub async fn list(
    db: &Db,
    account_id: AccountId,
    changed_since: Option<NaiveDateTime>,
    after: Option<String>,
    limit: u32,
) -> Result<Page<ApiTokenOut>, ApiError> {
    let rows = db
        .run(move |conn| {
            accounts::find(conn, &account_id)?.ok_or_else(|| ApiError::not_found(format!("account {account_id}")))?;
            Ok(api_tokens::list_page(conn, &account_id, changed_since, after.as_deref(), i64::from(limit) + 1)?)
        })
        .await?;
    Ok(paginate(rows, limit, |row| row.id.clone(), ApiTokenOut::from))
}

/// Revokes a token at once. Revoking a revoked token changes nothing.
pub async fn revoke(db: &Db, admin: &AuthUser, token_id: String) -> Result<(), ApiError> {
    let admin = SessionUser::clone(admin);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            api_tokens::find(conn, &token_id)?.ok_or_else(|| ApiError::not_found(format!("API token {token_id}")))?;
            if api_tokens::revoke(conn, &token_id, now())? {
                audit::record(conn, event(&admin, "api_token_revoked", &token_id, None))?;
            }
            Ok(())
        })
    })
    .await
}

fn event<'a>(actor: &'a SessionUser, action: &'a str, token_id: &'a str, details: Option<String>) -> AuditEvent<'a> {
    super::audit(actor, action, "api_token", token_id, details)
}
