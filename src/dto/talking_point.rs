//! The talking-points library: explanatory items in Kazakh and Russian
//! (English optional), drafted, published and retired by HQ.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::talking_points::TalkingPoint;
use crate::domain::ids::TalkingPointId;
pub use crate::domain::route::QuestionTopic;
pub use crate::domain::talking_point::TalkingPointKind;
use crate::domain::time::utc;
use crate::error::ApiError;

/// A text of the library in Kazakh and Russian, English optional: the
/// [`Bilingual`](crate::dto::bilingual::Bilingual) shape with room for an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TalkingText {
    /// Kazakh.
    #[schema(min_length = 1, max_length = 4000, example = "Референдум қашан өтеді?")]
    #[validate(length(min = 1, max = 4000))]
    pub kk: String,
    /// Russian.
    #[schema(min_length = 1, max_length = 4000, example = "Когда пройдёт референдум?")]
    #[validate(length(min = 1, max = 4000))]
    pub ru: String,
    /// English, optional.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 4000)]
    #[validate(length(min = 1, max = 4000))]
    pub en: Option<String>,
}

/// One version of an item: what `POST /talking-points` takes, and the draft
/// and published copy an item shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TalkingPointContent {
    pub kind: TalkingPointKind,
    /// The article of the draft the point is about (`"26"`, `"26.3"`):
    /// required for `article` items, refused for `question` items.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 40, example = "26")]
    #[validate(length(min = 1, max = 40))]
    pub article: Option<String>,
    /// The question people ask (for an `article` item: the point's heading).
    #[validate(nested)]
    pub question: TalkingText,
    /// The answer or explanation.
    #[validate(nested)]
    pub answer: TalkingText,
    /// The question topics it answers.
    #[serde(default)]
    #[schema(max_items = 10)]
    #[validate(length(max = 10))]
    pub topics: Vec<QuestionTopic>,
}

/// `PATCH /talking-points/{id}`: the draft's fields to change; absent fields
/// stay. Each change makes a new version of the draft; what the field sees
/// changes only when it is published.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTalkingPoint {
    pub kind: Option<TalkingPointKind>,
    /// Becoming a `question` item drops the article.
    #[schema(min_length = 1, max_length = 40)]
    #[validate(length(min = 1, max = 40))]
    pub article: Option<String>,
    #[validate(nested)]
    pub question: Option<TalkingText>,
    #[validate(nested)]
    pub answer: Option<TalkingText>,
    #[schema(max_items = 10)]
    #[validate(length(max = 10))]
    pub topics: Option<Vec<QuestionTopic>>,
    pub version: Option<i32>,
}

/// Where an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TalkingPointStatus {
    /// Never published: only admins see it.
    Draft,
    /// The field sees its published copy (the draft may have moved on since).
    Published,
    /// Withdrawn: only admins see it.
    Retired,
}

/// An item of the library. Admins see the draft too; everyone else sees only
/// published items, without the draft.
#[derive(Debug, Serialize, ToSchema)]
pub struct TalkingPointOut {
    pub id: TalkingPointId,
    pub status: TalkingPointStatus,
    /// What the field sees; absent before the first publication.
    pub published: Option<TalkingPointContent>,
    /// The record version whose draft was published (equal to `version` while
    /// the draft has not moved on).
    pub published_version: Option<i32>,
    #[serde(serialize_with = "crate::dto::timestamp::option_micros")]
    pub published_at: Option<DateTime<Utc>>,
    /// The current draft (admins only).
    pub draft: Option<TalkingPointContent>,
    #[serde(serialize_with = "crate::dto::timestamp::option_micros")]
    pub retired_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// A stored copy of an item's content.
pub fn parse_content(stored: &str) -> Result<TalkingPointContent, ApiError> {
    serde_json::from_str(stored).map_err(ApiError::internal)
}

impl TalkingPointOut {
    /// The item as the caller sees it: `admin` shows the draft.
    pub fn new(row: TalkingPoint, admin: bool) -> Result<Self, ApiError> {
        let status = match (row.retired_at, row.published_version) {
            (Some(_), _) => TalkingPointStatus::Retired,
            (None, Some(_)) => TalkingPointStatus::Published,
            (None, None) => TalkingPointStatus::Draft,
        };
        Ok(Self {
            id: row.id,
            status,
            published: row.published.as_deref().map(parse_content).transpose()?,
            published_version: row.published_version,
            published_at: row.published_at.map(utc),
            draft: if admin { Some(parse_content(&row.draft)?) } else { None },
            retired_at: row.retired_at.map(utc),
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            version: row.version,
        })
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TalkingPointFilterQuery {
    /// Items tagged with this question topic (in the published copy; for admins
    /// in the draft or the published copy).
    pub topic: Option<QuestionTopic>,
}
