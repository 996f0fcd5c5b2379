//! Localities of every branch: city districts for the three cities; for regions
//! the administrative centre, districts, towns, rural districts and villages.
//! Names are plausible Kazakh place names, not an exact map of each region.

use crate::domain::ids::LocalityId;
use chrono::NaiveDateTime;

use super::rng::Rng;
use super::{base_time, new_id};
use crate::db::branches::Branch;
use crate::db::localities::Locality;
use crate::domain::locality::LocalityKind;

/// The districts of the cities of republican significance (Kazakh, Russian).
const CITY_DISTRICTS: &[(&str, &[(&str, &str)])] = &[
    (
        "KZ-71",
        &[
            ("Алматы ауданы", "район Алматы"),
            ("Байқоңыр ауданы", "район Байконур"),
            ("Есіл ауданы", "район Есиль"),
            ("Сарыарқа ауданы", "район Сарыарка"),
            ("Нұра ауданы", "район Нура"),
        ],
    ),
    (
        "KZ-75",
        &[
            ("Алатау ауданы", "Алатауский район"),
            ("Алмалы ауданы", "Алмалинский район"),
            ("Әуезов ауданы", "Ауэзовский район"),
            ("Бостандық ауданы", "Бостандыкский район"),
            ("Жетісу ауданы", "Жетысуский район"),
            ("Медеу ауданы", "Медеуский район"),
            ("Наурызбай ауданы", "Наурызбайский район"),
            ("Түрксіб ауданы", "Турксибский район"),
        ],
    ),
    (
        "KZ-79",
        &[
            ("Абай ауданы", "Абайский район"),
            ("Әл-Фараби ауданы", "Аль-Фарабийский район"),
            ("Еңбекші ауданы", "Енбекшинский район"),
            ("Қаратау ауданы", "Каратауский район"),
            ("Тұран ауданы", "район Туран"),
        ],
    ),
];

/// Roots of district names (Kazakh, Russian adjective).
const DISTRICTS: &[(&str, &str)] = &[
    ("Бұланды", "Буландынский"),
    ("Зеренді", "Зерендинский"),
    ("Целиноград", "Целиноградский"),
    ("Аршалы", "Аршалынский"),
    ("Ерейментау", "Ерейментауский"),
    ("Қарасай", "Карасайский"),
    ("Талғар", "Талгарский"),
    ("Еңбекшіқазақ", "Енбекшиказахский"),
    ("Жамбыл", "Жамбылский"),
    ("Райымбек", "Райымбекский"),
    ("Байзақ", "Байзакский"),
    ("Жуалы", "Жуалынский"),
    ("Мерке", "Меркенский"),
    ("Шу", "Шуский"),
    ("Сарыағаш", "Сарыагашский"),
    ("Төлеби", "Толебийский"),
    ("Сайрам", "Сайрамский"),
    ("Ордабасы", "Ордабасинский"),
    ("Қазығұрт", "Казыгуртский"),
    ("Мақтаарал", "Мактааральский"),
    ("Осакаров", "Осакаровский"),
    ("Абай", "Абайский"),
    ("Нұра", "Нуринский"),
    ("Қарқаралы", "Каркаралинский"),
    ("Әйтеке би", "Айтекебийский"),
    ("Мұғалжар", "Мугалжарский"),
    ("Мақат", "Макатский"),
    ("Индер", "Индерский"),
    ("Исатай", "Исатайский"),
    ("Теректі", "Теректинский"),
    ("Сырдария", "Сырдарьинский"),
    ("Жалағаш", "Жалагашский"),
    ("Қармақшы", "Кармакшинский"),
    ("Түпқараған", "Тупкараганский"),
    ("Маңғыстау", "Мангистауский"),
    ("Ақсу", "Аксуский"),
    ("Ертіс", "Иртышский"),
    ("Есіл", "Есильский"),
    ("Тайынша", "Тайыншинский"),
    ("Уәлиханов", "Уалихановский"),
    ("Ұзынкөл", "Узункольский"),
    ("Жарма", "Жарминский"),
    ("Үржар", "Урджарский"),
    ("Көксу", "Коксуский"),
    ("Ақтоғай", "Актогайский"),
];

/// Roots of village and rural district names (Kazakh, Russian).
const VILLAGES: &[(&str, &str)] = &[
    ("Қарабұлақ", "Карабулак"),
    ("Ақсай", "Аксай"),
    ("Жаңатұрмыс", "Жанатурмыс"),
    ("Көктерек", "Коктерек"),
    ("Бірлік", "Бирлик"),
    ("Достық", "Достык"),
    ("Қызылжар", "Кызылжар"),
    ("Шұбаркөл", "Шубарколь"),
    ("Талдыбұлақ", "Талдыбулак"),
    ("Алғабас", "Алгабас"),
    ("Көкөзек", "Кокозек"),
    ("Ақжар", "Акжар"),
    ("Сарыбұлақ", "Сарыбулак"),
    ("Жалпақтал", "Жалпактал"),
    ("Қаракемер", "Каракемер"),
    ("Ынтымақ", "Ынтымак"),
    ("Береке", "Береке"),
    ("Тасты", "Тасты"),
    ("Ақтоған", "Актоган"),
    ("Бесағаш", "Бесагаш"),
    ("Қайнар", "Кайнар"),
    ("Ақкөл", "Акколь"),
    ("Сұлутөбе", "Сулутобе"),
    ("Жаңаталап", "Жанаталап"),
    ("Көкжиде", "Кокжиде"),
    ("Қоғалы", "Когалы"),
    ("Теренөзек", "Тереньозек"),
    ("Шалқар", "Шалкар"),
    ("Ащысай", "Ащисай"),
    ("Қосағаш", "Косагаш"),
    ("Жетібай", "Жетыбай"),
    ("Ақши", "Акши"),
    ("Жаңажол", "Жанажол"),
    ("Бозой", "Бозой"),
    ("Қаражар", "Каражар"),
    ("Жұлдыз", "Жулдыз"),
    ("Саумалкөл", "Саумалколь"),
    ("Атамекен", "Атамекен"),
    ("Ақбұлақ", "Акбулак"),
    ("Қараой", "Караой"),
    ("Үшқоңыр", "Ушконыр"),
    ("Таукент", "Таукент"),
    ("Шиелі", "Шиели"),
    ("Жосалы", "Жосалы"),
    ("Бауыржан", "Бауыржан"),
];

/// Towns (Kazakh, Russian).
const TOWNS: &[(&str, &str)] = &[
    ("Есік", "Есик"),
    ("Қаскелең", "Каскелен"),
    ("Кентау", "Кентау"),
    ("Шардара", "Шардара"),
    ("Балқаш", "Балхаш"),
    ("Сәтбаев", "Сатпаев"),
    ("Риддер", "Риддер"),
    ("Зайсан", "Зайсан"),
    ("Аягөз", "Аягоз"),
    ("Жітіқара", "Житикара"),
    ("Арқалық", "Аркалык"),
    ("Қандыағаш", "Кандыагаш"),
    ("Жаңаөзен", "Жанаозен"),
    ("Құлсары", "Кульсары"),
    ("Екібастұз", "Экибастуз"),
    ("Булаев", "Булаево"),
    ("Қаратау", "Каратау"),
    ("Арал", "Аральск"),
    ("Степногорск", "Степногорск"),
    ("Щучинск", "Щучинск"),
    ("Текелі", "Текели"),
    ("Ленгер", "Ленгер"),
];

struct Builder<'a> {
    rng: &'a mut Rng,
    branch: String,
    at: NaiveDateTime,
    out: Vec<Locality>,
}

impl Builder<'_> {
    fn add(
        &mut self,
        parent: Option<&LocalityId>,
        kind: LocalityKind,
        name: (String, String),
        population: (i64, i64),
    ) -> LocalityId {
        let id: LocalityId = new_id(self.rng, self.at);
        let population = i32::try_from(self.rng.between(population.0, population.1)).ok();
        self.out.push(Locality {
            id: id.clone(),
            branch_code: self.branch.clone(),
            parent_id: parent.cloned(),
            kind,
            name_kk: name.0,
            name_ru: name.1,
            population,
            created_at: self.at,
            updated_at: self.at,
            version: 1,
        });
        id
    }
}

/// `count` distinct items of `pool` in a random order.
fn distinct<'a, T>(rng: &mut Rng, pool: &'a [T], count: usize) -> Vec<&'a T> {
    let mut order: Vec<usize> = (0..pool.len()).collect();
    for index in (1..order.len()).rev() {
        let other = usize::try_from(rng.below(u64::try_from(index).unwrap_or(0) + 1)).unwrap_or(0);
        order.swap(index, other);
    }
    order.into_iter().take(count).map(|index| &pool[index]).collect()
}

/// The localities of one branch, parents before their children.
pub fn for_branch(rng: &mut Rng, branch: &Branch) -> Vec<Locality> {
    let mut builder = Builder { rng, branch: branch.code.clone(), at: base_time(), out: Vec::new() };
    if let Some((_, districts)) = CITY_DISTRICTS.iter().find(|(code, _)| *code == branch.code) {
        for (kk, ru) in districts.iter() {
            builder.add(None, LocalityKind::District, ((*kk).into(), (*ru).into()), (150_000, 450_000));
        }
        return builder.out;
    }
    builder.add(None, LocalityKind::City, (branch.centre_kk.clone(), branch.centre_ru.clone()), (120_000, 700_000));
    let district_count = usize::try_from(builder.rng.between(5, 8)).unwrap_or(5);
    for (kk, ru) in distinct(builder.rng, DISTRICTS, district_count) {
        let district = builder.add(
            None,
            LocalityKind::District,
            (format!("{kk} ауданы"), format!("{ru} район")),
            (15_000, 90_000),
        );
        if builder.rng.chance(40) {
            let (kk, ru) = *builder.rng.pick(TOWNS);
            builder.add(Some(&district), LocalityKind::Town, (kk.into(), ru.into()), (8_000, 60_000));
        }
        let rural_count = usize::try_from(builder.rng.between(3, 5)).unwrap_or(3);
        let names = distinct(builder.rng, VILLAGES, rural_count * 5);
        let mut names = names.into_iter();
        for _ in 0..rural_count {
            let Some((kk, ru)) = names.next() else { break };
            let rural = builder.add(
                Some(&district),
                LocalityKind::RuralDistrict,
                (format!("{kk} ауылдық округі"), format!("сельский округ {ru}")),
                (2_000, 12_000),
            );
            // The rural district is named after its main village.
            builder.add(
                Some(&rural),
                LocalityKind::Village,
                (format!("{kk} ауылы"), format!("село {ru}")),
                (800, 5_000),
            );
            for _ in 0..builder.rng.between(1, 3) {
                let Some((kk, ru)) = names.next() else { break };
                builder.add(
                    Some(&rural),
                    LocalityKind::Village,
                    (format!("{kk} ауылы"), format!("село {ru}")),
                    (150, 2_500),
                );
            }
        }
    }
    builder.out
}
