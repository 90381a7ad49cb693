//! The `prodcons` command: runs the assignment's `pc` with the implementation you choose,
//! times every implementation against the others (`bench`), checks queues for
//! linearizability (`check`), and checks the answers' numbers against the data (`claims`).
//!
//! Argument parsing is in [`args`], the `run` command in [`run`], `bench` in [`bench`](mod@bench),
//! `check` in [`check`] and `claims` in [`claims`](mod@claims).

#![forbid(unsafe_code)]

// A loom build's queues only run inside `loom::model`, so in such a build the command is
// only `main`, which says so; its dependencies are not even built (Cargo.toml).
#[cfg(not(loom))]
mod advice;
#[cfg(not(loom))]
mod args;
#[cfg(not(loom))]
mod bench;
#[cfg(not(loom))]
mod check;
#[cfg(not(loom))]
mod claims;
#[cfg(not(loom))]
mod run;

use std::process::ExitCode;

#[cfg(not(loom))]
use std::io::{self, Write};

#[cfg(not(loom))]
use clap::Parser;

#[cfg(not(loom))]
use args::{Cli, Command, CountArgs};
#[cfg(not(loom))]
use prodcons::Params;
#[cfg(not(loom))]
use prodcons_bench::{BenchError, Mechanism, counts_line};

#[cfg(loom)]
fn main() -> ExitCode {
    eprintln!(
        "error: this prodcons was built with `--cfg loom`, whose primitives only run inside \
         loom models; build it without that flag"
    );
    ExitCode::FAILURE
}

/// Parses the arguments, runs the command, and turns every failure into a message and an exit
/// code: 2 for bad arguments (clap's own convention), 1 for a run that failed.
#[cfg(not(loom))]
fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Some(Command::Run(args)) => run::run(&args.plan()),
        Some(Command::Bench(args)) => return bench::main(&args),
        Some(Command::Count(args)) => count(&args),
        Some(Command::Check(args)) => return check::main(&args),
        Some(Command::Claims(args)) => return claims::main(&args),
        None => run::run(&run::assignment_cells()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that went away (`prodcons | head -1`) is not an error worth a message.
        Err(run::Failure::Io(error)) if error.kind() == io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(failure) => {
            let hint = match &failure {
                run::Failure::Pipeline(error) => advice::for_pipeline(error),
                run::Failure::Trace(BenchError::Trace { .. }) => {
                    Some("give --trace a file in a directory that exists and can be written")
                }
                run::Failure::TraceOfMany(_) => Some("choose one implementation with --impl"),
                _ => None,
            };
            advice::fail(&failure, hint)
        }
    }
}

#[cfg(not(loom))]
/// `prodcons count`: one counted run in this fresh process, printed as one `counts=` line.
fn count(args: &CountArgs) -> Result<(), run::Failure> {
    let params = Params::new(args.num_iters, args.num_prods_cons, args.capacity)?
        .with_spawn_order(args.spawn_order);
    let (outcome, mechanism) = Mechanism::measure_here(args.implementation, &params)?;
    if !outcome.is_correct() {
        return Err(run::Failure::WrongSum {
            implementation: args.implementation,
            computed: outcome.computed_sum,
            expected: outcome.expected_sum,
        });
    }
    writeln!(io::stdout().lock(), "{}", counts_line(&mechanism))?;
    Ok(())
}
