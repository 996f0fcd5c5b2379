//! Queries on `accounts`.

use crate::domain::ids::{AccountId, VolunteerId};
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::accounts;
use crate::domain::role::Role;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = accounts)]
pub struct Account {
    pub id: AccountId,
    pub email: String,
    pub password_hash: Option<String>,
    pub role: Role,
    pub branch_code: Option<String>,
    pub volunteer_id: Option<VolunteerId>,
    pub active: bool,
    pub must_change_password: bool,
    pub token_epoch: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = accounts, treat_none_as_default_value = false)]
pub struct NewAccount {
    pub id: AccountId,
    pub email: String,
    pub password_hash: Option<String>,
    pub role: Role,
    pub branch_code: Option<String>,
    pub volunteer_id: Option<VolunteerId>,
    pub active: bool,
    pub must_change_password: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

/// The fields an update may set; `None` leaves a field as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = accounts)]
pub struct AccountChanges {
    pub role: Option<Role>,
    pub branch_code: Option<Option<String>>,
    pub volunteer_id: Option<Option<VolunteerId>>,
    pub active: Option<bool>,
    pub password_hash: Option<Option<String>>,
    pub must_change_password: Option<bool>,
}

#[derive(Debug, Default)]
pub struct AccountFilter {
    pub role: Option<Role>,
    pub branch: Option<String>,
    pub active: Option<bool>,
    pub email_contains: Option<String>,
    pub updated_since: Option<NaiveDateTime>,
    pub after: Option<String>,
}

/// Tells the application's account cache that an account changes (see
/// [`super::scope::AccountChanges`]). Counted before the change commits, so it only
/// ever causes extra loads, never a stale hit.
fn note_change() {
    super::scope::note_account_change();
}

pub fn find(conn: &mut DbConn, id: &AccountId) -> QueryResult<Option<Account>> {
    accounts::table.find(id).select(Account::as_select()).first(conn).optional()
}

pub fn find_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<Account>> {
    accounts::table.filter(accounts::email.eq(email)).select(Account::as_select()).first(conn).optional()
}

pub fn insert(conn: &mut DbConn, account: &NewAccount) -> QueryResult<()> {
    diesel::insert_into(accounts::table).values(account).execute(conn).map(drop)
}

/// Applies `changes` when the stored version is `expected_version`, bumping it.
/// `Ok(false)` when the version was stale.
pub fn update(
    conn: &mut DbConn,
    id: &AccountId,
    expected_version: i32,
    changes: &AccountChanges,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    note_change();
    let updated =
        diesel::update(accounts::table.filter(accounts::id.eq(id)).filter(accounts::version.eq(expected_version)))
            .set((changes, accounts::updated_at.eq(now), accounts::version.eq(expected_version + 1)))
            .execute(conn)?;
    Ok(updated == 1)
}

pub fn list(conn: &mut DbConn, filter: &AccountFilter, limit: i64) -> QueryResult<Vec<Account>> {
    let mut query = accounts::table.select(Account::as_select()).order(accounts::id).limit(limit).into_boxed();
    if let Some(role) = &filter.role {
        query = query.filter(accounts::role.eq(*role));
    }
    if let Some(branch) = &filter.branch {
        query = query.filter(accounts::branch_code.eq(branch.clone()));
    }
    if let Some(active) = filter.active {
        query = query.filter(accounts::active.eq(active));
    }
    if let Some(text) = &filter.email_contains {
        query = query.filter(accounts::email.like(format!("%{}%", text.replace(['%', '_'], ""))));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(accounts::updated_at.ge(since));
    }
    if let Some(after) = &filter.after {
        query = query.filter(accounts::id.gt(after.clone()));
    }
    query.load(conn)
}

/// Whether an active admin exists.
pub fn active_admin_exists(conn: &mut DbConn) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        accounts::table.filter(accounts::role.eq(Role::Admin)).filter(accounts::active.eq(true)),
    ))
    .get_result(conn)
}

/// Invalidates every access token issued to the account so far (they carry the
/// old epoch). Does not change the record's version: it is not a user edit.
pub fn bump_token_epoch(conn: &mut DbConn, id: &AccountId) -> QueryResult<()> {
    note_change();
    diesel::update(accounts::table.find(id))
        .set(accounts::token_epoch.eq(accounts::token_epoch + 1))
        .execute(conn)
        .map(drop)
}

/// Replaces the account's password hash `old` by `new`, the same password at
/// the current cost, unless the hash changed meanwhile (a password change wins).
/// Neither the record's version nor its sessions change: it is not an edit.
pub fn upgrade_password_hash(conn: &mut DbConn, id: &AccountId, old: &str, new: &str) -> QueryResult<()> {
    note_change();
    diesel::update(accounts::table.find(id).filter(accounts::password_hash.eq(old)))
        .set(accounts::password_hash.eq(new))
        .execute(conn)
        .map(drop)
}

/// The accounts linked to a volunteer record.
pub fn linked_to_volunteer(conn: &mut DbConn, volunteer_id: &VolunteerId) -> QueryResult<Vec<Account>> {
    accounts::table.filter(accounts::volunteer_id.eq(volunteer_id)).select(Account::as_select()).load(conn)
}

/// Erases what an account holds about its person: the email becomes a
/// placeholder that names no one (`erased-<id>@invalid`, unique like the id),
/// and the password hash goes. The account stays, closed, so the audit log's
/// references to it remain.
pub fn erase_personal(conn: &mut DbConn, id: &AccountId, now: NaiveDateTime) -> QueryResult<()> {
    note_change();
    diesel::update(accounts::table.filter(accounts::id.eq(id)))
        .set((
            accounts::email.eq(format!("erased-{id}@invalid")),
            accounts::password_hash.eq(None::<String>),
            accounts::active.eq(false),
            accounts::updated_at.eq(now),
            accounts::version.eq(accounts::version + 1),
        ))
        .execute(conn)
        .map(drop)
}
