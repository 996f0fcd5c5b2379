use actix_web::{get, web};

use crate::api::paging::{Listed, Paging};
use crate::api::query::Query;
use crate::auth::AuthUser;
use crate::db::Db;
use crate::db::routes::VisitFilter;
use crate::dto::page::{decode_time_cursor, encode_time_cursor};
use crate::dto::route::{BranchProgress, VisitFilterQuery, VisitOut};
use crate::dto::{Page, PageQuery};
use crate::error::ApiError;
use crate::service;

/// List visits
///
/// In the order received (so `updated_since` gives what arrived since). Staff see
/// their branch, volunteers the visits of their routes, admins and observers all.
#[utoipa::path(
    tag = "door-to-door",
    security(("bearer" = [])),
    params(VisitFilterQuery, PageQuery),
    responses((status = 200, description = "A page of visits", body = Page<VisitOut>))
)]
#[get("/visits")]
pub async fn list_visits(
    db: web::Data<Db>,
    user: AuthUser,
    filter: Query<VisitFilterQuery>,
    page: Paging,
) -> Result<Listed<VisitOut>, ApiError> {
    let limit = page.limit()?;
    let filter = filter.into_inner();
    let filter = VisitFilter {
        route_id: filter.route_id,
        volunteer_id: filter.volunteer_id,
        branch: filter.branch,
        assignee: None,
        from: filter.from.map(|at| at.naive_utc()),
        to: filter.to.map(|at| at.naive_utc()),
        received_since: page.updated_since(),
        after: decode_time_cursor(page.after()?)?,
    };
    let mut items = service::visits::list(&db, &user, filter, i64::from(limit) + 1).await?;
    let next_cursor = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|visit| encode_time_cursor(visit.received_at.naive_utc(), &visit.id))
    } else {
        None
    };
    Ok(page.respond(Page { items, next_cursor }))
}

/// Door-to-door progress of every branch
///
/// Routes, stops covered, doors, conversations and the share of localities (and
/// of rural settlements) with at least one completed route. Staff and
/// observers, every branch (coordinators too: a national aggregate).
#[utoipa::path(
    tag = "door-to-door",
    security(("bearer" = [])),
    responses((status = 200, description = "One entry per branch, all on one page (`next_cursor` is `null`)", body = Page<BranchProgress>))
)]
#[get("/progress")]
pub async fn national_progress(db: web::Data<Db>, user: AuthUser) -> Result<web::Json<Page<BranchProgress>>, ApiError> {
    let items = service::progress::national(&db, &user).await?;
    Ok(web::Json(Page { items, next_cursor: None }))
}

/// Door-to-door progress of a branch
///
/// As the national report, with the detail per locality.
#[utoipa::path(
    tag = "door-to-door",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Branch code", example = "KZ-71")),
    responses(
        (status = 200, description = "The branch's coverage", body = BranchProgress),
        (status = 404, description = "No such branch"),
    )
)]
#[get("/progress/branches/{code}")]
pub async fn branch_progress(
    db: web::Data<Db>,
    user: AuthUser,
    code: web::Path<String>,
) -> Result<web::Json<BranchProgress>, ApiError> {
    Ok(web::Json(service::progress::branch(&db, &user, code.into_inner()).await?))
}
