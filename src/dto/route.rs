use crate::domain::ids::{EventId, LocalityId, RouteId, ShiftId, StopId, VisitId, VolunteerId};
use crate::domain::locality::LocalityKind;
pub use crate::domain::route::{QuestionTopic, RouteStatus};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::routes::{Route, Stop, Visit};
use crate::db::volunteers::decode_values;
use crate::domain::time::utc;
use crate::dto::bilingual::Bilingual;

/// The progress of a route, kept current with every synced visit.
#[derive(Debug, Serialize, ToSchema)]
pub struct RouteProgress {
    pub stops_total: i32,
    pub stops_visited: i32,
    /// Share of stops visited, 0 to 100.
    pub percent: f64,
    pub visits: i32,
    pub doors_knocked: i32,
    pub conversations: i32,
    pub materials_left: i32,
    #[serde(serialize_with = "crate::dto::timestamp::option_micros")]
    pub last_activity_at: Option<DateTime<Utc>>,
}

impl RouteProgress {
    pub fn of(route: &Route) -> Self {
        Self {
            stops_total: route.stops_total,
            stops_visited: route.stops_visited,
            percent: if route.stops_total == 0 {
                0.0
            } else {
                (f64::from(route.stops_visited) * 1000.0 / f64::from(route.stops_total)).round() / 10.0
            },
            visits: route.visits_count,
            doors_knocked: route.doors_knocked,
            conversations: route.conversations,
            materials_left: route.materials_left,
            last_activity_at: route.last_activity_at.map(utc),
        }
    }
}

/// An address on a route.
#[derive(Debug, Serialize, ToSchema)]
pub struct StopOut {
    pub id: StopId,
    pub position: i32,
    pub street: String,
    pub building: String,
    pub entrance: Option<String>,
    /// Doors (apartments) at this address.
    pub doors: i32,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub access_notes: Option<String>,
    pub visits: i32,
    #[serde(serialize_with = "crate::dto::timestamp::option_micros")]
    pub first_visited_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub created_at: DateTime<Utc>,
}

impl From<Stop> for StopOut {
    fn from(row: Stop) -> Self {
        Self {
            id: row.id,
            position: row.position,
            street: row.street,
            building: row.building,
            entrance: row.entrance,
            doors: row.doors,
            latitude: row.latitude,
            longitude: row.longitude,
            access_notes: row.access_notes,
            visits: row.visits_count,
            first_visited_at: row.first_visited_at.map(utc),
            created_at: utc(row.created_at),
        }
    }
}

/// A door-to-door route.
#[derive(Debug, Serialize, ToSchema)]
pub struct RouteOut {
    pub id: RouteId,
    pub branch: String,
    pub locality_id: LocalityId,
    pub event_id: Option<EventId>,
    pub shift_id: Option<ShiftId>,
    pub name: String,
    pub status: RouteStatus,
    pub progress: RouteProgress,
    /// The volunteers who work the route.
    pub assignees: Vec<VolunteerId>,
    /// In walking order; absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stops: Option<Vec<StopOut>>,
    #[serde(serialize_with = "crate::dto::timestamp::option_micros")]
    pub completed_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl RouteOut {
    pub fn new(route: Route, assignees: Vec<VolunteerId>, stops: Option<Vec<Stop>>) -> Self {
        Self {
            progress: RouteProgress::of(&route),
            status: route.status,
            id: route.id,
            branch: route.branch_code,
            locality_id: route.locality_id,
            event_id: route.event_id,
            shift_id: route.shift_id,
            name: route.name,
            assignees,
            stops: stops.map(|stops| stops.into_iter().map(StopOut::from).collect()),
            completed_at: route.completed_at.map(utc),
            created_at: utc(route.created_at),
            updated_at: utc(route.updated_at),
            version: route.version,
        }
    }
}

/// A stop to create, or (with `id`) an existing one to keep, in a new order.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StopIn {
    /// An existing stop of the route; absent for a new one.
    pub id: Option<StopId>,
    #[schema(min_length = 1, max_length = 200)]
    #[validate(length(min = 1, max = 200))]
    pub street: String,
    #[schema(min_length = 1, max_length = 50)]
    #[validate(length(min = 1, max = 50))]
    pub building: String,
    #[schema(max_length = 20)]
    #[validate(length(max = 20))]
    pub entrance: Option<String>,
    #[schema(minimum = 1, maximum = 2000)]
    #[validate(range(min = 1, max = 2000))]
    pub doors: i32,
    #[schema(minimum = -90.0, maximum = 90.0)]
    #[validate(range(min = -90.0, max = 90.0))]
    pub latitude: Option<f64>,
    #[schema(minimum = -180.0, maximum = 180.0)]
    #[validate(range(min = -180.0, max = 180.0))]
    pub longitude: Option<f64>,
    #[schema(max_length = 500)]
    #[validate(length(max = 500))]
    pub access_notes: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRoute {
    /// A locality of the coordinator's branch.
    pub locality_id: LocalityId,
    #[schema(min_length = 1, max_length = 200)]
    #[validate(length(min = 1, max = 200))]
    pub name: String,
    pub event_id: Option<EventId>,
    pub shift_id: Option<ShiftId>,
    /// In walking order, up to 500.
    #[schema(max_items = 500)]
    #[validate(length(max = 500), nested)]
    pub stops: Vec<StopIn>,
    /// Active volunteers of the branch to assign right away.
    #[serde(default)]
    #[schema(max_items = 50)]
    #[validate(length(max = 50))]
    pub volunteer_ids: Vec<VolunteerId>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplaceStops {
    /// The complete new list in walking order: listed existing stops are kept (and
    /// reordered), unlisted ones removed (only if never visited), new ones added.
    #[schema(max_items = 500)]
    #[validate(length(max = 500), nested)]
    pub stops: Vec<StopIn>,
    pub version: Option<i32>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignVolunteer {
    pub volunteer_id: VolunteerId,
}

/// One visit as the phone recorded it.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitIn {
    /// Generated on the phone (a UUID); a replay is recognised by it.
    pub id: VisitId,
    pub stop_id: StopId,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub visited_at: DateTime<Utc>,
    #[schema(minimum = 0, maximum = 2000)]
    #[validate(range(min = 0, max = 2000))]
    pub doors_knocked: i32,
    #[schema(minimum = 0, maximum = 2000)]
    #[validate(range(min = 0, max = 2000))]
    pub conversations: i32,
    #[schema(minimum = 0, maximum = 2000)]
    #[validate(range(min = 0, max = 2000))]
    pub not_at_home: i32,
    #[schema(minimum = 0, maximum = 2000)]
    #[validate(range(min = 0, max = 2000))]
    pub refused: i32,
    /// How many printed items were left in all. With `materials` it may be
    /// left out (it is their sum); if sent, it must equal that sum.
    #[schema(minimum = 0, maximum = 10000)]
    #[validate(range(min = 0, max = 10000))]
    pub materials_left: Option<i32>,
    /// What was left, per material (at most 20, each once). Each item debits
    /// what the visiting volunteer carries (`materials_held` in the route
    /// pack); a staff sync debits the route's branch. A holding that is short
    /// refuses the item (`insufficient_stock`).
    #[serde(default)]
    #[schema(max_items = 20)]
    #[validate(length(max = 20), nested)]
    pub materials: Vec<crate::dto::stock::HandedOut>,
    #[serde(default)]
    #[schema(max_items = 10)]
    #[validate(length(max = 10))]
    pub questions: Vec<QuestionTopic>,
    #[schema(max_length = 500)]
    #[validate(length(max = 500))]
    pub question_text: Option<String>,
    #[schema(max_length = 1000)]
    #[validate(length(max = 1000))]
    pub note: Option<String>,
    #[schema(minimum = -90.0, maximum = 90.0)]
    #[validate(range(min = -90.0, max = 90.0))]
    pub latitude: Option<f64>,
    #[schema(minimum = -180.0, maximum = 180.0)]
    #[validate(range(min = -180.0, max = 180.0))]
    pub longitude: Option<f64>,
}

/// A stored visit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VisitOut {
    pub id: VisitId,
    pub route_id: RouteId,
    pub stop_id: StopId,
    pub volunteer_id: Option<VolunteerId>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub visited_at: DateTime<Utc>,
    pub doors_knocked: i32,
    pub conversations: i32,
    pub not_at_home: i32,
    pub refused: i32,
    pub materials_left: i32,
    /// What was left per material (the visit's hand-outs); empty when the phone
    /// sent only the bare total.
    pub materials: Vec<crate::dto::stock::HandedOut>,
    pub questions: Vec<QuestionTopic>,
    pub question_text: Option<String>,
    pub note: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub received_at: DateTime<Utc>,
}

impl From<Visit> for VisitOut {
    fn from(row: Visit) -> Self {
        Self {
            questions: decode_values(&row.question_topics),
            id: row.id,
            route_id: row.route_id,
            stop_id: row.stop_id,
            volunteer_id: row.volunteer_id,
            visited_at: utc(row.visited_at),
            doors_knocked: row.doors_knocked,
            conversations: row.conversations,
            not_at_home: row.not_at_home,
            refused: row.refused,
            materials_left: row.materials_left,
            materials: Vec::new(),
            question_text: row.question_text,
            note: row.note,
            latitude: row.latitude,
            longitude: row.longitude,
            received_at: utc(row.received_at),
        }
    }
}

/// `POST /routes/{id}/visits:batch`: up to 500 visits.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitBatch {
    /// Each item is checked and stored on its own.
    // Kept as raw JSON text until then, so one bad item refuses only itself, and
    // no tree of values is built for 500 items.
    #[schema(value_type = Vec<VisitIn>, max_items = 500)]
    pub visits: Vec<Box<serde_json::value::RawValue>>,
}

pub use crate::dto::batch::ItemStatus;

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemResult {
    /// Position in the batch.
    pub index: usize,
    /// The item's id, when it had a readable one.
    pub id: Option<String>,
    pub status: ItemStatus,
    /// For a duplicate: whether the item says something else than the visit
    /// stored under its id (the stored one stands; the phone should show it).
    pub conflicting: bool,
    /// For a duplicate, the visit as stored the first time. Absent for created
    /// items (they are stored as sent) and rejected ones: a phone on a slow network
    /// does not download its 500 visits back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visit: Option<VisitOut>,
    pub errors: Vec<crate::error::FieldError>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResult {
    pub created: usize,
    pub duplicates: usize,
    pub rejected: usize,
    pub items: Vec<ItemResult>,
    /// The route's progress after the batch.
    pub progress: RouteProgress,
}

/// Everything a phone needs to work a route offline.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoutePack {
    pub route: RouteOut,
    pub visits: Vec<VisitOut>,
    /// The event and its time window, when the route belongs to one.
    pub event: Option<crate::dto::event::EventOut>,
    /// The topics questions are recorded under.
    pub question_topics: Vec<QuestionTopic>,
    /// What the calling volunteer carries to hand out (empty for staff).
    pub materials_held: Vec<crate::dto::stock::HeldMaterialOut>,
    /// The published talking-points library (each item's published copy, kk
    /// and ru, en where written), in id order: publishing, a new published
    /// version or retiring an item changes the pack's `ETag`.
    pub talking_points: Vec<crate::dto::talking_point::TalkingPointOut>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub generated_at: DateTime<Utc>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RouteFilterQuery {
    #[serde(default, deserialize_with = "crate::dto::query_values::branch")]
    #[param(value_type = Option<String>, pattern = "^KZ-[0-9]{2}$")]
    pub branch: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::query_values::id")]
    #[param(value_type = Option<uuid::Uuid>)]
    pub locality_id: Option<String>,
    pub status: Option<RouteStatus>,
    #[serde(default, deserialize_with = "crate::dto::query_values::id")]
    #[param(value_type = Option<uuid::Uuid>)]
    pub event_id: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::query_values::id")]
    #[param(value_type = Option<uuid::Uuid>)]
    pub volunteer_id: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VisitFilterQuery {
    #[serde(default, deserialize_with = "crate::dto::query_values::id")]
    #[param(value_type = Option<uuid::Uuid>)]
    pub route_id: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::query_values::id")]
    #[param(value_type = Option<uuid::Uuid>)]
    pub volunteer_id: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::query_values::branch")]
    #[param(value_type = Option<String>, pattern = "^KZ-[0-9]{2}$")]
    pub branch: Option<String>,
    /// Visits made at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Visits made before this instant.
    pub to: Option<DateTime<Utc>>,
}

/// Coverage of one locality.
#[derive(Debug, Serialize, ToSchema)]
pub struct LocalityCoverage {
    pub locality_id: String,
    pub name: Bilingual,
    pub kind: LocalityKind,
    pub routes: i64,
    pub completed_routes: i64,
    pub stops_total: i64,
    pub stops_visited: i64,
    pub doors_knocked: i64,
    pub conversations: i64,
}

/// Door-to-door coverage of a branch.
#[derive(Debug, Serialize, ToSchema)]
pub struct BranchProgress {
    pub branch: String,
    pub routes: i64,
    pub completed_routes: i64,
    pub stops_total: i64,
    pub stops_visited: i64,
    pub visits: i64,
    pub doors_knocked: i64,
    pub conversations: i64,
    pub materials_left: i64,
    pub localities: i64,
    /// Share (0-100) of the branch's localities with at least one completed route.
    pub localities_covered_percent: f64,
    pub rural_settlements: i64,
    /// The same share for villages and rural districts.
    pub rural_covered_percent: f64,
    /// Per locality that has routes.
    pub by_locality: Vec<LocalityCoverage>,
}
