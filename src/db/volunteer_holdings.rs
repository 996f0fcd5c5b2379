//! Queries on `volunteer_holdings`: what each volunteer carries of each material
//! (issued, not yet returned or handed out). Only the ledger's movements change
//! them, in their own transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{materials, volunteer_holdings, volunteers};
use crate::domain::ids::{MaterialId, VolunteerId};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = volunteer_holdings, treat_none_as_default_value = false)]
pub struct Holding {
    pub volunteer_id: VolunteerId,
    pub material_id: MaterialId,
    pub branch_code: String,
    pub quantity: i32,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default)]
pub struct HoldingFilter {
    pub branch: Option<String>,
    pub volunteer_id: Option<VolunteerId>,
    pub material_id: Option<MaterialId>,
    pub updated_since: Option<NaiveDateTime>,
    /// The `(volunteer, material)` of the last row of the previous page.
    pub after: Option<(String, String)>,
}

/// Adds `quantity` to what the volunteer carries, creating the holding.
pub fn credit(
    conn: &mut DbConn,
    volunteer: &VolunteerId,
    material: &MaterialId,
    branch: &str,
    quantity: i32,
    now: NaiveDateTime,
) -> QueryResult<()> {
    use volunteer_holdings::dsl as h;
    // diesel's MultiConnection has no ON CONFLICT: the same statement per backend.
    let upsert = || {
        diesel::insert_into(volunteer_holdings::table)
            .values((
                h::volunteer_id.eq(volunteer),
                h::material_id.eq(material),
                h::branch_code.eq(branch),
                h::quantity.eq(quantity),
                h::updated_at.eq(now),
            ))
            .on_conflict((h::volunteer_id, h::material_id))
            .do_update()
            .set((h::quantity.eq(h::quantity + quantity), h::branch_code.eq(branch), h::updated_at.eq(now)))
    };
    match conn {
        DbConn::Postgresql(pg) => upsert().execute(pg).map(drop),
        DbConn::Sqlite(sqlite) => upsert().execute(sqlite).map(drop),
    }
}

/// Takes `quantity` off what the volunteer carries when they carry that much (one
/// conditional UPDATE, as [`super::stock_balances::debit`]). False when short.
pub fn debit(
    conn: &mut DbConn,
    volunteer: &VolunteerId,
    material: &MaterialId,
    quantity: i32,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    use volunteer_holdings::dsl as h;
    let target = volunteer_holdings::table
        .filter(h::volunteer_id.eq(volunteer))
        .filter(h::material_id.eq(material))
        .filter(h::quantity.ge(quantity));
    let updated =
        diesel::update(target).set((h::quantity.eq(h::quantity - quantity), h::updated_at.eq(now))).execute(conn)?;
    Ok(updated == 1)
}

/// What the volunteer carries of each of `materials` (those ever issued), the
/// rows locked until the transaction ends on PostgreSQL, in material order
/// (SQLite's `BEGIN IMMEDIATE` holds every writer off anyway).
pub fn quantities_for_update(
    conn: &mut DbConn,
    volunteer: &VolunteerId,
    materials: &[MaterialId],
) -> QueryResult<Vec<(MaterialId, i32)>> {
    use volunteer_holdings::dsl as h;
    let query = || {
        volunteer_holdings::table
            .filter(h::volunteer_id.eq(volunteer))
            .filter(h::material_id.eq_any(materials))
            .order(h::material_id)
            .select((h::material_id, h::quantity))
    };
    match conn {
        DbConn::Postgresql(pg) => query().for_update().load(pg),
        DbConn::Sqlite(sqlite) => query().load(sqlite),
    }
}

/// What the volunteer carries of `material` (0 when never issued any).
pub fn quantity(conn: &mut DbConn, volunteer: &VolunteerId, material: &MaterialId) -> QueryResult<i32> {
    volunteer_holdings::table
        .find((volunteer, material))
        .select(volunteer_holdings::quantity)
        .first(conn)
        .optional()
        .map(Option::unwrap_or_default)
}

/// One page of holdings in (volunteer, material) order, with the volunteers'
/// names (absent once anonymised) from one join.
pub fn list(conn: &mut DbConn, filter: &HoldingFilter, limit: i64) -> QueryResult<Vec<(Holding, Option<String>)>> {
    use volunteer_holdings::dsl as h;
    let mut query = volunteer_holdings::table
        .inner_join(volunteers::table)
        .select((Holding::as_select(), volunteers::full_name))
        .order((h::volunteer_id, h::material_id))
        .limit(limit)
        .into_boxed();
    if let Some(branch) = &filter.branch {
        query = query.filter(h::branch_code.eq(branch.clone()));
    }
    if let Some(volunteer) = &filter.volunteer_id {
        query = query.filter(h::volunteer_id.eq(volunteer.clone()));
    }
    if let Some(material) = &filter.material_id {
        query = query.filter(h::material_id.eq(material.clone()));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(h::updated_at.ge(since));
    }
    if let Some((volunteer, material)) = &filter.after {
        query = query.filter(
            h::volunteer_id
                .gt(volunteer.clone())
                .or(h::volunteer_id.eq(volunteer.clone()).and(h::material_id.gt(material.clone()))),
        );
    }
    query.load(conn)
}

/// What volunteers carry of each of `materials`, summed over everyone.
pub fn totals(conn: &mut DbConn, materials: &[MaterialId]) -> QueryResult<Vec<(MaterialId, Option<i64>)>> {
    use diesel::dsl::sum;
    volunteer_holdings::table
        .filter(volunteer_holdings::material_id.eq_any(materials))
        .group_by(volunteer_holdings::material_id)
        .select((volunteer_holdings::material_id, sum(volunteer_holdings::quantity)))
        .load(conn)
}

/// What one volunteer carries now (quantities above zero), with each material's
/// code and titles, in material order: bounded by the catalogue.
pub fn held_by(conn: &mut DbConn, volunteer: &VolunteerId) -> QueryResult<Vec<(Holding, String, String, String)>> {
    volunteer_holdings::table
        .inner_join(materials::table)
        .filter(volunteer_holdings::volunteer_id.eq(volunteer))
        .filter(volunteer_holdings::quantity.gt(0))
        .order(volunteer_holdings::material_id)
        .select((Holding::as_select(), materials::code, materials::title_kk, materials::title_ru))
        .load(conn)
}
