use actix_web::{HttpResponse, delete, get, patch, post, web};

use crate::api::etag;
use crate::api::json::ValidJson;
use crate::api::paging::{Listed, Paging};
use crate::auth::AdminUser;
use crate::config::Config;
use crate::db::Db;
use crate::domain::ids::{DeliveryId, WebhookId};
use crate::domain::version::ExpectedVersion;
use crate::dto::webhook::{CreateWebhook, DeliveryOut, UpdateWebhook, WebhookOut, WebhookWithSecret};
use crate::dto::{Page, PageQuery};
use crate::error::ApiError;
use crate::service;

/// Subscribe to events
///
/// Each event of `event_types` is `POST`ed to `url` as JSON, signed after the
/// Standard Webhooks scheme (`webhook-id`, `webhook-timestamp`,
/// `webhook-signature` headers), at least once, retried with backoff. The
/// signing `secret` is returned this once. The URL must resolve to public
/// addresses only (422 `forbidden_address` otherwise).
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    request_body = CreateWebhook,
    responses(
        (status = 201, description = "Subscribed; store the secret now", body = WebhookWithSecret),
        (status = 422, description = "A bad URL, a refused address or an unknown event type; `errors` names the field and rule"),
    )
)]
#[post("/webhooks")]
pub async fn create_webhook(
    db: web::Data<Db>,
    config: web::Data<Config>,
    admin: AdminUser,
    body: ValidJson<CreateWebhook>,
) -> Result<HttpResponse, ApiError> {
    let created = service::webhooks::create(&db, &admin, config.webhook_address_policy(), body.into_inner()).await?;
    Ok(HttpResponse::Created().insert_header(etag(created.webhook.version)).json(created))
}

/// List webhook subscriptions
///
/// Oldest first; never the secrets.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, description = "The subscriptions", body = Page<WebhookOut>))
)]
#[get("/webhooks")]
pub async fn list_webhooks(db: web::Data<Db>, _admin: AdminUser, page: Paging) -> Result<Listed<WebhookOut>, ApiError> {
    let limit = page.limit()?;
    Ok(page.respond(service::webhooks::list(&db, page.updated_since(), page.after()?, limit).await?))
}

/// Get a webhook subscription
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "The subscription", body = WebhookOut),
        (status = 404, description = "No such webhook"),
    )
)]
#[get("/webhooks/{id}")]
pub async fn get_webhook(
    db: web::Data<Db>,
    _admin: AdminUser,
    id: web::Path<WebhookId>,
) -> Result<HttpResponse, ApiError> {
    let webhook = service::webhooks::get(&db, id.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header(etag(webhook.version)).json(WebhookOut::from(webhook)))
}

/// Update a webhook subscription
///
/// A new `url` is checked like a new subscription's. `active: true` turns a
/// subscription the server turned off back on and clears its failure count.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Webhook id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on"),
    ),
    request_body = UpdateWebhook,
    responses(
        (status = 200, description = "Updated", body = WebhookOut),
        (status = 404, description = "No such webhook"),
        (status = 412, description = "The webhook changed since the given version"),
    )
)]
#[patch("/webhooks/{id}")]
pub async fn update_webhook(
    db: web::Data<Db>,
    config: web::Data<Config>,
    admin: AdminUser,
    id: web::Path<WebhookId>,
    if_match: ExpectedVersion,
    body: ValidJson<UpdateWebhook>,
) -> Result<HttpResponse, ApiError> {
    let policy = config.webhook_address_policy();
    let webhook = service::webhooks::update(&db, &admin, policy, id.into_inner(), body.into_inner(), if_match).await?;
    Ok(HttpResponse::Ok().insert_header(etag(webhook.version)).json(WebhookOut::from(webhook)))
}

/// Rotate a webhook's signing secret
///
/// The new secret signs every attempt from now on, retries of earlier events
/// included; it is returned this once.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "Rotated; store the new secret now", body = WebhookWithSecret),
        (status = 404, description = "No such webhook"),
    )
)]
#[post("/webhooks/{id}/rotate-secret")]
pub async fn rotate_webhook_secret(
    db: web::Data<Db>,
    admin: AdminUser,
    id: web::Path<WebhookId>,
) -> Result<HttpResponse, ApiError> {
    let rotated = service::webhooks::rotate_secret(&db, &admin, id.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header(etag(rotated.webhook.version)).json(rotated))
}

/// Delete a webhook subscription
///
/// With its delivery log; pending deliveries are not sent.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such webhook"),
    )
)]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    db: web::Data<Db>,
    admin: AdminUser,
    id: web::Path<WebhookId>,
) -> Result<HttpResponse, ApiError> {
    service::webhooks::delete(&db, &admin, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// List a webhook's deliveries
///
/// Newest first: each event sent (or to be sent) with its status, attempts,
/// the receiver's last answer or error, and when the next attempt is due.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook id"), PageQuery),
    responses(
        (status = 200, description = "The deliveries", body = Page<DeliveryOut>),
        (status = 404, description = "No such webhook"),
    )
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_webhook_deliveries(
    db: web::Data<Db>,
    _admin: AdminUser,
    id: web::Path<WebhookId>,
    page: Paging,
) -> Result<Listed<DeliveryOut>, ApiError> {
    let limit = page.limit()?;
    let deliveries =
        service::webhooks::deliveries(&db, id.into_inner(), page.updated_since(), page.after()?, limit).await?;
    Ok(page.respond(deliveries))
}

/// Send a delivery again
///
/// A delivery that succeeded or ran out of attempts is due again at once, with
/// a fresh set of attempts and the same `webhook-id` (receivers deduplicate
/// by it). 409 while it is still pending.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Webhook id"),
        ("delivery_id" = String, Path, description = "Delivery id"),
    ),
    responses(
        (status = 202, description = "Due again; the dispatcher sends it at its next poll", body = DeliveryOut),
        (status = 404, description = "No such delivery of this webhook"),
        (status = 409, description = "The delivery is still pending"),
    )
)]
#[post("/webhooks/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver_webhook_delivery(
    db: web::Data<Db>,
    admin: AdminUser,
    path: web::Path<(WebhookId, DeliveryId)>,
) -> Result<HttpResponse, ApiError> {
    let (id, delivery) = path.into_inner();
    let delivery = service::webhooks::redeliver(&db, &admin, id, delivery).await?;
    Ok(HttpResponse::Accepted().json(delivery))
}
