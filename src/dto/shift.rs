//! Request and response shapes of a single shift: its changes, its cancellation,
//! and what a series of shifts created or skipped.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::shifts::Assignment;
use crate::domain::event::AssignmentStatus;
use crate::domain::ids::{AssignmentId, ShiftId, VolunteerId};
use crate::domain::time::utc;
use crate::dto::event::EventOut;

/// Changes to a shift; absent fields stay, `null` clears `required_skill`.
///
/// The times must stay within the event, and nobody signed up or waiting may
/// end up holding two overlapping shifts. `capacity` may not go below the
/// places taken (409 `capacity_exceeded`: cancel sign-ups first); raising it
/// promotes the first volunteers on the waitlist. A new `required_skill` applies
/// to new sign-ups only.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateShift {
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    #[validate(range(min = 1, max = 1000))]
    #[schema(minimum = 1, maximum = 1000)]
    pub capacity: Option<i32>,
    #[serde(default, deserialize_with = "crate::dto::account::double_option")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 50)]
    #[validate(length(min = 1, max = 50))]
    pub required_skill: Option<Option<String>>,
    /// The version the change is based on (alternative to `If-Match`).
    pub version: Option<i32>,
}

/// `POST /shifts/{id}/cancel`; the body is optional.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelShift {
    /// Shown to the volunteers whose sign-ups the cancellation ends.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: Option<String>,
    /// The version the cancellation is based on (alternative to `If-Match`).
    pub version: Option<i32>,
}

/// What `POST /events/{id}/shifts/series` did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShiftSeriesOut {
    /// The event with all its shifts.
    pub event: EventOut,
    /// The shifts this call created, by start.
    pub created: Vec<ShiftId>,
    /// The days left out because the event already has a shift (not cancelled)
    /// with the same start and end.
    pub skipped: Vec<SkippedShift>,
}

/// A day of a series that already had its shift.
#[derive(Debug, Serialize, ToSchema)]
pub struct SkippedShift {
    /// The day, in the branch's time zone.
    pub date: NaiveDate,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub starts_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub ends_at: DateTime<Utc>,
    /// The shift already there.
    pub existing_shift_id: ShiftId,
}

/// `GET /me/schedule` and `GET /volunteers/{id}/schedule`: a keyset page by
/// shift start (oldest first), then sign-up id.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScheduleQuery {
    /// Only shifts ending after this instant: `from=<now>` lists what is still to come.
    pub from: Option<DateTime<Utc>>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// Opaque cursor from the previous page's `next_cursor`.
    #[param(pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
}

/// A sign-up as the list of a shift's sign-ups shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignupOut {
    pub id: AssignmentId,
    pub shift_id: ShiftId,
    pub volunteer_id: VolunteerId,
    /// Personal data: absent for observers (and for an anonymised volunteer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volunteer_name: Option<String>,
    pub status: AssignmentStatus,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub shift_starts_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub shift_ends_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl SignupOut {
    pub fn new(row: Assignment, volunteer_name: Option<String>) -> Self {
        Self {
            status: row.status,
            id: row.id,
            shift_id: row.shift_id,
            volunteer_id: row.volunteer_id,
            volunteer_name,
            shift_starts_at: utc(row.shift_starts_at),
            shift_ends_at: utc(row.shift_ends_at),
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            version: row.version,
        }
    }
}
