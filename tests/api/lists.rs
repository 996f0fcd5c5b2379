//! Lists as SQL pages (issue 12): meetings paged with every filter in SQL, the
//! meeting coverage aggregated in SQL, routes with their assignees per page.

use std::collections::HashSet;

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::factories::{OTHER_BRANCH, OWN_BRANCH, TestUser};
use crate::helpers::TestApp;

/// A requested meeting of the staff member's branch; `organisation` makes it a
/// work-collective meeting, `None` an expert meeting.
async fn meeting(app: &TestApp, staff: &TestUser, organisation: Option<&Value>, day: u32) -> Value {
    let starts = format!("2027-04-{day:02}T06:00:00Z");
    let ends = format!("2027-04-{day:02}T07:00:00Z");
    let body = match organisation {
        Some(org) => json!({"kind": "work_collective_meeting", "organisation_id": org["id"], "title": "Встреча",
                            "proposed_starts_at": starts, "proposed_ends_at": ends}),
        None => json!({"kind": "expert_meeting", "title": "Экспертная встреча",
                       "proposed_starts_at": starts, "proposed_ends_at": ends}),
    };
    app.post("/api/v1/meetings").bearer(&staff.token).json(&body).send().await.assert_status(201).json()
}

fn id_of(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

/// Walks every page of `path` (which has a query string) `limit` at a time,
/// returning the ids in the order served.
async fn walk(app: &TestApp, staff: &TestUser, path: &str, limit: u32) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..50 {
        let url = match &cursor {
            Some(cursor) => format!("{path}&limit={limit}&cursor={cursor}"),
            None => format!("{path}&limit={limit}"),
        };
        let page = app.get(&url).bearer(&staff.token).send().await.assert_status(200).json();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= limit as usize, "{page}");
        ids.extend(items.iter().map(id_of));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return ids,
        }
    }
    panic!("{path}: more than 50 pages");
}

fn assert_each_once(served: &[String], expected: &HashSet<String>) {
    let unique: HashSet<String> = served.iter().cloned().collect();
    assert_eq!(unique.len(), served.len(), "a meeting served twice: {served:?}");
    assert_eq!(&unique, expected);
}

/// Nine requested meetings in April 2027: seven with one work collective of the own
/// branch (days 1 to 7), an expert meeting there (day 8) and one in the other branch (day 9).
struct NineMeetings {
    coordinator: TestUser,
    observer: TestUser,
    work_collective: HashSet<String>,
    expert: String,
    elsewhere: String,
}

async fn nine_meetings(app: &TestApp) -> NineMeetings {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let outsider = app.user("coordinator", Some(OTHER_BRANCH)).await;
    let observer = app.user("observer", None).await;
    let org = app.organisation(&coordinator, "041140001239", 200).await;
    let mut work_collective = HashSet::new();
    for day in 1..=7 {
        work_collective.insert(id_of(&meeting(app, &coordinator, Some(&org), day).await));
    }
    let expert = id_of(&meeting(app, &coordinator, None, 8).await);
    let elsewhere_org = app.organisation(&outsider, "050240002349", 30).await;
    let elsewhere = id_of(&meeting(app, &outsider, Some(&elsewhere_org), 9).await);
    NineMeetings { coordinator, observer, work_collective, expert, elsewhere }
}

/// `/api/v1/meetings?updated_since=` the instant.
fn changed_since(instant: chrono::DateTime<Utc>) -> String {
    format!(
        "/api/v1/meetings?updated_since={}",
        instant.to_rfc3339_opts(chrono::SecondsFormat::Micros, true).replace('+', "%2B")
    )
}

on_both_databases!(a_filtered_meetings_list_pages_in_id_order_serving_each_match_once);
async fn a_filtered_meetings_list_pages_in_id_order_serving_each_match_once(app: TestApp) {
    let NineMeetings { coordinator, work_collective, .. } = nine_meetings(&app).await;
    // Kind filter, pages of 2 (an odd number of matches, so the last page is short).
    let served = walk(&app, &coordinator, "/api/v1/meetings?kind=work_collective_meeting", 2).await;
    assert_each_once(&served, &work_collective);
    let mut sorted = served.clone();
    sorted.sort();
    assert_eq!(served, sorted, "id order");
}

on_both_databases!(a_cursor_serves_only_the_list_and_filters_it_was_issued_for_and_link_names_the_next_page);
async fn a_cursor_serves_only_the_list_and_filters_it_was_issued_for_and_link_names_the_next_page(app: TestApp) {
    let NineMeetings { coordinator, work_collective, .. } = nine_meetings(&app).await;
    let first =
        app.get("/api/v1/meetings?kind=work_collective_meeting&limit=3").bearer(&coordinator.token).send().await;
    first.assert_status(200);
    let cursor = first.json()["next_cursor"].as_str().unwrap().to_owned();
    let link = first.header("link").unwrap().to_owned();
    assert_eq!(link, format!("</api/v1/meetings?kind=work_collective_meeting&limit=3&cursor={cursor}>; rel=\"next\""));

    // Following `Link` is following `next_cursor`; another page size is fine.
    let url = link.trim_start_matches('<').split('>').next().unwrap();
    let second = app.get(url).bearer(&coordinator.token).send().await.assert_status(200).json();
    let resized = app
        .get(&format!("/api/v1/meetings?kind=work_collective_meeting&limit=50&cursor={cursor}"))
        .bearer(&coordinator.token)
        .send()
        .await
        .assert_status(200)
        .json();
    assert_eq!(resized["items"].as_array().unwrap().len(), work_collective.len() - 3);
    assert_eq!(second["items"][0], resized["items"][0]);

    // Other filters, no filter, or another list: 400, never a wrong page.
    for other in [
        format!("/api/v1/meetings?kind=expert_meeting&limit=3&cursor={cursor}"),
        format!("/api/v1/meetings?limit=3&cursor={cursor}"),
        format!("/api/v1/events?limit=3&cursor={cursor}"),
    ] {
        let problem = app.get(&other).bearer(&coordinator.token).send().await.problem(400);
        assert_eq!(problem["errors"][0]["code"], "cursor_mismatch", "{other}: {problem}");
        assert_eq!(problem["errors"][0]["field"], "query.cursor");
    }
    // The last page has no `Link` and a null cursor.
    let last = app
        .get(&format!("/api/v1/meetings?kind=work_collective_meeting&limit=50&cursor={cursor}"))
        .bearer(&coordinator.token)
        .send()
        .await;
    assert!(last.header("link").is_none());
    assert!(last.json()["next_cursor"].is_null());
}

on_both_databases!(a_coordinator_lists_their_branch_s_meetings_and_an_observer_any_branch_s);
async fn a_coordinator_lists_their_branch_s_meetings_and_an_observer_any_branch_s(app: TestApp) {
    let NineMeetings { coordinator, observer, work_collective, expert, elsewhere } = nine_meetings(&app).await;
    let mut own: HashSet<String> = work_collective.clone();
    own.insert(expert.clone());
    assert_each_once(&walk(&app, &coordinator, "/api/v1/meetings?status=requested", 3).await, &own);
    let all = walk(&app, &observer, "/api/v1/meetings?status=requested", 4).await;
    assert!(all.contains(&elsewhere) && all.contains(&expert), "{all:?}");
    let other = walk(&app, &observer, &format!("/api/v1/meetings?branch={OTHER_BRANCH}"), 4).await;
    assert_each_once(&other, &HashSet::from([elsewhere.clone()]));
}

on_both_databases!(the_meetings_list_filters_by_start_time);
async fn the_meetings_list_filters_by_start_time(app: TestApp) {
    let NineMeetings { coordinator, .. } = nine_meetings(&app).await;
    // Start-time range: 2027-04-03 to before 2027-04-06.
    let ranged =
        walk(&app, &coordinator, "/api/v1/meetings?from=2027-04-03T00:00:00Z&to=2027-04-06T00:00:00Z", 2).await;
    assert_eq!(ranged.len(), 3, "{ranged:?}");
}

on_both_databases!(a_meetings_sync_serves_each_change_once_in_change_order_whatever_the_page_size);
async fn a_meetings_sync_serves_each_change_once_in_change_order_whatever_the_page_size(app: TestApp) {
    let NineMeetings { coordinator, work_collective, expert, .. } = nine_meetings(&app).await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let since = Utc::now();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let mut changed = HashSet::new();
    for id in work_collective.iter().take(3) {
        app.set_meeting_status(&coordinator, id, json!({"status": "agreed"})).await;
        changed.insert(id.clone());
    }
    app.set_meeting_status(&coordinator, &expert, json!({"status": "cancelled", "reason": "перенос"})).await;
    changed.insert(expert.clone());
    let sync = changed_since(since);
    for limit in [1, 2, 3, 50] {
        assert_each_once(&walk(&app, &coordinator, &sync, limit).await, &changed);
    }
    // Filters hold in a sync too.
    let agreed = walk(&app, &coordinator, &format!("{sync}&status=agreed"), 2).await;
    assert_eq!(agreed.len(), 3, "{agreed:?}");
    let page = app.get(&format!("{sync}&limit=50")).bearer(&coordinator.token).send().await.json();
    let stamps: Vec<&str> =
        page["items"].as_array().unwrap().iter().map(|item| item["updated_at"].as_str().unwrap()).collect();
    let mut ordered = stamps.clone();
    ordered.sort();
    assert_eq!(stamps, ordered, "change order");
}

on_both_databases!(a_filed_report_brings_its_meeting_back_into_the_sync);
async fn a_filed_report_brings_its_meeting_back_into_the_sync(app: TestApp) {
    let NineMeetings { coordinator, work_collective, .. } = nine_meetings(&app).await;
    let held = work_collective.iter().next().unwrap().clone();
    app.hold_meeting(&coordinator, &held).await;
    let before_report = Utc::now();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    app.file_report(&coordinator, &held, json!({"attendance": 10})).await;
    let synced =
        app.get(&format!("{}&limit=50", changed_since(before_report))).bearer(&coordinator.token).send().await.json();
    assert_eq!(synced["items"][0]["id"], held.as_str());
    assert_eq!(synced["items"][0]["has_report"], true);
}

on_both_databases!(the_overdue_filter_lists_only_the_meeting_with_an_overdue_follow_up);
async fn the_overdue_filter_lists_only_the_meeting_with_an_overdue_follow_up(app: TestApp) {
    let NineMeetings { coordinator, work_collective, .. } = nine_meetings(&app).await;
    let held = work_collective.iter().next().unwrap().clone();
    app.hold_meeting(&coordinator, &held).await;
    app.file_report(&coordinator, &held, json!({"attendance": 10})).await;
    let yesterday = (Utc::now() - Duration::days(1)).date_naive().to_string();
    app.put(&format!("/api/v1/meetings/{held}/report"))
        .bearer(&coordinator.token)
        .header("if-match", "\"1\"")
        .json(&json!({"attendance": 10, "follow_ups": [{"what": "Памятка", "owner": "Штаб", "due_date": yesterday}]}))
        .send()
        .await
        .assert_status(200);
    let overdue = walk(&app, &coordinator, "/api/v1/meetings?has_overdue_follow_ups=true", 1).await;
    assert_eq!(overdue, vec![held.clone()]);
}

/// Coverage data with known sums; returns an observer to read it. In the own branch:
/// a big (100) and a small (50) organisation; the big one met twice (40 with three
/// questions and three follow-ups, one overdue, one done; then 10), the small one's
/// meetings requested or cancelled; an expert meeting of 30 with one question. In the
/// other branch one organisation of 1000 met by 500.
async fn coverage_dataset(app: &TestApp) -> TestUser {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let outsider = app.user("coordinator", Some(OTHER_BRANCH)).await;
    let observer = app.user("observer", None).await;
    let big = app.organisation(&coordinator, "041140001239", 100).await;
    let small = app.organisation(&coordinator, "050240002349", 50).await;
    let yesterday = (Utc::now() - Duration::days(1)).date_naive().to_string();

    let first = id_of(&meeting(app, &coordinator, Some(&big), 1).await);
    app.hold_meeting(&coordinator, &first).await;
    app.file_report(
        &coordinator,
        &first,
        json!({
            "attendance": 40,
            "questions": [{"topic": "economy"}, {"topic": "economy"}, {"topic": "voting_procedure"}],
            "follow_ups": [
                {"what": "Памятка", "owner": "Штаб", "due_date": yesterday},
                {"what": "Вторая встреча", "owner": "Филиал", "due_date": "2099-01-01"},
                {"what": "Плакаты", "owner": "Штаб", "due_date": yesterday, "done": true},
            ],
        }),
    )
    .await;
    let second = id_of(&meeting(app, &coordinator, Some(&big), 2).await);
    app.hold_meeting(&coordinator, &second).await;
    app.file_report(&coordinator, &second, json!({"attendance": 10})).await;
    meeting(app, &coordinator, Some(&small), 3).await;
    let expert = id_of(&meeting(app, &coordinator, None, 4).await);
    app.hold_meeting(&coordinator, &expert).await;
    // An expert meeting has no organisation: its attendance reaches no employees.
    app.file_report(&coordinator, &expert, json!({"attendance": 30, "questions": [{"topic": "voting_procedure"}]}))
        .await;
    let cancelled = id_of(&meeting(app, &coordinator, Some(&small), 5).await);
    app.set_meeting_status(&coordinator, &cancelled, json!({"status": "cancelled", "reason": "карантин"})).await;
    // Another branch's figures stay out of this branch's coverage.
    let far = app.organisation(&outsider, "060340003451", 1000).await;
    let far_meeting = id_of(&meeting(app, &outsider, Some(&far), 6).await);
    app.hold_meeting(&outsider, &far_meeting).await;
    app.file_report(&outsider, &far_meeting, json!({"attendance": 500})).await;
    observer
}

async fn coverage(app: &TestApp, observer: &TestUser, query: &str) -> Value {
    app.get(&format!("/api/v1/meeting-coverage{query}")).bearer(&observer.token).send().await.assert_status(200).json()
}

on_both_databases!(a_branch_s_coverage_sums_its_organisations_meetings_questions_and_follow_ups);
async fn a_branch_s_coverage_sums_its_organisations_meetings_questions_and_follow_ups(app: TestApp) {
    let observer = coverage_dataset(&app).await;
    let coverage = coverage(&app, &observer, &format!("?branch={OWN_BRANCH}")).await;
    assert_eq!(coverage["branch"], OWN_BRANCH);
    assert_eq!(coverage["organisations"], 2);
    assert_eq!(coverage["employees"], 150);
    assert_eq!(coverage["organisations_met"], 1);
    assert_eq!(coverage["employees_reached"], 50);
    assert_eq!(coverage["employees_reached_percent"], 33.3);
    assert_eq!(
        coverage["meetings_by_kind"],
        json!([
        {"key": "work_collective_meeting", "count": 4}, {"key": "expert_meeting", "count": 1}])
    );
    assert_eq!(
        coverage["meetings_by_status"],
        json!([
        {"key": "held", "count": 3}, {"key": "cancelled", "count": 1}, {"key": "requested", "count": 1}])
    );
    assert_eq!(coverage["open_follow_ups"], 2);
    assert_eq!(coverage["overdue_follow_ups"], 1);
    assert_eq!(
        coverage["top_question_topics"],
        json!([
        {"key": "economy", "count": 2}, {"key": "voting_procedure", "count": 2}])
    );
}

on_both_databases!(national_coverage_sums_every_branch);
async fn national_coverage_sums_every_branch(app: TestApp) {
    let observer = coverage_dataset(&app).await;
    let national = coverage(&app, &observer, "").await;
    assert!(national["branch"].is_null());
    assert_eq!(national["organisations"], 3);
    assert_eq!(national["employees"], 1150);
    assert_eq!(national["organisations_met"], 2);
    assert_eq!(national["employees_reached"], 550);
    assert_eq!(national["meetings_by_status"][0], json!({"key": "held", "count": 4}));
}

on_both_databases!(a_date_range_narrows_coverage_to_the_meetings_in_it_but_not_the_organisations);
async fn a_date_range_narrows_coverage_to_the_meetings_in_it_but_not_the_organisations(app: TestApp) {
    let observer = coverage_dataset(&app).await;
    let query = format!("?branch={OWN_BRANCH}&from=2027-04-02T00:00:00Z&to=2027-04-05T00:00:00Z");
    let ranged = coverage(&app, &observer, &query).await;
    assert_eq!(ranged["organisations"], 2);
    assert_eq!(ranged["organisations_met"], 1);
    assert_eq!(ranged["employees_reached"], 10);
    assert_eq!(ranged["open_follow_ups"], 0);
    assert_eq!(ranged["top_question_topics"], json!([{"key": "voting_procedure", "count": 1}]));
    assert_eq!(ranged["meetings_by_status"], json!([{"key": "held", "count": 2}, {"key": "requested", "count": 1}]));
}

on_both_databases!(coverage_of_a_branch_with_nothing_recorded_is_zeros_not_an_error);
async fn coverage_of_a_branch_with_nothing_recorded_is_zeros_not_an_error(app: TestApp) {
    let observer = coverage_dataset(&app).await;
    let empty = coverage(&app, &observer, "?branch=KZ-11").await;
    assert_eq!(
        (empty["organisations"].as_i64(), empty["employees"].as_i64(), empty["employees_reached"].as_i64()),
        (Some(0), Some(0), Some(0))
    );
}

on_both_databases!(routes_list_shows_each_routes_assignees);
async fn routes_list_shows_each_routes_assignees(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let locality = app.locality(&coordinator, OWN_BRANCH, "village").await;
    let first = id_of(&app.volunteer(&coordinator, OWN_BRANCH).await);
    let second = id_of(&app.volunteer(&coordinator, OWN_BRANCH).await);
    let both = id_of(&app.route(&coordinator, &locality, 2, &[&first, &second]).await);
    let one = id_of(&app.route(&coordinator, &locality, 2, &[&second]).await);
    let none = id_of(&app.route(&coordinator, &locality, 2, &[]).await);
    let page = app.get("/api/v1/routes?limit=50").bearer(&coordinator.token).send().await.assert_status(200).json();
    let assignees = |id: &str| {
        let route = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|route| route["id"] == id)
            .unwrap_or_else(|| panic!("{id} missing: {page}"));
        let mut ids: Vec<String> =
            route["assignees"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
        ids.sort();
        ids
    };
    let mut expected = vec![first.clone(), second.clone()];
    expected.sort();
    assert_eq!(assignees(&both), expected);
    assert_eq!(assignees(&one), vec![second.clone()]);
    assert!(assignees(&none).is_empty());
}

on_both_databases!(a_failed_speaker_lookup_is_a_server_error_not_a_refusal);
async fn a_failed_speaker_lookup_is_a_server_error_not_a_refusal(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let org = app.organisation(&coordinator, "041140001239", 200).await;
    let id = id_of(&meeting(&app, &coordinator, Some(&org), 1).await);
    let (_, volunteer) = app.volunteer_user(&coordinator, OWN_BRANCH).await;
    app.hold_meeting(&coordinator, &id).await;
    // The speakers' table gone: the lookup fails, and that must not read as "not a speaker".
    app.state
        .db
        .run(|conn| {
            use diesel::connection::SimpleConnection;
            Ok(conn.batch_execute("ALTER TABLE meeting_speakers RENAME TO meeting_speakers_gone")?)
        })
        .await
        .unwrap();
    let response = app
        .put(&format!("/api/v1/meetings/{id}/report"))
        .bearer(&volunteer.token)
        .json(&json!({"attendance": 10}))
        .send()
        .await;
    assert!(matches!(response.status.as_u16(), 500 | 503), "{} {:?}", response.status, response.body);
}
