//! One identifier type per resource, so that two ids cannot be swapped: a
//! function taking `(RouteId, VolunteerId)` does not compile when called with
//! the two the other way round:
//!
//! ```compile_fail
//! use outreach::domain::ids::{RouteId, VolunteerId};
//! fn assign(_route: &RouteId, _volunteer: &VolunteerId) {}
//! let (route, volunteer) = (RouteId::new(), VolunteerId::new());
//! assign(&volunteer, &route);
//! ```
//!
//! (The same call with the arguments in order compiles: see the unit tests.)
//!
//! Identifiers are UUID v7 (time-ordered) in canonical lowercase form, stored as
//! text. Parsing (from a path, a query or a JSON body) checks the form once; past
//! that edge the id is trusted. Like [`crate::text_enum!`], this is the one place
//! below the database layer that says how a type is stored.

use uuid::Uuid;

/// Parses `text` as a UUID in any accepted notation and returns its canonical form.
pub fn canonical_uuid(text: &str) -> Option<String> {
    Uuid::try_parse(text).ok().map(|uuid| uuid.hyphenated().to_string())
}

/// A text that is not a UUID where an id was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAnId;

impl std::fmt::Display for NotAnId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("must be a UUID")
    }
}

impl std::error::Error for NotAnId {}

/// Declares an id type: a UUID string, stored as text, described in the spec as
/// `string` with format `uuid`.
#[macro_export]
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord,
            ::serde::Serialize, ::serde::Deserialize, ::diesel::AsExpression, ::diesel::FromSqlRow,
        )]
        #[diesel(sql_type = ::diesel::sql_types::Text)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// A new, time-ordered id (UUID v7).
            #[allow(clippy::new_without_default)]
            pub fn new() -> Self {
                Self(::uuid::Uuid::now_v7().to_string())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::domain::ids::NotAnId;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                $crate::domain::ids::canonical_uuid(text).map(Self).ok_or($crate::domain::ids::NotAnId)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::domain::ids::NotAnId;

            fn try_from(text: String) -> Result<Self, Self::Error> {
                text.parse()
            }
        }

        impl From<::uuid::Uuid> for $name {
            fn from(uuid: ::uuid::Uuid) -> Self {
                Self(uuid.hyphenated().to_string())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        /// Reads as the text it is, so that formatting and text APIs take it as is;
        /// functions that take one resource's id name its type, not `&str`.
        impl ::std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl<DB> ::diesel::serialize::ToSql<::diesel::sql_types::Text, DB> for $name
        where
            DB: ::diesel::backend::Backend,
            str: ::diesel::serialize::ToSql<::diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut ::diesel::serialize::Output<'b, '_, DB>) -> ::diesel::serialize::Result {
                self.0.as_str().to_sql(out)
            }
        }

        impl<DB> ::diesel::deserialize::FromSql<::diesel::sql_types::Text, DB> for $name
        where
            DB: ::diesel::backend::Backend,
            String: ::diesel::deserialize::FromSql<::diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> ::diesel::deserialize::Result<Self> {
                // Stored ids were canonical when written; they are not re-parsed on every read.
                <String as ::diesel::deserialize::FromSql<::diesel::sql_types::Text, DB>>::from_sql(bytes).map(Self)
            }
        }

        impl ::utoipa::PartialSchema for $name {
            fn schema() -> ::utoipa::openapi::RefOr<::utoipa::openapi::schema::Schema> {
                ::utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(::utoipa::openapi::schema::Type::String)
                    .format(Some(::utoipa::openapi::schema::SchemaFormat::KnownFormat(
                        ::utoipa::openapi::schema::KnownFormat::Uuid,
                    )))
                    .into()
            }
        }

        impl ::utoipa::ToSchema for $name {}
    };
}

crate::id_type!(
    /// A volunteer.
    VolunteerId
);
crate::id_type!(
    /// A login (staff, volunteer or integrator).
    AccountId
);
crate::id_type!(
    /// An event; a meeting has the id of its event.
    EventId
);
crate::id_type!(
    /// A shift of an event.
    ShiftId
);
crate::id_type!(
    /// A volunteer's place on a shift.
    AssignmentId
);
crate::id_type!(
    /// A door-to-door route.
    RouteId
);
crate::id_type!(
    /// A stop of a route.
    StopId
);
crate::id_type!(
    /// A visit at a stop, generated by the phone that recorded it.
    VisitId
);
crate::id_type!(
    /// A locality (district, town, rural district, village).
    LocalityId
);
crate::id_type!(
    /// A work collective (organisation) to meet.
    OrganisationId
);
crate::id_type!(
    /// A coalition member organisation.
    MemberOrganisationId
);
crate::id_type!(
    /// A printed material of the catalogue.
    MaterialId
);
crate::id_type!(
    /// A movement of the stock ledger.
    MovementId
);
crate::id_type!(
    /// A place designated for campaign posters.
    PosterSiteId
);
crate::id_type!(
    /// Posters put up on a site.
    PlacementId
);
crate::id_type!(
    /// One entry of a placement's status history; an inspection synced offline
    /// carries the id its phone generated.
    PlacementChangeId
);
crate::id_type!(
    /// An item of the talking-points library.
    TalkingPointId
);
crate::id_type!(
    /// A social-media post of the campaign.
    SocialPostId
);
crate::id_type!(
    /// A reach snapshot of a social-media post.
    ReachSnapshotId
);
crate::id_type!(
    /// A webhook subscription.
    WebhookId
);
crate::id_type!(
    /// One webhook message to one subscription (its `webhook-id` header).
    DeliveryId
);

#[cfg(test)]
mod tests {
    use super::*;

    fn assign(_route: &RouteId, _volunteer: &VolunteerId) {}

    #[test]
    fn ids_in_their_places_compile() {
        assign(&RouteId::new(), &VolunteerId::new());
    }

    #[test]
    fn ids_are_parsed_once_into_canonical_form() {
        let id: VolunteerId = "0192F3A4-5B6C-7D8E-9F00-112233445566".parse().unwrap();
        assert_eq!(id.as_str(), "0192f3a4-5b6c-7d8e-9f00-112233445566");
        assert!("not-a-uuid".parse::<RouteId>().is_err());
        let json: Result<RouteId, _> = serde_json::from_str("\"x\"");
        assert!(json.is_err());
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"0192f3a4-5b6c-7d8e-9f00-112233445566\"");
    }
}
