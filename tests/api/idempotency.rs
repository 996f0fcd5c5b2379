//! `Idempotency-Key`: the claim, the work and the stored response are one
//! transaction, so a crash between them leaves nothing and concurrent requests
//! with one key create one record.

use std::collections::{BTreeMap, BTreeSet};

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::authorization::fresh_bin;
use crate::factories::{OWN_BRANCH, consent, fresh_address, fresh_phone, id, shift_id};
use crate::helpers::TestApp;

async fn volunteer_count(app: &TestApp, token: &str, phone: &str) -> usize {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let page = app.get(&format!("/api/v1/volunteers?q={digits}")).bearer(token).send().await.assert_status(200).json();
    page["items"].as_array().unwrap().len()
}

on_both_databases!(a_crash_between_the_create_and_its_stored_response_leaves_nothing_to_create_twice);
async fn a_crash_between_the_create_and_its_stored_response_leaves_nothing_to_create_twice(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let phone = fresh_phone();
    let body = json!({"full_name": "Ерлан Сапаров", "phone": phone, "consent": consent()});
    let create =
        || app.post("/api/v1/volunteers").bearer(&coordinator.token).header("idempotency-key", "crash-1").json(&body);

    // The volunteer is written, then the request dies before its response is stored.
    app.state.db.idempotency_crash.arm(1);
    create().send().await.problem(500);
    assert_eq!(volunteer_count(&app, &coordinator.token, &phone).await, 0, "the crashed attempt left its volunteer");

    // The retry with the same key is a normal first request, not a 409 for the phone.
    let first = create().send().await;
    let volunteer = first.assert_status(201).json();
    assert_eq!(first.header("idempotent-replayed"), None);
    assert_eq!(volunteer_count(&app, &coordinator.token, &phone).await, 1);

    let replay = create().send().await;
    assert_eq!(replay.assert_status(201).json(), volunteer);
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    assert_eq!(volunteer_count(&app, &coordinator.token, &phone).await, 1);
}

on_both_databases!(a_crashed_application_is_filed_once_by_its_retry);
async fn a_crashed_application_is_filed_once_by_its_retry(app: TestApp) {
    let address = fresh_address();
    let phone = fresh_phone();
    let body = json!({"branch": OWN_BRANCH, "full_name": "Айя Нурланова", "phone": phone, "consent": consent()});
    let apply = || {
        app.post("/api/v1/volunteer-applications")
            .sent_from(&address)
            .header("idempotency-key", "form-crash")
            .json(&body)
    };

    app.state.db.idempotency_crash.arm(1);
    apply().send().await.problem(500);
    let receipt = apply().send().await.assert_status(202).json();
    let replay = apply().send().await;
    assert_eq!(replay.assert_status(202).json(), receipt);
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));

    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    assert_eq!(volunteer_count(&app, &coordinator.token, &phone).await, 1);
}

on_both_databases!(concurrent_requests_with_one_key_create_one_volunteer);
async fn concurrent_requests_with_one_key_create_one_volunteer(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let phone = fresh_phone();
    let body = json!({"full_name": "Тимур Ахметов", "phone": phone, "consent": consent()});
    let responses = join_all((0..6).map(|_| {
        app.post("/api/v1/volunteers").bearer(&coordinator.token).header("idempotency-key", "race-1").json(&body).send()
    }))
    .await;

    // Every one waits for or replays the first: no 409 for the phone, no second record.
    let first = responses.iter().find(|res| res.header("idempotent-replayed").is_none()).expect("one original").json();
    for res in &responses {
        assert_eq!(res.assert_status(201).json(), first);
    }
    assert_eq!(responses.iter().filter(|res| res.header("idempotent-replayed").is_none()).count(), 1);
    assert_eq!(volunteer_count(&app, &coordinator.token, &phone).await, 1);
}

on_both_databases!(a_key_is_tied_to_its_request_and_a_failed_attempt_stores_nothing);
async fn a_key_is_tied_to_its_request_and_a_failed_attempt_stores_nothing(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let taken = app.volunteer(&coordinator, OWN_BRANCH).await;

    // A refused first attempt (a taken phone) stores nothing under its key, so the
    // key is still free for the corrected request (not 422), and then tied to it.
    let refused = json!({"full_name": "Дубль", "phone": taken["phone"], "consent": consent()});
    let post = |body: &Value| {
        app.post("/api/v1/volunteers").bearer(&coordinator.token).header("idempotency-key", "k-1").json(body)
    };
    post(&refused).send().await.problem(409);
    let corrected = json!({"full_name": "Дубль", "phone": fresh_phone(), "consent": consent()});
    post(&corrected).send().await.assert_status(201);
    let reused = post(&refused).send().await.problem(422);
    assert_eq!(reused["errors"][0]["code"], "reused", "{reused}");
}

/// Creating `POST`s that take no `Idempotency-Key`, and why.
const WITHOUT_KEY: &[(&str, &str)] = &[
    (
        "/api/v1/accounts/{id}/api-tokens",
        "answers the token's secret once; a stored copy for replays would keep it in plain text for 30 days",
    ),
    ("/api/v1/me/calendar-feed", "answers the feed's secret URL once; a repeat replaces the feed, it never adds one"),
    (
        "/api/v1/webhooks",
        "answers the signing secret once; a stored copy for replays would keep it in the replay store for 30 days",
    ),
];

/// One creating request, and a read that counts what it creates: `(spec path,
/// path, caller's token, body, counting GET, JSON pointer to the counted array)`.
type Creation = (&'static str, String, String, Value, String, &'static str);

/// Every creating `POST` with a body that creates something, set up in one branch.
async fn creations(app: &TestApp) -> Vec<Creation> {
    let admin = app.admin().await;
    let staff = app.user("coordinator", Some(OWN_BRANCH)).await;
    let (admin_token, token) = (admin.token.clone(), staff.token.clone());
    let village = app.locality(&staff, OWN_BRANCH, "village").await;
    let volunteer = app.volunteer(&staff, OWN_BRANCH).await;
    let event = app.scheduled_event(&staff, OWN_BRANCH, "2027-03-01T04:00:00Z", "2027-03-01T12:00:00Z", 5).await;
    let event_id = id(&event).to_owned();
    let shift = shift_id(&event, 0);
    let organisation = app.organisation(&staff, &fresh_bin(), 100).await;
    let meeting = app.meeting(&staff, &organisation, "2027-04-01T05:00:00Z", "2027-04-01T07:00:00Z").await;
    let meeting_id = id(&meeting).to_owned();
    let leaflet = app.material(&admin).await;
    let poster = app.poster(&admin).await;
    app.receive(&admin, &leaflet, OWN_BRANCH, 100).await;
    app.receive(&admin, &poster, OWN_BRANCH, 10).await;
    let site = app.poster_site(&staff, OWN_BRANCH, &village, 5).await;
    let site_id = id(&site).to_owned();
    let placement = app.placement(&staff, &site_id, &poster, 1).await;
    let placement_id = id(&placement).to_owned();
    let write_off =
        json!({"kind": "write_off", "material_id": leaflet, "branch": OWN_BRANCH, "quantity": 1, "reason": "rain"});
    let write_off = app.movement(&admin, write_off).await.assert_status(201).json();
    let write_off_id = id(&write_off).to_owned();
    let mut material = crate::materials::material_body();
    material["code"] = json!(format!("L-{}", uuid::Uuid::now_v7().simple()));
    let stops = json!([{"street": "Абай даңғылы", "building": "1", "entrance": "1", "doors": 40}]);
    let post = json!({"branch": OWN_BRANCH, "platform": "telegram", "url": format!("https://t.me/outreach/{}", uuid::Uuid::now_v7().simple()), "published_at": "2026-11-01T09:00:00Z", "language": "kk"});
    let post = app.post("/api/v1/social-posts").bearer(&token).json(&post).send().await.assert_status(201).json();
    let post_id = id(&post).to_owned();

    let list = |path: &str| format!("{path}{}limit=200", if path.contains('?') { '&' } else { '?' });
    vec![
        (
            "/api/v1/events",
            "/api/v1/events".into(),
            token.clone(),
            json!({
                "kind": "training", "title": "Оқыту", "starts_at": "2027-05-01T04:00:00Z", "ends_at": "2027-05-01T08:00:00Z",
            }),
            list("/api/v1/events"),
            "/items",
        ),
        (
            "/api/v1/events/{id}/shifts",
            format!("/api/v1/events/{event_id}/shifts"),
            token.clone(),
            json!({"starts_at": "2027-03-01T05:00:00Z", "ends_at": "2027-03-01T08:00:00Z", "capacity": 3}),
            format!("/api/v1/events/{event_id}"),
            "/shifts",
        ),
        (
            "/api/v1/events/{id}/shifts/series",
            format!("/api/v1/events/{event_id}/shifts/series"),
            token.clone(),
            json!({"from_date": "2027-03-01", "to_date": "2027-03-01", "start_time": "15:00", "end_time": "17:00", "capacity": 2}),
            format!("/api/v1/events/{event_id}"),
            "/shifts",
        ),
        (
            "/api/v1/events/{id}/materials",
            format!("/api/v1/events/{event_id}/materials"),
            token.clone(),
            json!({"material_id": leaflet, "quantity": 3}),
            list(&format!("/api/v1/events/{event_id}/materials")),
            "/items",
        ),
        (
            "/api/v1/shifts/{id}/signups",
            format!("/api/v1/shifts/{shift}/signups"),
            token.clone(),
            json!({"volunteer_id": volunteer["id"]}),
            list(&format!("/api/v1/shifts/{shift}/signups")),
            "/items",
        ),
        (
            "/api/v1/localities",
            "/api/v1/localities".into(),
            token.clone(),
            json!({"branch": OWN_BRANCH, "kind": "village", "name": {"kk": "Жаңа ауыл", "ru": "Новое село"}}),
            list(&format!("/api/v1/localities?branch={OWN_BRANCH}")),
            "/items",
        ),
        (
            "/api/v1/routes",
            "/api/v1/routes".into(),
            token.clone(),
            json!({"locality_id": village, "name": "Маршрут", "stops": stops}),
            list("/api/v1/routes"),
            "/items",
        ),
        (
            "/api/v1/volunteers",
            "/api/v1/volunteers".into(),
            token.clone(),
            json!({"full_name": "Ерлан Сапаров", "phone": fresh_phone(), "consent": consent()}),
            list("/api/v1/volunteers"),
            "/items",
        ),
        (
            "/api/v1/volunteer-applications",
            "/api/v1/volunteer-applications".into(),
            String::new(),
            json!({"branch": OWN_BRANCH, "full_name": "Айя Нурланова", "phone": fresh_phone(), "consent": consent()}),
            list("/api/v1/volunteers?status=applicant"),
            "/items",
        ),
        (
            "/api/v1/accounts",
            "/api/v1/accounts".into(),
            admin_token.clone(),
            json!({"email": format!("{}@example.kz", uuid::Uuid::now_v7().simple()), "role": "observer", "password": "a long enough password"}),
            list("/api/v1/accounts"),
            "/items",
        ),
        (
            "/api/v1/organisations",
            "/api/v1/organisations".into(),
            token.clone(),
            json!({"name": {"kk": "Ұйым", "ru": "Организация"}, "bin": fresh_bin(), "sector": "trade", "employee_count": 50}),
            list("/api/v1/organisations"),
            "/items",
        ),
        (
            "/api/v1/member-organisations",
            "/api/v1/member-organisations".into(),
            admin_token.clone(),
            json!({"name": "Кәсіподақ", "kind": "trade_union", "bin": fresh_bin()}),
            list("/api/v1/member-organisations"),
            "/items",
        ),
        (
            "/api/v1/meetings",
            "/api/v1/meetings".into(),
            token.clone(),
            json!({
                "kind": "work_collective_meeting", "organisation_id": organisation["id"], "title": "Кездесу",
                "proposed_starts_at": "2027-04-02T05:00:00Z", "proposed_ends_at": "2027-04-02T07:00:00Z",
            }),
            list("/api/v1/meetings"),
            "/items",
        ),
        (
            "/api/v1/meetings/{id}/speakers",
            format!("/api/v1/meetings/{meeting_id}/speakers"),
            token.clone(),
            json!({"figure_name": "Айгүл Серікова", "figure_kind": "scientist", "role": "speaker"}),
            format!("/api/v1/meetings/{meeting_id}"),
            "/speakers",
        ),
        (
            "/api/v1/materials",
            "/api/v1/materials".into(),
            admin_token.clone(),
            material,
            list("/api/v1/materials"),
            "/items",
        ),
        (
            "/api/v1/stock-movements",
            "/api/v1/stock-movements".into(),
            admin_token.clone(),
            json!({"kind": "receipt", "material_id": leaflet, "branch": OWN_BRANCH, "quantity": 5}),
            list("/api/v1/stock-movements"),
            "/items",
        ),
        (
            "/api/v1/stock-movements/{id}/reversal",
            format!("/api/v1/stock-movements/{write_off_id}/reversal"),
            admin_token.clone(),
            json!({"reason": "found it"}),
            list("/api/v1/stock-movements"),
            "/items",
        ),
        (
            "/api/v1/poster-sites",
            "/api/v1/poster-sites".into(),
            token.clone(),
            json!({
                "branch": OWN_BRANCH, "locality_id": village, "address": "Абай даңғылы, 12", "kind": "stand", "capacity": 2,
                "decision_body": "Әкімдік", "decision_number": "115", "decision_date": "2026-10-01",
            }),
            list("/api/v1/poster-sites"),
            "/items",
        ),
        (
            "/api/v1/poster-sites/{id}/placements",
            format!("/api/v1/poster-sites/{site_id}/placements"),
            token.clone(),
            json!({"material_id": poster, "quantity": 1}),
            list("/api/v1/poster-placements"),
            "/items",
        ),
        (
            "/api/v1/social-posts",
            "/api/v1/social-posts".into(),
            token.clone(),
            json!({"branch": OWN_BRANCH, "platform": "instagram", "url": "https://instagram.com/p/idempotent", "published_at": "2026-11-02T09:00:00Z", "language": "ru"}),
            list(&format!("/api/v1/social-posts?branch={OWN_BRANCH}")),
            "/items",
        ),
        (
            "/api/v1/social-posts/{id}/reach",
            format!("/api/v1/social-posts/{post_id}/reach"),
            token.clone(),
            json!({"views": 10, "reactions": 2, "shares": 1, "comments": 0}),
            list(&format!("/api/v1/social-posts/{post_id}/reach")),
            "/items",
        ),
        (
            "/api/v1/talking-points",
            "/api/v1/talking-points".into(),
            admin_token.clone(),
            crate::talking_points::talking_point_body("article"),
            list("/api/v1/talking-points"),
            "/items",
        ),
        (
            "/api/v1/poster-placements/{id}/changes",
            format!("/api/v1/poster-placements/{placement_id}/changes"),
            token.clone(),
            json!({"status": "checked"}),
            format!("/api/v1/poster-placements/{placement_id}"),
            "/changes",
        ),
    ]
}

/// The `POST` operations of the spec that answer 201, and whether each documents `Idempotency-Key`.
fn creating_posts(spec: &Value) -> BTreeMap<String, bool> {
    let mut creating = BTreeMap::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        let Some(post) = item.get("post") else { continue };
        let params = post["parameters"].as_array().cloned().unwrap_or_default();
        let keyed = params.iter().any(|param| param["name"] == "Idempotency-Key" && param["in"] == "header");
        if post["responses"].get("201").is_some() || keyed {
            creating.insert(path.clone(), keyed);
        }
    }
    creating
}

on_both_databases!(every_creating_post_creates_once_per_idempotency_key_and_replays_its_answer);
async fn every_creating_post_creates_once_per_idempotency_key_and_replays_its_answer(app: TestApp) {
    let spec = app.get("/api-docs/openapi.json").send().await.json();
    let creating = creating_posts(&spec);
    let creations = creations(&app).await;
    let listed: BTreeSet<&str> = creations.iter().map(|creation| creation.0).collect();
    for (path, keyed) in &creating {
        let exempt = WITHOUT_KEY.iter().any(|(exempt, _)| exempt == path);
        assert!(listed.contains(path.as_str()) || exempt, "{path} answers 201 but has no entry in this test");
        assert_eq!(*keyed, !exempt, "{path}: the spec's Idempotency-Key parameter disagrees with this test");
    }
    let address = fresh_address();
    // One key for every operation: keys are scoped to the operation and the caller.
    for (operation, path, token, body, count_path, pointer) in creations {
        let send = || {
            let request = app.post(&path).header("idempotency-key", "one-key-for-all").json(&body);
            if token.is_empty() { request.sent_from(&address) } else { request.bearer(&token) }
        };
        let reader =
            if token.is_empty() { app.user("coordinator", Some(OWN_BRANCH)).await.token } else { token.clone() };
        let count = || async {
            let read = app.get(&count_path).bearer(&reader).send().await.assert_status(200).json();
            read.pointer(pointer)
                .and_then(Value::as_array)
                .map(Vec::len)
                .unwrap_or_else(|| panic!("{count_path}{pointer}"))
        };
        let before = count().await;
        let first = send().send().await;
        assert!((200..=202).contains(&first.status.as_u16()), "{operation}: {} {}", first.status, first.json());
        assert_eq!(first.header("idempotent-replayed"), None, "{operation}");
        let created = count().await;
        assert!(created > before, "{operation} created nothing to count in {count_path}");

        let replay = send().send().await;
        assert_eq!(replay.status.as_u16(), first.status.as_u16(), "{operation}");
        assert_eq!(replay.json(), first.json(), "{operation}: the replay's body");
        assert_eq!(replay.header("idempotent-replayed"), Some("true"), "{operation}");
        assert_eq!(replay.header("etag"), first.header("etag"), "{operation}");
        assert_eq!(count().await, created, "{operation} created again on the replay");
    }
}

on_both_databases!(a_shift_at_the_start_and_end_of_one_the_event_has_is_a_conflict_naming_it);
async fn a_shift_at_the_start_and_end_of_one_the_event_has_is_a_conflict_naming_it(app: TestApp) {
    let staff = app.user("coordinator", Some(OWN_BRANCH)).await;
    let event = app.scheduled_event(&staff, OWN_BRANCH, "2027-03-01T04:00:00Z", "2027-03-01T12:00:00Z", 5).await;
    let path = format!("/api/v1/events/{}/shifts", id(&event));
    let same = json!({"starts_at": "2027-03-01T04:00:00Z", "ends_at": "2027-03-01T12:00:00Z", "capacity": 2});
    let problem = app.post(&path).bearer(&staff.token).json(&same).send().await.problem(409);
    assert_eq!(problem["code"], "duplicate");
    assert_eq!(problem["existing_id"].as_str(), Some(shift_id(&event, 0).as_str()));

    // Another end is another shift; a cancelled shift's slot is free again.
    let longer = json!({"starts_at": "2027-03-01T04:00:00Z", "ends_at": "2027-03-01T10:00:00Z", "capacity": 2});
    app.post(&path).bearer(&staff.token).json(&longer).send().await.assert_status(201);
    let cancel = format!("/api/v1/shifts/{}/cancel", shift_id(&event, 0));
    app.post(&cancel).bearer(&staff.token).json(&json!({})).send().await.assert_status(200);
    app.post(&path).bearer(&staff.token).json(&same).send().await.assert_status(201);
}
