use actix_web::{HttpResponse, get, post, web};

use crate::api::etag;
use crate::api::idempotency::{IdempotencyKey, create_once};
use crate::api::json::{OptionalJson, ValidJson};
use crate::api::paging::{Listed, Paging};
use crate::auth::{AuthUser, StaffUser};
use crate::db::Db;
use crate::domain::ids::{AssignmentId, ShiftId};
use crate::dto::Page;
use crate::dto::event::{AssignmentOut, AttendanceMark, SignUp};
use crate::dto::page::PageOnlyQuery;
use crate::dto::page::{decode_time_cursor, encode_time_cursor};
use crate::dto::shift::SignupOut;
use crate::error::ApiError;
use crate::service;
use actix_web::http::StatusCode;

/// Sign up for a shift
///
/// Volunteers sign themselves up (no body needed, and then no content type;
/// `{}` works too); staff assign a volunteer of the
/// event's branch (`volunteer_id`). A full shift puts the volunteer on the
/// waitlist. Only active volunteers, only without an overlapping shift (409 with
/// the conflicting shift in `existing_id`), only with the shift's required skill.
/// Signing up again returns the existing sign-up (200).
/// Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = "shifts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Shift id"), ("Idempotency-Key" = Option<String>, Header, description = "Replays return the first response")),
    request_body(content = Option<SignUp>, description = "Optional for volunteers signing themselves up; staff name `volunteer_id`"),
    responses(
        (status = 201, description = "Signed up or waitlisted", body = AssignmentOut),
        (status = 200, description = "Already signed up", body = AssignmentOut),
        (status = 404, description = "No such shift in the caller's scope"),
        (status = 409, description = "Event not open, shift cancelled, inactive or other-branch volunteer, missing skill, or overlap"),
    )
)]
#[post("/shifts/{id}/signups")]
pub async fn sign_up(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ShiftId>,
    key: IdempotencyKey,
    body: OptionalJson<SignUp>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let operation = format!("POST /shifts/{id}/signups");
    create_once(&db, operation, &user, key, body.into_inner(), move |conn, actor, input| {
        let (assignment, created) = service::signups::sign_up(conn, actor, &id, input.volunteer_id)?;
        Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, AssignmentOut::from(assignment)))
    })
    .await
}

/// List a shift's sign-ups
///
/// A keyset page `{items, next_cursor}` in waitlist order. Staff of the event's
/// branch (admins every branch) get the volunteers' names (`volunteer_name`;
/// the read is audited); observers get the list without them. Volunteers may
/// not list it.
#[utoipa::path(
    tag = "shifts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Shift id"), PageOnlyQuery),
    responses(
        (status = 200, description = "A page of the sign-ups", body = Page<SignupOut>),
        (status = 404, description = "No such shift in the caller's scope"),
    )
)]
#[get("/shifts/{id}/signups")]
pub async fn list_signups(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<ShiftId>,
    page: Paging,
) -> Result<Listed<SignupOut>, ApiError> {
    let limit = page.limit()?;
    let after = decode_time_cursor(page.after()?)?;
    let mut items = service::signups::for_shift(&db, &user, id.into_inner(), after, i64::from(limit) + 1).await?;
    let next_cursor = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|item| encode_time_cursor(item.created_at.naive_utc(), &item.id))
    } else {
        None
    };
    Ok(page.respond(Page { items, next_cursor }))
}

/// Get a sign-up
///
/// One assignment as the list of its shift's sign-ups shows it: to staff of
/// the event's branch (admins every branch) with the volunteer's name (the read
/// is audited), to observers without it, to a volunteer only their own. The
/// change feed carries it as `assignment`.
#[utoipa::path(
    tag = "shifts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Assignment id")),
    responses(
        (status = 200, description = "The sign-up", body = SignupOut),
        (status = 404, description = "No such sign-up in the caller's scope"),
    )
)]
#[get("/assignments/{id}")]
pub async fn get_signup(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<AssignmentId>,
) -> Result<HttpResponse, ApiError> {
    let signup = service::signups::get(&db, &user, id.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header(etag(signup.version)).json(signup))
}

/// Cancel a sign-up
///
/// The volunteer's own, or any of the branch by its staff. A freed place goes to
/// the first volunteer on the waitlist. Cancelling twice changes nothing.
#[utoipa::path(
    tag = "shifts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Assignment id")),
    responses(
        (status = 200, description = "Cancelled", body = AssignmentOut),
        (status = 404, description = "No such sign-up in the caller's scope"),
        (status = 409, description = "Attendance is already recorded"),
    )
)]
#[post("/assignments/{id}/cancel")]
pub async fn cancel_signup(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<AssignmentId>,
) -> Result<web::Json<AssignmentOut>, ApiError> {
    Ok(web::Json(service::signups::cancel(&db, &user, id.into_inner()).await?.into()))
}

/// Record attendance
///
/// `attended` or `no_show`, once the shift has started; staff of the branch.
#[utoipa::path(
    tag = "shifts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Assignment id")),
    request_body = AttendanceMark,
    responses(
        (status = 200, description = "Recorded", body = AssignmentOut),
        (status = 404, description = "No such sign-up in the caller's scope"),
        (status = 409, description = "The shift has not started, or the sign-up is cancelled or waitlisted"),
    )
)]
#[post("/assignments/{id}/attendance")]
pub async fn mark_attendance(
    db: web::Data<Db>,
    user: StaffUser,
    id: web::Path<AssignmentId>,
    body: ValidJson<AttendanceMark>,
) -> Result<web::Json<AssignmentOut>, ApiError> {
    Ok(web::Json(
        service::signups::mark_attendance(&db, &user, id.into_inner(), body.into_inner().status).await?.into(),
    ))
}
