//! Printed materials: a catalogue and a ledger in which every balance equals
//! the sum of its movements and none is below zero. The visits' and meeting
//! reports' materials are handed out as they are made (`hand_out` movements
//! naming the visit or meeting); at the end the issues to the volunteers who
//! handed them out, the receipts from the print runs and a few transfers from
//! Astana are worked out to cover them, with some stock left on every shelf.

use std::collections::BTreeMap;

use chrono::{NaiveDateTime, TimeDelta};

use super::clock::{base_time, campaign_days};
use super::context::BranchContext;
use super::new_id;
use super::rng::Rng;
use crate::db::materials::Material;
use crate::db::routes::{Route, Visit};
use crate::db::stock_balances::StockBalance;
use crate::db::stock_movements::StockMovement;
use crate::db::volunteer_holdings::Holding;
use crate::domain::ids::{AccountId, EventId, MaterialId, VolunteerId};
use crate::domain::material::{MaterialKind, MaterialLanguage, MovementKind};

/// The catalogue: code, titles, kind, language, format, pages, handed out at doors.
type Item = (&'static str, &'static str, &'static str, MaterialKind, MaterialLanguage, &'static str, i32, bool);

const ITEMS: &[Item] = &[
    (
        "L-2026-01",
        "Конституция туралы парақша",
        "Листовка о Конституции",
        MaterialKind::Leaflet,
        MaterialLanguage::Kk,
        "A5",
        2,
        true,
    ),
    (
        "L-2026-02",
        "Листовка о Конституции",
        "Листовка о Конституции",
        MaterialKind::Leaflet,
        MaterialLanguage::Ru,
        "A5",
        2,
        true,
    ),
    (
        "L-2026-03",
        "Дауыс беру тәртібі",
        "Как проголосовать",
        MaterialKind::Leaflet,
        MaterialLanguage::KkRu,
        "A5",
        2,
        true,
    ),
    (
        "N-2026-01",
        "«Референдум» газеті",
        "Газета «Референдум»",
        MaterialKind::Newspaper,
        MaterialLanguage::KkRu,
        "A3",
        8,
        true,
    ),
    (
        "B-2026-01",
        "Жаңа Конституция: сұрақтар мен жауаптар",
        "Новая Конституция: вопросы и ответы",
        MaterialKind::Brochure,
        MaterialLanguage::KkRu,
        "A5",
        24,
        false,
    ),
    (
        "K-2026-01",
        "Сайлаушы кітапшасы",
        "Памятка избирателя",
        MaterialKind::Booklet,
        MaterialLanguage::KkRu,
        "A6",
        12,
        false,
    ),
    (
        "P-2026-01",
        "Референдум плакаты",
        "Плакат референдума",
        MaterialKind::Poster,
        MaterialLanguage::KkRu,
        "A2",
        1,
        false,
    ),
];

/// The branch transfers start from: the capital's, which receives most print runs.
const HUB: &str = "KZ-71";

/// What one volunteer handed out of one material at visits.
struct Carried {
    branch: String,
    quantity: i64,
    first: NaiveDateTime,
    last: NaiveDateTime,
}

/// The ledger as the data set is made.
pub struct Ledger {
    rng: Rng,
    catalogue: Vec<Material>,
    /// Handed out at visits, per volunteer and material.
    carried: BTreeMap<(VolunteerId, MaterialId), Carried>,
    /// Handed out at meetings, per branch and material.
    at_meetings: BTreeMap<(String, MaterialId), i64>,
    /// Rows written so far, by kind.
    pub written: usize,
}

impl Ledger {
    pub fn start() -> Self {
        let mut rng = Rng::new(0x6d61_7465_7269_616c);
        let (first_day, _) = campaign_days();
        let at = first_day.and_hms_opt(0, 0, 0).unwrap_or_default() - TimeDelta::days(30);
        let catalogue = ITEMS
            .iter()
            .map(|&(code, title_kk, title_ru, kind, language, format, pages, _)| Material {
                id: new_id(&mut rng, at),
                code: code.to_owned(),
                title_kk: title_kk.to_owned(),
                title_ru: title_ru.to_owned(),
                kind,
                language,
                format: Some(format.to_owned()),
                pages: Some(pages),
                print_run: Some(format!("ТД-2026/{}", 100 + rng.between(1, 99))),
                active: true,
                reorder_level: Some(i32::try_from(rng.between(2, 10)).unwrap_or(5) * 100),
                created_at: at,
                updated_at: at,
                version: 1,
            })
            .collect();
        Self { rng, catalogue, carried: BTreeMap::new(), at_meetings: BTreeMap::new(), written: 0 }
    }

    pub fn catalogue(&self) -> &[Material] {
        &self.catalogue
    }

    /// Materials handed out at doors, or at meetings.
    fn pick(&mut self, at_doors: bool) -> MaterialId {
        let choices: Vec<&Material> =
            self.catalogue.iter().zip(ITEMS).filter(|(_, item)| item.7 == at_doors).map(|(row, _)| row).collect();
        let index = usize::try_from(self.rng.below(choices.len() as u64)).unwrap_or(0);
        choices[index.min(choices.len() - 1)].id.clone()
    }

    /// `total` split into one or two materials.
    fn split(&mut self, total: i32, at_doors: bool) -> Vec<(MaterialId, i32)> {
        let first = self.pick(at_doors);
        if total >= 4 && self.rng.chance(30) {
            let second = self.pick(at_doors);
            if second != first {
                let part = total / 2;
                return vec![(first, total - part), (second, part)];
            }
        }
        vec![(first, total)]
    }

    fn movement(
        &mut self,
        kind: MovementKind,
        material: MaterialId,
        branch: &str,
        quantity: i32,
        by: &AccountId,
        at: NaiveDateTime,
    ) -> StockMovement {
        StockMovement {
            id: new_id(&mut self.rng, at),
            kind,
            material_id: material,
            branch_code: branch.to_owned(),
            to_branch_code: None,
            volunteer_id: None,
            quantity,
            direction: None,
            reason: None,
            note: None,
            reverses_id: None,
            recorded_by: by.clone(),
            created_at: at,
            visit_id: None,
            meeting_id: None,
            event_id: None,
            placement_id: None,
        }
    }

    /// The hand-outs of a batch of visits (written after them): what each visit
    /// left, from what its volunteer carries.
    pub fn visits(&mut self, routes: &[Route], visits: &[Visit]) -> Vec<StockMovement> {
        let branches: BTreeMap<&str, &str> =
            routes.iter().map(|route| (route.id.as_str(), route.branch_code.as_str())).collect();
        let mut rows = Vec::new();
        for visit in visits.iter().filter(|visit| visit.materials_left > 0) {
            let (Some(volunteer), Some(branch)) = (&visit.volunteer_id, branches.get(visit.route_id.as_str())) else {
                continue;
            };
            for (material, quantity) in self.split(visit.materials_left, true) {
                let at = visit.received_at;
                let carried = self.carried.entry((volunteer.clone(), material.clone())).or_insert_with(|| Carried {
                    branch: (*branch).to_owned(),
                    quantity: 0,
                    first: at,
                    last: at,
                });
                carried.quantity += i64::from(quantity);
                carried.first = carried.first.min(visit.visited_at);
                carried.last = carried.last.max(at);
                let row = self.movement(MovementKind::HandOut, material, branch, quantity, &visit.recorded_by, at);
                rows.push(StockMovement {
                    volunteer_id: Some(volunteer.clone()),
                    visit_id: Some(visit.id.clone()),
                    ..row
                });
            }
        }
        rows
    }

    /// The hand-outs of a meeting's report, from its branch's stock.
    pub fn meeting(
        &mut self,
        branch: &BranchContext,
        meeting: &EventId,
        handed_out: i32,
        at: NaiveDateTime,
    ) -> Vec<StockMovement> {
        let mut rows = Vec::new();
        if handed_out <= 0 {
            return rows;
        }
        for (material, quantity) in self.split(handed_out, false) {
            *self.at_meetings.entry((branch.code.clone(), material.clone())).or_default() += i64::from(quantity);
            let row = self.movement(MovementKind::HandOut, material, &branch.code, quantity, &branch.coordinator, at);
            rows.push(StockMovement { meeting_id: Some(meeting.clone()), ..row });
        }
        rows
    }

    /// The issues, transfers and receipts that cover every hand-out, and the
    /// balances the whole ledger leaves.
    pub fn finish(mut self, branches: &[BranchContext]) -> (Vec<StockMovement>, Vec<StockBalance>, Vec<Holding>) {
        let coordinator =
            |code: &str| branches.iter().find(|branch| branch.code == code).map(|branch| branch.coordinator.clone());
        let (first_day, _) = campaign_days();
        let start = first_day.and_hms_opt(4, 0, 0).unwrap_or_default();
        let (received, transferred) = (start - TimeDelta::days(20), start - TimeDelta::days(12));
        let mut rows = Vec::new();
        let mut holdings = Vec::new();
        // What each branch gives out: issues and meeting hand-outs.
        let mut out: BTreeMap<(String, MaterialId), i64> = std::mem::take(&mut self.at_meetings);
        let carried = std::mem::take(&mut self.carried);
        for ((volunteer, material), carried) in carried {
            let Some(by) = coordinator(&carried.branch) else { continue };
            let left = self.rng.between(0, 20);
            let issued = carried.quantity + left;
            *out.entry((carried.branch.clone(), material.clone())).or_default() += issued;
            let at = carried.first - TimeDelta::minutes(30);
            let row = self.movement(MovementKind::Issue, material.clone(), &carried.branch, clamp(issued), &by, at);
            rows.push(StockMovement { volunteer_id: Some(volunteer.clone()), ..row });
            holdings.push(Holding {
                volunteer_id: volunteer,
                material_id: material,
                branch_code: carried.branch,
                quantity: clamp(left),
                updated_at: carried.last,
            });
        }
        let materials: Vec<MaterialId> = self.catalogue.iter().map(|row| row.id.clone()).collect();
        let mut balances = Vec::new();
        let mut receipts: BTreeMap<(String, MaterialId), i64> = BTreeMap::new();
        for branch in branches {
            for material in &materials {
                let key = (branch.code.clone(), material.clone());
                let shelf = self.rng.between(100, 2000);
                let given = out.get(&key).copied().unwrap_or(0);
                // Some branches get part of their stock from the hub instead of the print run.
                let moved = if branch.code != HUB && self.rng.chance(30) { self.rng.between(50, shelf) } else { 0 };
                *receipts.entry(key.clone()).or_default() += given + shelf - moved;
                if moved > 0 {
                    *receipts.entry((HUB.to_owned(), material.clone())).or_default() += moved;
                    if let Some(by) = coordinator(HUB) {
                        let row = self.movement(
                            MovementKind::Transfer,
                            material.clone(),
                            HUB,
                            clamp(moved),
                            &by,
                            transferred,
                        );
                        rows.push(StockMovement { to_branch_code: Some(branch.code.clone()), ..row });
                    }
                }
                balances.push(StockBalance {
                    branch_code: branch.code.clone(),
                    material_id: material.clone(),
                    quantity: clamp(shelf),
                    updated_at: base_time(),
                });
            }
        }
        for ((branch, material), quantity) in receipts {
            let Some(by) = coordinator(&branch) else { continue };
            if quantity > 0 {
                let row = self.movement(MovementKind::Receipt, material, &branch, clamp(quantity), &by, received);
                rows.push(StockMovement { note: Some("Поставка из типографии".into()), ..row });
            }
        }
        rows.sort_by(|a, b| a.id.cmp(&b.id));
        (rows, balances, holdings)
    }
}

fn clamp(quantity: i64) -> i32 {
    i32::try_from(quantity).unwrap_or(i32::MAX)
}
