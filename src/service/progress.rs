//! Door-to-door coverage per locality, branch and nation, from the routes'
//! maintained counters, summed per locality and status in the database (never
//! a scan of the visits, nor a load of every route).

use std::collections::HashMap;

use diesel::prelude::*;

use crate::auth::AuthUser;
use crate::db::localities::Locality;
use crate::db::routes::{self, RouteTally};
use crate::db::schema::localities;
use crate::db::{Db, DbConn, branches};
use crate::domain::role::Role;
use crate::dto::bilingual::Bilingual;
use crate::dto::route::{BranchProgress, LocalityCoverage, RouteStatus};
use crate::error::ApiError;

fn percent(part: i64, whole: i64) -> f64 {
    if whole == 0 { 0.0 } else { (part as f64 * 1000.0 / whole as f64).round() / 10.0 }
}

fn ensure_reader(actor: &AuthUser) -> Result<(), ApiError> {
    if actor.role == Role::Volunteer {
        return Err(ApiError::Forbidden("progress reports are for staff and observers".into()));
    }
    Ok(())
}

fn summarise(
    branch: String,
    tallies: &[&RouteTally],
    branch_localities: &[Locality],
    with_localities: bool,
) -> BranchProgress {
    fn completed(tally: &RouteTally) -> bool {
        tally.status == RouteStatus::Completed
    }
    let mut by_locality: HashMap<&str, Vec<&RouteTally>> = HashMap::new();
    for tally in tallies {
        by_locality.entry(tally.locality_id.as_str()).or_default().push(tally);
    }
    let covered = |locality: &Locality| {
        by_locality.get(locality.id.as_str()).is_some_and(|tallies| tallies.iter().any(|tally| completed(tally)))
    };
    let rural: Vec<&Locality> = branch_localities.iter().filter(|locality| locality.kind.is_rural()).collect();
    let sum = |tallies: &[&RouteTally], field: fn(&RouteTally) -> Option<i64>| {
        tallies.iter().map(|tally| field(tally).unwrap_or(0)).sum::<i64>()
    };
    let routes = |tallies: &[&RouteTally]| tallies.iter().map(|tally| tally.routes).sum::<i64>();
    let completed_routes = |tallies: &[&RouteTally]| {
        tallies.iter().filter(|tally| completed(tally)).map(|tally| tally.routes).sum::<i64>()
    };
    let localities_covered = branch_localities.iter().filter(|locality| covered(locality)).count() as i64;
    let rural_covered = rural.iter().filter(|locality| covered(locality)).count() as i64;
    let by_locality = if with_localities {
        let mut rows: Vec<LocalityCoverage> = branch_localities
            .iter()
            .filter_map(|locality| {
                let tallies = by_locality.get(locality.id.as_str())?;
                Some(LocalityCoverage {
                    locality_id: locality.id.to_string(),
                    name: Bilingual::new(locality.name_kk.clone(), locality.name_ru.clone()),
                    kind: locality.kind,
                    routes: routes(tallies),
                    completed_routes: completed_routes(tallies),
                    stops_total: sum(tallies, |tally| tally.stops_total),
                    stops_visited: sum(tallies, |tally| tally.stops_visited),
                    doors_knocked: sum(tallies, |tally| tally.doors_knocked),
                    conversations: sum(tallies, |tally| tally.conversations),
                })
            })
            .collect();
        rows.sort_by(|a, b| a.name.ru.cmp(&b.name.ru));
        rows
    } else {
        Vec::new()
    };
    BranchProgress {
        branch,
        routes: routes(tallies),
        completed_routes: completed_routes(tallies),
        stops_total: sum(tallies, |tally| tally.stops_total),
        stops_visited: sum(tallies, |tally| tally.stops_visited),
        visits: sum(tallies, |tally| tally.visits),
        doors_knocked: sum(tallies, |tally| tally.doors_knocked),
        conversations: sum(tallies, |tally| tally.conversations),
        materials_left: sum(tallies, |tally| tally.materials_left),
        localities: branch_localities.len() as i64,
        localities_covered_percent: percent(localities_covered, branch_localities.len() as i64),
        rural_settlements: rural.len() as i64,
        rural_covered_percent: percent(rural_covered, rural.len() as i64),
        by_locality,
    }
}

fn load(conn: &mut DbConn, branch: Option<&str>) -> Result<(Vec<RouteTally>, Vec<Locality>), ApiError> {
    let mut locality_query = localities::table.select(Locality::as_select()).into_boxed();
    if let Some(branch) = branch {
        locality_query = locality_query.filter(localities::branch_code.eq(branch.to_owned()));
    }
    Ok((routes::tallies(conn, branch)?, locality_query.load(conn)?))
}

/// One branch, with its localities.
pub async fn branch(db: &Db, actor: &AuthUser, code: String) -> Result<BranchProgress, ApiError> {
    ensure_reader(actor)?;
    db.run_report(move |conn| {
        branches::find(conn, &code)?.ok_or_else(|| ApiError::not_found(format!("branch {code}")))?;
        let (tallies, localities) = load(conn, Some(&code))?;
        Ok(summarise(code, &tallies.iter().collect::<Vec<_>>(), &localities, true))
    })
    .await
}

/// Every branch, without the per-locality detail.
pub async fn national(db: &Db, actor: &AuthUser) -> Result<Vec<BranchProgress>, ApiError> {
    ensure_reader(actor)?;
    db.run_report(move |conn| {
        let codes: Vec<String> = crate::db::schema::branches::table
            .order(crate::db::schema::branches::code)
            .select(crate::db::schema::branches::code)
            .load(conn)?;
        let (tallies, localities) = load(conn, None)?;
        Ok(codes
            .into_iter()
            .map(|code| {
                let branch_tallies: Vec<&RouteTally> =
                    tallies.iter().filter(|tally| tally.branch_code == code).collect();
                let branch_localities: Vec<Locality> =
                    localities.iter().filter(|locality| locality.branch_code == code).cloned().collect();
                summarise(code, &branch_tallies, &branch_localities, false)
            })
            .collect())
    })
    .await
}
