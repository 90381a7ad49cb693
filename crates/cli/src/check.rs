//! `prodcons check`: the linearizability checker's sweep over one or more targets, with a
//! progress bar, a table, and the minimal failing scenarios; or, with `--bench-throughput`,
//! the checker's speed on histories of 3 threads × 5 operations.

use std::io::{self, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Args;
use clap::builder::PossibleValuesParser;
use indicatif::{ProgressBar, ProgressStyle};
use prodcons_lincheck::{
    Conclusion, Outcome, Plan, Shape, Target, Verdict, Watch, check, check_target, scenarios,
};
use prodcons_peers::{shipped_bugs, shipped_fixes, target, targets};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Targets, comma-separated or repeated; `all` is every one but the pinned releases with
    /// known bugs (`flume-0.10.10-*`, `futures-0.2.0-alpha-mpsc`, `tokio-0.2-mpsc-try`,
    /// `tokio-0.2.22-*`, `async-channel-1.4.0*`, `crossbeam-0.3.5-try`, `futures-0.1.6-mpsc`),
    /// the current releases through their adapters (`tokio-mpsc-close*`, `tokio-mpsc-try-race`,
    /// `async-channel-2*`, `crossbeam-try-hop`, `futures-mpsc-parked`),
    /// current releases with a known failure (`kanal-async-cancel`, `flume-async-multi`,
    /// `futures-mpsc-close`, `tokio-mpsc-try-ops`, `flume-rendezvous-async`), the hand-off
    /// queue under cancellation (`tasks-handoff-cancel`) and `seeded-bug`; `ours` is our two
    /// queues on threads and on both tokio runtimes.
    #[arg(long = "target", value_name = "TARGET", value_delimiter = ',', default_value = "ours",
          value_parser = target_names())]
    targets: Vec<String>,

    /// Threads in the parallel part, at most (2 to 4).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u8).range(2..=4))]
    threads: u8,

    /// Operations per thread, at most (1 to 6).
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u8).range(1..=6))]
    operations: u8,

    /// Scenarios generated per target (before shrinking a failure).
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    scenarios: u32,

    /// Runs of each scenario.
    #[arg(long, value_name = "N", default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..))]
    runs: u32,

    /// Stop generating scenarios for a target after this many seconds.
    #[arg(long, value_name = "SECS", value_parser = positive_seconds)]
    time: Option<f64>,

    /// Search steps per history before its verdict is "unknown".
    #[arg(long, value_name = "STEPS", default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..))]
    budget: u64,

    /// Histories per target that may go without a verdict (the search ran out of budget)
    /// before the target is reported INCONCLUSIVE and the command exits with 3. An unknown
    /// verdict is never a pass: by default, none is allowed.
    #[arg(long, value_name = "N", default_value_t = 0)]
    max_unknown: u64,

    /// Milliseconds without progress before blocked operations are released.
    #[arg(long, value_name = "MS", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..))]
    patience_ms: u64,

    /// Seconds an operation the specification says must not block may stay stuck before the
    /// run counts as a lost wakeup.
    #[arg(long, value_name = "SECS", default_value_t = 10.0, value_parser = positive_seconds)]
    hang_limit: f64,

    /// Seeds the scenario generator.
    #[arg(long, value_name = "N", default_value_t = 12)]
    seed: u64,

    /// Measure instead: histories of exactly 3 threads × 5 operations on our blocking queue,
    /// run and checked, per minute, for --time seconds (default 10).
    #[arg(long)]
    bench_throughput: bool,
}

fn target_names() -> PossibleValuesParser {
    let mut names: Vec<&'static str> = targets()
        .iter()
        .chain(&shipped_bugs())
        .chain(&shipped_fixes())
        .map(|target| target.name())
        .collect();
    names.extend(["seeded-bug", "ours", "all"]);
    PossibleValuesParser::new(names)
}

fn positive_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(seconds) if seconds > 0.0 && seconds.is_finite() => Ok(seconds),
        _ => Err(format!("{text:?} is not a positive number of seconds")),
    }
}

impl CheckArgs {
    fn chosen(&self) -> Vec<Box<dyn Target>> {
        let mut chosen: Vec<Box<dyn Target>> = Vec::new();
        for name in &self.targets {
            let add: Vec<Box<dyn Target>> = match name.as_str() {
                "all" => targets(),
                "ours" => prodcons_lincheck::targets(),
                one => target(one).into_iter().collect(),
            };
            for target in add {
                if chosen.iter().all(|known| known.name() != target.name()) {
                    chosen.push(target);
                }
            }
        }
        chosen
    }

    fn plan(&self) -> Plan {
        Plan {
            shape: Shape {
                threads: self.threads.into(),
                operations: self.operations.into(),
                ..Shape::default()
            },
            scenarios: self.scenarios,
            runs: self.runs,
            watch: Watch {
                patience: Duration::from_millis(self.patience_ms),
                hang_limit: Duration::from_secs_f64(self.hang_limit),
                budget: self.budget,
            },
            time: self.time.map(Duration::from_secs_f64),
            seed: self.seed,
        }
    }
}

pub(crate) fn main(args: &CheckArgs) -> ExitCode {
    if args.bench_throughput {
        return bench_throughput(args);
    }
    let plan = args.plan();
    let chosen = args.chosen();
    let bar =
        ProgressBar::new(u64::from(plan.scenarios) * u64::from(plan.runs) * chosen.len() as u64);
    if let Ok(style) =
        ProgressStyle::with_template("{elapsed_precise} [{wide_bar}] {pos}/{len} histories · {msg}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    let mut outcomes = Vec::new();
    for (done, target) in chosen.iter().enumerate() {
        bar.set_message(target.name());
        let base = done as u64 * u64::from(plan.scenarios) * u64::from(plan.runs);
        let outcome = check_target(&**target, &plan, &|histories| {
            bar.set_position(base + histories)
        });
        outcomes.push(outcome);
    }
    bar.finish_and_clear();
    let conclusions: Vec<Conclusion> = outcomes
        .iter()
        .map(|outcome| outcome.conclusion(args.max_unknown))
        .collect();
    match print(&chosen, &outcomes, &conclusions) {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => {
            eprintln!("error: could not write the output: {error}");
            return ExitCode::FAILURE;
        }
        _ => {}
    }
    exit_code(&conclusions)
}

/// 1 if any target broke its contract, else 3 if any sweep was inconclusive, else 0. (2 is
/// clap's, for bad arguments.)
fn exit_code(conclusions: &[Conclusion]) -> ExitCode {
    if conclusions.contains(&Conclusion::Violation) {
        ExitCode::FAILURE
    } else if conclusions.contains(&Conclusion::Inconclusive) {
        ExitCode::from(INCONCLUSIVE)
    } else {
        ExitCode::SUCCESS
    }
}

/// The exit code of a check that found no violation but could not judge every history.
const INCONCLUSIVE: u8 = 3;

fn print(
    chosen: &[Box<dyn Target>],
    outcomes: &[Outcome],
    conclusions: &[Conclusion],
) -> io::Result<()> {
    let mut out = io::stdout().lock();
    // Every history is counted once, as passed, unknown or failed (shrinking reruns failures).
    writeln!(
        out,
        "{:<26} {:>9} {:>9} {:>9} {:>7} {:>6} {:>8} {:>8}  verdict",
        "target", "scenarios", "histories", "passed", "unknown", "failed", "released", "seconds"
    )?;
    for (outcome, conclusion) in outcomes.iter().zip(conclusions) {
        writeln!(
            out,
            "{:<26} {:>9} {:>9} {:>9} {:>7} {:>6} {:>8} {:>8.1}  {conclusion}",
            outcome.target,
            outcome.scenarios,
            outcome.histories,
            outcome.passes,
            outcome.unknown,
            outcome.violations,
            outcome.released,
            outcome.elapsed.as_secs_f64()
        )?;
    }
    if conclusions.contains(&Conclusion::Inconclusive) {
        writeln!(
            out,
            "\nINCONCLUSIVE: some histories went without a verdict (more than --max-unknown); \
             raise --budget, or shorten the scenarios with --threads and --operations"
        )?;
    }
    for (target, outcome) in chosen.iter().zip(outcomes) {
        if let Some((_, report)) = &outcome.failure {
            writeln!(
                out,
                "\n== {}: minimal failing scenario ({}) ==\n{report}",
                target.name(),
                target.semantics()
            )?;
        }
    }
    Ok(())
}

/// Runs and checks fresh scenarios of exactly 3 threads × 5 operations on our blocking queue,
/// and, separately, re-checks the recorded histories alone, for `--time` seconds each.
fn bench_throughput(args: &CheckArgs) -> ExitCode {
    let seconds = args.time.unwrap_or(10.0) / 2.0;
    let shape = Shape {
        threads: 3,
        operations: 5,
        exact: true,
        ..Shape::default()
    };
    let target = prodcons_lincheck::Blocking;
    let strategy = scenarios(&shape, target.ops());
    let mut runner = TestRunner::deterministic();
    let watch = Watch {
        patience: Duration::from_millis(args.patience_ms),
        hang_limit: Duration::from_secs_f64(args.hang_limit),
        budget: args.budget,
    };
    let mut histories = Vec::new();
    let start = Instant::now();
    let (mut failures, mut unknown) = (0u64, 0u64);
    while start.elapsed().as_secs_f64() < seconds {
        let Ok(tree) = strategy.new_tree(&mut runner) else {
            break;
        };
        let scenario = tree.current();
        let history = target.run(&scenario, &watch);
        let verdict = check(&target.spec(scenario.capacity), &history, args.budget);
        failures += u64::from(verdict.is_fail());
        unknown += u64::from(matches!(verdict, Verdict::Unknown { .. }));
        histories.push((scenario.capacity, history));
    }
    let run_elapsed = start.elapsed().as_secs_f64();
    let run_and_check = histories.len() as f64 * 60.0 / run_elapsed;
    let start = Instant::now();
    let mut checked = 0u64;
    while start.elapsed().as_secs_f64() < seconds {
        for (capacity, history) in &histories {
            let _ = check(&target.spec(*capacity), history, args.budget);
            checked += 1;
        }
    }
    let check_only = checked as f64 * 60.0 / start.elapsed().as_secs_f64();
    println!("histories of 3 threads x 5 operations on `blocking`, per minute:");
    println!(
        "  run on threads and checked: {run_and_check:>12.0}  ({} histories in {run_elapsed:.1} s)",
        histories.len()
    );
    println!("  checked alone:              {check_only:>12.0}  ({checked} checks)");
    if failures > 0 {
        eprintln!("error: {failures} histories were not linearizable");
        return ExitCode::FAILURE;
    }
    if unknown > args.max_unknown {
        eprintln!("error: {unknown} histories went without a verdict; raise --budget");
        return ExitCode::from(INCONCLUSIVE);
    }
    ExitCode::SUCCESS
}
