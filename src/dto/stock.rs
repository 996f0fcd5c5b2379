//! The stock ledger: movements, and the balances they keep.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::stock_balances::StockBalance;
use crate::db::stock_movements::MovementWithName;
use crate::db::volunteer_holdings::Holding;
use crate::domain::ids::{AccountId, EventId, MaterialId, MovementId, PlacementId, VisitId, VolunteerId};
pub use crate::domain::material::{AdjustmentDirection, MovementKind};
use crate::domain::time::utc;
use crate::domain::visibility::Visibility;
use crate::dto::bilingual::Bilingual;

/// `POST /stock-movements`: one movement of one material.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMovement {
    pub kind: MovementKind,
    pub material_id: MaterialId,
    /// Always positive; an adjustment says its `direction`.
    #[schema(minimum = 1, maximum = 1000000)]
    #[validate(range(min = 1, max = 1_000_000))]
    pub quantity: i32,
    /// The branch whose stock moves (the sender of a transfer). Admins name it;
    /// coordinators' own branch is the default and the only one allowed.
    pub branch: Option<String>,
    /// The receiving branch: transfers only.
    pub to_branch: Option<String>,
    /// The volunteer (of `branch`) receiving or returning: issues and returns only.
    pub volunteer_id: Option<VolunteerId>,
    /// Adjustments only: up or down.
    pub direction: Option<AdjustmentDirection>,
    /// Required for write-offs and adjustments (damaged, lost, stock count of ...).
    #[schema(min_length = 1, max_length = 500)]
    #[validate(length(min = 1, max = 500))]
    pub reason: Option<String>,
    #[schema(max_length = 2000)]
    #[validate(length(max = 2000))]
    pub note: Option<String>,
}

/// `POST /stock-movements/{id}/reversal`: a counter-movement undoing one recorded by mistake.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReverseMovement {
    /// Why the original was wrong.
    #[schema(min_length = 1, max_length = 500)]
    #[validate(length(min = 1, max = 500))]
    pub reason: String,
    #[schema(max_length = 2000)]
    #[validate(length(max = 2000))]
    pub note: Option<String>,
}

/// One movement of the ledger. Observers see no volunteer, no note and not who recorded it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MovementOut {
    pub id: MovementId,
    pub kind: MovementKind,
    pub material_id: MaterialId,
    pub quantity: i32,
    /// The branch whose stock moved (the sender of a transfer).
    pub branch: String,
    pub to_branch: Option<String>,
    pub volunteer_id: Option<VolunteerId>,
    pub volunteer_name: Option<String>,
    pub direction: Option<AdjustmentDirection>,
    pub reason: Option<String>,
    pub note: Option<String>,
    /// Set on a counter-movement: the movement it undoes (its effects are the
    /// original's, negated).
    pub reverses_id: Option<MovementId>,
    /// A hand-out at a visit (door to door).
    pub visit_id: Option<VisitId>,
    /// A hand-out at a meeting, kept equal to its latest report.
    pub meeting_id: Option<EventId>,
    /// A hand-out at an event (`materials_distribution`, `street_stand`).
    pub event_id: Option<EventId>,
    /// Set on a `placement` movement: the poster placement it debited the stock for.
    pub placement_id: Option<PlacementId>,
    pub recorded_by: Option<AccountId>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub recorded_at: DateTime<Utc>,
}

impl MovementOut {
    pub fn new(row: MovementWithName, visibility: Visibility) -> Self {
        let movement = row.movement;
        Self {
            id: movement.id,
            kind: movement.kind,
            material_id: movement.material_id,
            quantity: movement.quantity,
            branch: movement.branch_code,
            to_branch: movement.to_branch_code,
            volunteer_id: visibility.personal(movement.volunteer_id),
            volunteer_name: visibility.personal(row.volunteer_name),
            direction: movement.direction,
            reason: movement.reason,
            note: visibility.personal(movement.note),
            reverses_id: movement.reverses_id,
            visit_id: movement.visit_id,
            meeting_id: movement.meeting_id,
            event_id: movement.event_id,
            placement_id: movement.placement_id,
            recorded_by: visibility.personal(Some(movement.recorded_by)),
            recorded_at: utc(movement.created_at),
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MovementFilterQuery {
    /// Movements out of or into this branch.
    #[serde(default, deserialize_with = "crate::dto::query_values::branch")]
    #[param(value_type = Option<String>, pattern = "^KZ-[0-9]{2}$")]
    pub branch: Option<String>,
    pub material_id: Option<MaterialId>,
    pub volunteer_id: Option<VolunteerId>,
    pub kind: Option<MovementKind>,
}

/// What one branch has of one material.
#[derive(Debug, Serialize, ToSchema)]
pub struct BalanceOut {
    pub branch: String,
    pub material_id: MaterialId,
    pub quantity: i32,
    /// The material's reorder level, when admins set one.
    pub reorder_level: Option<i32>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub updated_at: DateTime<Utc>,
}

impl From<(StockBalance, Option<i32>)> for BalanceOut {
    fn from((row, reorder_level): (StockBalance, Option<i32>)) -> Self {
        Self {
            branch: row.branch_code,
            material_id: row.material_id,
            quantity: row.quantity,
            reorder_level,
            updated_at: utc(row.updated_at),
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BalanceFilterQuery {
    #[serde(default, deserialize_with = "crate::dto::query_values::branch")]
    #[param(value_type = Option<String>, pattern = "^KZ-[0-9]{2}$")]
    pub branch: Option<String>,
    pub material_id: Option<MaterialId>,
    /// `true`: only branches holding less than the material's reorder level.
    pub below_reorder_level: Option<bool>,
}

/// What one volunteer carries of one material. Observers see the branch and
/// quantity only.
#[derive(Debug, Serialize, ToSchema)]
pub struct HoldingOut {
    pub volunteer_id: Option<VolunteerId>,
    pub volunteer_name: Option<String>,
    pub branch: String,
    pub material_id: MaterialId,
    pub quantity: i32,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub updated_at: DateTime<Utc>,
}

impl HoldingOut {
    pub fn new((row, name): (Holding, Option<String>), visibility: Visibility) -> Self {
        Self {
            volunteer_id: visibility.personal(Some(row.volunteer_id)),
            volunteer_name: visibility.personal(name),
            branch: row.branch_code,
            material_id: row.material_id,
            quantity: row.quantity,
            updated_at: utc(row.updated_at),
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HoldingFilterQuery {
    #[serde(default, deserialize_with = "crate::dto::query_values::branch")]
    #[param(value_type = Option<String>, pattern = "^KZ-[0-9]{2}$")]
    pub branch: Option<String>,
    pub volunteer_id: Option<VolunteerId>,
    pub material_id: Option<MaterialId>,
}

/// The national total of one material.
#[derive(Debug, Serialize, ToSchema)]
pub struct MaterialTotalOut {
    pub material_id: MaterialId,
    pub code: String,
    /// On the shelves of every branch.
    pub in_branches: i64,
    /// Carried by volunteers.
    pub with_volunteers: i64,
}

/// `GET /stock-totals` paging: by material.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TotalsQuery {
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// Opaque cursor from the previous page's `next_cursor`.
    #[param(pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
}

/// A material the volunteer carries, as the offline route pack lists it.
#[derive(Debug, Serialize, ToSchema)]
pub struct HeldMaterialOut {
    pub material_id: MaterialId,
    pub code: String,
    pub title: Bilingual,
    pub quantity: i32,
}

impl From<(Holding, String, String, String)> for HeldMaterialOut {
    fn from((row, code, title_kk, title_ru): (Holding, String, String, String)) -> Self {
        Self { material_id: row.material_id, code, title: Bilingual::new(title_kk, title_ru), quantity: row.quantity }
    }
}

/// One material handed out, and how many (a visit, a meeting report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandedOut {
    pub material_id: MaterialId,
    #[schema(minimum = 1, maximum = 10000)]
    #[validate(range(min = 1, max = 10_000))]
    pub quantity: i32,
}

/// `POST /events/{id}/materials`: what was handed out at the event.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventMaterialIn {
    pub material_id: MaterialId,
    #[schema(minimum = 1, maximum = 100000)]
    #[validate(range(min = 1, max = 100_000))]
    pub quantity: i32,
    /// The volunteer (of the event's branch) who handed them out, from what
    /// they carry; without it, from the branch's stock.
    pub volunteer_id: Option<VolunteerId>,
    #[schema(max_length = 2000)]
    #[validate(length(max = 2000))]
    pub note: Option<String>,
}

/// `GET /events/{id}/materials` paging, in recording order.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventMaterialsQuery {
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// Opaque cursor from the previous page's `next_cursor`.
    #[param(pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
}

/// `GET /reports/materials-handed-out`: the filters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HandedOutQuery {
    /// One branch (coordinators: their own, the default).
    #[serde(default, deserialize_with = "crate::dto::query_values::branch")]
    #[param(value_type = Option<String>, pattern = "^KZ-[0-9]{2}$")]
    pub branch: Option<String>,
    /// One material.
    pub material: Option<MaterialId>,
    /// First local day (in each branch's time zone), inclusive.
    pub from: Option<chrono::NaiveDate>,
    /// Last local day, inclusive.
    pub to: Option<chrono::NaiveDate>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// Opaque cursor from the previous page's `next_cursor`.
    #[param(pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
}

/// What one branch handed out of one material on one of its local days: visits,
/// meetings and events together, net of counter-movements.
#[derive(Debug, Serialize, ToSchema)]
pub struct HandedOutRow {
    /// The branch's local day.
    pub day: chrono::NaiveDate,
    pub branch: String,
    pub material_id: MaterialId,
    pub quantity: i64,
}
