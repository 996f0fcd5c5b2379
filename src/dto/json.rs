//! JSON documents parsed with the offending field named (used for request bodies
//! and for the items of offline batches).

use serde::de::DeserializeOwned;

use crate::error::{ApiError, ErrorCode, FieldError};

/// Parses `bytes` as one JSON document of type `T`, naming the offending field on
/// failure.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // No text we store may hold a NUL character (PostgreSQL refuses it).
    let nul_escape = |(at, byte): (usize, &u8)| {
        *byte == b'\\' && bytes.get(at..at + 6).is_some_and(|escape| escape.eq_ignore_ascii_case(b"\\u0000"))
    };
    if bytes.iter().enumerate().any(nul_escape) {
        return Err(ApiError::invalid(
            "body",
            ErrorCode::NulCharacter,
            "text must not contain NUL characters (\\u0000)",
        ));
    }
    // Most bodies are valid: parse them at full speed, and only a refused one
    // again with its path tracked (which costs about as much as the parse
    // itself), to name the offending field.
    if let Ok(value) = serde_json::from_slice(bytes) {
        return Ok(value);
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
        FieldError::new(field(None), ErrorCode::InvalidType, plain_message(&message))
    };
    ApiError::Validation(vec![error])
}

/// chrono's parse errors, as its `Display` writes them.
const TIME_PARSE_ERRORS: [&str; 7] = [
    "premature end of input",
    "input contains invalid characters",
    "input is out of range",
    "trailing input",
    "no possible date and time matching input",
    "input is not enough for unique date and time",
    "bad or unsupported format string",
];

/// serde's message in the words of JSON rather than of Rust: `expected struct
/// CreateEvent` names our type, `expected i32` a Rust one, and chrono's
/// `premature end of input` does not say what a timestamp must look like.
pub fn plain_message(message: &str) -> String {
    if TIME_PARSE_ERRORS.contains(&message) {
        return format!(
            "not a valid date or time ({message}): timestamps are RFC 3339 with an offset \
             (2026-12-01T09:00:00Z or +05:00), dates are YYYY-MM-DD"
        );
    }
    // std's integer parse errors, as query-string values report them.
    if matches!(
        message,
        "invalid digit found in string"
            | "cannot parse integer from empty string"
            | "number too large to fit in target type"
            | "number too small to fit in target type"
    ) {
        return format!("not a whole number in range ({message})");
    }
    let Some((found, expected)) = message.split_once(", expected ") else { return message.to_owned() };
    let expected = match expected {
        _ if expected.starts_with("struct ") || expected.starts_with("a map") => "an object",
        "a sequence" => "an array",
        "a boolean" => "true or false",
        _ if expected.len() <= 4
            && (expected.starts_with('i') || expected.starts_with('u'))
            && expected[1..].chars().all(|c| c.is_ascii_digit()) =>
        {
            "an integer"
        }
        "f32" | "f64" => "a number",
        _ => expected,
    };
    format!("{found}, expected {expected}")
}

/// A CSV file sent as the raw request body (UTF-8, a header row). Described as
/// binary content so that client generators pass it through as bytes.
pub struct CsvFile;

impl utoipa::PartialSchema for CsvFile {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .content_media_type("text/csv")
            .into()
    }
}

impl utoipa::ToSchema for CsvFile {}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes_of(body: &str) -> Vec<ErrorCode> {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Named {
            name: String,
        }
        match parse_json::<Named>(body.as_bytes()) {
            Ok(_) => Vec::new(),
            Err(ApiError::Validation(errors) | ApiError::BadRequest { errors, .. }) => {
                errors.into_iter().map(|error| error.code).collect()
            }
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_nul_escape_is_found_anywhere_and_a_refused_body_names_its_field() {
        assert_eq!(codes_of(r#"{"name": "\u0000"}"#), vec![ErrorCode::NulCharacter]);
        assert_eq!(codes_of(r#"{"name": "ab"}\u0000"#), vec![ErrorCode::NulCharacter]);
        assert_eq!(codes_of(r#"{"name": "\u000"#), vec![ErrorCode::MalformedJson]);
        assert_eq!(codes_of(r#"{"name": "\u0041"}"#), Vec::new());
        let Err(ApiError::Validation(errors)) = parse_json::<serde_json::Map<String, serde_json::Value>>(b"[1]") else {
            panic!("an array is not an object");
        };
        assert_eq!(errors[0].field, "body");
        assert_eq!(codes_of(r#"{"name": "a", "nmae": "b"}"#), vec![ErrorCode::UnknownField]);
        assert_eq!(codes_of(r#"{"name": "a"} {}"#), vec![ErrorCode::MalformedJson]);
    }

    #[test]
    fn messages_speak_json_not_rust() {
        assert_eq!(
            plain_message("invalid type: integer `1`, expected struct CreateEvent"),
            "invalid type: integer `1`, expected an object"
        );
        assert_eq!(
            plain_message("invalid type: string \"x\", expected i32"),
            "invalid type: string \"x\", expected an integer"
        );
        assert_eq!(plain_message("invalid type: map, expected a sequence"), "invalid type: map, expected an array");
        assert!(plain_message("premature end of input").contains("RFC 3339 with an offset"));
        assert_eq!(plain_message("invalid length 0, expected fewer"), "invalid length 0, expected fewer");
    }
}
