//! Webhooks end to end: subscriptions through the API, the dispatcher sending
//! over real HTTP to a receiver on a loopback port, signatures checked the way
//! a receiver would (Standard Webhooks), retries, restarts, two instances on one
//! database, disabling, and the SSRF rule.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use outreach::config::Config;
use outreach::service::webhook_dispatcher::{Dispatcher, Settings};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::factories::{OWN_BRANCH, TestUser};
use crate::helpers::TestApp;

/// Fast retries and polls, and loopback targets allowed (the receiver is local).
fn fast_webhooks(config: &mut Config) {
    config.webhook_allow_loopback = true;
    config.webhook_poll_interval_ms = 20;
    config.webhook_retry_base_ms = 50;
    config.webhook_retry_max_ms = 200;
    config.webhook_timeout_secs = 5;
    config.webhook_max_attempts = 5;
    config.webhook_disable_after = 2;
}

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    id: String,
    timestamp: String,
    signature: String,
    body: String,
    /// What the receiver answered.
    status: u16,
}

/// An HTTP server on a loopback port that records every webhook request and
/// fails the first `failures` of them (all while `failures` is negative).
struct Receiver {
    addr: std::net::SocketAddr,
    log: Arc<Mutex<Vec<Received>>>,
    failures: Arc<AtomicI64>,
    handle: actix_web::dev::ServerHandle,
}

#[derive(Clone)]
struct ReceiverState {
    log: Arc<Mutex<Vec<Received>>>,
    failures: Arc<AtomicI64>,
}

async fn receive(req: HttpRequest, body: web::Bytes, state: web::Data<ReceiverState>) -> HttpResponse {
    let header =
        |name: &str| req.headers().get(name).and_then(|value| value.to_str().ok()).unwrap_or_default().to_owned();
    let left = state.failures.load(Ordering::SeqCst);
    let status = if left == 0 {
        200
    } else {
        if left > 0 {
            state.failures.fetch_sub(1, Ordering::SeqCst);
        }
        500
    };
    state.log.lock().unwrap().push(Received {
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        body: String::from_utf8_lossy(&body).into_owned(),
        status,
    });
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).finish()
}

impl Receiver {
    fn start(failures: i64) -> Self {
        let state = ReceiverState { log: Arc::default(), failures: Arc::new(AtomicI64::new(failures)) };
        let (log, failures) = (state.log.clone(), state.failures.clone());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = HttpServer::new(move || {
            App::new().app_data(web::Data::new(state.clone())).route("/hook", web::post().to(receive))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Self { addr, log, failures, handle }
    }

    fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    fn received(&self) -> Vec<Received> {
        self.log.lock().unwrap().clone()
    }

    fn succeed_from_now(&self) {
        self.failures.store(0, Ordering::SeqCst);
    }

    /// Waits (up to 30 s) until what was received satisfies `done`.
    async fn wait_for(&self, what: &str, done: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        for _ in 0..1200 {
            let received = self.received();
            if done(&received) {
                return received;
            }
            actix_web::rt::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("timed out waiting for {what}; received {:?}", self.received());
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        actix_web::rt::spawn(async move { handle.stop(false).await });
    }
}

fn settings(app: &TestApp) -> Settings {
    Settings::from(&*app.state.config)
}

/// Stops `dispatcher` off the async worker (stopping waits for its thread).
async fn stop(dispatcher: Dispatcher) {
    web::block(move || dispatcher.stop()).await.unwrap();
}

async fn subscribe(app: &TestApp, admin: &TestUser, url: &str, events: &[&str]) -> Value {
    app.post("/api/v1/webhooks")
        .bearer(&admin.token)
        .json(&json!({"url": url, "event_types": events, "description": "test receiver"}))
        .send()
        .await
        .assert_status(201)
        .json()
}

/// An admin, a receiver that fails its first `failures` deliveries (-1: every
/// one), and a subscription of it to `volunteer.created`.
async fn volunteer_created_hook(app: &TestApp, failures: i64) -> (TestUser, Receiver, Value) {
    let admin = app.admin().await;
    let receiver = Receiver::start(failures);
    let webhook = subscribe(app, &admin, &receiver.url(), &["volunteer.created"]).await;
    (admin, receiver, webhook)
}

async fn deliveries(app: &TestApp, admin: &TestUser, webhook: &Value) -> Vec<Value> {
    let path = format!("/api/v1/webhooks/{}/deliveries", webhook["id"].as_str().unwrap());
    let page = app.get(&path).bearer(&admin.token).send().await.assert_status(200).json();
    page["items"].as_array().unwrap().clone()
}

/// Waits (up to 30 s) until the webhook's deliveries satisfy `done`.
async fn wait_for_deliveries(
    app: &TestApp,
    admin: &TestUser,
    webhook: &Value,
    done: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    for _ in 0..600 {
        let items = deliveries(app, admin, webhook).await;
        if done(&items) {
            return items;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out; deliveries: {:?}", deliveries(app, admin, webhook).await);
}

/// The Standard Webhooks verification, written from the specification and not
/// with the server's code: HMAC-SHA256 over `{id}.{timestamp}.{body}` with the
/// base64-decoded part of the secret after `whsec_`; any of the space-separated
/// `v1,` signatures may match.
fn verify(secret: &str, received: &Received) {
    let key = STANDARD.decode(secret.strip_prefix("whsec_").expect("a whsec_ secret")).unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.{}", received.id, received.timestamp, received.body).as_bytes());
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    assert!(
        received.signature.split(' ').any(|signature| signature == expected),
        "signature {} is not {expected}",
        received.signature
    );
    let sent_at: i64 = received.timestamp.parse().unwrap();
    assert!((chrono::Utc::now().timestamp() - sent_at).abs() < 300, "timestamp {sent_at} is not now");
}

on_both_databases!(deliveries_are_signed_after_standard_webhooks, configured by fast_webhooks);
async fn deliveries_are_signed_after_standard_webhooks(app: TestApp) {
    let (admin, receiver, webhook) = volunteer_created_hook(&app, 0).await;
    let secret = webhook["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"), "{webhook}");
    let dispatcher = Dispatcher::start(app.state.db.clone(), settings(&app)).unwrap();
    let volunteer = app.volunteer(&admin, OWN_BRANCH).await;

    let received = receiver.wait_for("one delivery", |received| !received.is_empty()).await;
    let message = &received[0];
    verify(secret, message);
    let body: Value = serde_json::from_str(&message.body).unwrap();
    assert_eq!(body["type"], "volunteer.created");
    assert_eq!(body["data"]["resource_type"], "volunteer");
    assert_eq!(body["data"]["operation"], "create");
    assert_eq!(body["data"]["id"], volunteer["id"]);
    assert!(body["timestamp"].as_str().unwrap().ends_with('Z'), "{body}");

    let log =
        wait_for_deliveries(&app, &admin, &webhook, |items| items.iter().any(|d| d["status"] == "succeeded")).await;
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["id"].as_str(), Some(message.id.as_str()));
    assert_eq!(log[0]["attempts"], 1);
    assert_eq!(log[0]["last_response_code"], 200);
    assert_eq!(log[0]["event_type"], "volunteer.created");
    stop(dispatcher).await;
    // The secret is shown once: reads never carry it.
    let read =
        app.get(&format!("/api/v1/webhooks/{}", webhook["id"].as_str().unwrap())).bearer(&admin.token).send().await;
    assert!(read.assert_status(200).json().get("secret").is_none());
}

on_both_databases!(a_receiver_that_fails_three_times_gets_the_delivery, configured by fast_webhooks);
async fn a_receiver_that_fails_three_times_gets_the_delivery(app: TestApp) {
    let (admin, receiver, webhook) = volunteer_created_hook(&app, 3).await;
    let dispatcher = Dispatcher::start(app.state.db.clone(), settings(&app)).unwrap();
    app.volunteer(&admin, OWN_BRANCH).await;

    let received = receiver.wait_for("a successful attempt", |received| received.iter().any(|r| r.status == 200)).await;
    assert_eq!(received.iter().map(|r| r.status).collect::<Vec<_>>(), [500, 500, 500, 200]);
    assert!(received.iter().all(|r| r.id == received[0].id), "one webhook-id for every attempt");
    let log =
        wait_for_deliveries(&app, &admin, &webhook, |items| items.iter().any(|d| d["status"] == "succeeded")).await;
    assert_eq!(log[0]["attempts"], 4);
    assert_eq!(log[0]["last_error"], Value::Null);
    stop(dispatcher).await;
}

on_both_databases!(a_restart_mid_retry_delivers, configured by fast_webhooks);
async fn a_restart_mid_retry_delivers(app: TestApp) {
    let (admin, receiver, webhook) = volunteer_created_hook(&app, -1).await;
    // Slow retries, so the process stops while the delivery waits for its next attempt.
    let slow = Settings { retry_base_ms: 1500, retry_max_ms: 1500, ..settings(&app) };
    let first = Dispatcher::start(app.state.db.clone(), slow).unwrap();
    app.volunteer(&admin, OWN_BRANCH).await;
    receiver.wait_for("a failed attempt", |received| !received.is_empty()).await;
    stop(first).await;
    let log = deliveries(&app, &admin, &webhook).await;
    assert_eq!(log[0]["status"], "pending", "{log:?}");
    assert!(log[0]["next_attempt_at"].is_string(), "{log:?}");

    receiver.succeed_from_now();
    let restarted = app.another_instance().await;
    let second = Dispatcher::start(restarted.db.clone(), Settings::from(&*restarted.config)).unwrap();
    let received = receiver.wait_for("the delivery", |received| received.iter().any(|r| r.status == 200)).await;
    assert!(received.iter().all(|r| r.id == received[0].id), "{received:?}");
    wait_for_deliveries(&app, &admin, &webhook, |items| items[0]["status"] == "succeeded").await;
    stop(second).await;
}

on_both_databases!(two_instances_deliver_each_event_once, configured by fast_webhooks);
async fn two_instances_deliver_each_event_once(app: TestApp) {
    let admin = app.admin().await;
    let receiver = Receiver::start(0);
    subscribe(&app, &admin, &receiver.url(), &["volunteer.created"]).await;
    let other = app.another_instance().await;
    const EVENTS: usize = 12;
    // Half queued before the instances start, so both find them due at once;
    // half while both run.
    for _ in 0..EVENTS / 2 {
        app.volunteer(&admin, OWN_BRANCH).await;
    }
    let dispatchers = [
        Dispatcher::start(app.state.db.clone(), settings(&app)).unwrap(),
        Dispatcher::start(other.db.clone(), Settings::from(&*other.config)).unwrap(),
    ];
    for _ in 0..EVENTS / 2 {
        app.volunteer(&admin, OWN_BRANCH).await;
    }
    receiver.wait_for("every event", |received| received.len() >= EVENTS).await;
    // Time for a second send of anything, had there been one.
    actix_web::rt::time::sleep(Duration::from_millis(500)).await;
    let received = receiver.received();
    let mut ids: Vec<&str> = received.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!((received.len(), ids.len()), (EVENTS, EVENTS), "{received:?}");
    for dispatcher in dispatchers {
        stop(dispatcher).await;
    }
}

on_both_databases!(a_subscription_that_keeps_failing_is_disabled_and_audited, configured by fast_webhooks);
async fn a_subscription_that_keeps_failing_is_disabled_and_audited(app: TestApp) {
    let (admin, receiver, webhook) = volunteer_created_hook(&app, -1).await;
    let id = webhook["id"].as_str().unwrap();
    // Two attempts per delivery; two failed deliveries in a row turn it off.
    let dispatcher = Dispatcher::start(app.state.db.clone(), Settings { max_attempts: 2, ..settings(&app) }).unwrap();
    app.volunteer(&admin, OWN_BRANCH).await;
    app.volunteer(&admin, OWN_BRANCH).await;

    let mut state = Value::Null;
    for _ in 0..600 {
        state = app.get(&format!("/api/v1/webhooks/{id}")).bearer(&admin.token).send().await.json();
        if state["active"] == false {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(state["active"], false, "{state}");
    assert_eq!(state["consecutive_failures"], 2, "{state}");
    assert!(state["disabled_reason"].as_str().unwrap().contains("in a row"), "{state}");
    let log = deliveries(&app, &admin, &webhook).await;
    assert!(log.iter().all(|d| d["status"] == "failed" && d["attempts"] == 2), "{log:?}");
    assert_eq!(receiver.received().len(), 4);

    let audit = app
        .get(&format!("/api/v1/audit?action=webhook_disabled&record_id={id}"))
        .bearer(&admin.token)
        .send()
        .await
        .assert_status(200)
        .json();
    let entries = audit["items"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{audit}");
    assert_eq!(entries[0]["record_type"], "webhook");

    // A disabled subscription gets nothing more; turned back on, it does again.
    app.volunteer(&admin, OWN_BRANCH).await;
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 4);
    receiver.succeed_from_now();
    let reactivated = app
        .patch(&format!("/api/v1/webhooks/{id}"))
        .bearer(&admin.token)
        .json(&json!({"active": true}))
        .send()
        .await
        .assert_status(200)
        .json();
    assert_eq!(
        (reactivated["consecutive_failures"].as_i64(), reactivated["disabled_reason"].is_null()),
        (Some(0), true)
    );
    app.volunteer(&admin, OWN_BRANCH).await;
    receiver.wait_for("a delivery after reactivation", |received| received.iter().any(|r| r.status == 200)).await;
    stop(dispatcher).await;
}

on_both_databases!(a_delivery_can_be_sent_again, configured by fast_webhooks);
async fn a_delivery_can_be_sent_again(app: TestApp) {
    let (admin, receiver, webhook) = volunteer_created_hook(&app, 0).await;
    let dispatcher = Dispatcher::start(app.state.db.clone(), settings(&app)).unwrap();
    app.volunteer(&admin, OWN_BRANCH).await;
    let log =
        wait_for_deliveries(&app, &admin, &webhook, |items| items.iter().any(|d| d["status"] == "succeeded")).await;
    let path = format!(
        "/api/v1/webhooks/{}/deliveries/{}/redeliver",
        webhook["id"].as_str().unwrap(),
        log[0]["id"].as_str().unwrap()
    );
    let again = app.post(&path).bearer(&admin.token).send().await.assert_status(202).json();
    assert_eq!((again["status"].as_str(), again["attempts"].as_i64()), (Some("pending"), Some(0)));
    let received = receiver.wait_for("the second send", |received| received.len() == 2).await;
    assert_eq!(received[0].id, received[1].id, "the same webhook-id, for receivers to deduplicate");
    stop(dispatcher).await;
    let missing =
        format!("/api/v1/webhooks/{}/deliveries/{}/redeliver", webhook["id"].as_str().unwrap(), uuid::Uuid::now_v7());
    app.post(&missing).bearer(&admin.token).send().await.problem(404);
}

on_both_databases!(finer_events_name_what_happened, configured by fast_webhooks);
async fn finer_events_name_what_happened(app: TestApp) {
    let admin = app.admin().await;
    let receiver = Receiver::start(0);
    subscribe(&app, &admin, &receiver.url(), &["meeting.held", "visit.batch_synced"]).await;
    let dispatcher = Dispatcher::start(app.state.db.clone(), settings(&app)).unwrap();
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let meeting = app.requested_meeting(&coordinator).await;
    let meeting_id = meeting["id"].as_str().unwrap();
    app.hold_meeting(&coordinator, meeting_id).await;
    let (route, walker) = app.assigned_route(&coordinator, OWN_BRANCH, 2).await;
    app.sync_visits(&walker, &route, &crate::factories::visit_every_stop(&route)).await;

    let received = receiver.wait_for("two events", |received| received.len() >= 2).await;
    actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    let types: Vec<Value> = receiver
        .received()
        .iter()
        .map(|r| serde_json::from_str::<Value>(&r.body).unwrap())
        .map(|body| json!([body["type"], body["data"]["id"]]))
        .collect();
    assert_eq!(received.len(), 2, "{types:?}");
    assert!(types.contains(&json!(["meeting.held", meeting_id])), "{types:?}");
    assert!(types.contains(&json!(["visit.batch_synced", route["id"]])), "{types:?}");
    stop(dispatcher).await;
}

on_both_databases!(sign_ups_and_cancellations_are_sent_as_assignment_events, configured by fast_webhooks);
async fn sign_ups_and_cancellations_are_sent_as_assignment_events(app: TestApp) {
    let admin = app.admin().await;
    let receiver = Receiver::start(0);
    let assignment_events = ["assignment.created", "assignment.updated", "assignment.cancelled"];
    let webhook = subscribe(&app, &admin, &receiver.url(), &assignment_events).await;
    let secret = webhook["secret"].as_str().unwrap();
    let dispatcher = Dispatcher::start(app.state.db.clone(), settings(&app)).unwrap();
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    // One place: the first signs up, the second waits; the first's
    // cancellation promotes the second.
    let event = app.scheduled_event(&coordinator, OWN_BRANCH, "2027-04-01T09:00:00Z", "2027-04-01T12:00:00Z", 1).await;
    let shift = crate::factories::shift_id(&event, 0);
    let first = app.volunteer(&coordinator, OWN_BRANCH).await;
    let second = app.volunteer(&coordinator, OWN_BRANCH).await;
    let placed = app.sign_up_volunteer(&coordinator, &shift, &first).await;
    let waiting = app.sign_up_volunteer(&coordinator, &shift, &second).await;
    app.post(&format!("/api/v1/assignments/{}/cancel", placed["id"].as_str().unwrap()))
        .bearer(&coordinator.token)
        .send()
        .await
        .assert_status(200);

    let received = receiver.wait_for("four events", |received| received.len() >= 4).await;
    // Time for anything more (an `event.updated` was not asked for).
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 4, "{:?}", receiver.received());
    let mut sent = Vec::new();
    for message in &received {
        verify(secret, message);
        let body: Value = serde_json::from_str(&message.body).unwrap();
        assert_eq!(body["data"]["resource_type"], "assignment", "{body}");
        sent.push((body["data"]["seq"].as_i64().unwrap(), json!([body["type"], body["data"]["id"]])));
    }
    sent.sort_by_key(|(seq, _)| *seq);
    let sent: Vec<Value> = sent.into_iter().map(|(_, event)| event).collect();
    assert_eq!(
        sent,
        vec![
            json!(["assignment.created", placed["id"]]),
            json!(["assignment.created", waiting["id"]]),
            json!(["assignment.updated", waiting["id"]]),
            json!(["assignment.cancelled", placed["id"]]),
        ]
    );
    stop(dispatcher).await;
}

on_both_databases!(attendance_and_a_volunteer_leaving_are_sent_as_finer_assignment_events, configured by fast_webhooks);
async fn attendance_and_a_volunteer_leaving_are_sent_as_finer_assignment_events(app: TestApp) {
    let admin = app.admin().await;
    let receiver = Receiver::start(0);
    subscribe(&app, &admin, &receiver.url(), &["assignment.attendance_marked", "assignment.cancelled"]).await;
    let dispatcher = Dispatcher::start(app.state.db.clone(), settings(&app)).unwrap();
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    let hours_from_now = |hours: i64| {
        (chrono::Utc::now() + chrono::Duration::hours(hours)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    let started = app.scheduled_event(&coordinator, OWN_BRANCH, &hours_from_now(-1), &hours_from_now(3), 5).await;
    let later = app.scheduled_event(&coordinator, OWN_BRANCH, &hours_from_now(48), &hours_from_now(50), 5).await;
    let present = app.volunteer(&coordinator, OWN_BRANCH).await;
    let leaving = app.volunteer(&coordinator, OWN_BRANCH).await;
    let attended = app.sign_up_volunteer(&coordinator, &crate::factories::shift_id(&started, 0), &present).await;
    let released = app.sign_up_volunteer(&coordinator, &crate::factories::shift_id(&later, 0), &leaving).await;
    app.post(&format!("/api/v1/assignments/{}/attendance", attended["id"].as_str().unwrap()))
        .bearer(&coordinator.token)
        .json(&json!({"status": "attended"}))
        .send()
        .await
        .assert_status(200);
    // A volunteer who leaves gives up their places to come.
    app.patch(&format!("/api/v1/volunteers/{}", leaving["id"].as_str().unwrap()))
        .bearer(&coordinator.token)
        .json(&json!({"status": "left"}))
        .send()
        .await
        .assert_status(200);

    receiver.wait_for("two events", |received| received.len() >= 2).await;
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    let sent: Vec<Value> = receiver
        .received()
        .iter()
        .map(|r| serde_json::from_str::<Value>(&r.body).unwrap())
        .map(|body| json!([body["type"], body["data"]["id"]]))
        .collect();
    assert_eq!(sent.len(), 2, "the sign-ups themselves were not asked for: {sent:?}");
    assert!(sent.contains(&json!(["assignment.attendance_marked", attended["id"]])), "{sent:?}");
    assert!(sent.contains(&json!(["assignment.cancelled", released["id"]])), "{sent:?}");
    stop(dispatcher).await;
}

on_both_databases!(ssrf_targets_are_refused);
async fn ssrf_targets_are_refused(app: TestApp) {
    let admin = app.admin().await;
    for (url, code) in [
        ("http://169.254.169.254/latest/meta-data/", "forbidden_address"),
        ("http://127.0.0.1:9/hook", "forbidden_address"),
        ("http://[::1]/hook", "forbidden_address"),
        ("http://10.0.0.7/hook", "forbidden_address"),
        ("http://0.0.0.0/hook", "forbidden_address"),
        ("ftp://example.kz/hook", "format"),
        ("https://user:secret@93.184.216.34/hook", "not_allowed"),
    ] {
        let response = app
            .post("/api/v1/webhooks")
            .bearer(&admin.token)
            .json(&json!({"url": url, "event_types": ["volunteer.created"]}))
            .send()
            .await;
        let problem = response.problem(422);
        assert_eq!(problem["errors"][0]["field"], "url", "{url}: {problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{url}: {problem}");
    }
    let unknown = app
        .post("/api/v1/webhooks")
        .bearer(&admin.token)
        .json(&json!({"url": "https://93.184.216.34/hook", "event_types": ["volunteer.exploded"]}))
        .send()
        .await
        .problem(422);
    assert!(unknown["errors"][0]["field"].as_str().unwrap().starts_with("event_types"), "{unknown}");
    let none = app
        .post("/api/v1/webhooks")
        .bearer(&admin.token)
        .json(&json!({"url": "https://93.184.216.34/hook", "event_types": []}))
        .send()
        .await
        .problem(422);
    assert_eq!(none["errors"][0]["field"], "event_types", "{none}");
    // A public address is fine (nothing is sent until an event happens); a
    // change of URL is checked the same way.
    let webhook = subscribe(&app, &admin, "https://93.184.216.34/hook", &["volunteer.created"]).await;
    let problem = app
        .patch(&format!("/api/v1/webhooks/{}", webhook["id"].as_str().unwrap()))
        .bearer(&admin.token)
        .json(&json!({"url": "http://169.254.169.254/latest/meta-data/"}))
        .send()
        .await
        .problem(422);
    assert_eq!(
        (problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str()),
        (Some("url"), Some("forbidden_address"))
    );
    let coordinator = app.user("coordinator", Some(OWN_BRANCH)).await;
    app.get("/api/v1/webhooks").bearer(&coordinator.token).send().await.problem(403);
}

on_both_databases!(the_metadata_address_is_refused_even_with_loopback_allowed, configured by fast_webhooks);
async fn the_metadata_address_is_refused_even_with_loopback_allowed(app: TestApp) {
    let admin = app.admin().await;
    let problem = app
        .post("/api/v1/webhooks")
        .bearer(&admin.token)
        .json(&json!({"url": "http://169.254.169.254/", "event_types": ["volunteer.created"]}))
        .send()
        .await
        .problem(422);
    assert_eq!(
        (problem["errors"][0]["field"].as_str(), problem["errors"][0]["code"].as_str()),
        (Some("url"), Some("forbidden_address"))
    );
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("metadata"), "{problem}");
}

on_both_databases!(the_address_is_checked_again_at_delivery, configured by fast_webhooks);
async fn the_address_is_checked_again_at_delivery(app: TestApp) {
    let (admin, receiver, webhook) = volunteer_created_hook(&app, 0).await;
    // A dispatcher whose rules no longer allow loopback (as if the name now
    // resolved there): the attempt is refused before any connection.
    let mut strict = Settings { max_attempts: 1, ..settings(&app) };
    strict.policy.allow_loopback = false;
    let dispatcher = Dispatcher::start(app.state.db.clone(), strict).unwrap();
    app.volunteer(&admin, OWN_BRANCH).await;
    let log = wait_for_deliveries(&app, &admin, &webhook, |items| items.iter().any(|d| d["status"] == "failed")).await;
    assert!(log[0]["last_error"].as_str().unwrap().contains("loopback"), "{log:?}");
    assert_eq!(log[0]["last_response_code"], Value::Null);
    assert!(receiver.received().is_empty());
    stop(dispatcher).await;
}

on_both_databases!(finished_deliveries_are_forgotten_after_the_retention, configured by fast_webhooks);
async fn finished_deliveries_are_forgotten_after_the_retention(app: TestApp) {
    let (admin, _receiver, webhook) = volunteer_created_hook(&app, 0).await;
    let dispatcher = Dispatcher::start(app.state.db.clone(), settings(&app)).unwrap();
    app.volunteer(&admin, OWN_BRANCH).await;
    wait_for_deliveries(&app, &admin, &webhook, |items| items.iter().any(|d| d["status"] == "succeeded")).await;
    stop(dispatcher).await;
    // One more, queued and never sent: pending deliveries are kept whatever their age.
    app.volunteer(&admin, OWN_BRANCH).await;
    outreach::service::webhook_dispatcher::fan_out(&app.state.db).await.unwrap();

    let purged = app
        .state
        .db
        .run(|conn| Ok(outreach::service::housekeeping::purge_deliveries(conn, chrono::TimeDelta::zero())?))
        .await
        .unwrap();
    assert_eq!(purged, 1);
    let left = deliveries(&app, &admin, &webhook).await;
    assert_eq!(left.iter().map(|d| d["status"].as_str().unwrap()).collect::<Vec<_>>(), ["pending"]);
}
