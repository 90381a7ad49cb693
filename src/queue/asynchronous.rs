//! [`AsyncQueue`]: asyncio's `Queue` for tasks, on any executor.
//!
//! The queue keeps the same [`Buffer`] as the blocking queue, plus two FIFO lines of waiting
//! tasks ([`WaiterList`]), like asyncio's `_getters` and `_putters`. A put wakes the front
//! getter, and a get wakes the front putter. A future checks the queue and registers in its
//! line under the same lock, so no wakeup can slip in between the two. When a future that was
//! woken is dropped before it completes, it passes its wakeup on to the next waiter, as
//! asyncio's `_wakeup_next` does for a cancelled getter; this way no item or free slot is
//! stranded. A future wakes the waker of its most recent poll, so one that moved to another
//! task wakes that task. `close` wakes everyone.
//!
//! The queue uses no runtime's types, so it runs on tokio, on any other executor, and under
//! loom. Its lock is a spin lock that yields when taken ([`SpinLock`]): its critical sections
//! never block and last nanoseconds, and its unlock is a plain store where std's is a
//! read-modify-write, which was a quarter of an uncontended operation's cost. A waiter finds
//! its place in line by its id's offset from the front, in O(1).

use std::fmt;
use std::future::Future;
use std::num::NonZeroUsize;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use super::buffer::Buffer;
use super::error::{GetError, PutError, TryGetError, TryPutError};
use super::waiters::{WaiterId, WaiterList};
use crate::loom::sync::{SpinLock, SpinLockGuard};

/// A multi-producer, multi-consumer FIFO queue whose `put` and `get` are futures, with the
/// semantics of asyncio's `Queue`.
///
/// A capacity of 0 means unbounded. It uses no runtime's types, so it runs on tokio, on any
/// other executor, and under loom. Its futures are cancellation-safe: dropping one that was
/// already woken passes the wakeup on to the next waiter, so no item or free slot is stranded.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::AsyncQueue;
///
/// tokio_test::block_on(async {
///     let queue = AsyncQueue::new(1);
///     queue.put(1).await.unwrap();
///     assert_eq!(queue.try_put(2).unwrap_err().into_inner(), 2);
///     assert_eq!(queue.get().await, Ok(1));
/// });
/// ```
pub struct AsyncQueue<T> {
    state: SpinLock<State<T>>,
}

struct State<T> {
    buffer: Buffer<T>,
    getters: WaiterList,
    putters: WaiterList,
}

impl<T> State<T> {
    /// Takes an item, and picks the putter that the freed slot belongs to.
    fn take(&mut self) -> Result<(T, Option<Waker>), TryGetError> {
        let item = self.buffer.try_get()?;
        Ok((item, self.putters.wake_next()))
    }

    /// Places an item, and picks the getter that the item belongs to.
    fn place(&mut self, item: T) -> Result<Option<Waker>, TryPutError<T>> {
        self.buffer.try_put(item)?;
        Ok(self.getters.wake_next())
    }
}

fn wake(waker: Option<Waker>) {
    if let Some(waker) = waker {
        waker.wake();
    }
}

impl<T> AsyncQueue<T> {
    /// Creates a queue that holds at most `capacity` items; 0 means unbounded.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::AsyncQueue;
    ///
    /// assert_eq!(AsyncQueue::<u8>::new(3).capacity(), Some(3));
    /// assert_eq!(AsyncQueue::<u8>::new(0).capacity(), None);
    /// ```
    pub fn new(capacity: usize) -> Self {
        Self {
            state: SpinLock::new(State {
                buffer: Buffer::new(capacity),
                getters: WaiterList::default(),
                putters: WaiterList::default(),
            }),
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
    /// use prodcons::{AsyncQueue, TryPutError};
    ///
    /// let queue = AsyncQueue::bounded(NonZeroUsize::new(1).unwrap());
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
    /// use prodcons::{AsyncQueue, TryPutError};
    ///
    /// let queue = AsyncQueue::unbounded();
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
    /// The future gives [`PutError`], with the item back, if the queue is closed before there
    /// is room.
    ///
    /// # Cancel safety
    ///
    /// Dropping the future before it completes drops the item with it, and puts nothing. If
    /// the future had been woken for a free slot, the slot passes on to the next waiting putter,
    /// so no slot is stranded.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{AsyncQueue, PutError};
    ///
    /// tokio_test::block_on(async {
    ///     let queue = AsyncQueue::new(0);
    ///     assert_eq!(queue.put("first").await, Ok(()));
    ///     queue.close();
    ///     assert_eq!(queue.put("late").await, Err(PutError("late")));
    /// });
    /// ```
    pub fn put(&self, item: T) -> Put<'_, T> {
        Put {
            queue: self,
            item: Some(item),
            waiter: None,
        }
    }

    /// Takes the item at the front, waiting while the queue is empty.
    ///
    /// # Errors
    ///
    /// The future gives [`GetError`] only when the queue is closed and has no items left.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: the item is taken in the same poll that returns it, so dropping the future
    /// never loses one. If the future had been woken for an item, the wakeup passes on to the
    /// next waiting getter, so no item is stranded. Use it in `select!` loops freely.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{AsyncQueue, GetError};
    ///
    /// tokio_test::block_on(async {
    ///     let queue = AsyncQueue::new(0);
    ///     queue.put(1).await.unwrap();
    ///     queue.close();
    ///     assert_eq!(queue.get().await, Ok(1));
    ///     assert_eq!(queue.get().await, Err(GetError));
    /// });
    /// ```
    pub fn get(&self) -> Get<'_, T> {
        Get {
            queue: self,
            waiter: None,
        }
    }

    /// Puts an item if there is room right now, like asyncio's `put_nowait`.
    ///
    /// # Errors
    ///
    /// [`TryPutError::Full`] when there is no room, [`TryPutError::Closed`] when the queue is
    /// closed; both give the item back.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{AsyncQueue, TryPutError};
    ///
    /// let queue = AsyncQueue::new(1);
    /// assert_eq!(queue.try_put(1), Ok(()));
    /// assert_eq!(queue.try_put(2), Err(TryPutError::Full(2)));
    /// ```
    pub fn try_put(&self, item: T) -> Result<(), TryPutError<T>> {
        let getter = self.lock().place(item)?;
        wake(getter);
        Ok(())
    }

    /// Takes an item if there is one right now, like asyncio's `get_nowait`.
    ///
    /// # Errors
    ///
    /// [`TryGetError::Empty`] when there is no item, [`TryGetError::Closed`] when the queue is
    /// closed and drained.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{AsyncQueue, TryGetError};
    ///
    /// let queue = AsyncQueue::new(0);
    /// queue.try_put('x').unwrap();
    /// assert_eq!(queue.try_get(), Ok('x'));
    /// assert_eq!(queue.try_get(), Err(TryGetError::Empty));
    /// ```
    pub fn try_get(&self) -> Result<T, TryGetError> {
        let (item, putter) = self.lock().take()?;
        wake(putter);
        Ok(item)
    }

    /// Closes the queue and wakes every waiting task.
    ///
    /// Returns `true` if this call closed it, `false` if it was closed already.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::AsyncQueue;
    ///
    /// let queue = AsyncQueue::<u8>::new(0);
    /// assert!(queue.close());
    /// assert!(!queue.close());
    /// ```
    pub fn close(&self) -> bool {
        let mut state = self.lock();
        let newly_closed = state.buffer.close();
        let mut waiters = state.getters.wake_all();
        waiters.append(&mut state.putters.wake_all());
        drop(state);
        waiters.into_iter().for_each(Waker::wake);
        newly_closed
    }

    /// Whether [`close`](AsyncQueue::close) has been called.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::AsyncQueue;
    ///
    /// let queue = AsyncQueue::<u8>::new(0);
    /// assert!(!queue.is_closed());
    /// queue.close();
    /// assert!(queue.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.lock().buffer.is_closed()
    }

    /// How many items the queue holds now.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::AsyncQueue;
    ///
    /// let queue = AsyncQueue::new(0);
    /// queue.try_put(1).unwrap();
    /// queue.try_put(2).unwrap();
    /// assert_eq!(queue.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.lock().buffer.len()
    }

    /// Whether the queue holds no items now.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::AsyncQueue;
    ///
    /// let queue = AsyncQueue::new(0);
    /// assert!(queue.is_empty());
    /// queue.try_put(1).unwrap();
    /// assert!(!queue.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.lock().buffer.is_empty()
    }

    /// Whether the queue holds `capacity` items now. An unbounded queue is never full.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::AsyncQueue;
    ///
    /// let queue = AsyncQueue::new(1);
    /// assert!(!queue.is_full());
    /// queue.try_put(1).unwrap();
    /// assert!(queue.is_full());
    /// ```
    pub fn is_full(&self) -> bool {
        self.lock().buffer.is_full()
    }

    /// The most items the queue holds, or `None` if it is unbounded.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::AsyncQueue;
    ///
    /// assert_eq!(AsyncQueue::<u8>::new(10).capacity(), Some(10));
    /// assert_eq!(AsyncQueue::<u8>::new(0).capacity(), None);
    /// ```
    pub fn capacity(&self) -> Option<usize> {
        self.lock().buffer.capacity()
    }

    /// How many `get` futures are waiting for an item.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::AsyncQueue;
    /// use tokio_test::{assert_pending, task};
    ///
    /// let queue = AsyncQueue::<u8>::new(0);
    /// let mut get = task::spawn(queue.get());
    /// assert_eq!(queue.waiting_getters(), 0);
    /// assert_pending!(get.poll());
    /// assert_eq!(queue.waiting_getters(), 1);
    /// ```
    pub fn waiting_getters(&self) -> usize {
        self.lock().getters.len()
    }

    /// How many `put` futures are waiting for room.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::AsyncQueue;
    /// use tokio_test::{assert_pending, task};
    ///
    /// let queue = AsyncQueue::new(1);
    /// queue.try_put(1).unwrap();
    /// let mut put = task::spawn(queue.put(2));
    /// assert_eq!(queue.waiting_putters(), 0);
    /// assert_pending!(put.poll());
    /// assert_eq!(queue.waiting_putters(), 1);
    /// ```
    pub fn waiting_putters(&self) -> usize {
        self.lock().putters.len()
    }

    /// Wakes every waiting task without changing anything, as a stray wakeup would.
    ///
    /// Only in a `--cfg loom` build, for the loom models: a future polled for no reason must
    /// check again and keep its place in line.
    #[cfg(loom)]
    pub fn wake_spuriously(&self) {
        let state = self.lock();
        let wakers: Vec<Waker> = state
            .getters
            .wakers()
            .chain(state.putters.wakers())
            .collect();
        drop(state);
        wakers.into_iter().for_each(Waker::wake);
    }

    fn lock(&self) -> SpinLockGuard<'_, State<T>> {
        self.state.lock()
    }
}

/// The future returned by [`AsyncQueue::put`].
///
/// Dropping it before it completes is safe: a putter that was woken for a free slot passes the
/// slot on to the next waiting putter.
///
/// # Panics
///
/// Polling it again after it returned `Ready` panics, as the `Future` contract allows: the item
/// is gone by then.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::{AsyncQueue, PutError};
/// use tokio_test::{assert_pending, assert_ready_eq, task};
///
/// let queue = AsyncQueue::new(1);
/// queue.try_put(1).unwrap();
/// let mut put = task::spawn(queue.put(2));
/// assert_pending!(put.poll());
/// assert_eq!(queue.try_get(), Ok(1));
/// assert_ready_eq!(put.poll(), Ok(()));
///
/// let mut late = task::spawn(queue.put(3));
/// assert_pending!(late.poll());
/// queue.close();
/// assert_ready_eq!(late.poll(), Err(PutError(3)));
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct Put<'a, T> {
    queue: &'a AsyncQueue<T>,
    /// The item until it is placed; `None` once the future has completed.
    item: Option<T>,
    waiter: Option<WaiterId>,
}

/// The future returned by [`AsyncQueue::get`].
///
/// Dropping it before it completes is safe: a getter that was woken for an item passes the
/// item on to the next waiting getter.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::{AsyncQueue, GetError};
/// use tokio_test::{assert_pending, assert_ready_eq, task};
///
/// let queue = AsyncQueue::new(0);
/// let mut get = task::spawn(queue.get());
/// assert_pending!(get.poll());
/// queue.try_put('a').unwrap();
/// assert_ready_eq!(get.poll(), Ok('a'));
///
/// let mut late = task::spawn(queue.get());
/// assert_pending!(late.poll());
/// queue.close();
/// assert_ready_eq!(late.poll(), Err(GetError));
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct Get<'a, T> {
    queue: &'a AsyncQueue<T>,
    waiter: Option<WaiterId>,
}

// The item is moved, never pinned in place, so the futures can be Unpin whatever `T` is.
impl<T> Unpin for Put<'_, T> {}

impl<T> Future for Put<'_, T> {
    type Output = Result<(), PutError<T>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let item = this.item.take().expect("`Put` polled after it completed");
        // The check and the registration happen under one lock, so no `get` can free a slot
        // between them and leave this putter asleep beside it.
        let mut state = this.queue.lock();
        match state.place(item) {
            Ok(getter) => {
                state.putters.withdraw(&mut this.waiter);
                drop(state);
                wake(getter);
                Poll::Ready(Ok(()))
            }
            Err(TryPutError::Full(item)) => {
                state.putters.register(&mut this.waiter, cx.waker());
                this.item = Some(item);
                Poll::Pending
            }
            Err(TryPutError::Closed(item)) => {
                state.putters.withdraw(&mut this.waiter);
                Poll::Ready(Err(PutError(item)))
            }
        }
    }
}

impl<T> Future for Get<'_, T> {
    type Output = Result<T, GetError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        // As in `Put::poll`, checking and registering under one lock leaves no window for a
        // `put` to slip an item in unseen.
        let mut state = this.queue.lock();
        match state.take() {
            Ok((item, putter)) => {
                state.getters.withdraw(&mut this.waiter);
                drop(state);
                wake(putter);
                Poll::Ready(Ok(item))
            }
            Err(TryGetError::Empty) => {
                state.getters.register(&mut this.waiter, cx.waker());
                Poll::Pending
            }
            Err(TryGetError::Closed) => {
                state.getters.withdraw(&mut this.waiter);
                Poll::Ready(Err(GetError))
            }
        }
    }
}

impl<T> Drop for Put<'_, T> {
    fn drop(&mut self) {
        if self.waiter.is_some() {
            let mut state = self.queue.lock();
            // A woken putter was promised a slot; if the slot is still free, it passes on.
            let slot_free = !state.buffer.is_full();
            let heir = state.putters.abandon(&mut self.waiter, slot_free);
            drop(state);
            wake(heir);
        }
    }
}

impl<T> Drop for Get<'_, T> {
    fn drop(&mut self) {
        if self.waiter.is_some() {
            let mut state = self.queue.lock();
            // A woken getter was promised an item; if the item is still there, it passes on.
            let item_left = !state.buffer.is_empty();
            let heir = state.getters.abandon(&mut self.waiter, item_left);
            drop(state);
            wake(heir);
        }
    }
}

impl<T> fmt::Debug for AsyncQueue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("AsyncQueue")
            .field("len", &state.buffer.len())
            .field("capacity", &state.buffer.capacity())
            .field("closed", &state.buffer.is_closed())
            .field("waiting_getters", &state.getters.len())
            .field("waiting_putters", &state.putters.len())
            .finish()
    }
}

impl<T> fmt::Debug for Put<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Put")
            .field("done", &self.item.is_none())
            .field("waiting", &self.waiter.is_some())
            .finish()
    }
}

impl<T> fmt::Debug for Get<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Get")
            .field("waiting", &self.waiter.is_some())
            .finish()
    }
}
