//! The accounts behind access tokens, kept for a moment so that authenticating a
//! request does not cost a database round trip of its own.
//!
//! Every request used to load its caller's account before the handler's own query:
//! two trips to the pool per request (BENCHMARKS.md, section 1). An entry is used
//! for at most [`FRESH_FOR`], and not at all once this application has changed any
//! account since the entry was loaded ([`AccountChanges`]): logging
//! out, changing a password, disabling an account or changing a role ends older
//! tokens at once on this instance, and within [`FRESH_FOR`] on the others behind
//! the same load balancer.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::db::AccountChanges;
use crate::db::accounts::Account;

/// How long a loaded account is trusted without a new look at the database.
pub const FRESH_FOR: Duration = Duration::from_secs(1);
/// Above this many entries, stale ones are swept on the next insert.
const SWEEP_ABOVE: usize = 10_000;

struct Entry {
    account: Account,
    loaded_at: Instant,
    changes_seen: u64,
}

pub struct AccountCache {
    entries: Mutex<HashMap<String, Entry>>,
    changes: AccountChanges,
}

/// A ticket taken before loading an account, so that a change made while it was
/// being loaded keeps the loaded copy out of the cache's use.
pub struct LoadTicket {
    started: Instant,
    changes_seen: u64,
}

impl AccountCache {
    /// An empty cache of the accounts whose changes `changes` counts.
    pub fn new(changes: AccountChanges) -> Self {
        Self { entries: Mutex::default(), changes }
    }

    pub fn get(&self, id: &str) -> Option<Account> {
        let changes = self.changes.count();
        let entries = self.entries.lock().ok()?;
        entries
            .get(id)
            .filter(|entry| entry.changes_seen == changes && entry.loaded_at.elapsed() < FRESH_FOR)
            .map(|entry| entry.account.clone())
    }

    pub fn ticket(&self) -> LoadTicket {
        LoadTicket { started: Instant::now(), changes_seen: self.changes.count() }
    }

    pub fn put(&self, ticket: LoadTicket, account: &Account) {
        let Ok(mut entries) = self.entries.lock() else { return };
        if entries.len() >= SWEEP_ABOVE {
            entries.retain(|_, entry| entry.loaded_at.elapsed() < FRESH_FOR);
        }
        let entry = Entry { account: account.clone(), loaded_at: ticket.started, changes_seen: ticket.changes_seen };
        entries.insert(account.id.to_string(), entry);
    }
}
