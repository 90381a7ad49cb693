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
//! # The queues
//!
//! The crate has two queues, both with the semantics of Python's (a capacity of 0 means
//! unbounded, and `close` works like Python 3.13's `shutdown`):
//!
//! - [`BlockingQueue`], Python's `queue.Queue`, for threads;
//! - [`AsyncQueue`], asyncio's `Queue`, for tasks on any executor.
//!
//! ```
//! # if prodcons::BUILT_WITH_LOOM { return; }
//! use prodcons::{AsyncQueue, GetError};
//!
//! tokio_test::block_on(async {
//!     let queue = AsyncQueue::new(2);
//!     queue.put("a").await.unwrap();
//!     queue.put("b").await.unwrap();
//!     queue.close();
//!     // Like Python's `shutdown()`: gets drain what is left, then fail.
//!     assert_eq!(queue.get().await, Ok("a"));
//!     assert_eq!(queue.get().await, Ok("b"));
//!     assert_eq!(queue.get().await, Err(GetError));
//! });
//! ```
//!
//! Both keep the same buffer under one lock and differ only in how they wait. How each waits,
//! and why it is fast, is in the docs of the private `queue` module (`src/queue/mod.rs`; or
//! `cargo doc --document-private-items`).
//!
//! # Capacity
//!
//! The same word means different things in different libraries, and a capacity of 0 is where
//! they differ most. prodcons follows Python, since the assignment does:
//!
//! | Queue | `0` means | `n > 0` means | Notes |
//! |---|---|---|---|
//! | Python `queue.Queue(maxsize)` / `asyncio.Queue(maxsize)` | unbounded (so does a negative value) | at most `n` items | the assignment's convention |
//! | [`BlockingQueue::new`] / [`AsyncQueue::new`] | unbounded, as in Python | at most `n` items | `capacity()` returns `None` for an unbounded queue |
//! | [`BlockingQueue::bounded`] / [`BlockingQueue::unbounded`], and the same on [`AsyncQueue`] | `bounded` takes a `NonZeroUsize`, so 0 cannot be asked for: no rendezvous mode, and no zero whose meaning depends on the convention; `unbounded()` is `new(0)` | at most `n` items | the Rust spelling, for readers who know crossbeam's |
//! | crossbeam-channel `bounded(n)` / `unbounded()` | `bounded(0)` is a rendezvous channel: a send waits until a receiver takes the item. It is **not** unbounded; use `unbounded()` | at most `n` items; all `n` slots are allocated up front | the workspace's `crossbeam` implementation maps capacity 0 to `unbounded()` |
//! | tokio `mpsc::channel(n)` / `unbounded_channel()` | `channel(0)` panics (the buffer must be > 0); use `unbounded_channel()` | at most `n` items | multi-producer, **single**-consumer: its receiver cannot be shared by many consumers without a lock around it, so no pipeline uses it |
//!
//! The result queue of `pc` is bounded to `numProdsCons` in every implementation, as in the
//! assignment.
//!
//! # The assignment's `pc`
//!
//! [`Implementation`] runs the assignment's `pc` on either queue, and reports an [`Outcome`] or
//! a typed [`PipelineError`]. Its [`Pipeline`] is a driver (threads, or tasks) paired with a
//! channel family from [`channel`], so the same drivers run any other channel too.
//! [`Pipeline::run_traced`] also returns a [`Trace`], whose [`Trace::check`] judges the run on
//! invariants I1 to I4 (sum, exactly once, per-producer FIFO, capacity), as listed in
//! `tests/README.md`; [`Pipeline::run_counted`] returns how often puts and gets had to wait,
//! and [`Pipeline::run_timeline`] when: a [`Timeline`] of every wait and wakeup.
//!
//! # Dependencies, and the tools around the library
//!
//! The library depends on parking_lot and spin for its two locks, thiserror for its errors,
//! and tokio (`rt`, `rt-multi-thread`) for `pc`'s tasks pipelines only: the assignment's asyncio
//! twin needs an event loop, and tokio's current-thread runtime is that loop. [`AsyncQueue`]
//! itself uses no runtime's types.
//!
//! The tools live in the workspace's other crates, which are not published and stay out of
//! this crate's API and manifest: the linearizability checker (`prodcons-lincheck`), the peer
//! channels adapted for it and for the pipelines (`prodcons-peers`), the timing harness
//! (`prodcons-bench`) and the `prodcons` command (`prodcons-cli`).
//!
//! # Model checking
//!
//! Built with `RUSTFLAGS="--cfg loom"`, the queues run on loom's model of `std::sync`, and the
//! loom models in `tests/` check them under every interleaving. Such a build is for the models
//! only: outside `loom::model` its primitives panic, so code that may be built either way
//! checks [`BUILT_WITH_LOOM`] first. The private `loom` module's docs (`src/loom/mod.rs`) tell
//! how the shim works.

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
    Timeline, Trace, UnknownImplementation, UnknownSpawnOrder, WORKER_STACK_SIZE, Wait, Wakeup,
};
pub use queue::{
    AsyncQueue, BlockingQueue, Get, GetError, Put, PutError, TryGetError, TryPutError,
};
