//! A first-come-first-served queue for the SQLite writers of one application (see
//! [`super::write_transaction`]). Owned by the application's [`super::Db`], so two
//! applications in one process (as in the tests) do not order each other's writes.

use std::sync::{Condvar, Mutex, PoisonError};

/// Tickets handed out and the ticket being served.
#[derive(Default)]
pub struct WriterQueue {
    tickets: Mutex<(u64, u64)>,
    turn_changed: Condvar,
}

/// The caller's turn; the next writer's turn comes when it is dropped, however
/// the transaction ends (a panic included).
pub struct Turn<'queue>(&'queue WriterQueue);

impl WriterQueue {
    /// Blocks until every writer that came earlier is done.
    pub fn wait_for_turn(&self) -> Turn<'_> {
        // A poisoned lock only means a writer panicked; the counters are still right.
        let mut tickets = self.tickets.lock().unwrap_or_else(PoisonError::into_inner);
        let ticket = tickets.0;
        tickets.0 += 1;
        while tickets.1 != ticket {
            tickets = self.turn_changed.wait(tickets).unwrap_or_else(PoisonError::into_inner);
        }
        Turn(self)
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let mut tickets = self.0.tickets.lock().unwrap_or_else(PoisonError::into_inner);
        tickets.1 += 1;
        self.0.turn_changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn writers_are_served_in_the_order_they_came() {
        let queue = Arc::new(WriterQueue::default());
        let served = Arc::new(Mutex::new(Vec::new()));
        let first = queue.wait_for_turn();
        let waiting: Vec<_> = (0..4)
            .map(|n| {
                let (queue, served) = (Arc::clone(&queue), Arc::clone(&served));
                let writer = std::thread::spawn(move || {
                    let _turn = queue.wait_for_turn();
                    served.lock().unwrap().push(n);
                });
                // Each takes its ticket before the next one starts.
                std::thread::sleep(std::time::Duration::from_millis(30));
                writer
            })
            .collect();
        drop(first);
        for writer in waiting {
            writer.join().unwrap();
        }
        assert_eq!(*served.lock().unwrap(), vec![0, 1, 2, 3]);
    }

    #[test]
    fn two_queues_do_not_wait_for_each_other() {
        let (one, other) = (WriterQueue::default(), WriterQueue::default());
        let _held = one.wait_for_turn();
        drop(other.wait_for_turn());
    }
}
