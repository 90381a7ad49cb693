//! The command's own advice, printed as a `hint:` line under an error. The library's and the
//! harness's errors are written for any caller; only the command knows its flags.

use std::fmt::Display;
use std::io::{self, Write};
use std::process::ExitCode;

use prodcons::PipelineError;
use prodcons_bench::BenchError;

/// Prints `error` as one `error:` line, with the command's `hint` after the error's own words,
/// and returns the exit code of a failed command.
pub(crate) fn fail(error: &dyn Display, hint: Option<&str>) -> ExitCode {
    let hint = hint
        .map(|hint| format!(" (hint: {hint})"))
        .unwrap_or_default();
    let _ = writeln!(io::stderr(), "error: {error}{hint}");
    ExitCode::FAILURE
}

/// What to try instead after a run failed with `error`, if the command has a flag for it.
pub(crate) fn for_pipeline(error: &PipelineError) -> Option<&'static str> {
    match error {
        PipelineError::TooManyThreads { .. } | PipelineError::Spawn { .. } => Some(
            "use --impl tasks, whose workers are tasks on a few threads, or a smaller numProdsCons",
        ),
        PipelineError::OutOfMemory(_) => Some(
            "use --impl threads, whose consumers drain the buffer while producers fill it, or a \
             bounded capacity such as 1000",
        ),
        PipelineError::BoundTooLarge { .. } => Some(
            "use --impl threads or --impl tasks, whose queues allocate only the slots they fill",
        ),
        _ => None,
    }
}

/// What to change on the `bench` command line after the sweep it asked for was refused.
pub(crate) fn for_bench(error: &BenchError) -> Option<&'static str> {
    match error {
        BenchError::NoRuns => Some("use --runs 1 or more"),
        BenchError::EmptyList("prods_cons") => Some("give --prods-cons at least one value"),
        BenchError::EmptyList("capacities") => Some("give --capacity at least one value"),
        BenchError::EmptyList("contenders") => Some("give --impl at least one contender"),
        BenchError::BaselineNotRun(_) => Some("add the baseline to --impl, or pick another one"),
        BenchError::Params(error) | BenchError::Run { source: error, .. } => for_pipeline(error),
        BenchError::ClaimsFail { .. } => Some(
            "the data no longer support these claims: find out why the measurements changed, \
             or revise the claims and the answers' numbers together",
        ),
        BenchError::Prose { .. } => Some(
            "cite each claim as [NUMBER](claims.toml#ID), and put numbers that are not \
             measurements in `code spans` (docs/usage.md, `prodcons claims`)",
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prodcons::{Implementation, Params};

    #[test]
    fn refusals_get_the_flag_that_avoids_them() {
        // 2^60 items queued at once on one thread: refused for memory, before anything runs.
        let huge = Params::new(1 << 58, 4, 0).unwrap();
        let error = Implementation::Tasks.run(&huge).unwrap_err();
        assert!(
            for_pipeline(&error)
                .unwrap()
                .starts_with("use --impl threads")
        );
        // Its own message already says what to lower.
        let many = Params::new(1, usize::MAX, 0).unwrap();
        assert_eq!(
            for_pipeline(&Implementation::Tasks.run(&many).unwrap_err()),
            None
        );
        assert_eq!(
            for_bench(&BenchError::EmptyList("contenders")),
            Some("give --impl at least one contender")
        );
        assert_eq!(for_bench(&BenchError::NoRuns), Some("use --runs 1 or more"));
    }
}
