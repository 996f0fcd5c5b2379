//! Poster sites and placements: the kinds and statuses, and the lifecycle of a
//! placement (which status may follow which), decided here once.

use diesel::sql_types::Text;
use diesel::{AsExpression, FromSqlRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a designated poster site is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    /// An information board.
    Board,
    /// A free-standing stand.
    Stand,
    Billboard,
    Other,
}

crate::text_enum!(SiteKind { Board = "board", Stand = "stand", Billboard = "billboard", Other = "other" });

/// Whether a site may still take posters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum SiteStatus {
    Active,
    /// No longer designated: nothing new is placed there.
    Retired,
}

crate::text_enum!(SiteStatus { Active = "active", Retired = "retired" });

/// Where a placement stands in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum PlacementStatus {
    /// Put up; not inspected since.
    Placed,
    /// Found in good order at the latest inspection.
    Checked,
    /// Found torn, painted over or otherwise damaged: awaits replacement.
    Damaged,
    /// Found gone (or taken down): awaits replacement.
    Removed,
    /// Dealt with: replaced by a new placement (or closed without one).
    Replaced,
}

crate::text_enum!(PlacementStatus {
    Placed = "placed",
    Checked = "checked",
    Damaged = "damaged",
    Removed = "removed",
    Replaced = "replaced",
});

impl PlacementStatus {
    /// Whether the placement's posters hang on the site now (and so take up its
    /// capacity and count as a current poster).
    pub fn is_current(self) -> bool {
        matches!(self, Self::Placed | Self::Checked)
    }

    /// Whether a change to this status is an inspection of the site.
    pub fn is_inspection(self) -> bool {
        matches!(self, Self::Checked | Self::Damaged | Self::Removed)
    }

    /// Whether the placement awaits replacement.
    pub fn awaits_replacement(self) -> bool {
        matches!(self, Self::Damaged | Self::Removed)
    }

    /// Whether a placement in this status may move to `next`: an inspection of a
    /// hanging poster finds it in order, damaged or gone (`placed` or `checked` ->
    /// `checked`, `damaged`, `removed`); a damaged or removed one is `replaced`.
    /// Nothing follows `replaced`, and nothing goes back to `placed`.
    pub fn may_become(self, next: Self) -> bool {
        match self {
            Self::Placed | Self::Checked => next.is_inspection(),
            Self::Damaged | Self::Removed => next == Self::Replaced,
            Self::Replaced => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PlacementStatus::*;

    #[test]
    fn the_lifecycle_goes_forward_only() {
        assert!(Placed.may_become(Checked));
        assert!(Checked.may_become(Checked));
        assert!(Checked.may_become(Damaged));
        assert!(Placed.may_become(Removed));
        assert!(Damaged.may_become(Replaced));
        assert!(Removed.may_become(Replaced));
        assert!(!Placed.may_become(Replaced));
        assert!(!Checked.may_become(Placed));
        assert!(!Damaged.may_become(Checked));
        assert!(!Replaced.may_become(Checked));
        assert!(!Replaced.may_become(Replaced));
    }

    #[test]
    fn only_hanging_posters_are_current() {
        assert!(Placed.is_current() && Checked.is_current());
        assert!(!Damaged.is_current() && !Removed.is_current() && !Replaced.is_current());
    }
}
