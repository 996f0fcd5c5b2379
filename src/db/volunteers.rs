//! Queries on `volunteers`.

use crate::domain::ids::{LocalityId, MemberOrganisationId, VolunteerId};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConn;
use super::schema::volunteers;
use crate::domain::volunteer::{VolunteerSource, VolunteerStatus};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = volunteers, treat_none_as_default_value = false)]
pub struct Volunteer {
    pub id: VolunteerId,
    pub branch_code: String,
    pub locality_id: Option<LocalityId>,
    pub full_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub guardian_name: Option<String>,
    pub search_text: Option<String>,
    pub languages: String,
    pub skills: String,
    pub member_organisation_id: Option<MemberOrganisationId>,
    pub youth_wing: bool,
    pub availability: Option<String>,
    pub status: VolunteerStatus,
    pub consent_at: NaiveDateTime,
    pub consent_version: String,
    pub guardian_consent_at: Option<NaiveDateTime>,
    pub source: VolunteerSource,
    pub anonymised_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

/// Fields an update may set; `None` leaves a field as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = volunteers)]
pub struct VolunteerChanges {
    pub locality_id: Option<Option<LocalityId>>,
    pub full_name: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub birth_date: Option<Option<NaiveDate>>,
    pub guardian_name: Option<Option<String>>,
    pub search_text: Option<Option<String>>,
    pub languages: Option<String>,
    pub skills: Option<String>,
    pub member_organisation_id: Option<Option<MemberOrganisationId>>,
    pub youth_wing: Option<bool>,
    pub availability: Option<Option<String>>,
    pub status: Option<VolunteerStatus>,
    pub guardian_consent_at: Option<Option<NaiveDateTime>>,
    pub anonymised_at: Option<Option<NaiveDateTime>>,
}

#[derive(Debug, Default, Clone)]
pub struct VolunteerFilter {
    pub branch: Option<String>,
    pub locality_id: Option<String>,
    pub status: Option<VolunteerStatus>,
    pub skill: Option<String>,
    pub language: Option<String>,
    pub member_organisation_id: Option<String>,
    pub youth_wing: Option<bool>,
    /// Lower-cased text matched against name and phone digits.
    pub search: Option<String>,
    pub updated_since: Option<NaiveDateTime>,
    pub after: Option<String>,
    /// Keyset cursor of a sync (`updated_since` given): after this (updated_at, id).
    pub after_change: Option<(NaiveDateTime, String)>,
}

/// Lists are stored delimited (`,kk,ru,`) so that "contains" is one LIKE.
pub fn encode_list(items: &[String]) -> String {
    if items.is_empty() { String::new() } else { format!(",{},", items.join(",")) }
}

pub fn decode_list(stored: &str) -> Vec<String> {
    stored.split(',').filter(|item| !item.is_empty()).map(str::to_owned).collect()
}

/// A stored list of closed-set values (languages, question topics). Every value
/// was checked on the way in; one that no longer parses (a hand edit, a value a
/// newer version wrote) is logged and left out of the answer rather than turned
/// into a legal one.
pub fn decode_values<T: std::str::FromStr>(stored: &str) -> Vec<T>
where
    T::Err: std::fmt::Display,
{
    stored
        .split(',')
        .filter(|item| !item.is_empty())
        .filter_map(|item| {
            item.parse().map_err(|error| tracing::error!(%error, "a stored list holds an unknown value")).ok()
        })
        .collect()
}

/// `%` and `_` are LIKE wildcards; user text must not act as one.
fn like_literal(text: &str) -> String {
    text.replace(['%', '_', '\\'], "")
}

pub fn insert(conn: &mut DbConn, volunteer: &Volunteer) -> QueryResult<()> {
    diesel::insert_into(volunteers::table).values(volunteer).execute(conn).map(drop)
}

pub fn find(conn: &mut DbConn, id: &VolunteerId) -> QueryResult<Option<Volunteer>> {
    volunteers::table.find(id).select(Volunteer::as_select()).first(conn).optional()
}

/// The volunteers of `ids` that exist, in one query (the change feed's page).
pub fn find_many(conn: &mut DbConn, ids: &[VolunteerId]) -> QueryResult<Vec<Volunteer>> {
    volunteers::table.filter(volunteers::id.eq_any(ids)).select(Volunteer::as_select()).load(conn)
}

pub fn find_by_phone(conn: &mut DbConn, phone: &str) -> QueryResult<Option<Volunteer>> {
    volunteers::table.filter(volunteers::phone.eq(phone)).select(Volunteer::as_select()).first(conn).optional()
}

pub fn list(conn: &mut DbConn, filter: &VolunteerFilter, limit: i64) -> QueryResult<Vec<Volunteer>> {
    let mut query = volunteers::table.select(Volunteer::as_select()).limit(limit).into_boxed();
    if filter.updated_since.is_none() {
        query = query.order(volunteers::id);
    }
    if let Some(branch) = &filter.branch {
        query = query.filter(volunteers::branch_code.eq(branch.clone()));
    }
    if let Some(locality) = &filter.locality_id {
        query = query.filter(volunteers::locality_id.eq(locality.clone()));
    }
    if let Some(status) = &filter.status {
        query = query.filter(volunteers::status.eq(*status));
    }
    if let Some(skill) = &filter.skill {
        query = query.filter(volunteers::skills.like(format!("%,{},%", like_literal(skill))));
    }
    if let Some(language) = &filter.language {
        query = query.filter(volunteers::languages.like(format!("%,{},%", like_literal(language))));
    }
    if let Some(organisation) = &filter.member_organisation_id {
        query = query.filter(volunteers::member_organisation_id.eq(organisation.clone()));
    }
    if let Some(youth_wing) = filter.youth_wing {
        query = query.filter(volunteers::youth_wing.eq(youth_wing));
    }
    if let Some(search) = &filter.search {
        query = query.filter(volunteers::search_text.like(format!("%{}%", like_literal(search))));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(volunteers::updated_at.ge(since));
    }
    if let Some(after) = &filter.after {
        query = query.filter(volunteers::id.gt(after.clone()));
    }
    if filter.updated_since.is_some() {
        // A sync pages in change order, so a record changed behind the cursor
        // comes again later instead of being missed.
        query = query.order((volunteers::updated_at, volunteers::id));
        if let Some((at, id)) = &filter.after_change {
            query = query.filter(
                volunteers::updated_at.gt(*at).or(volunteers::updated_at.eq(*at).and(volunteers::id.gt(id.clone()))),
            );
        }
    }
    query.load(conn)
}

pub fn update(
    conn: &mut DbConn,
    id: &VolunteerId,
    expected_version: i32,
    changes: &VolunteerChanges,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let target = volunteers::table.filter(volunteers::id.eq(id)).filter(volunteers::version.eq(expected_version));
    let updated = diesel::update(target)
        .set((changes, volunteers::updated_at.eq(now), volunteers::version.eq(expected_version + 1)))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Up to `limit` volunteers not yet anonymised whose record last changed before
/// `cutoff` (past the retention period), in id order after `after`.
pub fn past_retention(
    conn: &mut DbConn,
    cutoff: NaiveDateTime,
    after: Option<&VolunteerId>,
    limit: i64,
) -> QueryResult<Vec<Volunteer>> {
    let mut query = volunteers::table
        .filter(volunteers::anonymised_at.is_null())
        .filter(volunteers::updated_at.lt(cutoff))
        .order(volunteers::id)
        .limit(limit)
        .select(Volunteer::as_select())
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(volunteers::id.gt(after.clone()));
    }
    query.load(conn)
}
