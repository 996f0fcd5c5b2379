//! Filling one shift the way the sign-up service would have: sign-ups in time
//! order take a place while one is free and join the waitlist after; a
//! cancelled place goes to the first waiting; cancelling the event cancels the
//! live sign-ups; attendance is recorded once the shift is over.

use crate::domain::ids::AssignmentId;
use chrono::NaiveDateTime;

use super::clock::{base_time, instant_between, plus_minutes};
use super::new_id;
use super::rng::Rng;
use super::roster::Roster;
use crate::db::shifts::{Assignment, Shift};
use crate::domain::event::AssignmentStatus;

/// When a shift took sign-ups, and how its event ended.
pub struct Window {
    /// Sign-ups are possible from here (the event was scheduled)...
    pub opens: NaiveDateTime,
    /// ...until here (the shift starts, the event is cancelled, or the data set's "now").
    pub closes: NaiveDateTime,
    pub cancelled_at: Option<NaiveDateTime>,
    /// How many volunteers try to sign up.
    pub demand: usize,
}

/// One volunteer's place as it changes over time.
struct Place {
    member: usize,
    status: AssignmentStatus,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i32,
    id: AssignmentId,
}

impl Place {
    fn set(&mut self, status: AssignmentStatus, at: NaiveDateTime) {
        self.status = status;
        self.updated_at = at;
        self.version += 1;
    }
}

/// Who signs up, and when: the branch's demo volunteers first (while they are
/// owed places), then random active volunteers registered in time, each only
/// when free and skilled as the shift requires.
fn sign_up_intents(rng: &mut Rng, roster: &mut Roster, shift: &Shift, window: &Window) -> Vec<(NaiveDateTime, usize)> {
    let mut intents = Vec::new();
    let past = shift.ends_at <= base_time();
    let skill = shift.required_skill.as_deref();
    let fits = |roster: &Roster, member: usize| {
        let candidate = &roster.members[member];
        candidate.created_at < window.closes
            && candidate.has_skill(skill)
            && candidate.is_free(shift.starts_at, shift.ends_at)
    };
    if window.cancelled_at.is_none() {
        for demo in 0..roster.demo.len() {
            let member = roster.demo[demo].member;
            let owed = if past { roster.demo[demo].past_owed } else { roster.demo[demo].upcoming_owed };
            if owed > 0 && rng.chance(60) && fits(roster, member) {
                let owed = if past { &mut roster.demo[demo].past_owed } else { &mut roster.demo[demo].upcoming_owed };
                *owed -= 1;
                intents.push(member);
                roster.members[member].hold(shift.starts_at, shift.ends_at);
            }
        }
    }
    for _ in 0..window.demand * 2 {
        if intents.len() >= window.demand {
            break;
        }
        let Some(member) = roster.pick_registered_before(rng, window.closes) else { continue };
        if fits(roster, member) {
            intents.push(member);
            roster.members[member].hold(shift.starts_at, shift.ends_at);
        }
    }
    let mut timed: Vec<(NaiveDateTime, usize)> = intents
        .into_iter()
        .map(|member| {
            let from = window.opens.max(roster.members[member].created_at);
            (instant_between(rng, from, window.closes), member)
        })
        .collect();
    timed.sort();
    timed
}

/// The assignments of `shift` (with the roster index of each volunteer) and the
/// last time its event was touched by them.
pub fn fill(
    rng: &mut Rng,
    roster: &mut Roster,
    shift: &Shift,
    window: &Window,
) -> (Vec<(usize, Assignment)>, Option<NaiveDateTime>) {
    let intents = sign_up_intents(rng, roster, shift, window);
    // Changes in time order: (when, is a cancellation, which intent).
    let mut changes: Vec<(NaiveDateTime, bool, usize)> = Vec::new();
    for (index, (at, _)) in intents.iter().enumerate() {
        changes.push((*at, false, index));
        if rng.chance(8) {
            changes.push((instant_between(rng, *at, window.closes), true, index));
        }
    }
    changes.sort();
    let mut places: Vec<Place> = Vec::with_capacity(intents.len());
    let mut place_of = vec![usize::MAX; intents.len()];
    let mut last_touch = None;
    for (at, cancellation, intent) in changes {
        last_touch = Some(at);
        if !cancellation {
            let taken = places.iter().filter(|place| place.status == AssignmentStatus::SignedUp).count();
            let status = if taken < usize::try_from(shift.capacity).unwrap_or(0) {
                AssignmentStatus::SignedUp
            } else {
                AssignmentStatus::Waitlisted
            };
            place_of[intent] = places.len();
            places.push(Place {
                member: intents[intent].1,
                status,
                created_at: at,
                updated_at: at,
                version: 1,
                id: new_id(rng, at),
            });
            continue;
        }
        let Some(place) = places.get_mut(place_of[intent]) else { continue };
        let was = place.status;
        place.set(AssignmentStatus::Cancelled, at);
        if was == AssignmentStatus::SignedUp
            && let Some(first) = places
                .iter_mut()
                .filter(|place| place.status == AssignmentStatus::Waitlisted)
                .min_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)))
        {
            first.set(AssignmentStatus::SignedUp, at);
        }
    }
    let live = |place: &Place| matches!(place.status, AssignmentStatus::SignedUp | AssignmentStatus::Waitlisted);
    if let Some(cancelled_at) = window.cancelled_at {
        // Cancelling the event cancels every live sign-up (without a new version).
        for place in places.iter_mut().filter(|place| live(place)) {
            place.status = AssignmentStatus::Cancelled;
            place.updated_at = cancelled_at;
        }
    } else if shift.ends_at <= base_time() {
        for place in places.iter_mut().filter(|place| place.status == AssignmentStatus::SignedUp) {
            let status = if rng.chance(86) { AssignmentStatus::Attended } else { AssignmentStatus::NoShow };
            let marked = plus_minutes(shift.ends_at, rng.between(5, 90)).min(base_time());
            place.set(status, marked);
            last_touch = last_touch.max(Some(marked));
        }
    }
    let assignments = places
        .into_iter()
        .map(|place| {
            let row = Assignment {
                id: place.id,
                shift_id: shift.id.clone(),
                volunteer_id: roster.members[place.member].id.clone(),
                status: place.status,
                shift_starts_at: shift.starts_at,
                shift_ends_at: shift.ends_at,
                created_at: place.created_at,
                updated_at: place.updated_at,
                version: place.version,
            };
            (place.member, row)
        })
        .collect();
    (assignments, last_touch)
}
