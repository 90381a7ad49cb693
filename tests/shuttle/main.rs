//! The shuttle scenarios (`RUSTFLAGS="--cfg shuttle" cargo test -p prodcons --test shuttle`):
//! the real queue code on AWS shuttle's primitives, under its randomized schedulers. One test
//! binary, one module per queue; `shuttle_support` says how many schedules each scenario gets.
//!
//! loom explores every interleaving within a preemption bound, so its models stop at main and
//! three threads with an item or two each. shuttle samples schedules instead, with a
//! probabilistic guarantee for PCT, so these scenarios run at the sizes loom cannot reach: two
//! producers and two consumers with several items each, and `close` racing blocked operations.
//!
//! Only a shuttle build has anything to run here, so each module is compiled only with
//! `--cfg shuttle`.

#[cfg(shuttle)]
mod shuttle_async_queue;
#[cfg(shuttle)]
mod shuttle_blocking_queue;

// Helpers.
#[cfg(shuttle)]
mod shuttle_support;
