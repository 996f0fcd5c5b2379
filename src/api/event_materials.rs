use actix_web::{HttpResponse, get, post, web};

use crate::api::idempotency::{IdempotencyKey, create_once};
use crate::api::json::ValidJson;
use crate::api::paging::{Listed, Paging};
use crate::api::stock_balances::StockReaders;
use crate::auth::{Authorized, StaffUser};
use crate::db::Db;
use crate::domain::ids::EventId;
use crate::domain::visibility::Visibility;
use crate::dto::Page;
use crate::dto::page::paginate;
use crate::dto::stock::{EventMaterialIn, EventMaterialsQuery, MovementOut};
use crate::error::ApiError;
use crate::service;
use actix_web::http::StatusCode;

/// Record materials handed out at an event
///
/// Events of the kinds `materials_distribution` and `street_stand` only (others
/// answer 409 `not_distributing`). Records a `hand_out` movement naming the
/// event: from the named volunteer's holding (a volunteer of the event's
/// branch), else from the branch's stock. A holding or stock that is short
/// answers 409 `insufficient_stock` naming the material, the balance and the
/// quantity asked, and records nothing. Staff of the event's branch. Send an
/// `Idempotency-Key`: a retry hands out once.
#[utoipa::path(
    tag = "materials",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Event id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays return the first response"),
    ),
    request_body = EventMaterialIn,
    responses(
        (status = 201, description = "The hand-out movement", body = MovementOut),
        (status = 404, description = "No such event in the caller's branch"),
        (status = 409, description = "Not a distributing event, or too little stock"),
        (status = 422, description = "Unknown material or volunteer, bad quantity"),
    )
)]
#[post("/events/{id}/materials")]
pub async fn record_event_materials(
    db: web::Data<Db>,
    user: StaffUser,
    key: IdempotencyKey,
    id: web::Path<EventId>,
    body: ValidJson<EventMaterialIn>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let operation = format!("POST /events/{id}/materials");
    create_once(&db, operation, &user, key, body.into_inner(), move |conn, actor, input| {
        let movement = service::event_materials::record(conn, actor, &id, input)?;
        Ok((StatusCode::CREATED, MovementOut::new(movement, Visibility::Full)))
    })
    .await
}

/// List the materials handed out at an event
///
/// Its `hand_out` movements and their counter-movements, in recording order.
/// Staff of the event's branch, admins and observers (without volunteers).
#[utoipa::path(
    tag = "materials",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Event id"), EventMaterialsQuery),
    responses(
        (status = 200, description = "A page of movements", body = Page<MovementOut>),
        (status = 404, description = "No such event in the caller's branch"),
    )
)]
#[get("/events/{id}/materials")]
pub async fn list_event_materials(
    db: web::Data<Db>,
    user: Authorized<StockReaders>,
    id: web::Path<EventId>,
    page: Paging,
) -> Result<Listed<MovementOut>, ApiError> {
    let limit = page.limit()?;
    let rows = service::event_materials::list(&db, &user, id.into_inner(), page.after()?, i64::from(limit) + 1).await?;
    let visibility = user.visibility();
    Ok(page.respond(paginate(rows, limit, |row| row.movement.id.to_string(), |row| MovementOut::new(row, visibility))))
}
