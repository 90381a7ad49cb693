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
//! [`Implementation`] runs the assignment's `pc` on either, and reports an [`Outcome`] or a
//! typed [`PipelineError`]. Its [`Pipeline`] is a driver (threads, or tasks) paired with a
//! channel family from [`channel`], so the same drivers run any other channel too.
//! [`Pipeline::run_traced`] also returns a [`Trace`], whose [`Trace::check`] judges the run on
//! invariants I1 to I4 (sum, exactly once, per-producer FIFO, capacity), as listed in
//! `tests/README.md`; [`Pipeline::run_counted`] returns how often puts and gets had to wait.
//!
//! The tools around the library live in the workspace's other crates, which are not
//! published: the timing harness, the linearizability checker, the adapters for the peer
//! channels they measure and judge, and the `prodcons` command.
//!
//! Built with `RUSTFLAGS="--cfg loom"`, the queues run on loom's model of `std::sync`, and the
//! loom models in `tests/` check them under every interleaving. Such a build is for the models
//! only: outside `loom::model` its primitives panic.

#![forbid(unsafe_code)]

mod loom;
mod pipeline;
mod queue;

/// Whether this library was built with `--cfg loom`, on loom's model of `std::sync`.
///
/// Such a build only works inside `loom::model`: outside it, every queue operation panics.
/// Code that may be built either way, such as these doc examples (rustdoc never sees
/// RUSTFLAGS' `--cfg loom`), checks this first.
///
/// ```
/// if prodcons::BUILT_WITH_LOOM {
///     return; // only loom::model may touch the queues
/// }
/// let queue = prodcons::BlockingQueue::new(1);
/// assert_eq!(queue.try_put(1), Ok(()));
/// ```
pub const BUILT_WITH_LOOM: bool = cfg!(loom);

pub use pipeline::channel;
pub use pipeline::{
    Counts, Driver, Faults, Implementation, InvariantViolation, MAX_PREALLOCATED_BOUND,
    MemoryShortfall, Outcome, Params, Pipeline, PipelineError, Role, Scheduler, SpawnOrder, Tag,
    Trace, UnknownImplementation, UnknownSpawnOrder, WORKER_STACK_SIZE,
};
pub use queue::{
    AsyncQueue, BlockingQueue, Get, GetError, Put, PutError, TryGetError, TryPutError,
};
