use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::db::audit::AuditEntry;
use crate::domain::time::utc;

/// Who did what to which record, when.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryOut {
    pub id: String,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub at: DateTime<Utc>,
    /// The acting account; absent for anonymous actions (failed logins).
    pub actor_id: Option<String>,
    #[schema(example = "account_updated")]
    pub action: String,
    #[schema(example = "account")]
    pub record_type: String,
    pub record_id: Option<String>,
    pub request_id: Option<String>,
    pub details: Option<String>,
}

impl From<AuditEntry> for AuditEntryOut {
    fn from(row: AuditEntry) -> Self {
        Self {
            id: row.id,
            at: utc(row.at),
            actor_id: row.actor_id,
            action: row.action,
            record_type: row.record_type,
            record_id: row.record_id,
            request_id: row.request_id,
            details: row.details,
        }
    }
}

/// Filters of the audit log.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilterQuery {
    #[serde(default, deserialize_with = "crate::dto::query_values::id")]
    #[param(value_type = Option<uuid::Uuid>)]
    pub actor_id: Option<String>,
    pub action: Option<String>,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    /// Entries at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Entries before this instant.
    pub to: Option<DateTime<Utc>>,
}
