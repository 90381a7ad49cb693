//! `prodcons claims`: re-derives every claim in `DIR/claims.toml` from `DIR/data/results.json`
//! and checks that `DIR/answers.md` cites them all, with their numbers, and no number bare.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use prodcons_bench::{BenchError, ClaimsReport, check_claims_in};

#[derive(Debug, Args)]
pub(crate) struct ClaimsArgs {
    /// The directory with claims.toml, answers.md and data/results.json, as
    /// `prodcons bench --report DIR` lays it out.
    #[arg(long, value_name = "DIR", default_value = "docs")]
    docs: PathBuf,
}

/// Runs `prodcons claims`: every claim's verdict on stdout, one line each, then the summary;
/// 0 when all hold, 1 with an `error:` line when some fail or the check cannot run.
pub(crate) fn main(args: &ClaimsArgs) -> ExitCode {
    match claims(&args.docs) {
        Ok(report) => {
            let mut stdout = io::stdout().lock();
            // A reader that went away (`prodcons claims | head -1`) changes no verdict.
            for outcome in &report.outcomes {
                let _ = writeln!(stdout, "{outcome}");
            }
            let _ = writeln!(stdout, "{}", report.summary());
            drop(stdout);
            match report.into_result() {
                Ok(_) => ExitCode::SUCCESS,
                Err(error) => crate::advice::fail(&error, None),
            }
        }
        Err(error) => {
            let hint = match &error {
                BenchError::Read { .. } => Some(
                    "the check reads DIR/claims.toml, DIR/answers.md and DIR/data/results.json; \
                     give the directory with --docs DIR",
                ),
                other => crate::advice::for_bench(other),
            };
            crate::advice::fail(&error, hint)
        }
    }
}

fn claims(docs: &Path) -> Result<ClaimsReport, BenchError> {
    // Unlike after `bench --report`, where a directory without claims has nothing to check,
    // asking for the check and having no claims is a mistake worth naming.
    check_claims_in(docs)?.ok_or_else(|| BenchError::Read {
        path: docs.join("claims.toml"),
        source: io::Error::new(io::ErrorKind::NotFound, "no claims file"),
    })
}
