//! Rate limits per caller and per address for the whole API, with a tiny
//! configured window so a test can see the bucket refill.

use std::time::Duration;

use outreach::config::Config;

use crate::helpers::{TestApp, TestResponse};

fn three_a_second(config: &mut Config) {
    config.rate_limit_per_caller = 3;
    config.rate_limit_per_address = 3;
    config.rate_limit_window_secs = 1;
}

#[track_caller]
fn assert_throttled(res: &TestResponse, policy: &str) {
    let problem = res.problem(429);
    assert_eq!(problem["code"], "throttled");
    assert_eq!(res.header("retry-after"), Some("1"), "{problem}");
    assert_eq!(res.header("ratelimit-policy"), Some(format!("\"{policy}\";q=3;w=1").as_str()));
    assert_eq!(res.header("ratelimit"), Some(format!("\"{policy}\";r=0;t=1").as_str()));
}

on_both_databases!(each_caller_is_limited_on_its_own_and_let_in_again_after_the_window, configured by three_a_second);
async fn each_caller_is_limited_on_its_own_and_let_in_again_after_the_window(app: TestApp) {
    let admin = app.admin().await;
    let observer = app.user("observer", None).await;
    // A new window, whatever signing in cost.
    actix_web::rt::time::sleep(Duration::from_millis(1100)).await;
    for remaining in [2, 1, 0] {
        let res = app.get("/api/v1/me").bearer(&observer.token).send().await;
        res.assert_status(200);
        assert_eq!(res.header("ratelimit-policy"), Some("\"caller\";q=3;w=1"));
        assert_eq!(res.header("ratelimit"), Some(format!("\"caller\";r={remaining};t=1").as_str()));
    }
    assert_throttled(&app.get("/api/v1/me").bearer(&observer.token).send().await, "caller");
    // Another caller, even from the same address, has a bucket of its own.
    app.get("/api/v1/me").bearer(&admin.token).send().await.assert_status(200);
    // An exempt caller is not counted at all.
    app.state.limiter.exempt(&admin.id);
    for _ in 0..5 {
        let res = app.get("/api/v1/me").bearer(&admin.token).send().await;
        res.assert_status(200);
        assert_eq!(res.header("ratelimit"), None);
    }
    // After the window the caller is let in again.
    actix_web::rt::time::sleep(Duration::from_millis(1100)).await;
    app.get("/api/v1/me").bearer(&observer.token).send().await.assert_status(200);
}

on_both_databases!(requests_without_a_token_are_limited_per_address, configured by three_a_second);
async fn requests_without_a_token_are_limited_per_address(app: TestApp) {
    for _ in 0..3 {
        app.get("/api/v1/branches").sent_from("203.0.113.7").send().await.assert_status(200);
    }
    let refused = app.get("/api/v1/branches").sent_from("203.0.113.7").send().await;
    assert_throttled(&refused, "address");
    // A bad token is no way around it.
    let forged = app.get("/api/v1/me").bearer("not-a-token").sent_from("203.0.113.7").send().await;
    assert_throttled(&forged, "address");
    app.get("/api/v1/branches").sent_from("203.0.113.8").send().await.assert_status(200);
    // Health checks and docs are outside the API: never limited.
    for _ in 0..5 {
        app.get("/health/live").sent_from("203.0.113.7").send().await.assert_status(200);
    }
    actix_web::rt::time::sleep(Duration::from_millis(1100)).await;
    app.get("/api/v1/branches").sent_from("203.0.113.7").send().await.assert_status(200);
}

on_both_databases!(an_api_token_counts_against_its_own_bucket_and_can_be_exempted, configured by three_a_second);
async fn an_api_token_counts_against_its_own_bucket_and_can_be_exempted(app: TestApp) {
    let admin = app.admin().await;
    let observer = app.account(&admin, "observer", None).await;
    let observer_id = observer["id"].as_str().unwrap();
    let issued = app
        .post(&format!("/api/v1/accounts/{observer_id}/api-tokens"))
        .bearer(&admin.token)
        .json(&serde_json::json!({"name": "integration"}))
        .send()
        .await;
    let token = issued.json()["token"].as_str().unwrap().to_owned();
    let token_id = issued.json()["id"].as_str().unwrap().to_owned();
    actix_web::rt::time::sleep(Duration::from_millis(1100)).await;
    for _ in 0..3 {
        app.get("/api/v1/branches").bearer(&token).sent_from("198.51.100.1").send().await.assert_status(200);
    }
    let res = app.get("/api/v1/branches").bearer(&token).sent_from("198.51.100.2").send().await;
    assert_throttled(&res, "caller");
    // Exempt by token id: the next authenticated request teaches the limiter its hash.
    app.state.limiter.exempt(&token_id);
    actix_web::rt::time::sleep(Duration::from_millis(1100)).await;
    app.get("/api/v1/me").bearer(&token).sent_from("198.51.100.3").send().await.assert_status(200);
    for _ in 0..5 {
        app.get("/api/v1/branches").bearer(&token).sent_from("198.51.100.3").send().await.assert_status(200);
    }
}
