//! Runs on one core or on all of them, for the report's core-scaling table.

use std::fmt;

/// How many cores a run may use. The harness pins its own thread before a run and restores it
/// after; the run's threads, a tokio runtime's workers and a Python child all inherit the pin.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_bench::Cores;
///
/// assert_eq!(Cores::default(), Cores::All);
/// assert_eq!(Cores::One.to_string(), "1 core");
/// let on_one = Cores::One.pin().map(|_pinned| std::thread::available_parallelism().unwrap().get());
/// assert!(matches!(on_one, Ok(1) | Err(_)), "pinned to one core, or unsupported here");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Cores {
    /// Every core this process may use.
    #[default]
    All,
    /// The first of them.
    One,
}

impl fmt::Display for Cores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::All => "all cores",
            Self::One => "1 core",
        })
    }
}

/// Makes one `BlockingQueue` operation wait, on whatever cores this thread has now; call it
/// before any lane pins.
///
/// The queue looks once per process at how many CPUs the process may use, at its first wait
/// that would spin, and skips spinning for good if the answer is one. The harness pins its own
/// thread for one-core lanes, in-process, so if that first wait happened inside a pinned run,
/// every later lane on all cores would run without the spin phase. Taking the look here, before
/// any pin, keeps the all-core lanes as a user's process runs them; the one-core lanes are then
/// left to the queue's other rule, which stops spinning where it stops paying
/// (`docs/performance.md`, Y).
pub(crate) fn let_the_queue_look_at_the_cpus() {
    let queue = std::sync::Arc::new(prodcons::BlockingQueue::new(1));
    // Cannot fail: the queue is open and empty.
    let _ = queue.try_put(0u8);
    let putter = std::thread::spawn({
        let queue = std::sync::Arc::clone(&queue);
        // Full, so this put must wait: it starts a phase, which takes the look.
        move || queue.put(1)
    });
    // A putter counts as waiting only once it parks, after its phase began.
    while queue.waiting_putters() == 0 {
        std::thread::yield_now();
    }
    let _ = queue.get();
    let _ = putter.join();
}

/// Restores the calling thread's cores when dropped.
#[must_use = "the pin ends when this is dropped"]
pub struct Pinned {
    #[cfg(target_os = "linux")]
    previous: Option<nix::sched::CpuSet>,
}

impl Cores {
    /// Pins the calling thread to these cores until the returned guard is dropped.
    ///
    /// # Errors
    ///
    /// The OS refused, or this is not Linux, where pinning is not implemented.
    #[cfg(target_os = "linux")]
    pub fn pin(self) -> Result<Pinned, String> {
        use nix::sched::{CpuSet, sched_getaffinity, sched_setaffinity};
        use nix::unistd::Pid;

        let this_thread = Pid::from_raw(0);
        let previous = sched_getaffinity(this_thread).map_err(|error| error.to_string())?;
        if self == Self::All {
            return Ok(Pinned { previous: None });
        }
        let first = (0..CpuSet::count())
            .find(|&cpu| previous.is_set(cpu).unwrap_or(false))
            .ok_or("this thread may run on no core")?;
        let mut one = CpuSet::new();
        one.set(first).map_err(|error| error.to_string())?;
        sched_setaffinity(this_thread, &one).map_err(|error| error.to_string())?;
        Ok(Pinned {
            previous: Some(previous),
        })
    }

    /// Pinning is implemented on Linux only; elsewhere only [`Cores::All`] is available.
    ///
    /// # Errors
    ///
    /// Always for [`Cores::One`].
    #[cfg(not(target_os = "linux"))]
    pub fn pin(self) -> Result<Pinned, String> {
        match self {
            Self::All => Ok(Pinned {}),
            Self::One => Err("pinning to one core is implemented on Linux only".to_owned()),
        }
    }
}

impl Drop for Pinned {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        if let Some(previous) = self.previous.take() {
            // Restoring a mask the OS gave us a moment ago cannot fail in practice; if it did,
            // the only harm is a later run on fewer cores, which its own table would show.
            let _ = nix::sched::sched_setaffinity(nix::unistd::Pid::from_raw(0), &previous);
        }
    }
}
