//! The cost of one put+get pair with no contention: one thread or one task putting an item on
//! an unbounded queue and taking it straight back.
//!
//! The sweep's times mix this cost with waiting, switching and spawning; this isolates it, so
//! that the gap between Python and Rust, and between `queue.Queue` and `asyncio.Queue`, can be
//! split into what one operation costs and what contention adds. `python/per_op.py` measures
//! the same pair in CPython, with the parts `queue.Queue` adds (a lock, a notify), and is run
//! here the way the references are.

use std::hint::black_box;
use std::time::{Duration, Instant};

use prodcons::{AsyncQueue, BlockingQueue};
use serde::{Deserialize, Serialize};
use tokio::runtime::{Builder, Runtime};

use super::child::{self, ChildFailure};
use super::error::BenchError;
use super::python::Scripts;
use super::stats::Summary;

/// The Rust measurements, in the order [`measure_per_op`] lists them.
const RUST: [&str; 4] = ["threads", "crossbeam", "tasks", "tasks-mt"];

/// The line `python/per_op.py` prints.
const PREFIX: &str = "per_op=";

/// How long `python/per_op.py` may run before it is killed: its defaults take seconds.
const PYTHON_LIMIT: Duration = Duration::from_secs(600);

/// One measurement of [`measure_per_op`]: nanoseconds per put+get pair (or, for the Python
/// parts, per operation) over its repetitions.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_bench::PerOp;
///
/// let cost = PerOp { name: "threads".to_owned(), median_ns: 30.0, min_ns: 28.0, max_ns: 41.0 };
/// assert!(cost.min_ns <= cost.median_ns && cost.median_ns <= cost.max_ns);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PerOp {
    /// What was measured: `threads`, `crossbeam`, `tasks` or `tasks-mt` for ours, and
    /// `python:` followed by the key `python/per_op.py` prints for CPython's
    /// (`python:queue.Queue`, `python:asyncio.Queue`, `python:lock_with`, ...).
    pub name: String,
    /// The median repetition, in nanoseconds per pair.
    pub median_ns: f64,
    /// The fastest repetition, in nanoseconds per pair.
    pub min_ns: f64,
    /// The slowest repetition, in nanoseconds per pair.
    pub max_ns: f64,
}

/// Measures the cost of one put+get pair on one thread or task, with no contention, on our
/// four implementations and, if `python` is set, in CPython through `python/per_op.py`.
///
/// Each repetition times `pairs` pairs on an unbounded queue: `threads` is
/// [`BlockingQueue`]'s `put` and `get`; `crossbeam` is `crossbeam_channel::unbounded`'s `send`
/// and `recv`; `tasks` is [`AsyncQueue`]'s `put().await` and `get().await` in one task on a
/// current-thread tokio runtime, and `tasks-mt` the same on a multi-thread runtime with two
/// workers (one task, so nothing contends). The repetitions are interleaved, so that every
/// implementation sees the same noise. `prodcons bench --report` is to call this; only the
/// median is a result, the min and max are its spread.
///
/// # Errors
///
/// [`BenchError::PerOp`] if a runtime cannot be built, a queue refuses an operation, or the
/// Python script fails or prints nothing readable.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// let costs = prodcons_bench::measure_per_op(100, 1, false).unwrap();
/// let names: Vec<&str> = costs.iter().map(|cost| cost.name.as_str()).collect();
/// assert_eq!(names, ["threads", "crossbeam", "tasks", "tasks-mt"]);
/// ```
pub fn measure_per_op(
    pairs: u64,
    repetitions: usize,
    python: bool,
) -> Result<Vec<PerOp>, BenchError> {
    let current = Builder::new_current_thread()
        .build()
        .map_err(|error| failed("tasks", error))?;
    let multi = Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .map_err(|error| failed("tasks-mt", error))?;
    let mut times: [Vec<Duration>; 4] = Default::default();
    for _ in 0..repetitions {
        times[0].push(threads(pairs).map_err(|error| failed("threads", error))?);
        times[1].push(crossbeam(pairs).map_err(|error| failed("crossbeam", error))?);
        times[2].push(tasks(&current, pairs).map_err(|error| failed("tasks", error))?);
        times[3].push(tasks(&multi, pairs).map_err(|error| failed("tasks-mt", error))?);
    }
    let mut costs: Vec<PerOp> = RUST
        .iter()
        .zip(&times)
        .filter_map(|(name, times)| per_pair(name, times, pairs))
        .collect();
    if python {
        costs.extend(python_per_op(pairs, repetitions)?);
    }
    Ok(costs)
}

fn failed(name: &str, reason: impl ToString) -> BenchError {
    BenchError::PerOp {
        name: name.to_owned(),
        reason: reason.to_string(),
    }
}

/// The summary of one implementation's repetitions, per pair; `None` with no repetitions.
fn per_pair(name: &str, times: &[Duration], pairs: u64) -> Option<PerOp> {
    let summary = Summary::of(times)?;
    let ns = |duration: Duration| duration.as_nanos() as f64 / pairs.max(1) as f64;
    Some(PerOp {
        name: name.to_owned(),
        median_ns: ns(summary.median),
        min_ns: ns(summary.min),
        max_ns: ns(summary.max),
    })
}

// black_box on the item and on what comes back, so that the optimiser can neither fold the
// loop into nothing nor see that every get returns the item just put.

fn threads(pairs: u64) -> Result<Duration, String> {
    let queue = BlockingQueue::unbounded();
    let start = Instant::now();
    for item in 0..pairs {
        queue
            .put(black_box(item))
            .map_err(|error| error.to_string())?;
        black_box(queue.get().map_err(|error| error.to_string())?);
    }
    Ok(start.elapsed())
}

fn crossbeam(pairs: u64) -> Result<Duration, String> {
    let (sender, receiver) = crossbeam_channel::unbounded();
    let start = Instant::now();
    for item in 0..pairs {
        sender
            .send(black_box(item))
            .map_err(|error| error.to_string())?;
        black_box(receiver.recv().map_err(|error| error.to_string())?);
    }
    Ok(start.elapsed())
}

/// One spawned task, as the task driver's workers are (on the multi-thread runtime `block_on`
/// itself would run on the calling thread, not on a worker); the clock runs inside it.
fn tasks(runtime: &Runtime, pairs: u64) -> Result<Duration, String> {
    let task = runtime.spawn(async move {
        let queue = AsyncQueue::unbounded();
        let start = Instant::now();
        for item in 0..pairs {
            queue
                .put(black_box(item))
                .await
                .map_err(|error| error.to_string())?;
            black_box(queue.get().await.map_err(|error| error.to_string())?);
        }
        Ok(start.elapsed())
    });
    runtime.block_on(task).map_err(|error| error.to_string())?
}

/// Runs `python/per_op.py` and reads its measurements, each named `python:KEY`.
fn python_per_op(pairs: u64, repetitions: usize) -> Result<Vec<PerOp>, BenchError> {
    let broken = |reason: String| failed("python", reason);
    let scripts = Scripts::write().map_err(|failure| broken(describe(failure)))?;
    let mut command = scripts.script("per_op.py");
    command.args([pairs.to_string(), repetitions.to_string()]);
    let stdout = child::run(command, PYTHON_LIMIT).map_err(|failure| broken(describe(failure)))?;
    parse_python(&stdout).map_err(broken)
}

fn describe(failure: ChildFailure) -> String {
    match failure {
        ChildFailure::TimedOut(limit) => format!("still running after {limit:?}"),
        ChildFailure::Broken(reason) => reason,
    }
}

/// The measurements as `python/per_op.py` prints them: `per_op=` and an object of objects
/// with `median_ns`, `min_ns` and `max_ns`.
fn parse_python(stdout: &str) -> Result<Vec<PerOp>, String> {
    #[derive(Deserialize)]
    struct Spread {
        median_ns: f64,
        min_ns: f64,
        max_ns: f64,
    }
    let json = stdout
        .lines()
        .find_map(|line| line.strip_prefix(PREFIX))
        .ok_or_else(|| format!("no line starting {PREFIX:?} in {:?}", stdout.trim()))?;
    // A BTreeMap, so that the order is the names' and does not depend on the script's.
    let measured: std::collections::BTreeMap<String, Spread> =
        serde_json::from_str(json).map_err(|error| format!("unreadable {PREFIX}: {error}"))?;
    Ok(measured
        .into_iter()
        .map(|(name, spread)| PerOp {
            name: format!("python:{name}"),
            median_ns: spread.median_ns,
            min_ns: spread.min_ns,
            max_ns: spread.max_ns,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python3_available;

    fn sane(cost: &PerOp) -> bool {
        [cost.median_ns, cost.min_ns, cost.max_ns]
            .iter()
            .all(|ns| ns.is_finite() && *ns > 0.0)
            && cost.min_ns <= cost.median_ns
            && cost.median_ns <= cost.max_ns
    }

    #[test]
    fn measures_every_implementation_and_pythons_parts() {
        let python = python3_available();
        let costs = measure_per_op(200, 3, python).unwrap();
        let names: Vec<&str> = costs.iter().map(|cost| cost.name.as_str()).collect();
        assert_eq!(names[..4], RUST);
        if python {
            for part in [
                "queue.Queue",
                "asyncio.Queue",
                "lock_with",
                "condition_notify",
                "asyncio_nowait",
                "empty_loop",
            ] {
                let name = format!("python:{part}");
                assert!(
                    names.contains(&name.as_str()),
                    "{name} missing from {names:?}"
                );
            }
        }
        assert!(costs.iter().all(sane), "{costs:?}");
    }

    #[test]
    fn reads_what_the_script_prints_and_refuses_the_rest() {
        let printed = "per_op={\"queue.Queue\": {\"max_ns\": 3.0, \"median_ns\": 2.0, \
                       \"min_ns\": 1.0}}\n";
        let costs = parse_python(printed).unwrap();
        assert_eq!(
            costs,
            [PerOp {
                name: "python:queue.Queue".to_owned(),
                median_ns: 2.0,
                min_ns: 1.0,
                max_ns: 3.0,
            }]
        );
        assert!(parse_python("").is_err());
        assert!(parse_python("per_op={\"x\": 1}").is_err());
    }
}
