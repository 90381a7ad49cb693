//! Who a bench runs: our implementations and the peers, the floors, and the Python references.

use std::fmt;
use std::str::FromStr;

use prodcons_peers::Implementation;

/// One column of the race: anything `prodcons bench` can time on a cell.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_peers::Implementation;
/// use prodcons_bench::{Contender, Floor, UnknownContender};
///
/// assert_eq!("kanal".parse(), Ok(Contender::Pipeline(Implementation::Kanal)));
/// assert_eq!("floor-sequential".parse(), Ok(Contender::Floor(Floor::Sequential)));
/// assert_eq!(Contender::Floor(Floor::SpawnTasks).to_string(), "floor-spawn-tasks");
/// assert!(matches!("fibers".parse::<Contender>(), Err(UnknownContender(_))));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Contender {
    /// One of ours, or a peer: a real `pc` run in this process.
    Pipeline(Implementation),
    /// A lower bound on what the machine allows, doing part of the work or none of it.
    Floor(Floor),
    /// One of the assignment's Python programs, or an intervention on one, run with `python3`.
    Python(PythonRef),
}

/// A floor: what the machine allows, to read the other numbers against.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_bench::{Contender, Floor};
///
/// assert_eq!(Contender::FLOORS[0], Contender::Floor(Floor::Sequential));
/// assert_eq!(Contender::Floor(Floor::SpawnThreads).name(), "floor-spawn-threads");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Floor {
    /// The same items through a `VecDeque` of the same capacity, on one thread, no locks.
    Sequential,
    /// Spawning and joining `2 × numProdsCons` OS threads that do nothing.
    SpawnThreads,
    /// Spawning and awaiting `2 × numProdsCons` tokio tasks that do nothing, on one thread.
    SpawnTasks,
}

/// One of the assignment's two Python programs in `python/`, or one of them with an
/// intervention behind a flag: a change that tests an explanation of their times.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_bench::{Contender, PythonRef};
///
/// assert_eq!(Contender::PYTHON[1], Contender::Python(PythonRef::Asyncio));
/// assert_eq!("python-threads".parse(), Ok(Contender::Python(PythonRef::Threads)));
/// assert_eq!(
///     "python-asyncio-handoff".parse(),
///     Ok(Contender::Python(PythonRef::AsyncioHandoff))
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PythonRef {
    /// `threading` with `queue.Queue`: the assignment's given solution.
    Threads,
    /// `asyncio` tasks with `asyncio.Queue`: the assignment's exercise.
    Asyncio,
    /// The asyncio program with a hand-off buffer (`pc_asyncio.py --handoff`): a waiter is
    /// handed its item or slot before it wakes, so no wakeup is futile.
    AsyncioHandoff,
    /// The threading program with a 0.5 ms GIL switch interval, a tenth of CPython's 5 ms
    /// (`pc_threads.py --switch-interval 0.0005`).
    ThreadsSwitchHalfMs,
    /// The threading program with a 50 ms GIL switch interval, ten times CPython's
    /// (`pc_threads.py --switch-interval 0.05`).
    ThreadsSwitch50Ms,
}

impl Contender {
    /// The floors, in the order the bench lists them.
    pub const FLOORS: [Self; 3] = [
        Self::Floor(Floor::Sequential),
        Self::Floor(Floor::SpawnThreads),
        Self::Floor(Floor::SpawnTasks),
    ];

    /// The Python references, which run only where `python3` is.
    pub const PYTHON: [Self; 2] = [
        Self::Python(PythonRef::Threads),
        Self::Python(PythonRef::Asyncio),
    ];

    /// The interventions on the Python programs: named with `--impl` only, never part of
    /// [`Contender::all`], [`Contender::PYTHON`] or `--impl all`, since they are not the
    /// assignment's programs.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_bench::Contender;
    ///
    /// assert_eq!(Contender::PYTHON_INTERVENTIONS[0].name(), "python-asyncio-handoff");
    /// assert!(Contender::PYTHON_INTERVENTIONS.iter().all(|c| !Contender::all(true).contains(c)));
    /// ```
    pub const PYTHON_INTERVENTIONS: [Self; 3] = [
        Self::Python(PythonRef::AsyncioHandoff),
        Self::Python(PythonRef::ThreadsSwitchHalfMs),
        Self::Python(PythonRef::ThreadsSwitch50Ms),
    ];

    /// Everything `--impl all` means: every implementation, then the floors, then the Python
    /// references if `python` is set.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_bench::Contender;
    ///
    /// assert_eq!(Contender::all(false).len(), 12);
    /// assert_eq!(Contender::all(true).len(), 14);
    /// ```
    pub fn all(python: bool) -> Vec<Self> {
        let python: &[Self] = if python { &Self::PYTHON } else { &[] };
        Implementation::ALL
            .into_iter()
            .map(Self::Pipeline)
            .chain(Self::FLOORS)
            .chain(python.iter().copied())
            .collect()
    }

    /// Every contender, Python and its interventions included: the names `--impl` accepts,
    /// besides `all`.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_bench::Contender;
    ///
    /// assert!(Contender::names().any(|name| name == "python-asyncio"));
    /// assert!(Contender::names().any(|name| name == "python-threads-switch-50ms"));
    /// assert_eq!(Contender::names().count(), 17);
    /// ```
    pub fn names() -> impl Iterator<Item = &'static str> {
        Self::every().map(Self::name)
    }

    /// Every contender `--impl` can name: [`Contender::all`] and the interventions.
    fn every() -> impl Iterator<Item = Self> {
        Self::all(true)
            .into_iter()
            .chain(Self::PYTHON_INTERVENTIONS)
    }

    /// The name the CLI, the table and the records use.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_bench::{Contender, PythonRef};
    ///
    /// assert_eq!(Contender::Python(PythonRef::Threads).name(), "python-threads");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Self::Pipeline(implementation) => implementation.name(),
            Self::Floor(Floor::Sequential) => "floor-sequential",
            Self::Floor(Floor::SpawnThreads) => "floor-spawn-threads",
            Self::Floor(Floor::SpawnTasks) => "floor-spawn-tasks",
            Self::Python(PythonRef::Threads) => "python-threads",
            Self::Python(PythonRef::Asyncio) => "python-asyncio",
            Self::Python(PythonRef::AsyncioHandoff) => "python-asyncio-handoff",
            Self::Python(PythonRef::ThreadsSwitchHalfMs) => "python-threads-switch-0.5ms",
            Self::Python(PythonRef::ThreadsSwitch50Ms) => "python-threads-switch-50ms",
        }
    }
}

impl fmt::Display for Contender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The name given to [`Contender::from_str`] is not one [`Contender::names`] lists.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_bench::{Contender, UnknownContender};
///
/// let error = "fibers".parse::<Contender>().unwrap_err();
/// assert_eq!(error, UnknownContender("fibers".to_owned()));
/// assert!(error.to_string().contains("floor-spawn-threads"));
/// assert!("tasks".parse::<Contender>().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown implementation {0:?}; expected one of {names}", names = Contender::names().collect::<Vec<_>>().join(", "))]
pub struct UnknownContender(pub String);

impl FromStr for Contender {
    type Err = UnknownContender;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::every()
            .find(|contender| contender.name() == name)
            .ok_or_else(|| UnknownContender(name.to_owned()))
    }
}
