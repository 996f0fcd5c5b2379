//! A field the server always sends is `required` in the spec, nullable where it
//! can be null: generated clients then type it `T | null` rather than `T | undefined`.
//!
//! utoipa marks an `Option<T>` field optional, which is right for a request and
//! wrong for a response, where `null` is sent rather than nothing. So every
//! schema that only responses use gets all its properties required, except the
//! fields serde leaves out (`skip_serializing_if`), listed in [`MAY_BE_ABSENT`].
//! Schemas shared with request bodies keep utoipa's reading.

use std::collections::BTreeSet;

use serde_json::Value;
use utoipa::openapi::schema::Schema;
use utoipa::openapi::{OpenApi, RefOr};

/// `Schema.field` for each response field that is left out rather than sent as
/// `null`: personal data the caller may not see, parts sent only on request, and
/// the id a `409` on a duplicate points at.
pub const MAY_BE_ABSENT: &[&str] = &[
    "AccountWithPassword.one_time_password",
    "BranchOut.head_coordinator",
    "OrganisationOut.contact_name",
    "OrganisationOut.contact_phone",
    "InspectionResult.change",
    "RouteOut.stops",
    "ItemResult.visit",
    "VolunteerOut.full_name",
    "VolunteerOut.phone",
    "VolunteerOut.email",
    "VolunteerOut.birth_date",
    "VolunteerOut.guardian_name",
    "VolunteerOut.availability",
    "VolunteerOut.requested_shift_id",
    "SignupOut.volunteer_name",
    "Problem.existing_id",
];

/// Marks the always-sent fields of response-only schemas as required.
pub fn require_sent_fields(spec: &mut OpenApi) {
    let Ok(document) = serde_json::to_value(&*spec) else { return };
    let schemas = &document["components"]["schemas"];
    let mut in_requests = BTreeSet::new();
    let mut in_responses = BTreeSet::new();
    for item in document["paths"].as_object().into_iter().flat_map(|paths| paths.values()) {
        for operation in item.as_object().into_iter().flat_map(|item| item.values()) {
            collect_refs(&operation["requestBody"], schemas, &mut in_requests);
            collect_refs(&operation["parameters"], schemas, &mut in_requests);
            collect_refs(&operation["responses"], schemas, &mut in_responses);
        }
    }
    let Some(components) = spec.components.as_mut() else { return };
    for name in in_responses.difference(&in_requests) {
        if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(name) {
            let absent = |field: &str| MAY_BE_ABSENT.contains(&format!("{name}.{field}").as_str());
            let sent: Vec<String> = object
                .properties
                .keys()
                .filter(|field| !absent(field) && !object.required.contains(field))
                .cloned()
                .collect();
            object.required.extend(sent);
        }
    }
}

/// Every component schema `value` refers to, directly or through other schemas.
fn collect_refs(value: &Value, schemas: &Value, found: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref")
                && let Some(name) = reference.strip_prefix("#/components/schemas/")
                && found.insert(name.to_owned())
            {
                collect_refs(&schemas[name], schemas, found);
            }
            map.values().for_each(|child| collect_refs(child, schemas, found));
        }
        Value::Array(items) => items.iter().for_each(|child| collect_refs(child, schemas, found)),
        _ => {}
    }
}
