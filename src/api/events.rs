use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, IF_NONE_MATCH};
use actix_web::{CustomizeResponder, Responder};
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};

use crate::api::idempotency::{IdempotencyKey, create_once};

use crate::api::etag;
use crate::api::hot_pages::{HotPage, HotPages};
use crate::api::json::ValidJson;
use crate::api::paging::{Listed, Paging};
use crate::api::query::Query;
use crate::auth::{AuthUser, StaffUser};
use crate::db::Db;
use crate::db::events::EventFilter;
use crate::domain::ids::EventId;
use crate::domain::version::ExpectedVersion;
use crate::dto::event::{
    CreateEvent, EventFilterQuery, EventOut, EventStatusChange, NewShift, PublicEventOut, ShiftSeries, UpdateEvent,
};
use crate::dto::page::{
    NearQuery, PageOnlyQuery, decode_distance_cursor, decode_time_cursor, distance_key, encode_cursor,
    encode_time_cursor,
};
use crate::dto::shift::ShiftSeriesOut;
use crate::dto::{Page, PageQuery};
use crate::error::ApiError;
use crate::service;

/// Create an event
///
/// Any of the campaign's kinds of event, in a branch (coordinators: their own),
/// optionally with its shifts. A new event is a `draft` unless `scheduled` is
/// asked for, which needs at least one shift. Shifts lie within the event.
/// Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays return the first response")),
    request_body = CreateEvent,
    responses((status = 201, description = "Created", body = EventOut))
)]
#[post("/events")]
pub async fn create_event(
    db: web::Data<Db>,
    user: StaffUser,
    key: IdempotencyKey,
    body: ValidJson<CreateEvent>,
) -> Result<HttpResponse, ApiError> {
    create_once(&db, "POST /events".into(), &user, key, body.into_inner(), |conn, actor, input| {
        Ok((StatusCode::CREATED, service::events::create(conn, actor, input)?))
    })
    .await
}

/// List events
///
/// In start order. Staff and volunteers see their branch (volunteers: no drafts);
/// admins and observers every branch. Each event carries its shifts and counts.
/// `near=<lat>,<lng>&radius_km=` keeps the events with coordinates within the
/// radius, nearest first.
///
/// A page within one branch carries an `ETag` that changes with every write to
/// the branch's events, shifts and sign-ups: send it back in `If-None-Match`
/// and an unchanged page answers 304 without a body.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(EventFilterQuery, NearQuery, PageQuery),
    responses(
        (status = 200, description = "A page of events", body = Page<EventOut>),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`"),
    )
)]
#[get("/events")]
pub async fn list_events(
    db: web::Data<Db>,
    kept: web::Data<EventPages>,
    request: HttpRequest,
    user: AuthUser,
    filter: Query<EventFilterQuery>,
    near: Query<NearQuery>,
    page: Paging,
) -> Result<HttpResponse, ApiError> {
    let limit = page.limit()?;
    // With `updated_since` the list is a sync, paged in change order.
    let sync = page.updated_since.is_some();
    let filter = filter.into_inner();
    let near = near.parse(sync)?;
    let filter = EventFilter {
        branch: filter.branch,
        locality_id: filter.locality_id,
        kind: filter.kind,
        status: filter.status,
        exclude_status: None,
        exclude_meetings: false,
        from: filter.from.map(|at| at.naive_utc()),
        to: filter.to.map(|at| at.naive_utc()),
        has_free_places: filter.has_free_places.unwrap_or(false),
        updated_since: page.updated_since(),
        after: if sync || near.is_some() { None } else { decode_time_cursor(page.after()?)? },
        after_change: if sync { decode_time_cursor(page.after()?)? } else { None },
        after_near: if near.is_some() { decode_distance_cursor(page.after()?)? } else { None },
        near,
    };
    // A page within one branch is kept serialised while the branch's change
    // counter stays where it was (`hot_pages`); read the counter first.
    let hot = service::events::page_version(&db, &user, &filter).await?.map(|version| HotPage {
        key: format!("{}|{}|{}", version.branch, version.drafts_hidden, request.query_string()),
        version: version.version,
    });
    if let Some(hot) = &hot {
        if hot.not_modified_for(request.headers().get(IF_NONE_MATCH)) {
            return Ok(hot.not_modified());
        }
        if let Some(answer) = kept.answer(hot) {
            return Ok(answer);
        }
    }
    let mut items = service::events::list(&db, &user, filter, i64::from(limit) + 1).await?;
    let next_cursor = if items.len() > limit as usize {
        items.truncate(limit as usize);
        match (items.last(), near) {
            (Some(event), Some(near)) => {
                let distance = service::events::distance(&db, event.id.clone(), near).await?;
                Some(encode_cursor(&distance_key(distance, &event.id)))
            }
            (Some(event), None) => {
                let at = if sync { event.updated_at } else { event.starts_at };
                Some(encode_time_cursor(at.naive_utc(), &event.id))
            }
            (None, _) => None,
        }
    } else {
        None
    };
    let listed = page.respond(Page { items, next_cursor });
    match hot {
        Some(hot) => {
            let (body, link) = listed.serialised()?;
            Ok(kept.keep(hot, body, link))
        }
        None => Ok(listed.respond_to(&request)),
    }
}

/// The serialised events pages of this process ([`HotPages`]).
#[derive(Debug, Default)]
pub struct EventPages(HotPages);

impl std::ops::Deref for EventPages {
    type Target = HotPages;

    fn deref(&self) -> &HotPages {
        &self.0
    }
}

/// Get an event
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Event id")),
    responses(
        (status = 200, description = "The event with its shifts and counts", body = EventOut),
        (status = 404, description = "No such event in the caller's scope"),
    )
)]
#[get("/events/{id}")]
pub async fn get_event(db: web::Data<Db>, user: AuthUser, id: web::Path<EventId>) -> Result<HttpResponse, ApiError> {
    let event = service::events::get(&db, &user, id.into_inner()).await?;
    Ok(HttpResponse::Ok().insert_header(etag(event.version)).json(event))
}

/// Update an event
///
/// Drafts and scheduled events only; the new time span must still hold every
/// shift. Send `If-Match` (or `version`).
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Event id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on"),
    ),
    request_body = UpdateEvent,
    responses(
        (status = 200, description = "Updated", body = EventOut),
        (status = 404, description = "No such event in the caller's scope"),
        (status = 409, description = "Completed or cancelled, or shifts would fall outside"),
        (status = 412, description = "The event changed since the given version"),
    )
)]
#[patch("/events/{id}")]
pub async fn update_event(
    db: web::Data<Db>,
    user: StaffUser,
    id: web::Path<EventId>,
    if_match: ExpectedVersion,
    body: ValidJson<UpdateEvent>,
) -> Result<HttpResponse, ApiError> {
    let event = service::events::update(&db, &user, id.into_inner(), body.into_inner(), if_match).await?;
    Ok(HttpResponse::Ok().insert_header(etag(event.version)).json(event))
}

/// Change an event's status
///
/// `draft → scheduled → completed`, or `cancelled` (with a reason) from draft or
/// scheduled; cancelling cancels every sign-up. Other moves answer 409.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Event id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on"),
    ),
    request_body = EventStatusChange,
    responses(
        (status = 200, description = "Changed", body = EventOut),
        (status = 404, description = "No such event in the caller's scope"),
        (status = 409, description = "Illegal status change, or no shifts to schedule"),
        (status = 412, description = "The event changed since the given version"),
    )
)]
#[post("/events/{id}/status")]
pub async fn change_event_status(
    db: web::Data<Db>,
    user: StaffUser,
    id: web::Path<EventId>,
    if_match: ExpectedVersion,
    body: ValidJson<EventStatusChange>,
) -> Result<HttpResponse, ApiError> {
    let event = service::events::change_status(&db, &user, id.into_inner(), body.into_inner(), if_match).await?;
    Ok(HttpResponse::Ok().insert_header(etag(event.version)).json(event))
}

/// Add a shift to an event
///
/// A shift at exactly the start and end of one the event has (not cancelled)
/// is 409 `duplicate` naming it in `existing_id`. Send an `Idempotency-Key` to
/// make retries safe.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Event id"), ("Idempotency-Key" = Option<String>, Header, description = "Replays return the first response")),
    request_body = NewShift,
    responses(
        (status = 201, description = "Added; the event with all its shifts", body = EventOut),
        (status = 404, description = "No such event in the caller's scope"),
        (status = 409, description = "The event is completed or cancelled, or has a shift at this start and end"),
    )
)]
#[post("/events/{id}/shifts")]
pub async fn add_shift(
    db: web::Data<Db>,
    user: StaffUser,
    key: IdempotencyKey,
    id: web::Path<EventId>,
    body: ValidJson<NewShift>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let operation = format!("POST /events/{id}/shifts");
    create_once(&db, operation, &user, key, body.into_inner(), move |conn, actor, input| {
        Ok((StatusCode::CREATED, service::events::add_shift(conn, actor, &id, input)?))
    })
    .await
}

/// Add a daily series of shifts
///
/// One shift per day from `from_date` to `to_date` (optionally only on some
/// weekdays), from `start_time` to `end_time` in the branch's local time zone.
/// At most 100 days; every shift must lie within the event. A day whose shift
/// the event already has (the same start and end, not cancelled) is skipped and
/// listed in `skipped`, so sending a series twice creates nothing twice. An
/// `Idempotency-Key` replays the first answer.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Event id"), ("Idempotency-Key" = Option<String>, Header, description = "Replays return the first response")),
    request_body = ShiftSeries,
    responses(
        (status = 201, description = "Added: the event with all its shifts, the new shifts and the days skipped", body = ShiftSeriesOut),
        (status = 200, description = "Nothing new: every day already had its shift (see `skipped`)", body = ShiftSeriesOut),
        (status = 404, description = "No such event in the caller's scope"),
        (status = 409, description = "The event is completed or cancelled"),
    )
)]
#[post("/events/{id}/shifts/series")]
pub async fn add_shift_series(
    db: web::Data<Db>,
    user: StaffUser,
    key: IdempotencyKey,
    id: web::Path<EventId>,
    body: ValidJson<ShiftSeries>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let operation = format!("POST /events/{id}/shifts/series");
    create_once(&db, operation, &user, key, body.into_inner(), move |conn, actor, input| {
        let series = service::events::add_series(conn, actor, &id, input)?;
        Ok((if series.created.is_empty() { StatusCode::OK } else { StatusCode::CREATED }, series))
    })
    .await
}

/// A branch's upcoming events (public)
///
/// No token. The branch's scheduled events that have not ended, in start order,
/// with their shifts that are not cancelled and their free places: for a web
/// site to show and to offer in the volunteer application (`shift_id`). No
/// personal data, no drafts, no meetings (they are arranged with their
/// audience). `Cache-Control: public, max-age=60` and a weak `ETag`: poll with
/// `If-None-Match` and an unchanged page answers 304.
#[utoipa::path(
    tag = "events",
    params(("code" = String, Path, description = "Branch code", example = "KZ-71"), PageOnlyQuery),
    responses(
        (status = 200, description = "A page of upcoming events", body = Page<PublicEventOut>),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`"),
        (status = 404, description = "No such branch"),
    )
)]
#[get("/branches/{code}/events")]
pub async fn public_branch_events(
    db: web::Data<Db>,
    code: web::Path<String>,
    page: Paging,
) -> Result<CustomizeResponder<Listed<PublicEventOut>>, ApiError> {
    let limit = page.limit()?;
    let after = decode_time_cursor(page.after()?)?;
    let mut items = service::events::public_feed(&db, code.into_inner(), after, i64::from(limit) + 1).await?;
    let next_cursor = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|event| encode_time_cursor(event.starts_at.naive_utc(), &event.id))
    } else {
        None
    };
    Ok(page.respond(Page { items, next_cursor }).customize().insert_header((CACHE_CONTROL, "public, max-age=60")))
}
