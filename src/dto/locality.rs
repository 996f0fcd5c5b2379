use crate::domain::ids::LocalityId;
pub use crate::domain::locality::LocalityKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::localities::Locality;
use crate::domain::time::utc;
use crate::dto::bilingual::Bilingual;

/// A district, town, rural district or village inside a branch.
#[derive(Debug, Serialize, ToSchema)]
pub struct LocalityOut {
    pub id: LocalityId,
    pub branch: String,
    pub parent_id: Option<LocalityId>,
    pub kind: LocalityKind,
    pub name: Bilingual,
    pub population: Option<i32>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<Locality> for LocalityOut {
    fn from(row: Locality) -> Self {
        Self {
            kind: row.kind,
            id: row.id,
            branch: row.branch_code,
            parent_id: row.parent_id,
            name: Bilingual::new(row.name_kk, row.name_ru),
            population: row.population,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            version: row.version,
        }
    }
}

/// A locality with its children, for `GET /localities/tree`.
#[derive(Debug, Serialize, ToSchema)]
pub struct LocalityNode {
    pub id: LocalityId,
    pub kind: LocalityKind,
    pub name: Bilingual,
    pub population: Option<i32>,
    #[schema(no_recursion)]
    pub children: Vec<LocalityNode>,
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLocality {
    #[schema(example = "KZ-35")]
    pub branch: String,
    /// The enclosing locality, in the same branch.
    pub parent_id: Option<LocalityId>,
    pub kind: LocalityKind,
    #[validate(nested)]
    pub name: Bilingual,
    #[schema(minimum = 0, maximum = 5000000)]
    #[validate(range(min = 0, max = 5_000_000))]
    pub population: Option<i32>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateLocality {
    #[serde(default, deserialize_with = "crate::dto::account::double_option")]
    #[schema(value_type = Option<String>)]
    pub parent_id: Option<Option<LocalityId>>,
    pub kind: Option<LocalityKind>,
    /// Both languages, replacing the current name.
    #[validate(nested)]
    pub name: Option<Bilingual>,
    #[serde(default, deserialize_with = "crate::dto::account::double_option")]
    #[schema(value_type = Option<i32>, minimum = 0, maximum = 5000000)]
    #[validate(range(min = 0, max = 5_000_000))]
    pub population: Option<Option<i32>>,
    pub version: Option<i32>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LocalityFilterQuery {
    #[serde(default, deserialize_with = "crate::dto::query_values::branch")]
    #[param(value_type = Option<String>, pattern = "^KZ-[0-9]{2}$")]
    pub branch: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::query_values::id")]
    #[param(value_type = Option<uuid::Uuid>)]
    pub parent_id: Option<String>,
    pub kind: Option<LocalityKind>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LocalityTreeQuery {
    /// The branch whose localities to return.
    #[serde(deserialize_with = "crate::dto::query_values::required_branch")]
    #[param(example = "KZ-35", pattern = "^KZ-[0-9]{2}$")]
    pub branch: String,
}
