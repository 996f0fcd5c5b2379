//! The stock ledger as CSV, for spreadsheets and auditors.

use crate::auth::SessionUser;
use crate::db::stock_movements::{self, MovementFilter};
use crate::db::{Db, audit};
use crate::dto::stock::MovementOut;
use crate::error::ApiError;

const COLUMNS: [&str; 17] = [
    "id",
    "recorded_at",
    "kind",
    "material_id",
    "quantity",
    "branch",
    "to_branch",
    "volunteer_id",
    "volunteer_name",
    "direction",
    "reason",
    "note",
    "reverses_id",
    "recorded_by",
    "visit_id",
    "meeting_id",
    "event_id",
];

/// Rows read per query while exporting.
const PAGE: i64 = 1000;

/// The movements `actor` may see (with the list's filters), in recording order,
/// as UTF-8 CSV with a byte-order mark; observers get no volunteer columns.
pub async fn export(db: &Db, actor: &SessionUser, filter: MovementFilter) -> Result<Vec<u8>, ApiError> {
    let Some(mut filter) = super::stock_movements::scoped(actor, filter) else {
        return write(Vec::new());
    };
    let actor = actor.clone();
    let visibility = actor.visibility();
    let rows = db
        .run(move |conn| {
            let mut rows = Vec::new();
            loop {
                let page = stock_movements::list(conn, &filter, PAGE)?;
                let done = page.len() < usize::try_from(PAGE).unwrap_or(usize::MAX);
                filter.after = page.last().map(|row| row.movement.id.to_string());
                rows.extend(page.into_iter().map(|row| MovementOut::new(row, visibility)));
                if done {
                    break;
                }
            }
            let details = Some(format!("{} movements", rows.len()));
            let event = audit::AuditEvent {
                actor_id: Some(&actor.account_id),
                action: "stock_movements_exported",
                record_type: "stock_movement",
                record_id: None,
                request_id: actor.request_id.as_deref(),
                details,
            };
            audit::record(conn, event)?;
            Ok(rows)
        })
        .await?;
    write(rows)
}

fn write(rows: Vec<MovementOut>) -> Result<Vec<u8>, ApiError> {
    let csv_error = |err: csv::Error| ApiError::internal(format!("csv: {err}"));
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        writer.write_record(COLUMNS).map_err(csv_error)?;
        for row in rows {
            let text = |value: Option<String>| value.unwrap_or_default();
            let cells = [
                row.id.into(),
                row.recorded_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                row.kind.as_str().to_owned(),
                row.material_id.into(),
                row.quantity.to_string(),
                row.branch,
                text(row.to_branch),
                text(row.volunteer_id.map(String::from)),
                text(row.volunteer_name),
                text(row.direction.map(|direction| direction.as_str().to_owned())),
                text(row.reason),
                text(row.note),
                text(row.reverses_id.map(String::from)),
                text(row.recorded_by.map(String::from)),
                text(row.visit_id.map(String::from)),
                text(row.meeting_id.map(String::from)),
                text(row.event_id.map(String::from)),
            ];
            writer.write_record(&cells).map_err(csv_error)?;
        }
        writer.flush().map_err(|err| ApiError::internal(format!("csv: {err}")))?;
    }
    Ok(out)
}
