use actix_web::{get, web};

use crate::api::paging::{Listed, Paging};
use crate::api::query::Query;
use crate::auth::{AuthUser, Authorized, RoleSet};
use crate::db::Db;
use crate::db::stock_balances::BalanceFilter;
use crate::db::volunteer_holdings::HoldingFilter;
use crate::domain::role::Role;
use crate::dto::page::paginate;
use crate::dto::stock::{
    BalanceFilterQuery, BalanceOut, HoldingFilterQuery, HoldingOut, MaterialTotalOut, TotalsQuery,
};
use crate::dto::{Page, PageQuery};
use crate::error::{ApiError, ErrorCode};
use crate::service;

/// Who may read branch stock and national totals: staff and observers.
#[derive(Debug, Clone)]
pub struct StockReaders;

impl RoleSet for StockReaders {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Coordinator, Role::Observer];
}

/// A two-part sort key (`a|b`) of a cursor.
fn pair(cursor: Option<String>) -> Result<Option<(String, String)>, ApiError> {
    cursor
        .map(|key| {
            key.split_once('|').map(|(a, b)| (a.to_owned(), b.to_owned())).ok_or_else(|| {
                ApiError::invalid("query.cursor", ErrorCode::InvalidCursor, "cursor is not one this API issued")
            })
        })
        .transpose()
}

/// List branch stock balances
///
/// What each branch has of each material, kept by every movement, with the
/// material's reorder level; `below_reorder_level=true` lists the branches
/// that hold less than it (among those that have held the material).
/// Coordinators see their own branch.
#[utoipa::path(
    tag = "materials",
    security(("bearer" = [])),
    params(BalanceFilterQuery, PageQuery),
    responses((status = 200, description = "A page of balances", body = Page<BalanceOut>))
)]
#[get("/stock-balances")]
pub async fn list_balances(
    db: web::Data<Db>,
    user: Authorized<StockReaders>,
    filter: Query<BalanceFilterQuery>,
    page: Paging,
) -> Result<Listed<BalanceOut>, ApiError> {
    let limit = page.limit()?;
    let filter = filter.into_inner();
    let filter = BalanceFilter {
        branch: filter.branch,
        material_id: filter.material_id,
        below_reorder_level: filter.below_reorder_level.unwrap_or(false),
        updated_since: page.updated_since(),
        after: pair(page.after()?)?,
    };
    let rows = service::stock_balances::list_balances(&db, &user, filter, i64::from(limit) + 1).await?;
    Ok(page.respond(paginate(
        rows,
        limit,
        |(row, _)| format!("{}|{}", row.branch_code, row.material_id),
        BalanceOut::from,
    )))
}

/// List what volunteers carry
///
/// Issued and not yet returned or handed out. Coordinators see their branch,
/// volunteers themselves, observers every branch without volunteers' ids or names.
#[utoipa::path(
    tag = "materials",
    security(("bearer" = [])),
    params(HoldingFilterQuery, PageQuery),
    responses((status = 200, description = "A page of holdings", body = Page<HoldingOut>))
)]
#[get("/volunteer-holdings")]
pub async fn list_holdings(
    db: web::Data<Db>,
    user: AuthUser,
    filter: Query<HoldingFilterQuery>,
    page: Paging,
) -> Result<Listed<HoldingOut>, ApiError> {
    let limit = page.limit()?;
    let filter = filter.into_inner();
    let filter = HoldingFilter {
        branch: filter.branch,
        volunteer_id: filter.volunteer_id,
        material_id: filter.material_id,
        updated_since: page.updated_since(),
        after: pair(page.after()?)?,
    };
    let rows = service::stock_balances::list_holdings(&db, &user, filter, i64::from(limit) + 1).await?;
    let visibility = user.visibility();
    Ok(page.respond(paginate(
        rows,
        limit,
        |(row, _)| format!("{}|{}", row.volunteer_id, row.material_id),
        |row| HoldingOut::new(row, visibility),
    )))
}

/// National stock totals
///
/// Per material: on the shelves of every branch, and carried by volunteers.
/// National: admins, coordinators and observers alike.
#[utoipa::path(
    tag = "materials",
    security(("bearer" = [])),
    params(TotalsQuery),
    responses((status = 200, description = "A page of totals, by material", body = Page<MaterialTotalOut>))
)]
#[get("/stock-totals")]
pub async fn stock_totals(
    db: web::Data<Db>,
    _user: Authorized<StockReaders>,
    page: Paging,
) -> Result<Listed<MaterialTotalOut>, ApiError> {
    let limit = page.limit()?;
    let rows = service::stock_balances::totals(&db, page.after()?, i64::from(limit) + 1).await?;
    Ok(page.respond(paginate(rows, limit, |row| row.material_id.to_string(), |row| row)))
}
