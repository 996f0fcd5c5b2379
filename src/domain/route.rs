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

impl RouteStatus {
    /// Where a route that has been worked stands: complete exactly when every
    /// one of its stops has a visit, in progress until then.
    pub fn worked(stops_visited: i32, stops_total: i32) -> Self {
        if stops_total > 0 && stops_visited >= stops_total { Self::Completed } else { Self::InProgress }
    }

    /// Where the route stands after its stops were replaced: a route already
    /// worked is judged again by [`Self::worked`]; one not yet worked keeps its status.
    pub fn after_stops_changed(self, stops_visited: i32, stops_total: i32) -> Self {
        match self {
            Self::InProgress | Self::Completed => Self::worked(stops_visited, stops_total),
            not_worked => not_worked,
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::RouteStatus::*;
    use super::*;

    #[test]
    fn a_route_is_complete_exactly_when_every_stop_has_a_visit() {
        assert_eq!(RouteStatus::worked(3, 3), Completed);
        assert_eq!(RouteStatus::worked(2, 3), InProgress);
        assert_eq!(RouteStatus::worked(0, 0), InProgress);
        assert_eq!(Completed.after_stops_changed(3, 4), InProgress);
        assert_eq!(InProgress.after_stops_changed(4, 4), Completed);
        assert_eq!(Assigned.after_stops_changed(0, 4), Assigned);
    }
}
