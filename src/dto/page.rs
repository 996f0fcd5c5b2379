//! Cursor (keyset) pagination shared by every list.

use crate::domain::geo::Near;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ErrorCode};

pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 200;

/// One page of a list, in a stable order.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// The paging parameters of a list without `updated_since` (a shift's
/// sign-ups in waitlist order, the public event feed).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageOnlyQuery {
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// Opaque cursor from the previous page's `next_cursor`.
    #[param(pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
}

/// The paging parameters every list accepts.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// Opaque cursor from the previous page's `next_cursor`.
    #[param(pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
    /// Only records changed at or after this instant (RFC 3339), for incremental sync.
    pub updated_since: Option<DateTime<Utc>>,
}

impl PageQuery {
    /// The page size, checked against the allowed range.
    pub fn limit(&self) -> Result<u32, ApiError> {
        match self.limit.unwrap_or(DEFAULT_PAGE_SIZE) {
            limit @ 1..=MAX_PAGE_SIZE => Ok(limit),
            _ => Err(ApiError::invalid(
                "query.limit",
                ErrorCode::Range,
                format!("limit must be between 1 and {MAX_PAGE_SIZE}"),
            )),
        }
    }

    /// The decoded cursor: the sort key of the last item of the previous page.
    pub fn after(&self) -> Result<Option<String>, ApiError> {
        self.cursor.as_deref().map(decode_cursor).transpose()
    }

    pub fn updated_since(&self) -> Option<NaiveDateTime> {
        self.updated_since.map(|at| at.naive_utc())
    }
}

pub fn encode_cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key)
}

/// A cursor is only a position: any well-formed one is accepted (a forged one just
/// starts the page elsewhere), so only a string that is not base64url is refused.
fn decode_cursor(cursor: &str) -> Result<String, ApiError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .map(|bytes| String::from_utf8_lossy(&bytes).replace('\0', ""))
        .map_err(|_| ApiError::invalid("query.cursor", ErrorCode::InvalidCursor, "cursor is not one this API issued"))
}

/// Builds a page from up to `limit + 1` loaded rows: the extra row only tells that
/// another page exists.
pub fn paginate<R, T>(mut rows: Vec<R>, limit: u32, key: impl Fn(&R) -> String, out: impl Fn(R) -> T) -> Page<T> {
    let limit = limit as usize;
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|row| encode_cursor(&key(row)))
    } else {
        None
    };
    Page { items: rows.into_iter().map(out).collect(), next_cursor }
}

/// The sort key of lists ordered by an instant then id (`micros|id`).
pub fn time_key(at: NaiveDateTime, id: &str) -> String {
    format!("{}|{id}", at.and_utc().timestamp_micros())
}

/// A cursor for lists ordered by an instant then id.
pub fn encode_time_cursor(at: NaiveDateTime, id: &str) -> String {
    encode_cursor(&time_key(at, id))
}

/// The decoded `after` key of a list ordered by an instant then id.
pub fn decode_time_cursor(cursor: Option<String>) -> Result<Option<(NaiveDateTime, String)>, ApiError> {
    let Some(cursor) = cursor else { return Ok(None) };
    let invalid = || ApiError::invalid("query.cursor", ErrorCode::InvalidCursor, "cursor is not one this API issued");
    let (micros, id) = cursor.split_once('|').ok_or_else(invalid)?;
    let at = DateTime::from_timestamp_micros(micros.parse().map_err(|_| invalid())?).ok_or_else(invalid)?;
    Ok(Some((at.naive_utc(), id.to_owned())))
}

/// The sort key of a `near=` list (`distance|id`): the distance as its exact
/// bits, as SQL computed it, so the next page starts exactly after it.
pub fn distance_key(distance_km: f64, id: &str) -> String {
    format!("{:016x}|{id}", distance_km.to_bits())
}

/// The decoded `after` key of a `near=` list.
pub fn decode_distance_cursor(cursor: Option<String>) -> Result<Option<(f64, String)>, ApiError> {
    let Some(cursor) = cursor else { return Ok(None) };
    let invalid = || ApiError::invalid("query.cursor", ErrorCode::InvalidCursor, "cursor is not one this API issued");
    let (bits, id) = cursor.split_once('|').ok_or_else(invalid)?;
    let distance = f64::from_bits(u64::from_str_radix(bits, 16).map_err(|_| invalid())?);
    if !distance.is_finite() {
        return Err(invalid());
    }
    Ok(Some((distance, id.to_owned())))
}

/// "Near me" on a list of things with a place (events, routes, poster sites).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NearQuery {
    /// `<latitude>,<longitude>` in decimal degrees: only records within
    /// `radius_km` of it, nearest first (records without coordinates are left
    /// out). Pages continue in distance order (the cursor holds the distance and
    /// id of the last record). Not with `updated_since`.
    #[param(example = "51.1694,71.4491")]
    pub near: Option<String>,
    /// The radius of `near` in km: above 0, at most 200 (default 10).
    #[param(maximum = 200)]
    pub radius_km: Option<f64>,
}

impl NearQuery {
    /// The parsed filter; bad values name their parameter, and `near` with
    /// `updated_since` is refused (a sync pages in change order).
    pub fn parse(&self, sync: bool) -> Result<Option<Near>, ApiError> {
        let near = parse_near(self.near.as_deref(), self.radius_km)?;
        if near.is_some() && sync {
            return Err(ApiError::invalid(
                "query.near",
                ErrorCode::NotAllowed,
                "near does not combine with updated_since",
            ));
        }
        Ok(near)
    }
}

/// `near=<lat>,<lng>&radius_km=`, parsed; bad values name their parameter.
pub fn parse_near(near: Option<&str>, radius_km: Option<f64>) -> Result<Option<Near>, ApiError> {
    match (near, radius_km) {
        (None, None) => Ok(None),
        (None, Some(_)) => Err(ApiError::invalid("query.near", ErrorCode::Required, "radius_km needs near")),
        (Some(near), radius_km) => Near::parse(near, radius_km).map(Some).map_err(|err| {
            ApiError::invalid(
                err.field,
                if err.out_of_range { ErrorCode::Range } else { ErrorCode::Format },
                err.message,
            )
        }),
    }
}
