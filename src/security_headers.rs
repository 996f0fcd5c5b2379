//! Security headers on every response where they apply.
//!
//! - `X-Content-Type-Options: nosniff` on every response: a browser never
//!   guesses a type other than the one sent (a JSON body is never run as script).
//! - `Cache-Control: no-store` on responses to signed-in requests (they may
//!   carry personal data), on the auth endpoints (tokens), on `/me` and on the
//!   secret calendar feeds, unless the handler set a policy of its own. Public
//!   reads (branches, the public event feed) stay cacheable. Clients still get
//!   `ETag`s and may send `If-None-Match` from their own copy.
//! - A strict `Content-Security-Policy` on the interactive docs (`/docs`):
//!   only the binary's own scripts, styles, images and the spec it fetches.

use actix_web::Error;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;

/// The policy of the interactive docs: Swagger UI's own files, its inline
/// style attributes and data-URI icons, and requests to this server only.
pub const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; \
frame-ancestors 'none'";

/// Paths whose answers carry tokens or personal data even without a token.
const PRIVATE_PREFIXES: &[&str] =
    &["/api/v1/auth/", "/api/v1/me", "/api/v1/calendar/", "/api/v1/volunteer-applications"];

pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let path = req.path().to_owned();
    let signed_in = req.headers().contains_key(header::AUTHORIZATION);
    let mut response = next.call(req).await?.map_into_boxed_body();
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    let private = signed_in || PRIVATE_PREFIXES.iter().any(|prefix| path.starts_with(prefix));
    if private && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if path == "/docs" || path.starts_with("/docs/") {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(DOCS_CSP));
    }
    Ok(response)
}
