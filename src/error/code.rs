//! The codes of a problem (`code`) and of its field errors (`errors[].code`): one
//! closed set, listed in the OpenAPI spec, so clients branch on a code, never on
//! message text.

use serde::Serialize;
use utoipa::ToSchema;

/// Machine-readable code of a problem as a whole (the first group) or of the rule
/// a field broke (the rest). New codes may be added; a client treats one it does
/// not know by the response's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: the request cannot be read (field codes say where)
    MalformedRequest,
    /// 401: no bearer token, or not a bearer scheme
    MissingToken,
    /// 401: the token is malformed, forged or unknown
    InvalidToken,
    /// 401: the access token expired; refresh it
    TokenExpired,
    /// 401: the session ended (logout, password change, disabled account, role change)
    SessionRevoked,
    /// 401: a spent refresh token was used again; the login's sessions are revoked
    RefreshTokenReused,
    /// 401: email or password is wrong
    WrongCredentials,
    /// 403: the caller's role may not do this
    RoleForbidden,
    /// 403: the account must change its one-time password first
    MustChangePassword,
    /// 404: absent, or outside the caller's scope
    NotFound,
    /// 405: the path exists, the method does not
    MethodNotAllowed,
    /// 409: the change conflicts with stored data (field codes say which rule)
    Conflict,
    /// 410: the change feed no longer keeps the changes after this cursor; resync from the lists
    CursorExpired,
    /// 412: the record changed since the version the change is based on
    StaleVersion,
    /// 413: the body exceeds the limit
    PayloadTooLarge,
    /// 415: the body is not of the accepted media type
    UnsupportedMediaType,
    /// 422: one or more fields break a rule (see `errors`)
    ValidationFailed,
    /// 429: too many requests; retry after `Retry-After` seconds
    Throttled,
    /// 503: the database is unavailable; retry after `Retry-After` seconds
    DatabaseUnavailable,
    /// 500: a failure on our side; quote the request id
    InternalError,
    AboveEmployeeCount,
    AssignmentEnded,
    BeforeFromDate,
    BeforePublication,
    BeforeRoute,
    CapacityExceeded,
    Bin,
    Csv,
    Cycle,
    Duplicate,
    DuplicateInFile,
    Email,
    Encoding,
    EqualsEmail,
    EventNotOpen,
    ForbiddenAddress,
    Format,
    IdNotAllowed,
    IllegalStatusChange,
    IllegalTransition,
    ImplausibleAge,
    InFuture,
    InThePast,
    Inconsistent,
    InsufficientStock,
    Invalid,
    InvalidCursor,
    CursorMismatch,
    InvalidType,
    Length,
    MalformedJson,
    MalformedQuery,
    Meeting,
    Mismatch,
    MissingColumn,
    MissingSkill,
    MoreThanDoors,
    NoDays,
    NoShifts,
    NonexistentLocalTime,
    NotAfterStart,
    NotAllowed,
    NotAPoster,
    NotAttendance,
    NotDistributing,
    NotEditable,
    NotHeld,
    NotHttps,
    NotOnRoute,
    NotOpen,
    NulCharacter,
    OtherBranch,
    OutsideEvent,
    Overlap,
    PhoneFormat,
    PhoneNotKazakhMobile,
    Range,
    Refused,
    Required,
    Reused,
    RouteFull,
    ShiftsOutside,
    StopHasVisits,
    Taken,
    TooDeep,
    TooEarly,
    TooLong,
    TooMany,
    TooManyRows,
    TooShort,
    Unchanged,
    UnknownBranch,
    UnknownEvent,
    UnknownField,
    UnknownFollowUp,
    UnknownLocality,
    UnknownMaterial,
    UnknownMemberOrganisation,
    UnknownOrganisation,
    UnknownParameter,
    UnknownPlacement,
    UnknownShift,
    UnknownStop,
    UnknownValue,
    UnknownVolunteer,
    Unresolvable,
    VolunteerNotActive,
    WrongPassword,
    WrongPlatform,
}

crate::text_enum!(ErrorCode {
        MalformedRequest = "malformed_request",
        MissingToken = "missing_token",
        InvalidToken = "invalid_token",
        TokenExpired = "token_expired",
        SessionRevoked = "session_revoked",
        RefreshTokenReused = "refresh_token_reused",
        WrongCredentials = "wrong_credentials",
        RoleForbidden = "role_forbidden",
        MustChangePassword = "must_change_password",
        NotFound = "not_found",
        MethodNotAllowed = "method_not_allowed",
        Conflict = "conflict",
        CursorExpired = "cursor_expired",
        StaleVersion = "stale_version",
        PayloadTooLarge = "payload_too_large",
        UnsupportedMediaType = "unsupported_media_type",
        ValidationFailed = "validation_failed",
        Throttled = "throttled",
        DatabaseUnavailable = "database_unavailable",
        InternalError = "internal_error",
        AboveEmployeeCount = "above_employee_count",
        AssignmentEnded = "assignment_ended",
        BeforeFromDate = "before_from_date",
        BeforePublication = "before_publication",
        BeforeRoute = "before_route",
        CapacityExceeded = "capacity_exceeded",
        Bin = "bin",
        Csv = "csv",
        Cycle = "cycle",
        Duplicate = "duplicate",
        DuplicateInFile = "duplicate_in_file",
        Email = "email",
        Encoding = "encoding",
        EqualsEmail = "equals_email",
        EventNotOpen = "event_not_open",
        ForbiddenAddress = "forbidden_address",
        Format = "format",
        IdNotAllowed = "id_not_allowed",
        IllegalStatusChange = "illegal_status_change",
        IllegalTransition = "illegal_transition",
        ImplausibleAge = "implausible_age",
        InFuture = "in_future",
        InThePast = "in_the_past",
        Inconsistent = "inconsistent",
        InsufficientStock = "insufficient_stock",
        Invalid = "invalid",
        InvalidCursor = "invalid_cursor",
        CursorMismatch = "cursor_mismatch",
        InvalidType = "invalid_type",
        Length = "length",
        MalformedJson = "malformed_json",
        MalformedQuery = "malformed_query",
        Meeting = "meeting",
        Mismatch = "mismatch",
        MissingColumn = "missing_column",
        MissingSkill = "missing_skill",
        MoreThanDoors = "more_than_doors",
        NoDays = "no_days",
        NoShifts = "no_shifts",
        NonexistentLocalTime = "nonexistent_local_time",
        NotAfterStart = "not_after_start",
        NotAllowed = "not_allowed",
        NotAPoster = "not_a_poster",
        NotAttendance = "not_attendance",
        NotDistributing = "not_distributing",
        NotEditable = "not_editable",
        NotHeld = "not_held",
        NotHttps = "not_https",
        NotOnRoute = "not_on_route",
        NotOpen = "not_open",
        NulCharacter = "nul_character",
        OtherBranch = "other_branch",
        OutsideEvent = "outside_event",
        Overlap = "overlap",
        PhoneFormat = "phone_format",
        PhoneNotKazakhMobile = "phone_not_kazakh_mobile",
        Range = "range",
        Refused = "refused",
        Required = "required",
        Reused = "reused",
        RouteFull = "route_full",
        ShiftsOutside = "shifts_outside",
        StopHasVisits = "stop_has_visits",
        Taken = "taken",
        TooDeep = "too_deep",
        TooEarly = "too_early",
        TooLong = "too_long",
        TooMany = "too_many",
        TooManyRows = "too_many_rows",
        TooShort = "too_short",
        Unchanged = "unchanged",
        UnknownBranch = "unknown_branch",
        UnknownEvent = "unknown_event",
        UnknownField = "unknown_field",
        UnknownFollowUp = "unknown_follow_up",
        UnknownLocality = "unknown_locality",
        UnknownMaterial = "unknown_material",
        UnknownMemberOrganisation = "unknown_member_organisation",
        UnknownOrganisation = "unknown_organisation",
        UnknownParameter = "unknown_parameter",
        UnknownPlacement = "unknown_placement",
        UnknownShift = "unknown_shift",
        UnknownStop = "unknown_stop",
        UnknownValue = "unknown_value",
        UnknownVolunteer = "unknown_volunteer",
        Unresolvable = "unresolvable",
        VolunteerNotActive = "volunteer_not_active",
        WrongPassword = "wrong_password",
        WrongPlatform = "wrong_platform"
});

impl ErrorCode {
    /// The code of a `validator` rule: the built-in rules keep their names
    /// (`length`, `range`, `email`), custom ones name theirs; anything else is
    /// `invalid`.
    pub fn of_validator_rule(rule: &str) -> Self {
        rule.parse().unwrap_or(Self::Invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_and_the_stored_spelling_agree() {
        for code in ErrorCode::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), serde_json::Value::from(code.as_str()));
        }
        assert_eq!(ErrorCode::of_validator_rule("length"), ErrorCode::Length);
        assert_eq!(ErrorCode::of_validator_rule("some_new_rule"), ErrorCode::Invalid);
    }
}
