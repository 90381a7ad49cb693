//! `prodcons bench`: the sweep, its table, and the files and report it can write.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Args;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use prodcons::SpawnOrder;
use prodcons_bench::{
    BenchError, Contender, Machine, Outputs, ReportContext, Studies, Sweep, Variant,
    check_claims_in, measure_per_op, python3_available, render_table, revision, write_timelines,
};
use prodcons_bench::{Cores, MAX_LOAD};
use prodcons_peers::Implementation;

/// The ratio column's baseline when none is given: crossbeam-channel on threads, the queue a
/// Rust user would reach for first, so every ratio reads "how does this compare with the
/// standard choice". With `--impl` lists that leave it out, the first contender is used.
const DEFAULT_BASELINE: Contender = Contender::Pipeline(Implementation::Crossbeam);

#[derive(Debug, Args)]
pub(crate) struct BenchArgs {
    /// Items each producer puts [default: 1000; 200 with --quick].
    #[arg(long, value_name = "N")]
    iters: Option<u64>,

    /// numProdsCons values, comma-separated [default: 1,10,50,100,500,1000; 1,10,50 with --quick].
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    prods_cons: Option<Vec<usize>>,

    /// Capacities, comma-separated; 0 is unbounded [default: 0,1,10,100,1000; 0,1,10 with --quick].
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    capacity: Option<Vec<usize>>,

    /// Who runs: implementations, floors and Python references, comma-separated or repeated;
    /// `all` is every implementation and floor (and the Python references with --python).
    #[arg(long = "impl", value_name = "IMPL", value_delimiter = ',', value_parser = contender_parser())]
    implementations: Vec<Choice>,

    /// Timed runs per contender per cell [default: 7; 3 with --quick].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    runs: Option<u32>,

    /// Untimed warm-up runs per contender per cell, before the timed ones.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    warmups: u32,

    /// The contender each median is compared with in the ratio column [default: crossbeam].
    #[arg(long, value_name = "IMPL", value_parser = contender_parser().try_map(Choice::single))]
    baseline: Option<Contender>,

    /// Skip a contender on a cell once it is projected to spend longer than this there, and
    /// kill a Python run that reaches it.
    #[arg(long, value_name = "SECS", default_value_t = 60.0, value_parser = positive_seconds)]
    max_cell_secs: f64,

    /// Also run the assignment's Python programs (python-threads, python-asyncio) with python3.
    #[arg(long)]
    python: bool,

    /// A small sweep for trying it out and for CI: numIters 200, numProdsCons 1,10,50,
    /// capacities 0,1,10, 3 runs. Explicit options still win.
    #[arg(long)]
    quick: bool,

    /// Write the measurements as a JSON array of records to FILE.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,

    /// Write the measurements as CSV to FILE.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,

    /// Write SVG plots into DIR.
    #[arg(long, value_name = "DIR")]
    svg: Option<PathBuf>,

    /// Run the sweep and the side studies (interventions), write the evidence to DIR/report.md,
    /// DIR/figures/*.svg and DIR/data/, then check DIR/claims.toml against it; implies --python
    /// and --count.
    #[arg(long, value_name = "DIR")]
    report: Option<PathBuf>,

    /// The cores every contender runs on, each value its own lane of the same interleaved
    /// sweep: `all` (every core this process may use) or `one` (pinned to the first of them),
    /// comma-separated.
    #[arg(long, value_name = "LIST", value_delimiter = ',', default_value = "all", value_parser = cores_parser())]
    cores: Vec<Cores>,

    /// Busy threads that spin beside every run, on the same cores, started before each run and
    /// stopped after it; a comma-separated list makes one lane per value (and per --cores
    /// value), so `--cores all,one --load 0,2` runs four lanes. At most 64.
    #[arg(long, value_name = "LIST", value_delimiter = ',', default_value = "0", value_parser = load_parser)]
    load: Vec<usize>,

    /// The order the workers start in, for every contender: the assignment's
    /// (`producers-first`) or `paired`. The report always measures the assignment's order and
    /// adds `paired` as an ablation on a few cells.
    #[arg(long = "spawn", value_name = "ORDER", default_value = "producers-first", value_parser = super::args::spawn_order_parser())]
    spawn_order: SpawnOrder,

    /// After each cell's timed runs, run every contender once more in counting mode, in a
    /// fresh process: waits per item, context switches, peak queue length and peak RSS, added
    /// to the JSON and CSV records. Implied by --report.
    #[arg(long)]
    count: bool,

    /// Instead of the sweep, measure the cost of one put+get pair on one thread or task with
    /// no contention (200000 pairs; 20000 with --quick), for threads, crossbeam, tasks and
    /// tasks-mt, and with --python for CPython's queue.Queue and asyncio.Queue and their parts;
    /// --runs repetitions.
    #[arg(long, conflicts_with_all = ["json", "csv", "svg", "report", "count"])]
    per_op: bool,

    /// Instead of the sweep, trace the assignment's cell pc(1000, 50, 10) with tasks and
    /// tasks-handoff, and (if python3 is there) python-threads at the default and a 0.5 ms GIL
    /// switch interval, and draw the two timeline figures into DIR/figures/. --report draws
    /// them too.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["json", "csv", "svg", "report", "count", "per_op"])]
    timelines: Option<PathBuf>,

    /// For testing the sum check: report this contender's sums one too high.
    #[arg(long, value_name = "IMPL", hide = true, value_parser = contender_parser().try_map(Choice::single))]
    corrupt_sum_of: Option<Contender>,
}

/// One value of `--impl`.
#[derive(Clone, Copy, Debug)]
enum Choice {
    One(Contender),
    All,
}

impl Choice {
    fn single(self) -> Result<Contender, String> {
        match self {
            Self::One(contender) => Ok(contender),
            Self::All => Err("`all` is not one implementation".to_owned()),
        }
    }
}

fn contender_parser() -> impl TypedValueParser<Value = Choice> {
    PossibleValuesParser::new(Contender::names().chain(["all"])).map(|name| match name.parse() {
        Ok(contender) => Choice::One(contender),
        // The possible-values parser only lets the known names and "all" through.
        Err(_) => Choice::All,
    })
}

fn cores_parser() -> impl TypedValueParser<Value = Cores> {
    PossibleValuesParser::new(["all", "one"]).map(|name| match name.as_str() {
        "one" => Cores::One,
        // The possible-values parser only lets "all" and "one" through.
        _ => Cores::All,
    })
}

fn load_parser(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(load) if load <= MAX_LOAD => Ok(load),
        Ok(load) => Err(format!(
            "{load} busy threads is more than the {MAX_LOAD} a lane may have"
        )),
        Err(_) => Err(format!("{text:?} is not a number of busy threads")),
    }
}

fn positive_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(seconds) if seconds > 0.0 && seconds.is_finite() => Ok(seconds),
        _ => Err(format!("{text:?} is not a positive number of seconds")),
    }
}

impl BenchArgs {
    fn wants_python(&self) -> bool {
        let named = self
            .implementations
            .iter()
            .any(|choice| matches!(choice, Choice::One(Contender::Python(_))));
        self.python || self.report.is_some() || named
    }

    /// The contenders, in the order given, without repeats; every implementation and floor
    /// when none are given. Python references are dropped when `python` is false.
    fn contenders(&self, python: bool) -> Vec<Contender> {
        let mut chosen: Vec<Contender> = Vec::new();
        let choices: &[Choice] = if self.implementations.is_empty() {
            &[Choice::All]
        } else {
            &self.implementations
        };
        for choice in choices {
            let add = match choice {
                Choice::One(contender) => vec![*contender],
                Choice::All => Contender::all(python),
            };
            for contender in add {
                if !chosen.contains(&contender) {
                    chosen.push(contender);
                }
            }
        }
        if python && self.python {
            for reference in Contender::PYTHON {
                if !chosen.contains(&reference) {
                    chosen.push(reference);
                }
            }
        }
        chosen.retain(|contender| python || !matches!(contender, Contender::Python(_)));
        chosen
    }

    fn sweep(&self, python: bool) -> Result<Sweep, Failure> {
        let base = if self.quick {
            Sweep::quick()
        } else {
            Sweep::default()
        };
        let count_with = if self.count || self.report.is_some() {
            Some(std::env::current_exe().map_err(Failure::NoExecutable)?)
        } else {
            None
        };
        Ok(Sweep {
            num_iters: self.iters.unwrap_or(base.num_iters),
            prods_cons: self.prods_cons.clone().unwrap_or(base.prods_cons),
            capacities: self.capacity.clone().unwrap_or(base.capacities),
            contenders: self.contenders(python),
            variants: self.variants(),
            count_with,
            runs: self.runs.map_or(base.runs, |runs| runs as usize),
            warmups: self.warmups as usize,
            max_cell: Duration::from_secs_f64(self.max_cell_secs),
            show_progress: true,
            corrupt_sum_of: self.corrupt_sum_of,
        })
    }

    /// One lane per `--cores` value and `--load` value, in the order given, without repeats.
    fn variants(&self) -> Vec<Variant> {
        let mut variants = Vec::new();
        for &load in &self.load {
            for &cores in &self.cores {
                let variant = Variant {
                    spawn: self.spawn_order,
                    cores,
                    load,
                };
                if !variants.contains(&variant) {
                    variants.push(variant);
                }
            }
        }
        variants
    }

    fn baseline(&self, sweep: &Sweep) -> Result<Option<Contender>, BenchError> {
        match self.baseline {
            Some(baseline) if sweep.contenders.contains(&baseline) => Ok(Some(baseline)),
            Some(baseline) => Err(BenchError::BaselineNotRun(baseline)),
            None if sweep.contenders.contains(&DEFAULT_BASELINE) => Ok(Some(DEFAULT_BASELINE)),
            None => Ok(sweep.contenders.first().copied()),
        }
    }
}

/// Why `prodcons bench` failed.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error(transparent)]
    Bench(#[from] BenchError),
    #[error("could not write the table: {0}")]
    Io(#[from] io::Error),
    #[error("could not find this program's executable for the counting pass: {0}")]
    NoExecutable(io::Error),
}

/// Runs `prodcons bench`: 0 when every run had the right sum and every output was written,
/// 1 with one `error:` line otherwise.
pub(crate) fn main(args: &BenchArgs) -> ExitCode {
    match bench(args) {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that went away (`prodcons bench | head`) is not an error worth a message.
        Err(Failure::Io(error)) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(failure) => {
            let hint = match &failure {
                Failure::Bench(error) => crate::advice::for_bench(error),
                _ => None,
            };
            crate::advice::fail(&failure, hint)
        }
    }
}

fn bench(args: &BenchArgs) -> Result<(), Failure> {
    if args.per_op {
        return per_op(args);
    }
    if let Some(dir) = &args.timelines {
        let drawn = write_timelines(dir)?;
        let mut stdout = io::stdout().lock();
        for path in drawn {
            writeln!(stdout, "wrote {}", path.display())?;
        }
        return Ok(());
    }
    let python = args.wants_python() && python3_available();
    if args.wants_python() && !python {
        eprintln!("note: python3 was not found, so python-threads and python-asyncio are skipped");
    }
    let sweep = args.sweep(python)?;
    sweep.check()?;
    let baseline = args.baseline(&sweep)?;
    let outputs = Outputs {
        json: args.json.clone(),
        csv: args.csv.clone(),
        svg: args.svg.clone(),
        report: args.report.clone(),
    };
    outputs.prepare()?;

    let revision = revision();
    let started = Instant::now();
    let results = sweep.run()?;
    {
        let mut stdout = io::stdout().lock();
        write!(stdout, "{}", render_table(&results, baseline))?;
        stdout.flush()?;
    }
    // The report's side studies, on a few of the sweep's cells, after it and apart from it.
    let studies = if outputs.report.is_some() {
        Studies::run(&sweep)?
    } else {
        Studies::default()
    };
    let wall_time = started.elapsed();

    let context = ReportContext {
        command: command_line(),
        revision,
        machine: Machine::detect(),
        baseline,
        runs: sweep.runs,
        warmups: sweep.warmups,
        max_cell: sweep.max_cell,
        wall_time,
    };
    outputs.write(&results, &studies, &context)?;
    // The answers' claims against the data just written, if the report directory has them:
    // after every file is written, so a failing claim never costs the measurements.
    if let Some(dir) = &outputs.report {
        if let Some(report) = check_claims_in(dir)? {
            writeln!(io::stdout().lock(), "{}", report.summary())?;
            report.into_result()?;
        }
    }
    Ok(())
}

/// `prodcons bench --per-op`: one line per measurement, median and spread in ns per pair.
fn per_op(args: &BenchArgs) -> Result<(), Failure> {
    let python = args.python && python3_available();
    if args.python && !python {
        eprintln!("note: python3 was not found, so Python's per-operation costs are skipped");
    }
    let pairs = if args.quick { 20_000 } else { 200_000 };
    let repetitions = args.runs.unwrap_or(if args.quick { 3 } else { 7 }) as usize;
    let costs = measure_per_op(pairs, repetitions, python)?;
    let mut stdout = io::stdout().lock();
    writeln!(
        stdout,
        "ns per put+get pair, one thread or task, no contention: median [min, max] of \
         {repetitions} repetitions of {pairs} (Python's lock_with and condition_notify: per \
         operation)"
    )?;
    for cost in costs {
        writeln!(
            stdout,
            "{:<26} {:>10.1} [{:.1}, {:.1}]",
            cost.name, cost.median_ns, cost.min_ns, cost.max_ns
        )?;
    }
    Ok(())
}

/// The command as typed, with the program's path shortened to `prodcons`.
fn command_line() -> String {
    let quote = |arg: String| {
        if arg.is_empty() || arg.contains(|c: char| c.is_whitespace() || c == '\'') {
            format!("'{}'", arg.replace('\'', r"'\''"))
        } else {
            arg
        }
    };
    std::iter::once("prodcons".to_owned())
        .chain(std::env::args().skip(1).map(quote))
        .collect::<Vec<_>>()
        .join(" ")
}
