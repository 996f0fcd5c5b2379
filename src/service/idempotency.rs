//! `Idempotency-Key` for creating requests: a replay with the same key returns
//! the first response instead of creating anything again.
//!
//! The key is claimed, the work done and its response stored in ONE write
//! transaction: a request that fails or dies anywhere in between leaves neither
//! its record nor its claim, so a retry simply starts over. A concurrent request
//! with the same key waits for that transaction (SQLite serialises writers; on
//! PostgreSQL the claim's insert waits on the uncommitted one) and then replays
//! its answer.

use crate::auth::secret::token_hash;
use crate::db::{Db, DbConn, idempotency, write_transaction};
use crate::domain::time::now;
use crate::error::{ApiError, ErrorCode};

/// A stored (or fresh) response: status and JSON body.
pub struct StoredResponse {
    pub status: u16,
    pub body: String,
    pub replayed: bool,
}

/// How long a claim left by an earlier version of the server (which committed
/// claims on their own) may be unanswered before it is taken over.
const CLAIM_TIMEOUT: chrono::TimeDelta = chrono::TimeDelta::minutes(2);

/// Runs `work` on `request` once per (`scope`, `key`), in one write transaction
/// with the key's claim and stored response: every replay of the same request
/// gets the first response back. Without a key, `work` just runs in a write
/// transaction. `work` must not open a transaction of its own.
pub async fn once<R, F>(
    db: &Db,
    scope: String,
    key: Option<String>,
    request: R,
    work: F,
) -> Result<StoredResponse, ApiError>
where
    R: serde::Serialize + Send + 'static,
    F: FnOnce(&mut DbConn, R) -> Result<(u16, String), ApiError> + Send + 'static,
{
    let Some(key) = key else {
        let (status, body) = db.run(move |conn| write_transaction(conn, |conn| work(conn, request))).await?;
        return Ok(StoredResponse { status, body, replayed: false });
    };
    let request_hash = token_hash(&serde_json::to_string(&request).map_err(ApiError::internal)?);
    let crash = db.idempotency_crash.clone();
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            if let Some(stored) = claim(conn, &scope, &key, &request_hash)? {
                return Ok(stored);
            }
            let (status, body) = work(conn, request)?;
            if crash.fires() {
                return Err(ApiError::internal("injected crash between the work and its stored response"));
            }
            idempotency::store_response(conn, &scope, &key, status, &body)?;
            Ok(StoredResponse { status, body, replayed: false })
        })
    })
    .await
}

/// Claims the key for the current transaction (`None`), or returns the answer
/// stored for it.
fn claim(conn: &mut DbConn, scope: &str, key: &str, request_hash: &str) -> Result<Option<StoredResponse>, ApiError> {
    let at = now();
    if idempotency::claim(conn, scope, key, request_hash, at)? {
        return Ok(None);
    }
    let stored = idempotency::find(conn, scope, key)?
        .ok_or_else(|| ApiError::internal("an idempotency key vanished between its claim and its read"))?;
    if stored.request_hash != request_hash {
        return Err(ApiError::invalid(
            "Idempotency-Key",
            ErrorCode::Reused,
            "this Idempotency-Key was used for a different request; use a new key",
        ));
    }
    match stored.status_code {
        0 if at - stored.created_at > CLAIM_TIMEOUT => {
            idempotency::take_over(conn, scope, key, at)?;
            Ok(None)
        }
        0 => Err(ApiError::Conflict {
            detail: "a request with this Idempotency-Key is still being processed; retry shortly".into(),
            errors: vec![],
            existing_id: None,
        }),
        status => Ok(Some(StoredResponse {
            status: u16::try_from(status).unwrap_or(200),
            body: stored.response_body.unwrap_or_default(),
            replayed: true,
        })),
    }
}
