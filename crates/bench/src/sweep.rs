//! The sweep: every cell of `numProdsCons × capacity`, every contender on each, interleaved.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::child::ChildFailure;
use super::contender::Contender;
use super::cores::{self, Cores};
use super::error::BenchError;
use super::floors;
use super::load::{BusyThreads, MAX_LOAD};
use super::mechanism::{self, Mechanism};
use super::progress::Progress;
use super::python::{self, PythonFailure};
use super::stats::Summary;
use super::variant::Variant;
use prodcons::{Outcome, Params, PipelineError};

/// What to measure, and how carefully. [`Default`] is the issue's full sweep without Python;
/// [`Sweep::quick`] is a small one for trying it out and for CI.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_bench::{Contender, Measured, Sweep};
///
/// let sweep = Sweep {
///     prods_cons: vec![2],
///     capacities: vec![0, 1],
///     contenders: vec!["threads".parse().unwrap(), "floor-sequential".parse().unwrap()],
///     runs: 3,
///     ..Sweep::quick()
/// };
/// let results = sweep.run().unwrap();
/// assert_eq!(results.rows.len(), 4);
/// assert!(results.rows.iter().all(|row| matches!(row.measured, Measured::Timed(s) if s.runs == 3)));
///
/// let empty = Sweep { capacities: vec![], ..sweep };
/// assert!(empty.run().is_err());
/// ```
#[derive(Clone, Debug)]
pub struct Sweep {
    /// Items per producer, the same in every cell.
    pub num_iters: u64,
    /// The `numProdsCons` values, one row of cells each.
    pub prods_cons: Vec<usize>,
    /// The capacities, 0 for unbounded.
    pub capacities: Vec<usize>,
    /// Who runs on every cell, in this order within a round (each round starts one later).
    pub contenders: Vec<Contender>,
    /// The schedules every contender runs under on every cell, each its own lane, interleaved
    /// with the rest. The default is the assignment's schedule alone.
    pub variants: Vec<Variant>,
    /// The `prodcons` executable for the counting pass: after a cell's timed runs, each lane
    /// runs once more in counting mode, in a fresh process (see [`Mechanism`]). `None` skips
    /// the pass.
    pub count_with: Option<PathBuf>,
    /// Timed runs per contender per cell.
    pub runs: usize,
    /// Untimed runs per contender per cell before the timed ones.
    pub warmups: usize,
    /// The most one contender may spend on one cell; a contender projected to go over it is
    /// skipped on that cell (and on bigger cells of the same capacity), and a Python run that
    /// reaches it is killed.
    pub max_cell: Duration,
    /// Whether to draw a progress bar on stderr (drawn only when stderr is a terminal).
    pub show_progress: bool,
    /// For tests of the sum check only: this contender's sums are reported one too high.
    #[doc(hidden)]
    pub corrupt_sum_of: Option<Contender>,
}

impl Default for Sweep {
    fn default() -> Self {
        Self {
            num_iters: 1000,
            prods_cons: vec![1, 10, 50, 100, 500, 1000],
            capacities: vec![0, 1, 10, 100, 1000],
            contenders: Contender::all(false),
            variants: vec![Variant::default()],
            count_with: None,
            runs: 7,
            warmups: 1,
            max_cell: Duration::from_secs(60),
            show_progress: false,
            corrupt_sum_of: None,
        }
    }
}

impl Sweep {
    /// The `--quick` sweep: `numIters` 200, `numProdsCons` 1, 10, 50, capacities 0, 1, 10,
    /// three runs.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// let quick = prodcons_bench::Sweep::quick();
    /// assert_eq!((quick.num_iters, quick.runs), (200, 3));
    /// ```
    pub fn quick() -> Self {
        Self {
            num_iters: 200,
            prods_cons: vec![1, 10, 50],
            capacities: vec![0, 1, 10],
            runs: 3,
            ..Self::default()
        }
    }

    /// Checks that the sweep can be run: at least one run, value and contender, and an
    /// expected sum that fits for every cell.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_bench::{BenchError, Sweep};
    ///
    /// assert!(Sweep::quick().check().is_ok());
    /// let none = Sweep { contenders: vec![], ..Sweep::quick() };
    /// assert!(matches!(none.check(), Err(BenchError::EmptyList("contenders"))));
    /// ```
    pub fn check(&self) -> Result<(), BenchError> {
        if self.runs == 0 {
            return Err(BenchError::NoRuns);
        }
        for (list, empty) in [
            ("prods_cons", self.prods_cons.is_empty()),
            ("capacities", self.capacities.is_empty()),
            ("contenders", self.contenders.is_empty()),
            ("variants", self.variants.is_empty()),
        ] {
            if empty {
                return Err(BenchError::EmptyList(list));
            }
        }
        if let Some(variant) = self.variants.iter().find(|variant| variant.load > MAX_LOAD) {
            return Err(BenchError::TooMuchLoad(variant.load));
        }
        self.cells().map(|_| ())
    }

    /// Every cell, `numProdsCons` major, in the order given.
    fn cells(&self) -> Result<Vec<Params>, BenchError> {
        let mut cells = Vec::new();
        for &num_prods_cons in &self.prods_cons {
            for &capacity in &self.capacities {
                let params = Params::new(self.num_iters, num_prods_cons, capacity)
                    .map_err(BenchError::Params)?;
                cells.push(params);
            }
        }
        Ok(cells)
    }

    /// Runs the sweep. A wrong sum or a failed run stops it with an error; a cell this machine
    /// cannot hold, or that would take too long, is recorded as skipped and the sweep goes on.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_bench::{BenchError, Contender, Sweep};
    ///
    /// let tasks: Contender = "tasks".parse().unwrap();
    /// let sweep = Sweep { prods_cons: vec![2], capacities: vec![1], contenders: vec![tasks], ..Sweep::quick() };
    /// assert!(sweep.run().is_ok());
    ///
    /// let lying = Sweep { corrupt_sum_of: Some(tasks), ..sweep };
    /// assert!(matches!(lying.run(), Err(BenchError::WrongSum { .. })));
    /// ```
    pub fn run(&self) -> Result<SweepResults, BenchError> {
        self.check()?;
        let cells = self.cells()?;
        if self
            .variants
            .iter()
            .any(|variant| variant.cores != Cores::All)
        {
            cores::let_the_queue_look_at_the_cpus();
        }
        let lanes: Vec<Contender> = self
            .variants
            .iter()
            .flat_map(|_| self.contenders.iter().copied())
            .collect();
        let rounds = self.warmups + self.runs + usize::from(self.count_with.is_some());
        let mut progress = Progress::new(&lanes, &cells, rounds, self.max_cell, self.show_progress);
        let mut too_slow = TooSlow::default();
        let mut rows = Vec::with_capacity(cells.len() * self.contenders.len());
        for (index, params) in cells.iter().enumerate() {
            let cell = Cell {
                sweep: self,
                index,
                params,
            };
            rows.extend(cell.run(&mut too_slow, &mut progress)?);
        }
        progress.finish();
        Ok(SweepResults {
            num_iters: self.num_iters,
            prods_cons: self.prods_cons.clone(),
            capacities: self.capacities.clone(),
            contenders: self.contenders.clone(),
            variants: self.variants.clone(),
            rows,
        })
    }
}

/// Everything a sweep measured, row by row.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use std::time::Duration;
/// use prodcons_bench::{Measured, Sweep};
///
/// let sweep = Sweep {
///     prods_cons: vec![1, 2],
///     capacities: vec![0],
///     contenders: vec!["threads".parse().unwrap()],
///     max_cell: Duration::from_nanos(1),
///     ..Sweep::quick()
/// };
/// let results = sweep.run().unwrap();
/// // Over the time guard after its warm-up on the first cell, so skipped on both.
/// for row in &results.rows {
///     assert!(matches!(&row.measured, Measured::Skipped(reason) if !reason.is_empty()));
/// }
/// ```
#[derive(Clone, Debug)]
pub struct SweepResults {
    /// Items per producer.
    pub num_iters: u64,
    /// The `numProdsCons` values swept.
    pub prods_cons: Vec<usize>,
    /// The capacities swept.
    pub capacities: Vec<usize>,
    /// The contenders, in the order given.
    pub contenders: Vec<Contender>,
    /// The schedules each contender ran under.
    pub variants: Vec<Variant>,
    /// One row per cell, contender and variant, cells in sweep order.
    pub rows: Vec<Row>,
}

impl SweepResults {
    /// The median time of `contender` on the cell, if it was timed there.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_bench::{Contender, Sweep};
    ///
    /// let tasks: Contender = "tasks".parse().unwrap();
    /// let sweep = Sweep { prods_cons: vec![3], capacities: vec![1], contenders: vec![tasks], ..Sweep::quick() };
    /// let results = sweep.run().unwrap();
    /// assert!(results.median(tasks, 3, 1).is_some());
    /// assert!(results.median(tasks, 4, 1).is_none());
    /// ```
    pub fn median(
        &self,
        contender: Contender,
        num_prods_cons: usize,
        capacity: usize,
    ) -> Option<Duration> {
        self.summary(contender, num_prods_cons, capacity)
            .map(|summary| summary.median)
    }

    /// The swept `numProdsCons` nearest `target` (the smaller one on a tie).
    pub(crate) fn nearest_prods_cons(&self, target: usize) -> Option<usize> {
        nearest(&self.prods_cons, target)
    }

    /// The summary of `contender` on the cell under the first variant, if it was timed there.
    pub(crate) fn summary(
        &self,
        contender: Contender,
        num_prods_cons: usize,
        capacity: usize,
    ) -> Option<Summary> {
        let variant = *self.variants.first()?;
        self.row(contender, variant, num_prods_cons, capacity)?
            .summary()
    }

    /// The row of `contender` under `variant` on the cell, if the sweep had one.
    pub(crate) fn row(
        &self,
        contender: Contender,
        variant: Variant,
        num_prods_cons: usize,
        capacity: usize,
    ) -> Option<&Row> {
        self.rows.iter().find(|row| {
            row.contender == contender
                && row.variant == variant
                && row.params.num_prods_cons() == num_prods_cons
                && row.params.capacity() == capacity
        })
    }
}

/// The value in `values` nearest `target`, the smaller one on a tie.
pub(crate) fn nearest(values: &[usize], target: usize) -> Option<usize> {
    let mut values = values.to_vec();
    values.sort_unstable();
    values
        .into_iter()
        .min_by_key(|value| value.abs_diff(target))
}

/// One contender under one variant on one cell: see [`SweepResults`] for an example.
#[derive(Clone, Debug)]
pub struct Row {
    /// Who ran.
    pub contender: Contender,
    /// The schedule it ran under; `params` carries the same spawn order.
    pub variant: Variant,
    /// The cell.
    pub params: Params,
    /// What came of it.
    pub measured: Measured,
    /// Every timed run's time, in the order run; empty when skipped.
    pub times: Vec<Duration>,
    /// What the counting pass measured, when the sweep had one and the lane was not skipped.
    pub mechanism: Option<Mechanism>,
}

impl Row {
    /// The summary of the timed runs, if the row was timed.
    pub fn summary(&self) -> Option<Summary> {
        match self.measured {
            Measured::Timed(summary) => Some(summary),
            Measured::Skipped(_) => None,
        }
    }
}

/// What came of one contender on one cell: see [`SweepResults`] for an example.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Measured {
    /// Every timed run completed with the right sum.
    Timed(Summary),
    /// The cell could not be measured here; the reason says why.
    Skipped(String),
}

/// How a skip reason begins when a cell was started and its remaining runs were dropped,
/// because they were projected past the time guard. The report reads these first words to tell
/// a cell run in part from a run cut off and from a cell never started (any other reason), so
/// they are defined once, here.
pub(crate) const PROJECTED: &str = "projected";

/// How a skip reason begins when a run was killed at the time guard: the only case where a run
/// was actually cut off.
pub(crate) const STOPPED: &str = "stopped after";

/// The smallest `numProdsCons`, per contender and capacity, at which the time guard skipped a
/// contender: bigger cells of the same capacity cost more, so they are skipped without a try.
#[derive(Default)]
struct TooSlow(HashMap<(Contender, Variant, usize), usize>);

impl TooSlow {
    fn record(&mut self, contender: Contender, variant: Variant, params: &Params) {
        let smallest = self
            .0
            .entry((contender, variant, params.capacity()))
            .or_insert(params.num_prods_cons());
        *smallest = (*smallest).min(params.num_prods_cons());
    }

    fn reason(
        &self,
        contender: Contender,
        variant: Variant,
        params: &Params,
        max_cell: Duration,
    ) -> Option<String> {
        let &smallest = self.0.get(&(contender, variant, params.capacity()))?;
        (params.num_prods_cons() > smallest).then(|| {
            format!(
                "already over --max-cell-secs {} at numProdsCons = {smallest}",
                max_cell.as_secs_f64()
            )
        })
    }
}

/// One cell of the sweep, run interleaved.
struct Cell<'a> {
    sweep: &'a Sweep,
    index: usize,
    params: &'a Params,
}

/// One contender's progress through a cell under one variant.
struct Lane {
    contender: Contender,
    variant: Variant,
    /// The cell with the variant's spawn order.
    params: Params,
    timed: Vec<Duration>,
    /// Wall-clock time spent on this cell so far, process start-up included.
    spent: Duration,
    fastest: Duration,
    skipped: Option<String>,
}

impl Cell<'_> {
    /// Runs the warm-ups and then the timed rounds. Within a round every contender runs once;
    /// each round starts one contender later, so that none is always first after a pause.
    fn run(&self, too_slow: &mut TooSlow, progress: &mut Progress) -> Result<Vec<Row>, BenchError> {
        let sweep = self.sweep;
        let known_slow: &TooSlow = too_slow;
        let mut lanes: Vec<Lane> = sweep
            .variants
            .iter()
            .flat_map(|&variant| {
                sweep.contenders.iter().map(move |&contender| Lane {
                    contender,
                    variant,
                    params: self.params.with_spawn_order(variant.spawn),
                    timed: Vec::with_capacity(sweep.runs),
                    spent: Duration::ZERO,
                    fastest: Duration::MAX,
                    skipped: known_slow.reason(contender, variant, self.params, sweep.max_cell),
                })
            })
            .collect();
        for (slot, lane) in lanes.iter().enumerate() {
            if lane.skipped.is_some() {
                progress.dropped(self.index, slot);
            }
        }
        let rounds = sweep.warmups + sweep.runs;
        let count = lanes.len();
        for round in 0..rounds {
            for offset in 0..count {
                let slot = (self.index + round + offset) % count;
                let lane = &mut lanes[slot];
                if lane.skipped.is_some() {
                    continue;
                }
                progress.starting(&lane.params, lane.contender, round, rounds);
                let budget = sweep.max_cell.saturating_sub(lane.spent);
                let wall = Instant::now();
                let attempt = self.attempt(lane, budget)?;
                let took = wall.elapsed();
                progress.ran(self.index, slot, took);
                lane.spent += took;
                let outcome = match attempt {
                    Attempt::Ran(outcome) => outcome,
                    Attempt::Skip {
                        reason,
                        too_slow: slow,
                    } => {
                        if slow {
                            too_slow.record(lane.contender, lane.variant, self.params);
                        }
                        lane.skipped = Some(reason);
                        progress.dropped(self.index, slot);
                        continue;
                    }
                };
                if round >= sweep.warmups {
                    lane.timed.push(outcome.elapsed);
                }
                lane.fastest = lane.fastest.min(took);
                let rounds_left = (rounds - round - 1) as u32;
                let projected = lane.spent + lane.fastest * rounds_left;
                if rounds_left > 0 && projected > sweep.max_cell {
                    too_slow.record(lane.contender, lane.variant, self.params);
                    // The run count tells a reader that the cell was started, not finished.
                    lane.skipped = Some(format!(
                        "{PROJECTED} {:.1} s > --max-cell-secs {} after run {} of {rounds}",
                        projected.as_secs_f64(),
                        sweep.max_cell.as_secs_f64(),
                        round + 1,
                    ));
                    progress.dropped(self.index, slot);
                }
            }
        }
        let mut rows = Vec::with_capacity(lanes.len());
        for (slot, lane) in lanes.into_iter().enumerate() {
            let mechanism = match lane.skipped {
                None => self.count(&lane, progress, slot)?,
                Some(_) => None,
            };
            rows.push(Row {
                contender: lane.contender,
                variant: lane.variant,
                params: lane.params,
                measured: match (lane.skipped, Summary::of(&lane.timed)) {
                    (None, Some(summary)) => Measured::Timed(summary),
                    (reason, _) => Measured::Skipped(reason.unwrap_or_default()),
                },
                times: lane.timed,
                mechanism,
            });
        }
        Ok(rows)
    }

    /// The counting pass for one lane, after every lane's timed runs on this cell: one more
    /// run, in counting mode, in a fresh process. A count that runs out of time is left out;
    /// a count that fails is an error, as a failed timed run is.
    fn count(
        &self,
        lane: &Lane,
        progress: &mut Progress,
        slot: usize,
    ) -> Result<Option<Mechanism>, BenchError> {
        let Some(exe) = &self.sweep.count_with else {
            return Ok(None);
        };
        let limit = self.sweep.max_cell;
        let _pinned = lane
            .variant
            .cores
            .pin()
            .map_err(|reason| self.failed(lane, reason))?;
        let _load = self.load(lane)?;
        let wall = Instant::now();
        let counted = match lane.contender {
            Contender::Pipeline(implementation) => {
                mechanism::count_in_child(exe, implementation, &lane.params, limit)
            }
            Contender::Python(reference) => python::count(reference, &lane.params, limit),
            Contender::Floor(_) => return Ok(None),
        };
        progress.ran(self.index, slot, wall.elapsed());
        match counted {
            Ok(mechanism) => Ok(Some(mechanism)),
            Err(ChildFailure::TimedOut(_)) => Ok(None),
            Err(ChildFailure::Broken(reason)) => Err(self.failed(lane, reason)),
        }
    }

    /// Starts the lane's busy threads, after the pin so that they share its cores, for one run;
    /// they stop when the returned value is dropped, on every path out of the run.
    fn load(&self, lane: &Lane) -> Result<BusyThreads, BenchError> {
        BusyThreads::start(lane.variant.load).map_err(|reason| self.failed(lane, reason))
    }

    fn failed(&self, lane: &Lane, reason: String) -> BenchError {
        BenchError::Lane {
            contender: lane.contender,
            params: lane.params,
            reason,
        }
    }

    /// Runs the lane's contender once under its variant and checks its sum.
    fn attempt(&self, lane: &Lane, budget: Duration) -> Result<Attempt, BenchError> {
        let (contender, params) = (lane.contender, &lane.params);
        let _pinned = lane
            .variant
            .cores
            .pin()
            .map_err(|reason| self.failed(lane, reason))?;
        let _load = self.load(lane)?;
        let ran = match contender {
            Contender::Pipeline(implementation) => implementation.run(params),
            Contender::Floor(floor) => floors::run(floor, params),
            Contender::Python(reference) => match python::run(reference, params, budget) {
                Ok(outcome) if outcome.expected_sum != params.expected_sum() => {
                    return Err(BenchError::Python {
                        contender,
                        params: *params,
                        reason: format!(
                            "it expected a total of {} instead of {}",
                            outcome.expected_sum,
                            params.expected_sum()
                        ),
                    });
                }
                Ok(outcome) => Ok(outcome),
                Err(PythonFailure::TimedOut(limit)) => {
                    return Ok(Attempt::Skip {
                        reason: format!(
                            "{STOPPED} {:.1} s, when its runs on this cell reached \
                             --max-cell-secs {} in all",
                            limit.as_secs_f64(),
                            self.sweep.max_cell.as_secs_f64()
                        ),
                        too_slow: true,
                    });
                }
                Err(PythonFailure::Broken(reason)) => {
                    return Err(BenchError::Python {
                        contender,
                        params: *params,
                        reason,
                    });
                }
            },
        };
        let mut outcome = match ran {
            Ok(outcome) => outcome,
            Err(limit) if is_machine_limit(&limit) => {
                return Ok(Attempt::Skip {
                    reason: limit.to_string(),
                    too_slow: false,
                });
            }
            Err(source) => {
                return Err(BenchError::Run {
                    contender,
                    params: *params,
                    source,
                });
            }
        };
        if self.sweep.corrupt_sum_of == Some(contender) {
            outcome.computed_sum += 1;
        }
        check_sum(contender, params, &outcome)?;
        Ok(Attempt::Ran(outcome))
    }
}

/// What one attempt came to, when it was not an error.
enum Attempt {
    Ran(Outcome),
    Skip { reason: String, too_slow: bool },
}

/// Errors that say this machine cannot hold the cell, not that the code is wrong.
fn is_machine_limit(error: &PipelineError) -> bool {
    matches!(
        error,
        PipelineError::TooManyThreads { .. }
            | PipelineError::TooManyTasks { .. }
            | PipelineError::BoundTooLarge { .. }
            | PipelineError::OutOfMemory(_)
            | PipelineError::Spawn { .. }
    )
}

fn check_sum(contender: Contender, params: &Params, outcome: &Outcome) -> Result<(), BenchError> {
    if outcome.is_correct() {
        return Ok(());
    }
    Err(BenchError::WrongSum {
        contender,
        params: *params,
        computed: outcome.computed_sum,
        expected: outcome.expected_sum,
    })
}
