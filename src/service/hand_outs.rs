//! Handing printed materials out at visits, meetings and events. Every hand-out
//! is a `hand_out` movement of the ledger naming what it was handed out at; it
//! debits the volunteer who handed the items out (what they carry) or, without
//! a volunteer, the branch's shelves. A holding that is short refuses the
//! hand-out: nothing is ever taken from elsewhere instead.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::NaiveDateTime;

use crate::auth::SessionUser;
use crate::db::events::Event;
use crate::db::materials as material_rows;
use crate::db::stock_movements::{self, MovementWithName, StockMovement};
use crate::db::{DbConn, stock_balances, volunteer_holdings, volunteers};
use crate::domain::ids::{EventId, MaterialId, MovementId, VisitId, VolunteerId};
use crate::domain::material::MovementKind;
use crate::domain::time::now;
use crate::dto::route::VisitOut;
use crate::dto::stock::{EventMaterialIn, HandedOut};
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::service::stock_movements::book;

/// Checks a list of materials handed out (each material once, their sum within
/// `max_total`) against the bare total sent with it, and returns the total to
/// store: the sum when there is a list, else the bare total (0 when absent).
pub fn total_of(
    materials: &[HandedOut],
    total_field: &str,
    total: Option<i32>,
    max_total: i32,
) -> Result<i32, Vec<FieldError>> {
    if materials.is_empty() {
        return Ok(total.unwrap_or(0));
    }
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for (index, item) in materials.iter().enumerate() {
        if !seen.insert(&item.material_id) {
            errors.push(FieldError::new(
                format!("materials[{index}].material_id"),
                ErrorCode::Duplicate,
                "a material is listed once (with its whole quantity)",
            ));
        }
    }
    let sum: i64 = materials.iter().map(|item| i64::from(item.quantity)).sum();
    if sum > i64::from(max_total) {
        errors.push(FieldError::new("materials", ErrorCode::Range, format!("at most {max_total} items in all")));
    } else if let Some(total) = total
        && i64::from(total) != sum
    {
        errors.push(FieldError::new(
            total_field,
            ErrorCode::Inconsistent,
            format!("{total_field} is {total}, but the materials add up to {sum}; send their sum or leave it out"),
        ));
    }
    if errors.is_empty() { Ok(i32::try_from(sum).unwrap_or(i32::MAX)) } else { Err(errors) }
}

/// Fills in what each of `visits` left per material, from their hand-outs
/// (one query per thousand visits).
pub fn fill_visit_materials<'a>(
    conn: &mut DbConn,
    visits: impl IntoIterator<Item = &'a mut VisitOut>,
) -> Result<(), ApiError> {
    let mut visits: Vec<&mut VisitOut> = visits.into_iter().collect();
    let mut by_visit: HashMap<VisitId, Vec<HandedOut>> = HashMap::new();
    for chunk in visits.chunks(1000) {
        let ids: Vec<VisitId> = chunk.iter().map(|visit| visit.id.clone()).collect();
        for (visit, material_id, quantity) in stock_movements::handed_out_at_visits(conn, &ids)? {
            by_visit.entry(visit).or_default().push(HandedOut { material_id, quantity });
        }
    }
    for visit in &mut visits {
        if let Some(materials) = by_visit.remove(&visit.id) {
            visit.materials = materials;
        }
    }
    Ok(())
}

/// Whose stock a hand-out takes.
#[derive(Debug, Clone)]
pub enum Source {
    /// What the volunteer carries.
    Volunteer(VolunteerId),
    /// A branch's shelves.
    Branch(String),
}

impl Source {
    fn describe(&self) -> String {
        match self {
            Self::Volunteer(volunteer) => format!("volunteer {volunteer}"),
            Self::Branch(branch) => format!("branch {branch}"),
        }
    }
}

/// The message of a refusal for want of stock: the material, the balance, the quantity asked.
fn short(code: &str, id: &MaterialId, whose: &str, balance: i32, asked: i32) -> String {
    format!("not enough of material {code} ({id}) with {whose}: balance {balance}, asked {asked}")
}

/// The stock one visit batch hands out from: the source's balances of the
/// materials the batch names, read once (and on PostgreSQL locked until the
/// commit) under the route's lock. Items take from it in memory, in batch
/// order; [`Shelf::debit`] then writes what they took, one statement per material.
pub struct Shelf {
    source: Option<Source>,
    /// The materials that exist, with their codes.
    codes: HashMap<MaterialId, String>,
    /// What is left for the next item.
    left: HashMap<MaterialId, i32>,
    /// What the items took, per material (in material order: the lock order).
    taken: BTreeMap<MaterialId, i32>,
}

impl Shelf {
    /// A shelf nothing is taken from (a batch handing nothing out).
    pub fn empty() -> Self {
        Self { source: None, codes: HashMap::new(), left: HashMap::new(), taken: BTreeMap::new() }
    }

    /// Reads (and locks) `source`'s balances of `wanted`.
    pub fn load(conn: &mut DbConn, source: Source, wanted: &BTreeSet<MaterialId>) -> Result<Self, ApiError> {
        if wanted.is_empty() {
            return Ok(Self { source: Some(source), ..Self::empty() });
        }
        let ids: Vec<MaterialId> = wanted.iter().cloned().collect();
        let codes = material_rows::find_many(conn, &ids)?.into_iter().map(|row| (row.id, row.code)).collect();
        let left = match &source {
            Source::Volunteer(volunteer) => volunteer_holdings::quantities_for_update(conn, volunteer, &ids)?,
            Source::Branch(branch) => stock_balances::quantities_for_update(conn, branch, &ids)?,
        };
        Ok(Self { source: Some(source), codes, left: left.into_iter().collect(), taken: BTreeMap::new() })
    }

    /// Takes one item's materials, all of them or (naming each one that is
    /// unknown or short) none.
    pub fn take(&mut self, materials: &[HandedOut]) -> Result<(), Vec<FieldError>> {
        let whose = self.source.as_ref().map_or_else(|| "nobody".to_owned(), Source::describe);
        let mut errors = Vec::new();
        for (index, item) in materials.iter().enumerate() {
            let Some(code) = self.codes.get(&item.material_id) else {
                errors.push(FieldError::new(
                    format!("materials[{index}].material_id"),
                    ErrorCode::UnknownMaterial,
                    format!("no material {}", item.material_id),
                ));
                continue;
            };
            let balance = self.left.get(&item.material_id).copied().unwrap_or(0);
            if balance < item.quantity {
                errors.push(FieldError::new(
                    format!("materials[{index}].quantity"),
                    ErrorCode::InsufficientStock,
                    short(code, &item.material_id, &whose, balance, item.quantity),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        for item in materials {
            *self.left.entry(item.material_id.clone()).or_default() -= item.quantity;
            *self.taken.entry(item.material_id.clone()).or_default() += item.quantity;
        }
        Ok(())
    }

    /// Debits what the items took from the source's balances.
    pub fn debit(&self, conn: &mut DbConn, at: NaiveDateTime) -> Result<(), ApiError> {
        let Some(source) = &self.source else { return Ok(()) };
        for (material, quantity) in &self.taken {
            let debited = match source {
                Source::Volunteer(volunteer) => volunteer_holdings::debit(conn, volunteer, material, *quantity, at)?,
                Source::Branch(branch) => stock_balances::debit(conn, branch, material, *quantity, at)?,
            };
            if !debited {
                // The balances were read under the write lock (SQLite) or locked (PostgreSQL).
                return Err(ApiError::internal(format!("a locked balance of material {material} changed")));
            }
        }
        Ok(())
    }
}

/// A hand-out movement, not yet booked.
pub struct HandOut<'a> {
    pub actor: &'a SessionUser,
    pub material_id: &'a MaterialId,
    pub branch: &'a str,
    pub volunteer_id: Option<VolunteerId>,
    pub quantity: i32,
    pub at: NaiveDateTime,
}

impl HandOut<'_> {
    /// The movement row, linked to nothing yet.
    pub fn row(self) -> StockMovement {
        StockMovement {
            id: MovementId::new(),
            kind: MovementKind::HandOut,
            material_id: self.material_id.clone(),
            branch_code: self.branch.to_owned(),
            to_branch_code: None,
            volunteer_id: self.volunteer_id,
            quantity: self.quantity,
            direction: None,
            reason: None,
            note: None,
            reverses_id: None,
            recorded_by: self.actor.account_id.clone(),
            created_at: self.at,
            visit_id: None,
            meeting_id: None,
            event_id: None,
            placement_id: None,
        }
    }
}

/// A refusal of `book` about the movement's quantity, renamed to the list entry
/// it came from.
fn at_field(err: ApiError, field: String) -> ApiError {
    match err {
        ApiError::Conflict { mut errors, detail, existing_id } => {
            errors.iter_mut().filter(|error| error.field == "quantity").for_each(|error| error.field = field.clone());
            ApiError::Conflict { errors, detail, existing_id }
        }
        other => other,
    }
}

/// Makes the meeting's hand-outs equal `materials` (its latest report), from
/// the branch's stock: a material whose quantity is unchanged posts nothing;
/// one that changed has its standing hand-outs undone by counter-movements
/// and its new quantity handed out. So the ledger always holds the latest
/// report exactly once. Refuses (changing nothing) a material that does not
/// exist, or a branch that lacks what the change takes.
pub fn reconcile_meeting(
    conn: &mut DbConn,
    actor: &SessionUser,
    meeting: &EventId,
    branch: &str,
    materials: &[HandedOut],
) -> Result<(), ApiError> {
    let recorded = stock_movements::of_meeting(conn, meeting)?;
    let undone: HashSet<&MovementId> = recorded.iter().filter_map(|row| row.reverses_id.as_ref()).collect();
    let mut standing: BTreeMap<MaterialId, Vec<&StockMovement>> = BTreeMap::new();
    for row in recorded.iter().filter(|row| row.reverses_id.is_none() && !undone.contains(&row.id)) {
        standing.entry(row.material_id.clone()).or_default().push(row);
    }
    let wanted: BTreeMap<MaterialId, (usize, i32)> =
        materials.iter().enumerate().map(|(index, item)| (item.material_id.clone(), (index, item.quantity))).collect();
    let touched: BTreeSet<&MaterialId> = standing.keys().chain(wanted.keys()).collect();
    let at = now();
    for material_id in touched {
        let rows = standing.get(material_id).map_or(&[][..], Vec::as_slice);
        let current: i32 = rows.iter().map(|row| row.quantity).sum();
        let (index, quantity) = wanted.get(material_id).copied().map_or((None, 0), |(i, q)| (Some(i), q));
        if current == quantity {
            continue;
        }
        let field = |part: &str| index.map_or_else(|| "materials".to_owned(), |i| format!("materials[{i}].{part}"));
        let material = material_rows::find(conn, material_id)?.ok_or_else(|| {
            ApiError::invalid(&field("material_id"), ErrorCode::UnknownMaterial, format!("no material {material_id}"))
        })?;
        for row in rows {
            let counter = StockMovement {
                id: MovementId::new(),
                reason: Some("meeting report corrected".into()),
                note: None,
                reverses_id: Some(row.id.clone()),
                recorded_by: actor.account_id.clone(),
                created_at: at,
                ..(*row).clone()
            };
            book(conn, actor, &material, counter)?;
        }
        if quantity > 0 {
            let row = StockMovement {
                meeting_id: Some(meeting.clone()),
                ..HandOut { actor, material_id, branch, volunteer_id: None, quantity, at }.row()
            };
            book(conn, actor, &material, row).map_err(|err| at_field(err, field("quantity")))?;
        }
    }
    Ok(())
}

/// The materials a meeting's report stands for, from its hand-outs (net of
/// counter-movements), in material order.
pub fn meeting_materials(conn: &mut DbConn, meeting: &EventId) -> Result<Vec<HandedOut>, ApiError> {
    let mut net: BTreeMap<MaterialId, i32> = BTreeMap::new();
    for row in stock_movements::of_meeting(conn, meeting)? {
        let delta = if row.reverses_id.is_some() { -row.quantity } else { row.quantity };
        *net.entry(row.material_id).or_default() += delta;
    }
    Ok(net
        .into_iter()
        .filter(|(_, quantity)| *quantity > 0)
        .map(|(material_id, quantity)| HandedOut { material_id, quantity })
        .collect())
}

/// Books one hand-out at `event`: from the volunteer's holding when one is
/// named (a volunteer of the event's branch), else from the branch's stock.
pub fn at_event(
    conn: &mut DbConn,
    actor: &SessionUser,
    event: &Event,
    input: EventMaterialIn,
) -> Result<MovementWithName, ApiError> {
    let branch = event.branch_code.as_str();
    let material = crate::service::materials::find_for_movement(conn, &input.material_id)?;
    if let Some(id) = &input.volunteer_id
        && volunteers::find(conn, id)?.is_none_or(|volunteer| volunteer.branch_code != branch)
    {
        return Err(ApiError::invalid(
            "volunteer_id",
            ErrorCode::UnknownVolunteer,
            format!("no volunteer {id} in branch {branch}"),
        ));
    }
    let hand_out = HandOut {
        actor,
        material_id: &material.id,
        branch,
        volunteer_id: input.volunteer_id,
        quantity: input.quantity,
        at: now(),
    };
    let row = StockMovement { event_id: Some(event.id.clone()), note: input.note, ..hand_out.row() };
    book(conn, actor, &material, row)
}
