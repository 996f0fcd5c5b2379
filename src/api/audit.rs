use actix_web::{get, web};

use crate::api::paging::{Listed, Paging};
use crate::api::query::Query;
use crate::auth::AdminUser;
use crate::db::Db;
use crate::db::audit::AuditFilter;
use crate::dto::audit::{AuditEntryOut, AuditFilterQuery};
use crate::dto::page::paginate;
use crate::dto::{Page, PageQuery};
use crate::error::ApiError;
use crate::service;

/// Read the audit log
///
/// Newest first. Account changes, logins and failed logins, token creation and
/// revocation, branch changes. Admins only, every branch.
#[utoipa::path(
    tag = "audit",
    security(("bearer" = [])),
    params(AuditFilterQuery, PageQuery),
    responses((status = 200, description = "A page of entries", body = Page<AuditEntryOut>))
)]
#[get("/audit")]
pub async fn list_audit(
    db: web::Data<Db>,
    _admin: AdminUser,
    filter: Query<AuditFilterQuery>,
    page: Paging,
) -> Result<Listed<AuditEntryOut>, ApiError> {
    let limit = page.limit()?;
    let filter = filter.into_inner();
    let filter = AuditFilter {
        actor_id: filter.actor_id,
        action: filter.action,
        record_type: filter.record_type,
        record_id: filter.record_id,
        from: filter.from.map(|at| at.naive_utc()).or(page.updated_since()),
        to: filter.to.map(|at| at.naive_utc()),
        before: page.after()?,
    };
    let rows = service::audit::list(&db, filter, i64::from(limit) + 1).await?;
    Ok(page.respond(paginate(rows, limit, |row| row.id.clone(), AuditEntryOut::from)))
}
