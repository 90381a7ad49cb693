//! Counted runs: how often the buffer made a worker wait, and how full it got.
//!
//! The report explains its times with these counts, so they are taken in a pass of their own
//! and never in a timed run. Counting makes every put and get try first without waiting, and
//! samples the buffer's length after every put. Both cost time, and a timed run does neither.
//! A timeline run ([`timeline`](super::timeline)) goes through the same hooks, and also reads
//! the clock at each call and each wakeup; the checks that pick a path are constants of the
//! probe, so an ordinary run compiles to the plain `put` and `get`.

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

use super::channel::{AsyncReceiver, AsyncSender, Closed, Receiver, Sender};
use super::error::Role;
use super::trace::Probe;
use crate::queue::futile::{self, Woke};

// Like the trace's bookkeeping, the counters use std's atomics even in a loom build: they
// observe the model rather than take part in it.

/// What a counted run saw of its buffer, made by
/// [`Pipeline::run_counted`](crate::Pipeline::run_counted).
///
/// A *wait* is a `put` that found the buffer full, or a `get` that found it empty, so that it
/// could not complete at once. It then parked its thread, or returned `Pending` to its
/// executor, at least once. The count is the same for every implementation, because each
/// counted put and get first tries without waiting.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::{Implementation, Params};
///
/// // At capacity 0, in the assignment's order, tasks on one thread queue every item first.
/// let params = Params::new(100, 4, 0).unwrap();
/// let (outcome, counts) = Implementation::Tasks.pipeline().run_counted(&params).unwrap();
/// assert!(outcome.is_correct());
/// assert_eq!(counts.peak_len, 400);
/// assert_eq!(counts.put_waits, 0, "an unbounded buffer is never full");
/// assert_eq!(counts.waits_per_item(&params), 0.0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Puts that found the buffer full.
    pub put_waits: u64,
    /// Gets that found the buffer empty.
    pub get_waits: u64,
    /// The most items the buffer was seen to hold, sampled after every put.
    pub peak_len: usize,
    /// Wakeups after which the woken worker found the buffer full (or empty) again and waited
    /// again: asyncio's woken putter that a running producer beat to the free slot. `None`
    /// where the channel cannot tell, as with a thread blocked inside crossbeam-channel.
    pub futile_wakeups: Option<u64>,
}

impl Counts {
    /// Waits of both kinds per item moved: 0 when nothing ever waited, 2 when every put and
    /// every get did.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{Counts, Params};
    ///
    /// let params = Params::new(10, 2, 1).unwrap();
    /// let counts = Counts { put_waits: 15, get_waits: 5, peak_len: 1, futile_wakeups: Some(0) };
    /// assert_eq!(counts.waits_per_item(&params), 1.0);
    /// let nothing = Params::new(0, 2, 1).unwrap();
    /// assert_eq!(counts.waits_per_item(&nothing), 0.0);
    /// ```
    pub fn waits_per_item(&self, params: &super::Params) -> f64 {
        let items = params.total_items();
        if items == 0 {
            return 0.0;
        }
        (self.put_waits + self.get_waits) as f64 / items as f64
    }
}

/// The probe of a counted run: plain `u64` items, and shared counters.
#[derive(Clone, Debug, Default)]
pub(crate) struct Counter(Arc<Counters>);

#[derive(Debug, Default)]
struct Counters {
    put_waits: AtomicU64,
    get_waits: AtomicU64,
    most_held: AtomicUsize,
    futile_wakeups: AtomicU64,
    /// Whether every counted wait could tell its futile wakeups.
    futile_unknown: AtomicBool,
}

impl Counter {
    pub(crate) fn counts(&self) -> Counts {
        Counts {
            put_waits: self.0.put_waits.load(Ordering::Relaxed),
            get_waits: self.0.get_waits.load(Ordering::Relaxed),
            peak_len: self.0.most_held.load(Ordering::Relaxed),
            futile_wakeups: if self.0.futile_unknown.load(Ordering::Relaxed) {
                None
            } else {
                Some(self.0.futile_wakeups.load(Ordering::Relaxed))
            },
        }
    }
}

impl Probe for Counter {
    type Item = u64;
    type Log = ();

    const COUNTS_WAITS: bool = true;

    fn new_log(&self) {}
    fn taken(&self, _log: &mut (), _item: &u64) {}

    fn after_put(&self, held: impl FnOnce() -> usize) {
        self.0.most_held.fetch_max(held(), Ordering::Relaxed);
    }

    fn finished(&self, _index: usize, _log: ()) {}

    fn waited(&self, role: Role) {
        let counter = match role {
            Role::Producer => &self.0.put_waits,
            Role::Consumer => &self.0.get_waits,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    fn futile(&self, wakeups: Option<u64>) {
        match wakeups {
            Some(wakeups) => self.0.futile_wakeups.fetch_add(wakeups, Ordering::Relaxed),
            None => u64::from(self.0.futile_unknown.swap(true, Ordering::Relaxed)),
        };
    }
}

/// A thread's put, tried first without waiting when the probe counts waits.
pub(crate) fn put<P: Probe>(
    probe: &P,
    index: usize,
    buffer: &impl Sender<P::Item>,
    item: P::Item,
) -> Result<(), Closed> {
    if !P::COUNTS_WAITS && !P::TIMES_WAITS {
        return buffer.put(item);
    }
    let called = P::TIMES_WAITS.then(Instant::now);
    match buffer.try_put(item)? {
        Ok(()) => Ok(()),
        Err(item) => {
            probe.waited(Role::Producer);
            let waited = WaitOnThread::begin::<P>(buffer.futile_wakeups_here());
            let put = buffer.put(item);
            waited.end(
                probe,
                Role::Producer,
                index,
                called,
                buffer.futile_wakeups_here(),
            );
            put
        }
    }
}

/// A thread's get, tried first without waiting when the probe counts waits.
pub(crate) fn get<P: Probe>(
    probe: &P,
    index: usize,
    buffer: &impl Receiver<P::Item>,
) -> Result<P::Item, Closed> {
    if !P::COUNTS_WAITS && !P::TIMES_WAITS {
        return buffer.get();
    }
    let called = P::TIMES_WAITS.then(Instant::now);
    if let Some(item) = buffer.try_get()? {
        return Ok(item);
    }
    probe.waited(Role::Consumer);
    let waited = WaitOnThread::begin::<P>(buffer.futile_wakeups_here());
    let got = buffer.get();
    waited.end(
        probe,
        Role::Consumer,
        index,
        called,
        buffer.futile_wakeups_here(),
    );
    got
}

/// One blocking call that had to wait, seen from its thread: the thread's futile wakeups
/// before it, and, for a probe that times waits, this thread's wakeup log turned on.
struct WaitOnThread {
    futile_before: Option<u64>,
}

impl WaitOnThread {
    fn begin<P: Probe>(futile_before: Option<u64>) -> Self {
        // Only a channel that counts futile wakeups in `crate::queue::futile` (ours) also
        // logs each wakeup there; for any other the log would stay empty and say nothing.
        if P::TIMES_WAITS && futile_before.is_some() {
            futile::start_log();
        }
        Self { futile_before }
    }

    fn end<P: Probe>(
        self,
        probe: &P,
        role: Role,
        index: usize,
        called: Option<Instant>,
        futile_after: Option<u64>,
    ) {
        probe.futile(futile_since(self.futile_before, futile_after));
        if let Some(called) = called {
            let wakeups = self.futile_before.map(|_| futile::take_log());
            probe.wait_ended(role, index, called, wakeups);
        }
    }
}

/// The futile wakeups between two readings of a thread's count, if the channel keeps one.
fn futile_since(before: Option<u64>, after: Option<u64>) -> Option<u64> {
    Some(after?.saturating_sub(before?))
}

/// A task's put, tried first without waiting when the probe counts waits.
pub(crate) async fn put_async<P: Probe>(
    probe: &P,
    index: usize,
    buffer: &impl AsyncSender<P::Item>,
    item: P::Item,
) -> Result<(), Closed> {
    if !P::COUNTS_WAITS && !P::TIMES_WAITS {
        return buffer.put(item).await;
    }
    let called = P::TIMES_WAITS.then(Instant::now);
    match buffer.try_put(item)? {
        Ok(()) => Ok(()),
        Err(item) => {
            probe.waited(Role::Producer);
            let (put, wakeups) = counting_futile_polls(probe, buffer.put(item)).await;
            if let Some(called) = called {
                probe.wait_ended(Role::Producer, index, called, Some(wakeups));
            }
            put
        }
    }
}

/// A task's get, tried first without waiting when the probe counts waits.
pub(crate) async fn get_async<P: Probe>(
    probe: &P,
    index: usize,
    buffer: &impl AsyncReceiver<P::Item>,
) -> Result<P::Item, Closed> {
    if !P::COUNTS_WAITS && !P::TIMES_WAITS {
        return buffer.get().await;
    }
    let called = P::TIMES_WAITS.then(Instant::now);
    if let Some(item) = buffer.try_get()? {
        return Ok(item);
    }
    probe.waited(Role::Consumer);
    let (got, wakeups) = counting_futile_polls(probe, buffer.get()).await;
    if let Some(called) = called {
        probe.wait_ended(Role::Consumer, index, called, Some(wakeups));
    }
    got
}

/// Awaits a put or get that has to wait, and reports its futile wakeups: every poll after the
/// first that still finds it `Pending`. A task is polled again only once something woke it,
/// so this counts the wakeups that found the buffer full (or empty) again, for any channel,
/// without looking inside it. For a probe that times waits it also returns every wakeup, when
/// it was polled and whether it found the future still `Pending`; otherwise none.
async fn counting_futile_polls<P: Probe, F: Future>(
    probe: &P,
    future: F,
) -> (F::Output, Vec<Woke>) {
    let mut future = pin!(future);
    let mut pending = 0_u64;
    let mut wakeups = Vec::new();
    let output = poll_fn(|cx| {
        let woken = (P::TIMES_WAITS && pending > 0).then(Instant::now);
        let poll = future.as_mut().poll(cx);
        if poll.is_pending() {
            pending += 1;
        }
        if let Some(at) = woken {
            wakeups.push(Woke {
                at,
                futile: poll.is_pending(),
            });
        }
        poll
    })
    .await;
    probe.futile(Some(pending.saturating_sub(1)));
    (output, wakeups)
}
