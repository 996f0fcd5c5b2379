//! Volunteers: plausible names, unique Kazakh mobile phones, consent, some
//! minors with a guardian's consent, mixed statuses, languages and skills.

use crate::domain::ids::{LocalityId, MemberOrganisationId};
use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta};

use super::names::{self, Person};
use super::rng::Rng;
use super::{base_time, new_id};
use crate::db::volunteers::{Volunteer, encode_list};
use crate::domain::volunteer::{ADULT_AGE, VolunteerSource, VolunteerStatus, age_on};
use crate::service::volunteers::{normalize_name, search_text};

/// Mobile operator codes used by the seed. `700` is left free: the load
/// benchmark creates its volunteers with `+7700...` numbers.
const MOBILE_CODES: &[&str] = &["701", "702", "705", "707", "708", "747", "771", "775", "776", "777", "778"];

/// How volunteers spread over the branches (roughly by population), by code.
pub(super) const BRANCH_WEIGHTS: &[(&str, u32)] = &[
    ("KZ-71", 9),
    ("KZ-75", 13),
    ("KZ-79", 8),
    ("KZ-10", 3),
    ("KZ-11", 4),
    ("KZ-15", 4),
    ("KZ-19", 7),
    ("KZ-23", 3),
    ("KZ-27", 3),
    ("KZ-31", 6),
    ("KZ-33", 3),
    ("KZ-35", 6),
    ("KZ-39", 4),
    ("KZ-43", 4),
    ("KZ-47", 4),
    ("KZ-55", 4),
    ("KZ-59", 3),
    ("KZ-61", 10),
    ("KZ-62", 1),
    ("KZ-63", 4),
];

const SKILLS: &[&str] = &[
    "агитация",
    "работа с молодёжью",
    "smm",
    "фото и видео",
    "дизайн",
    "водитель",
    "перевод",
    "организация мероприятий",
    "ораторское искусство",
    "ит",
    "юрист",
    "медицина",
    "логистика",
    "үгіт-насихат",
    "жастармен жұмыс",
    "іс-шаралар ұйымдастыру",
    "аударма",
];

const AVAILABILITY: &[&str] = &[
    "будни после 18:00",
    "выходные",
    "сенбі және жексенбі",
    "кез келген уақытта",
    "по вечерам",
    "жұмыс күндері кешке",
    "утро выходного дня",
];

const EMAIL_DOMAINS: &[&str] = &["mail.kz", "gmail.com", "mail.ru", "inbox.kz", "yandex.kz"];

/// What a volunteer may point at in its branch.
pub struct BranchRefs {
    pub localities: Vec<LocalityId>,
    pub organisations: Vec<MemberOrganisationId>,
}

pub struct VolunteerFactory {
    rng: Rng,
    phones: HashSet<u64>,
    branches: Vec<(String, BranchRefs)>,
    weights: Vec<u32>,
    national_organisations: Vec<MemberOrganisationId>,
    start: NaiveDateTime,
    step_ms: i64,
    count: u64,
    made: u64,
}

impl VolunteerFactory {
    /// A factory for `count` volunteers created over the 120 days before the base time.
    pub fn new(
        seed: u64,
        count: u64,
        refs: HashMap<String, BranchRefs>,
        national_organisations: Vec<MemberOrganisationId>,
    ) -> Self {
        let mut refs = refs;
        let mut branches = Vec::new();
        let mut weights = Vec::new();
        for (code, weight) in BRANCH_WEIGHTS {
            if let Some(branch_refs) = refs.remove(*code) {
                branches.push(((*code).to_owned(), branch_refs));
                weights.push(*weight);
            }
        }
        let span = TimeDelta::days(120).num_milliseconds();
        Self {
            rng: Rng::new(seed),
            phones: HashSet::with_capacity(usize::try_from(count).unwrap_or(0)),
            branches,
            weights,
            national_organisations,
            start: base_time() - TimeDelta::days(120),
            step_ms: span / i64::try_from(count.max(1)).unwrap_or(1),
            count,
            made: 0,
        }
    }

    fn phone(&mut self) -> String {
        loop {
            let code = *self.rng.pick(MOBILE_CODES);
            let subscriber = 2_000_000 + self.rng.below(8_000_000);
            let key = code.parse::<u64>().unwrap_or(0) * 10_000_000 + subscriber;
            if self.phones.insert(key) {
                return format!("+7{code}{subscriber}");
            }
        }
    }

    fn birth_date(&mut self, today: NaiveDate) -> Option<NaiveDate> {
        if self.rng.chance(10) {
            return None;
        }
        // Mostly young people: the campaign's volunteers are largely students.
        let bands: [(i64, i64); 5] = [(15, 17), (18, 24), (25, 34), (35, 49), (50, 69)];
        let (low, high) = bands[self.rng.weighted(&[6, 40, 25, 17, 12])];
        let age = i32::try_from(self.rng.between(low, high)).unwrap_or(30);
        let birthday = NaiveDate::from_ymd_opt(today.year() - age - 1, 1, 1)?;
        // A day in the year before the last birthday, so the age is exactly `age`.
        let first = i64::from(today.ordinal0()) + 1;
        birthday.checked_add_signed(TimeDelta::days(self.rng.between(first.min(363), 363)))
    }

    fn languages(&mut self, kazakh: bool) -> Vec<String> {
        let mut languages = Vec::new();
        let (kk, ru) = if kazakh { (true, self.rng.chance(82)) } else { (self.rng.chance(15), true) };
        if kk {
            languages.push("kk".to_owned());
        }
        if ru {
            languages.push("ru".to_owned());
        }
        if self.rng.chance(14) {
            languages.push("en".to_owned());
        }
        languages
    }

    fn skills(&mut self) -> Vec<String> {
        let mut skills: Vec<String> = Vec::new();
        for _ in 0..self.rng.between(0, 3) {
            let skill = (*self.rng.pick(SKILLS)).to_owned();
            if !skills.contains(&skill) {
                skills.push(skill);
            }
        }
        skills
    }

    fn email(&mut self, person: &Person) -> Option<String> {
        self.rng.chance(45).then(|| {
            let domain = *self.rng.pick(EMAIL_DOMAINS);
            let number = self.rng.between(1, 999);
            format!("{}.{}{number}@{domain}", names::latin(person.given_name), names::latin(&person.family_name))
        })
    }

    fn status(&mut self, source: VolunteerSource) -> VolunteerStatus {
        use VolunteerStatus::*;
        if source == VolunteerSource::Application && self.rng.chance(40) {
            return Applicant;
        }
        [Active, Paused, Left, Applicant][self.rng.weighted(&[72, 12, 8, 8])]
    }

    /// The next volunteer, or `None` once `count` were made.
    pub fn next(&mut self) -> Option<Volunteer> {
        if self.made >= self.count {
            return None;
        }
        let offset = i64::try_from(self.made).unwrap_or(0) * self.step_ms + self.rng.between(0, self.step_ms.max(1));
        self.made += 1;
        let created_at = self.start + TimeDelta::milliseconds(offset);
        let branch_index = self.rng.weighted(&self.weights);
        let person = names::person(&mut self.rng);
        let full_name = normalize_name(&person.full_name);
        let phone = self.phone();
        let birth_date = self.birth_date(created_at.date());
        let age = birth_date.and_then(|born| age_on(born, created_at.date()));
        let minor = age.is_some_and(|age| age < ADULT_AGE);
        let consent_at = created_at - TimeDelta::minutes(self.rng.between(5, 3 * 24 * 60));
        let guardian_name = minor.then(|| normalize_name(&names::parent_of(&mut self.rng, &person)));
        let source = [VolunteerSource::Staff, VolunteerSource::Application, VolunteerSource::Import]
            [self.rng.weighted(&[55, 35, 10])];
        let status = self.status(source);
        let (_, refs) = &self.branches[branch_index];
        let locality_id =
            (!refs.localities.is_empty() && self.rng.chance(85)).then(|| self.rng.pick(&refs.localities).clone());
        let member_organisation_id = if self.rng.chance(35) {
            let pool = if self.rng.chance(50) { &self.national_organisations } else { &refs.organisations };
            (!pool.is_empty()).then(|| self.rng.pick(pool).clone())
        } else {
            None
        };
        let branch_code = self.branches[branch_index].0.clone();
        let young = age.is_some_and(|age| age < 30);
        let updated = self.rng.chance(30);
        let updated_at = if updated {
            let room = (base_time() - created_at).num_milliseconds().max(1);
            created_at + TimeDelta::milliseconds(self.rng.between(0, room))
        } else {
            created_at
        };
        Some(Volunteer {
            id: new_id(&mut self.rng, created_at),
            branch_code,
            locality_id,
            search_text: Some(search_text(&full_name, &phone)),
            email: self.email(&person),
            full_name: Some(full_name),
            phone: Some(phone),
            birth_date,
            guardian_name,
            languages: encode_list(&self.languages(person.kazakh)),
            skills: encode_list(&self.skills()),
            member_organisation_id,
            youth_wing: young && self.rng.chance(25),
            availability: self.rng.chance(70).then(|| (*self.rng.pick(AVAILABILITY)).to_owned()),
            status,
            consent_at,
            consent_version: "2026-09".into(),
            guardian_consent_at: minor.then_some(consent_at),
            source,
            anonymised_at: None,
            created_at,
            updated_at,
            version: if updated { 2 } else { 1 },
        })
    }
}
