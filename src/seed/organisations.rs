//! Coalition member organisations: a few national ones and two per branch,
//! each with a valid, unique BIN. The names are invented for the demo.

use std::collections::HashSet;

use super::rng::Rng;
use super::{base_time, new_id};
use crate::db::branches::Branch;
use crate::db::member_organisations::MemberOrganisation;
use crate::domain::bin::is_valid_bin;
use crate::domain::member_organisation::MemberKind;

const NATIONAL: &[(&str, MemberKind)] = &[
    ("«Ел бірлігі» партиясы", MemberKind::Party),
    ("«Азаматтық бастама» республикалық қоғамдық бірлестігі", MemberKind::PublicAssociation),
    ("Республикалық кәсіподақтар орталығы", MemberKind::TradeUnion),
    ("Өнеркәсіпшілер мен кәсіпкерлер қауымдастығы", MemberKind::IndustryAssociation),
    ("«Жастар қанаты» республикалық жастар бірлестігі", MemberKind::YouthOrganisation),
    ("Ғалымдар мен мәдениет қайраткерлерінің клубы", MemberKind::Other),
];

/// A BIN as issued: registration year and month, legal-entity type `4`,
/// attribute `0`, a serial and the check digit.
pub(super) fn new_bin(rng: &mut Rng, taken: &mut HashSet<String>) -> String {
    loop {
        let body = format!("{:02}{:02}40{:05}", rng.between(0, 24), rng.between(1, 12), rng.below(100_000));
        for check in 0..10 {
            let bin = format!("{body}{check}");
            if is_valid_bin(&bin) && taken.insert(bin.clone()) {
                return bin;
            }
        }
        // Some bodies have no valid check digit at all: draw another.
    }
}

pub fn generate(rng: &mut Rng, branches: &[Branch]) -> Vec<MemberOrganisation> {
    let at = base_time();
    let mut taken = HashSet::new();
    let mut out = Vec::new();
    let mut add = |rng: &mut Rng, name: String, kind: MemberKind, branch: Option<&str>| {
        let bin = new_bin(rng, &mut taken);
        out.push(MemberOrganisation {
            id: new_id(rng, at),
            name,
            kind,
            branch_code: branch.map(str::to_owned),
            bin,
            created_at: at,
            updated_at: at,
            version: 1,
        });
    };
    for (name, kind) in NATIONAL {
        add(rng, (*name).into(), *kind, None);
    }
    for branch in branches {
        let youth = format!("{} жастар ресурстық орталығы", branch.centre_kk);
        add(rng, youth, MemberKind::YouthOrganisation, Some(&branch.code));
        let union = format!("{} кәсіподақтар кеңесі", branch.name_kk);
        add(rng, union, MemberKind::TradeUnion, Some(&branch.code));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_bins_are_valid_and_unique() {
        let mut rng = Rng::new(11);
        let mut taken = HashSet::new();
        for _ in 0..2000 {
            let bin = new_bin(&mut rng, &mut taken);
            assert!(is_valid_bin(&bin), "{bin}");
        }
        assert_eq!(taken.len(), 2000);
    }
}
