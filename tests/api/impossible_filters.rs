//! Filters that cannot match: a filter value that names nothing that can exist
//! (a branch code that is not one of the 20, an id that is not a UUID, a value
//! outside an enum) answers 422 naming `query.<name>`, never an empty page and
//! never 400. The operations and their filters are read from the spec, so a new
//! list is checked without being listed here.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::factories::OWN_BRANCH;
use crate::helpers::TestApp;

/// The schema `schema` stands for (following one `$ref`).
fn resolve<'a>(schema: &'a Value, schemas: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => &schemas[reference.trim_start_matches("#/components/schemas/")],
        None => schema,
    }
}

fn is_enum(schema: &Value) -> bool {
    schema.get("enum").is_some()
        || schema["oneOf"]
            .as_array()
            .is_some_and(|variants| variants.iter().all(|variant| variant.get("enum").is_some()))
}

/// The path with its parameters filled: a branch code, else an id that exists nowhere.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|segment| match segment {
            "{code}" => OWN_BRANCH.to_owned(),
            segment if segment.starts_with('{') => {
                let rest = segment.split_once('}').map_or("", |(_, rest)| rest);
                format!("{}{rest}", uuid::Uuid::now_v7())
            }
            segment => segment.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

on_both_databases!(a_filter_value_that_names_nothing_that_can_exist_is_422_on_every_list);
async fn a_filter_value_that_names_nothing_that_can_exist_is_422_on_every_list(app: TestApp) {
    let admin = app.admin().await;
    let spec = app.get("/api-docs/openapi.json").send().await.assert_status(200).json();
    let schemas = &spec["components"]["schemas"];
    let mut checked = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        let Some(operation) = item.get("get") else { continue };
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            if parameter["in"] != "query" {
                continue;
            }
            let name = parameter["name"].as_str().unwrap();
            let schema = resolve(&parameter["schema"], schemas);
            let (bad, code) = if name == "branch" {
                // Well-formed or not, no branch has these codes.
                for bad in ["KZ-71%27%20OR%201%3D1--", "KZ-99", "kz-71", "%D0%90"] {
                    let url = format!("{}?{name}={bad}", concrete(path));
                    let problem = app.get(&url).bearer(&admin.token).send().await.problem(422);
                    assert_eq!(problem["errors"][0]["field"], "query.branch", "{url}: {problem}");
                    assert_eq!(problem["errors"][0]["code"], "unknown_branch", "{url}: {problem}");
                }
                ("KZ-71%27%20OR%201%3D1--", "unknown_branch")
            } else if schema["format"] == "uuid" {
                ("1%20OR%201%3D1", "invalid_type")
            } else if is_enum(schema) {
                ("no_such_value", "unknown_value")
            } else {
                continue;
            };
            let url = format!("{}?{name}={bad}", concrete(path));
            let problem = app.get(&url).bearer(&admin.token).send().await.problem(422);
            assert_eq!(problem["errors"][0]["field"], format!("query.{name}"), "{url}: {problem}");
            assert_eq!(problem["errors"][0]["code"], code, "{url}: {problem}");
            checked.insert(format!("{path}?{name}"));
        }
    }
    // Every kind of filter was met: branches on most lists, ids and enums.
    for expected in [
        "/api/v1/volunteers?branch",
        "/api/v1/visits?route_id",
        "/api/v1/events?status",
        "/api/v1/localities/tree?branch",
    ] {
        assert!(checked.contains(expected), "{expected} not checked: {checked:?}");
    }
    assert!(checked.len() >= 60, "{} filters checked: {checked:?}", checked.len());
}

on_both_databases!(a_malformed_query_value_names_the_parameter_with_422);
async fn a_malformed_query_value_names_the_parameter_with_422(app: TestApp) {
    let admin = app.admin().await;
    for (query, field, code) in [
        ("/api/v1/volunteers?limit=0", "query.limit", "range"),
        ("/api/v1/volunteers?limit=ten", "query.limit", "invalid_type"),
        ("/api/v1/events?from=2026-12-01T09:00:00", "query.from", "invalid_type"),
        ("/api/v1/reports/social-media?top=0", "query.top", "range"),
        ("/api/v1/reports/social-media?from=2026-12-02&to=2026-12-01", "query.to", "before_from_date"),
        ("/api/v1/poster-sites?not_checked_for_days=99999", "query.not_checked_for_days", "range"),
        ("/api/v1/localities/tree", "query.branch", "required"),
    ] {
        let problem = app.get(query).bearer(&admin.token).send().await.problem(422);
        assert_eq!(problem["errors"][0]["field"], field, "{query}: {problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{query}: {problem}");
    }
    // A parameter the operation does not have stays 400, as does a cursor of other filters.
    let problem = app.get("/api/v1/volunteers?brnach=KZ-71").bearer(&admin.token).send().await.problem(400);
    assert_eq!(problem["errors"][0]["field"], "query.brnach");
}
