//! Meeting follow-ups across meetings: the list and marking one done.

use actix_web::{get, post, web};

use crate::api::paging::{Listed, Paging};
use crate::api::query::Query;
use crate::auth::{AuthUser, StaffUser};
use crate::db::Db;
use crate::db::follow_ups::FollowUpFilter;
use crate::dto::Page;
use crate::dto::follow_up::{FollowUpFilterQuery, follow_up_key, parse_follow_up_key};
use crate::dto::meeting::FollowUpOut;
use crate::dto::page::encode_cursor;
use crate::error::{ApiError, ErrorCode};
use crate::service;

/// List follow-ups
///
/// The follow-ups of meeting reports, across meetings, by due date: who owes
/// what, and what is overdue (`overdue=true`: open and due before today, UTC).
/// Coordinators and volunteers read their branch's, admins and observers every
/// branch's; observers get `owner` blank and may not filter by it (403).
/// A keyset page `{items, next_cursor}`.
#[utoipa::path(
    tag = "meetings",
    security(("bearer" = [])),
    params(FollowUpFilterQuery),
    responses((status = 200, description = "A page of follow-ups", body = Page<FollowUpOut>))
)]
#[get("/follow-ups")]
pub async fn list_follow_ups(
    db: web::Data<Db>,
    user: AuthUser,
    query: Query<FollowUpFilterQuery>,
    page: Paging,
) -> Result<Listed<FollowUpOut>, ApiError> {
    let query = query.into_inner();
    let limit = page.limit()?;
    let after = match page.after()? {
        Some(key) => Some(parse_follow_up_key(&key).ok_or_else(|| {
            ApiError::invalid("query.cursor", ErrorCode::InvalidCursor, "cursor is not one this API issued")
        })?),
        None => None,
    };
    let filter = FollowUpFilter {
        branch: query.branch,
        meeting_id: query.meeting_id,
        owner: query.owner.map(|owner| owner.trim().to_owned()),
        done: query.done,
        overdue: query.overdue,
        today: None,
        after,
    };
    let mut items = service::follow_ups::list(&db, &user, filter, i64::from(limit) + 1).await?;
    let next_cursor = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|item| encode_cursor(&follow_up_key(item.due_date, &item.id)))
    } else {
        None
    };
    Ok(page.respond(Page { items, next_cursor }))
}

/// Mark a follow-up done
///
/// Staff of the meeting's branch. Marking it again changes nothing. A later
/// report correction that names the follow-up by `id` without `done` keeps it
/// done.
#[utoipa::path(
    tag = "meetings",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Follow-up id")),
    responses(
        (status = 200, description = "Done", body = FollowUpOut),
        (status = 404, description = "No such follow-up in the caller's scope"),
    )
)]
#[post("/follow-ups/{id}/done")]
pub async fn mark_follow_up_done(
    db: web::Data<Db>,
    user: StaffUser,
    id: web::Path<String>,
) -> Result<web::Json<FollowUpOut>, ApiError> {
    Ok(web::Json(service::follow_ups::mark_done(&db, &user, id.into_inner()).await?))
}
