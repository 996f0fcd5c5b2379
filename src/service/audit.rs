use crate::db::Db;
use crate::db::audit::{self, AuditEntry, AuditFilter};
use crate::error::ApiError;

/// One page of the audit log (`limit` rows), after every queued read of
/// personal data is stored, so the log shows them all.
pub async fn list(db: &Db, filter: AuditFilter, limit: i64) -> Result<Vec<AuditEntry>, ApiError> {
    db.flush_read_audit().await;
    db.run(move |conn| Ok(audit::list(conn, &filter, limit)?)).await
}
