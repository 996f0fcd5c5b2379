//! Writing the demo data: multi-row INSERTs, one transaction per batch, and the
//! checks and clean-up around them.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::accounts::NewAccount;
use crate::db::localities::Locality;
use crate::db::member_organisations::MemberOrganisation;
use crate::db::schema::{accounts, idempotency_keys, localities, member_organisations, volunteers};
use crate::db::volunteers::Volunteer;

/// Rows per INSERT: 1,000 volunteers bind 23,000 values, under both SQLite's
/// (32,766) and PostgreSQL's (65,535) limit on parameters per statement.
pub const BATCH: usize = 1_000;

/// Demo accounts end with this domain; `--force` removes them before seeding.
pub const DEMO_EMAIL_DOMAIN: &str = "@demo.outreach.kz";

/// A multi-row INSERT. diesel's MultiConnection cannot build one (its backend
/// has no single DEFAULT-keyword dialect), so the same statement is built for
/// each backend.
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            DbConn::Sqlite(conn) => diesel::insert_into($table).values($rows).execute(conn),
            DbConn::Postgresql(conn) => diesel::insert_into($table).values($rows).execute(conn),
        }
    };
}

fn message(what: &str) -> impl Fn(diesel::result::Error) -> String + '_ {
    move |err| format!("cannot write {what}: {err}")
}

pub fn insert_localities(conn: &mut DbConn, rows: &[Locality]) -> Result<(), String> {
    conn.transaction(|conn| {
        for chunk in rows.chunks(BATCH) {
            insert_rows!(conn, localities::table, chunk)?;
        }
        Ok(())
    })
    .map_err(message("localities"))
}

pub fn insert_organisations(conn: &mut DbConn, rows: &[MemberOrganisation]) -> Result<(), String> {
    conn.transaction(|conn| insert_rows!(conn, member_organisations::table, rows).map(drop))
        .map_err(message("member organisations"))
}

pub fn insert_accounts(conn: &mut DbConn, rows: &[NewAccount]) -> Result<(), String> {
    conn.transaction(|conn| insert_rows!(conn, accounts::table, rows).map(drop)).map_err(message("accounts"))
}

/// One batch of volunteers in its own transaction.
pub fn insert_volunteers(conn: &mut DbConn, rows: &[Volunteer]) -> Result<(), String> {
    conn.transaction(|conn| insert_rows!(conn, volunteers::table, rows).map(drop)).map_err(message("volunteers"))
}

/// What the database holds already that seeding would fill or collide with.
pub fn existing_rows(conn: &mut DbConn) -> Result<Vec<(&'static str, i64)>, String> {
    let read = |err: diesel::result::Error| format!("cannot read the database: {err}");
    let counts = [
        ("volunteers", volunteers::table.count().get_result::<i64>(conn).map_err(read)?),
        ("localities", localities::table.count().get_result::<i64>(conn).map_err(read)?),
        ("member organisations", member_organisations::table.count().get_result::<i64>(conn).map_err(read)?),
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

/// Removes what seeding fills: volunteers (and the volunteer accounts and stored
/// replies that point at them), localities, member organisations, demo accounts.
/// Admins, other accounts and the append-only audit log stay.
pub fn wipe(conn: &mut DbConn) -> Result<(), String> {
    conn.transaction(|conn| {
        diesel::delete(idempotency_keys::table).execute(conn)?;
        diesel::delete(
            accounts::table
                .filter(accounts::email.like(format!("%{DEMO_EMAIL_DOMAIN}")).or(accounts::role.eq("volunteer"))),
        )
        .execute(conn)?;
        diesel::update(accounts::table.filter(accounts::volunteer_id.is_not_null()))
            .set(accounts::volunteer_id.eq(None::<String>))
            .execute(conn)?;
        diesel::delete(volunteers::table).execute(conn)?;
        diesel::delete(member_organisations::table).execute(conn)?;
        // One statement: both backends check the parent/child reference at its end.
        diesel::delete(localities::table).execute(conn).map(drop)
    })
    .map_err(|err: diesel::result::Error| format!("cannot clear the demo data: {err}"))
}
