//! Work collectives to meet: employers and institutions of each branch with a
//! valid, unique BIN, a sector, a plausible head count and a contact person.
//! The names are invented for the demo.

use crate::domain::meeting::Sector;
use crate::service::organisations::search_text;
use std::collections::HashSet;

use chrono::TimeDelta;

use super::addresses;
use super::clock::base_time;
use super::context::BranchContext;
use super::names;
use super::new_id;
use super::organisations::new_bin;
use super::rng::Rng;
use crate::db::meetings::Organisation;
use crate::domain::phone::normalize_phone;
use crate::service::volunteers::normalize_name;

const NAMES: &[&str] = &[
    "Сарыарқа",
    "Алтын Дән",
    "Жетісу",
    "Ертіс",
    "Каспий",
    "Тұлпар",
    "Береке",
    "Дала",
    "Шапағат",
    "Арай",
    "Ақбұлақ",
    "Нұрлы Жол",
];

/// A kind of work collective: sector, Kazakh and Russian name patterns (`{}` is
/// a name or a number), head count range, relative frequency.
type Kind = (Sector, &'static str, &'static str, (i64, i64), u32);

const KINDS: &[Kind] = &[
    (Sector::Education, "№{} жалпы білім беретін мектеп", "КГУ «Общеобразовательная школа №{}»", (40, 160), 22),
    (Sector::Health, "№{} қалалық емхана", "ГКП на ПХВ «Городская поликлиника №{}»", (80, 600), 12),
    (Sector::Manufacturing, "«{} Машзауыты» ЖШС", "ТОО «{} Машзавод»", (200, 2_500), 12),
    (Sector::Agriculture, "«{} Агро» ЖШС", "ТОО «{} Агро»", (30, 400), 14),
    (Sector::Mining, "«{} Кен» АҚ", "АО «{} Руда»", (500, 5_000), 5),
    (Sector::Transport, "«{} Транс» ЖШС", "ТОО «{} Транс»", (50, 800), 8),
    (Sector::Trade, "«{} Маркет» ЖШС", "ТОО «{} Маркет»", (20, 300), 12),
    (Sector::Energy, "«{} Жылу» АҚ", "АО «{} Теплосети»", (150, 1_200), 5),
    (Sector::Construction, "«{} Құрылыс» ЖШС", "ТОО «{} Строй»", (40, 900), 7),
    (Sector::Communications, "«{} Телеком» ЖШС", "ТОО «{} Телеком»", (30, 300), 3),
];

const MOBILE_CODES: &[&str] = &["701", "702", "705", "707", "747", "771", "775", "777"];

/// `count` organisations of the branch; `taken` holds the BINs in use.
pub fn generate(rng: &mut Rng, branch: &BranchContext, count: u64, taken: &mut HashSet<String>) -> Vec<Organisation> {
    let weights: Vec<u32> = KINDS.iter().map(|kind| kind.4).collect();
    (0..count)
        .map(|_| {
            let (sector, kk, ru, employees, _) = KINDS[rng.weighted(&weights)];
            let filler =
                if kk.starts_with('№') { rng.between(1, 120).to_string() } else { (*rng.pick(NAMES)).to_owned() };
            let name_kk = normalize_name(&kk.replace("{}", &filler));
            let name_ru = normalize_name(&ru.replace("{}", &filler));
            let bin = new_bin(rng, taken);
            let settlement = (!branch.settlements.is_empty()).then(|| rng.pick(&branch.settlements));
            let at = base_time() - TimeDelta::minutes(rng.between(20 * 24 * 60, 60 * 24 * 60));
            let phone = format!("+7{}{}", rng.pick(MOBILE_CODES), 2_000_000 + rng.below(8_000_000));
            Organisation {
                id: new_id(rng, at),
                branch_code: branch.code.clone(),
                locality_id: settlement.map(|found| found.id.clone()),
                search_text: search_text(&name_kk, &name_ru, &bin),
                name_kk,
                name_ru,
                bin,
                sector,
                employee_count: i32::try_from(rng.between(employees.0, employees.1)).unwrap_or(50),
                address: Some(addresses::address(rng, settlement.is_some_and(|found| found.village))),
                contact_name: Some(normalize_name(&names::person(rng).full_name)),
                contact_phone: normalize_phone(&phone, true).ok(),
                created_at: at,
                updated_at: at,
                version: 1,
            }
        })
        .collect()
}
