use actix_web::{HttpResponse, get, patch, web};

use crate::api::paging::{Listed, Paging};
use crate::api::query::Query;
use crate::auth::AuthUser;
use crate::domain::visibility::Visibility;

use crate::api::etag;
use crate::api::json::ValidJson;
use crate::db::Db;
use crate::db::branches::BranchFilter;
use crate::domain::version::ExpectedVersion;
use crate::dto::branch::{BranchFilterQuery, BranchOut, UpdateBranch};
use crate::dto::page::paginate;
use crate::dto::{Page, PageQuery};
use crate::error::{ApiError, Problem};
use crate::service;

/// List the regional branches
///
/// The 20 branches (3 cities of republican significance and 17 regions), ordered
/// by code, with their names in Kazakh, Russian and English. Public (the
/// recruitment form needs it); the head coordinator's name is shown to signed-in
/// staff and volunteers only.
#[utoipa::path(
    tag = "branches",
    params(BranchFilterQuery, PageQuery),
    responses(
        (status = 200, description = "A page of branches", body = Page<BranchOut>),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid paging parameters", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/branches")]
pub async fn list_branches(
    db: web::Data<Db>,
    user: Option<AuthUser>,
    filter: Query<BranchFilterQuery>,
    page: Paging,
) -> Result<Listed<BranchOut>, ApiError> {
    let limit = page.limit()?;
    let filter = BranchFilter { kind: filter.kind, updated_since: page.updated_since(), after: page.after()? };
    let rows = service::branches::list(&db, filter, i64::from(limit) + 1).await?;
    let visibility = Visibility::of(user.map(|user| user.role));
    Ok(page.respond(paginate(rows, limit, |row| row.code.clone(), |row| BranchOut::new(row, visibility))))
}

/// Get one branch
///
/// An unknown or malformed code answers 404.
#[utoipa::path(
    tag = "branches",
    params(("code" = String, Path, description = "ISO 3166-2:KZ code", example = "KZ-71")),
    responses(
        (status = 200, description = "The branch; `ETag` carries its version", body = BranchOut),
        (status = 404, description = "No such branch", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/branches/{code}")]
pub async fn get_branch(
    db: web::Data<Db>,
    user: Option<AuthUser>,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let branch = service::branches::get(&db, code.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(branch.version))
        .json(BranchOut::new(branch, Visibility::of(user.map(|user| user.role)))))
}

/// Update a branch's contact data
///
/// Office address, phone and head coordinator; by admins and the branch's own
/// coordinators. Send `If-Match` (or `version`) to avoid overwriting a concurrent
/// change.
#[utoipa::path(
    tag = "branches",
    security(("bearer" = [])),
    params(
        ("code" = String, Path, description = "ISO 3166-2:KZ code", example = "KZ-71"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on"),
    ),
    request_body = UpdateBranch,
    responses(
        (status = 200, description = "Updated", body = BranchOut),
        (status = 404, description = "No such branch"),
        (status = 412, description = "The branch changed since the given version"),
    )
)]
#[patch("/branches/{code}")]
pub async fn update_branch(
    db: web::Data<Db>,
    user: AuthUser,
    code: web::Path<String>,
    if_match: ExpectedVersion,
    body: ValidJson<UpdateBranch>,
) -> Result<HttpResponse, ApiError> {
    let branch = service::branches::update(&db, &user, code.into_inner(), body.into_inner(), if_match).await?;
    Ok(HttpResponse::Ok().insert_header(etag(branch.version)).json(BranchOut::from(branch)))
}
