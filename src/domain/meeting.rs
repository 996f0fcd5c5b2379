//! Meeting kinds, statuses and the sectors of work collectives.

use diesel::sql_types::Text;
use diesel::{AsExpression, FromSqlRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Economic sectors, after the sections of the national classification (ОКЭД).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum Sector {
    Agriculture,
    Mining,
    Manufacturing,
    Energy,
    WaterAndWaste,
    Construction,
    Trade,
    Transport,
    Hospitality,
    Communications,
    Finance,
    RealEstate,
    ProfessionalServices,
    AdministrativeServices,
    PublicAdministration,
    Education,
    Health,
    Culture,
    OtherServices,
}

crate::text_enum!(Sector {
    Agriculture = "agriculture",
    Mining = "mining",
    Manufacturing = "manufacturing",
    Energy = "energy",
    WaterAndWaste = "water_and_waste",
    Construction = "construction",
    Trade = "trade",
    Transport = "transport",
    Hospitality = "hospitality",
    Communications = "communications",
    Finance = "finance",
    RealEstate = "real_estate",
    ProfessionalServices = "professional_services",
    AdministrativeServices = "administrative_services",
    PublicAdministration = "public_administration",
    Education = "education",
    Health = "health",
    Culture = "culture",
    OtherServices = "other_services",
});

/// What a speaker does at a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum SpeakerRole {
    Speaker,
    Moderator,
}

crate::text_enum!(SpeakerRole {
    Speaker = "speaker",
    Moderator = "moderator",
});

/// Who a figure speaking for the coalition is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum FigureKind {
    Deputy,
    Scientist,
    Culture,
    Sport,
    Other,
}

crate::text_enum!(FigureKind {
    Deputy = "deputy",
    Scientist = "scientist",
    Culture = "culture",
    Sport = "sport",
    Other = "other",
});

/// The kinds of meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum MeetingKind {
    /// With a work collective: the organisation is required.
    WorkCollectiveMeeting,
    ExpertMeeting,
    ResidentsMeeting,
}

crate::text_enum!(MeetingKind {
    WorkCollectiveMeeting = "work_collective_meeting",
    ExpertMeeting = "expert_meeting",
    ResidentsMeeting = "residents_meeting",
});

impl MeetingKind {
    pub fn event_kind(self) -> crate::domain::event::EventKind {
        use crate::domain::event::EventKind;
        match self {
            Self::WorkCollectiveMeeting => EventKind::WorkCollectiveMeeting,
            Self::ExpertMeeting => EventKind::ExpertMeeting,
            Self::ResidentsMeeting => EventKind::ResidentsMeeting,
        }
    }
}

/// `requested → agreed → held`, or `cancelled` (with a reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum MeetingStatus {
    Requested,
    Agreed,
    Held,
    Cancelled,
}

crate::text_enum!(MeetingStatus {
    Requested = "requested",
    Agreed = "agreed",
    Held = "held",
    Cancelled = "cancelled",
});

impl MeetingStatus {
    pub fn can_become(self, next: Self) -> bool {
        use MeetingStatus::*;
        matches!((self, next), (Requested, Agreed) | (Agreed, Held) | (Requested | Agreed, Cancelled))
    }
}
