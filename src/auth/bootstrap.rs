//! The first way in: an admin account created at start, or by `create-admin`.

use crate::auth::password::PasswordHasher;
use crate::domain::ids::AccountId;
use secrecy::ExposeSecret;

use crate::config::Config;
use crate::db::accounts::{self, NewAccount};
use crate::db::audit::{self, AuditEvent};
use crate::db::{DbConn, write_transaction};
use crate::domain::password::{check_new_password, normalize_email};
use crate::domain::role::Role;
use crate::domain::time::now;
use crate::error::ApiError;

use super::secret;

/// Creates an admin account with `password`, or with a generated one-time password
/// (returned) that must be changed at first login.
pub fn create_admin(
    conn: &mut DbConn,
    passwords: &PasswordHasher,
    email: &str,
    password: Option<&str>,
) -> Result<Option<String>, String> {
    let email = normalize_email(email);
    if !email.contains('@') {
        return Err(format!("{email:?} is not an email address"));
    }
    let (password, one_time) = match password {
        Some(password) => {
            check_new_password("password", password, &email).map_err(|err| err.message)?;
            (password.to_owned(), false)
        }
        None => (secret::one_time_password().map_err(|err| err.to_string())?, true),
    };
    let hash = passwords.hash_blocking(&password).map_err(|err| err.to_string())?;
    let at = now();
    let account = NewAccount {
        id: AccountId::new(),
        email: email.clone(),
        password_hash: Some(hash),
        role: Role::Admin,
        branch_code: None,
        volunteer_id: None,
        active: true,
        must_change_password: one_time,
        created_at: at,
        updated_at: at,
        version: 1,
    };
    write_transaction(conn, |conn| {
        if accounts::find_by_email(conn, &email)?.is_some() {
            return Err(ApiError::Conflict {
                detail: format!("an account {email} already exists"),
                errors: vec![],
                existing_id: None,
            });
        }
        accounts::insert(conn, &account)?;
        let event = AuditEvent {
            action: "account_created",
            record_type: "account",
            record_id: Some(&account.id),
            details: Some("first admin".into()),
            ..Default::default()
        };
        Ok(audit::record(conn, event)?)
    })
    .map_err(|err| err.to_string())?;
    Ok(one_time.then_some(password))
}

/// At start: when no active admin exists, create one from the configuration.
pub fn ensure_first_admin(conn: &mut DbConn, passwords: &PasswordHasher, config: &Config) -> Result<(), String> {
    if accounts::active_admin_exists(conn).map_err(|err| err.to_string())? {
        return Ok(());
    }
    match create_admin(
        conn,
        passwords,
        &config.admin_email,
        config.admin_password.as_ref().map(ExposeSecret::expose_secret),
    )? {
        Some(one_time) => tracing::warn!(
            email = %config.admin_email,
            one_time_password = %one_time,
            "no admin existed: created one with this one-time password (shown once); sign in and change it"
        ),
        None => {
            tracing::info!(email = %config.admin_email, "no admin existed: created one from OUTREACH_ADMIN_EMAIL/OUTREACH_ADMIN_PASSWORD")
        }
    }
    Ok(())
}
