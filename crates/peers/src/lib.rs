//! The channels a Rust user would reach for instead of prodcons's queues, adapted once each,
//! for every tool in the workspace:
//!
//! - for the pipelines ([`Implementation`]): each crate's channel behind
//!   [`prodcons::channel`]'s traits, so that the library's own drivers run it and
//!   `prodcons bench` compares queues, not drivers;
//! - for the linearizability checker ([`targets`], [`shipped_bugs`], [`target`]): each
//!   crate's channel as a [`prodcons_lincheck::Target`], including releases pinned with a
//!   shipped bug beside their fixes.
//!
//! Each peer crate has one module, holding all that adapts it, for both, and saying how the
//! crate's semantics differ: `crossbeam`, `kanal`, `async_channel` (pipelines and checker;
//! the checker runs the pipelines' own ends), `flume`, `futures`, `tokio_mpsc` and `std_mpsc`
//! (checker only); `shared` holds what several of them share. [`targets`] and
//! [`shipped_bugs`] list their targets in a fixed order.
//!
//! One module is no peer: `handoff` holds [`HandoffQueue`], our async queue without asyncio's
//! wake-up rule, an intervention that measures what the rule costs
//! ([`Implementation::TasksHandoff`]). It lives here, not in the library, which keeps
//! asyncio's rule.
//!
//! Capacity 0 means unbounded throughout, as in the specification. Most crates here also have
//! a `bounded(0)` rendezvous channel, which is not a queue of capacity 0 in Python's sense:
//! crossbeam's and flume's are checked as targets of their own, against the specification's
//! [`RENDEZVOUS`](prodcons_lincheck::RENDEZVOUS) variant, in which a put completes only
//! together with a get (flume's async one is a known failure, zesterer/flume#140).
//!
//! Not part of a loom build: the peers' crates are not built for loom, and a loom build's
//! queues only run inside `loom::model`, where none of this runs. (The examples sit on the
//! items: rustdoc reads these lines even in a loom build, which leaves the crate out.)
#![cfg(not(loom))]

// The modules named after a crate shadow it here, so paths into them start with `self::`.
mod async_channel;
mod crossbeam;
mod flume;
mod futures;
mod futures_parked;
mod handoff;
mod kanal;
mod shared;
mod shipped;
mod std_mpsc;
mod tokio_mpsc;

use std::fmt;
use std::str::FromStr;

use prodcons::{Outcome, Params, Pipeline, PipelineError, Scheduler};
use prodcons_lincheck::Target;

pub use self::async_channel::AsyncChannel;
pub use self::crossbeam::Crossbeam;
pub use self::handoff::{Handoff, HandoffGet, HandoffPut, HandoffQueue};
pub use self::kanal::{Kanal, KanalAsync};

/// One way to run `pc`: ours (the library's three, and the thread driver on
/// crossbeam-channel), the hand-off intervention, or a peer's.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::Params;
/// use prodcons_peers::Implementation;
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
    /// OS threads with [`BlockingQueue`](prodcons::BlockingQueue), like Python's `threading`.
    Threads,
    /// OS threads with crossbeam-channel (`unbounded()` for capacity 0).
    Crossbeam,
    /// Tasks with [`AsyncQueue`](prodcons::AsyncQueue) on tokio's current-thread runtime, like
    /// asyncio's single event loop.
    Tasks,
    /// The same tasks on tokio's multi-thread runtime.
    TasksMt,
    /// Intervention, never a default: `tasks` with [`HandoffQueue`] in place of `AsyncQueue`,
    /// on the same current-thread runtime. It removes only asyncio's wake-up rule (a woken
    /// waiter must be polled again to finish), to show by measurement what that rule costs.
    /// Its futures are not cancel-safe (see [`HandoffQueue`]).
    TasksHandoff,
    /// Peer: OS threads with kanal's blocking channel (`unbounded()` for capacity 0).
    Kanal,
    /// Peer: tasks with async-channel on tokio's current-thread runtime.
    AsyncChannel,
    /// Peer: tasks with kanal's async channel on tokio's current-thread runtime.
    KanalAsync,
    /// Peer: tasks with async-channel on tokio's multi-thread runtime.
    AsyncChannelMt,
}

impl Implementation {
    /// Every implementation, ours, then the hand-off intervention, then the peers, in the
    /// order the CLI lists them.
    ///
    /// ```
    /// use prodcons_peers::Implementation;
    ///
    /// assert_eq!(Implementation::ALL[..4], Implementation::OURS);
    /// assert_eq!(Implementation::ALL[4], Implementation::TasksHandoff);
    /// assert_eq!(Implementation::ALL.len(), 9);
    /// ```
    pub const ALL: [Self; 9] = [
        Self::Threads,
        Self::Crossbeam,
        Self::Tasks,
        Self::TasksMt,
        Self::TasksHandoff,
        Self::Kanal,
        Self::AsyncChannel,
        Self::KanalAsync,
        Self::AsyncChannelMt,
    ];

    /// Our four: the drivers with our queues, and the thread driver with crossbeam-channel.
    ///
    /// ```
    /// use prodcons_peers::Implementation;
    ///
    /// assert!(Implementation::OURS.contains(&Implementation::Crossbeam));
    /// assert!(!Implementation::OURS.contains(&Implementation::Kanal));
    /// assert!(!Implementation::OURS.contains(&Implementation::TasksHandoff));
    /// ```
    pub const OURS: [Self; 4] = [Self::Threads, Self::Crossbeam, Self::Tasks, Self::TasksMt];

    /// The name the CLI uses.
    ///
    /// ```
    /// assert_eq!(prodcons_peers::Implementation::TasksMt.name(), "tasks-mt");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Self::Threads => "threads",
            Self::Crossbeam => "crossbeam",
            Self::Tasks => "tasks",
            Self::TasksMt => "tasks-mt",
            Self::TasksHandoff => "tasks-handoff",
            Self::Kanal => "kanal",
            Self::AsyncChannel => "async-channel",
            Self::KanalAsync => "kanal-async",
            Self::AsyncChannelMt => "async-channel-mt",
        }
    }

    /// The library's [`Pipeline`] for it: the same drivers, with this implementation's channel.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{Driver, Params};
    /// use prodcons_peers::Implementation;
    ///
    /// let pipeline = Implementation::Kanal.pipeline();
    /// assert_eq!((pipeline.name(), pipeline.driver()), ("kanal", Driver::Threads));
    /// let (outcome, trace) = pipeline.run_traced(&Params::new(20, 3, 1).unwrap()).unwrap();
    /// assert!(outcome.is_correct());
    /// assert_eq!(trace.check(), Ok(()));
    /// ```
    pub fn pipeline(self) -> Pipeline {
        let name = self.name();
        match self {
            Self::Threads => prodcons::Implementation::Threads.pipeline(),
            Self::Tasks => prodcons::Implementation::Tasks.pipeline(),
            Self::TasksMt => prodcons::Implementation::TasksMt.pipeline(),
            Self::TasksHandoff => Pipeline::on_tasks::<Handoff>(name, Scheduler::CurrentThread),
            Self::Crossbeam => {
                Pipeline::on_threads::<Crossbeam>(name).preallocating("crossbeam-channel")
            }
            Self::Kanal => Pipeline::on_threads::<Kanal>(name).preallocating("kanal"),
            Self::KanalAsync => Pipeline::on_tasks::<KanalAsync>(name, Scheduler::CurrentThread)
                .preallocating("kanal"),
            Self::AsyncChannel => {
                Pipeline::on_tasks::<AsyncChannel>(name, Scheduler::CurrentThread)
                    .preallocating("async-channel")
            }
            Self::AsyncChannelMt => {
                Pipeline::on_tasks::<AsyncChannel>(name, Scheduler::MultiThread)
                    .preallocating("async-channel")
            }
        }
    }

    /// Runs `pc` once: [`Pipeline::run`] on [`pipeline`](Self::pipeline).
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{Params, PipelineError};
    /// use prodcons_peers::Implementation;
    ///
    /// let outcome = Implementation::KanalAsync.run(&Params::new(10, 3, 0).unwrap()).unwrap();
    /// assert_eq!((outcome.computed_sum, outcome.expected_sum), (135, 135));
    /// let huge = Params::new(1 << 25, 1, usize::MAX).unwrap();
    /// assert!(matches!(
    ///     Implementation::Kanal.run(&huge),
    ///     Err(PipelineError::BoundTooLarge { .. })
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
/// use prodcons_peers::{Implementation, UnknownImplementation};
///
/// assert_eq!("threads".parse::<Implementation>(), Ok(Implementation::Threads));
/// let error = "fibers".parse::<Implementation>().unwrap_err();
/// assert_eq!(error, UnknownImplementation("fibers".to_owned()));
/// assert!(error.to_string().ends_with("threads, crossbeam, tasks, tasks-mt, tasks-handoff, \
///     kanal, async-channel, kanal-async, async-channel-mt"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownImplementation(pub String);

impl fmt::Display for UnknownImplementation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = Implementation::ALL.map(Implementation::name).join(", ");
        write!(
            f,
            "unknown implementation {:?}; expected one of {names}",
            self.0
        )
    }
}

impl std::error::Error for UnknownImplementation {}

impl FromStr for Implementation {
    type Err = UnknownImplementation;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|implementation| implementation.name() == name)
            .ok_or_else(|| UnknownImplementation(name.to_owned()))
    }
}

/// Every target of the checker, ours first, then the peers, then `tasks-handoff`, in the
/// order `prodcons check --target all` lists them.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// let names: Vec<_> = prodcons_peers::targets().iter().map(|t| t.name()).collect();
/// assert_eq!(names[..4], ["blocking", "async-current", "async-multi", "crossbeam"]);
/// ```
pub fn targets() -> Vec<Box<dyn Target>> {
    let mut targets = prodcons_lincheck::targets();
    targets.extend([
        self::crossbeam::target(),
        self::kanal::target(),
        self::kanal::async_target(),
        self::async_channel::target(),
        self::tokio_mpsc::target(),
        self::std_mpsc::target(),
        self::flume::target(),
        self::flume::async_target(),
        self::flume::bounded_target(),
        self::flume::bounded_async_target(),
        self::crossbeam::rendezvous_target(),
        self::flume::rendezvous_target(),
        self::kanal::rendezvous_target(),
        self::std_mpsc::rendezvous_target(),
        self::futures::target(),
        self::tokio_mpsc::try_target(),
        self::handoff::target(),
    ]);
    targets
}

/// Releases of other crates that shipped with a known concurrency bug, pinned beside their fixed
/// releases (flume 0.10.10, futures-channel 0.2.0-alpha, tokio 0.2.22, async-channel 1.4.0 on
/// event-listener 2.3.2, crossbeam-channel 0.3.5, futures 0.1.6), and current releases with a known
/// failure: kanal's async receive under cancellation, flume's async receive on a multi-thread
/// runtime, which can miss a wakeup, futures-channel 0.3's `try_send` racing `close`, and tokio's
/// mpsc with `try_send` and `try_recv`, whose waiting send holds a freed slot before its item
/// arrives, and flume's async rendezvous, whose send can complete before any receive takes its item
/// (zesterer/flume#140) (see `docs/conformance.md`); and our own known failure, the hand-off queue
/// under cancellation (`tasks-handoff-cancel`). Not among the targets `--target all` checks: they
/// are expected to fail. `ci/check.sh` requires the ones that fail within seconds to fail; the
/// others (`flume-async-multi`, `futures-mpsc-close`, `crossbeam-0.3.5-try`, the multi-thread
/// `async-channel-1.4.0`, and `tokio-0.2.22-try-race`, which no sweep has failed) show their races
/// too rarely for any budget CI can afford.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// for target in prodcons_peers::shipped_bugs() {
///     assert!(prodcons_peers::target(target.name()).is_some());
/// }
/// ```
pub fn shipped_bugs() -> Vec<Box<dyn Target>> {
    vec![
        self::flume::async_multi_target(),
        self::kanal::async_cancel_target(),
        self::flume::v0_10_10_async_target(),
        self::flume::v0_10_10_async_multi_target(),
        self::futures::v0_2_0_alpha_target(),
        self::tokio_mpsc::v0_2_try_target(),
        self::futures::close_race_target(),
        self::handoff::cancel_target(),
        self::tokio_mpsc::try_ops_target(),
        self::flume::rendezvous_async_target(),
    ]
    .into_iter()
    .chain(self::shipped::bugs())
    .chain([self::futures_parked::v0_1_6_target()])
    .collect()
}

/// The current releases of the crates pinned with a bug in [`shipped_bugs`], through the very
/// same adapters as the pinned releases (`async-channel-2`, `tokio-mpsc-close`, their
/// `-current` twins, `tokio-mpsc-try-race`, `crossbeam-try-hop`, `futures-mpsc-parked`), so
/// that a sweep of either draws the same scenarios from the same seed. Not among the targets `--target all` checks:
/// each is a control for its bug.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// let names: Vec<_> = prodcons_peers::shipped_fixes().iter().map(|t| t.name()).collect();
/// assert!(names.contains(&"tokio-mpsc-close"));
/// assert!(prodcons_peers::target("async-channel-2").is_some());
/// ```
pub fn shipped_fixes() -> Vec<Box<dyn Target>> {
    let mut fixes = self::shipped::fixes();
    fixes.push(self::futures_parked::v0_3_target());
    fixes
}

/// The target called `name`, if there is one: among [`targets`], [`shipped_bugs`],
/// [`shipped_fixes`], or the seeded bug.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// assert!(prodcons_peers::target("seeded-bug").is_some());
/// assert!(prodcons_peers::target("no-such-queue").is_none());
/// ```
pub fn target(name: &str) -> Option<Box<dyn Target>> {
    prodcons_lincheck::target(name).or_else(|| {
        targets()
            .into_iter()
            .chain(shipped_bugs())
            .chain(shipped_fixes())
            .find(|target| target.name() == name)
    })
}
