//! Instants are stored as UTC `TIMESTAMP` without zone (the common subset of both
//! backends) and leave the API as RFC 3339 with `Z`.

use chrono::{DateTime, NaiveDateTime, Timelike, Utc};

/// The stored UTC instant as a zoned value for the wire.
pub fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// Now, truncated to microseconds: PostgreSQL keeps microseconds, SQLite keeps
/// whatever it is given, and both must give back what was stored.
pub fn now() -> NaiveDateTime {
    let now = Utc::now().naive_utc();
    now.with_nanosecond(now.nanosecond() / 1_000 * 1_000).unwrap_or(now)
}
