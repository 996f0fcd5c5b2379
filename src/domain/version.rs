//! Optimistic concurrency: which version of a record an update was written against.

/// The versions a client says its update applies to (from `If-Match`); `Any`
/// when it named none (no header, or `*`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ExpectedVersion {
    #[default]
    Any,
    /// One of these; a tag that is not one of our versions is kept as `-1`, which
    /// never matches.
    OneOf(Vec<i32>),
}

/// Why an update may not apply to the stored record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionConflict {
    /// The record moved on since the client read it.
    Stale { current: i32, expected: String },
    /// The header and the body's `version` name different versions.
    HeaderBodyMismatch,
}

impl ExpectedVersion {
    /// The version an update must apply to: one named by `If-Match`, else the
    /// body's `version`, else the current one (an unconditional update).
    pub fn check(self, body_version: Option<i32>, current: i32) -> Result<i32, VersionConflict> {
        let stale = |expected: String| VersionConflict::Stale { current, expected };
        match (self, body_version) {
            (Self::OneOf(versions), Some(body)) if !versions.contains(&body) => {
                Err(VersionConflict::HeaderBodyMismatch)
            }
            (Self::OneOf(versions), _) if !versions.contains(&current) => {
                Err(stale(versions.iter().map(ToString::to_string).collect::<Vec<_>>().join(" or ")))
            }
            (Self::Any, Some(body)) if body != current => Err(stale(body.to_string())),
            _ => Ok(current),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_wins_over_the_body_and_both_must_agree() {
        assert_eq!(ExpectedVersion::Any.check(None, 3), Ok(3));
        assert_eq!(ExpectedVersion::Any.check(Some(3), 3), Ok(3));
        assert_eq!(
            ExpectedVersion::Any.check(Some(2), 3),
            Err(VersionConflict::Stale { current: 3, expected: "2".into() })
        );
        assert_eq!(ExpectedVersion::OneOf(vec![2, 3]).check(None, 3), Ok(3));
        assert_eq!(
            ExpectedVersion::OneOf(vec![1, 2]).check(None, 3),
            Err(VersionConflict::Stale { current: 3, expected: "1 or 2".into() })
        );
        assert_eq!(ExpectedVersion::OneOf(vec![3]).check(Some(2), 3), Err(VersionConflict::HeaderBodyMismatch));
    }
}
