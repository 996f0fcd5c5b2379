//! Audit entries for reads of personal data (`volunteer_viewed`,
//! `volunteers_listed`), written in batches by one background thread.
//!
//! Written in the read's own transaction, each such entry turned a read into a
//! write: on SQLite every read queued for the single write lock, on PostgreSQL it
//! waited for a commit's WAL flush (BENCHMARKS.md, section 1). Queued here, the
//! entries of many reads share one multi-row INSERT and one commit. Changes are
//! still audited in their own transaction; only read entries take this path.
//!
//! Nothing is dropped on purpose: a full queue makes the request write its entry
//! itself, a graceful shutdown and every read of the audit log flush the queue
//! first, and entries the database refuses after retries are logged in full. A
//! crash can lose the entries of the last batch window (about 50 ms).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::thread;
use std::time::{Duration, Instant};

use diesel::RunQueryDsl;

use super::audit::AuditEntry;
use super::schema::audit_log;
use super::{DbConn, DbPool};
use crate::error::ApiError;

/// Entries waiting at most; beyond it a request writes its own entry.
const QUEUE_CAPACITY: usize = 10_000;
/// Rows per INSERT: 8 columns each, under SQLite's 32,766 bound parameters.
const BATCH_ROWS: usize = 1_000;
/// How long the writer gathers entries after the first one before writing.
const BATCH_WINDOW: Duration = Duration::from_millis(50);
/// Waits between attempts when the database refuses a batch.
const RETRY_DELAYS: [Duration; 3] = [Duration::from_millis(200), Duration::from_secs(1), Duration::from_secs(5)];

enum Message {
    Entry(AuditEntry),
    /// Answered once every entry queued before it is stored (or given up on).
    Flush(tokio::sync::oneshot::Sender<()>),
}

/// The sending side; cheap to clone. The writer thread ends when the last clone
/// is dropped, after writing what is queued.
#[derive(Clone)]
pub struct ReadAuditQueue {
    sender: SyncSender<Message>,
    queued: Arc<AtomicUsize>,
}

impl ReadAuditQueue {
    /// Starts the writer thread, which takes a connection from `pool` only while
    /// it writes a batch, queueing with the application's other writers.
    pub(super) fn start(pool: DbPool, shared: Arc<super::scope::Shared>) -> Result<Self, String> {
        let (sender, receiver) = mpsc::sync_channel(QUEUE_CAPACITY);
        let queued = Arc::new(AtomicUsize::new(0));
        let written = Arc::clone(&queued);
        thread::Builder::new()
            .name("read-audit".into())
            .spawn(move || super::scope::enter(&shared, || write_batches(&receiver, &pool, &written)))
            .map_err(|err| format!("cannot start the read-audit writer: {err}"))?;
        Ok(Self { sender, queued })
    }

    /// Queues `entry` without waiting; hands it back when the queue is full (or
    /// the writer gone), for the caller to write itself.
    pub fn push(&self, entry: AuditEntry) -> Option<AuditEntry> {
        // Counted before sending, so that the writer never takes away more than was added.
        self.queued.fetch_add(1, Ordering::Relaxed);
        let refused = match self.sender.try_send(Message::Entry(entry)) {
            Ok(()) => return None,
            Err(TrySendError::Full(message) | TrySendError::Disconnected(message)) => message,
        };
        self.queued.fetch_sub(1, Ordering::Relaxed);
        match refused {
            Message::Entry(entry) => Some(entry),
            Message::Flush(_) => None,
        }
    }

    /// Entries queued and not yet written.
    pub fn queued(&self) -> usize {
        self.queued.load(Ordering::Relaxed)
    }

    /// Waits until every entry queued so far is stored.
    pub async fn flush(&self) {
        let (done, stored) = tokio::sync::oneshot::channel();
        let sender = self.sender.clone();
        // `send` blocks while the queue is full: keep it off the async workers.
        let queued = tokio::task::spawn_blocking(move || sender.send(Message::Flush(done)).is_ok()).await;
        if matches!(queued, Ok(true)) {
            // An error means the writer ended, which it does only after writing.
            let _ = stored.await;
        }
    }
}

fn write_batches(receiver: &Receiver<Message>, pool: &DbPool, queued: &AtomicUsize) {
    let mut batch = Vec::with_capacity(BATCH_ROWS);
    let mut flushes = Vec::new();
    // Ends when every sender is gone and the queue is empty.
    while let Ok(first) = receiver.recv() {
        let mut next = Some(first);
        let deadline = Instant::now() + BATCH_WINDOW;
        while let Some(message) = next.take() {
            match message {
                Message::Entry(entry) => batch.push(entry),
                Message::Flush(done) => flushes.push(done),
            }
            if batch.len() >= BATCH_ROWS || !flushes.is_empty() {
                break;
            }
            next = receiver.recv_timeout(deadline.saturating_duration_since(Instant::now())).ok();
        }
        store_with_retries(pool, &batch);
        queued.fetch_sub(batch.len(), Ordering::Relaxed);
        batch.clear();
        for done in flushes.drain(..) {
            let _ = done.send(());
        }
    }
}

fn store_with_retries(pool: &DbPool, batch: &[AuditEntry]) {
    if batch.is_empty() {
        return;
    }
    let mut attempt = 0;
    loop {
        let stored = pool
            .get()
            .map_err(|err| err.to_string())
            .and_then(|mut conn| insert_entries(&mut conn, batch).map_err(|err| err.to_string()));
        let Err(error) = stored else { return };
        let Some(delay) = RETRY_DELAYS.get(attempt) else {
            // The log is the record of last resort.
            for entry in batch {
                tracing::error!(
                    id = %entry.id, at = %entry.at, actor_id = ?entry.actor_id, action = %entry.action,
                    record_type = %entry.record_type, record_id = ?entry.record_id,
                    request_id = ?entry.request_id, details = ?entry.details,
                    "read-audit entry not stored"
                );
            }
            tracing::error!(entries = batch.len(), %error, "the database refused a batch of read-audit entries");
            return;
        };
        tracing::warn!(entries = batch.len(), %error, retry_in_ms = delay.as_millis(), "read-audit batch not stored yet");
        thread::sleep(*delay);
        attempt += 1;
    }
}

/// One multi-row INSERT per [`BATCH_ROWS`], in one write transaction.
pub fn insert_entries(conn: &mut DbConn, entries: &[AuditEntry]) -> Result<(), ApiError> {
    super::write_transaction(conn, |conn| {
        for chunk in entries.chunks(BATCH_ROWS) {
            let statement = diesel::insert_into(audit_log::table).values(chunk);
            match conn {
                DbConn::Sqlite(sqlite) => statement.execute(sqlite)?,
                DbConn::Postgresql(pg) => statement.execute(pg)?,
            };
        }
        Ok(())
    })
}
