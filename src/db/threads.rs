//! The threads that do the database work: one per pooled connection, started
//! with the `Db` and ending when its last handle is dropped.
//!
//! Why not tokio's blocking pool: each HTTP worker has a pool of its own, so
//! database work moved between up to workers x pool-size threads, and with
//! glibc every thread that ran SQLite or libpq kept a malloc arena of its own,
//! each at its own high-water mark (page caches, statements, result sets).
//! A fixed set of threads keeps that to one arena per connection. The `Db`'s
//! slots (one per connection) already bound the work in flight, so a job
//! queued here waits at most for a thread that is giving its slot back.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};

type Job = Box<dyn FnOnce() + Send>;

#[derive(Clone, Debug)]
pub struct DbThreads {
    jobs: Sender<Job>,
}

impl DbThreads {
    /// Starts `count` threads named `db-N`.
    pub fn start(count: usize) -> Result<Self, String> {
        let (jobs, queue) = channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for index in 0..count.max(1) {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("db-{index}"))
                .spawn(move || serve(&queue))
                .map_err(|err| format!("cannot start a database thread: {err}"))?;
        }
        Ok(Self { jobs })
    }

    /// Runs `work` on a database thread; `None` when it panicked (the panic hook
    /// has logged it) or the threads are gone.
    pub async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            // The requester may have gone (a cancelled request): nothing to tell.
            let _ = answer.send(work());
        });
        self.jobs.send(job).ok()?;
        answered.await.ok()
    }
}

fn serve(queue: &Mutex<Receiver<Job>>) {
    loop {
        // The lock is held only while waiting for the next job, never while one runs.
        let next = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(job) = next else { return };
        // A panicking job drops its answer (the request gets a 500) and its pooled
        // connection (discarded, see `pool::Manager::has_broken`); the thread goes on.
        let _ = catch_unwind(AssertUnwindSafe(job));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_job_answers_none_and_the_thread_serves_the_next() {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let threads = DbThreads::start(1).unwrap();
        assert_eq!(runtime.block_on(threads.run(|| -> u8 { panic!("on purpose") })), None);
        assert_eq!(runtime.block_on(threads.run(|| 7)), Some(7));
    }
}
