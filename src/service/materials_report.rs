//! The handed-out report: what each branch handed out of each material per
//! local day (visits, meetings and events, net of counter-movements), summed in
//! one SQL query.

use crate::auth::SessionUser;
use crate::db::Db;
use crate::db::hand_outs::{self, HandedOutFilter};
use crate::dto::stock::{HandedOutQuery, HandedOutRow};
use crate::error::{ApiError, ErrorCode};
use crate::service::local_days;

/// The report for `query`: coordinators see their branch, admins and observers
/// every branch (or the one asked for).
/// One page: up to `limit` rows after `after` (a `day|branch|material` key).
pub async fn handed_out(
    db: &Db,
    actor: &SessionUser,
    query: HandedOutQuery,
    after: Option<String>,
    limit: i64,
) -> Result<Vec<HandedOutRow>, ApiError> {
    local_days::ensure_in_order(query.from, query.to)?;
    let after = after
        .map(|key| match key.splitn(3, '|').collect::<Vec<_>>()[..] {
            [day, branch, material] => Ok((day.to_owned(), branch.to_owned(), material.to_owned())),
            _ => Err(ApiError::invalid("query.cursor", ErrorCode::InvalidCursor, "cursor is not one this API issued")),
        })
        .transpose()?;
    let Some(branch) = actor.list_branch(query.branch) else { return Ok(Vec::new()) };
    db.run_report(move |conn| {
        let branches = local_days::branch_offsets(conn, branch.as_deref())?;
        let filter =
            HandedOutFilter { branches, material: query.material, from: query.from, to: query.to, after, limit };
        let rows = hand_outs::per_day(conn, &filter)?;
        rows.into_iter()
            .map(|row| {
                let day = row
                    .day
                    .parse()
                    .map_err(|_| ApiError::internal(format!("the report's day {:?} is not a date", row.day)))?;
                Ok(HandedOutRow { day, branch: row.branch, material_id: row.material_id, quantity: row.quantity })
            })
            .collect()
    })
    .await
}
