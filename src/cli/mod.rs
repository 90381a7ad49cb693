//! The command line: argument parsing in [`args`], the `run` command in [`run`], the `bench`
//! command in [`bench`].

mod args;
mod bench;
#[cfg(feature = "conformance")]
mod check;
mod run;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command, CountArgs};
use prodcons::Params;
use prodcons::harness::{Mechanism, counts_line};

/// Parses the arguments, runs the command, and turns every failure into a message and an exit
/// code: 2 for bad arguments (clap's own convention), 1 for a run that failed.
pub(crate) fn main() -> ExitCode {
    if cfg!(loom) {
        eprintln!(
            "error: this prodcons was built with `--cfg loom`, whose primitives only run inside \
             loom models; build it without that flag"
        );
        return ExitCode::FAILURE;
    }
    let cli = Cli::parse();
    let outcome = match cli.command {
        Some(Command::Run(args)) => run::run(&args.plan()),
        Some(Command::Bench(args)) => return bench::main(&args),
        Some(Command::Count(args)) => count(&args),
        #[cfg(feature = "conformance")]
        Some(Command::Check(args)) => return check::main(&args),
        None => run::run(&run::assignment_cells()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that went away (`prodcons | head -1`) is not an error worth a message.
        Err(run::Failure::Io(error)) if error.kind() == io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(failure) => {
            let _ = writeln!(io::stderr(), "error: {failure}");
            ExitCode::FAILURE
        }
    }
}

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
