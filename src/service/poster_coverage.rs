//! Poster coverage per locality, branch and nation, computed in the database
//! (see `db::poster_coverage`): staff and observers.

use std::collections::HashMap;

use crate::auth::AuthUser;
use crate::db::poster_coverage::{self, Level, SiteCounts};
use crate::db::{Db, branches, localities};
use crate::domain::role::Role;
use crate::domain::time::{now, utc};
use crate::dto::bilingual::Bilingual;
use crate::dto::poster::{CoverageRow, PosterCoverage};
use crate::error::ApiError;

/// The key of the nation's row.
pub const NATION: &str = "KZ";

fn percent(part: i64, whole: i64) -> f64 {
    if whole == 0 { 0.0 } else { (part as f64 * 1000.0 / whole as f64).round() / 10.0 }
}

fn row(
    key: String,
    name: Option<Bilingual>,
    counts: Option<&SiteCounts>,
    median: Option<f64>,
    rural: Option<i64>,
) -> CoverageRow {
    let count = |field: fn(&SiteCounts) -> i64| counts.map_or(0, field);
    let active = count(|c| c.active_sites);
    let with_poster = count(|c| c.with_current_poster);
    CoverageRow {
        key,
        name,
        sites: count(|c| c.sites),
        active_sites: active,
        sites_with_current_poster: with_poster,
        current_poster_percent: percent(with_poster, active),
        median_days_since_check: median,
        never_checked: count(|c| c.never_checked),
        rural_settlements_with_active_site: count(|c| c.rural_with_active_site),
        rural_settlements: rural,
    }
}

/// The report for `branch` (per locality) or, without one, the nation (per branch).
pub async fn report(db: &Db, actor: &AuthUser, branch: Option<String>) -> Result<PosterCoverage, ApiError> {
    if actor.role == Role::Volunteer {
        return Err(ApiError::Forbidden("coverage reports are for staff and observers".into()));
    }
    db.run(move |conn| {
        let at = now();
        if let Some(code) = &branch
            && branches::find(conn, code)?.is_none()
        {
            return Err(ApiError::not_found(format!("branch {code}")));
        }
        let scope = branch.as_deref();
        let (total_level, group_level) =
            if scope.is_some() { (Level::Branch, Level::Locality) } else { (Level::Nation, Level::Branch) };
        let medians = |rows: Vec<poster_coverage::MedianDays>| -> HashMap<String, f64> {
            rows.into_iter().map(|row| (row.key, row.median_days)).collect()
        };
        let total_counts = poster_coverage::counts(conn, total_level, scope)?;
        let total_median = medians(poster_coverage::median_days(conn, total_level, scope, at)?);
        let group_counts = poster_coverage::counts(conn, group_level, scope)?;
        let group_medians = medians(poster_coverage::median_days(conn, group_level, scope, at)?);
        let rural: HashMap<String, i64> = poster_coverage::rural_settlements(conn, scope)?.into_iter().collect();
        let total_key = branch.clone().unwrap_or_else(|| NATION.to_owned());
        let total = row(
            total_key,
            None,
            total_counts.first(),
            total_median.values().next().copied(),
            Some(rural.values().sum()),
        );
        let names: HashMap<String, Bilingual> = match scope {
            Some(code) => localities::all_in_branch(conn, code)?
                .into_iter()
                .map(|locality| (locality.id.to_string(), Bilingual::new(locality.name_kk, locality.name_ru)))
                .collect(),
            None => HashMap::new(),
        };
        let groups = group_counts
            .iter()
            .map(|counts| {
                let median = group_medians.get(&counts.key).copied();
                match scope {
                    Some(_) => row(counts.key.clone(), names.get(&counts.key).cloned(), Some(counts), median, None),
                    None => {
                        let rural = Some(rural.get(&counts.key).copied().unwrap_or(0));
                        row(counts.key.clone(), None, Some(counts), median, rural)
                    }
                }
            })
            .collect();
        Ok(PosterCoverage { branch, total, groups, generated_at: utc(at) })
    })
    .await
}
