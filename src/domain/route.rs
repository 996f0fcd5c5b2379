//! Door-to-door route statuses and the question topics residents raise.

use diesel::sql_types::Text;
use diesel::{AsExpression, FromSqlRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a door-to-door route stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum RouteStatus {
    Planned,
    Assigned,
    InProgress,
    Completed,
}

crate::text_enum!(RouteStatus {
    Planned = "planned",
    Assigned = "assigned",
    InProgress = "in_progress",
    Completed = "completed",
});

/// What residents asked about: a fixed list of topics, so questions can be
/// counted. (Nothing about what a resident thinks or will vote is recorded.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum QuestionTopic {
    ReferendumQuestion,
    VotingProcedure,
    PollingStation,
    Constitution,
    Economy,
    SocialSupport,
    Education,
    Healthcare,
    LocalIssues,
    Other,
}

crate::text_enum!(QuestionTopic {
    ReferendumQuestion = "referendum_question",
    VotingProcedure = "voting_procedure",
    PollingStation = "polling_station",
    Constitution = "constitution",
    Economy = "economy",
    SocialSupport = "social_support",
    Education = "education",
    Healthcare = "healthcare",
    LocalIssues = "local_issues",
    Other = "other",
});
