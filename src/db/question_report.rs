//! "What people ask": the questions raised in door-to-door visits (a visit's
//! question topics, and its free-text question) and in meeting reports (one
//! row per question: topic and text), counted per topic, per branch and per
//! ISO week of the branch-local day. Each part is one grouped query over the
//! rows of the period; nothing is counted in Rust.
//!
//! A visit counts once for each topic it carries; a held meeting's report
//! question counts once. A visit belongs to the local day it was made on, a
//! meeting question to the local day the meeting started on.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::DbConn;
use super::raw_sql::{self, Param, Params};
use crate::domain::route::QuestionTopic;

/// What the report covers.
#[derive(Debug, Clone)]
pub struct QuestionFilter {
    /// Each branch reported on, with its UTC offset in minutes.
    pub branches: Vec<(String, i32)>,
    /// Local days, inclusive.
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Questions of one group (a topic, a week and topic, a branch and topic).
#[derive(Debug, QueryableByName)]
pub struct QuestionGroup {
    /// The Monday of the ISO week (`YYYY-MM-DD`), or the branch code, or empty.
    #[diesel(sql_type = Text)]
    pub grp: String,
    #[diesel(sql_type = Text)]
    pub topic: QuestionTopic,
    #[diesel(sql_type = BigInt)]
    pub questions: i64,
    #[diesel(sql_type = BigInt)]
    pub from_visits: i64,
}

/// A free-text question: what was asked, never who asked or where.
#[derive(Debug, QueryableByName)]
pub struct QuestionSample {
    #[diesel(sql_type = Text)]
    pub topic: QuestionTopic,
    #[diesel(sql_type = Text)]
    pub text: String,
    /// `visit` or `meeting`.
    #[diesel(sql_type = Text)]
    pub source: String,
    #[diesel(sql_type = Text)]
    pub branch: String,
    /// The Monday of the ISO week (`YYYY-MM-DD`).
    #[diesel(sql_type = Text)]
    pub week_start: String,
}

#[derive(Debug, QueryableByName)]
struct Topic {
    #[diesel(sql_type = Text)]
    topic: QuestionTopic,
}

/// `(VALUES (topic), ...)`: the closed list of question topics.
fn topic_values(topics: &[QuestionTopic], params: &mut Params) -> String {
    let rows: Vec<String> =
        topics.iter().map(|topic| format!("({})", params.next(Param::Text(topic.as_str().to_owned())))).collect();
    format!("(VALUES {})", rows.join(", "))
}

/// `(VALUES (code, offset), ...)`: the filter's branches.
fn branch_values(filter: &QuestionFilter, params: &mut Params) -> String {
    raw_sql::branch_offsets(&filter.branches, params)
}

/// The conditions keeping the instants of `column` on the filter's local days:
/// a coarse bound in UTC first (so an index on the column narrows the rows),
/// then the exact local day.
fn in_period(column: &str, filter: &QuestionFilter, params: &mut Params) -> String {
    raw_sql::within_local_days(column, Some(filter.from), Some(filter.to), params).join(" AND ")
}

/// Every question of the period, one row each: `topic`, `source`, `branch`,
/// `week_start`, `text`, `at` and `id` (for a stable order of samples).
fn mentions(filter: &QuestionFilter, params: &mut Params) -> String {
    let sqlite = params.sqlite;
    let visit_week = raw_sql::local_week_start("v.visited_at", sqlite);
    let visit_branches = branch_values(filter, params);
    let topics = topic_values(QuestionTopic::ALL, params);
    let visit_period = in_period("v.visited_at", filter, params);
    let meeting_week = raw_sql::local_week_start("e.starts_at", sqlite);
    // SQLite binds `?` in the order they appear in the text: make them in that order.
    let meeting_branches = branch_values(filter, params);
    let held = params.next(Param::Text("held".to_owned()));
    let meeting_period = in_period("e.starts_at", filter, params);
    format!(
        "(SELECT t.column1 AS topic, 'visit' AS source, r.branch_code AS branch, {visit_week} AS week_start, \
         v.question_text AS text, v.visited_at AS at_time, v.id AS id \
         FROM visits AS v JOIN routes AS r ON r.id = v.route_id \
         JOIN {visit_branches} AS o ON o.column1 = r.branch_code \
         JOIN {topics} AS t ON v.question_topics LIKE ('%,' || t.column1 || ',%') \
         WHERE {visit_period} \
         UNION ALL \
         SELECT q.topic AS topic, 'meeting' AS source, e.branch_code AS branch, {meeting_week} AS week_start, \
         q.text AS text, e.starts_at AS at_time, q.id AS id \
         FROM report_questions AS q JOIN meetings AS m ON m.event_id = q.meeting_id \
         JOIN events AS e ON e.id = m.event_id \
         JOIN {meeting_branches} AS o ON o.column1 = e.branch_code \
         WHERE m.status = {held} AND {meeting_period}) AS x"
    )
}

const COUNTS: &str = "CAST(COUNT(*) AS BIGINT) AS questions, \
     CAST(COALESCE(SUM(CASE WHEN x.source = 'visit' THEN 1 ELSE 0 END), 0) AS BIGINT) AS from_visits";

/// Questions grouped by `key` (an expression over `x`) and topic, or by topic alone.
fn grouped_statement(filter: &QuestionFilter, key: Option<&str>, sqlite: bool) -> (String, Vec<Param>) {
    let mut params = Params::new(sqlite);
    let from = mentions(filter, &mut params);
    let sql = match key {
        Some(key) => format!(
            "SELECT {key} AS grp, x.topic AS topic, {COUNTS} FROM {from} GROUP BY {key}, x.topic ORDER BY grp, topic"
        ),
        None => format!(
            "SELECT CAST('' AS TEXT) AS grp, x.topic AS topic, {COUNTS} FROM {from} GROUP BY x.topic ORDER BY topic"
        ),
    };
    (sql, params.values)
}

fn grouped(conn: &mut DbConn, filter: &QuestionFilter, key: Option<&str>) -> QueryResult<Vec<QuestionGroup>> {
    if filter.branches.is_empty() {
        return Ok(Vec::new());
    }
    raw_sql::load(conn, |sqlite| grouped_statement(filter, key, sqlite))
}

/// Questions per topic (`grp` empty), in topic order.
pub fn per_topic(conn: &mut DbConn, filter: &QuestionFilter) -> QueryResult<Vec<QuestionGroup>> {
    grouped(conn, filter, None)
}

/// Questions per ISO week (`grp` its Monday) and topic, weeks ascending.
pub fn per_week(conn: &mut DbConn, filter: &QuestionFilter) -> QueryResult<Vec<QuestionGroup>> {
    grouped(conn, filter, Some("x.week_start"))
}

/// Questions per branch (`grp` its code) and topic, branches in code order.
pub fn per_branch(conn: &mut DbConn, filter: &QuestionFilter) -> QueryResult<Vec<QuestionGroup>> {
    grouped(conn, filter, Some("x.branch"))
}

/// The newest `per_topic` free-text questions of each of `topics` (newest
/// first within a topic), in one query.
pub fn samples(
    conn: &mut DbConn,
    filter: &QuestionFilter,
    topics: &[QuestionTopic],
    per_topic: i64,
) -> QueryResult<Vec<QuestionSample>> {
    if filter.branches.is_empty() || topics.is_empty() || per_topic <= 0 {
        return Ok(Vec::new());
    }
    raw_sql::load(conn, |sqlite| {
        let mut params = Params::new(sqlite);
        let from = mentions(filter, &mut params);
        let wanted: Vec<String> =
            topics.iter().map(|topic| params.next(Param::Text(topic.as_str().to_owned()))).collect();
        let sql = format!(
            "SELECT s.topic AS topic, s.text AS text, s.source AS source, s.branch AS branch, s.week_start AS week_start \
             FROM (SELECT x.topic, x.text, x.source, x.branch, x.week_start, \
             ROW_NUMBER() OVER (PARTITION BY x.topic ORDER BY x.at_time DESC, x.id DESC) AS n \
             FROM {from} WHERE x.text IS NOT NULL AND x.text <> '' AND x.topic IN ({})) AS s \
             WHERE s.n <= {per_topic} ORDER BY s.topic, s.n",
            wanted.join(", ")
        );
        (sql, params.values)
    })
}

/// The topics at least one published (not retired) talking point answers.
pub fn answered_topics(conn: &mut DbConn) -> QueryResult<Vec<QuestionTopic>> {
    let rows: Vec<Topic> = raw_sql::load(conn, |sqlite| {
        let mut params = Params::new(sqlite);
        let topics = topic_values(QuestionTopic::ALL, &mut params);
        let sql = format!(
            "SELECT t.column1 AS topic FROM {topics} AS t WHERE EXISTS (SELECT 1 FROM talking_points AS p \
             WHERE p.published_version IS NOT NULL AND p.retired_at IS NULL \
             AND p.published_topics LIKE ('%,' || t.column1 || ',%')) ORDER BY topic"
        );
        (sql, params.values)
    })?;
    Ok(rows.into_iter().map(|row| row.topic).collect())
}
