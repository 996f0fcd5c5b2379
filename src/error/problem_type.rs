//! The problem types: what `type` in a problem document names, and what
//! `GET /problems/{slug}` (the URI `type` resolves to) describes.

use actix_web::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use super::ErrorCode;

/// One kind of problem, by HTTP status.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct ProblemType {
    /// The last segment of the type URI (`/problems/{slug}`).
    pub slug: &'static str,
    pub title: &'static str,
    pub status: u16,
    /// The problem's `code` unless a more precise one applies.
    pub code: ErrorCode,
    /// What it means and what a client does about it.
    pub description: &'static str,
}

const fn kind(
    slug: &'static str,
    title: &'static str,
    status: u16,
    code: ErrorCode,
    description: &'static str,
) -> ProblemType {
    ProblemType { slug, title, status, code, description }
}

impl ProblemType {
    pub const ALL: &'static [Self] = &[
        kind(
            "bad-request",
            "Bad Request",
            400,
            ErrorCode::MalformedRequest,
            "The request cannot be read: malformed JSON, an undocumented or malformed query parameter, a NUL in the URL. `errors` names the part at fault. Fix the request; retrying it unchanged fails again.",
        ),
        kind(
            "unauthorized",
            "Unauthorized",
            401,
            ErrorCode::InvalidToken,
            "No usable credentials. `code` says why: `missing_token` (send `Authorization: Bearer ...`), `token_expired` (refresh the session), `invalid_token`, `session_revoked` or `refresh_token_reused` (sign in again), `wrong_credentials`.",
        ),
        kind(
            "forbidden",
            "Forbidden",
            403,
            ErrorCode::RoleForbidden,
            "The caller's role may never do this (`role_forbidden`), or the account must first change its one-time password (`must_change_password`, `POST /api/v1/me/password`).",
        ),
        kind(
            "not-found",
            "Not Found",
            404,
            ErrorCode::NotFound,
            "No such record, or one outside the caller's scope (its existence is not revealed), or no such path.",
        ),
        kind(
            "method-not-allowed",
            "Method Not Allowed",
            405,
            ErrorCode::MethodNotAllowed,
            "The path exists but not with this method; `Allow` lists the methods it takes.",
        ),
        kind(
            "conflict",
            "Conflict",
            409,
            ErrorCode::Conflict,
            "The change conflicts with stored data: a duplicate (`existing_id` names the record when the caller may see it), an overlap, an illegal status change. `code` is the rule at fault.",
        ),
        kind(
            "gone",
            "Gone",
            410,
            ErrorCode::CursorExpired,
            "The change feed no longer keeps the changes after this cursor (they are kept for a limited time, 90 days by default). Resync: note a new cursor (`GET /api/v1/changes` from the start, followed to its end), reload the lists, then follow the feed from that cursor.",
        ),
        kind(
            "precondition-failed",
            "Precondition Failed",
            412,
            ErrorCode::StaleVersion,
            "The record changed since the version in `If-Match` (or `version`). Reload it, apply the change again, and send the new `ETag`.",
        ),
        kind(
            "payload-too-large",
            "Payload Too Large",
            413,
            ErrorCode::PayloadTooLarge,
            "The body exceeds the operation's limit; split a batch into smaller ones.",
        ),
        kind(
            "unsupported-media-type",
            "Unsupported Media Type",
            415,
            ErrorCode::UnsupportedMediaType,
            "The body is not of the media type the operation takes (`application/json`, or `text/csv` for imports).",
        ),
        kind(
            "validation-failed",
            "Unprocessable Entity",
            422,
            ErrorCode::ValidationFailed,
            "The request is well formed but breaks rules; `errors` lists each field (`field`), rule (`code`) and a message.",
        ),
        kind(
            "too-many-requests",
            "Too Many Requests",
            429,
            ErrorCode::Throttled,
            "Too many attempts; wait the seconds `Retry-After` gives before trying again.",
        ),
        kind(
            "service-unavailable",
            "Service Unavailable",
            503,
            ErrorCode::DatabaseUnavailable,
            "The database is unreachable or overloaded; retry after `Retry-After` seconds. Nothing was written.",
        ),
        kind(
            "internal-error",
            "Internal Server Error",
            500,
            ErrorCode::InternalError,
            "A failure on the server's side; the log has its cause under the request id. Quote `request_id` when reporting it.",
        ),
        kind(
            "client-error",
            "Client Error",
            400,
            ErrorCode::MalformedRequest,
            "The request was refused before it reached the API (an oversized header or URL, say); the status says which.",
        ),
    ];

    /// The type of a problem of `status`: the first of [`Self::ALL`] with that
    /// status, else the generic server or client error.
    pub fn of(status: StatusCode) -> Self {
        let generic = if status.is_server_error() { "internal-error" } else { "client-error" };
        Self::ALL
            .iter()
            .find(|problem_type| problem_type.status == status.as_u16())
            .copied()
            .or_else(|| Self::by_slug(generic))
            .unwrap_or(Self::ALL[0])
    }

    pub fn by_slug(slug: &str) -> Option<Self> {
        Self::ALL.iter().find(|problem_type| problem_type.slug == slug).copied()
    }
}
