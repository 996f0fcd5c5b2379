//! The social-media report: posts and their reach (each post's latest
//! snapshot, kept on the post) per platform, per branch-local day of
//! publication, and the top posts by views. One query each, whatever the
//! number of posts; nothing is summed in Rust.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};

use super::DbConn;
use super::raw_sql::{self, Param, Params};
use crate::domain::ids::SocialPostId;
use crate::domain::social::Platform;

/// Posts and reach of one group (a platform, or a day and platform).
#[derive(Debug, QueryableByName)]
pub struct ReachGroup {
    /// The branch's local day of publication, `YYYY-MM-DD` (per-day groups only).
    #[diesel(sql_type = Nullable<Text>)]
    pub day: Option<String>,
    #[diesel(sql_type = Text)]
    pub platform: Platform,
    #[diesel(sql_type = BigInt)]
    pub posts: i64,
    /// Posts with at least one reach snapshot.
    #[diesel(sql_type = BigInt)]
    pub posts_with_reach: i64,
    #[diesel(sql_type = BigInt)]
    pub views: i64,
    #[diesel(sql_type = BigInt)]
    pub reactions: i64,
    #[diesel(sql_type = BigInt)]
    pub shares: i64,
    #[diesel(sql_type = BigInt)]
    pub comments: i64,
}

/// One of the top posts by views.
#[derive(Debug, QueryableByName)]
pub struct TopPost {
    #[diesel(sql_type = Text)]
    pub id: SocialPostId,
    #[diesel(sql_type = Text)]
    pub branch_code: String,
    #[diesel(sql_type = Text)]
    pub platform: Platform,
    #[diesel(sql_type = Text)]
    pub url: String,
    #[diesel(sql_type = Timestamp)]
    pub published_at: NaiveDateTime,
    #[diesel(sql_type = BigInt)]
    pub views: i64,
    #[diesel(sql_type = BigInt)]
    pub reactions: i64,
    #[diesel(sql_type = BigInt)]
    pub shares: i64,
    #[diesel(sql_type = BigInt)]
    pub comments: i64,
}

/// What the report covers.
#[derive(Debug, Default, Clone)]
pub struct ReportFilter {
    /// Each branch reported on, with its UTC offset in minutes (the branches'
    /// time zones keep no daylight saving time).
    pub branches: Vec<(String, i32)>,
    pub platform: Option<Platform>,
    /// Local days of publication, inclusive.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// `FROM ... WHERE ...` of every query: the posts of the filter's branches
/// (each joined to its UTC offset), not removed, published on the filter's days.
fn posts_in_scope(filter: &ReportFilter, params: &mut Params) -> String {
    let offsets = raw_sql::branch_offsets(&filter.branches, params);
    let mut conditions = vec!["p.removed_at IS NULL".to_owned()];
    conditions.extend(raw_sql::within_local_days("p.published_at", filter.from, filter.to, params));
    if let Some(platform) = filter.platform {
        conditions.push(format!("p.platform = {}", params.next(Param::Text(platform.as_str().to_owned()))));
    }
    format!(
        "FROM social_posts AS p JOIN {} AS o ON o.column1 = p.branch_code WHERE {}",
        offsets,
        conditions.join(" AND ")
    )
}

const SUMS: &str = "CAST(COUNT(*) AS BIGINT) AS posts, CAST(COUNT(p.reach_taken_at) AS BIGINT) AS posts_with_reach, \
     CAST(COALESCE(SUM(p.views), 0) AS BIGINT) AS views, CAST(COALESCE(SUM(p.reactions), 0) AS BIGINT) AS reactions, \
     CAST(COALESCE(SUM(p.shares), 0) AS BIGINT) AS shares, CAST(COALESCE(SUM(p.comments), 0) AS BIGINT) AS comments";

fn per_platform_statement(filter: &ReportFilter, sqlite: bool) -> (String, Vec<Param>) {
    let mut params = Params::new(sqlite);
    let scope = posts_in_scope(filter, &mut params);
    let sql = format!(
        "SELECT CAST(NULL AS TEXT) AS day, p.platform AS platform, {SUMS} {scope} GROUP BY p.platform ORDER BY p.platform"
    );
    (sql, params.values)
}

fn per_day_statement(filter: &ReportFilter, sqlite: bool) -> (String, Vec<Param>) {
    let mut params = Params::new(sqlite);
    let scope = posts_in_scope(filter, &mut params);
    let day = raw_sql::local_day("p.published_at", sqlite);
    let sql = format!(
        "SELECT {day} AS day, p.platform AS platform, {SUMS} {scope} GROUP BY {day}, p.platform ORDER BY day, platform"
    );
    (sql, params.values)
}

fn top_statement(filter: &ReportFilter, sqlite: bool, limit: i64) -> (String, Vec<Param>) {
    let mut params = Params::new(sqlite);
    let scope = posts_in_scope(filter, &mut params);
    let sql = format!(
        "SELECT p.id AS id, p.branch_code AS branch_code, p.platform AS platform, p.url AS url, \
         p.published_at AS published_at, p.views AS views, p.reactions AS reactions, p.shares AS shares, \
         p.comments AS comments {scope} AND p.views IS NOT NULL ORDER BY p.views DESC, p.id LIMIT {limit}"
    );
    (sql, params.values)
}

/// Posts and reach per platform (in platform order).
pub fn per_platform(conn: &mut DbConn, filter: &ReportFilter) -> QueryResult<Vec<ReachGroup>> {
    if filter.branches.is_empty() {
        return Ok(Vec::new());
    }
    raw_sql::load(conn, |sqlite| per_platform_statement(filter, sqlite))
}

/// Posts and reach per local day of publication and platform (days, then platforms).
pub fn per_day(conn: &mut DbConn, filter: &ReportFilter) -> QueryResult<Vec<ReachGroup>> {
    if filter.branches.is_empty() {
        return Ok(Vec::new());
    }
    raw_sql::load(conn, |sqlite| per_day_statement(filter, sqlite))
}

/// The `limit` posts with the most views (at their latest snapshot); ties by id.
pub fn top_posts(conn: &mut DbConn, filter: &ReportFilter, limit: i64) -> QueryResult<Vec<TopPost>> {
    if filter.branches.is_empty() {
        return Ok(Vec::new());
    }
    raw_sql::load(conn, |sqlite| top_statement(filter, sqlite, limit))
}
