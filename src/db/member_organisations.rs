//! Queries on `member_organisations`.

use crate::domain::ids::MemberOrganisationId;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{member_organisations, volunteers};
use crate::domain::member_organisation::MemberKind;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = member_organisations, treat_none_as_default_value = false)]
pub struct MemberOrganisation {
    pub id: MemberOrganisationId,
    pub name: String,
    pub kind: MemberKind,
    pub branch_code: Option<String>,
    pub bin: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = member_organisations)]
pub struct MemberOrganisationChanges {
    pub name: Option<String>,
    pub kind: Option<MemberKind>,
    pub branch_code: Option<Option<String>>,
    pub bin: Option<String>,
}

#[derive(Debug, Default)]
pub struct MemberOrganisationFilter {
    pub kind: Option<MemberKind>,
    pub branch: Option<String>,
    pub updated_since: Option<NaiveDateTime>,
    pub after: Option<String>,
}

pub fn insert(conn: &mut DbConn, row: &MemberOrganisation) -> QueryResult<()> {
    diesel::insert_into(member_organisations::table).values(row).execute(conn).map(drop)
}

pub fn find(conn: &mut DbConn, id: &MemberOrganisationId) -> QueryResult<Option<MemberOrganisation>> {
    member_organisations::table.find(id).select(MemberOrganisation::as_select()).first(conn).optional()
}

/// The member organisations of `ids` that exist, in one query (the change feed's page).
pub fn find_many(conn: &mut DbConn, ids: &[MemberOrganisationId]) -> QueryResult<Vec<MemberOrganisation>> {
    member_organisations::table
        .filter(member_organisations::id.eq_any(ids))
        .select(MemberOrganisation::as_select())
        .load(conn)
}

pub fn find_by_bin(conn: &mut DbConn, bin: &str) -> QueryResult<Option<MemberOrganisation>> {
    member_organisations::table
        .filter(member_organisations::bin.eq(bin))
        .select(MemberOrganisation::as_select())
        .first(conn)
        .optional()
}

pub fn list(conn: &mut DbConn, filter: &MemberOrganisationFilter, limit: i64) -> QueryResult<Vec<MemberOrganisation>> {
    let mut query = member_organisations::table
        .select(MemberOrganisation::as_select())
        .order(member_organisations::id)
        .limit(limit)
        .into_boxed();
    if let Some(kind) = &filter.kind {
        query = query.filter(member_organisations::kind.eq(*kind));
    }
    if let Some(branch) = &filter.branch {
        query = query.filter(member_organisations::branch_code.eq(branch.clone()));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(member_organisations::updated_at.ge(since));
    }
    if let Some(after) = &filter.after {
        query = query.filter(member_organisations::id.gt(after.clone()));
    }
    query.load(conn)
}

pub fn update(
    conn: &mut DbConn,
    id: &str,
    expected_version: i32,
    changes: &MemberOrganisationChanges,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let target = member_organisations::table
        .filter(member_organisations::id.eq(id))
        .filter(member_organisations::version.eq(expected_version));
    let updated = diesel::update(target)
        .set((
            changes,
            member_organisations::updated_at.eq(now),
            member_organisations::version.eq(expected_version + 1),
        ))
        .execute(conn)?;
    Ok(updated == 1)
}

pub fn has_members(conn: &mut DbConn, id: &MemberOrganisationId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(volunteers::table.filter(volunteers::member_organisation_id.eq(id))))
        .get_result(conn)
}

pub fn delete(conn: &mut DbConn, id: &MemberOrganisationId) -> QueryResult<usize> {
    diesel::delete(member_organisations::table.find(id)).execute(conn)
}
