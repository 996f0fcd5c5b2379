//! Queries on `stock_balances`: what each branch has of each material. Only the
//! ledger's movements change them, in their own transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{materials, stock_balances};
use crate::domain::ids::MaterialId;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = stock_balances, treat_none_as_default_value = false)]
pub struct StockBalance {
    pub branch_code: String,
    pub material_id: MaterialId,
    pub quantity: i32,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default)]
pub struct BalanceFilter {
    pub branch: Option<String>,
    pub material_id: Option<MaterialId>,
    /// Only balances below their material's reorder level.
    pub below_reorder_level: bool,
    pub updated_since: Option<NaiveDateTime>,
    /// The `(branch, material)` of the last row of the previous page.
    pub after: Option<(String, String)>,
}

/// Adds `quantity` to the branch's balance, creating it at that quantity.
pub fn credit(
    conn: &mut DbConn,
    branch: &str,
    material: &MaterialId,
    quantity: i32,
    now: NaiveDateTime,
) -> QueryResult<()> {
    use stock_balances::dsl as b;
    // diesel's MultiConnection has no ON CONFLICT: the same statement per backend.
    let upsert = || {
        diesel::insert_into(stock_balances::table)
            .values((
                b::branch_code.eq(branch),
                b::material_id.eq(material),
                b::quantity.eq(quantity),
                b::updated_at.eq(now),
            ))
            .on_conflict((b::branch_code, b::material_id))
            .do_update()
            .set((b::quantity.eq(b::quantity + quantity), b::updated_at.eq(now)))
    };
    match conn {
        DbConn::Postgresql(pg) => upsert().execute(pg).map(drop),
        DbConn::Sqlite(sqlite) => upsert().execute(sqlite).map(drop),
    }
}

/// Takes `quantity` off the branch's balance when it holds that much, in one
/// conditional UPDATE: of two concurrent debits the second re-reads the first's
/// result before its condition is decided, so the balance cannot go below zero.
/// False when the balance is short (nothing changed).
pub fn debit(
    conn: &mut DbConn,
    branch: &str,
    material: &MaterialId,
    quantity: i32,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    use stock_balances::dsl as b;
    let target = stock_balances::table
        .filter(b::branch_code.eq(branch))
        .filter(b::material_id.eq(material))
        .filter(b::quantity.ge(quantity));
    let updated =
        diesel::update(target).set((b::quantity.eq(b::quantity - quantity), b::updated_at.eq(now))).execute(conn)?;
    Ok(updated == 1)
}

/// The branch's balance of each of `materials` (those it ever had), the rows
/// locked until the transaction ends on PostgreSQL, in material order.
pub fn quantities_for_update(
    conn: &mut DbConn,
    branch: &str,
    materials: &[MaterialId],
) -> QueryResult<Vec<(MaterialId, i32)>> {
    use stock_balances::dsl as b;
    let query = || {
        stock_balances::table
            .filter(b::branch_code.eq(branch))
            .filter(b::material_id.eq_any(materials))
            .order(b::material_id)
            .select((b::material_id, b::quantity))
    };
    match conn {
        DbConn::Postgresql(pg) => query().for_update().load(pg),
        DbConn::Sqlite(sqlite) => query().load(sqlite),
    }
}

/// The branch's balance of `material` (0 when it never had any).
pub fn quantity(conn: &mut DbConn, branch: &str, material: &MaterialId) -> QueryResult<i32> {
    stock_balances::table
        .find((branch, material))
        .select(stock_balances::quantity)
        .first(conn)
        .optional()
        .map(Option::unwrap_or_default)
}

/// One page of balances in (branch, material) order, each with its material's
/// reorder level.
pub fn list(conn: &mut DbConn, filter: &BalanceFilter, limit: i64) -> QueryResult<Vec<(StockBalance, Option<i32>)>> {
    use stock_balances::dsl as b;
    let mut query = stock_balances::table
        .inner_join(materials::table)
        .select((StockBalance::as_select(), materials::reorder_level))
        .order((b::branch_code, b::material_id))
        .limit(limit)
        .into_boxed();
    if let Some(branch) = &filter.branch {
        query = query.filter(b::branch_code.eq(branch.clone()));
    }
    if let Some(material) = &filter.material_id {
        query = query.filter(b::material_id.eq(material.clone()));
    }
    if filter.below_reorder_level {
        query = query.filter(b::quantity.nullable().lt(materials::reorder_level));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(b::updated_at.ge(since));
    }
    if let Some((branch, material)) = &filter.after {
        query = query.filter(
            b::branch_code
                .gt(branch.clone())
                .or(b::branch_code.eq(branch.clone()).and(b::material_id.gt(material.clone()))),
        );
    }
    query.load(conn)
}

/// The stock of each of `materials` summed over every branch.
pub fn totals(conn: &mut DbConn, materials: &[MaterialId]) -> QueryResult<Vec<(MaterialId, Option<i64>)>> {
    use diesel::dsl::sum;
    stock_balances::table
        .filter(stock_balances::material_id.eq_any(materials))
        .group_by(stock_balances::material_id)
        .select((stock_balances::material_id, sum(stock_balances::quantity)))
        .load(conn)
}
