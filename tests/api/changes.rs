//! The change feed (`GET /api/v1/changes`): every change once, in commit order,
//! with the record as its own `GET` shows it to the caller, tombstones for
//! deletions and unassignments, nothing out of scope, 410 past retention, and
//! a replica kept with it equal to the lists.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::factories::{OTHER_BRANCH, OWN_BRANCH, TestUser, id};
use crate::helpers::TestApp;

/// Walks the feed from `cursor` (the start when `None`) to its end, `limit`
/// changes a page; the items and the cursor to poll with later.
async fn walk(app: &TestApp, user: &TestUser, cursor: Option<String>, query: &str) -> (Vec<Value>, String) {
    let mut items = Vec::new();
    let mut cursor = cursor;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/api/v1/changes?limit=3{query}&cursor={cursor}"),
            None => format!("/api/v1/changes?limit=3{query}"),
        };
        let page = app.get(&path).bearer(&user.token).send().await.assert_status(200).json();
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        cursor = Some(page["next_cursor"].as_str().unwrap().to_owned());
        if !page["has_more"].as_bool().unwrap() {
            return (items, cursor.unwrap());
        }
    }
}

/// The cursor at the end of the feed, as a new replica notes it first.
async fn head(app: &TestApp, user: &TestUser) -> String {
    let page = app.get("/api/v1/changes?from=now").bearer(&user.token).send().await.assert_status(200).json();
    assert_eq!(page["items"], json!([]));
    assert_eq!(page["has_more"], false);
    page["next_cursor"].as_str().unwrap().to_owned()
}

fn summary(items: &[Value]) -> Vec<(String, String, String, bool)> {
    items
        .iter()
        .map(|item| {
            (
                item["type"].as_str().unwrap().to_owned(),
                item["id"].as_str().unwrap().to_owned(),
                item["operation"].as_str().unwrap().to_owned(),
                item["deleted"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn entry(kind: &str, id: &str, operation: &str, deleted: bool) -> (String, String, String, bool) {
    (kind.to_owned(), id.to_owned(), operation.to_owned(), deleted)
}

on_both_databases!(every_change_comes_once_in_order_with_the_record_as_its_get_shows_it);
async fn every_change_comes_once_in_order_with_the_record_as_its_get_shows_it(app: TestApp) {
    let admin = app.admin().await;
    let start = head(&app, &admin).await;
    let volunteer = app.volunteer(&admin, OWN_BRANCH).await;
    let volunteer_path = format!("/api/v1/volunteers/{}", id(&volunteer));
    app.patch(&volunteer_path)
        .bearer(&admin.token)
        .json(&json!({"full_name": "Renamed Volunteer"}))
        .send()
        .await
        .assert_status(200);
    let locality = app.locality(&admin, OWN_BRANCH, "village").await;
    app.delete(&format!("/api/v1/localities/{locality}")).bearer(&admin.token).send().await.assert_status(204);
    app.post(&format!("{volunteer_path}/anonymise")).bearer(&admin.token).send().await.assert_status(200);

    let (items, end) = walk(&app, &admin, Some(start), "").await;
    assert_eq!(
        summary(&items),
        vec![
            entry("volunteer", id(&volunteer), "create", false),
            entry("volunteer", id(&volunteer), "update", false),
            entry("locality", &locality, "create", true),
            entry("locality", &locality, "delete", true),
            entry("volunteer", id(&volunteer), "anonymise", false),
        ]
    );
    let seqs: Vec<i64> = items.iter().map(|item| item["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|pair| pair[0] < pair[1]), "increasing: {seqs:?}");
    // The record is the volunteer as GET shows it now: anonymised.
    let current = app.get(&volunteer_path).bearer(&admin.token).send().await.assert_status(200).json();
    assert_eq!(items[0]["record"], current);
    assert_eq!(items[0]["version"], current["version"]);
    assert_eq!(items[2]["record"], Value::Null);

    // Nothing new: an empty page, the same position.
    let again =
        app.get(&format!("/api/v1/changes?cursor={end}")).bearer(&admin.token).send().await.assert_status(200).json();
    assert_eq!(again["items"], json!([]));
    assert_eq!(again["next_cursor"], end.as_str());
}

on_both_databases!(callers_see_only_changes_of_what_they_may_read);
async fn callers_see_only_changes_of_what_they_may_read(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let other = app.user("coordinator", Some(OTHER_BRANCH)).await;
    let observer = app.user("observer", None).await;
    let start = head(&app, &admin).await;
    let volunteer = app.volunteer(&coordinator, OWN_BRANCH).await;

    let (own, _) = walk(&app, &coordinator, Some(start.clone()), "").await;
    assert_eq!(summary(&own), vec![entry("volunteer", id(&volunteer), "create", false)]);
    assert_eq!(own[0]["record"]["phone"], volunteer["phone"]);
    // Another branch's coordinator: not even a tombstone.
    let (others, _) = walk(&app, &other, Some(start.clone()), "").await;
    assert_eq!(others, Vec::<Value>::new());
    // The observer: the record without personal data, as its GET shows it.
    let (observed, _) = walk(&app, &observer, Some(start), "").await;
    assert_eq!(summary(&observed), vec![entry("volunteer", id(&volunteer), "create", false)]);
    let seen = app.get(&format!("/api/v1/volunteers/{}", id(&volunteer))).bearer(&observer.token).send().await.json();
    assert_eq!(observed[0]["record"], seen);
    assert_eq!(observed[0]["record"]["phone"], Value::Null);
}

on_both_databases!(a_volunteer_taken_off_a_route_gets_a_tombstone_for_it);
async fn a_volunteer_taken_off_a_route_gets_a_tombstone_for_it(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let (volunteer, walker) = app.volunteer_user(&coordinator, OWN_BRANCH).await;
    let locality = app.locality(&coordinator, OWN_BRANCH, "village").await;
    let route = app.route(&coordinator, &locality, 2, &[id(&volunteer)]).await;
    let (items, cursor) = walk(&app, &walker, None, "&types=route").await;
    assert_eq!(summary(&items), vec![entry("route", id(&route), "create", false)]);
    let own_get = app.get(&format!("/api/v1/routes/{}", id(&route))).bearer(&walker.token).send().await.json();
    assert_eq!(items[0]["record"], own_get);

    app.delete(&format!("/api/v1/routes/{}/assignees/{}", id(&route), id(&volunteer)))
        .bearer(&coordinator.token)
        .send()
        .await
        .assert_status(200);
    let (items, _) = walk(&app, &walker, Some(cursor.clone()), "&types=route").await;
    assert_eq!(summary(&items), vec![entry("route", id(&route), "update", true)]);
    // The coordinator sees the update with the record, assignees emptied.
    let (staff, _) = walk(&app, &coordinator, None, "&types=route").await;
    assert_eq!(staff.last().unwrap()["record"]["assignees"], json!([]));
    // A cursor is sealed to its types.
    app.get(&format!("/api/v1/changes?cursor={cursor}")).bearer(&walker.token).send().await.problem(400);
}

on_both_databases!(a_cursor_older_than_the_retention_answers_410);
async fn a_cursor_older_than_the_retention_answers_410(app: TestApp) {
    use diesel::prelude::*;
    use outreach::db::schema::outbox;
    use outreach::service::housekeeping::purge_changes;
    let admin = app.admin().await;
    let start = head(&app, &admin).await;
    app.volunteer(&admin, OWN_BRANCH).await;
    let (_, middle) = walk(&app, &admin, Some(start.clone()), "").await;
    let latest = app.volunteer(&admin, OWN_BRANCH).await;
    let purged = app
        .state
        .db
        .run_blocking(|conn| {
            // The first volunteer's change is 91 days old.
            let first: i64 = outbox::table
                .select(diesel::dsl::min(outbox::id))
                .first::<Option<i64>>(conn)
                .map_err(|err| err.to_string())?
                .unwrap();
            diesel::update(outbox::table.filter(outbox::id.eq(first)))
                .set(outbox::at.eq(chrono::Utc::now().naive_utc() - chrono::TimeDelta::days(91)))
                .execute(conn)
                .map_err(|err| err.to_string())?;
            purge_changes(conn, chrono::TimeDelta::days(90)).map_err(|err| err.to_string())
        })
        .unwrap();
    assert_eq!(purged, 1);
    let problem = app.get(&format!("/api/v1/changes?cursor={start}")).bearer(&admin.token).send().await.problem(410);
    assert_eq!(problem["code"], "cursor_expired");
    assert_eq!(problem["type"], "/problems/gone");
    // A cursor after what went still reads on.
    let (items, _) = walk(&app, &admin, Some(middle), "").await;
    assert_eq!(summary(&items), vec![entry("volunteer", id(&latest), "create", false)]);
}

on_both_databases!(unknown_types_are_refused);
async fn unknown_types_are_refused(app: TestApp) {
    let admin = app.admin().await;
    let problem = app.get("/api/v1/changes?types=volunteer,poster").bearer(&admin.token).send().await.problem(422);
    assert_eq!(problem["errors"][0]["field"], "query.types");
    assert_eq!(problem["errors"][0]["code"], "unknown_value");
}

/// Every page of a list, for the replica comparison.
async fn list_all(app: &TestApp, user: &TestUser, path: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let url = match &next {
            Some(cursor) => format!("{path}?limit=200&cursor={cursor}"),
            None => format!("{path}?limit=200"),
        };
        let page = app.get(&url).bearer(&user.token).send().await.assert_status(200).json();
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(cursor) => next = Some(cursor.to_owned()),
            None => return items,
        }
    }
}

/// A replica as the sync guide keeps it: records by type and id.
type Replica = BTreeMap<(String, String), Value>;

fn apply(replica: &mut Replica, items: &[Value]) {
    for item in items {
        let key = (item["type"].as_str().unwrap().to_owned(), item["id"].as_str().unwrap().to_owned());
        if item["deleted"].as_bool().unwrap() {
            replica.remove(&key);
        } else {
            replica.insert(key, item["record"].clone());
        }
    }
}

/// The sign-ups of every shift of every event the caller lists (meetings
/// included: a volunteer speaker's booking is a sign-up), for the replica
/// comparison: there is no list of every assignment, so a replica that keeps
/// them loads them shift by shift.
async fn load_signups(app: &TestApp, user: &TestUser, replica: &mut Replica) {
    for event in list_all(app, user, "/api/v1/events").await {
        for shift in event["shifts"].as_array().into_iter().flatten() {
            let path = format!("/api/v1/shifts/{}/signups", id(shift));
            for signup in list_all(app, user, &path).await {
                replica.insert(("assignment".to_owned(), id(&signup).to_owned()), signup);
            }
        }
    }
}

const LISTS: [(&str, &str); 12] = [
    ("volunteer", "/api/v1/volunteers"),
    ("event", "/api/v1/events"),
    ("meeting", "/api/v1/meetings"),
    ("route", "/api/v1/routes"),
    ("locality", "/api/v1/localities"),
    ("member_organisation", "/api/v1/member-organisations"),
    ("organisation", "/api/v1/organisations"),
    ("material", "/api/v1/materials"),
    ("poster_site", "/api/v1/poster-sites"),
    ("poster_placement", "/api/v1/poster-placements"),
    ("social_post", "/api/v1/social-posts"),
    ("talking_point", "/api/v1/talking-points"),
];

async fn load_lists(app: &TestApp, user: &TestUser) -> Replica {
    let mut replica = Replica::new();
    for (kind, path) in LISTS {
        for record in list_all(app, user, path).await {
            replica.insert((kind.to_owned(), record["id"].as_str().unwrap().to_owned()), record);
        }
    }
    load_signups(app, user, &mut replica).await;
    replica
}

/// What the lists and the replica must agree on: each record's version (route
/// lists leave out the stops, so whole records are compared but for them).
fn comparable(replica: &Replica) -> BTreeMap<(String, String), Value> {
    replica
        .iter()
        .map(|(key, record)| {
            let mut record = record.clone();
            if let Some(object) = record.as_object_mut() {
                object.remove("stops");
            }
            (key.clone(), record)
        })
        .collect()
}

on_both_databases!(a_replica_kept_with_the_feed_equals_the_lists);
async fn a_replica_kept_with_the_feed_equals_the_lists(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let admin = app.admin().await;
    // The sync guide: note the feed's end, load the lists, then follow the feed.
    let mut cursor = head(&app, &coordinator).await;
    let mut replica = load_lists(&app, &coordinator).await;

    // A scripted workload: creates, updates, deletes, an anonymisation, an unassignment.
    let kept = app.volunteer(&coordinator, OWN_BRANCH).await;
    let gone = app.volunteer(&coordinator, OWN_BRANCH).await;
    let walker = app.volunteer(&coordinator, OWN_BRANCH).await;
    app.patch(&format!("/api/v1/volunteers/{}", id(&kept)))
        .bearer(&coordinator.token)
        .json(&json!({"full_name": "Kept Volunteer"}))
        .send()
        .await
        .assert_status(200);
    let village = app.locality(&coordinator, OWN_BRANCH, "village").await;
    let doomed = app.locality(&coordinator, OWN_BRANCH, "village").await;
    let route = app.route(&coordinator, &village, 3, &[id(&kept), id(&walker)]).await;
    let (items, next) = walk(&app, &coordinator, Some(cursor), "").await;
    apply(&mut replica, &items);
    cursor = next;

    app.delete(&format!("/api/v1/routes/{}/assignees/{}", id(&route), id(&walker)))
        .bearer(&coordinator.token)
        .send()
        .await
        .assert_status(200);
    app.delete(&format!("/api/v1/localities/{doomed}")).bearer(&coordinator.token).send().await.assert_status(204);
    let event = app.scheduled_event(&coordinator, OWN_BRANCH, "2027-03-01T09:00:00Z", "2027-03-01T12:00:00Z", 5).await;
    app.sign_up_volunteer(&coordinator, &crate::factories::shift_id(&event, 0), &kept).await;
    app.sign_up_volunteer(&coordinator, &crate::factories::shift_id(&event, 0), &gone).await;
    // Anonymising frees the place on the shift: the event changes too.
    app.post(&format!("/api/v1/volunteers/{}/anonymise", id(&gone)))
        .bearer(&coordinator.token)
        .send()
        .await
        .assert_status(200);
    let member = app
        .post("/api/v1/member-organisations")
        .bearer(&admin.token)
        .json(&json!({"name": "Feed Union", "kind": "trade_union", "bin": crate::authorization::fresh_bin()}))
        .send()
        .await
        .json();
    let organisation = app.organisation(&coordinator, "041140001239", 120).await;
    let meeting = app.meeting(&coordinator, &organisation, "2027-03-02T09:00:00Z", "2027-03-02T10:00:00Z").await;
    app.add_speaker(&coordinator, id(&meeting), &kept).await;
    app.patch(&format!("/api/v1/organisations/{}", id(&organisation)))
        .bearer(&coordinator.token)
        .json(&json!({"employee_count": 150}))
        .send()
        .await
        .assert_status(200);
    // Materials, a poster site with a placement (which changes the site too),
    // social-media posts (one removed), talking points (one retired, one a draft).
    let poster = app.poster(&admin).await;
    app.receive(&admin, &poster, OWN_BRANCH, 50).await;
    let site = app.poster_site(&coordinator, OWN_BRANCH, &village, 10).await;
    let placement = app.placement(&coordinator, id(&site), &poster, 4).await;
    let published =
        (chrono::Utc::now() - chrono::Duration::hours(2)).to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let post = app.log_post(&coordinator, &crate::social_posts::post_body("telegram", &published)).await;
    let post = post.assert_status(201).json();
    let removed = app.log_post(&coordinator, &crate::social_posts::post_body("youtube", &published)).await;
    let removed = removed.assert_status(201).json();
    app.delete(&format!("/api/v1/social-posts/{}", id(&removed))).bearer(&coordinator.token).send().await;
    let point = app.published_talking_point(&admin, &["voting_procedure"]).await;
    let retired = app.published_talking_point(&admin, &["voting_procedure"]).await;
    app.post(&format!("/api/v1/talking-points/{}/retire", id(&retired)))
        .bearer(&admin.token)
        .send()
        .await
        .assert_status(200);
    let draft_body = crate::talking_points::talking_point_body("question");
    let draft = app.write_talking_point(&admin, &draft_body).await.assert_status(201).json();

    let (items, _) = walk(&app, &coordinator, Some(cursor), "").await;
    apply(&mut replica, &items);
    let operations: BTreeSet<String> =
        items.iter().map(|item| item["operation"].as_str().unwrap().to_owned()).collect();
    assert!(operations.contains("anonymise") && operations.contains("delete"), "{operations:?}");
    assert!(replica.contains_key(&("member_organisation".to_owned(), id(&member).to_owned())));
    assert!(!replica.contains_key(&("locality".to_owned(), doomed.clone())));
    let held = |kind: &str, record: &Value| replica.contains_key(&(kind.to_owned(), id(record).to_owned()));
    assert!(held("organisation", &organisation) && held("poster_site", &site) && held("poster_placement", &placement));
    assert!(held("social_post", &post) && !held("social_post", &removed), "a removed post is a tombstone");
    assert!(held("talking_point", &point) && !held("talking_point", &retired) && !held("talking_point", &draft));
    assert_eq!(replica[&("material".to_owned(), poster.clone())]["id"], poster.as_str());
    assert_eq!(replica[&("poster_site".to_owned(), id(&site).to_owned())]["current_posters"], 4);
    let feed_of = |kind: &str, record_id: &str| {
        items.iter().filter(|item| item["type"] == kind && item["id"] == record_id).count()
    };
    assert_eq!(feed_of("talking_point", id(&draft)), 0, "a draft is not announced to coordinators");
    let signups_held = replica.keys().filter(|(kind, _)| kind == "assignment").count();
    assert_eq!(signups_held, 3, "two sign-ups and a speaker's booking: {replica:?}");

    let lists = load_lists(&app, &coordinator).await;
    assert_eq!(comparable(&replica), comparable(&lists));
}

on_both_databases!(a_change_that_commits_after_a_later_one_is_not_skipped);
async fn a_change_that_commits_after_a_later_one_is_not_skipped(app: TestApp) {
    use diesel::Connection;
    use outreach::db::DatabaseUrl;
    use outreach::db::outbox::{Change, append};
    use outreach::domain::change::{ChangeOperation, ChangeType};
    // SQLite admits one writer at a time: commit order is insert order there.
    if !matches!(app.state.config.database_url, DatabaseUrl::Postgres(_)) {
        return;
    }
    let admin = app.admin().await;
    let start = head(&app, &admin).await;
    let (slow_id, fast_id) = (uuid::Uuid::now_v7().to_string(), uuid::Uuid::now_v7().to_string());
    let (inserted, wait_inserted) = std::sync::mpsc::channel();
    let (commit, wait_commit) = std::sync::mpsc::channel::<()>();
    let db = app.state.db.clone();
    let slow_change = slow_id.clone();
    // The slow transaction writes its change first and commits last.
    let slow = std::thread::spawn(move || {
        db.run_blocking(|conn| {
            conn.transaction(|conn| {
                let change = Change {
                    resource_type: ChangeType::Locality,
                    resource_id: &slow_change,
                    operation: ChangeOperation::Delete,
                    subject_id: None,
                    action: None,
                };
                append(conn, &change)?;
                inserted.send(()).ok();
                wait_commit.recv().ok();
                Ok::<_, diesel::result::Error>(())
            })
            .map_err(|err| err.to_string())
        })
    });
    wait_inserted.recv().unwrap();
    app.state
        .db
        .run_blocking(|conn| {
            let change = Change {
                resource_type: ChangeType::Locality,
                resource_id: &fast_id,
                operation: ChangeOperation::Delete,
                subject_id: None,
                action: None,
            };
            append(conn, &change).map_err(|err| err.to_string())
        })
        .unwrap();
    let (first, cursor) = walk(&app, &admin, Some(start), "").await;
    assert_eq!(summary(&first), vec![entry("locality", &fast_id, "delete", true)]);
    commit.send(()).unwrap();
    slow.join().unwrap().unwrap();
    let (later, _) = walk(&app, &admin, Some(cursor), "").await;
    assert_eq!(summary(&later), vec![entry("locality", &slow_id, "delete", true)]);
}

on_both_databases!(concurrent_writers_lose_no_change_and_repeat_none);
async fn concurrent_writers_lose_no_change_and_repeat_none(app: TestApp) {
    let admin = app.admin().await;
    let mut cursor = head(&app, &admin).await;
    let mut seen: Vec<Value> = Vec::new();
    let mut created: Vec<String> = Vec::new();
    for _round in 0..3 {
        let writes: Vec<_> = (0..8).map(|_| app.volunteer(&admin, OWN_BRANCH)).collect();
        // A reader walks while the writers run.
        let (volunteers, (items, next)) = futures_util::future::join(
            futures_util::future::join_all(writes),
            walk(&app, &admin, Some(cursor.clone()), ""),
        )
        .await;
        created.extend(volunteers.iter().map(|volunteer| id(volunteer).to_owned()));
        seen.extend(items);
        cursor = next;
    }
    let (items, _) = walk(&app, &admin, Some(cursor), "").await;
    seen.extend(items);
    let seqs: Vec<i64> = seen.iter().map(|item| item["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|pair| pair[0] < pair[1]), "each once, in order: {seqs:?}");
    let mut announced: Vec<String> = seen
        .iter()
        .filter(|item| item["operation"] == "create")
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect();
    announced.sort();
    created.sort();
    assert_eq!(announced, created);
}

on_both_databases!(the_newer_record_types_come_as_their_get_shows_them_to_each_caller);
async fn the_newer_record_types_come_as_their_get_shows_them_to_each_caller(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let stranger = app.user("coordinator", Some(OTHER_BRANCH)).await;
    let observer = app.user("observer", None).await;
    let mut cursors = Vec::new();
    for user in [&coordinator, &stranger, &observer, &admin] {
        cursors.push(head(&app, user).await);
    }
    let organisation = app.organisation(&coordinator, "041140001239", 120).await;
    let published =
        (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let post = app.log_post(&coordinator, &crate::social_posts::post_body("telegram", &published)).await;
    let post = post.assert_status(201).json();
    let draft_body = crate::talking_points::talking_point_body("question");
    let draft = app.write_talking_point(&admin, &draft_body).await.assert_status(201).json();

    let own_get = |kind: &str, record_id: &str| match kind {
        "organisation" => format!("/api/v1/organisations/{record_id}"),
        "social_post" => format!("/api/v1/social-posts/{record_id}"),
        "talking_point" => format!("/api/v1/talking-points/{record_id}"),
        other => panic!("unexpected change of a {other}"),
    };
    let mut announced = Vec::new();
    for (user, cursor) in [&coordinator, &stranger, &observer, &admin].into_iter().zip(cursors) {
        let (items, _) = walk(&app, user, Some(cursor), "").await;
        for item in &items {
            let path = own_get(item["type"].as_str().unwrap(), item["id"].as_str().unwrap());
            let own = app.get(&path).bearer(&user.token).send().await.assert_status(200).json();
            assert_eq!(item["record"], own, "the feed shows {path} as its GET does");
        }
        let records: BTreeSet<String> = items.iter().map(|item| item["id"].as_str().unwrap().to_owned()).collect();
        announced.push(records);
    }
    let ids = |records: &[&Value]| records.iter().map(|record| id(record).to_owned()).collect::<BTreeSet<String>>();
    assert_eq!(announced[0], ids(&[&organisation, &post]), "the coordinator of the branch");
    assert_eq!(announced[1], BTreeSet::new(), "another branch hears of nothing");
    assert_eq!(announced[2], ids(&[&organisation, &post]), "observers, without the personal data");
    assert_eq!(announced[3], ids(&[&organisation, &post, &draft]), "admins, drafts too");
}

on_both_databases!(a_page_of_large_records_ends_early_and_the_walk_still_gets_every_change);
async fn a_page_of_large_records_ends_early_and_the_walk_still_gets_every_change(app: TestApp) {
    let admin = app.admin().await;
    let locality = app.locality(&admin, OWN_BRANCH, "village").await;
    let route = app.route(&admin, &locality, 500, &[]).await;
    let stops = route["stops"].as_array().unwrap().clone();
    let now = app.get("/api/v1/changes?from=now&types=route").bearer(&admin.token).send().await;
    let start = now.assert_status(200).json()["next_cursor"].as_str().unwrap().to_owned();
    // Twelve syncs of one visit each: twelve changes of a route with 500 stops.
    for stop in &stops[..12] {
        app.sync_visits(&admin, &route, &[crate::factories::visit(id(stop))]).await;
    }
    let record_bytes = app.get(&format!("/api/v1/routes/{}", id(&route))).bearer(&admin.token).send().await.body.len();
    assert!(record_bytes * 12 > 1024 * 1024, "the route is too small to test the cap: {record_bytes} bytes");

    let first = app
        .get(&format!("/api/v1/changes?limit=100&types=route&cursor={start}"))
        .bearer(&admin.token)
        .send()
        .await
        .assert_status(200)
        .json();
    let kept = first["items"].as_array().unwrap().len();
    assert!((1..12).contains(&kept), "a page of about 1 MB of records: {kept} items of {record_bytes} bytes");
    assert_eq!(first["has_more"], true);

    // Walking on (three a page) gives the other changes, each once, in order.
    let (rest, _) = walk(&app, &admin, Some(first["next_cursor"].as_str().unwrap().to_owned()), "&types=route").await;
    let seqs: Vec<i64> =
        first["items"].as_array().unwrap().iter().chain(&rest).map(|item| item["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs.len(), 12, "{seqs:?}");
    assert!(seqs.windows(2).all(|pair| pair[0] < pair[1]), "increasing: {seqs:?}");
}

/// The ids of `kind` in `items`, with their operations, in feed order.
fn changes_of(items: &[Value], kind: &str) -> Vec<(String, String)> {
    items
        .iter()
        .filter(|item| item["type"] == kind)
        .map(|item| (item["id"].as_str().unwrap().to_owned(), item["operation"].as_str().unwrap().to_owned()))
        .collect()
}

fn change(record_id: &str, operation: &str) -> (String, String) {
    (record_id.to_owned(), operation.to_owned())
}

on_both_databases!(sign_ups_come_to_staff_and_their_volunteer_only);
async fn sign_ups_come_to_staff_and_their_volunteer_only(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let stranger = app.user("coordinator", Some(OTHER_BRANCH)).await;
    let observer = app.user("observer", None).await;
    let (_, first_user) = app.volunteer_user(&coordinator, OWN_BRANCH).await;
    let (second, second_user) = app.volunteer_user(&coordinator, OWN_BRANCH).await;
    let (_, foreigner) = app.volunteer_user(&admin, OTHER_BRANCH).await;
    let callers = [&admin, &coordinator, &stranger, &observer, &first_user, &second_user, &foreigner];
    let mut cursors = Vec::new();
    for user in callers {
        let now = app.get("/api/v1/changes?from=now&types=assignment").bearer(&user.token).send().await;
        cursors.push(now.assert_status(200).json()["next_cursor"].as_str().unwrap().to_owned());
    }

    // One place: the first volunteer signs up, the second waits, the first
    // cancels and the second is promoted.
    let event = app.scheduled_event(&coordinator, OWN_BRANCH, "2027-04-01T09:00:00Z", "2027-04-01T12:00:00Z", 1).await;
    let shift = crate::factories::shift_id(&event, 0);
    let own = app
        .post(&format!("/api/v1/shifts/{shift}/signups"))
        .bearer(&first_user.token)
        .json(&json!({}))
        .send()
        .await
        .assert_status(201)
        .json();
    let waiting = app.sign_up_volunteer(&coordinator, &shift, &second).await;
    assert_eq!((own["status"].as_str(), waiting["status"].as_str()), (Some("signed_up"), Some("waitlisted")));
    let cancel = format!("/api/v1/assignments/{}/cancel", id(&own));
    app.post(&cancel).bearer(&first_user.token).send().await.assert_status(200);

    let mut seen = Vec::new();
    for (user, cursor) in callers.into_iter().zip(cursors) {
        let (items, _) = walk(&app, user, Some(cursor), "&types=assignment").await;
        // Each record as the caller's own GET shows it now.
        for item in &items {
            let path = format!("/api/v1/assignments/{}", item["id"].as_str().unwrap());
            let get = app.get(&path).bearer(&user.token).send().await.assert_status(200).json();
            assert_eq!(item["record"], get, "the feed shows {path} as its GET does");
            assert_eq!(item["deleted"], false);
        }
        seen.push(items);
    }
    let whole = vec![
        change(id(&own), "create"),
        change(id(&waiting), "create"),
        // The promotion is written before the cancellation that freed the place.
        change(id(&waiting), "update"),
        change(id(&own), "update"),
    ];
    assert_eq!(changes_of(&seen[0], "assignment"), whole, "admins");
    assert_eq!(changes_of(&seen[1], "assignment"), whole, "the branch's coordinator");
    assert_eq!(changes_of(&seen[2], "assignment"), vec![], "another branch's coordinator");
    assert_eq!(changes_of(&seen[3], "assignment"), whole, "observers");
    assert_eq!(
        changes_of(&seen[4], "assignment"),
        vec![change(id(&own), "create"), change(id(&own), "update")],
        "the volunteer, their own only"
    );
    assert_eq!(
        changes_of(&seen[5], "assignment"),
        vec![change(id(&waiting), "create"), change(id(&waiting), "update")],
        "the other volunteer, their own only"
    );
    assert_eq!(changes_of(&seen[6], "assignment"), vec![], "a volunteer of another branch");

    // Staff read the names; observers never do.
    let last = |items: &[Value], record_id: &str| {
        items.iter().rev().find(|item| item["id"] == record_id).unwrap()["record"].clone()
    };
    assert_eq!(last(&seen[1], id(&own))["volunteer_name"], "Test Volunteer");
    assert_eq!(last(&seen[1], id(&own))["status"], "cancelled");
    assert_eq!(last(&seen[1], id(&waiting))["status"], "signed_up");
    for item in &seen[3] {
        assert!(item["record"].get("volunteer_name").is_none(), "observers see no names: {item}");
    }
    // Out of scope: 404, as for any record.
    let path = format!("/api/v1/assignments/{}", id(&own));
    for user in [&stranger, &second_user, &foreigner] {
        app.get(&path).bearer(&user.token).send().await.problem(404);
    }
    app.get(&format!("/api/v1/assignments/{}", uuid::Uuid::now_v7())).bearer(&admin.token).send().await.problem(404);
    // The event changes with its sign-ups, as before.
    let (events, _) = walk(&app, &coordinator, None, "&types=event").await;
    assert!(events.iter().filter(|item| item["id"] == id(&event)).count() >= 3, "{events:?}");
    // A cancelled shift cancels its sign-ups, each with its change.
    let (_, cursor) = walk(&app, &coordinator, None, "&types=assignment").await;
    app.post(&format!("/api/v1/shifts/{shift}/cancel")).bearer(&coordinator.token).send().await.assert_status(200);
    let (items, _) = walk(&app, &coordinator, Some(cursor), "&types=assignment").await;
    assert_eq!(changes_of(&items, "assignment"), vec![change(id(&waiting), "update")]);
    assert_eq!(items[0]["record"]["status"], "cancelled");
}
