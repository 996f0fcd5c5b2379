//! How long volunteers' personal data is kept (Kazakhstan's personal data law:
//! only as long as its purpose needs). The purpose is the campaign, which ends
//! on polling day: a volunteer's personal data is kept for the retention period
//! after polling day, or after the volunteer's record last changed if that came
//! later (a volunteer still at work after polling day keeps theirs longer).

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

/// The retention policy: polling day and the days kept after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionPolicy {
    pub polling_day: NaiveDate,
    pub days: u32,
}

impl RetentionPolicy {
    /// The instant before which a volunteer's last change puts them past the
    /// period at `now`, or `None` while polling day plus the period is still to
    /// come (nobody is past it yet). Past means: `now` is at least `days` after
    /// both polling day (its start, UTC) and the record's last change.
    pub fn cutoff(self, now: NaiveDateTime) -> Option<NaiveDateTime> {
        let period = TimeDelta::days(i64::from(self.days));
        let end_of_purpose = self.polling_day.and_hms_opt(0, 0, 0)?.checked_add_signed(period)?;
        (now >= end_of_purpose).then(|| now.checked_sub_signed(period)).flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: &str) -> NaiveDateTime {
        day.parse::<NaiveDate>().unwrap().and_hms_opt(12, 0, 0).unwrap()
    }

    #[test]
    fn nobody_is_past_the_period_before_polling_day_plus_the_period() {
        let policy = RetentionPolicy { polling_day: "2027-03-01".parse().unwrap(), days: 180 };
        assert_eq!(policy.cutoff(at("2027-08-27")), None);
        // 180 days after 1 March 2027 is 28 August 2027.
        assert_eq!(policy.cutoff(at("2027-08-28")), Some(at("2027-03-01")));
        assert_eq!(policy.cutoff(at("2028-01-01")), Some(at("2027-07-05")));
    }

    #[test]
    fn a_period_of_zero_days_ends_on_polling_day() {
        let policy = RetentionPolicy { polling_day: "2027-03-01".parse().unwrap(), days: 0 };
        assert_eq!(policy.cutoff(at("2027-03-01")), Some(at("2027-03-01")));
    }
}
