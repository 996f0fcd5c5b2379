use diesel::sql_types::Text;
use diesel::{AsExpression, FromSqlRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What an account may do (the roles table in README).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// National HQ staff: everything, in every branch.
    Admin,
    /// A branch coordinator: manages their own branch.
    Coordinator,
    /// A field volunteer of one branch.
    Volunteer,
    /// Read-only analyst, partner or integrator; never sees personal data.
    Observer,
}

crate::text_enum!(Role { Admin = "admin", Coordinator = "coordinator", Volunteer = "volunteer", Observer = "observer" });

impl Role {
    /// Coordinators and volunteers belong to exactly one branch; the others to none.
    pub fn is_branch_bound(self) -> bool {
        matches!(self, Self::Coordinator | Self::Volunteer)
    }
}
