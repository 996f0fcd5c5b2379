//! The campaign reports: the summary of a branch or the nation over a range of
//! local days, its time series, and the branches side by side. Every figure
//! comes from one grouped query per branch and local day (`db::reports`); this
//! module adds those groups up (at most 366 days x 20 branches of them) and
//! never reads a table into memory.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate, TimeDelta, Utc};

use crate::auth::SessionUser;
use crate::db::reports::{self, Scope, Tallies, Tally};
use crate::db::{Db, DbConn, branches, materials};
use crate::domain::event::{EventKind, EventStatus};
use crate::domain::ids::MaterialId;
use crate::domain::volunteer::VolunteerStatus;
use crate::dto::bilingual::Bilingual;
use crate::dto::branch::LocalizedName;
use crate::dto::report::{
    BranchFigures, BranchesQuery, BranchesReport, DoorToDoorFigures, EventFigures, Interval, LocalityFigures,
    MaterialHandedOut, MeetingFigures, PosterFigures, ReportQuery, ReportSeries, ReportSummary, SeriesPoint,
    SeriesQuery, ShiftFigures, SocialFigures, VolunteerFigures,
};
use crate::error::{ApiError, ErrorCode};
use crate::service::local_days;

/// Days a report covers when `from` is not given (`to` and the 29 days before it).
const DEFAULT_DAYS: i64 = 30;
/// The longest range a report takes, in days.
pub const MAX_DAYS: i64 = 366;
/// Astana time (UTC+5), the nation's "today" (all of Kazakhstan since 2024).
const NATIONAL_OFFSET_MINUTES: i32 = 300;

/// `part / whole`, 0 to 1 in four decimals; 0 when `whole` is 0.
pub fn ratio(part: i64, whole: i64) -> f64 {
    if whole == 0 { 0.0 } else { (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0 }
}

/// The days a report covers: `to` defaults to today (local), `from` to 29 days
/// before `to`; `from` after `to` and ranges over [`MAX_DAYS`] are refused.
fn days(from: Option<NaiveDate>, to: Option<NaiveDate>, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let to = to.unwrap_or(today);
    let from = from.unwrap_or(to - TimeDelta::days(DEFAULT_DAYS - 1));
    if from > to {
        return Err(ApiError::invalid("query.from", ErrorCode::Range, "must not be after `to`"));
    }
    if (to - from).num_days() + 1 > MAX_DAYS {
        return Err(ApiError::invalid(
            "query.from",
            ErrorCode::Range,
            format!("a report covers at most {MAX_DAYS} days: `from` must be within {MAX_DAYS} days of `to`"),
        ));
    }
    Ok((from, to))
}

/// Everything a report is made of.
struct Loaded {
    scope: Scope,
    tallies: Tallies,
    today: NaiveDate,
}

/// Checks the branch (404 when unknown), settles the days and runs the
/// report's queries (those as of now only when `stock`).
fn load(
    conn: &mut DbConn,
    branch: Option<&str>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    stock: bool,
) -> Result<Loaded, ApiError> {
    if let Some(code) = branch
        && branches::find(conn, code)?.is_none()
    {
        return Err(ApiError::not_found(format!("branch {code}")));
    }
    let offsets = local_days::branch_offsets(conn, branch)?;
    let minutes = match branch {
        Some(_) => offsets.first().map_or(NATIONAL_OFFSET_MINUTES, |(_, minutes)| *minutes),
        None => NATIONAL_OFFSET_MINUTES,
    };
    let today = (Utc::now().naive_utc() + TimeDelta::minutes(i64::from(minutes))).date();
    let (from, to) = days(from, to, today)?;
    // The figures as of now come with the summaries, which need no days.
    let scope = Scope { branches: offsets, from, to, per_day: !stock };
    let mut tallies = Tallies::default();
    reports::in_range_tallies(conn, &scope, &mut tallies)?;
    if stock {
        reports::stock_tallies(conn, &scope, &mut tallies)?;
    }
    Ok(Loaded { scope, tallies, today })
}

/// The summary's figures, without its header.
struct Figures {
    volunteers: VolunteerFigures,
    events: EventFigures,
    shifts: ShiftFigures,
    door_to_door: DoorToDoorFigures,
    materials: Vec<MaterialHandedOut>,
    meetings: MeetingFigures,
    posters: PosterFigures,
    social: SocialFigures,
    localities: LocalityFigures,
}

/// The sum of `value` over the groups of the branches `keep` keeps.
fn sum(rows: &[Tally], keep: &dyn Fn(&str) -> bool, value: fn(&Tally) -> i64) -> i64 {
    rows.iter().filter(|row| keep(&row.branch)).map(value).sum()
}

/// The summary's figures over the branches `keep` keeps (the header left to the caller).
fn summarise(tallies: &Tallies, keep: &dyn Fn(&str) -> bool, titles: &HashMap<String, Bilingual>) -> Figures {
    let status = |wanted: VolunteerStatus| {
        tallies
            .volunteers
            .iter()
            .filter(|row| keep(&row.branch) && row.key.as_deref() == Some(wanted.as_str()))
            .map(|row| row.v0)
            .sum::<i64>()
    };
    let volunteers = VolunteerFigures {
        total: sum(&tallies.volunteers, keep, |row| row.v0),
        applicant: status(VolunteerStatus::Applicant),
        active: status(VolunteerStatus::Active),
        paused: status(VolunteerStatus::Paused),
        left: status(VolunteerStatus::Left),
        new_in_range: sum(&tallies.volunteers_new, keep, |row| row.v0),
    };

    let mut by_kind: BTreeMap<String, i64> = EventKind::ALL.iter().map(|kind| (kind.as_str().to_owned(), 0)).collect();
    let mut by_status: BTreeMap<String, i64> =
        EventStatus::ALL.iter().map(|status| (status.as_str().to_owned(), 0)).collect();
    for row in tallies.events.iter().filter(|row| keep(&row.branch)) {
        *by_kind.entry(row.key.clone().unwrap_or_default()).or_default() += row.v0;
        *by_status.entry(row.key2.clone().unwrap_or_default()).or_default() += row.v0;
    }

    let capacity = sum(&tallies.shifts, keep, |row| row.v1);
    let signed_up = sum(&tallies.signups, keep, |row| row.v0);
    let attended = sum(&tallies.signups, keep, |row| row.v1);
    let no_show = sum(&tallies.signups, keep, |row| row.v2);
    let shifts = ShiftFigures {
        shifts: sum(&tallies.shifts, keep, |row| row.v0),
        capacity,
        signed_up,
        fill_rate: ratio(signed_up, capacity),
        attended,
        no_show,
        attendance_rate: ratio(attended, attended + no_show),
        no_show_rate: ratio(no_show, attended + no_show),
    };

    let door_to_door = DoorToDoorFigures {
        routes: sum(&tallies.routes, keep, |row| row.v0),
        stops: sum(&tallies.routes, keep, |row| row.v1),
        stops_visited: sum(&tallies.routes, keep, |row| row.v2),
        visits: sum(&tallies.visits, keep, |row| row.v0),
        doors_knocked: sum(&tallies.visits, keep, |row| row.v1),
        conversations: sum(&tallies.visits, keep, |row| row.v2),
    };

    let mut handed: BTreeMap<String, i64> = BTreeMap::new();
    for row in tallies.handed_out.iter().filter(|row| keep(&row.branch)) {
        *handed.entry(row.key.clone().unwrap_or_default()).or_default() += row.v0;
    }
    let mut materials: Vec<MaterialHandedOut> = handed
        .into_iter()
        .filter(|(_, quantity)| *quantity != 0)
        .map(|(material_id, quantity)| MaterialHandedOut {
            title: titles.get(&material_id).cloned().unwrap_or_else(|| Bilingual::new("", "")),
            material_id,
            quantity,
        })
        .collect();
    materials.sort_by(|a, b| b.quantity.cmp(&a.quantity).then_with(|| a.material_id.cmp(&b.material_id)));

    let meetings = MeetingFigures {
        held: sum(&tallies.meetings, keep, |row| row.v0),
        attendance: sum(&tallies.meetings, keep, |row| row.v1),
        organisations_met: sum(&tallies.organisations_met, keep, |row| row.v0),
        employees_reached: sum(&tallies.meetings, keep, |row| row.v2),
    };
    let posters = PosterFigures {
        sites: sum(&tallies.poster_sites, keep, |row| row.v0),
        sites_with_current_poster: sum(&tallies.poster_sites, keep, |row| row.v1),
    };
    let social = SocialFigures {
        posts: sum(&tallies.social, keep, |row| row.v0),
        views: sum(&tallies.social, keep, |row| row.v1),
        reactions: sum(&tallies.social, keep, |row| row.v2),
        shares: sum(&tallies.social, keep, |row| row.v3),
        comments: sum(&tallies.social, keep, |row| row.v4),
    };
    let rural = sum(&tallies.rural, keep, |row| row.v0);
    let reached = sum(&tallies.rural, keep, |row| row.v1);
    let localities = LocalityFigures {
        rural_settlements: rural,
        rural_settlements_reached: reached,
        share_reached: ratio(reached, rural),
    };
    Figures {
        volunteers,
        events: EventFigures { by_kind, by_status },
        shifts,
        door_to_door,
        materials,
        meetings,
        posters,
        social,
        localities,
    }
}

/// The titles of the materials handed out in the report.
fn material_titles(conn: &mut DbConn, tallies: &Tallies) -> Result<HashMap<String, Bilingual>, ApiError> {
    let mut ids: Vec<MaterialId> =
        tallies.handed_out.iter().filter_map(|row| row.key.as_deref()?.parse().ok()).collect();
    ids.sort();
    ids.dedup();
    Ok(materials::find_many(conn, &ids)?
        .into_iter()
        .map(|material| (material.id.to_string(), Bilingual::new(material.title_kk, material.title_ru)))
        .collect())
}

/// The summary for `query`: any signed-in caller (no personal data).
pub async fn summary(
    db: &Db,
    _actor: &SessionUser,
    query: ReportQuery,
    polling_day: Option<NaiveDate>,
) -> Result<ReportSummary, ApiError> {
    db.run_report(move |conn| {
        let loaded = load(conn, query.branch.as_deref(), query.from, query.to, true)?;
        let titles = material_titles(conn, &loaded.tallies)?;
        let figures = summarise(&loaded.tallies, &|_| true, &titles);
        Ok(ReportSummary {
            branch: query.branch,
            from: loaded.scope.from,
            to: loaded.scope.to,
            polling_day,
            days_to_polling_day: polling_day.map(|day| (day - loaded.today).num_days()),
            volunteers: figures.volunteers,
            events: figures.events,
            shifts: figures.shifts,
            door_to_door: figures.door_to_door,
            materials_handed_out: figures.materials,
            meetings: figures.meetings,
            posters: figures.posters,
            social_media: figures.social,
            localities: figures.localities,
        })
    })
    .await
}

/// The first day of the step `day` falls in.
fn step_start(day: NaiveDate, interval: Interval) -> NaiveDate {
    match interval {
        Interval::Day => day,
        Interval::Week => day - TimeDelta::days(i64::from(day.weekday().num_days_from_monday())),
    }
}

/// One point per step of the range, oldest first, zero-filled.
fn points(tallies: &Tallies, from: NaiveDate, to: NaiveDate, interval: Interval) -> Result<Vec<SeriesPoint>, ApiError> {
    let step = match interval {
        Interval::Day => TimeDelta::days(1),
        Interval::Week => TimeDelta::days(7),
    };
    let mut points = Vec::new();
    let mut date = step_start(from, interval);
    while date <= to {
        points.push(SeriesPoint { date, ..SeriesPoint::default() });
        date += step;
    }
    let first = step_start(from, interval);
    let mut add = |rows: &[Tally], apply: fn(&mut SeriesPoint, &Tally)| -> Result<(), ApiError> {
        for row in rows {
            let text = row.day.as_deref().unwrap_or_default();
            let day: NaiveDate =
                text.parse().map_err(|_| ApiError::internal(format!("the report's day {text:?} is not a date")))?;
            let index = (step_start(day, interval) - first).num_days() / step.num_days();
            if let Some(point) = usize::try_from(index).ok().and_then(|index| points.get_mut(index)) {
                apply(point, row);
            }
        }
        Ok(())
    };
    add(&tallies.volunteers_new, |point, row| point.volunteers_new += row.v0)?;
    add(&tallies.events, |point, row| {
        if row.key2.as_deref() == Some(EventStatus::Completed.as_str()) {
            point.events_held += row.v0;
        }
    })?;
    add(&tallies.signups, |point, row| point.shifts_attended += row.v1)?;
    add(&tallies.visits, |point, row| {
        point.visits += row.v0;
        point.doors_knocked += row.v1;
        point.conversations += row.v2;
    })?;
    add(&tallies.handed_out, |point, row| point.materials_handed_out += row.v0)?;
    add(&tallies.meetings, |point, row| {
        point.meetings_held += row.v0;
        point.meeting_attendance += row.v1;
    })?;
    add(&tallies.posters_placed, |point, row| point.posters_placed += row.v0)?;
    add(&tallies.social, |point, row| {
        point.social_posts += row.v0;
        point.social_views += row.v1;
    })?;
    Ok(points)
}

/// The time series for `query`: any signed-in caller.
pub async fn series(db: &Db, _actor: &SessionUser, query: SeriesQuery) -> Result<ReportSeries, ApiError> {
    db.run_report(move |conn| {
        let loaded = load(conn, query.branch.as_deref(), query.from, query.to, false)?;
        let interval = query.interval.unwrap_or_default();
        let points = points(&loaded.tallies, loaded.scope.from, loaded.scope.to, interval)?;
        Ok(ReportSeries { branch: query.branch, from: loaded.scope.from, to: loaded.scope.to, interval, points })
    })
    .await
}

/// The branches side by side, by code: any signed-in caller.
pub async fn branches(db: &Db, _actor: &SessionUser, query: BranchesQuery) -> Result<BranchesReport, ApiError> {
    db.run_report(move |conn| {
        let loaded = load(conn, None, query.from, query.to, true)?;
        let rows = branches::list(conn, &branches::BranchFilter::default(), 1000)?;
        let titles = HashMap::new();
        let items = rows
            .into_iter()
            .map(|row| {
                let code = row.code.clone();
                let keep = move |branch: &str| branch == code;
                let Figures { volunteers, door_to_door, meetings, posters, social, localities, .. } =
                    summarise(&loaded.tallies, &keep, &titles);
                BranchFigures {
                    code: row.code,
                    name: LocalizedName { kk: row.name_kk, ru: row.name_ru, en: row.name_en },
                    volunteers_active: volunteers.active,
                    visits: door_to_door.visits,
                    doors_knocked: door_to_door.doors_knocked,
                    meetings_held: meetings.held,
                    posters_current: posters.sites_with_current_poster,
                    social_posts: social.posts,
                    rural_settlements: localities.rural_settlements,
                    rural_settlements_reached: localities.rural_settlements_reached,
                    share_reached: localities.share_reached,
                }
            })
            .collect();
        Ok(BranchesReport { from: loaded.scope.from, to: loaded.scope.to, items })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn ranges_default_to_thirty_days_up_to_today_and_stop_at_366() {
        let today = day("2026-12-07");
        assert_eq!(days(None, None, today).unwrap(), (day("2026-11-08"), today));
        assert_eq!(days(None, Some(day("2026-01-30")), today).unwrap(), (day("2026-01-01"), day("2026-01-30")));
        assert!(days(Some(day("2026-01-01")), Some(day("2027-01-01")), today).is_ok());
        assert!(days(Some(day("2026-01-01")), Some(day("2027-01-02")), today).is_err());
        assert!(days(Some(day("2026-12-08")), None, today).is_err());
    }

    #[test]
    fn weeks_start_on_monday_and_cover_the_range() {
        assert_eq!(step_start(day("2026-12-06"), Interval::Week), day("2026-11-30"));
        assert_eq!(step_start(day("2026-12-07"), Interval::Week), day("2026-12-07"));
        let weeks = points(&Tallies::default(), day("2026-12-01"), day("2026-12-14"), Interval::Week).unwrap();
        let dates: Vec<_> = weeks.iter().map(|point| point.date).collect();
        assert_eq!(dates, [day("2026-11-30"), day("2026-12-07"), day("2026-12-14")]);
        assert_eq!(points(&Tallies::default(), day("2026-12-01"), day("2026-12-01"), Interval::Day).unwrap().len(), 1);
    }

    #[test]
    fn rates_are_zero_without_a_denominator() {
        assert_eq!(ratio(1, 0), 0.0);
        assert_eq!(ratio(1, 3), 0.3333);
    }
}
