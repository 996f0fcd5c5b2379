use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::FieldError;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Check every row and report, but store nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// What happened to one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    /// Stored.
    Created,
    /// Would be stored (dry run).
    Valid,
    /// The phone is registered already (or earlier in the file); nothing stored.
    Duplicate,
    /// Refused; see `errors`.
    Error,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RowResult {
    /// Line number in the file (the header is line 1).
    pub row: usize,
    pub status: RowStatus,
    pub volunteer_id: Option<String>,
    /// For duplicates: the existing volunteer, when the caller may see it.
    pub existing_id: Option<String>,
    pub errors: Vec<FieldError>,
}

/// The outcome of an import, row by row.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReport {
    pub dry_run: bool,
    pub created: usize,
    pub valid: usize,
    pub duplicates: usize,
    pub errors: usize,
    pub rows: Vec<RowResult>,
}
