//! The handed-out report: what each branch handed out of each material per
//! local day (visits, meetings and events, net of counter-movements), summed in
//! one SQL query.

use chrono::{Offset, TimeZone, Utc};
use chrono_tz::Tz;

use crate::auth::SessionUser;
use crate::db::Db;
use crate::db::branches::{self, BranchFilter};
use crate::db::hand_outs::{self, HandedOutFilter};
use crate::dto::stock::{HandedOutQuery, HandedOutRow};
use crate::error::{ApiError, ErrorCode};

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
    if let (Some(from), Some(to)) = (query.from, query.to)
        && to < from
    {
        return Err(ApiError::invalid("to", ErrorCode::BeforeFromDate, "must not be before from"));
    }
    let after = after
        .map(|key| match key.splitn(3, '|').collect::<Vec<_>>()[..] {
            [day, branch, material] => Ok((day.to_owned(), branch.to_owned(), material.to_owned())),
            _ => Err(ApiError::invalid("query.cursor", ErrorCode::InvalidCursor, "cursor is not one this API issued")),
        })
        .transpose()?;
    let Some(branch) = actor.list_branch(query.branch) else { return Ok(Vec::new()) };
    db.run(move |conn| {
        let now = Utc::now().naive_utc();
        let branches: Vec<(String, i32)> = branches::list(conn, &BranchFilter::default(), 1000)?
            .into_iter()
            .filter(|row| branch.as_ref().is_none_or(|wanted| wanted == &row.code))
            .map(|row| {
                // Kazakhstan keeps no daylight saving time: one offset per branch.
                let zone: Tz = row.timezone.parse().unwrap_or(chrono_tz::Asia::Almaty);
                let minutes = zone.offset_from_utc_datetime(&now).fix().local_minus_utc() / 60;
                (row.code, minutes)
            })
            .collect();
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
