//! The campaign reports: a summary of a branch or the nation over a range of
//! local days, its time series, and the branches side by side. No personal
//! data: counts and sums only.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::dto::bilingual::Bilingual;
use crate::dto::branch::LocalizedName;

/// `GET /reports/summary` (and `.csv`).
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// One branch; without it, the nation.
    #[serde(default, deserialize_with = "crate::dto::query_values::branch")]
    #[param(example = "KZ-71", pattern = "^KZ-[0-9]{2}$")]
    pub branch: Option<String>,
    /// First local day, inclusive (default: `to` minus 29 days).
    pub from: Option<NaiveDate>,
    /// Last local day, inclusive (default: today, in the branch's time zone;
    /// Astana time for the nation). At most 366 days from `from`.
    pub to: Option<NaiveDate>,
}

/// The length of a series' steps.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Interval {
    /// One point per local day.
    #[default]
    Day,
    /// One point per ISO week (Monday to Sunday), dated by its Monday.
    Week,
}

impl Interval {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
        }
    }
}

/// `GET /reports/series` (and `.csv`).
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SeriesQuery {
    /// One branch; without it, the nation.
    #[serde(default, deserialize_with = "crate::dto::query_values::branch")]
    #[param(example = "KZ-71", pattern = "^KZ-[0-9]{2}$")]
    pub branch: Option<String>,
    /// First local day, inclusive (default: `to` minus 29 days).
    pub from: Option<NaiveDate>,
    /// Last local day, inclusive (default: today). At most 366 days from `from`.
    pub to: Option<NaiveDate>,
    /// `day` (the default) or `week`.
    pub interval: Option<Interval>,
}

/// `GET /reports/branches` (and `.csv`).
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BranchesQuery {
    /// First local day, inclusive (default: `to` minus 29 days).
    pub from: Option<NaiveDate>,
    /// Last local day, inclusive (default: today, Astana time). At most 366 days from `from`.
    pub to: Option<NaiveDate>,
}

/// Volunteers: by status as of now, and those registered in the range.
#[derive(Debug, Default, Clone, PartialEq, Serialize, ToSchema)]
pub struct VolunteerFigures {
    pub total: i64,
    pub applicant: i64,
    pub active: i64,
    pub paused: i64,
    pub left: i64,
    /// Registered (created) on a day of the range.
    pub new_in_range: i64,
}

/// Events starting on a day of the range (meetings included), per kind and per status.
#[derive(Debug, Default, Clone, PartialEq, Serialize, ToSchema)]
pub struct EventFigures {
    /// Every kind, zero included.
    #[schema(example = json!({"door_to_door": 3, "street_stand": 1}))]
    pub by_kind: BTreeMap<String, i64>,
    /// Every status (`draft`, `scheduled`, `completed`, `cancelled`), zero included.
    pub by_status: BTreeMap<String, i64>,
}

/// Shifts starting on a day of the range (not cancelled, of scheduled or completed events).
#[derive(Debug, Default, Clone, PartialEq, Serialize, ToSchema)]
pub struct ShiftFigures {
    pub shifts: i64,
    /// Their places.
    pub capacity: i64,
    /// Places taken: signed up, attended or no-show (the waitlist not counted).
    pub signed_up: i64,
    /// `signed_up / capacity`, 0 to 1 (0 without capacity).
    pub fill_rate: f64,
    pub attended: i64,
    pub no_show: i64,
    /// `attended / (attended + no_show)`, 0 to 1: of the places whose attendance was recorded.
    pub attendance_rate: f64,
    /// `no_show / (attended + no_show)`, 0 to 1.
    pub no_show_rate: f64,
}

/// Door-to-door: routes and stops as of now, visits made on the range's days.
#[derive(Debug, Default, Clone, PartialEq, Serialize, ToSchema)]
pub struct DoorToDoorFigures {
    pub routes: i64,
    pub stops: i64,
    pub stops_visited: i64,
    pub visits: i64,
    pub doors_knocked: i64,
    pub conversations: i64,
}

/// What was handed out of one material in the range (visits, meeting reports
/// and events, net of corrections).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MaterialHandedOut {
    pub material_id: String,
    pub title: Bilingual,
    pub quantity: i64,
}

/// Meetings held (by the day they started) in the range.
#[derive(Debug, Default, Clone, PartialEq, Serialize, ToSchema)]
pub struct MeetingFigures {
    pub held: i64,
    /// Reported attendance of those meetings.
    pub attendance: i64,
    /// Distinct work collectives met.
    pub organisations_met: i64,
    /// Reported attendance of the work-collective meetings among them.
    pub employees_reached: i64,
}

/// Poster sites as of now.
#[derive(Debug, Default, Clone, PartialEq, Serialize, ToSchema)]
pub struct PosterFigures {
    /// Active (not retired) sites.
    pub sites: i64,
    /// Active sites with at least one poster hanging.
    pub sites_with_current_poster: i64,
}

/// Posts published on a day of the range (not removed), each at its latest reach snapshot.
#[derive(Debug, Default, Clone, PartialEq, Serialize, ToSchema)]
pub struct SocialFigures {
    pub posts: i64,
    pub views: i64,
    pub reactions: i64,
    pub shares: i64,
    pub comments: i64,
}

/// Rural settlements (villages and rural districts) as of now.
#[derive(Debug, Default, Clone, PartialEq, Serialize, ToSchema)]
pub struct LocalityFigures {
    pub rural_settlements: i64,
    /// Those with any activity so far: a visited stop of a route, a completed
    /// event or held meeting, or a poster hanging on an active site.
    pub rural_settlements_reached: i64,
    /// `rural_settlements_reached / rural_settlements`, 0 to 1 (0 without settlements).
    pub share_reached: f64,
}

/// The campaign at a glance, for a branch or the nation.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ReportSummary {
    /// The branch, or `null` for the nation.
    #[schema(example = "KZ-71")]
    pub branch: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// `POLLING_DAY`, when the server is configured with it.
    pub polling_day: Option<NaiveDate>,
    /// Days from today (local) to polling day (negative once it passed).
    pub days_to_polling_day: Option<i64>,
    pub volunteers: VolunteerFigures,
    pub events: EventFigures,
    pub shifts: ShiftFigures,
    pub door_to_door: DoorToDoorFigures,
    /// Per material with a net quantity handed out, most first (then by id).
    pub materials_handed_out: Vec<MaterialHandedOut>,
    pub meetings: MeetingFigures,
    pub posters: PosterFigures,
    pub social_media: SocialFigures,
    pub localities: LocalityFigures,
}

/// The measures of one day or week of a series.
#[derive(Debug, Default, Clone, PartialEq, Serialize, ToSchema)]
pub struct SeriesPoint {
    /// The day, or the Monday of the week.
    pub date: NaiveDate,
    pub volunteers_new: i64,
    /// Events of every kind (meetings too) that started that day and are completed.
    pub events_held: i64,
    pub shifts_attended: i64,
    pub visits: i64,
    pub doors_knocked: i64,
    pub conversations: i64,
    pub materials_handed_out: i64,
    pub meetings_held: i64,
    pub meeting_attendance: i64,
    /// Posters put up (the placements' quantities).
    pub posters_placed: i64,
    pub social_posts: i64,
    pub social_views: i64,
}

/// A time series of a branch or the nation: one point per day or week of the
/// range, oldest first, zero-filled.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ReportSeries {
    #[schema(example = "KZ-71")]
    pub branch: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub interval: Interval,
    pub points: Vec<SeriesPoint>,
}

/// One branch in the side-by-side table.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct BranchFigures {
    #[schema(example = "KZ-71")]
    pub code: String,
    pub name: LocalizedName,
    /// Active volunteers, as of now.
    pub volunteers_active: i64,
    /// Visits in the range.
    pub visits: i64,
    pub doors_knocked: i64,
    pub meetings_held: i64,
    /// Active poster sites with a poster hanging, as of now.
    pub posters_current: i64,
    /// Posts published in the range.
    pub social_posts: i64,
    pub rural_settlements: i64,
    pub rural_settlements_reached: i64,
    /// 0 to 1.
    pub share_reached: f64,
}

/// The 20 branches side by side, by code.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct BranchesReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub items: Vec<BranchFigures>,
}
