//! The two queues: [`BlockingQueue`] for threads and [`AsyncQueue`] for tasks.
//!
//! Both keep the same [`Buffer`](buffer) under one lock and differ only in how they wait.

mod asynchronous;
mod backoff;
mod blocking;
mod buffer;
mod error;
mod sleepers;
mod waiters;

pub use asynchronous::{AsyncQueue, Get, Put};
pub use blocking::BlockingQueue;
pub use error::{GetError, PutError, TryGetError, TryPutError};
