//! Security headers on every response where they apply, and CORS only for the
//! configured origins.

use outreach::config::Config;

use crate::helpers::TestApp;

on_both_databases!(responses_are_never_sniffed_and_personal_ones_never_stored);
async fn responses_are_never_sniffed_and_personal_ones_never_stored(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(crate::factories::OWN_BRANCH)).await;
    let volunteer = app.volunteer(&coordinator, crate::factories::OWN_BRANCH).await;
    let volunteer_id = volunteer["id"].as_str().unwrap();
    // Personal data and tokens: never stored by any cache.
    let private = [
        app.get(&format!("/api/v1/volunteers/{volunteer_id}")).bearer(&coordinator.token).send().await,
        app.get("/api/v1/volunteers").bearer(&coordinator.token).send().await,
        app.get("/api/v1/me").bearer(&admin.token).send().await,
        app.get("/api/v1/accounts").bearer(&admin.token).send().await,
        app.get(&format!("/api/v1/accounts/{}/api-tokens", admin.id)).bearer(&admin.token).send().await,
        app.post("/api/v1/auth/login")
            .json(
                &serde_json::json!({"email": crate::helpers::ADMIN_EMAIL, "password": crate::helpers::ADMIN_PASSWORD}),
            )
            .send()
            .await,
        app.get("/api/v1/me").send().await,
    ];
    for res in &private {
        assert_eq!(res.header("cache-control"), Some("no-store"), "{}", String::from_utf8_lossy(&res.body));
        assert_eq!(res.header("x-content-type-options"), Some("nosniff"));
    }
    // Public reads stay cacheable; the public feed keeps its own policy.
    let branches = app.get("/api/v1/branches").send().await;
    assert_eq!(branches.header("cache-control"), None);
    assert_eq!(branches.header("x-content-type-options"), Some("nosniff"));
    let feed = app.get("/api/v1/branches/KZ-71/events").send().await;
    assert_eq!(feed.header("cache-control"), Some("public, max-age=60"));
    for res in [app.get("/health/live").send().await, app.get("/no/such/path").send().await] {
        assert_eq!(res.header("x-content-type-options"), Some("nosniff"));
    }
}

#[actix_web::test]
async fn the_docs_carry_a_strict_content_security_policy() {
    let app = TestApp::sqlite().await;
    let res = app.get("/docs/").send().await;
    res.assert_status(200);
    let policy = res.header("content-security-policy").expect("a CSP on the docs");
    for directive in ["default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"] {
        assert!(policy.contains(directive), "{policy}");
    }
    assert!(!policy.contains("unsafe-eval"), "{policy}");
    // The page runs no inline script, which the policy would block.
    let page = String::from_utf8_lossy(&res.body);
    for script in page.split("<script").skip(1) {
        let tag = script.split('>').next().unwrap_or_default();
        assert!(tag.contains("src="), "an inline script in the docs page: <script{tag}>");
    }
    assert!(app.get("/docs/swagger-ui.css").send().await.header("content-security-policy").is_some());
    assert!(app.get("/api/v1/branches").send().await.header("content-security-policy").is_none());
}

fn one_dashboard(config: &mut Config) {
    config.cors_allowed_origins = "https://dashboard.outreach.kz".into();
}

on_both_databases!(cors_answers_only_the_configured_origins, configured by one_dashboard);
async fn cors_answers_only_the_configured_origins(app: TestApp) {
    let allowed = "https://dashboard.outreach.kz";
    let refused = "https://evil.example.com";
    let preflight = |origin: &'static str| {
        app.request(actix_web::http::Method::OPTIONS, "/api/v1/volunteers")
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
    };
    let res = preflight(allowed).send().await;
    assert!(res.status.is_success(), "{}", res.status);
    assert_eq!(res.header("access-control-allow-origin"), Some(allowed));
    assert!(res.header("access-control-allow-methods").is_some_and(|methods| methods.contains("GET")));

    let res = preflight(refused).send().await;
    assert!(res.status.is_client_error(), "{}", res.status);
    assert_eq!(res.header("access-control-allow-origin"), None);

    let res = app.get("/api/v1/branches").header("origin", allowed).send().await;
    res.assert_status(200);
    assert_eq!(res.header("access-control-allow-origin"), Some(allowed));
    let exposed = res.header("access-control-expose-headers").unwrap_or_default().to_ascii_lowercase();
    for name in ["etag", "retry-after", "ratelimit"] {
        assert!(exposed.contains(name), "{exposed}");
    }

    // A simple request from a refused origin is answered without CORS headers,
    // so the browser keeps the answer from the page.
    let res = app.get("/api/v1/branches").header("origin", refused).send().await;
    assert_eq!(res.header("access-control-allow-origin"), None);
}
