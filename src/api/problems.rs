use actix_web::{get, web};

use crate::error::{ApiError, ProblemType};

/// Describe a problem type
///
/// What the `type` of a problem document (`/problems/{slug}`) names: its
/// status, the `code` it carries unless a more precise one applies, and what a
/// client does about it.
#[utoipa::path(
    tag = "operations",
    params(("slug" = String, Path, description = "The last segment of a problem's `type`", example = "validation-failed")),
    responses(
        (status = 200, description = "The problem type", body = ProblemType),
        (status = 404, description = "No such problem type"),
    )
)]
#[get("/problems/{slug}")]
pub async fn problem_type(slug: web::Path<String>) -> Result<web::Json<ProblemType>, ApiError> {
    ProblemType::by_slug(&slug).map(web::Json).ok_or_else(|| ApiError::not_found(format!("problem type {slug}")))
}
