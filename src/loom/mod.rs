//! The one place synchronization primitives come from.
//!
//! A normal build uses `std`, and parking_lot for the lock and condition variables ([`sync`]
//! says why); a build with `RUSTFLAGS="--cfg loom"` uses loom's mocks, so that the loom models
//! in `tests/loom/` explore every interleaving of the real queue code. The modules mirror
//! std's paths: write `crate::loom::sync::Mutex` where you would write `std::sync::Mutex`.
//!
//! Under loom, `Mutex`, `Condvar`, `Arc`, the atomics and `thread` are loom's, and the async
//! queue's [`SpinLock`](sync::SpinLock) becomes loom's `Mutex`. The queue code does not change:
//! all of it gets its primitives from here, so the loom build runs the same queue code as the
//! normal build. Two speed-ups are compiled out under loom, because they only decide how long
//! to wait, never what happens: the blocking queue's spin-and-yield phase (a blocked operation
//! makes one attempt under the lock, then waits, as before the phase existed), with the
//! lock-free length hint that phase reads and the gauge that decides whether it spins (all in
//! `queue::backoff`). A loom build also has a
//! `wake_spuriously` hook on both queues, which wakes every waiter without changing anything:
//! loom's `Condvar` never wakes spuriously on its own, and a `get` that used `if` instead of
//! `while` would otherwise pass.
//!
//! loom's primitives only work inside `loom::model`; anywhere else they panic. So a
//! `--cfg loom` build can run only loom models, and every kind of code is set up for that:
//!
//! - The loom models (`tests/loom/`, and the checker's in `crates/lincheck/tests`) are
//!   gated by `#![cfg(loom)]`; in a normal build they compile to nothing.
//! - The other integration tests are gated by `#![cfg(not(loom))]`: they use the queues
//!   outside a model.
//! - Unit tests that use no primitive (the waiter line, the expected-sum arithmetic, the
//!   elapsed-time format) run in both builds.
//! - The tool crates are empty, and the `prodcons` binary says it cannot run.
//! - Doctests cannot see the flag: cargo passes `RUSTFLAGS` to rustc but not to rustdoc, so
//!   `cfg(loom)` is false inside an example, which still links the loom-built library. So
//!   every example that touches a queue starts with the hidden line
//!   `# if prodcons::BUILT_WITH_LOOM { return; }` (`return Ok(());` where it uses `?`), and
//!   returns at once in a loom build. A plain `cargo test` checks the examples.
//!
//! With `RUSTFLAGS="--cfg shuttle"` the primitives are AWS shuttle's instead, exactly where
//! loom's would be (every `cfg(loom)` here reads `cfg(any(loom, shuttle))`): the same queue
//! code, `SpinLock` as shuttle's `Mutex`, the backoff phase compiled out. shuttle does not
//! enumerate interleavings; its schedulers (PCT, random) sample them, which lets the
//! `tests/shuttle/` scenarios run at sizes loom cannot exhaust. Such a build is for
//! `cargo test -p prodcons --test shuttle` only: shuttle's primitives, like loom's, work only
//! inside its checker, and the other tests and crates are not set up for it.
//!
//! Another flavour is for stress runs: built with `RUSTFLAGS="--cfg prodcons_yield_points"`
//! (never by default, adding no dependency, and no feature in the manifest, since it is a
//! tool), every lock acquisition and release, condvar wait and notify, and load and store of
//! the backoff's atomics may yield or spin a random short while (`src/loom/yield_points.rs`),
//! so that the checker's stress runs and the pipelines see interleavings the OS alone almost
//! never makes. Without the flag that code is not compiled.

#[cfg(not(any(loom, shuttle)))]
use ::std::{sync as backend_sync, thread as backend_thread};

#[cfg(loom)]
use ::loom::{sync as backend_sync, thread as backend_thread};

// Shuttle's primitives have loom's shapes (a `LockResult` from `lock` and `wait`, a `Builder`
// for threads), so everything below that says `any(loom, shuttle)` serves both.
#[cfg(all(shuttle, not(loom)))]
use ::shuttle::{sync as backend_sync, thread as backend_thread};

// Each checker runs only its own models, on its own runtime: a build for both would have
// neither's primitives work.
#[cfg(all(loom, shuttle))]
compile_error!("build with `--cfg loom` or `--cfg shuttle`, not both");

pub(crate) mod sync;

// Stress runs only: random yields at the shim's points (its docs say why). No dependency, off
// unless a build sets the flag, and nothing at all under loom or shuttle, whose
// schedulers place their own switches.
#[cfg(all(not(any(loom, shuttle)), prodcons_yield_points))]
pub(crate) mod yield_points;

pub(crate) mod thread {
    //! `std::thread`, or loom's or shuttle's model of it.
    pub(crate) use super::backend_thread::{Builder, JoinHandle};
}
