//! What the command line accepts, declared with clap.

use clap::builder::{PossibleValuesParser, TypedValueParser};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use prodcons::SpawnOrder;
use prodcons_peers::Implementation;

use super::run::Plan;

/// Producers and consumers over a shared queue, with threads and with tasks.
///
/// With no command, runs the assignment's cells: pc(1000, 50, 10) with threads, then with tasks.
#[derive(Debug, Parser)]
#[command(name = "prodcons", version, about, long_about)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run pc(NUM_ITERS, NUM_PRODS_CONS, CAPACITY) and print the assignment's three lines.
    #[command(allow_negative_numbers = true)]
    Run(RunArgs),
    /// Time every implementation, floor and (with --python) Python reference over a sweep of
    /// numProdsCons × capacity, interleaved, and print a table; optionally write JSON, CSV,
    /// SVG plots and a report.
    Bench(super::bench::BenchArgs),
    /// The counting pass's fresh process: run pc once in counting mode and print one
    /// `counts=` JSON line (waits, peak queue length, context switches, peak RSS).
    #[command(hide = true)]
    Count(CountArgs),
    /// Check targets for linearizability: generated scenarios, each run many times on
    /// threads or tasks, every history checked against a sequential FIFO queue. Exits 0 when
    /// every target was found linearizable, 1 on a violation, 3 when a sweep was inconclusive
    /// (more histories than --max-unknown went without a verdict), 2 on bad arguments.
    Check(super::check::CheckArgs),
    /// Re-derive every claim in DIR/claims.toml from DIR/data/results.json and check that
    /// DIR/answers.md cites each one with its number and states no number without a claim.
    /// Exits 0 when every claim holds, 1 when some fail or the files cannot be checked.
    Claims(super::claims::ClaimsArgs),
}

/// The order the workers start in: the assignment's (`producers-first`) or `paired`.
pub(crate) fn spawn_order_parser() -> impl TypedValueParser<Value = SpawnOrder> {
    PossibleValuesParser::new(SpawnOrder::ALL.map(SpawnOrder::name)).map(|name| {
        // The possible-values parser only lets the known names through.
        name.parse().unwrap_or_default()
    })
}

#[derive(Debug, Args)]
pub(crate) struct CountArgs {
    /// The implementation to count.
    #[arg(long = "impl", value_name = "IMPL", value_parser = one_implementation_parser())]
    pub(crate) implementation: Implementation,
    /// The order the workers start in.
    #[arg(long = "spawn", value_name = "ORDER", default_value = "producers-first", value_parser = spawn_order_parser())]
    pub(crate) spawn_order: SpawnOrder,
    /// Items each producer puts.
    pub(crate) num_iters: u64,
    /// Producers, and as many consumers.
    pub(crate) num_prods_cons: usize,
    /// The buffer's capacity; 0 is unbounded.
    pub(crate) capacity: usize,
}

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// Which implementation to run: repeat the flag or separate names with commas; `all` runs
    /// every one. With more than one, each runs under a header naming it.
    #[arg(
        long = "impl",
        value_name = "IMPL",
        value_delimiter = ',',
        default_value = "threads",
        value_parser = implementation_parser(),
    )]
    implementations: Vec<Choice>,

    /// Items each producer puts, and each consumer takes.
    num_iters: u64,

    /// How many producers, and how many consumers.
    num_prods_cons: usize,

    /// The buffer's capacity; 0 means unbounded.
    capacity: usize,

    /// The order the workers start in: the assignment's, every producer then every consumer
    /// (`producers-first`), or each producer with its consumer (`paired`), a faster variant.
    #[arg(long = "spawn", value_name = "ORDER", default_value = "producers-first", value_parser = spawn_order_parser())]
    spawn_order: SpawnOrder,

    /// Also write a timeline of the run to FILE, as Chrome trace-event JSON for
    /// ui.perfetto.dev or chrome://tracing: a span for each put and get that had to wait, an
    /// instant for each wakeup (futile or not), one track per worker. The run is then a counted
    /// run, not a timed one. Needs exactly one --impl.
    #[arg(long, value_name = "FILE")]
    trace: Option<PathBuf>,
}

/// One value of `--impl`.
#[derive(Clone, Copy, Debug)]
enum Choice {
    One(Implementation),
    All,
}

fn implementation_parser() -> impl TypedValueParser<Value = Choice> {
    let names = Implementation::ALL
        .iter()
        .map(|implementation| implementation.name())
        .chain(["all"]);
    PossibleValuesParser::new(names).map(|name| match name.parse() {
        Ok(implementation) => Choice::One(implementation),
        // The possible-values parser only lets the known names and "all" through.
        Err(_) => Choice::All,
    })
}

fn one_implementation_parser() -> impl TypedValueParser<Value = Implementation> {
    PossibleValuesParser::new(Implementation::ALL.map(Implementation::name)).map(|name| {
        // The possible-values parser only lets the known names through.
        name.parse().unwrap_or(Implementation::Threads)
    })
}

impl RunArgs {
    /// What to run: every chosen implementation once, in the order given, without repeats.
    pub(crate) fn plan(&self) -> Plan {
        let mut implementations = Vec::new();
        for choice in &self.implementations {
            let chosen = match choice {
                Choice::One(implementation) => std::slice::from_ref(implementation),
                Choice::All => &Implementation::ALL[..],
            };
            for implementation in chosen {
                if !implementations.contains(implementation) {
                    implementations.push(*implementation);
                }
            }
        }
        Plan {
            implementations,
            num_iters: self.num_iters,
            num_prods_cons: self.num_prods_cons,
            capacity: self.capacity,
            spawn_order: self.spawn_order,
            trace: self.trace.clone(),
        }
    }
}
