//! The loom models (`RUSTFLAGS="--cfg loom" cargo test`): every interleaving of the real queue
//! and pipeline code within a preemption bound. One test binary, one module per former test
//! file; tests/README.md says what loom explores and which invariant each model checks.
//!
//! Only a loom build has anything to run here, so each module is compiled only with
//! `--cfg loom`; the ordinary tests are the `queues` suite.

#[cfg(loom)]
mod loom_async_queue;
#[cfg(loom)]
mod loom_blocking_queue;
#[cfg(loom)]
mod loom_pipeline;
#[cfg(loom)]
mod loom_queues;

// Helpers.
#[cfg(loom)]
mod loom_support;
