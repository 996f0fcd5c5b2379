use crate::auth::password::PasswordHasher;
use crate::auth::session::ensure_not_throttled;
use crate::auth::{AuthUser, SessionUser, secret};
use crate::db::accounts::{self, Account, AccountChanges, NewAccount};
use crate::db::audit::{self, AuditEvent};
use crate::db::{Db, DbConn, api_tokens, branches, refresh_tokens, throttle_events, write_transaction};
use crate::domain::ids::{AccountId, VolunteerId};
use crate::domain::password::{check_new_password, normalize_email};
use crate::domain::role::Role;
use crate::domain::time::now;
use crate::domain::version::ExpectedVersion;
use crate::dto::account::{AccountOut, CreateAccount, PasswordReset, UpdateAccount};
use crate::error::{ApiError, ErrorCode, FieldError};

/// Whether `actor` may see `account`: admins every account, coordinators the
/// accounts of their branch.
fn sees(actor: &SessionUser, account: &Account) -> bool {
    actor.is_admin()
        || (actor.role == Role::Coordinator && account.branch_code.is_some() && account.branch_code == actor.branch)
}

/// Whether `actor` may change `account`: admins any, coordinators the volunteer
/// accounts of their branch.
fn ensure_manages(actor: &SessionUser, account: &Account) -> Result<(), ApiError> {
    if actor.is_admin() || account.role == Role::Volunteer {
        Ok(())
    } else {
        Err(ApiError::Forbidden("coordinators manage volunteer accounts only".into()))
    }
}

fn load_visible(conn: &mut DbConn, actor: &SessionUser, id: &AccountId) -> Result<Account, ApiError> {
    accounts::find(conn, id)?
        .filter(|account| sees(actor, account))
        .ok_or_else(|| ApiError::not_found(format!("account {id}")))
}

/// The branch rule of roles: coordinators and volunteers need one, admins and
/// observers have none.
fn check_role_branch(role: Role, branch: Option<&str>) -> Result<(), ApiError> {
    match (role.is_branch_bound(), branch) {
        (true, None) => {
            Err(ApiError::invalid("branch", ErrorCode::Required, format!("a {role} account belongs to a branch")))
        }
        (false, Some(_)) => {
            Err(ApiError::invalid("branch", ErrorCode::NotAllowed, format!("a {role} account has no branch")))
        }
        _ => Ok(()),
    }
}

fn ensure_branch_exists(conn: &mut DbConn, branch: Option<&str>) -> Result<(), ApiError> {
    match branch {
        Some(code) if branches::find(conn, code)?.is_none() => {
            Err(ApiError::invalid("branch", ErrorCode::UnknownBranch, format!("there is no branch {code}")))
        }
        _ => Ok(()),
    }
}

/// A password to store: the given one (checked) or a generated one-time one.
async fn new_password(
    passwords: &PasswordHasher,
    field: &str,
    given: Option<String>,
    email: &str,
) -> Result<(String, Option<String>), ApiError> {
    let (password, one_time) = match given {
        Some(password) => {
            check_new_password(field, &password, email).map_err(|err| ApiError::Validation(vec![err]))?;
            (password, None)
        }
        None => {
            let generated = secret::one_time_password()?;
            (generated.clone(), Some(generated))
        }
    };
    Ok((passwords.hash(password).await?, one_time))
}

/// The branch a new account gets, by the creator's role: admins create any
/// account, coordinators volunteer accounts of their own branch.
fn new_account_branch(actor: &SessionUser, input: &CreateAccount) -> Result<Option<String>, ApiError> {
    let branch = match actor.role {
        Role::Admin => input.branch.clone(),
        Role::Coordinator => {
            if input.role != Role::Volunteer {
                return Err(ApiError::Forbidden("coordinators create volunteer accounts only".into()));
            }
            match &input.branch {
                Some(branch) if Some(branch) != actor.branch.as_ref() => {
                    return Err(ApiError::Forbidden("coordinators create accounts in their own branch only".into()));
                }
                _ => actor.branch.clone(),
            }
        }
        Role::Volunteer | Role::Observer => return Err(ApiError::Forbidden("only staff create accounts".into())),
    };
    check_role_branch(input.role, branch.as_deref())?;
    Ok(branch)
}

/// A new account's password, hashed before the account's write transaction
/// (hashing takes tens of milliseconds, not to be spent holding the write lock).
pub struct NewAccountPassword {
    hash: String,
    /// The generated one-time password, when `password` was not given.
    pub one_time_password: Option<String>,
}

/// Checks who may create `input` and hashes its password (or a generated
/// one-time password).
pub async fn hash_new_account_password(
    passwords: &PasswordHasher,
    actor: &SessionUser,
    input: &CreateAccount,
) -> Result<NewAccountPassword, ApiError> {
    new_account_branch(actor, input)?;
    let email = normalize_email(&input.email);
    let (hash, one_time_password) = new_password(passwords, "password", input.password.clone(), &email).await?;
    Ok(NewAccountPassword { hash, one_time_password })
}

/// Creates an account with its prepared password, in the caller's write
/// transaction (the idempotent request's).
pub fn create(
    conn: &mut DbConn,
    actor: &SessionUser,
    input: CreateAccount,
    password: &NewAccountPassword,
) -> Result<AccountOut, ApiError> {
    let branch = new_account_branch(actor, &input)?;
    if let Some(volunteer_id) = &input.volunteer_id {
        check_volunteer_link(conn, input.role, branch.as_deref(), volunteer_id)?;
    }
    let new = NewAccountSpec {
        email: normalize_email(&input.email),
        role: input.role,
        branch,
        volunteer_id: input.volunteer_id,
        hash: password.hash.clone(),
        must_change_password: password.one_time_password.is_some(),
    };
    insert_new_account(conn, actor, new)?.try_into()
}

/// A volunteer account links to a volunteer of its branch that has no account yet.
fn check_volunteer_link(
    conn: &mut DbConn,
    role: Role,
    branch: Option<&str>,
    volunteer_id: &VolunteerId,
) -> Result<(), ApiError> {
    if role != Role::Volunteer {
        return Err(ApiError::invalid(
            "volunteer_id",
            ErrorCode::NotAllowed,
            "only volunteer accounts link to a volunteer",
        ));
    }
    let volunteer = crate::db::volunteers::find(conn, volunteer_id)?
        .filter(|volunteer| Some(volunteer.branch_code.as_str()) == branch)
        .ok_or_else(|| {
            ApiError::invalid("volunteer_id", ErrorCode::UnknownVolunteer, "no such volunteer in the account's branch")
        })?;
    if let Some(linked) = accounts::linked_to_volunteer(conn, &volunteer.id)?.into_iter().next() {
        return Err(ApiError::Conflict {
            detail: "this volunteer has an account already".into(),
            errors: vec![FieldError::new("volunteer_id", ErrorCode::Duplicate, "already linked")],
            existing_id: Some(linked.id.to_string()),
        });
    }
    Ok(())
}

/// A checked, hashed account ready to insert.
pub struct NewAccountSpec {
    pub email: String,
    pub role: Role,
    pub branch: Option<String>,
    pub volunteer_id: Option<VolunteerId>,
    pub hash: String,
    pub must_change_password: bool,
}

/// Inserts the account inside the caller's transaction: the branch must exist and
/// the email be free (409 naming the account when `actor` may see it).
pub fn insert_new_account(conn: &mut DbConn, actor: &SessionUser, new: NewAccountSpec) -> Result<Account, ApiError> {
    ensure_branch_exists(conn, new.branch.as_deref())?;
    if let Some(existing) = accounts::find_by_email(conn, &new.email)? {
        return Err(ApiError::Conflict {
            detail: format!("an account with the email {} already exists", new.email),
            errors: vec![FieldError::new("email", ErrorCode::Duplicate, "this email is taken")],
            existing_id: sees(actor, &existing).then(|| existing.id.to_string()),
        });
    }
    let at = now();
    let id = AccountId::new();
    accounts::insert(
        conn,
        &NewAccount {
            id: id.clone(),
            email: new.email,
            password_hash: Some(new.hash),
            role: new.role,
            branch_code: new.branch,
            volunteer_id: new.volunteer_id,
            active: true,
            must_change_password: new.must_change_password,
            created_at: at,
            updated_at: at,
            version: 1,
        },
    )?;
    audit::record(conn, event(actor, "account_created", &id, Some(format!("role={}", new.role))))?;
    accounts::find(conn, &id)?.ok_or_else(|| ApiError::internal("account vanished after insert"))
}

/// A one-time password and its hash, for accounts created on someone's behalf.
pub async fn one_time_credentials(passwords: &PasswordHasher) -> Result<(String, String), ApiError> {
    let password = secret::one_time_password()?;
    Ok((password.clone(), passwords.hash(password).await?))
}

/// The caller's own account.
pub async fn own(db: &Db, actor: &SessionUser) -> Result<AccountOut, ApiError> {
    let id = actor.account_id.clone();
    db.run(move |conn| accounts::find(conn, &id)?.ok_or_else(|| ApiError::not_found("account"))).await?.try_into()
}

pub async fn get(db: &Db, actor: &AuthUser, id: AccountId) -> Result<AccountOut, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| load_visible(conn, &actor, &id)).await?.try_into()
}

pub async fn update(
    db: &Db,
    actor: &AuthUser,
    id: AccountId,
    input: UpdateAccount,
    expected: ExpectedVersion,
) -> Result<AccountOut, ApiError> {
    let actor = SessionUser::clone(actor);
    let account = db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let current = load_visible(conn, &actor, &id)?;
                ensure_manages(&actor, &current)?;
                let current_role = current.role;
                let role = input.role.unwrap_or(current_role);
                let branch = input.branch.clone().unwrap_or_else(|| current.branch_code.clone());
                if actor.role == Role::Coordinator && (role != Role::Volunteer || branch != actor.branch) {
                    return Err(ApiError::Forbidden("coordinators cannot change an account's role or branch".into()));
                }
                let disabling = input.active == Some(false) && current.active;
                if actor.account_id == current.id && (role != current_role || disabling) {
                    return Err(ApiError::Forbidden(
                        "you cannot change your own role or disable your own account".into(),
                    ));
                }
                check_role_branch(role, branch.as_deref())?;
                ensure_branch_exists(conn, branch.as_deref())?;
                let version = expected.check(input.version, current.version)?;
                let scope_changed = role != current_role || branch != current.branch_code;
                let changes = AccountChanges {
                    role: (role != current_role).then_some(role),
                    branch_code: (branch != current.branch_code).then(|| branch.clone()),
                    active: input.active.filter(|active| *active != current.active),
                    ..Default::default()
                };
                if !accounts::update(conn, &current.id, version, &changes, now())? {
                    return Err(ApiError::PreconditionFailed("the account changed meanwhile; reload it".into()));
                }
                if disabling || scope_changed {
                    // Every way in ends at once: sessions, access tokens, API tokens.
                    end_all_sessions(conn, &current.id)?;
                    api_tokens::revoke_all_for_account(conn, &current.id, now())?;
                }
                let details = format!("{changes:?}");
                audit::record(conn, event(&actor, "account_updated", &current.id, Some(details)))?;
                accounts::find(conn, &current.id)?.ok_or_else(|| ApiError::internal("account vanished after update"))
            })
        })
        .await?;
    account.try_into()
}

pub async fn reset_password(
    db: &Db,
    passwords: &PasswordHasher,
    actor: &AuthUser,
    id: AccountId,
    input: PasswordReset,
) -> Result<Option<String>, ApiError> {
    // A reset ends the account's sessions and may set a one-time password: done to
    // oneself it is a lockout, and it would skip the check of the current password.
    if actor.account_id == id {
        return Err(ApiError::Forbidden(
            "you cannot reset your own password; change it with POST /api/v1/me/password".into(),
        ));
    }
    let actor = SessionUser::clone(actor);
    let lookup = (actor.clone(), id.clone());
    let target = db
        .run(move |conn| {
            let (actor, id) = lookup;
            let account = load_visible(conn, &actor, &id)?;
            ensure_manages(&actor, &account)?;
            Ok(account)
        })
        .await?;
    let (hash, one_time_password) = new_password(passwords, "password", input.password, &target.email).await?;
    let must_change = one_time_password.is_some();
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            // Checked again: the account may have changed while the hash was computed.
            let current = load_visible(conn, &actor, &id)?;
            ensure_manages(&actor, &current)?;
            let changes = AccountChanges {
                password_hash: Some(Some(hash)),
                must_change_password: Some(must_change),
                ..Default::default()
            };
            if !accounts::update(conn, &current.id, current.version, &changes, now())? {
                return Err(ApiError::PreconditionFailed("the account changed meanwhile; try again".into()));
            }
            end_all_sessions(conn, &current.id)?;
            Ok(audit::record(conn, event(&actor, "password_reset", &current.id, None))?)
        })
    })
    .await?;
    Ok(one_time_password)
}

/// Ends every session of the account: refresh tokens revoked, access tokens
/// invalidated by bumping the account's token epoch.
fn end_all_sessions(conn: &mut DbConn, account_id: &AccountId) -> Result<(), ApiError> {
    refresh_tokens::revoke_all_for_account(conn, account_id, now())?;
    Ok(accounts::bump_token_epoch(conn, account_id)?)
}

/// The caller changes their own password (required after a one-time password).
/// Every session of the account ends: sign in again with the new password.
pub async fn change_own_password(
    db: &Db,
    passwords: &PasswordHasher,
    user: &SessionUser,
    current_password: String,
    new_password: String,
) -> Result<(), ApiError> {
    check_new_password("new_password", &new_password, &user.email).map_err(|err| ApiError::Validation(vec![err]))?;
    if new_password == current_password {
        return Err(ApiError::invalid(
            "new_password",
            ErrorCode::Unchanged,
            "the new password must differ from the current one",
        ));
    }
    // Wrong current passwords count like failed logins, so a stolen access token
    // cannot be used to guess the password.
    let throttle_key = format!("account:{}", user.email);
    let id = user.account_id.clone();
    let key = throttle_key.clone();
    let (account, pending) = db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let at = now();
                throttle_events::lock_key(conn, &key)?;
                ensure_not_throttled(conn, &key, at)?;
                let pending = throttle_events::record(conn, &key, at)?;
                let account = accounts::find(conn, &id)?.ok_or_else(|| ApiError::not_found("account"))?;
                Ok((account, pending))
            })
        })
        .await?;
    if !passwords.verify(current_password, account.password_hash.clone()).await? {
        return Err(ApiError::invalid("current_password", ErrorCode::WrongPassword, "the current password is wrong"));
    }
    let hash = passwords.hash(new_password).await?;
    let user = user.clone();
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            throttle_events::delete(conn, &[pending])?;
            let changes = AccountChanges {
                password_hash: Some(Some(hash)),
                must_change_password: Some(false),
                ..Default::default()
            };
            if !accounts::update(conn, &account.id, account.version, &changes, now())? {
                return Err(ApiError::PreconditionFailed("the account changed meanwhile; try again".into()));
            }
            end_all_sessions(conn, &account.id)?;
            Ok(audit::record(conn, event(&user, "password_changed", &account.id, None))?)
        })
    })
    .await
}

fn event<'a>(actor: &'a SessionUser, action: &'a str, account_id: &'a str, details: Option<String>) -> AuditEvent<'a> {
    super::audit(actor, action, "account", account_id, details)
}

/// The accounts `actor` may see, filtered: coordinators only ever see their branch.
pub async fn list(
    db: &Db,
    actor: &AuthUser,
    mut filter: accounts::AccountFilter,
    limit: i64,
) -> Result<Vec<AccountOut>, ApiError> {
    if actor.role == Role::Coordinator {
        let Some(branch) = actor.list_branch(filter.branch.take()) else { return Ok(Vec::new()) };
        filter.branch = branch;
    }
    let rows = db.run(move |conn| Ok(accounts::list(conn, &filter, limit)?)).await?;
    rows.into_iter().map(AccountOut::try_from).collect()
}
