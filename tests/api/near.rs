//! "What is near me": `near=<lat>,<lng>&radius_km=` on the lists of events,
//! routes (by their first stop) and poster sites, nearest first.

use serde_json::{Value, json};

use crate::factories::{OWN_BRANCH, TestUser};
use crate::helpers::TestApp;

/// Bayterek, Astana.
const HERE: (f64, f64) = (51.1283, 71.4305);
/// Kilometres per degree of latitude (mean earth radius).
const KM_PER_DEGREE: f64 = 111.195;

/// A point `north` km north and `east` km east of `HERE`.
fn offset(north: f64, east: f64) -> (f64, f64) {
    (HERE.0 + north / KM_PER_DEGREE, HERE.1 + east / (KM_PER_DEGREE * HERE.0.to_radians().cos()))
}

#[derive(Clone, Copy, Debug)]
enum Listed {
    Events,
    Routes,
    PosterSites,
}

impl Listed {
    fn path(self) -> &'static str {
        match self {
            Self::Events => "/api/v1/events",
            Self::Routes => "/api/v1/routes",
            Self::PosterSites => "/api/v1/poster-sites",
        }
    }

    /// Creates a record at `at` (no coordinates when `None`); returns its id.
    async fn create(self, app: &TestApp, staff: &TestUser, village: &str, at: Option<(f64, f64)>) -> String {
        let (lat, lng) = at.map_or((Value::Null, Value::Null), |(lat, lng)| (json!(lat), json!(lng)));
        let body = match self {
            Self::Events => json!({
                "kind": "street_stand", "title": "Stand", "starts_at": "2027-03-01T04:00:00Z",
                "ends_at": "2027-03-01T08:00:00Z", "latitude": lat, "longitude": lng,
            }),
            Self::Routes => json!({"locality_id": village, "name": "Маршрут", "stops": [
                {"street": "Мәңгілік Ел", "building": "1", "doors": 20, "latitude": lat, "longitude": lng},
                // A later stop right here: only the first one places the route.
                {"street": "Мәңгілік Ел", "building": "2", "doors": 20, "latitude": HERE.0, "longitude": HERE.1},
            ]}),
            Self::PosterSites => json!({
                "branch": OWN_BRANCH, "locality_id": village, "address": "Мәңгілік Ел, 1", "kind": "board",
                "capacity": 2, "decision_body": "Әкімдік", "decision_number": "7", "decision_date": "2026-10-01",
                "latitude": lat, "longitude": lng,
            }),
        };
        let created = app.post(self.path()).bearer(&staff.token).json(&body).send().await;
        created.assert_status(201).json()["id"].as_str().unwrap().to_owned()
    }
}

async fn ids(app: &TestApp, staff: &TestUser, path: &str) -> (Vec<String>, Option<String>) {
    let page = app.get(path).bearer(&staff.token).send().await.assert_status(200).json();
    let ids = page["items"].as_array().unwrap().iter().map(|item| item["id"].as_str().unwrap().to_owned()).collect();
    (ids, page["next_cursor"].as_str().map(str::to_owned))
}

on_both_databases!(near_lists_what_lies_within_the_radius_nearest_first_page_by_page);
async fn near_lists_what_lies_within_the_radius_nearest_first_page_by_page(app: TestApp) {
    let staff = app.user("coordinator", Some(OWN_BRANCH)).await;
    let village = app.locality(&staff, OWN_BRANCH, "city").await;
    let near = format!("near={},{}", HERE.0, HERE.1);
    for listed in [Listed::Events, Listed::Routes, Listed::PosterSites] {
        // Created out of distance order, so id order is not distance order.
        let five_east = listed.create(&app, &staff, &village, Some(offset(0.0, 5.0))).await;
        let one_north = listed.create(&app, &staff, &village, Some(offset(1.0, 0.0))).await;
        let twenty_south = listed.create(&app, &staff, &village, Some(offset(-20.0, 0.0))).await;
        let three_west = listed.create(&app, &staff, &village, Some(offset(0.0, -3.0))).await;
        let nine_and_a_half = listed.create(&app, &staff, &village, Some(offset(6.7, 6.7))).await;
        let ten_and_a_half = listed.create(&app, &staff, &village, Some(offset(7.43, 7.43))).await;
        listed.create(&app, &staff, &village, None).await;
        let path = listed.path();

        // The default radius is 10 km: 9.5 km is in, 10.5 km is out.
        let (within, _) = ids(&app, &staff, &format!("{path}?{near}")).await;
        assert_eq!(
            within,
            [one_north.clone(), three_west.clone(), five_east.clone(), nine_and_a_half.clone()],
            "{listed:?}"
        );
        let (wider, _) = ids(&app, &staff, &format!("{path}?{near}&radius_km=30")).await;
        assert_eq!(
            wider,
            [
                one_north.clone(),
                three_west.clone(),
                five_east.clone(),
                nine_and_a_half.clone(),
                ten_and_a_half,
                twenty_south
            ],
            "{listed:?}"
        );
        let (narrow, _) = ids(&app, &staff, &format!("{path}?{near}&radius_km=2")).await;
        assert_eq!(narrow, [one_north], "{listed:?}");

        // Pages of two continue in distance order; the cursor keeps the filters.
        let mut walked = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page_path = match &cursor {
                Some(cursor) => format!("{path}?{near}&radius_km=30&limit=2&cursor={cursor}"),
                None => format!("{path}?{near}&radius_km=30&limit=2"),
            };
            let (page, next) = ids(&app, &staff, &page_path).await;
            walked.extend(page);
            let Some(next) = next else { break };
            cursor = Some(next);
        }
        assert_eq!(walked, wider, "{listed:?}: paging");
        let other_filters = format!("{path}?{near}&radius_km=20&limit=2&cursor={}", {
            let (_, next) = ids(&app, &staff, &format!("{path}?{near}&radius_km=30&limit=2")).await;
            next.unwrap()
        });
        let mismatch = app.get(&other_filters).bearer(&staff.token).send().await.problem(400);
        assert_eq!(mismatch["code"], "cursor_mismatch");
    }
}

on_both_databases!(bad_near_and_radius_values_name_their_parameter);
async fn bad_near_and_radius_values_name_their_parameter(app: TestApp) {
    let staff = app.user("coordinator", Some(OWN_BRANCH)).await;
    for listed in [Listed::Events, Listed::Routes, Listed::PosterSites] {
        let path = listed.path();
        for (query, status, field) in [
            ("near=51.1", 422, "query.near"),
            ("near=north,east", 422, "query.near"),
            ("near=91,71", 422, "query.near"),
            ("near=51.1,71.4&radius_km=0", 422, "query.radius_km"),
            ("near=51.1,71.4&radius_km=201", 422, "query.radius_km"),
            ("near=51.1,71.4&radius_km=far", 422, "query.radius_km"),
            ("radius_km=5", 422, "query.near"),
            ("near=51.1,71.4&updated_since=2026-01-01T00:00:00Z", 422, "query.near"),
        ] {
            let problem = app.get(&format!("{path}?{query}")).bearer(&staff.token).send().await.problem(status);
            assert_eq!(problem["errors"][0]["field"], field, "{path}?{query}: {problem}");
        }
        let at_limit = format!("{path}?near=51.1,71.4&radius_km=200");
        app.get(&at_limit).bearer(&staff.token).send().await.assert_status(200);
    }
}
