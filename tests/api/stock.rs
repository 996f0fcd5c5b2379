//! The stock ledger: movements, counter-movements and the balances they keep.

use std::collections::BTreeMap;

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::factories::{OTHER_BRANCH, OWN_BRANCH, TestUser};
use crate::helpers::{TestApp, TestResponse};

impl TestApp {
    /// Posts a movement as `user`; the response, whatever its status.
    pub async fn movement(&self, user: &TestUser, body: Value) -> TestResponse {
        self.post("/api/v1/stock-movements").bearer(&user.token).json(&body).send().await
    }

    /// Every row of a list, following the cursors.
    pub async fn all_items(&self, user: &TestUser, path: &str) -> Vec<Value> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let separator = if path.contains('?') { '&' } else { '?' };
            let page_path = match &cursor {
                Some(cursor) => format!("{path}{separator}limit=200&cursor={cursor}"),
                None => format!("{path}{separator}limit=200"),
            };
            let page = self.get(&page_path).bearer(&user.token).send().await.assert_status(200).json();
            items.extend(page["items"].as_array().unwrap().iter().cloned());
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return items,
            }
        }
    }
}

pub fn receipt(material: &str, branch: &str, quantity: i64) -> Value {
    json!({"kind": "receipt", "material_id": material, "branch": branch, "quantity": quantity, "note": "Тираж №114"})
}

pub fn issue(material: &str, volunteer: &Value, quantity: i64) -> Value {
    json!({"kind": "issue", "material_id": material, "volunteer_id": volunteer["id"], "quantity": quantity})
}

/// Balances recomputed from the raw ledger rows: `branch:KZ-71` and
/// `volunteer:<id>` to quantity.
fn recompute(movements: &[Value]) -> BTreeMap<String, i64> {
    let mut balances = BTreeMap::new();
    for m in movements {
        let q = m["quantity"].as_i64().unwrap();
        let branch = format!("branch:{}", m["branch"].as_str().unwrap());
        let mut effects = match m["kind"].as_str().unwrap() {
            "receipt" => vec![(branch, q)],
            "write_off" => vec![(branch, -q)],
            "adjustment" if m["direction"] == "increase" => vec![(branch, q)],
            "adjustment" => vec![(branch, -q)],
            "transfer" => vec![(branch, -q), (format!("branch:{}", m["to_branch"].as_str().unwrap()), q)],
            "issue" => vec![(branch, -q), (format!("volunteer:{}", m["volunteer_id"].as_str().unwrap()), q)],
            "return" => vec![(branch, q), (format!("volunteer:{}", m["volunteer_id"].as_str().unwrap()), -q)],
            "hand_out" | "placement" => match m["volunteer_id"].as_str() {
                Some(volunteer) => vec![(format!("volunteer:{volunteer}"), -q)],
                None => vec![(branch, -q)],
            },
            other => panic!("unknown kind {other}"),
        };
        if !m["reverses_id"].is_null() {
            effects.iter_mut().for_each(|(_, delta)| *delta = -*delta);
        }
        for (holder, delta) in effects {
            *balances.entry(holder).or_insert(0) += delta;
        }
    }
    balances
}

/// Balances as the API keeps them, keyed like [`recompute`] (zeros left out).
async fn stored_balances(app: &TestApp, admin: &TestUser, material: &str) -> BTreeMap<String, i64> {
    let mut balances = BTreeMap::new();
    for row in app.all_items(admin, &format!("/api/v1/stock-balances?material_id={material}")).await {
        balances.insert(format!("branch:{}", row["branch"].as_str().unwrap()), row["quantity"].as_i64().unwrap());
    }
    for row in app.all_items(admin, &format!("/api/v1/volunteer-holdings?material_id={material}")).await {
        balances
            .insert(format!("volunteer:{}", row["volunteer_id"].as_str().unwrap()), row["quantity"].as_i64().unwrap());
    }
    balances.retain(|_, quantity| *quantity != 0);
    balances
}

/// Asserts every balance equals the sum of its movements, and returns them.
pub async fn balances_match_the_ledger(app: &TestApp, admin: &TestUser, material: &str) -> BTreeMap<String, i64> {
    let ledger = app.all_items(admin, &format!("/api/v1/stock-movements?material_id={material}")).await;
    let mut expected = recompute(&ledger);
    expected.retain(|_, quantity| *quantity != 0);
    let stored = stored_balances(app, admin, material).await;
    assert_eq!(stored, expected, "balances differ from the sums of the {} movements", ledger.len());
    stored
}

on_both_databases!(every_balance_equals_the_sum_of_its_movements_through_a_workflow);
async fn every_balance_equals_the_sum_of_its_movements_through_a_workflow(app: TestApp) {
    let admin = app.admin().await;
    let sender = app.user("coordinator", Some(OTHER_BRANCH)).await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let material = app.material(&admin).await;
    let volunteer = app.volunteer(&coordinator, OWN_BRANCH).await;

    app.movement(&admin, receipt(&material, OTHER_BRANCH, 100)).await.assert_status(201);
    let transfer = json!({"kind": "transfer", "material_id": material, "to_branch": OWN_BRANCH, "quantity": 40});
    let transfer = app.movement(&sender, transfer).await.assert_status(201).json();
    assert_eq!((transfer["branch"].as_str(), transfer["to_branch"].as_str()), (Some(OTHER_BRANCH), Some(OWN_BRANCH)));
    let issued = app.movement(&coordinator, issue(&material, &volunteer, 15)).await.assert_status(201).json();
    assert_eq!(issued["volunteer_name"], "Test Volunteer");
    let back = json!({"kind": "return", "material_id": material, "volunteer_id": volunteer["id"], "quantity": 5});
    app.movement(&coordinator, back).await.assert_status(201);
    let write_off = json!({"kind": "write_off", "material_id": material, "quantity": 3, "reason": "намокли"});
    let write_off = app.movement(&coordinator, write_off).await.assert_status(201).json();
    let count = json!({"kind": "adjustment", "material_id": material, "branch": OTHER_BRANCH, "direction": "decrease", "quantity": 2, "reason": "stock count"});
    app.movement(&admin, count).await.assert_status(201);
    let undo = format!("/api/v1/stock-movements/{}/reversal", write_off["id"].as_str().unwrap());
    let undone = app.post(&undo).bearer(&coordinator.token).json(&json!({"reason": "found them"})).send().await;
    assert_eq!(undone.assert_status(201).json()["reverses_id"], write_off["id"]);

    let balances = balances_match_the_ledger(&app, &admin, &material).await;
    let volunteer_key = format!("volunteer:{}", volunteer["id"].as_str().unwrap());
    assert_eq!(balances[&format!("branch:{OTHER_BRANCH}")], 58);
    assert_eq!(balances[&format!("branch:{OWN_BRANCH}")], 30);
    assert_eq!(balances[&volunteer_key], 10);
    let totals = app.get("/api/v1/stock-totals").bearer(&admin.token).send().await.assert_status(200).json();
    let total =
        totals["items"].as_array().unwrap().iter().find(|t| t["material_id"] == material.as_str()).unwrap().clone();
    assert_eq!((total["in_branches"].as_i64(), total["with_volunteers"].as_i64()), (Some(88), Some(10)));

    // A branch's ledger, in pages of two, is every movement out of or into it
    // (the transfer in both), in id order.
    let ledger = app.all_items(&admin, &format!("/api/v1/stock-movements?material_id={material}")).await;
    for branch in [OWN_BRANCH, OTHER_BRANCH] {
        let expected: Vec<&Value> =
            ledger.iter().filter(|m| m["branch"] == branch || m["to_branch"] == branch).map(|m| &m["id"]).collect();
        let mut paged = Vec::new();
        let mut path = format!("/api/v1/stock-movements?branch={branch}&limit=2");
        loop {
            let page = app.get(&path).bearer(&admin.token).send().await.assert_status(200).json();
            paged.extend(page["items"].as_array().unwrap().iter().map(|m| m["id"].clone()));
            let Some(cursor) = page["next_cursor"].as_str() else { break };
            path = format!("/api/v1/stock-movements?branch={branch}&limit=2&cursor={cursor}");
        }
        assert_eq!(paged.iter().collect::<Vec<_>>(), expected, "the ledger of {branch}");
        assert!(expected.len() >= 3, "{branch} has movements of its own and the transfer");
    }
}

on_both_databases!(a_movement_that_would_overdraw_answers_409_naming_material_balance_and_quantity);
async fn a_movement_that_would_overdraw_answers_409_naming_material_balance_and_quantity(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let material = app.material(&admin).await;
    let code =
        app.get(&format!("/api/v1/materials/{material}")).bearer(&admin.token).send().await.json()["code"].clone();
    let volunteer = app.volunteer(&coordinator, OWN_BRANCH).await;
    app.movement(&admin, receipt(&material, OWN_BRANCH, 10)).await.assert_status(201);

    let problem = app.movement(&coordinator, issue(&material, &volunteer, 11)).await.problem(409);
    assert_eq!(problem["errors"][0]["code"], "insufficient_stock", "{problem}");
    let detail = problem["detail"].as_str().unwrap();
    for part in [code.as_str().unwrap(), "balance 10", "asked 11"] {
        assert!(detail.contains(part), "{detail} should name {part}");
    }
    let back = json!({"kind": "return", "material_id": material, "volunteer_id": volunteer["id"], "quantity": 1});
    let problem = app.movement(&coordinator, back).await.problem(409);
    assert!(problem["detail"].as_str().unwrap().contains("balance 0, asked 1"), "{problem}");
    let balances = balances_match_the_ledger(&app, &admin, &material).await;
    assert_eq!(balances.values().copied().collect::<Vec<_>>(), vec![10], "a refused movement changes nothing");
}

on_both_databases!(fifty_parallel_issues_against_a_stock_of_twenty_give_twenty_and_thirty_409s);
async fn fifty_parallel_issues_against_a_stock_of_twenty_give_twenty_and_thirty_409s(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let material = app.material(&admin).await;
    let volunteer = app.volunteer(&coordinator, OWN_BRANCH).await;
    app.movement(&admin, receipt(&material, OWN_BRANCH, 20)).await.assert_status(201);

    let responses = join_all((0..50).map(|_| app.movement(&coordinator, issue(&material, &volunteer, 1)))).await;
    let statuses: Vec<u16> = responses.iter().map(|res| res.status.as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 20, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 30, "{statuses:?}");
    let balances = balances_match_the_ledger(&app, &admin, &material).await;
    assert_eq!(balances.get(&format!("branch:{OWN_BRANCH}")), None, "the branch balance is 0");
    assert_eq!(balances[&format!("volunteer:{}", volunteer["id"].as_str().unwrap())], 20);
}

on_both_databases!(twenty_parallel_transfers_in_both_directions_conserve_the_total);
async fn twenty_parallel_transfers_in_both_directions_conserve_the_total(app: TestApp) {
    let admin = app.admin().await;
    let material = app.material(&admin).await;
    app.movement(&admin, receipt(&material, OWN_BRANCH, 50)).await.assert_status(201);
    app.movement(&admin, receipt(&material, OTHER_BRANCH, 50)).await.assert_status(201);

    let transfer = |from: &str, to: &str, quantity: i64| json!({"kind": "transfer", "material_id": material, "branch": from, "to_branch": to, "quantity": quantity});
    let bodies: Vec<Value> = (0..20)
        .map(|n| if n % 2 == 0 { transfer(OWN_BRANCH, OTHER_BRANCH, 3) } else { transfer(OTHER_BRANCH, OWN_BRANCH, 2) })
        .collect();
    let responses = join_all(bodies.into_iter().map(|body| app.movement(&admin, body))).await;
    for res in &responses {
        res.assert_status(201);
    }
    let balances = balances_match_the_ledger(&app, &admin, &material).await;
    assert_eq!(balances[&format!("branch:{OWN_BRANCH}")], 50 - 30 + 20);
    assert_eq!(balances.values().sum::<i64>(), 100);
}

on_both_databases!(a_retried_movement_with_its_idempotency_key_moves_stock_once);
async fn a_retried_movement_with_its_idempotency_key_moves_stock_once(app: TestApp) {
    let admin = app.admin().await;
    let material = app.material(&admin).await;
    app.movement(&admin, receipt(&material, OWN_BRANCH, 30)).await.assert_status(201);
    let transfer = json!({"kind": "transfer", "material_id": material, "branch": OWN_BRANCH, "to_branch": OTHER_BRANCH, "quantity": 10});
    let send = |key: &'static str| {
        app.post("/api/v1/stock-movements").bearer(&admin.token).header("idempotency-key", key).json(&transfer).send()
    };
    let first = send("transfer-1").await.assert_status(201).json();
    let retry = send("transfer-1").await;
    assert_eq!(retry.assert_status(201).header("idempotent-replayed"), Some("true"));
    assert_eq!(retry.json(), first);
    let at_once = join_all((0..4).map(|_| send("transfer-2"))).await;
    assert_eq!(at_once.iter().filter(|res| res.header("idempotent-replayed").is_none()).count(), 1);

    let balances = balances_match_the_ledger(&app, &admin, &material).await;
    assert_eq!(balances[&format!("branch:{OWN_BRANCH}")], 10, "two transfers of 10, not six");
    let ledger = app.all_items(&admin, &format!("/api/v1/stock-movements?material_id={material}&kind=transfer")).await;
    assert_eq!(ledger.len(), 2);
}

on_both_databases!(a_movement_is_undone_once_by_whoever_may_make_the_counter_movement);
async fn a_movement_is_undone_once_by_whoever_may_make_the_counter_movement(app: TestApp) {
    let admin = app.admin().await;
    let sender = app.user("coordinator", Some(OWN_BRANCH)).await;
    let receiver = app.user("coordinator", Some(OTHER_BRANCH)).await;
    let material = app.material(&admin).await;
    app.movement(&admin, receipt(&material, OWN_BRANCH, 10)).await.assert_status(201);
    let transfer = json!({"kind": "transfer", "material_id": material, "to_branch": OTHER_BRANCH, "quantity": 4});
    let transfer = app.movement(&sender, transfer).await.assert_status(201).json();
    let undo = format!("/api/v1/stock-movements/{}/reversal", transfer["id"].as_str().unwrap());
    let reason = json!({"reason": "wrong branch"});

    // Undoing sends the stock back from the receiver: the receiver's to do.
    app.post(&undo).bearer(&sender.token).json(&reason).send().await.problem(403);
    let counter = app.post(&undo).bearer(&receiver.token).json(&reason).send().await.assert_status(201).json();
    let again = app.post(&undo).bearer(&admin.token).json(&reason).send().await.problem(409);
    assert_eq!(again["existing_id"], counter["id"]);
    let undo_counter = format!("/api/v1/stock-movements/{}/reversal", counter["id"].as_str().unwrap());
    app.post(&undo_counter).bearer(&admin.token).json(&reason).send().await.problem(409);

    let balances = balances_match_the_ledger(&app, &admin, &material).await;
    assert_eq!(balances.values().copied().collect::<Vec<_>>(), vec![10]);
}

on_both_databases!(a_movement_takes_exactly_the_parts_its_kind_needs);
async fn a_movement_takes_exactly_the_parts_its_kind_needs(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let material = app.material(&admin).await;
    let stranger = app.volunteer(&admin, OTHER_BRANCH).await;
    let cases = [
        (json!({"kind": "transfer", "material_id": material, "quantity": 1}), "to_branch", "required"),
        (
            json!({"kind": "transfer", "material_id": material, "to_branch": OWN_BRANCH, "quantity": 1}),
            "to_branch",
            "invalid",
        ),
        (json!({"kind": "write_off", "material_id": material, "quantity": 1}), "reason", "required"),
        (
            json!({"kind": "adjustment", "material_id": material, "quantity": 1, "reason": "count"}),
            "direction",
            "required",
        ),
        (
            json!({"kind": "write_off", "material_id": material, "quantity": 1, "reason": "x", "direction": "increase"}),
            "direction",
            "not_allowed",
        ),
        (issue(&material, &stranger, 1), "volunteer_id", "unknown_volunteer"),
        (json!({"kind": "issue", "material_id": material, "quantity": 1}), "volunteer_id", "required"),
        (
            json!({"kind": "issue", "material_id": uuid::Uuid::now_v7().to_string(), "quantity": 1}),
            "material_id",
            "unknown_material",
        ),
        (json!({"kind": "write_off", "material_id": material, "quantity": 0, "reason": "x"}), "quantity", "range"),
    ];
    for (body, field, code) in cases {
        let problem = app.movement(&coordinator, body.clone()).await.problem(422);
        assert_eq!(
            (problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str()),
            (Some(field), Some(code)),
            "{body}"
        );
    }
    // Receipts come from HQ; coordinators act in their own branch only.
    app.movement(&coordinator, receipt(&material, OWN_BRANCH, 1)).await.problem(403);
    let elsewhere = json!({"kind": "adjustment", "material_id": material, "branch": OTHER_BRANCH, "direction": "increase", "quantity": 1, "reason": "count"});
    app.movement(&coordinator, elsewhere).await.problem(403);
}

on_both_databases!(observers_see_stock_but_never_volunteers_and_volunteers_see_their_own);
async fn observers_see_stock_but_never_volunteers_and_volunteers_see_their_own(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let observer = app.user("observer", None).await;
    let material = app.material(&admin).await;
    let (volunteer, volunteer_user) = app.volunteer_user(&coordinator, OWN_BRANCH).await;
    let colleague = app.volunteer(&coordinator, OWN_BRANCH).await;
    app.movement(&admin, receipt(&material, OWN_BRANCH, 10)).await.assert_status(201);
    app.movement(&coordinator, issue(&material, &volunteer, 3)).await.assert_status(201);
    app.movement(&coordinator, issue(&material, &colleague, 2)).await.assert_status(201);

    let movements = app.all_items(&observer, "/api/v1/stock-movements").await;
    assert_eq!(movements.len(), 3);
    for field in ["volunteer_id", "volunteer_name", "note", "recorded_by"] {
        assert!(movements.iter().all(|m| m[field].is_null()), "observers see no {field}: {movements:?}");
    }
    let holdings = app.all_items(&observer, "/api/v1/volunteer-holdings").await;
    assert_eq!(holdings.iter().map(|h| h["quantity"].as_i64().unwrap()).sum::<i64>(), 5);
    assert!(holdings.iter().all(|h| h["volunteer_id"].is_null() && h["volunteer_name"].is_null()), "{holdings:?}");

    let own = app.all_items(&volunteer_user, "/api/v1/volunteer-holdings").await;
    assert_eq!(own.len(), 1);
    assert_eq!((own[0]["volunteer_id"].clone(), own[0]["quantity"].as_i64()), (volunteer["id"].clone(), Some(3)));
    let own_movements = app.all_items(&volunteer_user, "/api/v1/stock-movements").await;
    assert_eq!(own_movements.len(), 1);
    let other = app.get("/api/v1/stock-balances").bearer(&volunteer_user.token).send().await;
    other.problem(403);
    let elsewhere = app.user("coordinator", Some(OTHER_BRANCH)).await;
    assert!(app.all_items(&elsewhere, "/api/v1/stock-movements").await.is_empty());
    assert!(app.all_items(&elsewhere, "/api/v1/stock-balances").await.is_empty());
}

on_both_databases!(the_ledger_exports_as_csv_with_what_the_caller_may_see);
async fn the_ledger_exports_as_csv_with_what_the_caller_may_see(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let observer = app.user("observer", None).await;
    let material = app.material(&admin).await;
    let volunteer = app.volunteer(&coordinator, OWN_BRANCH).await;
    app.movement(&admin, receipt(&material, OWN_BRANCH, 10)).await.assert_status(201);
    app.movement(&coordinator, issue(&material, &volunteer, 4)).await.assert_status(201);

    let path = format!("/api/v1/stock-movements.csv?material_id={material}");
    let csv = app.get(&path).bearer(&coordinator.token).send().await;
    assert_eq!(csv.assert_status(200).header("content-type"), Some("text/csv; charset=utf-8"));
    let text = String::from_utf8(csv.body.to_vec()).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("id,recorded_at,kind,material_id,quantity,branch"));
    assert!(lines[2].contains(",issue,") && lines[2].contains("Test Volunteer"), "{text}");
    let hidden = app.get(&path).bearer(&observer.token).send().await;
    assert!(!String::from_utf8_lossy(&hidden.assert_status(200).body).contains("Test Volunteer"));
}

on_both_databases!(branches_below_a_materials_reorder_level_are_listed);
async fn branches_below_a_materials_reorder_level_are_listed(app: TestApp) {
    let admin = app.admin().await;
    let material = app.material(&admin).await;
    let other = app.material(&admin).await;
    app.patch(&format!("/api/v1/materials/{material}"))
        .bearer(&admin.token)
        .json(&json!({"reorder_level": 20}))
        .send()
        .await
        .assert_status(200);
    app.movement(&admin, receipt(&material, OWN_BRANCH, 19)).await.assert_status(201);
    app.movement(&admin, receipt(&material, OTHER_BRANCH, 20)).await.assert_status(201);
    app.movement(&admin, receipt(&other, OWN_BRANCH, 1)).await.assert_status(201);

    let below = app.all_items(&admin, "/api/v1/stock-balances?below_reorder_level=true").await;
    assert_eq!(below.len(), 1, "{below:?}");
    assert_eq!(
        (below[0]["branch"].as_str(), below[0]["material_id"].as_str()),
        (Some(OWN_BRANCH), Some(material.as_str()))
    );
    assert_eq!((below[0]["quantity"].as_i64(), below[0]["reorder_level"].as_i64()), (Some(19), Some(20)));
}

on_both_databases!(the_route_pack_lists_what_the_volunteer_carries);
async fn the_route_pack_lists_what_the_volunteer_carries(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let material = app.material(&admin).await;
    let (volunteer, volunteer_user) = app.volunteer_user(&coordinator, OWN_BRANCH).await;
    let locality = app.locality(&coordinator, OWN_BRANCH, "village").await;
    let route = app.route(&coordinator, &locality, 1, &[volunteer["id"].as_str().unwrap()]).await;
    let path = format!("/api/v1/routes/{}/pack", route["id"].as_str().unwrap());
    app.movement(&admin, receipt(&material, OWN_BRANCH, 10)).await.assert_status(201);
    app.movement(&coordinator, issue(&material, &volunteer, 6)).await.assert_status(201);

    let pack = app.get(&path).bearer(&volunteer_user.token).send().await;
    let held = pack.assert_status(200).json()["materials_held"].clone();
    assert_eq!(held.as_array().unwrap().len(), 1, "{held}");
    assert_eq!((held[0]["material_id"].as_str(), held[0]["quantity"].as_i64()), (Some(material.as_str()), Some(6)));
    assert_eq!(held[0]["title"]["ru"], "Листовка о Конституции");
    let tag = pack.header("etag").unwrap().to_owned();

    let back = json!({"kind": "return", "material_id": material, "volunteer_id": volunteer["id"], "quantity": 6});
    app.movement(&coordinator, back).await.assert_status(201);
    let pack = app.get(&path).bearer(&volunteer_user.token).header("if-none-match", &tag).send().await;
    assert_eq!(pack.assert_status(200).json()["materials_held"], json!([]), "nothing carried, and a new tag");
}

on_both_databases!(a_forced_demo_seed_replaces_the_materials_and_their_ledger);
async fn a_forced_demo_seed_replaces_the_materials_and_their_ledger(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let material = app.material(&admin).await;
    let volunteer = app.volunteer(&coordinator, OWN_BRANCH).await;
    app.movement(&admin, receipt(&material, OWN_BRANCH, 10)).await.assert_status(201);
    app.movement(&coordinator, issue(&material, &volunteer, 4)).await.assert_status(201);

    // The ledger points at the volunteers and accounts a forced seed removes.
    outreach::seed::run_plan(&app.state.config.database_url, &outreach::seed::Plan::sample(), true).unwrap();
    let admin = app.admin().await;
    // What is left is the seed's own ledger.
    let ledger = app.all_items(&admin, "/api/v1/stock-movements").await;
    assert!(ledger.iter().all(|movement| movement["material_id"] != material.as_str()));
    app.get(&format!("/api/v1/materials/{material}")).bearer(&admin.token).send().await.problem(404);
    // The demo's own catalogue and ledger took their place.
    assert!(!app.all_items(&admin, "/api/v1/materials").await.is_empty());
}
