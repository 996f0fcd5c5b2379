//! Queries on `talking_points`. The draft and the published copy are JSON
//! documents the service writes and reads; the topics of each are also kept
//! delimited for filtering.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::talking_points;
use crate::domain::ids::{AccountId, TalkingPointId};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = talking_points, treat_none_as_default_value = false)]
pub struct TalkingPoint {
    pub id: TalkingPointId,
    pub draft: String,
    pub topics: String,
    pub published_version: Option<i32>,
    pub published_at: Option<NaiveDateTime>,
    pub published: Option<String>,
    pub published_topics: String,
    pub retired_at: Option<NaiveDateTime>,
    pub created_by: AccountId,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Debug, Default, Clone)]
pub struct PointFilter {
    /// Only items published and not retired (what the field sees).
    pub published_only: bool,
    /// An encoded topic (`,economy,`): in the published copy, or for
    /// `published_only = false` in the draft or the published copy.
    pub topic: Option<String>,
    pub updated_since: Option<NaiveDateTime>,
    /// The id of the last item of the previous page (id order).
    pub after: Option<String>,
    /// The `(updated_at, id)` of the last item of the previous page (change order).
    pub after_change: Option<(NaiveDateTime, String)>,
}

pub fn insert(conn: &mut DbConn, row: &TalkingPoint) -> QueryResult<()> {
    diesel::insert_into(talking_points::table).values(row).execute(conn).map(drop)
}

pub fn find(conn: &mut DbConn, id: &TalkingPointId) -> QueryResult<Option<TalkingPoint>> {
    talking_points::table.filter(talking_points::id.eq(id)).select(TalkingPoint::as_select()).first(conn).optional()
}

/// The items of `ids` that exist.
pub fn find_many(conn: &mut DbConn, ids: &[TalkingPointId]) -> QueryResult<Vec<TalkingPoint>> {
    talking_points::table.filter(talking_points::id.eq_any(ids)).select(TalkingPoint::as_select()).load(conn)
}

/// Locks the item until the transaction ends (edits, publishing and retiring one after another).
pub fn lock(conn: &mut DbConn, id: &TalkingPointId) -> QueryResult<()> {
    super::lock_row(conn, "talking_points", id)
}

/// One page of items: in id order, or with `updated_since` in change order.
pub fn list(conn: &mut DbConn, filter: &PointFilter, limit: i64) -> QueryResult<Vec<TalkingPoint>> {
    use talking_points::dsl as t;
    let mut query = talking_points::table.select(TalkingPoint::as_select()).limit(limit).into_boxed();
    query = match filter.updated_since {
        Some(_) => query.order((t::updated_at, t::id)),
        None => query.order(t::id),
    };
    if filter.published_only {
        query = query.filter(t::published_version.is_not_null()).filter(t::retired_at.is_null());
    }
    if let Some(topic) = &filter.topic {
        let pattern = format!("%{topic}%");
        query = if filter.published_only {
            query.filter(t::published_topics.like(pattern))
        } else {
            query.filter(t::published_topics.like(pattern.clone()).or(t::topics.like(pattern)))
        };
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(t::updated_at.ge(since));
    }
    if let Some(after) = &filter.after {
        query = query.filter(t::id.gt(after.clone()));
    }
    if let Some((at, id)) = &filter.after_change {
        query = query.filter(t::updated_at.gt(*at).or(t::updated_at.eq(*at).and(t::id.gt(id.clone()))));
    }
    query.load(conn)
}

/// Replaces the draft when the stored version is `expected_version`; false otherwise.
pub fn update_draft(
    conn: &mut DbConn,
    id: &TalkingPointId,
    expected_version: i32,
    draft: &str,
    topics: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    use talking_points::dsl as t;
    let target = talking_points::table.filter(t::id.eq(id)).filter(t::version.eq(expected_version));
    let updated = diesel::update(target)
        .set((t::draft.eq(draft), t::topics.eq(topics), t::updated_at.eq(now), t::version.eq(expected_version + 1)))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Makes the draft what the field sees: the record moves to the next version,
/// which is the published one. False when the stored version is not `expected_version`.
pub fn publish(conn: &mut DbConn, id: &TalkingPointId, expected_version: i32, now: NaiveDateTime) -> QueryResult<bool> {
    use talking_points::dsl as t;
    let target = talking_points::table.filter(t::id.eq(id)).filter(t::version.eq(expected_version));
    let updated = diesel::update(target)
        .set((
            t::published.eq(t::draft.nullable()),
            t::published_topics.eq(t::topics),
            t::published_version.eq(expected_version + 1),
            t::published_at.eq(now),
            t::updated_at.eq(now),
            t::version.eq(expected_version + 1),
        ))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Retires the item: the field no longer sees it. False when the stored version is not `expected_version`.
pub fn retire(conn: &mut DbConn, id: &TalkingPointId, expected_version: i32, now: NaiveDateTime) -> QueryResult<bool> {
    use talking_points::dsl as t;
    let target = talking_points::table.filter(t::id.eq(id)).filter(t::version.eq(expected_version));
    let updated = diesel::update(target)
        .set((t::retired_at.eq(now), t::updated_at.eq(now), t::version.eq(expected_version + 1)))
        .execute(conn)?;
    Ok(updated == 1)
}
