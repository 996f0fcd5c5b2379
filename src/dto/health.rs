use serde::Serialize;
use utoipa::ToSchema;

/// The answer of the health probes.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthOut {
    pub status: HealthStatus,
}

/// A probe answers only when it passes; a failing one is a problem document.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Ok,
}
