//! The two queues: [`BlockingQueue`] for threads and [`AsyncQueue`] for tasks.
//!
//! Both keep the same [`Buffer`](buffer) under one lock: the items (a `VecDeque`), the
//! capacity and the closed flag. The rules for "full", "empty" and "closed" live there once, so
//! the two queues cannot drift apart on them. They differ only in how they wait:
//!
//! - [`BlockingQueue`] ([`blocking`]) parks threads on two condition variables, `not_empty`
//!   and `not_full`, after a short bounded spin ([`backoff`]), and counts its sleepers
//!   ([`sleepers`]) so that it makes the `notify_one` syscall only when somebody can wake.
//! - [`AsyncQueue`] ([`asynchronous`]) keeps two FIFO lines of waiting tasks ([`waiters`]),
//!   like asyncio's `_getters` and `_putters`, and wakes their wakers.
//!
//! Each module says why it is built the way it is; `docs/performance.md` has the measurements
//! behind every speed-up. Every primitive comes from [`crate::loom`], so under `--cfg loom` the
//! models check this very code.
//!
//! The errors ([`error`]) follow crossbeam-channel's shapes: an operation that was handed an
//! item gives it back when it fails, so nothing is lost when a queue is full or closed.

mod asynchronous;
mod backoff;
mod blocking;
mod buffer;
mod error;
pub(crate) mod futile;
mod sleepers;
mod waiters;

pub use asynchronous::{AsyncQueue, Get, Put};
pub use blocking::BlockingQueue;
pub use error::{GetError, PutError, TryGetError, TryPutError};
