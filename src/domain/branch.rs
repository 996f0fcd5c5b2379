//! The kinds of branch.

use diesel::sql_types::Text;
use diesel::{AsExpression, FromSqlRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A city of republican significance or a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum BranchKind {
    City,
    Region,
}

crate::text_enum!(BranchKind {
    City = "city",
    Region = "region",
});

/// The codes of the 20 branches (ISO 3166-2:KZ), as the first migration seeds
/// them: the only values a branch filter can name.
pub const BRANCH_CODES: [&str; 20] = [
    "KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-33", "KZ-35", "KZ-39", "KZ-43", "KZ-47",
    "KZ-55", "KZ-59", "KZ-61", "KZ-62", "KZ-63", "KZ-71", "KZ-75", "KZ-79",
];

/// Whether `code` is one of [`BRANCH_CODES`].
pub fn is_branch_code(code: &str) -> bool {
    BRANCH_CODES.contains(&code)
}

/// The UTC offset in minutes at `at` of the IANA zone `timezone` (Astana time
/// when the name is unknown). Kazakhstan keeps no daylight saving time, so a
/// branch's offset is the same all year; reports turn instants into the
/// branch's local days with it.
pub fn utc_offset_minutes(timezone: &str, at: chrono::NaiveDateTime) -> i32 {
    use chrono::{Offset, TimeZone};
    let zone: chrono_tz::Tz = timezone.parse().unwrap_or(chrono_tz::Asia::Almaty);
    zone.offset_from_utc_datetime(&at).fix().local_minus_utc() / 60
}
