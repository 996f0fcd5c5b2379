use actix_web::{HttpRequest, HttpResponse, get, web};
use secrecy::ExposeSecret;

use crate::auth::bearer_token;
use crate::auth::secret::token_hash;
use crate::config::Config;
use crate::db::Db;
use crate::error::{ApiError, ErrorCode};
use crate::metrics::{Gauges, Metrics};

/// Prometheus metrics
///
/// Requests by method, route pattern and status, their latency histogram, the
/// database pool, the queue of read-audit entries and the resident memory, in
/// Prometheus' text format. Open unless `METRICS_TOKEN` is set; then it takes
/// `Authorization: Bearer <METRICS_TOKEN>`.
#[utoipa::path(
    tag = "operations",
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The metrics", body = String, content_type = "text/plain; version=0.0.4"),
    )
)]
#[get("/metrics")]
pub async fn metrics(
    req: HttpRequest,
    config: web::Data<Config>,
    db: web::Data<Db>,
    metrics: web::Data<Metrics>,
) -> Result<HttpResponse, ApiError> {
    if let Some(expected) = &config.metrics_token {
        let presented = bearer_token(&req).unwrap_or_default();
        // Compared as hashes: equal lengths, nothing to learn from the timing.
        if token_hash(presented) != token_hash(expected.expose_secret()) {
            return Err(ApiError::unauthorized(
                ErrorCode::InvalidToken,
                "the metrics need `Authorization: Bearer <METRICS_TOKEN>`",
            ));
        }
    }
    let (pool_connections, pool_idle_connections) = db.pool_state();
    let gauges = Gauges { pool_connections, pool_idle_connections, read_audit_queued: db.read_audit_queued() };
    Ok(HttpResponse::Ok().content_type("text/plain; version=0.0.4; charset=utf-8").body(metrics.render(&gauges)))
}
