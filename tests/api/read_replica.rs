//! `DATABASE_READ_URL`: reports read the replica while it answers and the
//! primary when it does not. A second test database stands in for the replica,
//! so the test can tell which one answered.

use serde_json::Value;

use crate::factories::TestUser;
use crate::helpers::TestApp;

async fn organisations_in_coverage(app: &TestApp, reader: &TestUser) -> i64 {
    let coverage: Value =
        app.get("/api/v1/meeting-coverage?branch=KZ-71").bearer(&reader.token).send().await.assert_status(200).json();
    coverage["organisations"].as_i64().unwrap()
}

#[actix_web::test]
async fn postgres_reports_read_the_replica_and_fall_back_to_the_primary_when_it_is_down() {
    // The "replica": a database of its own, written to directly below.
    let Some(replica) = TestApp::postgres().await else { return };
    let replica_url = replica.state.config.database_url.clone();
    let app = TestApp::postgres_with(|config| config.database_read_url = Some(replica_url)).await.unwrap();
    let coordinator = app.user("coordinator", Some("KZ-71")).await;

    app.organisation(&coordinator, "041140001239", 200).await;
    assert_eq!(organisations_in_coverage(&app, &coordinator).await, 0, "the report reads the replica, not the primary");
    let replica_coordinator = replica.user("coordinator", Some("KZ-71")).await;
    replica.organisation(&replica_coordinator, "041140001239", 200).await;
    replica.organisation(&replica_coordinator, "050240002349", 30).await;
    assert_eq!(organisations_in_coverage(&app, &coordinator).await, 2, "what the replica holds");
    // Lists and single reads stay on the primary.
    let list: Value =
        app.get("/api/v1/organisations?branch=KZ-71").bearer(&coordinator.token).send().await.assert_status(200).json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    // A replica that cannot be reached, at start and after: the primary answers.
    let down = TestApp::postgres_with(|config| {
        config.database_read_url = Some("postgres://postgres@127.0.0.1:1/nowhere".parse().unwrap());
    })
    .await
    .unwrap();
    let coordinator = down.user("coordinator", Some("KZ-71")).await;
    down.organisation(&coordinator, "041140001239", 200).await;
    for _ in 0..3 {
        assert_eq!(organisations_in_coverage(&down, &coordinator).await, 1, "the primary answers");
    }
}
