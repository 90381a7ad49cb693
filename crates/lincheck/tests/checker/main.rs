//! The linearizability checker: on hand-written histories, against brute force on generated
//! ones, in stress mode on our queues, and (with `--cfg loom`) in model-checking mode. One test binary, one module per former test
//! file.
//!
//! A loom build's primitives only work inside `loom::model` (see README), so the modules that
//! run real threads are compiled only without `--cfg loom`, and the loom one only with it.

#[cfg(not(loom))]
mod brute_force;
#[cfg(not(loom))]
mod lincheck;
#[cfg(loom)]
mod lincheck_loom;
#[cfg(not(loom))]
mod lincheck_stress;
