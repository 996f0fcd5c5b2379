//! Garbage in gets the right status and a problem document, never a 500 and
//! never plain text.

use crate::helpers::TestApp;

#[actix_web::test]
async fn unknown_paths_and_methods_get_problem_documents() {
    let app = TestApp::sqlite().await;
    let problem = app.get("/api/v1/nothing-here").send().await.problem(404);
    assert_eq!(problem["instance"], "/api/v1/nothing-here");

    let res = app.delete("/api/v1/branches/KZ-71").send().await;
    res.problem(405);
    assert_eq!(res.header("allow"), Some("GET, PATCH"));
    app.post("/api/v1/branches").send().await.problem(405);
    // The most specific route decides: /localities/tree is not /localities/{id}.
    let res = app.request(actix_web::http::Method::OPTIONS, "/api/v1/localities/tree").send().await;
    res.problem(405);
    assert_eq!(res.header("allow"), Some("GET"));
}

#[actix_web::test]
async fn a_problem_has_a_code_for_programs_and_a_type_the_server_describes() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let problems = [
        (app.get("/api/v1/nothing-here").send().await.problem(404), "not_found"),
        (app.delete("/api/v1/branches/KZ-71").send().await.problem(405), "method_not_allowed"),
        (
            app.get("/api/v1/volunteers?brnach=KZ-71").bearer(&admin.token).send().await.problem(400),
            "unknown_parameter",
        ),
        (app.get("/api/v1/volunteers?limit=0").bearer(&admin.token).send().await.problem(422), "validation_failed"),
        (app.get("/api/v1/audit").bearer("garbage").send().await.problem(401), "invalid_token"),
        (
            app.post("/api/v1/events").bearer(&admin.token).json(&serde_json::json!({})).send().await.problem(422),
            "validation_failed",
        ),
    ];
    for (problem, code) in problems {
        assert_eq!(problem["code"], code, "{problem}");
        let described = app.get(problem["type"].as_str().unwrap()).send().await;
        described.assert_status(200);
        let described = described.json();
        assert_eq!(described["status"], problem["status"], "{described}");
        assert!(described["description"].as_str().is_some_and(|text| !text.is_empty()));
    }
    app.get("/problems/no-such-problem").send().await.problem(404);
}

#[actix_web::test]
async fn query_parameters_an_operation_does_not_document_are_refused() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    // A misspelt filter would otherwise list everything.
    let problem = app.get("/api/v1/volunteers?brnach=KZ-71").bearer(&admin.token).send().await.problem(400);
    assert_eq!(problem["errors"][0]["field"], "query.brnach");
    assert_eq!(problem["errors"][0]["code"], "unknown_parameter");
    let problem = app.get("/api/v1/routes?=0").bearer(&admin.token).send().await.problem(400);
    assert_eq!(problem["errors"][0]["field"], "query");
    // Operations without query parameters refuse any; documented ones pass.
    app.get("/api/v1/branches/KZ-71?limit=1").bearer(&admin.token).send().await.problem(400);
    app.get("/api/v1/volunteers?branch=KZ-71&limit=1").bearer(&admin.token).send().await.assert_status(200);
    // The most specific route decides, as in routing.
    app.get("/api/v1/localities/tree?branch=KZ-71").bearer(&admin.token).send().await.assert_status(200);
}

#[actix_web::test]
async fn request_ids_are_echoed_or_generated() {
    let app = TestApp::sqlite().await;
    let res = app.get("/api/v1/branches/KZ-00").header("x-request-id", "client-abc-123").send().await;
    assert_eq!(res.header("x-request-id"), Some("client-abc-123"));
    assert_eq!(res.problem(404)["request_id"], "client-abc-123");

    // An id that could forge log lines is replaced by a generated one.
    let res = app.get("/health/live").header("x-request-id", "bad id\twith spaces").send().await;
    let generated = res.header("x-request-id").unwrap();
    assert!(uuid::Uuid::parse_str(generated).is_ok(), "{generated}");
}

#[actix_web::test]
async fn the_json_extractor_maps_each_failure_to_its_status() {
    use outreach::dto::json::parse_json;
    use outreach::error::ApiError;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Probe {
        name: String,
        inner: Inner,
    }
    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        count: u32,
    }

    let field_of = |err: ApiError| match err {
        ApiError::Validation(errors) => (errors[0].field.clone(), errors[0].code.as_str().to_owned()),
        other => panic!("expected 422, got {other}"),
    };
    assert_eq!(
        field_of(parse_json::<Probe>(br#"{"name":"a","inner":{"count":1},"nmae":1}"#).unwrap_err()),
        ("nmae".into(), "unknown_field".to_owned())
    );
    assert_eq!(
        field_of(parse_json::<Probe>(br#"{"name":"a","inner":{"count":1,"x":2}}"#).unwrap_err()),
        ("inner.x".into(), "unknown_field".to_owned())
    );
    assert_eq!(
        field_of(parse_json::<Probe>(br#"{"name":"a","inner":{"count":"many"}}"#).unwrap_err()),
        ("inner.count".into(), "invalid_type".to_owned())
    );
    assert_eq!(
        field_of(parse_json::<Probe>(br#"{"inner":{"count":1}}"#).unwrap_err()),
        ("name".into(), "required".to_owned())
    );
    assert!(matches!(parse_json::<Probe>(br#"{"name": "#).unwrap_err(), ApiError::BadRequest { .. }));
    assert!(matches!(
        parse_json::<Probe>(br#"{"name":"a","inner":{"count":1}} {}"#).unwrap_err(),
        ApiError::BadRequest { .. }
    ));
    let parsed =
        parse_json::<Probe>("{\"name\":\"Қазақстан Республикасы\",\"inner\":{\"count\":1}}".as_bytes()).unwrap();
    assert_eq!(parsed.name, "Қазақстан Республикасы");
}

#[actix_web::test]
async fn oversized_bodies_to_unknown_routes_are_refused_cleanly() {
    let app = TestApp::sqlite().await;
    let big = vec![b'x'; 2 * 1024 * 1024];
    let res = app.post("/api/v1/branches").header("content-type", "application/json").body(big).send().await;
    assert!(matches!(res.status.as_u16(), 405 | 413), "{}", res.status);
    res.problem(res.status.as_u16());
}
