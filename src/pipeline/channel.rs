//! The little a pipeline driver needs of a queue, so that one driver serves several queues.
//!
//! A driver holds split ends: a sender for producers and a receiver for consumers. That lets a
//! channel that closes by disconnection (crossbeam-channel) release blocked workers the way it
//! was designed to, by dropping ends, while our queues release them by `close`.
//!
//! Implement [`ThreadChannel`] or [`TaskChannel`] for a channel family, and
//! [`Pipeline::on_threads`](crate::Pipeline::on_threads) or
//! [`Pipeline::on_tasks`](crate::Pipeline::on_tasks) runs the assignment's `pc` on it, with
//! the same drivers, checks and counters as on ours.
//!
//! ```
//! # if prodcons::BUILT_WITH_LOOM { return Ok(()); }
//! use prodcons::channel::{Closed, OurQueues, Receiver, Sender, ThreadChannel};
//!
//! let (tx, rx) = <OurQueues as ThreadChannel>::channel::<u64>(1);
//! Sender::put(&tx, 7)?;
//! assert_eq!(Sender::try_put(&tx, 8)?, Err(8), "full: the item comes back");
//! assert_eq!(Receiver::get(&rx)?, 7);
//! Sender::close(&tx);
//! assert_eq!(Receiver::get(&rx), Err(Closed));
//! # Ok::<(), Closed>(())
//! ```

use std::future::Future;

use super::MAX_PREALLOCATED_BOUND;
use super::error::PipelineError;
use super::params::Params;
use crate::loom::sync::Arc;
use crate::queue::{AsyncQueue, BlockingQueue, TryGetError, TryPutError};

/// The channel is closed (ours) or disconnected (crossbeam's): the worker should stop.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::channel::{Closed, OurQueues, Sender, ThreadChannel};
///
/// let (tx, _rx) = <OurQueues as ThreadChannel>::channel::<u64>(0);
/// assert_eq!(tx.put(1), Ok(()));
/// tx.close();
/// assert_eq!(tx.put(2), Err(Closed));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Closed;

/// The end producers put into, from a thread (see the [module](self) example).
pub trait Sender<T>: Clone + Send + 'static {
    /// Puts `item`, waiting for room while the channel is full.
    fn put(&self, item: T) -> Result<(), Closed>;
    /// A put that never waits: `Ok(Err(item))` hands the item back when the channel is full.
    /// Counted runs call it first, to tell a put that had to wait from one that did not.
    fn try_put(&self, item: T) -> Result<Result<(), T>, Closed>;
    /// How many items the channel holds now; traced runs check it against the capacity.
    fn len(&self) -> usize;
    /// Whether the channel holds no item now.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Releases every worker blocked on this channel, on either end.
    fn close(&self);
    /// How many times a blocking call on this thread woke up only to find it had to wait
    /// again, so far; counted runs read it before and after each call. `None`, the default,
    /// when the channel cannot tell.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::channel::{OurQueues, Sender, ThreadChannel};
    ///
    /// let (tx, _rx) = <OurQueues as ThreadChannel>::channel::<u64>(0);
    /// let before = tx.futile_wakeups_here().unwrap();
    /// tx.put(1).unwrap();
    /// assert_eq!(tx.futile_wakeups_here(), Some(before), "a put that never slept");
    /// ```
    fn futile_wakeups_here(&self) -> Option<u64> {
        None
    }
}

/// The end consumers take from, from a thread (see the [module](self) example).
pub trait Receiver<T>: Clone + Send + 'static {
    /// Takes the oldest item, waiting while the channel is empty.
    fn get(&self) -> Result<T, Closed>;
    /// A get that never waits: `Ok(None)` when the channel is empty.
    fn try_get(&self) -> Result<Option<T>, Closed>;
    /// Releases every worker blocked on this channel, on either end.
    fn close(&self);
    /// As [`Sender::futile_wakeups_here`].
    fn futile_wakeups_here(&self) -> Option<u64> {
        None
    }
}

/// A family of channels for the thread driver (see the [module](self) example).
pub trait ThreadChannel {
    /// The producers' end.
    type Tx<T: Send + 'static>: Sender<T>;
    /// The consumers' end.
    type Rx<T: Send + 'static>: Receiver<T>;

    /// A channel holding at most `capacity` items; 0 means unbounded.
    fn channel<T: Send + 'static>(capacity: usize) -> (Self::Tx<T>, Self::Rx<T>);
}

/// The end producers put into, from a task.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::channel::{AsyncReceiver, AsyncSender, OurQueues, TaskChannel};
///
/// let (tx, rx) = <OurQueues as TaskChannel>::channel::<u64>(1);
/// tokio_test::block_on(async {
///     tx.put(3).await.unwrap();
///     assert_eq!(rx.get().await, Ok(3));
/// });
/// assert_eq!(rx.try_get(), Ok(None));
/// ```
pub trait AsyncSender<T>: Clone + Send + Sync + 'static {
    /// Puts `item`, waiting for room while the channel is full.
    fn put(&self, item: T) -> impl Future<Output = Result<(), Closed>> + Send;
    /// A put that never waits: `Ok(Err(item))` hands the item back when the channel is full.
    /// Counted runs call it first, to tell a put that had to wait from one that did not.
    fn try_put(&self, item: T) -> Result<Result<(), T>, Closed>;
    /// How many items the channel holds now; traced runs check it against the capacity.
    fn len(&self) -> usize;
    /// Whether the channel holds no item now.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Releases every task waiting on this channel, on either end.
    fn close(&self);
}

/// The end consumers take from, from a task (see [`AsyncSender`]'s example).
pub trait AsyncReceiver<T>: Clone + Send + Sync + 'static {
    /// Takes the oldest item, waiting while the channel is empty.
    fn get(&self) -> impl Future<Output = Result<T, Closed>> + Send;
    /// A get that never waits: `Ok(None)` when the channel is empty.
    fn try_get(&self) -> Result<Option<T>, Closed>;
    /// Releases every task waiting on this channel, on either end.
    fn close(&self);
}

/// A family of channels for the task driver (see [`AsyncSender`]'s example).
pub trait TaskChannel {
    /// The producers' end.
    type Tx<T: Send + 'static>: AsyncSender<T>;
    /// The consumers' end.
    type Rx<T: Send + 'static>: AsyncReceiver<T>;

    /// A channel holding at most `capacity` items; 0 means unbounded.
    fn channel<T: Send + 'static>(capacity: usize) -> (Self::Tx<T>, Self::Rx<T>);
}

/// Our queues: [`BlockingQueue`] for threads, [`AsyncQueue`] for tasks.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::channel::{OurQueues, Sender, ThreadChannel};
///
/// let (tx, _rx) = <OurQueues as ThreadChannel>::channel::<u64>(0);
/// assert_eq!(tx.put(1), Ok(()));
/// assert_eq!(tx.len(), 1);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct OurQueues;

fn from_try_put<T>(attempt: Result<(), TryPutError<T>>) -> Result<Result<(), T>, Closed> {
    match attempt {
        Ok(()) => Ok(Ok(())),
        Err(TryPutError::Full(item)) => Ok(Err(item)),
        Err(TryPutError::Closed(_)) => Err(Closed),
    }
}

fn from_try_get<T>(attempt: Result<T, TryGetError>) -> Result<Option<T>, Closed> {
    match attempt {
        Ok(item) => Ok(Some(item)),
        Err(TryGetError::Empty) => Ok(None),
        Err(TryGetError::Closed) => Err(Closed),
    }
}

impl<T: Send + 'static> Sender<T> for Arc<BlockingQueue<T>> {
    fn put(&self, item: T) -> Result<(), Closed> {
        BlockingQueue::put(self, item).map_err(|_| Closed)
    }

    fn try_put(&self, item: T) -> Result<Result<(), T>, Closed> {
        from_try_put(BlockingQueue::try_put(self, item))
    }

    fn len(&self) -> usize {
        BlockingQueue::len(self)
    }

    fn close(&self) {
        BlockingQueue::close(self);
    }

    fn futile_wakeups_here(&self) -> Option<u64> {
        Some(crate::queue::futile::on_this_thread())
    }
}

impl<T: Send + 'static> Receiver<T> for Arc<BlockingQueue<T>> {
    fn get(&self) -> Result<T, Closed> {
        BlockingQueue::get(self).map_err(|_| Closed)
    }

    fn try_get(&self) -> Result<Option<T>, Closed> {
        from_try_get(BlockingQueue::try_get(self))
    }

    fn close(&self) {
        BlockingQueue::close(self);
    }

    fn futile_wakeups_here(&self) -> Option<u64> {
        Some(crate::queue::futile::on_this_thread())
    }
}

impl ThreadChannel for OurQueues {
    type Tx<T: Send + 'static> = Arc<BlockingQueue<T>>;
    type Rx<T: Send + 'static> = Arc<BlockingQueue<T>>;

    fn channel<T: Send + 'static>(capacity: usize) -> (Self::Tx<T>, Self::Rx<T>) {
        let queue = Arc::new(BlockingQueue::new(capacity));
        (Arc::clone(&queue), queue)
    }
}

impl<T: Send + 'static> AsyncSender<T> for Arc<AsyncQueue<T>> {
    async fn put(&self, item: T) -> Result<(), Closed> {
        AsyncQueue::put(self, item).await.map_err(|_| Closed)
    }

    fn try_put(&self, item: T) -> Result<Result<(), T>, Closed> {
        from_try_put(AsyncQueue::try_put(self, item))
    }

    fn len(&self) -> usize {
        AsyncQueue::len(self)
    }

    fn close(&self) {
        AsyncQueue::close(self);
    }
}

impl<T: Send + 'static> AsyncReceiver<T> for Arc<AsyncQueue<T>> {
    async fn get(&self) -> Result<T, Closed> {
        AsyncQueue::get(self).await.map_err(|_| Closed)
    }

    fn try_get(&self) -> Result<Option<T>, Closed> {
        from_try_get(AsyncQueue::try_get(self))
    }

    fn close(&self) {
        AsyncQueue::close(self);
    }
}

impl TaskChannel for OurQueues {
    type Tx<T: Send + 'static> = Arc<AsyncQueue<T>>;
    type Rx<T: Send + 'static> = Arc<AsyncQueue<T>>;

    fn channel<T: Send + 'static>(capacity: usize) -> (Self::Tx<T>, Self::Rx<T>) {
        let queue = Arc::new(AsyncQueue::new(capacity));
        (Arc::clone(&queue), queue)
    }
}

/// Refuses, before anything is allocated, bounds that `queue`, a channel crate that allocates
/// its slots up front, could not allocate.
pub(crate) fn check_preallocated_bounds(
    params: &Params,
    queue: &'static str,
) -> Result<(), PipelineError> {
    let too_large = |bound: usize| PipelineError::BoundTooLarge {
        queue,
        bound,
        limit: MAX_PREALLOCATED_BOUND,
    };
    if params.buffer_bound() > MAX_PREALLOCATED_BOUND {
        return Err(too_large(params.buffer_bound()));
    }
    if params.num_prods_cons() > MAX_PREALLOCATED_BOUND {
        return Err(too_large(params.num_prods_cons()));
    }
    Ok(())
}
