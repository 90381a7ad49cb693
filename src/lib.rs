//! Producers and consumers over a shared queue, once with threads and once with tasks: the
//! classic exercise in a correct, measured, model-checked Rust form.
//!
//! ```
//! # if prodcons::BUILT_WITH_LOOM { return Ok(()); }
//! use prodcons::{Implementation, Params};
//!
//! // The assignment's `pc(1000, 50, 10)`: 50 producers put 0..1000, 50 consumers sum 1000 each.
//! let params = Params::new(1000, 50, 10)?;
//! let outcome = Implementation::Threads.run(&params)?;
//! assert_eq!(outcome.computed_sum, outcome.expected_sum);
//! println!("{outcome}");
//! # Ok::<(), prodcons::PipelineError>(())
//! ```
//!
//! The crate has two queues, both with the semantics of Python's (a capacity of 0 means
//! unbounded, and `close` works like Python 3.13's `shutdown`):
//!
//! - [`BlockingQueue`], Python's `queue.Queue`, for threads;
//! - [`AsyncQueue`], asyncio's `Queue`, for tasks on any executor.
//!
//! [`Implementation`] runs the assignment's `pc` on either, on crossbeam-channel, or on the
//! peers kanal and async-channel, and reports an [`Outcome`] or a typed [`PipelineError`].
//! [`Implementation::run_traced`] also returns a [`Trace`], whose [`Trace::check`] judges the
//! run on invariants I1 to I4 (sum, exactly once, per-producer FIFO, capacity), as listed in
//! `tests/README.md`. The [`harness`] times every implementation against the others.
//!
//! Built with `RUSTFLAGS="--cfg loom"`, the queues run on loom's model of `std::sync`, and the
//! loom models in `tests/` check them under every interleaving. Such a build is for the models
//! only: outside `loom::model` its primitives panic.

#![forbid(unsafe_code)]

#[cfg(feature = "harness")]
pub mod harness;
pub mod lincheck;
mod loom;
mod pipeline;
mod queue;

/// Whether this library was built with `--cfg loom`.
///
/// Such a build only works inside `loom::model`, so every doc example begins with a hidden
/// `if prodcons::BUILT_WITH_LOOM { return; }`: the examples are checked by a plain
/// `cargo test`, and a loom build's `cargo test` skips them instead of panicking.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// assert!(!prodcons::BUILT_WITH_LOOM);
/// ```
#[doc(hidden)]
pub const BUILT_WITH_LOOM: bool = cfg!(loom);

pub use pipeline::{
    Counts, Faults, Implementation, InvariantViolation, MemoryShortfall, Outcome, Params,
    PipelineError, Role, SpawnOrder, Tag, Trace, UnknownImplementation, UnknownSpawnOrder,
    python_round3,
};
pub use queue::{
    AsyncQueue, BlockingQueue, Get, GetError, Put, PutError, TryGetError, TryPutError,
};
