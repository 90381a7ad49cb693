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
//! Spinning pays only while the other side runs at the same time, on another core. Where
//! nothing else can run in parallel, a spinning waiter burns the very time slice the thread it
//! waits for needs. So the spin part is skipped, and the phase goes straight to its yields
//! (which hand the core to that thread), in two cases (`docs/performance.md`, Y):
//!
//! - the process may use only one CPU, by its affinity mask or its cgroup quota, as
//!   [`std::thread::available_parallelism`] reports it once per process ([`one_cpu`]);
//! - on this queue, recent spin parts kept running out of time without the queue changing
//!   ([`SpinGauge`]): the other side is not running, whatever the reason (one core, pinned
//!   threads, other busy processes). The gauge needs no syscall, so it also sees a change of
//!   affinity after the one look at the CPUs.
//!
//! Under loom (and under shuttle, whose schedulers sample the same states) the phase is compiled
//! out: `is_completed` is always true, so a blocked operation makes exactly one attempt under
//! the lock and then waits, and the models explore the same states as without the phase. The
//! gauge and the look at the CPUs go with it.

#[cfg(not(any(loom, shuttle)))]
use std::sync::OnceLock;
// From the shim, so that a `prodcons_yield_points` build makes their loads and stores points
// too; in any other build they are std's own.
#[cfg(not(any(loom, shuttle)))]
use crate::loom::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
#[cfg(not(any(loom, shuttle)))]
use std::time::{Duration, Instant};

/// How long the spin phase lasts, measured on the clock rather than counted in `PAUSE`s: a
/// `PAUSE` takes from about 10 to about 140 cycles depending on the x86 generation, so a count
/// tuned on one CPU spins several times longer or shorter on another. 3 µs is about what
/// crossbeam's 127 spins take on the machine the phase was tuned on (docs/performance.md), and
/// it is well under a park-and-wake round trip (15–37 µs there), which spinning tries to avoid.
#[cfg(not(any(loom, shuttle)))]
const SPIN_FOR: Duration = Duration::from_micros(3);

/// The longest burst of spins between two looks at the clock and at the queue: `2^6` spins.
/// Bursts double from 1 up to this, as in crossbeam's `Backoff`; checking the queue after every
/// spin instead measured slower (docs/performance.md, J). On a CPU with a slow `PAUSE` the last
/// burst overshoots [`SPIN_FOR`] by at most its own length.
#[cfg(not(any(loom, shuttle)))]
const MAX_BURST_SHIFT: u32 = 6;

/// How many times the caller yields its core after spinning, before it parks. A count, not a
/// time: what a yield buys is one turn of the other runnable threads, whatever the CPU.
#[cfg(not(any(loom, shuttle)))]
const YIELDS: u32 = 4;

/// How many spin parts in a row may run out of time on a queue before its waiters stop
/// spinning there. A count of events, not of time or cycles, so it means the same on any CPU;
/// one spin part that catches the queue changing restores the whole allowance.
#[cfg(not(any(loom, shuttle)))]
const SPIN_MISSES_ALLOWED: u32 = 8;

/// While a queue's waiters skip spinning, every this many phases one spins anyway, to notice
/// when spinning pays again (the other side is back on a core of its own).
#[cfg(not(any(loom, shuttle)))]
const PROBE_EVERY: u32 = 8;

/// Whether this process may use only one CPU, looked at once per process: the look costs tens
/// of microseconds (std reads the cgroup's quota files), far too much for every wait, while a
/// cached answer is one load.
///
/// Taken at the first wait that would spin, so a process that narrows its affinity later (the
/// bench's one-core lanes pin the harness thread in-process) keeps the first answer; for those
/// the [`SpinGauge`] still stops the spinning, from what the spins achieve.
#[cfg(not(any(loom, shuttle)))]
fn one_cpu() -> bool {
    static ONE_CPU: OnceLock<bool> = OnceLock::new();
    *ONE_CPU.get_or_init(|| std::thread::available_parallelism().is_ok_and(|cpus| cpus.get() == 1))
}

/// What a queue has learnt about whether its waiters' spinning pays: a trust that each spin
/// part ending in time for the queue's change restores to [`SPIN_MISSES_ALLOWED`] and each one
/// that runs out of time lowers by one. At zero, waiters skip the spin part (and yield at once),
/// but one phase in [`PROBE_EVERY`] spins anyway to see whether it pays again.
///
/// One word, read and written with relaxed loads and stores rather than read-modify-writes, so
/// that a hundred waiters do not serialize on it: a lost update only shifts one decision about
/// how to wait, never what the queue does.
#[derive(Debug)]
pub(crate) struct SpinGauge {
    #[cfg(not(any(loom, shuttle)))]
    state: AtomicU32,
}

impl Default for SpinGauge {
    /// Starts trusting the spin fully, as the phase behaved before the gauge existed.
    fn default() -> Self {
        Self {
            #[cfg(not(any(loom, shuttle)))]
            state: AtomicU32::new(GaugeState::TRUSTING.pack()),
        }
    }
}

/// The gauge's state, unpacked: its trust, and the phases skipped since the last spin.
#[cfg(not(any(loom, shuttle)))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct GaugeState {
    trust: u32,
    skipped: u32,
}

#[cfg(not(any(loom, shuttle)))]
impl GaugeState {
    const TRUSTING: Self = Self {
        trust: SPIN_MISSES_ALLOWED,
        skipped: 0,
    };

    fn pack(self) -> u32 {
        self.trust | self.skipped << 16
    }

    fn unpack(word: u32) -> Self {
        Self {
            trust: word & 0xffff,
            skipped: word >> 16,
        }
    }

    /// Whether the next phase spins: while trusted, or as the probe after enough skips.
    fn spins(self) -> bool {
        self.trust > 0 || self.skipped + 1 >= PROBE_EVERY
    }

    /// After a phase that skipped its spin part.
    fn skipped(self) -> Self {
        Self {
            skipped: self.skipped + 1,
            ..self
        }
    }

    /// After a spin part that caught the queue changing (`paid`) or ran out of time.
    fn spun(self, paid: bool) -> Self {
        Self {
            trust: if paid {
                SPIN_MISSES_ALLOWED
            } else {
                self.trust.saturating_sub(1)
            },
            skipped: 0,
        }
    }
}

#[cfg(not(any(loom, shuttle)))]
impl SpinGauge {
    fn load(&self) -> GaugeState {
        GaugeState::unpack(self.state.load(Ordering::Relaxed))
    }

    fn store(&self, state: GaugeState) {
        self.state.store(state.pack(), Ordering::Relaxed);
    }

    /// Whether a phase starting now should spin; a phase told not to counts as skipped.
    fn start_phase(&self) -> bool {
        let state = self.load();
        if state.spins() {
            return true;
        }
        self.store(state.skipped());
        false
    }

    /// Records how a spin part ended.
    fn spin_ended(&self, paid: bool) {
        self.store(self.load().spun(paid));
    }
}

/// Where a phase is.
#[cfg(not(any(loom, shuttle)))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Stage {
    /// Not started: whether to spin is decided at the first snooze, so the uncontended path
    /// never looks at the gauge.
    #[default]
    Unstarted,
    /// Spinning since this instant.
    Spinning(Instant),
    /// Yielding, after spinning or instead of it.
    Yielding,
}

/// A bounded spin-then-yield phase: spins for [`SPIN_FOR`] by the clock, then yields
/// [`YIELDS`] times. The spin part is skipped where it cannot pay (module docs).
#[derive(Debug, Default)]
pub(crate) struct Backoff {
    /// Where the phase is; the clock is read only once a thread has to wait, so the
    /// uncontended path never reads it.
    #[cfg(not(any(loom, shuttle)))]
    stage: Stage,
    /// The next burst spins `2^burst_shift` times.
    #[cfg(not(any(loom, shuttle)))]
    burst_shift: u32,
    #[cfg(not(any(loom, shuttle)))]
    yields: u32,
    /// Whether the gauge has heard how this phase's spin part ended.
    #[cfg(not(any(loom, shuttle)))]
    gauge_told: bool,
}

impl Backoff {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Whether the phase is over and the caller should park.
    #[cfg(not(any(loom, shuttle)))]
    pub(crate) fn is_completed(&self) -> bool {
        self.yields >= YIELDS
    }

    /// Under loom there is no phase: park at once.
    #[cfg(any(loom, shuttle))]
    pub(crate) fn is_completed(&self) -> bool {
        true
    }

    /// Spins or yields, a burst or a yield at a time, until `ready` says the operation may now
    /// succeed or the phase is over. Called without the lock, so that waiting threads leave it
    /// free for the threads that make progress. `gauge` is the queue's record of whether
    /// spinning pays; the phase reads it when it starts and tells it how its spin part ended.
    #[cfg(not(any(loom, shuttle)))]
    pub(crate) fn snooze_until(&mut self, gauge: &SpinGauge, ready: impl Fn() -> bool) {
        if self.stage == Stage::Unstarted {
            self.stage = if !one_cpu() && gauge.start_phase() {
                Stage::Spinning(Instant::now())
            } else {
                Stage::Yielding
            };
        }
        while !self.is_completed() {
            match self.stage {
                Stage::Spinning(started) => {
                    for _ in 0..1u32 << self.burst_shift {
                        std::hint::spin_loop();
                    }
                    self.burst_shift = (self.burst_shift + 1).min(MAX_BURST_SHIFT);
                    if ready() {
                        // Paid: the caller retries under the lock. Should it find the queue
                        // changed back, the phase goes on spinning where it was, without
                        // telling the gauge twice.
                        self.tell(gauge, true);
                        return;
                    }
                    if started.elapsed() >= SPIN_FOR {
                        self.tell(gauge, false);
                        self.stage = Stage::Yielding;
                    }
                    continue;
                }
                Stage::Yielding | Stage::Unstarted => {
                    std::thread::yield_now();
                    self.yields += 1;
                }
            }
            if ready() {
                return;
            }
        }
    }

    /// Tells the gauge how the spin part ended, once per phase.
    #[cfg(not(any(loom, shuttle)))]
    fn tell(&mut self, gauge: &SpinGauge, paid: bool) {
        if !self.gauge_told {
            self.gauge_told = true;
            gauge.spin_ended(paid);
        }
    }

    /// Under loom the phase is always over, so there is nothing to wait for.
    #[cfg(any(loom, shuttle))]
    pub(crate) fn snooze_until(&mut self, _gauge: &SpinGauge, _ready: impl Fn() -> bool) {}
}

/// The queue's length as of the last `put` or `get`, readable without the lock.
///
/// Only a hint for the backoff phase: every decision is made again under the lock. Under loom
/// it is compiled out, so that it adds no atomic operations for the models to interleave.
#[derive(Debug, Default)]
pub(crate) struct LenHint {
    #[cfg(not(any(loom, shuttle)))]
    len: AtomicUsize,
}

impl LenHint {
    /// Records the length; call under the queue's lock after changing it.
    #[cfg_attr(any(loom, shuttle), allow(unused_variables))]
    pub(crate) fn set(&self, len: usize) {
        // Relaxed: a stale value costs one extra trip to the lock, never a wrong answer.
        #[cfg(not(any(loom, shuttle)))]
        self.len.store(len, Ordering::Relaxed);
    }

    /// The last recorded length.
    #[cfg(not(any(loom, shuttle)))]
    pub(crate) fn get(&self) -> usize {
        self.len.load(Ordering::Relaxed)
    }

    /// Under loom nothing is recorded; the backoff phase that reads the hint never runs.
    #[cfg(any(loom, shuttle))]
    pub(crate) fn get(&self) -> usize {
        0
    }
}

#[cfg(all(test, not(any(loom, shuttle))))]
mod tests {
    use std::time::Instant;

    use super::{
        Backoff, GaugeState, LenHint, PROBE_EVERY, SPIN_FOR, SPIN_MISSES_ALLOWED, SpinGauge, Stage,
        YIELDS, one_cpu,
    };

    #[test]
    fn the_phase_ends_on_its_own_when_nothing_changes() {
        let gauge = SpinGauge::default();
        let mut backoff = Backoff::new();
        assert!(!backoff.is_completed());
        let before = Instant::now();
        backoff.snooze_until(&gauge, || false);
        assert!(backoff.is_completed(), "bounded: the caller parks next");
        assert_eq!(backoff.yields, YIELDS);
        if !one_cpu() {
            assert!(
                before.elapsed() >= SPIN_FOR,
                "the spin phase lasts its time, however fast a spin is"
            );
            assert_eq!(
                gauge.load().trust,
                SPIN_MISSES_ALLOWED - 1,
                "a spin part that ran out of time"
            );
        }
    }

    #[test]
    fn the_phase_stops_as_soon_as_the_operation_may_succeed() {
        let hint = LenHint::default();
        let gauge = SpinGauge::default();
        let mut backoff = Backoff::new();
        hint.set(1);
        backoff.snooze_until(&gauge, || hint.get() > 0);
        let expected = if one_cpu() { (0, 1) } else { (1, 0) };
        assert_eq!(
            (backoff.burst_shift, backoff.yields),
            expected,
            "one burst (or one yield, on one CPU), then the caller retries under the lock"
        );
        assert!(!backoff.is_completed());
    }

    /// A gauge that trusts nothing: every phase skips its spin part, so it yields at once.
    #[test]
    fn a_distrusted_queue_yields_without_spinning() {
        let gauge = SpinGauge::default();
        gauge.store(GaugeState {
            trust: 0,
            skipped: 0,
        });
        let mut backoff = Backoff::new();
        backoff.snooze_until(&gauge, || false);
        assert_eq!((backoff.burst_shift, backoff.yields), (0, YIELDS));
        assert_eq!(backoff.stage, Stage::Yielding);
        assert_eq!(gauge.load().skipped, 1, "counted towards the next probe");
    }

    /// Told twice in one phase (paid, then retried and ran out), the gauge hears only the first.
    #[test]
    fn a_phase_tells_the_gauge_once() {
        let gauge = SpinGauge::default();
        gauge.store(GaugeState {
            trust: 1,
            skipped: 0,
        });
        let mut backoff = Backoff::new();
        backoff.tell(&gauge, true);
        backoff.tell(&gauge, false);
        assert_eq!(gauge.load(), GaugeState::TRUSTING);
    }

    /// The gauge's rule, step by step: misses in a row use up the trust, then phases skip the
    /// spin part with one probe in `PROBE_EVERY`; a probe that pays restores full trust, one
    /// that misses keeps skipping.
    #[test]
    fn the_gauge_stops_spinning_after_misses_and_probes_to_resume() {
        let mut state = GaugeState::TRUSTING;
        for _ in 0..SPIN_MISSES_ALLOWED {
            assert!(state.spins());
            state = state.spun(false);
        }
        assert_eq!(state.trust, 0);
        for round in 0..2 {
            for _ in 0..PROBE_EVERY - 1 {
                assert!(!state.spins(), "skipping, round {round}");
                state = state.skipped();
            }
            assert!(state.spins(), "the probe, round {round}");
            state = state.spun(false);
            assert_eq!(
                state,
                GaugeState {
                    trust: 0,
                    skipped: 0
                },
                "a probe that misses"
            );
        }
        for _ in 0..PROBE_EVERY - 1 {
            state = state.skipped();
        }
        assert!(state.spins());
        assert_eq!(state.spun(true), GaugeState::TRUSTING, "a probe that pays");
    }

    /// One paying spin part in every `SPIN_MISSES_ALLOWED` keeps the spinning on: spinning
    /// stops only where it almost never pays.
    #[test]
    fn occasional_success_keeps_the_gauge_trusting() {
        let mut state = GaugeState::TRUSTING;
        for _ in 0..100 {
            for _ in 0..SPIN_MISSES_ALLOWED - 1 {
                state = state.spun(false);
            }
            assert!(state.spins());
            state = state.spun(true);
        }
        assert_eq!(state, GaugeState::TRUSTING);
    }

    #[test]
    fn the_gauge_packs_into_one_word() {
        for state in [
            GaugeState::TRUSTING,
            GaugeState {
                trust: 0,
                skipped: PROBE_EVERY - 1,
            },
        ] {
            assert_eq!(GaugeState::unpack(state.pack()), state);
        }
    }
}
