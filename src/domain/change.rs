//! What the change feed reports: the kinds of record it carries and what
//! happened to one.

use diesel::sql_types::Text;
use diesel::{AsExpression, FromSqlRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A kind of record the change feed carries (`types` filter, `type` of an item).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum ChangeType {
    Volunteer,
    Event,
    Meeting,
    Route,
    Locality,
    MemberOrganisation,
    /// A work collective (`GET /organisations/{id}`).
    Organisation,
    Material,
    PosterSite,
    PosterPlacement,
    SocialPost,
    TalkingPoint,
    /// A volunteer's place on a shift (`GET /assignments/{id}`): sign-ups,
    /// the waitlist, cancellations and attendance.
    Assignment,
}

crate::text_enum!(ChangeType {
    Volunteer = "volunteer",
    Event = "event",
    Meeting = "meeting",
    Route = "route",
    Locality = "locality",
    MemberOrganisation = "member_organisation",
    Organisation = "organisation",
    Material = "material",
    PosterSite = "poster_site",
    PosterPlacement = "poster_placement",
    SocialPost = "social_post",
    TalkingPoint = "talking_point",
    Assignment = "assignment",
});

/// What happened to the record. An unassignment is an `update` of the route
/// (its assignees changed); the volunteer taken off gets a tombstone for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum ChangeOperation {
    Create,
    Update,
    Delete,
    Anonymise,
}

crate::text_enum!(ChangeOperation {
    Create = "create",
    Update = "update",
    Delete = "delete",
    Anonymise = "anonymise",
});
