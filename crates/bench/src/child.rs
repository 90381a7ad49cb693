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
pub(crate) fn run(mut command: Command, limit: Duration) -> Result<String, ChildFailure> {
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
    let status = wait_or_kill(&mut child, limit);
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
}
