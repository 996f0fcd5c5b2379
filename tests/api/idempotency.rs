//! `Idempotency-Key`: the claim, the work and the stored response are one
//! transaction, so a crash between them leaves nothing and concurrent requests
//! with one key create one record.

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::factories::{OWN_BRANCH, consent, fresh_address, fresh_phone};
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
