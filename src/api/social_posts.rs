use actix_web::{HttpResponse, delete, get, patch, post, web};

use crate::api::etag;
use crate::api::idempotency::{IdempotencyKey, respond};
use crate::api::json::ValidJson;
use crate::api::paging::{Listed, Paging};
use crate::api::query::Query;
use crate::auth::{AuthUser, SessionUser, StaffUser};
use crate::db::Db;
use crate::db::social_posts::PostFilter;
use crate::domain::ids::SocialPostId;
use crate::domain::version::ExpectedVersion;
use crate::dto::page::{decode_time_cursor, paginate, time_key};
use crate::dto::social::{CreatePost, CreateReach, PostFilterQuery, PostOut, ReachOut, ReachPageQuery, UpdatePost};
use crate::dto::{Page, PageQuery};
use crate::error::ApiError;
use crate::service::{self, idempotency};

/// The list's filters as the data layer takes them.
fn post_filter(query: PostFilterQuery) -> PostFilter {
    PostFilter {
        branch: query.branch,
        platform: query.platform,
        author: query.author,
        from: query.from.map(|at| at.naive_utc()),
        to: query.to.map(|at| at.naive_utc()),
        ..PostFilter::default()
    }
}

/// Log a social-media post
///
/// A post published for the campaign: platform, URL (`https`, on a host of the
/// platform: 422 `not_https` or `wrong_platform` naming `url` otherwise),
/// publication time, language and the question topics it explains. Volunteers
/// log their own posts (they are the author, in their branch); coordinators log
/// posts of their branch, written by one of its volunteers
/// (`author_volunteer_id`) or by staff (no author volunteer); admins name the
/// branch or the author. A URL logged already is 409 `duplicate` with
/// `existing_id`. Send an `Idempotency-Key`: a retried post is logged once.
#[utoipa::path(
    tag = "social media",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays return the first response")),
    request_body = CreatePost,
    responses(
        (status = 201, description = "Logged", body = PostOut),
        (status = 409, description = "The URL is logged already; `existing_id` names the post when the caller may see it"),
    )
)]
#[post("/social-posts")]
pub async fn create_post(
    db: web::Data<Db>,
    user: AuthUser,
    key: IdempotencyKey,
    body: ValidJson<CreatePost>,
) -> Result<HttpResponse, ApiError> {
    let scope = format!("POST /social-posts by {}", user.account_id);
    let actor = SessionUser::clone(&user);
    let stored = idempotency::once(&db, scope, key.0, body.into_inner(), move |conn, input| {
        let post = service::social_posts::create(conn, &actor, input)?;
        let out = PostOut::new(post, actor.visibility());
        Ok((201, serde_json::to_string(&out).map_err(ApiError::internal)?))
    })
    .await?;
    Ok(respond(stored))
}

/// List social-media posts
///
/// Posts not removed, each with its latest reach. Admins and observers see every
/// branch (observers without authors), coordinators and volunteers their own.
/// `from` and `to` bound the publication time (`to` exclusive); `author` is a
/// volunteer id (not for observers: 403). With `updated_since` the list pages in change order (a new
/// reach snapshot changes the post).
#[utoipa::path(
    tag = "social media",
    security(("bearer" = [])),
    params(PostFilterQuery, PageQuery),
    responses((status = 200, description = "A page of posts", body = Page<PostOut>))
)]
#[get("/social-posts")]
pub async fn list_posts(
    db: web::Data<Db>,
    user: AuthUser,
    filter: Query<PostFilterQuery>,
    page: Paging,
) -> Result<Listed<PostOut>, ApiError> {
    let limit = page.limit()?;
    let sync = page.updated_since.is_some();
    let filter = PostFilter {
        updated_since: page.updated_since(),
        after: if sync { None } else { page.after()? },
        after_change: if sync { decode_time_cursor(page.after()?)? } else { None },
        ..post_filter(filter.into_inner())
    };
    let rows = service::social_posts::list(&db, &user, filter, i64::from(limit) + 1).await?;
    let visibility = user.visibility();
    let key = |out: &PostOut| if sync { time_key(out.updated_at.naive_utc(), &out.id) } else { out.id.to_string() };
    let items = rows.into_iter().map(|row| PostOut::new(row, visibility)).collect();
    Ok(page.respond(paginate(items, limit, key, |out| out)))
}

/// Export social-media posts as CSV
///
/// The posts the caller may see, with the list's filters, in id order, each
/// with its latest reach, as UTF-8 CSV with a byte-order mark (observers:
/// without authors). Audited.
#[utoipa::path(
    tag = "social media",
    security(("bearer" = [])),
    params(PostFilterQuery),
    responses((status = 200, description = "The CSV file", content_type = "text/csv", body = String))
)]
#[get("/social-posts.csv")]
pub async fn export_posts(
    db: web::Data<Db>,
    user: AuthUser,
    filter: Query<PostFilterQuery>,
) -> Result<HttpResponse, ApiError> {
    let csv = service::social_csv::export(&db, &user, post_filter(filter.into_inner())).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", "attachment; filename=\"social-posts.csv\""))
        .body(csv))
}

/// Get a social-media post
///
/// With its latest reach. A removed post is gone (404).
#[utoipa::path(
    tag = "social media",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id")),
    responses(
        (status = 200, description = "The post", body = PostOut),
        (status = 404, description = "No such post in the caller's scope"),
    )
)]
#[get("/social-posts/{id}")]
pub async fn get_post(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<SocialPostId>,
) -> Result<HttpResponse, ApiError> {
    let post = service::social_posts::get(&db, &user, id.into_inner()).await?;
    let out = PostOut::new(post, user.visibility());
    Ok(HttpResponse::Ok().insert_header(etag(out.version)).json(out))
}

/// Correct a social-media post
///
/// Coordinators of the post's branch and admins: platform, URL, publication
/// time, language, topics. The URL and platform must still agree (422 naming
/// `url`); the publication time may not move after the earliest reach snapshot
/// (422 `before_publication` naming `published_at`). A post keeps its branch
/// and author.
#[utoipa::path(
    tag = "social media",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Post id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on"),
    ),
    request_body = UpdatePost,
    responses(
        (status = 200, description = "Corrected", body = PostOut),
        (status = 404, description = "No such post in the caller's scope"),
        (status = 409, description = "The new URL is logged already"),
    )
)]
#[patch("/social-posts/{id}")]
pub async fn update_post(
    db: web::Data<Db>,
    user: StaffUser,
    id: web::Path<SocialPostId>,
    if_match: ExpectedVersion,
    body: ValidJson<UpdatePost>,
) -> Result<HttpResponse, ApiError> {
    let post = service::social_posts::update(&db, &user, id.into_inner(), body.into_inner(), if_match).await?;
    let out = PostOut::new(post, user.visibility());
    Ok(HttpResponse::Ok().insert_header(etag(out.version)).json(out))
}

/// Remove a social-media post
///
/// Coordinators of the post's branch and admins. The post leaves lists and
/// reports (its snapshots are kept) and its URL may be logged again.
#[utoipa::path(
    tag = "social media",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such post in the caller's scope"),
    )
)]
#[delete("/social-posts/{id}")]
pub async fn remove_post(
    db: web::Data<Db>,
    user: StaffUser,
    id: web::Path<SocialPostId>,
) -> Result<HttpResponse, ApiError> {
    service::social_posts::remove(&db, &user, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Add a reach snapshot to a post
///
/// The post's views, reactions, shares and comments as read at `taken_at`
/// (default now). Snapshots are appended, never overwritten; the post shows the
/// one with the latest `taken_at`. A snapshot before the post's publication is
/// 422 `before_publication` naming `taken_at`. The post's author (a volunteer),
/// coordinators of its branch and admins. Send an `Idempotency-Key`: a retried
/// snapshot is added once.
#[utoipa::path(
    tag = "social media",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Post id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays return the first response"),
    ),
    request_body = CreateReach,
    responses(
        (status = 201, description = "Added", body = ReachOut),
        (status = 404, description = "No such post in the caller's scope"),
    )
)]
#[post("/social-posts/{id}/reach")]
pub async fn add_reach(
    db: web::Data<Db>,
    user: AuthUser,
    key: IdempotencyKey,
    id: web::Path<SocialPostId>,
    body: ValidJson<CreateReach>,
) -> Result<HttpResponse, ApiError> {
    let post = id.into_inner();
    let scope = format!("POST /social-posts/{post}/reach by {}", user.account_id);
    let actor = SessionUser::clone(&user);
    let stored = idempotency::once(&db, scope, key.0, body.into_inner(), move |conn, input| {
        let snapshot = service::social_posts::add_reach(conn, &actor, &post, input)?;
        Ok((201, serde_json::to_string(&ReachOut::from(snapshot)).map_err(ApiError::internal)?))
    })
    .await?;
    Ok(respond(stored))
}

/// List a post's reach snapshots
///
/// Oldest `taken_at` first, for charting growth. Whoever may see the post.
/// Snapshots never change: there is no `updated_since`.
#[utoipa::path(
    tag = "social media",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Post id"), ReachPageQuery),
    responses(
        (status = 200, description = "A page of snapshots", body = Page<ReachOut>),
        (status = 404, description = "No such post in the caller's scope"),
    )
)]
#[get("/social-posts/{id}/reach")]
pub async fn list_reach(
    db: web::Data<Db>,
    user: AuthUser,
    id: web::Path<SocialPostId>,
    page: Paging,
) -> Result<Listed<ReachOut>, ApiError> {
    let limit = page.limit()?;
    let after = decode_time_cursor(page.after()?)?;
    let rows = service::social_posts::reach(&db, &user, id.into_inner(), after, i64::from(limit) + 1).await?;
    let key = |out: &ReachOut| time_key(out.taken_at.naive_utc(), &out.id);
    Ok(page.respond(paginate(rows.into_iter().map(ReachOut::from).collect(), limit, key, |out| out)))
}
