//! Child processes with a time limit: the Python references, and the counting pass's fresh
//! processes.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How often a waiting harness checks whether its child has exited.
const POLL: Duration = Duration::from_millis(2);

/// Why a child gave no output to read.
#[derive(Debug)]
pub(crate) enum ChildFailure {
    /// It was still running at the limit, and was killed.
    TimedOut(Duration),
    /// It could not start, or exited with an error.
    Broken(String),
}

/// Runs `command` with no input, kills it if it outlives `limit`, and returns its stdout.
pub(crate) fn run(command: Command, limit: Duration) -> Result<String, ChildFailure> {
    run_watched(command, limit, |_| {})
}

/// How often a counted child's threads are sampled: often enough to see a run of tens of
/// milliseconds, and rarely enough that reading a thousand threads' states stays a small
/// share of a core.
const SAMPLE_EVERY: Duration = Duration::from_millis(5);

/// As [`run`], and samples the child's threads while it runs: the mean number that were
/// runnable (on a core or waiting for one), or `None` where `/proc` cannot tell (not Linux, or
/// the child ended before the first sample).
pub(crate) fn run_sampling_runnable(
    command: Command,
    limit: Duration,
) -> Result<(String, Option<f64>), ChildFailure> {
    let (mut samples, mut runnable, mut last) = (0_u64, 0_u64, None::<Instant>);
    let stdout = run_watched(command, limit, |pid| {
        if last.is_some_and(|last| last.elapsed() < SAMPLE_EVERY) {
            return;
        }
        last = Some(Instant::now());
        if let Some(count) = runnable_threads(pid) {
            samples += 1;
            runnable += count;
        }
    })?;
    let mean = (samples > 0).then(|| runnable as f64 / samples as f64);
    Ok((stdout, mean))
}

/// How many of process `pid`'s threads are in state `R` now.
fn runnable_threads(pid: u32) -> Option<u64> {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
    let mut count = 0;
    for task in tasks.flatten() {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else {
            continue; // the thread ended between the listing and the read
        };
        // The state follows the command name, which is in parentheses and may hold spaces.
        let state = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.trim_start().chars().next());
        count += u64::from(state == Some('R'));
    }
    Some(count)
}

fn run_watched(
    mut command: Command,
    limit: Duration,
    mut watch: impl FnMut(u32),
) -> Result<String, ChildFailure> {
    let program = command.get_program().to_string_lossy().into_owned();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| ChildFailure::Broken(format!("could not start {program}: {error}")))?;
    // Drain both pipes while waiting, so a chatty child cannot block on a full pipe.
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = wait_or_kill(&mut child, limit, &mut watch);
    let (stdout, stderr) = (joined(stdout), joined(stderr));
    let status = status.map_err(|()| ChildFailure::TimedOut(limit))?;
    if !status.success() {
        return Err(ChildFailure::Broken(format!(
            "{program} exited with {status}: {}",
            stderr.trim()
        )));
    }
    Ok(stdout)
}

fn wait_or_kill(
    child: &mut Child,
    limit: Duration,
    watch: &mut impl FnMut(u32),
) -> Result<ExitStatus, ()> {
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) if Instant::now() < deadline => {
                watch(child.id());
                thread::sleep(POLL);
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_stdout_kills_at_the_limit_and_reports_failures() {
        let mut echo = Command::new("sh");
        echo.args(["-c", "echo hello"]);
        assert_eq!(run(echo, Duration::from_secs(60)).unwrap(), "hello\n");

        let mut sleeper = Command::new("sh");
        sleeper.args(["-c", "exec sleep 30"]);
        let limit = Duration::from_millis(50);
        assert!(matches!(run(sleeper, limit), Err(ChildFailure::TimedOut(l)) if l == limit));

        let mut failing = Command::new("sh");
        failing.args(["-c", "echo oops >&2; exit 3"]);
        let Err(ChildFailure::Broken(reason)) = run(failing, Duration::from_secs(60)) else {
            panic!("a failing child must be reported");
        };
        assert!(reason.contains("oops"), "{reason}");
    }

    #[test]
    fn a_busy_child_is_seen_runnable() {
        let mut busy = Command::new("sh");
        busy.args([
            "-c",
            "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; echo done",
        ]);
        let (stdout, runnable) = run_sampling_runnable(busy, Duration::from_secs(60)).unwrap();
        assert_eq!(stdout, "done\n");
        if cfg!(target_os = "linux") {
            let runnable = runnable.expect("sampled at least once");
            assert!(
                runnable > 0.0 && runnable <= 1.0,
                "one busy thread: {runnable}"
            );
        }
    }
}
