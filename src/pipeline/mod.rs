//! The assignment's `pc(numIters, numProdsCons, capacity)`, four ways, and the peers that
//! `prodcons bench` measures them against.
//!
//! Two drivers do the work: one on OS threads ([`threads`]), one on tokio tasks ([`tasks`]).
//! Each is generic over a small channel trait ([`channel`]), so an [`Implementation`] is just a
//! driver paired with a queue: ours, or a peer's ([`peers`]).

mod channel;
mod counting;
mod error;
mod faults;
mod memory;
mod os_limits;
mod outcome;
mod params;
#[cfg(feature = "peers")]
mod peers;
mod release;
mod spawn_order;
mod tally;
mod tasks;
mod threads;
mod trace;

use std::fmt;
use std::str::FromStr;

pub use counting::Counts;
pub use error::{MemoryShortfall, PipelineError, Role};
pub use faults::Faults;
pub use outcome::{Outcome, python_round3};
pub use params::Params;
pub use spawn_order::{SpawnOrder, UnknownSpawnOrder};
pub use trace::{InvariantViolation, Tag, Trace};

// The bench's floors guard their spawns with the same checks as the drivers.
#[cfg(feature = "harness")]
pub(crate) use tasks::check_task_count;
#[cfg(feature = "harness")]
pub(crate) use threads::{check_thread_headroom, worker_builder};

use channel::{Crossbeam, OurQueues};
use counting::Counter;
#[cfg(feature = "peers")]
use peers::{AsyncChannel, Kanal, KanalAsync};
use tasks::Scheduler;
use trace::{Probe, Recorder, Untraced};

/// One way to run `pc`.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::{Implementation, Params};
///
/// let params = Params::new(1000, 50, 10).unwrap();
/// for implementation in Implementation::ALL {
///     let outcome = implementation.run(&params).unwrap();
///     assert_eq!(outcome.computed_sum, 24_975_000);
/// }
/// assert_eq!("tasks-mt".parse::<Implementation>(), Ok(Implementation::TasksMt));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Implementation {
    /// OS threads with [`BlockingQueue`](crate::BlockingQueue), like Python's `threading`.
    Threads,
    /// OS threads with crossbeam-channel (`unbounded()` for capacity 0).
    Crossbeam,
    /// Tasks with [`AsyncQueue`](crate::AsyncQueue) on tokio's current-thread runtime, like
    /// asyncio's single event loop.
    Tasks,
    /// The same tasks on tokio's multi-thread runtime.
    TasksMt,
    /// Peer: OS threads with kanal's blocking channel (`unbounded()` for capacity 0).
    #[cfg(feature = "peers")]
    Kanal,
    /// Peer: tasks with async-channel on tokio's current-thread runtime.
    #[cfg(feature = "peers")]
    AsyncChannel,
    /// Peer: tasks with kanal's async channel on tokio's current-thread runtime.
    #[cfg(feature = "peers")]
    KanalAsync,
    /// Peer: tasks with async-channel on tokio's multi-thread runtime.
    #[cfg(feature = "peers")]
    AsyncChannelMt,
}

impl Implementation {
    /// Every implementation, ours then the peers, in the order the CLI lists them.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::Implementation;
    ///
    /// assert_eq!(Implementation::ALL[..4], Implementation::OURS);
    /// // With the `peers` feature (a default one), kanal and async-channel follow.
    /// assert_eq!(Implementation::ALL.len(), if cfg!(feature = "peers") { 8 } else { 4 });
    /// ```
    #[cfg(feature = "peers")]
    pub const ALL: [Self; 8] = [
        Self::Threads,
        Self::Crossbeam,
        Self::Tasks,
        Self::TasksMt,
        Self::Kanal,
        Self::AsyncChannel,
        Self::KanalAsync,
        Self::AsyncChannelMt,
    ];

    /// Every implementation: without the `peers` feature, only ours.
    #[cfg(not(feature = "peers"))]
    pub const ALL: [Self; 4] = Self::OURS;

    /// Our four: the drivers with our queues, and the thread driver with crossbeam-channel.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::Implementation;
    ///
    /// assert!(Implementation::OURS.contains(&Implementation::Crossbeam));
    /// assert!(!Implementation::OURS.contains(&Implementation::Kanal));
    /// ```
    pub const OURS: [Self; 4] = [Self::Threads, Self::Crossbeam, Self::Tasks, Self::TasksMt];

    /// The name the CLI uses.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// assert_eq!(prodcons::Implementation::TasksMt.name(), "tasks-mt");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Self::Threads => "threads",
            Self::Crossbeam => "crossbeam",
            Self::Tasks => "tasks",
            Self::TasksMt => "tasks-mt",
            #[cfg(feature = "peers")]
            Self::Kanal => "kanal",
            #[cfg(feature = "peers")]
            Self::AsyncChannel => "async-channel",
            #[cfg(feature = "peers")]
            Self::KanalAsync => "kanal-async",
            #[cfg(feature = "peers")]
            Self::AsyncChannelMt => "async-channel-mt",
        }
    }

    /// Runs `pc` once. A failed run has released and joined every worker it started.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{Implementation, Params, PipelineError};
    ///
    /// let outcome = Implementation::Tasks.run(&Params::new(10, 3, 0).unwrap()).unwrap();
    /// assert_eq!((outcome.computed_sum, outcome.expected_sum), (135, 135));
    ///
    /// let huge = Params::new(1, usize::MAX, 0).unwrap();
    /// assert!(matches!(
    ///     Implementation::Tasks.run(&huge),
    ///     Err(PipelineError::TooManyTasks { .. })
    /// ));
    /// ```
    pub fn run(self, params: &Params) -> Result<Outcome, PipelineError> {
        self.run_with_faults(params, &Faults::default())
    }

    /// Runs `pc` once with injected faults, to test failure handling.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{Faults, Implementation, Params, PipelineError, Role};
    ///
    /// let params = Params::new(50, 2, 1).unwrap();
    /// let faults = Faults::default().panic_after(Role::Producer, 1, 20);
    /// let error = Implementation::TasksMt.run_with_faults(&params, &faults).unwrap_err();
    /// assert!(matches!(error, PipelineError::WorkerPanicked { role: Role::Producer, .. }));
    /// assert!(Implementation::TasksMt.run_with_faults(&params, &Faults::default()).is_ok());
    /// ```
    pub fn run_with_faults(
        self,
        params: &Params,
        faults: &Faults,
    ) -> Result<Outcome, PipelineError> {
        self.check_limits(params, size_of::<u64>())?;
        self.run_probed(params, faults, &Untraced)
    }

    /// Runs `pc` once with every item tagged by its producer and sequence number, and returns
    /// the [`Trace`] with the outcome, so that [`Trace::check`] can judge invariants I1 to I4.
    ///
    /// Tracing adds work to every put and take, so a traced run is for checking, not timing.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{Implementation, Params, PipelineError};
    ///
    /// for implementation in Implementation::ALL {
    ///     let (outcome, trace) = implementation.run_traced(&Params::new(20, 3, 1).unwrap()).unwrap();
    ///     assert!(outcome.is_correct());
    ///     assert_eq!(trace.check(), Ok(()));
    /// }
    ///
    /// let huge = Params::new(1, usize::MAX, 0).unwrap();
    /// assert!(matches!(
    ///     Implementation::Tasks.run_traced(&huge),
    ///     Err(PipelineError::TooManyTasks { .. })
    /// ));
    /// ```
    pub fn run_traced(self, params: &Params) -> Result<(Outcome, Trace), PipelineError> {
        self.check_limits(params, size_of::<Tag>())?;
        let recorder = Recorder::new(params);
        let outcome = self.run_probed(params, &Faults::default(), &recorder)?;
        let trace = recorder.into_trace(params, &outcome);
        Ok((outcome, trace))
    }

    /// Runs `pc` once in counting mode, and returns what it saw of the buffer: how many puts
    /// and gets had to wait, and how full the buffer got (see [`Counts`]).
    ///
    /// Counting adds work to every put and take, so a counted run is for explaining times,
    /// not for taking them.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{Implementation, Params, PipelineError, SpawnOrder};
    ///
    /// // Tasks on one thread, the assignment's order: every producer fills the buffer or
    /// // parks on it before any consumer exists.
    /// let params = Params::new(50, 4, 1).unwrap();
    /// let (outcome, counts) = Implementation::Tasks.run_counted(&params).unwrap();
    /// assert!(outcome.is_correct());
    /// assert_eq!(counts.peak_len, 1);
    /// assert!(counts.put_waits > 0);
    ///
    /// let huge = Params::new(1, usize::MAX, 0).unwrap();
    /// assert!(matches!(
    ///     Implementation::Tasks.run_counted(&huge),
    ///     Err(PipelineError::TooManyTasks { .. })
    /// ));
    /// ```
    pub fn run_counted(self, params: &Params) -> Result<(Outcome, Counts), PipelineError> {
        self.check_limits(params, size_of::<u64>())?;
        let counter = Counter::default();
        let outcome = self.run_probed(params, &Faults::default(), &counter)?;
        Ok((outcome, counter.counts()))
    }

    /// Refuses, before anything is allocated, a run this machine has no room for: too many
    /// threads or tasks, bounds too large to preallocate, or more queued items, of
    /// `item_size` bytes each, than the memory available.
    fn check_limits(self, params: &Params, item_size: usize) -> Result<(), PipelineError> {
        let counts_fit = match self {
            Self::Threads => threads::check_thread_headroom(params),
            Self::Crossbeam => {
                channel::check_preallocated_bounds(params, "crossbeam-channel")?;
                threads::check_thread_headroom(params)
            }
            Self::Tasks | Self::TasksMt => tasks::check_task_count(params),
            #[cfg(feature = "peers")]
            Self::Kanal => {
                channel::check_preallocated_bounds(params, "kanal")?;
                threads::check_thread_headroom(params)
            }
            #[cfg(feature = "peers")]
            Self::KanalAsync => {
                channel::check_preallocated_bounds(params, "kanal")?;
                tasks::check_task_count(params)
            }
            #[cfg(feature = "peers")]
            Self::AsyncChannel | Self::AsyncChannelMt => {
                channel::check_preallocated_bounds(params, "async-channel")?;
                tasks::check_task_count(params)
            }
        };
        counts_fit?;
        // Last, so that a count too large to start is named as such rather than as memory.
        memory::check_fits(self, params, item_size, memory::available_bytes())
    }

    /// Runs `pc` once, after [`check_limits`](Self::check_limits), reporting to `probe`.
    fn run_probed<P: Probe>(
        self,
        params: &Params,
        faults: &Faults,
        probe: &P,
    ) -> Result<Outcome, PipelineError> {
        match self {
            Self::Threads => threads::run::<OurQueues, P>(params, faults, probe),
            Self::Crossbeam => threads::run::<Crossbeam, P>(params, faults, probe),
            Self::Tasks => {
                tasks::run::<OurQueues, P>(params, faults, probe, Scheduler::CurrentThread)
            }
            Self::TasksMt => {
                tasks::run::<OurQueues, P>(params, faults, probe, Scheduler::MultiThread)
            }
            #[cfg(feature = "peers")]
            Self::Kanal => threads::run::<Kanal, P>(params, faults, probe),
            #[cfg(feature = "peers")]
            Self::AsyncChannel => {
                tasks::run::<AsyncChannel, P>(params, faults, probe, Scheduler::CurrentThread)
            }
            #[cfg(feature = "peers")]
            Self::KanalAsync => {
                tasks::run::<KanalAsync, P>(params, faults, probe, Scheduler::CurrentThread)
            }
            #[cfg(feature = "peers")]
            Self::AsyncChannelMt => {
                tasks::run::<AsyncChannel, P>(params, faults, probe, Scheduler::MultiThread)
            }
        }
    }
}

impl fmt::Display for Implementation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The name given to [`Implementation::from_str`] is not one of [`Implementation::ALL`].
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::{Implementation, UnknownImplementation};
///
/// assert_eq!("threads".parse::<Implementation>(), Ok(Implementation::Threads));
/// let error = "fibers".parse::<Implementation>().unwrap_err();
/// assert_eq!(error, UnknownImplementation("fibers".to_owned()));
/// assert!(error.to_string().ends_with("threads, crossbeam, tasks, tasks-mt, kanal, \
///     async-channel, kanal-async, async-channel-mt"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown implementation {0:?}; expected one of {names}", names = known_names())]
pub struct UnknownImplementation(pub String);

/// Every name [`Implementation::from_str`] accepts, comma-separated.
fn known_names() -> String {
    Implementation::ALL.map(Implementation::name).join(", ")
}

impl FromStr for Implementation {
    type Err = UnknownImplementation;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|implementation| implementation.name() == name)
            .ok_or_else(|| UnknownImplementation(name.to_owned()))
    }
}
