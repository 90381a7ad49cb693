//! [`BlockingQueue`]: Python's `queue.Queue` for threads.
//!
//! One [`Mutex`] guards the [`Buffer`] and the sleeper counts, with two [`Condvar`]s beside it,
//! `not_empty` and `not_full`. There are two so that a put wakes a getter, never another
//! putter: with a single condvar, `notify_one` can wake the wrong side, and then every thread
//! can end up asleep (Cargill's deadlock, mutant 03 in `ci/mutants/`). Every wait is inside a
//! `while` loop that re-checks its condition, because condvars may wake spuriously; the loom
//! models wake the queue spuriously on purpose to check it. `close` notifies every waiter on
//! both condvars.
//!
//! Three things make it fast (`docs/performance.md` has the measurements):
//!
//! - The `Mutex` and `Condvar`s are parking_lot's (see [`crate::loom::sync`]). With a hundred
//!   threads on two cores the lock is contended; parking_lot's yields its core before it parks,
//!   where std's spins and then sleeps on a futex. On the assignment's cell that cut the
//!   `threads` pipeline's median time by 14–22%, and its CPU time by 16–21%.
//! - A blocked `put` or `get` first spins and yields for a bounded while, watching a lock-free
//!   length hint, and parks only if that fails ([`backoff`](super::backoff): spins bounded by
//!   3 µs on the clock, then 4 yields). On two cores the other side usually acts within
//!   microseconds, and a park costs a futex wait, a wake syscall and a context switch. Where the
//!   other side cannot run meanwhile (one CPU, or spins on this queue that keep running out of
//!   time), the phase skips its spinning and only yields, which hands the core over. A thread
//!   woken from its condvar that finds the slot taken again runs the phase anew before it
//!   parks again, as crossbeam's do: with hundreds of threads, parking at once cost a wait and
//!   a wake per item.
//! - Each side counts its sleepers and the signals on their way to them
//!   ([`sleepers`](super::sleepers)), so `notify_one`, a syscall even when nobody waits, runs
//!   only when a sleeper has no signal yet.
//!
//! Under loom the spin phase and the length hint are compiled out: they only decide how long
//! to wait, never what happens, so the models explore the same states without them.

use std::fmt;
use std::num::NonZeroUsize;

use super::backoff::{Backoff, LenHint, SpinGauge};
use super::buffer::Buffer;
use super::error::{GetError, PutError, TryGetError, TryPutError};
use super::futile;
use super::sleepers::Sleepers;
use crate::loom::sync::{Condvar, Mutex, MutexGuard};

/// A multi-producer, multi-consumer FIFO queue whose `put` blocks while it is full and whose
/// `get` blocks while it is empty, like Python's `queue.Queue`.
///
/// A capacity of 0 means unbounded. [`close`](BlockingQueue::close) works like Python 3.13's
/// `Queue.shutdown()`: later puts fail, gets drain what is left and then fail, and every
/// blocked thread wakes.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use std::sync::Arc;
/// use std::thread;
/// use prodcons::BlockingQueue;
///
/// let queue = Arc::new(BlockingQueue::new(2));
/// let producer = {
///     let queue = Arc::clone(&queue);
///     thread::spawn(move || (0..10).for_each(|i| queue.put(i).unwrap()))
/// };
/// let sum: u32 = (0..10).map(|_| queue.get().unwrap()).sum();
/// producer.join().unwrap();
/// assert_eq!(sum, 45);
/// ```
pub struct BlockingQueue<T> {
    state: Mutex<State<T>>,
    // Two condition variables, so that a put wakes a getter and never another putter: with one
    // shared condvar, `notify_one` can wake the wrong side and every thread can end up asleep.
    not_empty: Condvar,
    not_full: Condvar,
    len_hint: LenHint,
    /// Whether waiters' spinning has been paying on this queue (`backoff`'s `SpinGauge`).
    spin_gauge: SpinGauge,
}

struct State<T> {
    buffer: Buffer<T>,
    /// Threads inside `not_empty.wait`, and inside `not_full.wait`.
    getters: Sleepers,
    putters: Sleepers,
}

impl<T> BlockingQueue<T> {
    /// Creates a queue that holds at most `capacity` items; 0 means unbounded.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::BlockingQueue;
    ///
    /// assert_eq!(BlockingQueue::<u8>::new(3).capacity(), Some(3));
    /// assert_eq!(BlockingQueue::<u8>::new(0).capacity(), None);
    /// ```
    pub fn new(capacity: usize) -> Self {
        Self {
            state: Mutex::new(State {
                buffer: Buffer::new(capacity),
                getters: Sleepers::default(),
                putters: Sleepers::default(),
            }),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            len_hint: LenHint::default(),
            spin_gauge: SpinGauge::default(),
        }
    }

    /// Creates a queue that holds at most `capacity` items: the Rust spelling of
    /// [`new(n)`](Self::new).
    ///
    /// A capacity of zero cannot be asked for here. `new(0)` means unbounded, as in Python,
    /// while crossbeam-channel's `bounded(0)` is a rendezvous channel, where a send waits for a
    /// receiver to take the item. This queue has no rendezvous mode, so the type rules out the
    /// zero that means different things in the two conventions.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use std::num::NonZeroUsize;
    /// use prodcons::{BlockingQueue, TryPutError};
    ///
    /// let queue = BlockingQueue::bounded(NonZeroUsize::new(1).unwrap());
    /// assert_eq!(queue.try_put(1), Ok(()));
    /// assert_eq!(queue.try_put(2), Err(TryPutError::Full(2)));
    /// assert_eq!(NonZeroUsize::new(0), None, "no bounded queue of capacity 0");
    /// ```
    pub fn bounded(capacity: NonZeroUsize) -> Self {
        Self::new(capacity.get())
    }

    /// Creates a queue with no bound: the Rust spelling of [`new(0)`](Self::new), like
    /// crossbeam-channel's `unbounded()`. Its `put` never waits; it fails only once the queue
    /// is closed.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{BlockingQueue, TryPutError};
    ///
    /// let queue = BlockingQueue::unbounded();
    /// assert_eq!(queue.capacity(), None);
    /// assert_eq!(queue.try_put('a'), Ok(()));
    /// queue.close();
    /// assert_eq!(queue.try_put('b'), Err(TryPutError::Closed('b')));
    /// ```
    pub fn unbounded() -> Self {
        Self::new(0)
    }

    /// Puts an item at the back, waiting while the queue is full.
    ///
    /// # Errors
    ///
    /// [`PutError`], which gives the item back, if the queue is closed before there is room.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{BlockingQueue, PutError};
    ///
    /// let queue = BlockingQueue::new(0);
    /// assert_eq!(queue.put("first"), Ok(()));
    /// queue.close();
    /// assert_eq!(queue.put("late"), Err(PutError("late")));
    /// ```
    pub fn put(&self, item: T) -> Result<(), PutError<T>> {
        let mut state = self.state.lock();
        let mut backoff = Backoff::new();
        while state.buffer.is_full() && !state.buffer.is_closed() {
            if backoff.is_completed() {
                state.putters.fall_asleep();
                state = self.not_full.wait(state);
                state.putters.wake_up();
                if state.buffer.is_full() && !state.buffer.is_closed() {
                    futile::record();
                }
                // A woken thread that finds the slot taken again backs off anew rather than
                // parking at once: among hundreds of threads a waker's slot is usually taken
                // first, and parking straight away cost a futex wait and wake per item
                // (docs/performance.md, V).
                backoff = Backoff::new();
            } else {
                let capacity = state.buffer.capacity().unwrap_or(usize::MAX);
                drop(state);
                backoff.snooze_until(&self.spin_gauge, || self.len_hint.get() < capacity);
                state = self.state.lock();
            }
        }
        state.buffer.push(item).map_err(PutError)?;
        self.after_put(state);
        Ok(())
    }

    /// Takes the item at the front, waiting while the queue is empty.
    ///
    /// # Errors
    ///
    /// [`GetError`] only when the queue is closed and has no items left: items put before the
    /// close are still taken.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{BlockingQueue, GetError};
    ///
    /// let queue = BlockingQueue::new(0);
    /// queue.put(1).unwrap();
    /// queue.close();
    /// assert_eq!(queue.get(), Ok(1));
    /// assert_eq!(queue.get(), Err(GetError));
    /// ```
    pub fn get(&self) -> Result<T, GetError> {
        let mut state = self.state.lock();
        let mut backoff = Backoff::new();
        while state.buffer.is_empty() && !state.buffer.is_closed() {
            if backoff.is_completed() {
                state.getters.fall_asleep();
                state = self.not_empty.wait(state);
                state.getters.wake_up();
                if state.buffer.is_empty() && !state.buffer.is_closed() {
                    futile::record();
                }
                // Backs off anew for the same reason as `put`.
                backoff = Backoff::new();
            } else {
                drop(state);
                backoff.snooze_until(&self.spin_gauge, || self.len_hint.get() > 0);
                state = self.state.lock();
            }
        }
        let item = state.buffer.pop().ok_or(GetError)?;
        self.after_get(state);
        Ok(item)
    }

    /// Puts an item if there is room right now, like Python's `put_nowait`.
    ///
    /// # Errors
    ///
    /// [`TryPutError::Full`] when there is no room, [`TryPutError::Closed`] when the queue is
    /// closed; both give the item back.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{BlockingQueue, TryPutError};
    ///
    /// let queue = BlockingQueue::new(1);
    /// assert_eq!(queue.try_put(1), Ok(()));
    /// assert_eq!(queue.try_put(2), Err(TryPutError::Full(2)));
    /// ```
    pub fn try_put(&self, item: T) -> Result<(), TryPutError<T>> {
        let mut state = self.state.lock();
        state.buffer.try_put(item)?;
        self.after_put(state);
        Ok(())
    }

    /// Takes an item if there is one right now, like Python's `get_nowait`.
    ///
    /// # Errors
    ///
    /// [`TryGetError::Empty`] when there is no item, [`TryGetError::Closed`] when the queue is
    /// closed and drained.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{BlockingQueue, TryGetError};
    ///
    /// let queue = BlockingQueue::new(0);
    /// queue.put('x').unwrap();
    /// assert_eq!(queue.try_get(), Ok('x'));
    /// assert_eq!(queue.try_get(), Err(TryGetError::Empty));
    /// ```
    pub fn try_get(&self) -> Result<T, TryGetError> {
        let mut state = self.state.lock();
        let item = state.buffer.try_get()?;
        self.after_get(state);
        Ok(item)
    }

    /// Closes the queue and wakes every blocked thread.
    ///
    /// Returns `true` if this call closed it, `false` if it was closed already.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::BlockingQueue;
    ///
    /// let queue = BlockingQueue::<u8>::new(0);
    /// assert!(queue.close());
    /// assert!(!queue.close());
    /// ```
    pub fn close(&self) -> bool {
        let newly_closed = self.state.lock().buffer.close();
        if newly_closed {
            self.not_empty.notify_all();
            self.not_full.notify_all();
        }
        newly_closed
    }

    /// Whether [`close`](BlockingQueue::close) has been called.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::BlockingQueue;
    ///
    /// let queue = BlockingQueue::<u8>::new(0);
    /// assert!(!queue.is_closed());
    /// queue.close();
    /// assert!(queue.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.state.lock().buffer.is_closed()
    }

    /// How many items the queue holds now.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::BlockingQueue;
    ///
    /// let queue = BlockingQueue::new(0);
    /// queue.put(1).unwrap();
    /// queue.put(2).unwrap();
    /// assert_eq!(queue.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.state.lock().buffer.len()
    }

    /// Whether the queue holds no items now.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::BlockingQueue;
    ///
    /// let queue = BlockingQueue::new(0);
    /// assert!(queue.is_empty());
    /// queue.put(1).unwrap();
    /// assert!(!queue.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.state.lock().buffer.is_empty()
    }

    /// Whether the queue holds `capacity` items now. An unbounded queue is never full.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::BlockingQueue;
    ///
    /// let queue = BlockingQueue::new(1);
    /// assert!(!queue.is_full());
    /// queue.put(1).unwrap();
    /// assert!(queue.is_full());
    /// ```
    pub fn is_full(&self) -> bool {
        self.state.lock().buffer.is_full()
    }

    /// The most items the queue holds, or `None` if it is unbounded.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::BlockingQueue;
    ///
    /// assert_eq!(BlockingQueue::<u8>::new(10).capacity(), Some(10));
    /// assert_eq!(BlockingQueue::<u8>::new(0).capacity(), None);
    /// ```
    pub fn capacity(&self) -> Option<usize> {
        self.state.lock().buffer.capacity()
    }

    /// After an item went in: publishes the new length, and signals a sleeping getter that has
    /// no signal on its way yet. The notify comes after the unlock, so the getter it wakes does
    /// not block at once on the lock still held here.
    fn after_put(&self, mut state: MutexGuard<'_, State<T>>) {
        self.len_hint.set(state.buffer.len());
        let wake_getter = state.getters.claim_signal();
        drop(state);
        if wake_getter {
            self.not_empty.notify_one();
        }
    }

    /// After an item came out: the same for a sleeping putter.
    fn after_get(&self, mut state: MutexGuard<'_, State<T>>) {
        self.len_hint.set(state.buffer.len());
        let wake_putter = state.putters.claim_signal();
        drop(state);
        if wake_putter {
            self.not_full.notify_one();
        }
    }

    /// Wakes every blocked thread without changing anything, as a spurious wakeup would.
    ///
    /// Only in a `--cfg loom` build. Loom's condition variables never wake spuriously, so the
    /// loom models call this from a thread of their own, at every point loom can place it, to
    /// check that each wait re-checks its condition before going on.
    #[cfg(loom)]
    pub fn wake_spuriously(&self) {
        self.not_empty.notify_all();
        self.not_full.notify_all();
    }

    /// How many threads are blocked in `get`, waiting for an item.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use std::sync::Arc;
    /// use prodcons::BlockingQueue;
    ///
    /// let queue = Arc::new(BlockingQueue::new(0));
    /// let getter = std::thread::spawn({
    ///     let queue = Arc::clone(&queue);
    ///     move || queue.get()
    /// });
    /// while queue.waiting_getters() == 0 {
    ///     std::thread::yield_now();
    /// }
    /// queue.put(5).unwrap();
    /// assert_eq!(getter.join().unwrap(), Ok(5));
    /// assert_eq!(queue.waiting_getters(), 0);
    /// ```
    pub fn waiting_getters(&self) -> usize {
        self.state.lock().getters.waiting()
    }

    /// How many threads are blocked in `put`, waiting for room.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use std::sync::Arc;
    /// use prodcons::{BlockingQueue, PutError};
    ///
    /// let queue = Arc::new(BlockingQueue::new(1));
    /// queue.put(1).unwrap();
    /// let putter = std::thread::spawn({
    ///     let queue = Arc::clone(&queue);
    ///     move || queue.put(2)
    /// });
    /// while queue.waiting_putters() == 0 {
    ///     std::thread::yield_now();
    /// }
    /// queue.close();
    /// assert_eq!(putter.join().unwrap(), Err(PutError(2)));
    /// ```
    pub fn waiting_putters(&self) -> usize {
        self.state.lock().putters.waiting()
    }
}

impl<T> fmt::Debug for BlockingQueue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.lock();
        f.debug_struct("BlockingQueue")
            .field("len", &state.buffer.len())
            .field("capacity", &state.buffer.capacity())
            .field("closed", &state.buffer.is_closed())
            .field("waiting_getters", &state.getters.waiting())
            .field("waiting_putters", &state.putters.waiting())
            .finish()
    }
}
