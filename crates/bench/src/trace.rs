//! Trace files: one run as Chrome trace-event JSON, which Perfetto (ui.perfetto.dev) and
//! `chrome://tracing` open as they are, written the same way for our runs and for the Python
//! references (`python/mechanism_counts.py` writes the same events), so that both can be
//! compared on one screen.
//!
//! The file, one process with one track per worker:
//!
//! - `traceEvents`: on the track named `main`, one span `pc` over the whole run; on each
//!   worker's track (`producer 3`, `consumer 0`), one span (`ph: "X"`) named `put` or `get`
//!   for each put or get that had to wait, from its call to its return; and one instant
//!   (`ph: "i"`) for each wakeup, named `wakeup`, or `futile wakeup` when the woken worker found
//!   the buffer full (or empty) again and went back to waiting (`args.futile` says the same).
//!   Times are in microseconds from the start of the run. `thread_name` and
//!   `thread_sort_index` metadata events name the tracks and put them in spawn order.
//! - `otherData`: the cell (`numIters`, `numProdsCons`, `capacity`), the implementation, the
//!   spawn order, the CPU, what recorded the trace, and the run's own counters (`counts`),
//!   which the spans and futile instants match.
//!
//! Track ids are fixed, so that two traces of one cell line up: `main` is 1, producer `i` is
//! `2 + i` and consumer `i` is `2 + numProdsCons + i`.

use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};

use super::error::BenchError;
use prodcons::{Params, Role, Timeline};

/// The process id every event carries: a trace holds one run.
const PID: u64 = 1;

/// The track id of the main thread or task.
const MAIN_TID: u64 = 1;

/// The track id of worker `index` in `role`, in a run with `num_prods_cons` of each.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::Role;
/// use prodcons_bench::track_id;
///
/// assert_eq!(track_id(Role::Producer, 0, 50), 2);
/// assert_eq!(track_id(Role::Consumer, 0, 50), 52);
/// ```
pub fn track_id(role: Role, index: usize, num_prods_cons: usize) -> u64 {
    let offset = match role {
        Role::Producer => 0,
        Role::Consumer => num_prods_cons,
    };
    MAIN_TID + 1 + (offset + index) as u64
}

/// Microseconds, the unit of `ts` and `dur`, to the nanosecond.
fn micros(duration: Duration) -> f64 {
    duration.as_nanos() as f64 / 1000.0
}

/// Refuses a trace path that cannot be written, before the run: its folder must exist, and
/// the file must be creatable (or writable, if it exists). A file this creates is left
/// empty, to be filled after the run.
///
/// # Errors
///
/// [`BenchError::Trace`], naming the path and what is wrong.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_bench::{BenchError, check_trace_path};
///
/// let missing = std::env::temp_dir().join("no-such-folder-for-prodcons/run.json");
/// assert!(matches!(check_trace_path(&missing), Err(BenchError::Trace { .. })));
/// assert!(check_trace_path(&std::env::temp_dir()).is_err(), "a folder is no file");
/// ```
pub fn check_trace_path(path: &Path) -> Result<(), BenchError> {
    let refuse = |reason: String| BenchError::Trace {
        path: path.to_owned(),
        reason,
    };
    if path.is_dir() {
        return Err(refuse("it is a directory; give a file name".to_owned()));
    }
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if !parent.is_dir() {
        let problem = if parent.exists() {
            "is not a directory"
        } else {
            "does not exist"
        };
        return Err(refuse(format!(
            "the directory {} {problem}",
            parent.display()
        )));
    }
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map(drop)
        .map_err(|error| refuse(format!("it cannot be written: {error}")))
}

/// What a trace says about its run beside the events: who ran, on what cell and machine.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::Params;
/// use prodcons_bench::TraceInfo;
///
/// let info = TraceInfo::new("threads", Params::new(10, 2, 1).unwrap());
/// assert_eq!(info.implementation, "threads");
/// assert!(!info.cpu.is_empty());
/// ```
#[derive(Clone, Debug)]
pub struct TraceInfo {
    /// The implementation's name, as `prodcons run --impl` spells it.
    pub implementation: String,
    /// The cell, with its spawn order.
    pub params: Params,
    /// The CPU model, from `/proc/cpuinfo`.
    pub cpu: String,
    /// Cores this process may use.
    pub cores: usize,
}

impl TraceInfo {
    /// The info for `implementation` on `params`, on this machine.
    pub fn new(implementation: &str, params: Params) -> Self {
        Self {
            implementation: implementation.to_owned(),
            params,
            cpu: super::machine::cpu_model(),
            cores: std::thread::available_parallelism().map_or(1, usize::from),
        }
    }
}

/// Writes `timeline` as a trace-event JSON file at `path`.
///
/// # Errors
///
/// [`BenchError::Write`] if the file cannot be written.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::{Implementation, Params};
/// use prodcons_bench::{TraceInfo, write_trace};
///
/// let params = Params::new(50, 3, 1).unwrap();
/// let (_, timeline) = Implementation::Tasks.pipeline().run_timeline(&params).unwrap();
/// let path = std::env::temp_dir().join(format!("prodcons-doc-{}.json", std::process::id()));
/// write_trace(&path, &timeline, &TraceInfo::new("tasks", params)).unwrap();
/// let trace: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
/// assert!(trace["traceEvents"].as_array().unwrap().len() > 7);
/// std::fs::remove_file(path).unwrap();
/// ```
pub fn write_trace(path: &Path, timeline: &Timeline, info: &TraceInfo) -> Result<(), BenchError> {
    let file = File::create(path).map_err(BenchError::write(path))?;
    let mut out = BufWriter::new(file);
    write_events(&mut out, timeline, info)
        .and_then(|()| out.flush())
        .map_err(BenchError::write(path))
}

fn write_events(
    out: &mut impl Write,
    timeline: &Timeline,
    info: &TraceInfo,
) -> std::io::Result<()> {
    let n = info.params.num_prods_cons();
    let mut first = true;
    let mut event = |out: &mut dyn Write, value: Value| -> std::io::Result<()> {
        out.write_all(if first { b"\n" } else { b",\n" })?;
        first = false;
        serde_json::to_writer(&mut *out, &value).map_err(std::io::Error::from)
    };
    out.write_all(b"{\"traceEvents\":[")?;
    let process = format!("{} {}", info.implementation, info.params);
    event(
        out,
        metadata("process_name", MAIN_TID, json!({ "name": process })),
    )?;
    event(
        out,
        metadata("thread_name", MAIN_TID, json!({ "name": "main" })),
    )?;
    event(
        out,
        metadata("thread_sort_index", MAIN_TID, json!({ "sort_index": 0 })),
    )?;
    for (position, (role, index)) in info.params.spawn_order().sequence(n).enumerate() {
        let tid = track_id(role, index, n);
        event(
            out,
            metadata(
                "thread_name",
                tid,
                json!({ "name": format!("{role} {index}") }),
            ),
        )?;
        event(
            out,
            metadata(
                "thread_sort_index",
                tid,
                json!({ "sort_index": position + 1 }),
            ),
        )?;
    }
    event(
        out,
        json!({
            "name": "pc", "cat": "run", "ph": "X", "ts": 0.0,
            "dur": micros(timeline.elapsed), "pid": PID, "tid": MAIN_TID
        }),
    )?;
    for wait in &timeline.waits {
        let tid = track_id(wait.role, wait.index, n);
        let name = match wait.role {
            Role::Producer => "put",
            Role::Consumer => "get",
        };
        let (wakeups, futile) = match &wait.wakeups {
            Some(wakeups) => (
                json!(wakeups.len()),
                json!(wakeups.iter().filter(|w| w.futile).count()),
            ),
            None => (Value::Null, Value::Null),
        };
        event(
            out,
            json!({
                "name": name, "cat": "wait", "ph": "X", "ts": micros(wait.called),
                "dur": micros(wait.returned.saturating_sub(wait.called)), "pid": PID, "tid": tid,
                "args": { "wakeups": wakeups, "futile_wakeups": futile }
            }),
        )?;
        for wakeup in wait.wakeups.iter().flatten() {
            let name = if wakeup.futile {
                "futile wakeup"
            } else {
                "wakeup"
            };
            event(
                out,
                json!({
                    "name": name, "cat": "wakeup", "ph": "i", "s": "t", "ts": micros(wakeup.at),
                    "pid": PID, "tid": tid, "args": { "futile": wakeup.futile }
                }),
            )?;
        }
    }
    let counts = &timeline.counts;
    let wakeups = if counts.futile_wakeups.is_some() {
        "recorded: each return from the blocking queue's condition variable (threads), each \
         poll after the first (tasks)"
    } else {
        "not visible: this channel blocks its threads inside its own code, so only the waits \
         are drawn"
    };
    let other = json!({
        "recorder": "prodcons run --trace: Pipeline::run_timeline, the counting run's hooks with a clock",
        "implementation": info.implementation,
        "numIters": info.params.num_iters(),
        "numProdsCons": n,
        "capacity": info.params.capacity(),
        "spawn_order": info.params.spawn_order().name(),
        "cpu": info.cpu,
        "cores": info.cores,
        "clock": "microseconds since the run began",
        "wakeups": wakeups,
        "counts": {
            "put_waits": counts.put_waits,
            "get_waits": counts.get_waits,
            "futile_wakeups": counts.futile_wakeups,
            "peak_len": counts.peak_len
        },
        "event_limit": Timeline::MAX_EVENTS,
        "waits_dropped": timeline.dropped_waits
    });
    out.write_all(b"\n],\"displayTimeUnit\":\"ms\",\"otherData\":")?;
    serde_json::to_writer(&mut *out, &other).map_err(std::io::Error::from)?;
    out.write_all(b"}\n")
}

fn metadata(name: &str, tid: u64, args: Value) -> Value {
    json!({ "name": name, "ph": "M", "ts": 0.0, "pid": PID, "tid": tid, "args": args })
}

/// A rough upper bound on a run's trace, for a warning before it starts: every put and get
/// waiting once, with one wakeup each, at about 120 bytes an event; and whether the
/// [`Timeline::MAX_EVENTS`] limit may cut it.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::Params;
/// use prodcons_bench::trace_size_bound;
///
/// let (bytes, may_be_cut) = trace_size_bound(&Params::new(1000, 50, 10).unwrap());
/// assert!(bytes > 10_000_000 && !may_be_cut);
/// assert!(trace_size_bound(&Params::new(1_000_000, 50, 10).unwrap()).1);
/// ```
pub fn trace_size_bound(params: &Params) -> (u128, bool) {
    let events = params.total_items().saturating_mul(4);
    let kept = events.min(Timeline::MAX_EVENTS as u128);
    (
        kept.saturating_mul(120),
        events > Timeline::MAX_EVENTS as u128,
    )
}

/// Removes a trace file that [`check_trace_path`] created but a failed run never filled.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// let path = std::env::temp_dir().join(format!("prodcons-empty-{}.json", std::process::id()));
/// prodcons_bench::check_trace_path(&path).unwrap();
/// prodcons_bench::remove_empty_trace(&path);
/// assert!(!path.exists());
/// ```
pub fn remove_empty_trace(path: &Path) {
    if fs::metadata(path).is_ok_and(|meta| meta.is_file() && meta.len() == 0) {
        let _ = fs::remove_file(path);
    }
}

/// The events of a trace file read back: what the timeline figures draw.
#[derive(Clone, Debug, Default)]
pub(crate) struct ReadTrace {
    /// Track id to its name and sort position.
    pub(crate) tracks: Vec<(u64, String, u64)>,
    /// Each wait: track, start and end in microseconds.
    pub(crate) waits: Vec<(u64, f64, f64)>,
    /// Each wakeup: track, time in microseconds, futile.
    pub(crate) wakeups: Vec<(u64, f64, bool)>,
    pub(crate) other: Value,
}

/// Reads a trace file, ours or a Python reference's.
pub(crate) fn read_trace(path: &Path) -> Result<ReadTrace, BenchError> {
    let broken = |reason: String| BenchError::Trace {
        path: path.to_owned(),
        reason,
    };
    let text = fs::read(path).map_err(|source| BenchError::Read {
        path: PathBuf::from(path),
        source,
    })?;
    let value: Value =
        serde_json::from_slice(&text).map_err(|error| broken(format!("not JSON: {error}")))?;
    let events = value["traceEvents"]
        .as_array()
        .ok_or_else(|| broken("no traceEvents array".to_owned()))?;
    let mut read = ReadTrace {
        other: value["otherData"].clone(),
        ..ReadTrace::default()
    };
    let mut sort = std::collections::HashMap::new();
    for event in events {
        let tid = event["tid"].as_u64().unwrap_or(0);
        let ts = event["ts"].as_f64().unwrap_or(0.0);
        match (event["ph"].as_str(), event["name"].as_str()) {
            (Some("M"), Some("thread_name")) => {
                let name = event["args"]["name"].as_str().unwrap_or("").to_owned();
                read.tracks.push((tid, name, 0));
            }
            (Some("M"), Some("thread_sort_index")) => {
                sort.insert(tid, event["args"]["sort_index"].as_u64().unwrap_or(0));
            }
            (Some("X"), _) if event["cat"] == "wait" => {
                let dur = event["dur"].as_f64().unwrap_or(0.0);
                read.waits.push((tid, ts, ts + dur));
            }
            (Some("i"), _) if event["cat"] == "wakeup" => {
                read.wakeups
                    .push((tid, ts, event["args"]["futile"].as_bool().unwrap_or(false)));
            }
            _ => {}
        }
    }
    for track in &mut read.tracks {
        track.2 = sort.get(&track.0).copied().unwrap_or(0);
    }
    read.tracks.sort_by_key(|track| track.2);
    Ok(read)
}
