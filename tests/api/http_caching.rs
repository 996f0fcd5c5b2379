//! Conditional reads and compression: what a polling web client and a phone on
//! mobile data rely on.

use crate::factories::{TestUser, id, shift_id, visit_every_stop};
use crate::helpers::TestApp;
use serde_json::{Value, json};

on_both_databases!(an_unchanged_read_is_304_and_a_change_gives_a_new_tag);
async fn an_unchanged_read_is_304_and_a_change_gives_a_new_tag(app: TestApp) {
    let admin = app.admin().await;
    let list = "/api/v1/volunteers?branch=KZ-71";
    app.volunteer(&admin, "KZ-71").await;

    let first = app.get(list).bearer(&admin.token).send().await;
    first.assert_status(200);
    let tag = first.header("etag").expect("a list carries an ETag").to_owned();
    let unchanged = app.get(list).bearer(&admin.token).header("if-none-match", &tag).send().await;
    unchanged.assert_status(304);
    assert!(unchanged.body.is_empty());
    assert_eq!(unchanged.header("etag"), Some(tag.as_str()));
    // Weak comparison: the weak and strong forms of one tag match, a list of tags matches.
    let strong = tag.trim_start_matches("W/");
    let listed = format!("\"other\", {strong}");
    app.get(list).bearer(&admin.token).header("if-none-match", &listed).send().await.assert_status(304);

    app.volunteer(&admin, "KZ-71").await;
    let changed = app.get(list).bearer(&admin.token).header("if-none-match", &tag).send().await;
    changed.assert_status(200);
    assert_ne!(changed.header("etag"), Some(tag.as_str()));
    assert_eq!(changed.json()["items"].as_array().unwrap().len(), 2);

    // A record's own tag is its version; the weak form of it matches too.
    let volunteer = app.volunteer(&admin, "KZ-71").await;
    let path = format!("/api/v1/volunteers/{}", volunteer["id"].as_str().unwrap());
    let read = app.get(&path).bearer(&admin.token).send().await;
    assert_eq!(read.header("etag"), Some("\"1\""));
    app.get(&path).bearer(&admin.token).header("if-none-match", "W/\"1\"").send().await.assert_status(304);
    // Errors and writes are never answered 304.
    app.get("/api/v1/volunteers/nope").bearer(&admin.token).header("if-none-match", "*").send().await.problem(404);
}

#[actix_web::test]
async fn responses_are_compressed_when_the_client_asks() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let plain = app.get("/api/v1/branches?limit=20").bearer(&admin.token).send().await;
    plain.assert_status(200);
    assert_eq!(plain.header("content-encoding"), None);
    for encoding in ["gzip", "br"] {
        let compressed =
            app.get("/api/v1/branches?limit=20").bearer(&admin.token).header("accept-encoding", encoding).send().await;
        compressed.assert_status(200);
        assert_eq!(compressed.header("content-encoding"), Some(encoding));
        assert!(
            compressed.body.len() * 2 < plain.body.len(),
            "{encoding}: {} of {} bytes",
            compressed.body.len(),
            plain.body.len()
        );
    }
    // Problems are compressed too and stay complete documents.
    let problem = app.get("/api/v1/nothing").header("accept-encoding", "gzip").send().await;
    assert_eq!(problem.status, 404);
    assert_eq!(problem.header("content-type"), Some("application/problem+json"));
}

on_both_databases!(a_change_shown_in_a_record_gives_it_a_new_version_and_stamp);
async fn a_change_shown_in_a_record_gives_it_a_new_version_and_stamp(app: TestApp) {
    let admin = app.user("coordinator", Some("KZ-71")).await;
    let read = |path: String| {
        let app = &app;
        let token = admin.token.clone();
        async move {
            let res = app.get(&path).bearer(&token).send().await;
            let record = res.assert_status(200).json();
            assert_eq!(res.header("etag"), Some(format!("\"{}\"", record["version"]).as_str()));
            (record["version"].as_i64().unwrap(), record["updated_at"].as_str().unwrap().to_owned())
        }
    };

    // A speaker shows in the meeting.
    let meeting = app.requested_meeting(&admin).await;
    let path = format!("/api/v1/meetings/{}", id(&meeting));
    let before = read(path.clone()).await;
    let speaker = app.volunteer(&admin, "KZ-71").await;
    app.add_speaker(&admin, id(&meeting), &speaker).await;
    let after = read(path).await;
    assert!(after.0 > before.0 && after.1 > before.1, "{before:?} -> {after:?}");

    // A sign-up shows in the event's places.
    let event = app.scheduled_event(&admin, "KZ-71", "2027-03-01T05:00:00Z", "2027-03-01T09:00:00Z", 3).await;
    let path = format!("/api/v1/events/{}", id(&event));
    let before = read(path.clone()).await;
    let volunteer = app.volunteer(&admin, "KZ-71").await;
    app.sign_up_volunteer(&admin, &shift_id(&event, 0), &volunteer).await;
    let after = read(path).await;
    assert!(after.0 > before.0 && after.1 > before.1, "{before:?} -> {after:?}");

    // Synced visits show in the route's progress.
    let (route, walker) = app.assigned_route(&admin, "KZ-71", 2).await;
    let path = format!("/api/v1/routes/{}", id(&route));
    let before = read(path.clone()).await;
    app.sync_visits(&walker, &route, &visit_every_stop(&route)[..1]).await;
    let after = read(path).await;
    assert!(after.0 > before.0 && after.1 > before.1, "{before:?} -> {after:?}");
}

on_both_databases!(a_kept_events_page_changes_with_every_write_on_every_instance);
async fn a_kept_events_page_changes_with_every_write_on_every_instance(app: TestApp) {
    let admin = app.admin().await;
    let other = app.second_instance().await;
    let coordinator = app.user("coordinator", Some("KZ-71")).await;
    let event = app.scheduled_event(&coordinator, "KZ-71", "2027-04-01T04:00:00Z", "2027-04-01T08:00:00Z", 3).await;
    let shift = shift_id(&event, 0);
    let page = KZ_71_EVENTS;
    // Both instances keep the page; they agree on it and on its tag.
    assert_eq!(first_event(&app, &coordinator).await, first_event(&other, &coordinator).await);
    let tag = tag_of(&app, &coordinator).await;
    assert_eq!(tag_of(&other, &coordinator).await, tag);
    for instance in [&app, &other] {
        let unchanged = instance.get(page).bearer(&coordinator.token).header("if-none-match", &tag).send().await;
        unchanged.assert_status(304);
    }

    // A sign-up through one instance shows on the very next read of the other.
    app.sign_up_volunteer(&coordinator, &shift, &app.volunteer(&coordinator, "KZ-71").await).await;
    assert_eq!(first_event(&other, &coordinator).await["counts"]["signed_up"], 1);
    let changed = other.get(page).bearer(&coordinator.token).header("if-none-match", &tag).send().await;
    changed.assert_status(200);
    let tag = changed.header("etag").unwrap().to_owned();

    // A shift change and an event change, each through the other instance.
    let path = format!("/api/v1/shifts/{shift}");
    other.patch(&path).bearer(&coordinator.token).json(&json!({"capacity": 5})).send().await.assert_status(200);
    assert_eq!(first_event(&app, &coordinator).await["counts"]["capacity"], 5);
    let path = format!("/api/v1/events/{}", id(&event));
    other
        .patch(&path)
        .bearer(&coordinator.token)
        .json(&json!({"title": "Стенд у акимата"}))
        .send()
        .await
        .assert_status(200);
    assert_eq!(first_event(&app, &coordinator).await["title"], "Стенд у акимата");

    // Another branch's write leaves the page (and its tag) as it was.
    let current = tag_of(&app, &coordinator).await;
    assert_ne!(current, tag);
    app.scheduled_event(&admin, "KZ-75", "2027-04-01T04:00:00Z", "2027-04-01T08:00:00Z", 3).await;
    app.get(page).bearer(&coordinator.token).header("if-none-match", &current).send().await.assert_status(304);

    // A draft changes the page; a volunteer's page of the same branch hides it.
    let draft = json!({
        "branch": "KZ-71", "kind": "training", "title": "Draft", "starts_at": "2027-03-01T04:00:00Z",
        "ends_at": "2027-03-01T06:00:00Z",
    });
    app.post("/api/v1/events").bearer(&coordinator.token).json(&draft).send().await.assert_status(201);
    assert_eq!(first_event(&other, &coordinator).await["title"], "Draft");
    let (_, volunteer) = app.volunteer_user(&coordinator, "KZ-71").await;
    let seen = other.get(page).bearer(&volunteer.token).send().await.assert_status(200).json();
    assert_eq!(seen["items"].as_array().unwrap().len(), 1, "{seen}");
    assert_eq!(seen["items"][0]["title"], "Стенд у акимата");
}

const KZ_71_EVENTS: &str = "/api/v1/events?branch=KZ-71";

async fn first_event(instance: &TestApp, user: &TestUser) -> Value {
    instance.get(KZ_71_EVENTS).bearer(&user.token).send().await.assert_status(200).json()["items"][0].clone()
}

async fn tag_of(instance: &TestApp, user: &TestUser) -> String {
    instance.get(KZ_71_EVENTS).bearer(&user.token).send().await.header("etag").expect("a tag").to_owned()
}
