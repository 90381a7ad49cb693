//! Busy threads beside a run, for lanes that measure a contender on a machine that is not idle.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::{self, JoinHandle};

use super::error::BenchError;

/// The most busy threads a lane may ask for: more would measure the OS's scheduler rather
/// than the contender, and a typo such as `--load 200` would stall the machine.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_bench::{BenchError, MAX_LOAD, Sweep, Variant};
///
/// let loaded = Variant { load: MAX_LOAD + 1, ..Variant::default() };
/// let sweep = Sweep { variants: vec![loaded], ..Sweep::quick() };
/// assert!(matches!(sweep.check(), Err(BenchError::TooMuchLoad(n)) if n == MAX_LOAD + 1));
/// ```
pub const MAX_LOAD: usize = 64;

/// `count` threads at normal priority, each spinning on work the optimizer cannot remove,
/// from [`BusyThreads::start`] until the value is dropped; the drop stops and joins them, so
/// no return path, error or panic included, leaves one behind.
///
/// They inherit the starting thread's cores, so started after [`Cores::pin`](super::Cores::pin)
/// they compete for the pinned core.
pub(crate) struct BusyThreads {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl BusyThreads {
    /// Starts `count` busy threads and returns once every one of them is running, so that the
    /// run that follows meets the whole load from its start.
    ///
    /// # Errors
    ///
    /// More than [`MAX_LOAD`] threads, or the OS refused to spawn one.
    pub(crate) fn start(count: usize) -> Result<Self, String> {
        if count > MAX_LOAD {
            return Err(BenchError::TooMuchLoad(count).to_string());
        }
        let stop = Arc::new(AtomicBool::new(false));
        let running = Arc::new(AtomicUsize::new(0));
        // Built first, so that if a spawn fails the drop stops the ones already started.
        let mut busy = Self {
            stop: Arc::clone(&stop),
            threads: Vec::with_capacity(count),
        };
        for index in 0..count {
            let (stop, running) = (Arc::clone(&stop), Arc::clone(&running));
            let thread = thread::Builder::new()
                .name(format!("bench-load-{index}"))
                .stack_size(64 * 1024)
                .spawn(move || {
                    running.fetch_add(1, Ordering::Release);
                    let mut work = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        // A few hundred nanoseconds of arithmetic between looks at the flag:
                        // the thread stays runnable and never sleeps, as a CPU-bound neighbour.
                        for step in 0..256u64 {
                            work = black_box(work.wrapping_mul(6_364_136_223_846_793_005) ^ step);
                        }
                    }
                    black_box(work);
                })
                .map_err(|error| format!("could not start a busy thread: {error}"))?;
            busy.threads.push(thread);
        }
        while running.load(Ordering::Acquire) < count {
            thread::yield_now();
        }
        Ok(busy)
    }
}

impl Drop for BusyThreads {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for thread in self.threads.drain(..) {
            // A busy thread runs no code that can panic; if one did, there is nothing to undo.
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_threads_start_and_are_joined_on_drop() {
        let busy = BusyThreads::start(2).unwrap();
        assert_eq!(busy.threads.len(), 2);
        let stop = Arc::clone(&busy.stop);
        drop(busy);
        assert!(stop.load(Ordering::Relaxed));
        assert_eq!(Arc::strong_count(&stop), 1, "every busy thread has ended");
    }

    #[test]
    fn no_load_starts_nothing() {
        assert!(BusyThreads::start(0).unwrap().threads.is_empty());
    }

    #[test]
    fn absurd_load_is_refused() {
        let refused = BusyThreads::start(MAX_LOAD + 1).map(|_| ()).unwrap_err();
        assert!(refused.contains(&(MAX_LOAD + 1).to_string()), "{refused}");
    }
}
