//! The assignment's Python programs, run with `python3` as child processes.
//!
//! The scripts in `python/` are compiled into the binary, so `prodcons bench --python` works
//! from any directory: each run writes them to a fresh temporary folder, runs
//! `python3 FOLDER/SCRIPT N P C ORDER`, and removes the folder. Each prints the assignment's three
//! lines and `elapsed_s=SECONDS`, timed inside Python so that interpreter start-up is not
//! counted, as it is not in the assignment. The interventions run the same scripts with a flag
//! after those arguments, and `python/per_op.py` is run from the same folder (`per_op.rs`).

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::child::{self, ChildFailure};
use super::contender::PythonRef;
use super::error::BenchError;
use super::mechanism::{Mechanism, parse_counts};
use prodcons::{Outcome, Params};

/// The scripts, with the file names they import each other by.
const SCRIPTS: [(&str, &str); 5] = [
    (
        "pc_threads.py",
        include_str!("../../../python/pc_threads.py"),
    ),
    (
        "pc_asyncio.py",
        include_str!("../../../python/pc_asyncio.py"),
    ),
    (
        "mechanism_counts.py",
        include_str!("../../../python/mechanism_counts.py"),
    ),
    (
        "handoff_queue.py",
        include_str!("../../../python/handoff_queue.py"),
    ),
    ("per_op.py", include_str!("../../../python/per_op.py")),
];

/// The interpreter, looked up on the PATH.
const PYTHON: &str = "python3";

/// Whether `python3` can be started.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// // Either answer is fine; it must not panic.
/// let _ = prodcons_bench::python3_available();
/// ```
pub fn python3_available() -> bool {
    Command::new(PYTHON)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Why a Python reference gave no outcome.
pub(crate) type PythonFailure = ChildFailure;

/// Runs the assignment's program for `reference` (with its intervention's flags, if any) on the
/// cell, in its spawn order, and reads the time it measured itself.
pub(crate) fn run(
    reference: PythonRef,
    params: &Params,
    limit: Duration,
) -> Result<Outcome, PythonFailure> {
    let scripts = Scripts::write()?;
    let stdout = child::run(scripts.command(reference, params), limit)?;
    parse_output(&stdout).map_err(|reason| {
        PythonFailure::Broken(format!("{reason}; it printed {:?}", stdout.trim()))
    })
}

/// Runs the program for `reference` in its counting mode, in a fresh interpreter.
pub(crate) fn count(
    reference: PythonRef,
    params: &Params,
    limit: Duration,
) -> Result<Mechanism, PythonFailure> {
    let scripts = Scripts::write()?;
    let mut command = scripts.command(reference, params);
    command.arg("--count");
    let (stdout, runnable_threads) = child::run_sampling_runnable(command, limit)?;
    let mechanism = parse_counts(&stdout).map_err(PythonFailure::Broken)?;
    Ok(Mechanism {
        runnable_threads,
        ..mechanism
    })
}

/// Runs the program for `reference` (with its intervention's flags, if any) on the cell in its
/// tracing mode, which writes a trace-event JSON timeline of every wait and wakeup to `path`,
/// in the format of `prodcons run --trace`.
///
/// # Errors
///
/// [`BenchError::Trace`] if `path` cannot be written, and [`BenchError::Python`] if the
/// program fails, outlives `limit`, or computes the wrong sum.
///
/// ```no_run
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use std::time::Duration;
/// use prodcons::Params;
/// use prodcons_bench::{PythonRef, trace_python};
///
/// let params = Params::new(50, 3, 1).unwrap();
/// let path = std::env::temp_dir().join("python-threads.json");
/// trace_python(PythonRef::Threads, &params, &path, Duration::from_secs(60)).unwrap();
/// ```
pub fn trace_python(
    reference: PythonRef,
    params: &Params,
    path: &std::path::Path,
    limit: Duration,
) -> Result<(), BenchError> {
    super::trace::check_trace_path(path)?;
    let failed = |reason: String| BenchError::Python {
        contender: crate::Contender::Python(reference),
        params: *params,
        reason,
    };
    let scripts = Scripts::write().map_err(|failure| failed(format!("{failure:?}")))?;
    let mut command = scripts.command(reference, params);
    command.arg("--trace").arg(path);
    let stdout = child::run(command, limit).map_err(|failure| failed(format!("{failure:?}")))?;
    let sums = parse_sums(&stdout).map_err(&failed)?;
    if sums.0 != sums.1 {
        return Err(failed(format!("computed {} instead of {}", sums.0, sums.1)));
    }
    Ok(())
}

/// The computed and expected sums the assignment's program printed.
fn parse_sums(stdout: &str) -> Result<(u128, u128), String> {
    let number = |prefix: &str| {
        stdout
            .lines()
            .find_map(|line| line.strip_prefix(prefix))
            .ok_or_else(|| format!("no line starting {prefix:?}"))?
            .trim()
            .parse::<u128>()
            .map_err(|error| format!("{prefix:?} is not followed by a number: {error}"))
    };
    Ok((
        number("The computed total sum is ")?,
        number("The expected total sum is ")?,
    ))
}

/// A temporary folder holding the scripts compiled into this binary, removed when dropped.
/// The counting mode imports a module from beside its script, which `python3 -c` could not.
/// Interpreter start-up is not timed, so running from files costs the timings nothing.
pub(crate) struct Scripts(PathBuf);

impl Scripts {
    pub(crate) fn write() -> Result<Self, PythonFailure> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let unique = NEXT.fetch_add(1, Ordering::Relaxed);
        let name = format!("prodcons-python-{}-{unique}", std::process::id());
        let scripts = Self(std::env::temp_dir().join(name));
        let written = fs::create_dir_all(&scripts.0).and_then(|()| {
            SCRIPTS
                .iter()
                .try_for_each(|(name, text)| fs::write(scripts.0.join(name), text))
        });
        written.map_err(|error| {
            PythonFailure::Broken(format!("could not write the Python scripts: {error}"))
        })?;
        Ok(scripts)
    }

    fn command(&self, reference: PythonRef, params: &Params) -> Command {
        let (script, flags): (_, &[&str]) = match reference {
            PythonRef::Threads => ("pc_threads.py", &[]),
            PythonRef::Asyncio => ("pc_asyncio.py", &[]),
            PythonRef::AsyncioHandoff => ("pc_asyncio.py", &["--handoff"]),
            PythonRef::ThreadsSwitchHalfMs => ("pc_threads.py", &["--switch-interval", "0.0005"]),
            PythonRef::ThreadsSwitch50Ms => ("pc_threads.py", &["--switch-interval", "0.05"]),
        };
        let mut command = self.script(script);
        command
            .args([
                params.num_iters().to_string(),
                params.num_prods_cons().to_string(),
                params.capacity().to_string(),
                params.spawn_order().name().to_owned(),
            ])
            .args(flags);
        command
    }

    /// `python3 FOLDER/SCRIPT`, to which the caller adds the script's arguments.
    pub(crate) fn script(&self, script: &str) -> Command {
        let mut command = Command::new(PYTHON);
        command.arg(self.0.join(script));
        command
    }
}

impl Drop for Scripts {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn parse_output(stdout: &str) -> Result<Outcome, String> {
    let field = |prefix: &str| {
        stdout
            .lines()
            .find_map(|line| line.strip_prefix(prefix))
            .map(str::trim)
            .ok_or_else(|| format!("no line starting {prefix:?}"))
    };
    let number = |prefix: &str| {
        field(prefix)?
            .parse::<u128>()
            .map_err(|error| format!("{prefix:?} is not followed by a number: {error}"))
    };
    let seconds = field("elapsed_s=")?
        .parse::<f64>()
        .ok()
        .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
        .ok_or("elapsed_s= is not a number of seconds")?;
    Ok(Outcome {
        computed_sum: number("The computed total sum is ")?,
        expected_sum: number("The expected total sum is ")?,
        elapsed: seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Contender;

    #[test]
    fn reads_the_assignments_lines_and_the_precise_time() {
        let printed = "The computed total sum is 24975000\n\
                       The expected total sum is 24975000\n\
                       Elapsed time 0.424 sec\n\
                       elapsed_s=0.424013\n";
        let outcome = parse_output(printed).unwrap();
        assert_eq!(
            (outcome.computed_sum, outcome.expected_sum),
            (24975000, 24975000)
        );
        assert!((outcome.elapsed.as_secs_f64() - 0.424_013).abs() < 1e-9);
    }

    #[test]
    fn every_reference_and_intervention_runs_timed_and_counted() {
        if !super::python3_available() {
            return;
        }
        let params = Params::new(50, 3, 1).unwrap();
        let limit = Duration::from_secs(60);
        let all = Contender::PYTHON
            .into_iter()
            .chain(Contender::PYTHON_INTERVENTIONS);
        for contender in all {
            let Contender::Python(reference) = contender else {
                panic!("{contender} is not a Python contender");
            };
            let outcome = run(reference, &params, limit).unwrap_or_else(|failure| {
                panic!("{contender}: {failure:?}");
            });
            assert!(outcome.is_correct(), "{contender}: {outcome:?}");
            let counted = count(reference, &params, limit).unwrap_or_else(|failure| {
                panic!("{contender} counting: {failure:?}");
            });
            assert_eq!(counted.peak_len, 1, "{contender}");
            assert!(counted.futile_wakeups.is_some(), "{contender}: {counted:?}");
            if reference == PythonRef::AsyncioHandoff {
                // A waiter handed its item or slot never waits twice.
                assert_eq!(counted.futile_wakeups, Some(0));
            }
        }
    }

    #[test]
    fn refuses_output_it_cannot_read() {
        assert!(parse_output("").is_err());
        assert!(parse_output("The computed total sum is x\nelapsed_s=1").is_err());
        let no_time = "The computed total sum is 1\nThe expected total sum is 1\n";
        assert!(parse_output(no_time).is_err());
        let negative = format!("{no_time}elapsed_s=-1\n");
        assert!(parse_output(&negative).is_err());
    }
}
