//! `outreach seed-demo`: a realistic, deterministic demo data set across the 20
//! branches, for trying the API and for the load benchmark (`bench/run`).
//!
//! The same plan gives the same data on every run and machine: everything
//! random comes from a seeded [`rng::Rng`], times from a fixed base instant
//! ([`clock::base_time`]), which is the data set's "now". Scale 1 is about
//! 10,000 volunteers, 2,000 events and 100,000 door-to-door visits; all but the
//! localities, member organisations and staff accounts grow with the scale.
//! Every record follows the rules the API's services enforce, and the counters
//! they maintain equal what the raw rows add up to.

mod accounts;
mod addresses;
mod clock;
mod context;
mod events;
mod materials;
mod meetings;
mod names;
mod organisations;
mod people;
mod places;
mod plan;
mod posters;
mod rng;
mod roster;
mod routes;
mod signups;
mod social;
mod store;
mod walking;
mod work_collectives;

use crate::domain::ids::{AccountId, MemberOrganisationId};
use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Write};
use std::time::Instant;

use chrono::{NaiveDateTime, TimeDelta};

pub use accounts::{DEMO_PASSWORD, coordinator_email, observer_email, volunteer_email};
use clock::base_time;
use context::{BranchContext, share};
use people::{BRANCH_WEIGHTS, BranchRefs, VolunteerFactory};
pub use plan::{Plan, VOLUNTEERS_PER_SCALE};
use rng::Rng;
pub use roster::DEMO_PER_BRANCH;
use routes::{RouteBatch, RouteSpec};
use walking::{Schedule, Walker};

use crate::db::branches::{self, BranchFilter};
use crate::db::{self, DatabaseUrl, DbConn};

/// Events per transaction.
const EVENT_BATCH: usize = 500;
/// Visits per transaction (with their routes and stops).
const VISIT_BATCH: usize = 20_000;

/// A UUID v7 for a record created at `at`, its random bits from `rng`.
fn new_id<Id: From<uuid::Uuid>>(rng: &mut Rng, at: NaiveDateTime) -> Id {
    let millis = u64::try_from(at.and_utc().timestamp_millis()).unwrap_or(0);
    let mut random = [0u8; 10];
    random[..8].copy_from_slice(&rng.next_u64().to_le_bytes());
    random[8..].copy_from_slice(&rng.next_u64().to_le_bytes()[..2]);
    uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid().into()
}

/// Progress on standard error: a line per table, redrawn in place on a terminal.
struct Progress {
    terminal: bool,
    started: Instant,
}

impl Progress {
    fn done(&self, what: &str, rows: usize, since: Instant) {
        self.clear_line();
        eprintln!("{what:<22} {rows:>9} rows  {:>6.1} s", since.elapsed().as_secs_f64());
    }

    fn step(&self, what: &str, rows: usize, total: u64) {
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

/// Fills the database at `url` with the demo data set at `scale`; see [`run_plan`].
pub fn run(url: &DatabaseUrl, scale: u32, force: bool) -> Result<(), String> {
    run_plan(url, &Plan::scale(scale), force)
}

/// Fills the database at `url` with the demo data set of `plan`. Refuses a
/// database that holds such data already, unless `force`, which removes it first.
pub fn run_plan(url: &DatabaseUrl, plan: &Plan, force: bool) -> Result<(), String> {
    let progress = Progress { terminal: std::io::stderr().is_terminal(), started: Instant::now() };
    let pool = db::build_pool(url, 1)?;
    let mut conn = pool.get().map_err(|err| format!("cannot connect to {url}: {err}"))?;
    let conn: &mut DbConn = &mut conn;
    db::run_migrations(conn).map_err(|err| format!("migrations failed on {url}: {err}"))?;

    let existing = store::existing_rows(conn)?;
    if !existing.is_empty() {
        let held: Vec<String> = existing.iter().map(|(what, count)| format!("{count} {what}")).collect();
        if !force {
            return Err(format!("{url} is not empty ({}); pass --force to replace the demo data", held.join(", ")));
        }
        let since = Instant::now();
        store::wipe(conn)?;
        eprintln!("removed {} ({:.1} s)", held.join(", "), since.elapsed().as_secs_f64());
    }
    store::prepare_bulk_load(conn)?;
    let mut rng = Rng::new(0x6f75_7472_6561_6368);
    let (mut contexts, national) = seed_people(conn, &progress, &mut rng, plan)?;
    let walks = seed_events(conn, &progress, &mut contexts, plan)?;
    let mut ledger = materials::Ledger::start();
    store::insert_materials(conn, ledger.catalogue())?;
    seed_meetings(conn, &progress, &mut contexts, &national, plan, &mut ledger)?;
    seed_routes(conn, &progress, &mut contexts, walks, plan, &mut ledger)?;
    sum_visit_days(conn, &progress)?;
    seed_logins(conn, &progress, &mut contexts)?;
    seed_ledger(conn, &progress, &contexts, ledger)?;
    seed_posters(conn, &progress, &contexts, plan)?;
    seed_social(conn, &progress, &mut contexts, plan)?;
    seed_talking_points(conn, &progress, &contexts)?;

    if let DbConn::Postgresql(_) = conn {
        // Fresh statistics, as autovacuum would gather them soon after.
        use diesel::connection::SimpleConnection;
        conn.batch_execute("ANALYZE").map_err(|err| format!("cannot analyze {url}: {err}"))?;
    }
    eprintln!(
        "seeded {plan:?} into {url} in {:.1} s; sign in as {} (or coordinator.<branch>{domain}, \
         volunteer.<branch>.<1-{DEMO_PER_BRANCH}>{domain}, observer{domain}) with password {DEMO_PASSWORD}",
        progress.started.elapsed().as_secs_f64(),
        coordinator_email("KZ-71"),
        domain = store::DEMO_EMAIL_DOMAIN,
    );
    Ok(())
}

/// The visits summed per branch and local day for the reports (bulk-loaded
/// visits bypass the sync that keeps the sums).
fn sum_visit_days(conn: &mut DbConn, progress: &Progress) -> Result<(), String> {
    let since = Instant::now();
    let offsets = crate::service::local_days::branch_offsets(conn, None)
        .map_err(|err| format!("cannot read the branches' time zones: {err}"))?;
    crate::db::reports::rebuild_visit_days(conn, &offsets)
        .map_err(|err| format!("cannot sum the visits per day: {err}"))?;
    progress.done("visit days", offsets.len(), since);
    Ok(())
}

/// The weight of a branch in the data set.
fn weight_of(code: &str) -> u32 {
    BRANCH_WEIGHTS.iter().find(|(known, _)| *known == code).map_or(1, |(_, weight)| *weight)
}

fn total_weight(contexts: &[BranchContext]) -> u32 {
    contexts.iter().map(|branch| branch.weight).sum()
}

/// Localities, member organisations, staff accounts and volunteers; returns the
/// branches' contexts (with their active volunteers) and the national member
/// organisations.
fn seed_people(
    conn: &mut DbConn,
    progress: &Progress,
    rng: &mut Rng,
    plan: &Plan,
) -> Result<(Vec<BranchContext>, Vec<MemberOrganisationId>), String> {
    let branches = branches::list(conn, &BranchFilter::default(), 100)
        .map_err(|err| format!("cannot read the branches: {err}"))?;

    let since = Instant::now();
    let mut refs: HashMap<String, BranchRefs> = HashMap::new();
    let mut localities = Vec::new();
    let mut contexts = Vec::new();
    for branch in &branches {
        let rows = places::for_branch(rng, branch);
        // Volunteers live in settlements, not in administrative units.
        let homes = rows
            .iter()
            .filter(|row| row.kind != crate::domain::locality::LocalityKind::RuralDistrict)
            .map(|row| row.id.clone())
            .collect();
        refs.insert(branch.code.clone(), BranchRefs { localities: homes, organisations: Vec::new() });
        contexts.push(BranchContext {
            code: branch.code.clone(),
            centre_ru: branch.centre_ru.clone(),
            zone: clock::zone(&branch.timezone),
            coordinator: AccountId::new(),
            weight: weight_of(&branch.code),
            settlements: BranchContext::settlements_of(&rows),
            roster: roster::Roster::default(),
            logins: accounts::Logins::default(),
        });
        localities.extend(rows);
    }
    store::insert_localities(conn, &localities)?;
    progress.done("localities", localities.len(), since);

    let since = Instant::now();
    let member_organisations = organisations::generate(rng, &branches);
    store::insert_member_organisations(conn, &member_organisations)?;
    let mut national = Vec::new();
    for organisation in &member_organisations {
        match organisation.branch_code.as_ref().and_then(|code| refs.get_mut(code)) {
            Some(branch_refs) => branch_refs.organisations.push(organisation.id.clone()),
            None => national.push(organisation.id.clone()),
        }
    }
    progress.done("member organisations", member_organisations.len(), since);

    let since = Instant::now();
    let hash = crate::auth::password::hash(DEMO_PASSWORD).map_err(|err| err.to_string())?;
    let staff = accounts::generate(rng, &branches, &hash);
    store::insert_accounts(conn, &staff)?;
    for branch in &mut contexts {
        let coordinator = staff.iter().find(|account| account.branch_code.as_ref() == Some(&branch.code));
        if let Some(coordinator) = coordinator {
            branch.coordinator = coordinator.id.clone();
        }
        branch.logins.password_hash = hash.clone();
    }
    progress.done("accounts", staff.len(), since);

    let since = Instant::now();
    let index: HashMap<String, usize> =
        contexts.iter().enumerate().map(|(position, branch)| (branch.code.clone(), position)).collect();
    let mut factory = VolunteerFactory::new(0x766f_6c75_6e74_6565, plan.volunteers, refs, national.clone());
    let mut batch = Vec::with_capacity(store::BATCH);
    let mut written = 0;
    loop {
        batch.clear();
        batch.extend(std::iter::from_fn(|| factory.next()).take(store::BATCH));
        if batch.is_empty() {
            break;
        }
        store::insert_volunteers(conn, &batch)?;
        for volunteer in &batch {
            if let Some(&position) = index.get(&volunteer.branch_code) {
                contexts[position].roster.add(volunteer);
            }
        }
        written += batch.len();
        progress.step("volunteers", written, plan.volunteers);
    }
    progress.done("volunteers", written, since);
    for branch in &mut contexts {
        branch.roster.choose_demo();
        // The demo volunteers' logins come first: numbers 1 to 5 of the branch.
        for demo in 0..branch.roster.demo.len() {
            let member = branch.roster.demo[demo].member;
            let registered = branch.roster.members[member].created_at;
            branch.logins.account_of(rng, member, registered);
        }
    }
    Ok((contexts, national))
}

/// Events with shifts and sign-ups; returns each branch's door-to-door walks.
fn seed_events(
    conn: &mut DbConn,
    progress: &Progress,
    contexts: &mut [BranchContext],
    plan: &Plan,
) -> Result<Vec<Vec<events::Walk>>, String> {
    let since = Instant::now();
    let weights = total_weight(contexts);
    let mut rng = Rng::new(0x6576_656e_7473);
    let (mut events, mut shifts, mut assignments) = (0, 0, 0);
    let mut walks = Vec::new();
    for branch in contexts.iter_mut() {
        let count = share(plan.events, branch.weight, weights);
        let mut sink = |batch: events::EventBatch| {
            store::insert_events(conn, &batch)?;
            events += batch.events.len();
            shifts += batch.shifts.len();
            assignments += batch.assignments.len();
            progress.step("events", events, plan.events);
            Ok(())
        };
        walks.push(events::generate(&mut rng, branch, count, EVENT_BATCH, &mut sink)?);
    }
    progress.done("events", events, since);
    progress.done("shifts", shifts, since);
    progress.done("assignments", assignments, since);
    Ok(walks)
}

/// Work collectives and meetings (events of the meeting kinds).
fn seed_meetings(
    conn: &mut DbConn,
    progress: &Progress,
    contexts: &mut [BranchContext],
    national: &[MemberOrganisationId],
    plan: &Plan,
    ledger: &mut materials::Ledger,
) -> Result<(), String> {
    let since = Instant::now();
    let weights = total_weight(contexts);
    let mut rng = Rng::new(0x6d65_6574_696e_6773);
    let mut taken: HashSet<String> = HashSet::new();
    let mut by_branch = Vec::new();
    let mut organisations = 0;
    for branch in contexts.iter() {
        let rows =
            work_collectives::generate(&mut rng, branch, share(plan.organisations, branch.weight, weights), &mut taken);
        store::insert_organisations(conn, &rows)?;
        organisations += rows.len();
        by_branch.push(rows);
    }
    progress.done("organisations", organisations, since);

    let since = Instant::now();
    let (mut meetings, mut speakers, mut reports) = (0, 0, 0);
    for (branch, organisations) in contexts.iter_mut().zip(&by_branch) {
        let count = share(plan.meetings, branch.weight, weights);
        let batch = meetings::generate(&mut rng, branch, organisations, national, count);
        store::insert_meetings(conn, &batch)?;
        // The reports' materials, handed out from the branch's stock.
        let mut hand_outs = Vec::new();
        for report in &batch.reports {
            hand_outs.extend(ledger.meeting(
                branch,
                &report.meeting_id,
                report.materials_handed_out,
                report.created_at,
            ));
        }
        ledger.written += hand_outs.len();
        store::insert_movements(conn, &hand_outs)?;
        meetings += batch.meetings.len();
        speakers += batch.speakers.len();
        reports += batch.reports.len();
    }
    progress.done("meetings", meetings, since);
    progress.done("meeting speakers", speakers, since);
    progress.done("meeting reports", reports, since);
    Ok(())
}

/// Walkers for a route cut at `cut`: `members` (roster indices), with their logins.
fn walkers_of(rng: &mut Rng, branch: &mut BranchContext, members: &[usize]) -> Vec<Walker> {
    members
        .iter()
        .map(|&member| {
            let registered = branch.roster.members[member].created_at;
            Walker {
                volunteer_id: branch.roster.members[member].id.clone(),
                account_id: branch.logins.account_of(rng, member, registered),
            }
        })
        .collect()
}

/// Up to `count` distinct volunteers registered before `before`.
fn recruit(rng: &mut Rng, branch: &BranchContext, before: NaiveDateTime, count: i64) -> Vec<usize> {
    let mut members = Vec::new();
    for _ in 0..count {
        if let Some(member) = branch.roster.pick_registered_before(rng, before)
            && !members.contains(&member)
        {
            members.push(member);
        }
    }
    members
}

/// Running totals of the routes phase.
#[derive(Default)]
struct RouteTotals {
    logins: usize,
    routes: usize,
    stops: usize,
    assignees: usize,
    visits: usize,
}

/// Writes the batch: the logins made for it first, then the routes and visits,
/// then the materials the visits handed out.
fn flush_routes(
    conn: &mut DbConn,
    branch: &mut BranchContext,
    batch: &mut RouteBatch,
    totals: &mut RouteTotals,
    ledger: &mut materials::Ledger,
) -> Result<(), String> {
    let logins = branch.logins.take_new(&branch.code, &branch.roster);
    store::insert_accounts(conn, &logins)?;
    totals.logins += logins.len();
    store::insert_routes(conn, batch)?;
    let hand_outs = ledger.visits(&batch.routes, &batch.visits);
    ledger.written += hand_outs.len();
    store::insert_movements(conn, &hand_outs)?;
    totals.routes += batch.routes.len();
    totals.stops += batch.stops.len();
    totals.assignees += batch.assignees.len();
    totals.visits += batch.visits.len();
    *batch = RouteBatch::default();
    Ok(())
}

/// Routes: cut for the door-to-door shifts (walked by who came), then walked
/// on their own until the branch has its share of visits, and some for later.
fn seed_routes(
    conn: &mut DbConn,
    progress: &Progress,
    contexts: &mut [BranchContext],
    walks: Vec<Vec<events::Walk>>,
    plan: &Plan,
    ledger: &mut materials::Ledger,
) -> Result<(), String> {
    let since = Instant::now();
    let weights = total_weight(contexts);
    let mut rng = Rng::new(0x726f_7574_6573);
    let mut batch = RouteBatch::default();
    let mut totals = RouteTotals::default();
    let now = base_time();
    let (campaign_start, _) = clock::campaign_days();
    let campaign_start = campaign_start.and_hms_opt(0, 0, 0).unwrap_or(now);
    for (branch, branch_walks) in contexts.iter_mut().zip(walks) {
        if branch.settlements.is_empty() {
            continue;
        }
        let target = usize::try_from(share(plan.visits, branch.weight, weights)).unwrap_or(usize::MAX);
        let (mut visits, mut routes) = (0, 0usize);
        // Routes are cut shortly before their shift: none yet for shifts weeks away.
        let horizon = now + TimeDelta::days(14);
        for walk in branch_walks.iter().filter(|walk| walk.starts <= horizon) {
            // One route per shift still to come; on a past one, one per two or three who came.
            let per_route = if walk.ends <= now { 3 } else { walk.walkers.len().max(1) };
            for pair in walk.walkers.chunks(per_route) {
                let registered = pair.iter().map(|&member| branch.roster.members[member].created_at).max();
                let cut = clock::instant_between(&mut rng, walk.opened, walk.starts - TimeDelta::hours(1))
                    .max(registered.unwrap_or(walk.opened) + TimeDelta::minutes(1));
                let walkers = walkers_of(&mut rng, branch, pair);
                let schedule = if walk.ends <= now {
                    Schedule::Shift { starts: walk.starts, ends: walk.ends }
                } else {
                    Schedule::Later
                };
                let spec = RouteSpec {
                    branch_code: &branch.code,
                    settlement: &branch.settlements[walk.settlement.min(branch.settlements.len() - 1)],
                    event: Some((walk.event_id.clone(), walk.shift_id.clone())),
                    created_at: cut,
                    walkers,
                    schedule,
                };
                visits += routes::build(&mut rng, spec, &mut batch);
                routes += 1;
            }
        }
        while visits < target {
            let first_day = walking::first_session_day(&mut rng, campaign_start);
            let cut = routes::cut_before(&mut rng, first_day);
            let wanted = rng.between(1, 2);
            let members = recruit(&mut rng, branch, cut, wanted);
            let walkers = walkers_of(&mut rng, branch, &members);
            let percent = if rng.chance(70) { 100 } else { rng.between(40, 90) };
            let settlement = usize::try_from(rng.below(branch.settlements.len() as u64)).unwrap_or(0);
            let spec = RouteSpec {
                branch_code: &branch.code,
                settlement: &branch.settlements[settlement],
                event: None,
                created_at: cut,
                walkers,
                schedule: Schedule::Sessions { first_day, percent, zone: branch.zone },
            };
            let made = routes::build(&mut rng, spec, &mut batch);
            visits += made.max(1);
            routes += 1;
            if batch.visits.len() >= VISIT_BATCH {
                flush_routes(conn, branch, &mut batch, &mut totals, ledger)?;
                progress.step("visits", totals.visits, plan.visits);
            }
        }
        // Routes cut for the weeks to come: assigned, or still waiting for volunteers.
        for _ in 0..routes.div_ceil(15) {
            let cut = now - TimeDelta::minutes(rng.between(60, 10 * 24 * 60));
            let wanted = if rng.chance(70) { rng.between(1, 2) } else { 0 };
            let members = recruit(&mut rng, branch, cut, wanted);
            let walkers = walkers_of(&mut rng, branch, &members);
            let settlement = usize::try_from(rng.below(branch.settlements.len() as u64)).unwrap_or(0);
            let spec = RouteSpec {
                branch_code: &branch.code,
                settlement: &branch.settlements[settlement],
                event: None,
                created_at: cut,
                walkers,
                schedule: Schedule::Later,
            };
            routes::build(&mut rng, spec, &mut batch);
        }
        // A batch holds one branch's visits: the logins they point at are its own.
        flush_routes(conn, branch, &mut batch, &mut totals, ledger)?;
    }
    progress.done("routes", totals.routes, since);
    progress.done("route stops", totals.stops, since);
    progress.done("route assignees", totals.assignees, since);
    progress.done("visits", totals.visits, since);
    progress.done("walker accounts", totals.logins, since);
    Ok(())
}

/// Poster sites with placements and histories, and the stock they came out of.
fn seed_posters(conn: &mut DbConn, progress: &Progress, contexts: &[BranchContext], plan: &Plan) -> Result<(), String> {
    let since = Instant::now();
    let batch = posters::generate(contexts, plan.poster_sites, total_weight(contexts), base_time());
    store::insert_posters(conn, &batch)?;
    progress.done("poster sites", batch.sites.len(), since);
    progress.done("poster placements", batch.placements.len(), since);
    Ok(())
}

/// Social-media posts with their reach snapshots.
fn seed_social(
    conn: &mut DbConn,
    progress: &Progress,
    contexts: &mut [BranchContext],
    plan: &Plan,
) -> Result<(), String> {
    let since = Instant::now();
    let weights = total_weight(contexts);
    let batch = social::generate(contexts, plan.social_posts, weights, base_time());
    store::insert_social(conn, &batch)?;
    progress.done("social-media posts", batch.posts.len(), since);
    progress.done("reach snapshots", batch.snapshots.len(), since);
    Ok(())
}

/// A small bilingual talking-points library: questions and article points,
/// most published (one with a newer draft), one draft and one retired.
fn seed_talking_points(conn: &mut DbConn, progress: &Progress, contexts: &[BranchContext]) -> Result<(), String> {
    use crate::db::talking_points::{self, TalkingPoint};
    use crate::domain::ids::TalkingPointId;
    use crate::domain::route::QuestionTopic::*;
    use crate::domain::talking_point::TalkingPointKind::{Article, Question};
    use crate::dto::talking_point::{TalkingPointContent, TalkingText};
    let since = Instant::now();
    let Some(author) = contexts.first().map(|branch| branch.coordinator.clone()) else { return Ok(()) };
    let text = |kk: &str, ru: &str| TalkingText { kk: kk.into(), ru: ru.into(), en: None };
    let items = [
        (
            Question,
            None,
            text("Референдум қашан өтеді?", "Когда пройдёт референдум?"),
            text(
                "Күні Орталық сайлау комиссиясының шешімімен жарияланды.",
                "Дата объявлена решением Центральной избирательной комиссии.",
            ),
            vec![ReferendumQuestion, VotingProcedure],
        ),
        (
            Question,
            None,
            text("Учаскемді қайдан табамын?", "Где найти свой участок?"),
            text("Тұрғылықты мекенжайыңыз бойынша ОСК сайтынан.", "По адресу регистрации на сайте ЦИК."),
            vec![PollingStation],
        ),
        (
            Article,
            Some("1"),
            text("Мемлекет құрылысы", "Основы государства"),
            text(
                "Бірінші бап мемлекеттің негізгі қағидаттарын бекітеді.",
                "Первая статья закрепляет основные принципы государства.",
            ),
            vec![Constitution],
        ),
        (
            Article,
            Some("26"),
            text("Меншік құқығы", "Право собственности"),
            text("Жобада меншікті қорғау кепілдіктері сақталады.", "Проект сохраняет гарантии защиты собственности."),
            vec![Constitution, Economy],
        ),
        (
            Question,
            None,
            text("Зейнетақыға не болады?", "Что будет с пенсиями?"),
            text("Әлеуметтік кепілдіктер азаймайды.", "Социальные гарантии не уменьшаются."),
            vec![SocialSupport, Economy],
        ),
        (
            Question,
            None,
            text("Білім тегін бола ма?", "Останется ли образование бесплатным?"),
            text("Орта білім тегін болып қалады.", "Среднее образование остаётся бесплатным."),
            vec![Education],
        ),
    ];
    let at = base_time();
    let mut rows = Vec::new();
    for (n, (kind, article, question, answer, topics)) in items.into_iter().enumerate() {
        let content = TalkingPointContent { kind, article: article.map(str::to_owned), question, answer, topics };
        let draft = serde_json::to_string(&content).map_err(|err| err.to_string())?;
        let topics = crate::service::talking_points::topics_text(&content.topics);
        // The fifth is a draft only, the sixth is retired; the others are published.
        let published = n != 4;
        let retired = n == 5;
        rows.push(TalkingPoint {
            id: TalkingPointId::new(),
            draft: draft.clone(),
            topics: topics.clone(),
            published_version: published.then_some(2),
            published_at: published.then_some(at),
            published: published.then(|| draft.clone()),
            published_topics: if published { topics } else { String::new() },
            retired_at: retired.then_some(at),
            created_by: author.clone(),
            created_at: at,
            updated_at: at,
            version: if retired {
                3
            } else if published {
                2
            } else {
                1
            },
        });
    }
    for row in &rows {
        talking_points::insert(conn, row).map_err(|err| format!("cannot write talking points: {err}"))?;
    }
    progress.done("talking points", rows.len(), since);
    Ok(())
}

/// The volunteer logins made along the way (demo volunteers and walkers) not
/// written with the routes.
fn seed_logins(conn: &mut DbConn, progress: &Progress, contexts: &mut [BranchContext]) -> Result<(), String> {
    let since = Instant::now();
    let rows: Vec<_> =
        contexts.iter_mut().flat_map(|branch| branch.logins.take_new(&branch.code, &branch.roster)).collect();
    store::insert_accounts(conn, &rows)?;
    progress.done("volunteer accounts", rows.len(), since);
    Ok(())
}

/// The issues, transfers and receipts that cover every hand-out, and the balances.
fn seed_ledger(
    conn: &mut DbConn,
    progress: &Progress,
    contexts: &[BranchContext],
    ledger: materials::Ledger,
) -> Result<(), String> {
    let since = Instant::now();
    let handed_out = ledger.written;
    let (movements, balances, holdings) = ledger.finish(contexts);
    store::insert_ledger(conn, &movements, &balances, &holdings)?;
    progress.done("stock movements", handed_out + movements.len(), since);
    progress.done("stock balances", balances.len() + holdings.len(), since);
    Ok(())
}
