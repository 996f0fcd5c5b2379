//! Street addresses: city streets with apartment blocks, village streets with
//! houses. Common Kazakh street names; not an exact map of any town.

use super::rng::Rng;

/// Streets of cities and towns (as written on Russian-language signs).
const CITY_STREETS: &[&str] = &[
    "ул. Абая",
    "ул. Сатпаева",
    "ул. Байтурсынова",
    "ул. Жамбыла",
    "ул. Кабанбай батыра",
    "ул. Ауэзова",
    "ул. Гоголя",
    "ул. Толе би",
    "ул. Айтеке би",
    "ул. Казыбек би",
    "ул. Жибек жолы",
    "ул. Достык",
    "ул. Сейфуллина",
    "ул. Курмангазы",
    "ул. Богенбай батыра",
    "ул. Бухар жырау",
    "ул. Чокина",
    "ул. Маметовой",
    "ул. Жансугурова",
    "ул. Есенова",
    "пр. Республики",
    "пр. Независимости",
    "пр. Аль-Фараби",
    "мкр. Самал",
    "мкр. Аксай",
    "мкр. Жетысу",
    "мкр. Орбита",
    "мкр. Восток",
    "ул. Мира",
    "ул. Гагарина",
    "ул. Пушкина",
    "ул. Ломоносова",
];

/// Streets of villages (Kazakh names, as on the signs).
const VILLAGE_STREETS: &[&str] = &[
    "Мектеп көшесі",
    "Бейбітшілік көшесі",
    "Жастар көшесі",
    "Орталық көшесі",
    "Абай көшесі",
    "Тәуелсіздік көшесі",
    "Достық көшесі",
    "Бірлік көшесі",
    "Жеңіс көшесі",
    "Өзен көшесі",
    "Бақша көшесі",
    "Наурыз көшесі",
];

pub fn city_street(rng: &mut Rng) -> &'static str {
    rng.pick::<&str>(CITY_STREETS)
}

pub fn village_street(rng: &mut Rng) -> &'static str {
    rng.pick::<&str>(VILLAGE_STREETS)
}

/// A building number, sometimes with a letter (`12А`).
pub fn building(rng: &mut Rng, highest: i64) -> String {
    let number = rng.between(1, highest);
    if rng.chance(12) { format!("{number}{}", rng.pick(&["А", "Б", "В"])) } else { number.to_string() }
}

/// A full address in a settlement: street and building.
pub fn address(rng: &mut Rng, village: bool) -> String {
    if village {
        format!("{}, {}", village_street(rng), rng.between(1, 120))
    } else {
        format!("{}, {}", city_street(rng), building(rng, 180))
    }
}
