//! `Query<T>`: the query-string extractor of every endpoint.
//!
//! Unlike `actix_web::web::Query` it names the parameter at fault (`query.limit`,
//! via serde_path_to_error) and says what the value must look like in plain words.

use std::future::{Ready, ready};
use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use crate::dto::json::plain_message;
use crate::dto::query_values;
use crate::error::{ApiError, ErrorCode, FieldError};

/// The query string, deserialized into `T`.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T> Query<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Query<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse(req.query_string()).map(Query))
    }
}

/// Parses a query string (without the `?`) into `T`. A parameter whose value
/// is wrong (missing, malformed, outside an enum, naming no branch or no id)
/// is 422 naming `query.<name>`; only a query string that cannot be read at
/// all is 400.
pub fn parse<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let pairs = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(pairs).map_err(|err| {
        let message = err.inner().to_string();
        let path = err.path().to_string();
        let name = match path.as_str() {
            "." | "" => message.starts_with("missing field").then(|| message.split('`').nth(1)).flatten(),
            path => Some(path),
        };
        let Some(name) = name else {
            return ApiError::BadRequest {
                errors: vec![FieldError::new("query", ErrorCode::MalformedQuery, plain_message(&message))],
                detail: "the query string is malformed".to_owned(),
            };
        };
        let (code, message) = if message.starts_with("missing field") {
            (ErrorCode::Required, "this parameter is required".to_owned())
        } else if message.starts_with("unknown variant") {
            (ErrorCode::UnknownValue, plain_message(&message))
        } else if let Some(rest) = message.strip_prefix(query_values::NO_BRANCH) {
            (ErrorCode::UnknownBranch, format!("{}{rest}", query_values::NO_BRANCH))
        } else {
            (ErrorCode::InvalidType, plain_message(&message))
        };
        ApiError::Validation(vec![FieldError::new(format!("query.{name}"), code, message)])
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Filter {
        limit: Option<i64>,
        branch: String,
        updated_since: Option<chrono::DateTime<chrono::Utc>>,
    }

    fn field_and_message(query: &str) -> (String, String) {
        let Err(ApiError::Validation(errors)) = parse::<Filter>(query) else { panic!("{query} parsed") };
        (errors[0].field.clone(), errors[0].message.clone())
    }

    #[test]
    fn errors_name_the_parameter() {
        let (field, message) = field_and_message("branch=KZ-71&limit=ten");
        assert_eq!(field, "query.limit");
        assert!(message.starts_with("not a whole number"), "{message}");
        assert_eq!(field_and_message("limit=1"), ("query.branch".into(), "this parameter is required".into()));
        let (field, message) = field_and_message("branch=KZ-71&updated_since=2026-12-01T09:00:00");
        assert_eq!(field, "query.updated_since");
        assert!(message.contains("with an offset"), "{message}");
        assert!(parse::<Filter>("branch=KZ-71&limit=5").is_ok());
    }
}
