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
//!   ([`WaitGauge`]): the other side is not running, whatever the reason (one core, pinned
//!   threads, other busy processes). The gauge needs no syscall, so it also sees a change of
//!   affinity after the one look at the CPUs.
//!
//! Yielding pays only while the threads that the core goes to are the queue's own, which soon
//! wait or hand it back. A yield that gives the core to a thread that never blocks (another
//! process, a busy thread) comes back only after that thread's whole time slice, milliseconds;
//! parking instead lets the kernel run the waiter as soon as it is woken. So the yields are
//! skipped too, and the caller parks at once, while the queue's recent yields were slow
//! ([`WaitGauge`]; `docs/performance.md`, Y: with two busy threads beside W, the yields made
//! `threads` twice as slow as `crossbeam`).
//!
//! Under loom the phase is compiled out: `is_completed` is always true, so a blocked operation
//! makes exactly one attempt under the lock and then waits, and the models explore the same
//! states as without the phase. The gauge and the look at the CPUs go with it.

#[cfg(not(loom))]
use std::sync::OnceLock;
#[cfg(not(loom))]
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
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

/// How many spin parts in a row may run out of time on a queue before its waiters stop
/// spinning there. A count of events, not of time or cycles, so it means the same on any CPU;
/// one spin part that catches the queue changing restores the whole allowance.
#[cfg(not(loom))]
const SPIN_MISSES_ALLOWED: u32 = 8;

/// While a queue's waiters skip spinning (or yielding), every this many phases one spins (or
/// yields) anyway, to notice when it pays again (the other side is back on a core of its own).
#[cfg(not(loom))]
const PROBE_EVERY: u32 = 8;

/// A yield that kept the caller off its core this long handed the core to a thread that ran
/// out a whole time slice: a thread that never blocks, not one of the queue's, which would
/// have handed it back at its next wait. The kernel's slices are milliseconds (Linux's EEVDF
/// grants at least 0.75 ms, enforced at the next tick; 2–4 ms were measured here), while a
/// yield among the queue's own threads returns in microseconds, or under 0.5 ms for 99% of the
/// yields with a hundred of them on one core (docs/performance.md, Y). A property of the
/// scheduler, not of the CPU's speed.
#[cfg(not(loom))]
const SLOW_YIELD: Duration = Duration::from_millis(1);

/// While a queue's waiters skip yielding, every this many phases one yields anyway. Rarer than
/// the spin's probe: a slow yield costs a whole time slice, milliseconds, where a spin part
/// that misses costs [`SPIN_FOR`].
#[cfg(not(loom))]
const YIELD_PROBE_EVERY: u32 = 64;

/// The most trust the queue's yields can earn: each quick yield adds one, up to this, and one
/// slow yield takes it all. A slow yield costs a time slice, milliseconds, and a quick one
/// saves a park and a wakeup, microseconds, so one slow yield outweighs hundreds of quick ones.
#[cfg(not(loom))]
const YIELD_TRUST: u32 = 8;

/// Whether this process may use only one CPU, looked at once per process: the look costs tens
/// of microseconds (std reads the cgroup's quota files), far too much for every wait, while a
/// cached answer is one load.
///
/// Taken at the first wait that would spin, so a process that narrows its affinity later (the
/// bench's one-core lanes pin the harness thread in-process) keeps the first answer; for those
/// the [`WaitGauge`] still stops the spinning, from what the spins achieve.
#[cfg(not(loom))]
fn one_cpu() -> bool {
    static ONE_CPU: OnceLock<bool> = OnceLock::new();
    *ONE_CPU.get_or_init(|| std::thread::available_parallelism().is_ok_and(|cpus| cpus.get() == 1))
}

/// What a queue has learnt about whether its waiters' spinning and yielding pay: two trusts,
/// one per part of the phase, each in one word. At zero trust, waiters skip that part, but one
/// phase in [`PROBE_EVERY`] tries it anyway to see whether it pays again.
///
/// - The spin part: each spin part that ends in time for the queue's change restores the trust
///   to [`SPIN_MISSES_ALLOWED`], and each one that runs out of time lowers it by one.
/// - The yields: each yield that gives the core back quickly adds one, up to [`YIELD_TRUST`];
///   one [`SLOW_YIELD`] takes it all. A slow yield gave the core to a thread that does not
///   block (another process, a busy thread), which then ran out its whole time slice; parking
///   instead lets the kernel run the waiter as soon as it is woken. Its probe comes every
///   [`YIELD_PROBE_EVERY`] phases.
///
/// Each word is read and written with relaxed loads and stores rather than read-modify-writes,
/// so that a hundred waiters do not serialize on it: a lost update only shifts one decision
/// about how to wait, never what the queue does.
#[derive(Debug)]
pub(crate) struct WaitGauge {
    #[cfg(not(loom))]
    spin: AtomicU32,
    #[cfg(not(loom))]
    yields: AtomicU32,
}

impl Default for WaitGauge {
    /// Starts trusting both parts fully, as the phase behaved before the gauge existed.
    fn default() -> Self {
        Self {
            #[cfg(not(loom))]
            spin: AtomicU32::new(GaugeState::trusting(SPIN_MISSES_ALLOWED).pack()),
            #[cfg(not(loom))]
            yields: AtomicU32::new(GaugeState::trusting(YIELD_TRUST).pack()),
        }
    }
}

/// One part's state, unpacked: its trust, and the phases that skipped the part since it last
/// ran.
#[cfg(not(loom))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct GaugeState {
    trust: u32,
    skipped: u32,
}

#[cfg(not(loom))]
impl GaugeState {
    const fn trusting(trust: u32) -> Self {
        Self { trust, skipped: 0 }
    }

    fn pack(self) -> u32 {
        self.trust | self.skipped << 16
    }

    fn unpack(word: u32) -> Self {
        Self {
            trust: word & 0xffff,
            skipped: word >> 16,
        }
    }

    /// Whether the next phase runs the part: while trusted, or as the probe after
    /// `probe_every - 1` skips.
    fn runs(self, probe_every: u32) -> bool {
        self.trust > 0 || self.skipped + 1 >= probe_every
    }

    /// After a phase that skipped the part.
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

    /// After a yield that gave the core back quickly, or only after [`SLOW_YIELD`].
    fn yielded(self, quick: bool) -> Self {
        Self {
            trust: if quick {
                (self.trust + 1).min(YIELD_TRUST)
            } else {
                0
            },
            skipped: 0,
        }
    }
}

#[cfg(not(loom))]
impl WaitGauge {
    fn load(word: &AtomicU32) -> GaugeState {
        GaugeState::unpack(word.load(Ordering::Relaxed))
    }

    fn store(word: &AtomicU32, state: GaugeState) {
        word.store(state.pack(), Ordering::Relaxed);
    }

    /// Whether a part starting now should run; a part told not to counts as skipped.
    fn start(word: &AtomicU32, probe_every: u32) -> bool {
        let state = Self::load(word);
        if state.runs(probe_every) {
            return true;
        }
        Self::store(word, state.skipped());
        false
    }

    /// Whether a phase starting now should spin.
    fn start_spin(&self) -> bool {
        Self::start(&self.spin, PROBE_EVERY)
    }

    /// Whether a phase that is done spinning should yield, rather than have its caller park.
    fn start_yields(&self) -> bool {
        Self::start(&self.yields, YIELD_PROBE_EVERY)
    }

    /// Records how a spin part ended.
    fn spin_ended(&self, paid: bool) {
        Self::store(&self.spin, Self::load(&self.spin).spun(paid));
    }

    /// Records how long a yield kept the caller off its core.
    fn yield_ended(&self, off_core: Duration) {
        let quick = off_core < SLOW_YIELD;
        Self::store(&self.yields, Self::load(&self.yields).yielded(quick));
    }
}

/// Where a phase is.
#[cfg(not(loom))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Stage {
    /// Not started: whether to spin is decided at the first snooze, so the uncontended path
    /// never looks at the gauge.
    #[default]
    Unstarted,
    /// Spinning since this instant.
    Spinning(Instant),
    /// Yielding, after spinning or instead of it; the clock as the last yield began or ended.
    Yielding(Instant),
}

/// A bounded spin-then-yield phase: spins for [`SPIN_FOR`] by the clock, then yields
/// [`YIELDS`] times. Either part is skipped where it cannot pay (module docs).
#[derive(Debug, Default)]
pub(crate) struct Backoff {
    /// Where the phase is; the clock is read only once a thread has to wait, so the
    /// uncontended path never reads it.
    #[cfg(not(loom))]
    stage: Stage,
    /// The next burst spins `2^burst_shift` times.
    #[cfg(not(loom))]
    burst_shift: u32,
    #[cfg(not(loom))]
    yields: u32,
    /// Whether the gauge has heard how this phase's spin part ended.
    #[cfg(not(loom))]
    gauge_told: bool,
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
    /// free for the threads that make progress. `gauge` is the queue's record of whether
    /// spinning and yielding pay; the phase reads it as each part starts and tells it how the
    /// part went.
    #[cfg(not(loom))]
    pub(crate) fn snooze_until(&mut self, gauge: &WaitGauge, ready: impl Fn() -> bool) {
        if self.stage == Stage::Unstarted {
            if !one_cpu() && gauge.start_spin() {
                self.stage = Stage::Spinning(Instant::now());
            } else {
                self.start_yielding(gauge);
            }
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
                        self.start_yielding(gauge);
                    }
                    continue;
                }
                Stage::Yielding(yielded_at) => {
                    std::thread::yield_now();
                    // One clock read per yield, tens of nanoseconds against the yield's
                    // syscall; the time between yields is a look at the hint, too short to
                    // matter.
                    let now = Instant::now();
                    gauge.yield_ended(now - yielded_at);
                    self.stage = Stage::Yielding(now);
                    self.yields += 1;
                }
                // Set above; should a phase ever get here unstarted, it starts on its yields.
                Stage::Unstarted => {
                    self.start_yielding(gauge);
                    continue;
                }
            }
            if ready() {
                return;
            }
        }
    }

    /// Moves on to the yields, or, where the gauge says they stopped paying, ends the phase so
    /// that the caller parks.
    #[cfg(not(loom))]
    fn start_yielding(&mut self, gauge: &WaitGauge) {
        self.stage = Stage::Yielding(Instant::now());
        if !gauge.start_yields() {
            self.yields = YIELDS;
        }
    }

    /// Tells the gauge how the spin part ended, once per phase.
    #[cfg(not(loom))]
    fn tell(&mut self, gauge: &WaitGauge, paid: bool) {
        if !self.gauge_told {
            self.gauge_told = true;
            gauge.spin_ended(paid);
        }
    }

    /// Under loom the phase is always over, so there is nothing to wait for.
    #[cfg(loom)]
    pub(crate) fn snooze_until(&mut self, _gauge: &WaitGauge, _ready: impl Fn() -> bool) {}
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

    use super::{
        Backoff, GaugeState, LenHint, PROBE_EVERY, SLOW_YIELD, SPIN_FOR, SPIN_MISSES_ALLOWED,
        Stage, WaitGauge, YIELD_PROBE_EVERY, YIELD_TRUST, YIELDS, one_cpu,
    };

    #[test]
    fn the_phase_ends_on_its_own_when_nothing_changes() {
        let gauge = WaitGauge::default();
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
                WaitGauge::load(&gauge.spin).trust,
                SPIN_MISSES_ALLOWED - 1,
                "a spin part that ran out of time"
            );
        }
    }

    #[test]
    fn the_phase_stops_as_soon_as_the_operation_may_succeed() {
        let hint = LenHint::default();
        let gauge = WaitGauge::default();
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

    /// A gauge that trusts no spinning: every phase skips its spin part, so it yields at once.
    #[test]
    fn a_distrusted_queue_yields_without_spinning() {
        let gauge = WaitGauge::default();
        WaitGauge::store(&gauge.spin, GaugeState::trusting(0));
        let mut backoff = Backoff::new();
        backoff.snooze_until(&gauge, || false);
        assert_eq!((backoff.burst_shift, backoff.yields), (0, YIELDS));
        assert!(matches!(backoff.stage, Stage::Yielding(_)));
        assert_eq!(
            WaitGauge::load(&gauge.spin).skipped,
            1,
            "counted towards the next probe"
        );
    }

    /// A gauge that trusts neither part: the phase is over at once, without a spin or a yield,
    /// so the caller parks.
    #[test]
    fn a_queue_whose_yields_were_slow_parks_at_once() {
        let gauge = WaitGauge::default();
        WaitGauge::store(&gauge.spin, GaugeState::trusting(0));
        WaitGauge::store(&gauge.yields, GaugeState::trusting(0));
        let mut backoff = Backoff::new();
        assert!(!backoff.is_completed());
        backoff.snooze_until(&gauge, || false);
        assert!(backoff.is_completed(), "the caller parks next");
        assert_eq!(backoff.burst_shift, 0, "no spin");
        assert_eq!(
            WaitGauge::load(&gauge.yields),
            GaugeState {
                trust: 0,
                skipped: 1
            },
            "no yield either: the skip is counted towards the next probe"
        );
    }

    /// How long a yield kept the caller off its core decides what the gauge learns from it.
    #[test]
    fn the_gauge_judges_a_yield_by_its_time_off_the_core() {
        let gauge = WaitGauge::default();
        gauge.yield_ended(SLOW_YIELD / 100);
        assert_eq!(
            WaitGauge::load(&gauge.yields),
            GaugeState::trusting(YIELD_TRUST),
            "a quick yield keeps full trust"
        );
        gauge.yield_ended(SLOW_YIELD);
        assert_eq!(
            WaitGauge::load(&gauge.yields).trust,
            0,
            "a slow one ends it"
        );
        gauge.yield_ended(SLOW_YIELD / 100);
        assert_eq!(
            WaitGauge::load(&gauge.yields).trust,
            1,
            "a quick one earns one back"
        );
    }

    /// The yields' rule, step by step: one slow yield uses up the trust; then phases park
    /// without yielding, with one probe in `YIELD_PROBE_EVERY`; a quick probe gives back one
    /// unit of trust, and quick yields build it back one at a time.
    #[test]
    fn a_slow_yield_stops_the_yields_until_a_quick_probe() {
        let state = GaugeState::trusting(YIELD_TRUST).yielded(false);
        assert_eq!(state.trust, 0);
        let mut state = state;
        for _ in 0..YIELD_PROBE_EVERY - 1 {
            assert!(!state.runs(YIELD_PROBE_EVERY));
            state = state.skipped();
        }
        assert!(state.runs(YIELD_PROBE_EVERY), "the probe");
        let mut state = state.yielded(true);
        assert_eq!(state, GaugeState::trusting(1));
        for _ in 0..2 * YIELD_TRUST {
            state = state.yielded(true);
        }
        assert_eq!(state, GaugeState::trusting(YIELD_TRUST), "capped");
    }

    /// Told twice in one phase (paid, then retried and ran out), the gauge hears only the first.
    #[test]
    fn a_phase_tells_the_gauge_once() {
        let gauge = WaitGauge::default();
        WaitGauge::store(&gauge.spin, GaugeState::trusting(1));
        let mut backoff = Backoff::new();
        backoff.tell(&gauge, true);
        backoff.tell(&gauge, false);
        assert_eq!(
            WaitGauge::load(&gauge.spin),
            GaugeState::trusting(SPIN_MISSES_ALLOWED)
        );
    }

    /// The gauge's rule, step by step: misses in a row use up the trust, then phases skip the
    /// spin part with one probe in `PROBE_EVERY`; a probe that pays restores full trust, one
    /// that misses keeps skipping.
    #[test]
    fn the_gauge_stops_spinning_after_misses_and_probes_to_resume() {
        let mut state = GaugeState::trusting(SPIN_MISSES_ALLOWED);
        for _ in 0..SPIN_MISSES_ALLOWED {
            assert!(state.runs(PROBE_EVERY));
            state = state.spun(false);
        }
        assert_eq!(state.trust, 0);
        for round in 0..2 {
            for _ in 0..PROBE_EVERY - 1 {
                assert!(!state.runs(PROBE_EVERY), "skipping, round {round}");
                state = state.skipped();
            }
            assert!(state.runs(PROBE_EVERY), "the probe, round {round}");
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
        assert!(state.runs(PROBE_EVERY));
        assert_eq!(
            state.spun(true),
            GaugeState::trusting(SPIN_MISSES_ALLOWED),
            "a probe that pays"
        );
    }

    /// One paying spin part in every `SPIN_MISSES_ALLOWED` keeps the spinning on: spinning
    /// stops only where it almost never pays.
    #[test]
    fn occasional_success_keeps_the_gauge_trusting() {
        let mut state = GaugeState::trusting(SPIN_MISSES_ALLOWED);
        for _ in 0..100 {
            for _ in 0..SPIN_MISSES_ALLOWED - 1 {
                state = state.spun(false);
            }
            assert!(state.runs(PROBE_EVERY));
            state = state.spun(true);
        }
        assert_eq!(state, GaugeState::trusting(SPIN_MISSES_ALLOWED));
    }

    #[test]
    fn the_gauge_packs_into_one_word() {
        for state in [
            GaugeState::trusting(SPIN_MISSES_ALLOWED),
            GaugeState {
                trust: 0,
                skipped: PROBE_EVERY - 1,
            },
        ] {
            assert_eq!(GaugeState::unpack(state.pack()), state);
        }
    }
}
