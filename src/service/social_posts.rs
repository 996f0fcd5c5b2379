//! Social-media posts and their reach over time.
//!
//! Volunteers log their own posts (the author is their volunteer record) and
//! the reach of those; coordinators of the branch and admins log posts of the
//! branch's volunteers or of staff, correct them and remove them (softly: the
//! row stays, it leaves lists and reports and frees its URL). Everyone of the
//! branch, and observers (without authors), reads them. Reach snapshots are
//! appended, never changed: the post shows its latest.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};

use crate::auth::{AuthUser, SessionUser};
use crate::db::social_posts::{self, PostChanges, PostFilter, PostWithAuthor, ReachSnapshot, SocialPost};
use crate::db::volunteers::encode_list;
use crate::db::{Db, DbConn, audit, branches, volunteers, write_transaction};
use crate::domain::ids::{ReachSnapshotId, SocialPostId, VolunteerId};
use crate::domain::role::Role;
use crate::domain::route::QuestionTopic;
use crate::domain::social::{Platform, UrlProblem, normalise_url};
use crate::domain::time::now;
use crate::domain::version::ExpectedVersion;
use crate::dto::social::{CreatePost, CreateReach, UpdatePost};
use crate::error::{ApiError, ErrorCode, FieldError};

/// How far ahead of the server's clock a phone's clock may run.
const CLOCK_SKEW: TimeDelta = TimeDelta::minutes(5);

/// An instant as both databases keep it (microseconds).
fn truncate(at: DateTime<Utc>) -> NaiveDateTime {
    DateTime::from_timestamp_micros(at.timestamp_micros()).map_or(at.naive_utc(), |at| at.naive_utc())
}

fn not_in_future(field: &str, at: DateTime<Utc>) -> Result<(), ApiError> {
    if at > Utc::now() + CLOCK_SKEW {
        return Err(ApiError::invalid(field, ErrorCode::InFuture, "the time is in the future"));
    }
    Ok(())
}

/// The URL of a post on `platform`, normalised, or the 422 naming `url`.
fn checked_url(text: &str, platform: Platform) -> Result<String, ApiError> {
    normalise_url(text, platform).map_err(|problem| match problem {
        UrlProblem::Malformed => {
            ApiError::invalid("url", ErrorCode::Format, "must be an absolute https URL with a host name")
        }
        UrlProblem::NotHttps => ApiError::invalid("url", ErrorCode::NotHttps, "must be an https URL"),
        UrlProblem::WrongPlatform { host } => ApiError::invalid(
            "url",
            ErrorCode::WrongPlatform,
            format!("{host} is not a host of {platform} (expected {})", platform.hosts().join(", ")),
        ),
    })
}

fn topics_text(topics: &[QuestionTopic]) -> String {
    let mut names: Vec<String> = topics.iter().map(|topic| topic.as_str().to_owned()).collect();
    names.sort();
    names.dedup();
    encode_list(&names)
}

/// The 409 for a URL logged already, naming the post when the caller may see it.
fn duplicate_url(actor: &SessionUser, existing: &SocialPost) -> ApiError {
    ApiError::Conflict {
        detail: "a post with this URL is logged already".into(),
        errors: vec![FieldError::new("url", ErrorCode::Duplicate, "this URL is logged already")],
        existing_id: actor.sees_branch(&existing.branch_code).then(|| existing.id.to_string()),
    }
}

fn ensure_url_free(
    conn: &mut DbConn,
    actor: &SessionUser,
    url: &str,
    own: Option<&SocialPostId>,
) -> Result<(), ApiError> {
    match social_posts::find_by_url(conn, url)? {
        Some(existing) if Some(&existing.id) != own => Err(duplicate_url(actor, &existing)),
        _ => Ok(()),
    }
}

/// The post, when the caller may see it and it is not removed (404 otherwise).
fn load_visible(conn: &mut DbConn, actor: &SessionUser, id: &SocialPostId) -> Result<PostWithAuthor, ApiError> {
    let found = social_posts::find(conn, id)?
        .filter(|found| found.post.removed_at.is_none())
        .ok_or_else(|| ApiError::not_found(format!("social post {id}")))?;
    actor.ensure_branch(&found.post.branch_code, format!("social post {id}"))?;
    Ok(found)
}

/// The branch and author of a new post, as the caller's role allows.
fn branch_and_author(
    conn: &mut DbConn,
    actor: &SessionUser,
    input: &CreatePost,
) -> Result<(String, Option<VolunteerId>), ApiError> {
    match actor.role {
        Role::Observer => Err(ApiError::Forbidden("observers do not log posts".into())),
        Role::Volunteer => {
            if input.author_volunteer_id.is_some() {
                return Err(ApiError::invalid(
                    "author_volunteer_id",
                    ErrorCode::NotAllowed,
                    "volunteers log their own posts",
                ));
            }
            let (Some(volunteer), Some(branch)) = (&actor.volunteer_id, &actor.branch) else {
                return Err(ApiError::Forbidden("this account is not linked to a volunteer".into()));
            };
            if input.branch.as_ref().is_some_and(|requested| requested != branch) {
                return Err(ApiError::Forbidden("volunteers post in their own branch only".into()));
            }
            Ok((branch.clone(), Some(volunteer.clone())))
        }
        Role::Admin | Role::Coordinator => {
            let author = match &input.author_volunteer_id {
                Some(id) => Some(volunteers::find(conn, id)?.ok_or_else(|| {
                    ApiError::invalid("author_volunteer_id", ErrorCode::UnknownVolunteer, format!("no volunteer {id}"))
                })?),
                None => None,
            };
            // An admin naming only the author posts in the author's branch.
            let requested = match (&input.branch, &author, actor.role) {
                (None, Some(author), Role::Admin) => Some(author.branch_code.clone()),
                _ => input.branch.clone(),
            };
            let branch = actor.branch_for_new_record(requested)?;
            if branches::find(conn, &branch)?.is_none() {
                return Err(ApiError::invalid(
                    "branch",
                    ErrorCode::UnknownBranch,
                    format!("there is no branch {branch}"),
                ));
            }
            if let Some(author) = &author
                && author.branch_code != branch
            {
                return Err(ApiError::invalid(
                    "author_volunteer_id",
                    ErrorCode::UnknownVolunteer,
                    format!("no volunteer {} in branch {branch}", author.id),
                ));
            }
            Ok((branch, author.map(|author| author.id)))
        }
    }
}

/// Logs a post, in the caller's write transaction (the idempotent create runs
/// it together with its key's claim and stored response).
pub fn create(conn: &mut DbConn, actor: &SessionUser, input: CreatePost) -> Result<PostWithAuthor, ApiError> {
    let (branch, author) = branch_and_author(conn, actor, &input)?;
    let url = checked_url(&input.url, input.platform)?;
    not_in_future("published_at", input.published_at)?;
    ensure_url_free(conn, actor, &url, None)?;
    let at = now();
    let post = SocialPost {
        id: SocialPostId::new(),
        branch_code: branch,
        author_volunteer_id: author,
        recorded_by: actor.account_id.clone(),
        platform: input.platform,
        url,
        published_at: truncate(input.published_at),
        language: input.language,
        topics: topics_text(&input.topics),
        reach_taken_at: None,
        views: None,
        reactions: None,
        shares: None,
        comments: None,
        removed_at: None,
        created_at: at,
        updated_at: at,
        version: 1,
    };
    social_posts::insert(conn, &post)?;
    audit::record(conn, super::audit(actor, "social_post_created", "social_post", &post.id, None))?;
    view(conn, &post.id)
}

fn view(conn: &mut DbConn, id: &SocialPostId) -> Result<PostWithAuthor, ApiError> {
    social_posts::find(conn, id)?.ok_or_else(|| ApiError::internal("a social post vanished within its transaction"))
}

pub async fn get(db: &Db, actor: &AuthUser, id: SocialPostId) -> Result<PostWithAuthor, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| load_visible(conn, &actor, &id)).await
}

/// One page of posts as the caller may see them (`limit` rows).
pub async fn list(db: &Db, actor: &AuthUser, filter: PostFilter, limit: i64) -> Result<Vec<PostWithAuthor>, ApiError> {
    ensure_author_filter(actor, &filter)?;
    let Some(filter) = scoped(actor, filter) else { return Ok(Vec::new()) };
    db.run(move |conn| Ok(social_posts::list(conn, &filter, limit)?)).await
}

/// Who wrote what is personal data: callers who see none (observers) do not
/// filter by author either.
pub fn ensure_author_filter(actor: &SessionUser, filter: &PostFilter) -> Result<(), ApiError> {
    if filter.author.is_some() && !actor.visibility().shows_personal_data() {
        return Err(ApiError::Forbidden("observers do not filter posts by author".into()));
    }
    Ok(())
}

/// Narrows `filter` to what the caller may see; `None` when nothing at all.
pub fn scoped(actor: &SessionUser, mut filter: PostFilter) -> Option<PostFilter> {
    filter.branch = actor.list_branch(filter.branch.take())?;
    Some(filter)
}

/// Corrects a post: coordinators of its branch and admins.
pub async fn update(
    db: &Db,
    actor: &AuthUser,
    id: SocialPostId,
    input: UpdatePost,
    expected: ExpectedVersion,
) -> Result<PostWithAuthor, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            social_posts::lock(conn, &id)?;
            let current = load_visible(conn, &actor, &id)?.post;
            actor.ensure_manages_branch(&current.branch_code, format!("social post {id}"))?;
            let version = expected.check(input.version, current.version)?;
            let platform = input.platform.unwrap_or(current.platform);
            // A new platform must suit the stored URL, and a new URL the platform.
            let url = match (&input.url, input.platform) {
                (Some(url), _) => Some(checked_url(url, platform)?),
                (None, Some(_)) => Some(checked_url(&current.url, platform)?),
                (None, None) => None,
            };
            if let Some(url) = &url {
                ensure_url_free(conn, &actor, url, Some(&id))?;
            }
            let published_at = match input.published_at {
                Some(at) => {
                    not_in_future("published_at", at)?;
                    let at = truncate(at);
                    if let Some(first) = social_posts::first_snapshot_at(conn, &id)?
                        && first < at
                    {
                        return Err(ApiError::invalid(
                            "published_at",
                            ErrorCode::BeforePublication,
                            "the post has reach snapshots taken before this time",
                        ));
                    }
                    Some(at)
                }
                None => None,
            };
            let changes = PostChanges {
                platform: input.platform,
                url,
                published_at,
                language: input.language,
                topics: input.topics.as_deref().map(topics_text),
            };
            if !social_posts::update(conn, &id, version, &changes, now())? {
                return Err(ApiError::PreconditionFailed("the social post changed meanwhile; reload it".into()));
            }
            audit::record(conn, super::audit(&actor, "social_post_updated", "social_post", &id, None))?;
            view(conn, &id)
        })
    })
    .await
}

/// Removes a post (softly): coordinators of its branch and admins.
pub async fn remove(db: &Db, actor: &AuthUser, id: SocialPostId) -> Result<(), ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        write_transaction(conn, |conn| {
            social_posts::lock(conn, &id)?;
            let current = load_visible(conn, &actor, &id)?.post;
            actor.ensure_manages_branch(&current.branch_code, format!("social post {id}"))?;
            social_posts::remove(conn, &id, now())?;
            audit::record(conn, super::audit(&actor, "social_post_removed", "social_post", &id, None))?;
            Ok(())
        })
    })
    .await
}

/// Appends a reach snapshot, in the caller's write transaction: the post's
/// author (a volunteer), coordinators of its branch and admins.
pub fn add_reach(
    conn: &mut DbConn,
    actor: &SessionUser,
    id: &SocialPostId,
    input: CreateReach,
) -> Result<ReachSnapshot, ApiError> {
    if actor.role == Role::Observer {
        return Err(ApiError::Forbidden("observers do not log reach".into()));
    }
    social_posts::lock(conn, id)?;
    let post = load_visible(conn, actor, id)?.post;
    if actor.role == Role::Volunteer
        && (post.author_volunteer_id.is_none() || post.author_volunteer_id != actor.volunteer_id)
    {
        return Err(ApiError::Forbidden("volunteers log the reach of their own posts only".into()));
    }
    let taken_at = input.taken_at.unwrap_or_else(Utc::now);
    not_in_future("taken_at", taken_at)?;
    let taken_at = truncate(taken_at);
    if taken_at < post.published_at {
        return Err(ApiError::invalid(
            "taken_at",
            ErrorCode::BeforePublication,
            format!("the post was published at {}", post.published_at.and_utc().to_rfc3339()),
        ));
    }
    let at = now();
    let snapshot = ReachSnapshot {
        id: ReachSnapshotId::new(),
        post_id: post.id.clone(),
        taken_at,
        views: input.views,
        reactions: input.reactions,
        shares: input.shares,
        comments: input.comments,
        recorded_by: actor.account_id.clone(),
        created_at: at,
    };
    social_posts::add_snapshot(conn, &snapshot, at)?;
    audit::record(conn, super::audit(actor, "social_reach_added", "social_post", &post.id, None))?;
    Ok(snapshot)
}

/// One page of a post's snapshots, oldest `taken_at` first.
pub async fn reach(
    db: &Db,
    actor: &AuthUser,
    id: SocialPostId,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<ReachSnapshot>, ApiError> {
    let actor = SessionUser::clone(actor);
    db.run(move |conn| {
        load_visible(conn, &actor, &id)?;
        Ok(social_posts::snapshots(conn, &id, after.as_ref(), limit)?)
    })
    .await
}
