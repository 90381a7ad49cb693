//! [`HandoffQueue`]: [`AsyncQueue`](prodcons::AsyncQueue) without asyncio's wake-up rule, an
//! intervention for the pipelines (`tasks-handoff`, through [`Handoff`]) and the checker's
//! `tasks-handoff` and `tasks-handoff-cancel` targets, which run those very ends
//! ([`TaskEnds`]).
//!
//! `AsyncQueue` copies asyncio: a get wakes the front waiting putter, which must be polled
//! again to place its item. A producer that runs in between can refill the freed slot first;
//! the woken putter then finds the queue full again (a *futile wakeup*) and waits at the back
//! of the line. Here a get that frees a slot moves the front waiting putter's item into the
//! buffer at once and completes that putter, and a put that finds a getter waiting gives its
//! item to that getter directly. A woken waiter has nothing left to do but return, so no later
//! caller can take what it was woken for. Everything else is `AsyncQueue`'s: FIFO, capacity 0
//! for unbounded, Python's `close`. The library keeps asyncio's rule (it is the assignment's
//! twin); this queue exists to measure what the rule costs, and is never a default.
//!
//! The lines keep the invariants that make the hand-off FIFO: a getter waits only while the
//! buffer is empty, so an item handed to it is the oldest one; and a putter waits only while
//! the buffer is full, so its item goes in behind everything already queued.
//!
//! The price is cancellation. A waiter is completed by another task, before its future is
//! polled again, so dropping that future cannot undo what happened:
//!
//! - a dropped `put` whose item was already moved in leaves it there: the put happened, though
//!   its caller never saw it return;
//! - a dropped `get` that was already handed an item gives it to the next waiting getter, or
//!   puts it back at the front of the buffer, even if that holds `capacity` items already.
//!   Between the hand-off and the drop the item is in no one's reach: a `try_get` says `Empty`
//!   and `len` does not count it.
//!
//! Neither is linearizable when the cancelled operation counts as having had no effect, which
//! is what the checker's specification says; `tasks-handoff-cancel` measures it (see
//! `docs/conformance.md`), and `tasks-handoff` checks everything else.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use prodcons::channel::{AsyncReceiver, AsyncSender, Closed, TaskChannel};
use prodcons::{GetError, PutError, TryGetError, TryPutError};
use prodcons_lincheck::{Flavor, LazyRuntime, OpSet, Target};

use crate::shared::{ANY, End, Peer, TaskEnds, locked, on_tasks};

/// A multi-producer, multi-consumer FIFO queue whose `put` and `get` are futures, like
/// [`AsyncQueue`](prodcons::AsyncQueue), but whose waiters are served directly: a get that
/// frees a slot places the front waiting putter's item, and a put hands its item to the front
/// waiting getter, so a woken waiter never finds its slot or item taken. The futures are not
/// cancel-safe: [`put`](Self::put) and [`get`](Self::get) say what dropping one costs. A
/// capacity of 0 means unbounded.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_peers::HandoffQueue;
///
/// tokio_test::block_on(async {
///     let queue = HandoffQueue::new(1);
///     queue.put(1).await.unwrap();
///     assert_eq!(queue.try_put(2).unwrap_err().into_inner(), 2);
///     assert_eq!(queue.get().await, Ok(1));
/// });
/// ```
pub struct HandoffQueue<T> {
    state: Mutex<State<T>>,
}

/// A `get` waiting for an item.
struct Getter {
    id: u64,
    waker: Waker,
}

/// A `put` waiting for room, with its item, so that a get can place it without polling it.
struct Putter<T> {
    id: u64,
    item: T,
    waker: Waker,
}

struct State<T> {
    buffer: VecDeque<T>,
    /// 0 is unbounded.
    capacity: usize,
    closed: bool,
    /// Getters not yet served, in arrival order (so in increasing id). Non-empty only while
    /// the buffer is empty, which is what makes a hand-off FIFO.
    getters: VecDeque<Getter>,
    /// Putters not yet served, in arrival order. Non-empty only while the buffer is full, so
    /// a new put never overtakes one of them. After `close` they stay until their futures take
    /// their items back.
    putters: VecDeque<Putter<T>>,
    /// Items handed to getters whose futures have not collected them yet, by getter id.
    handed: HashMap<u64, T>,
    next_id: u64,
}

impl<T> State<T> {
    fn has_room(&self) -> bool {
        self.capacity == 0 || self.buffer.len() < self.capacity
    }

    fn new_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Puts an item: straight to the front waiting getter if there is one (the buffer is empty
    /// then, so the item is the oldest), else at the back of the buffer if there is room.
    /// Returns the waker of the getter served.
    fn place(&mut self, item: T) -> Result<Option<Waker>, TryPutError<T>> {
        if self.closed {
            return Err(TryPutError::Closed(item));
        }
        if let Some(getter) = self.getters.pop_front() {
            self.handed.insert(getter.id, item);
            return Ok(Some(getter.waker));
        }
        if !self.has_room() {
            return Err(TryPutError::Full(item));
        }
        self.buffer.push_back(item);
        Ok(None)
    }

    /// Takes the front item, and fills the slot it freed with the front waiting putter's item
    /// at once, so that no running producer can take the slot first. Returns the waker of the
    /// putter served.
    fn take(&mut self) -> Result<(T, Option<Waker>), TryGetError> {
        let Some(item) = self.buffer.pop_front() else {
            return Err(if self.closed {
                TryGetError::Closed
            } else {
                TryGetError::Empty
            });
        };
        // After `close` the waiting putters are refused, not served.
        if self.closed || !self.has_room() {
            return Ok((item, None));
        }
        let putter = self.putters.pop_front().map(|putter| {
            self.buffer.push_back(putter.item);
            putter.waker
        });
        Ok((item, putter))
    }

    /// Takes back an item handed to a getter that was dropped before it collected it: to the
    /// next waiting getter, or to the front of the buffer, where it was the oldest item.
    /// Returns the waker of the getter served.
    fn give_back(&mut self, item: T) -> Option<Waker> {
        if let Some(getter) = self.getters.pop_front() {
            self.handed.insert(getter.id, item);
            return Some(getter.waker);
        }
        // Over capacity if puts refilled the buffer meanwhile: the item cannot be refused.
        self.buffer.push_front(item);
        None
    }

    fn getter_index(&self, id: u64) -> Option<usize> {
        self.getters
            .binary_search_by_key(&id, |getter| getter.id)
            .ok()
    }

    fn putter_index(&self, id: u64) -> Option<usize> {
        self.putters
            .binary_search_by_key(&id, |putter| putter.id)
            .ok()
    }

    /// Puts a getter in line, or refreshes its waker if it is in line already.
    fn register_getter(&mut self, id: &mut Option<u64>, waker: &Waker) {
        if let Some(index) = id.and_then(|id| self.getter_index(id)) {
            let stored = &mut self.getters[index].waker;
            if !stored.will_wake(waker) {
                stored.clone_from(waker);
            }
            return;
        }
        let new = self.new_id();
        *id = Some(new);
        self.getters.push_back(Getter {
            id: new,
            waker: waker.clone(),
        });
    }

    /// Takes a getter out of line, if it is in it.
    fn withdraw_getter(&mut self, id: &mut Option<u64>) {
        if let Some(index) = id.take().and_then(|id| self.getter_index(id)) {
            self.getters.remove(index);
        }
    }
}

fn wake(waker: Option<Waker>) {
    if let Some(waker) = waker {
        waker.wake();
    }
}

impl<T> HandoffQueue<T> {
    /// Creates a queue that holds at most `capacity` items; 0 means unbounded.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_peers::HandoffQueue;
    ///
    /// assert_eq!(HandoffQueue::<u8>::new(3).capacity(), Some(3));
    /// assert_eq!(HandoffQueue::<u8>::new(0).capacity(), None);
    /// ```
    pub fn new(capacity: usize) -> Self {
        Self {
            state: Mutex::new(State {
                buffer: VecDeque::new(),
                capacity,
                closed: false,
                getters: VecDeque::new(),
                putters: VecDeque::new(),
                handed: HashMap::new(),
                next_id: 0,
            }),
        }
    }

    /// Puts an item at the back, waiting while the queue is full.
    ///
    /// A put that waits is completed by the get that frees its slot: its item is in the queue
    /// before the future is polled again.
    ///
    /// # Errors
    ///
    /// The future gives [`PutError`], with the item back, if the queue is closed before there
    /// is room.
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe: dropping the future after a get placed its item leaves the item in
    /// the queue. Dropped while still waiting, it drops the item and puts nothing.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::PutError;
    /// use prodcons_peers::HandoffQueue;
    ///
    /// tokio_test::block_on(async {
    ///     let queue = HandoffQueue::new(0);
    ///     assert_eq!(queue.put("first").await, Ok(()));
    ///     queue.close();
    ///     assert_eq!(queue.put("late").await, Err(PutError("late")));
    /// });
    /// ```
    pub fn put(&self, item: T) -> HandoffPut<'_, T> {
        HandoffPut {
            queue: self,
            item: Some(item),
            id: None,
        }
    }

    /// Takes the item at the front, waiting while the queue is empty.
    ///
    /// A get that waits is completed by the put that comes for it: the item is handed to it
    /// before the future is polled again.
    ///
    /// # Errors
    ///
    /// The future gives [`GetError`] only when the queue is closed and has no items left.
    ///
    /// # Cancel safety
    ///
    /// Loses no item, but not cancel safe: dropping the future after a put handed it an item
    /// gives the item to the next waiting getter, or back to the front of the queue, even past
    /// its capacity.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::GetError;
    /// use prodcons_peers::HandoffQueue;
    ///
    /// tokio_test::block_on(async {
    ///     let queue = HandoffQueue::new(0);
    ///     queue.put(1).await.unwrap();
    ///     queue.close();
    ///     assert_eq!(queue.get().await, Ok(1));
    ///     assert_eq!(queue.get().await, Err(GetError));
    /// });
    /// ```
    pub fn get(&self) -> HandoffGet<'_, T> {
        HandoffGet {
            queue: self,
            id: None,
        }
    }

    /// Puts an item if there is room right now, handing it to the front waiting getter if
    /// there is one.
    ///
    /// # Errors
    ///
    /// [`TryPutError::Full`] when there is no room, [`TryPutError::Closed`] when the queue is
    /// closed; both give the item back.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::TryPutError;
    /// use prodcons_peers::HandoffQueue;
    ///
    /// let queue = HandoffQueue::new(1);
    /// assert_eq!(queue.try_put(1), Ok(()));
    /// assert_eq!(queue.try_put(2), Err(TryPutError::Full(2)));
    /// ```
    pub fn try_put(&self, item: T) -> Result<(), TryPutError<T>> {
        let getter = self.lock().place(item)?;
        wake(getter);
        Ok(())
    }

    /// Takes an item if there is one right now, placing the front waiting putter's item in the
    /// slot it frees.
    ///
    /// # Errors
    ///
    /// [`TryGetError::Empty`] when there is no item, [`TryGetError::Closed`] when the queue is
    /// closed and drained.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::TryGetError;
    /// use prodcons_peers::HandoffQueue;
    ///
    /// let queue = HandoffQueue::new(0);
    /// queue.try_put('x').unwrap();
    /// assert_eq!(queue.try_get(), Ok('x'));
    /// assert_eq!(queue.try_get(), Err(TryGetError::Empty));
    /// ```
    pub fn try_get(&self) -> Result<T, TryGetError> {
        let (item, putter) = self.lock().take()?;
        wake(putter);
        Ok(item)
    }

    /// Closes the queue and wakes every waiting task: waiting getters then find it closed and
    /// drained, waiting putters get their items back. Items already queued, or already handed
    /// to a getter, are still delivered.
    ///
    /// Returns `true` if this call closed it, `false` if it was closed already.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_peers::HandoffQueue;
    ///
    /// let queue = HandoffQueue::<u8>::new(0);
    /// assert!(queue.close());
    /// assert!(!queue.close());
    /// assert!(queue.is_closed());
    /// ```
    pub fn close(&self) -> bool {
        let mut state = self.lock();
        let newly_closed = !state.closed;
        state.closed = true;
        // Waiting getters leave the line: the buffer is empty while they wait, and no put can
        // fill it now, so each will find the queue closed and drained.
        let mut wakers: Vec<Waker> = state.getters.drain(..).map(|getter| getter.waker).collect();
        // Waiting putters stay in line with their items until their futures take them back.
        wakers.extend(state.putters.iter().map(|putter| putter.waker.clone()));
        drop(state);
        wakers.into_iter().for_each(Waker::wake);
        newly_closed
    }

    /// Whether [`close`](Self::close) has been called (see its example).
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// assert!(!prodcons_peers::HandoffQueue::<u8>::new(0).is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.lock().closed
    }

    /// How many items the queue holds now. Items handed to a getter are not counted: they
    /// have left the queue.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_peers::HandoffQueue;
    ///
    /// let queue = HandoffQueue::new(0);
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
    /// use prodcons_peers::HandoffQueue;
    ///
    /// let queue = HandoffQueue::new(0);
    /// assert!(queue.is_empty());
    /// queue.try_put(1).unwrap();
    /// assert!(!queue.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.lock().buffer.is_empty()
    }

    /// The most items the queue holds, or `None` if it is unbounded.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// assert_eq!(prodcons_peers::HandoffQueue::<u8>::new(10).capacity(), Some(10));
    /// ```
    pub fn capacity(&self) -> Option<usize> {
        let capacity = self.lock().capacity;
        (capacity != 0).then_some(capacity)
    }

    /// How many `get` futures are waiting for an item (not those already handed one).
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_peers::HandoffQueue;
    /// use tokio_test::{assert_pending, task};
    ///
    /// let queue = HandoffQueue::<u8>::new(0);
    /// let mut get = task::spawn(queue.get());
    /// assert_pending!(get.poll());
    /// assert_eq!(queue.waiting_getters(), 1);
    /// queue.try_put(7).unwrap();
    /// assert_eq!(queue.waiting_getters(), 0, "served, before it is polled again");
    /// ```
    pub fn waiting_getters(&self) -> usize {
        self.lock().getters.len()
    }

    /// How many `put` futures are waiting for room (not those already placed), including, after
    /// `close`, those that have not yet taken their items back.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_peers::HandoffQueue;
    /// use tokio_test::{assert_pending, task};
    ///
    /// let queue = HandoffQueue::new(1);
    /// queue.try_put(1).unwrap();
    /// let mut put = task::spawn(queue.put(2));
    /// assert_pending!(put.poll());
    /// assert_eq!(queue.waiting_putters(), 1);
    /// ```
    pub fn waiting_putters(&self) -> usize {
        self.lock().putters.len()
    }

    /// The state, locked. A panic cannot leave it half-changed (no user code runs under the
    /// lock), so a poisoned lock is taken as it is.
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        locked(&self.state)
    }
}

impl<T> fmt::Debug for HandoffQueue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("HandoffQueue")
            .field("len", &state.buffer.len())
            .field("capacity", &state.capacity)
            .field("closed", &state.closed)
            .field("waiting_getters", &state.getters.len())
            .field("waiting_putters", &state.putters.len())
            .field("handed", &state.handed.len())
            .finish()
    }
}

/// The future returned by [`HandoffQueue::put`].
///
/// Polled after it completed, it stays pending (the item is gone by then); it never panics.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_peers::HandoffQueue;
/// use tokio_test::{assert_pending, assert_ready_eq, task};
///
/// let queue = HandoffQueue::new(1);
/// queue.try_put(1).unwrap();
/// let mut put = task::spawn(queue.put(2));
/// assert_pending!(put.poll());
/// assert_eq!(queue.try_get(), Ok(1));
/// assert_eq!(queue.len(), 1, "2 is in, before the put is polled again");
/// assert!(put.is_woken());
/// assert_ready_eq!(put.poll(), Ok(()));
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct HandoffPut<'a, T> {
    queue: &'a HandoffQueue<T>,
    /// The item until it is placed or queued with its putter's entry.
    item: Option<T>,
    /// Its entry in the putters' line while it waits.
    id: Option<u64>,
}

/// The future returned by [`HandoffQueue::get`].
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::TryGetError;
/// use prodcons_peers::HandoffQueue;
/// use tokio_test::{assert_pending, assert_ready_eq, task};
///
/// let queue = HandoffQueue::new(0);
/// let mut get = task::spawn(queue.get());
/// assert_pending!(get.poll());
/// queue.try_put('a').unwrap();
/// assert_eq!(queue.try_get(), Err(TryGetError::Empty), "'a' is the waiting get's");
/// assert_ready_eq!(get.poll(), Ok('a'));
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct HandoffGet<'a, T> {
    queue: &'a HandoffQueue<T>,
    /// Its id while it waits, and after a put handed it an item until it collects the item.
    id: Option<u64>,
}

// The item is moved, never pinned in place, so the futures can be Unpin whatever `T` is.
impl<T> Unpin for HandoffPut<'_, T> {}

impl<T> Future for HandoffPut<'_, T> {
    type Output = Result<(), PutError<T>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let mut state = this.queue.lock();
        if let Some(id) = this.id {
            let Some(index) = state.putter_index(id) else {
                // Gone from the line: a get placed the item.
                this.id = None;
                return Poll::Ready(Ok(()));
            };
            if state.closed {
                this.id = None;
                return match state.putters.remove(index) {
                    Some(putter) => Poll::Ready(Err(PutError(putter.item))),
                    None => Poll::Pending,
                };
            }
            let waker = &mut state.putters[index].waker;
            if !waker.will_wake(cx.waker()) {
                waker.clone_from(cx.waker());
            }
            return Poll::Pending;
        }
        let Some(item) = this.item.take() else {
            // Completed already.
            return Poll::Pending;
        };
        // The check and the registration happen under one lock, so no get can free a slot
        // between them and leave this putter waiting beside it.
        match state.place(item) {
            Ok(getter) => {
                drop(state);
                wake(getter);
                Poll::Ready(Ok(()))
            }
            Err(TryPutError::Full(item)) => {
                let id = state.new_id();
                state.putters.push_back(Putter {
                    id,
                    item,
                    waker: cx.waker().clone(),
                });
                this.id = Some(id);
                Poll::Pending
            }
            Err(TryPutError::Closed(item)) => Poll::Ready(Err(PutError(item))),
        }
    }
}

impl<T> Future for HandoffGet<'_, T> {
    type Output = Result<T, GetError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let mut state = this.queue.lock();
        if let Some(id) = this.id {
            if let Some(item) = state.handed.remove(&id) {
                this.id = None;
                return Poll::Ready(Ok(item));
            }
        }
        // As in `HandoffPut::poll`, checking and registering under one lock leaves no window
        // for a put to slip an item in unseen.
        match state.take() {
            Ok((item, putter)) => {
                state.withdraw_getter(&mut this.id);
                drop(state);
                wake(putter);
                Poll::Ready(Ok(item))
            }
            Err(TryGetError::Empty) => {
                state.register_getter(&mut this.id, cx.waker());
                Poll::Pending
            }
            Err(TryGetError::Closed) => {
                state.withdraw_getter(&mut this.id);
                Poll::Ready(Err(GetError))
            }
        }
    }
}

impl<T> Drop for HandoffPut<'_, T> {
    fn drop(&mut self) {
        if let Some(id) = self.id.take() {
            let mut state = self.queue.lock();
            // Still waiting: leave the line, and take the item back. If a get placed the item
            // already, the put happened, and there is nothing to undo.
            let left = state
                .putter_index(id)
                .and_then(|index| state.putters.remove(index));
            drop(state);
            // The item is dropped outside the lock: its destructor is the user's code.
            drop(left);
        }
    }
}

impl<T> Drop for HandoffGet<'_, T> {
    fn drop(&mut self) {
        if let Some(id) = self.id.take() {
            let mut state = self.queue.lock();
            // An item already handed to this getter must not be lost with it.
            let heir = match state.handed.remove(&id) {
                Some(item) => state.give_back(item),
                None => {
                    state.withdraw_getter(&mut Some(id));
                    None
                }
            };
            drop(state);
            wake(heir);
        }
    }
}

/// The channel family of [`HandoffQueue`], for the pipelines' task driver: both ends share one
/// queue. `prodcons run --impl tasks-handoff` runs it on tokio's current-thread runtime, as
/// `tasks` runs [`AsyncQueue`](prodcons::AsyncQueue).
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::channel::{AsyncReceiver, AsyncSender, Closed, TaskChannel};
/// use prodcons_peers::Handoff;
///
/// let (tx, rx) = Handoff::channel::<u64>(1);
/// assert_eq!(tx.try_put(1), Ok(Ok(())));
/// assert_eq!(tx.try_put(2), Ok(Err(2)), "full: the item comes back");
/// // Both ends are the one queue, so the end's trait names which `close`.
/// AsyncSender::close(&tx);
/// assert_eq!(rx.try_get(), Ok(Some(1)), "a get drains what was queued");
/// assert_eq!(rx.try_get(), Err(Closed));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Handoff;

impl<T: Send + 'static> AsyncSender<T> for End<Arc<HandoffQueue<T>>> {
    async fn put(&self, item: T) -> Result<(), Closed> {
        self.0.put(item).await.map_err(|_| Closed)
    }

    fn try_put(&self, item: T) -> Result<Result<(), T>, Closed> {
        match self.0.try_put(item) {
            Ok(()) => Ok(Ok(())),
            Err(TryPutError::Full(item)) => Ok(Err(item)),
            Err(TryPutError::Closed(_)) => Err(Closed),
        }
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn close(&self) {
        self.0.close();
    }
}

impl<T: Send + 'static> AsyncReceiver<T> for End<Arc<HandoffQueue<T>>> {
    async fn get(&self) -> Result<T, Closed> {
        self.0.get().await.map_err(|_| Closed)
    }

    fn try_get(&self) -> Result<Option<T>, Closed> {
        match self.0.try_get() {
            Ok(item) => Ok(Some(item)),
            Err(TryGetError::Empty) => Ok(None),
            Err(TryGetError::Closed) => Err(Closed),
        }
    }

    fn close(&self) {
        self.0.close();
    }
}

impl TaskChannel for Handoff {
    type Tx<T: Send + 'static> = End<Arc<HandoffQueue<T>>>;
    type Rx<T: Send + 'static> = End<Arc<HandoffQueue<T>>>;

    fn channel<T: Send + 'static>(capacity: usize) -> (Self::Tx<T>, Self::Rx<T>) {
        let queue = Arc::new(HandoffQueue::new(capacity));
        (End(Arc::clone(&queue)), End(queue))
    }
}

/// [`Handoff`]'s ends on a multi-thread runtime (real parallelism, unlike the pipelines'
/// current-thread runtime, so that more interleavings are tried), with the operations `ops`.
fn handoff_peer(name: &'static str, semantics: &'static str, ops: OpSet) -> Box<dyn Target> {
    Box::new(Peer {
        name,
        semantics,
        discards_on_close: false,
        ops,
        capacities: ANY,
        runtime: Some(LazyRuntime::new(Flavor::MultiThread)),
        run: |peer, scenario, watch| {
            on_tasks(
                peer,
                TaskEnds::<Handoff>::new(scenario.capacity),
                scenario,
                watch,
            )
        },
    })
}

/// The checker's `tasks-handoff` target, without cancellation, which the hand-off gives up
/// (`tasks-handoff-cancel`).
pub(crate) fn target() -> Box<dyn Target> {
    handoff_peer(
        "tasks-handoff",
        "none: close as Python's; waiters served directly by the put or get that frees them; \
         tokio multi-thread",
        OpSet::ALL,
    )
}

/// `tasks-handoff-cancel`, with cancelled gets and puts: a known failure (see the module's
/// documentation).
pub(crate) fn cancel_target() -> Box<dyn Target> {
    handoff_peer(
        "tasks-handoff-cancel",
        "tasks-handoff with cancelled gets and puts: a put dropped after a get placed its item \
         still happened, and a get dropped after a put handed it an item gives it back",
        OpSet::ALL.with_cancel(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_test::task::spawn;
    use tokio_test::{assert_pending, assert_ready, assert_ready_eq};

    /// (a) I3/I4, and the point of the queue: a get that frees a slot places the front
    /// waiting putter's item at once, so a third party's `try_put` finds the queue full and
    /// the woken putter, polled afterwards, has nothing left to do.
    #[test]
    fn a_freed_slot_is_filled_by_the_waiting_putter_before_it_is_polled() {
        let queue = HandoffQueue::new(1);
        queue.try_put(1).unwrap();
        let mut put = spawn(queue.put(2));
        assert_pending!(put.poll());
        assert_eq!(queue.try_get(), Ok(1));
        assert!(put.is_woken());
        assert_eq!(queue.len(), 1);
        assert_eq!(queue.waiting_putters(), 0);
        assert_eq!(
            queue.try_put(3),
            Err(TryPutError::Full(3)),
            "no futile wakeup"
        );
        assert_ready_eq!(put.poll(), Ok(()));
        assert_eq!(queue.try_get(), Ok(2));
    }

    /// I4: the same through a `get` future; the waiting putter is served by it as by
    /// `try_get`.
    #[test]
    fn a_get_future_serves_the_waiting_putter_too() {
        let queue = HandoffQueue::new(1);
        queue.try_put(1).unwrap();
        let mut put = spawn(queue.put(2));
        assert_pending!(put.poll());
        let mut get = spawn(queue.get());
        assert_ready_eq!(get.poll(), Ok(1));
        assert_eq!(queue.try_put(3), Err(TryPutError::Full(3)));
        assert_ready_eq!(put.poll(), Ok(()));
    }

    /// (b) I2 exactly once: a put with a getter waiting hands the item to that getter, so a
    /// `try_get` that runs before the getter is polled again finds nothing.
    #[test]
    fn a_put_hands_its_item_to_the_waiting_getter() {
        let queue = HandoffQueue::new(1);
        let mut get = spawn(queue.get());
        assert_pending!(get.poll());
        let mut put = spawn(queue.put(7));
        assert_ready_eq!(put.poll(), Ok(()));
        assert!(get.is_woken());
        assert_eq!(queue.try_get(), Err(TryGetError::Empty));
        assert_eq!(queue.len(), 0);
        assert_eq!(queue.try_put(8), Ok(()), "the handed item takes no slot");
        assert_ready_eq!(get.poll(), Ok(7));
        assert_eq!(queue.try_get(), Ok(8));
    }

    /// (c) I6: close wakes every waiter; waiting getters fail, waiting putters get their items
    /// back, queued items are still delivered, and a later put fails with its item.
    #[test]
    fn close_wakes_every_waiter_and_queued_items_are_still_delivered() {
        let empty = HandoffQueue::<u8>::new(1);
        let mut getters = [spawn(empty.get()), spawn(empty.get())];
        for getter in &mut getters {
            assert_pending!(getter.poll());
        }
        assert!(empty.close());
        for getter in &mut getters {
            assert!(getter.is_woken());
            assert_ready_eq!(getter.poll(), Err(GetError));
        }

        let full = HandoffQueue::new(1);
        full.try_put(1).unwrap();
        let mut putters = [spawn(full.put(2)), spawn(full.put(3))];
        for putter in &mut putters {
            assert_pending!(putter.poll());
        }
        assert!(full.close());
        assert!(!full.close());
        // A get after the close frees a slot, but refused putters are not placed.
        assert_eq!(full.try_get(), Ok(1));
        for (putter, item) in putters.iter_mut().zip([2, 3]) {
            assert!(putter.is_woken());
            assert_ready_eq!(putter.poll(), Err(PutError(item)));
        }
        assert_eq!(full.waiting_putters(), 0);
        assert_eq!(full.try_get(), Err(TryGetError::Closed));
        assert_eq!(full.try_put(4), Err(TryPutError::Closed(4)));
        let mut late = spawn(full.put(5));
        assert_ready_eq!(late.poll(), Err(PutError(5)));
    }

    /// I6: an item handed to a getter before the close is still that getter's after it.
    #[test]
    fn an_item_handed_before_close_is_delivered_after_it() {
        let queue = HandoffQueue::new(0);
        let mut get = spawn(queue.get());
        assert_pending!(get.poll());
        queue.try_put(1).unwrap();
        queue.close();
        assert_ready_eq!(get.poll(), Ok(1));
    }

    /// (d) I3: with several waiters on each side, getters are served in the order they came,
    /// with the items in the order they were put, and putters are placed in the order they
    /// came.
    #[test]
    fn waiters_are_served_in_fifo_order() {
        let queue = HandoffQueue::new(2);
        let mut getters: Vec<_> = (0..3).map(|_| spawn(queue.get())).collect();
        for getter in &mut getters {
            assert_pending!(getter.poll());
        }
        for item in 10..13 {
            queue.try_put(item).unwrap();
        }
        // Polled in reverse, to show that the order is fixed when they are served.
        for (getter, item) in getters.iter_mut().zip(10..13).rev() {
            assert_ready_eq!(getter.poll(), Ok(item));
        }

        queue.try_put(20).unwrap();
        queue.try_put(21).unwrap();
        let mut putters: Vec<_> = (22..25).map(|item| spawn(queue.put(item))).collect();
        for putter in &mut putters {
            assert_pending!(putter.poll());
        }
        let taken: Vec<_> = (20..25).map(|_| queue.try_get().unwrap()).collect();
        assert_eq!(taken, [20, 21, 22, 23, 24]);
        for putter in &mut putters {
            assert_ready_eq!(putter.poll(), Ok(()));
        }
    }

    /// (e) I7, as far as this queue keeps it: a getter dropped after it was handed an item
    /// passes the item to the next waiting getter, so nothing is lost.
    #[test]
    fn a_dropped_getter_passes_its_item_to_the_next_getter() {
        let queue = HandoffQueue::new(1);
        let mut first = spawn(queue.get());
        let mut second = spawn(queue.get());
        assert_pending!(first.poll());
        assert_pending!(second.poll());
        queue.try_put(1).unwrap();
        assert!(first.is_woken());
        assert!(!second.is_woken());
        drop(first);
        assert!(second.is_woken());
        assert_ready_eq!(second.poll(), Ok(1));
    }

    /// (e) With no getter waiting, the item goes back to the front of the queue, ahead of
    /// what was put after it, even past the capacity: the documented cost of the hand-off.
    #[test]
    fn a_dropped_getter_puts_its_item_back_at_the_front_even_past_capacity() {
        let queue = HandoffQueue::new(1);
        let mut get = spawn(queue.get());
        assert_pending!(get.poll());
        queue.try_put(1).unwrap();
        queue.try_put(2).unwrap();
        drop(get);
        assert_eq!(queue.len(), 2, "over capacity");
        assert_eq!(queue.try_get(), Ok(1));
        assert_eq!(queue.try_get(), Ok(2));
    }

    /// (e) A putter dropped after a get placed its item leaves the item in: the put
    /// happened. One dropped while still waiting takes its item with it.
    #[test]
    fn a_dropped_putter_leaves_a_placed_item_and_takes_a_waiting_one() {
        let queue = HandoffQueue::new(1);
        queue.try_put(1).unwrap();
        let mut placed = spawn(queue.put(2));
        let mut waiting = spawn(queue.put(3));
        assert_pending!(placed.poll());
        assert_pending!(waiting.poll());
        assert_eq!(queue.try_get(), Ok(1));
        drop(placed);
        drop(waiting);
        assert_eq!(queue.waiting_putters(), 0);
        assert_eq!(queue.try_get(), Ok(2));
        assert_eq!(queue.try_get(), Err(TryGetError::Empty));
    }

    /// I7: a dropped getter that was never served just leaves the line.
    #[test]
    fn a_dropped_waiting_getter_leaves_the_line() {
        let queue = HandoffQueue::new(1);
        let mut gone = spawn(queue.get());
        let mut next = spawn(queue.get());
        assert_pending!(gone.poll());
        assert_pending!(next.poll());
        drop(gone);
        assert_eq!(queue.waiting_getters(), 1);
        queue.try_put(5).unwrap();
        assert_ready_eq!(next.poll(), Ok(5));
    }

    /// I3: a waiter polled again with nothing changed keeps its place in line.
    #[test]
    fn a_spurious_poll_keeps_the_place_in_line() {
        let queue = HandoffQueue::new(1);
        let mut first = spawn(queue.get());
        let mut second = spawn(queue.get());
        assert_pending!(first.poll());
        assert_pending!(second.poll());
        assert_pending!(first.poll());
        assert_eq!(queue.waiting_getters(), 2);
        queue.try_put(1).unwrap();
        assert_pending!(second.poll());
        assert_eq!(assert_ready!(first.poll()), Ok(1));
    }
}
