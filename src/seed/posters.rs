//! Poster sites, placements and their histories, consistent with the stock: a
//! catalogue poster, a delivery to each branch, and every placement debiting it
//! with a `placement` movement, as the API would have recorded them.

use chrono::{NaiveDateTime, TimeDelta};

use super::context::{BranchContext, share};
use super::new_id;
use super::rng::Rng;
use crate::db::materials::Material;
use crate::db::poster_placements::{Placement, PlacementChange};
use crate::db::poster_sites::PosterSite;
use crate::db::stock_movements::StockMovement;
use crate::domain::ids::{MaterialId, MovementId, PlacementChangeId, PlacementId, PosterSiteId};
use crate::domain::material::{MaterialKind, MaterialLanguage, MovementKind};
use crate::domain::poster::{PlacementStatus, SiteKind, SiteStatus};

/// Everything the posters of the data set come to, written in one transaction.
#[derive(Default)]
pub struct PosterBatch {
    pub materials: Vec<Material>,
    pub sites: Vec<PosterSite>,
    pub placements: Vec<Placement>,
    pub changes: Vec<PlacementChange>,
    pub movements: Vec<StockMovement>,
    /// What each branch keeps of the poster after its placements.
    pub balances: Vec<(String, MaterialId, i32)>,
}

/// Posters left on each branch's shelves after the placements.
const RESERVE: i32 = 500;

fn change(rng: &mut Rng, placement: &Placement, status: PlacementStatus, at: NaiveDateTime) -> PlacementChange {
    PlacementChange {
        id: new_id::<PlacementChangeId>(rng, at),
        placement_id: placement.id.clone(),
        status,
        at,
        volunteer_id: None,
        recorded_by: placement.recorded_by.clone(),
        note: None,
        photo_ref: None,
        received_at: at,
    }
}

/// A placement of `quantity` of `material` on `site` by the branch's
/// coordinator, its movement and first change.
fn place(
    rng: &mut Rng,
    batch: &mut PosterBatch,
    site: &PosterSite,
    (material, branch): (&MaterialId, &BranchContext),
    quantity: i32,
    at: NaiveDateTime,
    replaces: Option<PlacementId>,
) -> Placement {
    let placement = Placement {
        id: new_id::<PlacementId>(rng, at),
        site_id: site.id.clone(),
        branch_code: site.branch_code.clone(),
        material_id: material.clone(),
        quantity,
        placed_at: at,
        placed_by: None,
        event_id: None,
        status: PlacementStatus::Placed,
        replaces_id: replaces,
        replaced_by_id: None,
        recorded_by: branch.coordinator.clone(),
        created_at: at,
        updated_at: at,
        version: 1,
    };
    batch.movements.push(StockMovement {
        id: new_id::<MovementId>(rng, at),
        kind: MovementKind::Placement,
        material_id: material.clone(),
        branch_code: site.branch_code.clone(),
        to_branch_code: None,
        volunteer_id: None,
        quantity,
        direction: None,
        reason: None,
        note: None,
        reverses_id: None,
        recorded_by: branch.coordinator.clone(),
        created_at: at,
        placement_id: Some(placement.id.clone()),
        visit_id: None,
        meeting_id: None,
        event_id: None,
    });
    let first = change(rng, &placement, PlacementStatus::Placed, at);
    batch.changes.push(first);
    placement
}

/// Sites in every settlement of every branch (about `total` in all), posters on
/// most of the active ones, and inspections since: some found damaged or
/// removed, half of the damaged already replaced.
pub fn generate(contexts: &[BranchContext], total: u64, weights: u32, now: NaiveDateTime) -> PosterBatch {
    let mut rng = Rng::new(0x706f_7374_6572);
    let mut batch = PosterBatch::default();
    let delivered = now - TimeDelta::days(40);
    let material = Material {
        id: new_id::<MaterialId>(&mut rng, delivered),
        code: "P-2026-02".into(),
        title_kk: "Референдум: дауыс беруге шақыру плакаты".into(),
        title_ru: "Плакат: приглашение на референдум".into(),
        kind: MaterialKind::Poster,
        language: MaterialLanguage::KkRu,
        format: Some("A2".into()),
        pages: Some(1),
        print_run: Some("ТД-2026/201".into()),
        active: true,
        reorder_level: Some(200),
        created_at: delivered,
        updated_at: delivered,
        version: 1,
    };
    for branch in contexts {
        if branch.settlements.is_empty() {
            continue;
        }
        let sites = share(total, branch.weight, weights);
        let mut placed_total = 0;
        for n in 0..sites {
            let settlement = &branch.settlements[usize::try_from(n).unwrap_or(0) % branch.settlements.len()];
            let created = now - TimeDelta::days(rng.between(30, 60));
            let capacity = i32::try_from(rng.between(2, 8)).unwrap_or(4);
            let mut site = PosterSite {
                id: new_id::<PosterSiteId>(&mut rng, created),
                branch_code: branch.code.clone(),
                locality_id: settlement.id.clone(),
                address: format!(
                    "{}, {} {}",
                    settlement.name_ru,
                    if settlement.village { "ул. Абая" } else { "пр. Республики" },
                    n + 1
                ),
                latitude: None,
                longitude: None,
                kind: *rng.pick(&[SiteKind::Board, SiteKind::Board, SiteKind::Stand, SiteKind::Billboard]),
                capacity,
                decision_body: format!("Акимат: {}", settlement.name_ru),
                decision_number: format!("{}-{}", 100 + n, rng.between(1, 9)),
                decision_date: (created - TimeDelta::days(5)).date(),
                status: if rng.chance(5) { SiteStatus::Retired } else { SiteStatus::Active },
                current_posters: 0,
                last_checked_at: None,
                created_at: created,
                updated_at: created,
                version: 1,
            };
            if site.status == SiteStatus::Active && rng.chance(85) {
                let placed_at = created + TimeDelta::hours(rng.between(24, 240));
                let quantity = i32::try_from(rng.between(1, i64::from(capacity))).unwrap_or(1);
                let mut placement =
                    place(&mut rng, &mut batch, &site, (&material.id, branch), quantity, placed_at, None);
                placed_total += quantity;
                site.current_posters = quantity;
                if rng.chance(70) {
                    let checked_at = (placed_at + TimeDelta::hours(rng.between(24, 24 * 14))).min(now);
                    let found = match rng.below(100) {
                        0..15 => PlacementStatus::Damaged,
                        15..20 => PlacementStatus::Removed,
                        _ => PlacementStatus::Checked,
                    };
                    batch.changes.push(change(&mut rng, &placement, found, checked_at));
                    placement.status = found;
                    placement.updated_at = checked_at;
                    placement.version += 1;
                    site.last_checked_at = Some(checked_at);
                    if !found.is_current() {
                        site.current_posters = 0;
                    }
                    if found == PlacementStatus::Damaged && rng.chance(50) {
                        let replaced_at = (checked_at + TimeDelta::hours(rng.between(2, 48))).min(now);
                        let replacement = place(
                            &mut rng,
                            &mut batch,
                            &site,
                            (&material.id, branch),
                            quantity,
                            replaced_at,
                            Some(placement.id.clone()),
                        );
                        batch.changes.push(change(&mut rng, &placement, PlacementStatus::Replaced, replaced_at));
                        placement.status = PlacementStatus::Replaced;
                        placement.replaced_by_id = Some(replacement.id.clone());
                        placement.updated_at = replaced_at;
                        placement.version += 1;
                        placed_total += quantity;
                        site.current_posters = quantity;
                        site.updated_at = placement.updated_at.max(site.updated_at);
                        // The original goes in first: its replacement names it.
                        batch.placements.push(placement);
                        batch.placements.push(replacement);
                        batch.sites.push(site);
                        continue;
                    }
                }
                site.updated_at = placement.updated_at.max(site.updated_at);
                batch.placements.push(placement);
            }
            batch.sites.push(site);
        }
        let receipt = placed_total + RESERVE;
        batch.movements.push(StockMovement {
            id: new_id::<MovementId>(&mut rng, delivered),
            kind: MovementKind::Receipt,
            material_id: material.id.clone(),
            branch_code: branch.code.clone(),
            to_branch_code: None,
            volunteer_id: None,
            quantity: receipt,
            direction: None,
            reason: None,
            note: Some("Тираж ТД-2026/201".into()),
            reverses_id: None,
            recorded_by: branch.coordinator.clone(),
            created_at: delivered,
            placement_id: None,
            visit_id: None,
            meeting_id: None,
            event_id: None,
        });
        batch.balances.push((branch.code.clone(), material.id.clone(), RESERVE));
    }
    batch.materials.push(material);
    batch
}
