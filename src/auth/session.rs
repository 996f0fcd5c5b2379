//! Login, refresh-token rotation and logout.
//!
//! Password hashing runs on the blocking pool *without* holding a database
//! connection, so a burst of logins cannot starve the pool that reads use.

use crate::auth::password::PasswordHasher;
use crate::domain::ids::AccountId;
use chrono::{NaiveDateTime, TimeDelta};

use super::jwt::{ACCESS_TOKEN_TTL_SECS, Claims, JwtKeys};
use super::secret::{REFRESH_TOKEN_PREFIX, new_token, token_hash};
use crate::db::accounts::{self, Account};
use crate::db::audit::{self, AuditEvent};
use crate::db::refresh_tokens::{self, RefreshToken};
use crate::db::{Db, DbConn, throttle_events, write_transaction};
use crate::domain::password::normalize_email;
use crate::domain::time::now;
use crate::error::{ApiError, ErrorCode};

pub const REFRESH_TOKEN_TTL: TimeDelta = TimeDelta::days(30);
/// However often it is rotated, a login ends this long after it began.
pub const MAX_SESSION_AGE: TimeDelta = TimeDelta::days(90);
/// Failed logins allowed per account within the window.
pub const MAX_FAILED_LOGINS: usize = 5;
/// Accounts that may fail to sign in from one client address within the window
/// before the address is throttled (password spraying). One person's failures,
/// however many, count once: an office or a carrier's shared address is not
/// locked out by one colleague who forgot a password.
pub const MAX_FAILING_ACCOUNTS_PER_ADDRESS: usize = 10;
pub const FAILED_LOGIN_WINDOW: TimeDelta = TimeDelta::minutes(15);

/// What a successful login or refresh hands out.
#[derive(Debug)]
pub struct IssuedSession {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
    pub must_change_password: bool,
}

const WRONG_CREDENTIALS: &str = "the email or the password is wrong";

/// Checks the credentials and opens a session (a new refresh-token family).
///
/// Each attempt is counted as a failure *before* the password is checked, in the
/// same transaction as the throttle check, so parallel attempts cannot slip past
/// the limit; a successful attempt then clears the account's count.
pub async fn login(
    db: &Db,
    keys: &JwtKeys,
    passwords: &PasswordHasher,
    email: &str,
    password: String,
    client_address: String,
    request_id: Option<String>,
) -> Result<IssuedSession, ApiError> {
    let email = normalize_email(email);
    let throttle_keys = [format!("account:{email}"), format!("address:{client_address}")];

    let keys_for_check = throttle_keys.clone();
    let lookup_email = email.clone();
    let account = db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let at = now();
                // The account's attempt counts before its password is checked, so
                // parallel guesses cannot slip past the limit. An address counts only
                // finished failures, and each account they tried once: people behind
                // one shared address (an office, a carrier's NAT) signing in at once,
                // or one of them mistyping, do not lock the others out.
                let [account_key, address_key] = &keys_for_check;
                throttle_events::lock_key(conn, account_key)?;
                ensure_not_throttled(conn, account_key, at)?;
                ensure_address_not_spraying(conn, address_key, at)?;
                throttle_events::record(conn, account_key, at)?;
                accounts::find_by_email(conn, &lookup_email).map_err(ApiError::from)
            })
        })
        .await?;

    let stored_hash = account.as_ref().and_then(|account| account.password_hash.clone());
    // The password and the hash it replaces, when the hash is of an older cost.
    let upgrade_from = stored_hash
        .as_deref()
        .filter(|stored| !super::password::is_current(stored))
        .map(|stored| (password.clone(), stored.to_owned()));
    let password_ok = passwords.verify(password, stored_hash).await?;

    let Some(account) = account.filter(|account| password_ok && account.active) else {
        let address_key = throttle_keys[1].clone();
        db.run(move |conn| {
            throttle_events::record_about(conn, &address_key, &email, now())?;
            let event = AuditEvent {
                action: "login_failed",
                record_type: "account",
                request_id: request_id.as_deref(),
                details: Some(format!("email={email}")),
                ..Default::default()
            };
            Ok(audit::record(conn, event)?)
        })
        .await?;
        return Err(ApiError::unauthorized(ErrorCode::WrongCredentials, WRONG_CREDENTIALS));
    };

    // A hash of an older cost is made anew from the password just checked, when
    // a hashing slot is free; otherwise at a later login.
    let upgrade = match upgrade_from {
        Some((password, old)) => passwords.hash_if_free(password).await.map(|new| (old, new)),
        None => None,
    };
    let family = uuid::Uuid::now_v7().to_string();
    let (refresh_token, new_refresh) = new_refresh_token(&account.id, &family, now())?;
    let account_key = throttle_keys[0].clone();
    let account_for_db = account.clone();
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            // One statement under the key's lock: deleting our own pending count and
            // then the account's others let two concurrent logins of one account each
            // wait for the other's row on PostgreSQL (a deadlock, answered 500).
            throttle_events::lock_key(conn, &account_key)?;
            throttle_events::clear(conn, &account_key)?;
            refresh_tokens::insert(conn, &new_refresh)?;
            if let Some((old, new)) = &upgrade {
                accounts::upgrade_password_hash(conn, &account_for_db.id, old, new)?;
            }
            let event = AuditEvent {
                actor_id: Some(&account_for_db.id),
                action: "login",
                record_type: "account",
                record_id: Some(&account_for_db.id),
                request_id: request_id.as_deref(),
                details: None,
            };
            Ok(audit::record(conn, event)?)
        })
    })
    .await?;
    issue(keys, &account, refresh_token)
}

/// Answers 429 when `key` has too many recent failures.
pub fn ensure_not_throttled(conn: &mut DbConn, key: &str, now: NaiveDateTime) -> Result<(), ApiError> {
    let failures = throttle_events::recent(conn, key, now - FAILED_LOGIN_WINDOW)?;
    refuse_beyond(&failures, MAX_FAILED_LOGINS, now, "too many failed attempts; wait before trying again")
}

/// Answers 429 when failed logins from the address `key` tried too many
/// different accounts within the window.
fn ensure_address_not_spraying(conn: &mut DbConn, key: &str, now: NaiveDateTime) -> Result<(), ApiError> {
    let accounts = throttle_events::recent_subjects(conn, key, now - FAILED_LOGIN_WINDOW)?;
    let detail = "too many failed sign-ins to different accounts from this address; wait before trying again";
    refuse_beyond(&accounts, MAX_FAILING_ACCOUNTS_PER_ADDRESS, now, detail)
}

/// The one throttle rule: `counted` (times within the window, oldest first)
/// reaching `limit` answers 429, until enough of them leave the window.
fn refuse_beyond(counted: &[NaiveDateTime], limit: usize, now: NaiveDateTime, detail: &str) -> Result<(), ApiError> {
    let Some(oldest_counted) = counted.len().checked_sub(limit).map(|index| counted[index]) else { return Ok(()) };
    let retry_after = (oldest_counted + FAILED_LOGIN_WINDOW - now).num_seconds().max(1);
    Err(ApiError::TooManyRequests { detail: detail.into(), retry_after_secs: retry_after.unsigned_abs() })
}

enum RefreshOutcome {
    Rotated(Box<Account>, String),
    /// The token had been rotated already: the family is revoked (committed).
    Reused,
}

/// How long after a refresh token was spent presenting it again is taken for a
/// retry whose answer was lost (a phone on a flaky network), not for theft.
pub const REFRESH_RETRY_GRACE: TimeDelta = TimeDelta::seconds(30);

/// Rotates a refresh token: the presented one is spent, a new one of the same
/// family is returned. The successor is derived from the spent token with the
/// server's key, so within [`REFRESH_RETRY_GRACE`] the spent token gets the same
/// successor again (and a fresh access token). Later, presenting a spent token
/// revokes the whole family and ends the account's access tokens.
pub async fn refresh(
    db: &Db,
    keys: &JwtKeys,
    token: String,
    request_id: Option<String>,
) -> Result<IssuedSession, ApiError> {
    let hash = token_hash(&token);
    // The successor this server gives, then the one the previous secret gave
    // (a rotation retried across a secret rotation).
    let mut successors = keys.refresh_successors(&token);
    let successor = successors.remove(0);
    let outcome = db
        .run(move |conn| {
            let at = now();
            write_transaction(conn, |conn| {
                let invalid = || ApiError::unauthorized(ErrorCode::InvalidToken, "the refresh token is not valid");
                let stored = refresh_tokens::find_by_hash(conn, &hash)?.ok_or_else(invalid)?;
                if stored.revoked_at.is_some()
                    || stored.expires_at <= at
                    || stored.family_started_at + MAX_SESSION_AGE <= at
                {
                    return Err(invalid());
                }
                if !refresh_tokens::mark_rotated(conn, &stored.id, at)? {
                    // Read again: a concurrent refresh with this token may have
                    // spent it after it was loaded above.
                    let spent_at = refresh_tokens::find_by_hash(conn, &hash)?.and_then(|spent| spent.rotated_at);
                    if spent_at.is_some_and(|spent_at| at - spent_at <= REFRESH_RETRY_GRACE) {
                        for given in std::iter::once(&successor).chain(&successors) {
                            if let Some(account) = retried_successor(conn, given, at)? {
                                return Ok(RefreshOutcome::Rotated(Box::new(account), given.clone()));
                            }
                        }
                    }
                    refresh_tokens::revoke_family(conn, &stored.family_id, at)?;
                    accounts::bump_token_epoch(conn, &stored.account_id)?;
                    let event = AuditEvent {
                        actor_id: Some(&stored.account_id),
                        action: "refresh_token_reused",
                        record_type: "account",
                        record_id: Some(&stored.account_id),
                        request_id: request_id.as_deref(),
                        details: Some(format!("family={} revoked", stored.family_id)),
                    };
                    audit::record(conn, event)?;
                    return Ok(RefreshOutcome::Reused);
                }
                let account =
                    accounts::find(conn, &stored.account_id)?.filter(|account| account.active).ok_or_else(invalid)?;
                let new_refresh =
                    refresh_token_row(&successor, &account.id, &stored.family_id, stored.family_started_at);
                refresh_tokens::insert(conn, &new_refresh)?;
                Ok(RefreshOutcome::Rotated(Box::new(account), successor))
            })
        })
        .await?;
    match outcome {
        RefreshOutcome::Rotated(account, refresh_token) => issue(keys, &account, refresh_token),
        RefreshOutcome::Reused => Err(ApiError::unauthorized(
            ErrorCode::RefreshTokenReused,
            "this refresh token was already used; every session of this login is revoked, sign in again",
        )),
    }
}

/// Ends the session the refresh token belongs to (its whole family) and the
/// account's current access tokens. Unknown tokens are ignored: logging out twice
/// is not an error.
pub async fn logout(db: &Db, token: String, request_id: Option<String>) -> Result<(), ApiError> {
    let hash = token_hash(&token);
    db.run(move |conn| {
        let at = now();
        write_transaction(conn, |conn| {
            if let Some(stored) = refresh_tokens::find_by_hash(conn, &hash)? {
                refresh_tokens::revoke_family(conn, &stored.family_id, at)?;
                accounts::bump_token_epoch(conn, &stored.account_id)?;
                let event = AuditEvent {
                    actor_id: Some(&stored.account_id),
                    action: "logout",
                    record_type: "account",
                    record_id: Some(&stored.account_id),
                    request_id: request_id.as_deref(),
                    details: None,
                };
                audit::record(conn, event)?;
            }
            Ok(())
        })
    })
    .await
}

/// The account of a refresh retried within the grace window, when the successor
/// it was given is still unspent and its account active; `None` otherwise.
fn retried_successor(conn: &mut DbConn, successor: &str, at: NaiveDateTime) -> Result<Option<Account>, ApiError> {
    let Some(next) = refresh_tokens::find_by_hash(conn, &token_hash(successor))? else { return Ok(None) };
    if next.rotated_at.is_some() || next.revoked_at.is_some() || next.expires_at <= at {
        return Ok(None);
    }
    Ok(accounts::find(conn, &next.account_id)?.filter(|account| account.active))
}

/// A new refresh token of a new family, and its row.
fn new_refresh_token(
    account_id: &AccountId,
    family_id: &str,
    family_started_at: NaiveDateTime,
) -> Result<(String, RefreshToken), ApiError> {
    let token = new_token(REFRESH_TOKEN_PREFIX)?;
    let row = refresh_token_row(&token, account_id, family_id, family_started_at);
    Ok((token, row))
}

fn refresh_token_row(
    token: &str,
    account_id: &AccountId,
    family_id: &str,
    family_started_at: NaiveDateTime,
) -> RefreshToken {
    let at = now();
    RefreshToken {
        id: uuid::Uuid::now_v7().to_string(),
        account_id: account_id.to_owned(),
        family_id: family_id.to_owned(),
        family_started_at,
        token_hash: token_hash(token),
        created_at: at,
        expires_at: (at + REFRESH_TOKEN_TTL).min(family_started_at + MAX_SESSION_AGE),
        rotated_at: None,
        revoked_at: None,
    }
}

fn issue(keys: &JwtKeys, account: &Account, refresh_token: String) -> Result<IssuedSession, ApiError> {
    let issued_at = chrono::Utc::now().timestamp();
    let claims = Claims {
        sub: account.id.to_string(),
        role: account.role.as_str().to_owned(),
        branch: account.branch_code.clone(),
        iat: issued_at,
        exp: issued_at + ACCESS_TOKEN_TTL_SECS,
        jti: uuid::Uuid::now_v7().to_string(),
        epoch: account.token_epoch,
    };
    Ok(IssuedSession {
        access_token: keys.sign(&claims)?,
        refresh_token,
        expires_in: ACCESS_TOKEN_TTL_SECS,
        must_change_password: account.must_change_password,
    })
}
