//! `docs/report.md`: direct answers to the assignment's three questions, the evidence for each
//! from the sweep just run, the spawn-order ablation, the core-scaling runs, the figures, and
//! the targets, each judged with its noise.
//!
//! Nothing here is fixed prose about mechanism: every sentence that explains a time cites a
//! count or a time from this sweep, and the data pick the words ("faster", "not
//! distinguishable"), so a sweep that goes the other way reads the other way. The full
//! per-cell data go to `data/results.csv` and `data/results.json` beside the report.

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
use noise::Interval;
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

    /// The rows of `contender` that were skipped, named with their reasons.
    fn skipped(&self, contender: Contender) -> Vec<String> {
        let rows = self.0.rows.iter().filter(|row| row.contender == contender);
        rows.filter_map(|row| match &row.measured {
            Measured::Skipped(reason) => Some(format!(
                "{} ({reason})",
                self.cell_name(row.params.num_prods_cons(), row.params.capacity())
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
        answers::write(&mut out, self.main, self.studies);
        self.figures(&mut out, figures);
        regimes::write(&mut out, self.main);
        studies::write_ablation(&mut out, self.studies);
        studies::write_cores(&mut out, self.studies);
        interventions::write(&mut out, self.studies);
        self.focus_table(&mut out);
        targets::write(&mut out, self.main);
        self.noise(&mut out);
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
             Generated by `prodcons bench --report`, numbers and wording alike; rerun it for \
             your machine. **Every row is measured in the {} spawn order**, on all cores, unless a \
             table says `paired` or `1 core`; `producers-first` is the assignment's: all \
             producers are started, then all consumers. The clock stops when the main side has read every \
             result, where the assignment's stops; workers are joined after that.\n\n\
             - machine: {} × {}, {}, {}; {}; {}\n- code: prodcons {}\n\
             - command: `{}`\n\
             - sweep: numIters = {}; numProdsCons ∈ {{{}}}; capacity ∈ {{{}}} (0 is unbounded); \
             {} warm-up and {} timed runs per contender per cell, interleaved round by round; \
             after a cell's timed runs, one counting run per contender in a fresh process \
             (waits, context switches, peak queue length, peak RSS); a contender projected past \
             {} s on a cell is skipped there. It took {:.1} minutes.\n\
             - data: every row, with its counts, in [data/results.csv](data/results.csv) and \
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

    fn figures(&self, out: &mut String, figures: &[PathBuf]) {
        out.push_str(
            "## Figures\n\nTime per item on a log axis: the line joins medians, the whisker \
             spans the fastest and slowest run; squares are Python, circles Rust.\n\n",
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
            "## The assignment's cell, {}\n\n| contender | median | fastest | slowest | vs `{}`, 95% interval |\n\
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
                None => format!("| `{contender}` | skipped | | | |"),
            };
            let _ = writeln!(out, "{line}");
        }
        out.push('\n');
    }

    /// Bimodal cells and skipped rows, so that no aggregate hides what it left out.
    fn noise(&self, out: &mut String) {
        let main = self.main;
        let bimodal: Vec<String> = main
            .0
            .rows
            .iter()
            .filter(|row| {
                row.summary()
                    .is_some_and(|summary| noise::is_bimodal(&summary))
            })
            .map(|row| {
                let (p, c) = (row.params.num_prods_cons(), row.params.capacity());
                format!("`{}` on {}", row.contender, main.cell_name(p, c))
            })
            .collect();
        let skipped: Vec<String> = main
            .0
            .contenders
            .iter()
            .flat_map(|&contender| {
                main.skipped(contender)
                    .into_iter()
                    .map(move |cell| format!("`{contender}` {cell}"))
            })
            .collect();
        let _ = writeln!(
            out,
            "## Noise and gaps\n\n\
             - Bimodal cells (slowest run over 3× the median; their median describes one mode): {}.\n\
             - Skipped rows, left out of every aggregate above: {}.\n\
             - Ratios are given with bootstrap 95% intervals from the timed runs; a difference \
             whose interval contains 1 is reported as not distinguishable.\n",
            if bimodal.is_empty() {
                "none".to_owned()
            } else {
                words::shorten(&bimodal)
            },
            if skipped.is_empty() {
                "none".to_owned()
            } else {
                words::shorten(&skipped)
            },
        );
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
