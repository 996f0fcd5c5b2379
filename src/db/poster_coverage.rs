//! The poster coverage report, computed in the database: counts per group of
//! sites, and a histogram of the days since each active site's last inspection
//! per group (medians are taken from it), so no table is read into memory.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use super::DbConn;
use super::schema::localities;
use crate::domain::locality::LocalityKind;

/// How the report groups sites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Locality,
    Branch,
}

impl Level {
    fn key(self) -> &'static str {
        match self {
            Self::Locality => "s.locality_id",
            Self::Branch => "s.branch_code",
        }
    }
}

/// The sites of one group (`key`: a locality id or a branch code).
#[derive(Debug, Clone, QueryableByName)]
pub struct SiteCounts {
    #[diesel(sql_type = Text)]
    pub key: String,
    #[diesel(sql_type = BigInt)]
    pub sites: i64,
    #[diesel(sql_type = BigInt)]
    pub active_sites: i64,
    /// Active sites with at least one poster hanging.
    #[diesel(sql_type = BigInt)]
    pub with_current_poster: i64,
    /// Active sites never inspected.
    #[diesel(sql_type = BigInt)]
    pub never_checked: i64,
    /// Rural settlements (villages, rural districts) with at least one active site.
    #[diesel(sql_type = BigInt)]
    pub rural_with_active_site: i64,
}

/// How many of a group's active, inspected sites were last inspected `days`
/// whole days ago: a histogram small enough to take medians from (groups ×
/// distinct ages), and one that sums across groups.
#[derive(Debug, Clone, QueryableByName)]
pub struct CheckAge {
    #[diesel(sql_type = Text)]
    pub key: String,
    #[diesel(sql_type = BigInt)]
    pub days: i64,
    #[diesel(sql_type = BigInt)]
    pub sites: i64,
}

const RURAL: &str = "('village', 'rural_district')";

/// The site counts per group of `level`, within `branch` when given.
pub fn counts(conn: &mut DbConn, level: Level, branch: Option<&str>) -> QueryResult<Vec<SiteCounts>> {
    let sql = |placeholder: &str| {
        let filter = if branch.is_some() { format!("WHERE s.branch_code = {placeholder}") } else { String::new() };
        format!(
            "SELECT {key} AS key, COUNT(*) AS sites, \
             CAST(SUM(CASE WHEN s.status = 'active' THEN 1 ELSE 0 END) AS BIGINT) AS active_sites, \
             CAST(SUM(CASE WHEN s.status = 'active' AND s.current_posters > 0 THEN 1 ELSE 0 END) AS BIGINT) \
               AS with_current_poster, \
             CAST(SUM(CASE WHEN s.status = 'active' AND s.last_checked_at IS NULL THEN 1 ELSE 0 END) AS BIGINT) \
               AS never_checked, \
             COUNT(DISTINCT CASE WHEN s.status = 'active' AND l.kind IN {RURAL} THEN s.locality_id END) \
               AS rural_with_active_site \
             FROM poster_sites s JOIN localities l ON l.id = s.locality_id {filter} GROUP BY {key} ORDER BY 1",
            key = level.key(),
        )
    };
    match conn {
        DbConn::Postgresql(pg) => {
            let mut query = diesel::sql_query(sql("$1")).into_boxed();
            if let Some(branch) = branch {
                query = query.bind::<Text, _>(branch.to_owned());
            }
            query.load(pg)
        }
        DbConn::Sqlite(sqlite) => {
            let mut query = diesel::sql_query(sql("?")).into_boxed();
            if let Some(branch) = branch {
                query = query.bind::<Text, _>(branch.to_owned());
            }
            query.load(sqlite)
        }
    }
}

/// The ages of the last inspections per group of `level` (groups without an
/// inspected active site are absent), as of `now`, in key and age order.
pub fn check_ages(
    conn: &mut DbConn,
    level: Level,
    branch: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<Vec<CheckAge>> {
    let sql = |days: &str, placeholder: &str| {
        let filter = if branch.is_some() { format!("AND s.branch_code = {placeholder}") } else { String::new() };
        format!(
            "SELECT {key} AS key, {days} AS days, COUNT(*) AS sites FROM poster_sites s \
             WHERE s.status = 'active' AND s.last_checked_at IS NOT NULL {filter} GROUP BY 1, 2 ORDER BY 1, 2",
            key = level.key(),
        )
    };
    match conn {
        DbConn::Postgresql(pg) => {
            let days = "CAST(FLOOR(EXTRACT(EPOCH FROM ($1 - s.last_checked_at)) / 86400) AS BIGINT)";
            let mut query = diesel::sql_query(sql(days, "$2")).into_boxed().bind::<Timestamp, _>(now);
            if let Some(branch) = branch {
                query = query.bind::<Text, _>(branch.to_owned());
            }
            query.load(pg)
        }
        DbConn::Sqlite(sqlite) => {
            let days = "CAST(julianday(?) - julianday(s.last_checked_at) AS INTEGER)";
            let mut query = diesel::sql_query(sql(days, "?")).into_boxed().bind::<Timestamp, _>(now);
            if let Some(branch) = branch {
                query = query.bind::<Text, _>(branch.to_owned());
            }
            query.load(sqlite)
        }
    }
}

/// Rural settlements per branch (within `branch` when given).
pub fn rural_settlements(conn: &mut DbConn, branch: Option<&str>) -> QueryResult<Vec<(String, i64)>> {
    use diesel::dsl::count_star;
    let mut query = localities::table
        .filter(localities::kind.eq_any([LocalityKind::Village, LocalityKind::RuralDistrict]))
        .group_by(localities::branch_code)
        .select((localities::branch_code, count_star()))
        .into_boxed();
    if let Some(branch) = branch {
        query = query.filter(localities::branch_code.eq(branch.to_owned()));
    }
    query.load(conn)
}
