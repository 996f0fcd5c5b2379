//! Every limit the spec states on a create body is the one the server enforces:
//! one past it is refused naming the field and the rule, the limit itself is not.
//! (`tests/spec_source.rs` checks that each validator has its schema keyword.)

use serde_json::{Value, json};

use crate::factories::OWN_BRANCH;
use crate::helpers::TestApp;
use crate::materials::material_body;

/// A value one step past `property`'s stated limit, and one at it, with the
/// rule a value past it breaks.
fn past_and_at_limit(property: &Value) -> Option<(Value, Value, &'static str)> {
    if let Some(max) = property["maxLength"].as_u64() {
        let text = |length: u64| json!("ж".repeat(length as usize));
        return Some((text(max + 1), text(max), "length"));
    }
    let max = property["maximum"].as_i64()?;
    Some((json!(max + 1), json!(max), "range"))
}

/// Every property of `schema` with its dotted path, following `$ref`s into
/// nested objects (`name.kk`).
fn properties_of<'a>(spec: &'a Value, schema: &'a Value, prefix: &str, out: &mut Vec<(String, &'a Value)>) {
    let schema = match schema["$ref"].as_str() {
        Some(reference) => &spec["components"]["schemas"][reference.trim_start_matches("#/components/schemas/")],
        None => schema,
    };
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        let path = format!("{prefix}{name}");
        if property.get("$ref").is_some() {
            properties_of(spec, property, &format!("{path}."), out);
        } else {
            out.push((path, property));
        }
    }
}

/// `body` with the value at dotted `path` replaced.
fn set(body: &mut Value, path: &str, value: Value) {
    let pointer = format!("/{}", path.replace('.', "/"));
    *body.pointer_mut(&pointer).unwrap_or_else(|| panic!("{path} is not in the base body")) = value;
}

on_both_databases!(every_stated_limit_of_a_create_body_is_enforced_at_that_number);
async fn every_stated_limit_of_a_create_body_is_enforced_at_that_number(app: TestApp) {
    let admin = app.admin().await;
    let spec = serde_json::to_value(outreach::openapi::spec()).unwrap();
    let locality = || json!({"branch": OWN_BRANCH, "kind": "village", "name": {"kk": "Ауыл", "ru": "Село"}});
    let cases: [(&str, &str, &dyn Fn() -> Value); 2] =
        [("/api/v1/materials", "CreateMaterial", &material_body), ("/api/v1/localities", "CreateLocality", &locality)];
    let mut checked = 0;
    for (path, schema, base) in cases {
        let mut properties = Vec::new();
        properties_of(&spec, &spec["components"]["schemas"][schema], "", &mut properties);
        for (name, property) in properties {
            let Some((past, at, rule)) = past_and_at_limit(property) else { continue };
            let mut body = base();
            if body.pointer(&format!("/{}", name.replace('.', "/"))).is_none() {
                body[name.as_str()] = Value::Null;
            }
            set(&mut body, &name, past);
            let problem = app.post(path).bearer(&admin.token).json(&body).send().await.problem(422);
            assert_eq!(
                (problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str()),
                (Some(name.as_str()), Some(rule)),
                "{schema}.{name}: {problem}"
            );
            set(&mut body, &name, at);
            let response = app.post(path).bearer(&admin.token).json(&body).send().await;
            assert_eq!(response.status.as_u16(), 201, "{schema}.{name} at its limit: {}", response.json());
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} limits checked");
}
