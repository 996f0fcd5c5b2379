use crate::api::idempotency::{IdempotencyKey, create_once};
use crate::api::paging::{Listed, Paging};
use crate::api::query::Query;
use crate::domain::ids::{RouteId, VolunteerId};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, EntityTag};
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};

use crate::api::etag;
use crate::api::json::ValidJson;
use crate::api::json::read_body;
use crate::auth::{AuthUser, StaffUser};
use crate::db::Db;
use crate::db::routes::RouteFilter;
use crate::domain::version::ExpectedVersion;
use crate::dto::page::{
    NearQuery, decode_distance_cursor, decode_time_cursor, distance_key, encode_cursor, paginate, time_key,
};
use crate::dto::route::{
    AssignVolunteer, BatchResult, CreateRoute, ReplaceStops, RouteFilterQuery, RouteOut, RoutePack, VisitBatch,
};
use crate::dto::{Page, PageQuery};
use crate::error::ApiError;
use crate::service;

/// Largest visit batch body: 500 visits with notes fit with room to spare.
const BATCH_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// Cut a door-to-door route
///
/// A named, ordered list of up to 500 stops in a locality of the caller's
/// branch, optionally tied to an event and shift, optionally assigned to active
/// volunteers of the branch right away. One call.
/// Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = "door-to-door",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays return the first response")),
    request_body = CreateRoute,
    responses(
        (status = 201, description = "Created", body = RouteOut),
        (status = 409, description = "A volunteer of another branch or not active"),
    )
)]
#[post("/routes")]
pub async fn create_route(
    db: web::Data<Db>,
    user: StaffUser,
    key: IdempotencyKey,
    body: ValidJson<CreateRoute>,
) -> Result<HttpResponse, ApiError> {
    create_once(&db, "POST /routes".into(), &user, key, body.into_inner(), |conn, actor, input| {
        Ok((StatusCode::CREATED, service::routes::create(conn, actor, input)?))
    })
    .await
}

/// List routes
///
/// Staff see their branch's routes, volunteers the routes assigned to them,
/// admins and observers all. Without stops (see the route itself).
/// `near=<lat>,<lng>&radius_km=` keeps the routes whose first stop lies within
/// the radius, nearest first.
#[utoipa::path(
    tag = "door-to-door",
    security(("bearer" = [])),
    params(RouteFilterQuery, NearQuery, PageQuery),
    responses((status = 200, description = "A page of routes", body = Page<RouteOut>))
)]
#[get("/routes")]
pub async fn list_routes(
    db: web::Data<Db>,
    user: AuthUser,
    filter: Query<RouteFilterQuery>,
    near: Query<NearQuery>,
    page: Paging,
) -> Result<Listed<RouteOut>, ApiError> {
    let limit = page.limit()?;
    // With `updated_since` the list is a sync, paged in change order.
    let sync = page.updated_since.is_some();
    let near = near.parse(sync)?;
    let filter = filter.into_inner();
    let filter = RouteFilter {
        branch: filter.branch,
        locality_id: filter.locality_id,
        status: filter.status,
        event_id: filter.event_id,
        assignee: filter.volunteer_id,
        updated_since: page.updated_since(),
        after: if sync || near.is_some() { None } else { page.after()? },
        after_change: if sync { decode_time_cursor(page.after()?)? } else { None },
        after_near: if near.is_some() { decode_distance_cursor(page.after()?)? } else { None },
        near,
    };
    let rows = service::routes::list(&db, &user, filter, i64::from(limit) + 1).await?;
    if let Some(near) = near {
        let mut page_rows = paginate(rows, limit, |_| String::new(), |route| route);
        if page_rows.next_cursor.is_some()
            && let Some(last) = page_rows.items.last()
        {
            let distance = service::routes::distance(&db, last.id.clone(), near).await?;
            page_rows.next_cursor = Some(encode_cursor(&distance_key(distance, &last.id)));
        }
        return Ok(page.respond(page_rows));
    }
    let key =
        |route: &RouteOut| if sync { time_key(route.updated_at.naive_utc(), &route.id) } else { route.id.to_string() };
    Ok(page.respond(paginate(rows, limit, key, |route| route)))
}

/// Get a route
///
/// With its stops in walking order, assignees and progress.
#[utoipa::path(
    tag = "door-to-door",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Route id")),
    responses(
        (status = 200, description = "The route", body = RouteOut),
        (status = 404, description = "No such route in the caller's scope"),
    )
)]
#[get("/routes/{id}")]
pub async fn get_route(db: web::Data<Db>, user: AuthUser, id: web::Path<RouteId>) -> Result<HttpResponse, ApiError> {
    let route = service::routes::get(&db, &user, id.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header(etag(route.version)).json(route))
}

/// Replace a route's stops
///
/// The complete list in the new walking order: stops listed with their `id` are
/// kept, new ones added, unlisted ones removed (never one with visits: 409).
#[utoipa::path(
    tag = "door-to-door",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Route id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on"),
    ),
    request_body = ReplaceStops,
    responses(
        (status = 200, description = "Replaced", body = RouteOut),
        (status = 404, description = "No such route in the caller's scope"),
        (status = 409, description = "A stop with visits would be removed"),
        (status = 412, description = "The route changed since the given version"),
    )
)]
#[put("/routes/{id}/stops")]
pub async fn replace_stops(
    db: web::Data<Db>,
    user: StaffUser,
    id: web::Path<RouteId>,
    if_match: ExpectedVersion,
    body: ValidJson<ReplaceStops>,
) -> Result<HttpResponse, ApiError> {
    let route = service::routes::replace_stops(&db, &user, id.into_inner(), body.into_inner(), if_match).await?;
    Ok(HttpResponse::Ok().insert_header(etag(route.version)).json(route))
}

/// Assign a volunteer to a route
///
/// An active volunteer of the route's branch (409 otherwise). Assigning twice
/// changes nothing.
#[utoipa::path(
    tag = "door-to-door",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Route id")),
    request_body = AssignVolunteer,
    responses(
        (status = 200, description = "Assigned", body = RouteOut),
        (status = 404, description = "No such route in the caller's scope"),
        (status = 409, description = "The volunteer is of another branch or not active"),
    )
)]
#[post("/routes/{id}/assignees")]
pub async fn assign_route(
    db: web::Data<Db>,
    user: StaffUser,
    id: web::Path<RouteId>,
    body: ValidJson<AssignVolunteer>,
) -> Result<web::Json<RouteOut>, ApiError> {
    Ok(web::Json(service::routes::assign(&db, &user, id.into_inner(), body.into_inner().volunteer_id).await?))
}

/// Unassign a volunteer from a route
#[utoipa::path(
    tag = "door-to-door",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Route id"), ("volunteer_id" = String, Path, description = "Volunteer id")),
    responses(
        (status = 200, description = "Unassigned", body = RouteOut),
        (status = 404, description = "No such route, or the volunteer is not on it"),
    )
)]
#[delete("/routes/{id}/assignees/{volunteer_id}")]
pub async fn unassign_route(
    db: web::Data<Db>,
    user: StaffUser,
    path: web::Path<(RouteId, VolunteerId)>,
) -> Result<web::Json<RouteOut>, ApiError> {
    let (id, volunteer_id) = path.into_inner();
    Ok(web::Json(service::routes::unassign(&db, &user, id, volunteer_id).await?))
}

/// Download a route pack for offline work
///
/// The route, its stops, the visits recorded so far, the event's time window and
/// the question topics. Carries an `ETag`; send it back as `If-None-Match` to get
/// 304 when nothing changed.
#[utoipa::path(
    tag = "door-to-door",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Route id"),
        ("If-None-Match" = Option<String>, Header, description = "The pack's previous `ETag`"),
    ),
    responses(
        (status = 200, description = "The pack", body = RoutePack),
        (status = 304, description = "Unchanged since the given `ETag`"),
        (status = 404, description = "No such route in the caller's scope"),
    )
)]
#[get("/routes/{id}/pack")]
pub async fn route_pack(db: web::Data<Db>, user: AuthUser, id: web::Path<RouteId>) -> Result<HttpResponse, ApiError> {
    // `If-None-Match` is answered by the conditional-GET middleware.
    let (pack, tag) = service::routes::pack(&db, &user, id.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header(header::ETag(EntityTag::new_strong(tag))).json(pack))
}

/// Sync a batch of visits
///
/// Up to 500 visits recorded offline, each with its phone-generated UUID. Each is
/// checked and stored on its own: `created`, `duplicate` (received before; the
/// stored visit is returned) or `rejected` (with the field and rule). Replaying a
/// batch stores nothing twice. The route's assigned volunteers and its branch's
/// staff may sync.
///
/// A visit's `materials` (per material; `materials_left` is their sum) are
/// handed out from what the visiting volunteer carries (a staff sync: from the
/// route's branch), in the visit's transaction and once per visit id. An item
/// whose holding is short is rejected on its own (`insufficient_stock`, naming
/// the material, the balance and the quantity asked); the route pack's
/// `materials_held` is what to check before handing out.
#[utoipa::path(
    tag = "door-to-door",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Route id")),
    request_body = VisitBatch,
    responses(
        (status = 200, description = "A result per item, and the route's progress", body = BatchResult),
        (status = 404, description = "No such route in the caller's scope"),
    )
)]
#[post("/routes/{id}/visits:batch")]
pub async fn sync_visits(
    req: HttpRequest,
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<RouteId>,
    payload: web::Payload,
) -> Result<web::Json<BatchResult>, ApiError> {
    let body = read_body(&req, payload, "application/json", BATCH_BODY_LIMIT).await?;
    Ok(web::Json(service::visits::sync_batch(&db, &user, id.into_inner(), body).await?))
}
