pub use crate::domain::branch::BranchKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::branches::Branch;
use crate::domain::time::utc;
use crate::domain::visibility::Visibility;

/// A name in the three languages of the campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LocalizedName {
    /// Kazakh.
    pub kk: String,
    /// Russian.
    pub ru: String,
    /// English.
    pub en: String,
}

/// A regional branch of the campaign.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BranchOut {
    /// ISO 3166-2:KZ code, e.g. `KZ-71` (Astana).
    #[schema(example = "KZ-71")]
    pub code: String,
    pub kind: BranchKind,
    pub name: LocalizedName,
    /// The administrative centre.
    pub centre: LocalizedName,
    /// IANA time zone in which the branch's local dates and times are read.
    #[schema(example = "Asia/Almaty")]
    pub timezone: String,
    pub office_address: Option<String>,
    pub phone: Option<String>,
    /// A person's name: only for signed-in staff and volunteers, absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub head_coordinator: Option<String>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl BranchOut {
    /// The branch as a caller with `visibility` sees it: the head coordinator's
    /// name is personal data.
    pub fn new(row: Branch, visibility: Visibility) -> Self {
        let mut out = Self::from(row);
        out.head_coordinator = visibility.personal(out.head_coordinator);
        out
    }
}

impl From<Branch> for BranchOut {
    fn from(row: Branch) -> Self {
        Self {
            kind: row.kind,
            name: LocalizedName { kk: row.name_kk, ru: row.name_ru, en: row.name_en },
            centre: LocalizedName { kk: row.centre_kk, ru: row.centre_ru, en: row.centre_en },
            code: row.code,
            timezone: row.timezone,
            office_address: row.office_address,
            phone: row.phone,
            head_coordinator: row.head_coordinator,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            version: row.version,
        }
    }
}

/// Filters of the branch list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BranchFilterQuery {
    /// Only cities or only regions.
    pub kind: Option<BranchKind>,
}

/// Changes to a branch's contact data; absent fields stay, `null` clears.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateBranch {
    #[serde(default, deserialize_with = "crate::dto::account::double_option")]
    #[schema(value_type = Option<String>, max_length = 300)]
    #[validate(length(max = 300))]
    pub office_address: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::dto::account::double_option")]
    #[schema(value_type = Option<String>, max_length = 300)]
    #[validate(length(max = 300))]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::dto::account::double_option")]
    #[schema(value_type = Option<String>, max_length = 300)]
    #[validate(length(max = 300))]
    pub head_coordinator: Option<Option<String>>,
    /// The version the change is based on (alternative to `If-Match`).
    pub version: Option<i32>,
}
