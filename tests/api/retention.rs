//! Retention: volunteers past the retention period after polling day are
//! anonymised by `outreach retention --apply` (the service it runs), exactly
//! those; a dry run changes nothing.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use outreach::domain::retention::RetentionPolicy;
use outreach::service::retention;
use serde_json::Value;

use crate::factories::{OWN_BRANCH, TestUser, id};
use crate::helpers::TestApp;

fn updated_at(volunteer: &Value) -> NaiveDateTime {
    DateTime::parse_from_rfc3339(volunteer["updated_at"].as_str().unwrap()).unwrap().with_timezone(&Utc).naive_utc()
}

impl TestApp {
    async fn read_volunteer(&self, admin: &TestUser, volunteer: &Value) -> Value {
        let path = format!("/api/v1/volunteers/{}", id(volunteer));
        self.get(&path).bearer(&admin.token).send().await.assert_status(200).json()
    }
}

on_both_databases!(retention_anonymises_exactly_the_volunteers_past_the_period_and_a_dry_run_changes_nothing);
async fn retention_anonymises_exactly_the_volunteers_past_the_period_and_a_dry_run_changes_nothing(app: TestApp) {
    let admin = app.admin().await;
    // Three volunteers changed one after the other; the first has an account.
    let (first, first_user) = app.volunteer_user(&admin, OWN_BRANCH).await;
    let second = app.volunteer(&admin, OWN_BRANCH).await;
    let third = app.volunteer(&admin, OWN_BRANCH).await;
    let second = app.read_volunteer(&admin, &second).await;
    // On the day 180 days after the second volunteer's last change (polling day
    // long before), the first is past the period, the second just not.
    let policy = RetentionPolicy { polling_day: "2026-01-01".parse().unwrap(), days: 180 };
    let as_of = updated_at(&second) + TimeDelta::days(180);

    // Before polling day plus the period nobody is past it.
    let soon = RetentionPolicy { polling_day: Utc::now().date_naive(), days: 180 };
    let early = retention::run(&app.state.db, soon, Utc::now().naive_utc(), true).await.unwrap();
    assert_eq!(early.cutoff, None);
    assert!(early.volunteers.is_empty());

    let dry = retention::run(&app.state.db, policy, as_of, false).await.unwrap();
    assert_eq!(dry.volunteers.iter().map(|id| id.as_str()).collect::<Vec<_>>(), [id(&first)]);
    assert_eq!(dry.accounts_erased, 0);
    let unchanged = app.read_volunteer(&admin, &first).await;
    assert!(unchanged["full_name"].is_string(), "a dry run changes nothing: {unchanged}");
    assert!(unchanged["anonymised_at"].is_null());
    app.sign_in(&first_user.email, &first_user.password).await;

    let applied = retention::run(&app.state.db, policy, as_of, true).await.unwrap();
    assert_eq!(applied.volunteers, dry.volunteers);
    assert_eq!(applied.accounts_erased, 1);
    let anonymised = app.read_volunteer(&admin, &first).await;
    assert!(anonymised["anonymised_at"].is_string(), "{anonymised}");
    assert!(anonymised["full_name"].is_null() && anonymised["phone"].is_null(), "{anonymised}");
    assert_eq!(anonymised["status"], "left");
    assert_eq!(anonymised["branch"], OWN_BRANCH, "statistics stay");
    for kept in [&second, &third] {
        let kept = app.read_volunteer(&admin, kept).await;
        assert!(kept["anonymised_at"].is_null() && kept["full_name"].is_string(), "{kept}");
    }
    // The account's personal fields are gone: its email no longer signs in.
    let login = serde_json::json!({"email": first_user.email, "password": first_user.password});
    app.post("/api/v1/auth/login").json(&login).send().await.problem(401);
    let account = app.get(&format!("/api/v1/accounts/{}", first_user.id)).bearer(&admin.token).send().await;
    let account = account.assert_status(200).json();
    assert_ne!(account["email"], first_user.email.as_str());
    assert_eq!(account["active"], false);
    // Audited, by the server (no actor).
    let path = format!("/api/v1/audit?record_id={}", id(&first));
    let entries = app.get(&path).bearer(&admin.token).send().await.assert_status(200).json();
    let entry = entries["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["action"] == "volunteer_anonymised")
        .unwrap_or_else(|| panic!("no volunteer_anonymised entry: {entries}"));
    assert!(entry["actor_id"].is_null(), "{entry}");

    // A second run finds nobody left.
    let again = retention::run(&app.state.db, policy, as_of, true).await.unwrap();
    assert!(again.volunteers.is_empty(), "{again:?}");
}
