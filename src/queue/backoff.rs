//! How long a blocked [`BlockingQueue`](super::BlockingQueue) operation keeps retrying before
//! it sleeps on its condition variable, and the lock-free glimpse of the queue it retries on.
//!
//! Sleeping costs two syscalls and a context switch per handoff: the sleeper's wait and the
//! waker's `notify_one`. When the other side is running on another core, the item or the slot
//! usually turns up within a few microseconds, so short spins and yields catch it for far less.
//! The phase is bounded, the spinning by the clock and the yielding by a count, so a thread
//! whose counterpart is itself asleep soon parks and stops burning a core, on any CPU.
//! A thread woken from its condition variable runs the phase again before it parks again.
//! `docs/performance.md` has the measurements behind the two limits and the restart.
//!
//! Under loom the phase is compiled out: `is_completed` is always true, so a blocked operation
//! makes exactly one attempt under the lock and then waits, and the models explore the same
//! states as without the phase.

#[cfg(not(loom))]
use std::sync::atomic::{AtomicUsize, Ordering};
#[cfg(not(loom))]
use std::time::{Duration, Instant};

/// How long the spin phase lasts, measured on the clock rather than counted in `PAUSE`s: a
/// `PAUSE` takes from about 10 to about 140 cycles depending on the x86 generation, so a count
/// tuned on one CPU spins several times longer or shorter on another. 3 µs is about what
/// crossbeam's 127 spins take on the machine the phase was tuned on (docs/performance.md), and
/// it is well under a park-and-wake round trip (15–37 µs there), which spinning tries to avoid.
#[cfg(not(loom))]
const SPIN_FOR: Duration = Duration::from_micros(3);

/// The longest burst of spins between two looks at the clock and at the queue: `2^6` spins.
/// Bursts double from 1 up to this, as in crossbeam's `Backoff`; checking the queue after every
/// spin instead measured slower (docs/performance.md, J). On a CPU with a slow `PAUSE` the last
/// burst overshoots [`SPIN_FOR`] by at most its own length.
#[cfg(not(loom))]
const MAX_BURST_SHIFT: u32 = 6;

/// How many times the caller yields its core after spinning, before it parks. A count, not a
/// time: what a yield buys is one turn of the other runnable threads, whatever the CPU.
#[cfg(not(loom))]
const YIELDS: u32 = 4;

/// A bounded spin-then-yield phase: spins for [`SPIN_FOR`] by the clock, then yields
/// [`YIELDS`] times.
#[derive(Debug, Default)]
pub(crate) struct Backoff {
    /// When the spin phase began; read from the clock only once a thread has to wait, so the
    /// uncontended path never reads it.
    #[cfg(not(loom))]
    spin_started: Option<Instant>,
    /// The next burst spins `2^burst_shift` times.
    #[cfg(not(loom))]
    burst_shift: u32,
    /// Whether the spin phase is over.
    #[cfg(not(loom))]
    spun: bool,
    #[cfg(not(loom))]
    yields: u32,
}

impl Backoff {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Whether the phase is over and the caller should park.
    #[cfg(not(loom))]
    pub(crate) fn is_completed(&self) -> bool {
        self.yields >= YIELDS
    }

    /// Under loom there is no phase: park at once.
    #[cfg(loom)]
    pub(crate) fn is_completed(&self) -> bool {
        true
    }

    /// Spins or yields, a burst or a yield at a time, until `ready` says the operation may now
    /// succeed or the phase is over. Called without the lock, so that waiting threads leave it
    /// free for the threads that make progress.
    #[cfg(not(loom))]
    pub(crate) fn snooze_until(&mut self, ready: impl Fn() -> bool) {
        while !self.is_completed() {
            if self.spun {
                std::thread::yield_now();
                self.yields += 1;
            } else {
                let started = *self.spin_started.get_or_insert_with(Instant::now);
                for _ in 0..1u32 << self.burst_shift {
                    std::hint::spin_loop();
                }
                self.burst_shift = (self.burst_shift + 1).min(MAX_BURST_SHIFT);
                self.spun = started.elapsed() >= SPIN_FOR;
            }
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
    use std::time::Instant;

    use super::{Backoff, LenHint, SPIN_FOR, YIELDS};

    #[test]
    fn the_phase_ends_on_its_own_when_nothing_changes() {
        let mut backoff = Backoff::new();
        assert!(!backoff.is_completed());
        let before = Instant::now();
        backoff.snooze_until(|| false);
        assert!(backoff.is_completed(), "bounded: the caller parks next");
        assert_eq!(backoff.yields, YIELDS);
        assert!(
            before.elapsed() >= SPIN_FOR,
            "the spin phase lasts its time, however fast a spin is"
        );
    }

    #[test]
    fn the_phase_stops_as_soon_as_the_operation_may_succeed() {
        let hint = LenHint::default();
        let mut backoff = Backoff::new();
        hint.set(1);
        backoff.snooze_until(|| hint.get() > 0);
        assert_eq!(
            (backoff.burst_shift, backoff.yields),
            (1, 0),
            "one burst, then the caller retries under the lock"
        );
        assert!(!backoff.is_completed());
    }
}
