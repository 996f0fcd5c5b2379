//! The public side for the campaign's web site: a branch's upcoming events
//! without a token, and applications that name the shift wanted.

use serde_json::{Value, json};

use crate::factories::{OTHER_BRANCH, OWN_BRANCH, consent, fresh_address, fresh_phone, id, shift_id};
use crate::helpers::TestApp;

fn hours_from_now(hours: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::hours(hours)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

on_both_databases!(the_public_feed_lists_upcoming_scheduled_events_without_a_token_or_personal_data);
async fn the_public_feed_lists_upcoming_scheduled_events_without_a_token_or_personal_data(app: TestApp) {
    let staff = app.user("coordinator", Some(OWN_BRANCH)).await;
    let elsewhere = app.user("coordinator", Some(OTHER_BRANCH)).await;
    let later = app.scheduled_event(&staff, OWN_BRANCH, &hours_from_now(48), &hours_from_now(52), 5).await;
    let sooner = app.scheduled_event(&staff, OWN_BRANCH, &hours_from_now(24), &hours_from_now(28), 5).await;
    let running = app.scheduled_event(&staff, OWN_BRANCH, &hours_from_now(-1), &hours_from_now(3), 5).await;
    app.scheduled_event(&staff, OWN_BRANCH, &hours_from_now(-6), &hours_from_now(-2), 5).await;
    app.scheduled_event(&elsewhere, OTHER_BRANCH, &hours_from_now(24), &hours_from_now(28), 5).await;
    let draft =
        json!({"kind": "training", "title": "Draft", "starts_at": hours_from_now(24), "ends_at": hours_from_now(25)});
    app.post("/api/v1/events").bearer(&staff.token).json(&draft).send().await.assert_status(201);
    let organisation = app.organisation(&staff, &crate::authorization::fresh_bin(), 40).await;
    let meeting = app.meeting(&staff, &organisation, &hours_from_now(30), &hours_from_now(31)).await;
    app.set_meeting_status(&staff, id(&meeting), json!({"status": "agreed"})).await;
    let volunteer = app.volunteer(&staff, OWN_BRANCH).await;
    app.sign_up_volunteer(&staff, &shift_id(&sooner, 0), &volunteer).await;

    let feed = app.get(&format!("/api/v1/branches/{OWN_BRANCH}/events")).send().await;
    let page = feed.assert_status(200).json();
    let ids: Vec<&str> = page["items"].as_array().unwrap().iter().map(|event| event["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [id(&running), id(&sooner), id(&later)],
        "upcoming scheduled events in start order, no drafts, meetings, past or other branches"
    );
    assert_eq!(feed.header("cache-control"), Some("public, max-age=60"));
    let text = page.to_string();
    for private in ["Test Volunteer", volunteer["id"].as_str().unwrap(), "signed_up", "created_by", "version"] {
        assert!(!text.contains(private), "the feed shows {private}: {text}");
    }
    assert_eq!(page["items"][1]["shifts"][0]["free_places"], 4);

    let etag = feed.header("etag").unwrap().to_owned();
    let again = app.get(&format!("/api/v1/branches/{OWN_BRANCH}/events")).header("if-none-match", &etag).send().await;
    again.assert_status(304);
    assert_eq!(again.header("cache-control"), Some("public, max-age=60"));
    // A sign-up changes the page: the old tag no longer matches.
    app.sign_up_volunteer(&staff, &shift_id(&later, 0), &volunteer).await;
    let changed = app.get(&format!("/api/v1/branches/{OWN_BRANCH}/events")).header("if-none-match", &etag).send().await;
    changed.assert_status(200);

    // Keyset pages, and an unknown branch.
    let first = app.get(&format!("/api/v1/branches/{OWN_BRANCH}/events?limit=2")).send().await.json();
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest = app.get(&format!("/api/v1/branches/{OWN_BRANCH}/events?limit=2&cursor={cursor}")).send().await.json();
    assert_eq!(rest["items"][0]["id"], later["id"]);
    assert!(rest["next_cursor"].is_null());
    app.get("/api/v1/branches/KZ-00/events").send().await.problem(404);
}

fn application(shift: &str) -> Value {
    json!({"branch": OWN_BRANCH, "full_name": "Дана Ержанова", "phone": fresh_phone(), "consent": consent(), "shift_id": shift})
}

on_both_databases!(an_application_names_a_wanted_shift_that_approval_turns_into_a_sign_up);
async fn an_application_names_a_wanted_shift_that_approval_turns_into_a_sign_up(app: TestApp) {
    let staff = app.user("coordinator", Some(OWN_BRANCH)).await;
    let elsewhere = app.user("coordinator", Some(OTHER_BRANCH)).await;
    let event = app.scheduled_event(&staff, OWN_BRANCH, &hours_from_now(24), &hours_from_now(28), 5).await;
    let shift = shift_id(&event, 0);
    let other = app.scheduled_event(&elsewhere, OTHER_BRANCH, &hours_from_now(24), &hours_from_now(28), 5).await;
    let started = app.scheduled_event(&staff, OWN_BRANCH, &hours_from_now(-1), &hours_from_now(3), 5).await;
    let address = fresh_address();
    let apply = |body: Value| app.post("/api/v1/volunteer-applications").sent_from(&address).json(&body).send();

    for wrong in [shift_id(&other, 0), shift_id(&started, 0), uuid::Uuid::now_v7().to_string()] {
        let problem = apply(application(&wrong)).await.problem(422);
        assert_eq!(problem["errors"][0]["field"], "shift_id");
        assert_eq!(problem["errors"][0]["code"], "unknown_shift");
    }

    let receipt = apply(application(&shift)).await.assert_status(202).json();
    let applicant = receipt["reference"].as_str().unwrap();
    let read = app.get(&format!("/api/v1/volunteers/{applicant}")).bearer(&staff.token).send().await;
    assert_eq!(read.assert_status(200).json()["requested_shift_id"], shift.as_str());
    let listed = app.get("/api/v1/volunteers?status=applicant").bearer(&staff.token).send().await.json();
    assert_eq!(listed["items"][0]["requested_shift_id"], shift.as_str());
    assert!(app.signups(&staff, &shift).await.is_empty(), "a request is not a sign-up");

    let approved =
        app.post(&format!("/api/v1/volunteers/{applicant}/approve")).bearer(&staff.token).json(&json!({})).send().await;
    let approved = approved.assert_status(200).json();
    assert_eq!(approved["assignment"]["status"], "signed_up");
    let signups = app.signups(&staff, &shift).await;
    assert_eq!(signups.len(), 1);
    assert_eq!(signups[0]["volunteer_id"], applicant);
    let read = app.get(&format!("/api/v1/volunteers/{applicant}")).bearer(&staff.token).send().await.json();
    assert!(read.get("requested_shift_id").is_none(), "decided: no longer a request");

    // Approved without the shift: no sign-up, the request is dropped.
    let second = apply(application(&shift)).await.assert_status(202).json();
    let second = second["reference"].as_str().unwrap();
    let approved = app
        .post(&format!("/api/v1/volunteers/{second}/approve"))
        .bearer(&staff.token)
        .json(&json!({"confirm_shift": false}))
        .send()
        .await;
    assert!(approved.assert_status(200).json()["assignment"].is_null());
    assert_eq!(app.signups(&staff, &shift).await.len(), 1);
}
