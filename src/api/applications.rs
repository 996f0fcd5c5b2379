use actix_web::{HttpRequest, HttpResponse, post, web};

use crate::api::idempotency::{IdempotencyKey, respond};
use crate::api::json::ValidJson;
use crate::db::Db;
use crate::dto::volunteer::{ApplicationReceipt, VolunteerApplication};
use crate::error::ApiError;
use crate::request_context::{RequestId, client_address};
use crate::service;
use crate::service::idempotency;

/// Apply to volunteer
///
/// The public recruitment form: no login. Records an `applicant` in the chosen
/// branch for its coordinators to approve or reject. The answer is the same
/// whether or not the phone number is known. At most 10 applications per hour
/// from one address (429 with `Retry-After`). Send an `Idempotency-Key` so that a
/// retry after a lost answer gets the same receipt.
#[utoipa::path(
    tag = "volunteers",
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays return the first receipt")),
    request_body = VolunteerApplication,
    responses(
        (status = 202, description = "Received", body = ApplicationReceipt),
        (status = 429, description = "Too many applications from this address"),
    )
)]
#[post("/volunteer-applications")]
pub async fn apply(
    req: HttpRequest,
    db: web::Data<Db>,
    request_id: RequestId,
    key: IdempotencyKey,
    body: ValidJson<VolunteerApplication>,
) -> Result<HttpResponse, ApiError> {
    // Anonymous clients share no key space: keys count per client address.
    let address = client_address(&req);
    let scope = format!("POST /volunteer-applications from {address}");
    let stored = idempotency::once(&db, scope, key.0, body.into_inner(), move |conn, input| {
        let receipt = service::applications::apply(conn, input, &address, Some(&request_id.0))?;
        Ok((202, serde_json::to_string(&receipt).map_err(ApiError::internal)?))
    })
    .await?;
    Ok(respond(stored))
}
