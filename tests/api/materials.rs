//! The catalogue of printed materials.

use serde_json::{Value, json};

use crate::factories::{OWN_BRANCH, TestUser};
use crate::helpers::TestApp;

/// A catalogue entry body with a code nobody has used.
pub fn material_body() -> Value {
    json!({
        "code": format!("L-{}", uuid::Uuid::now_v7().simple()), "title": {"kk": "Конституция туралы парақша", "ru": "Листовка о Конституции"}, "kind": "leaflet", "language": "kk_ru", "format": "A5", "pages": 2,
        "print_run": "ТД-2026/114",
    })
}

impl TestApp {
    /// A new material of the catalogue; returns its id.
    pub async fn material(&self, admin: &TestUser) -> String {
        let created = self.post("/api/v1/materials").bearer(&admin.token).json(&material_body()).send().await;
        created.assert_status(201).json()["id"].as_str().unwrap().to_owned()
    }
}

on_both_databases!(admins_keep_the_catalogue_and_everyone_signed_in_reads_it);
async fn admins_keep_the_catalogue_and_everyone_signed_in_reads_it(app: TestApp) {
    let admin = app.admin().await;
    let body = material_body();
    let created = app.post("/api/v1/materials").bearer(&admin.token).json(&body).send().await.assert_status(201).json();
    assert_eq!(created["title"]["kk"], "Конституция туралы парақша");
    assert_eq!(created["active"], true);
    assert_eq!(created["version"], 1);

    let duplicate = app.post("/api/v1/materials").bearer(&admin.token).json(&body).send().await.problem(409);
    assert_eq!(duplicate["errors"][0]["code"], "duplicate");
    assert_eq!(duplicate["existing_id"], created["id"]);

    let volunteer = app.user("volunteer", Some(OWN_BRANCH)).await;
    let id = created["id"].as_str().unwrap();
    let read = app.get(&format!("/api/v1/materials/{id}")).bearer(&volunteer.token).send().await;
    assert_eq!(read.assert_status(200).header("etag"), Some("\"1\""));
    assert_eq!(read.json(), created);
}

on_both_databases!(a_stale_if_match_does_not_change_a_material);
async fn a_stale_if_match_does_not_change_a_material(app: TestApp) {
    let admin = app.admin().await;
    let id = app.material(&admin).await;
    let path = format!("/api/v1/materials/{id}");
    let changed = app
        .patch(&path)
        .bearer(&admin.token)
        .header("if-match", "\"1\"")
        .json(&json!({"reorder_level": 500, "pages": null}))
        .send()
        .await;
    assert_eq!(changed.assert_status(200).header("etag"), Some("\"2\""));
    assert_eq!(changed.json()["reorder_level"], 500);
    assert_eq!(changed.json()["pages"], Value::Null);
    let stale = app.patch(&path).bearer(&admin.token).header("if-match", "\"1\"").json(&json!({"active": false}));
    stale.send().await.problem(412);
    assert_eq!(app.get(&path).bearer(&admin.token).send().await.json()["active"], true);
}

on_both_databases!(the_catalogue_lists_in_pages_and_syncs_by_updated_since);
async fn the_catalogue_lists_in_pages_and_syncs_by_updated_since(app: TestApp) {
    let admin = app.admin().await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(app.material(&admin).await);
    }
    let first = app.get("/api/v1/materials?limit=2").bearer(&admin.token).send().await.assert_status(200).json();
    let cursor = first["next_cursor"].as_str().unwrap();
    let second =
        app.get(&format!("/api/v1/materials?limit=2&cursor={cursor}")).bearer(&admin.token).send().await.json();
    let listed: Vec<&str> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ids.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(second["next_cursor"].is_null());

    let since =
        (chrono::Utc::now() - chrono::Duration::milliseconds(1)).to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let path = format!("/api/v1/materials/{}", ids[1]);
    app.patch(&path).bearer(&admin.token).json(&json!({"active": false})).send().await.assert_status(200);
    let changed = app.get(&format!("/api/v1/materials?updated_since={since}")).bearer(&admin.token).send().await.json();
    assert_eq!(changed["items"].as_array().unwrap().len(), 1, "{changed}");
    assert_eq!(changed["items"][0]["id"], ids[1].as_str());
    let inactive = app.get("/api/v1/materials?active=false").bearer(&admin.token).send().await.json();
    assert_eq!(inactive["items"].as_array().unwrap().len(), 1);
}
