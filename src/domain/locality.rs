//! The kinds of settlement inside a branch.

use diesel::sql_types::Text;
use diesel::{AsExpression, FromSqlRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The administrative kinds of settlement the campaign reports on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum LocalityKind {
    /// Аудан / район.
    District,
    /// A city (or a city district).
    City,
    Town,
    /// Ауылдық округ / сельский округ.
    RuralDistrict,
    /// Ауыл / село.
    Village,
}

crate::text_enum!(LocalityKind {
    District = "district",
    City = "city",
    Town = "town",
    RuralDistrict = "rural_district",
    Village = "village",
});

impl LocalityKind {
    /// Villages and rural districts: what "rural settlements" means in reports.
    pub fn is_rural(self) -> bool {
        matches!(self, Self::RuralDistrict | Self::Village)
    }
}
