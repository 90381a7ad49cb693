//! A linearizability checker for FIFO queues, run on our queues and on other crates' channels.
//!
//! A concurrent queue is correct when every run is *linearizable*: each operation seems to
//! take effect at one instant between its call and its return, in an order that a plain
//! sequential FIFO queue ([`Spec`]) would explain. That is stronger than invariants I1–I4
//! (sum, exactly once, per-producer FIFO, capacity): an item may not overtake one put before
//! it began, `try_get` may not say `Empty` while an item sat in the queue throughout, and so on.
//!
//! The pieces, one per file:
//!
//! - [`Spec`]: the sequential model, Python's `queue.Queue` with 3.13's `shutdown`;
//! - [`History`]: each operation's invocation and response, stamped by a shared [`Clock`];
//! - [`check`]: Wing & Gong's search with Lowe's memoization, within a budget;
//! - [`Scenario`] and [`scenarios`]: Lincheck-style
//!   scenarios as a proptest strategy, so failures shrink;
//! - [`report()`]: the failing scenario as a table, its history, and why no order explains it.
//!
//! ```
//! # if prodcons::BUILT_WITH_LOOM { return; }
//! use prodcons_lincheck::{check, Entry, History, Op, Part, Ret, Spec};
//!
//! // Two overlapping puts and a later get that took the second: fine, the puts overlapped.
//! let history = History::new(vec![
//!     Entry::new(Part::Thread(0), Op::Put(100), 0, Some((3, Ret::Ok))),
//!     Entry::new(Part::Thread(1), Op::Put(200), 1, Some((2, Ret::Ok))),
//!     Entry::new(Part::Post, Op::TryGet, 4, Some((5, Ret::Got(200)))),
//! ]);
//! assert!(check(&Spec::new(0), &history, 10_000).is_pass());
//! ```

mod checker;
mod driver;
mod history;
mod report;
mod scenario;
mod spec;
mod stress;
mod targets;

pub use checker::{Failure, FailureKind, MAX_OPERATIONS, Verdict, check, check_prefix};
pub use driver::{Conclusion, Outcome, Plan, check_target};
pub use history::{Clock, Entry, History, Part};
pub use report::{report, scenario_table};
pub use scenario::scenarios;
pub use scenario::{OpSet, Scenario, Shape};
pub use spec::{Op, RENDEZVOUS, Ret, Spec, State, Value};
pub use stress::{AsyncOps, BoxFuture, SyncOps, Watch, drive, run_tasks, run_threads};
pub use targets::{
    Async, Blocking, Flavor, Immediate, LazyRuntime, SeededBug, Target, immediately, target,
    targets, waiting,
};
