//! Reading the balances the ledger keeps: per branch, per volunteer, national.

use std::collections::HashMap;

use crate::auth::SessionUser;
use crate::db::materials::{self, MaterialFilter};
use crate::db::stock_balances::{self, BalanceFilter, StockBalance};
use crate::db::volunteer_holdings::{self, Holding, HoldingFilter};
use crate::db::{Db, DbConn};
use crate::domain::ids::MaterialId;
use crate::domain::role::Role;
use crate::dto::stock::MaterialTotalOut;
use crate::error::ApiError;

/// One page of branch balances (`limit` rows); coordinators see their own branch.
pub async fn list_balances(
    db: &Db,
    actor: &SessionUser,
    mut filter: BalanceFilter,
    limit: i64,
) -> Result<Vec<(StockBalance, Option<i32>)>, ApiError> {
    let Some(branch) = actor.list_branch(filter.branch.take()) else { return Ok(Vec::new()) };
    filter.branch = branch;
    db.run(move |conn| Ok(stock_balances::list(conn, &filter, limit)?)).await
}

/// One page of volunteer holdings (`limit` rows): coordinators see their branch,
/// volunteers what they carry themselves.
pub async fn list_holdings(
    db: &Db,
    actor: &SessionUser,
    mut filter: HoldingFilter,
    limit: i64,
) -> Result<Vec<(Holding, Option<String>)>, ApiError> {
    let Some(branch) = actor.list_branch(filter.branch.take()) else { return Ok(Vec::new()) };
    filter.branch = branch;
    if actor.role == Role::Volunteer {
        let Some(own) = actor.volunteer_id.clone() else { return Ok(Vec::new()) };
        if filter.volunteer_id.as_ref().is_some_and(|requested| requested != &own) {
            return Ok(Vec::new());
        }
        filter.volunteer_id = Some(own);
    }
    db.run(move |conn| Ok(volunteer_holdings::list(conn, &filter, limit)?)).await
}

/// National totals for one page of the catalogue (`limit` materials after `after`).
pub async fn totals(db: &Db, after: Option<String>, limit: i64) -> Result<Vec<MaterialTotalOut>, ApiError> {
    db.run(move |conn| totals_page(conn, after, limit)).await
}

fn totals_page(conn: &mut DbConn, after: Option<String>, limit: i64) -> Result<Vec<MaterialTotalOut>, ApiError> {
    let page = materials::list(conn, &MaterialFilter { after, ..MaterialFilter::default() }, limit)?;
    let ids: Vec<MaterialId> = page.iter().map(|material| material.id.clone()).collect();
    let sums = |rows: Vec<(MaterialId, Option<i64>)>| -> HashMap<MaterialId, i64> {
        rows.into_iter().map(|(id, sum)| (id, sum.unwrap_or_default())).collect()
    };
    let in_branches = sums(stock_balances::totals(conn, &ids)?);
    let with_volunteers = sums(volunteer_holdings::totals(conn, &ids)?);
    Ok(page
        .into_iter()
        .map(|material| MaterialTotalOut {
            in_branches: in_branches.get(&material.id).copied().unwrap_or_default(),
            with_volunteers: with_volunteers.get(&material.id).copied().unwrap_or_default(),
            material_id: material.id,
            code: material.code,
        })
        .collect())
}
