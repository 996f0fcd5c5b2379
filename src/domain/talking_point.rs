//! The talking-points library: what kind of item an explanation is.

use diesel::sql_types::Text;
use diesel::{AsExpression, FromSqlRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What an item of the library explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum TalkingPointKind {
    /// A question people ask and its answer.
    Question,
    /// A point about one article of the draft constitution (`article` names it).
    Article,
}

crate::text_enum!(TalkingPointKind {
    Question = "question",
    Article = "article",
});
