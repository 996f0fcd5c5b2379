use crate::domain::ids::{AssignmentId, EventId, LocalityId, ShiftId, VolunteerId};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc, Weekday};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::events::Event;
use crate::db::shifts::{Assignment, Counts, Shift};
use crate::domain::event::{AssignmentStatus, EventKind, EventStatus};
use crate::domain::time::utc;

/// Assignments by status; `capacity` and `free_places` where they apply.
#[derive(Debug, Clone, Copy, Default, Serialize, ToSchema)]
pub struct CountsOut {
    pub capacity: i64,
    pub signed_up: i64,
    pub waitlisted: i64,
    pub attended: i64,
    pub no_show: i64,
    /// Places not yet taken (capacity minus signed up, attended and no-show).
    pub free_places: i64,
}

impl CountsOut {
    pub fn new(capacity: i64, counts: Counts) -> Self {
        Self {
            capacity,
            signed_up: counts.signed_up,
            waitlisted: counts.waitlisted,
            attended: counts.attended,
            no_show: counts.no_show,
            free_places: (capacity - counts.taken()).max(0),
        }
    }
}

/// A time slot of an event.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShiftOut {
    pub id: ShiftId,
    pub event_id: EventId,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub starts_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub ends_at: DateTime<Utc>,
    pub capacity: i32,
    /// Volunteers need this skill to sign up.
    pub required_skill: Option<String>,
    /// A cancelled shift has no free places.
    pub counts: CountsOut,
    /// When the shift was cancelled (its sign-ups with it); `null` while it runs.
    #[serde(serialize_with = "crate::dto::timestamp::option_micros")]
    pub cancelled_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl ShiftOut {
    pub fn new(row: Shift, counts: Counts) -> Self {
        let mut counts = CountsOut::new(i64::from(row.capacity), counts);
        if row.cancelled_at.is_some() {
            counts.free_places = 0;
        }
        Self {
            counts,
            cancelled_at: row.cancelled_at.map(utc),
            cancel_reason: row.cancel_reason,
            id: row.id,
            event_id: row.event_id,
            starts_at: utc(row.starts_at),
            ends_at: utc(row.ends_at),
            capacity: row.capacity,
            required_skill: row.required_skill,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            version: row.version,
        }
    }
}

/// Something scheduled that volunteers staff, with its shifts and their counts.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventOut {
    pub id: EventId,
    pub branch: String,
    pub locality_id: Option<LocalityId>,
    pub kind: EventKind,
    pub title: String,
    pub description: Option<String>,
    pub venue: Option<String>,
    pub address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub starts_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub ends_at: DateTime<Utc>,
    pub status: EventStatus,
    pub cancel_reason: Option<String>,
    /// Totals over all shifts.
    pub counts: CountsOut,
    pub shifts: Vec<ShiftOut>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl EventOut {
    pub fn new(row: Event, shifts: Vec<ShiftOut>) -> Self {
        let mut totals = CountsOut::default();
        for shift in &shifts {
            totals.capacity += shift.counts.capacity;
            totals.signed_up += shift.counts.signed_up;
            totals.waitlisted += shift.counts.waitlisted;
            totals.attended += shift.counts.attended;
            totals.no_show += shift.counts.no_show;
            totals.free_places += shift.counts.free_places;
        }
        Self {
            kind: row.kind,
            status: row.status,
            id: row.id,
            branch: row.branch_code,
            locality_id: row.locality_id,
            title: row.title,
            description: row.description,
            venue: row.venue,
            address: row.address,
            latitude: row.latitude,
            longitude: row.longitude,
            starts_at: utc(row.starts_at),
            ends_at: utc(row.ends_at),
            cancel_reason: row.cancel_reason,
            counts: totals,
            shifts,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            version: row.version,
        }
    }
}

/// A shift to create.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewShift {
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub starts_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub ends_at: DateTime<Utc>,
    #[schema(minimum = 1, maximum = 1000)]
    #[validate(range(min = 1, max = 1000))]
    pub capacity: i32,
    #[schema(min_length = 1, max_length = 50)]
    #[validate(length(min = 1, max = 50))]
    pub required_skill: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEvent {
    /// Defaults to the coordinator's own branch; admins name it.
    #[schema(example = "KZ-71")]
    pub branch: Option<String>,
    pub locality_id: Option<LocalityId>,
    pub kind: EventKind,
    #[schema(min_length = 1, max_length = 200)]
    #[validate(length(min = 1, max = 200))]
    pub title: String,
    #[schema(max_length = 4000)]
    #[validate(length(max = 4000))]
    pub description: Option<String>,
    #[schema(max_length = 300)]
    #[validate(length(max = 300))]
    pub venue: Option<String>,
    #[schema(max_length = 300)]
    #[validate(length(max = 300))]
    pub address: Option<String>,
    #[schema(minimum = -90.0, maximum = 90.0)]
    #[validate(range(min = -90.0, max = 90.0))]
    pub latitude: Option<f64>,
    #[schema(minimum = -180.0, maximum = 180.0)]
    #[validate(range(min = -180.0, max = 180.0))]
    pub longitude: Option<f64>,
    // Serialized only for an `Idempotency-Key`'s request hash.
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub starts_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub ends_at: DateTime<Utc>,
    /// `draft` (the default) or `scheduled` (needs at least one shift).
    pub status: Option<EventStatus>,
    #[serde(default)]
    #[schema(max_items = 100)]
    #[validate(length(max = 100), nested)]
    pub shifts: Vec<NewShift>,
}

/// Changes to an event; absent fields stay, `null` clears an optional one.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEvent {
    #[serde(default, deserialize_with = "crate::dto::account::double_option")]
    #[schema(value_type = Option<String>)]
    pub locality_id: Option<Option<LocalityId>>,
    #[schema(min_length = 1, max_length = 200)]
    #[validate(length(min = 1, max = 200))]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::account::double_option")]
    #[schema(value_type = Option<String>, max_length = 4000)]
    #[validate(length(max = 4000))]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::dto::account::double_option")]
    #[schema(value_type = Option<String>, max_length = 300)]
    #[validate(length(max = 300))]
    pub venue: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::dto::account::double_option")]
    #[schema(value_type = Option<String>, max_length = 300)]
    #[validate(length(max = 300))]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::dto::account::double_option")]
    #[schema(value_type = Option<f64>, minimum = -90.0, maximum = 90.0)]
    #[validate(range(min = -90.0, max = 90.0))]
    pub latitude: Option<Option<f64>>,
    #[serde(default, deserialize_with = "crate::dto::account::double_option")]
    #[schema(value_type = Option<f64>, minimum = -180.0, maximum = 180.0)]
    #[validate(range(min = -180.0, max = 180.0))]
    pub longitude: Option<Option<f64>>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub version: Option<i32>,
}

/// `POST /events/{id}/status`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventStatusChange {
    /// `draft → scheduled → completed`, or `cancelled` from draft or scheduled.
    pub status: EventStatus,
    /// Required when cancelling.
    #[schema(min_length = 1, max_length = 500)]
    #[validate(length(min = 1, max = 500))]
    pub reason: Option<String>,
    pub version: Option<i32>,
}

/// A series of shifts, one per day, at the same local times.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShiftSeries {
    /// First day, in the branch's time zone.
    #[schema(example = "2027-03-01")]
    pub from_date: NaiveDate,
    /// Last day (inclusive).
    #[schema(example = "2027-03-14")]
    pub to_date: NaiveDate,
    /// Local start time, e.g. `10:00`.
    #[schema(value_type = String, example = "10:00")]
    pub start_time: NaiveTime,
    #[schema(value_type = String, example = "14:00")]
    pub end_time: NaiveTime,
    #[schema(minimum = 1, maximum = 1000)]
    #[validate(range(min = 1, max = 1000))]
    pub capacity: i32,
    #[schema(min_length = 1, max_length = 50)]
    #[validate(length(min = 1, max = 50))]
    pub required_skill: Option<String>,
    /// Only these weekdays; every day when absent.
    #[schema(example = json!(["Sat", "Sun"]))]
    pub weekdays: Option<Vec<SeriesWeekday>>,
}

/// A day of the week, spelled as in the series request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub enum SeriesWeekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl From<SeriesWeekday> for Weekday {
    fn from(day: SeriesWeekday) -> Self {
        match day {
            SeriesWeekday::Mon => Weekday::Mon,
            SeriesWeekday::Tue => Weekday::Tue,
            SeriesWeekday::Wed => Weekday::Wed,
            SeriesWeekday::Thu => Weekday::Thu,
            SeriesWeekday::Fri => Weekday::Fri,
            SeriesWeekday::Sat => Weekday::Sat,
            SeriesWeekday::Sun => Weekday::Sun,
        }
    }
}

/// A volunteer's place on a shift.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentOut {
    pub id: AssignmentId,
    pub shift_id: ShiftId,
    pub volunteer_id: VolunteerId,
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

impl From<Assignment> for AssignmentOut {
    fn from(row: Assignment) -> Self {
        Self {
            status: row.status,
            id: row.id,
            shift_id: row.shift_id,
            volunteer_id: row.volunteer_id,
            shift_starts_at: utc(row.shift_starts_at),
            shift_ends_at: utc(row.shift_ends_at),
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            version: row.version,
        }
    }
}

/// `POST /shifts/{id}/signups`: volunteers sign themselves up (empty body);
/// staff name the volunteer.
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignUp {
    pub volunteer_id: Option<VolunteerId>,
}

/// `POST /assignments/{id}/attendance`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceMark {
    /// `attended` or `no_show`.
    pub status: AssignmentStatus,
}

/// One entry of a volunteer's schedule.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleItem {
    pub assignment: AssignmentOut,
    pub event_id: EventId,
    pub event_title: String,
    pub event_kind: EventKind,
    pub event_status: EventStatus,
    /// When the shift itself was cancelled (the sign-up is then `cancelled` too).
    #[serde(serialize_with = "crate::dto::timestamp::option_micros")]
    pub shift_cancelled_at: Option<DateTime<Utc>>,
    pub venue: Option<String>,
    pub address: Option<String>,
}

/// A volunteer's calendar subscription.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarFeedOut {
    /// Subscribe to this absolute URL in a calendar app; anyone with it can read
    /// the schedule, so keep it private. A new call replaces it.
    #[schema(example = "https://outreach.example.kz/api/v1/calendar/oct_abc123.ics")]
    pub url: String,
}

/// Filters of the event list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventFilterQuery {
    #[serde(default, deserialize_with = "crate::dto::query_values::branch")]
    #[param(value_type = Option<String>, pattern = "^KZ-[0-9]{2}$")]
    pub branch: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::query_values::id")]
    #[param(value_type = Option<uuid::Uuid>)]
    pub locality_id: Option<String>,
    pub kind: Option<EventKind>,
    pub status: Option<EventStatus>,
    /// Events ending after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Events starting before this instant.
    pub to: Option<DateTime<Utc>>,
    /// Only events with a free place on some shift.
    pub has_free_places: Option<bool>,
}

/// An upcoming event as the public feed shows it: what a resident needs to
/// come or to volunteer, nothing about who signed up.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicEventOut {
    pub id: EventId,
    pub branch: String,
    pub locality_id: Option<LocalityId>,
    pub kind: EventKind,
    pub title: String,
    pub description: Option<String>,
    pub venue: Option<String>,
    pub address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub starts_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub ends_at: DateTime<Utc>,
    /// The shifts that are not cancelled, in start order.
    pub shifts: Vec<PublicShiftOut>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub updated_at: DateTime<Utc>,
}

/// A shift in the public feed: name it as `shift_id` in a volunteer application.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicShiftOut {
    pub id: ShiftId,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub starts_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub ends_at: DateTime<Utc>,
    pub required_skill: Option<String>,
    pub free_places: i64,
}

impl From<EventOut> for PublicEventOut {
    fn from(event: EventOut) -> Self {
        let shifts = event
            .shifts
            .into_iter()
            .filter(|shift| shift.cancelled_at.is_none())
            .map(|shift| PublicShiftOut {
                id: shift.id,
                starts_at: shift.starts_at,
                ends_at: shift.ends_at,
                required_skill: shift.required_skill,
                free_places: shift.counts.free_places,
            })
            .collect();
        Self {
            id: event.id,
            branch: event.branch,
            locality_id: event.locality_id,
            kind: event.kind,
            title: event.title,
            description: event.description,
            venue: event.venue,
            address: event.address,
            latitude: event.latitude,
            longitude: event.longitude,
            starts_at: event.starts_at,
            ends_at: event.ends_at,
            shifts,
            updated_at: event.updated_at,
        }
    }
}
