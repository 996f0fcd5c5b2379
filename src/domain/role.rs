use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What an account may do (DESIGN.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
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

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Coordinator => "coordinator",
            Self::Volunteer => "volunteer",
            Self::Observer => "observer",
        }
    }

    /// Coordinators and volunteers belong to exactly one branch; the others to none.
    pub fn is_branch_bound(self) -> bool {
        matches!(self, Self::Coordinator | Self::Volunteer)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "admin" => Ok(Self::Admin),
            "coordinator" => Ok(Self::Coordinator),
            "volunteer" => Ok(Self::Volunteer),
            "observer" => Ok(Self::Observer),
            other => Err(format!("unknown role {other:?}")),
        }
    }
}
