//! Ready-made callers and records, one line each.
#![allow(dead_code)]

use serde_json::{Value, json};

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};

pub const OWN_BRANCH: &str = "KZ-71";
pub const OTHER_BRANCH: &str = "KZ-75";

/// A signed-in account.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: String,
    pub email: String,
    pub password: String,
    pub token: String,
    pub refresh_token: String,
}

fn unique_email(role: &str) -> String {
    format!("{role}-{}@outreach.test", uuid::Uuid::now_v7().simple())
}

impl TestApp {
    /// Signs in; panics unless it succeeds.
    pub async fn sign_in(&self, email: &str, password: &str) -> Value {
        self.post("/api/v1/auth/login")
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .assert_status(200)
            .json()
    }

    pub async fn admin(&self) -> TestUser {
        let session = self.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let me = self.get("/api/v1/me").bearer(session["access_token"].as_str().unwrap()).send().await.json();
        TestUser {
            id: me["id"].as_str().unwrap().to_owned(),
            email: ADMIN_EMAIL.to_owned(),
            password: ADMIN_PASSWORD.to_owned(),
            token: session["access_token"].as_str().unwrap().to_owned(),
            refresh_token: session["refresh_token"].as_str().unwrap().to_owned(),
        }
    }

    /// Creates an account of `role` (in `branch` for coordinators and volunteers)
    /// with a known password, and signs it in.
    pub async fn user(&self, role: &str, branch: Option<&str>) -> TestUser {
        let admin = self.admin().await;
        self.user_created_by(&admin, role, branch).await
    }

    pub async fn user_created_by(&self, creator: &TestUser, role: &str, branch: Option<&str>) -> TestUser {
        let email = unique_email(role);
        let password = format!("password of {email}");
        let account = self
            .post("/api/v1/accounts")
            .bearer(&creator.token)
            .json(&json!({"email": email, "password": password, "role": role, "branch": branch}))
            .send()
            .await
            .assert_status(201)
            .json();
        let session = self.sign_in(&email, &password).await;
        TestUser {
            id: account["id"].as_str().unwrap().to_owned(),
            email,
            password,
            token: session["access_token"].as_str().unwrap().to_owned(),
            refresh_token: session["refresh_token"].as_str().unwrap().to_owned(),
        }
    }

    /// An account that is never signed in (a target of account operations).
    pub async fn account(&self, admin: &TestUser, role: &str, branch: Option<&str>) -> Value {
        self.post("/api/v1/accounts")
            .bearer(&admin.token)
            .json(&json!({"email": unique_email(role), "role": role, "branch": branch}))
            .send()
            .await
            .assert_status(201)
            .json()
    }
}

/// A Kazakh mobile number nobody has used yet in this process.
pub fn fresh_phone() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed) + (std::process::id() % 1000) * 10_000;
    format!("+7701{:07}", n % 10_000_000)
}

/// A client address nobody has used yet in this process.
pub fn fresh_address() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("198.51.{}.{}", n / 250 % 250, n % 250 + 1)
}

pub fn consent() -> Value {
    json!({"given_at": "2026-11-01T09:00:00Z", "text_version": "2026-10"})
}

impl TestApp {
    /// Records an active volunteer in `branch` as `staff`.
    pub async fn volunteer(&self, staff: &TestUser, branch: &str) -> Value {
        self.post("/api/v1/volunteers")
            .bearer(&staff.token)
            .json(
                &json!({"branch": branch, "full_name": "Test Volunteer", "phone": fresh_phone(), "consent": consent()}),
            )
            .send()
            .await
            .assert_status(201)
            .json()
    }

    /// Files a public application in `branch` and returns the applicant's id.
    pub async fn applicant(&self, branch: &str) -> String {
        // Each from its own address, so the per-address limit never gets in the way.
        let address = fresh_address();
        let receipt = self
            .post("/api/v1/volunteer-applications")
            .sent_from(&address)
            .json(&json!({"branch": branch, "full_name": "Жаңа Өтініш", "phone": fresh_phone(), "consent": consent()}))
            .send()
            .await
            .assert_status(202)
            .json();
        receipt["reference"].as_str().unwrap().to_owned()
    }
}

impl TestApp {
    /// An active volunteer of `branch` with an account linked to it, signed in.
    pub async fn volunteer_user(&self, staff: &TestUser, branch: &str) -> (Value, TestUser) {
        let volunteer = self.volunteer(staff, branch).await;
        let email = unique_email("volunteer");
        let password = format!("password of {email}");
        let body = json!({"email": email, "password": password, "role": "volunteer", "branch": branch, "volunteer_id": volunteer["id"]});
        let account =
            self.post("/api/v1/accounts").bearer(&staff.token).json(&body).send().await.assert_status(201).json();
        let session = self.sign_in(&email, &password).await;
        let user = TestUser {
            id: account["id"].as_str().unwrap().to_owned(),
            email,
            password,
            token: session["access_token"].as_str().unwrap().to_owned(),
            refresh_token: session["refresh_token"].as_str().unwrap().to_owned(),
        };
        (volunteer, user)
    }

    /// A scheduled event of `branch` from `starts` to `ends` with one shift over
    /// the whole span.
    pub async fn scheduled_event(
        &self,
        staff: &TestUser,
        branch: &str,
        starts: &str,
        ends: &str,
        capacity: i32,
    ) -> Value {
        let body = json!({
            "branch": branch, "kind": "street_stand", "title": "Street stand", "starts_at": starts, "ends_at": ends,
            "status": "scheduled", "shifts": [{"starts_at": starts, "ends_at": ends, "capacity": capacity}],
        });
        self.post("/api/v1/events").bearer(&staff.token).json(&body).send().await.assert_status(201).json()
    }
}

impl TestApp {
    /// A locality of `branch` (a village unless `kind` says otherwise).
    pub async fn locality(&self, staff: &TestUser, branch: &str, kind: &str) -> String {
        let body = json!({"branch": branch, "kind": kind, "name_kk": "Ауыл", "name_ru": "Село"});
        self.post("/api/v1/localities").bearer(&staff.token).json(&body).send().await.assert_status(201).json()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A route of `stops` stops in `locality`, assigned to `volunteers`.
    pub async fn route(&self, staff: &TestUser, locality: &str, stops: usize, volunteers: &[&str]) -> Value {
        let stops: Vec<Value> = (0..stops)
            .map(|n| json!({"street": "Абай даңғылы", "building": format!("{}", n + 1), "entrance": "1", "doors": 40}))
            .collect();
        let body = json!({"locality_id": locality, "name": "Маршрут", "stops": stops, "volunteer_ids": volunteers});
        self.post("/api/v1/routes").bearer(&staff.token).json(&body).send().await.assert_status(201).json()
    }
}

/// A well-formed visit of `stop` with a fresh client id.
pub fn visit(stop: &str) -> Value {
    json!({
        "id": uuid::Uuid::new_v4().to_string(), "stop_id": stop, "visited_at": (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339(),
        "doors_knocked": 10, "conversations": 4, "not_at_home": 5, "refused": 1, "materials_left": 6,
        "questions": ["voting_procedure"], "note": "Подъезд закрыт, код 12",
    })
}
