use crate::domain::ids::MemberOrganisationId;
pub use crate::domain::member_organisation::MemberKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::{Validate, ValidationError};

use crate::db::member_organisations::MemberOrganisation;
use crate::domain::bin::is_valid_bin;
use crate::domain::time::utc;

/// A member of the coalition, national (no branch) or of one branch.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberOrganisationOut {
    pub id: MemberOrganisationId,
    pub name: String,
    pub kind: MemberKind,
    /// Absent for national members.
    pub branch: Option<String>,
    /// Business identification number (12 digits).
    pub bin: String,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<MemberOrganisation> for MemberOrganisationOut {
    fn from(row: MemberOrganisation) -> Self {
        Self {
            kind: row.kind,
            id: row.id,
            name: row.name,
            branch: row.branch_code,
            bin: row.bin,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            version: row.version,
        }
    }
}

pub fn valid_bin(bin: &str) -> Result<(), ValidationError> {
    if is_valid_bin(bin) {
        Ok(())
    } else {
        Err(ValidationError::new("bin").with_message("a BIN is 12 digits ending in a valid check digit".into()))
    }
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMemberOrganisation {
    #[schema(min_length = 1, max_length = 300)]
    #[validate(length(min = 1, max = 300))]
    pub name: String,
    pub kind: MemberKind,
    /// For branch-level members; absent for national ones.
    pub branch: Option<String>,
    #[validate(custom(function = "valid_bin"))]
    #[schema(example = "041140001239", pattern = "^[0-9]{12}$")]
    pub bin: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMemberOrganisation {
    #[schema(min_length = 1, max_length = 300)]
    #[validate(length(min = 1, max = 300))]
    pub name: Option<String>,
    pub kind: Option<MemberKind>,
    #[serde(default, deserialize_with = "crate::dto::account::double_option")]
    #[schema(value_type = Option<String>)]
    pub branch: Option<Option<String>>,
    #[validate(custom(function = "valid_bin"))]
    pub bin: Option<String>,
    pub version: Option<i32>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MemberOrganisationFilterQuery {
    pub kind: Option<MemberKind>,
    #[serde(default, deserialize_with = "crate::dto::query_values::branch")]
    #[param(value_type = Option<String>, pattern = "^KZ-[0-9]{2}$")]
    pub branch: Option<String>,
}
