//! Door-to-door coverage per locality, branch and nation, from the routes'
//! maintained counters (never a scan of the visits).

use std::collections::HashMap;

use diesel::prelude::*;

use crate::auth::AuthUser;
use crate::db::localities::Locality;
use crate::db::routes::Route;
use crate::db::schema::{localities, routes};
use crate::db::{Db, DbConn, branches};
use crate::domain::role::Role;
use crate::dto::locality::LocalityKind;
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
    branch_routes: &[Route],
    branch_localities: &[Locality],
    with_localities: bool,
) -> BranchProgress {
    fn completed(route: &Route) -> bool {
        route.status == RouteStatus::Completed.as_str()
    }
    let mut by_locality: HashMap<&str, Vec<&Route>> = HashMap::new();
    for route in branch_routes {
        by_locality.entry(route.locality_id.as_str()).or_default().push(route);
    }
    let covered = |locality: &Locality| {
        by_locality.get(locality.id.as_str()).is_some_and(|routes| routes.iter().any(|route| completed(route)))
    };
    let rural: Vec<&Locality> = branch_localities
        .iter()
        .filter(|locality| LocalityKind::parse(&locality.kind).is_some_and(LocalityKind::is_rural))
        .collect();
    let sum = |field: fn(&Route) -> i32| branch_routes.iter().map(|route| i64::from(field(route))).sum::<i64>();
    let localities_covered = branch_localities.iter().filter(|locality| covered(locality)).count() as i64;
    let rural_covered = rural.iter().filter(|locality| covered(locality)).count() as i64;
    let by_locality = if with_localities {
        let mut rows: Vec<LocalityCoverage> = branch_localities
            .iter()
            .filter_map(|locality| {
                let routes = by_locality.get(locality.id.as_str())?;
                Some(LocalityCoverage {
                    locality_id: locality.id.clone(),
                    name_ru: locality.name_ru.clone(),
                    kind: locality.kind.clone(),
                    routes: routes.len() as i64,
                    completed_routes: routes.iter().filter(|route| completed(route)).count() as i64,
                    stops_total: routes.iter().map(|route| i64::from(route.stops_total)).sum(),
                    stops_visited: routes.iter().map(|route| i64::from(route.stops_visited)).sum(),
                    doors_knocked: routes.iter().map(|route| i64::from(route.doors_knocked)).sum(),
                    conversations: routes.iter().map(|route| i64::from(route.conversations)).sum(),
                })
            })
            .collect();
        rows.sort_by(|a, b| a.name_ru.cmp(&b.name_ru));
        rows
    } else {
        Vec::new()
    };
    BranchProgress {
        branch,
        routes: branch_routes.len() as i64,
        completed_routes: branch_routes.iter().filter(|route| completed(route)).count() as i64,
        stops_total: sum(|route| route.stops_total),
        stops_visited: sum(|route| route.stops_visited),
        visits: sum(|route| route.visits_count),
        doors_knocked: sum(|route| route.doors_knocked),
        conversations: sum(|route| route.conversations),
        materials_left: sum(|route| route.materials_left),
        localities: branch_localities.len() as i64,
        localities_covered_percent: percent(localities_covered, branch_localities.len() as i64),
        rural_settlements: rural.len() as i64,
        rural_covered_percent: percent(rural_covered, rural.len() as i64),
        by_locality,
    }
}

fn load(conn: &mut DbConn, branch: Option<&str>) -> Result<(Vec<Route>, Vec<Locality>), ApiError> {
    let mut route_query = routes::table.select(Route::as_select()).into_boxed();
    let mut locality_query = localities::table.select(Locality::as_select()).into_boxed();
    if let Some(branch) = branch {
        route_query = route_query.filter(routes::branch_code.eq(branch.to_owned()));
        locality_query = locality_query.filter(localities::branch_code.eq(branch.to_owned()));
    }
    Ok((route_query.load(conn)?, locality_query.load(conn)?))
}

/// One branch, with its localities.
pub async fn branch(db: &Db, actor: &AuthUser, code: String) -> Result<BranchProgress, ApiError> {
    ensure_reader(actor)?;
    db.run(move |conn| {
        branches::find(conn, &code)?.ok_or_else(|| ApiError::not_found(format!("branch {code}")))?;
        let (routes, localities) = load(conn, Some(&code))?;
        Ok(summarise(code, &routes, &localities, true))
    })
    .await
}

/// Every branch, without the per-locality detail.
pub async fn national(db: &Db, actor: &AuthUser) -> Result<Vec<BranchProgress>, ApiError> {
    ensure_reader(actor)?;
    db.run(move |conn| {
        let codes: Vec<String> = crate::db::schema::branches::table
            .order(crate::db::schema::branches::code)
            .select(crate::db::schema::branches::code)
            .load(conn)?;
        let (routes, localities) = load(conn, None)?;
        Ok(codes
            .into_iter()
            .map(|code| {
                let branch_routes: Vec<Route> =
                    routes.iter().filter(|route| route.branch_code == code).cloned().collect();
                let branch_localities: Vec<Locality> =
                    localities.iter().filter(|locality| locality.branch_code == code).cloned().collect();
                summarise(code, &branch_routes, &branch_localities, false)
            })
            .collect())
    })
    .await
}
