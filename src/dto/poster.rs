//! Poster sites, placements with their status history, inspection rounds and
//! the coverage report.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::poster_placements::{PlacementChange, PlacementWithName};
use crate::db::poster_sites::PosterSite;
use crate::domain::ids::{EventId, LocalityId, MaterialId, PlacementChangeId, PlacementId, PosterSiteId, VolunteerId};
pub use crate::domain::poster::{PlacementStatus, SiteKind, SiteStatus};
use crate::domain::time::utc;
use crate::domain::visibility::Visibility;
use crate::dto::batch::ItemStatus;
use crate::dto::bilingual::Bilingual;
use crate::error::FieldError;

/// `POST /poster-sites`: a place the local executive body designated for posters.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSite {
    /// Admins name it; coordinators' own branch is the default and the only one allowed.
    pub branch: Option<String>,
    /// A locality of the branch.
    pub locality_id: LocalityId,
    #[schema(min_length = 1, max_length = 300)]
    #[validate(length(min = 1, max = 300))]
    pub address: String,
    #[schema(minimum = -90.0, maximum = 90.0)]
    #[validate(range(min = -90.0, max = 90.0))]
    pub latitude: Option<f64>,
    #[schema(minimum = -180.0, maximum = 180.0)]
    #[validate(range(min = -180.0, max = 180.0))]
    pub longitude: Option<f64>,
    pub kind: SiteKind,
    /// How many posters the site takes at once.
    #[schema(minimum = 1, maximum = 1000)]
    #[validate(range(min = 1, max = 1000))]
    pub capacity: i32,
    /// The body that designated the site (akimat of ...).
    #[schema(min_length = 1, max_length = 300)]
    #[validate(length(min = 1, max = 300))]
    pub decision_body: String,
    #[schema(min_length = 1, max_length = 100)]
    #[validate(length(min = 1, max = 100))]
    pub decision_number: String,
    pub decision_date: NaiveDate,
    /// Default `active`.
    pub status: Option<SiteStatus>,
}

/// Fields to change; absent fields stay, `null` clears the coordinates. A site
/// keeps its branch.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSite {
    pub locality_id: Option<LocalityId>,
    #[schema(min_length = 1, max_length = 300)]
    #[validate(length(min = 1, max = 300))]
    pub address: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::account::double_option")]
    #[schema(value_type = Option<f64>, minimum = -90.0, maximum = 90.0)]
    #[validate(range(min = -90.0, max = 90.0))]
    pub latitude: Option<Option<f64>>,
    #[serde(default, deserialize_with = "crate::dto::account::double_option")]
    #[schema(value_type = Option<f64>, minimum = -180.0, maximum = 180.0)]
    #[validate(range(min = -180.0, max = 180.0))]
    pub longitude: Option<Option<f64>>,
    pub kind: Option<SiteKind>,
    /// Never below the posters hanging now (409 `capacity_exceeded`).
    #[schema(minimum = 1, maximum = 1000)]
    #[validate(range(min = 1, max = 1000))]
    pub capacity: Option<i32>,
    #[schema(min_length = 1, max_length = 300)]
    #[validate(length(min = 1, max = 300))]
    pub decision_body: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    #[validate(length(min = 1, max = 100))]
    pub decision_number: Option<String>,
    pub decision_date: Option<NaiveDate>,
    pub status: Option<SiteStatus>,
    pub version: Option<i32>,
}

/// A poster site.
#[derive(Debug, Serialize, ToSchema)]
pub struct SiteOut {
    pub id: PosterSiteId,
    pub branch: String,
    pub locality_id: LocalityId,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub kind: SiteKind,
    pub capacity: i32,
    /// Posters hanging now (placements `placed` or `checked`).
    pub current_posters: i32,
    /// What is left of the capacity.
    pub free_capacity: i32,
    pub decision_body: String,
    pub decision_number: String,
    pub decision_date: NaiveDate,
    pub status: SiteStatus,
    /// The latest inspection of any of its placements (a change to `checked`,
    /// `damaged` or `removed`); absent when never inspected.
    #[serde(serialize_with = "crate::dto::timestamp::option_micros")]
    pub last_checked_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<PosterSite> for SiteOut {
    fn from(row: PosterSite) -> Self {
        Self {
            id: row.id,
            branch: row.branch_code,
            locality_id: row.locality_id,
            address: row.address,
            latitude: row.latitude,
            longitude: row.longitude,
            kind: row.kind,
            capacity: row.capacity,
            current_posters: row.current_posters,
            free_capacity: (row.capacity - row.current_posters).max(0),
            decision_body: row.decision_body,
            decision_number: row.decision_number,
            decision_date: row.decision_date,
            status: row.status,
            last_checked_at: row.last_checked_at.map(utc),
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            version: row.version,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SiteFilterQuery {
    #[serde(default, deserialize_with = "crate::dto::query_values::branch")]
    #[param(value_type = Option<String>, pattern = "^KZ-[0-9]{2}$")]
    pub branch: Option<String>,
    pub locality_id: Option<LocalityId>,
    pub status: Option<SiteStatus>,
    /// Sites not inspected for at least this many days (never inspected ones included).
    #[param(minimum = 0, maximum = 36500)]
    pub not_checked_for_days: Option<u32>,
    /// `true`: only sites with no poster hanging.
    pub without_current_poster: Option<bool>,
}

/// `POST /poster-sites/{id}/placements`: posters put up on the site.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePlacement {
    /// A catalogue material of kind `poster`.
    pub material_id: MaterialId,
    #[schema(minimum = 1, maximum = 1000)]
    #[validate(range(min = 1, max = 1000))]
    pub quantity: i32,
    /// The volunteer (of the site's branch) who put them up: the posters come out
    /// of what they carry. Without one, out of the branch's stock.
    pub volunteer_id: Option<VolunteerId>,
    /// A `poster_placement` event of the branch this was part of.
    pub event_id: Option<EventId>,
    /// When they went up; default now.
    #[serde(serialize_with = "crate::dto::timestamp::option_micros")]
    pub placed_at: Option<DateTime<Utc>>,
    #[schema(max_length = 1000)]
    #[validate(length(max = 1000))]
    pub note: Option<String>,
    #[schema(min_length = 1, max_length = 500)]
    #[validate(length(min = 1, max = 500))]
    pub photo_ref: Option<String>,
}

/// One entry of a placement's history. Observers see no volunteer, note or photo.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangeOut {
    pub id: PlacementChangeId,
    pub placement_id: PlacementId,
    pub status: PlacementStatus,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub at: DateTime<Utc>,
    pub volunteer_id: Option<VolunteerId>,
    pub note: Option<String>,
    /// An opaque key or URL of a photo kept elsewhere.
    pub photo_ref: Option<String>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub received_at: DateTime<Utc>,
}

impl ChangeOut {
    pub fn new(row: PlacementChange, visibility: Visibility) -> Self {
        Self {
            id: row.id,
            placement_id: row.placement_id,
            status: row.status,
            at: utc(row.at),
            volunteer_id: visibility.personal(row.volunteer_id),
            note: visibility.personal(row.note),
            photo_ref: visibility.personal(row.photo_ref),
            received_at: utc(row.received_at),
        }
    }
}

/// Posters put up on a site, with their status history (oldest first).
#[derive(Debug, Serialize, ToSchema)]
pub struct PlacementOut {
    pub id: PlacementId,
    pub site_id: PosterSiteId,
    pub branch: String,
    pub material_id: MaterialId,
    pub quantity: i32,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub placed_at: DateTime<Utc>,
    /// The volunteer who put them up (hidden from observers).
    pub placed_by: Option<VolunteerId>,
    pub placed_by_name: Option<String>,
    pub event_id: Option<EventId>,
    pub status: PlacementStatus,
    /// The damaged or removed placement this one replaced.
    pub replaces_id: Option<PlacementId>,
    /// The placement that replaced this one.
    pub replaced_by_id: Option<PlacementId>,
    pub changes: Vec<ChangeOut>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl PlacementOut {
    pub fn new(row: PlacementWithName, changes: Vec<PlacementChange>, visibility: Visibility) -> Self {
        let placement = row.placement;
        Self {
            id: placement.id,
            site_id: placement.site_id,
            branch: placement.branch_code,
            material_id: placement.material_id,
            quantity: placement.quantity,
            placed_at: utc(placement.placed_at),
            placed_by: visibility.personal(placement.placed_by),
            placed_by_name: visibility.personal(row.placed_by_name),
            event_id: placement.event_id,
            status: placement.status,
            replaces_id: placement.replaces_id,
            replaced_by_id: placement.replaced_by_id,
            changes: changes.into_iter().map(|change| ChangeOut::new(change, visibility)).collect(),
            created_at: utc(placement.created_at),
            updated_at: utc(placement.updated_at),
            version: placement.version,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlacementFilterQuery {
    #[serde(default, deserialize_with = "crate::dto::query_values::branch")]
    #[param(value_type = Option<String>, pattern = "^KZ-[0-9]{2}$")]
    pub branch: Option<String>,
    pub site_id: Option<PosterSiteId>,
    pub locality_id: Option<LocalityId>,
    pub status: Option<PlacementStatus>,
    /// `true`: only placements awaiting replacement (`damaged` or `removed`).
    pub awaiting_replacement: Option<bool>,
}

/// The posters that replace a damaged or removed placement.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplacementIn {
    /// Default: the material of the placement replaced.
    pub material_id: Option<MaterialId>,
    /// Default: the quantity of the placement replaced.
    #[schema(minimum = 1, maximum = 1000)]
    #[validate(range(min = 1, max = 1000))]
    pub quantity: Option<i32>,
    /// Who put them up (out of their holding); without one, out of the branch's stock.
    pub volunteer_id: Option<VolunteerId>,
}

/// `POST /poster-placements/{id}/changes`: the next status of a placement.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateChange {
    pub status: PlacementStatus,
    /// When it was seen; default now.
    #[serde(serialize_with = "crate::dto::timestamp::option_micros")]
    pub at: Option<DateTime<Utc>>,
    /// The volunteer who made the change (staff naming one of the branch's);
    /// a volunteer caller is recorded as themselves.
    pub volunteer_id: Option<VolunteerId>,
    #[schema(max_length = 1000)]
    #[validate(length(max = 1000))]
    pub note: Option<String>,
    #[schema(min_length = 1, max_length = 500)]
    #[validate(length(min = 1, max = 500))]
    pub photo_ref: Option<String>,
    /// With `status: replaced`: the new placement put up in its place, made in
    /// the same transaction (stock debited as for any placement).
    #[validate(nested)]
    pub replacement: Option<ReplacementIn>,
}

/// One inspection of a placement, recorded offline.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionIn {
    /// Generated on the phone (a UUID); a replay is recognised by it.
    pub id: PlacementChangeId,
    pub placement_id: PlacementId,
    /// `checked`, `damaged` or `removed`.
    pub status: PlacementStatus,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub at: DateTime<Utc>,
    #[schema(max_length = 1000)]
    #[validate(length(max = 1000))]
    pub note: Option<String>,
    #[schema(min_length = 1, max_length = 500)]
    #[validate(length(min = 1, max = 500))]
    pub photo_ref: Option<String>,
}

/// `POST /poster-inspections/batch`: up to 500 inspections.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionBatch {
    /// Each item is checked and stored on its own.
    #[schema(value_type = Vec<InspectionIn>, max_items = 500)]
    pub inspections: Vec<Box<serde_json::value::RawValue>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InspectionResult {
    /// Position in the batch.
    pub index: usize,
    /// The item's id, when it had a readable one.
    pub id: Option<String>,
    pub status: ItemStatus,
    /// For a duplicate: whether the item says something else than the change
    /// stored under its id (the stored one stands).
    pub conflicting: bool,
    /// For a duplicate, the change as stored the first time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<ChangeOut>,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InspectionBatchResult {
    pub created: usize,
    pub duplicates: usize,
    pub rejected: usize,
    pub items: Vec<InspectionResult>,
}

/// `GET /reports/poster-coverage` parameters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageQuery {
    /// One branch, with its localities; without it, the nation with its branches.
    #[serde(default, deserialize_with = "crate::dto::query_values::branch")]
    #[param(value_type = Option<String>, pattern = "^KZ-[0-9]{2}$")]
    pub branch: Option<String>,
}

/// Poster coverage of one group of sites.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoverageRow {
    /// A locality id, a branch code, or `KZ` for the nation.
    pub key: String,
    /// The locality's name (locality rows only).
    pub name: Option<Bilingual>,
    pub sites: i64,
    pub active_sites: i64,
    /// Active sites with at least one poster hanging.
    pub sites_with_current_poster: i64,
    /// Their share (0-100) of the active sites.
    pub current_poster_percent: f64,
    /// The median of the whole days since the last inspection of the inspected
    /// active sites; absent when none was inspected.
    pub median_days_since_check: Option<f64>,
    /// Active sites never inspected.
    pub never_checked: i64,
    /// Rural settlements (villages and rural districts) with at least one active site.
    pub rural_settlements_with_active_site: i64,
    /// Rural settlements there are (branch and nation rows; absent for localities).
    pub rural_settlements: Option<i64>,
}

/// `GET /reports/poster-coverage`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PosterCoverage {
    pub branch: Option<String>,
    /// The branch (with `branch`) or the nation.
    pub total: CoverageRow,
    /// Per branch (nation report) or per locality with sites (branch report).
    pub groups: Vec<CoverageRow>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub generated_at: DateTime<Utc>,
}

/// `POST /poster-sites.csv`: what happened to each row.
#[derive(Debug, Serialize, ToSchema)]
pub struct SiteRowResult {
    /// Line number in the file (the header is line 1).
    pub row: usize,
    pub status: crate::dto::volunteer_import::RowStatus,
    pub site_id: Option<PosterSiteId>,
    pub errors: Vec<FieldError>,
}

/// The outcome of a site import, row by row.
#[derive(Debug, Serialize, ToSchema)]
pub struct SiteImportReport {
    pub dry_run: bool,
    pub created: usize,
    pub valid: usize,
    pub errors: usize,
    pub rows: Vec<SiteRowResult>,
}
