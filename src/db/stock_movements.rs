//! Queries on `stock_movements`, the append-only ledger: rows are inserted, never
//! updated or deleted.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{stock_movements, volunteers};
use crate::domain::ids::{AccountId, EventId, MaterialId, MovementId, PlacementId, VisitId, VolunteerId};
use crate::domain::material::{AdjustmentDirection, Movement, MovementKind};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = stock_movements, treat_none_as_default_value = false)]
pub struct StockMovement {
    pub id: MovementId,
    pub kind: MovementKind,
    pub material_id: MaterialId,
    pub branch_code: String,
    pub to_branch_code: Option<String>,
    pub volunteer_id: Option<VolunteerId>,
    pub quantity: i32,
    pub direction: Option<AdjustmentDirection>,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub reverses_id: Option<MovementId>,
    pub recorded_by: AccountId,
    pub created_at: NaiveDateTime,
    /// A hand-out at a visit.
    pub visit_id: Option<VisitId>,
    /// A hand-out at a meeting (its report).
    pub meeting_id: Option<EventId>,
    /// A hand-out at an event of the distributing kinds.
    pub event_id: Option<EventId>,
    /// For a placement movement: the placement that put the posters up.
    pub placement_id: Option<PlacementId>,
}

impl StockMovement {
    /// The movement as the ledger rules see it.
    pub fn as_movement(&self) -> Movement<'_> {
        Movement {
            kind: self.kind,
            branch: &self.branch_code,
            to_branch: self.to_branch_code.as_deref(),
            volunteer: self.volunteer_id.as_ref(),
            quantity: self.quantity,
            direction: self.direction,
            reverses: self.reverses_id.is_some(),
        }
    }
}

/// A movement with the name of its volunteer (absent once anonymised).
pub struct MovementWithName {
    pub movement: StockMovement,
    pub volunteer_name: Option<String>,
}

#[derive(Debug, Default)]
pub struct MovementFilter {
    /// Movements out of or into this branch.
    pub branch: Option<String>,
    pub material_id: Option<MaterialId>,
    pub volunteer_id: Option<VolunteerId>,
    pub kind: Option<MovementKind>,
    /// Hand-outs at this event.
    pub event_id: Option<EventId>,
    /// Movements are never changed: recorded at or after this instant.
    pub recorded_since: Option<NaiveDateTime>,
    pub after: Option<String>,
}

/// Inserts a movement (a hand-out also into its day's sums, `hand_out_days`).
pub fn insert(conn: &mut DbConn, row: &StockMovement) -> QueryResult<()> {
    diesel::insert_into(stock_movements::table).values(row).execute(conn)?;
    super::reports::add_hand_outs(conn, std::slice::from_ref(row))
}

/// Inserts `rows` with a few multi-row statements (a synced batch's hand-outs).
pub fn insert_many(conn: &mut DbConn, rows: &[StockMovement]) -> QueryResult<()> {
    // 16 parameters a row: far below either backend's limit.
    for chunk in rows.chunks(500) {
        let statement = diesel::insert_into(stock_movements::table).values(chunk);
        match conn {
            DbConn::Sqlite(sqlite) => statement.execute(sqlite)?,
            DbConn::Postgresql(pg) => statement.execute(pg)?,
        };
    }
    super::reports::add_hand_outs(conn, rows)
}

/// Every hand-out recorded for a meeting's report, counter-movements included,
/// in recording order.
pub fn of_meeting(conn: &mut DbConn, meeting: &EventId) -> QueryResult<Vec<StockMovement>> {
    stock_movements::table
        .filter(stock_movements::meeting_id.eq(meeting))
        .order(stock_movements::id)
        .select(StockMovement::as_select())
        .load(conn)
}

/// What was handed out at each of `visits`: (visit, material, quantity).
pub fn handed_out_at_visits(conn: &mut DbConn, visits: &[VisitId]) -> QueryResult<Vec<(VisitId, MaterialId, i32)>> {
    if visits.is_empty() {
        return Ok(Vec::new());
    }
    // Counter-movements are left out here rather than in SQL: with
    // `reverses_id IS NULL` in the query, SQLite walks the unique index on
    // `reverses_id` (nearly every row) instead of the one on `visit_id`.
    let rows: Vec<(Option<VisitId>, MaterialId, i32, Option<MovementId>)> = stock_movements::table
        .filter(stock_movements::visit_id.eq_any(visits))
        .order(stock_movements::id)
        .select((
            stock_movements::visit_id,
            stock_movements::material_id,
            stock_movements::quantity,
            stock_movements::reverses_id,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(_, _, _, reverses)| reverses.is_none())
        .filter_map(|(visit, material, quantity, _)| Some((visit?, material, quantity)))
        .collect())
}

pub fn find(conn: &mut DbConn, id: &MovementId) -> QueryResult<Option<StockMovement>> {
    stock_movements::table.find(id).select(StockMovement::as_select()).first(conn).optional()
}

/// The counter-movement that undid `id`, if any.
pub fn reversal_of(conn: &mut DbConn, id: &MovementId) -> QueryResult<Option<MovementId>> {
    stock_movements::table
        .filter(stock_movements::reverses_id.eq(id))
        .select(stock_movements::id)
        .first(conn)
        .optional()
}

/// One page of the ledger in id (time) order, with volunteer names from one join.
/// Which column names the branch in one of the ledger's two pages.
#[derive(Clone, Copy)]
enum BranchSide {
    /// `branch_code`: the branch a movement debits or credits (the sender of a transfer).
    Own,
    /// `to_branch_code`: the receiver of a transfer.
    Receiving,
}

/// A page of the ledger in id order. `branch_code = ? OR to_branch_code = ?`
/// would make SQLite merge two indexes and sort the whole branch for one page,
/// so a branch's ledger is two keyset pages, one per index, merged here.
pub fn list(conn: &mut DbConn, filter: &MovementFilter, limit: i64) -> QueryResult<Vec<MovementWithName>> {
    let mut rows = match &filter.branch {
        None => page(conn, filter, None, limit)?,
        Some(branch) => {
            let mut rows = page(conn, filter, Some((BranchSide::Own, branch)), limit)?;
            rows.extend(page(conn, filter, Some((BranchSide::Receiving, branch)), limit)?);
            rows.sort_by(|a, b| a.0.id.cmp(&b.0.id));
            rows.dedup_by(|a, b| a.0.id == b.0.id);
            rows
        }
    };
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok(rows.into_iter().map(|(movement, volunteer_name)| MovementWithName { movement, volunteer_name }).collect())
}

fn page(
    conn: &mut DbConn,
    filter: &MovementFilter,
    branch: Option<(BranchSide, &String)>,
    limit: i64,
) -> QueryResult<Vec<(StockMovement, Option<String>)>> {
    let mut query = stock_movements::table
        .left_join(volunteers::table)
        .select((StockMovement::as_select(), volunteers::full_name.nullable()))
        .order(stock_movements::id)
        .limit(limit)
        .into_boxed();
    query = match branch {
        None => query,
        Some((BranchSide::Own, branch)) => query.filter(stock_movements::branch_code.eq(branch.clone())),
        Some((BranchSide::Receiving, branch)) => query.filter(stock_movements::to_branch_code.eq(branch.clone())),
    };
    if let Some(material) = &filter.material_id {
        query = query.filter(stock_movements::material_id.eq(material.clone()));
    }
    if let Some(volunteer) = &filter.volunteer_id {
        query = query.filter(stock_movements::volunteer_id.eq(volunteer.clone()));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(stock_movements::kind.eq(kind));
    }
    if let Some(event) = &filter.event_id {
        query = query.filter(stock_movements::event_id.eq(event.clone()));
    }
    if let Some(since) = filter.recorded_since {
        query = query.filter(stock_movements::created_at.ge(since));
    }
    if let Some(after) = &filter.after {
        query = query.filter(stock_movements::id.gt(after.clone()));
    }
    query.load(conn)
}
