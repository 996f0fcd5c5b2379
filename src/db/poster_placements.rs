//! Queries on `poster_placements` (what hangs on which site) and
//! `poster_placement_changes`, their append-only status history: changes are
//! inserted, never updated or deleted.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{poster_placement_changes, poster_placements, poster_sites, volunteers};
use crate::domain::ids::{
    AccountId, EventId, LocalityId, MaterialId, PlacementChangeId, PlacementId, PosterSiteId, VolunteerId,
};
use crate::domain::poster::PlacementStatus;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = poster_placements, treat_none_as_default_value = false)]
pub struct Placement {
    pub id: PlacementId,
    pub site_id: PosterSiteId,
    pub branch_code: String,
    pub material_id: MaterialId,
    pub quantity: i32,
    pub placed_at: NaiveDateTime,
    pub placed_by: Option<VolunteerId>,
    pub event_id: Option<EventId>,
    pub status: PlacementStatus,
    pub replaces_id: Option<PlacementId>,
    pub replaced_by_id: Option<PlacementId>,
    pub recorded_by: AccountId,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = poster_placement_changes, treat_none_as_default_value = false)]
pub struct PlacementChange {
    pub id: PlacementChangeId,
    pub placement_id: PlacementId,
    pub status: PlacementStatus,
    pub at: NaiveDateTime,
    pub volunteer_id: Option<VolunteerId>,
    pub recorded_by: AccountId,
    pub note: Option<String>,
    pub photo_ref: Option<String>,
    pub received_at: NaiveDateTime,
}

/// A placement with the name of the volunteer who put it up (absent once anonymised).
#[derive(Debug, Clone)]
pub struct PlacementWithName {
    pub placement: Placement,
    pub placed_by_name: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub struct PlacementFilter {
    pub branch: Option<String>,
    pub site_id: Option<PosterSiteId>,
    pub locality_id: Option<LocalityId>,
    pub statuses: Vec<PlacementStatus>,
    pub updated_since: Option<NaiveDateTime>,
    pub after: Option<String>,
    pub after_change: Option<(NaiveDateTime, String)>,
}

pub fn insert(conn: &mut DbConn, row: &Placement) -> QueryResult<()> {
    diesel::insert_into(poster_placements::table).values(row).execute(conn).map(drop)
}

/// Inserts changes with multi-row statements (per backend: the MultiConnection
/// cannot express them); 100 rows of nine columns stay far below either
/// backend's limit of bound parameters.
pub fn insert_changes(conn: &mut DbConn, rows: &[PlacementChange]) -> QueryResult<()> {
    for chunk in rows.chunks(100) {
        let statement = diesel::insert_into(poster_placement_changes::table).values(chunk);
        match conn {
            DbConn::Sqlite(sqlite) => statement.execute(sqlite)?,
            DbConn::Postgresql(pg) => statement.execute(pg)?,
        };
    }
    Ok(())
}

pub fn find(conn: &mut DbConn, id: &PlacementId) -> QueryResult<Option<PlacementWithName>> {
    let row: Option<(Placement, Option<String>)> = poster_placements::table
        .left_join(volunteers::table)
        .filter(poster_placements::id.eq(id))
        .select((Placement::as_select(), volunteers::full_name.nullable()))
        .first(conn)
        .optional()?;
    Ok(row.map(|(placement, placed_by_name)| PlacementWithName { placement, placed_by_name }))
}

/// The placements named by `ids` (those that exist).
pub fn find_many(conn: &mut DbConn, ids: &[PlacementId]) -> QueryResult<Vec<Placement>> {
    poster_placements::table.filter(poster_placements::id.eq_any(ids)).select(Placement::as_select()).load(conn)
}

/// One page of placements: id order, or change order with `updated_since`.
pub fn list(conn: &mut DbConn, filter: &PlacementFilter, limit: i64) -> QueryResult<Vec<PlacementWithName>> {
    use poster_placements::dsl as p;
    let mut query = poster_placements::table
        .left_join(volunteers::table)
        .select((Placement::as_select(), volunteers::full_name.nullable()))
        .limit(limit)
        .into_boxed();
    query = match filter.updated_since {
        Some(_) => query.order((p::updated_at, p::id)),
        None => query.order(p::id),
    };
    if let Some(branch) = &filter.branch {
        query = query.filter(p::branch_code.eq(branch.clone()));
    }
    if let Some(site) = &filter.site_id {
        query = query.filter(p::site_id.eq(site.clone()));
    }
    if let Some(locality) = &filter.locality_id {
        let sites = poster_sites::table.filter(poster_sites::locality_id.eq(locality.clone())).select(poster_sites::id);
        query = query.filter(p::site_id.eq_any(sites));
    }
    if !filter.statuses.is_empty() {
        query = query.filter(p::status.eq_any(filter.statuses.clone()));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(p::updated_at.ge(since));
    }
    if let Some(after) = &filter.after {
        query = query.filter(p::id.gt(after.clone()));
    }
    if let Some((at, id)) = &filter.after_change {
        query = query.filter(p::updated_at.gt(*at).or(p::updated_at.eq(*at).and(p::id.gt(id.clone()))));
    }
    let rows: Vec<(Placement, Option<String>)> = query.load(conn)?;
    Ok(rows.into_iter().map(|(placement, placed_by_name)| PlacementWithName { placement, placed_by_name }).collect())
}

/// The history of each of `placements`, oldest first.
pub fn changes_of(conn: &mut DbConn, placements: &[PlacementId]) -> QueryResult<Vec<PlacementChange>> {
    poster_placement_changes::table
        .filter(poster_placement_changes::placement_id.eq_any(placements))
        .order((
            poster_placement_changes::placement_id,
            poster_placement_changes::at,
            poster_placement_changes::received_at,
            poster_placement_changes::id,
        ))
        .select(PlacementChange::as_select())
        .load(conn)
}

/// The changes stored under `ids` (a replayed inspection finds its own).
pub fn changes_by_ids(conn: &mut DbConn, ids: &[PlacementChangeId]) -> QueryResult<Vec<PlacementChange>> {
    poster_placement_changes::table
        .filter(poster_placement_changes::id.eq_any(ids))
        .select(PlacementChange::as_select())
        .load(conn)
}

/// Moves the placement to `status` (and names its replacement, when it has
/// one), bumping its version; the change feed gets the placement's update.
pub fn set_status(
    conn: &mut DbConn,
    id: &PlacementId,
    status: PlacementStatus,
    replaced_by: Option<&PlacementId>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    use poster_placements::dsl as p;
    let target = poster_placements::table.filter(p::id.eq(id));
    diesel::update(target)
        .set((p::status.eq(status), p::updated_at.eq(now), p::version.eq(p::version + 1)))
        .execute(conn)?;
    if let Some(replacement) = replaced_by {
        diesel::update(poster_placements::table.filter(p::id.eq(id)))
            .set(p::replaced_by_id.eq(replacement))
            .execute(conn)?;
    }
    super::outbox::append_updates(conn, crate::domain::change::ChangeType::PosterPlacement, &[id.as_str()])
}

/// The placements named by `ids` (those that exist), with their volunteers' names.
pub fn find_many_with_names(conn: &mut DbConn, ids: &[PlacementId]) -> QueryResult<Vec<PlacementWithName>> {
    let rows: Vec<(Placement, Option<String>)> = poster_placements::table
        .left_join(volunteers::table)
        .filter(poster_placements::id.eq_any(ids))
        .select((Placement::as_select(), volunteers::full_name.nullable()))
        .load(conn)?;
    Ok(rows.into_iter().map(|(placement, placed_by_name)| PlacementWithName { placement, placed_by_name }).collect())
}
