//! The one place synchronization primitives come from.
//!
//! A normal build uses `std`, and parking_lot for the lock and condition variables (`sync`
//! says why); a build with `RUSTFLAGS="--cfg loom"` uses loom's mocks, so that the loom models
//! in `tests/loom_*.rs` explore every interleaving of the real queue code. The modules mirror
//! std's paths: write `crate::loom::sync::Mutex` where you would write `std::sync::Mutex`.

#[cfg(not(loom))]
use ::std::{sync as backend_sync, thread as backend_thread};

#[cfg(loom)]
use ::loom::{sync as backend_sync, thread as backend_thread};

pub(crate) mod sync;

pub(crate) mod thread {
    //! `std::thread`, or loom's model of it.
    pub(crate) use super::backend_thread::{Builder, JoinHandle};
}
