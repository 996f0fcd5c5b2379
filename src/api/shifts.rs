//! A single shift: read, change and cancel. Its sign-ups are in [`super::signups`].

use actix_web::{HttpResponse, get, patch, post, web};

use crate::api::etag;
use crate::api::json::{OptionalJson, ValidJson};
use crate::auth::{AuthUser, StaffUser};
use crate::db::Db;
use crate::domain::ids::ShiftId;
use crate::domain::version::ExpectedVersion;
use crate::dto::event::ShiftOut;
use crate::dto::shift::{CancelShift, UpdateShift};
use crate::error::ApiError;
use crate::service;

/// Get a shift
///
/// With its counts. Whoever sees the event sees its shifts: staff and
/// volunteers of the branch (volunteers not of drafts), admins and observers
/// every branch. A shift holds no personal data.
#[utoipa::path(
    tag = "shifts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Shift id")),
    responses(
        (status = 200, description = "The shift", body = ShiftOut),
        (status = 404, description = "No such shift in the caller's scope"),
    )
)]
#[get("/shifts/{id}")]
pub async fn get_shift(db: web::Data<Db>, user: AuthUser, id: web::Path<ShiftId>) -> Result<HttpResponse, ApiError> {
    let shift = service::shifts::get(&db, &user, id.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header(etag(shift.version)).json(shift))
}

/// Change a shift
///
/// Times (within the event), capacity and required skill, by staff of the
/// event's branch, while the event is a draft or scheduled. Lowering the
/// capacity below the places taken is refused (409 `capacity_exceeded`: cancel
/// sign-ups first, nobody is moved to the waitlist behind their back); raising
/// it promotes the first volunteers waiting. Moving the shift is refused when
/// someone on it would then hold two overlapping shifts (409 `overlap`). A
/// cancelled shift does not change (409 `not_editable`). Send `If-Match` (or
/// `version`).
#[utoipa::path(
    tag = "shifts",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Shift id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on"),
    ),
    request_body = UpdateShift,
    responses(
        (status = 200, description = "Changed", body = ShiftOut),
        (status = 404, description = "No such shift in the caller's scope"),
        (status = 409, description = "Capacity below the places taken, an overlap, a cancelled shift, a completed or cancelled event, or a meeting"),
        (status = 412, description = "The shift changed since the given version"),
    )
)]
#[patch("/shifts/{id}")]
pub async fn update_shift(
    db: web::Data<Db>,
    user: StaffUser,
    id: web::Path<ShiftId>,
    if_match: ExpectedVersion,
    body: ValidJson<UpdateShift>,
) -> Result<HttpResponse, ApiError> {
    let shift = service::shifts::update(&db, &user, id.into_inner(), body.into_inner(), if_match).await?;
    Ok(HttpResponse::Ok().insert_header(etag(shift.version)).json(shift))
}

/// Cancel a shift
///
/// The event goes on without this shift. Its sign-ups and waitlist are
/// cancelled with it (the volunteers' schedules show the sign-up `cancelled`
/// and `shift_cancelled_at`; calendar feeds show it cancelled), nobody is
/// promoted onto it and it takes no new sign-ups (409 `not_open`). Attendance
/// already recorded stays. The body (an optional `reason`) may be left out.
/// Cancelling again returns the shift unchanged.
#[utoipa::path(
    tag = "shifts",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Shift id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the cancellation is based on"),
    ),
    request_body(content = Option<CancelShift>, description = "Optional: a reason"),
    responses(
        (status = 200, description = "Cancelled", body = ShiftOut),
        (status = 404, description = "No such shift in the caller's scope"),
        (status = 409, description = "A completed or cancelled event, or a meeting"),
        (status = 412, description = "The shift changed since the given version"),
    )
)]
#[post("/shifts/{id}/cancel")]
pub async fn cancel_shift(
    db: web::Data<Db>,
    user: StaffUser,
    id: web::Path<ShiftId>,
    if_match: ExpectedVersion,
    body: OptionalJson<CancelShift>,
) -> Result<HttpResponse, ApiError> {
    let shift = service::shifts::cancel(&db, &user, id.into_inner(), body.into_inner(), if_match).await?;
    Ok(HttpResponse::Ok().insert_header(etag(shift.version)).json(shift))
}
