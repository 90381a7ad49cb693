//! The state both queues keep under their lock: the items, the capacity and the closed flag.
//!
//! It knows nothing of waiting. `BlockingQueue` adds condition variables around it and
//! `AsyncQueue` adds waker lists; keeping the rules for "full", "empty" and "closed" here means
//! the two queues cannot drift apart on them.

use std::collections::VecDeque;

use super::error::{TryGetError, TryPutError};

#[derive(Debug)]
pub(crate) struct Buffer<T> {
    items: VecDeque<T>,
    /// Zero means unbounded, as in Python's `Queue(maxsize=0)`.
    capacity: usize,
    closed: bool,
}

impl<T> Buffer<T> {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            items: VecDeque::new(),
            capacity,
            closed: false,
        }
    }

    pub(crate) fn capacity(&self) -> Option<usize> {
        (self.capacity != 0).then_some(self.capacity)
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub(crate) fn is_full(&self) -> bool {
        self.capacity != 0 && self.items.len() >= self.capacity
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed
    }

    /// Appends an item unless the queue is closed.
    ///
    /// It does not look at the capacity: a blocking `put` has already waited for room, and
    /// checking twice would hide a waiting loop that forgot to re-check.
    pub(crate) fn push(&mut self, item: T) -> Result<(), T> {
        if self.closed {
            return Err(item);
        }
        self.items.push_back(item);
        Ok(())
    }

    /// Takes the oldest item. A closed queue still hands out what it holds.
    pub(crate) fn pop(&mut self) -> Option<T> {
        self.items.pop_front()
    }

    /// Places an item if the queue is open and has room.
    pub(crate) fn try_put(&mut self, item: T) -> Result<(), TryPutError<T>> {
        if self.is_full() && !self.closed {
            return Err(TryPutError::Full(item));
        }
        self.push(item).map_err(TryPutError::Closed)
    }

    /// Takes the oldest item, or says why there is none.
    pub(crate) fn try_get(&mut self) -> Result<T, TryGetError> {
        match self.pop() {
            Some(item) => Ok(item),
            None if self.closed => Err(TryGetError::Closed),
            None => Err(TryGetError::Empty),
        }
    }

    /// Marks the queue closed; returns whether this call was the one that closed it.
    pub(crate) fn close(&mut self) -> bool {
        !std::mem::replace(&mut self.closed, true)
    }
}
