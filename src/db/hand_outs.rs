//! The handed-out report: `hand_out` movements summed per branch-local day,
//! branch and material, in one query whatever the number of movements.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{BigInt, Text, Timestamp};

use super::DbConn;
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

/// A bound value of the query, in placeholder order.
enum Param {
    Text(String),
    Time(NaiveDateTime),
}

/// The query's text with `placeholder(n)` for the n-th parameter (1-based), and
/// its parameters.
fn statement(filter: &HandedOutFilter, sqlite: bool) -> (String, Vec<Param>) {
    let mut params = Vec::new();
    let next = |param: Param, params: &mut Vec<Param>| {
        params.push(param);
        if sqlite { "?".to_owned() } else { format!("${}", params.len()) }
    };
    let day = if sqlite {
        "date(m.created_at, o.column2)"
    } else {
        "to_char(m.created_at + CAST(o.column2 AS INTEGER) * INTERVAL '1 minute', 'YYYY-MM-DD')"
    };
    let offsets: Vec<String> = filter
        .branches
        .iter()
        .map(|(code, minutes)| {
            let offset = if sqlite { format!("{minutes:+} minutes") } else { minutes.to_string() };
            let code = next(Param::Text(code.clone()), &mut params);
            format!("({code}, {})", next(Param::Text(offset), &mut params))
        })
        .collect();
    let mut conditions = vec!["m.kind = 'hand_out'".to_owned()];
    // A coarse bound in UTC first, so the index on (kind, created_at) narrows the rows.
    if let Some(from) = filter.from {
        let since = (from - TimeDelta::days(1)).and_hms_opt(0, 0, 0).unwrap_or_default();
        conditions.push(format!("m.created_at >= {}", next(Param::Time(since), &mut params)));
        conditions.push(format!("{day} >= {}", next(Param::Text(from.to_string()), &mut params)));
    }
    if let Some(to) = filter.to {
        let before = (to + TimeDelta::days(2)).and_hms_opt(0, 0, 0).unwrap_or_default();
        conditions.push(format!("m.created_at < {}", next(Param::Time(before), &mut params)));
        conditions.push(format!("{day} <= {}", next(Param::Text(to.to_string()), &mut params)));
    }
    if let Some(material) = &filter.material {
        conditions.push(format!("m.material_id = {}", next(Param::Text(material.to_string()), &mut params)));
    }
    if let Some((after_day, after_branch, after_material)) = &filter.after {
        let day_param = next(Param::Text(after_day.clone()), &mut params);
        let branch_param = next(Param::Text(after_branch.clone()), &mut params);
        let material_param = next(Param::Text(after_material.clone()), &mut params);
        conditions
            .push(format!("({day}, m.branch_code, m.material_id) > ({day_param}, {branch_param}, {material_param})"));
    }
    let net = "SUM(CASE WHEN m.reverses_id IS NULL THEN m.quantity ELSE -m.quantity END)";
    let sql = format!(
        "SELECT {day} AS day, m.branch_code AS branch, m.material_id AS material_id, {net} AS quantity \
         FROM stock_movements AS m JOIN (VALUES {}) AS o ON o.column1 = m.branch_code \
         WHERE {} GROUP BY day, branch, material_id HAVING {net} <> 0 \
         ORDER BY day, branch, material_id LIMIT {}",
        offsets.join(", "),
        conditions.join(" AND "),
        filter.limit
    );
    (sql, params)
}

fn bind<'a, DB>(mut query: BoxedSqlQuery<'a, DB, SqlQuery>, params: Vec<Param>) -> BoxedSqlQuery<'a, DB, SqlQuery>
where
    DB: diesel::backend::Backend + diesel::sql_types::HasSqlType<Text> + diesel::sql_types::HasSqlType<Timestamp>,
    String: diesel::serialize::ToSql<Text, DB>,
    NaiveDateTime: diesel::serialize::ToSql<Timestamp, DB>,
{
    for param in params {
        query = match param {
            Param::Text(text) => query.bind::<Text, _>(text),
            Param::Time(at) => query.bind::<Timestamp, _>(at),
        };
    }
    query
}

/// The hand-outs of `filter`'s branches summed per local day, branch and
/// material (days, then branches, then materials), leaving out sums of zero.
pub fn per_day(conn: &mut DbConn, filter: &HandedOutFilter) -> QueryResult<Vec<HandedOutDay>> {
    if filter.branches.is_empty() {
        return Ok(Vec::new());
    }
    match conn {
        DbConn::Sqlite(sqlite) => {
            let (sql, params) = statement(filter, true);
            bind(diesel::sql_query(sql).into_boxed(), params).load(sqlite)
        }
        DbConn::Postgresql(pg) => {
            let (sql, params) = statement(filter, false);
            bind(diesel::sql_query(sql).into_boxed(), params).load(pg)
        }
    }
}
