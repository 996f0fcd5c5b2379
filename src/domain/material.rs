//! Printed materials and the rules of their stock ledger: what each kind of
//! movement does to which balance, worked out once here and applied by the
//! service in one transaction.

use diesel::sql_types::Text;
use diesel::{AsExpression, FromSqlRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::ids::VolunteerId;

/// What a printed item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum MaterialKind {
    Poster,
    Leaflet,
    Brochure,
    Newspaper,
    Booklet,
    Other,
}

crate::text_enum!(MaterialKind {
    Poster = "poster",
    Leaflet = "leaflet",
    Brochure = "brochure",
    Newspaper = "newspaper",
    Booklet = "booklet",
    Other = "other",
});

/// The language a printed item is in; `kk_ru` is bilingual.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum MaterialLanguage {
    Kk,
    Ru,
    KkRu,
}

crate::text_enum!(MaterialLanguage { Kk = "kk", Ru = "ru", KkRu = "kk_ru" });

/// A kind of stock movement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum MovementKind {
    /// A delivery into a branch (admins).
    Receipt,
    /// From one branch to another: the sender is debited, the receiver credited.
    Transfer,
    /// From a branch to one of its volunteers.
    Issue,
    /// From a volunteer back to their branch.
    Return,
    /// Damaged or lost stock leaves a branch.
    WriteOff,
    /// A correction after a stock count, up or down.
    Adjustment,
    /// Handed out at a visit, a meeting or an event: from the volunteer's holding
    /// when it names a volunteer, else from the branch's shelves.
    HandOut,
    /// Posters put up on a poster site: out of the volunteer's holding when a
    /// volunteer put them up, else out of the branch's stock. Recorded only by
    /// the placement it names, never undone.
    Placement,
}

crate::text_enum!(MovementKind {
    Receipt = "receipt",
    Transfer = "transfer",
    Issue = "issue",
    Return = "return",
    WriteOff = "write_off",
    Adjustment = "adjustment",
    HandOut = "hand_out",
    Placement = "placement",
});

/// Which way an adjustment moves a branch's stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
pub enum AdjustmentDirection {
    Increase,
    Decrease,
}

crate::text_enum!(AdjustmentDirection { Increase = "increase", Decrease = "decrease" });

/// A balance a movement changes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Holder {
    /// A branch's shelves.
    Branch(String),
    /// What a volunteer carries.
    Volunteer(VolunteerId),
}

/// One change of one balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effect {
    pub holder: Holder,
    pub delta: i32,
}

/// A movement as the ledger needs it to work out its effects.
#[derive(Debug, Clone)]
pub struct Movement<'a> {
    pub kind: MovementKind,
    pub branch: &'a str,
    pub to_branch: Option<&'a str>,
    pub volunteer: Option<&'a VolunteerId>,
    pub quantity: i32,
    pub direction: Option<AdjustmentDirection>,
    /// A counter-movement undoes the effects of the movement it names.
    pub reverses: bool,
}

/// Why a movement's fields do not fit its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingPart(pub &'static str);

impl Movement<'_> {
    /// The balances this movement changes, in the one order every movement takes
    /// them (branches by code, then volunteers): two transactions that lock the
    /// same balance rows lock them in the same order, so they cannot deadlock.
    pub fn effects(&self) -> Result<Vec<Effect>, MissingPart> {
        let branch = || Holder::Branch(self.branch.to_owned());
        let volunteer = || self.volunteer.cloned().map(Holder::Volunteer).ok_or(MissingPart("volunteer_id"));
        let q = self.quantity;
        let mut effects = match self.kind {
            MovementKind::Receipt => vec![(branch(), q)],
            MovementKind::WriteOff => vec![(branch(), -q)],
            MovementKind::Adjustment => match self.direction.ok_or(MissingPart("direction"))? {
                AdjustmentDirection::Increase => vec![(branch(), q)],
                AdjustmentDirection::Decrease => vec![(branch(), -q)],
            },
            MovementKind::Transfer => {
                let to = self.to_branch.ok_or(MissingPart("to_branch"))?;
                vec![(branch(), -q), (Holder::Branch(to.to_owned()), q)]
            }
            MovementKind::Issue => vec![(branch(), -q), (volunteer()?, q)],
            MovementKind::Return => vec![(branch(), q), (volunteer()?, -q)],
            MovementKind::HandOut | MovementKind::Placement => match self.volunteer {
                Some(volunteer) => vec![(Holder::Volunteer(volunteer.clone()), -q)],
                None => vec![(branch(), -q)],
            },
        };
        if self.reverses {
            effects.iter_mut().for_each(|(_, delta)| *delta = -*delta);
        }
        effects.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(effects.into_iter().map(|(holder, delta)| Effect { holder, delta }).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn movement(kind: MovementKind) -> Movement<'static> {
        Movement {
            kind,
            branch: "KZ-75",
            to_branch: None,
            volunteer: None,
            quantity: 5,
            direction: None,
            reverses: false,
        }
    }

    #[test]
    fn a_transfer_debits_the_sender_and_credits_the_receiver_in_code_order() {
        let transfer = Movement { to_branch: Some("KZ-71"), ..movement(MovementKind::Transfer) };
        assert_eq!(
            transfer.effects().unwrap(),
            vec![
                Effect { holder: Holder::Branch("KZ-71".into()), delta: 5 },
                Effect { holder: Holder::Branch("KZ-75".into()), delta: -5 },
            ]
        );
    }

    #[test]
    fn a_counter_movement_undoes_the_original() {
        let volunteer = VolunteerId::new();
        let issue = Movement { volunteer: Some(&volunteer), ..movement(MovementKind::Issue) };
        let reversal = Movement { reverses: true, ..issue.clone() };
        let total: i32 = issue.effects().unwrap().iter().chain(&reversal.effects().unwrap()).map(|e| e.delta).sum();
        assert_eq!(total, 0);
        assert_eq!(reversal.effects().unwrap()[0], Effect { holder: Holder::Branch("KZ-75".into()), delta: 5 });
        assert_eq!(reversal.effects().unwrap()[1], Effect { holder: Holder::Volunteer(volunteer), delta: -5 });
    }

    #[test]
    fn a_hand_out_debits_the_volunteer_it_names_or_else_the_branch() {
        let volunteer = VolunteerId::new();
        let by_volunteer = Movement { volunteer: Some(&volunteer), ..movement(MovementKind::HandOut) };
        assert_eq!(by_volunteer.effects().unwrap(), vec![Effect { holder: Holder::Volunteer(volunteer), delta: -5 }]);
        assert_eq!(
            movement(MovementKind::HandOut).effects().unwrap(),
            vec![Effect { holder: Holder::Branch("KZ-75".into()), delta: -5 }]
        );
    }

    #[test]
    fn a_placement_debits_the_volunteer_who_put_posters_up_else_the_branch() {
        let volunteer = VolunteerId::new();
        let by_volunteer = Movement { volunteer: Some(&volunteer), ..movement(MovementKind::Placement) };
        assert_eq!(by_volunteer.effects().unwrap(), vec![Effect { holder: Holder::Volunteer(volunteer), delta: -5 }]);
        assert_eq!(
            movement(MovementKind::Placement).effects().unwrap(),
            vec![Effect { holder: Holder::Branch("KZ-75".into()), delta: -5 }]
        );
    }

    #[test]
    fn parts_a_kind_needs_are_named_when_missing() {
        assert_eq!(movement(MovementKind::Issue).effects(), Err(MissingPart("volunteer_id")));
        assert_eq!(movement(MovementKind::Transfer).effects(), Err(MissingPart("to_branch")));
        assert_eq!(movement(MovementKind::Adjustment).effects(), Err(MissingPart("direction")));
    }
}
