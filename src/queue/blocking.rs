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
    buffer: Mutex<Buffer<T>>,
    // Two condition variables, so that a put wakes a getter and never another putter: with one
    // shared condvar, `notify_one` can wake the wrong side and every thread can end up asleep.
    not_empty: Condvar,
    not_full: Condvar,
}

impl<T> BlockingQueue<T> {
    /// Creates a queue that holds at most `capacity` items; 0 means unbounded.
    ///
    /// ```
    /// use prodcons::BlockingQueue;
    ///
    /// assert_eq!(BlockingQueue::<u8>::new(3).capacity(), Some(3));
    /// assert_eq!(BlockingQueue::<u8>::new(0).capacity(), None);
    /// ```
    pub fn new(capacity: usize) -> Self {
        Self {
            buffer: Mutex::new(Buffer::new(capacity)),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
        }
    }

    /// Puts an item at the back, waiting while the queue is full.
    ///
    /// Fails, giving the item back, if the queue is closed before there is room.
    ///
    /// ```
    /// use prodcons::{BlockingQueue, PutError};
    ///
    /// let queue = BlockingQueue::new(0);
    /// assert_eq!(queue.put("first"), Ok(()));
    /// queue.close();
    /// assert_eq!(queue.put("late"), Err(PutError("late")));
    /// ```
    pub fn put(&self, item: T) -> Result<(), PutError<T>> {
        let mut buffer = self.buffer.lock();
        while buffer.is_full() && !buffer.is_closed() {
            buffer = self.not_full.wait(buffer);
        }
        buffer.push(item).map_err(PutError)?;
        drop(buffer);
        self.not_empty.notify_one();
        Ok(())
    }

    /// Takes the item at the front, waiting while the queue is empty.
    ///
    /// Fails only when the queue is closed and has no items left.
    ///
    /// ```
    /// use prodcons::{BlockingQueue, GetError};
    ///
    /// let queue = BlockingQueue::new(0);
    /// queue.put(1).unwrap();
    /// queue.close();
    /// assert_eq!(queue.get(), Ok(1));
    /// assert_eq!(queue.get(), Err(GetError));
    /// ```
    pub fn get(&self) -> Result<T, GetError> {
        let mut buffer = self.buffer.lock();
        while buffer.is_empty() && !buffer.is_closed() {
            buffer = self.not_empty.wait(buffer);
        }
        let item = buffer.pop().ok_or(GetError)?;
        drop(buffer);
        self.not_full.notify_one();
        Ok(item)
    }

    /// Puts an item if there is room right now, like Python's `put_nowait`.
    ///
    /// ```
    /// use prodcons::{BlockingQueue, TryPutError};
    ///
    /// let queue = BlockingQueue::new(1);
    /// assert_eq!(queue.try_put(1), Ok(()));
    /// assert_eq!(queue.try_put(2), Err(TryPutError::Full(2)));
    /// ```
    pub fn try_put(&self, item: T) -> Result<(), TryPutError<T>> {
        self.buffer.lock().try_put(item)?;
        self.not_empty.notify_one();
        Ok(())
    }

    /// Takes an item if there is one right now, like Python's `get_nowait`.
    ///
    /// ```
    /// use prodcons::{BlockingQueue, TryGetError};
    ///
    /// let queue = BlockingQueue::new(0);
    /// queue.put('x').unwrap();
    /// assert_eq!(queue.try_get(), Ok('x'));
    /// assert_eq!(queue.try_get(), Err(TryGetError::Empty));
    /// ```
    pub fn try_get(&self) -> Result<T, TryGetError> {
        let item = self.buffer.lock().try_get()?;
        self.not_full.notify_one();
        Ok(item)
    }

    /// Closes the queue and wakes every blocked thread.
    ///
    /// Returns `true` if this call closed it, `false` if it was closed already.
    ///
    /// ```
    /// use prodcons::BlockingQueue;
    ///
    /// let queue = BlockingQueue::<u8>::new(0);
    /// assert!(queue.close());
    /// assert!(!queue.close());
    /// ```
    pub fn close(&self) -> bool {
        let newly_closed = self.buffer.lock().close();
        if newly_closed {
            self.not_empty.notify_all();
            self.not_full.notify_all();
        }
        newly_closed
    }

    /// Whether [`close`](BlockingQueue::close) has been called.
    ///
    /// ```
    /// use prodcons::BlockingQueue;
    ///
    /// let queue = BlockingQueue::<u8>::new(0);
    /// assert!(!queue.is_closed());
    /// queue.close();
    /// assert!(queue.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.buffer.lock().is_closed()
    }

    /// How many items the queue holds now.
    ///
    /// ```
    /// use prodcons::BlockingQueue;
    ///
    /// let queue = BlockingQueue::new(0);
    /// queue.put(1).unwrap();
    /// queue.put(2).unwrap();
    /// assert_eq!(queue.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.buffer.lock().len()
    }

    /// Whether the queue holds no items now.
    ///
    /// ```
    /// use prodcons::BlockingQueue;
    ///
    /// let queue = BlockingQueue::new(0);
    /// assert!(queue.is_empty());
    /// queue.put(1).unwrap();
    /// assert!(!queue.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.buffer.lock().is_empty()
    }

    /// Whether the queue holds `capacity` items now. An unbounded queue is never full.
    ///
    /// ```
    /// use prodcons::BlockingQueue;
    ///
    /// let queue = BlockingQueue::new(1);
    /// assert!(!queue.is_full());
    /// queue.put(1).unwrap();
    /// assert!(queue.is_full());
    /// ```
    pub fn is_full(&self) -> bool {
        self.buffer.lock().is_full()
    }

    /// The most items the queue holds, or `None` if it is unbounded.
    ///
    /// ```
    /// use prodcons::BlockingQueue;
    ///
    /// assert_eq!(BlockingQueue::<u8>::new(10).capacity(), Some(10));
    /// assert_eq!(BlockingQueue::<u8>::new(0).capacity(), None);
    /// ```
    pub fn capacity(&self) -> Option<usize> {
        self.buffer.lock().capacity()
    }
}

impl<T> fmt::Debug for BlockingQueue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let buffer = self.buffer.lock();
        f.debug_struct("BlockingQueue")
            .field("len", &buffer.len())
            .field("capacity", &buffer.capacity())
            .field("closed", &buffer.is_closed())
            .finish()
    }
}
