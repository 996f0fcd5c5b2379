//! Poster sites, placements with their status history, offline inspection
//! rounds and the coverage report.

use std::collections::{BTreeMap, BTreeSet};

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::factories::{OTHER_BRANCH, OWN_BRANCH, TestUser, id};
use crate::helpers::TestApp;

impl TestApp {
    /// A new catalogue poster; returns its id.
    pub async fn poster(&self, admin: &TestUser) -> String {
        let mut body = crate::materials::material_body();
        body["kind"] = json!("poster");
        body["code"] = json!(format!("P-{}", uuid::Uuid::now_v7().simple()));
        let created = self.post("/api/v1/materials").bearer(&admin.token).json(&body).send().await;
        created.assert_status(201).json()["id"].as_str().unwrap().to_owned()
    }

    /// Delivers `quantity` of `material` to `branch`.
    pub async fn receive(&self, admin: &TestUser, material: &str, branch: &str, quantity: i64) {
        let receipt = json!({"kind": "receipt", "material_id": material, "branch": branch, "quantity": quantity});
        self.movement(admin, receipt).await.assert_status(201);
    }

    /// An active board of `capacity` posters in `locality` of `branch`.
    pub async fn poster_site(&self, staff: &TestUser, branch: &str, locality: &str, capacity: i32) -> Value {
        let body = json!({
            "branch": branch, "locality_id": locality, "address": "Абай даңғылы, 10", "kind": "board",
            "capacity": capacity, "decision_body": "Әкімдік", "decision_number": "114", "decision_date": "2026-10-01",
        });
        self.post("/api/v1/poster-sites").bearer(&staff.token).json(&body).send().await.assert_status(201).json()
    }

    /// Puts `quantity` posters of `material` up on `site` out of the branch's stock.
    pub async fn placement(&self, staff: &TestUser, site: &str, material: &str, quantity: i32) -> Value {
        let body = json!({"material_id": material, "quantity": quantity});
        let path = format!("/api/v1/poster-sites/{site}/placements");
        self.post(&path).bearer(&staff.token).json(&body).send().await.assert_status(201).json()
    }
}

const DAY: i64 = 24 * 60;

fn minutes_ago(minutes: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::minutes(minutes)).to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// What a branch holds of a material (0 when it never had any).
async fn branch_stock(app: &TestApp, admin: &TestUser, material: &str, branch: &str) -> i64 {
    let rows = app.all_items(admin, &format!("/api/v1/stock-balances?material_id={material}&branch={branch}")).await;
    rows.first().map_or(0, |row| row["quantity"].as_i64().unwrap())
}

async fn holding(app: &TestApp, admin: &TestUser, material: &str, volunteer: &str) -> i64 {
    let path = format!("/api/v1/volunteer-holdings?material_id={material}&volunteer_id={volunteer}");
    app.all_items(admin, &path).await.first().map_or(0, |row| row["quantity"].as_i64().unwrap())
}

/// The median of `values` (the mean of the two middle ones for an even count).
fn median_of(mut values: Vec<i64>) -> Value {
    values.sort_unstable();
    match values.len() {
        0 => Value::Null,
        n => json!((values[(n - 1) / 2] + values[n / 2]) as f64 / 2.0),
    }
}

/// The coverage of the given sites and placements, recomputed from their raw
/// rows as the report defines it.
fn recompute(sites: &[&Value], placements: &[Value], rural_localities: &BTreeSet<String>) -> Value {
    let (mut active, mut with_poster, mut never_checked) = (0_i64, 0_i64, 0_i64);
    let mut days_since_check = Vec::new();
    let mut rural: BTreeSet<String> = BTreeSet::new();
    for site in sites.iter().copied() {
        if site["status"] != "active" {
            continue;
        }
        active += 1;
        let here: Vec<&Value> = placements.iter().filter(|placement| placement["site_id"] == site["id"]).collect();
        if here.iter().any(|placement| matches!(placement["status"].as_str(), Some("placed" | "checked"))) {
            with_poster += 1;
        }
        let last_check = here
            .iter()
            .flat_map(|placement| placement["changes"].as_array().unwrap())
            .filter(|change| matches!(change["status"].as_str(), Some("checked" | "damaged" | "removed")))
            .map(|change| change["at"].as_str().unwrap().parse::<chrono::DateTime<chrono::Utc>>().unwrap())
            .max();
        match last_check {
            Some(at) => days_since_check.push((chrono::Utc::now() - at).num_days()),
            None => never_checked += 1,
        }
        let locality = site["locality_id"].as_str().unwrap().to_owned();
        if rural_localities.contains(&locality) {
            rural.insert(locality);
        }
    }
    let share = if active == 0 { 0.0 } else { (with_poster as f64 * 1000.0 / active as f64).round() / 10.0 };
    json!({
        "sites": sites.len(),
        "active_sites": active,
        "sites_with_current_poster": with_poster,
        "current_poster_percent": share,
        "median_days_since_check": median_of(days_since_check),
        "never_checked": never_checked,
        "rural_settlements_with_active_site": rural.len(),
    })
}

/// The parts of a coverage row [`recompute`] gives.
fn comparable(row: &Value) -> Value {
    let mut row = row.clone();
    let object = row.as_object_mut().unwrap();
    for key in ["key", "name", "rural_settlements"] {
        object.remove(key);
    }
    row
}

on_both_databases!(a_campaign_of_posters_from_import_to_coverage_adds_up);
async fn a_campaign_of_posters_from_import_to_coverage_adds_up(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let observer = app.user("observer", None).await;
    let (volunteer, walker) = app.volunteer_user(&coordinator, OWN_BRANCH).await;
    let village = app.locality(&coordinator, OWN_BRANCH, "village").await;
    let rural_district = app.locality(&coordinator, OWN_BRANCH, "rural_district").await;
    let city = app.locality(&coordinator, OWN_BRANCH, "city").await;
    let localities = [&village, &rural_district, &city];

    // 1. Import 30 sites from a local decision's table; two rows are bad.
    let mut csv =
        String::from("locality_id,address,kind,capacity,decision_body,decision_number,decision_date,status\n");
    for n in 0..32 {
        let line = match n {
            7 => format!("{village},Көше 7,board,many,Әкімдік,5,2026-10-01,active\n"),
            20 => format!("{city},Көше 20,poster-wall,3,Әкімдік,5,2026-10-01,active\n"),
            // The sites of rural districts are retired but for the first.
            _ => {
                let locality = localities[n % 3];
                let status = if n % 3 == 1 && n > 1 { "retired" } else { "active" };
                format!("{locality},\"Көше {n}, үй 1\",stand,4,Әкімдік,5,2026-10-01,{status}\n")
            }
        };
        csv.push_str(&line);
    }
    let import = |dry_run: bool| {
        let path = format!("/api/v1/poster-sites.csv?dry_run={dry_run}");
        app.post(&path).bearer(&coordinator.token).header("content-type", "text/csv").body(csv.clone()).send()
    };
    let checked = import(true).await.assert_status(200).json();
    assert_eq!((checked["valid"].as_i64(), checked["errors"].as_i64()), (Some(30), Some(2)), "{checked}");
    assert!(app.all_items(&coordinator, "/api/v1/poster-sites").await.is_empty(), "a dry run stores nothing");
    let report = import(false).await.assert_status(200).json();
    assert_eq!((report["created"].as_i64(), report["errors"].as_i64()), (Some(30), Some(2)), "{report}");
    let bad: Vec<(i64, String, String)> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["status"] == "error")
        .map(|row| {
            let error = &row["errors"][0];
            (
                row["row"].as_i64().unwrap(),
                error["field"].as_str().unwrap().into(),
                error["code"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(bad, vec![(9, "capacity".into(), "format".into()), (22, "kind".into(), "unknown_value".into())]);
    let sites = app.all_items(&coordinator, &format!("/api/v1/poster-sites?branch={OWN_BRANCH}")).await;
    assert_eq!(sites.len(), 30);
    let active: Vec<&Value> = sites.iter().filter(|site| site["status"] == "active").collect();

    // 2. Place posters: the first ten sites by the volunteer out of what they
    // carry, the next ten out of the branch's stock.
    let poster = app.poster(&admin).await;
    app.receive(&admin, &poster, OWN_BRANCH, 200).await;
    let issue = json!({"kind": "issue", "material_id": poster, "volunteer_id": volunteer["id"], "quantity": 20});
    app.movement(&coordinator, issue).await.assert_status(201);
    let mut placements = Vec::new();
    for (n, site) in active.iter().take(20).enumerate() {
        let mut body = json!({"material_id": poster, "quantity": 2, "placed_at": minutes_ago(30 * DAY)});
        if n < 10 {
            body["volunteer_id"] = volunteer["id"].clone();
        }
        let path = format!("/api/v1/poster-sites/{}/placements", id(site));
        let placed = app.post(&path).bearer(&coordinator.token).json(&body).send().await.assert_status(201).json();
        assert_eq!(placed["changes"][0]["status"], "placed");
        placements.push(placed);
    }
    assert_eq!(holding(&app, &admin, &poster, id(&volunteer)).await, 0);
    assert_eq!(branch_stock(&app, &admin, &poster, OWN_BRANCH).await, 200 - 20 - 20);
    let ledger = app.all_items(&admin, &format!("/api/v1/stock-movements?material_id={poster}&kind=placement")).await;
    let debited: BTreeSet<&str> = ledger.iter().map(|movement| movement["placement_id"].as_str().unwrap()).collect();
    let expected: BTreeSet<&str> = placements.iter().map(id).collect();
    assert_eq!(debited, expected, "each placement debits the stock once");

    // 3. An offline round of inspections: five damaged, two removed, the rest in
    // order; sent once, then replayed twice in a row and twice at once.
    let inspections: Vec<Value> = placements
        .iter()
        .enumerate()
        .map(|(n, placement)| {
            let status = match n {
                0..5 => "damaged",
                5..7 => "removed",
                _ => "checked",
            };
            // Last inspected 0 to 6 days ago, so the medians are not all 0.
            let at = minutes_ago((n as i64 * 3 % 7) * DAY + 5);
            json!({"id": uuid::Uuid::now_v7().to_string(), "placement_id": placement["id"], "status": status, "at": at, "note": "Абай 10"})
        })
        .collect();
    let round = json!({"inspections": inspections});
    let send = || app.post("/api/v1/poster-inspections/batch").bearer(&walker.token).json(&round).send();
    let first = send().await.assert_status(200).json();
    assert_eq!((first["created"].as_i64(), first["rejected"].as_i64()), (Some(20), Some(0)), "{first}");
    for replay in [send().await, send().await].into_iter().chain(join_all([send(), send()]).await) {
        let replay = replay.assert_status(200).json();
        assert_eq!(replay["duplicates"], 20, "{replay}");
        assert!(replay["items"].as_array().unwrap().iter().all(|item| item["conflicting"] == false));
    }
    let again = app.all_items(&coordinator, &format!("/api/v1/poster-placements?branch={OWN_BRANCH}")).await;
    assert!(again.iter().all(|placement| placement["changes"].as_array().unwrap().len() == 2), "no duplicate history");
    let awaiting = app.all_items(&coordinator, "/api/v1/poster-placements?awaiting_replacement=true").await;
    assert_eq!(awaiting.len(), 7);
    let damaged = app.all_items(&observer, "/api/v1/poster-placements?status=damaged").await;
    assert_eq!(damaged.len(), 5);
    assert!(damaged.iter().all(|placement| placement["changes"][1]["note"].is_null()), "observers see no notes");

    // 4. Replacements: the damaged posters are replaced by new ones from the
    // branch's stock; the removed ones are closed without.
    for placement in &placements[..7] {
        let path = format!("/api/v1/poster-placements/{}/changes", id(placement));
        let body = if placement["id"] == placements[5]["id"] || placement["id"] == placements[6]["id"] {
            json!({"status": "replaced", "note": "the board was taken down"})
        } else {
            json!({"status": "replaced", "replacement": {}})
        };
        let changed = app.post(&path).bearer(&coordinator.token).json(&body).send().await.assert_status(201).json();
        assert_eq!(changed["status"], "replaced");
        assert_eq!(changed["changes"].as_array().unwrap().len(), 3);
        let again = app.post(&path).bearer(&coordinator.token).json(&body).send().await.problem(409);
        assert_eq!(again["code"], "illegal_status_change");
    }
    assert_eq!(branch_stock(&app, &admin, &poster, OWN_BRANCH).await, 160 - 5 * 2);
    assert!(app.all_items(&coordinator, "/api/v1/poster-placements?awaiting_replacement=true").await.is_empty());

    // 5. Coverage equals what the raw rows say.
    let sites = app.all_items(&observer, &format!("/api/v1/poster-sites?branch={OWN_BRANCH}")).await;
    let placements = app.all_items(&admin, &format!("/api/v1/poster-placements?branch={OWN_BRANCH}")).await;
    assert_eq!(placements.len(), 25, "twenty placed and five replacements");
    let rural: BTreeSet<String> = [village.clone(), rural_district.clone()].into_iter().collect();
    let coverage = app
        .get(&format!("/api/v1/reports/poster-coverage?branch={OWN_BRANCH}"))
        .bearer(&observer.token)
        .send()
        .await
        .assert_status(200)
        .json();
    let all: Vec<&Value> = sites.iter().collect();
    assert_eq!(comparable(&coverage["total"]), recompute(&all, &placements, &rural), "{coverage}");
    assert_eq!(coverage["total"]["rural_settlements"], 2);
    let mut by_locality = BTreeMap::new();
    for row in coverage["groups"].as_array().unwrap() {
        by_locality.insert(row["key"].as_str().unwrap().to_owned(), comparable(row));
    }
    let mut expected = BTreeMap::new();
    for locality in localities {
        let here: Vec<&Value> = sites.iter().filter(|site| site["locality_id"] == locality.as_str()).collect();
        expected.insert(locality.clone(), recompute(&here, &placements, &rural));
    }
    assert_eq!(by_locality, expected);
    let nation = app.get("/api/v1/reports/poster-coverage").bearer(&admin.token).send().await.assert_status(200).json();
    assert_eq!(nation["total"]["key"], "KZ");
    assert_eq!(comparable(&nation["total"]), comparable(&coverage["total"]));
    let own = nation["groups"].as_array().unwrap().iter().find(|row| row["key"] == OWN_BRANCH).unwrap();
    assert_eq!(comparable(own), comparable(&coverage["total"]), "the branch's row of the nation report");
    let volunteer_view = app.get("/api/v1/reports/poster-coverage").bearer(&walker.token).send().await;
    volunteer_view.problem(403);
}

on_both_databases!(twenty_parallel_placements_on_one_site_respect_its_capacity_and_the_stock);
async fn twenty_parallel_placements_on_one_site_respect_its_capacity_and_the_stock(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let locality = app.locality(&coordinator, OWN_BRANCH, "village").await;
    let poster = app.poster(&admin).await;
    app.receive(&admin, &poster, OWN_BRANCH, 25).await;
    let place = |site: String| {
        let path = format!("/api/v1/poster-sites/{site}/placements");
        let (app, token, poster) = (&app, coordinator.token.clone(), poster.clone());
        async move { app.post(&path).bearer(&token).json(&json!({"material_id": poster, "quantity": 1})).send().await }
    };

    // Capacity 10, stock 25: ten fit, ten are refused naming the free space.
    let small = id(&app.poster_site(&coordinator, OWN_BRANCH, &locality, 10).await).to_owned();
    let responses = join_all((0..20).map(|_| place(small.clone()))).await;
    let statuses: Vec<u16> = responses.iter().map(|res| res.status.as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 10, "{statuses:?}");
    for refused in responses.iter().filter(|res| res.status.as_u16() == 409) {
        let problem = refused.problem(409);
        assert_eq!(problem["code"], "capacity_exceeded");
        assert!(problem["detail"].as_str().unwrap().contains("0 free places"), "{problem}");
    }
    let site = app.get(&format!("/api/v1/poster-sites/{small}")).bearer(&admin.token).send().await.json();
    assert_eq!((site["current_posters"].as_i64(), site["free_capacity"].as_i64()), (Some(10), Some(0)));

    // Capacity 100, 15 left in stock: fifteen fit, five are refused naming the stock.
    let large = id(&app.poster_site(&coordinator, OWN_BRANCH, &locality, 100).await).to_owned();
    let responses = join_all((0..20).map(|_| place(large.clone()))).await;
    let statuses: Vec<u16> = responses.iter().map(|res| res.status.as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 15, "{statuses:?}");
    for refused in responses.iter().filter(|res| res.status.as_u16() == 409) {
        let problem = refused.problem(409);
        assert_eq!(problem["code"], "insufficient_stock");
        assert!(problem["detail"].as_str().unwrap().contains("balance 0, asked 1"), "{problem}");
    }
    assert_eq!(branch_stock(&app, &admin, &poster, OWN_BRANCH).await, 0);
    let site = app.get(&format!("/api/v1/poster-sites/{large}")).bearer(&admin.token).send().await.json();
    assert_eq!(site["current_posters"], 15);
    let placed = app.all_items(&admin, "/api/v1/poster-placements").await;
    assert_eq!(placed.len(), 25);
    let ledger = app.all_items(&admin, &format!("/api/v1/stock-movements?material_id={poster}&kind=placement")).await;
    assert_eq!(ledger.len(), 25, "one movement per placement, none for the refused");
}

on_both_databases!(a_placement_needs_a_poster_an_active_site_of_the_callers_branch_and_room);
async fn a_placement_needs_a_poster_an_active_site_of_the_callers_branch_and_room(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let stranger = app.user("coordinator", Some(OTHER_BRANCH)).await;
    let locality = app.locality(&coordinator, OWN_BRANCH, "town").await;
    let site = app.poster_site(&coordinator, OWN_BRANCH, &locality, 3).await;
    let poster = app.poster(&admin).await;
    let leaflet = app.material(&admin).await;
    app.receive(&admin, &poster, OWN_BRANCH, 10).await;
    let path = format!("/api/v1/poster-sites/{}/placements", id(&site));
    let place = |user: &TestUser, body: Value| app.post(&path).bearer(&user.token).json(&body).send();

    let problem = place(&coordinator, json!({"material_id": leaflet, "quantity": 1})).await.problem(422);
    assert_eq!(problem["errors"][0]["code"], "not_a_poster");
    place(&stranger, json!({"material_id": poster, "quantity": 1})).await.problem(404);
    let other = app.get(&format!("/api/v1/poster-sites/{}", id(&site))).bearer(&stranger.token).send().await;
    other.problem(404);
    let problem = place(&coordinator, json!({"material_id": poster, "quantity": 4})).await.problem(409);
    assert!(problem["detail"].as_str().unwrap().contains("3 free places"), "{problem}");
    let placed = place(&coordinator, json!({"material_id": poster, "quantity": 3})).await.assert_status(201).json();

    // The capacity stays at or above what hangs; a retired site takes nothing new.
    let site_path = format!("/api/v1/poster-sites/{}", id(&site));
    let shrink = app.patch(&site_path).bearer(&coordinator.token).json(&json!({"capacity": 2})).send().await;
    assert_eq!(shrink.problem(409)["code"], "capacity_exceeded");
    let body = json!({"status": "removed"});
    let change = format!("/api/v1/poster-placements/{}/changes", id(&placed));
    app.post(&change).bearer(&coordinator.token).json(&body).send().await.assert_status(201);
    let retired = app.patch(&site_path).bearer(&coordinator.token).json(&json!({"status": "retired"})).send().await;
    assert_eq!(retired.assert_status(200).json()["current_posters"], 0);
    let problem = place(&coordinator, json!({"material_id": poster, "quantity": 1})).await.problem(409);
    assert_eq!(problem["code"], "not_open");
    let replace = json!({"status": "replaced", "replacement": {}});
    let problem = app.post(&change).bearer(&coordinator.token).json(&replace).send().await.problem(409);
    assert_eq!(problem["code"], "not_open", "the replacement fails, and with it the change");
    let unchanged = app.get(&format!("/api/v1/poster-placements/{}", id(&placed))).bearer(&admin.token).send().await;
    assert_eq!(unchanged.json()["status"], "removed");
    assert_eq!(branch_stock(&app, &admin, &poster, OWN_BRANCH).await, 7);
    let movement = json!({"kind": "placement", "material_id": poster, "branch": OWN_BRANCH, "quantity": 1});
    app.movement(&admin, movement).await.problem(422);
}

on_both_databases!(site_lists_find_sites_not_checked_and_without_a_poster);
async fn site_lists_find_sites_not_checked_and_without_a_poster(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let locality = app.locality(&coordinator, OWN_BRANCH, "village").await;
    let poster = app.poster(&admin).await;
    app.receive(&admin, &poster, OWN_BRANCH, 10).await;
    let empty = app.poster_site(&coordinator, OWN_BRANCH, &locality, 2).await;
    let hung = app.poster_site(&coordinator, OWN_BRANCH, &locality, 2).await;
    let inspected = app.poster_site(&coordinator, OWN_BRANCH, &locality, 2).await;
    app.placement(&coordinator, id(&hung), &poster, 1).await;
    let placement = app.placement(&coordinator, id(&inspected), &poster, 1).await;
    let round = json!({"inspections": [{"id": uuid::Uuid::now_v7().to_string(), "placement_id": placement["id"], "status": "checked", "at": minutes_ago(1)}]});
    let synced = app.post("/api/v1/poster-inspections/batch").bearer(&coordinator.token).json(&round).send().await;
    assert_eq!(synced.assert_status(200).json()["created"], 1);

    let ids = |items: Vec<Value>| items.iter().map(|item| id(item).to_owned()).collect::<BTreeSet<_>>();
    let without = ids(app.all_items(&coordinator, "/api/v1/poster-sites?without_current_poster=true").await);
    assert_eq!(without, BTreeSet::from([id(&empty).to_owned()]));
    let unchecked = ids(app.all_items(&coordinator, "/api/v1/poster-sites?not_checked_for_days=1").await);
    assert_eq!(unchecked, BTreeSet::from([id(&empty).to_owned(), id(&hung).to_owned()]));
    let site = app.get(&format!("/api/v1/poster-sites/{}", id(&inspected))).bearer(&admin.token).send().await.json();
    assert!(site["last_checked_at"].is_string(), "{site}");
    let elsewhere = app.all_items(&coordinator, &format!("/api/v1/poster-sites?branch={OTHER_BRANCH}")).await;
    assert!(elsewhere.is_empty(), "another branch's filter gives an empty page");
    let export = app.get("/api/v1/poster-sites.csv").bearer(&coordinator.token).send().await;
    export.assert_status(200);
    let text = String::from_utf8(export.body.to_vec()).unwrap();
    assert_eq!(text.lines().count(), 4, "{text}");

    // An inspection of another placement's id, or of a placement out of reach, is refused per item.
    let stranger_locality = app.locality(&admin, OTHER_BRANCH, "village").await;
    let far = app.poster_site(&admin, OTHER_BRANCH, &stranger_locality, 2).await;
    app.receive(&admin, &poster, OTHER_BRANCH, 1).await;
    let far_placement = app.placement(&admin, id(&far), &poster, 1).await;
    let reused = round["inspections"][0]["id"].clone();
    let mixed = json!({"inspections": [
        {"id": reused, "placement_id": far_placement["id"], "status": "checked", "at": minutes_ago(1)},
        {"id": uuid::Uuid::now_v7().to_string(), "placement_id": far_placement["id"], "status": "damaged", "at": minutes_ago(1)},
        {"id": uuid::Uuid::now_v7().to_string(), "placement_id": placement["id"], "status": "placed", "at": minutes_ago(1)},
        {"id": "not-a-uuid"},
    ]});
    let result = app.post("/api/v1/poster-inspections/batch").bearer(&coordinator.token).json(&mixed).send().await;
    let result = result.assert_status(200).json();
    let codes: Vec<&str> =
        result["items"].as_array().unwrap().iter().map(|item| item["errors"][0]["code"].as_str().unwrap()).collect();
    assert_eq!(codes[..3], ["taken", "unknown_placement", "not_allowed"], "{result}");
    assert_eq!((result["rejected"].as_i64(), result["items"][3]["id"].as_str()), (Some(4), Some("not-a-uuid")));
}
