//! The follow-up list's query. (A follow-up's shape is
//! [`crate::dto::meeting::FollowUpOut`], as in a report.)

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

/// Filters and paging of `GET /follow-ups`, by due date then id.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FollowUpFilterQuery {
    /// Branch code; branch-bound callers get their own branch only.
    #[serde(default, deserialize_with = "crate::dto::query_values::branch")]
    #[param(value_type = Option<String>, pattern = "^KZ-[0-9]{2}$")]
    pub branch: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::query_values::id")]
    #[param(value_type = Option<uuid::Uuid>)]
    pub meeting_id: Option<String>,
    /// `true`: open and due before today (UTC); `false`: done or not yet due.
    pub overdue: Option<bool>,
    pub done: Option<bool>,
    /// Exactly this owner (as written in the report). Personal data: not for observers.
    pub owner: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// Opaque cursor from the previous page's `next_cursor`.
    #[param(pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
}

/// The cursor key of a follow-up: `due_date|id`.
pub fn follow_up_key(due: NaiveDate, id: &str) -> String {
    format!("{due}|{id}")
}

/// The decoded key; `None` for a key this API did not issue.
pub fn parse_follow_up_key(key: &str) -> Option<(NaiveDate, String)> {
    let (due, id) = key.split_once('|')?;
    Some((due.parse().ok()?, id.to_owned()))
}
