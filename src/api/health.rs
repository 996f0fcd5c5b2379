use actix_web::{get, web};

use crate::db::Db;
use crate::dto::health::{HealthOut, HealthStatus};
use crate::error::{ApiError, Problem};

/// Liveness probe
///
/// The process is up and serving HTTP. Does not touch the database.
#[utoipa::path(tag = "operations", responses((status = 200, description = "Alive", body = HealthOut)))]
#[get("/health/live")]
pub async fn live() -> web::Json<HealthOut> {
    web::Json(HealthOut { status: HealthStatus::Ok })
}

/// Readiness probe
///
/// Runs a trivial query; 503 (with `Retry-After`) when the database does not answer.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Ready to serve", body = HealthOut),
        (status = 503, description = "The database is unreachable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/health/ready")]
pub async fn ready(db: web::Data<Db>) -> Result<web::Json<HealthOut>, ApiError> {
    db.ping().await?;
    Ok(web::Json(HealthOut { status: HealthStatus::Ok }))
}
