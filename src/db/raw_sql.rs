//! Hand-written SQL for the reports that diesel's DSL cannot state (a VALUES
//! list of branch offsets, local days, grouped keysets): the statement is built
//! once per backend, with `?` placeholders for SQLite and `$n` for PostgreSQL.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Text, Timestamp};

use super::DbConn;

/// A bound value of a statement, in placeholder order.
pub enum Param {
    Text(String),
    Time(NaiveDateTime),
}

/// Placeholders and their values, numbered for PostgreSQL (`$n`) or not (`?`).
pub struct Params {
    pub sqlite: bool,
    pub values: Vec<Param>,
}

impl Params {
    pub fn new(sqlite: bool) -> Self {
        Self { sqlite, values: Vec::new() }
    }

    /// The placeholder of `param`, which is bound in this position.
    pub fn next(&mut self, param: Param) -> String {
        self.values.push(param);
        if self.sqlite { "?".to_owned() } else { format!("${}", self.values.len()) }
    }
}

/// The local day (`YYYY-MM-DD`) of the timestamp `column`, shifted by the
/// offset in minutes held in `o.column2` (a `VALUES` list of branches and their
/// offsets: `+300 minutes` on SQLite, `300` on PostgreSQL).
pub fn local_day(column: &str, sqlite: bool) -> String {
    if sqlite {
        format!("date({column}, o.column2)")
    } else {
        format!("to_char({column} + CAST(o.column2 AS INTEGER) * INTERVAL '1 minute', 'YYYY-MM-DD')")
    }
}

/// The Monday (`YYYY-MM-DD`) of the ISO week holding the local day of the
/// timestamp `column` (see [`local_day`] for the offset).
pub fn local_week_start(column: &str, sqlite: bool) -> String {
    if sqlite {
        // 'weekday 0' moves to the Sunday ending the ISO week (a Sunday stays).
        format!("date({column}, o.column2, 'weekday 0', '-6 days')")
    } else {
        format!(
            "to_char(date_trunc('week', {column} + CAST(o.column2 AS INTEGER) * INTERVAL '1 minute'), 'YYYY-MM-DD')"
        )
    }
}

/// A branch's UTC offset as `o.column2` holds it (see [`local_day`]).
pub fn offset(minutes: i32, sqlite: bool) -> String {
    if sqlite { format!("{minutes:+} minutes") } else { minutes.to_string() }
}

/// `(VALUES (code, offset), ...)`: the branches with their UTC offsets, to be
/// joined `AS o` on the rows' branch so [`local_day`] can read `o.column2`.
pub fn branch_offsets(branches: &[(String, i32)], params: &mut Params) -> String {
    let sqlite = params.sqlite;
    let rows: Vec<String> = branches
        .iter()
        .map(|(code, minutes)| {
            let code = params.next(Param::Text(code.clone()));
            format!("({code}, {})", params.next(Param::Text(offset(*minutes, sqlite))))
        })
        .collect();
    format!("(VALUES {})", rows.join(", "))
}

/// The conditions keeping the instants of `column` whose branch-local day lies
/// from `from` to `to` (inclusive; either open when `None`): a coarse bound in
/// UTC first (a day either side covers every offset), so an index on the column
/// narrows the rows, then the exact local day.
pub fn within_local_days(
    column: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    params: &mut Params,
) -> Vec<String> {
    let day = local_day(column, params.sqlite);
    let mut conditions = Vec::new();
    if let Some(from) = from {
        let since = (from - TimeDelta::days(1)).and_hms_opt(0, 0, 0).unwrap_or_default();
        conditions.push(format!("{column} >= {}", params.next(Param::Time(since))));
        conditions.push(format!("{day} >= {}", params.next(Param::Text(from.to_string()))));
    }
    if let Some(to) = to {
        let before = (to + TimeDelta::days(2)).and_hms_opt(0, 0, 0).unwrap_or_default();
        conditions.push(format!("{column} < {}", params.next(Param::Time(before))));
        conditions.push(format!("{day} <= {}", params.next(Param::Text(to.to_string()))));
    }
    conditions
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

/// Runs the statement `build` makes for the connection's backend.
pub fn load<T>(conn: &mut DbConn, build: impl Fn(bool) -> (String, Vec<Param>)) -> QueryResult<Vec<T>>
where
    T: QueryableByName<diesel::sqlite::Sqlite> + QueryableByName<diesel::pg::Pg> + 'static,
{
    match conn {
        DbConn::Sqlite(sqlite) => {
            let (sql, params) = build(true);
            bind(diesel::sql_query(sql).into_boxed(), params).load(sqlite)
        }
        DbConn::Postgresql(pg) => {
            let (sql, params) = build(false);
            bind(diesel::sql_query(sql).into_boxed(), params).load(pg)
        }
    }
}

/// Runs the statement `build` makes for the connection's backend, returning
/// the number of rows it changed.
pub fn execute(conn: &mut DbConn, build: impl Fn(bool) -> (String, Vec<Param>)) -> QueryResult<usize> {
    match conn {
        DbConn::Sqlite(sqlite) => {
            let (sql, params) = build(true);
            bind(diesel::sql_query(sql).into_boxed(), params).execute(sqlite)
        }
        DbConn::Postgresql(pg) => {
            let (sql, params) = build(false);
            bind(diesel::sql_query(sql).into_boxed(), params).execute(pg)
        }
    }
}
