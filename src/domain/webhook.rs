//! Webhooks: the events a subscription can ask for, the states of a delivery,
//! the Standard Webhooks signature and the retry schedule.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use diesel::sql_types::Text;
use diesel::{AsExpression, FromSqlRow};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use utoipa::ToSchema;

use crate::domain::change::{ChangeOperation, ChangeType};

/// An event a webhook subscription can receive: the record type and what
/// happened to it, or a finer event where one is named (a held meeting, a
/// synced batch of visits, a published talking point), which is sent instead of
/// the record's plain `updated`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
pub enum EventType {
    #[serde(rename = "volunteer.created")]
    VolunteerCreated,
    #[serde(rename = "volunteer.updated")]
    VolunteerUpdated,
    #[serde(rename = "volunteer.anonymised")]
    VolunteerAnonymised,
    #[serde(rename = "event.created")]
    EventCreated,
    #[serde(rename = "event.updated")]
    EventUpdated,
    #[serde(rename = "meeting.created")]
    MeetingCreated,
    #[serde(rename = "meeting.updated")]
    MeetingUpdated,
    #[serde(rename = "meeting.held")]
    MeetingHeld,
    #[serde(rename = "meeting.cancelled")]
    MeetingCancelled,
    #[serde(rename = "route.created")]
    RouteCreated,
    #[serde(rename = "route.updated")]
    RouteUpdated,
    /// A batch of door-to-door visits synced to a route.
    #[serde(rename = "visit.batch_synced")]
    VisitBatchSynced,
    #[serde(rename = "locality.created")]
    LocalityCreated,
    #[serde(rename = "locality.updated")]
    LocalityUpdated,
    #[serde(rename = "locality.deleted")]
    LocalityDeleted,
    #[serde(rename = "member_organisation.created")]
    MemberOrganisationCreated,
    #[serde(rename = "member_organisation.updated")]
    MemberOrganisationUpdated,
    #[serde(rename = "member_organisation.deleted")]
    MemberOrganisationDeleted,
    #[serde(rename = "organisation.created")]
    OrganisationCreated,
    #[serde(rename = "organisation.updated")]
    OrganisationUpdated,
    #[serde(rename = "organisation.deleted")]
    OrganisationDeleted,
    #[serde(rename = "material.created")]
    MaterialCreated,
    #[serde(rename = "material.updated")]
    MaterialUpdated,
    #[serde(rename = "material.deleted")]
    MaterialDeleted,
    #[serde(rename = "poster_site.created")]
    PosterSiteCreated,
    #[serde(rename = "poster_site.updated")]
    PosterSiteUpdated,
    #[serde(rename = "poster_site.deleted")]
    PosterSiteDeleted,
    #[serde(rename = "poster_placement.created")]
    PosterPlacementCreated,
    #[serde(rename = "poster_placement.updated")]
    PosterPlacementUpdated,
    #[serde(rename = "social_post.created")]
    SocialPostCreated,
    #[serde(rename = "social_post.updated")]
    SocialPostUpdated,
    #[serde(rename = "social_post.deleted")]
    SocialPostDeleted,
    #[serde(rename = "talking_point.created")]
    TalkingPointCreated,
    #[serde(rename = "talking_point.updated")]
    TalkingPointUpdated,
    #[serde(rename = "talking_point.published")]
    TalkingPointPublished,
    #[serde(rename = "talking_point.deleted")]
    TalkingPointDeleted,
    /// A sign-up: a place on a shift, or on its waitlist.
    #[serde(rename = "assignment.created")]
    AssignmentCreated,
    /// A sign-up changed otherwise: promoted from the waitlist, signed up again
    /// after a cancellation, its shift moved.
    #[serde(rename = "assignment.updated")]
    AssignmentUpdated,
    /// A sign-up cancelled: by the volunteer or staff, by the volunteer's
    /// leaving, or with its shift or event.
    #[serde(rename = "assignment.cancelled")]
    AssignmentCancelled,
    /// Attendance recorded (`attended` or `no_show`) or corrected.
    #[serde(rename = "assignment.attendance_marked")]
    AssignmentAttendanceMarked,
}

crate::text_enum!(EventType {
    VolunteerCreated = "volunteer.created",
    VolunteerUpdated = "volunteer.updated",
    VolunteerAnonymised = "volunteer.anonymised",
    EventCreated = "event.created",
    EventUpdated = "event.updated",
    MeetingCreated = "meeting.created",
    MeetingUpdated = "meeting.updated",
    MeetingHeld = "meeting.held",
    MeetingCancelled = "meeting.cancelled",
    RouteCreated = "route.created",
    RouteUpdated = "route.updated",
    VisitBatchSynced = "visit.batch_synced",
    LocalityCreated = "locality.created",
    LocalityUpdated = "locality.updated",
    LocalityDeleted = "locality.deleted",
    MemberOrganisationCreated = "member_organisation.created",
    MemberOrganisationUpdated = "member_organisation.updated",
    MemberOrganisationDeleted = "member_organisation.deleted",
    OrganisationCreated = "organisation.created",
    OrganisationUpdated = "organisation.updated",
    OrganisationDeleted = "organisation.deleted",
    MaterialCreated = "material.created",
    MaterialUpdated = "material.updated",
    MaterialDeleted = "material.deleted",
    PosterSiteCreated = "poster_site.created",
    PosterSiteUpdated = "poster_site.updated",
    PosterSiteDeleted = "poster_site.deleted",
    PosterPlacementCreated = "poster_placement.created",
    PosterPlacementUpdated = "poster_placement.updated",
    SocialPostCreated = "social_post.created",
    SocialPostUpdated = "social_post.updated",
    SocialPostDeleted = "social_post.deleted",
    TalkingPointCreated = "talking_point.created",
    TalkingPointUpdated = "talking_point.updated",
    TalkingPointPublished = "talking_point.published",
    TalkingPointDeleted = "talking_point.deleted",
    AssignmentCreated = "assignment.created",
    AssignmentUpdated = "assignment.updated",
    AssignmentCancelled = "assignment.cancelled",
    AssignmentAttendanceMarked = "assignment.attendance_marked",
});

impl EventType {
    /// The event an outbox change stands for: its record type and operation, made
    /// finer by the audit action where one is named. `None` for a combination no
    /// subscription can ask for.
    pub fn of(resource_type: ChangeType, operation: ChangeOperation, action: Option<&str>) -> Option<Self> {
        use ChangeOperation::{Anonymise, Create, Delete, Update};
        use ChangeType as T;
        let event = match (resource_type, operation, action) {
            (T::Meeting, Update, Some("meeting_held")) => Self::MeetingHeld,
            (T::Meeting, Update, Some("meeting_cancelled")) => Self::MeetingCancelled,
            (T::Route, Update, Some("visits_synced")) => Self::VisitBatchSynced,
            (T::TalkingPoint, Update, Some("talking_point_published")) => Self::TalkingPointPublished,
            (T::Assignment, Update, Some("signup_cancelled")) => Self::AssignmentCancelled,
            (T::Assignment, Update, Some("attendance_marked")) => Self::AssignmentAttendanceMarked,
            (T::Volunteer, Create, _) => Self::VolunteerCreated,
            (T::Volunteer, Update, _) => Self::VolunteerUpdated,
            (T::Volunteer, Anonymise, _) => Self::VolunteerAnonymised,
            (T::Event, Create, _) => Self::EventCreated,
            (T::Event, Update, _) => Self::EventUpdated,
            (T::Meeting, Create, _) => Self::MeetingCreated,
            (T::Meeting, Update, _) => Self::MeetingUpdated,
            (T::Route, Create, _) => Self::RouteCreated,
            (T::Route, Update, _) => Self::RouteUpdated,
            (T::Locality, Create, _) => Self::LocalityCreated,
            (T::Locality, Update, _) => Self::LocalityUpdated,
            (T::Locality, Delete, _) => Self::LocalityDeleted,
            (T::MemberOrganisation, Create, _) => Self::MemberOrganisationCreated,
            (T::MemberOrganisation, Update, _) => Self::MemberOrganisationUpdated,
            (T::MemberOrganisation, Delete, _) => Self::MemberOrganisationDeleted,
            (T::Organisation, Create, _) => Self::OrganisationCreated,
            (T::Organisation, Update, _) => Self::OrganisationUpdated,
            (T::Organisation, Delete, _) => Self::OrganisationDeleted,
            (T::Material, Create, _) => Self::MaterialCreated,
            (T::Material, Update, _) => Self::MaterialUpdated,
            (T::Material, Delete, _) => Self::MaterialDeleted,
            (T::PosterSite, Create, _) => Self::PosterSiteCreated,
            (T::PosterSite, Update, _) => Self::PosterSiteUpdated,
            (T::PosterSite, Delete, _) => Self::PosterSiteDeleted,
            (T::PosterPlacement, Create, _) => Self::PosterPlacementCreated,
            (T::PosterPlacement, Update, _) => Self::PosterPlacementUpdated,
            (T::SocialPost, Create, _) => Self::SocialPostCreated,
            (T::SocialPost, Update, _) => Self::SocialPostUpdated,
            (T::SocialPost, Delete, _) => Self::SocialPostDeleted,
            (T::TalkingPoint, Create, _) => Self::TalkingPointCreated,
            (T::TalkingPoint, Update, _) => Self::TalkingPointUpdated,
            (T::TalkingPoint, Delete, _) => Self::TalkingPointDeleted,
            (T::Assignment, Create, _) => Self::AssignmentCreated,
            (T::Assignment, Update, _) => Self::AssignmentUpdated,
            _ => return None,
        };
        Some(event)
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its next attempt (`next_attempt_at`).
    Pending,
    /// The receiver answered 2xx.
    Succeeded,
    /// Every attempt failed; `POST .../redeliver` tries again.
    Failed,
}

crate::text_enum!(DeliveryStatus {
    Pending = "pending",
    Succeeded = "succeeded",
    Failed = "failed",
});

/// The prefix of a signing secret (Standard Webhooks).
pub const SECRET_PREFIX: &str = "whsec_";

/// The signing key inside a `whsec_<base64>` secret.
pub fn secret_key(secret: &str) -> Option<Vec<u8>> {
    STANDARD.decode(secret.strip_prefix(SECRET_PREFIX)?).ok()
}

/// The `webhook-signature` header value: `v1,` and the base64 HMAC-SHA256 of
/// `{id}.{timestamp}.{body}` under `key` (Standard Webhooks, symmetric).
pub fn signature(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC takes a key of any length: `new_from_slice` cannot fail for it.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else { unreachable!("HMAC accepts any key length") };
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// How long to wait after the `attempts`-th failed attempt: exponential from
/// `base_ms` (doubling per attempt, capped at `max_ms`), of which a random half
/// (`jitter` in `[0, 1)`) is dropped so that receivers recovering from an outage
/// are not hit by every sender at once.
pub fn retry_delay_ms(attempts: i32, base_ms: u64, max_ms: u64, jitter: f64) -> u64 {
    let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 32)).unwrap_or(0);
    let full = base_ms.saturating_mul(1u64 << exponent).min(max_ms);
    let half = full / 2;
    // Truncation is intended: a millisecond either way does not matter.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
    let spread = (half as f64 * jitter.clamp(0.0, 1.0)) as u64;
    full - half + spread
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finer_events_replace_the_plain_update() {
        assert_eq!(
            EventType::of(ChangeType::Meeting, ChangeOperation::Update, Some("meeting_held")),
            Some(EventType::MeetingHeld)
        );
        assert_eq!(
            EventType::of(ChangeType::Route, ChangeOperation::Update, Some("visits_synced")),
            Some(EventType::VisitBatchSynced)
        );
        assert_eq!(
            EventType::of(ChangeType::Volunteer, ChangeOperation::Create, None),
            Some(EventType::VolunteerCreated)
        );
        assert_eq!(EventType::of(ChangeType::Event, ChangeOperation::Delete, None), None);
        assert_eq!(
            EventType::of(ChangeType::Assignment, ChangeOperation::Update, Some("signup_cancelled")),
            Some(EventType::AssignmentCancelled)
        );
        assert_eq!(
            EventType::of(ChangeType::Assignment, ChangeOperation::Update, Some("attendance_marked")),
            Some(EventType::AssignmentAttendanceMarked)
        );
        assert_eq!(
            EventType::of(ChangeType::Assignment, ChangeOperation::Update, Some("promoted_from_waitlist")),
            Some(EventType::AssignmentUpdated)
        );
        assert_eq!(
            EventType::of(ChangeType::Assignment, ChangeOperation::Create, Some("signed_up")),
            Some(EventType::AssignmentCreated)
        );
        assert_eq!(EventType::of(ChangeType::Assignment, ChangeOperation::Delete, None), None);
    }

    #[test]
    fn signature_matches_the_standard_webhooks_example() {
        // The example of the Standard Webhooks specification.
        let key = secret_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            signature(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn retries_back_off_exponentially_with_jitter() {
        assert_eq!(retry_delay_ms(1, 1000, 60_000, 0.0), 500);
        assert_eq!(retry_delay_ms(1, 1000, 60_000, 0.999), 999);
        assert_eq!(retry_delay_ms(3, 1000, 60_000, 0.0), 2000);
        assert_eq!(retry_delay_ms(30, 1000, 60_000, 0.0), 30_000);
    }
}
