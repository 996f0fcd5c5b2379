use crate::helpers::TestApp;

on_both_databases!(health_probes_answer_when_the_database_is_up);
async fn health_probes_answer_when_the_database_is_up(app: TestApp) {
    assert_eq!(app.get("/health/live").send().await.assert_status(200).json()["status"], "ok");
    assert_eq!(app.get("/health/ready").send().await.assert_status(200).json()["status"], "ok");
}

on_both_databases!(housekeeping_forgets_expired_idempotency_keys_and_throttle_events_only);
async fn housekeeping_forgets_expired_idempotency_keys_and_throttle_events_only(app: TestApp) {
    use diesel::prelude::*;
    use outreach::db::schema::{idempotency_keys, throttle_events};
    use outreach::service::housekeeping::{IDEMPOTENCY_RETENTION, Purged, THROTTLE_RETENTION, purge_expired};
    let now = chrono::Utc::now().naive_utc();
    let minute = chrono::TimeDelta::minutes(1);
    let purged = app
        .state
        .db
        .run_blocking(|conn| {
            for (key, age) in [("old", IDEMPOTENCY_RETENTION + minute), ("fresh", IDEMPOTENCY_RETENTION - minute)] {
                diesel::insert_into(idempotency_keys::table)
                    .values((
                        idempotency_keys::scope.eq("test"),
                        idempotency_keys::idempotency_key.eq(key),
                        idempotency_keys::request_hash.eq("h"),
                        idempotency_keys::status_code.eq(201),
                        idempotency_keys::created_at.eq(now - age),
                    ))
                    .execute(conn)
                    .map_err(|err| err.to_string())?;
            }
            for (id, age) in [("old", THROTTLE_RETENTION + minute), ("fresh", THROTTLE_RETENTION - minute)] {
                diesel::insert_into(throttle_events::table)
                    .values((
                        throttle_events::id.eq(id),
                        throttle_events::throttle_key.eq("address:192.0.2.1"),
                        throttle_events::at.eq(now - age),
                    ))
                    .execute(conn)
                    .map_err(|err| err.to_string())?;
            }
            purge_expired(conn).map_err(|err| err.to_string())
        })
        .unwrap();
    assert_eq!(purged, Purged { idempotency_keys: 1, throttle_events: 1 });
    let left = app
        .state
        .db
        .run_blocking(|conn| {
            let keys: Vec<String> = idempotency_keys::table
                .select(idempotency_keys::idempotency_key)
                .load(conn)
                .map_err(|err| err.to_string())?;
            let events: Vec<String> =
                throttle_events::table.select(throttle_events::id).load(conn).map_err(|err| err.to_string())?;
            Ok((keys, events))
        })
        .unwrap();
    assert_eq!(left, (vec!["fresh".to_owned()], vec!["fresh".to_owned()]));
}

on_both_databases!(metrics_count_requests_by_route_pattern_and_show_the_pool);
async fn metrics_count_requests_by_route_pattern_and_show_the_pool(app: TestApp) {
    let admin = app.admin().await;
    let volunteer = app.volunteer(&admin, "KZ-71").await["id"].as_str().unwrap().to_owned();
    app.get(&format!("/api/v1/volunteers/{volunteer}")).bearer(&admin.token).send().await.assert_status(200);
    app.get("/api/v1/volunteers/not-a-volunteer").bearer(&admin.token).send().await.problem(404);
    app.get("/no/such/thing").send().await.problem(404);
    let res = app.get("/metrics").send().await;
    res.assert_status(200);
    assert!(res.header("content-type").is_some_and(|value| value.starts_with("text/plain; version=0.0.4")));
    let text = String::from_utf8(res.body.to_vec()).unwrap();
    for line in [
        r#"http_requests_total{method="GET",route="/api/v1/volunteers/{id}",status="200"} 1"#,
        r#"http_requests_total{method="GET",route="/api/v1/volunteers/{id}",status="404"} 1"#,
        r#"http_requests_total{method="GET",route="unmatched",status="404"} 1"#,
        r#"http_request_duration_seconds_count{method="GET",route="/api/v1/volunteers/{id}"} 2"#,
    ] {
        assert!(text.lines().any(|got| got == line), "{line} missing in\n{text}");
    }
    assert!(!text.contains(&volunteer), "paths with ids never become labels");
    assert!(text.contains("db_pool_connections ") && text.contains("read_audit_queued_entries "), "{text}");
}

#[actix_web::test]
async fn metrics_take_the_metrics_token_when_one_is_set() {
    let app = TestApp::sqlite_with(|config| config.metrics_token = Some("scrape-me-0123456789".into())).await;
    app.get("/metrics").send().await.problem(401);
    app.get("/metrics").bearer("wrong").send().await.problem(401);
    let admin = app.admin().await;
    app.get("/metrics").bearer(&admin.token).send().await.problem(401);
    app.get("/metrics").bearer("scrape-me-0123456789").send().await.assert_status(200);
}

// Only PostgreSQL can be taken away from under a running app (an open SQLite
// file outlives its deletion). Named `..::postgres` like the tests on both
// databases, so CI's PostgreSQL run (`cargo test --test api postgres`) includes it.
mod readiness_answers_503_with_retry_after_when_the_database_is_gone {
    #[actix_web::test]
    async fn postgres() {
        if let Some(app) = crate::helpers::TestApp::postgres().await {
            super::readiness_answers_503_with_retry_after_when_the_database_is_gone(app).await
        }
    }
}

async fn readiness_answers_503_with_retry_after_when_the_database_is_gone(app: TestApp) {
    app.get("/health/ready").send().await.assert_status(200);
    app.drop_database_now();
    let res = app.get("/health/ready").send().await;
    res.problem(503);
    assert!(res.header("retry-after").is_some());
    let problem = app.get("/api/v1/branches").send().await.problem(503);
    assert!(!problem["detail"].as_str().unwrap().contains("database \""), "the cause is not revealed: {problem}");
}

mod an_outage_opens_the_circuit_breaker_and_service_resumes_by_itself {
    #[actix_web::test]
    async fn postgres() {
        if let Some(app) = crate::helpers::TestApp::postgres().await {
            super::an_outage_opens_the_circuit_breaker_and_service_resumes_by_itself(app).await
        }
    }
}

async fn an_outage_opens_the_circuit_breaker_and_service_resumes_by_itself(app: TestApp) {
    use std::time::{Duration, Instant};
    app.get("/api/v1/branches").send().await.assert_status(200);
    app.drop_database_now();
    // The first failures wait for the pool (up to its 5 s timeout) and open the
    // breaker. (A request on a pooled connection the drop killed may fail
    // otherwise first: that is not the breaker's business.)
    for _round in 0..3 {
        let first: Vec<_> = (0..4).map(|_| app.get("/api/v1/branches").send()).collect();
        for res in futures_util::future::join_all(first).await {
            assert!(res.status.is_server_error(), "{}", String::from_utf8_lossy(&res.body));
        }
        if app.state.db.breaker_open() {
            break;
        }
    }
    assert!(app.state.db.breaker_open(), "three failed checkouts in a row open the breaker");
    // Now every request is refused at once, with the usual problem and Retry-After.
    for _ in 0..5 {
        let started = Instant::now();
        let res = app.get("/api/v1/branches").send().await;
        let elapsed = started.elapsed();
        assert_eq!(res.problem(503)["code"], "database_unavailable");
        assert_eq!(res.header("retry-after"), Some("5"));
        assert!(elapsed < Duration::from_secs(1), "an open breaker answers at once, took {elapsed:?}");
    }
    app.get("/health/ready").send().await.problem(503);
    // The database comes back: the background probe closes the breaker, no restart.
    app.restore_database_now();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let res = app.get("/api/v1/branches").send().await;
        if res.status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "service did not resume: {}", String::from_utf8_lossy(&res.body));
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!app.state.db.breaker_open());
    app.get("/health/ready").send().await.assert_status(200);
}

#[actix_web::test]
async fn interactive_docs_are_served_from_the_binary() {
    let app = TestApp::sqlite().await;
    let res = app.get("/docs").send().await;
    res.assert_status(302);
    assert_eq!(res.header("location"), Some("/docs/"));
    let res = app.get("/docs/").send().await;
    res.assert_status(200);
    assert!(String::from_utf8_lossy(&res.body).contains("swagger"), "the docs page is Swagger UI");
    let res = app.get("/docs/swagger-ui.css").send().await;
    res.assert_status(200);
}
