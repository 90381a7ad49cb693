//! The queues as a user sees them, and the `queue_ops` fuzz target's checks on a stable
//! toolchain: one test binary, one module per former test file. The loom models are the
//! `loom` suite; tests/README.md says which invariant each test checks.
//!
//! Every module here runs real threads or tasks, and a loom build's primitives only work inside
//! `loom::model` (see README), so each is compiled only without `--cfg loom`.

#[cfg(not(loom))]
mod async_future_contract;
#[cfg(not(loom))]
mod async_queue;
#[cfg(not(loom))]
mod blocking_queue;
#[cfg(not(loom))]
mod fuzz_corpus;
#[cfg(not(loom))]
mod queue_state_machine;

// Helpers. The fuzz crate's own files, so that the tests and the fuzz target check the same way.
#[cfg(not(loom))]
#[path = "../../fuzz/src/queue_model.rs"]
mod queue_model;
#[cfg(not(loom))]
#[path = "../../fuzz/src/replay.rs"]
mod replay;
#[cfg(not(loom))]
mod watchdog;
