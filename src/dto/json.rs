//! JSON documents parsed with the offending field named (used for request bodies
//! and for the items of offline batches).

use serde::de::DeserializeOwned;

use crate::error::{ApiError, ErrorCode, FieldError};

/// Parses `bytes` as one JSON document of type `T`, naming the offending field on
/// failure.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // No text we store may hold a NUL character (PostgreSQL refuses it).
    if bytes.windows(6).any(|window| window.eq_ignore_ascii_case(b"\\u0000")) {
        return Err(ApiError::invalid(
            "body",
            ErrorCode::NulCharacter,
            "text must not contain NUL characters (\\u0000)",
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(json_error)?;
    deserializer.end().map_err(|err| ApiError::BadRequest {
        detail: "the body holds more than one JSON document".into(),
        errors: vec![FieldError::new("body", ErrorCode::MalformedJson, err.to_string())],
    })?;
    Ok(value)
}

fn json_error(err: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = err.path().to_string();
    let inner = err.inner();
    let message = inner.to_string();
    let message = message.split(" at line ").next().unwrap_or_default().to_owned();
    if !inner.is_data() {
        return ApiError::BadRequest {
            detail: format!("the body is not valid JSON: {message}"),
            errors: vec![FieldError::new("body", ErrorCode::MalformedJson, message)],
        };
    }
    let field = |name: Option<&str>| match (path.as_str(), name) {
        (".", Some(name)) | ("", Some(name)) => name.to_owned(),
        (".", None) | ("", None) => "body".to_owned(),
        (path, Some(name)) => format!("{path}.{name}"),
        (path, None) => path.to_owned(),
    };
    let quoted = message.split('`').nth(1);
    let error = if message.starts_with("unknown field") {
        // The path already ends with the unknown field's name.
        FieldError::new(field(None), ErrorCode::UnknownField, format!("unknown field; {message}"))
    } else if message.starts_with("missing field") {
        FieldError::new(field(quoted), ErrorCode::Required, "this field is required")
    } else if message.starts_with("unknown variant") {
        FieldError::new(field(None), ErrorCode::UnknownValue, message)
    } else {
        FieldError::new(field(None), ErrorCode::InvalidType, message)
    };
    ApiError::Validation(vec![error])
}
