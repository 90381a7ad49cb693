//! `std::sync`, or loom's or shuttle's model of it, with a lock that never reports poison.
//!
//! [`Mutex`] and [`Condvar`] are parking_lot's in a normal build, as in tokio's shim with its
//! `parking_lot` feature. With a hundred threads on two cores contending for one queue's lock,
//! parking_lot's lock, which yields its core before it parks, took 14–22% off `BlockingQueue`'s
//! time on the assignment's cell against std's, which spins and then sleeps on a futex
//! (`docs/performance.md`, X). Under loom they are loom's, as is everything else here, and
//! under shuttle shuttle's: every `any(loom, shuttle)` below treats the two checkers alike.
//!
//! With `--cfg prodcons_yield_points` (stress runs only, `src/loom/yield_points.rs`), the guards
//! and the atomics the backoff uses are wrapped so that each acquisition, release, wait,
//! notify, load and store is a point that may yield; without it, the types below are the
//! backends' own, unwrapped.

#[allow(unused_imports)] // The shim offers the whole family even where the crate uses a part.
pub(crate) use super::backend_sync::Arc;

#[cfg(not(all(not(any(loom, shuttle)), prodcons_yield_points)))]
#[allow(unused_imports)] // Under loom the backoff's atomics, its only users, are compiled out.
pub(crate) use super::backend_sync::atomic;

#[cfg(all(not(any(loom, shuttle)), prodcons_yield_points))]
pub(crate) use super::yield_points::atomic;

#[cfg(all(not(any(loom, shuttle)), prodcons_yield_points))]
use super::yield_points::{Guard, point};

#[cfg(not(any(loom, shuttle)))]
use parking_lot as lock_backend;

#[cfg(any(loom, shuttle))]
use super::backend_sync as lock_backend;

/// A mutex whose `lock` returns the guard directly.
///
/// Poison is ignored on purpose: the queues never run user code while holding the lock, so a
/// panic elsewhere cannot leave the protected state half-updated, and a panicking worker must
/// not turn every other worker's next `lock` into a second panic. parking_lot's has no poison;
/// loom's and shuttle's have, and it is ignored.
#[derive(Debug, Default)]
pub(crate) struct Mutex<T>(lock_backend::Mutex<T>);

#[cfg(not(all(not(any(loom, shuttle)), prodcons_yield_points)))]
pub(crate) type MutexGuard<'a, T> = lock_backend::MutexGuard<'a, T>;

#[cfg(all(not(any(loom, shuttle)), prodcons_yield_points))]
pub(crate) type MutexGuard<'a, T> = Guard<lock_backend::MutexGuard<'a, T>>;

impl<T> Mutex<T> {
    pub(crate) fn new(value: T) -> Self {
        Self(lock_backend::Mutex::new(value))
    }

    #[cfg(not(any(loom, shuttle)))]
    pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
        #[cfg(prodcons_yield_points)]
        return Guard::acquire(|| self.0.lock());
        #[cfg(not(prodcons_yield_points))]
        self.0.lock()
    }

    #[cfg(any(loom, shuttle))]
    pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A condition variable for [`Mutex`], poison-free like it.
///
/// parking_lot's promises no spurious wakeups, std's and loom's do not, and none of the queue's
/// code relies on the promise: every caller of [`Condvar::wait`] re-checks its condition in a
/// loop, and the loom models wake the queue spuriously on purpose to check it.
#[derive(Debug, Default)]
pub(crate) struct Condvar(lock_backend::Condvar);

impl Condvar {
    pub(crate) fn new() -> Self {
        Self(lock_backend::Condvar::new())
    }

    #[cfg(not(any(loom, shuttle)))]
    pub(crate) fn wait<'a, T>(&self, mut guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
        #[cfg(prodcons_yield_points)]
        super::yield_points::around(|| self.0.wait(guard.inner_mut()));
        #[cfg(not(prodcons_yield_points))]
        self.0.wait(&mut guard);
        guard
    }

    #[cfg(any(loom, shuttle))]
    pub(crate) fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
        self.0
            .wait(guard)
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn notify_one(&self) {
        #[cfg(all(not(any(loom, shuttle)), prodcons_yield_points))]
        point();
        self.0.notify_one();
    }

    pub(crate) fn notify_all(&self) {
        #[cfg(all(not(any(loom, shuttle)), prodcons_yield_points))]
        point();
        self.0.notify_all();
    }
}

/// A lock for critical sections that never block and last nanoseconds, as the async queue's do.
///
/// Its unlock is a plain store, where [`Mutex`]'s is a read-modify-write that checks for
/// sleepers: on a current-thread runtime, where the lock is never contended, that was a quarter
/// of a queue operation's cost. A thread that finds it taken yields its core, so that a holder the
/// OS preempted gets to run, instead of spinning against it. Under loom (or shuttle) it is that
/// checker's mutex, so the models check the queue's logic exactly as with [`Mutex`].
#[derive(Debug, Default)]
pub(crate) struct SpinLock<T>(
    #[cfg(not(any(loom, shuttle)))] spin::mutex::SpinMutex<T, YieldOutOfLine>,
    #[cfg(any(loom, shuttle))] lock_backend::Mutex<T>,
);

#[cfg(all(not(any(loom, shuttle)), not(prodcons_yield_points)))]
pub(crate) type SpinLockGuard<'a, T> = spin::mutex::SpinMutexGuard<'a, T>;

#[cfg(all(not(any(loom, shuttle)), prodcons_yield_points))]
pub(crate) type SpinLockGuard<'a, T> = Guard<spin::mutex::SpinMutexGuard<'a, T>>;

/// `spin::relax::Yield`, kept out of line: inlined into every `lock`, the yield made the
/// uncontended path a tenth slower.
#[cfg(not(any(loom, shuttle)))]
#[derive(Debug)]
pub(crate) struct YieldOutOfLine;

#[cfg(not(any(loom, shuttle)))]
impl spin::RelaxStrategy for YieldOutOfLine {
    #[inline(always)]
    fn relax() {
        yield_when_taken();
    }
}

#[cfg(not(any(loom, shuttle)))]
#[cold]
#[inline(never)]
fn yield_when_taken() {
    std::thread::yield_now();
}

#[cfg(any(loom, shuttle))]
pub(crate) type SpinLockGuard<'a, T> = lock_backend::MutexGuard<'a, T>;

impl<T> SpinLock<T> {
    pub(crate) fn new(value: T) -> Self {
        #[cfg(not(any(loom, shuttle)))]
        return Self(spin::mutex::SpinMutex::new(value));
        #[cfg(any(loom, shuttle))]
        Self(lock_backend::Mutex::new(value))
    }

    #[cfg(not(any(loom, shuttle)))]
    pub(crate) fn lock(&self) -> SpinLockGuard<'_, T> {
        #[cfg(prodcons_yield_points)]
        return Guard::acquire(|| self.0.lock());
        #[cfg(not(prodcons_yield_points))]
        self.0.lock()
    }

    #[cfg(any(loom, shuttle))]
    pub(crate) fn lock(&self) -> SpinLockGuard<'_, T> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
