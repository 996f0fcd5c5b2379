use actix_web::{get, web};

use crate::api::query::Query;
use crate::auth::AuthUser;
use crate::db::Db;
use crate::dto::poster::{CoverageQuery, PosterCoverage};
use crate::error::ApiError;
use crate::service;

/// Poster coverage
///
/// Per branch and for the nation, or with `branch` per locality and for the
/// branch: sites, active sites, the share of active sites with a current
/// poster, the median whole days since each inspected active site's last
/// inspection (and how many were never inspected), and rural settlements with
/// at least one active site. Computed in the database. Staff and observers.
#[utoipa::path(
    tag = "posters",
    security(("bearer" = [])),
    params(CoverageQuery),
    responses(
        (status = 200, description = "The coverage", body = PosterCoverage),
        (status = 404, description = "No such branch"),
    )
)]
#[get("/reports/poster-coverage")]
pub async fn poster_coverage(
    db: web::Data<Db>,
    user: AuthUser,
    query: Query<CoverageQuery>,
) -> Result<web::Json<PosterCoverage>, ApiError> {
    Ok(web::Json(service::poster_coverage::report(&db, &user, query.into_inner().branch).await?))
}
