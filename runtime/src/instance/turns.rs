//! Operations on one instance run in the order JS issued them.
//!
//! A call that left the JS thread holds its instance's store lock until it is done. What
//! JS issues meanwhile (`global.get`, `memory.write`, another `call`, a `callSync`) waits
//! for that lock. A plain mutex hands it to whichever waiter wakes first, so a `set`
//! issued after a `get` could land before it. Here each waiter takes a numbered turn when
//! it is issued, on the JS thread, and takes the lock only when its turn comes.
//!
//! A turn whose operation was dropped before it ran (the op was cancelled, the runtime
//! shut down) is skipped, so no later operation waits for it forever.

use std::collections::BTreeSet;
use std::sync::Arc;

use parking_lot::{Condvar, Mutex};

/// The line of operations waiting for one instance's store.
#[derive(Default)]
pub struct Turns {
    line: Mutex<Line>,
    changed: Condvar,
}

#[derive(Default)]
struct Line {
    /// The number the next waiter gets.
    next: u64,
    /// The turn that may take the lock now; equal to `next` when nobody waits.
    serving: u64,
    /// Turns whose waiter was dropped before its turn came.
    abandoned: BTreeSet<u64>,
}

impl Line {
    /// Move on to the next turn whose waiter still wants it.
    fn advance(&mut self) {
        self.serving += 1;
        while self.abandoned.remove(&self.serving) {
            self.serving += 1;
        }
    }
}

impl Turns {
    /// Whether nobody is waiting, checked with the line held while `f` runs: the JS
    /// thread may then take the lock at once without passing anyone in line.
    pub fn if_nobody_waits<T>(&self, f: impl FnOnce() -> Option<T>) -> Option<T> {
        let line = self.line.lock();
        if line.next == line.serving {
            f()
        } else {
            None
        }
    }

    /// Take the next turn.
    pub fn take(self: &Arc<Self>) -> Turn {
        let mut line = self.line.lock();
        let number = line.next;
        line.next += 1;
        Turn { turns: Arc::clone(self), number, served: false }
    }
}

/// A place in the line. Waiting for it blocks the thread: do it on a worker, or on the JS
/// thread only where that thread may block (a sync op).
pub struct Turn {
    turns: Arc<Turns>,
    number: u64,
    served: bool,
}

impl Turn {
    /// Block until this turn comes, then run `take` (which takes the store lock, waiting
    /// for the operation before this one to finish) and let the next turn go.
    pub fn wait<T>(mut self, take: impl FnOnce() -> T) -> T {
        {
            let mut line = self.turns.line.lock();
            while line.serving != self.number {
                self.turns.changed.wait(&mut line);
            }
        }
        // The next turn waits until this one holds the lock, so it cannot pass it.
        let taken = take();
        self.served = true;
        self.turns.line.lock().advance();
        self.turns.changed.notify_all();
        taken
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        if self.served {
            return;
        }
        let mut line = self.turns.line.lock();
        if line.serving == self.number {
            line.advance();
            drop(line);
            self.turns.changed.notify_all();
        } else {
            line.abandoned.insert(self.number);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn waiters_run_in_the_order_their_turns_were_taken() {
        let turns = Arc::new(Turns::default());
        let order = Arc::new(Mutex::new(Vec::new()));
        let first = turns.take();
        // Later turns start waiting before the first one is served, in reverse order.
        let threads: Vec<_> = (1..6)
            .map(|i| (i, turns.take()))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .map(|(i, turn)| {
                let order = Arc::clone(&order);
                std::thread::spawn(move || turn.wait(|| order.lock().push(i)))
            })
            .collect();
        std::thread::sleep(Duration::from_millis(50));
        assert!(order.lock().is_empty(), "nobody passes the turn that was taken first");
        first.wait(|| order.lock().push(0));
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(*order.lock(), vec![0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn a_dropped_turn_is_skipped_whether_or_not_it_was_due() {
        let turns = Arc::new(Turns::default());
        let due = turns.take();
        let later = turns.take();
        let last = turns.take();
        drop(later);
        drop(due);
        // Both dropped turns are passed over: the last one runs without waiting.
        assert_eq!(last.wait(|| 7), 7);
        assert!(turns.if_nobody_waits(|| Some(())).is_some());
    }

    #[test]
    fn nobody_waits_only_when_every_turn_was_served() {
        let turns = Arc::new(Turns::default());
        assert!(turns.if_nobody_waits(|| Some(())).is_some());
        let turn = turns.take();
        assert!(turns.if_nobody_waits(|| Some(())).is_none());
        turn.wait(|| ());
        assert!(turns.if_nobody_waits(|| Some(())).is_some());
    }
}
