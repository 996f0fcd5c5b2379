//! Poster sites: the places local executive bodies designated for campaign
//! posters. Coordinators of the branch and admins keep them; everyone of the
//! branch (and observers, and admins) reads them.

use chrono::TimeDelta;

use crate::auth::{AuthUser, SessionUser};
use crate::db::poster_sites::{self, PosterSite, SiteChanges, SiteFilter};
use crate::db::{Db, DbConn, audit, branches, localities, write_transaction};
use crate::domain::ids::{LocalityId, PosterSiteId};
use crate::domain::poster::SiteStatus;
use crate::domain::time::now;
use crate::domain::version::ExpectedVersion;
use crate::dto::poster::{CreateSite, UpdateSite};
use crate::error::{ApiError, ErrorCode};

/// The site, when the caller may see it (another branch's is a 404).
pub fn load_visible(conn: &mut DbConn, actor: &SessionUser, id: &PosterSiteId) -> Result<PosterSite, ApiError> {
    let site = poster_sites::find(conn, id)?.ok_or_else(|| ApiError::not_found(format!("poster site {id}")))?;
    actor.ensure_branch(&site.branch_code, format!("poster site {id}"))?;
    Ok(site)
}

/// The locality a site names must be one of its branch's (422 otherwise).
fn ensure_locality(conn: &mut DbConn, branch: &str, id: &LocalityId) -> Result<(), ApiError> {
    match localities::find(conn, id)? {
        Some(locality) if locality.branch_code == branch => Ok(()),
        _ => Err(ApiError::invalid(
            "locality_id",
            ErrorCode::UnknownLocality,
            format!("no locality {id} in branch {branch}"),
        )),
    }
}

/// The site `input` describes, checked against the database, not yet stored
/// (the form and the CSV import alike).
pub fn prepare(conn: &mut DbConn, actor: &SessionUser, input: CreateSite) -> Result<PosterSite, ApiError> {
    let branch = actor.branch_for_new_record(input.branch)?;
    if branches::find(conn, &branch)?.is_none() {
        return Err(ApiError::invalid("branch", ErrorCode::UnknownBranch, format!("there is no branch {branch}")));
    }
    ensure_locality(conn, &branch, &input.locality_id)?;
    let at = now();
    Ok(PosterSite {
        id: PosterSiteId::new(),
        branch_code: branch,
        locality_id: input.locality_id,
        address: input.address.trim().to_owned(),
        latitude: input.latitude,
        longitude: input.longitude,
        kind: input.kind,
        capacity: input.capacity,
        decision_body: input.decision_body.trim().to_owned(),
        decision_number: input.decision_number.trim().to_owned(),
        decision_date: input.decision_date,
        status: input.status.unwrap_or(SiteStatus::Active),
        current_posters: 0,
        last_checked_at: None,
        created_at: at,
        updated_at: at,
        version: 1,
    })
}

/// Stores a prepared site with its audit entry (inside the caller's transaction).
pub fn insert(conn: &mut DbConn, actor: &SessionUser, site: &PosterSite, action: &str) -> Result<(), ApiError> {
    poster_sites::insert(conn, site)?;
    audit::record(conn, super::audit(actor, action, "poster_site", &site.id, None))?;
    Ok(())
}

pub fn create(conn: &mut DbConn, actor: &SessionUser, input: CreateSite) -> Result<PosterSite, ApiError> {
    let site = prepare(conn, actor, input)?;
    insert(conn, actor, &site, "poster_site_created")?;
    Ok(site)
}

pub async fn get(db: &Db, actor: &AuthUser, id: PosterSiteId) -> Result<PosterSite, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| load_visible(conn, &actor, &id)).await
}

pub async fn update(
    db: &Db,
    actor: &AuthUser,
    id: PosterSiteId,
    input: UpdateSite,
    expected: ExpectedVersion,
) -> Result<PosterSite, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            poster_sites::lock(conn, &id)?;
            let current = load_visible(conn, &actor, &id)?;
            actor.ensure_manages_branch(&current.branch_code, format!("poster site {id}"))?;
            let version = expected.check(input.version, current.version)?;
            if let Some(locality) = &input.locality_id {
                ensure_locality(conn, &current.branch_code, locality)?;
            }
            if let Some(capacity) = input.capacity
                && capacity < current.current_posters
            {
                return Err(ApiError::field_conflict(
                    format!(
                        "{} posters hang on the site; its capacity cannot go below that (free space 0)",
                        current.current_posters
                    ),
                    "capacity",
                    ErrorCode::CapacityExceeded,
                    None,
                ));
            }
            let changes = SiteChanges {
                locality_id: input.locality_id,
                address: input.address.map(|address| address.trim().to_owned()),
                latitude: input.latitude,
                longitude: input.longitude,
                kind: input.kind,
                capacity: input.capacity,
                decision_body: input.decision_body.map(|body| body.trim().to_owned()),
                decision_number: input.decision_number.map(|number| number.trim().to_owned()),
                decision_date: input.decision_date,
                status: input.status,
            };
            if !poster_sites::update(conn, &id, version, &changes, now())? {
                return Err(ApiError::PreconditionFailed("the poster site changed meanwhile; reload it".into()));
            }
            audit::record(conn, super::audit(&actor, "poster_site_updated", "poster_site", &id, None))?;
            load_visible(conn, &actor, &id)
        })
    })
    .await
}

/// Narrows `filter` to what the caller may see; `None` when nothing at all.
pub fn scoped(actor: &SessionUser, mut filter: SiteFilter) -> Option<SiteFilter> {
    filter.branch = actor.list_branch(filter.branch.take())?;
    Some(filter)
}

/// Most days `not_checked_for_days` takes (a hundred years).
pub const MAX_DAYS: u32 = 36_500;

/// The instant before which a site counts as not inspected for `days` days.
pub fn not_checked_since(days: Option<u32>) -> Result<Option<chrono::NaiveDateTime>, ApiError> {
    match days {
        None => Ok(None),
        Some(days) if days <= MAX_DAYS => Ok(Some(now() - TimeDelta::days(i64::from(days)))),
        Some(_) => Err(ApiError::invalid(
            "query.not_checked_for_days",
            ErrorCode::Range,
            format!("not_checked_for_days must be between 0 and {MAX_DAYS}"),
        )),
    }
}

/// One page of sites as the caller may see them (`limit` rows).
/// How far a site lies from a `near` point, as its list computed it.
pub async fn distance(db: &Db, id: PosterSiteId, near: crate::domain::geo::Near) -> Result<f64, ApiError> {
    db.run(move |conn| Ok(poster_sites::distance(conn, &id, &near)?.unwrap_or(f64::MAX))).await
}

pub async fn list(db: &Db, actor: &AuthUser, filter: SiteFilter, limit: i64) -> Result<Vec<PosterSite>, ApiError> {
    let Some(filter) = scoped(actor, filter) else { return Ok(Vec::new()) };
    db.run(move |conn| Ok(poster_sites::list(conn, &filter, limit)?)).await
}
