//! The audit log's hash chain: what an entry's hash is computed over.
//!
//! `hash` = lowercase hex SHA-256 of the bytes
//!
//! ```text
//! "outreach-audit-v1;" field(prev_hash) field(chain_seq) field(id) field(at)
//!     field(actor_id) field(action) field(record_type) field(record_id)
//!     field(request_id) field(details)
//! ```
//!
//! where `field(NULL)` is `~` and `field(value)` is the value's length in bytes
//! (decimal), `:`, its UTF-8 bytes and `,` (a netstring): no two different
//! entries encode to the same bytes. `chain_seq` is in decimal, `at` as
//! `YYYY-MM-DD HH:MM:SS.ffffff` (UTC, microseconds). The first entry's
//! `prev_hash` is [`GENESIS_HASH`]. PostgreSQL computes the same bytes in SQL
//! (`audit_chain_hash`, migration `2026-12-07-000080_audit_chain`); SQLite calls
//! [`entry_hash`] itself (registered on each connection).

use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

/// The hash the first entry links to (and the anchor while nothing was pruned).
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of an entry that its hash covers, besides its link.
#[derive(Debug, Clone, Copy)]
pub struct Chained<'a> {
    pub id: &'a str,
    pub at: NaiveDateTime,
    pub actor_id: Option<&'a str>,
    pub action: &'a str,
    pub record_type: &'a str,
    pub record_id: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub details: Option<&'a str>,
}

/// The hash of the entry at `chain_seq` whose predecessor's hash is `prev_hash`.
pub fn entry_hash(prev_hash: &str, chain_seq: i64, entry: &Chained<'_>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"outreach-audit-v1;");
    let seq = chain_seq.to_string();
    let at = entry.at.format("%Y-%m-%d %H:%M:%S%.6f").to_string();
    let fields = [
        Some(prev_hash),
        Some(seq.as_str()),
        Some(entry.id),
        Some(at.as_str()),
        entry.actor_id,
        Some(entry.action),
        Some(entry.record_type),
        entry.record_id,
        entry.request_id,
        entry.details,
    ];
    for field in fields {
        match field {
            None => hasher.update(b"~"),
            Some(value) => {
                hasher.update(value.len().to_string().as_bytes());
                hasher.update(b":");
                hasher.update(value.as_bytes());
                hasher.update(b",");
            }
        }
    }
    hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry<'a>(details: Option<&'a str>, request_id: Option<&'a str>) -> Chained<'a> {
        Chained {
            id: "0193a0c2-0000-7000-8000-000000000001",
            at: "2026-12-07T06:00:00.123456".parse().unwrap(),
            actor_id: None,
            action: "volunteer_created",
            record_type: "volunteer",
            record_id: Some("v-1"),
            request_id,
            details,
        }
    }

    #[test]
    fn the_encoding_tells_null_from_empty_and_shifted_fields_apart() {
        let plain = entry_hash(GENESIS_HASH, 1, &entry(None, None));
        assert_eq!(plain.len(), 64);
        assert_ne!(plain, entry_hash(GENESIS_HASH, 1, &entry(Some(""), None)));
        assert_ne!(
            entry_hash(GENESIS_HASH, 1, &entry(Some("x"), None)),
            entry_hash(GENESIS_HASH, 1, &entry(None, Some("x")))
        );
        assert_ne!(plain, entry_hash(GENESIS_HASH, 2, &entry(None, None)));
        assert_eq!(plain, entry_hash(GENESIS_HASH, 1, &entry(None, None)));
    }

    #[test]
    fn the_hash_is_over_the_documented_bytes() {
        let bytes = format!(
            "outreach-audit-v1;64:{GENESIS_HASH},1:1,36:0193a0c2-0000-7000-8000-000000000001,26:2026-12-07 06:00:00.123456,~17:volunteer_created,9:volunteer,3:v-1,~~"
        );
        let expected: String = Sha256::digest(bytes.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect();
        assert_eq!(entry_hash(GENESIS_HASH, 1, &entry(None, None)), expected);
    }
}
