//! Queries on `api_tokens`: integrator tokens, stored hashed.

use crate::domain::ids::AccountId;
use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use super::DbConn;
use super::accounts::Account;
use super::schema::{accounts, api_tokens};
use crate::domain::time::now;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    pub id: String,
    pub account_id: AccountId,
    pub name: String,
    pub token_hash: String,
    pub created_by: AccountId,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

/// `last_used_at` is written at most this often, so reads do not all become writes.
const LAST_USED_GRANULARITY: TimeDelta = TimeDelta::seconds(60);

/// The id of a live (not revoked, not expired) token and the account behind it,
/// recording its use.
pub fn authenticate(conn: &mut DbConn, hash: &str) -> QueryResult<Option<(String, Account)>> {
    let now = now();
    let found = api_tokens::table
        .inner_join(accounts::table)
        .filter(api_tokens::token_hash.eq(hash))
        .filter(api_tokens::revoked_at.is_null())
        .filter(api_tokens::expires_at.is_null().or(api_tokens::expires_at.gt(now)))
        // Tokens are for integrators: should the account's role ever change, its
        // tokens stop working rather than carry the new role.
        .filter(accounts::role.eq(crate::domain::role::Role::Observer))
        .select((ApiToken::as_select(), Account::as_select()))
        .first::<(ApiToken, Account)>(conn)
        .optional()?;
    let Some((token, account)) = found else { return Ok(None) };
    if token.last_used_at.is_none_or(|at| now - at >= LAST_USED_GRANULARITY) {
        // Best effort: a busy database must not turn an integrator's read into an error.
        let recorded =
            diesel::update(api_tokens::table.find(&token.id)).set(api_tokens::last_used_at.eq(now)).execute(conn);
        if let Err(err) = recorded {
            tracing::warn!(token_id = %token.id, error = %err, "could not record the API token's last use");
        }
    }
    Ok(Some((token.id, account)))
}

pub fn insert(conn: &mut DbConn, token: &ApiToken) -> QueryResult<()> {
    diesel::insert_into(api_tokens::table).values(token).execute(conn).map(drop)
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<ApiToken>> {
    api_tokens::table.find(id).select(ApiToken::as_select()).first(conn).optional()
}

/// Revokes the token; `Ok(false)` when it was already revoked.
pub fn revoke(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<bool> {
    let updated = diesel::update(api_tokens::table.find(id).filter(api_tokens::revoked_at.is_null()))
        .set(api_tokens::revoked_at.eq(at))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Revokes every live token of the account (its role changed or it was disabled).
pub fn revoke_all_for_account(conn: &mut DbConn, account_id: &AccountId, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        api_tokens::table.filter(api_tokens::account_id.eq(account_id)).filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(at))
    .execute(conn)
}

/// A page of the account's tokens, oldest first.
/// A page of the account's tokens in id order; with `changed_since`, only those
/// created, used or revoked since (a token has no other changes).
pub fn list_page(
    conn: &mut DbConn,
    account_id: &AccountId,
    changed_since: Option<NaiveDateTime>,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<ApiToken>> {
    let mut query = api_tokens::table
        .filter(api_tokens::account_id.eq(account_id))
        .order(api_tokens::id)
        .limit(limit)
        .select(ApiToken::as_select())
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(api_tokens::id.gt(after.to_owned()));
    }
    if let Some(since) = changed_since {
        query = query.filter(
            api_tokens::created_at
                .ge(since)
                .or(api_tokens::last_used_at.ge(since))
                .or(api_tokens::revoked_at.ge(since)),
        );
    }
    query.load(conn)
}
