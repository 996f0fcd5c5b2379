//! Volunteer rules that need no database.

use chrono::{Datelike, NaiveDate};
use diesel::sql_types::Text;
use diesel::{AsExpression, FromSqlRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a volunteer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum VolunteerStatus {
    /// Applied (public form or recorded by a coordinator), not yet approved.
    Applicant,
    Active,
    Paused,
    Left,
}

crate::text_enum!(VolunteerStatus {
    Applicant = "applicant",
    Active = "active",
    Paused = "paused",
    Left = "left",
});

impl VolunteerStatus {
    /// `applicant → active ↔ paused → left`; an applicant may also leave
    /// (a rejected application), and anyone active may leave.
    pub fn can_become(self, next: Self) -> bool {
        use VolunteerStatus::*;
        self == next
            || matches!((self, next), (Applicant, Active | Left) | (Active, Paused | Left) | (Paused, Active | Left))
    }
}

/// How a volunteer's record came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum VolunteerSource {
    /// Recorded by a coordinator or an admin.
    Staff,
    /// The public application form.
    Application,
    /// A CSV import.
    Import,
}

crate::text_enum!(VolunteerSource {
    Staff = "staff",
    Application = "application",
    Import = "import",
});

/// Languages a volunteer works in.
pub const LANGUAGES: [&str; 3] = ["kk", "ru", "en"];

pub const ADULT_AGE: u32 = 18;
/// Volunteers are at least this old (school pupils in the youth wing) ...
pub const MIN_AGE: u32 = 14;
/// ... and younger than this: anything older is a typo.
pub const MAX_AGE: u32 = 100;

/// Full years between `birth_date` and `today`.
pub fn age_on(birth_date: NaiveDate, today: NaiveDate) -> Option<u32> {
    let mut years = today.year() - birth_date.year();
    if (today.month(), today.day()) < (birth_date.month(), birth_date.day()) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_moves_follow_the_lifecycle() {
        use VolunteerStatus::*;
        assert!(Applicant.can_become(Active));
        assert!(Active.can_become(Paused) && Paused.can_become(Active));
        assert!(Paused.can_become(Left));
        assert!(!Left.can_become(Active));
        assert!(!Applicant.can_become(Paused));
        assert!(!Active.can_become(Applicant));
    }

    #[test]
    fn ages_count_full_years() {
        let birth = NaiveDate::from_ymd_opt(2008, 11, 26).unwrap();
        assert_eq!(age_on(birth, NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()), Some(17));
        assert_eq!(age_on(birth, NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()), Some(18));
        assert_eq!(age_on(birth, NaiveDate::from_ymd_opt(2000, 1, 1).unwrap()), None);
    }
}
