//! `ValidJson<T>`: the JSON body extractor of every endpoint, and raw bodies of other types.
//!
//! Unlike `actix_web::web::Json` it reports *where* a body is wrong (the field path,
//! via serde_path_to_error), rejects unknown fields (the DTOs deny them), runs the
//! `validator` rules, and maps each failure to the right status: 415 not JSON,
//! 413 too large, 400 malformed JSON, 422 well-formed but breaking a rule.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use validator::Validate;

use crate::dto::json::parse_json;
use crate::error::ApiError;

/// A JSON request body, deserialized and validated.
#[derive(Debug)]
pub struct ValidJson<T>(pub T);

impl<T> ValidJson<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type_ok = is_json_content_type(req);
        let body = Bytes::from_request(req, payload);
        Box::pin(async move {
            if !content_type_ok {
                return Err(ApiError::UnsupportedMediaType(
                    "the body must be JSON sent as Content-Type: application/json".into(),
                ));
            }
            let bytes = body.await.map_err(unreadable_body)?;
            let value: T = parse_json(&bytes)?;
            value.validate()?;
            Ok(Self(value))
        })
    }
}

/// An optional JSON request body: no body at all (and then no content type
/// either) is `T::default()`; a body is read exactly as [`ValidJson`] reads it.
/// Document it as `request_body(content = Option<T>, ...)`, which the spec shows
/// as not required, of the type or `null` (JSON `null` is taken as no body).
#[derive(Debug)]
pub struct OptionalJson<T>(pub T);

impl<T> OptionalJson<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + Validate + Default + 'static> FromRequest for OptionalJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type_ok = is_json_content_type(req);
        let body = Bytes::from_request(req, payload);
        Box::pin(async move {
            let bytes = body.await.map_err(unreadable_body)?;
            if bytes.is_empty() {
                return Ok(Self(T::default()));
            }
            if !content_type_ok {
                return Err(ApiError::UnsupportedMediaType(
                    "a body must be JSON sent as Content-Type: application/json (or send none)".into(),
                ));
            }
            // The spec describes the optional body as the type or `null`.
            if bytes.trim_ascii() == b"null" {
                return Ok(Self(T::default()));
            }
            let value: T = parse_json(&bytes)?;
            value.validate()?;
            Ok(Self(value))
        })
    }
}

/// A body that could not be read: too large (413), or cut off or malformed on the wire (400).
fn unreadable_body(err: actix_web::Error) -> ApiError {
    if err.as_response_error().status_code() == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge("the request body is larger than this endpoint accepts".into())
    } else {
        ApiError::BadRequest { detail: format!("the request body could not be read: {err}"), errors: Vec::new() }
    }
}

fn is_json_content_type(req: &HttpRequest) -> bool {
    let Some(value) = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Reads a whole body of `content_type` (e.g. `text/csv`) up to `limit` bytes:
/// 415 for another type, 413 beyond the limit.
pub async fn read_body(
    req: &HttpRequest,
    mut payload: actix_web::web::Payload,
    content_type: &str,
    limit: usize,
) -> Result<Vec<u8>, ApiError> {
    use futures_util::StreamExt;
    let sent = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if sent.split(';').next().unwrap_or_default().trim().to_ascii_lowercase() != content_type {
        return Err(ApiError::UnsupportedMediaType(format!("the body must be sent as Content-Type: {content_type}")));
    }
    // Sized from Content-Length (within the limit) when the client sends it: a
    // vector grown by doubling holds up to twice the body, for as long as the
    // request waits for its database slot.
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = Vec::with_capacity(announced.min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|err| ApiError::BadRequest {
            detail: format!("the body could not be read: {err}"),
            errors: vec![],
        })?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge(format!("the body is larger than {limit} bytes")));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
