//! The campaign reports' daily figures, kept per measure, branch and
//! branch-local day in `report_days` by triggers in the transaction of every
//! write to the raw rows (migration `2026-12-08-000110_report_days`). A
//! national report reads 20 branches x its days of these rows instead of
//! 100,000 volunteers and 200,000 sign-ups.
//!
//! This module reads them, recomputes them from the raw rows (the test that
//! proves the triggers right compares the two) and rebuilds them when a
//! branch's UTC offset changes, which the triggers need to tell a local day.

use chrono::Utc;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::DbConn;
use super::raw_sql::{self, Param, Params};
use super::reports::{Scope, Tally};
use super::schema::branches;
use crate::domain::branch::utc_offset_minutes;

/// A figure `report_days` keeps; each states what its numbers are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = Text)]
pub enum Measure {
    /// Per day: v0 volunteers whose record was created that day.
    VolunteersNew,
    /// As of now, key: status, v0 volunteers.
    Volunteers,
    /// Per day of the start, key: kind, key2: status, v0 events.
    Events,
    /// Per day of the start, live shifts (not cancelled, of scheduled or
    /// completed events): v0 shifts, v1 their capacity.
    Shifts,
    /// Per day of the shift's start, places on live shifts: v0 taken (signed
    /// up, attended, no-show), v1 attended, v2 no-show.
    Signups,
    /// As of now: v0 routes, v1 stops, v2 stops visited.
    Routes,
    /// Per day published, posts not removed: v0 posts, v1 views, v2 reactions,
    /// v3 shares, v4 comments (each post's latest reach).
    Social,
    /// Per day placed: v0 posters (the placements' quantities), v1 placements.
    Posters,
    /// As of now: v0 active poster sites, v1 of them with a poster hanging.
    PosterSites,
    /// Per day of the event's start, meetings held: v0 meetings, v1 attendance
    /// (their reports'), v2 attendance at work-collective meetings.
    Meetings,
    /// Per day of the event's start, key: a work collective, v0 its meetings
    /// held (read as the number of collectives met, [`distinct_keys`]).
    Organisations,
}

crate::text_enum!(Measure {
    VolunteersNew = "volunteers_new",
    Volunteers = "volunteers",
    Events = "events",
    Shifts = "shifts",
    Signups = "signups",
    Routes = "routes",
    Social = "social",
    Posters = "posters",
    PosterSites = "poster_sites",
    Meetings = "meetings",
    Organisations = "organisations",
});

impl Measure {
    /// Whether the measure is kept per day (or only as of now, `day` = '').
    fn daily(self) -> bool {
        !matches!(self, Self::Volunteers | Self::Routes | Self::PosterSites)
    }

    /// The figures of the raw rows, grouped as `report_days` keeps them:
    /// `measure, branch_code, day, key, key2, v0..v4`. `day` makes the local
    /// day of an instant column of a row of branch `b`.
    fn recompute(self, day: &dyn Fn(&str) -> String) -> String {
        const LIVE: &str = "s.cancelled_at IS NULL AND e.status IN ('scheduled', 'completed')";
        let measure = self.as_str();
        let (columns, from, group) = match self {
            Self::VolunteersNew => (
                columns(&["t.branch_code", &day("t.created_at"), "''", "''", "COUNT(*)"]),
                "volunteers t JOIN branches b ON b.code = t.branch_code".to_owned(),
                "2, 3",
            ),
            Self::Volunteers => {
                (columns(&["t.branch_code", "''", "t.status", "''", "COUNT(*)"]), "volunteers t".to_owned(), "2, 4")
            }
            Self::Events => (
                columns(&["e.branch_code", &day("e.starts_at"), "e.kind", "e.status", "COUNT(*)"]),
                "events e JOIN branches b ON b.code = e.branch_code".to_owned(),
                "2, 3, 4, 5",
            ),
            Self::Shifts => (
                columns(&["e.branch_code", &day("s.starts_at"), "''", "''", "COUNT(*)", "SUM(s.capacity)"]),
                format!(
                    "shifts s JOIN events e ON e.id = s.event_id JOIN branches b ON b.code = e.branch_code WHERE {LIVE}"
                ),
                "2, 3",
            ),
            Self::Signups => (
                columns(&[
                    "e.branch_code",
                    &day("s.starts_at"),
                    "''",
                    "''",
                    "SUM(CASE WHEN a.status IN ('signed_up', 'attended', 'no_show') THEN 1 ELSE 0 END)",
                    "SUM(CASE WHEN a.status = 'attended' THEN 1 ELSE 0 END)",
                    "SUM(CASE WHEN a.status = 'no_show' THEN 1 ELSE 0 END)",
                ]),
                format!(
                    "assignments a JOIN shifts s ON s.id = a.shift_id JOIN events e ON e.id = s.event_id \
                     JOIN branches b ON b.code = e.branch_code WHERE {LIVE}"
                ),
                "2, 3",
            ),
            Self::Routes => (
                columns(&["r.branch_code", "''", "''", "''", "COUNT(*)", "SUM(r.stops_total)", "SUM(r.stops_visited)"]),
                "routes r".to_owned(),
                "2",
            ),
            Self::Social => (
                columns(&[
                    "p.branch_code",
                    &day("p.published_at"),
                    "''",
                    "''",
                    "COUNT(*)",
                    "SUM(COALESCE(p.views, 0))",
                    "SUM(COALESCE(p.reactions, 0))",
                    "SUM(COALESCE(p.shares, 0))",
                    "SUM(COALESCE(p.comments, 0))",
                ]),
                "social_posts p JOIN branches b ON b.code = p.branch_code WHERE p.removed_at IS NULL".to_owned(),
                "2, 3",
            ),
            Self::Posters => (
                columns(&["p.branch_code", &day("p.placed_at"), "''", "''", "SUM(p.quantity)", "COUNT(*)"]),
                "poster_placements p JOIN branches b ON b.code = p.branch_code".to_owned(),
                "2, 3",
            ),
            Self::PosterSites => (
                columns(&[
                    "p.branch_code",
                    "''",
                    "''",
                    "''",
                    "SUM(CASE WHEN p.status = 'active' THEN 1 ELSE 0 END)",
                    "SUM(CASE WHEN p.status = 'active' AND p.current_posters > 0 THEN 1 ELSE 0 END)",
                ]),
                "poster_sites p".to_owned(),
                "2",
            ),
            Self::Meetings => (
                columns(&[
                    "e.branch_code",
                    &day("e.starts_at"),
                    "''",
                    "''",
                    "COUNT(*)",
                    "SUM(COALESCE(r.attendance, 0))",
                    "SUM(CASE WHEN m.organisation_id IS NOT NULL THEN COALESCE(r.attendance, 0) ELSE 0 END)",
                ]),
                "meetings m JOIN events e ON e.id = m.event_id JOIN branches b ON b.code = e.branch_code \
                 LEFT JOIN meeting_reports r ON r.meeting_id = m.event_id WHERE m.status = 'held'"
                    .to_owned(),
                "2, 3",
            ),
            Self::Organisations => (
                columns(&["e.branch_code", &day("e.starts_at"), "m.organisation_id", "''", "COUNT(*)"]),
                "meetings m JOIN events e ON e.id = m.event_id JOIN branches b ON b.code = e.branch_code \
                 WHERE m.status = 'held' AND m.organisation_id IS NOT NULL"
                    .to_owned(),
                "2, 3, 4",
            ),
        };
        format!("SELECT '{measure}' AS measure, {columns} FROM {from} GROUP BY {group}")
    }
}

/// The select list of a recomputed measure: `branch_code, day, key, key2`
/// and up to five numbers (the rest zero), each under its column's name so
/// that the union of the measures has them.
fn columns(expressions: &[&str]) -> String {
    const NAMES: [&str; 9] = ["branch_code", "day", "key", "key2", "v0", "v1", "v2", "v3", "v4"];
    NAMES
        .iter()
        .enumerate()
        .map(|(index, name)| format!("{} AS {name}", expressions.get(index).copied().unwrap_or("0")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One row of `report_days`.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct ReportDay {
    #[diesel(sql_type = Text)]
    pub measure: Measure,
    #[diesel(sql_type = Text)]
    pub branch_code: String,
    #[diesel(sql_type = Text)]
    pub day: String,
    #[diesel(sql_type = Text)]
    pub key: String,
    #[diesel(sql_type = Text)]
    pub key2: String,
    #[diesel(sql_type = BigInt)]
    pub v0: i64,
    #[diesel(sql_type = BigInt)]
    pub v1: i64,
    #[diesel(sql_type = BigInt)]
    pub v2: i64,
    #[diesel(sql_type = BigInt)]
    pub v3: i64,
    #[diesel(sql_type = BigInt)]
    pub v4: i64,
}

const COLUMNS: &str = "measure, branch_code, day, key, key2, v0, v1, v2, v3, v4";
const NOT_ZERO: &str = "NOT (v0 = 0 AND v1 = 0 AND v2 = 0 AND v3 = 0 AND v4 = 0)";

/// The local day of `column` for a row of branch `b` (`branches.utc_offset_minutes`).
fn local_day(column: &str, sqlite: bool) -> String {
    if sqlite {
        format!("date({column}, printf('%+d minutes', b.utc_offset_minutes))")
    } else {
        format!("to_char({column} + b.utc_offset_minutes * INTERVAL '1 minute', 'YYYY-MM-DD')")
    }
}

/// Every measure recomputed from the raw rows, as one `SELECT` of [`COLUMNS`].
fn recomputed_sql(sqlite: bool) -> String {
    let day = |column: &str| local_day(column, sqlite);
    let selects: Vec<String> = Measure::ALL.iter().map(|measure| measure.recompute(&day)).collect();
    // PostgreSQL sums BIGINTs to NUMERIC: the casts keep every value a BIGINT.
    format!(
        "SELECT measure, branch_code, day, key, key2, CAST(v0 AS BIGINT) AS v0, CAST(v1 AS BIGINT) AS v1, \
         CAST(v2 AS BIGINT) AS v2, CAST(v3 AS BIGINT) AS v3, CAST(v4 AS BIGINT) AS v4 FROM ({}) AS raw WHERE {NOT_ZERO}",
        selects.join(" UNION ALL ")
    )
}

/// The rows of `report_days` that hold anything, in key order.
pub fn stored(conn: &mut DbConn) -> QueryResult<Vec<ReportDay>> {
    raw_sql::load(conn, |_| {
        (format!("SELECT {COLUMNS} FROM report_days WHERE {NOT_ZERO} ORDER BY 1, 2, 3, 4, 5"), vec![])
    })
}

/// What [`stored`] must give: the same figures recomputed from the raw rows.
pub fn recomputed(conn: &mut DbConn) -> QueryResult<Vec<ReportDay>> {
    raw_sql::load(conn, |sqlite| (format!("{} ORDER BY 1, 2, 3, 4, 5", recomputed_sql(sqlite)), vec![]))
}

/// Replaces `report_days` with the figures of the raw rows.
pub fn rebuild(conn: &mut DbConn) -> QueryResult<()> {
    conn.transaction(|conn| {
        raw_sql::execute(conn, |_| ("DELETE FROM report_days".to_owned(), vec![]))?;
        raw_sql::execute(conn, |sqlite| {
            (format!("INSERT INTO report_days ({COLUMNS}) {}", recomputed_sql(sqlite)), vec![])
        })
        .map(drop)
    })
}

/// Sets each branch's UTC offset from its time zone as of now and, when any
/// changed (or was never set: a new database), rebuilds `report_days` in the
/// same transaction. Runs after the migrations, before anything writes.
pub fn sync_offsets(conn: &mut DbConn) -> QueryResult<bool> {
    conn.transaction(|conn| {
        let rows: Vec<(String, String, Option<i32>)> = branches::table
            .select((branches::code, branches::timezone, branches::utc_offset_minutes))
            .order(branches::code)
            .load(conn)?;
        let now = Utc::now().naive_utc();
        let mut changed = false;
        for (code, timezone, stored) in rows {
            let minutes = utc_offset_minutes(&timezone, now);
            if stored != Some(minutes) {
                diesel::update(branches::table.find(&code))
                    .set(branches::utc_offset_minutes.eq(minutes))
                    .execute(conn)?;
                changed = true;
            }
        }
        if changed {
            rebuild(conn)?;
        }
        Ok(changed)
    })
}

/// The condition keeping the rows of `measure` of `scope`'s branches.
fn rows_of(measure: Measure, scope: &Scope, params: &mut Params) -> String {
    let measure = params.next(Param::Text(measure.as_str().to_owned()));
    let branches: Vec<String> = scope.branches.iter().map(|(code, _)| params.next(Param::Text(code.clone()))).collect();
    format!("measure = {measure} AND branch_code IN ({})", branches.join(", "))
}

/// The condition on `day` for the days of `scope`'s range.
fn in_range(scope: &Scope, params: &mut Params) -> String {
    let from = params.next(Param::Text(scope.from.to_string()));
    let to = params.next(Param::Text(scope.to.to_string()));
    format!("day >= {from} AND day <= {to}")
}

/// The rows of `measure` for `scope`'s branches, as report groups: over its
/// days for a daily measure (per day, or summed when `scope` needs no days),
/// as of now otherwise.
pub fn tallies(conn: &mut DbConn, scope: &Scope, measure: Measure) -> QueryResult<Vec<Tally>> {
    if scope.branches.is_empty() {
        return Ok(Vec::new());
    }
    raw_sql::load(conn, |sqlite| {
        let mut params = Params::new(sqlite);
        let rows = rows_of(measure, scope, &mut params);
        let days = if measure.daily() { in_range(scope, &mut params) } else { "day = ''".to_owned() };
        let sql = if scope.per_day || !measure.daily() {
            format!(
                "SELECT branch_code AS branch, NULLIF(day, '') AS day, NULLIF(key, '') AS key, \
                 NULLIF(key2, '') AS key2, v0, v1, v2, v3, v4 FROM report_days WHERE {rows} AND {days}"
            )
        } else {
            // PostgreSQL sums BIGINTs to NUMERIC: the casts keep them BIGINTs.
            let sums: Vec<String> = (0..5).map(|n| format!("CAST(SUM(v{n}) AS BIGINT) AS v{n}")).collect();
            format!(
                "SELECT branch_code AS branch, CAST(NULL AS TEXT) AS day, NULLIF(key, '') AS key, \
                 NULLIF(key2, '') AS key2, {} FROM report_days WHERE {rows} AND {days} \
                 GROUP BY branch_code, key, key2",
                sums.join(", ")
            )
        };
        (sql, params.values)
    })
}

/// Per branch of `scope`, v0: how many keys of `measure` hold anything over its
/// days (the work collectives met).
pub fn distinct_keys(conn: &mut DbConn, scope: &Scope, measure: Measure) -> QueryResult<Vec<Tally>> {
    if scope.branches.is_empty() {
        return Ok(Vec::new());
    }
    raw_sql::load(conn, |sqlite| {
        let mut params = Params::new(sqlite);
        let rows = rows_of(measure, scope, &mut params);
        let days = in_range(scope, &mut params);
        let sql = format!(
            "SELECT branch, CAST(NULL AS TEXT) AS day, CAST(NULL AS TEXT) AS key, CAST(NULL AS TEXT) AS key2, \
             CAST(COUNT(*) AS BIGINT) AS v0, CAST(0 AS BIGINT) AS v1, CAST(0 AS BIGINT) AS v2, \
             CAST(0 AS BIGINT) AS v3, CAST(0 AS BIGINT) AS v4 FROM ( \
             SELECT branch_code AS branch, key FROM report_days WHERE {rows} AND {days} \
             GROUP BY branch_code, key HAVING SUM(v0) > 0) AS held GROUP BY branch"
        );
        (sql, params.values)
    })
}
