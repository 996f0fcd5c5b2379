//! The change feed's items and page.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;
use utoipa::{IntoParams, ToSchema};

use crate::domain::change::{ChangeOperation, ChangeType};

/// The feed's own parameters (besides `limit` and `cursor`).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// Comma-separated record types to keep (`volunteer,route`); all when absent.
    /// The types: `volunteer`, `event`, `meeting`, `route`, `locality`,
    /// `member_organisation`, `organisation`, `material`, `poster_site`,
    /// `poster_placement`, `social_post`, `talking_point`, `assignment` (the
    /// `ChangeType` schema). A cursor is sealed to the types it was issued with.
    #[param(example = "volunteer,route")]
    pub types: Option<String>,
    /// Where a walk without `cursor` starts: `start` (default), the oldest change
    /// kept, or `now`, the end of the feed (an empty page whose `next_cursor`
    /// a new replica notes before it loads the lists). Ignored with `cursor`,
    /// and not part of a cursor's seal.
    #[param(inline)]
    pub from: Option<ChangesFrom>,
}

/// Where a walk of the change feed starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangesFrom {
    Start,
    Now,
}

/// One change, with the record as it is now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeOut {
    /// The change's place in the feed: increasing, in commit order.
    pub seq: i64,
    /// The kind of record.
    #[serde(rename = "type")]
    pub resource_type: ChangeType,
    /// The record's id (a branch's code for branches).
    pub id: String,
    pub operation: ChangeOperation,
    /// When the change was made.
    #[serde(serialize_with = "crate::dto::timestamp::micros")]
    pub at: DateTime<Utc>,
    /// The version of `record` (the current one, which may be newer than this
    /// change); `null` for a tombstone.
    pub version: Option<i64>,
    /// `true`: the record is gone, or no longer visible to the caller (a
    /// volunteer taken off a route); drop it from the replica. `record` is `null`.
    pub deleted: bool,
    /// The record as its own `GET` answers it now for this caller (observers
    /// without personal data); `null` when `deleted`.
    #[schema(value_type = Option<Object>)]
    pub record: Option<SharedRecord>,
}

/// A record's JSON, serialised once per page and shared by every change of the
/// page that shows it. A page of syncs holds the same route (with its 500
/// stops) many times over: as a tree of values per item, one page of 100 took
/// 150 MB and seconds to build.
#[derive(Debug, Clone)]
pub struct SharedRecord {
    json: Arc<RawValue>,
    version: Option<i64>,
}

impl SharedRecord {
    /// `record` as its JSON, with its `version` field if it has one.
    pub fn new(record: &impl Serialize) -> Result<Self, serde_json::Error> {
        #[derive(Deserialize)]
        struct Versioned {
            version: Option<i64>,
        }
        let json = RawValue::from_string(serde_json::to_string(record)?)?;
        let version = serde_json::from_str::<Versioned>(json.get()).map(|record| record.version).unwrap_or(None);
        Ok(Self { json: Arc::from(json), version })
    }

    pub fn version(&self) -> Option<i64> {
        self.version
    }

    /// The length of its JSON, in bytes.
    pub fn json_len(&self) -> usize {
        self.json.get().len()
    }
}

impl Serialize for SharedRecord {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.json.serialize(serializer)
    }
}

/// A page of the change feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangePage {
    pub items: Vec<ChangeOut>,
    /// Always present: the position after this page. Pass it as `cursor` for
    /// the next page now, or to poll for new changes later.
    pub next_cursor: String,
    /// Whether more changes are waiting right now (fetch again at once); `false`
    /// at the end of the feed (poll later with `next_cursor`).
    pub has_more: bool,
}
