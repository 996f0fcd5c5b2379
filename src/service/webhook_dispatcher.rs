//! The webhook dispatcher: one per server process, on a thread of its own.
//!
//! Every poll it (1) fans the outbox rows committed since its cursor out into
//! one delivery per interested subscription, moving the cursor in the same
//! transaction, and (2) claims the deliveries that are due and sends them,
//! each attempt recorded with its outcome. State lives in the database only: a
//! restart resumes the pending deliveries, and several instances on one
//! database share the work (see [`crate::db::webhook_deliveries`]). Delivery
//! is at least once: a process killed after the receiver answered and before
//! the outcome was stored sends the message again, with the same `webhook-id`.

use std::net::SocketAddr;
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use futures_util::future::join_all;
use tokio::sync::watch;

use crate::auth::SessionUser;
use crate::config::Config;
use crate::db::webhook_deliveries::{self, Attempt, Delivery};
use crate::db::{Db, DbConn, audit, outbox, webhooks, write_transaction};
use crate::domain::time::{now, utc};
use crate::domain::webhook::{DeliveryStatus, EventType, retry_delay_ms, secret_key, signature};
use crate::domain::webhook_target::AddressPolicy;
use crate::dto::webhook::{WebhookData, WebhookMessage};
use crate::error::ApiError;

/// Outbox rows fanned out per transaction.
const FAN_OUT_BATCH: i64 = 500;
/// Deliveries claimed (and sent concurrently) at a time.
const CLAIM_BATCH: i64 = 16;
/// How long a claim outlives the attempt's timeout: a dispatcher that died
/// mid-send hands the delivery on after that.
const LEASE_MARGIN: TimeDelta = TimeDelta::seconds(30);
/// Longest stored error text.
const MAX_ERROR_LENGTH: usize = 500;

/// The dispatcher's settings (from [`Config`]).
#[derive(Debug, Clone)]
pub struct Settings {
    pub poll_interval: Duration,
    pub timeout: Duration,
    pub max_attempts: u32,
    pub retry_base_ms: u64,
    pub retry_max_ms: u64,
    pub disable_after: u32,
    pub policy: AddressPolicy,
}

impl From<&Config> for Settings {
    fn from(config: &Config) -> Self {
        Self {
            poll_interval: Duration::from_millis(config.webhook_poll_interval_ms),
            timeout: Duration::from_secs(config.webhook_timeout_secs),
            max_attempts: config.webhook_max_attempts,
            retry_base_ms: config.webhook_retry_base_ms,
            retry_max_ms: config.webhook_retry_max_ms,
            disable_after: config.webhook_disable_after,
            policy: config.webhook_address_policy(),
        }
    }
}

/// A running dispatcher; stopping it (or dropping it) lets the attempts in
/// flight finish, then ends its thread.
pub struct Dispatcher {
    stop: watch::Sender<bool>,
    thread: Option<JoinHandle<()>>,
}

impl Dispatcher {
    /// Starts a dispatcher over `db` on a thread of its own.
    pub fn start(db: Db, settings: Settings) -> Result<Self, String> {
        let (stop, stopped) = watch::channel(false);
        let thread = std::thread::Builder::new()
            .name("webhooks".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    Ok(runtime) => runtime,
                    Err(error) => {
                        tracing::error!(%error, "the webhook dispatcher cannot start a runtime; no webhooks are sent");
                        return;
                    }
                };
                // The HTTP client is single-threaded (`awc` runs on a local task set).
                tokio::task::LocalSet::new().block_on(&runtime, run(db, settings, stopped));
            })
            .map_err(|err| format!("cannot start the webhook dispatcher: {err}"))?;
        Ok(Self { stop, thread: Some(thread) })
    }

    /// Stops the dispatcher and waits until its thread has ended.
    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        let _ = self.stop.send(true);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Dispatcher {
    fn drop(&mut self) {
        self.shut_down();
    }
}

async fn run(db: Db, settings: Settings, mut stopped: watch::Receiver<bool>) {
    let client = http_client(&settings);
    loop {
        if let Err(error) = fan_out(&db).await {
            tracing::warn!(%error, "webhook fan-out failed; retrying at the next poll");
        }
        loop {
            let batch = match claim(&db, &settings).await {
                Ok(batch) => batch,
                Err(error) => {
                    tracing::warn!(%error, "claiming webhook deliveries failed; retrying at the next poll");
                    break;
                }
            };
            if batch.is_empty() {
                break;
            }
            join_all(batch.into_iter().map(|claimed| attempt(&client, &db, &settings, claimed))).await;
            if *stopped.borrow() {
                return;
            }
        }
        // Wakes early only to stop (a change of the flag, or its sender gone).
        if tokio::time::timeout(settings.poll_interval, stopped.changed()).await.is_ok() {
            return;
        }
    }
}

fn http_client(settings: &Settings) -> awc::Client {
    // TLS by rustls with the one crypto provider compiled in (ring, see
    // Cargo.toml), which rustls then picks by itself.
    let connector = awc::Connector::new().timeout(settings.timeout);
    awc::Client::builder()
        .connector(connector)
        .timeout(settings.timeout)
        // A redirect could lead anywhere, past the address check.
        .disable_redirects()
        .no_default_headers()
        .add_default_header(("user-agent", concat!("outreach-webhooks/", env!("CARGO_PKG_VERSION"))))
        .finish()
}

/// Fans the outbox rows committed since the cursor out into deliveries, in
/// batches, each in one transaction with the cursor's move. Returns how many
/// deliveries were made.
pub async fn fan_out(db: &Db) -> Result<usize, ApiError> {
    // A read first: an idle dispatcher polls without taking the writer's lock
    // (on SQLite every write transaction serialises with the requests' writes).
    let behind = db
        .run(|conn| {
            let (last_seq, _) = outbox::state(conn)?;
            Ok(last_seq > webhook_deliveries::cursor(conn)?)
        })
        .await?;
    if !behind {
        return Ok(0);
    }
    let mut made = 0;
    loop {
        let (deliveries, rows) = db.run(|conn| write_transaction(conn, fan_out_batch)).await?;
        made += deliveries;
        if rows < FAN_OUT_BATCH {
            return Ok(made);
        }
    }
}

/// One batch of the fan-out: (deliveries made, outbox rows read).
fn fan_out_batch(conn: &mut DbConn) -> Result<(usize, i64), ApiError> {
    let cursor = webhook_deliveries::cursor_for_update(conn)?;
    let rows = outbox::page(conn, cursor, &[], FAN_OUT_BATCH)?;
    let Some(last) = rows.last().and_then(|row| row.seq) else { return Ok((0, 0)) };
    let subscriptions = webhooks::active(conn)?;
    let mut made = 0;
    for row in &rows {
        let (Some(seq), Some(event_type)) =
            (row.seq, EventType::of(row.resource_type, row.operation, row.action.as_deref()))
        else {
            continue;
        };
        let interested: Vec<_> = subscriptions.iter().filter(|subscription| subscription.wants(event_type)).collect();
        if interested.is_empty() {
            continue;
        }
        let message = WebhookMessage {
            event_type,
            timestamp: utc(row.at),
            data: WebhookData {
                resource_type: row.resource_type,
                id: row.resource_id.clone(),
                operation: row.operation,
                seq,
                subject_id: row.subject_id.clone(),
            },
        };
        let payload = serde_json::to_string(&message).map_err(ApiError::internal)?;
        let at = now();
        for subscription in interested {
            webhook_deliveries::insert(
                conn,
                &Delivery {
                    id: crate::domain::ids::DeliveryId::new(),
                    subscription_id: subscription.id.clone(),
                    outbox_seq: seq,
                    event_type,
                    payload: payload.clone(),
                    status: DeliveryStatus::Pending,
                    attempts: 0,
                    next_attempt_at: Some(at),
                    claimed_until: None,
                    last_attempt_at: None,
                    last_response_code: None,
                    last_error: None,
                    delivered_at: None,
                    created_at: at,
                    updated_at: at,
                },
            )?;
            made += 1;
        }
    }
    webhook_deliveries::set_cursor(conn, last)?;
    Ok((made, i64::try_from(rows.len()).unwrap_or(i64::MAX)))
}

type Claimed = (Delivery, String, String);

async fn claim(db: &Db, settings: &Settings) -> Result<Vec<Claimed>, ApiError> {
    let lease = TimeDelta::from_std(settings.timeout).unwrap_or(TimeDelta::minutes(2)) + LEASE_MARGIN;
    db.run(move |conn| {
        // As in the fan-out, a read decides whether to take the writer's lock.
        if !webhook_deliveries::any_due(conn, now())? {
            return Ok(Vec::new());
        }
        write_transaction(conn, |conn| {
            let at = now();
            Ok(webhook_deliveries::claim_due(conn, at, at + lease, CLAIM_BATCH)?)
        })
    })
    .await
}

/// One attempt of one delivery, and its outcome stored.
async fn attempt(client: &awc::Client, db: &Db, settings: &Settings, (delivery, url, secret): Claimed) {
    let sent = send(client, settings, &delivery, &url, &secret).await;
    let at = now();
    let attempts = delivery.attempts.saturating_add(1);
    let (response_code, error) = match &sent {
        Ok(code) if (200..300).contains(code) => (Some(i32::from(*code)), None),
        Ok(code) => (Some(i32::from(*code)), Some(format!("the receiver answered HTTP {code}"))),
        Err(error) => (None, Some(truncate(error))),
    };
    let (status, next_attempt_at) = if error.is_none() {
        (DeliveryStatus::Succeeded, None)
    } else if u32::try_from(attempts).unwrap_or(u32::MAX) >= settings.max_attempts {
        (DeliveryStatus::Failed, None)
    } else {
        let wait = retry_delay_ms(attempts, settings.retry_base_ms, settings.retry_max_ms, jitter());
        let wait = TimeDelta::milliseconds(i64::try_from(wait).unwrap_or(i64::MAX));
        (DeliveryStatus::Pending, Some(at + wait))
    };
    let outcome = Attempt { at, response_code, error, status, next_attempt_at };
    let disable_after = i32::try_from(settings.disable_after).unwrap_or(i32::MAX);
    let id = delivery.id.clone();
    let recorded = db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                webhook_deliveries::record_attempt(conn, &delivery.id, &outcome)?;
                if outcome.status == DeliveryStatus::Pending {
                    return Ok(());
                }
                let succeeded = outcome.status == DeliveryStatus::Succeeded;
                let in_a_row = webhooks::count_outcome(conn, &delivery.subscription_id, succeeded)?;
                if !succeeded && in_a_row >= disable_after {
                    let reason = format!("{in_a_row} deliveries in a row failed every attempt");
                    if webhooks::disable(conn, &delivery.subscription_id, &reason, at)? {
                        let system = SessionUser::system();
                        audit::record(
                            conn,
                            super::audit(&system, "webhook_disabled", "webhook", &delivery.subscription_id, Some(reason)),
                        )?;
                        tracing::warn!(webhook = %delivery.subscription_id, "webhook turned off: its deliveries keep failing");
                    }
                }
                Ok(())
            })
        })
        .await;
    if let Err(error) = recorded {
        // The claim runs out and the delivery is attempted again.
        tracing::warn!(delivery = %id, %error, "could not record a webhook attempt");
    }
}

/// Sends the delivery's message once: the receiver's status, or why none came.
async fn send(
    client: &awc::Client,
    settings: &Settings,
    delivery: &Delivery,
    url: &str,
    secret: &str,
) -> Result<u16, String> {
    let key = secret_key(secret).ok_or("the stored signing secret is not a whsec_ secret")?;
    // Checked again at every attempt: the name may resolve elsewhere by now.
    let (target, address): (_, SocketAddr) = super::webhook_target::resolve(url, settings.policy)
        .await
        .map_err(|refusal| format!("target refused: {refusal}"))?;
    let timestamp = Utc::now().timestamp();
    let signature = signature(&key, &delivery.id, timestamp, delivery.payload.as_bytes());
    let response = client
        .post(target.url.as_str())
        // Connect to the address that was checked, not to a second lookup's.
        .address(address)
        .insert_header(("content-type", "application/json"))
        .insert_header(("webhook-id", delivery.id.as_str()))
        .insert_header(("webhook-timestamp", timestamp.to_string()))
        .insert_header(("webhook-signature", signature))
        .timeout(settings.timeout)
        .send_body(delivery.payload.clone())
        .await
        .map_err(|err| format!("no answer: {err}"))?;
    Ok(response.status().as_u16())
}

/// A random number in `[0, 1)` for the retry jitter (0.5 without randomness).
fn jitter() -> f64 {
    let mut bytes = [0u8; 4];
    match getrandom::fill(&mut bytes) {
        Ok(()) => f64::from(u32::from_le_bytes(bytes)) / (f64::from(u32::MAX) + 1.0),
        Err(_) => 0.5,
    }
}

fn truncate(text: &str) -> String {
    match text.char_indices().nth(MAX_ERROR_LENGTH) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}
