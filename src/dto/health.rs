use serde::Serialize;
use utoipa::ToSchema;

/// The answer of the health probes.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthOut {
    #[schema(example = "ok")]
    pub status: &'static str,
}
