use crate::domain::ids::{AccountId, VolunteerId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::accounts::Account;
use crate::domain::role::Role;
use crate::domain::time::utc;

/// A login of the API.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountOut {
    pub id: AccountId,
    pub email: String,
    pub role: Role,
    /// The branch of a coordinator or volunteer; absent for admins and observers.
    pub branch: Option<String>,
    /// The volunteer record of a volunteer's account.
    pub volunteer_id: Option<VolunteerId>,
    pub active: bool,
    /// The account signs in with a one-time password it must change first.
    pub must_change_password: bool,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl TryFrom<Account> for AccountOut {
    type Error = crate::error::ApiError;

    fn try_from(row: Account) -> Result<Self, Self::Error> {
        Ok(Self {
            role: row.role,
            id: row.id,
            email: row.email,
            branch: row.branch_code,
            volunteer_id: row.volunteer_id,
            active: row.active,
            must_change_password: row.must_change_password,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            version: row.version,
        })
    }
}

/// A new account. Without `password`, a one-time password is generated, returned
/// once, and must be changed at first login.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAccount {
    #[validate(email, length(max = 254))]
    #[schema(example = "aigerim@example.kz", max_length = 254)]
    pub email: String,
    /// Never part of an `Idempotency-Key`'s stored request hash: an unsalted
    /// hash of a password would be a dictionary attack's target.
    #[serde(skip_serializing)]
    pub password: Option<String>,
    pub role: Role,
    /// Required for coordinators and volunteers, absent for admins and observers.
    #[schema(example = "KZ-71")]
    pub branch: Option<String>,
    /// For a `volunteer` account: the volunteer record it belongs to (same branch,
    /// not linked to another account).
    pub volunteer_id: Option<VolunteerId>,
}

/// An account with the one-time password generated for it (shown only here).
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountWithPassword {
    #[serde(flatten)]
    pub account: AccountOut,
    /// Present when the server generated the password.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub one_time_password: Option<String>,
}

/// Changes to an account; absent fields stay as they are.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAccount {
    pub role: Option<Role>,
    /// `null` removes the branch (for admins and observers).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub branch: Option<Option<String>>,
    pub active: Option<bool>,
    /// The version the change is based on (alternative to `If-Match`).
    pub version: Option<i32>,
}

/// `POST /accounts/{id}/password-reset`.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    /// The new password; without it a one-time password is generated.
    pub password: Option<String>,
}

/// The result of a password reset.
#[derive(Debug, Serialize, ToSchema)]
pub struct PasswordResetOut {
    /// Present when the server generated the password; must be changed at first login.
    pub one_time_password: Option<String>,
}

/// Filters of the account list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountFilterQuery {
    pub role: Option<Role>,
    /// Branch code (coordinators always see their own branch only).
    #[serde(default, deserialize_with = "crate::dto::query_values::branch")]
    #[param(value_type = Option<String>, pattern = "^KZ-[0-9]{2}$")]
    pub branch: Option<String>,
    pub active: Option<bool>,
    /// Part of the email address.
    pub email: Option<String>,
}

/// Distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`).
pub fn double_option<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}
