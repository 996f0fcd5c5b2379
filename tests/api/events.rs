use chrono::{Duration, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::factories::{OTHER_BRANCH, OWN_BRANCH, id, shift_id};
use crate::helpers::TestApp;
use icalendar::Component;

fn at(offset: Duration) -> String {
    (Utc::now() + offset).to_rfc3339_opts(SecondsFormat::Secs, true)
}

on_both_databases!(a_series_makes_one_shift_a_day_in_astana_time);
async fn a_series_makes_one_shift_a_day_in_astana_time(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let event = app.post("/api/v1/events").bearer(&coordinator.token).json(&json!({
        "kind": "street_stand", "title": "Агитпалатка на Байтереке", "venue": "Бәйтерек", "address": "Астана, Нұржол бульвары",
        "starts_at": "2027-03-01T00:00:00Z", "ends_at": "2027-03-15T00:00:00Z",
    })).send().await.assert_status(201).json();
    assert_eq!(event["status"], "draft");

    // 1 to 14 March, 10:00-14:00 Astana time (UTC+5), two places each.
    let event = app.post(&format!("/api/v1/events/{}/shifts/series", id(&event))).bearer(&coordinator.token).json(&json!({
        "from_date": "2027-03-01", "to_date": "2027-03-14", "start_time": "10:00", "end_time": "14:00", "capacity": 2,
    })).send().await.assert_status(201).json()["event"].clone();
    let shifts = event["shifts"].as_array().unwrap();
    assert_eq!(shifts.len(), 14);
    assert_eq!(shifts[0]["starts_at"], "2027-03-01T05:00:00.000000Z");
    assert_eq!(shifts[13]["ends_at"], "2027-03-14T09:00:00.000000Z");
    assert_eq!(event["counts"]["capacity"], 28);
    app.set_event_status(&coordinator, &event, json!({"status": "scheduled"})).await;
}

on_both_databases!(sign_ups_beyond_the_places_are_waitlisted_and_a_second_sign_up_changes_nothing);
async fn sign_ups_beyond_the_places_are_waitlisted_and_a_second_sign_up_changes_nothing(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let event = app.street_stand_series(&coordinator, 2).await;
    let (_, first) = app.volunteer_user(&coordinator, OWN_BRANCH).await;
    let (_, second) = app.volunteer_user(&coordinator, OWN_BRANCH).await;
    let (_, third) = app.volunteer_user(&coordinator, OWN_BRANCH).await;
    let shift = shift_id(&event, 0);

    let a1 = app.sign_up(&first, &shift).await;
    assert_eq!(a1["status"], "signed_up");
    app.sign_up(&second, &shift).await;
    let a3 = app.sign_up(&third, &shift).await;
    assert_eq!(a3["status"], "waitlisted");
    let signups = format!("/api/v1/shifts/{shift}/signups");
    let again = app.post(&signups).bearer(&first.token).json(&json!({})).send().await.assert_status(200).json();
    assert_eq!(again["id"], a1["id"], "signing up twice changes nothing");

    let seen =
        app.get(&format!("/api/v1/events/{}", id(&event))).bearer(&third.token).send().await.assert_status(200).json();
    assert_eq!(seen["shifts"][0]["counts"]["signed_up"], 2);
    assert_eq!(seen["shifts"][0]["counts"]["waitlisted"], 1);
    assert_eq!(seen["shifts"][0]["counts"]["free_places"], 0);
}

on_both_databases!(a_cancellation_promotes_the_first_waitlisted);
async fn a_cancellation_promotes_the_first_waitlisted(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let event = app.street_stand_series(&coordinator, 2).await;
    let shift = shift_id(&event, 0);
    let (_, first) = app.volunteer_user(&coordinator, OWN_BRANCH).await;
    let a1 = app.sign_up(&first, &shift).await;
    app.sign_up_volunteer(&coordinator, &shift, &app.volunteer(&coordinator, OWN_BRANCH).await).await;
    let a3 = app.sign_up_volunteer(&coordinator, &shift, &app.volunteer(&coordinator, OWN_BRANCH).await).await;

    app.post(&format!("/api/v1/assignments/{}/cancel", id(&a1))).bearer(&first.token).send().await.assert_status(200);
    let list = app.signups(&coordinator, &shift).await;
    let status_of = |id: &Value| list.iter().find(|a| a["id"] == *id).unwrap()["status"].clone();
    assert_eq!(status_of(&a3["id"]), "signed_up");
    assert_eq!(status_of(&a1["id"]), "cancelled");
}

on_both_databases!(a_volunteer_cannot_cancel_someone_else_s_place);
async fn a_volunteer_cannot_cancel_someone_else_s_place(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let event = app.street_stand_series(&coordinator, 2).await;
    let (_, owner) = app.volunteer_user(&coordinator, OWN_BRANCH).await;
    let (_, other) = app.volunteer_user(&coordinator, OWN_BRANCH).await;
    let place = app.sign_up(&owner, &shift_id(&event, 0)).await;
    app.post(&format!("/api/v1/assignments/{}/cancel", id(&place))).bearer(&other.token).send().await.problem(404);
}

on_both_databases!(attendance_is_marked_once_a_shift_has_started_and_then_cannot_be_cancelled);
async fn attendance_is_marked_once_a_shift_has_started_and_then_cannot_be_cancelled(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let volunteer = app.volunteer(&coordinator, OWN_BRANCH).await;
    let attendance = |assignment: &Value| {
        app.post(&format!("/api/v1/assignments/{}/attendance", id(assignment)))
            .bearer(&coordinator.token)
            .json(&json!({"status": "attended"}))
            .send()
    };
    let later = app.street_stand_series(&coordinator, 2).await;
    let not_yet = app.sign_up_volunteer(&coordinator, &shift_id(&later, 0), &volunteer).await;
    attendance(&not_yet).await.problem(409);

    let today =
        app.scheduled_event(&coordinator, OWN_BRANCH, &at(-Duration::hours(1)), &at(Duration::hours(2)), 5).await;
    let now_assignment = app.sign_up_volunteer(&coordinator, &shift_id(&today, 0), &volunteer).await;
    let marked = attendance(&now_assignment).await.assert_status(200).json();
    assert_eq!(marked["status"], "attended");
    let today = app.get(&format!("/api/v1/events/{}", id(&today))).bearer(&coordinator.token).send().await.json();
    assert_eq!(today["counts"]["attended"], 1);
    app.post(&format!("/api/v1/assignments/{}/cancel", id(&now_assignment)))
        .bearer(&coordinator.token)
        .send()
        .await
        .problem(409);
}

on_both_databases!(the_calendar_feed_shows_a_cancelled_place_as_cancelled_with_stable_uids_until_revoked);
async fn the_calendar_feed_shows_a_cancelled_place_as_cancelled_with_stable_uids_until_revoked(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let (volunteer, first) = app.volunteer_user(&coordinator, OWN_BRANCH).await;
    let series = app.street_stand_series(&coordinator, 2).await;
    let cancelled_place = app.sign_up(&first, &shift_id(&series, 0)).await;
    app.post(&format!("/api/v1/assignments/{}/cancel", id(&cancelled_place)))
        .bearer(&first.token)
        .send()
        .await
        .assert_status(200);
    let today =
        app.scheduled_event(&coordinator, OWN_BRANCH, &at(-Duration::hours(1)), &at(Duration::hours(2)), 5).await;
    app.sign_up_volunteer(&coordinator, &shift_id(&today, 0), &volunteer).await;

    let schedule = app.get("/api/v1/me/schedule").bearer(&first.token).send().await.assert_status(200).json();
    assert_eq!(schedule["items"].as_array().unwrap().len(), 2, "{schedule}");
    let feed = app.post("/api/v1/me/calendar-feed").bearer(&first.token).send().await.assert_status(201).json();
    let absolute = feed["url"].as_str().unwrap();
    let url = absolute.strip_prefix("http://localhost:8080").expect("an absolute URL on the request's own host");
    let ics = app.get(url).send().await;
    ics.assert_status(200);
    assert!(ics.header("content-type").unwrap().starts_with("text/calendar"));
    let text = String::from_utf8(ics.body.to_vec()).unwrap();
    let calendar: icalendar::Calendar = text.parse().unwrap();
    let events: Vec<&icalendar::Event> = calendar.components.iter().filter_map(|c| c.as_event()).collect();
    assert_eq!(events.len(), 2);
    let cancelled = events.iter().find(|e| e.get_summary() == Some("Агитпалатка на Байтереке")).unwrap();
    assert_eq!(cancelled.get_status(), Some(icalendar::EventStatus::Cancelled));
    assert!(text.contains("DTSTART:20270301T050000Z"), "{text}");
    let uid = cancelled.get_uid().unwrap().to_owned();
    let again = String::from_utf8(app.get(url).send().await.body.to_vec()).unwrap();
    assert!(again.contains(&uid), "UIDs are stable");
    app.delete("/api/v1/me/calendar-feed").bearer(&first.token).send().await.assert_status(204);
    app.get(url).send().await.problem(404);
}

on_both_databases!(the_branch_feed_shows_each_shift_and_a_cancelled_event_as_cancelled);
async fn the_branch_feed_shows_each_shift_and_a_cancelled_event_as_cancelled(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let event = app.street_stand_series(&coordinator, 2).await;
    let shifts = event["shifts"].as_array().unwrap();
    assert!(shifts.len() > 1, "{event}");
    app.set_event_status(&coordinator, &event, json!({"status": "cancelled", "reason": "погода"})).await;
    let branch_feed = String::from_utf8(
        app.get(&format!("/api/v1/branches/{OWN_BRANCH}/events.ics")).send().await.assert_status(200).body.to_vec(),
    )
    .unwrap();
    let calendar: icalendar::Calendar = branch_feed.parse().unwrap();
    let entries: Vec<&icalendar::Event> = calendar.components.iter().filter_map(|c| c.as_event()).collect();
    assert_eq!(entries.len(), shifts.len(), "one entry per shift, not one block for the event: {branch_feed}");
    for shift in shifts {
        let uid = format!("shift-{}@outreach", id(shift));
        let entry = entries.iter().find(|e| e.get_uid() == Some(uid.as_str())).unwrap();
        assert_eq!(entry.get_status(), Some(icalendar::EventStatus::Cancelled));
        assert_eq!(entry.get_summary(), Some("Агитпалатка на Байтереке"));
    }
    assert!(branch_feed.contains("DTSTART:20270301T050000Z") && branch_feed.contains("DTEND:20270301T090000Z"));
}

#[actix_web::test]
async fn the_calendar_feed_url_starts_with_the_public_url_when_set() {
    let app = TestApp::sqlite_with(|config| config.public_url = Some("https://outreach.example.kz".into())).await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let (_, volunteer) = app.volunteer_user(&coordinator, OWN_BRANCH).await;
    let feed = app.post("/api/v1/me/calendar-feed").bearer(&volunteer.token).send().await.assert_status(201).json();
    let url = feed["url"].as_str().unwrap();
    let path = url.strip_prefix("https://outreach.example.kz").unwrap_or_else(|| panic!("{url}"));
    app.get(path).send().await.assert_status(200);
}

on_both_databases!(cancelling_an_event_cancels_its_sign_ups_and_bumps_their_versions);
async fn cancelling_an_event_cancels_its_sign_ups_and_bumps_their_versions(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let event = app.street_stand_series(&coordinator, 2).await;
    let shift = shift_id(&event, 0);
    for _ in 0..3 {
        app.sign_up_volunteer(&coordinator, &shift, &app.volunteer(&coordinator, OWN_BRANCH).await).await;
    }
    app.set_event_status(&coordinator, &event, json!({"status": "cancelled", "reason": "погода"})).await;
    let list = app.signups(&coordinator, &shift).await;
    assert_eq!(list.len(), 3);
    assert!(list.iter().all(|a| a["status"] == "cancelled"), "cancelling the event cancels its sign-ups: {list:?}");
    assert!(list.iter().all(|a| a["version"].as_i64() > Some(1)), "and each change bumps its version: {list:?}");
}

on_both_databases!(fifty_parallel_signups_fill_ten_places_and_waitlist_forty);
async fn fifty_parallel_signups_fill_ten_places_and_waitlist_forty(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let event = app.scheduled_event(&coordinator, OWN_BRANCH, "2027-04-01T05:00:00Z", "2027-04-01T09:00:00Z", 10).await;
    let shift = shift_id(&event, 0);
    let mut volunteers = Vec::new();
    for _ in 0..50 {
        volunteers.push(app.volunteer(&coordinator, OWN_BRANCH).await["id"].as_str().unwrap().to_owned());
    }
    let path = format!("/api/v1/shifts/{shift}/signups");
    let requests = volunteers
        .iter()
        .map(|id| app.post(&path).bearer(&coordinator.token).json(&json!({"volunteer_id": id})).send());
    let responses = futures_util::future::join_all(requests).await;
    assert!(
        responses.iter().all(|res| res.status.as_u16() == 201),
        "{:?}",
        responses.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    let list = app.get(&format!("{path}?limit=200")).bearer(&coordinator.token).send().await.json();
    let count = |status: &str| list["items"].as_array().unwrap().iter().filter(|a| a["status"] == status).count();
    assert_eq!((count("signed_up"), count("waitlisted")), (10, 40));
    let event = app
        .get(&format!("/api/v1/events/{}", event["id"].as_str().unwrap()))
        .bearer(&coordinator.token)
        .send()
        .await
        .json();
    assert_eq!(event["counts"]["signed_up"], 10);
    assert_eq!(event["counts"]["waitlisted"], 40);
}

on_both_databases!(sign_up_rules_each_answer_with_their_code);
async fn sign_up_rules_each_answer_with_their_code(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let morning =
        app.scheduled_event(&coordinator, OWN_BRANCH, "2027-05-01T04:00:00Z", "2027-05-01T08:00:00Z", 5).await;
    let overlapping =
        app.scheduled_event(&coordinator, OWN_BRANCH, "2027-05-01T07:00:00Z", "2027-05-01T10:00:00Z", 5).await;
    let (_, user) = app.volunteer_user(&coordinator, OWN_BRANCH).await;
    app.post(&format!("/api/v1/shifts/{}/signups", shift_id(&morning, 0)))
        .bearer(&user.token)
        .json(&json!({}))
        .send()
        .await
        .assert_status(201);
    let problem = app
        .post(&format!("/api/v1/shifts/{}/signups", shift_id(&overlapping, 0)))
        .bearer(&user.token)
        .json(&json!({}))
        .send()
        .await
        .problem(409);
    assert_eq!(problem["errors"][0]["code"], "overlap");
    assert_eq!(problem["existing_id"], shift_id(&morning, 0).as_str());

    let paused = app.volunteer(&coordinator, OWN_BRANCH).await;
    app.pause(&coordinator, &paused).await;
    let problem = app
        .post(&format!("/api/v1/shifts/{}/signups", shift_id(&morning, 0)))
        .bearer(&coordinator.token)
        .json(&json!({"volunteer_id": paused["id"]}))
        .send()
        .await
        .problem(409);
    assert_eq!(problem["errors"][0]["code"], "volunteer_not_active");

    let foreign = app.volunteer(&admin, OTHER_BRANCH).await;
    let problem = app
        .post(&format!("/api/v1/shifts/{}/signups", shift_id(&morning, 0)))
        .bearer(&admin.token)
        .json(&json!({"volunteer_id": foreign["id"]}))
        .send()
        .await
        .problem(409);
    assert_eq!(problem["errors"][0]["code"], "other_branch");
    let problem = app
        .post(&format!("/api/v1/shifts/{}/signups", shift_id(&morning, 0)))
        .bearer(&coordinator.token)
        .json(&json!({"volunteer_id": foreign["id"]}))
        .send()
        .await
        .problem(422);
    assert_eq!(problem["errors"][0]["field"], "volunteer_id");
    app.post(&format!("/api/v1/shifts/{}/signups", shift_id(&morning, 0)))
        .bearer(&user.token)
        .json(&json!({"volunteer_id": paused["id"]}))
        .send()
        .await
        .problem(403);
}

on_both_databases!(a_shift_that_needs_a_skill_takes_only_volunteers_who_have_it);
async fn a_shift_that_needs_a_skill_takes_only_volunteers_who_have_it(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let (volunteer, user) = app.volunteer_user(&coordinator, OWN_BRANCH).await;
    let skilled = app.post("/api/v1/events").bearer(&coordinator.token).json(&json!({
        "kind": "social_media", "title": "SMM", "starts_at": "2027-06-01T04:00:00Z", "ends_at": "2027-06-01T08:00:00Z", "status": "scheduled",
        "shifts": [{"starts_at": "2027-06-01T04:00:00Z", "ends_at": "2027-06-01T08:00:00Z", "capacity": 3, "required_skill": "SMM"}],
    })).send().await.assert_status(201).json();
    let problem = app
        .post(&format!("/api/v1/shifts/{}/signups", shift_id(&skilled, 0)))
        .bearer(&user.token)
        .json(&json!({}))
        .send()
        .await
        .problem(409);
    assert_eq!(problem["errors"][0]["code"], "missing_skill");
    app.patch(&format!("/api/v1/volunteers/{}", volunteer["id"].as_str().unwrap()))
        .bearer(&coordinator.token)
        .json(&json!({"skills": ["smm"]}))
        .send()
        .await
        .assert_status(200);
    app.post(&format!("/api/v1/shifts/{}/signups", shift_id(&skilled, 0)))
        .bearer(&user.token)
        .json(&json!({}))
        .send()
        .await
        .assert_status(201);
}

on_both_databases!(drafts_are_invisible_to_volunteers_and_cancelled_events_take_no_sign_ups);
async fn drafts_are_invisible_to_volunteers_and_cancelled_events_take_no_sign_ups(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let overlapping =
        app.scheduled_event(&coordinator, OWN_BRANCH, "2027-05-01T07:00:00Z", "2027-05-01T10:00:00Z", 5).await;
    let (_, user) = app.volunteer_user(&coordinator, OWN_BRANCH).await;
    let paused = app.volunteer(&coordinator, OWN_BRANCH).await;
    app.pause(&coordinator, &paused).await;
    let draft = app.post("/api/v1/events").bearer(&coordinator.token).json(&json!({
        "kind": "training", "title": "Training", "starts_at": "2027-07-01T04:00:00Z", "ends_at": "2027-07-01T08:00:00Z",
        "shifts": [{"starts_at": "2027-07-01T04:00:00Z", "ends_at": "2027-07-01T08:00:00Z", "capacity": 3}],
    })).send().await.assert_status(201).json();
    app.get(&format!("/api/v1/events/{}", draft["id"].as_str().unwrap())).bearer(&user.token).send().await.problem(404);
    app.post(&format!("/api/v1/shifts/{}/signups", shift_id(&draft, 0)))
        .bearer(&user.token)
        .json(&json!({}))
        .send()
        .await
        .problem(404);
    let listed = app.get("/api/v1/events").bearer(&user.token).send().await.json();
    assert!(listed["items"].as_array().unwrap().iter().all(|e| e["status"] != "draft"));
    app.post(&format!("/api/v1/events/{}/status", overlapping["id"].as_str().unwrap()))
        .bearer(&coordinator.token)
        .json(&json!({"status": "cancelled", "reason": "rain"}))
        .send()
        .await
        .assert_status(200);
    let problem = app
        .post(&format!("/api/v1/shifts/{}/signups", shift_id(&overlapping, 0)))
        .bearer(&coordinator.token)
        .json(&json!({"volunteer_id": paused["id"]}))
        .send()
        .await
        .problem(409);
    assert_eq!(problem["errors"][0]["code"], "event_not_open");
}

on_both_databases!(event_times_are_checked);
async fn event_times_are_checked(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let create = |body: Value| app.post("/api/v1/events").bearer(&coordinator.token).json(&body).send();
    let base = json!({"kind": "training", "title": "T", "starts_at": "2027-08-01T04:00:00Z", "ends_at": "2027-08-01T08:00:00Z"});
    let with = |patch: Value| {
        let mut body = base.clone();
        for (key, value) in patch.as_object().unwrap() {
            body[key] = value.clone();
        }
        body
    };
    let cases = [
        (json!({"ends_at": "2027-08-01T03:00:00Z"}), "ends_at", "not_after_start"),
        (json!({"ends_at": "2027-10-01T03:00:00Z"}), "ends_at", "too_long"),
        (
            json!({"shifts": [{"starts_at": "2027-08-01T03:00:00Z", "ends_at": "2027-08-01T05:00:00Z", "capacity": 2}]}),
            "shifts[0].starts_at",
            "outside_event",
        ),
        (
            json!({"shifts": [{"starts_at": "2027-08-01T05:00:00Z", "ends_at": "2027-08-01T05:00:00Z", "capacity": 2}]}),
            "shifts[0].ends_at",
            "not_after_start",
        ),
        (
            json!({"shifts": [{"starts_at": "2027-08-01T05:00:00Z", "ends_at": "2027-08-01T06:00:00Z", "capacity": 0}]}),
            "shifts[0].capacity",
            "range",
        ),
        (json!({"status": "scheduled"}), "shifts", "required"),
        (json!({"status": "completed"}), "status", "not_allowed"),
        (json!({"kind": "rally"}), "kind", "unknown_value"),
        (json!({"latitude": 91.0}), "latitude", "range"),
        (json!({"starts_at": "tomorrow"}), "starts_at", "invalid_type"),
    ];
    for (patch, field, code) in cases {
        let problem = create(with(patch.clone())).await.problem(422);
        assert_eq!(problem["errors"][0]["field"], field, "{patch}: {problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{patch}: {problem}");
    }
    create(with(json!({"branch": OTHER_BRANCH}))).await.problem(403);
}

on_both_databases!(event_status_moves_and_shift_changes_follow_the_rules);
async fn event_status_moves_and_shift_changes_follow_the_rules(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let create = |body: Value| app.post("/api/v1/events").bearer(&coordinator.token).json(&body).send();
    let base = json!({"kind": "training", "title": "T", "starts_at": "2027-08-01T04:00:00Z", "ends_at": "2027-08-01T08:00:00Z"});
    let event = create(base.clone()).await.assert_status(201).json();
    let id = event["id"].as_str().unwrap();
    let status =
        |body: Value| app.post(&format!("/api/v1/events/{id}/status")).bearer(&coordinator.token).json(&body).send();
    assert_eq!(status(json!({"status": "scheduled"})).await.problem(409)["errors"][0]["code"], "no_shifts");
    assert_eq!(status(json!({"status": "completed"})).await.problem(409)["errors"][0]["code"], "illegal_transition");
    assert_eq!(status(json!({"status": "cancelled"})).await.problem(422)["errors"][0]["field"], "reason");
    let series = |body: Value| {
        app.post(&format!("/api/v1/events/{id}/shifts/series")).bearer(&coordinator.token).json(&body).send()
    };
    let problem = series(json!({"from_date": "2027-08-01", "to_date": "2027-08-01", "start_time": "14:00", "end_time": "10:00", "capacity": 2})).await.problem(422);
    assert_eq!(problem["errors"][0]["field"], "end_time");
    let problem = series(json!({"from_date": "2027-08-01", "to_date": "2027-08-03", "start_time": "10:00", "end_time": "12:00", "capacity": 2})).await.problem(422);
    assert_eq!(problem["errors"][0]["code"], "outside_event");
    app.post(&format!("/api/v1/events/{id}/shifts"))
        .bearer(&coordinator.token)
        .json(&json!({"starts_at": "2027-08-01T05:00:00Z", "ends_at": "2027-08-01T07:00:00Z", "capacity": 4}))
        .send()
        .await
        .assert_status(201);
    status(json!({"status": "scheduled", "version": 7})).await.problem(412);
    status(json!({"status": "scheduled"})).await.assert_status(200);
    let problem = app
        .patch(&format!("/api/v1/events/{id}"))
        .bearer(&coordinator.token)
        .json(&json!({"ends_at": "2027-08-01T06:00:00Z"}))
        .send()
        .await
        .problem(409);
    assert_eq!(problem["errors"][0]["code"], "shifts_outside");
    status(json!({"status": "completed"})).await.assert_status(200);
    assert_eq!(
        status(json!({"status": "cancelled", "reason": "late"})).await.problem(409)["errors"][0]["code"],
        "illegal_transition"
    );
    app.patch(&format!("/api/v1/events/{id}"))
        .bearer(&coordinator.token)
        .json(&json!({"title": "Renamed"}))
        .send()
        .await
        .problem(409);
}

on_both_databases!(event_lists_filter_page_in_start_order_and_stay_in_their_branch);
async fn event_lists_filter_page_in_start_order_and_stay_in_their_branch(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let create = |body: Value| app.post("/api/v1/events").bearer(&coordinator.token).json(&body).send();
    let base = json!({"kind": "training", "title": "T", "starts_at": "2027-08-01T04:00:00Z", "ends_at": "2027-08-01T08:00:00Z"});
    let event = create(base.clone()).await.assert_status(201).json();
    let id = event["id"].as_str().unwrap();
    // Lists: filters, free places, cursor pages in start order.
    let other = app.user("coordinator", Some(OTHER_BRANCH)).await;
    app.get(&format!("/api/v1/events/{id}")).bearer(&other.token).send().await.problem(404);
    for n in 0..3 {
        app.scheduled_event(
            &coordinator,
            OWN_BRANCH,
            &format!("2027-09-0{}T04:00:00Z", n + 1),
            &format!("2027-09-0{}T08:00:00Z", n + 1),
            1,
        )
        .await;
    }
    let page1 = app.get("/api/v1/events?limit=2&kind=street_stand").bearer(&coordinator.token).send().await.json();
    let page2 = app
        .get(&format!("/api/v1/events?limit=2&kind=street_stand&cursor={}", page1["next_cursor"].as_str().unwrap()))
        .bearer(&coordinator.token)
        .send()
        .await
        .json();
    let starts: Vec<&str> = page1["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(page2["items"].as_array().unwrap())
        .map(|e| e["starts_at"].as_str().unwrap())
        .collect();
    assert_eq!(starts, ["2027-09-01T04:00:00.000000Z", "2027-09-02T04:00:00.000000Z", "2027-09-03T04:00:00.000000Z"]);
    let free = app
        .get("/api/v1/events?has_free_places=true&from=2027-09-01T00:00:00Z&to=2027-09-30T00:00:00Z")
        .bearer(&coordinator.token)
        .send()
        .await
        .json();
    assert_eq!(free["items"].as_array().unwrap().len(), 3);
    assert!(app.get("/api/v1/events").bearer(&other.token).send().await.json()["items"].as_array().unwrap().is_empty());
}

on_both_databases!(a_volunteer_who_pauses_frees_their_places_for_the_waitlist);
async fn a_volunteer_who_pauses_frees_their_places_for_the_waitlist(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let event = app.scheduled_event(&coordinator, OWN_BRANCH, "2027-10-01T05:00:00Z", "2027-10-01T09:00:00Z", 1).await;
    let path = format!("/api/v1/shifts/{}/signups", shift_id(&event, 0));
    let first = app.volunteer(&coordinator, OWN_BRANCH).await;
    let second = app.volunteer(&coordinator, OWN_BRANCH).await;
    app.post(&path)
        .bearer(&coordinator.token)
        .json(&json!({"volunteer_id": first["id"]}))
        .send()
        .await
        .assert_status(201);
    let waiting = app
        .post(&path)
        .bearer(&coordinator.token)
        .json(&json!({"volunteer_id": second["id"]}))
        .send()
        .await
        .assert_status(201)
        .json();
    assert_eq!(waiting["status"], "waitlisted");
    let village = app.locality(&coordinator, OWN_BRANCH, "village").await;
    let route = app.route(&coordinator, &village, 2, &[first["id"].as_str().unwrap()]).await;

    app.pause(&coordinator, &first).await;
    let list = app.get(&path).bearer(&coordinator.token).send().await.json();
    let status_of = |id: &Value| {
        list["items"].as_array().unwrap().iter().find(|a| a["volunteer_id"] == *id).unwrap()["status"].clone()
    };
    assert_eq!(status_of(&first["id"]), "cancelled");
    assert_eq!(status_of(&second["id"]), "signed_up", "the freed place went to the waitlist");
    let route = app
        .get(&format!("/api/v1/routes/{}", route["id"].as_str().unwrap()))
        .bearer(&coordinator.token)
        .send()
        .await
        .json();
    assert!(route["assignees"].as_array().unwrap().is_empty(), "a paused volunteer leaves their open routes");
}
