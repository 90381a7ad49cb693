//! Timeline runs: when each put and get that had to wait was called and returned, and when
//! its worker was woken meanwhile, so that a trace viewer can draw the run.
//!
//! A timeline run is a counted run ([`counting`](super::counting)) that also reads the clock:
//! at every put and get it is called, so that a wait can be drawn from its call, and at every
//! wakeup, where the channel lets it see one. It uses the counted run's own hook points, so
//! its waits and futile wakeups are the very ones the counters count: for a thread on our
//! [`BlockingQueue`](crate::BlockingQueue), each return from the condition variable's `wait`
//! (`crate::queue::futile`); for a task on any channel, each poll after the first. A thread
//! blocked inside another crate's channel is seen waiting, but not woken.
//!
//! The library only collects these times; turning them into a file for a viewer is the
//! tools' job (`prodcons run --trace`), so the library gains no dependency for it.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::counting::{Counter, Counts};
use super::error::Role;
use super::trace::Probe;
use crate::queue::futile::Woke;

/// One put (by a producer) or get (by a consumer) that found the buffer full or empty and had
/// to wait, as a [`Timeline`] keeps it. Times count from the start of the run.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::{Implementation, Params, Role};
///
/// let params = Params::new(50, 2, 1).unwrap();
/// let (_, timeline) = Implementation::Threads.pipeline().run_timeline(&params).unwrap();
/// for wait in &timeline.waits {
///     assert!(wait.called <= wait.returned);
///     assert!(wait.index < 2);
///     let wakeups = wait.wakeups.as_ref().expect("our queue shows its wakeups");
///     assert!(wakeups.iter().all(|w| wait.called <= w.at && w.at <= wait.returned));
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wait {
    /// A producer's put, or a consumer's get.
    pub role: Role,
    /// The worker's index among its role, from 0.
    pub index: usize,
    /// When the put or get was called.
    pub called: Duration,
    /// When it returned.
    pub returned: Duration,
    /// Each time the worker was woken meanwhile, in order; `None` where the channel cannot
    /// tell (a thread blocked inside crossbeam-channel or kanal). A wait that ended by
    /// spinning, without sleeping, has none.
    pub wakeups: Option<Vec<Wakeup>>,
}

/// A waiting worker woken: a thread returning from a condition variable, or a task polled
/// again.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use std::time::Duration;
/// use prodcons::Wakeup;
///
/// let wakeup = Wakeup { at: Duration::from_micros(3), futile: true };
/// assert!(wakeup.futile, "it found the buffer full (or empty) again and waited again");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wakeup {
    /// When, from the start of the run.
    pub at: Duration,
    /// Whether the woken worker found its condition false again and went back to waiting.
    pub futile: bool,
}

/// What a timeline run saw: every wait with its wakeups, and the run's counters, made by
/// [`Pipeline::run_timeline`](crate::Pipeline::run_timeline).
///
/// The waits and futile wakeups it keeps are those its [`counts`](Self::counts) count, up to
/// [`Timeline::MAX_EVENTS`]; [`dropped_waits`](Self::dropped_waits) says how many were
/// counted but not kept.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::{Implementation, Params, Role};
///
/// let params = Params::new(50, 3, 1).unwrap();
/// let (outcome, timeline) = Implementation::Tasks.pipeline().run_timeline(&params).unwrap();
/// assert!(outcome.is_correct());
/// assert_eq!(timeline.dropped_waits, 0);
/// let puts = timeline.waits.iter().filter(|w| w.role == Role::Producer).count() as u64;
/// assert_eq!(puts, timeline.counts.put_waits);
/// assert_eq!(timeline.futile_wakeups(), timeline.counts.futile_wakeups);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeline {
    /// The waits, in the order they ended.
    pub waits: Vec<Wait>,
    /// The run's counters, from the same hooks.
    pub counts: Counts,
    /// From the start of the run until every worker was joined.
    pub elapsed: Duration,
    /// Waits that were counted but not kept, once the timeline held
    /// [`MAX_EVENTS`](Self::MAX_EVENTS) waits and wakeups.
    pub dropped_waits: u64,
}

impl Timeline {
    /// The most waits and wakeups together one timeline keeps, about 100 MB of trace file:
    /// a run past it keeps its first waits and counts the rest in
    /// [`dropped_waits`](Self::dropped_waits).
    ///
    /// ```
    /// assert_eq!(prodcons::Timeline::MAX_EVENTS, 1_000_000);
    /// ```
    pub const MAX_EVENTS: usize = 1_000_000;

    /// The futile wakeups among the kept waits, or `None` if some wait could not tell its
    /// wakeups; equal to [`Counts::futile_wakeups`] when no wait was dropped.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{Params, Timeline};
    /// use prodcons::Implementation;
    ///
    /// let params = Params::new(20, 2, 1).unwrap();
    /// let (_, timeline) = Implementation::TasksMt.pipeline().run_timeline(&params).unwrap();
    /// assert_eq!(timeline.futile_wakeups(), timeline.counts.futile_wakeups);
    /// ```
    pub fn futile_wakeups(&self) -> Option<u64> {
        self.waits.iter().try_fold(0, |sum, wait| {
            let futile = wait.wakeups.as_ref()?.iter().filter(|w| w.futile).count();
            Some(sum + futile as u64)
        })
    }
}

/// The probe of a timeline run: a [`Counter`], and a clock on every wait.
#[derive(Clone, Debug)]
pub(crate) struct TimelineRecorder(Arc<Recording>);

#[derive(Debug)]
struct Recording {
    counter: Counter,
    start: Instant,
    waits: Mutex<Vec<Wait>>,
    /// Waits and wakeups kept so far.
    events: AtomicUsize,
    dropped: AtomicU64,
}

impl TimelineRecorder {
    pub(crate) fn new() -> Self {
        Self(Arc::new(Recording {
            counter: Counter::default(),
            start: Instant::now(),
            waits: Mutex::new(Vec::new()),
            events: AtomicUsize::new(0),
            dropped: AtomicU64::new(0),
        }))
    }

    /// The timeline, once the run has ended and joined every worker.
    pub(crate) fn into_timeline(self) -> Timeline {
        let elapsed = self.0.start.elapsed();
        let waits =
            std::mem::take(&mut *self.0.waits.lock().unwrap_or_else(PoisonError::into_inner));
        Timeline {
            waits,
            counts: self.0.counter.counts(),
            elapsed,
            dropped_waits: self.0.dropped.load(Ordering::Relaxed),
        }
    }

    fn since_start(&self, at: Instant) -> Duration {
        at.saturating_duration_since(self.0.start)
    }
}

impl Probe for TimelineRecorder {
    type Item = u64;
    type Log = ();

    const COUNTS_WAITS: bool = true;
    const TIMES_WAITS: bool = true;

    fn new_log(&self) {}
    fn taken(&self, _log: &mut (), _item: &u64) {}

    fn after_put(&self, held: impl FnOnce() -> usize) {
        self.0.counter.after_put(held);
    }

    fn finished(&self, _index: usize, _log: ()) {}

    fn waited(&self, role: Role) {
        self.0.counter.waited(role);
    }

    fn futile(&self, wakeups: Option<u64>) {
        self.0.counter.futile(wakeups);
    }

    fn wait_ended(&self, role: Role, index: usize, called: Instant, wakeups: Option<Vec<Woke>>) {
        let returned = Instant::now();
        let events = 1 + wakeups.as_ref().map_or(0, Vec::len);
        let kept = self.0.events.fetch_add(events, Ordering::Relaxed) + events;
        if kept > Timeline::MAX_EVENTS {
            self.0.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let wait = Wait {
            role,
            index,
            called: self.since_start(called),
            returned: self.since_start(returned),
            wakeups: wakeups.map(|wakeups| {
                wakeups
                    .iter()
                    .map(|woke| Wakeup {
                        at: self.since_start(woke.at),
                        futile: woke.futile,
                    })
                    .collect()
            }),
        };
        self.0
            .waits
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(wait);
    }
}
