//! The kinds of coalition member.

use diesel::sql_types::Text;
use diesel::{AsExpression, FromSqlRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The kinds of coalition member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum MemberKind {
    Party,
    PublicAssociation,
    TradeUnion,
    IndustryAssociation,
    /// The youth wing.
    YouthOrganisation,
    Other,
}

crate::text_enum!(MemberKind {
    Party = "party",
    PublicAssociation = "public_association",
    TradeUnion = "trade_union",
    IndustryAssociation = "industry_association",
    YouthOrganisation = "youth_organisation",
    Other = "other",
});
