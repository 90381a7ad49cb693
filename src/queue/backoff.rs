//! How long a blocked [`BlockingQueue`](super::BlockingQueue) operation keeps retrying before
//! it sleeps on its condition variable, and the lock-free glimpse of the queue it retries on.
//!
//! Sleeping costs two syscalls and a context switch per handoff: the sleeper's wait and the
//! waker's `notify_one`. When the other side is running on another core, the item or the slot
//! usually turns up within a few microseconds, so short spins and yields catch it for far less.
//! The phase is bounded, like crossbeam's `Backoff`, so a thread whose counterpart is itself
//! asleep soon parks and stops burning a core. `docs/performance.md` has the measurements behind
//! the two limits.
//!
//! Under loom the phase is compiled out: `is_completed` is always true, so a blocked operation
//! makes exactly one attempt under the lock and then waits, and the models explore the same
//! states as without the phase.

#[cfg(not(loom))]
use std::sync::atomic::{AtomicUsize, Ordering};

/// Steps `0..=SPIN_LIMIT` spin `2^step` times: 127 spins, about 3 µs here (a `PAUSE` takes
/// 25 ns), less than a park and its wake cost together. These are crossbeam's limits. Spinning only 15 times measured no faster and made three times
/// as many `sched_yield` calls (docs/performance.md).
#[cfg(not(loom))]
const SPIN_LIMIT: u32 = 6;

/// Steps up to `YIELD_LIMIT` yield the core; after that the caller parks.
#[cfg(not(loom))]
const YIELD_LIMIT: u32 = 10;

/// A bounded spin-then-yield phase, counted in steps.
#[derive(Debug, Default)]
pub(crate) struct Backoff {
    #[cfg(not(loom))]
    step: u32,
}

impl Backoff {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Whether the phase is over and the caller should park.
    #[cfg(not(loom))]
    pub(crate) fn is_completed(&self) -> bool {
        self.step > YIELD_LIMIT
    }

    /// Under loom there is no phase: park at once.
    #[cfg(loom)]
    pub(crate) fn is_completed(&self) -> bool {
        true
    }

    /// Spins or yields, a step at a time, until `ready` says the operation may now succeed or
    /// the phase is over. Called without the lock, so that waiting threads leave it free for
    /// the threads that make progress.
    #[cfg(not(loom))]
    pub(crate) fn snooze_until(&mut self, ready: impl Fn() -> bool) {
        while !self.is_completed() {
            if self.step <= SPIN_LIMIT {
                for _ in 0..1u32 << self.step {
                    std::hint::spin_loop();
                }
            } else {
                std::thread::yield_now();
            }
            self.step += 1;
            if ready() {
                return;
            }
        }
    }

    /// Under loom the phase is always over, so there is nothing to wait for.
    #[cfg(loom)]
    pub(crate) fn snooze_until(&mut self, _ready: impl Fn() -> bool) {}
}

/// The queue's length as of the last `put` or `get`, readable without the lock.
///
/// Only a hint for the backoff phase: every decision is made again under the lock. Under loom
/// it is compiled out, so that it adds no atomic operations for the models to interleave.
#[derive(Debug, Default)]
pub(crate) struct LenHint {
    #[cfg(not(loom))]
    len: AtomicUsize,
}

impl LenHint {
    /// Records the length; call under the queue's lock after changing it.
    #[cfg_attr(loom, allow(unused_variables))]
    pub(crate) fn set(&self, len: usize) {
        // Relaxed: a stale value costs one extra trip to the lock, never a wrong answer.
        #[cfg(not(loom))]
        self.len.store(len, Ordering::Relaxed);
    }

    /// The last recorded length.
    #[cfg(not(loom))]
    pub(crate) fn get(&self) -> usize {
        self.len.load(Ordering::Relaxed)
    }

    /// Under loom nothing is recorded; the backoff phase that reads the hint never runs.
    #[cfg(loom)]
    pub(crate) fn get(&self) -> usize {
        0
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::{Backoff, LenHint, YIELD_LIMIT};

    #[test]
    fn the_phase_ends_on_its_own_when_nothing_changes() {
        let mut backoff = Backoff::new();
        assert!(!backoff.is_completed());
        backoff.snooze_until(|| false);
        assert!(backoff.is_completed(), "bounded: the caller parks next");
        assert_eq!(backoff.step, YIELD_LIMIT + 1);
    }

    #[test]
    fn the_phase_stops_as_soon_as_the_operation_may_succeed() {
        let hint = LenHint::default();
        let mut backoff = Backoff::new();
        hint.set(1);
        backoff.snooze_until(|| hint.get() > 0);
        assert_eq!(
            backoff.step, 1,
            "one step, then the caller retries under the lock"
        );
        assert!(!backoff.is_completed());
    }
}
