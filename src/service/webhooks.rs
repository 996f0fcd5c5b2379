//! Webhook subscriptions (admins): create, read, change, rotate the secret,
//! delete; the delivery log and manual redelivery. Sending is the dispatcher's
//! ([`super::webhook_dispatcher`]).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::NaiveDateTime;

use crate::auth::{AuthUser, SessionUser};
use crate::db::audit::{self, AuditEvent};
use crate::db::webhooks::{self, Subscription, SubscriptionChanges, join_events};
use crate::db::{Db, webhook_deliveries, write_transaction};
use crate::domain::ids::{DeliveryId, WebhookId};
use crate::domain::time::now;
use crate::domain::version::ExpectedVersion;
use crate::domain::webhook::{DeliveryStatus, EventType, SECRET_PREFIX};
use crate::domain::webhook_target::AddressPolicy;
use crate::dto::Page;
use crate::dto::page::paginate;
use crate::dto::webhook::{CreateWebhook, DeliveryOut, UpdateWebhook, WebhookOut, WebhookWithSecret};
use crate::error::{ApiError, ErrorCode};

/// A new signing secret: `whsec_` and 32 random bytes, base64 (Standard Webhooks).
fn new_secret() -> Result<String, ApiError> {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|err| ApiError::internal(format!("no randomness available: {err}")))?;
    Ok(format!("{SECRET_PREFIX}{}", STANDARD.encode(key)))
}

/// The URL as stored, once its form and every address it resolves to passed
/// the SSRF rule.
async fn checked_url(url: &str, policy: AddressPolicy) -> Result<String, ApiError> {
    super::webhook_target::resolve(url, policy)
        .await
        .map_err(|refusal| super::webhook_target::invalid("url", &refusal))?;
    Ok(url.trim().to_owned())
}

/// The event types without repeats, in the order given.
fn distinct(events: Vec<EventType>) -> Vec<EventType> {
    let mut seen = Vec::with_capacity(events.len());
    for event in events {
        if !seen.contains(&event) {
            seen.push(event);
        }
    }
    seen
}

pub async fn create(
    db: &Db,
    admin: &AuthUser,
    policy: AddressPolicy,
    input: CreateWebhook,
) -> Result<WebhookWithSecret, ApiError> {
    let url = checked_url(&input.url, policy).await?;
    let at = now();
    let subscription = Subscription {
        id: WebhookId::new(),
        url,
        description: input.description.map(|text| text.trim().to_owned()).unwrap_or_default(),
        event_types: join_events(&distinct(input.event_types)),
        secret: new_secret()?,
        active: input.active.unwrap_or(true),
        consecutive_failures: 0,
        disabled_reason: None,
        created_by: admin.account_id.clone(),
        created_at: at,
        updated_at: at,
        version: 1,
    };
    let admin = SessionUser::clone(admin);
    let stored = db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                webhooks::insert(conn, &subscription)?;
                audit::record(
                    conn,
                    event(&admin, "webhook_created", &subscription.id, Some(subscription.url.clone())),
                )?;
                Ok(subscription)
            })
        })
        .await?;
    let secret = stored.secret.clone();
    Ok(WebhookWithSecret { webhook: stored.into(), secret })
}

pub async fn list(
    db: &Db,
    changed_since: Option<NaiveDateTime>,
    after: Option<String>,
    limit: u32,
) -> Result<Page<WebhookOut>, ApiError> {
    let rows = db
        .run(move |conn| Ok(webhooks::list_page(conn, changed_since, after.as_deref(), i64::from(limit) + 1)?))
        .await?;
    Ok(paginate(rows, limit, |row| row.id.to_string(), WebhookOut::from))
}

pub async fn get(db: &Db, id: WebhookId) -> Result<Subscription, ApiError> {
    db.run(move |conn| webhooks::find(conn, &id)?.ok_or_else(|| ApiError::not_found(format!("webhook {id}")))).await
}

/// Changes a subscription. A new URL is checked like a new subscription's;
/// turning it back on clears its failure count and the reason it was off.
pub async fn update(
    db: &Db,
    admin: &AuthUser,
    policy: AddressPolicy,
    id: WebhookId,
    input: UpdateWebhook,
    expected: ExpectedVersion,
) -> Result<Subscription, ApiError> {
    let url = match &input.url {
        Some(url) => Some(checked_url(url, policy).await?),
        None => None,
    };
    let admin = SessionUser::clone(admin);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            let current = webhooks::find(conn, &id)?.ok_or_else(|| ApiError::not_found(format!("webhook {id}")))?;
            let version = expected.check(input.version, current.version)?;
            let reactivated = input.active == Some(true) && !current.active;
            let changes = SubscriptionChanges {
                url,
                description: input.description.map(|text| text.trim().to_owned()),
                event_types: input.event_types.map(|events| join_events(&distinct(events))),
                secret: None,
                active: input.active,
                consecutive_failures: reactivated.then_some(0),
                disabled_reason: reactivated.then_some(None),
            };
            if !webhooks::update(conn, &id, version, &changes, now())? {
                return Err(ApiError::PreconditionFailed("the webhook changed meanwhile; reload it".into()));
            }
            audit::record(conn, event(&admin, "webhook_updated", &id, None))?;
            webhooks::find(conn, &id)?.ok_or_else(|| ApiError::internal("webhook vanished after update"))
        })
    })
    .await
}

/// Replaces the signing secret at once; the new one is returned this once.
pub async fn rotate_secret(db: &Db, admin: &AuthUser, id: WebhookId) -> Result<WebhookWithSecret, ApiError> {
    let secret = new_secret()?;
    let admin = SessionUser::clone(admin);
    let stored = db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let current = webhooks::find(conn, &id)?.ok_or_else(|| ApiError::not_found(format!("webhook {id}")))?;
                let changes = SubscriptionChanges { secret: Some(secret), ..SubscriptionChanges::default() };
                if !webhooks::update(conn, &id, current.version, &changes, now())? {
                    return Err(ApiError::PreconditionFailed("the webhook changed meanwhile; retry".into()));
                }
                audit::record(conn, event(&admin, "webhook_secret_rotated", &id, None))?;
                webhooks::find(conn, &id)?.ok_or_else(|| ApiError::internal("webhook vanished after update"))
            })
        })
        .await?;
    let secret = stored.secret.clone();
    Ok(WebhookWithSecret { webhook: stored.into(), secret })
}

/// Deletes a subscription and its delivery log; pending deliveries are not sent.
pub async fn delete(db: &Db, admin: &AuthUser, id: WebhookId) -> Result<(), ApiError> {
    let admin = SessionUser::clone(admin);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            if !webhooks::delete(conn, &id)? {
                return Err(ApiError::not_found(format!("webhook {id}")));
            }
            audit::record(conn, event(&admin, "webhook_deleted", &id, None))?;
            Ok(())
        })
    })
    .await
}

/// The subscription's deliveries, newest first.
pub async fn deliveries(
    db: &Db,
    id: WebhookId,
    changed_since: Option<NaiveDateTime>,
    before: Option<String>,
    limit: u32,
) -> Result<Page<DeliveryOut>, ApiError> {
    let rows = db
        .run(move |conn| {
            webhooks::find(conn, &id)?.ok_or_else(|| ApiError::not_found(format!("webhook {id}")))?;
            Ok(webhook_deliveries::list_page(conn, &id, changed_since, before.as_deref(), i64::from(limit) + 1)?)
        })
        .await?;
    Ok(paginate(rows, limit, |row| row.id.to_string(), DeliveryOut::from))
}

/// Sends a delivery again: due now, with a fresh set of attempts, whatever
/// became of it. 409 while it is still pending (it will be sent anyway).
pub async fn redeliver(
    db: &Db,
    admin: &AuthUser,
    id: WebhookId,
    delivery: DeliveryId,
) -> Result<DeliveryOut, ApiError> {
    let admin = SessionUser::clone(admin);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            let what = format!("delivery {delivery} of webhook {id}");
            let current = webhook_deliveries::find(conn, &id, &delivery)?.ok_or_else(|| ApiError::not_found(&what))?;
            if current.status == DeliveryStatus::Pending {
                return Err(ApiError::field_conflict(
                    "the delivery is still pending; it will be attempted at next_attempt_at",
                    "status",
                    ErrorCode::IllegalStatusChange,
                    None,
                ));
            }
            webhook_deliveries::redeliver(conn, &delivery, now())?;
            audit::record(conn, event(&admin, "webhook_redelivered", &id, Some(format!("delivery={delivery}"))))?;
            let reloaded = webhook_deliveries::find(conn, &id, &delivery)?.ok_or_else(|| ApiError::not_found(&what))?;
            Ok(DeliveryOut::from(reloaded))
        })
    })
    .await
}

fn event<'a>(actor: &'a SessionUser, action: &'a str, id: &'a WebhookId, details: Option<String>) -> AuditEvent<'a> {
    super::audit(actor, action, "webhook", id, details)
}
