//! Rules over the whole spec: whatever a list documents, it honours.

use serde_json::{Value, json};

use crate::authorization::fresh_bin;
use crate::factories::{id, visit_every_stop};
use crate::helpers::TestApp;

on_both_databases!(every_list_that_documents_updated_since_honours_it);
async fn every_list_that_documents_updated_since_honours_it(app: TestApp) {
    let admin = app.admin().await;
    let coordinator = app.user("coordinator", Some("KZ-71")).await;
    // One record of every kind a list serves.
    let volunteer = app.volunteer(&coordinator, "KZ-71").await;
    let material = app.material(&admin).await;
    let receipt = json!({"kind": "receipt", "material_id": material, "branch": "KZ-71", "quantity": 5});
    app.movement(&admin, receipt).await.assert_status(201);
    let issue = json!({"kind": "issue", "material_id": material, "volunteer_id": volunteer["id"], "quantity": 2});
    app.movement(&coordinator, issue).await.assert_status(201);
    let poster = app.poster(&admin).await;
    app.receive(&admin, &poster, "KZ-71", 5).await;
    let locality = app.locality(&coordinator, "KZ-71", "village").await;
    let site = app.poster_site(&coordinator, "KZ-71", &locality, 2).await;
    app.placement(&coordinator, id(&site), &poster, 1).await;
    app.scheduled_event(&coordinator, "KZ-71", "2027-03-01T05:00:00Z", "2027-03-01T09:00:00Z", 2).await;
    app.requested_meeting(&coordinator).await;
    let (route, walker) = app.assigned_route(&coordinator, "KZ-71", 2).await;
    app.sync_visits(&walker, &route, &visit_every_stop(&route)).await;
    let union = json!({"name": "Sync union", "kind": "trade_union", "bin": fresh_bin()});
    app.post("/api/v1/member-organisations").bearer(&admin.token).json(&union).send().await.assert_status(201);
    let post = crate::social_posts::post_body("telegram", "2026-11-01T09:00:00Z");
    app.log_post(&coordinator, &post).await.assert_status(201);
    app.published_talking_point(&admin, &["constitution"]).await;
    let observer = app.account(&admin, "observer", None).await;
    let tokens = format!("/api/v1/accounts/{}/api-tokens", id(&observer));
    app.post(&tokens).bearer(&admin.token).json(&json!({"name": "sync"})).send().await.assert_status(201);
    // A webhook with one delivery (queued by the dispatcher's fan-out; nothing is sent here).
    let hook = json!({"url": "https://93.184.216.34/hook", "event_types": ["volunteer.created"]});
    let webhook = app.post("/api/v1/webhooks").bearer(&admin.token).json(&hook).send().await.assert_status(201).json();
    app.volunteer(&coordinator, "KZ-71").await;
    outreach::service::webhook_dispatcher::fan_out(&app.state.db).await.unwrap();

    let spec = app.get("/api-docs/openapi.json").send().await.json();
    let mut checked = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        let Some(parameters) = item["get"]["parameters"].as_array() else { continue };
        if !parameters.iter().any(|parameter| parameter["name"] == "updated_since") {
            continue;
        }
        let owner = if path.starts_with("/api/v1/webhooks/") { id(&webhook) } else { id(&observer) };
        let path = path.replace("{id}", owner);
        let items = |since: &'static str| {
            let url = format!("{path}?updated_since={since}");
            let (app, token) = (&app, admin.token.clone());
            async move {
                let page: Value = app.get(&url).bearer(&token).send().await.assert_status(200).json();
                page["items"].as_array().unwrap_or_else(|| panic!("{url} is a list: {page}")).len()
            }
        };
        assert!(items("2000-01-01T00:00:00Z").await > 0, "{path} lists what changed since 2000");
        assert_eq!(items("2100-01-01T00:00:00Z").await, 0, "{path} lists nothing changed since 2100");
        checked.push(path);
    }
    assert!(checked.len() >= 18, "{checked:?}");
}
