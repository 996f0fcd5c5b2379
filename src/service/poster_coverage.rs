//! Poster coverage per locality, branch and nation, computed in the database
//! (see `db::poster_coverage`): staff and observers.

use std::collections::{BTreeMap, HashMap};

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

/// The counts of a whole scope: every site is in exactly one group, so the
/// groups add up (a rural settlement, too, is in one branch and is its own group).
fn sum_of(groups: &[SiteCounts]) -> SiteCounts {
    let sum = |field: fn(&SiteCounts) -> i64| groups.iter().map(field).sum();
    SiteCounts {
        key: String::new(),
        sites: sum(|c| c.sites),
        active_sites: sum(|c| c.active_sites),
        with_current_poster: sum(|c| c.with_current_poster),
        never_checked: sum(|c| c.never_checked),
        rural_with_active_site: sum(|c| c.rural_with_active_site),
    }
}

/// The median of a histogram of `(days, sites)` in ascending days: the middle
/// value, or the mean of the two middle ones.
fn median(histogram: impl Iterator<Item = (i64, i64)> + Clone) -> Option<f64> {
    let total: i64 = histogram.clone().map(|(_, sites)| sites).sum();
    if total == 0 {
        return None;
    }
    let value_at = |rank: i64| {
        let mut seen = 0;
        histogram.clone().find(|(_, sites)| {
            seen += sites;
            seen >= rank
        })
    };
    let (lower, upper) = (value_at((total + 1) / 2)?.0, value_at((total + 2) / 2)?.0);
    Some((lower + upper) as f64 / 2.0)
}

/// The report for `branch` (per locality) or, without one, the nation (per
/// branch): two grouped queries, the total added up from the groups.
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
        let group_level = if scope.is_some() { Level::Locality } else { Level::Branch };
        let group_counts = poster_coverage::counts(conn, group_level, scope)?;
        let ages = poster_coverage::check_ages(conn, group_level, scope, at)?;
        let rural: HashMap<String, i64> = poster_coverage::rural_settlements(conn, scope)?.into_iter().collect();

        let mut all_ages = BTreeMap::<i64, i64>::new();
        for age in &ages {
            *all_ages.entry(age.days).or_default() += age.sites;
        }
        let group_medians: HashMap<&str, f64> = ages
            .chunk_by(|a, b| a.key == b.key)
            .filter_map(|group| Some((group[0].key.as_str(), median(group.iter().map(|age| (age.days, age.sites)))?)))
            .collect();
        let total_key = branch.clone().unwrap_or_else(|| NATION.to_owned());
        let total = row(
            total_key,
            None,
            Some(&sum_of(&group_counts)),
            median(all_ages.iter().map(|(days, sites)| (*days, *sites))),
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
                let median = group_medians.get(counts.key.as_str()).copied();
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
