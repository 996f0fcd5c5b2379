//! Times of the demo data: the fixed instant the data set is "as of", and local
//! times of day in a branch's time zone.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use chrono_tz::Tz;

use super::rng::Rng;

/// The instant the demo data is "as of": creation times lie before it, events
/// before it are over (completed or cancelled), events after it are to come.
pub fn base_time() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 1).and_then(|day| day.and_hms_opt(9, 0, 0)).unwrap_or_default()
}

/// The first and last day of the campaign calendar the events spread over.
pub fn campaign_days() -> (NaiveDate, NaiveDate) {
    let first = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap_or_default();
    let last = NaiveDate::from_ymd_opt(2027, 1, 31).unwrap_or_default();
    (first, last)
}

/// The branch's zone; Astana time (UTC+5, all of Kazakhstan since 2024) when
/// the stored name is unknown.
pub fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(chrono_tz::Asia::Almaty)
}

/// The UTC instant of `date` at `hour:minute` local time in `zone`.
pub fn local(zone: Tz, date: NaiveDate, hour: u32, minute: u32) -> NaiveDateTime {
    let time = NaiveTime::from_hms_opt(hour.min(23), minute.min(59), 0).unwrap_or_default();
    date.and_time(time)
        .and_local_timezone(zone)
        .earliest()
        .map_or_else(|| date.and_time(time) - TimeDelta::hours(5), |at| at.naive_utc())
}

/// A random day in `first..=last`.
pub fn day_between(rng: &mut Rng, first: NaiveDate, last: NaiveDate) -> NaiveDate {
    let span = (last - first).num_days().max(0);
    first + TimeDelta::days(rng.between(0, span))
}

/// A random instant in `[from, to)` (or `from` when the span is empty).
pub fn instant_between(rng: &mut Rng, from: NaiveDateTime, to: NaiveDateTime) -> NaiveDateTime {
    let span = (to - from).num_seconds();
    if span <= 1 { from } else { from + TimeDelta::seconds(rng.between(0, span - 1)) }
}

/// `minutes` later.
pub fn plus_minutes(at: NaiveDateTime, minutes: i64) -> NaiveDateTime {
    at + TimeDelta::minutes(minutes)
}
