//! Webhook subscriptions, their delivery log, and the message a receiver gets.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::db::webhook_deliveries::Delivery;
use crate::db::webhooks::Subscription;
use crate::domain::change::{ChangeOperation, ChangeType};
use crate::domain::ids::{DeliveryId, WebhookId};
use crate::domain::time::utc;
use crate::domain::webhook::{DeliveryStatus, EventType};

/// A new subscription.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhook {
    /// Where to `POST` each event: `http(s)`, resolving to public addresses only
    /// (see the README's SSRF rule).
    #[validate(length(min = 1, max = 2000))]
    #[schema(example = "https://crm.example.kz/hooks/outreach", min_length = 1, max_length = 2000)]
    pub url: String,
    /// The events to send, at least one.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_items = 1, max_items = 100)]
    pub event_types: Vec<EventType>,
    /// What the subscription is for.
    #[validate(length(max = 200))]
    #[schema(example = "regional CRM", max_length = 200)]
    pub description: Option<String>,
    /// Whether events are sent (default `true`).
    pub active: Option<bool>,
}

/// Changes to a subscription; absent fields stay as they are. Turning a
/// subscription back on (`active: true`) clears its failure count.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhook {
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub url: Option<String>,
    #[validate(length(min = 1, max = 100))]
    #[schema(min_items = 1, max_items = 100)]
    pub event_types: Option<Vec<EventType>>,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub description: Option<String>,
    pub active: Option<bool>,
    /// The version the change is based on (or `If-Match`).
    pub version: Option<i32>,
}

/// A webhook subscription (never its secret, shown only on creation and rotation).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookOut {
    pub id: WebhookId,
    pub url: String,
    pub description: String,
    pub event_types: Vec<EventType>,
    /// Whether events are sent. A subscription whose deliveries keep failing is
    /// turned off by the server (`disabled_reason` says why).
    pub active: bool,
    /// Deliveries in a row that ran out of attempts.
    pub consecutive_failures: i32,
    pub disabled_reason: Option<String>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<Subscription> for WebhookOut {
    fn from(row: Subscription) -> Self {
        Self {
            event_types: row.events(),
            id: row.id,
            url: row.url,
            description: row.description,
            active: row.active,
            consecutive_failures: row.consecutive_failures,
            disabled_reason: row.disabled_reason,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            version: row.version,
        }
    }
}

/// A subscription with its signing secret: store it now, it is not shown again.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookWithSecret {
    #[serde(flatten)]
    pub webhook: WebhookOut,
    /// `whsec_` and the base64 signing key (Standard Webhooks).
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: String,
}

/// One event sent (or to be sent) to one subscription, with its attempts.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryOut {
    /// The `webhook-id` header: the same on every attempt.
    pub id: DeliveryId,
    pub webhook_id: WebhookId,
    pub event_type: EventType,
    pub status: DeliveryStatus,
    pub attempts: i32,
    /// When the next attempt is due (pending deliveries).
    #[serde(serialize_with = "crate::dto::timestamp::option_micros")]
    pub next_attempt_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::dto::timestamp::option_micros")]
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The receiver's HTTP status at the last attempt, if it answered.
    pub last_response_code: Option<i32>,
    /// Why the last attempt failed (timeout, refused address, status).
    pub last_error: Option<String>,
    #[serde(serialize_with = "crate::dto::timestamp::option_micros")]
    pub delivered_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub updated_at: DateTime<Utc>,
    /// The body sent.
    #[schema(value_type = WebhookMessage)]
    pub payload: serde_json::Value,
}

impl From<Delivery> for DeliveryOut {
    fn from(row: Delivery) -> Self {
        // Written by the fan-out as JSON; kept as text should it ever not be.
        let payload = serde_json::from_str(&row.payload).unwrap_or(serde_json::Value::String(row.payload));
        Self {
            id: row.id,
            webhook_id: row.subscription_id,
            event_type: row.event_type,
            status: row.status,
            attempts: row.attempts,
            next_attempt_at: row.next_attempt_at.map(utc),
            last_attempt_at: row.last_attempt_at.map(utc),
            last_response_code: row.last_response_code,
            last_error: row.last_error,
            delivered_at: row.delivered_at.map(utc),
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            payload,
        }
    }
}

/// The JSON body of a webhook request. It names the record and what happened;
/// the record itself is read with the API (`GET` of its type), so a message
/// carries no personal data and a receiver always gets the current state.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookMessage {
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// When the change was committed.
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub timestamp: DateTime<Utc>,
    pub data: WebhookData,
}

/// What changed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookData {
    pub resource_type: ChangeType,
    /// The record's id (a branch code for branches, a UUID otherwise).
    pub id: String,
    pub operation: ChangeOperation,
    /// Position of the change in the change feed (`GET /changes`).
    pub seq: i64,
    /// Whom the change concerns besides the record's readers (the volunteer
    /// taken off a route), else `null`.
    pub subject_id: Option<String>,
}
