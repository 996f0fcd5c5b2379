use actix_web::{HttpResponse, get, patch, post, web};

use crate::api::etag;
use crate::api::idempotency::{IdempotencyKey, create_once};
use crate::api::json::ValidJson;
use crate::api::paging::{Listed, Paging};
use crate::api::query::Query;
use crate::auth::password::PasswordHasher;
use crate::auth::{AuthUser, Authorized, RoleSet, StaffUser};
use crate::db::Db;
use crate::db::volunteers::VolunteerFilter;
use crate::domain::ids::VolunteerId;
use crate::domain::role::Role;
use crate::domain::version::ExpectedVersion;
use crate::domain::visibility::Visibility;
use crate::dto::page::{decode_time_cursor, paginate, time_key};
use crate::dto::volunteer::{
    ApprovalOut, ApproveApplication, CreateVolunteer, RejectApplication, UpdateVolunteer, VolunteerFilterQuery,
    VolunteerOut,
};
use crate::dto::{Page, PageQuery};
use crate::error::ApiError;
use crate::service;
use actix_web::http::StatusCode;

/// Who may list volunteers: staff, and observers without personal data.
#[derive(Debug, Clone)]
pub struct VolunteerReaders;

impl RoleSet for VolunteerReaders {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Coordinator, Role::Observer];
}

/// The list's filters as the data layer takes them. A phone-looking `q` matches
/// the stored digits whatever the spelling (a domestic leading 8 is the trunk
/// prefix, not part of the number).
pub fn volunteer_filter(query: VolunteerFilterQuery) -> VolunteerFilter {
    let search = query.q.map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty()).map(|q| {
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        let digits = digits.strip_prefix('8').map(str::to_owned).unwrap_or(digits);
        if !digits.is_empty() && q.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c)) { digits } else { q }
    });
    VolunteerFilter {
        branch: query.branch,
        locality_id: query.locality_id,
        status: query.status,
        skill: query.skill.map(|skill| skill.trim().to_lowercase()),
        language: query.language.map(|language| language.as_str().to_owned()),
        member_organisation_id: query.member_organisation_id,
        youth_wing: query.youth_wing,
        search,
        updated_since: None,
        after: None,
        after_change: None,
    }
}

/// Record a volunteer
///
/// Admins name the branch; coordinators record volunteers of their own branch.
/// The phone is normalised to E.164 and must be unique: a second registration
/// answers 409 with `existing_id` when the caller may see that volunteer. Consent
/// to personal-data processing is required; under 18, a guardian's consent too.
/// Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = "volunteers",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays return the first response")),
    request_body = CreateVolunteer,
    responses(
        (status = 201, description = "Recorded", body = VolunteerOut),
        (status = 409, description = "The phone number is registered already"),
    )
)]
#[post("/volunteers")]
pub async fn create_volunteer(
    db: web::Data<Db>,
    user: StaffUser,
    key: IdempotencyKey,
    body: ValidJson<CreateVolunteer>,
) -> Result<HttpResponse, ApiError> {
    create_once(&db, "POST /volunteers".into(), &user, key, body.into_inner(), |conn, actor, input| {
        Ok((StatusCode::CREATED, VolunteerOut::new(service::volunteers::create(conn, actor, input)?, Visibility::Full)))
    })
    .await
}

/// List volunteers
///
/// Admins see every branch's volunteers, coordinators their branch's; observers
/// see every branch's without personal fields and cannot search by name or
/// phone. Staff see an applicant's `requested_shift_id`.
#[utoipa::path(
    tag = "volunteers",
    security(("bearer" = [])),
    params(VolunteerFilterQuery, PageQuery),
    responses((status = 200, description = "A page of volunteers", body = Page<VolunteerOut>))
)]
#[get("/volunteers")]
pub async fn list_volunteers(
    db: web::Data<Db>,
    user: Authorized<VolunteerReaders>,
    filter: Query<VolunteerFilterQuery>,
    page: Paging,
) -> Result<Listed<VolunteerOut>, ApiError> {
    let limit = page.limit()?;
    // With `updated_since` the list is a sync, paged in change order.
    let sync = page.updated_since.is_some();
    let filter = VolunteerFilter {
        updated_since: page.updated_since(),
        after: if sync { None } else { page.after()? },
        after_change: if sync { decode_time_cursor(page.after()?)? } else { None },
        ..volunteer_filter(filter.into_inner())
    };
    let rows = service::volunteers::list(&db, &user, filter, i64::from(limit) + 1).await?;
    let key =
        |row: &VolunteerOut| if sync { time_key(row.updated_at.naive_utc(), &row.id) } else { row.id.to_string() };
    Ok(page.respond(paginate(rows, limit, key, |row| row)))
}

/// Get a volunteer
///
/// Staff read the volunteers of their scope, a volunteer their own record,
/// observers anyone without personal fields. Reads of personal data are audited.
#[utoipa::path(
    tag = "volunteers",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Volunteer id")),
    responses(
        (status = 200, description = "The volunteer; `ETag` carries its version", body = VolunteerOut),
        (status = 404, description = "No such volunteer in the caller's scope"),
    )
)]
#[get("/volunteers/{id}")]
pub async fn get_volunteer(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<VolunteerId>,
) -> Result<HttpResponse, ApiError> {
    let volunteer = service::volunteers::get(&db, &user, id.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header(etag(volunteer.version)).json(volunteer))
}

/// Update a volunteer
///
/// A partial update by admins or the branch's coordinators. Status moves follow
/// `applicant → active ↔ paused → left` (409 otherwise). Send `If-Match` (or
/// `version`) to avoid overwriting a concurrent change (412).
#[utoipa::path(
    tag = "volunteers",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Volunteer id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on"),
    ),
    request_body = UpdateVolunteer,
    responses(
        (status = 200, description = "Updated", body = VolunteerOut),
        (status = 404, description = "No such volunteer in the caller's scope"),
        (status = 409, description = "Illegal status change, a taken phone, or an anonymised record"),
        (status = 412, description = "The volunteer changed since the given version"),
    )
)]
#[patch("/volunteers/{id}")]
pub async fn update_volunteer(
    db: web::Data<Db>,
    user: StaffUser,
    id: web::Path<VolunteerId>,
    if_match: ExpectedVersion,
    body: ValidJson<UpdateVolunteer>,
) -> Result<HttpResponse, ApiError> {
    let volunteer = service::volunteers::update(&db, &user, id.into_inner(), body.into_inner(), if_match).await?;
    Ok(HttpResponse::Ok().insert_header(etag(volunteer.version)).json(VolunteerOut::new(volunteer, Visibility::Full)))
}

/// Anonymise a volunteer
///
/// Erases the personal fields irreversibly (name, phone, email, birth date,
/// guardian, availability), keeps the record for statistics, sets the status to
/// `left` and closes a linked account. Admins or the branch's coordinators.
/// Anonymising twice changes nothing.
#[utoipa::path(
    tag = "volunteers",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Volunteer id")),
    responses(
        (status = 200, description = "Anonymised", body = VolunteerOut),
        (status = 404, description = "No such volunteer in the caller's scope"),
    )
)]
#[post("/volunteers/{id}/anonymise")]
pub async fn anonymise_volunteer(
    db: web::Data<Db>,
    user: StaffUser,
    id: web::Path<VolunteerId>,
) -> Result<HttpResponse, ApiError> {
    let volunteer = service::volunteers::anonymise(&db, &user, id.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header(etag(volunteer.version)).json(VolunteerOut::new(volunteer, Visibility::Full)))
}

/// Approve an application
///
/// The applicant becomes `active`. With `account_email`, a volunteer account is
/// created and linked, with a one-time password returned once.
#[utoipa::path(
    tag = "volunteers",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Volunteer id")),
    request_body = ApproveApplication,
    responses(
        (status = 200, description = "Approved", body = ApprovalOut),
        (status = 404, description = "No such volunteer in the caller's scope"),
        (status = 409, description = "Not an applicant, or the account email is taken"),
    )
)]
#[post("/volunteers/{id}/approve")]
pub async fn approve_application(
    db: web::Data<Db>,
    passwords: web::Data<PasswordHasher>,
    user: StaffUser,
    id: web::Path<VolunteerId>,
    body: ValidJson<ApproveApplication>,
) -> Result<web::Json<ApprovalOut>, ApiError> {
    let approval = service::applications::approve(&db, &passwords, &user, id.into_inner(), body.into_inner()).await?;
    Ok(web::Json(approval))
}

/// Reject an application
///
/// The applicant's record is closed (`left`); the reason goes to the audit log.
#[utoipa::path(
    tag = "volunteers",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Volunteer id")),
    request_body = RejectApplication,
    responses(
        (status = 200, description = "Rejected", body = VolunteerOut),
        (status = 404, description = "No such volunteer in the caller's scope"),
        (status = 409, description = "Not an applicant"),
    )
)]
#[post("/volunteers/{id}/reject")]
pub async fn reject_application(
    db: web::Data<Db>,
    user: StaffUser,
    id: web::Path<VolunteerId>,
    body: ValidJson<RejectApplication>,
) -> Result<web::Json<VolunteerOut>, ApiError> {
    Ok(web::Json(service::applications::reject(&db, &user, id.into_inner(), body.into_inner().reason).await?))
}
