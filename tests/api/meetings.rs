use serde_json::{Value, json};

use crate::factories::{OTHER_BRANCH, OWN_BRANCH, id, meeting_report};
use crate::helpers::TestApp;

on_both_databases!(an_organisation_s_contact_is_normalised_and_hidden_from_observers);
async fn an_organisation_s_contact_is_normalised_and_hidden_from_observers(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let observer = app.user("observer", None).await;
    let org = app.organisation(&coordinator, "041140001239", 120).await;
    assert_eq!(org["contact_phone"], "+77015554433");
    let seen = app
        .get(&format!("/api/v1/organisations/{}", id(&org)))
        .bearer(&observer.token)
        .send()
        .await
        .assert_status(200)
        .json();
    assert!(seen.get("contact_name").is_none() && seen.get("contact_phone").is_none(), "masked for observers: {seen}");
}

on_both_databases!(an_organisation_is_never_met_until_a_meeting_with_it_is_reported);
async fn an_organisation_is_never_met_until_a_meeting_with_it_is_reported(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let org = app.organisation(&coordinator, "041140001239", 120).await;
    let never =
        app.get("/api/v1/organisations?never_met=true&q=0411400").bearer(&coordinator.token).send().await.json();
    assert_eq!(never["items"].as_array().unwrap().len(), 1);
    app.reported_meeting(&coordinator, &org).await;
    let never = app.get("/api/v1/organisations?never_met=true").bearer(&coordinator.token).send().await.json();
    assert!(never["items"].as_array().unwrap().is_empty());
}

on_both_databases!(a_requested_meeting_takes_volunteer_speakers_and_public_figures);
async fn a_requested_meeting_takes_volunteer_speakers_and_public_figures(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let meeting = app.requested_meeting(&coordinator).await;
    assert_eq!(meeting["status"], "requested");
    app.add_speaker(&coordinator, id(&meeting), &app.volunteer(&coordinator, OWN_BRANCH).await).await;
    let with_two = app
        .post(&format!("/api/v1/meetings/{}/speakers", id(&meeting)))
        .bearer(&coordinator.token)
        .json(&json!({"figure_name": "Айдос Сарым", "figure_kind": "deputy", "role": "moderator"}))
        .send()
        .await
        .assert_status(201)
        .json();
    assert_eq!(with_two["speakers"].as_array().unwrap().len(), 2);
}

on_both_databases!(a_report_is_filed_only_once_the_meeting_is_held);
async fn a_report_is_filed_only_once_the_meeting_is_held(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let meeting = app.requested_meeting(&coordinator).await;
    let problem = app
        .put(&format!("/api/v1/meetings/{}/report", id(&meeting)))
        .bearer(&coordinator.token)
        .json(&json!({"attendance": 80}))
        .send()
        .await
        .problem(409);
    assert_eq!(problem["errors"][0]["code"], "not_held");
}

on_both_databases!(an_agreed_meeting_is_on_its_speakers_schedule_at_the_agreed_time);
async fn an_agreed_meeting_is_on_its_speakers_schedule_at_the_agreed_time(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let (meeting, speaker_user) = app.meeting_with_a_speaker(&coordinator, OWN_BRANCH).await;
    let id = id(&meeting);
    let agreed = app
        .set_meeting_status(
            &coordinator,
            id,
            json!({"status": "agreed", "starts_at": "2027-02-11T06:00:00Z", "ends_at": "2027-02-11T07:30:00Z"}),
        )
        .await;
    assert_eq!(agreed["starts_at"], "2027-02-11T06:00:00.000000Z");
    // The speaker's schedule and calendar show the meeting like any event.
    let schedule = app.get("/api/v1/me/schedule").bearer(&speaker_user.token).send().await.json();
    assert_eq!(schedule["items"][0]["event_id"], id);
    assert_eq!(schedule["items"][0]["assignment"]["shift_starts_at"], "2027-02-11T06:00:00.000000Z");
}

on_both_databases!(a_speaker_corrects_the_report_against_its_current_version_and_both_are_audited);
async fn a_speaker_corrects_the_report_against_its_current_version_and_both_are_audited(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let (meeting, speaker_user) = app.meeting_with_a_speaker(&coordinator, OWN_BRANCH).await;
    let id = id(&meeting);
    app.hold_meeting(&coordinator, id).await;
    let report = meeting_report();
    // A volunteer speaker may file it too; the coordinator does here.
    let filed = app.put(&format!("/api/v1/meetings/{id}/report")).bearer(&coordinator.token).json(&report).send().await;
    let filed = filed.assert_status(200).json();
    assert_eq!(filed["version"], 1);
    assert_eq!(filed["questions"].as_array().unwrap().len(), 3);
    let mut corrected = report.clone();
    corrected["attendance"] = json!(90);
    app.put(&format!("/api/v1/meetings/{id}/report"))
        .bearer(&speaker_user.token)
        .header("if-match", "\"1\"")
        .json(&corrected)
        .send()
        .await
        .assert_status(200);
    app.put(&format!("/api/v1/meetings/{id}/report"))
        .bearer(&coordinator.token)
        .header("if-match", "\"1\"")
        .json(&report)
        .send()
        .await
        .problem(412);

    let audit = app.get(&format!("/api/v1/audit?record_id={id}")).bearer(&app.admin().await.token).send().await.json();
    let actions: Vec<&str> =
        audit["items"].as_array().unwrap().iter().map(|entry| entry["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"meeting_report_filed") && actions.contains(&"meeting_report_corrected"), "{actions:?}");
}

on_both_databases!(attendance_above_the_employee_count_must_be_confirmed);
async fn attendance_above_the_employee_count_must_be_confirmed(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let meeting = app.requested_meeting(&coordinator).await;
    app.hold_meeting(&coordinator, id(&meeting)).await;
    let path = format!("/api/v1/meetings/{}/report", id(&meeting));
    let mut too_many = meeting_report();
    too_many["attendance"] = json!(500);
    let problem = app.put(&path).bearer(&coordinator.token).json(&too_many).send().await.problem(422);
    assert_eq!(problem["errors"][0]["code"], "above_employee_count");
    too_many["attendance_confirmed"] = json!(true);
    too_many["attendance"] = json!(90);
    app.put(&path).bearer(&coordinator.token).json(&too_many).send().await.assert_status(200);
}

on_both_databases!(coverage_counts_a_reported_meeting_its_questions_and_follow_ups);
async fn coverage_counts_a_reported_meeting_its_questions_and_follow_ups(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let observer = app.user("observer", None).await;
    let org = app.organisation(&coordinator, "041140001239", 120).await;
    let id = app.reported_meeting(&coordinator, &org).await;
    let coverage = app
        .get(&format!("/api/v1/meeting-coverage?branch={OWN_BRANCH}"))
        .bearer(&observer.token)
        .send()
        .await
        .assert_status(200)
        .json();
    assert_eq!(coverage["organisations"], 1);
    assert_eq!(coverage["organisations_met"], 1);
    assert_eq!(coverage["employees_reached"], 90);
    assert_eq!(coverage["employees_reached_percent"], 75.0);
    assert_eq!(coverage["top_question_topics"][0], json!({"key": "voting_procedure", "count": 2}));
    assert_eq!(coverage["open_follow_ups"], 2);
    assert_eq!(coverage["overdue_follow_ups"], 1);
    let overdue =
        app.get("/api/v1/meetings?has_overdue_follow_ups=true").bearer(&coordinator.token).send().await.json();
    assert_eq!(overdue["items"][0]["id"], id.as_str());
    assert_eq!(overdue["items"][0]["overdue_follow_ups"], 1);
}

on_both_databases!(organisation_and_meeting_fields_answer_with_their_codes);
async fn organisation_and_meeting_fields_answer_with_their_codes(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let bad = app
        .post("/api/v1/organisations")
        .bearer(&coordinator.token)
        .json(&json!({"name": {"kk": "A", "ru": "A"}, "bin": "123456789012", "sector": "trade", "employee_count": 5}))
        .send()
        .await
        .problem(422);
    assert_eq!((bad["errors"][0]["field"].as_str(), bad["errors"][0]["code"].as_str()), (Some("bin"), Some("bin")));
    let org = app.organisation(&coordinator, "041140001239", 40).await;
    let dup = app
        .post("/api/v1/organisations")
        .bearer(&coordinator.token)
        .json(&json!({"name": {"kk": "B", "ru": "B"}, "bin": "041140001239", "sector": "trade", "employee_count": 5}))
        .send()
        .await
        .problem(409);
    assert_eq!(dup["existing_id"], org["id"]);
    let problem = app.post("/api/v1/meetings").bearer(&coordinator.token)
        .json(&json!({"kind": "work_collective_meeting", "title": "X", "proposed_starts_at": "2027-03-01T06:00:00Z", "proposed_ends_at": "2027-03-01T07:00:00Z"})).send().await.problem(422);
    assert_eq!(problem["errors"][0]["field"], "organisation_id");
}

on_both_databases!(a_speaker_cannot_be_booked_twice_at_the_same_time);
async fn a_speaker_cannot_be_booked_twice_at_the_same_time(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let org = app.organisation(&coordinator, "041140001239", 40).await;
    let morning = app.meeting(&coordinator, &org, "2027-03-01T06:00:00Z", "2027-03-01T08:00:00Z").await;
    let overlapping = app.meeting(&coordinator, &org, "2027-03-01T07:00:00Z", "2027-03-01T09:00:00Z").await;
    let speaker = app.volunteer(&coordinator, OWN_BRANCH).await;
    let add = |meeting: &Value| {
        app.post(&format!("/api/v1/meetings/{}/speakers", meeting["id"].as_str().unwrap()))
            .bearer(&coordinator.token)
            .json(&json!({"volunteer_id": speaker["id"], "role": "speaker"}))
            .send()
    };
    add(&morning).await.assert_status(201);
    let problem = add(&overlapping).await.problem(409);
    assert_eq!(problem["errors"][0]["code"], "overlap");
    // A shift at the same time is a double booking too.
    let stand = app.scheduled_event(&coordinator, OWN_BRANCH, "2027-03-01T05:00:00Z", "2027-03-01T06:30:00Z", 5).await;
    let problem = app
        .post(&format!("/api/v1/shifts/{}/signups", stand["shifts"][0]["id"].as_str().unwrap()))
        .bearer(&coordinator.token)
        .json(&json!({"volunteer_id": speaker["id"]}))
        .send()
        .await
        .problem(409);
    assert_eq!(problem["errors"][0]["code"], "overlap");
}

on_both_databases!(meeting_status_moves_follow_the_rules);
async fn meeting_status_moves_follow_the_rules(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let org = app.organisation(&coordinator, "041140001239", 40).await;
    let overlapping = app.meeting(&coordinator, &org, "2027-03-01T07:00:00Z", "2027-03-01T09:00:00Z").await;
    let id = overlapping["id"].as_str().unwrap();
    let status =
        |body: Value| app.post(&format!("/api/v1/meetings/{id}/status")).bearer(&coordinator.token).json(&body).send();
    assert_eq!(status(json!({"status": "held"})).await.problem(409)["errors"][0]["code"], "illegal_transition");
    assert_eq!(status(json!({"status": "cancelled"})).await.problem(422)["errors"][0]["field"], "reason");
    status(json!({"status": "cancelled", "reason": "карантин"})).await.assert_status(200);
    assert_eq!(status(json!({"status": "held"})).await.problem(409)["errors"][0]["code"], "illegal_transition");
}

on_both_databases!(a_speaker_who_pauses_is_taken_off_the_meetings_to_come);
async fn a_speaker_who_pauses_is_taken_off_the_meetings_to_come(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let org = app.organisation(&coordinator, "041140001239", 40).await;
    let morning = app.meeting(&coordinator, &org, "2027-03-01T06:00:00Z", "2027-03-01T08:00:00Z").await;
    let speaker = app.volunteer(&coordinator, OWN_BRANCH).await;
    app.add_speaker(&coordinator, id(&morning), &speaker).await;
    let morning_id = id(&morning);
    // A speaker who pauses is taken off the meetings to come, with their booking.
    let before = app
        .get(&format!("/api/v1/meetings/{morning_id}"))
        .bearer(&coordinator.token)
        .send()
        .await
        .assert_status(200)
        .json();
    assert!(before["speakers"].as_array().unwrap().iter().any(|s| s["volunteer_id"] == speaker["id"]), "{before}");
    app.pause(&coordinator, &speaker).await;
    let after = app
        .get(&format!("/api/v1/meetings/{morning_id}"))
        .bearer(&coordinator.token)
        .send()
        .await
        .assert_status(200)
        .json();
    assert!(after["speakers"].as_array().unwrap().iter().all(|s| s["volunteer_id"] != speaker["id"]), "{after}");
}

on_both_databases!(a_meeting_changes_through_meetings_only_and_stays_in_its_branch);
async fn a_meeting_changes_through_meetings_only_and_stays_in_its_branch(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let outsider = app.user("coordinator", Some(OTHER_BRANCH)).await;
    let org = app.organisation(&coordinator, "041140001239", 40).await;
    let morning = app.meeting(&coordinator, &org, "2027-03-01T06:00:00Z", "2027-03-01T08:00:00Z").await;
    let morning_id = morning["id"].as_str().unwrap();
    // A meeting's event is changed through /meetings only.
    let problem = app
        .post(&format!("/api/v1/events/{morning_id}/status"))
        .bearer(&coordinator.token)
        .json(&json!({"status": "scheduled"}))
        .send()
        .await
        .problem(409);
    assert_eq!(problem["errors"][0]["code"], "meeting");
    app.get(&format!("/api/v1/meetings/{morning_id}")).bearer(&outsider.token).send().await.problem(404);
    app.post(&format!("/api/v1/meetings/{morning_id}/status"))
        .bearer(&outsider.token)
        .json(&json!({"status": "agreed"}))
        .send()
        .await
        .problem(404);
    app.get(&format!("/api/v1/organisations/{}", org["id"].as_str().unwrap()))
        .bearer(&outsider.token)
        .send()
        .await
        .problem(404);
    assert!(
        app.get("/api/v1/meetings").bearer(&outsider.token).send().await.json()["items"].as_array().unwrap().is_empty()
    );
}

on_both_databases!(a_meeting_in_an_unknown_branch_is_refused);
async fn a_meeting_in_an_unknown_branch_is_refused(app: TestApp) {
    let admin = app.admin().await;
    let body = json!({"kind": "expert_meeting", "title": "Встреча", "branch": "KZ-00",
                      "proposed_starts_at": "2027-04-01T06:00:00Z", "proposed_ends_at": "2027-04-01T07:00:00Z"});
    let problem = app.post("/api/v1/meetings").bearer(&admin.token).json(&body).send().await.problem(422);
    assert_eq!(problem["errors"][0]["code"], "unknown_branch");
}
