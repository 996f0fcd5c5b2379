//! Event, shift and assignment rules with no database in them.

use diesel::sql_types::Text;
use diesel::{AsExpression, FromSqlRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What an event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
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

crate::text_enum!(EventKind {
    DoorToDoor = "door_to_door",
    PosterPlacement = "poster_placement",
    MaterialsDistribution = "materials_distribution",
    StreetStand = "street_stand",
    WorkCollectiveMeeting = "work_collective_meeting",
    ExpertMeeting = "expert_meeting",
    ResidentsMeeting = "residents_meeting",
    SocialMedia = "social_media",
    Training = "training",
    Other = "other",
});

impl EventKind {
    /// The meeting kinds, which are arranged through `/meetings`.
    pub const MEETINGS: [Self; 3] = [Self::WorkCollectiveMeeting, Self::ExpertMeeting, Self::ResidentsMeeting];

    pub fn is_meeting(self) -> bool {
        Self::MEETINGS.contains(&self)
    }
}

/// Where an event stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum EventStatus {
    Draft,
    Scheduled,
    Completed,
    Cancelled,
}

crate::text_enum!(EventStatus { Draft = "draft", Scheduled = "scheduled", Completed = "completed", Cancelled = "cancelled" });

impl EventStatus {
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentStatus {
    SignedUp,
    /// The shift was full; promoted in order when a place frees up.
    Waitlisted,
    Cancelled,
    Attended,
    NoShow,
}

crate::text_enum!(AssignmentStatus {
    SignedUp = "signed_up",
    Waitlisted = "waitlisted",
    Cancelled = "cancelled",
    Attended = "attended",
    NoShow = "no_show",
});

impl AssignmentStatus {
    /// Statuses that hold the volunteer's time (for the overlap rule).
    pub const HOLDING: [Self; 3] = [Self::SignedUp, Self::Waitlisted, Self::Attended];
    /// Statuses that take one of the shift's places.
    pub const TAKING_A_PLACE: [Self; 3] = [Self::SignedUp, Self::Attended, Self::NoShow];
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
