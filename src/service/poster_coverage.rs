//! Poster coverage per locality, branch and nation, computed in the database
//! (see `db::poster_coverage`): staff and observers.

use std::collections::{BTreeMap, HashMap};

use crate::auth::AuthUser;
use crate::db::localities::Locality;
use crate::db::poster_coverage::{self, Level, SiteBucket};
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

/// One row's numbers, added up from its buckets.
#[derive(Debug, Default, Clone)]
struct Tally {
    sites: i64,
    active_sites: i64,
    with_current_poster: i64,
    never_checked: i64,
    /// Active sites per whole days since their last inspection.
    ages: BTreeMap<i64, i64>,
}

impl Tally {
    fn add(&mut self, bucket: &SiteBucket) {
        self.sites += bucket.sites;
        self.active_sites += bucket.active_sites;
        self.with_current_poster += bucket.with_current_poster;
        match bucket.days {
            Some(days) => *self.ages.entry(days).or_default() += bucket.active_sites,
            None => self.never_checked += bucket.active_sites,
        }
    }

    /// The median of the ages: the middle one, or the mean of the two middle ones.
    fn median_days(&self) -> Option<f64> {
        let inspected: i64 = self.ages.values().sum();
        let age_at = |rank: i64| {
            let mut seen = 0;
            self.ages.iter().find_map(|(days, sites)| {
                seen += sites;
                (seen >= rank).then_some(*days)
            })
        };
        let (lower, upper) = (age_at((inspected + 1) / 2)?, age_at((inspected + 2) / 2)?);
        Some((lower + upper) as f64 / 2.0)
    }

    fn row(&self, key: String, name: Option<Bilingual>, rural_with_site: i64, rural: Option<i64>) -> CoverageRow {
        CoverageRow {
            key,
            name,
            sites: self.sites,
            active_sites: self.active_sites,
            sites_with_current_poster: self.with_current_poster,
            current_poster_percent: percent(self.with_current_poster, self.active_sites),
            median_days_since_check: self.median_days(),
            never_checked: self.never_checked,
            rural_settlements_with_active_site: rural_with_site,
            rural_settlements: rural,
        }
    }
}

/// The report for `branch` (per locality) or, without one, the nation (per
/// branch): one grouped scan of the sites, the total added up from the groups.
pub async fn report(db: &Db, actor: &AuthUser, branch: Option<String>) -> Result<PosterCoverage, ApiError> {
    if actor.role == Role::Volunteer {
        return Err(ApiError::Forbidden("coverage reports are for staff and observers".into()));
    }
    db.run_report(move |conn| {
        let at = now();
        if let Some(code) = &branch
            && branches::find(conn, code)?.is_none()
        {
            return Err(ApiError::not_found(format!("branch {code}")));
        }
        let scope = branch.as_deref();
        let level = if scope.is_some() { Level::Locality } else { Level::Branch };
        let buckets = poster_coverage::buckets(conn, level, scope, at)?;
        let rural = poster_coverage::rural_settlements(conn, scope)?;
        let mut total = Tally::default();
        let mut groups: Vec<(&str, Tally)> = Vec::new();
        for bucket in &buckets {
            total.add(bucket);
            match groups.last_mut() {
                Some((key, tally)) if *key == bucket.key => tally.add(bucket),
                _ => {
                    let mut tally = Tally::default();
                    tally.add(bucket);
                    groups.push((&bucket.key, tally));
                }
            }
        }
        let total_key = branch.clone().unwrap_or_else(|| NATION.to_owned());
        let rural_with_site = rural.iter().map(|(_, _, with_site)| with_site).sum();
        let total = total.row(total_key, None, rural_with_site, Some(rural.iter().map(|(_, all, _)| all).sum()));
        let groups = match scope {
            // Per locality: its name, and whether it is a rural settlement with an active site.
            Some(code) => {
                let localities: HashMap<String, Locality> = localities::all_in_branch(conn, code)?
                    .into_iter()
                    .map(|locality| (locality.id.to_string(), locality))
                    .collect();
                groups
                    .into_iter()
                    .map(|(key, tally)| {
                        let locality = localities.get(key);
                        let rural = locality.is_some_and(|locality| locality.kind.is_rural());
                        let name = locality.map(|locality| Bilingual::new(&locality.name_kk, &locality.name_ru));
                        let served = i64::from(rural && tally.active_sites > 0);
                        tally.row(key.to_owned(), name, served, None)
                    })
                    .collect()
            }
            None => {
                let rural: HashMap<&str, (i64, i64)> =
                    rural.iter().map(|(code, all, with_site)| (code.as_str(), (*all, *with_site))).collect();
                groups
                    .into_iter()
                    .map(|(key, tally)| {
                        let (all, with_site) = rural.get(key).copied().unwrap_or_default();
                        tally.row(key.to_owned(), None, with_site, Some(all))
                    })
                    .collect()
            }
        };
        Ok(PosterCoverage { branch, total, groups, generated_at: utc(at) })
    })
    .await
}
