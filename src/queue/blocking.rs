//! [`BlockingQueue`]: Python's `queue.Queue` for threads.

use std::fmt;

use super::buffer::Buffer;
use super::error::{GetError, PutError, TryGetError, TryPutError};
use crate::loom::sync::{Condvar, Mutex};

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
}

struct State<T> {
    buffer: Buffer<T>,
    /// Threads inside `not_empty.wait`, and inside `not_full.wait`.
    waiting_getters: usize,
    waiting_putters: usize,
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
                waiting_getters: 0,
                waiting_putters: 0,
            }),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
        }
    }

    /// Puts an item at the back, waiting while the queue is full.
    ///
    /// Fails, giving the item back, if the queue is closed before there is room.
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
        while state.buffer.is_full() && !state.buffer.is_closed() {
            state.waiting_putters += 1;
            state = self.not_full.wait(state);
            state.waiting_putters -= 1;
        }
        state.buffer.push(item).map_err(PutError)?;
        drop(state);
        self.not_empty.notify_one();
        Ok(())
    }

    /// Takes the item at the front, waiting while the queue is empty.
    ///
    /// Fails only when the queue is closed and has no items left.
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
        while state.buffer.is_empty() && !state.buffer.is_closed() {
            state.waiting_getters += 1;
            state = self.not_empty.wait(state);
            state.waiting_getters -= 1;
        }
        let item = state.buffer.pop().ok_or(GetError)?;
        drop(state);
        self.not_full.notify_one();
        Ok(item)
    }

    /// Puts an item if there is room right now, like Python's `put_nowait`.
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
        self.state.lock().buffer.try_put(item)?;
        self.not_empty.notify_one();
        Ok(())
    }

    /// Takes an item if there is one right now, like Python's `get_nowait`.
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
        let item = self.state.lock().buffer.try_get()?;
        self.not_full.notify_one();
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

    /// Wakes every blocked thread without changing anything, as a spurious wakeup would.
    ///
    /// Only in a `--cfg loom` build. Loom's condition variables never wake spuriously, so the
    /// loom models call this from a thread of their own, at every point loom can place it, to
    /// check that each wait re-checks its condition before going on.
    #[cfg(loom)]
    #[doc(hidden)]
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
        self.state.lock().waiting_getters
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
        self.state.lock().waiting_putters
    }
}

impl<T> fmt::Debug for BlockingQueue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.lock();
        f.debug_struct("BlockingQueue")
            .field("len", &state.buffer.len())
            .field("capacity", &state.buffer.capacity())
            .field("closed", &state.buffer.is_closed())
            .field("waiting_getters", &state.waiting_getters)
            .field("waiting_putters", &state.waiting_putters)
            .finish()
    }
}
