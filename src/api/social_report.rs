use actix_web::{get, web};

use crate::api::query::Query;
use crate::auth::AuthUser;
use crate::db::Db;
use crate::dto::social::{SocialReport, SocialReportQuery};
use crate::error::ApiError;
use crate::service;

/// Social-media report
///
/// For one branch, or without `branch` for the nation: the posts (not removed)
/// and their reach, each post counted at its latest snapshot, per platform
/// (`totals` is their sum), per local day of publication (in the post's branch's
/// time zone; `from` and `to` are such days, inclusive) and platform, and the
/// `top` posts by views. Each part is one grouped query. Staff and observers
/// (no personal data: no authors).
#[utoipa::path(
    tag = "social media",
    security(("bearer" = [])),
    params(SocialReportQuery),
    responses(
        (status = 200, description = "The report", body = SocialReport),
        (status = 404, description = "No such branch"),
        (status = 422, description = "`to` before `from`, or `top` out of range"),
    )
)]
#[get("/reports/social-media")]
pub async fn social_report(
    db: web::Data<Db>,
    user: AuthUser,
    query: Query<SocialReportQuery>,
) -> Result<web::Json<SocialReport>, ApiError> {
    Ok(web::Json(service::social_report::report(&db, &user, query.into_inner()).await?))
}
