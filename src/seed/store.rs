//! Writing the demo data: multi-row INSERTs on SQLite, binary COPY on
//! PostgreSQL, one transaction per batch, and the checks and clean-up around them.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::events::EventBatch;
use super::meetings::MeetingBatch;
use super::routes::RouteBatch;
use crate::db::DbConn;
use crate::db::accounts::NewAccount;
use crate::db::localities::Locality;
use crate::db::materials::Material;
use crate::db::meetings::Organisation;
use crate::db::member_organisations::MemberOrganisation;
use crate::db::schema::{
    accounts, assignments, events, follow_ups, idempotency_keys, localities, materials, meeting_reports,
    meeting_speakers, meetings, member_organisations, organisations, report_questions, route_assignees, route_stops,
    routes, shifts, stock_balances, stock_movements, visits, volunteer_holdings, volunteers,
};
use crate::db::stock_balances::StockBalance;
use crate::db::stock_movements::StockMovement;
use crate::db::volunteer_holdings::Holding;
use crate::db::volunteers::Volunteer;

/// Volunteers per batch (one transaction each).
pub const BATCH: usize = 1_000;

/// Demo accounts end with this domain; `--force` removes them before seeding.
pub const DEMO_EMAIL_DOMAIN: &str = "@demo.outreach.kz";

/// SQLite's limit on bound parameters per statement (PostgreSQL's is 65,535).
const SQLITE_MAX_PARAMETERS: usize = 32_766;

/// Writes `rows` of `table` (`$columns` values each). diesel's MultiConnection
/// cannot build a multi-row INSERT (its backend has no single DEFAULT-keyword
/// dialect), so each backend gets its own statement: multi-row INSERTs under
/// SQLite's parameter limit, or one binary COPY on PostgreSQL (several times
/// faster than INSERTs there).
macro_rules! bulk_insert {
    ($conn:expr, $table:expr, $rows:expr, $columns:expr) => {
        match $conn {
            DbConn::Sqlite(conn) => {
                for chunk in $rows.chunks((SQLITE_MAX_PARAMETERS / $columns).max(1)) {
                    diesel::insert_into($table).values(chunk).execute(conn)?;
                }
                Ok::<(), diesel::result::Error>(())
            }
            DbConn::Postgresql(conn) => {
                if !$rows.is_empty() {
                    diesel::copy_from($table).from_insertable($rows).execute(conn)?;
                }
                Ok(())
            }
        }
    };
}

fn message(what: &str) -> impl Fn(diesel::result::Error) -> String + '_ {
    move |err| format!("cannot write {what}: {err}")
}

/// Session settings for a bulk load: a crash loses at most the last batches,
/// which `--force` replaces anyway.
pub fn prepare_bulk_load(conn: &mut DbConn) -> Result<(), String> {
    let settings = match conn {
        DbConn::Sqlite(_) => "PRAGMA synchronous = OFF; PRAGMA cache_size = -65536;",
        DbConn::Postgresql(_) => "SET synchronous_commit = off;",
    };
    conn.batch_execute(settings).map_err(|err| format!("cannot prepare the bulk load: {err}"))
}

pub fn insert_localities(conn: &mut DbConn, rows: &[Locality]) -> Result<(), String> {
    conn.transaction(|conn| bulk_insert!(conn, localities::table, rows, 10)).map_err(message("localities"))
}

pub fn insert_member_organisations(conn: &mut DbConn, rows: &[MemberOrganisation]) -> Result<(), String> {
    conn.transaction(|conn| bulk_insert!(conn, member_organisations::table, rows, 8))
        .map_err(message("member organisations"))
}

pub fn insert_accounts(conn: &mut DbConn, rows: &[NewAccount]) -> Result<(), String> {
    conn.transaction(|conn| bulk_insert!(conn, accounts::table, rows, 11)).map_err(message("accounts"))
}

/// One batch of volunteers in its own transaction.
pub fn insert_volunteers(conn: &mut DbConn, rows: &[Volunteer]) -> Result<(), String> {
    conn.transaction(|conn| bulk_insert!(conn, volunteers::table, rows, 23)).map_err(message("volunteers"))
}

pub fn insert_events(conn: &mut DbConn, batch: &EventBatch) -> Result<(), String> {
    conn.transaction(|conn| {
        bulk_insert!(conn, events::table, &batch.events, 18)?;
        bulk_insert!(conn, shifts::table, &batch.shifts, 11)?;
        bulk_insert!(conn, assignments::table, &batch.assignments, 9)
    })
    .map_err(message("events"))
}

pub fn insert_routes(conn: &mut DbConn, batch: &RouteBatch) -> Result<(), String> {
    conn.transaction(|conn| {
        bulk_insert!(conn, routes::table, &batch.routes, 18)?;
        bulk_insert!(conn, route_stops::table, &batch.stops, 13)?;
        bulk_insert!(conn, route_assignees::table, &batch.assignees, 3)?;
        bulk_insert!(conn, visits::table, &batch.visits, 17)
    })
    .map_err(message("routes"))
}

pub fn insert_organisations(conn: &mut DbConn, rows: &[Organisation]) -> Result<(), String> {
    conn.transaction(|conn| bulk_insert!(conn, organisations::table, rows, 15)).map_err(message("organisations"))
}

pub fn insert_meetings(conn: &mut DbConn, batch: &MeetingBatch) -> Result<(), String> {
    conn.transaction(|conn| {
        bulk_insert!(conn, events::table, &batch.events.events, 18)?;
        bulk_insert!(conn, shifts::table, &batch.events.shifts, 11)?;
        bulk_insert!(conn, assignments::table, &batch.events.assignments, 9)?;
        bulk_insert!(conn, meetings::table, &batch.meetings, 9)?;
        bulk_insert!(conn, meeting_speakers::table, &batch.speakers, 9)?;
        bulk_insert!(conn, meeting_reports::table, &batch.reports, 8)?;
        bulk_insert!(conn, report_questions::table, &batch.questions, 4)?;
        bulk_insert!(conn, follow_ups::table, &batch.follow_ups, 7)
    })
    .map_err(message("meetings"))
}

pub fn insert_materials(conn: &mut DbConn, rows: &[Material]) -> Result<(), String> {
    conn.transaction(|conn| bulk_insert!(conn, materials::table, rows, 14)).map_err(message("materials"))
}

/// Hand-outs, written after the visits and meetings they name.
pub fn insert_movements(conn: &mut DbConn, rows: &[StockMovement]) -> Result<(), String> {
    conn.transaction(|conn| bulk_insert!(conn, stock_movements::table, rows, 17)).map_err(message("stock movements"))
}

/// The rest of the ledger and the balances it leaves, in one transaction.
pub fn insert_ledger(
    conn: &mut DbConn,
    movements: &[StockMovement],
    balances: &[StockBalance],
    holdings: &[Holding],
) -> Result<(), String> {
    conn.transaction(|conn| {
        bulk_insert!(conn, stock_movements::table, movements, 17)?;
        bulk_insert!(conn, stock_balances::table, balances, 4)?;
        bulk_insert!(conn, volunteer_holdings::table, holdings, 5)
    })
    .map_err(message("the stock ledger"))
}

/// The posters of the data set: the material, sites, placements with their
/// histories, and the ledger and balances they leave.
pub fn insert_posters(conn: &mut DbConn, batch: &super::posters::PosterBatch) -> Result<(), String> {
    use crate::db::schema::{materials, poster_placement_changes, poster_placements, poster_sites, stock_movements};
    let at = super::clock::base_time();
    conn.transaction(|conn| {
        bulk_insert!(conn, materials::table, &batch.materials, 14)?;
        bulk_insert!(conn, poster_sites::table, &batch.sites, 17)?;
        // A replacement names the placement it replaces (stored before it); that
        // one names its replacement once both are in.
        let placements: Vec<_> = batch
            .placements
            .iter()
            .cloned()
            .map(|placement| crate::db::poster_placements::Placement { replaced_by_id: None, ..placement })
            .collect();
        bulk_insert!(conn, poster_placements::table, &placements, 15)?;
        conn.batch_execute(
            "UPDATE poster_placements SET replaced_by_id = \
             (SELECT r.id FROM poster_placements r WHERE r.replaces_id = poster_placements.id) \
             WHERE replaced_by_id IS NULL AND status = 'replaced'",
        )?;
        bulk_insert!(conn, poster_placement_changes::table, &batch.changes, 9)?;
        bulk_insert!(conn, stock_movements::table, &batch.movements, 17)?;
        for (branch, material, quantity) in &batch.balances {
            crate::db::stock_balances::credit(conn, branch, material, *quantity, at)?;
        }
        Ok(())
    })
    .map_err(message("posters"))
}

pub fn insert_social(conn: &mut DbConn, batch: &super::social::SocialBatch) -> Result<(), String> {
    use crate::db::schema::{social_posts, social_reach_snapshots};
    conn.transaction(|conn| {
        bulk_insert!(conn, social_posts::table, &batch.posts, 18)?;
        bulk_insert!(conn, social_reach_snapshots::table, &batch.snapshots, 9)
    })
    .map_err(message("social-media posts"))
}

/// What the database holds already that seeding would fill or collide with.
pub fn existing_rows(conn: &mut DbConn) -> Result<Vec<(&'static str, i64)>, String> {
    let read = |err: diesel::result::Error| format!("cannot read the database: {err}");
    let counts = [
        ("volunteers", volunteers::table.count().get_result::<i64>(conn).map_err(read)?),
        ("localities", localities::table.count().get_result::<i64>(conn).map_err(read)?),
        ("member organisations", member_organisations::table.count().get_result::<i64>(conn).map_err(read)?),
        ("events", events::table.count().get_result::<i64>(conn).map_err(read)?),
        ("routes", routes::table.count().get_result::<i64>(conn).map_err(read)?),
        ("poster sites", crate::db::schema::poster_sites::table.count().get_result::<i64>(conn).map_err(read)?),
        ("social posts", crate::db::schema::social_posts::table.count().get_result::<i64>(conn).map_err(read)?),
        ("organisations", organisations::table.count().get_result::<i64>(conn).map_err(read)?),
        ("materials", materials::table.count().get_result::<i64>(conn).map_err(read)?),
        (
            "demo accounts",
            accounts::table
                .filter(accounts::email.like(format!("%{DEMO_EMAIL_DOMAIN}")))
                .count()
                .get_result::<i64>(conn)
                .map_err(read)?,
        ),
    ];
    Ok(counts.into_iter().filter(|(_, count)| *count > 0).collect())
}

/// The tables of the campaign's work, children before parents. Nothing outside
/// them points into them, so PostgreSQL can empty them with one TRUNCATE
/// (a DELETE would check every foreign key row by row, some without an index).
const WORK_TABLES: &[&str] = &[
    "talking_points",
    "social_reach_snapshots",
    "social_posts",
    "shift_requests",
    "stock_movements",
    "poster_placement_changes",
    "poster_placements",
    "poster_sites",
    "volunteer_holdings",
    "stock_balances",
    "materials",
    "visit_days",
    "visits",
    "route_assignees",
    "route_stops",
    "routes",
    "follow_ups",
    "report_questions",
    "meeting_reports",
    "meeting_speakers",
    "meetings",
    "organisations",
    "assignments",
    "shifts",
    "events",
];

/// Removes what seeding fills: the campaign's work (events, routes, meetings,
/// work collectives and everything under them, the materials and their ledger), volunteers (and the volunteer
/// accounts and stored replies that point at them), localities, member
/// organisations, demo accounts. Admins, other accounts and the append-only
/// audit log stay.
pub fn wipe(conn: &mut DbConn) -> Result<(), String> {
    let failed = |err: diesel::result::Error| format!("cannot clear the demo data: {err}");
    conn.transaction(|conn| {
        diesel::delete(idempotency_keys::table).execute(conn)?;
        match conn {
            DbConn::Postgresql(pg) => pg.batch_execute(&format!("TRUNCATE {}", WORK_TABLES.join(", ")))?,
            DbConn::Sqlite(sqlite) => {
                for table in WORK_TABLES {
                    sqlite.batch_execute(&format!("DELETE FROM {table}"))?;
                }
            }
        }
        diesel::delete(
            accounts::table.filter(
                accounts::email
                    .like(format!("%{DEMO_EMAIL_DOMAIN}"))
                    .or(accounts::role.eq(crate::domain::role::Role::Volunteer)),
            ),
        )
        .execute(conn)?;
        diesel::update(accounts::table.filter(accounts::volunteer_id.is_not_null()))
            .set(accounts::volunteer_id.eq(None::<String>))
            .execute(conn)?;
        diesel::delete(volunteers::table).execute(conn).map(drop)
    })
    .map_err(failed)?;
    if let DbConn::Postgresql(pg) = conn {
        // The deleted volunteers stay behind as dead rows until vacuumed, and
        // deleting a locality checks `volunteers.locality_id` (no index) with a
        // scan of them: once per locality.
        pg.batch_execute("VACUUM volunteers").map_err(failed)?;
    }
    conn.transaction(|conn| {
        diesel::delete(member_organisations::table).execute(conn)?;
        // One statement: both backends check the parent/child reference at its end.
        diesel::delete(localities::table).execute(conn).map(drop)
    })
    .map_err(failed)
}
