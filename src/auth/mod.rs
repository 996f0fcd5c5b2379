//! Authentication (who is calling) and authorization (what they may do).
//!
//! Handlers name what they need in their signature: [`SessionUser`] (any signed-in
//! account, even one that must still change its password), [`AuthUser`] (any
//! signed-in account in good standing), or [`Authorized<R>`] for a set of roles
//! ([`AdminUser`], [`StaffUser`]). Records owned by a branch are then checked with
//! [`AuthUser::ensure_branch`], which answers 404 outside the caller's scope.

pub mod account_cache;
pub mod bootstrap;
mod extract;
pub mod jwt;
pub mod password;
pub mod secret;
pub mod session;

pub use extract::{AdminUser, AuthUser, Authorized, RoleSet, SessionUser, StaffUser, bearer_token};
pub use jwt::JwtKeys;
