//! Queries on `api_tokens`: integrator tokens, stored hashed.

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
    pub account_id: String,
    pub name: String,
    pub token_hash: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

/// `last_used_at` is written at most this often, so reads do not all become writes.
const LAST_USED_GRANULARITY: TimeDelta = TimeDelta::seconds(60);

/// The account behind a live (not revoked, not expired) token, recording its use.
pub fn authenticate(conn: &mut DbConn, hash: &str) -> QueryResult<Option<Account>> {
    let now = now();
    let found = api_tokens::table
        .inner_join(accounts::table)
        .filter(api_tokens::token_hash.eq(hash))
        .filter(api_tokens::revoked_at.is_null())
        .filter(api_tokens::expires_at.is_null().or(api_tokens::expires_at.gt(now)))
        .select((ApiToken::as_select(), Account::as_select()))
        .first::<(ApiToken, Account)>(conn)
        .optional()?;
    let Some((token, account)) = found else { return Ok(None) };
    if token.last_used_at.is_none_or(|at| now - at >= LAST_USED_GRANULARITY) {
        diesel::update(api_tokens::table.find(&token.id)).set(api_tokens::last_used_at.eq(now)).execute(conn)?;
    }
    Ok(Some(account))
}

pub fn insert(conn: &mut DbConn, token: &ApiToken) -> QueryResult<()> {
    diesel::insert_into(api_tokens::table).values(token).execute(conn).map(drop)
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<ApiToken>> {
    api_tokens::table.find(id).select(ApiToken::as_select()).first(conn).optional()
}

pub fn list_for_account(conn: &mut DbConn, account_id: &str) -> QueryResult<Vec<ApiToken>> {
    api_tokens::table
        .filter(api_tokens::account_id.eq(account_id))
        .order(api_tokens::id)
        .select(ApiToken::as_select())
        .load(conn)
}

/// Revokes the token; `Ok(false)` when it was already revoked.
pub fn revoke(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<bool> {
    let updated = diesel::update(api_tokens::table.find(id).filter(api_tokens::revoked_at.is_null()))
        .set(api_tokens::revoked_at.eq(at))
        .execute(conn)?;
    Ok(updated == 1)
}
