//! `Page_X` schemas refer to `X` instead of carrying a copy of it.
//!
//! utoipa expands a generic's type argument in place, so every list's page held a
//! full copy of its item schema, and generated clients got two unrelated types for
//! one record (`EventOut` and an anonymous `Page_EventOut.items[]`).

use utoipa::openapi::schema::{ArrayItems, Schema};
use utoipa::openapi::{OpenApi, Ref, RefOr};

/// Moves each page's item schema into the components (where it is not there yet)
/// and makes the page refer to it.
pub fn refer_to_items(spec: &mut OpenApi) {
    let Some(components) = spec.components.as_mut() else { return };
    let pages: Vec<String> = components.schemas.keys().filter(|name| name.starts_with("Page_")).cloned().collect();
    for page in pages {
        let item_name = page.trim_start_matches("Page_").to_owned();
        let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(&page) else { continue };
        let Some(RefOr::T(Schema::Array(array))) = object.properties.get_mut("items") else { continue };
        let by_reference = ArrayItems::RefOrSchema(Box::new(RefOr::Ref(Ref::from_schema_name(&item_name))));
        let ArrayItems::RefOrSchema(inline) = std::mem::replace(&mut array.items, by_reference) else { continue };
        components.schemas.entry(item_name).or_insert(*inline);
    }
}
