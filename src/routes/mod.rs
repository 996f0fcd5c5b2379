//! HTTP handlers, one file per resource. Each handler is registered here together
//! with its OpenAPI description, so the spec cannot drift from the routes.

pub mod branches;
pub mod fallback;
pub mod health;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::live).service(health::ready);
    cfg.service(scope::scope("/api/v1").service(branches::list_branches).service(branches::get_branch));
}

/// The `ETag` of a record: its version, quoted.
pub fn etag(version: i32) -> actix_web::http::header::ETag {
    use actix_web::http::header::{ETag, EntityTag};
    ETag(EntityTag::new_strong(version.to_string()))
}
