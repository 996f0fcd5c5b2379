//! HTTP handlers, one file per resource. Each handler is registered here together
//! with its OpenAPI description, so the spec cannot drift from the routes.

pub mod accounts;
pub mod api_tokens;
pub mod audit;
pub mod auth;
pub mod branches;
pub mod fallback;
pub mod health;
pub mod me;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::live).service(health::ready);
    cfg.service(
        scope::scope("/api/v1")
            .service(auth::login)
            .service(auth::refresh)
            .service(auth::logout)
            .service(me::me)
            .service(me::change_password)
            .service(branches::list_branches)
            .service(branches::get_branch)
            .service(branches::update_branch)
            .service(accounts::create_account)
            .service(accounts::list_accounts)
            .service(accounts::get_account)
            .service(accounts::update_account)
            .service(accounts::reset_password)
            .service(api_tokens::create_api_token)
            .service(api_tokens::list_api_tokens)
            .service(api_tokens::revoke_api_token)
            .service(audit::list_audit),
    );
}

/// The `ETag` of a record: its version, quoted.
pub fn etag(version: i32) -> actix_web::http::header::ETag {
    use actix_web::http::header::{ETag, EntityTag};
    ETag(EntityTag::new_strong(version.to_string()))
}

/// The version named by `If-Match`, when the header is present. `*` matches any
/// version; a value that is no version of ours can never match.
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(pub Option<i32>);

impl actix_web::FromRequest for IfMatch {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let version = req.headers().get(actix_web::http::header::IF_MATCH).and_then(|value| {
            let value = value.to_str().unwrap_or_default().trim();
            if value == "*" {
                return None;
            }
            let tag = value.trim_start_matches("W/").trim_matches('"');
            Some(tag.parse::<i32>().unwrap_or(-1))
        });
        std::future::ready(Ok(Self(version)))
    }
}

impl IfMatch {
    /// The version an update must apply to: `If-Match`, else the body's `version`,
    /// else the current one (an unconditional update). 412 when stale.
    pub fn check(self, body_version: Option<i32>, current: i32) -> Result<i32, crate::error::ApiError> {
        match self.0.or(body_version) {
            Some(expected) if expected != current => Err(crate::error::ApiError::PreconditionFailed(format!(
                "the record is at version {current}, not {expected}; reload it and apply the change again"
            ))),
            _ => Ok(current),
        }
    }
}
