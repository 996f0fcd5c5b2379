//! Event, shift and assignment rules with no database in them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What an event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// «От двери к двери».
    DoorToDoor,
    PosterPlacement,
    MaterialsDistribution,
    StreetStand,
    WorkCollectiveMeeting,
    ExpertMeeting,
    ResidentsMeeting,
    SocialMedia,
    Training,
    Other,
}

impl EventKind {
    pub const ALL: [Self; 10] = [
        Self::DoorToDoor,
        Self::PosterPlacement,
        Self::MaterialsDistribution,
        Self::StreetStand,
        Self::WorkCollectiveMeeting,
        Self::ExpertMeeting,
        Self::ResidentsMeeting,
        Self::SocialMedia,
        Self::Training,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::DoorToDoor => "door_to_door",
            Self::PosterPlacement => "poster_placement",
            Self::MaterialsDistribution => "materials_distribution",
            Self::StreetStand => "street_stand",
            Self::WorkCollectiveMeeting => "work_collective_meeting",
            Self::ExpertMeeting => "expert_meeting",
            Self::ResidentsMeeting => "residents_meeting",
            Self::SocialMedia => "social_media",
            Self::Training => "training",
            Self::Other => "other",
        }
    }

    pub fn parse(value: &str) -> Self {
        Self::ALL.into_iter().find(|kind| kind.as_str() == value).unwrap_or(Self::Other)
    }
}

/// Where an event stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventStatus {
    Draft,
    Scheduled,
    Completed,
    Cancelled,
}

impl EventStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Scheduled => "scheduled",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(value: &str) -> Self {
        [Self::Draft, Self::Scheduled, Self::Completed, Self::Cancelled]
            .into_iter()
            .find(|status| status.as_str() == value)
            .unwrap_or(Self::Cancelled)
    }

    /// `draft → scheduled → completed`, and `cancelled` from draft or scheduled.
    pub fn can_become(self, next: Self) -> bool {
        use EventStatus::*;
        matches!((self, next), (Draft, Scheduled) | (Scheduled, Completed) | (Draft | Scheduled, Cancelled))
    }

    /// Whether volunteers may still sign up or be assigned.
    pub fn takes_signups(self) -> bool {
        matches!(self, Self::Draft | Self::Scheduled)
    }
}

/// A volunteer's place on a shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentStatus {
    SignedUp,
    /// The shift was full; promoted in order when a place frees up.
    Waitlisted,
    Cancelled,
    Attended,
    NoShow,
}

impl AssignmentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignedUp => "signed_up",
            Self::Waitlisted => "waitlisted",
            Self::Cancelled => "cancelled",
            Self::Attended => "attended",
            Self::NoShow => "no_show",
        }
    }

    pub fn parse(value: &str) -> Self {
        [Self::SignedUp, Self::Waitlisted, Self::Cancelled, Self::Attended, Self::NoShow]
            .into_iter()
            .find(|status| status.as_str() == value)
            .unwrap_or(Self::Cancelled)
    }

    /// Statuses that hold the volunteer's time (for the overlap rule).
    pub const HOLDING: [&'static str; 3] = ["signed_up", "waitlisted", "attended"];
    /// Statuses that take one of the shift's places.
    pub const TAKING_A_PLACE: [&'static str; 3] = ["signed_up", "attended", "no_show"];
}

/// Longest event accepted: a campaign event, not a season.
pub const MAX_EVENT_DAYS: i64 = 31;
/// Longest single shift.
pub const MAX_SHIFT_HOURS: i64 = 24;
/// Most shifts one series call creates.
pub const MAX_SERIES_SHIFTS: usize = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_status_moves() {
        use EventStatus::*;
        assert!(Draft.can_become(Scheduled) && Scheduled.can_become(Completed));
        assert!(Draft.can_become(Cancelled) && Scheduled.can_become(Cancelled));
        assert!(!Completed.can_become(Cancelled) && !Cancelled.can_become(Scheduled) && !Draft.can_become(Completed));
    }
}
