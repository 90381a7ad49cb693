//! The assignment's `pc(numIters, numProdsCons, capacity)`, on threads and on tasks.
//!
//! Two drivers do the work: one on OS threads ([`threads`]), one on tokio tasks ([`tasks`]).
//! Each is generic over the small channel traits in [`channel`], so a [`Pipeline`] is just a
//! driver paired with a channel family. [`Implementation`] names the three that run on our
//! queues; any other channel that implements the traits runs through the very same drivers,
//! which is how the workspace's tools measure and check the peer crates.
//!
//! What a driver does, in the assignment's order: every producer is started, then every
//! consumer; the clock stops once the main thread or task has read every consumer's sum; and
//! only then is every worker joined or awaited, so that nothing outlives a run, failed or not.
//! A worker that panics, or a spawn the OS refuses, closes both queues so that every other
//! worker is released, and the run returns a typed [`PipelineError`].
//!
//! **Start order.** Both drivers start the workers in the order [`SpawnOrder`] gives: by
//! default the assignment's, every producer and then every consumer. So at capacity 0 the task
//! driver on one thread queues every item before the first consumer runs, as asyncio does.
//! [`SpawnOrder::Paired`], each producer with its consumer, is a named variant, never the
//! default.
//!
//! **Workers.** Thread workers get [`WORKER_STACK_SIZE`] stacks (256 KiB) rather than std's
//! 2 MiB, which the kernel backs with a huge page that it must zero. Every worker carries a
//! guard ([`release`]): if it stops early (it panics, finds its queue closed, or is dropped as
//! a task), the guard closes the worker's queues, so one failure releases every other worker
//! instead of leaving them blocked. Before it starts anything, a run is refused when the OS
//! has no room for its threads ([`os_limits`]) or when it is certain to queue more than the
//! memory available ([`memory`]): running out of memory-map slots makes std abort the whole
//! process inside the new thread, where a refusal is a typed error.
//!
//! **Timing.** The clock stops where the assignment's stops: once the main side has read every
//! consumer's sum. The threading program never joins its threads; ours joins every one, but
//! after the clock. The coroutine program awaits the producers, then the consumers, then reads
//! the sums, and so does the task driver, inside the timed part. For tasks the clock starts
//! inside the runtime, because the assignment times `await pc(...)` on an event loop that is
//! already running.
//!
//! **Counting and tracing.** [`Pipeline::run_counted`] makes every put and get try first
//! without waiting, so the run can count those that had to wait, and samples the buffer's
//! length after every put ([`counting`]). [`Pipeline::run_traced`] tags each item with its
//! producer and sequence number, so that [`Trace::check`] can judge I1 to I4. The probe that
//! does either is a type parameter of the drivers; in an ordinary run its checks are constants
//! that compile away. [`Pipeline::run_timeline`] is a counted run that also reads the clock at
//! every call and wakeup ([`timeline`]), for `prodcons run --trace`.

pub mod channel;
mod counting;
mod error;
mod faults;
mod memory;
mod os_limits;
mod outcome;
mod params;
mod release;
mod spawn_order;
mod tally;
mod tasks;
mod threads;
mod timeline;
mod trace;

use std::fmt;
use std::str::FromStr;

pub use counting::Counts;
pub use error::{MemoryShortfall, PipelineError, Role};
pub use faults::Faults;
pub use outcome::Outcome;
pub use params::Params;
pub use spawn_order::{SpawnOrder, UnknownSpawnOrder};
pub use tasks::Scheduler;
pub use threads::WORKER_STACK_SIZE;
pub use timeline::{Timeline, Wait, Wakeup};
pub use trace::{InvariantViolation, Tag, Trace};

use channel::{OurQueues, TaskChannel, ThreadChannel};
use counting::Counter;
use timeline::TimelineRecorder;
use trace::{Recorder, Untraced};

/// The driver of a [`Pipeline`]: OS threads, or tasks on one of tokio's schedulers.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::{Driver, Implementation, Scheduler};
///
/// assert_eq!(Implementation::Threads.pipeline().driver(), Driver::Threads);
/// assert_eq!(
///     Implementation::TasksMt.pipeline().driver(),
///     Driver::Tasks(Scheduler::MultiThread)
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Driver {
    /// One OS thread per producer and per consumer.
    Threads,
    /// One tokio task per producer and per consumer, on the given scheduler.
    Tasks(Scheduler),
}

type RunFn<P> = fn(&Params, &Faults, &P) -> Result<Outcome, PipelineError>;

/// A way to run `pc`: a [`Driver`] paired with a channel family from [`channel`].
///
/// [`Implementation::pipeline`] gives the three on our queues; [`Pipeline::on_threads`] and
/// [`Pipeline::on_tasks`] pair the drivers with any other channel, so that a comparison of
/// channels compares the channels and not the code around them.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::{Implementation, Params, PipelineError};
///
/// let threads = Implementation::Threads.pipeline();
/// let outcome = threads.run(&Params::new(100, 4, 2).unwrap()).unwrap();
/// assert_eq!(outcome.computed_sum, outcome.expected_sum);
///
/// let tasks = Implementation::Tasks.pipeline();
/// let huge = Params::new(1, usize::MAX, 0).unwrap();
/// assert!(matches!(tasks.run(&huge), Err(PipelineError::TooManyTasks { .. })));
/// ```
#[derive(Clone, Copy)]
pub struct Pipeline {
    name: &'static str,
    driver: Driver,
    /// The channel crate, when it allocates every slot of a bounded channel up front.
    preallocating: Option<&'static str>,
    untraced: RunFn<Untraced>,
    counted: RunFn<Counter>,
    traced: RunFn<Recorder>,
    timed: RunFn<TimelineRecorder>,
}

impl fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pipeline")
            .field("name", &self.name)
            .field("driver", &self.driver)
            .field("preallocating", &self.preallocating)
            .finish_non_exhaustive()
    }
}

impl Pipeline {
    /// The thread driver over the channel family `C`, under the name `name`.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::channel::OurQueues;
    /// use prodcons::{Driver, Params, Pipeline};
    ///
    /// let pipeline = Pipeline::on_threads::<OurQueues>("blocking-queue");
    /// assert_eq!((pipeline.name(), pipeline.driver()), ("blocking-queue", Driver::Threads));
    /// assert!(pipeline.run(&Params::new(10, 2, 1).unwrap()).unwrap().is_correct());
    /// ```
    pub fn on_threads<C: ThreadChannel>(name: &'static str) -> Self {
        Self {
            name,
            driver: Driver::Threads,
            preallocating: None,
            untraced: threads::run::<C, Untraced>,
            counted: threads::run::<C, Counter>,
            traced: threads::run::<C, Recorder>,
            timed: threads::run::<C, TimelineRecorder>,
        }
    }

    /// The task driver over the channel family `C` on `scheduler`, under the name `name`.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::channel::OurQueues;
    /// use prodcons::{Params, Pipeline, Scheduler};
    ///
    /// let pipeline = Pipeline::on_tasks::<OurQueues>("async-queue", Scheduler::CurrentThread);
    /// assert!(pipeline.runs_on_one_thread());
    /// assert!(pipeline.run(&Params::new(10, 2, 1).unwrap()).unwrap().is_correct());
    /// ```
    pub fn on_tasks<C: TaskChannel>(name: &'static str, scheduler: Scheduler) -> Self {
        fn on<C: TaskChannel, P: trace::Probe, const MULTI: bool>(
            params: &Params,
            faults: &Faults,
            probe: &P,
        ) -> Result<Outcome, PipelineError> {
            let scheduler = if MULTI {
                Scheduler::MultiThread
            } else {
                Scheduler::CurrentThread
            };
            tasks::run::<C, P>(params, faults, probe, scheduler)
        }
        type RunFns = (
            RunFn<Untraced>,
            RunFn<Counter>,
            RunFn<Recorder>,
            RunFn<TimelineRecorder>,
        );
        let (untraced, counted, traced, timed): RunFns = match scheduler {
            Scheduler::CurrentThread => (
                on::<C, Untraced, false>,
                on::<C, Counter, false>,
                on::<C, Recorder, false>,
                on::<C, TimelineRecorder, false>,
            ),
            Scheduler::MultiThread => (
                on::<C, Untraced, true>,
                on::<C, Counter, true>,
                on::<C, Recorder, true>,
                on::<C, TimelineRecorder, true>,
            ),
        };
        Self {
            name,
            driver: Driver::Tasks(scheduler),
            preallocating: None,
            untraced,
            counted,
            traced,
            timed,
        }
    }

    /// The same pipeline, for a channel crate (named `queue`) that allocates every slot of a
    /// bounded channel up front: runs whose bounds are over [`MAX_PREALLOCATED_BOUND`] are then
    /// refused before anything is allocated, instead of aborting the process.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::channel::OurQueues;
    /// use prodcons::{MAX_PREALLOCATED_BOUND, Params, Pipeline, PipelineError};
    ///
    /// let pipeline = Pipeline::on_threads::<OurQueues>("eager").preallocating("eager");
    /// // More items will pass than the bound, so the bound is not cut to their number.
    /// let huge = Params::new(1 << 25, 1, MAX_PREALLOCATED_BOUND + 1).unwrap();
    /// assert!(matches!(pipeline.run(&huge), Err(PipelineError::BoundTooLarge { .. })));
    /// assert!(pipeline.run(&Params::new(1, 1, 4).unwrap()).is_ok());
    /// ```
    pub fn preallocating(self, queue: &'static str) -> Self {
        Self {
            preallocating: Some(queue),
            ..self
        }
    }

    /// The name the pipeline was given.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// assert_eq!(prodcons::Implementation::TasksMt.pipeline().name(), "tasks-mt");
    /// ```
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Its driver.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{Driver, Implementation};
    ///
    /// assert_eq!(Implementation::Threads.pipeline().driver(), Driver::Threads);
    /// ```
    pub fn driver(&self) -> Driver {
        self.driver
    }

    /// Whether every worker runs on one thread, one event loop, in spawn order: tasks on
    /// tokio's current-thread scheduler, asyncio's schedule.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::Implementation;
    ///
    /// assert!(Implementation::Tasks.pipeline().runs_on_one_thread());
    /// assert!(!Implementation::TasksMt.pipeline().runs_on_one_thread());
    /// ```
    pub fn runs_on_one_thread(&self) -> bool {
        self.driver == Driver::Tasks(Scheduler::CurrentThread)
    }

    /// Runs `pc` once. A failed run has released and joined every worker it started.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{Implementation, Params, PipelineError};
    ///
    /// let tasks = Implementation::Tasks.pipeline();
    /// let outcome = tasks.run(&Params::new(10, 3, 0).unwrap()).unwrap();
    /// assert_eq!((outcome.computed_sum, outcome.expected_sum), (135, 135));
    ///
    /// let huge = Params::new(1, usize::MAX, 0).unwrap();
    /// assert!(matches!(tasks.run(&huge), Err(PipelineError::TooManyTasks { .. })));
    /// ```
    pub fn run(&self, params: &Params) -> Result<Outcome, PipelineError> {
        self.run_with_faults(params, &Faults::default())
    }

    /// Runs `pc` once with injected faults, to test failure handling.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{Faults, Implementation, Params, PipelineError, Role};
    ///
    /// let pipeline = Implementation::TasksMt.pipeline();
    /// let params = Params::new(50, 2, 1).unwrap();
    /// let faults = Faults::default().panic_after(Role::Producer, 1, 20);
    /// let error = pipeline.run_with_faults(&params, &faults).unwrap_err();
    /// assert!(matches!(error, PipelineError::WorkerPanicked { role: Role::Producer, .. }));
    /// assert!(pipeline.run_with_faults(&params, &Faults::default()).is_ok());
    /// ```
    pub fn run_with_faults(
        &self,
        params: &Params,
        faults: &Faults,
    ) -> Result<Outcome, PipelineError> {
        self.check_limits_for(params, size_of::<u64>())?;
        (self.untraced)(params, faults, &Untraced)
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
    ///     let pipeline = implementation.pipeline();
    ///     let (outcome, trace) = pipeline.run_traced(&Params::new(20, 3, 1).unwrap()).unwrap();
    ///     assert!(outcome.is_correct());
    ///     assert_eq!(trace.check(), Ok(()));
    /// }
    ///
    /// let huge = Params::new(1, usize::MAX, 0).unwrap();
    /// assert!(matches!(
    ///     Implementation::Tasks.pipeline().run_traced(&huge),
    ///     Err(PipelineError::TooManyTasks { .. })
    /// ));
    /// ```
    pub fn run_traced(&self, params: &Params) -> Result<(Outcome, Trace), PipelineError> {
        self.check_limits_for(params, size_of::<Tag>())?;
        let recorder = Recorder::new(params);
        let outcome = (self.traced)(params, &Faults::default(), &recorder)?;
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
    /// use prodcons::{Implementation, Params, PipelineError};
    ///
    /// // Tasks on one thread, the assignment's order: every producer fills the buffer or
    /// // parks on it before any consumer exists.
    /// let tasks = Implementation::Tasks.pipeline();
    /// let (outcome, counts) = tasks.run_counted(&Params::new(50, 4, 1).unwrap()).unwrap();
    /// assert!(outcome.is_correct());
    /// assert_eq!(counts.peak_len, 1);
    /// assert!(counts.put_waits > 0);
    ///
    /// let huge = Params::new(1, usize::MAX, 0).unwrap();
    /// assert!(matches!(tasks.run_counted(&huge), Err(PipelineError::TooManyTasks { .. })));
    /// ```
    pub fn run_counted(&self, params: &Params) -> Result<(Outcome, Counts), PipelineError> {
        self.check_limits_for(params, size_of::<u64>())?;
        let counter = Counter::default();
        let outcome = (self.counted)(params, &Faults::default(), &counter)?;
        Ok((outcome, counter.counts()))
    }

    /// Runs `pc` once in counting mode with a clock on every wait, and returns its
    /// [`Timeline`]: each put and get that had to wait, from its call to its return, with the
    /// wakeups it had meanwhile, and the run's [`Counts`] from the same hooks. `prodcons run
    /// --trace` writes it as a trace for Perfetto.
    ///
    /// Like counting, timing every wait adds work to every put and take: a timeline shows how
    /// a run goes, not how long it takes.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{Implementation, Params, PipelineError, Role};
    ///
    /// let threads = Implementation::Threads.pipeline();
    /// let (outcome, timeline) = threads.run_timeline(&Params::new(100, 4, 1).unwrap()).unwrap();
    /// assert!(outcome.is_correct());
    /// let gets = timeline.waits.iter().filter(|w| w.role == Role::Consumer).count() as u64;
    /// assert_eq!(gets, timeline.counts.get_waits);
    ///
    /// let huge = Params::new(1, usize::MAX, 0).unwrap();
    /// let tasks = Implementation::Tasks.pipeline();
    /// assert!(matches!(tasks.run_timeline(&huge), Err(PipelineError::TooManyTasks { .. })));
    /// ```
    pub fn run_timeline(&self, params: &Params) -> Result<(Outcome, Timeline), PipelineError> {
        self.check_limits_for(params, size_of::<u64>())?;
        let recorder = TimelineRecorder::new();
        let outcome = (self.timed)(params, &Faults::default(), &recorder)?;
        Ok((outcome, recorder.into_timeline()))
    }

    /// Refuses, before anything is allocated, a run this machine has no room for: too many
    /// threads or tasks, bounds too large to preallocate, or more queued items than the memory
    /// available. Every `run` method checks this first; it is public for code that spawns the
    /// same workers itself and wants the same refusals.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{Implementation, Params, PipelineError};
    ///
    /// let tasks = Implementation::Tasks.pipeline();
    /// assert!(tasks.check_limits(&Params::new(1000, 50, 10).unwrap()).is_ok());
    /// let huge = Params::new(1, usize::MAX, 0).unwrap();
    /// assert!(matches!(tasks.check_limits(&huge), Err(PipelineError::TooManyTasks { .. })));
    /// ```
    pub fn check_limits(&self, params: &Params) -> Result<(), PipelineError> {
        self.check_limits_for(params, size_of::<u64>())
    }

    /// [`check_limits`](Self::check_limits) for items of `item_size` bytes.
    fn check_limits_for(&self, params: &Params, item_size: usize) -> Result<(), PipelineError> {
        if let Some(queue) = self.preallocating {
            channel::check_preallocated_bounds(params, queue)?;
        }
        match self.driver {
            Driver::Threads => threads::check_thread_headroom(params)?,
            Driver::Tasks(_) => tasks::check_task_count(params)?,
        }
        // Last, so that a count too large to start is named as such rather than as memory.
        memory::check_fits(self, params, item_size, memory::available_bytes())
    }
}

/// The largest bound we let a channel that allocates every slot up front (crossbeam, kanal,
/// async-channel) allocate: a huge bound would abort the process before any thread starts.
///
/// ```
/// assert_eq!(prodcons::MAX_PREALLOCATED_BOUND, 1 << 24);
/// ```
pub const MAX_PREALLOCATED_BOUND: usize = 1 << 24;

/// One of the three pipelines on our queues.
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
    /// Tasks with [`AsyncQueue`](crate::AsyncQueue) on tokio's current-thread runtime, like
    /// asyncio's single event loop.
    Tasks,
    /// The same tasks on tokio's multi-thread runtime.
    TasksMt,
}

impl Implementation {
    /// All three, in the order the CLI lists them.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::Implementation;
    ///
    /// assert_eq!(Implementation::ALL.len(), 3);
    /// assert_eq!(Implementation::ALL[0], Implementation::Threads);
    /// ```
    pub const ALL: [Self; 3] = [Self::Threads, Self::Tasks, Self::TasksMt];

    /// The name the CLI uses.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// assert_eq!(prodcons::Implementation::TasksMt.name(), "tasks-mt");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Self::Threads => "threads",
            Self::Tasks => "tasks",
            Self::TasksMt => "tasks-mt",
        }
    }

    /// The pipeline: its driver over our queues.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{Driver, Implementation, Scheduler};
    ///
    /// assert_eq!(Implementation::Tasks.pipeline().driver(), Driver::Tasks(Scheduler::CurrentThread));
    /// ```
    pub fn pipeline(self) -> Pipeline {
        match self {
            Self::Threads => Pipeline::on_threads::<OurQueues>(self.name()),
            Self::Tasks => Pipeline::on_tasks::<OurQueues>(self.name(), Scheduler::CurrentThread),
            Self::TasksMt => Pipeline::on_tasks::<OurQueues>(self.name(), Scheduler::MultiThread),
        }
    }

    /// Runs `pc` once: [`Pipeline::run`] on [`pipeline`](Self::pipeline).
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
        self.pipeline().run(params)
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
/// assert!(error.to_string().ends_with("threads, tasks, tasks-mt"));
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
