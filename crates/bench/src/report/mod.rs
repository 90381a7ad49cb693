//! `docs/report.md`: a short header, a link to the hand-written answers (`answers.md`), what
//! each contender is and where its clock stops, then the evidence from the sweep just run: one
//! section per question, the figures, the regimes, the spawn-order ablation, the core-scaling
//! runs, the assignment's cell, the noise and the cells with no time, and last the project's
//! own targets, each judged with its noise.
//!
//! Nothing here is prose about mechanism: the answers, which say why, are written by hand; here
//! the data pick the words ("faster", "not distinguishable"), so a sweep that goes the other way
//! reads the other way. The full per-cell data go to `data/results.csv` and
//! `data/results.json` beside the report.

mod answers;
mod interventions;
mod noise;
mod regimes;
mod studies;
mod targets;
mod words;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::contender::{Contender, PythonRef};
use super::error::BenchError;
use super::machine::Machine;
use super::mechanism::Mechanism;
use super::plots::{FOCUS_CAPACITY, FOCUS_PRODS_CONS, human_seconds};
use super::studies::Studies;
use super::sweep::{Measured, Row, SweepResults};
use noise::{Interval, Outlier, WITHIN_ONE_SWEEP};
use prodcons_peers::Implementation;

/// How a sweep was made, for the report's header.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use std::time::Duration;
/// use prodcons_bench::{Machine, ReportContext};
///
/// let context = ReportContext {
///     command: "prodcons bench --report docs/".to_owned(),
///     revision: prodcons_bench::revision(),
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
    /// How long the whole sweep took, side studies included.
    pub wall_time: Duration,
}

const THREADS: Contender = Contender::Pipeline(Implementation::Threads);
const CROSSBEAM: Contender = Contender::Pipeline(Implementation::Crossbeam);
const TASKS: Contender = Contender::Pipeline(Implementation::Tasks);
const TASKS_MT: Contender = Contender::Pipeline(Implementation::TasksMt);
const PY_THREADS: Contender = Contender::Python(PythonRef::Threads);
const PY_ASYNCIO: Contender = Contender::Python(PythonRef::Asyncio);

/// Writes the report to `path`; `figures` are the plot files, relative to `path`'s `figures/`.
pub(crate) fn write_report(
    results: &SweepResults,
    studies: &Studies,
    context: &ReportContext,
    figures: &[PathBuf],
    path: &Path,
) -> Result<(), BenchError> {
    let report = Report {
        main: View(results),
        studies,
        context,
    };
    let text = report.render(figures);
    fs::write(path, text).map_err(BenchError::write(path))
}

/// Read access to one sweep's results, in the units the report speaks.
#[derive(Clone, Copy)]
struct View<'a>(&'a SweepResults);

impl<'a> View<'a> {
    fn has(&self, contender: Contender) -> bool {
        self.0.contenders.contains(&contender)
    }

    /// The row under the sweep's first variant.
    fn row(&self, contender: Contender, p: usize, c: usize) -> Option<&'a Row> {
        self.0.row(contender, *self.0.variants.first()?, p, c)
    }

    fn timed(&self, contender: Contender, p: usize, c: usize) -> Option<&'a Row> {
        self.row(contender, p, c)
            .filter(|row| row.summary().is_some())
    }

    fn median(&self, contender: Contender, p: usize, c: usize) -> Option<f64> {
        Some(self.timed(contender, p, c)?.summary()?.median.as_secs_f64())
    }

    /// Median seconds per item moved.
    fn per_item(&self, contender: Contender, p: usize, c: usize) -> Option<f64> {
        let items = (self.0.num_iters as f64 * p as f64).max(1.0);
        Some(self.median(contender, p, c)? / items)
    }

    fn mechanism(&self, contender: Contender, p: usize, c: usize) -> Option<Mechanism> {
        self.timed(contender, p, c)?.mechanism
    }

    fn waits_per_item(&self, contender: Contender, p: usize, c: usize) -> Option<f64> {
        let row = self.timed(contender, p, c)?;
        Some(row.mechanism?.waits_per_item(&row.params))
    }

    fn switches_per_item(&self, contender: Contender, p: usize, c: usize) -> Option<f64> {
        let row = self.timed(contender, p, c)?;
        Some(row.mechanism?.switches_per_item(&row.params))
    }

    /// `a`'s median over `b`'s on the cell, with its bootstrap interval.
    fn ratio(&self, a: Contender, b: Contender, p: usize, c: usize) -> Option<Interval> {
        let (a, b) = (self.timed(a, p, c)?, self.timed(b, p, c)?);
        noise::ratio_interval(&a.times, &b.times)
    }

    /// Every (numProdsCons, capacity) cell, in sweep order.
    fn cells(&self) -> Vec<(usize, usize)> {
        let capacities = &self.0.capacities;
        let each = |&p: &usize| capacities.iter().map(move |&c| (p, c));
        self.0.prods_cons.iter().flat_map(each).collect()
    }

    fn cell_name(&self, p: usize, c: usize) -> String {
        format!("pc({}, {p}, {c})", self.0.num_iters)
    }

    /// The assignment's cell, or the swept one nearest it.
    fn focus(&self) -> (usize, usize) {
        let p = self
            .0
            .nearest_prods_cons(FOCUS_PRODS_CONS)
            .unwrap_or(FOCUS_PRODS_CONS);
        let bounded = self.0.capacities.iter().copied().filter(|&c| c > 0);
        let c = bounded
            .min_by_key(|c| c.abs_diff(FOCUS_CAPACITY))
            .unwrap_or(FOCUS_CAPACITY);
        (p, c)
    }

    /// The rows of `contender` with no time: each cell's name and why, in the report's words.
    fn not_measured(&self, contender: Contender) -> Vec<(String, String)> {
        let rows = self.0.rows.iter().filter(|row| row.contender == contender);
        rows.filter_map(|row| match &row.measured {
            Measured::Skipped(reason) => Some((
                self.cell_name(row.params.num_prods_cons(), row.params.capacity()),
                words::not_measured(reason),
            )),
            Measured::Timed(_) => None,
        })
        .collect()
    }
}

struct Report<'a> {
    main: View<'a>,
    studies: &'a Studies,
    context: &'a ReportContext,
}

impl Report<'_> {
    fn render(&self, figures: &[PathBuf]) -> String {
        let mut out = String::new();
        self.header(&mut out);
        // The first screen is the answers; the evidence follows, and the project's own targets,
        // which the assignment does not ask about, come last.
        Self::answers(&mut out);
        self.contenders(&mut out);
        answers::write(&mut out, self.main, self.studies);
        self.figures(&mut out, figures);
        regimes::write(&mut out, self.main);
        studies::write_ablation(&mut out, self.studies);
        studies::write_cores(&mut out, self.studies);
        studies::write_load(&mut out, self.studies);
        interventions::write(&mut out, self.studies);
        self.focus_table(&mut out);
        self.noise(&mut out);
        targets::write(&mut out, self.main);
        out
    }

    fn header(&self, out: &mut String) {
        let context = self.context;
        let machine = &context.machine;
        let results = self.main.0;
        let list = |values: &[usize]| {
            let text: Vec<String> = values.iter().map(usize::to_string).collect();
            text.join(", ")
        };
        let order = results.variants.first().copied().unwrap_or_default();
        let _ = write!(
            out,
            "# Producers and consumers: threads against tasks, Rust against Python\n\n\
             Generated by `prodcons bench --report`; rerun it for your machine. **Every row is \
             measured in the {} spawn order**, on all cores, unless a table says `paired` or \
             `1 core`; `producers-first` is the assignment's: all producers are started, then all \
             consumers.\n\n\
             - machine: {} × {}, {}, {}; {}; {}\n- code: prodcons {}\n\
             - command: `{}`\n\
             - sweep: numIters = {}; numProdsCons ∈ {{{}}}; capacity ∈ {{{}}} (0 is unbounded); \
             {} warm-up and {} timed runs per contender per cell, interleaved round by round, then \
             one counting run each in a fresh process (waits, context switches, peak queue \
             length, peak RSS); time guard {} s per contender per cell; {:.1} minutes in all.\n\
             - data: every timed row, with its counts, in [data/results.csv](data/results.csv) and \
             [data/results.json](data/results.json).\n\n",
            order.spawn,
            machine.cores,
            machine.cpu,
            machine.memory,
            machine.os,
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
    }

    /// The answers are written by hand, from this report; the generator only points to them.
    fn answers(out: &mut String) {
        out.push_str(
            "## Answers\n\nThe answers to the assignment's three questions are in \
             [answers.md](answers.md). Everything below is the evidence, generated from this \
             sweep.\n\n",
        );
    }

    /// What each contender is and where its clock starts and stops, one line each, so that
    /// every table can use the bare names.
    fn contenders(&self, out: &mut String) {
        let main = self.main;
        // Read off the drivers (`src/pipeline/threads.rs`, `tasks.rs`) and the assignment's
        // programs (`python/pc_threads.py`, `pc_asyncio.py`): the versions differ in whether
        // the workers are still running when the clock stops.
        let lines = [
            (
                THREADS,
                "our `BlockingQueue`, one OS thread per producer and per consumer. The clock stops \
                 when the main thread has read every result; the threads are joined after it \
                 stops.",
            ),
            (
                CROSSBEAM,
                "the same thread driver on crossbeam-channel (`unbounded()` for capacity 0); \
                 clock as for `threads`.",
            ),
            (
                TASKS,
                "our `AsyncQueue`, one task per producer and per consumer on tokio's \
                 current-thread runtime. The clock runs inside the runtime: `pc` awaits every \
                 producer task, then every consumer task, then reads every result, and only then \
                 stops the clock, so every worker has finished inside it.",
            ),
            (
                TASKS_MT,
                "the same tasks and `AsyncQueue` on tokio's multi-thread runtime (a worker thread \
                 per core); clock as for `tasks`.",
            ),
            (
                PY_THREADS,
                "the assignment's threading program (`python/pc_threads.py`): a \
                 `threading.Thread` per producer and per consumer over `queue.Queue`. The clock \
                 stops when the main thread has read every result and printed the two sums; the \
                 threads are never joined, and the interpreter waits for them at exit, after the \
                 clock.",
            ),
            (
                PY_ASYNCIO,
                "the assignment's asyncio program (`python/pc_asyncio.py`) under `asyncio.run`. \
                 As for `tasks`, `pc` awaits every producer task, then every consumer task, then \
                 reads every result (and prints the two sums), all inside the clock.",
            ),
        ];
        out.push_str("## Contenders\n\n");
        for (contender, line) in lines {
            if main.has(contender) {
                let _ = writeln!(out, "- `{contender}`: {line}");
            }
        }
        let others: Vec<String> = main
            .0
            .contenders
            .iter()
            .filter(|contender| !lines.iter().any(|(named, _)| named == *contender))
            .map(|contender| format!("`{contender}`"))
            .collect();
        if !others.is_empty() {
            let _ = writeln!(
                out,
                "- Interventions (`-handoff`: the same queue with another wake-up rule), peers \
                 (other Rust channels on the same drivers) and floors (the same items on one \
                 thread, or only starting and ending the workers) appear in tables only: {}.",
                others.join(", ")
            );
        }
        out.push_str(
            "\nEvery clock starts before the queues are made, inside the process, runtime or event \
             loop, so process start-up and building the runtime or loop are outside it.\n\n",
        );
    }

    fn figures(&self, out: &mut String, figures: &[PathBuf]) {
        out.push_str(
            "## Figures\n\nTime per item on a log axis: the line joins medians, the whisker \
             spans the fastest and slowest run; squares are Python, circles Rust. The two \
             `timeline-` figures show the start of the assignment's cell as a trace viewer would, \
             one row per worker: a bar for each put or get that had to wait, a dot for each \
             wakeup and a square for each futile one (`prodcons bench --timelines DIR` draws \
             them alone; docs/usage.md, \"Timeline figures\").\n\n",
        );
        for figure in figures {
            let name = figure.display();
            let _ = writeln!(out, "![{name}](figures/{name})\n");
        }
    }

    /// The assignment's own cell, every contender, against the baseline with its interval.
    fn focus_table(&self, out: &mut String) {
        let main = self.main;
        let (p, c) = main.focus();
        let baseline = self.context.baseline;
        let _ = writeln!(
            out,
            "## The assignment's cell, {}\n\n| contender | median | fastest | slowest | vs `{}` [{WITHIN_ONE_SWEEP}] |\n\
             |---|---:|---:|---:|---:|",
            main.cell_name(p, c),
            baseline.map_or("baseline", Contender::name),
        );
        for &contender in &main.0.contenders {
            let Some(row) = main.row(contender, p, c) else {
                continue;
            };
            let line = match row.summary() {
                Some(summary) => {
                    let ratio = baseline
                        .and_then(|base| main.ratio(contender, base, p, c))
                        .map_or_else(|| "-".to_owned(), |interval| interval.shown());
                    format!(
                        "| `{contender}` | {} | {} | {} | {ratio} |",
                        human_seconds(summary.median.as_secs_f64()),
                        human_seconds(summary.min.as_secs_f64()),
                        human_seconds(summary.max.as_secs_f64())
                    )
                }
                None => {
                    let why = match &row.measured {
                        Measured::Skipped(reason) => words::not_measured(reason),
                        Measured::Timed(_) => "not run".to_owned(),
                    };
                    format!("| `{contender}` | {why} | | | |")
                }
            };
            let _ = writeln!(out, "{line}");
        }
        out.push('\n');
    }

    /// Outlying runs and the cells with no time, so that no aggregate hides what it left out.
    fn noise(&self, out: &mut String) {
        let main = self.main;
        let outlying = |side: Outlier| -> Vec<String> {
            let rows = main.0.rows.iter().filter(|row| {
                row.summary()
                    .is_some_and(|summary| noise::outliers(&summary).contains(&side))
            });
            rows.map(|row| {
                let (p, c) = (row.params.num_prods_cons(), row.params.capacity());
                format!("`{}` on {}", row.contender, main.cell_name(p, c))
            })
            .collect()
        };
        let listed = |cells: Vec<String>| {
            if cells.is_empty() {
                "none".to_owned()
            } else {
                words::shorten(&cells)
            }
        };
        let _ = writeln!(
            out,
            "## Noise and gaps\n\n\
             - Outliers, slow (a run over 3× its cell's median): {}.\n\
             - Outliers, fast (a run under a third of its cell's median): {}.\n\
             - Every bracketed interval is a bootstrap {WITHIN_ONE_SWEEP}: it resamples that \
             sweep's timed runs, so it says how well the sweep pins its own median down, not how \
             far another sweep's may land. A difference whose interval contains 1 is reported as \
             not distinguishable.\n",
            listed(outlying(Outlier::Slow)),
            listed(outlying(Outlier::Fast)),
        );
        let missing: Vec<String> = main
            .0
            .contenders
            .iter()
            .flat_map(|&contender| {
                main.not_measured(contender)
                    .into_iter()
                    .map(move |(cell, why)| format!("| `{contender}` | {cell} | {why} |"))
            })
            .collect();
        if missing.is_empty() {
            out.push_str("Every contender has a time on every cell.\n\n");
        } else {
            let _ = writeln!(
                out,
                "Cells with no time, left out of every aggregate in this report. *Not run* means the cell \
                 was never started, *not run in full* that its remaining runs were dropped on a \
                 projection, *stopped after* that a run was cut off at the time guard.\n\n\
                 | contender | cell | why no time |\n|---|---|---|\n{}\n",
                missing.join("\n")
            );
        }
    }
}

/// The crate version and the commit of the checkout it runs in, as `git describe --dirty` puts
/// it. Take it before writing any output into the checkout: a report's own files would
/// otherwise mark every tree `-dirty`.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// let revision = prodcons_bench::revision();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cores, Summary, Variant};
    use prodcons::Params;

    fn row(contender: Contender, p: usize, c: usize, measured: Result<&[u64], &str>) -> Row {
        let times: Vec<Duration> = measured
            .unwrap_or_default()
            .iter()
            .map(|&ms| Duration::from_millis(ms))
            .collect();
        Row {
            contender,
            variant: Variant::default(),
            params: Params::new(10, p, c).unwrap(),
            measured: match measured {
                Ok(_) => Measured::Timed(Summary::of(&times).unwrap()),
                Err(reason) => Measured::Skipped(reason.to_owned()),
            },
            times,
            mechanism: None,
        }
    }

    /// A small sweep with every kind of missing cell and both kinds of outlier, rendered.
    fn rendered() -> String {
        let calm: &[u64] = &[10, 11, 12];
        let mut rows = Vec::new();
        for (p, c) in [(1, 0), (1, 1), (2, 0), (2, 1)] {
            let threads: &[u64] = if (p, c) == (1, 0) {
                &[3, 10, 11, 12, 40]
            } else {
                calm
            };
            rows.push(row(THREADS, p, c, Ok(threads)));
            rows.push(row(TASKS, p, c, Ok(calm)));
        }
        let killed = "stopped after 59.9 s, when its runs on this cell reached --max-cell-secs 60 \
                      in all";
        let projected = "projected 240.4 s > --max-cell-secs 60 after run 1 of 10";
        let already = "already over --max-cell-secs 60 at numProdsCons = 1";
        rows.push(row(PY_THREADS, 1, 0, Err(killed)));
        rows.push(row(PY_THREADS, 1, 1, Err(projected)));
        rows.push(row(PY_THREADS, 2, 0, Err(already)));
        rows.push(row(PY_THREADS, 2, 1, Err(already)));
        let results = SweepResults {
            num_iters: 10,
            prods_cons: vec![1, 2],
            capacities: vec![0, 1],
            contenders: vec![THREADS, TASKS, PY_THREADS],
            variants: vec![Variant::default()],
            rows,
        };
        let machine = Machine {
            cores: 2,
            cpu: "cpu".to_owned(),
            os: "os".to_owned(),
            memory: "1 GiB".to_owned(),
            rustc: "rustc".to_owned(),
            python: "Python".to_owned(),
        };
        let context = ReportContext {
            command: "prodcons bench --report docs/".to_owned(),
            revision: "0.1.0".to_owned(),
            machine,
            baseline: Some(THREADS),
            runs: 3,
            warmups: 1,
            max_cell: Duration::from_secs(60),
            wall_time: Duration::from_secs(60),
        };
        let studies = Studies::default();
        let report = Report {
            main: View(&results),
            studies: &studies,
            context: &context,
        };
        report.render(&[])
    }

    #[test]
    fn the_answers_come_first_the_evidence_next_and_the_targets_last() {
        let report = rendered();
        let at = |heading: &str| {
            report
                .find(heading)
                .unwrap_or_else(|| panic!("{heading} missing"))
        };
        let order = [
            "## Answers",
            "## Contenders",
            "## Evidence for Q1 — threads",
            "## Evidence for Q2 — coroutines",
            "## Evidence for Q3 — threads against coroutines",
            "## Noise and gaps",
            "## Targets",
        ];
        for pair in order.windows(2) {
            assert!(at(pair[0]) < at(pair[1]), "{} before {}", pair[0], pair[1]);
        }
        assert_eq!(
            report.rfind("\n## "),
            Some(at("## Targets") - 1),
            "targets last"
        );
        assert!(report.contains("[answers.md](answers.md)"));
        assert!(!report.contains("**Answer.**"));
    }

    #[test]
    fn each_version_says_where_its_clock_stops() {
        let report = rendered();
        assert!(report.contains(
            "- `threads`: our `BlockingQueue`, one OS thread per producer and per consumer. The \
             clock stops when the main thread has read every result; the threads are joined \
             after it stops."
        ));
        assert!(report.contains(
            "`pc` awaits every producer task, then every consumer task, then reads every result, \
             and only then stops the clock"
        ));
        assert!(report.contains("the threads are never joined"));
        assert!(!report.contains("where the assignment's stops"));
    }

    #[test]
    fn a_cell_never_started_is_not_run_and_only_a_killed_run_is_stopped() {
        let report = rendered();
        for line in [
            "| `python-threads` | pc(10, 1, 0) | stopped after 59.9 s, when its runs on this cell \
             reached --max-cell-secs 60 in all |",
            "| `python-threads` | pc(10, 1, 1) | not run in full (projected 240.4 s > \
             --max-cell-secs 60 after run 1 of 10) |",
            "| `python-threads` | pc(10, 2, 0) | not run (already over --max-cell-secs 60 at \
             numProdsCons = 1) |",
        ] {
            assert!(report.contains(line), "{line} missing from\n{report}");
        }
        assert_eq!(report.matches("| stopped after").count(), 1, "{report}");
        assert!(report.contains("`python-threads` has no time on 4 cell(s)"));
        assert!(!report.to_lowercase().contains("could not finish"));
        assert!(!report.contains("cells skipped"));
    }

    #[test]
    fn outliers_on_either_side_are_named_outliers() {
        let report = rendered();
        assert!(report.contains(
            "- Outliers, slow (a run over 3× its cell's median): `threads` on pc(10, 1, 0)."
        ));
        assert!(report.contains(
            "- Outliers, fast (a run under a third of its cell's median): `threads` on pc(10, 1, 0)."
        ));
        assert!(!report.to_lowercase().contains("bimodal"));
    }

    /// The busy-machine study: one row per contender and lane, each against `crossbeam` in the
    /// same lane, never against another lane.
    #[test]
    fn the_busy_machine_compares_each_lane_with_crossbeam_in_that_lane() {
        let crossbeam = CROSSBEAM;
        let lanes = [
            (Cores::All, 0),
            (Cores::All, 2),
            (Cores::One, 0),
            (Cores::One, 2),
        ];
        let variants: Vec<Variant> = lanes
            .iter()
            .map(|&(cores, load)| Variant {
                cores,
                load,
                ..Variant::default()
            })
            .collect();
        let mut rows = Vec::new();
        for (lane, &variant) in variants.iter().enumerate() {
            // threads takes 2, 3, 4, 5 times crossbeam's 10 ms in the four lanes.
            let slower = 10 * (lane as u64 + 2);
            for (contender, ms) in [(THREADS, slower), (crossbeam, 10)] {
                let times: &[u64] = &[ms, ms, ms];
                rows.push(Row {
                    variant,
                    ..row(contender, 50, 10, Ok(times))
                });
            }
        }
        let studies = Studies {
            load: Some(SweepResults {
                num_iters: 10,
                prods_cons: vec![50],
                capacities: vec![10],
                contenders: vec![THREADS, crossbeam],
                variants,
                rows,
            }),
            ..Studies::default()
        };
        let mut out = String::new();
        studies::write_load(&mut out, &studies);
        for line in [
            "| `threads` | pc(10, 50, 10) | all cores | 0 | 20 ms | 2.00 [2.00, 2.00] | - | - |",
            "| `threads` | pc(10, 50, 10) | all cores | 2 | 30 ms | 3.00 [3.00, 3.00] | - | - |",
            "| `threads` | pc(10, 50, 10) | 1 core | 0 | 40 ms | 4.00 [4.00, 4.00] | - | - |",
            "| `threads` | pc(10, 50, 10) | 1 core | 2 | 50 ms | 5.00 [5.00, 5.00] | - | - |",
            "| `crossbeam` | pc(10, 50, 10) | 1 core | 2 | 10 ms | - | - | - |",
        ] {
            assert!(out.contains(line), "{line} missing from\n{out}");
        }
        assert_eq!(out.matches("\n| `").count(), 8, "{out}");
    }

    #[test]
    fn every_section_with_an_interval_says_it_is_within_one_sweep() {
        let report = rendered();
        let with_interval = |section: &str| {
            section
                .match_indices(" [")
                .any(|(i, _)| section[i + 2..].starts_with(|c: char| c.is_ascii_digit()))
        };
        let sections: Vec<&str> = report.split("\n## ").filter(|s| with_interval(s)).collect();
        assert!(!sections.is_empty(), "{report}");
        for section in sections {
            assert!(section.contains(WITHIN_ONE_SWEEP), "{section}");
        }
    }
}
