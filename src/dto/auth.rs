use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// Credentials for `POST /auth/login`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[validate(length(min = 3, max = 254))]
    #[schema(example = "coordinator@example.kz", min_length = 3, max_length = 254)]
    pub email: String,
    #[schema(min_length = 1, max_length = 256)]
    #[validate(length(min = 1, max = 256))]
    pub password: String,
}

/// A refresh token, for `/auth/refresh` and `/auth/logout`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[schema(min_length = 1, max_length = 512)]
    #[validate(length(min = 1, max = 512))]
    pub refresh_token: String,
}

/// How the access token is sent: `Authorization: Bearer <token>`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub enum TokenType {
    Bearer,
}

/// A new session.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// Bearer token for every other call; valid for `expires_in` seconds.
    pub access_token: String,
    pub token_type: TokenType,
    /// Lifetime of the access token in seconds.
    #[schema(example = 900)]
    pub expires_in: i64,
    /// Exchange at `/auth/refresh` for a new pair; single use, valid 30 days.
    pub refresh_token: String,
    /// When true, every call but `/me` and `/me/password` answers 403 until the
    /// password is changed.
    pub must_change_password: bool,
}

impl From<crate::auth::session::IssuedSession> for TokenResponse {
    fn from(session: crate::auth::session::IssuedSession) -> Self {
        Self {
            access_token: session.access_token,
            token_type: TokenType::Bearer,
            expires_in: session.expires_in,
            refresh_token: session.refresh_token,
            must_change_password: session.must_change_password,
        }
    }
}

/// `POST /me/password`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[schema(min_length = 1, max_length = 256)]
    #[validate(length(min = 1, max = 256))]
    pub current_password: String,
    /// At least 12 characters, not the email address.
    pub new_password: String,
}
