//! The one error type of the API and its RFC 9457 `application/problem+json`
//! rendering. Every failure, actix's own included, ends up here.
//!
//! The body rendered by [`ApiError::error_response`] lacks the request id and the
//! request path; the request-context middleware completes both (it is the only
//! place that knows them) and logs internal errors under the request id.

use std::fmt;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

pub mod code;
pub mod problem_type;
mod validation;

pub use code::ErrorCode;
pub use problem_type::ProblemType;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Seconds a client should wait before retrying when the database is unavailable.
const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 5;

/// One invalid input: which field, which rule, and a message for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// Path of the offending field in the request (`phone`, `stops[3].building`,
    /// `query.limit`), or `body` when the whole body is at fault.
    pub field: String,
    /// Machine-readable rule that failed (`required`, `unknown_field`, `length`, ...).
    pub code: ErrorCode,
    /// Human-readable explanation.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: ErrorCode, message: impl Into<String>) -> Self {
        Self { field: field.into(), code, message: message.into() }
    }
}

/// An RFC 9457 problem document, the body of every error response.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// URI reference identifying the problem type.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong, for programs: one of [`ErrorCode`]'s problem codes, or for a
    /// conflict or malformed request the code of the field rule at fault.
    pub code: ErrorCode,
    /// Explanation specific to this occurrence.
    pub detail: String,
    /// The request path that caused the problem.
    pub instance: String,
    /// Id of the request (also in the `X-Request-Id` header); quote it when reporting.
    pub request_id: String,
    /// Field-level errors, empty when the problem is not about particular fields.
    pub errors: Vec<FieldError>,
    /// For conflicts with an existing record the caller may see: its id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing_id: Option<String>,
    /// The real cause of an internal error: logged, never sent.
    #[serde(skip)]
    pub internal_cause: Option<String>,
}

impl Problem {
    /// A problem of `status` with the generic title and type of that status.
    pub fn for_status(status: StatusCode, detail: impl Into<String>) -> Self {
        let problem_type = ProblemType::of(status);
        Self {
            problem_type: format!("/problems/{}", problem_type.slug),
            code: problem_type.code,
            title: status.canonical_reason().unwrap_or(problem_type.title).to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            instance: String::new(),
            request_id: String::new(),
            errors: Vec::new(),
            existing_id: None,
            internal_cause: None,
        }
    }
}

/// Everything that can go wrong in a request, each variant with its status code.
#[derive(Debug)]
pub enum ApiError {
    /// 400: the request is malformed (bad JSON syntax, bad query string).
    BadRequest { detail: String, errors: Vec<FieldError> },
    /// 401: no credentials, or bad ones; `code` says which.
    Unauthorized { code: ErrorCode, detail: String },
    /// 403: the caller's role may never do this.
    Forbidden(String),
    /// 403: the account must change its one-time password before anything else.
    PasswordChangeRequired(String),
    /// 404: absent, or outside the caller's scope.
    NotFound(String),
    /// 405: the path exists, the method does not.
    MethodNotAllowed { allowed: Vec<Method> },
    /// 409: duplicate, overlap, negative stock, illegal status change.
    Conflict { detail: String, errors: Vec<FieldError>, existing_id: Option<String> },
    /// 410: the change feed no longer keeps the changes after the cursor.
    Gone(String),
    /// 412: the `If-Match` version is stale.
    PreconditionFailed(String),
    /// 413: the body exceeds the limit.
    PayloadTooLarge(String),
    /// 415: the body is not JSON.
    UnsupportedMediaType(String),
    /// 422: the body is well-formed but breaks a rule.
    Validation(Vec<FieldError>),
    /// 429: throttled.
    TooManyRequests { detail: String, retry_after_secs: u64 },
    /// 503: the database is unreachable or overloaded.
    Unavailable(String),
    /// 500: a bug or an unexpected failure. The cause is logged, never sent.
    Internal(String),
    /// A request refused before routing (414, 431): see `crate::edge`.
    Refused { status: StatusCode, detail: String, errors: Vec<FieldError> },
}

impl ApiError {
    /// An unexpected failure; `cause` goes to the log only.
    pub fn internal(cause: impl fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }

    /// The database cannot be reached; `cause` goes to the log only.
    pub fn unavailable(cause: impl fmt::Display) -> Self {
        Self::Unavailable(cause.to_string())
    }

    /// 401 with the code that tells a client what to do (sign in, refresh, ...).
    pub fn unauthorized(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self::Unauthorized { code, detail: detail.into() }
    }

    pub fn not_found(what: impl fmt::Display) -> Self {
        Self::NotFound(format!("{what} not found"))
    }

    /// An error of `status` with a plain detail, for failures that come from
    /// outside our code (middleware, libraries).
    pub fn from_status(status: StatusCode, detail: String) -> Self {
        match status.as_u16() {
            400 => Self::BadRequest { detail, errors: Vec::new() },
            401 => Self::Unauthorized { code: ErrorCode::InvalidToken, detail },
            403 => Self::Forbidden(detail),
            404 => Self::NotFound(detail),
            413 => Self::PayloadTooLarge(detail),
            415 => Self::UnsupportedMediaType(detail),
            503 => Self::Unavailable(detail),
            _ => Self::Internal(detail),
        }
    }

    /// A 422 for one field.
    /// 409 for one field's rule, naming the existing record when the caller may see it.
    pub fn field_conflict(
        detail: impl Into<String>,
        field: &str,
        code: ErrorCode,
        existing_id: Option<String>,
    ) -> Self {
        let detail = detail.into();
        Self::Conflict { errors: vec![FieldError::new(field, code, detail.clone())], detail, existing_id }
    }

    pub fn invalid(field: &str, code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }

    /// The problem document for this error, without request id and path.
    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        match self {
            Self::BadRequest { detail, errors } => Problem {
                code: errors.first().map_or(ErrorCode::MalformedRequest, |error| error.code),
                errors: errors.clone(),
                ..Problem::for_status(status, detail.clone())
            },
            Self::Unauthorized { code, detail } => {
                Problem { code: *code, ..Problem::for_status(status, detail.clone()) }
            }
            Self::PasswordChangeRequired(detail) => {
                Problem { code: ErrorCode::MustChangePassword, ..Problem::for_status(status, detail.clone()) }
            }
            Self::Gone(detail) => {
                Problem { code: ErrorCode::CursorExpired, ..Problem::for_status(status, detail.clone()) }
            }
            Self::Forbidden(detail)
            | Self::NotFound(detail)
            | Self::PreconditionFailed(detail)
            | Self::PayloadTooLarge(detail)
            | Self::UnsupportedMediaType(detail)
            | Self::TooManyRequests { detail, .. } => Problem::for_status(status, detail.clone()),
            Self::MethodNotAllowed { allowed } => {
                let allowed: Vec<&str> = allowed.iter().map(Method::as_str).collect();
                Problem::for_status(status, format!("this path accepts only {}", allowed.join(", ")))
            }
            Self::Conflict { detail, errors, existing_id } => Problem {
                code: errors.first().map_or(ErrorCode::Conflict, |error| error.code),
                errors: errors.clone(),
                existing_id: existing_id.clone(),
                ..Problem::for_status(status, detail.clone())
            },
            Self::Validation(errors) => Problem {
                errors: errors.clone(),
                ..Problem::for_status(status, "the request breaks one or more rules; see errors")
            },
            Self::Unavailable(cause) => Problem {
                internal_cause: Some(cause.clone()),
                ..Problem::for_status(status, "the database is unavailable; retry later")
            },
            Self::Internal(cause) => Problem {
                internal_cause: Some(cause.clone()),
                ..Problem::for_status(status, "an internal error occurred; quote the request id when reporting it")
            },
            Self::Refused { detail, errors, .. } => {
                Problem { errors: errors.clone(), ..Problem::for_status(status, detail.clone()) }
            }
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let problem = self.problem();
        write!(f, "{} {}: {}", problem.status, problem.title, problem.detail)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) | Self::PasswordChangeRequired(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Gone(_) => StatusCode::GONE,
            Self::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Refused { status, .. } => *status,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        match self {
            Self::Unauthorized { code, .. } => {
                // RFC 6750: name the error when a token was sent and is at fault.
                let challenge = match code {
                    ErrorCode::InvalidToken | ErrorCode::TokenExpired | ErrorCode::SessionRevoked => {
                        format!("Bearer error=\"invalid_token\", error_description=\"{code}\"")
                    }
                    _ => "Bearer".to_owned(),
                };
                if let Ok(value) = HeaderValue::from_str(&challenge) {
                    response.insert_header((header::WWW_AUTHENTICATE, value));
                }
            }
            Self::MethodNotAllowed { allowed } => {
                let allowed: Vec<&str> = allowed.iter().map(Method::as_str).collect();
                if let Ok(value) = HeaderValue::from_str(&allowed.join(", ")) {
                    response.insert_header((header::ALLOW, value));
                }
            }
            Self::TooManyRequests { retry_after_secs, .. } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            Self::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, UNAVAILABLE_RETRY_AFTER_SECS.to_string()));
            }
            _ => {}
        }
        let problem = self.problem();
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = response.content_type(PROBLEM_JSON).body(body);
        // The middleware completes the document with the request id and path.
        response.extensions_mut().insert(problem);
        response
    }
}

impl From<crate::domain::version::VersionConflict> for ApiError {
    fn from(conflict: crate::domain::version::VersionConflict) -> Self {
        use crate::domain::version::VersionConflict;
        match conflict {
            VersionConflict::Stale { current, expected } => Self::PreconditionFailed(format!(
                "the record is at version {current}, not {expected}; reload it and apply the change again"
            )),
            VersionConflict::HeaderBodyMismatch => {
                Self::invalid("version", ErrorCode::Mismatch, "the body's version differs from the If-Match header")
            }
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(err: diesel::result::Error) -> Self {
        use crate::db::failure::{Failure, classify};
        if let diesel::result::Error::NotFound = err {
            return Self::NotFound("record not found".into());
        }
        match classify(&err) {
            Failure::Duplicate => Self::Conflict {
                detail: "a record with the same unique value already exists".into(),
                errors: Vec::new(),
                existing_id: None,
            },
            // PostgreSQL refuses values outside its ranges (years before 4713 BC,
            // integers past 2^31): the request's fault, not ours.
            Failure::OutOfRange => Self::BadRequest {
                detail: "a value is outside the range that can be stored".into(),
                errors: Vec::new(),
            },
            // PostgreSQL refuses NUL characters in text; the edge should have caught them.
            Failure::UnstorableText => Self::BadRequest {
                detail: "the request contains characters that cannot be stored".into(),
                errors: Vec::new(),
            },
            // Lock contention beyond the busy timeout, a serialization failure or
            // deadlock, a lost connection: retrying later can succeed.
            Failure::Transient => Self::unavailable(err),
            Failure::Other => Self::internal(err),
        }
    }
}
