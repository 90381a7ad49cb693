//! `docs/report.md`: the machine, the command, the tables, the figures, and answers to the
//! assignment's three questions.
//!
//! Every number and every comparison in the answers is computed here from the sweep just run;
//! only the explanations of mechanism (the GIL, futexes, cooperative scheduling) are fixed
//! prose, and they are phrased so that they hold whichever way the numbers fall. Where a
//! sentence depends on the data ("grows", "faster"), the data picks the words.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::contender::{Contender, Floor, PythonRef};
use super::error::BenchError;
use super::machine::Machine;
use super::plots::{FOCUS_PRODS_CONS, capacity_label, human_seconds};
use super::sweep::{Measured, SweepResults};
use super::table::render_table;
use crate::pipeline::Implementation;

/// How a sweep was made, for the report's header.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use std::time::Duration;
/// use prodcons::harness::{Machine, ReportContext};
///
/// let context = ReportContext {
///     command: "prodcons bench --report docs/".to_owned(),
///     revision: prodcons::harness::revision(),
///     machine: Machine::detect(),
///     baseline: None,
///     runs: 7,
///     warmups: 1,
///     max_cell: Duration::from_secs(60),
///     wall_time: Duration::from_secs(1200),
/// };
/// assert!(context.command.contains("--report"));
/// ```
#[derive(Clone, Debug)]
pub struct ReportContext {
    /// The command line that made the sweep.
    pub command: String,
    /// The code that made it, from [`revision`], taken before the sweep writes anything.
    pub revision: String,
    /// Where it ran.
    pub machine: Machine,
    /// The ratio column's baseline.
    pub baseline: Option<Contender>,
    /// Timed runs per contender per cell.
    pub runs: usize,
    /// Warm-up runs per contender per cell.
    pub warmups: usize,
    /// The per-cell time guard.
    pub max_cell: Duration,
    /// How long the whole sweep took.
    pub wall_time: Duration,
}

const THREADS: Contender = Contender::Pipeline(Implementation::Threads);
const CROSSBEAM: Contender = Contender::Pipeline(Implementation::Crossbeam);
const KANAL: Contender = Contender::Pipeline(Implementation::Kanal);
const TASKS: Contender = Contender::Pipeline(Implementation::Tasks);
const TASKS_MT: Contender = Contender::Pipeline(Implementation::TasksMt);
const ASYNC_CHANNEL: Contender = Contender::Pipeline(Implementation::AsyncChannel);
const KANAL_ASYNC: Contender = Contender::Pipeline(Implementation::KanalAsync);
const ASYNC_CHANNEL_MT: Contender = Contender::Pipeline(Implementation::AsyncChannelMt);
const PY_THREADS: Contender = Contender::Python(PythonRef::Threads);
const PY_ASYNCIO: Contender = Contender::Python(PythonRef::Asyncio);
const SEQUENTIAL: Contender = Contender::Floor(Floor::Sequential);
const SPAWN_THREADS: Contender = Contender::Floor(Floor::SpawnThreads);
const SPAWN_TASKS: Contender = Contender::Floor(Floor::SpawnTasks);

/// The capacity the assignment uses, for the plots and facts along `numProdsCons`.
const FOCUS_CAPACITY: usize = 10;

/// Two medians within this factor are "about the same": below the noise of a shared machine.
const SAME: f64 = 1.1;

/// Writes the report to `path`; `figures` are the plot files, relative to `path`'s `figures/`.
pub(crate) fn write_report(
    results: &SweepResults,
    context: &ReportContext,
    figures: &[PathBuf],
    path: &Path,
) -> Result<(), BenchError> {
    let text = Report { results, context }.render(figures);
    fs::write(path, text).map_err(BenchError::write(path))
}

struct Report<'a> {
    results: &'a SweepResults,
    context: &'a ReportContext,
}

impl Report<'_> {
    fn render(&self, figures: &[PathBuf]) -> String {
        let mut out = String::new();
        self.header(&mut out);
        self.focus_table(&mut out);
        self.targets(&mut out);
        self.q1(&mut out);
        self.q2(&mut out);
        self.q3(&mut out);
        self.surprises(&mut out);
        self.figures(&mut out, figures);
        self.grids(&mut out);
        let _ = writeln!(
            out,
            "## All measurements\n\nMedian, fastest and slowest of the timed runs, in seconds; the last column is \
             each median over the {} median on the same cell.\n\n```text\n{}```",
            self.context
                .baseline
                .map_or("first contender's", Contender::name),
            render_table(self.results, self.context.baseline)
        );
        out
    }

    // ----- data access -------------------------------------------------------------------

    fn median(&self, contender: Contender, num_prods_cons: usize, capacity: usize) -> Option<f64> {
        self.results
            .median(contender, num_prods_cons, capacity)
            .map(|median| median.as_secs_f64())
    }

    fn has(&self, contender: Contender) -> bool {
        self.results.contenders.contains(&contender)
    }

    /// The cell the assignment runs, or the swept one nearest it.
    fn focus(&self) -> (usize, usize) {
        let num_prods_cons = self
            .results
            .nearest_prods_cons(FOCUS_PRODS_CONS)
            .unwrap_or(FOCUS_PRODS_CONS);
        let capacity = self
            .results
            .capacities
            .iter()
            .copied()
            .min_by_key(|capacity| capacity.abs_diff(FOCUS_CAPACITY))
            .unwrap_or(FOCUS_CAPACITY);
        (num_prods_cons, capacity)
    }

    fn cell_name(&self, num_prods_cons: usize, capacity: usize) -> String {
        format!(
            "pc({}, {num_prods_cons}, {capacity})",
            self.results.num_iters
        )
    }

    /// Every (numProdsCons, capacity) cell, in sweep order.
    fn cells(&self) -> Vec<(usize, usize)> {
        let results = self.results;
        let capacities = &results.capacities;
        let each = |&p: &usize| capacities.iter().map(move |&c| (p, c));
        results.prods_cons.iter().flat_map(each).collect()
    }

    /// The cells where `slow` took more than [`SAME`] times as long as `fast`, in sweep order,
    /// each with that ratio.
    fn slowdowns(&self, slow: Contender, fast: Contender) -> Vec<(f64, (usize, usize))> {
        self.cells()
            .into_iter()
            .filter_map(|(p, c)| Some((self.ratio_to_best(slow, &[fast], p, c)?, (p, c))))
            .filter(|&(ratio, _)| ratio > SAME)
            .collect()
    }

    fn smallest_prods_cons(&self) -> Option<usize> {
        self.results
            .prods_cons
            .iter()
            .copied()
            .filter(|&p| p > 0)
            .min()
    }

    /// The largest numProdsCons at which `contender` was timed on `capacity`.
    fn largest_timed(&self, contender: Contender, capacity: usize) -> Option<usize> {
        let timed = |&&p: &&usize| self.median(contender, p, capacity).is_some();
        self.results.prods_cons.iter().filter(timed).copied().max()
    }

    // ----- sections ----------------------------------------------------------------------

    fn header(&self, out: &mut String) {
        let context = self.context;
        let machine = &context.machine;
        let results = self.results;
        let list = |values: &[usize]| {
            values
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = write!(
            out,
            "# How producers and consumers scale: threads against tasks, Rust against Python\n\n\
             This report is generated, numbers and comparisons included, by `prodcons bench \
             --report`; rerun it to get the same report for your machine. The explanations of \
             mechanism are fixed text; every claim that depends on a measurement is worded from \
             the measurement.\n\n\
             ## Machine\n\n\
             - cores: {}\n- CPU: {}\n- OS: {}\n- memory: {}\n- rustc: {}\n- Python: {}\n\
             - prodcons: {}\n\n\
             ## Command\n\n```sh\n{}\n```\n\n\
             numIters = {}; numProdsCons ∈ {{{}}}; capacity ∈ {{{}}} (0 is unbounded). Each \
             contender ran {} untimed warm-up run(s) and {} timed runs per cell, interleaved: \
             every round runs each contender once and starts one contender later than the round \
             before, so all of them share the machine's noise. A contender projected to spend \
             more than {} s on one cell was skipped there (and on bigger cells of the same \
             capacity); a Python run reaching that limit was killed. Every run's total sum was \
             checked. The sweep took {:.1} minutes.\n\n\
             Times are medians of the timed runs; the full table at the end also gives the \
             fastest and slowest run.\n\n",
            machine.cores,
            machine.cpu,
            machine.os,
            machine.memory,
            machine.rustc,
            machine.python,
            context.revision,
            context.command,
            results.num_iters,
            list(&results.prods_cons),
            list(&results.capacities),
            context.warmups,
            context.runs,
            context.max_cell.as_secs_f64(),
            context.wall_time.as_secs_f64() / 60.0,
        );
        out.push_str(
            "The contenders:\n\n\
             | name | what it is |\n|---|---|\n\
             | `threads` | ours: an OS thread per worker over `BlockingQueue` (Mutex + two Condvars), like `threading` + `queue.Queue` |\n\
             | `crossbeam` | ours: the same thread driver over crossbeam-channel |\n\
             | `tasks` | ours: a tokio task per worker over `AsyncQueue`, on the current-thread runtime (one event loop, like asyncio) |\n\
             | `tasks-mt` | ours: the same tasks on tokio's multi-thread runtime |\n\
             | `kanal` | peer: the thread driver over kanal |\n\
             | `async-channel` | peer: the task driver over async-channel, current-thread runtime |\n\
             | `kanal-async` | peer: the task driver over kanal's async API, current-thread runtime |\n\
             | `async-channel-mt` | peer: the task driver over async-channel, multi-thread runtime |\n\
             | `floor-sequential` | floor: the same items through a `VecDeque` of the same capacity on one thread |\n\
             | `floor-spawn-threads` | floor: spawn and join 2 × numProdsCons OS threads that do nothing |\n\
             | `floor-spawn-tasks` | floor: spawn and await 2 × numProdsCons tokio tasks that do nothing |\n\
             | `python-threads` | the assignment's `threading` program (`python/pc_threads.py`) |\n\
             | `python-asyncio` | the assignment's `asyncio` program (`python/pc_asyncio.py`) |\n\n",
        );
    }

    /// The assignment's own cell, every contender.
    fn focus_table(&self, out: &mut String) {
        let (p, c) = self.focus();
        let baseline = self.context.baseline;
        let base = baseline.and_then(|base| self.median(base, p, c));
        let _ = writeln!(
            out,
            "## The assignment's cell, {}\n\n| contender | median | fastest | slowest | vs {} |\n\
             |---|---:|---:|---:|---:|",
            self.cell_name(p, c),
            baseline.map_or("baseline", Contender::name),
        );
        for row in self
            .results
            .rows
            .iter()
            .filter(|row| row.params.num_prods_cons() == p && row.params.capacity() == c)
        {
            let _ = match &row.measured {
                Measured::Timed(summary) => {
                    let median = summary.median.as_secs_f64();
                    let ratio =
                        base.map_or_else(|| "-".to_owned(), |base| format!("{:.2}", median / base));
                    writeln!(
                        out,
                        "| `{}` | {} | {} | {} | {ratio} |",
                        row.contender,
                        human_seconds(median),
                        human_seconds(summary.min.as_secs_f64()),
                        human_seconds(summary.max.as_secs_f64())
                    )
                }
                Measured::Skipped(reason) => {
                    writeln!(out, "| `{}` | skipped: {reason} | | | |", row.contender)
                }
            };
        }
        out.push('\n');
    }

    /// The ratios our queues are held to, each against its bound, computed from this sweep.
    fn targets(&self, out: &mut String) {
        let (focus_p, focus_c) = self.focus();
        let _ = writeln!(
            out,
            "## Our queues against their targets\n\n\
             Each ratio is a median over the median of the best of the others on the same cell; \
             the bounds are the project's performance targets (`docs/performance.md`).\n\n\
             | ratio of medians | on {} | geometric mean over the sweep | worst cell | target | met |\n\
             |---|---:|---:|---|---|---|",
            self.cell_name(focus_p, focus_c)
        );
        for target in TARGETS {
            let ratios: Vec<(f64, (usize, usize))> = self
                .cells()
                .into_iter()
                .filter_map(|(p, c)| {
                    Some((
                        self.ratio_to_best(target.ours, target.rivals, p, c)?,
                        (p, c),
                    ))
                })
                .collect();
            let focus = self.ratio_to_best(target.ours, target.rivals, focus_p, focus_c);
            let mean = (!ratios.is_empty()).then(|| {
                let logs: f64 = ratios.iter().map(|(ratio, _)| ratio.ln()).sum();
                (logs / ratios.len() as f64).exp()
            });
            let worst = ratios
                .iter()
                .copied()
                .max_by(|a, b| target.badness(a.0).total_cmp(&target.badness(b.0)));
            let rivals: Vec<String> = target.rivals.iter().map(|r| format!("`{r}`")).collect();
            let shown =
                |ratio: Option<f64>| ratio.map_or_else(|| "-".to_owned(), |r| format!("{r:.2}"));
            let _ = writeln!(
                out,
                "| `{}` / {} | {} | {} | {} | {} | {} |",
                target.ours,
                rivals.join(" or "),
                shown(focus),
                shown(mean),
                worst.map_or_else(
                    || "-".to_owned(),
                    |(r, (p, c))| format!("{r:.2} at {}", self.cell_name(p, c))
                ),
                target.describe(),
                target.verdict(focus, mean, worst.map(|(r, _)| r)),
            );
        }
        out.push('\n');
    }

    /// `ours`'s median over the smallest of `rivals`' medians on one cell.
    fn ratio_to_best(
        &self,
        ours: Contender,
        rivals: &[Contender],
        p: usize,
        c: usize,
    ) -> Option<f64> {
        let best = rivals
            .iter()
            .filter_map(|&rival| self.median(rival, p, c))
            .min_by(f64::total_cmp)?;
        Some(self.median(ours, p, c)? / best)
    }

    /// Facts about one family (threads or tasks): growth with numProdsCons, the effect of
    /// capacity, and the share of spawning.
    fn family_facts(&self, out: &mut String, members: &[Contender], spawn_floor: Contender) {
        let (focus_p, focus_c) = self.focus();
        let Some(p_min) = self.smallest_prods_cons() else {
            return;
        };
        for &contender in members.iter().filter(|&&c| self.has(c)) {
            let _ = write!(out, "- **`{contender}`**: ");
            let mut said = Vec::new();
            if let Some(p_max) = self
                .largest_timed(contender, focus_c)
                .filter(|&p| p > p_min)
            {
                if let (Some(small), Some(big)) = (
                    self.median(contender, p_min, focus_c),
                    self.median(contender, p_max, focus_c),
                ) {
                    let items_ratio = p_max as f64 / p_min as f64;
                    let per_item = |seconds: f64, p: usize| {
                        seconds / (p as f64 * self.results.num_iters.max(1) as f64)
                    };
                    said.push(format!(
                        "from {} to {} the time {} ({} → {}) for {:.0}× the items, so the time \
                         per item {} ({} → {})",
                        self.cell_name(p_min, focus_c),
                        self.cell_name(p_max, focus_c),
                        growth(big / small),
                        human_seconds(small),
                        human_seconds(big),
                        items_ratio,
                        growth(per_item(big, p_max) / per_item(small, p_min)),
                        human_seconds(per_item(small, p_min)),
                        human_seconds(per_item(big, p_max)),
                    ));
                    // The floors spawn Rust threads and tasks, so they bound only Rust's cost.
                    let rust = matches!(contender, Contender::Pipeline(_));
                    let spawn = self.median(spawn_floor, p_max, focus_c).filter(|_| rust);
                    if let Some(spawn) = spawn {
                        said.push(format!(
                            "at numProdsCons = {p_max}, merely spawning its workers \
                             (`{spawn_floor}`) takes {}, {:.0}% of its time",
                            human_seconds(spawn),
                            100.0 * spawn / big
                        ));
                    }
                }
            }
            let by_capacity: Vec<String> = self
                .results
                .capacities
                .iter()
                .filter_map(|&c| {
                    let median = self.median(contender, focus_p, c)?;
                    Some(format!("{}: {}", capacity_label(c), human_seconds(median)))
                })
                .collect();
            if !by_capacity.is_empty() {
                let mut capacity_fact = format!(
                    "at numProdsCons = {focus_p}, by capacity: {}",
                    by_capacity.join(", ")
                );
                if let (Some(one), Some(unbounded)) = (
                    self.median(contender, focus_p, 1),
                    self.median(contender, focus_p, 0),
                ) {
                    let _ = write!(
                        capacity_fact,
                        "; capacity 1 is {} unbounded",
                        compare(one / unbounded)
                    );
                }
                said.push(capacity_fact);
            }
            if said.is_empty() {
                said.push("not timed on enough cells to say".to_owned());
            }
            let _ = writeln!(out, "{}.", said.join("; "));
        }
        out.push('\n');
    }

    fn q1(&self, out: &mut String) {
        out.push_str("## Q1 — threads\n\n*What happens as numProdsCons and capacity grow in the threading version, and why?*\n\n");
        self.family_facts(out, &[PY_THREADS, THREADS, CROSSBEAM, KANAL], SPAWN_THREADS);
        out.push_str(
            "**Python.** CPython's threads are real OS threads, but the GIL lets only one of them run \
             Python code at a time, so more threads never add parallelism here, only hand-offs. \
             `queue.Queue` is a lock and two `Condition`s written in Python: a `put` into a full \
             queue or a `get` from an empty one waits on a condition, and the thread that wakes it \
             must then win the GIL back. Each such hand-off is an OS thread switch plus the GIL's \
             own hand-over (a waiting thread asks for the GIL and gets it at the next switch \
             interval, 5 ms by default, or when the holder blocks). With capacity 1 nearly every \
             item is such a hand-off; with an unbounded queue producers never block and consumers \
             block only when they outrun them, so the capacity decides how many hand-offs there \
             are. Each extra pair adds two threads to start (tens of microseconds each in \
             CPython) and more contenders for the one GIL.\n\n\
             **Rust.** Rust's threads run truly in parallel, on as many cores as there are (here \
             the machine above). A `put` or `get` that must wait first spins and yields its core \
             for a bounded while (our `BlockingQueue`, crossbeam-channel and kanal all do), \
             because the other side, running on another core, often acts within a microsecond; \
             only then does it park on a futex, and waking it costs a `futex` system call and a \
             context switch: a few microseconds, far more than moving the item itself. A small \
             capacity makes workers wait on almost every item, while a large or unbounded buffer \
             lets each thread run through many items per time slice. With more threads than \
             cores, a waiting thread's yields hand its core to the others, which is what keeps \
             hundreds of waiting threads from starving the few that can work. As numProdsCons \
             grows, the cost of creating and joining 2 × numProdsCons threads (each needs a stack mapping and \
             a `clone` system call) grows linearly with it, and with more runnable threads than \
             cores the scheduler must time-slice them, so a woken thread waits longer for a core. \
             The `floor-spawn-threads` share above shows how much of the time is spawning alone.\n\n",
        );
    }

    fn q2(&self, out: &mut String) {
        out.push_str("## Q2 — coroutines/tasks\n\n*What happens as numProdsCons and capacity grow in the coroutine version, and why?*\n\n");
        self.family_facts(
            out,
            &[
                PY_ASYNCIO,
                TASKS,
                TASKS_MT,
                ASYNC_CHANNEL,
                KANAL_ASYNC,
                ASYNC_CHANNEL_MT,
            ],
            SPAWN_TASKS,
        );
        let (p, c) = self.focus();
        if let (Some(mt), Some(single)) = (self.median(TASKS_MT, p, c), self.median(TASKS, p, c)) {
            let cells = self.cells();
            let compared: Vec<f64> = cells
                .iter()
                .filter_map(|&(p, c)| {
                    Some(self.median(TASKS_MT, p, c)? / self.median(TASKS, p, c)?)
                })
                .collect();
            let slower = compared.iter().filter(|&&ratio| ratio > SAME).count();
            let _ = writeln!(
                out,
                "On {}, `tasks-mt` is {} `tasks`; over the sweep the multi-thread runtime is more \
                 than 10% slower than the current-thread one on {slower} of {} cells.\n",
                self.cell_name(p, c),
                compare(mt / single),
                compared.len()
            );
        }
        out.push_str(
            "**Python.** asyncio runs every coroutine on one thread, in one event loop. A task \
             switch is the loop resuming the next ready callback: no system call, no GIL hand-over, \
             but still several Python-level function calls. An `await` on a full or empty \
             `asyncio.Queue` parks the coroutine on a future and gives control back to the loop; \
             the matching `get` or `put` resolves that future, and the waiter resumes on a later \
             turn of the loop. With capacity 1 that happens on nearly every item, so each item \
             costs a couple of task switches; with an unbounded queue producers never wait, and \
             a consumer only waits when the queue runs dry. A task costs far less to create than \
             a thread, so numProdsCons mostly adds items, not start-up cost.\n\n\
             **Rust.** Tokio's current-thread runtime is the same design compiled: one thread \
             polls the ready tasks in turn. A task switch is returning `Poll::Pending` and \
             polling the next task, typically tens of nanoseconds, and scheduling is cooperative, \
             so a task runs until it has to wait. A blocked `put` or `get` costs storing a waker, \
             returning `Pending`, and later a `wake` that requeues the task: cheap, but at \
             capacity 1 it happens on almost every item, while an unbounded queue lets every \
             producer run to completion without waiting at all. Spawning a task is an allocation \
             plus a queue push; `floor-spawn-tasks` against `floor-spawn-threads` shows what that \
             saves. \
             The multi-thread runtime runs tasks on a worker per core with work stealing: it can \
             use both cores, but every wakeup may cross threads (atomic operations, a futex wake \
             for a parked worker, stealing), and our queue's single lock is then contended from \
             two cores. For this workload, where each item is a few nanoseconds of work, that \
             coordination can cost more than the second core gains; the comparison above shows \
             which way it goes on this machine.\n\n",
        );
    }

    fn q3(&self, out: &mut String) {
        out.push_str("## Q3 — threads vs tasks\n\n*How do the two versions compare, and why?*\n\n");
        let (p, c) = self.focus();
        let cell = self.cell_name(p, c);
        for (a, b) in [
            (PY_THREADS, PY_ASYNCIO),
            (THREADS, TASKS),
            (CROSSBEAM, TASKS),
            (SPAWN_THREADS, SPAWN_TASKS),
        ] {
            if let (Some(ta), Some(tb)) = (self.median(a, p, c), self.median(b, p, c)) {
                let _ = writeln!(
                    out,
                    "- On {cell}, `{a}` is {} `{b}` ({} against {}).",
                    compare(ta / tb),
                    human_seconds(ta),
                    human_seconds(tb)
                );
            }
        }
        for (threads, tasks) in [(PY_THREADS, PY_ASYNCIO), (THREADS, TASKS)] {
            let ratios: Vec<f64> = self
                .cells()
                .iter()
                .filter_map(|&(p, c)| Some(self.median(threads, p, c)? / self.median(tasks, p, c)?))
                .collect();
            if ratios.is_empty() {
                continue;
            }
            let tasks_faster = ratios.iter().filter(|&&ratio| ratio > 1.0).count();
            let geometric_mean =
                (ratios.iter().map(|ratio| ratio.ln()).sum::<f64>() / ratios.len() as f64).exp();
            let _ = writeln!(
                out,
                "- Over the cells where both were timed, `{tasks}` beats `{threads}` on {tasks_faster} of {}; \
                 the geometric mean of `{threads}`'s time over `{tasks}`'s is {geometric_mean:.2}.",
                ratios.len()
            );
        }
        for (rust, python) in [(THREADS, PY_THREADS), (TASKS, PY_ASYNCIO)] {
            if let (Some(r), Some(py)) = (self.median(rust, p, c), self.median(python, p, c)) {
                let _ = writeln!(
                    out,
                    "- On {cell}, `{python}` takes {:.0}× as long as `{rust}`.",
                    py / r
                );
            }
        }
        out.push_str(
            "\n**Why.** Both versions move the same items through a queue; they differ in what \
             it costs to wait. A thread that waits is parked by the kernel and costs a system \
             call to wake and a context switch to resume; a task that waits is a stored waker \
             and costs a function return and a queue push to resume, all in user space. So the \
             cost of waiting weighs most where workers wait most: at capacity 1, and least with \
             an unbounded buffer, where producers never wait. Creating a worker follows the same pattern: \
             a thread needs a kernel task, a stack mapping and a `clone`; a task needs an \
             allocation. Threads win back only what true parallelism can give, and with two \
             cores and a few nanoseconds of work per item there is little to win. In Python the \
             same holds with a twist: the GIL removes even that parallelism from threads, while \
             every thread hand-off still pays for the OS switch and the GIL hand-over, so \
             asyncio's single loop avoids a cost that threading pays for nothing. Python pays, \
             in both versions, for interpreting every `put`, `get` and `+=` as bytecode: that is \
             the Python-over-Rust factor measured above.\n\n",
        );
    }

    fn surprises(&self, out: &mut String) {
        out.push_str("## Surprises\n\nListed from the data, including every place where one of ours loses:\n\n");
        let mut found = 0;
        for (ours, peer) in [
            (THREADS, CROSSBEAM),
            (THREADS, KANAL),
            (CROSSBEAM, KANAL),
            (TASKS, ASYNC_CHANNEL),
            (TASKS, KANAL_ASYNC),
            (TASKS_MT, ASYNC_CHANNEL_MT),
        ] {
            let mut losses = self.slowdowns(ours, peer);
            if losses.is_empty() {
                continue;
            }
            found += 1;
            losses.sort_by(|a, b| b.0.total_cmp(&a.0));
            let worst: Vec<String> = losses
                .iter()
                .take(3)
                .map(|&(ratio, (p, c))| format!("{} {ratio:.1}×", self.cell_name(p, c)))
                .collect();
            let _ = writeln!(
                out,
                "- `{ours}` is more than 10% slower than `{peer}` on {} of the cells both ran; worst: {}.",
                losses.len(),
                worst.join(", ")
            );
        }
        let mut pairwise = |a: Contender, b: Contender, what: &str| {
            let cells: Vec<String> = self
                .slowdowns(a, b)
                .into_iter()
                .map(|(_, (p, c))| self.cell_name(p, c))
                .collect();
            if !cells.is_empty() {
                found += 1;
                let _ = writeln!(
                    out,
                    "- {what} on {} cell(s): {}.",
                    cells.len(),
                    shorten(&cells)
                );
            }
        };
        pairwise(
            PY_ASYNCIO,
            PY_THREADS,
            "`python-asyncio` is slower than `python-threads`",
        );
        pairwise(
            TASKS,
            TASKS_MT,
            "`tasks` (one thread) is slower than `tasks-mt`",
        );
        pairwise(TASKS, THREADS, "`tasks` is slower than `threads`");
        for contender in &self.results.contenders {
            // The floors are what the others are read against, not contenders here.
            if matches!(contender, Contender::Floor(_)) {
                continue;
            }
            let beats_floor: Vec<String> = self
                .slowdowns(SEQUENTIAL, *contender)
                .into_iter()
                .map(|(_, (p, c))| self.cell_name(p, c))
                .collect();
            if !beats_floor.is_empty() {
                found += 1;
                let _ = writeln!(
                    out,
                    "- `{contender}` beats `floor-sequential` on {}: parallel work outran one core.",
                    shorten(&beats_floor)
                );
            }
        }
        let big_capacity_slower: Vec<String> = self
            .results
            .contenders
            .iter()
            .filter(|contender| !matches!(contender, Contender::Floor(_)))
            .flat_map(|&contender| {
                self.results.prods_cons.iter().filter_map(move |&p| {
                    let (small, big) = (
                        self.median(contender, p, 10)?,
                        self.median(contender, p, 1000)?,
                    );
                    (big > small * 1.2).then(|| {
                        format!("`{contender}` at numProdsCons = {p} ({:.1}×)", big / small)
                    })
                })
            })
            .collect();
        if !big_capacity_slower.is_empty() {
            found += 1;
            let _ = writeln!(
                out,
                "- A bigger buffer is slower: capacity 1000 takes more than 1.2× capacity 10 for {}.",
                shorten(&big_capacity_slower)
            );
        }
        let skipped: Vec<String> = self
            .results
            .rows
            .iter()
            .filter_map(|row| match &row.measured {
                Measured::Skipped(reason) => Some(format!(
                    "`{}` on {} ({reason})",
                    row.contender,
                    self.cell_name(row.params.num_prods_cons(), row.params.capacity())
                )),
                Measured::Timed(_) => None,
            })
            .collect();
        if !skipped.is_empty() {
            found += 1;
            let _ = writeln!(
                out,
                "- {} row(s) were skipped: {}.",
                skipped.len(),
                shorten(&skipped)
            );
        }
        if found == 0 {
            out.push_str("- None: every comparison above went the expected way.\n");
        }
        out.push('\n');
    }

    fn figures(&self, out: &mut String, figures: &[PathBuf]) {
        out.push_str("## Figures\n\nMedian time on log axes, one line per contender: circles are ours, triangles the peers, crosses the floors, squares Python.\n\n");
        for figure in figures {
            let name = figure.display();
            let _ = writeln!(out, "![{name}](figures/{name})\n");
        }
    }

    /// One grid per contender: numProdsCons down, capacity across, medians in the cells.
    fn grids(&self, out: &mut String) {
        out.push_str("## Tables\n\nMedian time per cell: numProdsCons down, capacity across (`-`: skipped).\n\n");
        let capacities = &self.results.capacities;
        for &contender in &self.results.contenders {
            let _ = writeln!(out, "**`{contender}`**\n");
            let header: Vec<String> = capacities.iter().map(|&c| capacity_label(c)).collect();
            let _ = writeln!(out, "| numProdsCons | {} |", header.join(" | "));
            let _ = writeln!(out, "|---:|{}", "---:|".repeat(capacities.len()));
            for &p in &self.results.prods_cons {
                let row: Vec<String> = capacities
                    .iter()
                    .map(|&c| {
                        self.median(contender, p, c)
                            .map_or_else(|| "-".to_owned(), human_seconds)
                    })
                    .collect();
                let _ = writeln!(out, "| {p} | {} |", row.join(" | "));
            }
            out.push('\n');
        }
    }
}

/// The crate version and the commit of the checkout it runs in, as `git describe --dirty` puts
/// it. Take it before writing any output into the checkout: a report's own files would
/// otherwise mark every tree `-dirty`.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// let revision = prodcons::harness::revision();
/// assert!(revision.starts_with(env!("CARGO_PKG_VERSION")));
/// ```
pub fn revision() -> String {
    let described = Command::new("git")
        .args(["describe", "--always", "--dirty"])
        .output()
        .ok()
        .filter(|output| output.status.success())
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty());
    let version = env!("CARGO_PKG_VERSION");
    described.map_or_else(
        || version.to_owned(),
        |commit| format!("{version}, commit {commit}"),
    )
}

/// One of the ratios in `docs/performance.md`'s targets.
struct Target {
    ours: Contender,
    rivals: &'static [Contender],
    /// `AtMost`: ours must be at most this many times slower; `AtLeast`: the rivals must be at
    /// least this many times faster (the Python rows, where "ours" is Python).
    bound: Bound,
    /// The bound applies on the focus cell and, when set, to the geometric mean too.
    on_mean: bool,
    /// A looser bound for the single worst cell, if there is one.
    worst: Option<f64>,
}

enum Bound {
    AtMost(f64),
    AtLeast(f64),
}

const TARGETS: [Target; 5] = [
    Target {
        ours: THREADS,
        rivals: &[CROSSBEAM],
        bound: Bound::AtMost(1.25),
        on_mean: true,
        worst: Some(2.0),
    },
    Target {
        ours: TASKS,
        rivals: &[ASYNC_CHANNEL, KANAL_ASYNC],
        bound: Bound::AtMost(1.0),
        on_mean: true,
        worst: None,
    },
    Target {
        ours: TASKS_MT,
        rivals: &[ASYNC_CHANNEL_MT],
        bound: Bound::AtMost(1.0),
        on_mean: false,
        worst: None,
    },
    Target {
        ours: PY_THREADS,
        rivals: &[THREADS],
        bound: Bound::AtLeast(30.0),
        on_mean: false,
        worst: None,
    },
    Target {
        ours: PY_ASYNCIO,
        rivals: &[TASKS],
        bound: Bound::AtLeast(40.0),
        on_mean: false,
        worst: None,
    },
];

impl Target {
    /// Larger is further from the target, whichever way the bound points.
    fn badness(&self, ratio: f64) -> f64 {
        match self.bound {
            Bound::AtMost(_) => ratio,
            Bound::AtLeast(_) => -ratio,
        }
    }

    fn meets(&self, ratio: f64, bound: f64) -> bool {
        match self.bound {
            Bound::AtMost(_) => ratio <= bound,
            Bound::AtLeast(_) => ratio >= bound,
        }
    }

    fn describe(&self) -> String {
        let (sign, bound) = match self.bound {
            Bound::AtMost(bound) => ("≤", bound),
            Bound::AtLeast(bound) => ("≥", bound),
        };
        let mut text = format!("{sign} {bound} on the cell");
        if self.on_mean {
            text.push_str(" and the mean");
        }
        if let Some(worst) = self.worst {
            let _ = write!(text, "; worst {sign} {worst}");
        }
        text
    }

    /// "yes", "no", or "not measured" when a ratio the target needs is missing.
    fn verdict(&self, focus: Option<f64>, mean: Option<f64>, worst: Option<f64>) -> &'static str {
        let bound = match self.bound {
            Bound::AtMost(bound) | Bound::AtLeast(bound) => bound,
        };
        let mut checks = vec![focus.map(|r| self.meets(r, bound))];
        if self.on_mean {
            checks.push(mean.map(|r| self.meets(r, bound)));
        }
        if let Some(limit) = self.worst {
            checks.push(worst.map(|r| self.meets(r, limit)));
        }
        match checks.into_iter().collect::<Option<Vec<bool>>>() {
            None => "not measured",
            Some(met) if met.iter().all(|&ok| ok) => "yes",
            Some(_) => "no",
        }
    }
}

/// "grows 12.0×", "shrinks 2.0×" or "stays about the same", for a ratio new / old.
fn growth(ratio: f64) -> String {
    if ratio > SAME {
        format!("grows {ratio:.1}×")
    } else if ratio * SAME < 1.0 {
        format!("shrinks {:.1}×", 1.0 / ratio)
    } else {
        "stays about the same".to_owned()
    }
}

/// "3.0× slower than", "2.0× faster than" or "about as fast as", for a ratio of times a / b.
fn compare(ratio: f64) -> String {
    if ratio > SAME {
        format!("{ratio:.1}× slower than")
    } else if ratio * SAME < 1.0 {
        format!("{:.1}× faster than", 1.0 / ratio)
    } else {
        "about as fast as (within 10%)".to_owned()
    }
}

/// A list of at most eight items, then how many more.
fn shorten(items: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut text = items
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOWN {
        let _ = write!(text, " and {} more", items.len() - SHOWN);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::{Bound, CROSSBEAM, PY_THREADS, THREADS, Target, compare, growth};

    #[test]
    fn a_target_is_met_only_when_every_ratio_it_bounds_is_within_bound() {
        let at_most = Target {
            ours: THREADS,
            rivals: &[CROSSBEAM],
            bound: Bound::AtMost(1.25),
            on_mean: true,
            worst: Some(2.0),
        };
        assert_eq!(at_most.verdict(Some(1.2), Some(1.25), Some(1.9)), "yes");
        assert_eq!(at_most.verdict(Some(1.3), Some(1.0), Some(1.9)), "no");
        assert_eq!(at_most.verdict(Some(1.0), Some(1.26), Some(1.9)), "no");
        assert_eq!(at_most.verdict(Some(1.0), Some(1.0), Some(2.1)), "no");
        assert_eq!(at_most.verdict(None, Some(1.0), Some(1.0)), "not measured");
        assert_eq!(
            at_most.describe(),
            "≤ 1.25 on the cell and the mean; worst ≤ 2"
        );
        let at_least = Target {
            ours: PY_THREADS,
            rivals: &[THREADS],
            bound: Bound::AtLeast(30.0),
            on_mean: false,
            worst: None,
        };
        assert_eq!(at_least.verdict(Some(31.0), None, None), "yes");
        assert_eq!(at_least.verdict(Some(29.0), Some(100.0), None), "no");
        assert!(at_least.badness(29.0) > at_least.badness(31.0));
        assert_eq!(at_least.describe(), "≥ 30 on the cell");
    }

    #[test]
    fn comparisons_are_worded_from_the_ratio() {
        assert_eq!(growth(12.0), "grows 12.0×");
        assert_eq!(growth(0.5), "shrinks 2.0×");
        assert_eq!(growth(1.05), "stays about the same");
        assert_eq!(compare(3.0), "3.0× slower than");
        assert_eq!(compare(0.25), "4.0× faster than");
        assert_eq!(compare(0.95), "about as fast as (within 10%)");
    }
}
