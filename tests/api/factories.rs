//! Ready-made callers and records, one line each.
#![allow(dead_code)]

use serde_json::{Value, json};

use actix_web::web::Bytes;

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, TestResponse};

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
        let body = json!({"branch": branch, "kind": kind, "name": {"kk": "Ауыл", "ru": "Село"}});
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

/// The `id` of a created record.
pub fn id(record: &Value) -> &str {
    record["id"].as_str().unwrap()
}

/// The id of the `index`th shift of an event.
pub fn shift_id(event: &Value, index: usize) -> String {
    event["shifts"][index]["id"].as_str().unwrap().to_owned()
}

impl TestApp {
    /// Pauses an active volunteer (which frees their places and routes to come).
    pub async fn pause(&self, staff: &TestUser, volunteer: &Value) {
        self.patch(&format!("/api/v1/volunteers/{}", id(volunteer)))
            .bearer(&staff.token)
            .json(&json!({"status": "paused"}))
            .send()
            .await
            .assert_status(200);
    }

    /// "Агитпалатка на Байтереке" in `staff`'s branch: scheduled, 1 to 14 March 2027,
    /// one shift a day 10:00-14:00 Astana time with `capacity` places.
    pub async fn street_stand_series(&self, staff: &TestUser, capacity: i32) -> Value {
        let event = self.post("/api/v1/events").bearer(&staff.token).json(&json!({
            "kind": "street_stand", "title": "Агитпалатка на Байтереке", "venue": "Бәйтерек", "address": "Астана, Нұржол бульвары",
            "starts_at": "2027-03-01T00:00:00Z", "ends_at": "2027-03-15T00:00:00Z",
        })).send().await.assert_status(201).json();
        let event = self
            .post(&format!("/api/v1/events/{}/shifts/series", id(&event)))
            .bearer(&staff.token)
            .json(&json!({
                "from_date": "2027-03-01", "to_date": "2027-03-14", "start_time": "10:00", "end_time": "14:00", "capacity": capacity,
            }))
            .send()
            .await
            .assert_status(201)
            .json()["event"]
            .clone();
        self.set_event_status(staff, &event, json!({"status": "scheduled"})).await;
        event
    }

    /// Moves an event to the status in `body`; panics unless it succeeds.
    pub async fn set_event_status(&self, staff: &TestUser, event: &Value, body: Value) {
        self.post(&format!("/api/v1/events/{}/status", id(event)))
            .bearer(&staff.token)
            .json(&body)
            .send()
            .await
            .assert_status(200);
    }

    /// A volunteer with an account signs themselves up for `shift`; returns the assignment.
    pub async fn sign_up(&self, user: &TestUser, shift: &str) -> Value {
        self.post(&format!("/api/v1/shifts/{shift}/signups"))
            .bearer(&user.token)
            .json(&json!({}))
            .send()
            .await
            .assert_status(201)
            .json()
    }

    /// Staff sign `volunteer` up for `shift`; returns the assignment.
    pub async fn sign_up_volunteer(&self, staff: &TestUser, shift: &str, volunteer: &Value) -> Value {
        self.post(&format!("/api/v1/shifts/{shift}/signups"))
            .bearer(&staff.token)
            .json(&json!({"volunteer_id": volunteer["id"]}))
            .send()
            .await
            .assert_status(201)
            .json()
    }

    /// The assignments of `shift`, as staff see them.
    pub async fn signups(&self, staff: &TestUser, shift: &str) -> Vec<Value> {
        let list = self.get(&format!("/api/v1/shifts/{shift}/signups")).bearer(&staff.token).send().await;
        list.assert_status(200).json()["items"].as_array().unwrap().clone()
    }
}

impl TestApp {
    /// A route of `stops` stops in a new village of `staff`'s branch, assigned to a new
    /// volunteer who is signed in as the returned walker.
    pub async fn assigned_route(&self, staff: &TestUser, branch: &str, stops: usize) -> (Value, TestUser) {
        let village = self.locality(staff, branch, "village").await;
        let (volunteer, walker) = self.volunteer_user(staff, branch).await;
        (self.route(staff, &village, stops, &[id(&volunteer)]).await, walker)
    }

    /// Syncs `visits` of `route` as `walker`; returns the batch result.
    pub async fn sync_visits(&self, walker: &TestUser, route: &Value, visits: &[Value]) -> Value {
        self.post(&format!("/api/v1/routes/{}/visits:batch", id(route)))
            .bearer(&walker.token)
            .json(&json!({"visits": visits}))
            .send()
            .await
            .assert_status(200)
            .json()
    }
}

/// A well-formed visit of each stop of `route`.
pub fn visit_every_stop(route: &Value) -> Vec<Value> {
    route["stops"].as_array().unwrap().iter().map(|stop| visit(stop["id"].as_str().unwrap())).collect()
}

impl TestApp {
    /// A member organisation of `staff`'s branch with `employees` employees and a contact.
    pub async fn organisation(&self, staff: &TestUser, bin: &str, employees: i32) -> Value {
        let body = json!({
            "name": {"kk": "Қарағанды көмір", "ru": "Карагандинский уголь"}, "bin": bin, "sector": "mining",
            "employee_count": employees, "contact_name": "Серік Ахметов", "contact_phone": "8 701 555 44 33",
        });
        self.post("/api/v1/organisations").bearer(&staff.token).json(&body).send().await.assert_status(201).json()
    }

    /// A requested meeting with the work collective of `organisation`, proposed from `starts` to `ends`.
    pub async fn meeting(&self, staff: &TestUser, organisation: &Value, starts: &str, ends: &str) -> Value {
        let body = json!({"kind": "work_collective_meeting", "organisation_id": organisation["id"], "title": "Встреча с коллективом",
                          "venue": "Актовый зал", "proposed_starts_at": starts, "proposed_ends_at": ends});
        self.post("/api/v1/meetings").bearer(&staff.token).json(&body).send().await.assert_status(201).json()
    }

    /// Moves a meeting to the status in `body`; returns the meeting.
    pub async fn set_meeting_status(&self, staff: &TestUser, meeting: &str, body: Value) -> Value {
        let res =
            self.post(&format!("/api/v1/meetings/{meeting}/status")).bearer(&staff.token).json(&body).send().await;
        res.assert_status(200).json()
    }

    /// Agrees a meeting at its proposed time and marks it held.
    pub async fn hold_meeting(&self, staff: &TestUser, meeting: &str) {
        self.set_meeting_status(staff, meeting, json!({"status": "agreed"})).await;
        self.set_meeting_status(staff, meeting, json!({"status": "held"})).await;
    }

    /// Books a volunteer as a speaker of `meeting`; returns the meeting.
    pub async fn add_speaker(&self, staff: &TestUser, meeting: &str, volunteer: &Value) -> Value {
        self.post(&format!("/api/v1/meetings/{meeting}/speakers"))
            .bearer(&staff.token)
            .json(&json!({"volunteer_id": volunteer["id"], "role": "speaker"}))
            .send()
            .await
            .assert_status(201)
            .json()
    }
}

impl TestApp {
    /// Files (or corrects) the report of a held meeting; returns the report.
    pub async fn file_report(&self, staff: &TestUser, meeting: &str, report: Value) -> Value {
        self.put(&format!("/api/v1/meetings/{meeting}/report"))
            .bearer(&staff.token)
            .json(&report)
            .send()
            .await
            .assert_status(200)
            .json()
    }
}

impl TestApp {
    /// Sends a public application from one fixed address with an idempotency key.
    pub async fn apply_with_key(&self, form: &Value, key: &str) -> TestResponse {
        self.post("/api/v1/volunteer-applications")
            .sent_from("203.0.113.5")
            .header("idempotency-key", key)
            .json(form)
            .send()
            .await
    }

    /// Imports volunteers from `csv` (only checked when `dry_run`).
    pub async fn import_volunteers(&self, staff: &TestUser, csv: impl Into<Bytes>, dry_run: bool) -> TestResponse {
        self.post(&format!("/api/v1/volunteers/import?dry_run={dry_run}"))
            .bearer(&staff.token)
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .await
    }
}

/// A report of 85 attending with three questions (two on the voting procedure) and two
/// open follow-ups, one of them overdue.
pub fn meeting_report() -> Value {
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).date_naive().to_string();
    json!({
        "attendance": 85, "materials_handed_out": 150, "notes": "Много вопросов о процедуре",
        "questions": [{"topic": "voting_procedure", "text": "Где мой участок?"}, {"topic": "voting_procedure"}, {"topic": "economy", "text": "Зарплаты"}],
        "follow_ups": [{"what": "Прислать памятку", "owner": "Штаб", "due_date": yesterday}, {"what": "Вторая встреча", "owner": "Филиал", "due_date": "2099-01-01"}],
    })
}

impl TestApp {
    /// A requested meeting on 10 February 2027 with the work collective of a new
    /// organisation of 120 employees in `staff`'s branch.
    pub async fn requested_meeting(&self, staff: &TestUser) -> Value {
        let org = self.organisation(staff, "041140001239", 120).await;
        self.meeting(staff, &org, "2027-02-10T06:00:00Z", "2027-02-10T07:00:00Z").await
    }

    /// A [`TestApp::requested_meeting`] with a volunteer of `branch` as its speaker, signed in.
    pub async fn meeting_with_a_speaker(&self, staff: &TestUser, branch: &str) -> (Value, TestUser) {
        let meeting = self.requested_meeting(staff).await;
        let (speaker, speaker_user) = self.volunteer_user(staff, branch).await;
        self.add_speaker(staff, id(&meeting), &speaker).await;
        (meeting, speaker_user)
    }

    /// A held meeting with `organisation` whose [`meeting_report`] counts 90 attending; returns its id.
    pub async fn reported_meeting(&self, staff: &TestUser, organisation: &Value) -> String {
        let meeting = self.meeting(staff, organisation, "2027-02-10T06:00:00Z", "2027-02-10T07:00:00Z").await;
        self.hold_meeting(staff, id(&meeting)).await;
        let mut report = meeting_report();
        report["attendance"] = json!(90);
        self.file_report(staff, id(&meeting), report).await;
        id(&meeting).to_owned()
    }
}
