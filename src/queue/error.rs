//! What the queue operations return when they cannot do their job.
//!
//! The shapes follow crossbeam-channel's: an operation that was handed an item gives it back in
//! the error, so nothing is lost when a queue is full or closed.

use std::fmt;

/// A blocking or async `put` found the queue closed; the item comes back.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::{BlockingQueue, PutError};
///
/// let queue = BlockingQueue::new(0);
/// assert_eq!(queue.put(1), Ok(()));
/// queue.close();
/// assert_eq!(queue.put(2), Err(PutError(2)));
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PutError<T>(pub T);

/// A `try_put` could not place the item right away; the item comes back.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::{BlockingQueue, TryPutError};
///
/// let queue = BlockingQueue::new(1);
/// assert_eq!(queue.try_put('a'), Ok(()));
/// assert_eq!(queue.try_put('b'), Err(TryPutError::Full('b')));
/// queue.close();
/// assert_eq!(queue.try_put('c'), Err(TryPutError::Closed('c')));
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TryPutError<T> {
    /// The queue holds `capacity` items already.
    Full(T),
    /// The queue was closed.
    Closed(T),
}

/// A blocking or async `get` found the queue closed and drained.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::{BlockingQueue, GetError};
///
/// let queue = BlockingQueue::new(0);
/// queue.put(7).unwrap();
/// queue.close();
/// assert_eq!(queue.get(), Ok(7));
/// assert_eq!(queue.get(), Err(GetError));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GetError;

/// A `try_get` found no item to take right away.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::{BlockingQueue, TryGetError};
///
/// let queue = BlockingQueue::<u8>::new(0);
/// assert_eq!(queue.try_get(), Err(TryGetError::Empty));
/// queue.close();
/// assert_eq!(queue.try_get(), Err(TryGetError::Closed));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TryGetError {
    /// The queue is empty but still open: an item may come later.
    Empty,
    /// The queue is closed and empty: no item will ever come.
    Closed,
}

impl<T> PutError<T> {
    /// Gives back the item that could not be put.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::BlockingQueue;
    ///
    /// let queue = BlockingQueue::new(0);
    /// queue.close();
    /// assert_eq!(queue.put("kept").unwrap_err().into_inner(), "kept");
    /// ```
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> TryPutError<T> {
    /// Gives back the item that could not be put.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::BlockingQueue;
    ///
    /// let queue = BlockingQueue::new(1);
    /// queue.put(1).unwrap();
    /// assert_eq!(queue.try_put(2).unwrap_err().into_inner(), 2);
    /// ```
    pub fn into_inner(self) -> T {
        match self {
            Self::Full(item) | Self::Closed(item) => item,
        }
    }

    /// Whether the queue was full (rather than closed).
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::BlockingQueue;
    ///
    /// let queue = BlockingQueue::new(1);
    /// queue.put(1).unwrap();
    /// assert!(queue.try_put(2).unwrap_err().is_full());
    /// queue.close();
    /// assert!(!queue.try_put(3).unwrap_err().is_full());
    /// ```
    pub fn is_full(&self) -> bool {
        matches!(self, Self::Full(_))
    }

    /// Whether the queue was closed.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::BlockingQueue;
    ///
    /// let queue = BlockingQueue::new(1);
    /// queue.put(1).unwrap();
    /// assert!(!queue.try_put(2).unwrap_err().is_closed());
    /// queue.close();
    /// assert!(queue.try_put(3).unwrap_err().is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        matches!(self, Self::Closed(_))
    }
}

impl TryGetError {
    /// Whether the queue was empty but open.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::BlockingQueue;
    ///
    /// let queue = BlockingQueue::<u8>::new(0);
    /// assert!(queue.try_get().unwrap_err().is_empty());
    /// queue.close();
    /// assert!(!queue.try_get().unwrap_err().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        matches!(self, Self::Empty)
    }

    /// Whether the queue was closed and drained.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::BlockingQueue;
    ///
    /// let queue = BlockingQueue::<u8>::new(0);
    /// assert!(!queue.try_get().unwrap_err().is_closed());
    /// queue.close();
    /// assert!(queue.try_get().unwrap_err().is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        matches!(self, Self::Closed)
    }
}

impl<T> From<PutError<T>> for TryPutError<T> {
    fn from(PutError(item): PutError<T>) -> Self {
        Self::Closed(item)
    }
}

impl From<GetError> for TryGetError {
    fn from(_: GetError) -> Self {
        Self::Closed
    }
}

// Debug does not require `T: Debug`, so that `unwrap` works on any item type.
impl<T> fmt::Debug for PutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PutError(..)")
    }
}

impl<T> fmt::Debug for TryPutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Full(_) => f.write_str("Full(..)"),
            Self::Closed(_) => f.write_str("Closed(..)"),
        }
    }
}

impl<T> fmt::Display for PutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("putting into a closed queue")
    }
}

impl<T> fmt::Display for TryPutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Full(_) => f.write_str("putting into a full queue"),
            Self::Closed(_) => f.write_str("putting into a closed queue"),
        }
    }
}

impl fmt::Display for GetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("getting from a closed and empty queue")
    }
}

impl fmt::Display for TryGetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("getting from an empty queue"),
            Self::Closed => f.write_str("getting from a closed and empty queue"),
        }
    }
}

impl<T> std::error::Error for PutError<T> {}
impl<T> std::error::Error for TryPutError<T> {}
impl std::error::Error for GetError {}
impl std::error::Error for TryGetError {}
