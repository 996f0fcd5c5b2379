//! The rule codes of `errors[].code`: one closed set, listed in the OpenAPI spec,
//! so clients branch on a code, never on message text.

use serde::Serialize;
use utoipa::ToSchema;

/// Machine-readable rule that a field broke. New codes may be added; a client
/// treats one it does not know like a generic validation failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    AboveEmployeeCount,
    BeforeFromDate,
    BeforeRoute,
    Bin,
    Csv,
    Cycle,
    Duplicate,
    DuplicateInFile,
    Email,
    Encoding,
    EqualsEmail,
    EventNotOpen,
    Format,
    IdNotAllowed,
    IllegalTransition,
    ImplausibleAge,
    InFuture,
    InThePast,
    Inconsistent,
    InsufficientStock,
    Invalid,
    InvalidCursor,
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
    NotAttendance,
    NotEditable,
    NotHeld,
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
    UnknownLocality,
    UnknownMaterial,
    UnknownMemberOrganisation,
    UnknownOrganisation,
    UnknownParameter,
    UnknownShift,
    UnknownStop,
    UnknownValue,
    UnknownVolunteer,
    VolunteerNotActive,
    WrongPassword,
}

crate::text_enum!(ErrorCode {
        AboveEmployeeCount = "above_employee_count",
        BeforeFromDate = "before_from_date",
        BeforeRoute = "before_route",
        Bin = "bin",
        Csv = "csv",
        Cycle = "cycle",
        Duplicate = "duplicate",
        DuplicateInFile = "duplicate_in_file",
        Email = "email",
        Encoding = "encoding",
        EqualsEmail = "equals_email",
        EventNotOpen = "event_not_open",
        Format = "format",
        IdNotAllowed = "id_not_allowed",
        IllegalTransition = "illegal_transition",
        ImplausibleAge = "implausible_age",
        InFuture = "in_future",
        InThePast = "in_the_past",
        Inconsistent = "inconsistent",
        InsufficientStock = "insufficient_stock",
        Invalid = "invalid",
        InvalidCursor = "invalid_cursor",
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
        NotAttendance = "not_attendance",
        NotEditable = "not_editable",
        NotHeld = "not_held",
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
        UnknownLocality = "unknown_locality",
        UnknownMaterial = "unknown_material",
        UnknownMemberOrganisation = "unknown_member_organisation",
        UnknownOrganisation = "unknown_organisation",
        UnknownParameter = "unknown_parameter",
        UnknownShift = "unknown_shift",
        UnknownStop = "unknown_stop",
        UnknownValue = "unknown_value",
        UnknownVolunteer = "unknown_volunteer",
        VolunteerNotActive = "volunteer_not_active",
        WrongPassword = "wrong_password"
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
