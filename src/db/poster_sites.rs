//! Queries on `poster_sites`, the places designated for campaign posters. The
//! counters `current_posters` and `last_checked_at` are kept by the placements
//! and their status changes, in their transactions, under the site's lock.

use super::geo::distance_km;
use crate::domain::geo::Near;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConn;
use super::schema::poster_sites;
use crate::domain::ids::{LocalityId, PosterSiteId};
use crate::domain::poster::{SiteKind, SiteStatus};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = poster_sites, treat_none_as_default_value = false)]
pub struct PosterSite {
    pub id: PosterSiteId,
    pub branch_code: String,
    pub locality_id: LocalityId,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub kind: SiteKind,
    pub capacity: i32,
    pub decision_body: String,
    pub decision_number: String,
    pub decision_date: NaiveDate,
    pub status: SiteStatus,
    pub current_posters: i32,
    pub last_checked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = poster_sites)]
pub struct SiteChanges {
    pub locality_id: Option<LocalityId>,
    pub address: Option<String>,
    pub latitude: Option<Option<f64>>,
    pub longitude: Option<Option<f64>>,
    pub kind: Option<SiteKind>,
    pub capacity: Option<i32>,
    pub decision_body: Option<String>,
    pub decision_number: Option<String>,
    pub decision_date: Option<NaiveDate>,
    pub status: Option<SiteStatus>,
}

#[derive(Debug, Default, Clone)]
pub struct SiteFilter {
    pub branch: Option<String>,
    pub locality_id: Option<LocalityId>,
    pub status: Option<SiteStatus>,
    /// Sites never inspected, or last inspected before this instant.
    pub not_checked_since: Option<NaiveDateTime>,
    /// Only sites with no poster hanging.
    pub without_current_poster: bool,
    pub updated_since: Option<NaiveDateTime>,
    /// The id of the last site of the previous page (id order).
    pub after: Option<String>,
    /// The `(updated_at, id)` of the last site of the previous page (change order,
    /// with `updated_since`).
    pub after_change: Option<(NaiveDateTime, String)>,
    /// Within this circle, nearest first (sites without coordinates left out).
    pub near: Option<Near>,
    /// Keyset cursor of a `near` list: after this (distance, id).
    pub after_near: Option<(f64, String)>,
}

pub fn insert(conn: &mut DbConn, row: &PosterSite) -> QueryResult<()> {
    diesel::insert_into(poster_sites::table).values(row).execute(conn).map(drop)
}

pub fn find(conn: &mut DbConn, id: &PosterSiteId) -> QueryResult<Option<PosterSite>> {
    poster_sites::table.find(id).select(PosterSite::as_select()).first(conn).optional()
}

/// The sites of `ids` that exist.
pub fn find_many(conn: &mut DbConn, ids: &[PosterSiteId]) -> QueryResult<Vec<PosterSite>> {
    poster_sites::table.filter(poster_sites::id.eq_any(ids)).select(PosterSite::as_select()).load(conn)
}

/// Locks the site until the transaction ends: placements and status changes on
/// one site are applied one after another, so its capacity holds.
pub fn lock(conn: &mut DbConn, id: &PosterSiteId) -> QueryResult<()> {
    super::lock_row(conn, "poster_sites", id)
}

/// One page of sites: in id order, or with `updated_since` in change order so a
/// site changed during a sync comes again on a later page.
pub fn list(conn: &mut DbConn, filter: &SiteFilter, limit: i64) -> QueryResult<Vec<PosterSite>> {
    use poster_sites::dsl as s;
    let mut query = poster_sites::table.select(PosterSite::as_select()).limit(limit).into_boxed();
    query = match filter.updated_since {
        Some(_) => query.order((s::updated_at, s::id)),
        None => query.order(s::id),
    };
    if let Some(branch) = &filter.branch {
        query = query.filter(s::branch_code.eq(branch.clone()));
    }
    if let Some(locality) = &filter.locality_id {
        query = query.filter(s::locality_id.eq(locality.clone()));
    }
    if let Some(status) = filter.status {
        query = query.filter(s::status.eq(status));
    }
    if let Some(before) = filter.not_checked_since {
        query = query.filter(s::last_checked_at.is_null().or(s::last_checked_at.lt(before)));
    }
    if filter.without_current_poster {
        query = query.filter(s::current_posters.eq(0));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(s::updated_at.ge(since));
    }
    if let Some(after) = &filter.after {
        query = query.filter(s::id.gt(after.clone()));
    }
    if let Some((at, id)) = &filter.after_change {
        query = query.filter(s::updated_at.gt(*at).or(s::updated_at.eq(*at).and(s::id.gt(id.clone()))));
    }
    if let Some(near) = filter.near {
        // The box narrows on the indexed columns; the distance decides and orders.
        let ((south, north), lngs) = near.bounding_box();
        query = query.filter(s::latitude.between(south, north));
        if let Some((west, east)) = lngs {
            query = query.filter(s::longitude.between(west, east));
        }
        let distance = || distance_km(s::latitude, s::longitude, near.lat, near.lng);
        query = query.filter(distance().le(near.radius_km)).order((distance(), s::id));
        if let Some((after, id)) = &filter.after_near {
            query = query.filter(distance().gt(*after).or(distance().eq(*after).and(s::id.gt(id.clone()))));
        }
    }
    query.load(conn)
}

/// The distance of a site from a `near` point, as the list computes it.
pub fn distance(conn: &mut DbConn, id: &PosterSiteId, near: &Near) -> QueryResult<Option<f64>> {
    poster_sites::table
        .find(id)
        .select(distance_km(poster_sites::latitude, poster_sites::longitude, near.lat, near.lng))
        .first(conn)
}

/// Applies `changes` when the stored version is `expected_version`; false otherwise.
pub fn update(
    conn: &mut DbConn,
    id: &PosterSiteId,
    expected_version: i32,
    changes: &SiteChanges,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let target = poster_sites::table.filter(poster_sites::id.eq(id)).filter(poster_sites::version.eq(expected_version));
    let updated = diesel::update(target)
        .set((changes, poster_sites::updated_at.eq(now), poster_sites::version.eq(expected_version + 1)))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Adds `delta` posters to what hangs on the site, moves its last inspection
/// forward to `checked_at` (never back), and bumps its version: the site shows
/// both. The change feed gets the site's update.
pub fn add_posters(
    conn: &mut DbConn,
    id: &PosterSiteId,
    delta: i32,
    checked_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    use poster_sites::dsl as s;
    let target = poster_sites::table.filter(s::id.eq(id));
    diesel::update(target)
        .set((s::current_posters.eq(s::current_posters + delta), s::updated_at.eq(now), s::version.eq(s::version + 1)))
        .execute(conn)?;
    if let Some(at) = checked_at {
        let older =
            poster_sites::table.filter(s::id.eq(id)).filter(s::last_checked_at.is_null().or(s::last_checked_at.lt(at)));
        diesel::update(older).set(s::last_checked_at.eq(at)).execute(conn)?;
    }
    // The site changed for a replica too (it is not audited as the site's change).
    super::outbox::append_updates(conn, crate::domain::change::ChangeType::PosterSite, &[id.as_str()])
}
