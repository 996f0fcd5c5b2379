use crate::domain::ids::AccountId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::db::api_tokens::ApiToken;
use crate::domain::time::utc;

/// A new integrator token.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiToken {
    /// What the token is for, e.g. the integrating system.
    #[validate(length(min = 1, max = 100))]
    #[schema(example = "regional dashboard", min_length = 1, max_length = 100)]
    pub name: String,
    /// Optional expiry; without it the token lives until revoked.
    pub expires_at: Option<DateTime<Utc>>,
}

/// An integrator token (never its secret, which is shown only at creation).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTokenOut {
    pub id: String,
    pub account_id: AccountId,
    pub name: String,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::option_micros")]
    pub expires_at: Option<DateTime<Utc>>,
    /// Last authenticated use (recorded at most once a minute).
    #[serde(serialize_with = "crate::dto::timestamp::option_micros")]
    pub last_used_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::dto::timestamp::option_micros")]
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<ApiToken> for ApiTokenOut {
    fn from(row: ApiToken) -> Self {
        Self {
            id: row.id,
            account_id: row.account_id,
            name: row.name,
            created_at: utc(row.created_at),
            expires_at: row.expires_at.map(utc),
            last_used_at: row.last_used_at.map(utc),
            revoked_at: row.revoked_at.map(utc),
        }
    }
}

/// A token just created, with its secret: store it now, it is never shown again.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTokenCreated {
    #[serde(flatten)]
    pub token_info: ApiTokenOut,
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
}
