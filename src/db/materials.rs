//! Queries on `materials`, the catalogue of printed items.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::materials;
use crate::domain::ids::MaterialId;
use crate::domain::material::{MaterialKind, MaterialLanguage};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = materials, treat_none_as_default_value = false)]
pub struct Material {
    pub id: MaterialId,
    pub code: String,
    pub title_kk: String,
    pub title_ru: String,
    pub kind: MaterialKind,
    pub language: MaterialLanguage,
    pub format: Option<String>,
    pub pages: Option<i32>,
    pub print_run: Option<String>,
    pub active: bool,
    pub reorder_level: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = materials)]
pub struct MaterialChanges {
    pub code: Option<String>,
    pub title_kk: Option<String>,
    pub title_ru: Option<String>,
    pub kind: Option<MaterialKind>,
    pub language: Option<MaterialLanguage>,
    pub format: Option<Option<String>>,
    pub pages: Option<Option<i32>>,
    pub print_run: Option<Option<String>>,
    pub active: Option<bool>,
    pub reorder_level: Option<Option<i32>>,
}

#[derive(Debug, Default)]
pub struct MaterialFilter {
    pub kind: Option<MaterialKind>,
    pub language: Option<MaterialLanguage>,
    pub active: Option<bool>,
    pub updated_since: Option<NaiveDateTime>,
    pub after: Option<String>,
}

pub fn insert(conn: &mut DbConn, row: &Material) -> QueryResult<()> {
    diesel::insert_into(materials::table).values(row).execute(conn).map(drop)
}

pub fn find(conn: &mut DbConn, id: &MaterialId) -> QueryResult<Option<Material>> {
    materials::table.find(id).select(Material::as_select()).first(conn).optional()
}

/// The materials of `ids` that exist.
pub fn find_many(conn: &mut DbConn, ids: &[MaterialId]) -> QueryResult<Vec<Material>> {
    materials::table.filter(materials::id.eq_any(ids)).select(Material::as_select()).load(conn)
}

pub fn find_by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<Material>> {
    materials::table.filter(materials::code.eq(code)).select(Material::as_select()).first(conn).optional()
}

pub fn list(conn: &mut DbConn, filter: &MaterialFilter, limit: i64) -> QueryResult<Vec<Material>> {
    let mut query = materials::table.select(Material::as_select()).order(materials::id).limit(limit).into_boxed();
    if let Some(kind) = filter.kind {
        query = query.filter(materials::kind.eq(kind));
    }
    if let Some(language) = filter.language {
        query = query.filter(materials::language.eq(language));
    }
    if let Some(active) = filter.active {
        query = query.filter(materials::active.eq(active));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(materials::updated_at.ge(since));
    }
    if let Some(after) = &filter.after {
        query = query.filter(materials::id.gt(after.clone()));
    }
    query.load(conn)
}

/// Applies `changes` when the stored version is `expected_version`; false otherwise.
pub fn update(
    conn: &mut DbConn,
    id: &MaterialId,
    expected_version: i32,
    changes: &MaterialChanges,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let target = materials::table.filter(materials::id.eq(id)).filter(materials::version.eq(expected_version));
    let updated = diesel::update(target)
        .set((changes, materials::updated_at.eq(now), materials::version.eq(expected_version + 1)))
        .execute(conn)?;
    Ok(updated == 1)
}
