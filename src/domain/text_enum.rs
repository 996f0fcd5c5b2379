//! Closed sets of values (statuses, kinds, roles) stored as text columns.
//!
//! [`text_enum!`] gives an enum its one spelling, used alike by JSON (serde), the
//! OpenAPI schema and the database: `ToSql`/`FromSql` over `Text` on every diesel
//! backend, so a row field is the enum itself and code never compares strings.
//! A stored value outside the set is a deserialisation error, never a default: a
//! row written by a newer version or by hand must not turn into a legal state.
//!
//! The enum also needs `#[derive(diesel::AsExpression, diesel::FromSqlRow)]` and
//! `#[diesel(sql_type = diesel::sql_types::Text)]`; this is the one place below the
//! database layer that names diesel, and only to say how the type is stored.

use std::fmt;

/// A text that is none of a closed set's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    pub set: &'static str,
    pub value: String,
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a known {}", self.value, self.set)
    }
}

impl std::error::Error for UnknownValue {}

/// Implements the spelling of each variant (`as_str`, `ALL`, `FromStr`, `Display`)
/// and its storage as text on every backend.
#[macro_export]
macro_rules! text_enum {
    ($name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The value as JSON and the database spell it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text),+
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::domain::text_enum::UnknownValue;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                match value {
                    $($text => Ok(Self::$variant),)+
                    _ => Err($crate::domain::text_enum::UnknownValue {
                        set: stringify!($name),
                        value: value.to_owned(),
                    }),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<DB> ::diesel::serialize::ToSql<::diesel::sql_types::Text, DB> for $name
        where
            DB: ::diesel::backend::Backend,
            str: ::diesel::serialize::ToSql<::diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut ::diesel::serialize::Output<'b, '_, DB>) -> ::diesel::serialize::Result {
                self.as_str().to_sql(out)
            }
        }

        impl<DB> ::diesel::deserialize::FromSql<::diesel::sql_types::Text, DB> for $name
        where
            DB: ::diesel::backend::Backend,
            String: ::diesel::deserialize::FromSql<::diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> ::diesel::deserialize::Result<Self> {
                let text = <String as ::diesel::deserialize::FromSql<::diesel::sql_types::Text, DB>>::from_sql(bytes)?;
                Ok(text.parse::<Self>()?)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use serde::Serialize;
    use serde::de::DeserializeOwned;

    use crate::domain::{
        branch, change, event, language, locality, material, meeting, member_organisation, poster, role, route, social,
        talking_point, volunteer,
    };

    /// JSON, the spec and the database must spell every value alike.
    fn spelled_alike<T>(all: &[T])
    where
        T: Copy + PartialEq + std::fmt::Debug + Serialize + DeserializeOwned + std::str::FromStr + std::fmt::Display,
    {
        for value in all {
            let json = serde_json::to_string(value).unwrap();
            assert_eq!(json, format!("\"{value}\""));
            assert_eq!(serde_json::from_str::<T>(&json).unwrap(), *value);
            assert!(value.to_string().parse::<T>().is_ok_and(|parsed| parsed == *value));
        }
    }

    #[test]
    fn every_stored_enum_spells_its_values_as_serde_does() {
        spelled_alike(event::EventKind::ALL);
        spelled_alike(event::EventStatus::ALL);
        spelled_alike(event::AssignmentStatus::ALL);
        spelled_alike(volunteer::VolunteerStatus::ALL);
        spelled_alike(role::Role::ALL);
        spelled_alike(route::RouteStatus::ALL);
        spelled_alike(route::QuestionTopic::ALL);
        spelled_alike(meeting::MeetingStatus::ALL);
        spelled_alike(meeting::MeetingKind::ALL);
        spelled_alike(meeting::Sector::ALL);
        spelled_alike(locality::LocalityKind::ALL);
        spelled_alike(member_organisation::MemberKind::ALL);
        spelled_alike(branch::BranchKind::ALL);
        spelled_alike(language::Language::ALL);
        spelled_alike(material::MaterialKind::ALL);
        spelled_alike(material::MaterialLanguage::ALL);
        spelled_alike(material::MovementKind::ALL);
        spelled_alike(material::AdjustmentDirection::ALL);
        spelled_alike(poster::SiteKind::ALL);
        spelled_alike(poster::SiteStatus::ALL);
        spelled_alike(poster::PlacementStatus::ALL);
        spelled_alike(social::Platform::ALL);
        spelled_alike(talking_point::TalkingPointKind::ALL);
        spelled_alike(change::ChangeType::ALL);
        spelled_alike(change::ChangeOperation::ALL);
    }

    #[test]
    fn an_unknown_value_is_an_error_not_a_default() {
        let err = "archived".parse::<event::EventStatus>().unwrap_err();
        assert_eq!(err.to_string(), "\"archived\" is not a known EventStatus");
        assert!("Active".parse::<volunteer::VolunteerStatus>().is_err());
    }
}
