//! One form for every timestamp the API sends: RFC 3339 in UTC with exactly six
//! fractional digits, `2026-12-01T09:00:00.000000Z`. Microseconds are what both
//! databases keep; chrono alone would print 0, 3, 6 or 9 digits depending on
//! the value, which clients comparing or sorting strings trip over.
//!
//! Response fields use `#[serde(serialize_with = "...")]` with these functions
//! (a test in `tests/spec_source.rs` checks that every one does).

use chrono::{DateTime, Utc};
use serde::Serializer;

const FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

pub fn micros<S: Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&at.format(FORMAT))
}

pub fn option_micros<S: Serializer>(at: &Option<DateTime<Utc>>, serializer: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => micros(at, serializer),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn six_digits_whatever_the_value() {
        let whole = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).single().unwrap_or_default();
        let mut out = Vec::new();
        micros(&whole, &mut serde_json::Serializer::new(&mut out)).unwrap_or_default();
        assert_eq!(String::from_utf8_lossy(&out), "\"2026-12-01T09:00:00.000000Z\"");
        let nanos = whole + chrono::TimeDelta::nanoseconds(123_456_789);
        let mut out = Vec::new();
        micros(&nanos, &mut serde_json::Serializer::new(&mut out)).unwrap_or_default();
        assert_eq!(String::from_utf8_lossy(&out), "\"2026-12-01T09:00:00.123456Z\"");
    }
}
