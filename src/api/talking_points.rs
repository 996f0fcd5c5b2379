use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};

use crate::api::etag;
use crate::api::idempotency::{IdempotencyKey, create_once};
use crate::api::json::ValidJson;
use crate::api::paging::{Listed, Paging};
use crate::api::query::Query;
use crate::auth::{AdminUser, AuthUser};
use crate::db::Db;
use crate::db::talking_points::PointFilter;
use crate::domain::ids::TalkingPointId;
use crate::domain::version::ExpectedVersion;
use crate::dto::page::{decode_time_cursor, paginate, time_key};
use crate::dto::talking_point::{TalkingPointContent, TalkingPointFilterQuery, TalkingPointOut, UpdateTalkingPoint};
use crate::dto::{Page, PageQuery};
use crate::error::ApiError;
use crate::service;
use crate::service::talking_points::topics_text;

fn answer(point: crate::db::talking_points::TalkingPoint, admin: bool) -> Result<HttpResponse, ApiError> {
    let out = TalkingPointOut::new(point, admin)?;
    Ok(HttpResponse::Ok().insert_header(etag(out.version)).json(out))
}

/// Write a talking point
///
/// Admins (HQ): a new item of the library as a draft (version 1) that only
/// admins see until it is published. A `question` item is a question people
/// ask and its answer; an `article` item is a point about an article of the
/// draft constitution (`article` required: 422 `required`; a `question` item
/// with one is 422 `not_allowed`). Texts in Kazakh and Russian, English
/// optional. Send an `Idempotency-Key`: a retried item is written once.
#[utoipa::path(
    tag = "talking points",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays return the first response")),
    request_body = TalkingPointContent,
    responses(
        (status = 201, description = "Written as a draft", body = TalkingPointOut),
        (status = 403, description = "Not an admin"),
    )
)]
#[post("/talking-points")]
pub async fn create_point(
    db: web::Data<Db>,
    user: AdminUser,
    key: IdempotencyKey,
    body: ValidJson<TalkingPointContent>,
) -> Result<HttpResponse, ApiError> {
    create_once(&db, "POST /talking-points".into(), &user, key, body.into_inner(), |conn, actor, input| {
        let point = service::talking_points::create(conn, actor, input)?;
        Ok((StatusCode::CREATED, TalkingPointOut::new(point, true)?))
    })
    .await
}

/// List talking points
///
/// Everyone signed in: the published items that are not retired, each with its
/// published copy. Admins see every item (drafts and retired ones too) with its
/// draft. `topic` keeps the items tagged with that question topic. With
/// `updated_since` the list pages in change order (a new draft version changes
/// the item); a retired item simply stops appearing for the field.
#[utoipa::path(
    tag = "talking points",
    security(("bearer" = [])),
    params(TalkingPointFilterQuery, PageQuery),
    responses((status = 200, description = "A page of talking points", body = Page<TalkingPointOut>))
)]
#[get("/talking-points")]
pub async fn list_points(
    db: web::Data<Db>,
    user: AuthUser,
    filter: Query<TalkingPointFilterQuery>,
    page: Paging,
) -> Result<Listed<TalkingPointOut>, ApiError> {
    let limit = page.limit()?;
    let sync = page.updated_since.is_some();
    let filter = PointFilter {
        topic: filter.into_inner().topic.map(|topic| topics_text(&[topic])),
        updated_since: page.updated_since(),
        after: if sync { None } else { page.after()? },
        after_change: if sync { decode_time_cursor(page.after()?)? } else { None },
        ..PointFilter::default()
    };
    let rows = service::talking_points::list(&db, &user, filter, i64::from(limit) + 1).await?;
    let admin = user.is_admin();
    let items = rows.into_iter().map(|row| TalkingPointOut::new(row, admin)).collect::<Result<Vec<_>, _>>()?;
    let key =
        |out: &TalkingPointOut| if sync { time_key(out.updated_at.naive_utc(), &out.id) } else { out.id.to_string() };
    Ok(page.respond(paginate(items, limit, key, |out| out)))
}

/// Get a talking point
///
/// Everyone signed in reads a published item that is not retired; admins read
/// every item, with its draft.
#[utoipa::path(
    tag = "talking points",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Talking point id")),
    responses(
        (status = 200, description = "The talking point", body = TalkingPointOut),
        (status = 404, description = "No such item, or not published for the caller"),
    )
)]
#[get("/talking-points/{id}")]
pub async fn get_point(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<TalkingPointId>,
) -> Result<HttpResponse, ApiError> {
    let point = service::talking_points::get(&db, &user, id.into_inner()).await?;
    answer(point, user.is_admin())
}

/// Edit a talking point's draft
///
/// Admins: the fields given replace the draft's; each edit makes the next
/// version. What the field sees changes only when the draft is published. A
/// retired item is 409 `illegal_status_change`.
#[utoipa::path(
    tag = "talking points",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Talking point id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on"),
    ),
    request_body = UpdateTalkingPoint,
    responses(
        (status = 200, description = "The new draft version", body = TalkingPointOut),
        (status = 404, description = "No such item"),
        (status = 409, description = "The item is retired"),
    )
)]
#[patch("/talking-points/{id}")]
pub async fn update_point(
    db: web::Data<Db>,
    user: AdminUser,
    id: web::Path<TalkingPointId>,
    if_match: ExpectedVersion,
    body: ValidJson<UpdateTalkingPoint>,
) -> Result<HttpResponse, ApiError> {
    let point = service::talking_points::update(&db, &user, id.into_inner(), body.into_inner(), if_match).await?;
    answer(point, true)
}

/// Publish a talking point
///
/// Admins: the current draft becomes what the field sees, as the next version
/// (`published_version`, `published_at`). Send `If-Match` with the version
/// reviewed: a draft edited meanwhile is 412. Publishing a draft published
/// already changes nothing. A retired item is 409 `illegal_status_change`.
#[utoipa::path(
    tag = "talking points",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Talking point id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the draft to publish"),
    ),
    responses(
        (status = 200, description = "Published", body = TalkingPointOut),
        (status = 404, description = "No such item"),
        (status = 409, description = "The item is retired"),
    )
)]
#[post("/talking-points/{id}/publish")]
pub async fn publish_point(
    db: web::Data<Db>,
    user: AdminUser,
    id: web::Path<TalkingPointId>,
    if_match: ExpectedVersion,
) -> Result<HttpResponse, ApiError> {
    let point = service::talking_points::publish(&db, &user, id.into_inner(), if_match).await?;
    answer(point, true)
}

/// Retire a talking point
///
/// Admins: the field no longer sees the item (lists, packs and briefs leave it
/// out); admins still read it. Retiring is final: a retired item is 409
/// `illegal_status_change`.
#[utoipa::path(
    tag = "talking points",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Talking point id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on"),
    ),
    responses(
        (status = 200, description = "Retired", body = TalkingPointOut),
        (status = 404, description = "No such item"),
        (status = 409, description = "Retired already"),
    )
)]
#[post("/talking-points/{id}/retire")]
pub async fn retire_point(
    db: web::Data<Db>,
    user: AdminUser,
    id: web::Path<TalkingPointId>,
    if_match: ExpectedVersion,
) -> Result<HttpResponse, ApiError> {
    let point = service::talking_points::retire(&db, &user, id.into_inner(), if_match).await?;
    answer(point, true)
}
