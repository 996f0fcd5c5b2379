//! Handing printed materials out: visits synced with materials, meeting reports,
//! events, and the handed-out report. Every balance is checked against the raw
//! movement rows, through the API and in SQL.

use std::collections::BTreeMap;

use chrono::{Offset, TimeZone};
use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::factories::{OTHER_BRANCH, OWN_BRANCH, TestUser, id, visit};
use crate::helpers::TestApp;
use crate::seed::{balances_off_their_movements, count, sums_without_a_balance};
use crate::stock::{balances_match_the_ledger, issue, receipt};

/// A visit of `stop` that left `materials` (`[[material, quantity], ...]`), without a bare total.
fn visit_with(stop: &str, materials: &[(&str, i64)]) -> Value {
    let mut item = visit(stop);
    item.as_object_mut().unwrap().remove("materials_left");
    item["materials"] = materials.iter().map(|(m, q)| json!({"material_id": m, "quantity": q})).collect();
    item
}

fn stop(route: &Value, index: usize) -> &str {
    route["stops"][index]["id"].as_str().unwrap()
}

/// Both SQL checks of the ledger: every stored balance equals the sum of its
/// movements and is not negative, and no sum lacks its balance.
fn ledger_is_consistent(app: &TestApp) {
    assert_eq!(count(app, &balances_off_their_movements()), 0, "balances differ from their movements");
    assert_eq!(count(app, &sums_without_a_balance()), 0, "movements sum to balances nobody keeps");
}

/// A volunteer with a login, assigned to a new route of `stops` stops in the own branch.
async fn walker_on_a_route(app: &TestApp, coordinator: &TestUser, stops: usize) -> (Value, TestUser, Value) {
    let village = app.locality(coordinator, OWN_BRANCH, "village").await;
    let (volunteer, walker) = app.volunteer_user(coordinator, OWN_BRANCH).await;
    let route = app.route(coordinator, &village, stops, &[id(&volunteer)]).await;
    (volunteer, walker, route)
}

async fn sync(app: &TestApp, user: &TestUser, route: &Value, visits: &[Value]) -> Value {
    app.sync_visits(user, route, visits).await
}

async fn holding(app: &TestApp, admin: &TestUser, volunteer: &Value, material: &str) -> i64 {
    let path = format!("/api/v1/volunteer-holdings?volunteer_id={}&material_id={material}", id(volunteer));
    app.all_items(admin, &path).await.first().map_or(0, |row| row["quantity"].as_i64().unwrap())
}

async fn branch_stock(app: &TestApp, admin: &TestUser, branch: &str, material: &str) -> i64 {
    let path = format!("/api/v1/stock-balances?branch={branch}&material_id={material}");
    app.all_items(admin, &path).await.first().map_or(0, |row| row["quantity"].as_i64().unwrap())
}

on_both_databases!(receipt_transfer_issue_visits_return_and_write_off_keep_balances_equal_to_their_movements);
async fn receipt_transfer_issue_visits_return_and_write_off_keep_balances_equal_to_their_movements(app: TestApp) {
    let admin = app.admin().await;
    let sender = app.user("coordinator", Some(OTHER_BRANCH)).await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let leaflet = app.material(&admin).await;
    let brochure = app.material(&admin).await;
    let (volunteer, walker, route) = walker_on_a_route(&app, &coordinator, 3).await;

    app.movement(&admin, receipt(leaflet.as_str(), OTHER_BRANCH, 200)).await.assert_status(201);
    app.movement(&admin, receipt(brochure.as_str(), OTHER_BRANCH, 50)).await.assert_status(201);
    for (material, quantity) in [(leaflet.as_str(), 120), (brochure.as_str(), 30)] {
        let transfer =
            json!({"kind": "transfer", "material_id": material, "to_branch": OWN_BRANCH, "quantity": quantity});
        app.movement(&sender, transfer).await.assert_status(201);
    }
    app.movement(&coordinator, issue(leaflet.as_str(), &volunteer, 40)).await.assert_status(201);
    app.movement(&coordinator, issue(brochure.as_str(), &volunteer, 10)).await.assert_status(201);

    let visits = [
        visit_with(stop(&route, 0), &[(leaflet.as_str(), 5)]),
        visit_with(stop(&route, 1), &[(leaflet.as_str(), 3), (brochure.as_str(), 2)]),
        visit_with(stop(&route, 2), &[]),
    ];
    let result = sync(&app, &walker, &route, &visits).await;
    assert_eq!(result["created"], 3, "{result}");
    assert_eq!(result["progress"]["materials_left"], 10, "the bare totals are the sums: {result}");

    let back = json!({"kind": "return", "material_id": leaflet, "volunteer_id": volunteer["id"], "quantity": 10});
    app.movement(&coordinator, back).await.assert_status(201);
    let damaged = json!({"kind": "write_off", "material_id": brochure, "quantity": 5, "reason": "намокли"});
    app.movement(&coordinator, damaged).await.assert_status(201);

    let volunteer_key = format!("volunteer:{}", id(&volunteer));
    let leaflets = balances_match_the_ledger(&app, &admin, &leaflet).await;
    assert_eq!(leaflets[&format!("branch:{OTHER_BRANCH}")], 80);
    assert_eq!(leaflets[&format!("branch:{OWN_BRANCH}")], 90);
    assert_eq!(leaflets[&volunteer_key], 22);
    let brochures = balances_match_the_ledger(&app, &admin, &brochure).await;
    assert_eq!(brochures[&format!("branch:{OWN_BRANCH}")], 15);
    assert_eq!(brochures[&volunteer_key], 8);
    ledger_is_consistent(&app);

    let hand_outs = app.all_items(&admin, "/api/v1/stock-movements?kind=hand_out").await;
    assert_eq!(hand_outs.len(), 3, "one per visit and material: {hand_outs:?}");
    assert!(hand_outs.iter().all(|m| m["volunteer_id"] == volunteer["id"] && m["visit_id"].is_string()));
    let observer = app.user("observer", None).await;
    let seen = app.all_items(&observer, "/api/v1/stock-movements?kind=hand_out").await;
    assert_eq!(seen.len(), 3);
    assert!(seen.iter().all(|m| m["volunteer_id"].is_null() && m["volunteer_name"].is_null()), "{seen:?}");
    let own = app.all_items(&walker, "/api/v1/stock-movements?kind=hand_out").await;
    assert_eq!(own.len(), 3, "the volunteer sees their own hand-outs");
    let stored = app.all_items(&admin, &format!("/api/v1/visits?route_id={}", id(&route))).await;
    let mut left: Vec<i64> = stored.iter().map(|v| v["materials_left"].as_i64().unwrap()).collect();
    left.sort_unstable();
    assert_eq!(left, vec![0, 5, 5]);
    let second = stored.iter().find(|v| v["id"] == visits[1]["id"]).unwrap();
    let mut listed: Vec<(String, i64)> = second["materials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["material_id"].as_str().unwrap().to_owned(), m["quantity"].as_i64().unwrap()))
        .collect();
    listed.sort();
    let mut sent = vec![(leaflet.clone(), 3), (brochure.clone(), 2)];
    sent.sort();
    assert_eq!(listed, sent, "a visit lists what it handed out");

    let pack = app.get(&format!("/api/v1/routes/{}/pack", id(&route))).bearer(&walker.token).send().await;
    let held: BTreeMap<String, i64> = pack.assert_status(200).json()["materials_held"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["material_id"].as_str().unwrap().to_owned(), m["quantity"].as_i64().unwrap()))
        .collect();
    assert_eq!(held, BTreeMap::from([(leaflet.clone(), 22), (brochure.clone(), 8)]));
}

on_both_databases!(a_replayed_batch_and_the_same_batch_sent_twice_at_once_hand_out_once);
async fn a_replayed_batch_and_the_same_batch_sent_twice_at_once_hand_out_once(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let leaflet = app.material(&admin).await;
    let (volunteer, walker, route) = walker_on_a_route(&app, &coordinator, 4).await;
    app.movement(&admin, receipt(leaflet.as_str(), OWN_BRANCH, 100)).await.assert_status(201);
    app.movement(&coordinator, issue(leaflet.as_str(), &volunteer, 50)).await.assert_status(201);

    let batch: Vec<Value> = (0..4).map(|n| visit_with(stop(&route, n), &[(leaflet.as_str(), 3)])).collect();
    let path = format!("/api/v1/routes/{}/visits:batch", id(&route));
    let send = || app.post(&path).bearer(&walker.token).json(&json!({"visits": batch})).send();
    let at_once = join_all([send(), send()]).await;
    let created: u64 = at_once.iter().map(|res| res.assert_status(200).json()["created"].as_u64().unwrap()).sum();
    assert_eq!(created, 4, "the second copy finds the first's visits");
    let replay = send().await.assert_status(200).json();
    assert_eq!((replay["created"].as_u64(), replay["duplicates"].as_u64()), (Some(0), Some(4)), "{replay}");
    assert_eq!(replay["items"][0]["visit"]["materials"][0]["quantity"], 3, "a duplicate shows what it handed out");
    assert_eq!(replay["items"][0]["conflicting"], false);

    assert_eq!(holding(&app, &admin, &volunteer, &leaflet).await, 50 - 12, "debited once");
    let hand_outs =
        app.all_items(&admin, &format!("/api/v1/stock-movements?kind=hand_out&material_id={leaflet}")).await;
    assert_eq!(hand_outs.len(), 4);
    balances_match_the_ledger(&app, &admin, &leaflet).await;
    ledger_is_consistent(&app);
}

on_both_databases!(a_short_holding_refuses_only_its_item_naming_material_balance_and_quantity);
async fn a_short_holding_refuses_only_its_item_naming_material_balance_and_quantity(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let leaflet = app.material(&admin).await;
    let code = app.get(&format!("/api/v1/materials/{leaflet}")).bearer(&admin.token).send().await.json()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let (volunteer, walker, route) = walker_on_a_route(&app, &coordinator, 3).await;
    app.movement(&admin, receipt(leaflet.as_str(), OWN_BRANCH, 100)).await.assert_status(201);
    app.movement(&coordinator, issue(leaflet.as_str(), &volunteer, 5)).await.assert_status(201);

    let visits = [
        visit_with(stop(&route, 0), &[(leaflet.as_str(), 3)]),
        visit_with(stop(&route, 1), &[(leaflet.as_str(), 3)]),
        visit_with(stop(&route, 2), &[]),
    ];
    let result = sync(&app, &walker, &route, &visits).await;
    assert_eq!((result["created"].as_u64(), result["rejected"].as_u64()), (Some(2), Some(1)), "{result}");
    let refused = &result["items"][1];
    assert_eq!(refused["status"], "rejected");
    let error = &refused["errors"][0];
    assert_eq!(
        (error["field"].as_str(), error["code"].as_str()),
        (Some("materials[0].quantity"), Some("insufficient_stock"))
    );
    let message = error["message"].as_str().unwrap();
    for part in [code.as_str(), "balance 2", "asked 3"] {
        assert!(message.contains(part), "{message} should name {part}");
    }
    let stored = app.all_items(&admin, &format!("/api/v1/visits?route_id={}", id(&route))).await;
    assert_eq!(stored.len(), 2, "nothing of the refused item is stored");
    assert!(stored.iter().all(|v| v["id"] != visits[1]["id"]));
    assert_eq!(holding(&app, &admin, &volunteer, &leaflet).await, 2);
    assert_eq!(branch_stock(&app, &admin, OWN_BRANCH, &leaflet).await, 95, "never taken from the branch instead");

    // Once the volunteer carries enough, the same item goes through.
    app.movement(&coordinator, issue(leaflet.as_str(), &volunteer, 1)).await.assert_status(201);
    let again = sync(&app, &walker, &route, &visits).await;
    assert_eq!((again["created"].as_u64(), again["duplicates"].as_u64()), (Some(1), Some(2)), "{again}");
    assert_eq!(holding(&app, &admin, &volunteer, &leaflet).await, 0);
    balances_match_the_ledger(&app, &admin, &leaflet).await;
    ledger_is_consistent(&app);
}

on_both_databases!(a_visits_materials_follow_the_rules_of_a_list_and_agree_with_the_bare_total);
async fn a_visits_materials_follow_the_rules_of_a_list_and_agree_with_the_bare_total(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let leaflet = app.material(&admin).await;
    let (volunteer, walker, route) = walker_on_a_route(&app, &coordinator, 6).await;
    app.movement(&admin, receipt(leaflet.as_str(), OWN_BRANCH, 100)).await.assert_status(201);
    app.movement(&coordinator, issue(leaflet.as_str(), &volunteer, 50)).await.assert_status(201);

    let mut disagreeing = visit_with(stop(&route, 0), &[(leaflet.as_str(), 2)]);
    disagreeing["materials_left"] = json!(4);
    let mut agreeing = visit_with(stop(&route, 1), &[(leaflet.as_str(), 2)]);
    agreeing["materials_left"] = json!(2);
    let twice = visit_with(stop(&route, 2), &[(leaflet.as_str(), 1), (leaflet.as_str(), 1)]);
    let unknown = visit_with(stop(&route, 3), &[(uuid::Uuid::now_v7().to_string().as_str(), 1)]);
    let many: Vec<(String, i64)> = (0..21).map(|_| (uuid::Uuid::now_v7().to_string(), 1)).collect();
    let too_many = visit_with(stop(&route, 4), &many.iter().map(|(m, q)| (m.as_str(), *q)).collect::<Vec<_>>());
    let zero = visit_with(stop(&route, 5), &[(leaflet.as_str(), 0)]);
    let result = sync(&app, &walker, &route, &[disagreeing, agreeing, twice, unknown, too_many, zero]).await;
    let errors: Vec<(String, String)> = result["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| match item["errors"].get(0) {
            Some(error) => (error["field"].as_str().unwrap().to_owned(), error["code"].as_str().unwrap().to_owned()),
            None => (String::new(), item["status"].as_str().unwrap().to_owned()),
        })
        .collect();
    let expected = [
        ("materials_left", "inconsistent"),
        ("", "created"),
        ("materials[1].material_id", "duplicate"),
        ("materials[0].material_id", "unknown_material"),
        ("materials", "length"),
        ("materials[0].quantity", "range"),
    ];
    let expected: Vec<(String, String)> = expected.iter().map(|(f, c)| ((*f).to_owned(), (*c).to_owned())).collect();
    assert_eq!(errors, expected, "{result}");
    assert_eq!(holding(&app, &admin, &volunteer, &leaflet).await, 48);
}

on_both_databases!(a_staff_sync_hands_out_from_the_routes_branch);
async fn a_staff_sync_hands_out_from_the_routes_branch(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let leaflet = app.material(&admin).await;
    let (_, _, route) = walker_on_a_route(&app, &coordinator, 2).await;
    app.movement(&admin, receipt(leaflet.as_str(), OWN_BRANCH, 10)).await.assert_status(201);

    let visits =
        [visit_with(stop(&route, 0), &[(leaflet.as_str(), 4)]), visit_with(stop(&route, 1), &[(leaflet.as_str(), 7)])];
    let result = sync(&app, &coordinator, &route, &visits).await;
    assert_eq!((result["created"].as_u64(), result["rejected"].as_u64()), (Some(1), Some(1)), "{result}");
    assert!(result["items"][1]["errors"][0]["message"].as_str().unwrap().contains(&format!("branch {OWN_BRANCH}")));
    assert_eq!(branch_stock(&app, &admin, OWN_BRANCH, &leaflet).await, 6);
    balances_match_the_ledger(&app, &admin, &leaflet).await;
    ledger_is_consistent(&app);
}

/// The net quantity per material of a meeting's hand-outs, from the raw ledger rows.
async fn meeting_ledger(app: &TestApp, admin: &TestUser, meeting: &str) -> BTreeMap<String, i64> {
    let mut net = BTreeMap::new();
    for m in app.all_items(admin, "/api/v1/stock-movements?kind=hand_out").await {
        if m["meeting_id"] != meeting {
            continue;
        }
        let q = m["quantity"].as_i64().unwrap();
        *net.entry(m["material_id"].as_str().unwrap().to_owned()).or_insert(0) +=
            if m["reverses_id"].is_null() { q } else { -q };
    }
    net.retain(|_, q| *q != 0);
    net
}

on_both_databases!(a_meeting_report_filed_again_posts_only_the_difference);
async fn a_meeting_report_filed_again_posts_only_the_difference(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let (leaflet, brochure, booklet) =
        (app.material(&admin).await, app.material(&admin).await, app.material(&admin).await);
    for material in [&leaflet, &brochure, &booklet] {
        app.movement(&admin, receipt(material, OWN_BRANCH, 100)).await.assert_status(201);
    }
    let meeting = app.requested_meeting(&coordinator).await;
    let meeting = id(&meeting).to_owned();
    app.hold_meeting(&coordinator, &meeting).await;
    let items = |list: &[(&str, i64)]| -> Value {
        list.iter().map(|(m, q)| json!({"material_id": m, "quantity": q})).collect()
    };

    let first = json!({"attendance": 40, "materials": items(&[(leaflet.as_str(), 30), (brochure.as_str(), 10)])});
    let report = app.file_report(&coordinator, &meeting, first).await;
    assert_eq!(report["materials_handed_out"], 40);
    assert_eq!(report["materials"].as_array().unwrap().len(), 2);
    let second = json!({"attendance": 40, "materials_handed_out": 55, "materials": items(&[(leaflet.as_str(), 30), (brochure.as_str(), 5), (booklet.as_str(), 20)])});
    let report = app.file_report(&coordinator, &meeting, second).await;
    assert_eq!(report["materials_handed_out"], 55);

    let expected = BTreeMap::from([(leaflet.clone(), 30), (brochure.clone(), 5), (booklet.clone(), 20)]);
    assert_eq!(meeting_ledger(&app, &admin, &meeting).await, expected, "the ledger holds the latest report once");
    let leaflet_rows =
        app.all_items(&admin, &format!("/api/v1/stock-movements?kind=hand_out&material_id={leaflet}")).await;
    assert_eq!(leaflet_rows.len(), 1, "an unchanged material posts nothing");
    for (material, left) in [(leaflet.as_str(), 70), (brochure.as_str(), 95), (booklet.as_str(), 80)] {
        assert_eq!(balances_match_the_ledger(&app, &admin, material).await[&format!("branch:{OWN_BRANCH}")], left);
    }

    // A total that disagrees, or more than the branch holds, changes nothing.
    let wrong = json!({"attendance": 40, "materials_handed_out": 3, "materials": items(&[(leaflet.as_str(), 2)])});
    let problem = app
        .put(&format!("/api/v1/meetings/{meeting}/report"))
        .bearer(&coordinator.token)
        .json(&wrong)
        .send()
        .await
        .problem(422);
    assert_eq!(problem["errors"][0]["field"], "materials_handed_out");
    let greedy = json!({"attendance": 40, "materials": items(&[(leaflet.as_str(), 30), (brochure.as_str(), 200)])});
    let problem = app
        .put(&format!("/api/v1/meetings/{meeting}/report"))
        .bearer(&coordinator.token)
        .json(&greedy)
        .send()
        .await
        .problem(409);
    assert_eq!(
        (problem["errors"][0]["field"].as_str(), problem["code"].as_str()),
        (Some("materials[1].quantity"), Some("insufficient_stock"))
    );
    assert!(problem["detail"].as_str().unwrap().contains("balance 100, asked 200"), "{problem}");
    assert_eq!(meeting_ledger(&app, &admin, &meeting).await, expected);
    let stored = app.get(&format!("/api/v1/meetings/{meeting}/report")).bearer(&admin.token).send().await.json();
    assert_eq!(stored["materials_handed_out"], 55);

    // A report without materials hands nothing out.
    app.file_report(&coordinator, &meeting, json!({"attendance": 40, "materials_handed_out": 7})).await;
    assert!(meeting_ledger(&app, &admin, &meeting).await.is_empty());
    for material in [&leaflet, &brochure, &booklet] {
        assert_eq!(balances_match_the_ledger(&app, &admin, material).await[&format!("branch:{OWN_BRANCH}")], 100);
    }
    ledger_is_consistent(&app);
}

on_both_databases!(distributing_events_record_what_they_handed_out_once_per_key);
async fn distributing_events_record_what_they_handed_out_once_per_key(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let observer = app.user("observer", None).await;
    let leaflet = app.material(&admin).await;
    let volunteer = app.volunteer(&coordinator, OWN_BRANCH).await;
    app.movement(&admin, receipt(leaflet.as_str(), OWN_BRANCH, 100)).await.assert_status(201);
    app.movement(&coordinator, issue(leaflet.as_str(), &volunteer, 20)).await.assert_status(201);
    let stand = app.scheduled_event(&coordinator, OWN_BRANCH, "2027-03-01T05:00:00Z", "2027-03-01T09:00:00Z", 5).await;
    let path = format!("/api/v1/events/{}/materials", id(&stand));

    let by_volunteer = json!({"material_id": leaflet, "quantity": 15, "volunteer_id": volunteer["id"]});
    let send = |body: Value, key: &'static str| {
        let path = path.clone();
        let token = coordinator.token.clone();
        let app = &app;
        async move { app.post(&path).bearer(&token).header("idempotency-key", key).json(&body).send().await }
    };
    let first = send(by_volunteer.clone(), "stand-1").await;
    let first = first.assert_status(201).json();
    assert_eq!((first["kind"].as_str(), first["event_id"].as_str()), (Some("hand_out"), Some(id(&stand))));
    let retry = send(by_volunteer.clone(), "stand-1").await;
    assert_eq!(retry.assert_status(201).header("idempotent-replayed"), Some("true"));
    let problem = send(by_volunteer, "stand-2").await.problem(409);
    assert!(problem["detail"].as_str().unwrap().contains("balance 5, asked 15"), "{problem}");
    send(json!({"material_id": leaflet, "quantity": 30}), "stand-3").await.assert_status(201);

    assert_eq!(holding(&app, &admin, &volunteer, &leaflet).await, 5);
    assert_eq!(branch_stock(&app, &admin, OWN_BRANCH, &leaflet).await, 50);
    let listed = app.all_items(&coordinator, &path).await;
    assert_eq!(listed.iter().map(|m| m["quantity"].as_i64().unwrap()).collect::<Vec<_>>(), vec![15, 30]);
    let seen = app.all_items(&observer, &path).await;
    assert!(seen.iter().all(|m| m["volunteer_id"].is_null() && m["volunteer_name"].is_null()), "{seen:?}");

    let training = json!({"branch": OWN_BRANCH, "kind": "training", "title": "Training", "starts_at": "2027-03-02T05:00:00Z", "ends_at": "2027-03-02T09:00:00Z"});
    let training =
        app.post("/api/v1/events").bearer(&coordinator.token).json(&training).send().await.assert_status(201).json();
    let other = format!("/api/v1/events/{}/materials", id(&training));
    let problem =
        app.post(&other).bearer(&coordinator.token).json(&json!({"material_id": leaflet, "quantity": 1})).send().await;
    assert_eq!(problem.problem(409)["code"], "not_distributing");
    let stranger = app.volunteer(&admin, OTHER_BRANCH).await;
    let body = json!({"material_id": leaflet, "quantity": 1, "volunteer_id": stranger["id"]});
    let problem = app.post(&path).bearer(&coordinator.token).json(&body).send().await.problem(422);
    assert_eq!(problem["errors"][0]["code"], "unknown_volunteer");
    balances_match_the_ledger(&app, &admin, &leaflet).await;
    ledger_is_consistent(&app);
}

on_both_databases!(the_handed_out_report_sums_the_raw_rows_per_local_day_branch_and_material);
async fn the_handed_out_report_sums_the_raw_rows_per_local_day_branch_and_material(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let elsewhere = app.user("coordinator", Some(OTHER_BRANCH)).await;
    let observer = app.user("observer", None).await;
    let (leaflet, brochure) = (app.material(&admin).await, app.material(&admin).await);
    let (volunteer, walker, route) = walker_on_a_route(&app, &coordinator, 2).await;
    for (material, branch) in
        [(leaflet.as_str(), OWN_BRANCH), (brochure.as_str(), OWN_BRANCH), (leaflet.as_str(), OTHER_BRANCH)]
    {
        app.movement(&admin, receipt(material, branch, 100)).await.assert_status(201);
    }
    app.movement(&coordinator, issue(leaflet.as_str(), &volunteer, 30)).await.assert_status(201);
    let visits =
        [visit_with(stop(&route, 0), &[(leaflet.as_str(), 4)]), visit_with(stop(&route, 1), &[(leaflet.as_str(), 6)])];
    sync(&app, &walker, &route, &visits).await;
    let meeting = app.requested_meeting(&coordinator).await;
    app.hold_meeting(&coordinator, id(&meeting)).await;
    let report =
        |quantity: i64| json!({"attendance": 10, "materials": [{"material_id": brochure, "quantity": quantity}]});
    app.file_report(&coordinator, id(&meeting), report(9)).await;
    app.file_report(&coordinator, id(&meeting), report(5)).await;
    let stand = app.scheduled_event(&elsewhere, OTHER_BRANCH, "2027-03-01T05:00:00Z", "2027-03-01T09:00:00Z", 5).await;
    let body = json!({"material_id": leaflet, "quantity": 12});
    let path = format!("/api/v1/events/{}/materials", id(&stand));
    app.post(&path).bearer(&elsewhere.token).json(&body).send().await.assert_status(201);

    // The report recomputed from the raw hand-out rows, in the branches' zone.
    let zone = chrono_tz::Asia::Almaty;
    let mut expected: BTreeMap<(String, String, String), i64> = BTreeMap::new();
    for m in app.all_items(&admin, "/api/v1/stock-movements?kind=hand_out").await {
        let at: chrono::DateTime<chrono::Utc> = m["recorded_at"].as_str().unwrap().parse().unwrap();
        let offset = zone.offset_from_utc_datetime(&at.naive_utc()).fix();
        let day = at.with_timezone(&offset).date_naive().to_string();
        let q = m["quantity"].as_i64().unwrap();
        let key = (day, m["branch"].as_str().unwrap().to_owned(), m["material_id"].as_str().unwrap().to_owned());
        *expected.entry(key).or_insert(0) += if m["reverses_id"].is_null() { q } else { -q };
    }
    expected.retain(|_, q| *q != 0);
    let rows = |user: &TestUser, query: &str| {
        let path = format!("/api/v1/reports/materials-handed-out{query}");
        let token = user.token.clone();
        let app = &app;
        async move {
            // Pages of one row, so that every row comes through a cursor.
            let separator = if path.contains('?') { '&' } else { '?' };
            let mut served = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let page_path = match &cursor {
                    Some(cursor) => format!("{path}{separator}limit=1&cursor={cursor}"),
                    None => format!("{path}{separator}limit=1"),
                };
                let page = app.get(&page_path).bearer(&token).send().await.assert_status(200).json();
                served.extend(page["items"].as_array().unwrap().iter().cloned());
                match page["next_cursor"].as_str() {
                    Some(next) => cursor = Some(next.to_owned()),
                    None => break,
                }
            }
            let key =
                |row: &Value| ["day", "branch", "material_id"].map(|field| row[field].as_str().unwrap().to_owned());
            assert!(served.windows(2).all(|pair| key(&pair[0]) < key(&pair[1])), "in key order: {served:?}");
            served
                .iter()
                .map(|row| {
                    let key = (
                        row["day"].as_str().unwrap().to_owned(),
                        row["branch"].as_str().unwrap().to_owned(),
                        row["material_id"].as_str().unwrap().to_owned(),
                    );
                    (key, row["quantity"].as_i64().unwrap())
                })
                .collect::<BTreeMap<_, _>>()
        }
    };
    assert_eq!(rows(&admin, "").await, expected);
    assert_eq!(rows(&observer, "").await, expected);
    let own: BTreeMap<_, _> =
        expected.iter().filter(|(key, _)| key.1 == OWN_BRANCH).map(|(k, v)| (k.clone(), *v)).collect();
    assert_eq!(rows(&coordinator, "").await, own, "coordinators see their branch");
    assert!(rows(&coordinator, &format!("?branch={OTHER_BRANCH}")).await.is_empty());
    let today = expected.keys().next().unwrap().0.clone();
    let leaflets: BTreeMap<_, _> =
        expected.iter().filter(|(key, _)| key.2 == leaflet).map(|(k, v)| (k.clone(), *v)).collect();
    assert_eq!(rows(&admin, &format!("?material={leaflet}&from={today}&to={today}")).await, leaflets);
    assert!(rows(&admin, "?from=2020-01-01&to=2020-01-31").await.is_empty());
    assert_eq!(own.values().sum::<i64>(), 10 + 5);
    app.get("/api/v1/reports/materials-handed-out").bearer(&walker.token).send().await.problem(403);
    let problem =
        app.get("/api/v1/reports/materials-handed-out?from=2026-12-02&to=2026-12-01").bearer(&admin.token).send().await;
    assert_eq!(problem.problem(422)["errors"][0]["field"], "query.to");
}
