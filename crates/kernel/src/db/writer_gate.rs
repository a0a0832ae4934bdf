//! One SQLite writer at a time inside this process, queued on a mutex rather than on
//! SQLite's lock.
//!
//! SQLite lets one connection write at a time. A connection that finds the write lock taken
//! waits in SQLite's busy handler, which sleeps 1, 2, 5, 10… ms between tries however soon
//! the holder finishes: a write of a hundred microseconds queued behind another (an outbox
//! consumer recording its deliveries, say) lost a millisecond or more. Write transactions
//! started on a pool's blocking threads ([`super::DbPool::run`]) queue on that pool's gate
//! instead, and the next one starts the moment the previous one ends.
//!
//! The gate is a shortcut, never a requirement: writers it does not see (another process, a
//! second pool on the same file, a connection taken with [`super::DbPool::get`]) still meet
//! SQLite's lock and wait out the busy timeout as before.

use std::cell::RefCell;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

thread_local! {
    /// The gate of the pool whose work this thread is running, if any.
    static CURRENT: RefCell<Option<WriterGate>> = const { RefCell::new(None) };
}

/// The queue of one pool's SQLite writers. Cheap to clone; clones share the queue.
#[derive(Debug, Clone, Default)]
pub(crate) struct WriterGate(Arc<Mutex<()>>);

impl WriterGate {
    /// Waits for this gate's turn; the turn lasts until the guard is dropped.
    pub(crate) fn turn(&self) -> MutexGuard<'_, ()> {
        // Nothing is guarded but the turn itself, so a writer that panicked spoils nothing.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The gate that [`run_with`] installed on this thread, if any.
    pub(crate) fn current() -> Option<WriterGate> {
        CURRENT.with(|current| current.borrow().clone())
    }
}

/// Runs `work` with `gate` as this thread's current gate, restoring the previous one after,
/// even if `work` panics.
pub(crate) fn run_with<R>(gate: Option<WriterGate>, work: impl FnOnce() -> R) -> R {
    struct Restore(Option<WriterGate>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            CURRENT.with(|current| *current.borrow_mut() = previous);
        }
    }
    let previous = CURRENT.with(|current| current.replace(gate));
    let _restore = Restore(previous);
    work()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gate_is_current_only_inside_run_with() {
        assert!(WriterGate::current().is_none());
        let gate = WriterGate::default();
        run_with(Some(gate.clone()), || {
            let current = WriterGate::current().expect("installed");
            assert!(Arc::ptr_eq(&current.0, &gate.0));
            run_with(None, || assert!(WriterGate::current().is_none()));
            assert!(
                WriterGate::current().is_some(),
                "restored after the inner run"
            );
        });
        assert!(WriterGate::current().is_none());
    }

    #[test]
    fn a_panic_inside_leaves_no_gate_behind() {
        let result = std::panic::catch_unwind(|| {
            run_with(Some(WriterGate::default()), || panic!("boom"));
        });
        assert!(result.is_err());
        assert!(WriterGate::current().is_none());
    }
}
