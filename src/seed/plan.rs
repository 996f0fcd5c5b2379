//! How much of everything one seeding run makes.

/// Row targets of one seeding run. The command line only knows whole scales
/// ([`Plan::scale`]); tests seed a [`Plan::sample`] to stay fast in debug builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub volunteers: u64,
    /// Events of the non-meeting kinds.
    pub events: u64,
    /// Door-to-door visits (the routes are cut to carry about this many).
    pub visits: u64,
    /// Work collectives.
    pub organisations: u64,
    pub meetings: u64,
    /// Poster sites.
    pub poster_sites: u64,
    /// Social-media posts (with their reach snapshots).
    pub social_posts: u64,
}

/// Volunteers per unit of scale.
pub const VOLUNTEERS_PER_SCALE: u64 = 10_000;
const EVENTS_PER_SCALE: u64 = 2_000;
const VISITS_PER_SCALE: u64 = 100_000;
const ORGANISATIONS_PER_SCALE: u64 = 300;
const MEETINGS_PER_SCALE: u64 = 300;
const POSTER_SITES_PER_SCALE: u64 = 1_000;
const SOCIAL_POSTS_PER_SCALE: u64 = 1_000;

impl Plan {
    /// Everything grows linearly with the scale.
    pub fn scale(scale: u32) -> Self {
        let scale = u64::from(scale.max(1));
        Self {
            volunteers: scale * VOLUNTEERS_PER_SCALE,
            events: scale * EVENTS_PER_SCALE,
            visits: scale * VISITS_PER_SCALE,
            organisations: scale * ORGANISATIONS_PER_SCALE,
            meetings: scale * MEETINGS_PER_SCALE,
            poster_sites: scale * POSTER_SITES_PER_SCALE,
            social_posts: scale * SOCIAL_POSTS_PER_SCALE,
        }
    }

    /// A small data set with every kind of record in every branch, for tests.
    pub fn sample() -> Self {
        Self {
            volunteers: 2_000,
            events: 300,
            visits: 6_000,
            organisations: 60,
            meetings: 80,
            poster_sites: 200,
            social_posts: 150,
        }
    }
}
