//! Plausible Kazakh and Russian personal names, and the Latin spelling used for
//! demo email addresses.

use super::rng::Rng;

const KAZAKH_MEN: &[&str] = &[
    "Нұрлан",
    "Ерлан",
    "Асқар",
    "Бауыржан",
    "Дәурен",
    "Ержан",
    "Айдос",
    "Арман",
    "Алихан",
    "Әлібек",
    "Бекзат",
    "Дархан",
    "Ерасыл",
    "Жандос",
    "Қайрат",
    "Мұрат",
    "Олжас",
    "Рустем",
    "Санжар",
    "Серік",
    "Талғат",
    "Темірлан",
    "Ұлан",
    "Шыңғыс",
    "Ақжол",
    "Ертай",
    "Бағдат",
    "Әділет",
    "Ернар",
    "Данияр",
    "Мирас",
    "Елдос",
    "Нұрболат",
    "Самат",
    "Тимур",
    "Ілияс",
    "Жәнібек",
    "Абылай",
    "Ерболат",
    "Мақсат",
];

const KAZAKH_WOMEN: &[&str] = &[
    "Әлия",
    "Айгүл",
    "Айгерім",
    "Жанар",
    "Гүлнар",
    "Ақбота",
    "Аружан",
    "Динара",
    "Дана",
    "Мөлдір",
    "Назерке",
    "Салтанат",
    "Томирис",
    "Жұлдыз",
    "Айжан",
    "Ботагөз",
    "Гүлжан",
    "Ләззат",
    "Меруерт",
    "Нұргүл",
    "Сәуле",
    "Үміт",
    "Фариза",
    "Шынар",
    "Інжу",
    "Балжан",
    "Аяулым",
    "Камила",
    "Жансая",
    "Әсел",
    "Ақмарал",
    "Раушан",
    "Гаухар",
    "Зарина",
    "Перизат",
];

/// Stems of Kazakh family names that take -ов/-ова or -ев/-ева.
const KAZAKH_SURNAMES: &[(&str, &str)] = &[
    ("Ахмет", "ов"),
    ("Сейіт", "ов"),
    ("Жұмабай", "ев"),
    ("Нұрпейіс", "ов"),
    ("Әбдірахман", "ов"),
    ("Серікбай", "ев"),
    ("Омар", "ов"),
    ("Қасым", "ов"),
    ("Смағұл", "ов"),
    ("Бекмұхамбет", "ов"),
    ("Есен", "ов"),
    ("Тұрсын", "ов"),
    ("Сәрсенбай", "ев"),
    ("Жақып", "ов"),
    ("Ибрай", "ев"),
    ("Мұхаметжан", "ов"),
    ("Оспан", "ов"),
    ("Құрманғали", "ев"),
    ("Байжан", "ов"),
    ("Әміре", "ев"),
    ("Дүйсенбай", "ев"),
    ("Исабек", "ов"),
    ("Мамыт", "ов"),
    ("Төлеу", "ов"),
    ("Шәкен", "ов"),
    ("Қалиев", ""),
    ("Мұсабай", "ев"),
    ("Рахым", "ов"),
    ("Жанпейіс", "ов"),
    ("Ержан", "ов"),
    ("Тәжібай", "ев"),
    ("Сұлтанбек", "ов"),
    ("Әлімжан", "ов"),
    ("Бақыт", "ов"),
    ("Ыбырай", "ев"),
];

const RUSSIAN_MEN: &[&str] = &[
    "Александр",
    "Алексей",
    "Андрей",
    "Владимир",
    "Дмитрий",
    "Евгений",
    "Иван",
    "Игорь",
    "Константин",
    "Максим",
    "Михаил",
    "Никита",
    "Николай",
    "Олег",
    "Павел",
    "Роман",
    "Сергей",
    "Виктор",
    "Юрий",
    "Артём",
    "Денис",
    "Кирилл",
    "Антон",
    "Виталий",
];

const RUSSIAN_WOMEN: &[&str] = &[
    "Анна",
    "Анастасия",
    "Валентина",
    "Галина",
    "Дарья",
    "Екатерина",
    "Елена",
    "Ирина",
    "Ксения",
    "Людмила",
    "Марина",
    "Мария",
    "Наталья",
    "Ольга",
    "Полина",
    "Светлана",
    "Татьяна",
    "Юлия",
    "Алина",
    "Виктория",
    "Софья",
    "Вера",
    "Надежда",
];

/// Russian family names in the masculine form; the feminine adds -а, except
/// the indeclinable -ко and -ук names.
const RUSSIAN_SURNAMES: &[&str] = &[
    "Иванов",
    "Петров",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Дмитриев",
    "Гусев",
    "Ильин",
    "Максимов",
    "Поляков",
    "Сорокин",
    "Белов",
    "Медведев",
    "Антонов",
    "Тарасов",
    "Жуков",
    "Баранов",
    "Шевченко",
    "Бондаренко",
    "Ткаченко",
    "Ковальчук",
];

/// Russian patronymics (masculine, feminine) from common fathers' names.
const RUSSIAN_PATRONYMICS: &[(&str, &str)] = &[
    ("Александрович", "Александровна"),
    ("Алексеевич", "Алексеевна"),
    ("Андреевич", "Андреевна"),
    ("Владимирович", "Владимировна"),
    ("Дмитриевич", "Дмитриевна"),
    ("Евгеньевич", "Евгеньевна"),
    ("Иванович", "Ивановна"),
    ("Игоревич", "Игоревна"),
    ("Михайлович", "Михайловна"),
    ("Николаевич", "Николаевна"),
    ("Олегович", "Олеговна"),
    ("Павлович", "Павловна"),
    ("Сергеевич", "Сергеевна"),
    ("Викторович", "Викторовна"),
    ("Юрьевич", "Юрьевна"),
    ("Петрович", "Петровна"),
];

/// A generated person: the full name as written in documents, and what else
/// depends on it.
pub struct Person {
    pub full_name: String,
    pub given_name: &'static str,
    pub family_name: String,
    pub kazakh: bool,
}

fn kazakh_family_name(rng: &mut Rng, female: bool) -> String {
    let (stem, suffix) = *rng.pick(KAZAKH_SURNAMES);
    let mut name = format!("{stem}{suffix}");
    if female {
        name.push('а');
    }
    name
}

fn russian_family_name(rng: &mut Rng, female: bool) -> String {
    let name = *rng.pick(RUSSIAN_SURNAMES);
    if female && !(name.ends_with("ко") || name.ends_with("ук")) { format!("{name}а") } else { name.to_owned() }
}

/// A Kazakh patronymic: the modern `-ұлы`/`-қызы` written together with the
/// father's name, or the Russian-style `-ович`/`-овна`.
fn kazakh_patronymic(rng: &mut Rng, female: bool) -> String {
    let father = *rng.pick(KAZAKH_MEN);
    match (rng.chance(50), female) {
        (true, false) => format!("{father}ұлы"),
        (true, true) => format!("{father}қызы"),
        (false, false) => format!("{father}ович"),
        (false, true) => format!("{father}овна"),
    }
}

/// A person: about seven in ten Kazakh names, the rest Russian.
pub fn person(rng: &mut Rng) -> Person {
    let female = rng.chance(55);
    if rng.chance(70) {
        let given_name = *rng.pick(if female { KAZAKH_WOMEN } else { KAZAKH_MEN });
        let family_name = kazakh_family_name(rng, female);
        let patronymic = kazakh_patronymic(rng, female);
        Person { full_name: format!("{family_name} {given_name} {patronymic}"), given_name, family_name, kazakh: true }
    } else {
        let given_name = *rng.pick(if female { RUSSIAN_WOMEN } else { RUSSIAN_MEN });
        let family_name = russian_family_name(rng, female);
        let (male_patronymic, female_patronymic) = *rng.pick(RUSSIAN_PATRONYMICS);
        let patronymic = if female { female_patronymic } else { male_patronymic };
        Person { full_name: format!("{family_name} {given_name} {patronymic}"), given_name, family_name, kazakh: false }
    }
}

/// A parent of `child`, for a minor's guardian consent (same family name stem).
pub fn parent_of(rng: &mut Rng, child: &Person) -> String {
    let mother = rng.chance(65);
    let stem = child.family_name.strip_suffix('а').unwrap_or(&child.family_name);
    let family_name = if mother && !(stem.ends_with("ко") || stem.ends_with("ук")) {
        format!("{stem}а")
    } else {
        stem.to_owned()
    };
    let given_name = match (child.kazakh, mother) {
        (true, true) => *rng.pick(KAZAKH_WOMEN),
        (true, false) => *rng.pick(KAZAKH_MEN),
        (false, true) => *rng.pick(RUSSIAN_WOMEN),
        (false, false) => *rng.pick(RUSSIAN_MEN),
    };
    format!("{family_name} {given_name}")
}

/// The Latin spelling of Kazakh or Russian Cyrillic, for email addresses.
pub fn latin(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.to_lowercase().chars() {
        let latin = match c {
            'а' | 'ә' => "a",
            'б' => "b",
            'в' => "v",
            'г' | 'ғ' => "g",
            'д' => "d",
            'е' | 'ё' | 'э' => "e",
            'ж' => "zh",
            'з' => "z",
            'и' | 'й' | 'і' => "i",
            'к' => "k",
            'қ' => "q",
            'л' => "l",
            'м' => "m",
            'н' | 'ң' => "n",
            'о' | 'ө' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' | 'ұ' | 'ү' => "u",
            'ф' => "f",
            'х' => "kh",
            'һ' => "h",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "sch",
            'ы' => "y",
            'ю' => "yu",
            'я' => "ya",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => continue,
        };
        out.push_str(latin);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_have_three_parts_and_emails_are_ascii() {
        let mut rng = Rng::new(3);
        for _ in 0..500 {
            let person = person(&mut rng);
            assert_eq!(person.full_name.split(' ').count(), 3, "{}", person.full_name);
            assert!(latin(&person.full_name).is_ascii());
        }
        assert_eq!(latin("Сейітова Әлия"), "seiitovaaliya");
    }
}
