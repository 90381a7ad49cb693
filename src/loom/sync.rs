//! `std::sync`, or loom's model of it, with a lock that never reports poison.

#[allow(unused_imports)] // The shim offers the whole family even where the crate uses a part.
pub(crate) use super::backend_sync::{Arc, atomic};

use super::backend_sync as backend;

/// A mutex whose `lock` returns the guard directly.
///
/// Poison is ignored on purpose: the queues never run user code while holding the lock, so a
/// panic elsewhere cannot leave the protected state half-updated, and a panicking worker must
/// not turn every other worker's next `lock` into a second panic.
#[derive(Debug, Default)]
pub(crate) struct Mutex<T>(backend::Mutex<T>);

pub(crate) type MutexGuard<'a, T> = backend::MutexGuard<'a, T>;

impl<T> Mutex<T> {
    pub(crate) fn new(value: T) -> Self {
        Self(backend::Mutex::new(value))
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A condition variable for [`Mutex`], poison-free like it.
///
/// Like std's, it may wake spuriously: every caller of [`Condvar::wait`] re-checks its
/// condition in a loop.
#[derive(Debug, Default)]
pub(crate) struct Condvar(backend::Condvar);

impl Condvar {
    pub(crate) fn new() -> Self {
        Self(backend::Condvar::new())
    }

    pub(crate) fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
        self.0
            .wait(guard)
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn notify_one(&self) {
        self.0.notify_one();
    }

    pub(crate) fn notify_all(&self) {
        self.0.notify_all();
    }
}
