//! What one application's [`super::Db`] shares with the code that runs on its
//! connections: the SQLite writer queue and the count of account changes.
//!
//! Owned by the `Db`, so two applications in one process (as in the tests) share
//! neither, and lent to the blocking thread for each unit of work
//! ([`super::Db::run`]) rather than threaded through every query's signature.
//! Work outside an application (the command line, the seed) has no scope: its
//! writers wait on SQLite's busy timeout instead of the queue, and there is no
//! account cache to tell of changes.

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::writer_queue::WriterQueue;

/// The state one application's database work shares.
#[derive(Default)]
pub struct Shared {
    pub(super) writers: WriterQueue,
    account_changes: AtomicU64,
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<Shared>>> = const { RefCell::new(None) };
}

/// Runs `work` with `shared` as this thread's scope, restoring the previous one
/// afterwards (a panic included).
pub(super) fn enter<T>(shared: &Arc<Shared>, work: impl FnOnce() -> T) -> T {
    struct Restore(Option<Arc<Shared>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            CURRENT.set(self.0.take());
        }
    }
    let _restore = Restore(CURRENT.replace(Some(Arc::clone(shared))));
    work()
}

/// The scope of the work running on this thread, if any.
pub(super) fn current() -> Option<Arc<Shared>> {
    CURRENT.with_borrow(Clone::clone)
}

/// Counts an account change made by the work on this thread.
pub(super) fn note_account_change() {
    if let Some(shared) = current() {
        shared.account_changes.fetch_add(1, Ordering::SeqCst);
    }
}

/// Account changes made through one application's `Db`, for its account cache
/// ([`crate::auth::account_cache`]), which drops what it loaded before the latest.
#[derive(Clone, Default)]
pub struct AccountChanges(Arc<Shared>);

impl AccountChanges {
    pub(super) fn of(shared: &Arc<Shared>) -> Self {
        Self(Arc::clone(shared))
    }

    pub fn count(&self) -> u64 {
        self.0.account_changes.load(Ordering::SeqCst)
    }
}
