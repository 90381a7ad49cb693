//! Why a bench could not finish.

use std::io;
use std::path::PathBuf;

use super::contender::Contender;
use prodcons::{Params, PipelineError};

/// Why `prodcons bench` stopped. A cell that merely could not run here (too many threads, over
/// the time guard) is not an error: it is reported as skipped and the sweep goes on.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_bench::{BenchError, Sweep};
///
/// let no_runs = Sweep { runs: 0, ..Sweep::quick() };
/// assert!(matches!(no_runs.check(), Err(BenchError::NoRuns)));
/// assert!(Sweep::quick().check().is_ok());
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BenchError {
    /// [`Sweep::runs`](crate::Sweep::runs) is 0: there would be nothing to take a median of.
    #[error("a sweep needs at least one run of each contender on each cell, and runs is 0")]
    NoRuns,
    /// One of the sweep's lists is empty; the field is named (`prods_cons`, `capacities`,
    /// `contenders` or `variants`).
    #[error("the sweep's {0} list is empty; it needs at least one value")]
    EmptyList(&'static str),
    /// A lane asks for more busy threads beside its runs than
    /// [`MAX_LOAD`](crate::MAX_LOAD).
    #[error(
        "a load of {0} busy threads is more than the {max} a lane may ask for",
        max = crate::MAX_LOAD
    )]
    TooMuchLoad(usize),
    /// The baseline of the ratio column is not among the contenders.
    #[error("the baseline {0} is not among the sweep's contenders")]
    BaselineNotRun(Contender),
    /// A cell's parameters are invalid, such as an expected sum that overflows.
    #[error(transparent)]
    Params(PipelineError),
    /// A run computed the wrong sum: the one failure a bench must never average away.
    #[error("{contender} computed the wrong total for {params}: {computed} instead of {expected}")]
    WrongSum {
        /// Who ran it.
        contender: Contender,
        /// The cell.
        params: Params,
        /// What it computed.
        computed: u128,
        /// What it should have computed.
        expected: u128,
    },
    /// A run failed in a way that is a bug, not a limit of this machine (a worker panicked).
    #[error("{contender} failed on {params}: {source}")]
    Run {
        /// Who ran it.
        contender: Contender,
        /// The cell.
        params: Params,
        /// What went wrong.
        #[source]
        source: PipelineError,
    },
    /// A lane could not be set up (pinned to its cores) or counted (its counting process
    /// failed or printed no counts).
    #[error("{contender} could not be measured on {params}: {reason}")]
    Lane {
        /// Who was being measured.
        contender: Contender,
        /// The cell, with the lane's spawn order.
        params: Params,
        /// What went wrong.
        reason: String,
    },
    /// A Python reference ran but did not print what the harness reads.
    #[error("{contender} failed on {params}: {reason}")]
    Python {
        /// Which reference.
        contender: Contender,
        /// The cell.
        params: Params,
        /// What went wrong, with what it printed.
        reason: String,
    },
    /// A per-operation measurement ([`measure_per_op`](crate::measure_per_op)) could not be
    /// taken: a runtime could not be built, a queue refused an operation, or
    /// `python/per_op.py` failed or printed nothing readable.
    #[error("the per-operation cost of {name} could not be measured: {reason}")]
    PerOp {
        /// The measurement, or `python` for the script.
        name: String,
        /// What went wrong.
        reason: String,
    },
    /// An output file or directory could not be written.
    #[error("could not write {}: {source}", path.display())]
    Write {
        /// The file or directory.
        path: PathBuf,
        /// What the OS said.
        #[source]
        source: io::Error,
    },
    /// A CSV record could not be written.
    #[error("could not write the CSV file {}: {source}", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// What the csv crate said.
        #[source]
        source: csv::Error,
    },
    /// A plot could not be drawn.
    #[error("could not draw {}: {reason}", path.display())]
    Plot {
        /// The SVG file.
        path: PathBuf,
        /// What plotters said.
        reason: String,
    },
    /// A trace file (`prodcons run --trace`, the timeline figures) cannot be written where it
    /// was asked for, or one read back is not a trace.
    #[error("trace file {}: {reason}", path.display())]
    Trace {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A file the claims check needs could not be read.
    #[error("could not read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        #[source]
        source: io::Error,
    },
    /// The claims file is not TOML, or a claim in it is malformed.
    #[error("{}: {reason}", path.display())]
    ClaimsFile {
        /// The claims file.
        path: PathBuf,
        /// What is wrong, naming the claim where there is one.
        reason: String,
    },
    /// The data file is not a list of records.
    #[error("{} is not a list of bench records: {reason}", path.display())]
    Data {
        /// The JSON or CSV file.
        path: PathBuf,
        /// What the parser said.
        reason: String,
    },
    /// A claim's expression could not be evaluated on the data: a syntax error, an unknown
    /// function, or a cell that names no row or several.
    #[error("claim {id}: {reason}")]
    Claim {
        /// The claim's id.
        id: String,
        /// Why it has no value.
        reason: String,
    },
    /// The answers' numbers and the claims disagree: a citation of an unknown claim, a cited
    /// number other than the one the claim states, a claim never cited, or a bare number.
    #[error("{}: {problems}", path.display())]
    Prose {
        /// The answers file.
        path: PathBuf,
        /// Every problem, with its line, separated by `; `.
        problems: String,
    },
    /// Claims that the data no longer support, each with its derived and stated value.
    #[error("{failing} of {total} claims no longer hold: {list}")]
    ClaimsFail {
        /// How many fail.
        failing: usize,
        /// How many there are.
        total: usize,
        /// Each failing claim: `FAILS ID: derived X, states Y (±T)`, separated by `; `.
        list: String,
    },
}

impl BenchError {
    /// Wraps an IO error with the path it concerns.
    pub(crate) fn write(path: impl Into<PathBuf>) -> impl FnOnce(io::Error) -> Self {
        let path = path.into();
        move |source| Self::Write { path, source }
    }
}
