//! The talking-points library. Admins (HQ) write items and edit their draft
//! (each edit a new version), publish the current draft (what the field sees
//! from then on) and retire items. Everyone signed in reads the published
//! items; admins also see drafts and retired items.

use crate::auth::{AuthUser, SessionUser};
use crate::db::talking_points::{self, PointFilter, TalkingPoint};
use crate::db::volunteers::encode_list;
use crate::db::{Db, DbConn, audit, write_transaction};
use crate::domain::ids::TalkingPointId;
use crate::domain::route::QuestionTopic;
use crate::domain::time::now;
use crate::domain::version::ExpectedVersion;
use crate::dto::talking_point::{TalkingPointContent, TalkingPointKind, UpdateTalkingPoint, parse_content};
use crate::error::{ApiError, ErrorCode};

/// The topics as stored for filtering (`,economy,other,`), sorted, once each.
pub fn topics_text(topics: &[QuestionTopic]) -> String {
    let mut names: Vec<String> = topics.iter().map(|topic| topic.as_str().to_owned()).collect();
    names.sort();
    names.dedup();
    encode_list(&names)
}

/// `article` items name their article; `question` items name none.
fn checked(mut content: TalkingPointContent) -> Result<TalkingPointContent, ApiError> {
    content.article = content.article.map(|article| article.trim().to_owned());
    match (content.kind, &content.article) {
        (TalkingPointKind::Article, None) => {
            Err(ApiError::invalid("article", ErrorCode::Required, "an `article` item names its article"))
        }
        (TalkingPointKind::Article, Some(article)) if article.is_empty() => {
            Err(ApiError::invalid("article", ErrorCode::Required, "an `article` item names its article"))
        }
        (TalkingPointKind::Question, Some(_)) => {
            Err(ApiError::invalid("article", ErrorCode::NotAllowed, "a `question` item names no article"))
        }
        _ => {
            content.topics.sort_by_key(|topic| topic.as_str());
            content.topics.dedup();
            Ok(content)
        }
    }
}

fn stored(content: &TalkingPointContent) -> Result<String, ApiError> {
    serde_json::to_string(content).map_err(ApiError::internal)
}

fn ensure_admin(actor: &SessionUser) -> Result<(), ApiError> {
    if actor.is_admin() { Ok(()) } else { Err(ApiError::Forbidden("only admins write talking points".into())) }
}

/// The item when the caller may see it: admins every item, everyone else
/// published items not retired (404 otherwise).
fn load_visible(conn: &mut DbConn, actor: &SessionUser, id: &TalkingPointId) -> Result<TalkingPoint, ApiError> {
    talking_points::find(conn, id)?
        .filter(|point| actor.is_admin() || (point.published_version.is_some() && point.retired_at.is_none()))
        .ok_or_else(|| ApiError::not_found(format!("talking point {id}")))
}

fn view(conn: &mut DbConn, id: &TalkingPointId) -> Result<TalkingPoint, ApiError> {
    talking_points::find(conn, id)?.ok_or_else(|| ApiError::internal("a talking point vanished within its transaction"))
}

/// An admin's change of an item that is not retired: the item locked until the
/// transaction ends, and the version the change applies to.
fn lock_for_change(
    conn: &mut DbConn,
    actor: &SessionUser,
    id: &TalkingPointId,
    expected: ExpectedVersion,
    version_in_body: Option<i32>,
) -> Result<(TalkingPoint, i32), ApiError> {
    ensure_admin(actor)?;
    talking_points::lock(conn, id)?;
    let current = load_visible(conn, actor, id)?;
    let version = expected.check(version_in_body, current.version)?;
    if current.retired_at.is_some() {
        return Err(retired_conflict(id));
    }
    Ok((current, version))
}

fn changed_meanwhile() -> ApiError {
    ApiError::PreconditionFailed("the talking point changed meanwhile; reload it".into())
}

fn retired_conflict(id: &TalkingPointId) -> ApiError {
    ApiError::field_conflict(format!("talking point {id} is retired"), "status", ErrorCode::IllegalStatusChange, None)
}

/// Writes a new item as a draft (version 1), in the caller's write transaction
/// (the idempotent create runs it together with its key's claim).
pub fn create(conn: &mut DbConn, actor: &SessionUser, input: TalkingPointContent) -> Result<TalkingPoint, ApiError> {
    ensure_admin(actor)?;
    let content = checked(input)?;
    let at = now();
    let point = TalkingPoint {
        id: TalkingPointId::new(),
        draft: stored(&content)?,
        topics: topics_text(&content.topics),
        published_version: None,
        published_at: None,
        published: None,
        published_topics: String::new(),
        retired_at: None,
        created_by: actor.account_id.clone(),
        created_at: at,
        updated_at: at,
        version: 1,
    };
    talking_points::insert(conn, &point)?;
    audit::record(conn, super::audit(actor, "talking_point_created", "talking_point", &point.id, None))?;
    Ok(point)
}

pub async fn get(db: &Db, actor: &AuthUser, id: TalkingPointId) -> Result<TalkingPoint, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| load_visible(conn, &actor, &id)).await
}

/// One page of items as the caller may see them (`limit` rows).
pub async fn list(
    db: &Db,
    actor: &AuthUser,
    mut filter: PointFilter,
    limit: i64,
) -> Result<Vec<TalkingPoint>, ApiError> {
    filter.published_only = !actor.is_admin();
    db.run(move |conn| Ok(talking_points::list(conn, &filter, limit)?)).await
}

/// Edits the draft: a new version; what the field sees stays until published.
pub async fn update(
    db: &Db,
    actor: &AuthUser,
    id: TalkingPointId,
    input: UpdateTalkingPoint,
    expected: ExpectedVersion,
) -> Result<TalkingPoint, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            let (current, version) = lock_for_change(conn, &actor, &id, expected.clone(), input.version)?;
            let draft = parse_content(&current.draft)?;
            let kind = input.kind.unwrap_or(draft.kind);
            let article = match (kind, input.article) {
                (_, Some(article)) => Some(article),
                (TalkingPointKind::Question, None) if input.kind.is_some() => None,
                (_, None) => draft.article,
            };
            let content = checked(TalkingPointContent {
                kind,
                article,
                question: input.question.unwrap_or(draft.question),
                answer: input.answer.unwrap_or(draft.answer),
                topics: input.topics.unwrap_or(draft.topics),
            })?;
            if !talking_points::update_draft(
                conn,
                &id,
                version,
                &stored(&content)?,
                &topics_text(&content.topics),
                now(),
            )? {
                return Err(changed_meanwhile());
            }
            audit::record(conn, super::audit(&actor, "talking_point_updated", "talking_point", &id, None))?;
            view(conn, &id)
        })
    })
    .await
}

/// Publishes the current draft (the version `If-Match` names, when it does).
/// Publishing a draft that is published already changes nothing.
pub async fn publish(
    db: &Db,
    actor: &AuthUser,
    id: TalkingPointId,
    expected: ExpectedVersion,
) -> Result<TalkingPoint, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            let (current, version) = lock_for_change(conn, &actor, &id, expected.clone(), None)?;
            if current.published_version == Some(current.version) {
                return Ok(current);
            }
            if !talking_points::publish(conn, &id, version, now())? {
                return Err(changed_meanwhile());
            }
            let details = Some(format!("version {}", version + 1));
            audit::record(conn, super::audit(&actor, "talking_point_published", "talking_point", &id, details))?;
            view(conn, &id)
        })
    })
    .await
}

/// Retires the item: the field no longer sees it. Retiring is final.
pub async fn retire(
    db: &Db,
    actor: &AuthUser,
    id: TalkingPointId,
    expected: ExpectedVersion,
) -> Result<TalkingPoint, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            let (_, version) = lock_for_change(conn, &actor, &id, expected.clone(), None)?;
            if !talking_points::retire(conn, &id, version, now())? {
                return Err(changed_meanwhile());
            }
            audit::record(conn, super::audit(&actor, "talking_point_retired", "talking_point", &id, None))?;
            view(conn, &id)
        })
    })
    .await
}
