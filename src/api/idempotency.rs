//! The HTTP side of `Idempotency-Key` (storage and replay are in
//! `service::idempotency`): reading the header, answering a stored response.

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse};

use crate::error::{ApiError, ErrorCode, FieldError};
use crate::service::idempotency::StoredResponse;

/// The client's `Idempotency-Key` header, when sent.
#[derive(Debug, Clone)]
pub struct IdempotencyKey(pub Option<String>);

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let key = req.headers().get("idempotency-key").map(|value| {
            let value = value.to_str().unwrap_or_default().trim();
            if (1..=200).contains(&value.len()) && value.chars().all(|c| c.is_ascii_graphic()) {
                Ok(value.to_owned())
            } else {
                Err(ApiError::BadRequest {
                    detail: "Idempotency-Key must be 1 to 200 visible ASCII characters".into(),
                    errors: vec![FieldError::new(
                        "Idempotency-Key",
                        ErrorCode::Format,
                        "1 to 200 visible ASCII characters",
                    )],
                })
            }
        });
        std::future::ready(key.transpose().map(Self))
    }
}

/// The response to send: a replay says so in `Idempotent-Replayed`.
pub fn respond(stored: StoredResponse) -> HttpResponse {
    let mut response = HttpResponse::build(StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK));
    if stored.replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    response.content_type("application/json").body(stored.body)
}
