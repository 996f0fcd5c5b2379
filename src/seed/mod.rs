//! `outreach seed-demo`: a realistic, deterministic demo data set across the 20
//! branches, for trying the API and for the load benchmark (`bench/run`).
//!
//! The same scale gives the same data on every run and machine: everything
//! random comes from a seeded [`rng::Rng`], times from a fixed base instant.
//! Scale 1 is about 10,000 volunteers; the volunteers grow linearly with the
//! scale, localities, member organisations and accounts stay the same.

mod accounts;
mod names;
mod organisations;
mod people;
mod places;
mod rng;
mod store;

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::time::Instant;

use chrono::{NaiveDate, NaiveDateTime};

pub use accounts::{DEMO_PASSWORD, coordinator_email, observer_email};
use people::{BranchRefs, VolunteerFactory};
use rng::Rng;

use crate::db::branches::{self, BranchFilter};
use crate::db::{self, DatabaseUrl};

/// Volunteers per unit of scale.
pub const VOLUNTEERS_PER_SCALE: u64 = 10_000;

/// The instant the demo data is "as of": creation times lie before it.
fn base_time() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 1).and_then(|day| day.and_hms_opt(9, 0, 0)).unwrap_or_default()
}

/// A UUID v7 for a record created at `at`, its random bits from `rng`.
fn new_id(rng: &mut Rng, at: NaiveDateTime) -> String {
    let millis = u64::try_from(at.and_utc().timestamp_millis()).unwrap_or(0);
    let mut random = [0u8; 10];
    random[..8].copy_from_slice(&rng.next_u64().to_le_bytes());
    random[8..].copy_from_slice(&rng.next_u64().to_le_bytes()[..2]);
    uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid().to_string()
}

/// Progress on standard error: a line per table, redrawn in place on a terminal.
struct Progress {
    terminal: bool,
    started: Instant,
}

impl Progress {
    fn done(&self, what: &str, rows: usize, since: Instant) {
        eprintln!("{what:<22} {rows:>9} rows  {:>6.1} s", since.elapsed().as_secs_f64());
    }

    fn step(&self, what: &str, rows: u64, total: u64) {
        if self.terminal {
            eprint!("\r{what:<22} {rows:>9} / {total}");
            let _ = std::io::stderr().flush();
        }
    }

    fn clear_line(&self) {
        if self.terminal {
            eprint!("\r{:<60}\r", "");
        }
    }
}

/// Fills the database at `url` with the demo data set at `scale`. Refuses a
/// database that holds volunteers, localities, member organisations or demo
/// accounts already, unless `force`, which removes those first.
pub fn run(url: &DatabaseUrl, scale: u32, force: bool) -> Result<(), String> {
    let progress = Progress { terminal: std::io::stderr().is_terminal(), started: Instant::now() };
    let pool = db::build_pool(url, 1)?;
    let mut conn = pool.get().map_err(|err| format!("cannot connect to {url}: {err}"))?;
    db::run_migrations(&mut conn).map_err(|err| format!("migrations failed on {url}: {err}"))?;

    let existing = store::existing_rows(&mut conn)?;
    if !existing.is_empty() {
        let held: Vec<String> = existing.iter().map(|(what, count)| format!("{count} {what}")).collect();
        if !force {
            return Err(format!("{url} is not empty ({}); pass --force to replace the demo data", held.join(", ")));
        }
        let since = Instant::now();
        store::wipe(&mut conn)?;
        eprintln!("removed {} ({:.1} s)", held.join(", "), since.elapsed().as_secs_f64());
    }

    let branches = branches::list(&mut conn, &BranchFilter::default(), 100)
        .map_err(|err| format!("cannot read the branches: {err}"))?;

    let since = Instant::now();
    let mut rng = Rng::new(0x6f75_7472_6561_6368);
    let mut refs: HashMap<String, BranchRefs> = HashMap::new();
    let mut localities = Vec::new();
    for branch in &branches {
        let rows = places::for_branch(&mut rng, branch);
        // Volunteers live in settlements, not in administrative units.
        let homes = rows.iter().filter(|row| row.kind != "rural_district").map(|row| row.id.clone()).collect();
        refs.insert(branch.code.clone(), BranchRefs { localities: homes, organisations: Vec::new() });
        localities.extend(rows);
    }
    store::insert_localities(&mut conn, &localities)?;
    progress.done("localities", localities.len(), since);

    let since = Instant::now();
    let organisations = organisations::generate(&mut rng, &branches);
    store::insert_organisations(&mut conn, &organisations)?;
    let mut national = Vec::new();
    for organisation in &organisations {
        match organisation.branch_code.as_ref().and_then(|code| refs.get_mut(code)) {
            Some(branch_refs) => branch_refs.organisations.push(organisation.id.clone()),
            None => national.push(organisation.id.clone()),
        }
    }
    progress.done("member organisations", organisations.len(), since);

    let since = Instant::now();
    let hash = crate::auth::password::hash(DEMO_PASSWORD).map_err(|err| err.to_string())?;
    let demo_accounts = accounts::generate(&mut rng, &branches, &hash);
    store::insert_accounts(&mut conn, &demo_accounts)?;
    progress.done("accounts", demo_accounts.len(), since);

    let since = Instant::now();
    let total = u64::from(scale) * VOLUNTEERS_PER_SCALE;
    let mut factory = VolunteerFactory::new(0x766f_6c75_6e74_6565, total, refs, national);
    let mut batch = Vec::with_capacity(store::BATCH);
    let mut written = 0u64;
    loop {
        batch.clear();
        batch.extend(std::iter::from_fn(|| factory.next()).take(store::BATCH));
        if batch.is_empty() {
            break;
        }
        store::insert_volunteers(&mut conn, &batch)?;
        written += u64::try_from(batch.len()).unwrap_or(0);
        progress.step("volunteers", written, total);
    }
    progress.clear_line();
    progress.done("volunteers", usize::try_from(written).unwrap_or(usize::MAX), since);

    if let db::DbConn::Postgresql(_) = &mut *conn {
        // Fresh statistics, as autovacuum would gather them soon after.
        use diesel::connection::SimpleConnection;
        conn.batch_execute("ANALYZE").map_err(|err| format!("cannot analyze {url}: {err}"))?;
    }
    eprintln!(
        "seeded scale {scale} into {url} in {:.1} s; sign in as {} (or coordinator.<branch>{}, observer{}) with password {DEMO_PASSWORD}",
        progress.started.elapsed().as_secs_f64(),
        coordinator_email("KZ-71"),
        store::DEMO_EMAIL_DOMAIN,
        store::DEMO_EMAIL_DOMAIN,
    );
    Ok(())
}
