//! Query-parameter values checked as they are read: a filter that names
//! nothing that can exist (a branch code that is not one of the 20, an id that
//! is not a UUID) is refused with 422 naming `query.<name>`, instead of
//! answering an empty page. Used as `#[serde(default, deserialize_with = ...)]`
//! on the query structs; the messages start with the words the query
//! extractor reads the error code from (see `api::query`).

use serde::{Deserialize, Deserializer, de::Error};

use crate::domain::branch::is_branch_code;
use crate::domain::ids::canonical_uuid;

/// The start of the message of a branch code that names no branch.
pub const NO_BRANCH: &str = "names no branch";
/// The start of the message of an id that is not a UUID.
pub const NOT_AN_ID: &str = "not an id";

/// `branch=`: one of the branches' codes (`KZ-71`).
pub fn branch<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    match Option::<String>::deserialize(deserializer)? {
        Some(code) if is_branch_code(&code) => Ok(Some(code)),
        Some(_) => Err(D::Error::custom(format!("{NO_BRANCH}: a branch code such as KZ-71"))),
        None => Ok(None),
    }
}

/// A required `branch=`.
pub fn required_branch<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    branch(deserializer)?.ok_or_else(|| D::Error::custom(format!("{NO_BRANCH}: a branch code such as KZ-71")))
}

/// `..._id=`: a UUID, in its canonical form.
pub fn id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    match Option::<String>::deserialize(deserializer)? {
        Some(text) => canonical_uuid(&text).map(Some).ok_or_else(|| D::Error::custom(format!("{NOT_AN_ID}: a UUID"))),
        None => Ok(None),
    }
}
