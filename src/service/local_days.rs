//! What the reports by branch-local day share: the `from`/`to` days in order,
//! and each branch's UTC offset for the SQL that turns instants into days.

use chrono::{NaiveDate, Utc};

use crate::db::DbConn;
use crate::db::branches::{self, BranchFilter};
use crate::domain::branch::utc_offset_minutes;
use crate::error::{ApiError, ErrorCode};

/// `to` may not come before `from`.
pub fn ensure_in_order(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<(), ApiError> {
    match (from, to) {
        (Some(from), Some(to)) if to < from => {
            Err(ApiError::invalid("query.to", ErrorCode::BeforeFromDate, "must not be before from"))
        }
        _ => Ok(()),
    }
}

/// Every branch (or only `only`) with its UTC offset in minutes now.
/// Kazakhstan keeps no daylight saving time: one offset per branch.
pub fn branch_offsets(conn: &mut DbConn, only: Option<&str>) -> Result<Vec<(String, i32)>, ApiError> {
    let now = Utc::now().naive_utc();
    Ok(branches::list(conn, &BranchFilter::default(), 1000)?
        .into_iter()
        .filter(|row| only.is_none_or(|wanted| wanted == row.code))
        .map(|row| {
            let minutes = utc_offset_minutes(&row.timezone, now);
            (row.code, minutes)
        })
        .collect())
}
