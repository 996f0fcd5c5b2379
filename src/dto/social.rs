//! Social-media posts, their reach snapshots and the report on them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::social_posts::{PostWithAuthor, ReachSnapshot};
use crate::db::volunteers::decode_values;
use crate::domain::ids::{AccountId, ReachSnapshotId, SocialPostId, VolunteerId};
pub use crate::domain::language::Language;
pub use crate::domain::route::QuestionTopic;
pub use crate::domain::social::Platform;
use crate::domain::time::utc;
use crate::domain::visibility::Visibility;

/// Largest count a snapshot takes (ten billion views is more than the platforms have users).
pub const MAX_COUNT: i64 = 10_000_000_000;

/// `POST /social-posts`: a post published for the campaign.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePost {
    /// Admins name it (or it is the author's branch); coordinators' own branch is
    /// the default and the only one allowed; volunteers post in their own.
    pub branch: Option<String>,
    /// The volunteer of the branch who wrote it (staff only; a volunteer caller is
    /// the author). Without one, the post is the staff account's.
    pub author_volunteer_id: Option<VolunteerId>,
    pub platform: Platform,
    /// `https`, on a host of the platform (any host for `other`). Stored
    /// normalised: lower-case host without `www.`/`m.`, no fragment, no trailing slash.
    #[schema(min_length = 1, max_length = 2000)]
    #[validate(length(min = 1, max = 2000))]
    pub url: String,
    /// When it was published; not more than 5 minutes ahead of the server's clock.
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub published_at: DateTime<Utc>,
    pub language: Language,
    /// The question topics it explains.
    #[serde(default)]
    #[schema(max_items = 10)]
    #[validate(length(max = 10))]
    pub topics: Vec<QuestionTopic>,
}

/// Fields to correct; absent fields stay. A post keeps its branch and author.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePost {
    pub platform: Option<Platform>,
    #[schema(min_length = 1, max_length = 2000)]
    #[validate(length(min = 1, max = 2000))]
    pub url: Option<String>,
    /// Never after the post's earliest reach snapshot.
    pub published_at: Option<DateTime<Utc>>,
    pub language: Option<Language>,
    #[schema(max_items = 10)]
    #[validate(length(max = 10))]
    pub topics: Option<Vec<QuestionTopic>>,
    pub version: Option<i32>,
}

/// The reach of a post at one moment.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReachOut {
    pub id: ReachSnapshotId,
    pub post_id: SocialPostId,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub taken_at: DateTime<Utc>,
    pub views: i64,
    pub reactions: i64,
    pub shares: i64,
    pub comments: i64,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub created_at: DateTime<Utc>,
}

impl From<ReachSnapshot> for ReachOut {
    fn from(row: ReachSnapshot) -> Self {
        Self {
            id: row.id,
            post_id: row.post_id,
            taken_at: utc(row.taken_at),
            views: row.views,
            reactions: row.reactions,
            shares: row.shares,
            comments: row.comments,
            created_at: utc(row.created_at),
        }
    }
}

/// The latest reach of a post (its snapshot with the latest `taken_at`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LatestReach {
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub taken_at: DateTime<Utc>,
    pub views: i64,
    pub reactions: i64,
    pub shares: i64,
    pub comments: i64,
}

/// A social-media post. Observers see no author.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostOut {
    pub id: SocialPostId,
    pub branch: String,
    /// The volunteer who wrote it; absent for staff posts (and for observers).
    pub author_volunteer_id: Option<VolunteerId>,
    pub author_name: Option<String>,
    /// The account that logged it (hidden from observers).
    pub recorded_by: Option<AccountId>,
    pub platform: Platform,
    pub url: String,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub published_at: DateTime<Utc>,
    pub language: Language,
    pub topics: Vec<QuestionTopic>,
    /// The latest reach snapshot; absent before the first.
    pub reach: Option<LatestReach>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl PostOut {
    pub fn new(row: PostWithAuthor, visibility: Visibility) -> Self {
        let post = row.post;
        let reach = match (post.reach_taken_at, post.views, post.reactions, post.shares, post.comments) {
            (Some(taken_at), Some(views), Some(reactions), Some(shares), Some(comments)) => {
                Some(LatestReach { taken_at: utc(taken_at), views, reactions, shares, comments })
            }
            _ => None,
        };
        Self {
            id: post.id,
            branch: post.branch_code,
            author_volunteer_id: visibility.personal(post.author_volunteer_id),
            author_name: visibility.personal(row.author_name),
            recorded_by: visibility.personal(Some(post.recorded_by)),
            platform: post.platform,
            url: post.url,
            published_at: utc(post.published_at),
            language: post.language,
            topics: decode_values(&post.topics),
            reach,
            created_at: utc(post.created_at),
            updated_at: utc(post.updated_at),
            version: post.version,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PostFilterQuery {
    #[serde(default, deserialize_with = "crate::dto::query_values::branch")]
    #[param(value_type = Option<String>, pattern = "^KZ-[0-9]{2}$")]
    pub branch: Option<String>,
    pub platform: Option<Platform>,
    /// The author's volunteer id.
    pub author: Option<VolunteerId>,
    /// Published at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Published before this instant.
    pub to: Option<DateTime<Utc>>,
}

/// `POST /social-posts/{id}/reach`: the post's counters as read at `taken_at`.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateReach {
    /// When the counters were read; default now. Not before the post's
    /// publication, not more than 5 minutes ahead of the server's clock.
    #[serde(serialize_with = "crate::dto::timestamp::option_micros")]
    pub taken_at: Option<DateTime<Utc>>,
    #[schema(minimum = 0, maximum = 10_000_000_000_i64)]
    #[validate(range(min = 0, max = 10_000_000_000_i64))]
    pub views: i64,
    #[schema(minimum = 0, maximum = 10_000_000_000_i64)]
    #[validate(range(min = 0, max = 10_000_000_000_i64))]
    pub reactions: i64,
    #[schema(minimum = 0, maximum = 10_000_000_000_i64)]
    #[validate(range(min = 0, max = 10_000_000_000_i64))]
    pub shares: i64,
    #[schema(minimum = 0, maximum = 10_000_000_000_i64)]
    #[validate(range(min = 0, max = 10_000_000_000_i64))]
    pub comments: i64,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SocialReportQuery {
    /// One branch; without it, the nation.
    #[serde(default, deserialize_with = "crate::dto::query_values::branch")]
    #[param(value_type = Option<String>, pattern = "^KZ-[0-9]{2}$")]
    pub branch: Option<String>,
    pub platform: Option<Platform>,
    /// First local day of publication (in each post's branch's time zone), inclusive.
    pub from: Option<NaiveDate>,
    /// Last local day of publication, inclusive.
    pub to: Option<NaiveDate>,
    /// How many top posts (1 to 100, default 10).
    #[param(minimum = 1, maximum = 100)]
    pub top: Option<u32>,
}

/// Posts and their reach (each post's latest snapshot) in one group.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ReachTotals {
    pub posts: i64,
    /// Posts with at least one reach snapshot.
    pub posts_with_reach: i64,
    pub views: i64,
    pub reactions: i64,
    pub shares: i64,
    pub comments: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlatformReach {
    pub platform: Platform,
    #[serde(flatten)]
    pub totals: ReachTotals,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DayReach {
    /// The local day of publication in the post's branch's time zone.
    pub day: NaiveDate,
    pub platform: Platform,
    #[serde(flatten)]
    pub totals: ReachTotals,
}

/// A post among those with the most views.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopPostOut {
    pub id: SocialPostId,
    pub branch: String,
    pub platform: Platform,
    pub url: String,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub published_at: DateTime<Utc>,
    pub views: i64,
    pub reactions: i64,
    pub shares: i64,
    pub comments: i64,
}

/// The social-media report of a branch or the nation.
#[derive(Debug, Serialize, ToSchema)]
pub struct SocialReport {
    /// The branch reported on; absent for the nation.
    pub branch: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// All the posts of the report (the sum of `per_platform`).
    pub totals: ReachTotals,
    pub per_platform: Vec<PlatformReach>,
    /// Per local day of publication and platform, days ascending.
    pub per_day: Vec<DayReach>,
    /// The posts with the most views at their latest snapshot.
    pub top_posts: Vec<TopPostOut>,
}

/// `GET /social-posts/{id}/reach`: a keyset page in `taken_at` order (snapshots
/// never change, so there is no `updated_since`).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReachPageQuery {
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// Opaque cursor from the previous page's `next_cursor`.
    #[param(pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
}
