//! "What people ask": the report on the questions raised in visits and meetings.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub use crate::domain::route::QuestionTopic;

/// `GET /reports/questions`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuestionReportQuery {
    /// One branch; without it, the nation.
    #[serde(default, deserialize_with = "crate::dto::query_values::branch")]
    #[param(value_type = Option<String>, pattern = "^KZ-[0-9]{2}$")]
    pub branch: Option<String>,
    /// First local day (in each branch's time zone), inclusive. Default: 83 days
    /// before `to` (twelve weeks in all).
    pub from: Option<NaiveDate>,
    /// Last local day, inclusive. Default: today. At most 371 days (53 weeks)
    /// after `from`.
    pub to: Option<NaiveDate>,
    /// How many of the most asked topics to detail (1 to 10, default 10).
    #[param(minimum = 1, maximum = 10)]
    pub top: Option<u32>,
    /// Free-text questions per top topic, newest first (0 to 20, default 3).
    #[param(minimum = 0, maximum = 20)]
    pub samples: Option<u32>,
}

/// How many questions, and from where. A visit counts once per topic it
/// carries; a meeting report once per question.
#[derive(Debug, Clone, Copy, Default, Serialize, ToSchema)]
pub struct QuestionCounts {
    pub questions: i64,
    pub from_visits: i64,
    pub from_meetings: i64,
}

/// Where a question was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionSource {
    /// A door-to-door visit (its free-text question).
    Visit,
    /// A held meeting's report.
    Meeting,
}

/// A free-text question as asked: what, never who asked it or at which address.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionSampleOut {
    pub text: String,
    pub source: QuestionSource,
    pub branch: String,
    /// The ISO week it was asked in (`2026-W49`).
    pub week: String,
}

/// One of the most asked topics.
#[derive(Debug, Serialize, ToSchema)]
pub struct TopTopic {
    pub topic: QuestionTopic,
    #[serde(flatten)]
    pub counts: QuestionCounts,
    /// Whether a published (not retired) talking point answers the topic.
    pub has_published_answer: bool,
    /// The newest free-text questions on it (admins: every branch reported
    /// on; coordinators: their own branch's; observers: none).
    pub samples: Vec<QuestionSampleOut>,
}

/// A topic no published talking point answers yet.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnansweredTopic {
    pub topic: QuestionTopic,
    /// Questions on it in the report's period (0 when none).
    pub questions: i64,
}

/// Questions on a topic in one ISO week.
#[derive(Debug, Serialize, ToSchema)]
pub struct WeekQuestions {
    /// The ISO week (`2026-W49`) of the branch-local days.
    pub week: String,
    /// Its Monday.
    pub week_start: NaiveDate,
    pub topic: QuestionTopic,
    #[serde(flatten)]
    pub counts: QuestionCounts,
}

/// Questions on a topic in one branch over the period.
#[derive(Debug, Serialize, ToSchema)]
pub struct BranchQuestions {
    pub branch: String,
    pub topic: QuestionTopic,
    #[serde(flatten)]
    pub counts: QuestionCounts,
}

/// What people ask, in a branch or the nation, over `from` to `to`.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionReport {
    /// The branch reported on; absent for the nation.
    pub branch: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub totals: QuestionCounts,
    /// The most asked topics, most questions first (ties by name).
    pub top_topics: Vec<TopTopic>,
    /// Every topic without a published talking point, most asked first (ties by name).
    pub unanswered_topics: Vec<UnansweredTopic>,
    /// Per ISO week and topic (weeks ascending, then topics by name); only groups with questions.
    pub per_week: Vec<WeekQuestions>,
    /// Per branch and topic over the period (branches in code order, then
    /// topics); only groups with questions.
    pub per_branch: Vec<BranchQuestions>,
}
