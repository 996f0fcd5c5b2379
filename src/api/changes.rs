//! `GET /changes`: the change feed (see `service::changes`).

use actix_web::{HttpRequest, get, web};

use crate::api::paging::Paging;
use crate::api::query::Query;
use crate::auth::AuthUser;
use crate::db::Db;
use crate::domain::change::ChangeType;
use crate::dto::change::{ChangePage, ChangesFrom, ChangesQuery};
use crate::dto::page::PageOnlyQuery;
use crate::error::{ApiError, ErrorCode};
use crate::service;

/// Follow every change
///
/// Every create, update, deletion and anonymisation of the records the caller
/// may read (volunteers, events, meetings, routes, localities, member
/// organisations, work collectives, materials, poster sites, poster
/// placements, social-media posts, talking points, sign-ups to shifts),
/// oldest first in commit
/// order, each with the record as its own `GET` answers it now for this
/// caller, or a tombstone (`deleted: true`) for a record that is gone or that
/// the change took out of the caller's sight (a volunteer taken off a route, a
/// removed post, a retired talking point). Changes of records the caller may not
/// read are left out. `next_cursor` is always present: keep it and ask again
/// later for what changed since. No change is skipped, even when transactions
/// commit out of the order they started; none comes twice in one walk.
/// Changes are kept for `CHANGE_RETENTION_DAYS` (90 by default): an older
/// cursor answers 410 `cursor_expired`, and the client resyncs from the lists.
/// A page ends early, with `has_more: true`, once its records add up to about
/// 1 MB of JSON (a route carries all its stops): follow `next_cursor` as always.
/// See the sync guide (docs/sync-guide.md). Every signed-in role.
#[utoipa::path(
    tag = "changes",
    security(("bearer" = [])),
    params(ChangesQuery, PageOnlyQuery),
    responses(
        (status = 200, description = "A page of changes", body = ChangePage),
        (status = 410, description = "The changes after the cursor are no longer kept: resync from the lists"),
    )
)]
#[get("/changes")]
pub async fn list_changes(
    db: web::Data<Db>,
    user: AuthUser,
    req: HttpRequest,
    filter: Query<ChangesQuery>,
) -> Result<web::Json<ChangePage>, ApiError> {
    let page = Paging::unsealed_for(&req, &["from"])?;
    let limit = page.limit()?;
    let filter = filter.into_inner();
    let types = match filter.types.as_deref() {
        None => Vec::new(),
        Some(types) => types
            .split(',')
            .map(|name| {
                name.trim().parse::<ChangeType>().map_err(|_| {
                    ApiError::invalid(
                        "query.types",
                        ErrorCode::UnknownValue,
                        format!("{name:?} is not a record type of the feed"),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?,
    };
    let after = match page.after()? {
        Some(position) => Some(position.parse::<i64>().map_err(|_| {
            ApiError::invalid("query.cursor", ErrorCode::InvalidCursor, "cursor is not one this API issued")
        })?),
        None => None,
    };
    let from_now = after.is_none() && filter.from == Some(ChangesFrom::Now);
    let mut changes = service::changes::page(&db, &user, after, types, i64::from(limit), from_now).await?;
    changes.next_cursor = page.seal(&changes.next_cursor);
    Ok(web::Json(changes))
}
