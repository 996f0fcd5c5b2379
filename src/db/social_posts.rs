//! Queries on `social_posts` and `social_reach_snapshots`. Snapshots are
//! appended, never updated or deleted; the post keeps a copy of its latest one
//! (by `taken_at`) so that lists and reports read one row per post.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{social_posts, social_reach_snapshots, volunteers};
use crate::domain::ids::{AccountId, ReachSnapshotId, SocialPostId, VolunteerId};
use crate::domain::language::Language;
use crate::domain::social::Platform;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = social_posts, treat_none_as_default_value = false)]
pub struct SocialPost {
    pub id: SocialPostId,
    pub branch_code: String,
    pub author_volunteer_id: Option<VolunteerId>,
    pub recorded_by: AccountId,
    pub platform: Platform,
    pub url: String,
    pub published_at: NaiveDateTime,
    pub language: Language,
    pub topics: String,
    pub reach_taken_at: Option<NaiveDateTime>,
    pub views: Option<i64>,
    pub reactions: Option<i64>,
    pub shares: Option<i64>,
    pub comments: Option<i64>,
    pub removed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

/// A post with its author's name (absent for staff posts and once anonymised).
#[derive(Debug, Clone)]
pub struct PostWithAuthor {
    pub post: SocialPost,
    pub author_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = social_reach_snapshots, treat_none_as_default_value = false)]
pub struct ReachSnapshot {
    pub id: ReachSnapshotId,
    pub post_id: SocialPostId,
    pub taken_at: NaiveDateTime,
    pub views: i64,
    pub reactions: i64,
    pub shares: i64,
    pub comments: i64,
    pub recorded_by: AccountId,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = social_posts)]
pub struct PostChanges {
    pub platform: Option<Platform>,
    pub url: Option<String>,
    pub published_at: Option<NaiveDateTime>,
    pub language: Option<Language>,
    pub topics: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub struct PostFilter {
    pub branch: Option<String>,
    pub platform: Option<Platform>,
    pub author: Option<VolunteerId>,
    /// Published at or after.
    pub from: Option<NaiveDateTime>,
    /// Published before.
    pub to: Option<NaiveDateTime>,
    pub updated_since: Option<NaiveDateTime>,
    /// The id of the last post of the previous page (id order).
    pub after: Option<String>,
    /// The `(updated_at, id)` of the last post of the previous page (change order).
    pub after_change: Option<(NaiveDateTime, String)>,
}

pub fn insert(conn: &mut DbConn, row: &SocialPost) -> QueryResult<()> {
    diesel::insert_into(social_posts::table).values(row).execute(conn).map(drop)
}

/// The post (removed ones too), with its author's name.
pub fn find(conn: &mut DbConn, id: &SocialPostId) -> QueryResult<Option<PostWithAuthor>> {
    let row: Option<(SocialPost, Option<String>)> = social_posts::table
        .left_join(volunteers::table)
        .filter(social_posts::id.eq(id))
        .select((SocialPost::as_select(), volunteers::full_name.nullable()))
        .first(conn)
        .optional()?;
    Ok(row.map(|(post, name)| PostWithAuthor { post, author_name: name }))
}

/// The posts of `ids` (removed ones too), with their authors' names.
pub fn find_many(conn: &mut DbConn, ids: &[SocialPostId]) -> QueryResult<Vec<PostWithAuthor>> {
    let rows: Vec<(SocialPost, Option<String>)> = social_posts::table
        .left_join(volunteers::table)
        .filter(social_posts::id.eq_any(ids))
        .select((SocialPost::as_select(), volunteers::full_name.nullable()))
        .load(conn)?;
    Ok(rows.into_iter().map(|(post, author_name)| PostWithAuthor { post, author_name }).collect())
}

/// The post that is not removed and has this (normalised) URL.
pub fn find_by_url(conn: &mut DbConn, url: &str) -> QueryResult<Option<SocialPost>> {
    social_posts::table
        .filter(social_posts::url.eq(url))
        .filter(social_posts::removed_at.is_null())
        .select(SocialPost::as_select())
        .first(conn)
        .optional()
}

/// Locks the post until the transaction ends (corrections and snapshots one after another).
pub fn lock(conn: &mut DbConn, id: &SocialPostId) -> QueryResult<()> {
    super::lock_row(conn, "social_posts", id)
}

/// One page of posts that are not removed: in id order, or with `updated_since`
/// in change order so a post changed during a sync comes again on a later page.
pub fn list(conn: &mut DbConn, filter: &PostFilter, limit: i64) -> QueryResult<Vec<PostWithAuthor>> {
    use social_posts::dsl as p;
    let mut query = social_posts::table
        .left_join(volunteers::table)
        .select((SocialPost::as_select(), volunteers::full_name.nullable()))
        .filter(p::removed_at.is_null())
        .limit(limit)
        .into_boxed();
    query = match filter.updated_since {
        Some(_) => query.order((p::updated_at, p::id)),
        None => query.order(p::id),
    };
    if let Some(branch) = &filter.branch {
        query = query.filter(p::branch_code.eq(branch.clone()));
    }
    if let Some(platform) = filter.platform {
        query = query.filter(p::platform.eq(platform));
    }
    if let Some(author) = &filter.author {
        query = query.filter(p::author_volunteer_id.eq(author.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(p::published_at.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(p::published_at.lt(to));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(p::updated_at.ge(since));
    }
    if let Some(after) = &filter.after {
        query = query.filter(p::id.gt(after.clone()));
    }
    if let Some((at, id)) = &filter.after_change {
        query = query.filter(p::updated_at.gt(*at).or(p::updated_at.eq(*at).and(p::id.gt(id.clone()))));
    }
    let rows: Vec<(SocialPost, Option<String>)> = query.load(conn)?;
    Ok(rows.into_iter().map(|(post, name)| PostWithAuthor { post, author_name: name }).collect())
}

/// Applies `changes` when the stored version is `expected_version`; false otherwise.
pub fn update(
    conn: &mut DbConn,
    id: &SocialPostId,
    expected_version: i32,
    changes: &PostChanges,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    use social_posts::dsl as p;
    let target = social_posts::table.filter(p::id.eq(id)).filter(p::version.eq(expected_version));
    let updated = diesel::update(target)
        .set((changes, p::updated_at.eq(now), p::version.eq(expected_version + 1)))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Removes the post (soft): it leaves lists, reports and its URL is free again.
pub fn remove(conn: &mut DbConn, id: &SocialPostId, now: NaiveDateTime) -> QueryResult<()> {
    use social_posts::dsl as p;
    diesel::update(social_posts::table.filter(p::id.eq(id)))
        .set((p::removed_at.eq(now), p::updated_at.eq(now), p::version.eq(p::version + 1)))
        .execute(conn)
        .map(drop)
}

/// Appends a snapshot; the post shows it when it is its latest by `taken_at`
/// (an older snapshot logged late joins the history only). The post's version
/// moves on either way.
pub fn add_snapshot(conn: &mut DbConn, snapshot: &ReachSnapshot, now: NaiveDateTime) -> QueryResult<()> {
    use social_posts::dsl as p;
    diesel::insert_into(social_reach_snapshots::table).values(snapshot).execute(conn)?;
    diesel::update(social_posts::table.filter(p::id.eq(&snapshot.post_id)))
        .set((p::updated_at.eq(now), p::version.eq(p::version + 1)))
        .execute(conn)?;
    let older = social_posts::table
        .filter(p::id.eq(&snapshot.post_id))
        .filter(p::reach_taken_at.is_null().or(p::reach_taken_at.le(snapshot.taken_at)));
    diesel::update(older)
        .set((
            p::reach_taken_at.eq(snapshot.taken_at),
            p::views.eq(snapshot.views),
            p::reactions.eq(snapshot.reactions),
            p::shares.eq(snapshot.shares),
            p::comments.eq(snapshot.comments),
        ))
        .execute(conn)
        .map(drop)
}

/// The earliest snapshot's `taken_at` of the post, if it has any.
pub fn first_snapshot_at(conn: &mut DbConn, id: &SocialPostId) -> QueryResult<Option<NaiveDateTime>> {
    social_reach_snapshots::table
        .filter(social_reach_snapshots::post_id.eq(id))
        .select(diesel::dsl::min(social_reach_snapshots::taken_at))
        .first(conn)
}

/// One page of a post's snapshots in `(taken_at, id)` order.
pub fn snapshots(
    conn: &mut DbConn,
    post: &SocialPostId,
    after: Option<&(NaiveDateTime, String)>,
    limit: i64,
) -> QueryResult<Vec<ReachSnapshot>> {
    use social_reach_snapshots::dsl as s;
    let mut query = social_reach_snapshots::table
        .filter(s::post_id.eq(post))
        .order((s::taken_at, s::id))
        .select(ReachSnapshot::as_select())
        .limit(limit)
        .into_boxed();
    if let Some((at, id)) = after {
        query = query.filter(s::taken_at.gt(*at).or(s::taken_at.eq(*at).and(s::id.gt(id.clone()))));
    }
    query.load(conn)
}
