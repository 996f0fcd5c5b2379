//! What the generators know about a branch: its zone, coordinator, settlements
//! and active volunteers, and its share of the data set.

use crate::domain::ids::{AccountId, LocalityId};
use chrono_tz::Tz;

use super::accounts::Logins;
use super::roster::Roster;
use crate::db::localities::Locality;
use crate::domain::locality::LocalityKind;

/// A locality routes, events and organisations can be placed in.
pub struct Settlement {
    pub id: LocalityId,
    pub name_ru: String,
    /// A village: private houses rather than apartment blocks.
    pub village: bool,
}

pub struct BranchContext {
    pub code: String,
    pub centre_ru: String,
    pub zone: Tz,
    /// The account of the branch's demo coordinator: the author of its events.
    pub coordinator: AccountId,
    /// The weight of the branch in the data set (roughly its population).
    pub weight: u32,
    pub settlements: Vec<Settlement>,
    pub roster: Roster,
    /// Volunteer logins: the demo volunteers and everyone who syncs visits.
    pub logins: Logins,
}

impl BranchContext {
    /// Settlements from the branch's localities: everything but rural
    /// districts, which are administrative units around their villages.
    pub fn settlements_of(localities: &[Locality]) -> Vec<Settlement> {
        localities
            .iter()
            .filter(|locality| locality.kind != LocalityKind::RuralDistrict)
            .map(|locality| Settlement {
                id: locality.id.clone(),
                name_ru: locality.name_ru.clone(),
                village: locality.kind == LocalityKind::Village,
            })
            .collect()
    }
}

/// The branch's part of `total`, by weight (at least one).
pub fn share(total: u64, weight: u32, weights: u32) -> u64 {
    (total * u64::from(weight) / u64::from(weights.max(1))).max(1)
}
