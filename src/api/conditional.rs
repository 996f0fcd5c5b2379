//! Conditional GETs for every read: a `200` gets an `ETag` (the handler's, from
//! the record's version, or else a weak tag over the body), and a request whose
//! `If-None-Match` names it gets `304 Not Modified` without the body. Clients that
//! poll a page every few seconds (a branch's events on a coordinator's screen)
//! then download nothing while it is unchanged.
//!
//! The tags compare weakly, as RFC 9110 requires for `If-None-Match`:
//! `W/"x"` matches `"x"`.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};

pub async fn conditional_get(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let is_read = matches!(*req.method(), Method::GET | Method::HEAD);
    let if_none_match =
        req.headers().get(header::IF_NONE_MATCH).and_then(|value| value.to_str().ok()).map(str::to_owned);
    let response = next.call(req).await?.map_into_boxed_body();
    if !is_read || response.status() != StatusCode::OK {
        return Ok(response);
    }
    let (request, response) = response.into_parts();
    let (mut response, body) = response.into_parts();
    // Only a body already in memory is tagged; a streamed one passes through.
    let body = match body.try_into_bytes() {
        Ok(bytes) => bytes,
        Err(body) => return Ok(ServiceResponse::new(request, response.set_body(body))),
    };
    let tag = match response.headers().get(header::ETAG) {
        Some(tag) => tag.clone(),
        None => {
            // A weak validator needs no cryptographic hash, only a fast one whose
            // output is stable across restarts and instances: SHA-256 without the
            // CPU's SHA instructions cost more than serialising the page.
            let digest = xxhash_rust::xxh3::xxh3_128(&body);
            let tag = HeaderValue::from_str(&format!("W/\"{digest:032x}\""))
                .map_err(actix_web::error::ErrorInternalServerError)?;
            response.headers_mut().insert(header::ETAG, tag.clone());
            tag
        }
    };
    if if_none_match.as_deref().is_some_and(|sent| weakly_matches(sent, tag.to_str().unwrap_or_default())) {
        let mut not_modified = HttpResponse::NotModified();
        not_modified.insert_header((header::ETAG, tag));
        for name in [header::CACHE_CONTROL, header::VARY] {
            if let Some(value) = response.headers().get(&name) {
                not_modified.insert_header((name, value.clone()));
            }
        }
        return Ok(ServiceResponse::new(request, not_modified.finish()));
    }
    Ok(ServiceResponse::new(request, response.set_body(BoxBody::new(body))))
}

/// A tag without its weakness marker.
fn opaque(tag: &str) -> &str {
    tag.trim().trim_start_matches("W/")
}

/// Whether `If-None-Match` (`*` or a list of tags) names `tag`, comparing the
/// opaque parts only.
pub(crate) fn weakly_matches(if_none_match: &str, tag: &str) -> bool {
    let ours = opaque(tag);
    if_none_match.split(',').any(|sent| sent.trim() == "*" || opaque(sent) == ours)
}

#[cfg(test)]
mod tests {
    use super::weakly_matches;

    #[test]
    fn if_none_match_compares_weakly() {
        assert!(weakly_matches("W/\"3\"", "\"3\""));
        assert!(weakly_matches("\"3\"", "W/\"3\""));
        assert!(weakly_matches("\"1\", W/\"3\"", "\"3\""));
        assert!(weakly_matches("*", "\"3\""));
        assert!(!weakly_matches("\"4\"", "\"3\""));
        assert!(!weakly_matches("\"33\"", "\"3\""));
    }
}
