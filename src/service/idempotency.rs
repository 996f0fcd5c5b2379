//! `Idempotency-Key` for creating requests: a replay with the same key returns
//! the first response instead of creating anything again.

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use diesel::prelude::*;

use crate::auth::secret::token_hash;
use crate::db::schema::idempotency_keys;
use crate::db::{Db, DbConn};
use crate::domain::time::now;
use crate::error::{ApiError, FieldError};

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
                    errors: vec![FieldError::new("Idempotency-Key", "format", "1 to 200 visible ASCII characters")],
                })
            }
        });
        std::future::ready(key.transpose().map(Self))
    }
}

/// A stored (or fresh) response: status and JSON body.
pub struct StoredResponse {
    pub status: u16,
    pub body: String,
    pub replayed: bool,
}

impl StoredResponse {
    pub fn into_response(self) -> HttpResponse {
        let status = actix_web::http::StatusCode::from_u16(self.status).unwrap_or(actix_web::http::StatusCode::OK);
        let mut response = HttpResponse::build(status);
        if self.replayed {
            response.insert_header(("Idempotent-Replayed", "true"));
        }
        response.content_type("application/json").body(self.body)
    }
}

enum Claim {
    Replay(StoredResponse),
    Claimed,
}

/// How long a first request may run before its claim on a key is taken over.
const CLAIM_TIMEOUT: chrono::TimeDelta = chrono::TimeDelta::minutes(2);

fn stale_claim(conn: &mut DbConn, scope: &str, key: &str) -> Result<bool, ApiError> {
    let claimed_at: chrono::NaiveDateTime =
        idempotency_keys::table.find((scope, key)).select(idempotency_keys::created_at).first(conn)?;
    Ok(now() - claimed_at > CLAIM_TIMEOUT)
}

fn claim(conn: &mut DbConn, scope: &str, key: &str, request_hash: &str) -> Result<Claim, ApiError> {
    let stored = idempotency_keys::table
        .find((scope, key))
        .select((idempotency_keys::request_hash, idempotency_keys::status_code, idempotency_keys::response_body))
        .first::<(String, i32, Option<String>)>(conn)
        .optional()?;
    match stored {
        Some((hash, _, _)) if hash != request_hash => Err(ApiError::invalid(
            "Idempotency-Key",
            "reused",
            "this Idempotency-Key was used for a different request; use a new key",
        )),
        // A claim whose request never finished (a crash, a lost database) is taken over.
        Some((_, 0, _)) if stale_claim(conn, scope, key)? => {
            diesel::update(idempotency_keys::table.find((scope, key)))
                .set(idempotency_keys::created_at.eq(now()))
                .execute(conn)?;
            Ok(Claim::Claimed)
        }
        Some((_, 0, _)) => Err(ApiError::Conflict {
            detail: "a request with this Idempotency-Key is still being processed; retry shortly".into(),
            errors: vec![],
            existing_id: None,
        }),
        Some((_, status, body)) => Ok(Claim::Replay(StoredResponse {
            status: u16::try_from(status).unwrap_or(200),
            body: body.unwrap_or_default(),
            replayed: true,
        })),
        None => {
            let inserted = diesel::insert_into(idempotency_keys::table)
                .values((
                    idempotency_keys::scope.eq(scope),
                    idempotency_keys::idempotency_key.eq(key),
                    idempotency_keys::request_hash.eq(request_hash),
                    idempotency_keys::status_code.eq(0),
                    idempotency_keys::created_at.eq(now()),
                ))
                .execute(conn);
            match inserted {
                Ok(_) => Ok(Claim::Claimed),
                // Another request claimed the key between our read and insert.
                Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
                    Err(ApiError::Conflict {
                        detail: "a request with this Idempotency-Key is still being processed; retry shortly".into(),
                        errors: vec![],
                        existing_id: None,
                    })
                }
                Err(err) => Err(err.into()),
            }
        }
    }
}

/// Runs `work` once per (`scope`, `key`): the first response is stored and every
/// replay of the same request gets it back. Without a key, `work` just runs.
/// A failed first attempt stores nothing, so the client may retry with the key.
pub async fn once<F, Fut>(
    db: &Db,
    scope: String,
    key: IdempotencyKey,
    request: &impl serde::Serialize,
    work: F,
) -> Result<StoredResponse, ApiError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<(u16, String), ApiError>>,
{
    let Some(key) = key.0 else {
        let (status, body) = work().await?;
        return Ok(StoredResponse { status, body, replayed: false });
    };
    let request_hash = token_hash(&serde_json::to_string(request).map_err(ApiError::internal)?);
    let (claim_scope, claim_key) = (scope.clone(), key.clone());
    if let Claim::Replay(stored) = db.run(move |conn| claim(conn, &claim_scope, &claim_key, &request_hash)).await? {
        return Ok(stored);
    }
    let outcome = work().await;
    db.run(move |conn| {
        let row = idempotency_keys::table.find((&scope, &key));
        match &outcome {
            Ok((status, body)) => {
                diesel::update(row)
                    .set((
                        idempotency_keys::status_code.eq(i32::from(*status)),
                        idempotency_keys::response_body.eq(body),
                    ))
                    .execute(conn)?;
            }
            Err(_) => {
                diesel::delete(row).execute(conn)?;
            }
        }
        let (status, body) = outcome?;
        Ok(StoredResponse { status, body, replayed: false })
    })
    .await
}
