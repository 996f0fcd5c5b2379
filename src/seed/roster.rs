//! The active volunteers of each branch as the schedule generators see them:
//! who exists since when, with which skills, and which time each already holds
//! (the API's overlap rule: no two overlapping shifts held at once).

use crate::domain::ids::VolunteerId;
use chrono::NaiveDateTime;

use super::rng::Rng;
use crate::db::volunteers::Volunteer;

/// An active volunteer who can be signed up, speak or walk routes.
pub struct Member {
    pub id: VolunteerId,
    pub created_at: NaiveDateTime,
    /// As stored: `,skill,skill,`.
    skills: String,
    /// Spans of the shifts the volunteer was ever put on (cancelled ones too:
    /// a sign-up made earlier would have been refused while they held the time).
    busy: Vec<(NaiveDateTime, NaiveDateTime)>,
}

impl Member {
    pub fn has_skill(&self, skill: Option<&str>) -> bool {
        skill.is_none_or(|skill| self.skills.contains(&format!(",{skill},")))
    }

    pub fn is_free(&self, starts: NaiveDateTime, ends: NaiveDateTime) -> bool {
        !self.busy.iter().any(|(busy_starts, busy_ends)| *busy_starts < ends && *busy_ends > starts)
    }

    pub fn hold(&mut self, starts: NaiveDateTime, ends: NaiveDateTime) {
        self.busy.push((starts, ends));
    }
}

/// How many past and upcoming places a demo volunteer is given, so that their
/// schedule shows both.
pub const DEMO_PAST_PLACES: u32 = 6;
pub const DEMO_UPCOMING_PLACES: u32 = 8;

/// A demo volunteer (one with a documented login) and the places still owed.
pub struct DemoMember {
    pub member: usize,
    pub past_owed: u32,
    pub upcoming_owed: u32,
}

/// Demo logins per branch.
pub const DEMO_PER_BRANCH: usize = 5;

#[derive(Default)]
pub struct Roster {
    pub members: Vec<Member>,
    pub demo: Vec<DemoMember>,
}

impl Roster {
    /// Adds the volunteer if active (only active volunteers sign up, speak or walk).
    pub fn add(&mut self, volunteer: &Volunteer) {
        if volunteer.status == crate::domain::volunteer::VolunteerStatus::Active {
            self.members.push(Member {
                id: volunteer.id.clone(),
                created_at: volunteer.created_at,
                skills: volunteer.skills.clone(),
                busy: Vec::new(),
            });
        }
    }

    /// Chooses the demo volunteers: the earliest registered, so that they can
    /// take part in everything from the first campaign day on.
    pub fn choose_demo(&mut self) {
        let mut order: Vec<usize> = (0..self.members.len()).collect();
        order.sort_by_key(|&index| (self.members[index].created_at, index));
        self.demo = order
            .into_iter()
            .take(DEMO_PER_BRANCH)
            .map(|member| DemoMember { member, past_owed: DEMO_PAST_PLACES, upcoming_owed: DEMO_UPCOMING_PLACES })
            .collect();
    }

    /// A random member registered before `before`, or `None` after a few misses.
    pub fn pick_registered_before(&self, rng: &mut Rng, before: NaiveDateTime) -> Option<usize> {
        if self.members.is_empty() {
            return None;
        }
        let len = u64::try_from(self.members.len()).unwrap_or(1);
        (0..8)
            .map(|_| usize::try_from(rng.below(len)).unwrap_or(0))
            .find(|&index| self.members[index].created_at < before)
    }
}
