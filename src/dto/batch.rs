//! What every offline batch answers per item (see `service::batch`).

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Created,
    /// Received before; the stored record is returned.
    Duplicate,
    /// Refused; see `errors`. Nothing of it was stored.
    Rejected,
}
