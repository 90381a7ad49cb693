//! Counted runs: how often the buffer made a worker wait, and how full it got.
//!
//! The report explains its times with these counts, so they are taken in a pass of their own
//! and never in a timed run. Counting makes every put and get try first without waiting, and
//! samples the buffer's length after every put. Both cost time, and a timed run does neither.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use super::channel::{AsyncReceiver, AsyncSender, Closed, Receiver, Sender};
use super::error::Role;
use super::trace::Probe;

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
    /// let counts = Counts { put_waits: 15, get_waits: 5, peak_len: 1 };
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
}

impl Counter {
    pub(crate) fn counts(&self) -> Counts {
        Counts {
            put_waits: self.0.put_waits.load(Ordering::Relaxed),
            get_waits: self.0.get_waits.load(Ordering::Relaxed),
            peak_len: self.0.most_held.load(Ordering::Relaxed),
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
}

/// A thread's put, tried first without waiting when the probe counts waits.
pub(crate) fn put<P: Probe>(
    probe: &P,
    buffer: &impl Sender<P::Item>,
    item: P::Item,
) -> Result<(), Closed> {
    if !P::COUNTS_WAITS {
        return buffer.put(item);
    }
    match buffer.try_put(item)? {
        Ok(()) => Ok(()),
        Err(item) => {
            probe.waited(Role::Producer);
            buffer.put(item)
        }
    }
}

/// A thread's get, tried first without waiting when the probe counts waits.
pub(crate) fn get<P: Probe>(probe: &P, buffer: &impl Receiver<P::Item>) -> Result<P::Item, Closed> {
    if P::COUNTS_WAITS {
        if let Some(item) = buffer.try_get()? {
            return Ok(item);
        }
        probe.waited(Role::Consumer);
    }
    buffer.get()
}

/// A task's put, tried first without waiting when the probe counts waits.
pub(crate) async fn put_async<P: Probe>(
    probe: &P,
    buffer: &impl AsyncSender<P::Item>,
    item: P::Item,
) -> Result<(), Closed> {
    if !P::COUNTS_WAITS {
        return buffer.put(item).await;
    }
    match buffer.try_put(item)? {
        Ok(()) => Ok(()),
        Err(item) => {
            probe.waited(Role::Producer);
            buffer.put(item).await
        }
    }
}

/// A task's get, tried first without waiting when the probe counts waits.
pub(crate) async fn get_async<P: Probe>(
    probe: &P,
    buffer: &impl AsyncReceiver<P::Item>,
) -> Result<P::Item, Closed> {
    if P::COUNTS_WAITS {
        if let Some(item) = buffer.try_get()? {
            return Ok(item);
        }
        probe.waited(Role::Consumer);
    }
    buffer.get().await
}
