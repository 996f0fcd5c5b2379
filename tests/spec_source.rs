//! The spec says what the source does.
//!
//! Every limit the server enforces on a request field (`#[validate(length(..))]`,
//! `#[validate(range(..))]`) is stated in the spec with the same numbers
//! (`#[schema(max_length = ..)]`, `maximum`, `max_items`, ...), and nothing in the
//! spec states a limit the server does not enforce. The HTTP side (that a stated
//! limit answers 422) is covered by `tests/api/spec_limits.rs`.
//!
//! Every response field serde may leave out (`skip_serializing_if`) is listed in
//! `MAY_BE_ABSENT`, so the spec does not mark it required; every listed one exists.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use outreach::openapi::required::MAY_BE_ABSENT;

/// The files that define request and response bodies: the DTOs and the problem.
fn dto_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dtos = std::fs::read_dir(root.join("src/dto")).unwrap().map(|entry| entry.unwrap().path());
    dtos.chain([root.join("src/error.rs")]).collect()
}

/// `length(min = 1, max = 200)` → `[("min", "1"), ("max", "200")]`.
fn arguments(attribute: &str, rule: &str) -> Vec<(String, String)> {
    let Some(start) = attribute.find(&format!("{rule}(")) else { return Vec::new() };
    let rest = &attribute[start + rule.len() + 1..];
    let inner = &rest[..rest.find(')').unwrap()];
    inner
        .split(',')
        .filter_map(|part| part.split_once('='))
        .map(|(key, value)| (key.trim().to_owned(), value.trim().replace('_', "")))
        .collect()
}

/// The schema keywords a field's validation rules call for.
fn expected_keywords(attributes: &[&str], field_type: &str) -> Vec<String> {
    let is_list = field_type.trim_start_matches("Option<").starts_with("Vec<");
    let length_kind = if is_list { "items" } else { "length" };
    let mut keywords = Vec::new();
    for attribute in attributes.iter().filter(|line| line.starts_with("#[validate(")) {
        for (key, value) in arguments(attribute, "length") {
            keywords.push(format!("{key}_{length_kind} = {value}"));
        }
        for (key, value) in arguments(attribute, "range") {
            let keyword = if key == "min" { "minimum" } else { "maximum" };
            keywords.push(format!("{keyword} = {value}"));
        }
    }
    keywords
}

/// The limit keywords a field's `#[schema(..)]` states.
fn stated_keywords(attributes: &[&str]) -> Vec<String> {
    const LIMITS: [&str; 6] = ["min_length", "max_length", "min_items", "max_items", "minimum", "maximum"];
    attributes
        .iter()
        .filter(|line| line.starts_with("#[schema("))
        .flat_map(|line| line.trim_start_matches("#[schema(").trim_end_matches(")]").split(", "))
        .map(str::trim)
        .filter(|part| LIMITS.iter().any(|limit| part.starts_with(&format!("{limit} ="))))
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_enforced_limit_is_stated_in_the_schema_and_no_other() {
    let mut mismatches = Vec::new();
    for path in dto_files() {
        let source = std::fs::read_to_string(&path).unwrap();
        let mut attributes: Vec<&str> = Vec::new();
        for (number, line) in source.lines().enumerate() {
            let line = line.trim();
            if line.starts_with("#[") || line.starts_with("///") {
                attributes.push(line);
                continue;
            }
            if let Some((name, field_type)) = line.strip_prefix("pub ").and_then(|field| field.split_once(": "))
                // Batches are kept as raw items and sized by the service (see below).
                && !field_type.contains("RawValue")
            {
                let normalise = |keywords: Vec<String>| {
                    let mut keywords: Vec<String> = keywords.into_iter().map(|k| k.replace('_', "")).collect();
                    keywords.sort();
                    keywords
                };
                let expected = normalise(expected_keywords(&attributes, field_type));
                let stated = normalise(stated_keywords(&attributes));
                if expected != stated {
                    mismatches.push(format!(
                        "{}:{} `{name}`: validation asks for {expected:?}, the schema states {stated:?}",
                        path.display(),
                        number + 1
                    ));
                }
            }
            attributes.clear();
        }
    }
    assert!(mismatches.is_empty(), "limits out of step:\n{}", mismatches.join("\n"));
}

#[test]
fn fields_left_out_of_responses_are_exactly_those_listed() {
    let mut skipped = Vec::new();
    for path in dto_files() {
        let source = std::fs::read_to_string(&path).unwrap();
        let (mut structure, mut skipping) = ("", false);
        for line in source.lines().map(str::trim) {
            if let Some(rest) = line.strip_prefix("pub struct ") {
                structure = rest.split([' ', '<', '{', '(']).next().unwrap();
            } else if line.contains("skip_serializing_if") {
                skipping = true;
            } else if skipping && let Some((name, _)) = line.strip_prefix("pub ").and_then(|f| f.split_once(": ")) {
                skipped.push(format!("{structure}.{name}"));
                skipping = false;
            }
        }
    }
    skipped.sort();
    let mut listed: Vec<String> = MAY_BE_ABSENT.iter().map(|&entry| entry.to_owned()).collect();
    listed.sort();
    assert_eq!(skipped, listed, "MAY_BE_ABSENT (src/openapi/required.rs) is out of step with the DTOs");

    let spec = serde_json::to_value(outreach::openapi::spec()).unwrap();
    for entry in MAY_BE_ABSENT {
        let (schema, field) = entry.split_once('.').unwrap();
        // A flattened struct is an `allOf` whose parts carry the properties.
        let schema = &spec["components"]["schemas"][schema];
        let parts = std::iter::once(schema).chain(schema["allOf"].as_array().into_iter().flatten());
        let holder = parts.into_iter().find(|part| part["properties"].get(field).is_some());
        let holder = holder.unwrap_or_else(|| panic!("{entry} is not a property in the spec"));
        let required = holder["required"].as_array().cloned().unwrap_or_default();
        assert!(!required.contains(&serde_json::json!(field)), "{entry} may be absent but is required");
    }
}

#[test]
fn batches_state_the_size_the_service_enforces() {
    let spec = serde_json::to_value(outreach::openapi::spec()).unwrap();
    for (schema, field) in [("VisitBatch", "visits"), ("InspectionBatch", "inspections")] {
        let stated = &spec["components"]["schemas"][schema]["properties"][field]["maxItems"];
        assert_eq!(stated.as_u64(), Some(outreach::service::batch::MAX_BATCH as u64), "{schema}.{field}");
    }
}

#[test]
fn every_timestamp_sent_has_six_fractional_digits() {
    let mut bare = Vec::new();
    for path in dto_files() {
        let source = std::fs::read_to_string(&path).unwrap();
        let (mut serialized, mut formatted) = (false, false);
        for (number, line) in source.lines().map(str::trim).enumerate() {
            if line.starts_with("#[derive(") {
                serialized = line.contains("Serialize");
            }
            formatted |= line.contains("serialize_with = \"crate::dto::timestamp::");
            let field = line.strip_prefix("pub ").and_then(|field| field.split_once(": "));
            if let Some((name, field_type)) = field {
                if serialized && field_type.contains("DateTime<") && !formatted {
                    bare.push(format!("{}:{} `{name}`", path.display(), number + 1));
                }
                formatted = false;
            }
        }
    }
    assert!(bare.is_empty(), "timestamps sent without crate::dto::timestamp:\n{}", bare.join("\n"));
}
