use crate::domain::ids::{AccountId, VolunteerId};
use std::future::Future;
use std::marker::PhantomData;
use std::ops::Deref;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use super::account_cache::AccountCache;
use super::jwt::JwtKeys;
use super::secret::{API_TOKEN_PREFIX, token_hash};
use crate::db::{Db, accounts, api_tokens};
use crate::domain::role::Role;
use crate::domain::visibility::Visibility;
use crate::error::{ApiError, ErrorCode};
use crate::rate_limit::{RateLimiter, VerifiedClaims};
use crate::request_context::RequestId;

/// A signed-in caller, loaded from the database on every request so that a
/// disabled account or a changed role takes effect at once. The account may still
/// have to change its one-time password: only `/me` endpoints take this type.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub account_id: AccountId,
    pub email: String,
    pub role: Role,
    pub branch: Option<String>,
    pub volunteer_id: Option<VolunteerId>,
    pub must_change_password: bool,
    /// The id of this request, for audit entries.
    pub request_id: Option<String>,
}

/// A signed-in caller in good standing (no pending password change).
#[derive(Debug, Clone)]
pub struct AuthUser(SessionUser);

impl Deref for AuthUser {
    type Target = SessionUser;

    fn deref(&self) -> &SessionUser {
        &self.0
    }
}

impl SessionUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// The server acting on its own (the retention command): an admin's reach,
    /// no account (its audit entries have no actor).
    pub fn system() -> Self {
        Self {
            account_id: AccountId::from(uuid::Uuid::nil()),
            email: String::new(),
            role: Role::Admin,
            branch: None,
            volunteer_id: None,
            must_change_password: false,
            request_id: None,
        }
    }

    /// Whether this is [`Self::system`].
    pub fn is_system(&self) -> bool {
        self.account_id.as_str() == uuid::Uuid::nil().hyphenated().to_string()
    }

    /// What the caller sees of the records it may read (see [`Visibility`]).
    pub fn visibility(&self) -> Visibility {
        Visibility::of(Some(self.role))
    }

    /// Whether the caller may see records of `branch`: admins and observers see
    /// every branch, coordinators and volunteers their own.
    pub fn sees_branch(&self, branch: &str) -> bool {
        match self.role {
            Role::Admin | Role::Observer => true,
            Role::Coordinator | Role::Volunteer => self.branch.as_deref() == Some(branch),
        }
    }

    /// The branch filter of a list for this caller. Branch-bound callers are held
    /// to their branch; `None` means they asked for another one, so the list is
    /// empty (its existence is not revealed either way).
    pub fn list_branch(&self, requested: Option<String>) -> Option<Option<String>> {
        if !self.role.is_branch_bound() {
            return Some(requested);
        }
        match requested {
            Some(requested) if Some(&requested) != self.branch.as_ref() => None,
            _ => Some(self.branch.clone()),
        }
    }

    /// The one scope check for branch-owned records: outside the caller's scope a
    /// record is answered 404, so its existence is not revealed.
    pub fn ensure_branch(&self, branch: &str, what: impl std::fmt::Display) -> Result<(), ApiError> {
        if self.sees_branch(branch) { Ok(()) } else { Err(ApiError::not_found(what)) }
    }

    /// The branch a new branch-owned record goes to: admins name it, coordinators
    /// get their own (naming another is 403), other roles may not create.
    pub fn branch_for_new_record(&self, requested: Option<String>) -> Result<String, ApiError> {
        match self.role {
            Role::Admin => {
                requested.ok_or_else(|| ApiError::invalid("branch", ErrorCode::Required, "admins name the branch"))
            }
            Role::Coordinator => match (requested, &self.branch) {
                (Some(requested), Some(own)) if &requested != own => {
                    Err(ApiError::Forbidden("coordinators work in their own branch only".into()))
                }
                (_, Some(own)) => Ok(own.clone()),
                (_, None) => Err(ApiError::internal("coordinator without a branch")),
            },
            Role::Volunteer | Role::Observer => {
                Err(ApiError::Forbidden(format!("the {} role may not create this", self.role)))
            }
        }
    }

    /// For writes: the caller must be an admin or the coordinator of `branch`.
    /// Out of scope is 404, a role that may never write is 403.
    pub fn ensure_manages_branch(&self, branch: &str, what: impl std::fmt::Display) -> Result<(), ApiError> {
        match self.role {
            Role::Admin => Ok(()),
            Role::Coordinator => self.ensure_branch(branch, what),
            Role::Volunteer | Role::Observer => {
                Err(ApiError::Forbidden(format!("the {} role may not change this", self.role)))
            }
        }
    }
}

/// The token of an `Authorization: Bearer <token>` header (scheme in any case).
pub fn bearer_token(req: &HttpRequest) -> Result<&str, ApiError> {
    let value = req.headers().get(header::AUTHORIZATION).ok_or_else(|| {
        ApiError::unauthorized(
            ErrorCode::MissingToken,
            "this endpoint needs a bearer token (Authorization: Bearer ...)",
        )
    })?;
    let value = value.to_str().unwrap_or_default();
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => Ok(token.trim()),
        _ => Err(ApiError::unauthorized(ErrorCode::MissingToken, "the Authorization header must be `Bearer <token>`")),
    }
}

async fn authenticate(req: HttpRequest) -> Result<SessionUser, ApiError> {
    let token = bearer_token(&req)?.to_owned();
    let db = req.app_data::<web::Data<Db>>().ok_or_else(|| ApiError::internal("Db missing from app data"))?.clone();
    let via_api_token = token.starts_with(API_TOKEN_PREFIX);
    let account = if via_api_token {
        let hash = token_hash(&token);
        let lookup = hash.clone();
        let found = db.run(move |conn| Ok(api_tokens::authenticate(conn, &lookup)?)).await?;
        found.map(|(token_id, account)| {
            // Exemption from the rate limit is configured by token or account id;
            // the limiter sees only the token, so it learns the hash here.
            if let Some(limiter) = req.app_data::<web::Data<RateLimiter>>()
                && (limiter.is_exempt(&token_id) || limiter.is_exempt(account.id.as_str()))
            {
                limiter.exempt(&hash);
            }
            account
        })
    } else {
        let keys =
            req.app_data::<web::Data<JwtKeys>>().ok_or_else(|| ApiError::internal("JwtKeys missing from app data"))?;
        // Verified already by the rate limiter, when it runs.
        let verified = req.extensions().get::<VerifiedClaims>().map(|verified| verified.0.clone());
        let claims = match verified {
            Some(claims) => claims,
            None => keys.verify(&token)?,
        };
        let epoch = claims.epoch;
        let cache = req
            .app_data::<web::Data<AccountCache>>()
            .ok_or_else(|| ApiError::internal("AccountCache missing from app data"))?;
        let account = match cache.get(&claims.sub) {
            Some(account) => Some(account),
            None => {
                let ticket = cache.ticket();
                // A subject that is not an account id names no account.
                let account_id: Option<AccountId> = claims.sub.parse().ok();
                let account = db
                    .run(move |conn| match account_id {
                        Some(id) => Ok(accounts::find(conn, &id)?),
                        None => Ok(None),
                    })
                    .await?;
                if let Some(account) = &account {
                    cache.put(ticket, account);
                }
                account
            }
        };
        // A bumped epoch (logout, password change, disabling) ends older tokens.
        account.filter(|account| account.token_epoch == epoch)
    };
    let account = account.filter(|account| account.active).ok_or_else(|| {
        ApiError::unauthorized(ErrorCode::SessionRevoked, "the token does not belong to an active session")
    })?;
    let role = account.role;
    Ok(SessionUser {
        account_id: account.id,
        email: account.email,
        role,
        branch: account.branch_code,
        volunteer_id: account.volunteer_id,
        // An integrator's token is issued by an admin; the account's own password
        // (if it has one) does not gate it.
        must_change_password: account.must_change_password && !via_api_token,
        request_id: req.extensions().get::<RequestId>().map(|id| id.0.clone()),
    })
}

impl FromRequest for SessionUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(authenticate(req.clone()))
    }
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let session = authenticate(req.clone());
        Box::pin(async move {
            let user = session.await?;
            if user.must_change_password {
                return Err(ApiError::PasswordChangeRequired(
                    "this account must change its one-time password first (POST /api/v1/me/password)".into(),
                ));
            }
            Ok(Self(user))
        })
    }
}

/// A set of roles allowed to call an endpoint.
pub trait RoleSet {
    const ROLES: &'static [Role];
}

/// An [`AuthUser`] whose role is in `R`; any other role gets 403.
#[derive(Debug, Clone)]
pub struct Authorized<R: RoleSet>(AuthUser, PhantomData<R>);

impl<R: RoleSet> Deref for Authorized<R> {
    type Target = AuthUser;

    fn deref(&self) -> &AuthUser {
        &self.0
    }
}

impl<R: RoleSet + 'static> FromRequest for Authorized<R> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let user = AuthUser::from_request(req, payload);
        Box::pin(async move {
            let user = user.await?;
            if !R::ROLES.contains(&user.role) {
                return Err(ApiError::Forbidden(format!("the {} role may not do this", user.role)));
            }
            Ok(Self(user, PhantomData))
        })
    }
}

#[derive(Debug, Clone)]
pub struct AdminRole;

impl RoleSet for AdminRole {
    const ROLES: &'static [Role] = &[Role::Admin];
}

#[derive(Debug, Clone)]
pub struct StaffRoles;

impl RoleSet for StaffRoles {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Coordinator];
}

/// National HQ staff only.
pub type AdminUser = Authorized<AdminRole>;
/// Admins and branch coordinators.
pub type StaffUser = Authorized<StaffRoles>;
