//! Names and titles in the two languages every record carries.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// A name or title in Kazakh and Russian: localities, organisations, materials
/// and the rows of reports use this one shape (branches add English).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Bilingual {
    /// Kazakh.
    #[schema(min_length = 1, max_length = 300, example = "Жаңаарқа ауданы")]
    #[validate(length(min = 1, max = 300))]
    pub kk: String,
    /// Russian.
    #[schema(min_length = 1, max_length = 300, example = "Жанааркинский район")]
    #[validate(length(min = 1, max = 300))]
    pub ru: String,
}

impl Bilingual {
    pub fn new(kk: impl Into<String>, ru: impl Into<String>) -> Self {
        Self { kk: kk.into(), ru: ru.into() }
    }

    /// Both texts passed through `clean` (trimming, collapsing spaces).
    pub fn map(self, clean: impl Fn(&str) -> String) -> Self {
        Self { kk: clean(&self.kk), ru: clean(&self.ru) }
    }
}
