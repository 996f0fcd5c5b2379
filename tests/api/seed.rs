//! `outreach seed-demo`: the demo data follows the API's own rules, its
//! maintained counters equal the raw rows, and the demo accounts can use it at once.

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use outreach::db::DbConn;
use outreach::db::schema::{accounts, assignments, member_organisations, routes, visits, volunteers};
use outreach::domain::bin::is_valid_bin;
use outreach::domain::phone::normalize_phone;
use outreach::seed::{self, DEMO_PASSWORD, DEMO_PER_BRANCH, Plan, coordinator_email, volunteer_email};

use crate::helpers::TestApp;

/// Name, phone, guardian, guardian's consent, birth date.
type SeededPerson =
    (Option<String>, Option<String>, Option<String>, Option<chrono::NaiveDateTime>, Option<chrono::NaiveDate>);

/// The small plan: every kind of record in every branch, quick in debug builds.
fn seed_demo(app: &TestApp, force: bool) -> Result<(), String> {
    seed::run_plan(&app.state.config.database_url, &Plan::sample(), force)
}

fn stored<T>(app: &TestApp, query: impl FnOnce(&mut DbConn) -> QueryResult<T>) -> T {
    app.state.db.run_blocking(|conn| query(conn).map_err(|err| err.to_string())).unwrap()
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The single count a `SELECT COUNT(*) AS n ...` query (written for both backends) answers.
pub fn count(app: &TestApp, sql: &str) -> i64 {
    stored(app, |conn| match conn {
        DbConn::Sqlite(conn) => diesel::sql_query(sql).get_result::<Count>(conn),
        DbConn::Postgresql(conn) => diesel::sql_query(sql).get_result::<Count>(conn),
    })
    .n
}

/// What every movement does to every balance it changes, one row each:
/// `(k, h, m, d)` = holder kind (`b` branch, `v` volunteer), holder, material, delta.
const LEDGER_EFFECTS: &str = "
    SELECT 'b' AS k, branch_code AS h, material_id AS m,
           (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END) * (CASE
               WHEN kind IN ('receipt', 'return') THEN quantity
               WHEN kind = 'adjustment' AND direction = 'increase' THEN quantity
               WHEN kind = 'hand_out' AND volunteer_id IS NOT NULL THEN 0
               ELSE -quantity END) AS d
    FROM stock_movements
    UNION ALL
    SELECT 'b', to_branch_code, material_id, (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END) * quantity
    FROM stock_movements WHERE kind = 'transfer'
    UNION ALL
    SELECT 'v', volunteer_id, material_id,
           (CASE WHEN reverses_id IS NULL THEN 1 ELSE -1 END) * (CASE WHEN kind = 'issue' THEN quantity ELSE -quantity END)
    FROM stock_movements WHERE kind IN ('issue', 'return', 'hand_out') AND volunteer_id IS NOT NULL";

/// Stored balances (branch and volunteer) that are negative or differ from the
/// sum of their movements.
pub fn balances_off_their_movements() -> String {
    format!(
        "SELECT COUNT(*) AS n FROM (
            SELECT 'b' AS k, branch_code AS h, material_id AS m, quantity AS q FROM stock_balances
            UNION ALL SELECT 'v', volunteer_id, material_id, quantity FROM volunteer_holdings) s
         LEFT JOIN (SELECT k, h, m, SUM(d) AS total FROM ({LEDGER_EFFECTS}) e GROUP BY k, h, m) t
           ON t.k = s.k AND t.h = s.h AND t.m = s.m
         WHERE s.q < 0 OR s.q <> COALESCE(t.total, 0)"
    )
}

/// Sums of movements that are not zero but have no stored balance.
pub fn sums_without_a_balance() -> String {
    format!(
        "SELECT COUNT(*) AS n FROM (SELECT k, h, m, SUM(d) AS total FROM ({LEDGER_EFFECTS}) e GROUP BY k, h, m) t
         WHERE t.total <> 0 AND NOT (
            (t.k = 'b' AND EXISTS (SELECT 1 FROM stock_balances b WHERE b.branch_code = t.h AND b.material_id = t.m))
         OR (t.k = 'v' AND EXISTS (SELECT 1 FROM volunteer_holdings v WHERE v.volunteer_id = t.h AND v.material_id = t.m)))"
    )
}

/// Routes whose maintained counters differ from the GROUP BY of their visits.
const ROUTES_OFF_THEIR_VISITS: &str = "SELECT COUNT(*) AS n FROM routes r LEFT JOIN (
        SELECT route_id, COUNT(*) AS visits, SUM(doors_knocked) AS doors, SUM(conversations) AS talks,
               SUM(materials_left) AS materials, MAX(visited_at) AS last
        FROM visits GROUP BY route_id) v ON v.route_id = r.id
    WHERE r.visits_count <> COALESCE(v.visits, 0) OR r.doors_knocked <> COALESCE(v.doors, 0)
       OR r.conversations <> COALESCE(v.talks, 0) OR r.materials_left <> COALESCE(v.materials, 0)
       OR r.last_activity_at IS DISTINCT FROM v.last";

/// Routes whose stop counts differ from the GROUP BY of their stops.
const ROUTES_OFF_THEIR_STOPS: &str = "SELECT COUNT(*) AS n FROM routes r LEFT JOIN (
        SELECT route_id, COUNT(*) AS stops, COUNT(first_visited_at) AS visited FROM route_stops GROUP BY route_id
    ) s ON s.route_id = r.id
    WHERE r.stops_total <> COALESCE(s.stops, 0) OR r.stops_visited <> COALESCE(s.visited, 0)";

/// Stops whose visit count or first visit differ from the GROUP BY of their visits.
const STOPS_OFF_THEIR_VISITS: &str = "SELECT COUNT(*) AS n FROM route_stops s LEFT JOIN (
        SELECT stop_id, COUNT(*) AS visits, MIN(visited_at) AS first FROM visits GROUP BY stop_id
    ) v ON v.stop_id = s.id
    WHERE s.visits_count <> COALESCE(v.visits, 0) OR s.first_visited_at IS DISTINCT FROM v.first";

/// Routes whose status is not what assigning and syncing would have made it.
const ROUTES_IN_THE_WRONG_STATUS: &str = "SELECT COUNT(*) AS n FROM routes r WHERE r.status <> CASE
        WHEN r.visits_count > 0 AND r.stops_visited = r.stops_total THEN 'completed'
        WHEN r.visits_count > 0 THEN 'in_progress'
        WHEN EXISTS (SELECT 1 FROM route_assignees a WHERE a.route_id = r.id) THEN 'assigned'
        ELSE 'planned' END";

/// Visits that break the sync's checks or were recorded by someone else than an assignee's login.
const VISITS_BREAKING_THE_RULES: &str = "SELECT COUNT(*) AS n FROM visits v
    JOIN route_stops s ON s.id = v.stop_id JOIN routes r ON r.id = v.route_id
    LEFT JOIN accounts a ON a.id = v.recorded_by
    WHERE v.conversations + v.not_at_home + v.refused > v.doors_knocked OR v.doors_knocked > s.doors
       OR s.route_id <> v.route_id OR v.visited_at < r.created_at OR v.received_at < v.visited_at
       OR a.volunteer_id IS NULL OR a.volunteer_id <> v.volunteer_id
       OR NOT EXISTS (SELECT 1 FROM route_assignees x WHERE x.route_id = v.route_id AND x.volunteer_id = v.volunteer_id)";

const SHIFTS_OVER_CAPACITY: &str = "SELECT COUNT(*) AS n FROM shifts s WHERE s.capacity <
    (SELECT COUNT(*) FROM assignments a WHERE a.shift_id = s.id AND a.status IN ('signed_up', 'attended', 'no_show'))";

/// A waitlist only forms on a full shift (a freed place goes to the first waiting).
const WAITLISTS_WITH_ROOM: &str = "SELECT COUNT(*) AS n FROM shifts s
    WHERE EXISTS (SELECT 1 FROM assignments a WHERE a.shift_id = s.id AND a.status = 'waitlisted')
      AND s.capacity > (SELECT COUNT(*) FROM assignments a WHERE a.shift_id = s.id
                        AND a.status IN ('signed_up', 'attended', 'no_show'))";

/// Pairs of one volunteer's assignments that hold overlapping time.
const OVERLAPPING_ASSIGNMENTS: &str = "SELECT COUNT(*) AS n FROM assignments a JOIN assignments b
    ON a.volunteer_id = b.volunteer_id AND a.id < b.id
   AND a.shift_starts_at < b.shift_ends_at AND b.shift_starts_at < a.shift_ends_at
    WHERE a.status IN ('signed_up', 'waitlisted', 'attended') AND b.status IN ('signed_up', 'waitlisted', 'attended')";

/// Assignments of volunteers who were not active volunteers of the event's branch when signed up.
const ASSIGNMENTS_OF_THE_WRONG_VOLUNTEER: &str = "SELECT COUNT(*) AS n FROM assignments a
    JOIN shifts s ON s.id = a.shift_id JOIN events e ON e.id = s.event_id JOIN volunteers v ON v.id = a.volunteer_id
    WHERE v.branch_code <> e.branch_code OR v.status <> 'active' OR v.created_at > a.created_at
       OR a.shift_starts_at <> s.starts_at OR a.shift_ends_at <> s.ends_at";

/// Sign-ups still live on an event that takes none: a cancelled one, or a draft
/// (a requested meeting, a draft event, books its speakers already).
const LIVE_SIGNUPS_ON_CLOSED_EVENTS: &str = "SELECT COUNT(*) AS n FROM assignments a
    JOIN shifts s ON s.id = a.shift_id JOIN events e ON e.id = s.event_id
    WHERE (e.status = 'cancelled' OR (e.status = 'draft'
        AND e.kind NOT IN ('work_collective_meeting', 'expert_meeting', 'residents_meeting')))
      AND a.status IN ('signed_up', 'waitlisted')";

/// Meetings whose event is missing, of another kind, or in a status the meeting's does not give.
const MEETINGS_OFF_THEIR_EVENTS: &str = "SELECT COUNT(*) AS n FROM meetings m LEFT JOIN events e ON e.id = m.event_id
    WHERE e.id IS NULL OR e.kind NOT IN ('work_collective_meeting', 'expert_meeting', 'residents_meeting')
       OR NOT ((m.status = 'requested' AND e.status = 'draft') OR (m.status = 'agreed' AND e.status = 'scheduled')
            OR (m.status = 'held' AND e.status = 'completed') OR (m.status = 'cancelled' AND e.status = 'cancelled'))
       OR (m.status = 'held') <> EXISTS (SELECT 1 FROM meeting_reports r WHERE r.meeting_id = m.event_id)
       OR (m.organisation_id IS NULL AND e.kind = 'work_collective_meeting')";

on_both_databases!(seeded_volunteers_have_unique_kazakh_mobiles_nfc_names_and_consents);
async fn seeded_volunteers_have_unique_kazakh_mobiles_nfc_names_and_consents(app: TestApp) {
    seed_demo(&app, false).unwrap();
    let rows: Vec<SeededPerson> = stored(&app, |conn| {
        volunteers::table
            .select((
                volunteers::full_name,
                volunteers::phone,
                volunteers::guardian_name,
                volunteers::guardian_consent_at,
                volunteers::birth_date,
            ))
            .load(conn)
    });
    assert_eq!(rows.len() as u64, Plan::sample().volunteers);
    let mut phones = std::collections::HashSet::new();
    let mut minors = 0;
    for (name, phone, guardian, guardian_consent, birth_date) in &rows {
        let name = name.as_deref().unwrap();
        assert!(unicode_normalization::is_nfc(name), "{name}");
        let phone = phone.as_deref().unwrap();
        assert_eq!(normalize_phone(phone, false).as_deref(), Ok(phone));
        assert!(phones.insert(phone.to_owned()), "{phone} twice");
        let today = chrono::Utc::now().date_naive();
        if let Some(age) = birth_date.and_then(|born| outreach::domain::volunteer::age_on(born, today))
            && age < 18
        {
            minors += 1;
            assert!(guardian.is_some() && guardian_consent.is_some(), "{name} is a minor without guardian consent");
        }
    }
    assert!(minors > 0, "some volunteers are minors");
    let bins: Vec<String> =
        stored(&app, |conn| member_organisations::table.select(member_organisations::bin).load(conn));
    assert!(bins.len() > 20 && bins.iter().all(|bin| is_valid_bin(bin)), "{bins:?}");
    let work_collective_bins: Vec<String> = stored(&app, |conn| {
        outreach::db::schema::organisations::table.select(outreach::db::schema::organisations::bin).load(conn)
    });
    assert!(!work_collective_bins.is_empty() && work_collective_bins.iter().all(|bin| is_valid_bin(bin)));
}

on_both_databases!(a_seeded_coordinator_signs_in_and_reads_their_branch);
async fn a_seeded_coordinator_signs_in_and_reads_their_branch(app: TestApp) {
    seed_demo(&app, false).unwrap();
    let session = app.sign_in(&coordinator_email("KZ-35"), DEMO_PASSWORD).await;
    let token = session["access_token"].as_str().unwrap();
    let page = app.get("/api/v1/volunteers?limit=50").bearer(token).send().await;
    page.assert_status(200);
    let items = page.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 50);
    assert!(items.iter().all(|item| item["branch"] == "KZ-35"));
    let id = items[0]["id"].as_str().unwrap();
    app.get(&format!("/api/v1/volunteers/{id}")).bearer(token).send().await.assert_status(200);
}

on_both_databases!(seeded_route_counters_equal_the_raw_stops_and_visits);
async fn seeded_route_counters_equal_the_raw_stops_and_visits(app: TestApp) {
    seed_demo(&app, false).unwrap();
    let visits: i64 = stored(&app, |conn| visits::table.count().get_result(conn));
    assert!(visits as u64 >= Plan::sample().visits, "{visits} visits");
    for (what, sql) in [
        ("routes off their visits", ROUTES_OFF_THEIR_VISITS),
        ("routes off their stops", ROUTES_OFF_THEIR_STOPS),
        ("stops off their visits", STOPS_OFF_THEIR_VISITS),
        ("routes in the wrong status", ROUTES_IN_THE_WRONG_STATUS),
        ("visits breaking the rules", VISITS_BREAKING_THE_RULES),
    ] {
        assert_eq!(count(&app, sql), 0, "{what}");
    }
    let statuses: Vec<String> = stored(&app, |conn| routes::table.select(routes::status).distinct().load(conn));
    for status in ["assigned", "in_progress", "completed"] {
        assert!(statuses.iter().any(|seen| seen == status), "no {status} route: {statuses:?}");
    }
}

on_both_databases!(seeded_shifts_respect_capacity_waitlist_and_the_overlap_rule);
async fn seeded_shifts_respect_capacity_waitlist_and_the_overlap_rule(app: TestApp) {
    seed_demo(&app, false).unwrap();
    for (what, sql) in [
        ("shifts over capacity", SHIFTS_OVER_CAPACITY),
        ("waitlists with room", WAITLISTS_WITH_ROOM),
        ("overlapping assignments", OVERLAPPING_ASSIGNMENTS),
        ("assignments of the wrong volunteer", ASSIGNMENTS_OF_THE_WRONG_VOLUNTEER),
        ("live sign-ups on closed events", LIVE_SIGNUPS_ON_CLOSED_EVENTS),
    ] {
        assert_eq!(count(&app, sql), 0, "{what}");
    }
    let statuses: Vec<String> =
        stored(&app, |conn| assignments::table.select(assignments::status).distinct().load(conn));
    for status in ["signed_up", "waitlisted", "cancelled", "attended", "no_show"] {
        assert!(statuses.iter().any(|seen| seen == status), "no {status} assignment: {statuses:?}");
    }
}

on_both_databases!(seeded_meetings_are_events_of_a_meeting_kind_in_step_with_them);
async fn seeded_meetings_are_events_of_a_meeting_kind_in_step_with_them(app: TestApp) {
    seed_demo(&app, false).unwrap();
    assert_eq!(count(&app, MEETINGS_OFF_THEIR_EVENTS), 0);
    assert!(count(&app, "SELECT COUNT(*) AS n FROM meetings WHERE status = 'held'") > 0);
    let session = app.sign_in(&coordinator_email("KZ-75"), DEMO_PASSWORD).await;
    let token = session["access_token"].as_str().unwrap();
    let meetings = app.get("/api/v1/meetings?limit=200").bearer(token).send().await.assert_status(200).json();
    let items = meetings["items"].as_array().unwrap();
    assert!(!items.is_empty());
    let id = items[0]["id"].as_str().unwrap();
    let event = app.get(&format!("/api/v1/events/{id}")).bearer(token).send().await.assert_status(200).json();
    assert!(event["kind"].as_str().unwrap().ends_with("_meeting"), "{event}");
}

on_both_databases!(a_demo_volunteer_signs_in_and_reads_their_schedule);
async fn a_demo_volunteer_signs_in_and_reads_their_schedule(app: TestApp) {
    seed_demo(&app, false).unwrap();
    let logins: i64 =
        stored(&app, |conn| accounts::table.filter(accounts::email.like("volunteer.kz-71.%")).count().get_result(conn));
    assert!(logins >= DEMO_PER_BRANCH as i64);
    for number in 1..=DEMO_PER_BRANCH {
        let email = volunteer_email("KZ-71", number);
        let session = app.sign_in(&email, DEMO_PASSWORD).await;
        let token = session["access_token"].as_str().unwrap();
        let me = app.get("/api/v1/me").bearer(token).send().await.assert_status(200).json();
        assert_eq!(me["role"], "volunteer", "{me}");
        let volunteer_id = me["volunteer_id"].as_str().unwrap().to_owned();
        let schedule = app.get("/api/v1/me/schedule?limit=200").bearer(token).send().await.assert_status(200).json();
        let listed = schedule["items"].as_array().unwrap().len();
        let held: i64 = stored(&app, |conn| {
            assignments::table.filter(assignments::volunteer_id.eq(&volunteer_id)).count().get_result(conn)
        });
        assert!(listed >= 3, "{email} has only {listed} items: {schedule}");
        assert_eq!(listed as i64, held, "{email}");
    }
}

on_both_databases!(a_coordinators_branch_progress_matches_the_raw_rows);
async fn a_coordinators_branch_progress_matches_the_raw_rows(app: TestApp) {
    seed_demo(&app, false).unwrap();
    let session = app.sign_in(&coordinator_email("KZ-71"), DEMO_PASSWORD).await;
    let token = session["access_token"].as_str().unwrap();
    let progress = app.get("/api/v1/progress/branches/KZ-71").bearer(token).send().await.assert_status(200).json();
    let raw = |column: &str| {
        count(
            &app,
            &format!(
                "SELECT COALESCE(SUM(v.{column}), 0) AS n FROM visits v JOIN routes r ON r.id = v.route_id \
             WHERE r.branch_code = 'KZ-71'"
            ),
        )
    };
    assert_eq!(progress["doors_knocked"], raw("doors_knocked"), "{progress}");
    assert_eq!(progress["conversations"], raw("conversations"));
    assert_eq!(progress["materials_left"], raw("materials_left"));
    let branch_stops = "FROM route_stops s JOIN routes r ON r.id = s.route_id WHERE r.branch_code = 'KZ-71'";
    assert_eq!(progress["stops_total"], count(&app, &format!("SELECT COUNT(*) AS n {branch_stops}")));
    assert_eq!(
        progress["stops_visited"],
        count(&app, &format!("SELECT COUNT(*) AS n {branch_stops} AND s.first_visited_at IS NOT NULL"))
    );
    assert_eq!(
        progress["visits"],
        count(
            &app,
            "SELECT COUNT(*) AS n FROM visits v JOIN routes r ON r.id = v.route_id WHERE r.branch_code = 'KZ-71'"
        )
    );
    assert!(progress["visits"].as_i64().unwrap() > 0);
}

on_both_databases!(seeding_refuses_a_filled_database_unless_forced_and_forced_gives_the_same_data);
async fn seeding_refuses_a_filled_database_unless_forced_and_forced_gives_the_same_data(app: TestApp) {
    seed_demo(&app, false).unwrap();
    let tables = [
        "volunteers",
        "events",
        "shifts",
        "assignments",
        "routes",
        "route_stops",
        "visits",
        "organisations",
        "meetings",
        "meeting_speakers",
        "accounts",
    ];
    let counts = |app: &TestApp| tables.map(|table| count(app, &format!("SELECT COUNT(*) AS n FROM {table}")));
    let first = counts(&app);
    let refused = seed_demo(&app, false).unwrap_err();
    assert!(refused.contains("--force"), "{refused}");
    seed_demo(&app, true).unwrap();
    assert_eq!(counts(&app), first, "{tables:?}");
    assert_eq!(first[0] as u64, Plan::sample().volunteers);
    assert_eq!(count(&app, ROUTES_OFF_THEIR_VISITS), 0);
}

/// Visits whose bare total differs from what their hand-outs took.
const VISITS_OFF_THEIR_HAND_OUTS: &str = "SELECT COUNT(*) AS n FROM visits v LEFT JOIN (
        SELECT visit_id, SUM(quantity) AS q, MIN(volunteer_id) AS first, MAX(volunteer_id) AS last
        FROM stock_movements WHERE kind = 'hand_out' AND visit_id IS NOT NULL GROUP BY visit_id
    ) h ON h.visit_id = v.id
    WHERE v.materials_left <> COALESCE(h.q, 0)
       OR (h.q IS NOT NULL AND (h.first <> v.volunteer_id OR h.last <> v.volunteer_id))";

/// Meeting reports whose bare total differs from their hand-outs (net of counter-movements).
const REPORTS_OFF_THEIR_HAND_OUTS: &str = "SELECT COUNT(*) AS n FROM meeting_reports r LEFT JOIN (
        SELECT meeting_id, SUM(CASE WHEN reverses_id IS NULL THEN quantity ELSE -quantity END) AS q
        FROM stock_movements WHERE kind = 'hand_out' AND meeting_id IS NOT NULL GROUP BY meeting_id
    ) h ON h.meeting_id = r.meeting_id
    WHERE r.materials_handed_out <> COALESCE(h.q, 0)";

on_both_databases!(the_seeded_ledger_keeps_every_balance_at_the_sum_of_its_movements);
async fn the_seeded_ledger_keeps_every_balance_at_the_sum_of_its_movements(app: TestApp) {
    seed_demo(&app, false).unwrap();
    assert_eq!(count(&app, &balances_off_their_movements()), 0, "balances off their movements (or negative)");
    assert_eq!(count(&app, &sums_without_a_balance()), 0, "movements summing to balances nobody keeps");
    assert_eq!(count(&app, VISITS_OFF_THEIR_HAND_OUTS), 0, "visits off their hand-outs");
    assert_eq!(count(&app, REPORTS_OFF_THEIR_HAND_OUTS), 0, "meeting reports off their hand-outs");
    for kind in ["receipt", "transfer", "issue", "hand_out"] {
        let sql = format!("SELECT COUNT(*) AS n FROM stock_movements WHERE kind = '{kind}'");
        assert!(count(&app, &sql) > 0, "no {kind} movement");
    }
    assert!(count(&app, "SELECT COUNT(*) AS n FROM materials") >= 5);
    // A seeded coordinator reads the branch's stock through the API.
    let session = app.sign_in(&coordinator_email("KZ-75"), DEMO_PASSWORD).await;
    let token = session["access_token"].as_str().unwrap();
    let balances = app.get("/api/v1/stock-balances").bearer(token).send().await.assert_status(200).json();
    assert!(!balances["items"].as_array().unwrap().is_empty());
}

on_both_databases!(seeded_posters_match_the_stock_they_came_out_of_and_their_sites);
async fn seeded_posters_match_the_stock_they_came_out_of_and_their_sites(app: TestApp) {
    seed_demo(&app, false).unwrap();
    let poster_movements = |kind: &str| {
        count(
            &app,
            &format!(
                "SELECT COALESCE(SUM(s.quantity), 0) AS n FROM stock_movements s \
                 JOIN materials m ON m.id = s.material_id WHERE m.code = 'P-2026-02' AND s.kind = '{kind}'"
            ),
        )
    };
    let on_shelves = count(
        &app,
        "SELECT COALESCE(SUM(b.quantity), 0) AS n FROM stock_balances b \
         JOIN materials m ON m.id = b.material_id WHERE m.code = 'P-2026-02'",
    );
    assert!(poster_movements("placement") > 0);
    assert_eq!(poster_movements("receipt") - poster_movements("placement"), on_shelves);
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM poster_placements"),
        count(&app, "SELECT COUNT(*) AS n FROM stock_movements WHERE kind = 'placement' AND placement_id IS NOT NULL"),
        "every placement debited the stock once"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COALESCE(SUM(quantity), 0) AS n FROM poster_placements WHERE status IN ('placed', 'checked')"
        ),
        count(&app, "SELECT COALESCE(SUM(current_posters), 0) AS n FROM poster_sites"),
    );
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM poster_sites WHERE current_posters > capacity"), 0);
    let without_history = "SELECT COUNT(*) AS n FROM poster_placements p WHERE NOT EXISTS \
        (SELECT 1 FROM poster_placement_changes c WHERE c.placement_id = p.id AND c.status = p.status)";
    assert_eq!(count(&app, without_history), 0, "each placement's history ends in its status");
    let replaced_unlinked =
        "SELECT COUNT(*) AS n FROM poster_placements WHERE status = 'replaced' AND replaced_by_id IS NULL";
    assert_eq!(count(&app, replaced_unlinked), 0);

    let session = app.sign_in(&seed::observer_email(), DEMO_PASSWORD).await;
    let token = session["access_token"].as_str().unwrap();
    let coverage =
        app.get("/api/v1/reports/poster-coverage?branch=KZ-71").bearer(token).send().await.assert_status(200).json();
    assert_eq!(
        coverage["total"]["sites"],
        count(&app, "SELECT COUNT(*) AS n FROM poster_sites WHERE branch_code = 'KZ-71'")
    );
}

on_both_databases!(seeded_talking_points_are_a_small_bilingual_library_mostly_published);
async fn seeded_talking_points_are_a_small_bilingual_library_mostly_published(app: TestApp) {
    seed_demo(&app, false).unwrap();
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM talking_points"), 6);
    let admin = app.admin().await;
    let volunteer = app.user("volunteer", Some(crate::factories::OWN_BRANCH)).await;
    let published = app.all_items(&volunteer, "/api/v1/talking-points").await;
    assert_eq!(published.len(), 4, "one draft and one retired are the admins' only");
    for point in &published {
        let content = &point["published"];
        for text in ["question", "answer"] {
            assert!(
                !content[text]["kk"].as_str().unwrap().is_empty() && !content[text]["ru"].as_str().unwrap().is_empty()
            );
        }
    }
    assert_eq!(app.all_items(&admin, "/api/v1/talking-points").await.len(), 6);
}

on_both_databases!(seeded_social_posts_show_their_latest_snapshot_and_the_report_adds_them_up);
async fn seeded_social_posts_show_their_latest_snapshot_and_the_report_adds_them_up(app: TestApp) {
    seed_demo(&app, false).unwrap();
    let posts = count(&app, "SELECT COUNT(*) AS n FROM social_posts");
    // Shared by branch weight, rounded down (at least one a branch).
    assert!((Plan::sample().social_posts as i64 * 8 / 10..=Plan::sample().social_posts as i64 + 20).contains(&posts));
    assert_eq!(count(&app, "SELECT COUNT(DISTINCT branch_code) AS n FROM social_posts"), 20, "every branch posts");
    assert!(count(&app, "SELECT COUNT(*) AS n FROM social_reach_snapshots") > 0);
    let not_latest = "SELECT COUNT(*) AS n FROM social_posts p WHERE p.reach_taken_at IS NOT NULL AND NOT EXISTS \
        (SELECT 1 FROM social_reach_snapshots s WHERE s.post_id = p.id AND s.taken_at = p.reach_taken_at \
         AND s.views = p.views AND NOT EXISTS (SELECT 1 FROM social_reach_snapshots later \
         WHERE later.post_id = p.id AND later.taken_at > s.taken_at))";
    assert_eq!(count(&app, not_latest), 0, "each post shows its latest snapshot");
    let without_reach = "SELECT COUNT(*) AS n FROM social_posts p WHERE p.reach_taken_at IS NULL AND EXISTS \
        (SELECT 1 FROM social_reach_snapshots s WHERE s.post_id = p.id)";
    assert_eq!(count(&app, without_reach), 0);
    let before_publication = "SELECT COUNT(*) AS n FROM social_reach_snapshots s \
        JOIN social_posts p ON p.id = s.post_id WHERE s.taken_at < p.published_at";
    assert_eq!(count(&app, before_publication), 0);

    let session = app.sign_in(&seed::observer_email(), DEMO_PASSWORD).await;
    let token = session["access_token"].as_str().unwrap();
    let report = app.get("/api/v1/reports/social-media").bearer(token).send().await.assert_status(200).json();
    assert_eq!(report["totals"]["posts"], count(&app, "SELECT COUNT(*) AS n FROM social_posts"));
    assert_eq!(
        report["totals"]["views"],
        count(&app, "SELECT CAST(COALESCE(SUM(views), 0) AS BIGINT) AS n FROM social_posts")
    );
}

on_both_databases!(seeded_daily_sums_equal_the_raw_rows);
async fn seeded_daily_sums_equal_the_raw_rows(app: TestApp) {
    seed_demo(&app, false).unwrap();
    let offsets = app
        .state
        .db
        .run_blocking(|conn| outreach::service::local_days::branch_offsets(conn, None).map_err(|err| err.to_string()))
        .unwrap();
    let visits = stored(&app, |conn| {
        Ok((outreach::db::reports::visit_days(conn)?, outreach::db::reports::visit_days_from_visits(conn, &offsets)?))
    });
    assert!(!visits.0.is_empty());
    assert_eq!(visits.0, visits.1);
    let hand_outs = stored(&app, |conn| {
        Ok((
            outreach::db::reports::hand_out_days(conn)?,
            outreach::db::reports::hand_out_days_from_movements(conn, &offsets)?,
        ))
    });
    assert!(!hand_outs.0.is_empty());
    assert_eq!(hand_outs.0, hand_outs.1);
    // The reports' sums, which the triggers kept through the seed's bulk inserts.
    let report_days = stored(&app, |conn| {
        Ok((outreach::db::report_days::stored(conn)?, outreach::db::report_days::recomputed(conn)?))
    });
    assert!(report_days.0.len() > 100);
    assert_eq!(report_days.0, report_days.1);
}
