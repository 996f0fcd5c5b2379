//! The campaign reports (summary, time series, branches side by side): each
//! figure is one grouped query per branch and branch-local day (or per branch
//! for the figures as of now), whatever the number of rows; the service adds
//! up at most 366 days x 20 branches of groups. The large tables are read from
//! sums per branch and local day kept in the same transaction as their rows:
//! visits and hand-outs from `visit_days` and `hand_out_days` (see
//! [`add_visit_days`], [`add_hand_outs`]); volunteers, events, shifts,
//! sign-ups, routes and social-media posts from `report_days`, which triggers
//! keep (see [`super::report_days`]), as are meetings, posters and the work
//! collectives met. Rural settlements reached are counted from the rows.

use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeDelta, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};

use super::DbConn;
use super::raw_sql::{self, Param, Params};
use super::report_days::{self, Measure};
use super::schema::branches;
use super::stock_movements::StockMovement;
use crate::domain::branch::utc_offset_minutes;
use crate::domain::material::MovementKind;

/// One group of a report query: a branch, its local day (in-range figures),
/// up to two keys (a kind and a status, a material) and up to five numbers,
/// whose meaning each query states.
#[derive(Debug, Clone, QueryableByName)]
pub struct Tally {
    #[diesel(sql_type = Text)]
    pub branch: String,
    /// `YYYY-MM-DD`; `None` for the figures as of now.
    #[diesel(sql_type = Nullable<Text>)]
    pub day: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub key: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub key2: Option<String>,
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

/// What a report covers.
#[derive(Debug, Clone)]
pub struct Scope {
    /// Each branch reported on, with its UTC offset in minutes (the branches'
    /// time zones keep no daylight saving time).
    pub branches: Vec<(String, i32)>,
    /// Local days, inclusive.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Whether the in-range figures kept in `report_days` come per day (a
    /// series) or summed over the range (`day` `None`: a summary needs no more,
    /// and a national one then reads 30 times fewer rows).
    pub per_day: bool,
}

/// Every query of a report, grouped per branch (and local day for the
/// in-range figures).
#[derive(Debug, Default)]
pub struct Tallies {
    /// v0: volunteers created on the day.
    pub volunteers_new: Vec<Tally>,
    /// key: kind, key2: status, v0: events starting on the day.
    pub events: Vec<Tally>,
    /// v0: shifts starting on the day (not cancelled, of scheduled or
    /// completed events), v1: their capacity.
    pub shifts: Vec<Tally>,
    /// Places on those shifts: v0 taken (signed up, attended, no-show), v1
    /// attended, v2 no-show.
    pub signups: Vec<Tally>,
    /// v0 visits, v1 doors knocked, v2 conversations.
    pub visits: Vec<Tally>,
    /// key: material, v0: handed out, net of counter-movements (`hand_out_days`).
    pub handed_out: Vec<Tally>,
    /// Meetings held (by their start): v0 count, v1 attendance, v2 attendance
    /// at work-collective meetings.
    pub meetings: Vec<Tally>,
    /// Per branch over the range: v0 distinct organisations met.
    pub organisations_met: Vec<Tally>,
    /// v0 posters placed (the placements' quantities), v1 placements.
    pub posters_placed: Vec<Tally>,
    /// Posts published (not removed): v0 posts, v1 views, v2 reactions, v3
    /// shares, v4 comments (each post at its latest reach snapshot).
    pub social: Vec<Tally>,
    /// As of now, key: status, v0 volunteers.
    pub volunteers: Vec<Tally>,
    /// As of now: v0 routes, v1 stops, v2 stops visited.
    pub routes: Vec<Tally>,
    /// As of now: v0 active poster sites, v1 of them with a poster hanging.
    pub poster_sites: Vec<Tally>,
    /// As of now: v0 rural settlements, v1 of them reached.
    pub rural: Vec<Tally>,
}

/// `expr` as a BIGINT (PostgreSQL sums integers to NUMERIC or BIGINT).
fn big(expr: &str) -> String {
    format!("CAST({expr} AS BIGINT)")
}

/// The select list of a [`Tally`]: up to five numbers, the rest zero.
fn columns(branch: &str, day: Option<&str>, keys: [Option<&str>; 2], values: &[&str]) -> String {
    let text = |value: Option<&str>| value.map_or_else(|| "CAST(NULL AS TEXT)".to_owned(), str::to_owned);
    let numbers: Vec<String> =
        (0..5).map(|index| format!("{} AS v{index}", big(values.get(index).copied().unwrap_or("0")))).collect();
    format!(
        "{branch} AS branch, {} AS day, {} AS key, {} AS key2, {}",
        text(day),
        text(keys[0]),
        text(keys[1]),
        numbers.join(", ")
    )
}

/// `(VALUES (code, offset), ...) AS o`: the branches and their offsets.
fn offsets(scope: &Scope, params: &mut Params) -> String {
    format!("{} AS o", raw_sql::branch_offsets(&scope.branches, params))
}

/// A statement over `from` grouped per branch only (figures as of now, or over
/// the whole range).
fn per_branch(
    scope: &Scope,
    sqlite: bool,
    from: &str,
    branch: &str,
    key: Option<&str>,
    values: &[&str],
    filter: &str,
) -> (String, Vec<Param>) {
    let mut params = Params::new(sqlite);
    let values_list = offsets(scope, &mut params);
    let group_key = key.map(|key| format!(", {key}")).unwrap_or_default();
    let sql = format!(
        "SELECT {} FROM {from} JOIN {values_list} ON o.column1 = {branch} WHERE 1 = 1{filter} GROUP BY {branch}{group_key}",
        columns(branch, None, [key, None], values)
    );
    (sql, params.values)
}

fn visits_statement(scope: &Scope, sqlite: bool) -> (String, Vec<Param>) {
    let mut params = Params::new(sqlite);
    let values_list = offsets(scope, &mut params);
    let from = params.next(Param::Text(scope.from.to_string()));
    let to = params.next(Param::Text(scope.to.to_string()));
    let sql = format!(
        "SELECT {} FROM visit_days d JOIN {values_list} ON o.column1 = d.branch_code \
         WHERE d.day >= {from} AND d.day <= {to}",
        columns("d.branch_code", Some("d.day"), [None, None], &["d.visits", "d.doors_knocked", "d.conversations"])
    );
    (sql, params.values)
}

fn hand_outs_statement(scope: &Scope, sqlite: bool) -> (String, Vec<Param>) {
    let mut params = Params::new(sqlite);
    let values_list = offsets(scope, &mut params);
    let from = params.next(Param::Text(scope.from.to_string()));
    let to = params.next(Param::Text(scope.to.to_string()));
    let sql = format!(
        "SELECT {} FROM hand_out_days d JOIN {values_list} ON o.column1 = d.branch_code \
         WHERE d.day >= {from} AND d.day <= {to}",
        columns("d.branch_code", Some("d.day"), [Some("d.material_id"), None], &["d.quantity"])
    );
    (sql, params.values)
}

/// The in-range figures of `scope`, per branch and local day.
pub fn in_range_tallies(conn: &mut DbConn, scope: &Scope, tallies: &mut Tallies) -> QueryResult<()> {
    if scope.branches.is_empty() {
        return Ok(());
    }
    tallies.volunteers_new = report_days::tallies(conn, scope, Measure::VolunteersNew)?;
    tallies.events = report_days::tallies(conn, scope, Measure::Events)?;
    tallies.shifts = report_days::tallies(conn, scope, Measure::Shifts)?;
    tallies.signups = report_days::tallies(conn, scope, Measure::Signups)?;
    tallies.social = report_days::tallies(conn, scope, Measure::Social)?;
    tallies.meetings = report_days::tallies(conn, scope, Measure::Meetings)?;
    tallies.posters_placed = report_days::tallies(conn, scope, Measure::Posters)?;
    tallies.visits = raw_sql::load(conn, |sqlite| visits_statement(scope, sqlite))?;
    tallies.handed_out = raw_sql::load(conn, |sqlite| hand_outs_statement(scope, sqlite))?;
    tallies.organisations_met = report_days::distinct_keys(conn, scope, Measure::Organisations)?;
    Ok(())
}

/// The figures as of now of `scope`'s branches (its days play no part).
pub fn stock_tallies(conn: &mut DbConn, scope: &Scope, tallies: &mut Tallies) -> QueryResult<()> {
    if scope.branches.is_empty() {
        return Ok(());
    }
    tallies.volunteers = report_days::tallies(conn, scope, Measure::Volunteers)?;
    tallies.routes = report_days::tallies(conn, scope, Measure::Routes)?;
    tallies.poster_sites = report_days::tallies(conn, scope, Measure::PosterSites)?;
    // A rural settlement is reached once anything happened in it: a visited
    // stop of a route, a completed event or held meeting, a poster hanging.
    // Each branch of the OR is one probe of a partial index (migration
    // `2026-12-08-000110_report_days`); held meetings are few, listed once.
    let reached = "CASE WHEN EXISTS (SELECT 1 FROM routes r WHERE r.locality_id = l.id AND r.stops_visited > 0) \
         OR EXISTS (SELECT 1 FROM events e WHERE e.locality_id = l.id AND e.status = 'completed') \
         OR l.id IN (SELECT e.locality_id FROM meetings m JOIN events e ON e.id = m.event_id \
                     WHERE m.status = 'held' AND e.locality_id IS NOT NULL) \
         OR EXISTS (SELECT 1 FROM poster_sites p WHERE p.locality_id = l.id AND p.status = 'active' \
                    AND p.current_posters > 0) THEN 1 ELSE 0 END";
    tallies.rural = raw_sql::load(conn, |sqlite| {
        per_branch(
            scope,
            sqlite,
            "localities l",
            "l.branch_code",
            None,
            &["COUNT(*)", &format!("SUM({reached})")],
            " AND l.kind IN ('village', 'rural_district')",
        )
    })?;
    Ok(())
}

/// Visits summed per branch and local day, as [`add_visit_days`] keeps them.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct VisitDay {
    #[diesel(sql_type = Text)]
    pub branch_code: String,
    #[diesel(sql_type = Text)]
    pub day: String,
    #[diesel(sql_type = BigInt)]
    pub visits: i64,
    #[diesel(sql_type = BigInt)]
    pub doors_knocked: i64,
    #[diesel(sql_type = BigInt)]
    pub conversations: i64,
}

/// Adds new visits to their branch's days (in the visits' transaction), one
/// statement per day, in day order (so concurrent syncs lock rows in one order).
pub fn add_visit_days(conn: &mut DbConn, days: &[VisitDay]) -> QueryResult<()> {
    let mut days = days.to_vec();
    days.sort_by(|a, b| (&a.branch_code, &a.day).cmp(&(&b.branch_code, &b.day)));
    for day in days {
        let sql = |placeholders: [&str; 5]| {
            format!(
                "INSERT INTO visit_days (branch_code, day, visits, doors_knocked, conversations) \
                 VALUES ({}, {}, {}, {}, {}) ON CONFLICT (branch_code, day) DO UPDATE SET \
                 visits = visit_days.visits + excluded.visits, \
                 doors_knocked = visit_days.doors_knocked + excluded.doors_knocked, \
                 conversations = visit_days.conversations + excluded.conversations",
                placeholders[0], placeholders[1], placeholders[2], placeholders[3], placeholders[4]
            )
        };
        match conn {
            DbConn::Sqlite(sqlite) => diesel::sql_query(sql(["?"; 5]))
                .bind::<Text, _>(&day.branch_code)
                .bind::<Text, _>(&day.day)
                .bind::<BigInt, _>(day.visits)
                .bind::<BigInt, _>(day.doors_knocked)
                .bind::<BigInt, _>(day.conversations)
                .execute(sqlite)?,
            DbConn::Postgresql(pg) => diesel::sql_query(sql(["$1", "$2", "$3", "$4", "$5"]))
                .bind::<Text, _>(&day.branch_code)
                .bind::<Text, _>(&day.day)
                .bind::<BigInt, _>(day.visits)
                .bind::<BigInt, _>(day.doors_knocked)
                .bind::<BigInt, _>(day.conversations)
                .execute(pg)?,
        };
    }
    Ok(())
}

/// `visit_days` recomputed from the raw visits (branches with their offsets),
/// in branch and day order: what the table must hold.
pub fn visit_days_from_visits(conn: &mut DbConn, branches: &[(String, i32)]) -> QueryResult<Vec<VisitDay>> {
    if branches.is_empty() {
        return Ok(Vec::new());
    }
    raw_sql::load(conn, |sqlite| {
        let mut params = Params::new(sqlite);
        let day = raw_sql::local_day("v.visited_at", sqlite);
        let scope = Scope { branches: branches.to_vec(), from: NaiveDate::MIN, to: NaiveDate::MAX, per_day: true };
        let values_list = offsets(&scope, &mut params);
        let sql = format!(
            "SELECT r.branch_code AS branch_code, {day} AS day, {} AS visits, {} AS doors_knocked, \
             {} AS conversations FROM visits v JOIN routes r ON r.id = v.route_id \
             JOIN {values_list} ON o.column1 = r.branch_code GROUP BY r.branch_code, {day} ORDER BY 1, 2",
            big("COUNT(*)"),
            big("SUM(v.doors_knocked)"),
            big("SUM(v.conversations)")
        );
        (sql, params.values)
    })
}

/// `visit_days` as stored, in branch and day order.
pub fn visit_days(conn: &mut DbConn) -> QueryResult<Vec<VisitDay>> {
    raw_sql::load(conn, |_| {
        (
            "SELECT branch_code, day, visits, doors_knocked, conversations FROM visit_days ORDER BY 1, 2".to_owned(),
            vec![],
        )
    })
}

/// Replaces `visit_days` with the sums of the raw visits (after a bulk load).
pub fn rebuild_visit_days(conn: &mut DbConn, branches: &[(String, i32)]) -> QueryResult<()> {
    let days = visit_days_from_visits(conn, branches)?;
    conn.transaction(|conn| {
        match conn {
            DbConn::Sqlite(sqlite) => diesel::sql_query("DELETE FROM visit_days").execute(sqlite)?,
            DbConn::Postgresql(pg) => diesel::sql_query("DELETE FROM visit_days").execute(pg)?,
        };
        add_visit_days(conn, &days)
    })
}

/// Hand-outs summed per branch, local day and material, as [`add_hand_outs`] keeps them.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct HandOutDay {
    #[diesel(sql_type = Text)]
    pub branch_code: String,
    #[diesel(sql_type = Text)]
    pub day: String,
    #[diesel(sql_type = Text)]
    pub material_id: String,
    /// Net of counter-movements.
    #[diesel(sql_type = BigInt)]
    pub quantity: i64,
}

/// A branch's UTC offset in minutes now (Kazakhstan keeps no daylight saving
/// time; Astana time when the zone is unknown).
fn offset_minutes(conn: &mut DbConn, code: &str) -> QueryResult<i32> {
    let zone: String = branches::table.find(code).select(branches::timezone).first(conn)?;
    Ok(utc_offset_minutes(&zone, Utc::now().naive_utc()))
}

/// Adds the hand-outs among `rows` (counter-movements subtract) to their
/// branch's days, in the movements' transaction; other kinds are left alone.
pub fn add_hand_outs(conn: &mut DbConn, rows: &[StockMovement]) -> QueryResult<()> {
    let mut offsets: BTreeMap<String, i32> = BTreeMap::new();
    let mut days: BTreeMap<(String, String, String), i64> = BTreeMap::new();
    for row in rows.iter().filter(|row| row.kind == MovementKind::HandOut) {
        let minutes = match offsets.get(&row.branch_code) {
            Some(minutes) => *minutes,
            None => {
                let minutes = offset_minutes(conn, &row.branch_code)?;
                offsets.insert(row.branch_code.clone(), minutes);
                minutes
            }
        };
        let day = (row.created_at + TimeDelta::minutes(i64::from(minutes))).date().to_string();
        let quantity = i64::from(row.quantity);
        *days.entry((row.branch_code.clone(), day, row.material_id.to_string())).or_default() +=
            if row.reverses_id.is_none() { quantity } else { -quantity };
    }
    let days: Vec<HandOutDay> = days
        .into_iter()
        .map(|((branch_code, day, material_id), quantity)| HandOutDay { branch_code, day, material_id, quantity })
        .collect();
    add_hand_out_days(conn, &days)
}

/// Adds per-day hand-out sums, one statement per row, in key order.
fn add_hand_out_days(conn: &mut DbConn, days: &[HandOutDay]) -> QueryResult<()> {
    let sql = |placeholders: [&str; 4]| {
        format!(
            "INSERT INTO hand_out_days (branch_code, day, material_id, quantity) VALUES ({}, {}, {}, {}) \
             ON CONFLICT (branch_code, day, material_id) DO UPDATE SET \
             quantity = hand_out_days.quantity + excluded.quantity",
            placeholders[0], placeholders[1], placeholders[2], placeholders[3]
        )
    };
    for day in days {
        match conn {
            DbConn::Sqlite(sqlite) => diesel::sql_query(sql(["?"; 4]))
                .bind::<Text, _>(&day.branch_code)
                .bind::<Text, _>(&day.day)
                .bind::<Text, _>(&day.material_id)
                .bind::<BigInt, _>(day.quantity)
                .execute(sqlite)?,
            DbConn::Postgresql(pg) => diesel::sql_query(sql(["$1", "$2", "$3", "$4"]))
                .bind::<Text, _>(&day.branch_code)
                .bind::<Text, _>(&day.day)
                .bind::<Text, _>(&day.material_id)
                .bind::<BigInt, _>(day.quantity)
                .execute(pg)?,
        };
    }
    Ok(())
}

/// `hand_out_days` recomputed from the raw `hand_out` movements, in key order,
/// leaving out nothing (a net of zero is a row too, as the sums keep it).
pub fn hand_out_days_from_movements(conn: &mut DbConn, branches: &[(String, i32)]) -> QueryResult<Vec<HandOutDay>> {
    if branches.is_empty() {
        return Ok(Vec::new());
    }
    raw_sql::load(conn, |sqlite| {
        let mut params = Params::new(sqlite);
        let day = raw_sql::local_day("m.created_at", sqlite);
        let scope = Scope { branches: branches.to_vec(), from: NaiveDate::MIN, to: NaiveDate::MAX, per_day: true };
        let values_list = offsets(&scope, &mut params);
        let sql = format!(
            "SELECT m.branch_code AS branch_code, {day} AS day, m.material_id AS material_id, {} AS quantity \
             FROM stock_movements m JOIN {values_list} ON o.column1 = m.branch_code WHERE m.kind = 'hand_out' \
             GROUP BY m.branch_code, {day}, m.material_id ORDER BY 1, 2, 3",
            big("SUM(CASE WHEN m.reverses_id IS NULL THEN m.quantity ELSE -m.quantity END)")
        );
        (sql, params.values)
    })
}

/// `hand_out_days` as stored, in key order.
pub fn hand_out_days(conn: &mut DbConn) -> QueryResult<Vec<HandOutDay>> {
    raw_sql::load(conn, |_| {
        ("SELECT branch_code, day, material_id, quantity FROM hand_out_days ORDER BY 1, 2, 3".to_owned(), vec![])
    })
}

/// Replaces `hand_out_days` with the sums of the raw movements (after a bulk load).
pub fn rebuild_hand_out_days(conn: &mut DbConn, branches: &[(String, i32)]) -> QueryResult<()> {
    let days = hand_out_days_from_movements(conn, branches)?;
    conn.transaction(|conn| {
        match conn {
            DbConn::Sqlite(sqlite) => diesel::sql_query("DELETE FROM hand_out_days").execute(sqlite)?,
            DbConn::Postgresql(pg) => diesel::sql_query("DELETE FROM hand_out_days").execute(pg)?,
        };
        add_hand_out_days(conn, &days)
    })
}
