//! The assignment's Python programs, run with `python3` as child processes.
//!
//! The scripts in `python/` are compiled into the binary, so `prodcons bench --python` works
//! from any directory; `python3 -c SCRIPT N P C` runs them. Each prints the assignment's three
//! lines and `elapsed_s=SECONDS`, timed inside Python so that interpreter start-up is not
//! counted, as it is not in the assignment.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::contender::PythonRef;
use crate::pipeline::{Outcome, Params};

const THREADS_SCRIPT: &str = include_str!("../../python/pc_threads.py");
const ASYNCIO_SCRIPT: &str = include_str!("../../python/pc_asyncio.py");

/// The interpreter the harness runs.
const PYTHON: &str = "python3";

/// How often a running child is checked on; its time is measured inside Python, so this only
/// decides how soon the harness notices it has finished.
const POLL: Duration = Duration::from_millis(2);

/// Whether `python3` can be started here.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// // Either answer is fine: the bench skips the Python references where it is false.
/// let _ = prodcons::harness::python3_available();
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

/// Why a Python run produced no outcome.
#[derive(Debug)]
pub(crate) enum PythonFailure {
    /// It ran past its time limit and was killed: the cell is skipped, not failed.
    TimedOut(Duration),
    /// It could not be started, failed, or printed something the harness cannot read.
    Broken(String),
}

/// Runs one reference once, killing it if it runs longer than `limit`.
pub(crate) fn run(
    reference: PythonRef,
    params: &Params,
    limit: Duration,
) -> Result<Outcome, PythonFailure> {
    let script = match reference {
        PythonRef::Threads => THREADS_SCRIPT,
        PythonRef::Asyncio => ASYNCIO_SCRIPT,
    };
    let mut child = Command::new(PYTHON)
        .arg("-c")
        .arg(script)
        .args([
            params.num_iters().to_string(),
            params.num_prods_cons().to_string(),
            params.capacity().to_string(),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| PythonFailure::Broken(format!("could not start {PYTHON}: {error}")))?;
    // Drain both pipes while waiting, so a chatty child cannot block on a full pipe.
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = wait_or_kill(&mut child, limit);
    let (stdout, stderr) = (joined(stdout), joined(stderr));
    let status = status.map_err(|()| PythonFailure::TimedOut(limit))?;
    if !status.success() {
        return Err(PythonFailure::Broken(format!(
            "{PYTHON} exited with {status}: {}",
            stderr.trim()
        )));
    }
    parse_output(&stdout).map_err(|reason| {
        PythonFailure::Broken(format!("{reason}; it printed {:?}", stdout.trim()))
    })
}

/// Waits for the child; past `limit`, kills it and reaps it, so no zombie is left behind.
fn wait_or_kill(child: &mut Child, limit: Duration) -> Result<ExitStatus, ()> {
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) if Instant::now() < deadline => thread::sleep(POLL),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(());
            }
        }
    }
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    })
}

fn joined(reader: thread::JoinHandle<String>) -> String {
    reader.join().unwrap_or_default()
}

/// Reads the two sums and `elapsed_s=` from a reference's output.
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
    fn refuses_output_it_cannot_read() {
        assert!(parse_output("").is_err());
        assert!(parse_output("The computed total sum is x\nelapsed_s=1").is_err());
        let no_time = "The computed total sum is 1\nThe expected total sum is 1\n";
        assert!(parse_output(no_time).is_err());
        let negative = format!("{no_time}elapsed_s=-1\n");
        assert!(parse_output(&negative).is_err());
    }
}
