//! The catalogue of printed materials.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::materials::Material;
use crate::domain::ids::MaterialId;
pub use crate::domain::material::{MaterialKind, MaterialLanguage};
use crate::domain::time::utc;
use crate::dto::bilingual::Bilingual;

/// A printed item of the catalogue.
#[derive(Debug, Serialize, ToSchema)]
pub struct MaterialOut {
    pub id: MaterialId,
    /// The catalogue code, unique (`L-2026-01`).
    pub code: String,
    pub title: Bilingual,
    pub kind: MaterialKind,
    pub language: MaterialLanguage,
    /// Paper format (`A4`, `A2`, ...).
    pub format: Option<String>,
    pub pages: Option<i32>,
    /// Reference of the print run (order or contract number).
    pub print_run: Option<String>,
    /// Inactive items stay in the ledger but are no longer ordered.
    pub active: bool,
    /// A branch holding less than this is below its reorder level.
    pub reorder_level: Option<i32>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<Material> for MaterialOut {
    fn from(row: Material) -> Self {
        Self {
            id: row.id,
            code: row.code,
            title: Bilingual::new(row.title_kk, row.title_ru),
            kind: row.kind,
            language: row.language,
            format: row.format,
            pages: row.pages,
            print_run: row.print_run,
            active: row.active,
            reorder_level: row.reorder_level,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            version: row.version,
        }
    }
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMaterial {
    #[schema(min_length = 1, max_length = 100)]
    #[validate(length(min = 1, max = 100))]
    pub code: String,
    #[validate(nested)]
    pub title: Bilingual,
    pub kind: MaterialKind,
    pub language: MaterialLanguage,
    #[schema(min_length = 1, max_length = 50)]
    #[validate(length(min = 1, max = 50))]
    pub format: Option<String>,
    #[schema(minimum = 1, maximum = 10000)]
    #[validate(range(min = 1, max = 10_000))]
    pub pages: Option<i32>,
    #[schema(min_length = 1, max_length = 200)]
    #[validate(length(min = 1, max = 200))]
    pub print_run: Option<String>,
    /// Default true.
    pub active: Option<bool>,
    #[schema(minimum = 0, maximum = 10000000)]
    #[validate(range(min = 0, max = 10_000_000))]
    pub reorder_level: Option<i32>,
}

/// Fields to change; absent fields stay, `null` clears an optional one.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMaterial {
    #[schema(min_length = 1, max_length = 100)]
    #[validate(length(min = 1, max = 100))]
    pub code: Option<String>,
    /// Both languages, replacing the current title.
    #[validate(nested)]
    pub title: Option<Bilingual>,
    pub kind: Option<MaterialKind>,
    pub language: Option<MaterialLanguage>,
    #[serde(default, deserialize_with = "crate::dto::account::double_option")]
    #[schema(value_type = Option<String>)]
    pub format: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::dto::account::double_option")]
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 10000)]
    #[validate(range(min = 1, max = 10_000))]
    pub pages: Option<Option<i32>>,
    #[serde(default, deserialize_with = "crate::dto::account::double_option")]
    #[schema(value_type = Option<String>)]
    pub print_run: Option<Option<String>>,
    pub active: Option<bool>,
    #[serde(default, deserialize_with = "crate::dto::account::double_option")]
    #[schema(value_type = Option<i32>, minimum = 0, maximum = 10000000)]
    #[validate(range(min = 0, max = 10_000_000))]
    pub reorder_level: Option<Option<i32>>,
    pub version: Option<i32>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MaterialFilterQuery {
    pub kind: Option<MaterialKind>,
    pub language: Option<MaterialLanguage>,
    pub active: Option<bool>,
}
