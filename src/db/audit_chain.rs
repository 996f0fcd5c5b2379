//! The audit log's hash chain in the database (see [`crate::domain::audit_chain`]
//! for what a hash covers, and the migration `2026-12-07-000080_audit_chain` for
//! how entries are linked at commit): the hash function SQLite's trigger calls,
//! the walk behind `outreach audit verify`, and pruning that keeps an anchor.

// The SQL function takes the entry's ten fields.
#![allow(clippy::too_many_arguments)]

use std::fmt;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
use diesel::sqlite::SqliteConnection;

use super::DbConn;
use super::audit::{self, AuditEvent};
use super::schema::{audit_chain, audit_log};
use crate::domain::audit_chain::{Chained, entry_hash};
use crate::error::ApiError;

/// Entries read per query while verifying: the walk never holds more.
pub const VERIFY_PAGE: i64 = 1_000;

diesel::define_sql_function! {
    /// An entry's hash (SQLite; PostgreSQL defines it in its migration).
    fn audit_chain_hash(
        prev_hash: Text,
        chain_seq: BigInt,
        id: Text,
        at: Timestamp,
        actor_id: Nullable<Text>,
        action: Text,
        record_type: Text,
        record_id: Nullable<Text>,
        request_id: Nullable<Text>,
        details: Nullable<Text>,
    ) -> Text;
}

/// Registers `audit_chain_hash` on a SQLite connection: the chain's trigger
/// calls it on every INSERT into `audit_log`.
pub fn register(conn: &mut SqliteConnection) -> QueryResult<()> {
    audit_chain_hash_utils::register_impl(
        conn,
        |prev_hash: String,
         chain_seq: i64,
         id: String,
         at: NaiveDateTime,
         actor_id: Option<String>,
         action: String,
         record_type: String,
         record_id: Option<String>,
         request_id: Option<String>,
         details: Option<String>| {
            let entry = Chained {
                id: &id,
                at,
                actor_id: actor_id.as_deref(),
                action: &action,
                record_type: &record_type,
                record_id: record_id.as_deref(),
                request_id: request_id.as_deref(),
                details: details.as_deref(),
            };
            entry_hash(&prev_hash, chain_seq, &entry)
        },
    )
}

/// The head of the chain: its newest link, and where a pruned prefix ended.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_chain)]
pub struct Head {
    pub last_seq: i64,
    pub last_hash: String,
    pub anchor_seq: i64,
    pub anchor_hash: String,
}

/// One entry with its link, as stored.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
struct Link {
    id: String,
    at: NaiveDateTime,
    actor_id: Option<String>,
    action: String,
    record_type: String,
    record_id: Option<String>,
    request_id: Option<String>,
    details: Option<String>,
    chain_seq: Option<i64>,
    prev_hash: Option<String>,
    hash: Option<String>,
}

impl Link {
    /// The hash the entry's stored fields and `prev_hash` give.
    fn recomputed(&self, chain_seq: i64) -> String {
        let entry = Chained {
            id: &self.id,
            at: self.at,
            actor_id: self.actor_id.as_deref(),
            action: &self.action,
            record_type: &self.record_type,
            record_id: self.record_id.as_deref(),
            request_id: self.request_id.as_deref(),
            details: self.details.as_deref(),
        };
        entry_hash(self.prev_hash.as_deref().unwrap_or_default(), chain_seq, &entry)
    }
}

/// What is wrong at the first broken link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The entry's fields (or its link) no longer give its hash: edited.
    Edited,
    /// The entries from this link's `chain_seq` through `through` are gone.
    Missing { through: i64 },
    /// The entry's `prev_hash` is not the hash of the entry before it.
    BrokenLink,
    /// The chain head's hash is not the last entry's.
    HeadMismatch,
    /// An entry without a place in the chain (written around the trigger).
    Unchained,
}

/// The first broken link: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub chain_seq: Option<i64>,
    /// The entry at fault, or for missing entries the one after the gap (none
    /// when the gap is at the end).
    pub entry_id: Option<String>,
    pub problem: Problem,
}

impl fmt::Display for BrokenLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seq = self.chain_seq.unwrap_or_default();
        let id = self.entry_id.as_deref().unwrap_or("-");
        match &self.problem {
            Problem::Edited => {
                write!(f, "chain_seq {seq}, entry {id}: edited (its fields no longer give its hash)")
            }
            Problem::Missing { through } => {
                let range =
                    if *through == seq { format!("chain_seq {seq}") } else { format!("chain_seq {seq}..{through}") };
                match &self.entry_id {
                    Some(next) => write!(f, "{range}: missing entry (deleted); the chain goes on at entry {next}"),
                    None => write!(f, "{range}: missing entry (deleted at the end of the chain)"),
                }
            }
            Problem::BrokenLink => write!(
                f,
                "chain_seq {seq}, entry {id}: broken link (its prev_hash is not the hash of chain_seq {})",
                seq - 1
            ),
            Problem::HeadMismatch => {
                write!(f, "chain_seq {seq}, entry {id}: the chain head records another hash for the last entry")
            }
            Problem::Unchained => write!(f, "entry {id}: not in the chain (no chain_seq)"),
        }
    }
}

/// The outcome of a walk over the chain.
#[derive(Debug, Clone)]
pub struct ChainCheck {
    pub head: Head,
    /// Entries checked (from the anchor on).
    pub entries: u64,
    pub broken: Option<BrokenLink>,
}

/// Walks the chain from its anchor to its head, [`VERIFY_PAGE`] entries per
/// query, and stops at the first broken link. Entries linked after the head was
/// read are left for the next run.
pub fn verify(conn: &mut DbConn) -> QueryResult<ChainCheck> {
    let head: Head = audit_chain::table.find(1).select(Head::as_select()).first(conn)?;
    let mut check = ChainCheck { head: head.clone(), entries: 0, broken: None };
    let (mut prev_seq, mut prev_hash) = (head.anchor_seq, head.anchor_hash.clone());
    let mut last_id = None;
    loop {
        let page: Vec<Link> = audit_log::table
            .filter(audit_log::chain_seq.gt(prev_seq))
            .filter(audit_log::chain_seq.le(head.last_seq))
            .order(audit_log::chain_seq)
            .limit(VERIFY_PAGE)
            .select(Link::as_select())
            .load(conn)?;
        if page.is_empty() {
            break;
        }
        for link in page {
            let seq = link.chain_seq.unwrap_or_default();
            let at = |problem| Some(BrokenLink { chain_seq: Some(seq), entry_id: Some(link.id.clone()), problem });
            check.broken = if seq != prev_seq + 1 {
                Some(BrokenLink {
                    chain_seq: Some(prev_seq + 1),
                    entry_id: Some(link.id.clone()),
                    problem: Problem::Missing { through: seq - 1 },
                })
            } else if link.hash.as_deref() != Some(link.recomputed(seq).as_str()) {
                at(Problem::Edited)
            } else if link.prev_hash.as_deref() != Some(prev_hash.as_str()) {
                at(Problem::BrokenLink)
            } else {
                None
            };
            if check.broken.is_some() {
                return Ok(check);
            }
            check.entries += 1;
            prev_seq = seq;
            prev_hash = link.hash.unwrap_or_default();
            last_id = Some(link.id);
        }
    }
    if prev_seq < head.last_seq {
        check.broken = Some(BrokenLink {
            chain_seq: Some(prev_seq + 1),
            entry_id: None,
            problem: Problem::Missing { through: head.last_seq },
        });
    } else if prev_hash != head.last_hash {
        check.broken =
            Some(BrokenLink { chain_seq: Some(prev_seq), entry_id: last_id, problem: Problem::HeadMismatch });
    } else if let Some(id) = audit_log::table
        .filter(audit_log::chain_seq.is_null())
        .order(audit_log::id)
        .select(audit_log::id)
        .first::<String>(conn)
        .optional()?
    {
        check.broken = Some(BrokenLink { chain_seq: None, entry_id: Some(id), problem: Problem::Unchained });
    }
    Ok(check)
}

/// Deletes the oldest entries of the chain, those before the first entry at or
/// after `before`, and moves the anchor to the last one deleted (its `chain_seq`
/// and hash), so that the rest still verifies. The pruning is itself audited
/// (`audit_log_pruned`, naming the anchor), in the chain after it. Returns the
/// new anchor, or `None` when there was nothing to delete.
pub fn prune_before(conn: &mut DbConn, before: NaiveDateTime) -> Result<Option<(i64, String)>, ApiError> {
    super::write_transaction(conn, |conn| {
        if let DbConn::Postgresql(pg) = conn {
            // The lock order of every commit that links entries: the outbox's counter, then the head.
            diesel::sql_query("SELECT 1 FROM outbox_state WHERE id = 1 FOR NO KEY UPDATE").execute(pg)?;
            diesel::sql_query("SELECT 1 FROM audit_chain WHERE id = 1 FOR UPDATE").execute(pg)?;
        }
        let head: Head = audit_chain::table.find(1).select(Head::as_select()).first(conn)?;
        let first_kept: Option<i64> = audit_log::table
            .filter(audit_log::chain_seq.gt(head.anchor_seq))
            .filter(audit_log::at.ge(before))
            .select(diesel::dsl::min(audit_log::chain_seq))
            .first(conn)?;
        let through = first_kept.map_or(head.last_seq, |seq| seq - 1);
        if through <= head.anchor_seq {
            return Ok(None);
        }
        let hash: Option<String> = audit_log::table
            .filter(audit_log::chain_seq.eq(through))
            .select(audit_log::hash)
            .first::<Option<String>>(conn)
            .optional()?
            .flatten();
        let Some(hash) = hash else {
            return Err(ApiError::internal(format!(
                "the audit chain has no entry {through}: run `outreach audit verify`"
            )));
        };
        diesel::delete(audit_log::table.filter(audit_log::chain_seq.le(through))).execute(conn)?;
        diesel::update(audit_chain::table.find(1))
            .set((audit_chain::anchor_seq.eq(through), audit_chain::anchor_hash.eq(&hash)))
            .execute(conn)?;
        let event = AuditEvent {
            action: "audit_log_pruned",
            record_type: "audit_log",
            details: Some(format!("anchor chain_seq={through} hash={hash}")),
            ..Default::default()
        };
        audit::record(conn, event)?;
        Ok(Some((through, hash)))
    })
}
