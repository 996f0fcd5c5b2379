//! One shift managed on its own: read, change, cancel; series without
//! duplicates; sign-ups without a body.

use serde_json::json;

use crate::factories::{OWN_BRANCH, id, shift_id};
use crate::helpers::TestApp;

on_both_databases!(a_shift_is_read_with_its_etag_and_changed_against_its_version);
async fn a_shift_is_read_with_its_etag_and_changed_against_its_version(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let event = app.scheduled_event(&coordinator, OWN_BRANCH, "2027-04-01T04:00:00Z", "2027-04-01T12:00:00Z", 3).await;
    let path = format!("/api/v1/shifts/{}", shift_id(&event, 0));
    let (_, volunteer) = app.volunteer_user(&coordinator, OWN_BRANCH).await;
    let read = app.get(&path).bearer(&volunteer.token).send().await;
    let shift = read.assert_status(200).json();
    assert_eq!(read.header("etag"), Some("\"1\""));
    assert_eq!(shift["capacity"], 3);
    assert!(shift["cancelled_at"].is_null());

    let stale = app.patch(&path).bearer(&coordinator.token).header("if-match", "\"7\"").json(&json!({"capacity": 5}));
    stale.send().await.problem(412);
    let changed = app
        .patch(&path)
        .bearer(&coordinator.token)
        .header("if-match", "\"1\"")
        .json(&json!({"capacity": 5, "starts_at": "2027-04-01T05:00:00Z", "required_skill": "Kazakh"}))
        .send()
        .await;
    let shift = changed.assert_status(200).json();
    assert_eq!(changed.header("etag"), Some("\"2\""));
    assert_eq!(
        (shift["capacity"].as_i64(), shift["starts_at"].as_str()),
        (Some(5), Some("2027-04-01T05:00:00.000000Z"))
    );
    assert_eq!(shift["required_skill"], "kazakh");
    let outside = app.patch(&path).bearer(&coordinator.token).json(&json!({"ends_at": "2027-04-01T13:00:00Z"}));
    assert_eq!(outside.send().await.problem(422)["errors"][0]["code"], "outside_event");
    let other = app.user("coordinator", Some("KZ-75")).await;
    app.patch(&path).bearer(&other.token).json(&json!({"capacity": 4})).send().await.problem(404);
}

on_both_databases!(lowering_capacity_below_the_places_taken_is_refused_and_raising_it_promotes_the_waitlist);
async fn lowering_capacity_below_the_places_taken_is_refused_and_raising_it_promotes_the_waitlist(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let event = app.scheduled_event(&coordinator, OWN_BRANCH, "2027-04-02T04:00:00Z", "2027-04-02T08:00:00Z", 2).await;
    let shift = shift_id(&event, 0);
    let mut signups = Vec::new();
    for _ in 0..4 {
        let volunteer = app.volunteer(&coordinator, OWN_BRANCH).await;
        signups.push(app.sign_up_volunteer(&coordinator, &shift, &volunteer).await);
    }
    let statuses: Vec<_> = signups.iter().map(|signup| signup["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["signed_up", "signed_up", "waitlisted", "waitlisted"]);
    let path = format!("/api/v1/shifts/{shift}");
    let lower = app.patch(&path).bearer(&coordinator.token).json(&json!({"capacity": 1})).send().await;
    let problem = lower.problem(409);
    assert_eq!(
        (problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str()),
        (Some("capacity"), Some("capacity_exceeded"))
    );

    let raised = app
        .patch(&path)
        .bearer(&coordinator.token)
        .json(&json!({"capacity": 3}))
        .send()
        .await
        .assert_status(200)
        .json();
    assert_eq!((raised["counts"]["signed_up"].as_i64(), raised["counts"]["waitlisted"].as_i64()), (Some(3), Some(1)));
    let list = app.signups(&coordinator, &shift).await;
    let by_id = |wanted: &str| list.iter().find(|item| item["id"] == wanted).unwrap()["status"].clone();
    assert_eq!(by_id(id(&signups[2])), "signed_up", "the first waiting is promoted");
    assert_eq!(by_id(id(&signups[3])), "waitlisted");
}

on_both_databases!(cancelling_a_shift_frees_its_signups_and_nobody_is_promoted_onto_it);
async fn cancelling_a_shift_frees_its_signups_and_nobody_is_promoted_onto_it(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let event = app.scheduled_event(&coordinator, OWN_BRANCH, "2027-04-03T04:00:00Z", "2027-04-03T08:00:00Z", 1).await;
    let shift = shift_id(&event, 0);
    let (_, holder) = app.volunteer_user(&coordinator, OWN_BRANCH).await;
    let (_, waiting) = app.volunteer_user(&coordinator, OWN_BRANCH).await;
    let held = app.sign_up(&holder, &shift).await;
    assert_eq!(app.sign_up(&waiting, &shift).await["status"], "waitlisted");

    // No body and no content type: the body is optional.
    let cancelled = app.post(&format!("/api/v1/shifts/{shift}/cancel")).bearer(&coordinator.token).send().await;
    let cancelled = cancelled.assert_status(200).json();
    assert!(cancelled["cancelled_at"].is_string());
    assert_eq!(
        (cancelled["counts"]["signed_up"].as_i64(), cancelled["counts"]["free_places"].as_i64()),
        (Some(0), Some(0))
    );
    let again = app
        .post(&format!("/api/v1/shifts/{shift}/cancel"))
        .bearer(&coordinator.token)
        .json(&json!({"reason": "again"}));
    assert_eq!(
        again.send().await.assert_status(200).json()["version"],
        cancelled["version"],
        "cancelling twice changes nothing"
    );

    for user in [&holder, &waiting] {
        let schedule = app.get("/api/v1/me/schedule").bearer(&user.token).send().await.assert_status(200).json();
        let item = &schedule["items"][0];
        assert_eq!(item["assignment"]["status"], "cancelled");
        assert!(item["shift_cancelled_at"].is_string(), "the schedule shows the shift cancelled: {item}");
    }
    // Cancelling the former holder's place again promotes nobody; new sign-ups are refused.
    app.post(&format!("/api/v1/assignments/{}/cancel", id(&held)))
        .bearer(&holder.token)
        .send()
        .await
        .assert_status(200);
    let refused = app.post(&format!("/api/v1/shifts/{shift}/signups")).bearer(&holder.token).send().await;
    assert_eq!(refused.problem(409)["errors"][0]["code"], "not_open");
    let event = app.get(&format!("/api/v1/events/{}", id(&event))).bearer(&coordinator.token).send().await.json();
    assert_eq!((event["counts"]["signed_up"].as_i64(), event["counts"]["waitlisted"].as_i64()), (Some(0), Some(0)));
    let edit = app.patch(&format!("/api/v1/shifts/{shift}")).bearer(&coordinator.token).json(&json!({"capacity": 4}));
    assert_eq!(edit.send().await.problem(409)["errors"][0]["code"], "not_editable");
    let free = app.get("/api/v1/events?has_free_places=true").bearer(&coordinator.token).send().await.json();
    assert!(free["items"].as_array().unwrap().is_empty(), "a cancelled shift has no free places");
}

on_both_databases!(moving_a_shift_onto_a_time_a_volunteer_on_it_already_holds_is_refused);
async fn moving_a_shift_onto_a_time_a_volunteer_on_it_already_holds_is_refused(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let morning =
        app.scheduled_event(&coordinator, OWN_BRANCH, "2027-04-04T04:00:00Z", "2027-04-04T06:00:00Z", 2).await;
    let body = json!({"kind": "training", "title": "Day", "starts_at": "2027-04-04T04:00:00Z", "ends_at": "2027-04-04T12:00:00Z",
        "status": "scheduled", "shifts": [{"starts_at": "2027-04-04T08:00:00Z", "ends_at": "2027-04-04T10:00:00Z", "capacity": 2}]});
    let later =
        app.post("/api/v1/events").bearer(&coordinator.token).json(&body).send().await.assert_status(201).json();
    let volunteer = app.volunteer(&coordinator, OWN_BRANCH).await;
    app.sign_up_volunteer(&coordinator, &shift_id(&morning, 0), &volunteer).await;
    app.sign_up_volunteer(&coordinator, &shift_id(&later, 0), &volunteer).await;
    let path = format!("/api/v1/shifts/{}", shift_id(&later, 0));
    let clash =
        app.patch(&path).bearer(&coordinator.token).json(&json!({"starts_at": "2027-04-04T05:00:00Z"})).send().await;
    let problem = clash.problem(409);
    assert_eq!(problem["errors"][0]["code"], "overlap");
    assert_eq!(problem["existing_id"].as_str(), Some(shift_id(&morning, 0).as_str()));
    app.patch(&path)
        .bearer(&coordinator.token)
        .json(&json!({"starts_at": "2027-04-04T07:00:00Z"}))
        .send()
        .await
        .assert_status(200);
    let signups = app.signups(&coordinator, &shift_id(&later, 0)).await;
    assert_eq!(signups[0]["shift_starts_at"], "2027-04-04T07:00:00.000000Z", "the sign-up moves with its shift");
}

on_both_databases!(a_second_series_over_the_same_days_creates_nothing_twice);
async fn a_second_series_over_the_same_days_creates_nothing_twice(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let event = app.street_stand_series(&coordinator, 2).await;
    let path = format!("/api/v1/events/{}/shifts/series", id(&event));
    let series = |from: &str, to: &str| json!({"from_date": from, "to_date": to, "start_time": "10:00", "end_time": "14:00", "capacity": 2});
    let again = app.post(&path).bearer(&coordinator.token).json(&series("2027-03-01", "2027-03-14")).send().await;
    let again = again.assert_status(200).json();
    assert!(again["created"].as_array().unwrap().is_empty());
    assert_eq!(again["skipped"].as_array().unwrap().len(), 14);
    assert_eq!(again["skipped"][0]["date"], "2027-03-01");
    assert_eq!(again["skipped"][0]["existing_shift_id"].as_str(), Some(shift_id(&event, 0).as_str()));
    assert_eq!(again["event"]["shifts"].as_array().unwrap().len(), 14);

    // A cancelled day is created again; the others are skipped.
    app.post(&format!("/api/v1/shifts/{}/cancel", shift_id(&event, 13)))
        .bearer(&coordinator.token)
        .send()
        .await
        .assert_status(200);
    let partly = app.post(&path).bearer(&coordinator.token).json(&series("2027-03-13", "2027-03-14")).send().await;
    let partly = partly.assert_status(201).json();
    assert_eq!((partly["created"].as_array().unwrap().len(), partly["skipped"].as_array().unwrap().len()), (1, 1));
    assert_eq!(partly["event"]["shifts"].as_array().unwrap().len(), 15);
}

on_both_databases!(a_volunteer_signs_up_with_no_body_at_all);
async fn a_volunteer_signs_up_with_no_body_at_all(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let event = app.scheduled_event(&coordinator, OWN_BRANCH, "2027-04-05T04:00:00Z", "2027-04-05T08:00:00Z", 2).await;
    let path = format!("/api/v1/shifts/{}/signups", shift_id(&event, 0));
    let (_, volunteer) = app.volunteer_user(&coordinator, OWN_BRANCH).await;
    let signed = app.post(&path).bearer(&volunteer.token).send().await;
    assert_eq!(signed.assert_status(201).json()["status"], "signed_up");
    // A body must still be JSON.
    let text = app.post(&path).bearer(&volunteer.token).header("content-type", "text/plain").body("hello");
    text.send().await.problem(415);
    // Staff without a body are told to name the volunteer.
    let staff = app.post(&path).bearer(&coordinator.token).send().await;
    assert_eq!(staff.problem(422)["errors"][0]["field"], "volunteer_id");
    let spec = app.get("/api-docs/openapi.json").send().await.json();
    let body = &spec["paths"]["/api/v1/shifts/{id}/signups"]["post"]["requestBody"];
    assert_ne!(body["required"], true, "the spec says the body is optional: {body}");
}

on_both_databases!(staff_read_a_volunteers_schedule_page_by_page_within_their_scope);
async fn staff_read_a_volunteers_schedule_page_by_page_within_their_scope(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let event = app.street_stand_series(&coordinator, 2).await;
    let volunteer = app.volunteer(&coordinator, OWN_BRANCH).await;
    for day in [2, 0, 1] {
        app.sign_up_volunteer(&coordinator, &shift_id(&event, day), &volunteer).await;
    }
    let path = format!("/api/v1/volunteers/{}/schedule", id(&volunteer));
    let first = app.get(&format!("{path}?limit=2")).bearer(&coordinator.token).send().await.assert_status(200).json();
    let starts: Vec<_> =
        first["items"].as_array().unwrap().iter().map(|item| item["assignment"]["shift_starts_at"].clone()).collect();
    assert_eq!(starts, ["2027-03-01T05:00:00.000000Z", "2027-03-02T05:00:00.000000Z"], "by shift start");
    let cursor = first["next_cursor"].as_str().expect("a second page");
    let second = app.get(&format!("{path}?limit=2&cursor={cursor}")).bearer(&coordinator.token).send().await.json();
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert_eq!(second["items"][0]["assignment"]["shift_starts_at"], "2027-03-03T05:00:00.000000Z");
    assert!(second["next_cursor"].is_null());
    let later = app.get(&format!("{path}?from=2027-03-02T12:00:00Z")).bearer(&coordinator.token).send().await.json();
    assert_eq!(later["items"].as_array().unwrap().len(), 1, "from keeps shifts ending after it");

    let observer = app.user("observer", None).await;
    let seen = app.get(&path).bearer(&observer.token).send().await.assert_status(200).json();
    assert_eq!(seen["items"].as_array().unwrap().len(), 3);
    let other = app.user("coordinator", Some("KZ-75")).await;
    app.get(&path).bearer(&other.token).send().await.problem(404);
    let (_, someone) = app.volunteer_user(&coordinator, OWN_BRANCH).await;
    app.get(&path).bearer(&someone.token).send().await.problem(404);
}

on_both_databases!(a_shifts_signups_are_paged_with_names_for_staff_and_without_them_for_observers);
async fn a_shifts_signups_are_paged_with_names_for_staff_and_without_them_for_observers(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let event = app.scheduled_event(&coordinator, OWN_BRANCH, "2027-04-06T04:00:00Z", "2027-04-06T08:00:00Z", 2).await;
    let shift = shift_id(&event, 0);
    let mut volunteers = Vec::new();
    for _ in 0..3 {
        let volunteer = app.volunteer(&coordinator, OWN_BRANCH).await;
        app.sign_up_volunteer(&coordinator, &shift, &volunteer).await;
        volunteers.push(volunteer);
    }
    let path = format!("/api/v1/shifts/{shift}/signups");
    let first = app.get(&format!("{path}?limit=2")).bearer(&coordinator.token).send().await.assert_status(200).json();
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    assert_eq!(first["items"][0]["volunteer_id"].as_str(), Some(id(&volunteers[0])), "waitlist order");
    assert_eq!(first["items"][0]["volunteer_name"], "Test Volunteer");
    let cursor = first["next_cursor"].as_str().expect("a second page");
    let second = app.get(&format!("{path}?limit=2&cursor={cursor}")).bearer(&coordinator.token).send().await.json();
    assert_eq!(second["items"][0]["volunteer_id"].as_str(), Some(id(&volunteers[2])));
    assert_eq!(second["items"][0]["status"], "waitlisted");
    assert!(second["next_cursor"].is_null());

    let observer = app.user("observer", None).await;
    let seen = app.get(&path).bearer(&observer.token).send().await.assert_status(200).json();
    assert_eq!(seen["items"].as_array().unwrap().len(), 3);
    assert!(seen["items"].as_array().unwrap().iter().all(|item| item.get("volunteer_name").is_none()), "{seen}");
    let (_, volunteer) = app.volunteer_user(&coordinator, OWN_BRANCH).await;
    app.get(&path).bearer(&volunteer.token).send().await.problem(403);
}
