use actix_web::{HttpResponse, get, post, web};

use crate::api::idempotency::{IdempotencyKey, create_once};
use crate::api::json::ValidJson;
use crate::api::paging::{Listed, Paging};
use crate::api::query::Query;
use crate::auth::{AuthUser, SessionUser, StaffUser};
use crate::db::stock_movements::{MovementFilter, MovementWithName};
use crate::db::{Db, DbConn};
use crate::domain::ids::MovementId;
use crate::domain::visibility::Visibility;
use crate::dto::page::paginate;
use crate::dto::stock::{CreateMovement, MovementFilterQuery, MovementOut, ReverseMovement};
use crate::dto::{Page, PageQuery};
use crate::error::ApiError;
use crate::service;
use actix_web::http::StatusCode;

/// The list's filters as the data layer takes them, from the first movement on.
fn movement_filter(query: MovementFilterQuery) -> MovementFilter {
    MovementFilter {
        branch: query.branch,
        material_id: query.material_id,
        volunteer_id: query.volunteer_id,
        kind: query.kind,
        event_id: None,
        recorded_since: None,
        after: None,
    }
}

/// Books one movement through `record`, once per `Idempotency-Key`, and answers
/// 201 with it.
async fn book_once<R>(
    db: &Db,
    user: &StaffUser,
    operation: String,
    key: IdempotencyKey,
    input: R,
    record: impl FnOnce(&mut DbConn, &SessionUser, R) -> Result<MovementWithName, ApiError> + Send + 'static,
) -> Result<HttpResponse, ApiError>
where
    R: serde::Serialize + Send + 'static,
{
    create_once(db, operation, user, key, input, move |conn, actor, input| {
        Ok((StatusCode::CREATED, MovementOut::new(record(conn, actor, input)?, Visibility::Full)))
    })
    .await
}

/// Record a stock movement
///
/// `receipt` into a branch (admins); `transfer` to another branch (admins, or the
/// sending branch's coordinators): the sender is debited and the receiver
/// credited in one transaction; `issue` to and `return` from a volunteer of the
/// branch; `write_off` and `adjustment` (with a `direction`) with a `reason`.
/// Coordinators act in their own branch. A movement that would take any balance
/// below zero answers 409 (`insufficient_stock`) naming the material, the
/// balance and the quantity asked, and changes nothing. Send an
/// `Idempotency-Key`: a retried movement moves stock once.
#[utoipa::path(
    tag = "materials",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays return the first response")),
    request_body = CreateMovement,
    responses(
        (status = 201, description = "Recorded", body = MovementOut),
        (status = 409, description = "A balance would go below zero"),
    )
)]
#[post("/stock-movements")]
pub async fn create_movement(
    db: web::Data<Db>,
    user: StaffUser,
    key: IdempotencyKey,
    body: ValidJson<CreateMovement>,
) -> Result<HttpResponse, ApiError> {
    let operation = "POST /stock-movements".to_owned();
    book_once(&db, &user, operation, key, body.into_inner(), service::stock_movements::record).await
}

/// Undo a stock movement
///
/// Records the counter-movement: the same movement with its effects negated,
/// naming the original in `reverses_id`. Movements are never edited or deleted.
/// A movement is undone once; a counter-movement is not undone (record a new
/// movement). Allowed to whoever may make the counter-movement: undoing a
/// transfer sends the stock back from the receiving branch. Send an
/// `Idempotency-Key`.
#[utoipa::path(
    tag = "materials",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Movement id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays return the first response"),
    ),
    request_body = ReverseMovement,
    responses(
        (status = 201, description = "The counter-movement", body = MovementOut),
        (status = 404, description = "No such movement"),
        (status = 409, description = "Undone already, a counter-movement, or a balance would go below zero"),
    )
)]
#[post("/stock-movements/{id}/reversal")]
pub async fn reverse_movement(
    db: web::Data<Db>,
    user: StaffUser,
    key: IdempotencyKey,
    id: web::Path<MovementId>,
    body: ValidJson<ReverseMovement>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let operation = format!("POST /stock-movements/{id}/reversal");
    book_once(&db, &user, operation, key, body.into_inner(), move |conn, actor, input| {
        service::stock_movements::reverse(conn, actor, &id, input)
    })
    .await
}

/// List the stock ledger
///
/// In recording order. Admins and observers see every movement (observers
/// without volunteers, notes or who recorded them), coordinators those out of
/// or into their branch, volunteers their own issues and returns.
/// `updated_since` gives the movements recorded since (they never change).
#[utoipa::path(
    tag = "materials",
    security(("bearer" = [])),
    params(MovementFilterQuery, PageQuery),
    responses((status = 200, description = "A page of movements", body = Page<MovementOut>))
)]
#[get("/stock-movements")]
pub async fn list_movements(
    db: web::Data<Db>,
    user: AuthUser,
    filter: Query<MovementFilterQuery>,
    page: Paging,
) -> Result<Listed<MovementOut>, ApiError> {
    let limit = page.limit()?;
    let filter = MovementFilter {
        recorded_since: page.updated_since(),
        after: page.after()?,
        ..movement_filter(filter.into_inner())
    };
    let rows = service::stock_movements::list(&db, &user, filter, i64::from(limit) + 1).await?;
    let visibility = user.visibility();
    Ok(page.respond(paginate(rows, limit, |row| row.movement.id.to_string(), |row| MovementOut::new(row, visibility))))
}

/// Get a stock movement
#[utoipa::path(
    tag = "materials",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Movement id")),
    responses(
        (status = 200, description = "The movement", body = MovementOut),
        (status = 404, description = "No such movement, or not the caller's to see"),
    )
)]
#[get("/stock-movements/{id}")]
pub async fn get_movement(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<MovementId>,
) -> Result<web::Json<MovementOut>, ApiError> {
    let row = service::stock_movements::get(&db, &user, id.into_inner()).await?;
    Ok(web::Json(MovementOut::new(row, user.visibility())))
}

/// Export the stock ledger as CSV
///
/// The movements the caller may see, with the list's filters, in recording
/// order, as UTF-8 CSV with a byte-order mark (observers: without volunteers,
/// notes or who recorded them). Audited.
#[utoipa::path(
    tag = "materials",
    security(("bearer" = [])),
    params(MovementFilterQuery),
    responses((status = 200, description = "The CSV file", content_type = "text/csv", body = String))
)]
#[get("/stock-movements.csv")]
pub async fn export_movements(
    db: web::Data<Db>,
    user: AuthUser,
    filter: Query<MovementFilterQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = movement_filter(filter.into_inner());
    let csv = service::stock_csv::export(&db, &user, filter).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", "attachment; filename=\"stock-movements.csv\""))
        .body(csv))
}
