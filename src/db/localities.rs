//! Queries on `localities`.

use crate::domain::ids::LocalityId;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{events, localities, organisations, poster_sites, routes, volunteers};
use crate::domain::locality::LocalityKind;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = localities, treat_none_as_default_value = false)]
pub struct Locality {
    pub id: LocalityId,
    pub branch_code: String,
    pub parent_id: Option<LocalityId>,
    pub kind: LocalityKind,
    pub name_kk: String,
    pub name_ru: String,
    pub population: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = localities)]
pub struct LocalityChanges {
    pub parent_id: Option<Option<LocalityId>>,
    pub kind: Option<LocalityKind>,
    pub name_kk: Option<String>,
    pub name_ru: Option<String>,
    pub population: Option<Option<i32>>,
}

#[derive(Debug, Default)]
pub struct LocalityFilter {
    pub branch: Option<String>,
    pub parent_id: Option<String>,
    pub kind: Option<LocalityKind>,
    pub updated_since: Option<NaiveDateTime>,
    pub after: Option<String>,
}

pub fn insert(conn: &mut DbConn, locality: &Locality) -> QueryResult<()> {
    diesel::insert_into(localities::table).values(locality).execute(conn).map(drop)
}

pub fn find(conn: &mut DbConn, id: &LocalityId) -> QueryResult<Option<Locality>> {
    localities::table.find(id).select(Locality::as_select()).first(conn).optional()
}

/// The localities of `ids` that exist, in one query (the change feed's page).
pub fn find_many(conn: &mut DbConn, ids: &[LocalityId]) -> QueryResult<Vec<Locality>> {
    localities::table.filter(localities::id.eq_any(ids)).select(Locality::as_select()).load(conn)
}

pub fn list(conn: &mut DbConn, filter: &LocalityFilter, limit: i64) -> QueryResult<Vec<Locality>> {
    let mut query = localities::table.select(Locality::as_select()).order(localities::id).limit(limit).into_boxed();
    if let Some(branch) = &filter.branch {
        query = query.filter(localities::branch_code.eq(branch.clone()));
    }
    if let Some(parent) = &filter.parent_id {
        query = query.filter(localities::parent_id.eq(parent.clone()));
    }
    if let Some(kind) = &filter.kind {
        query = query.filter(localities::kind.eq(*kind));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(localities::updated_at.ge(since));
    }
    if let Some(after) = &filter.after {
        query = query.filter(localities::id.gt(after.clone()));
    }
    query.load(conn)
}

/// Every locality of a branch, for building its tree.
pub fn all_in_branch(conn: &mut DbConn, branch: &str) -> QueryResult<Vec<Locality>> {
    localities::table
        .filter(localities::branch_code.eq(branch))
        .order((localities::name_ru, localities::id))
        .select(Locality::as_select())
        .load(conn)
}

pub fn update(
    conn: &mut DbConn,
    id: &str,
    expected_version: i32,
    changes: &LocalityChanges,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let target = localities::table.filter(localities::id.eq(id)).filter(localities::version.eq(expected_version));
    let updated = diesel::update(target)
        .set((changes, localities::updated_at.eq(now), localities::version.eq(expected_version + 1)))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Whether anything still points at the locality (children or volunteers).
pub fn is_referenced(conn: &mut DbConn, id: &LocalityId) -> QueryResult<bool> {
    let children = diesel::select(diesel::dsl::exists(localities::table.filter(localities::parent_id.eq(id))))
        .get_result::<bool>(conn)?;
    let people = diesel::select(diesel::dsl::exists(volunteers::table.filter(volunteers::locality_id.eq(id))))
        .get_result::<bool>(conn)?;
    // Events, routes, work collectives and poster sites name their locality too.
    let events = diesel::select(diesel::dsl::exists(events::table.filter(events::locality_id.eq(id))))
        .get_result::<bool>(conn)?;
    let routes = diesel::select(diesel::dsl::exists(routes::table.filter(routes::locality_id.eq(id))))
        .get_result::<bool>(conn)?;
    let organisations =
        diesel::select(diesel::dsl::exists(organisations::table.filter(organisations::locality_id.eq(id))))
            .get_result::<bool>(conn)?;
    let poster_sites =
        diesel::select(diesel::dsl::exists(poster_sites::table.filter(poster_sites::locality_id.eq(id))))
            .get_result::<bool>(conn)?;
    Ok(children || people || events || routes || organisations || poster_sites)
}

pub fn delete(conn: &mut DbConn, id: &LocalityId) -> QueryResult<usize> {
    diesel::delete(localities::table.find(id)).execute(conn)
}
