//! The committed spec is what the code generates, and it is valid OpenAPI 3.1.

use crate::helpers::TestApp;

#[test]
fn committed_spec_matches_the_code() {
    let generated = outreach::openapi::spec_json().unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    if committed != generated {
        if std::env::var("UPDATE_OPENAPI").is_ok() {
            std::fs::write(path, &generated).unwrap();
            return;
        }
        panic!(
            "openapi/openapi.json is out of date with the code.\n\
             Regenerate it with: cargo run -- openapi > openapi/openapi.json\n\
             (or UPDATE_OPENAPI=1 cargo test --test api openapi) and commit the result."
        );
    }
}

#[actix_web::test]
async fn served_spec_is_openapi_3_1_and_documents_errors() {
    let app = TestApp::sqlite().await;
    let spec = app.get("/api-docs/openapi.json").send().await.assert_status(200).json();
    assert_eq!(spec["openapi"], "3.1.0");
    assert!(spec["components"]["schemas"]["Problem"].is_object());
    let paths = spec["paths"].as_object().unwrap();
    assert!(paths.contains_key("/api/v1/branches/{code}"));
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            assert!(operation["summary"].is_string(), "{method} {path} has a summary");
            assert!(
                operation["responses"].as_object().unwrap().keys().any(|code| code.starts_with('2')),
                "{method} {path} documents success"
            );
        }
    }
}

#[test]
fn every_error_code_is_explained_in_the_docs() {
    let docs = include_str!("../../docs/errors.md");
    let missing: Vec<&str> = outreach::error::ErrorCode::ALL
        .iter()
        .map(|code| code.as_str())
        .filter(|code| !docs.contains(&format!("`{code}`")))
        .collect();
    assert!(missing.is_empty(), "docs/errors.md does not explain {missing:?}");
}

/// Every `$ref` names a schema, response or parameter the document holds: a
/// type used only in query parameters is not collected by utoipa unless inlined,
/// and a dangling reference breaks every generated client.
#[test]
fn every_reference_in_the_spec_resolves() {
    fn walk(node: &serde_json::Value, spec: &serde_json::Value, dangling: &mut Vec<String>) {
        match node {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(target)) = map.get("$ref") {
                    let found = target
                        .strip_prefix("#/")
                        .map(|path| path.split('/').try_fold(spec, |at, key| at.get(key)).is_some())
                        .unwrap_or(false);
                    if !found {
                        dangling.push(target.clone());
                    }
                }
                map.values().for_each(|value| walk(value, spec, dangling));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|item| walk(item, spec, dangling)),
            _ => {}
        }
    }
    let spec: serde_json::Value = serde_json::from_str(&outreach::openapi::spec_json().unwrap()).unwrap();
    let mut dangling = Vec::new();
    walk(&spec, &spec, &mut dangling);
    assert!(dangling.is_empty(), "references to nothing: {dangling:?}");
}
