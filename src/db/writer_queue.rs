//! A first-come-first-served queue for the SQLite writers of this process (see
//! [`super::write_transaction`]). One queue per process: a process serves one
//! database (in the tests, several databases share it, which only orders their
//! short write transactions).

use std::sync::{Condvar, Mutex, PoisonError};

/// Tickets handed out and the ticket being served.
struct Queue {
    tickets: Mutex<(u64, u64)>,
    turn_changed: Condvar,
}

static WRITERS: Queue = Queue { tickets: Mutex::new((0, 0)), turn_changed: Condvar::new() };

/// The caller's turn; the next writer's turn comes when it is dropped, however
/// the transaction ends (a panic included).
pub struct Turn(());

/// Blocks until every writer that came earlier is done.
pub fn wait_for_turn() -> Turn {
    // A poisoned lock only means a writer panicked; the counters are still right.
    let mut tickets = WRITERS.tickets.lock().unwrap_or_else(PoisonError::into_inner);
    let ticket = tickets.0;
    tickets.0 += 1;
    while tickets.1 != ticket {
        tickets = WRITERS.turn_changed.wait(tickets).unwrap_or_else(PoisonError::into_inner);
    }
    Turn(())
}

impl Drop for Turn {
    fn drop(&mut self) {
        let mut tickets = WRITERS.tickets.lock().unwrap_or_else(PoisonError::into_inner);
        tickets.1 += 1;
        WRITERS.turn_changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writers_are_served_in_the_order_they_came() {
        let served = std::sync::Arc::new(Mutex::new(Vec::new()));
        let first = wait_for_turn();
        let waiting: Vec<_> = (0..4)
            .map(|n| {
                let served = std::sync::Arc::clone(&served);
                let writer = std::thread::spawn(move || {
                    let _turn = wait_for_turn();
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
}
