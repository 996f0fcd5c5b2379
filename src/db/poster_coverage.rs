//! The poster coverage report, computed in the database: one grouped scan of
//! the sites in scope (over a covering index) gives each group's counts and a
//! histogram of the days since its active sites' last inspections, from which
//! medians are taken; no table is read into memory.

use chrono::NaiveDateTime;
use diesel::dsl::{count_star, exists};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};

use super::DbConn;
use super::schema::{localities, poster_sites};
use crate::domain::locality::LocalityKind;
use crate::domain::poster::SiteStatus;

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

/// The sites of one group (`key`: a locality id or a branch code) whose active
/// sites were last inspected `days` whole days ago; `days` is `None` for the
/// group's inactive and never inspected sites.
#[derive(Debug, Clone, QueryableByName)]
pub struct SiteBucket {
    #[diesel(sql_type = Text)]
    pub key: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub days: Option<i64>,
    #[diesel(sql_type = BigInt)]
    pub sites: i64,
    #[diesel(sql_type = BigInt)]
    pub active_sites: i64,
    /// Active sites with at least one poster hanging.
    #[diesel(sql_type = BigInt)]
    pub with_current_poster: i64,
}

/// The sites per group of `level` and age of the last inspection, within
/// `branch` when given, as of `now`, in key order.
pub fn buckets(
    conn: &mut DbConn,
    level: Level,
    branch: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<Vec<SiteBucket>> {
    let sql = |days: &str, placeholder: &str| {
        let filter = if branch.is_some() { format!("WHERE s.branch_code = {placeholder}") } else { String::new() };
        format!(
            "SELECT {key} AS key, \
             CASE WHEN s.status = 'active' AND s.last_checked_at IS NOT NULL THEN {days} END AS days, \
             COUNT(*) AS sites, \
             CAST(SUM(CASE WHEN s.status = 'active' THEN 1 ELSE 0 END) AS BIGINT) AS active_sites, \
             CAST(SUM(CASE WHEN s.status = 'active' AND s.current_posters > 0 THEN 1 ELSE 0 END) AS BIGINT) \
               AS with_current_poster \
             FROM poster_sites s {filter} GROUP BY 1, 2 ORDER BY 1, 2",
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

/// Rural settlements (villages, rural districts) per branch, within `branch`
/// when given: all of them, and those with at least one active site.
pub fn rural_settlements(conn: &mut DbConn, branch: Option<&str>) -> QueryResult<Vec<(String, i64, i64)>> {
    let rural =
        || localities::table.filter(localities::kind.eq_any([LocalityKind::Village, LocalityKind::RuralDistrict]));
    let mut all =
        rural().group_by(localities::branch_code).select((localities::branch_code, count_star())).into_boxed();
    let with_site = exists(
        poster_sites::table
            .filter(poster_sites::locality_id.eq(localities::id))
            .filter(poster_sites::status.eq(SiteStatus::Active)),
    );
    let mut served = rural()
        .filter(with_site)
        .group_by(localities::branch_code)
        .select((localities::branch_code, count_star()))
        .into_boxed();
    if let Some(branch) = branch {
        all = all.filter(localities::branch_code.eq(branch.to_owned()));
        served = served.filter(localities::branch_code.eq(branch.to_owned()));
    }
    let served: std::collections::HashMap<String, i64> = served.load::<(String, i64)>(conn)?.into_iter().collect();
    Ok(all
        .load::<(String, i64)>(conn)?
        .into_iter()
        .map(|(code, count)| {
            let with_site = served.get(&code).copied().unwrap_or(0);
            (code, count, with_site)
        })
        .collect())
}
