//! Queries on the `branches` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::branches;
use crate::domain::branch::BranchKind;

/// A row of `branches`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = branches)]
pub struct Branch {
    pub code: String,
    pub kind: BranchKind,
    pub name_kk: String,
    pub name_ru: String,
    pub name_en: String,
    pub centre_kk: String,
    pub centre_ru: String,
    pub centre_en: String,
    pub timezone: String,
    pub office_address: Option<String>,
    pub phone: Option<String>,
    pub head_coordinator: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

/// Filters of the branch list; `after` is the keyset cursor (the last code seen).
#[derive(Debug, Default)]
pub struct BranchFilter {
    pub kind: Option<BranchKind>,
    pub updated_since: Option<NaiveDateTime>,
    pub after: Option<String>,
}

/// Branches ordered by code, at most `limit`.
pub fn list(conn: &mut DbConn, filter: &BranchFilter, limit: i64) -> QueryResult<Vec<Branch>> {
    let mut query = branches::table.select(Branch::as_select()).order(branches::code).limit(limit).into_boxed();
    if let Some(kind) = &filter.kind {
        query = query.filter(branches::kind.eq(*kind));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(branches::updated_at.ge(since));
    }
    if let Some(after) = &filter.after {
        query = query.filter(branches::code.gt(after.clone()));
    }
    query.load(conn)
}

/// One branch by its ISO 3166-2:KZ code.
pub fn find(conn: &mut DbConn, code: &str) -> QueryResult<Option<Branch>> {
    branches::table.find(code).select(Branch::as_select()).first(conn).optional()
}

/// Editable contact data; `None` leaves a field, `Some(None)` clears it.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = branches)]
pub struct BranchChanges {
    pub office_address: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub head_coordinator: Option<Option<String>>,
}

/// Applies `changes` when the stored version is `expected_version`; `Ok(false)`
/// when it was stale.
pub fn update(
    conn: &mut DbConn,
    code: &str,
    expected_version: i32,
    changes: &BranchChanges,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let target = branches::table.filter(branches::code.eq(code)).filter(branches::version.eq(expected_version));
    let updated = diesel::update(target)
        .set((changes, branches::updated_at.eq(now), branches::version.eq(expected_version + 1)))
        .execute(conn)?;
    Ok(updated == 1)
}
