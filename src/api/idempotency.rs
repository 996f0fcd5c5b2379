//! The HTTP side of `Idempotency-Key` (storage and replay are in
//! `service::idempotency`): reading the header, answering a stored response.

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse};

use crate::auth::SessionUser;
use crate::db::{Db, DbConn};
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::service::idempotency::{self, StoredResponse};

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

/// The top-level `version` of a response body, when it has one.
#[derive(serde::Deserialize)]
struct Version {
    version: Option<i32>,
}

/// The response to send: a replay says so in `Idempotent-Replayed`. A record
/// answered whole carries its version as `ETag`, replays too (read back from
/// the stored body, which is all a replay has).
pub fn respond(stored: StoredResponse) -> HttpResponse {
    let mut response = HttpResponse::build(StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK));
    if stored.replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    if let Some(version) = serde_json::from_str::<Version>(&stored.body).ok().and_then(|body| body.version) {
        response.insert_header(crate::api::etag(version));
    }
    response.content_type("application/json").body(stored.body)
}

/// Runs a creating request at most once per `Idempotency-Key` (see
/// `service::idempotency::once`): `work` runs in the key's write transaction
/// and answers a status and a body; a replay answers the stored copy. Every
/// creating `POST` goes through here, so none can forget the key. Keys are the
/// caller's own: `operation` (`POST /events`) and the account scope them.
pub async fn create_once<R, T, F>(
    db: &Db,
    operation: String,
    actor: &SessionUser,
    key: IdempotencyKey,
    request: R,
    work: F,
) -> Result<HttpResponse, ApiError>
where
    R: serde::Serialize + Send + 'static,
    T: serde::Serialize,
    F: FnOnce(&mut DbConn, &SessionUser, R) -> Result<(StatusCode, T), ApiError> + Send + 'static,
{
    run_once(db, operation, actor, key, request, work).await.map(respond)
}

/// [`create_once`] without the response: for a handler that adds to a fresh
/// answer what must never be stored (a secret shown once).
pub async fn run_once<R, T, F>(
    db: &Db,
    operation: String,
    actor: &SessionUser,
    key: IdempotencyKey,
    request: R,
    work: F,
) -> Result<StoredResponse, ApiError>
where
    R: serde::Serialize + Send + 'static,
    T: serde::Serialize,
    F: FnOnce(&mut DbConn, &SessionUser, R) -> Result<(StatusCode, T), ApiError> + Send + 'static,
{
    let scope = format!("{operation} by {}", actor.account_id);
    let actor = actor.clone();
    idempotency::once(db, scope, key.0, request, move |conn, input| {
        let (status, body) = work(conn, &actor, input)?;
        Ok((status.as_u16(), serde_json::to_string(&body).map_err(ApiError::internal)?))
    })
    .await
}
