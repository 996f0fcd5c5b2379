//! The handed-out report: `hand_out` movements summed per branch-local day,
//! branch and material, in one query whatever the number of movements.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::DbConn;
use super::raw_sql::{self, Param, Params};
use crate::domain::ids::MaterialId;

/// One row of the report.
#[derive(Debug, QueryableByName)]
pub struct HandedOutDay {
    /// The branch's local day, `YYYY-MM-DD`.
    #[diesel(sql_type = Text)]
    pub day: String,
    #[diesel(sql_type = Text)]
    pub branch: String,
    #[diesel(sql_type = Text)]
    pub material_id: MaterialId,
    /// Handed out, net of counter-movements.
    #[diesel(sql_type = BigInt)]
    pub quantity: i64,
}

/// What the report covers.
#[derive(Debug, Default)]
pub struct HandedOutFilter {
    /// Each branch reported on, with its UTC offset in minutes (the branches'
    /// time zones keep no daylight saving time).
    pub branches: Vec<(String, i32)>,
    pub material: Option<MaterialId>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// The page starts after this (day, branch, material).
    pub after: Option<(String, String, String)>,
    pub limit: i64,
}

/// The query's text with `placeholder(n)` for the n-th parameter (1-based), and
/// its parameters.
fn statement(filter: &HandedOutFilter, sqlite: bool) -> (String, Vec<Param>) {
    let mut params = Params::new(sqlite);
    let day = raw_sql::local_day("m.created_at", sqlite);
    let offsets = raw_sql::branch_offsets(&filter.branches, &mut params);
    let mut conditions = vec!["m.kind = 'hand_out'".to_owned()];
    conditions.extend(raw_sql::within_local_days("m.created_at", filter.from, filter.to, &mut params));
    if let Some(material) = &filter.material {
        conditions.push(format!("m.material_id = {}", params.next(Param::Text(material.to_string()))));
    }
    if let Some((after_day, after_branch, after_material)) = &filter.after {
        let day_param = params.next(Param::Text(after_day.clone()));
        let branch_param = params.next(Param::Text(after_branch.clone()));
        let material_param = params.next(Param::Text(after_material.clone()));
        conditions
            .push(format!("({day}, m.branch_code, m.material_id) > ({day_param}, {branch_param}, {material_param})"));
    }
    let net = "SUM(CASE WHEN m.reverses_id IS NULL THEN m.quantity ELSE -m.quantity END)";
    let sql = format!(
        "SELECT {day} AS day, m.branch_code AS branch, m.material_id AS material_id, {net} AS quantity \
         FROM stock_movements AS m JOIN {} AS o ON o.column1 = m.branch_code \
         WHERE {} GROUP BY day, branch, material_id HAVING {net} <> 0 \
         ORDER BY day, branch, material_id LIMIT {}",
        offsets,
        conditions.join(" AND "),
        filter.limit
    );
    (sql, params.values)
}

/// The hand-outs of `filter`'s branches summed per local day, branch and
/// material (days, then branches, then materials), leaving out sums of zero.
pub fn per_day(conn: &mut DbConn, filter: &HandedOutFilter) -> QueryResult<Vec<HandedOutDay>> {
    if filter.branches.is_empty() {
        return Ok(Vec::new());
    }
    raw_sql::load(conn, |sqlite| statement(filter, sqlite))
}
