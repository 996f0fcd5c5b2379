use crate::helpers::TestApp;

on_both_databases! {
    async fn health_probes_answer_when_the_database_is_up(app: TestApp) {
        assert_eq!(app.get("/health/live").send().await.assert_status(200).json()["status"], "ok");
        assert_eq!(app.get("/health/ready").send().await.assert_status(200).json()["status"], "ok");
    }
}

#[actix_web::test]
async fn readiness_answers_503_with_retry_after_when_the_database_is_gone() {
    // Only PostgreSQL can be taken away from under a running app (an open SQLite
    // file outlives its deletion).
    let Some(app) = TestApp::postgres().await else { return };
    app.get("/health/ready").send().await.assert_status(200);
    app.drop_database_now();
    let res = app.get("/health/ready").send().await;
    res.problem(503);
    assert!(res.header("retry-after").is_some());
    let problem = app.get("/api/v1/branches").send().await.problem(503);
    assert!(!problem["detail"].as_str().unwrap().contains("database \""), "the cause is not revealed: {problem}");
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
