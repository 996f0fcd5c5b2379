//! Meeting follow-ups as records of their own: stable ids across report
//! corrections, the cross-meeting list and marking one done.

use serde_json::{Value, json};

use crate::factories::{OTHER_BRANCH, OWN_BRANCH, meeting_report};
use crate::helpers::TestApp;

fn ids(report: &Value) -> Vec<String> {
    report["follow_ups"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().to_owned()).collect()
}

on_both_databases!(follow_ups_keep_their_ids_across_a_report_correction);
async fn follow_ups_keep_their_ids_across_a_report_correction(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let organisation = app.organisation(&coordinator, "041140001239", 120).await;
    let meeting = app.reported_meeting(&coordinator, &organisation).await;
    let path = format!("/api/v1/meetings/{meeting}/report");
    let filed = app.get(&path).bearer(&coordinator.token).send().await.assert_status(200).json();
    let before = ids(&filed);
    assert_eq!(before.len(), 2);

    let mut correction = meeting_report();
    let first = &filed["follow_ups"][0];
    correction["follow_ups"] = json!([
        {"id": first["id"], "what": "Прислать памятку ещё раз", "owner": "Штаб", "due_date": first["due_date"]},
        {"what": "Третья встреча", "owner": "Филиал", "due_date": "2099-03-01"},
    ]);
    let corrected = app.file_report(&coordinator, &meeting, correction.clone()).await;
    let after = ids(&corrected);
    assert_eq!(after.len(), 2);
    assert_eq!(after[0], before[0], "the follow-up named by id keeps it");
    assert_eq!(corrected["follow_ups"][0]["what"], "Прислать памятку ещё раз");
    assert!(!before.contains(&after[1]), "a new follow-up gets a new id");

    // An id that is not one of this report's follow-ups is refused.
    correction["follow_ups"][1]["id"] = json!(before[1]);
    let refused = app.put(&path).bearer(&coordinator.token).json(&correction).send().await;
    let problem = refused.problem(422);
    assert_eq!(problem["errors"][0]["field"], "follow_ups[1].id");
    assert_eq!(problem["errors"][0]["code"], "unknown_follow_up");
}

on_both_databases!(a_follow_up_is_marked_done_and_leaves_the_overdue_list);
async fn a_follow_up_is_marked_done_and_leaves_the_overdue_list(app: TestApp) {
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let organisation = app.organisation(&coordinator, "041140001239", 120).await;
    let meeting = app.reported_meeting(&coordinator, &organisation).await;
    let overdue = app.get("/api/v1/follow-ups?overdue=true").bearer(&coordinator.token).send().await;
    let overdue = overdue.assert_status(200).json();
    assert_eq!(overdue["items"].as_array().unwrap().len(), 1, "{overdue}");
    let late = overdue["items"][0].clone();
    assert_eq!((late["meeting_id"].as_str(), late["owner"].as_str()), (Some(meeting.as_str()), Some("Штаб")));
    let owned = app.get("/api/v1/follow-ups?owner=%D0%A4%D0%B8%D0%BB%D0%B8%D0%B0%D0%BB").bearer(&coordinator.token);
    assert_eq!(owned.send().await.json()["items"][0]["what"], "Вторая встреча");
    let paged = app.get("/api/v1/follow-ups?limit=1").bearer(&coordinator.token).send().await.json();
    let cursor = paged["next_cursor"].as_str().expect("a second page");
    let next = app.get(&format!("/api/v1/follow-ups?limit=1&cursor={cursor}")).bearer(&coordinator.token).send().await;
    assert_eq!(next.json()["items"][0]["what"], "Вторая встреча");

    let done_path = format!("/api/v1/follow-ups/{}/done", late["id"].as_str().unwrap());
    let other = app.user("coordinator", Some(OTHER_BRANCH)).await;
    app.post(&done_path).bearer(&other.token).send().await.problem(404);
    let done = app.post(&done_path).bearer(&coordinator.token).send().await.assert_status(200).json();
    assert_eq!((done["id"].clone(), done["done"].clone()), (late["id"].clone(), json!(true)));
    let overdue = app.get("/api/v1/follow-ups?overdue=true").bearer(&coordinator.token).send().await.json();
    assert!(overdue["items"].as_array().unwrap().is_empty(), "{overdue}");
    let report = app.get(&format!("/api/v1/meetings/{meeting}/report")).bearer(&coordinator.token).send().await.json();
    assert_eq!(report["follow_ups"][0]["done"], true);

    let elsewhere = app.get("/api/v1/follow-ups").bearer(&other.token).send().await.json();
    assert!(elsewhere["items"].as_array().unwrap().is_empty(), "other branches' follow-ups stay out of sight");
    let observer = app.user("observer", None).await;
    let seen = app.get("/api/v1/follow-ups").bearer(&observer.token).send().await.assert_status(200).json();
    assert_eq!((seen["items"].as_array().unwrap().len(), seen["items"][0]["owner"].as_str()), (2, Some("")));
    app.get("/api/v1/follow-ups?owner=x").bearer(&observer.token).send().await.problem(403);
}
