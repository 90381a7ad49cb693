//! `prodcons run --trace` and the Python references' `--trace`: the file is trace-event JSON
//! that Perfetto can open, and its spans and wakeups are exactly the run's own counts.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use crate::prodcons;
use serde_json::Value;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("prodcons-trace-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// What a trace says, once checked to be well-formed trace-event JSON.
struct Checked {
    other: Value,
    /// Per role name ("put", "get"), the waiting spans.
    spans: HashMap<String, u64>,
    wakeups: u64,
    futile: u64,
}

/// Reads `path` and checks it is trace-event JSON in the format both recorders share: every
/// event has `ph`, `ts`, `pid`, `tid` and `name`; spans have `dur >= 0`; every event is on a
/// named track; every wakeup lies within a wait on its own track, and each wait's
/// `args.wakeups` and `args.futile_wakeups` count the instants it holds.
fn check_trace(path: &Path, num_prods_cons: u64) -> Checked {
    let text = std::fs::read_to_string(path).unwrap();
    let trace: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let events = trace["traceEvents"]
        .as_array()
        .expect("a traceEvents array");
    let mut named = HashSet::new();
    let mut spans: HashMap<String, u64> = HashMap::new();
    let mut waits_by_track: HashMap<u64, Vec<(f64, f64, u64, u64)>> = HashMap::new();
    let mut instants = Vec::new();
    for event in events {
        for field in ["ph", "ts", "pid", "tid", "name"] {
            assert!(event.get(field).is_some(), "{field} missing in {event}");
        }
        let ph = event["ph"].as_str().unwrap();
        let ts = event["ts"].as_f64().expect("a numeric ts");
        let tid = event["tid"].as_u64().expect("an integer tid");
        assert!(ts >= 0.0, "{event}");
        match ph {
            "M" => {
                if event["name"] == "thread_name" {
                    named.insert(tid);
                }
            }
            "X" => {
                let dur = event["dur"].as_f64().expect("a span has a dur");
                assert!(dur >= 0.0, "{event}");
                if event["cat"] == "wait" {
                    let name = event["name"].as_str().unwrap().to_owned();
                    assert!(name == "put" || name == "get", "{event}");
                    *spans.entry(name).or_default() += 1;
                    let args = &event["args"];
                    if let (Some(wakeups), Some(futile)) =
                        (args["wakeups"].as_u64(), args["futile_wakeups"].as_u64())
                    {
                        waits_by_track.entry(tid).or_default().push((
                            ts,
                            ts + dur,
                            wakeups,
                            futile,
                        ));
                    }
                }
            }
            "i" => {
                assert_eq!(event["cat"], "wakeup", "{event}");
                let futile = event["args"]["futile"].as_bool().expect("args.futile");
                let name = if futile { "futile wakeup" } else { "wakeup" };
                assert_eq!(event["name"], name, "{event}");
                instants.push((tid, ts, futile));
            }
            other => panic!("unexpected ph {other:?} in {event}"),
        }
    }
    // main, and every producer and consumer, has its named track.
    assert_eq!(named.len() as u64, 1 + 2 * num_prods_cons, "{named:?}");
    for event in events {
        let tid = event["tid"].as_u64().unwrap();
        assert!(
            named.contains(&tid),
            "an event on an unnamed track: {event}"
        );
    }
    // Each wakeup lies inside a wait on its own track; a few hundred nanoseconds of slack for
    // the microsecond rounding of the Python recorder's floats.
    let mut counted_in_waits = HashMap::<u64, (u64, u64)>::new();
    for &(tid, ts, futile) in &instants {
        let waits = waits_by_track.get(&tid).map(Vec::as_slice).unwrap_or(&[]);
        assert!(
            waits
                .iter()
                .any(|&(begin, end, _, _)| begin - 0.5 <= ts && ts <= end + 0.5),
            "a wakeup outside every wait of track {tid} at {ts}"
        );
        let entry = counted_in_waits.entry(tid).or_default();
        entry.0 += 1;
        entry.1 += u64::from(futile);
    }
    for (tid, waits) in &waits_by_track {
        let stated = waits
            .iter()
            .fold((0, 0), |(w, f), &(_, _, wakeups, futile)| {
                (w + wakeups, f + futile)
            });
        let drawn = counted_in_waits.get(tid).copied().unwrap_or_default();
        assert_eq!(
            stated, drawn,
            "track {tid}: the spans' args against its instants"
        );
    }
    let other = trace["otherData"].clone();
    assert_eq!(other["numProdsCons"], num_prods_cons);
    assert!(other["cpu"].as_str().is_some_and(|cpu| !cpu.is_empty()));
    Checked {
        spans,
        wakeups: instants.len() as u64,
        futile: instants.iter().filter(|w| w.2).count() as u64,
        other,
    }
}

/// The spans and futile instants are exactly what the run's counters counted.
fn assert_agrees_with_counts(checked: &Checked, what: &str) {
    let counts = &checked.other["counts"];
    let span = |name: &str| checked.spans.get(name).copied().unwrap_or(0);
    assert_eq!(span("put"), counts["put_waits"].as_u64().unwrap(), "{what}");
    assert_eq!(span("get"), counts["get_waits"].as_u64().unwrap(), "{what}");
    match counts["futile_wakeups"].as_u64() {
        Some(futile) => assert_eq!(checked.futile, futile, "{what}"),
        None => assert_eq!(checked.wakeups, 0, "{what}: wakeups it cannot see"),
    }
    assert_eq!(checked.other["waits_dropped"], 0, "{what}");
}

#[test]
fn a_traced_run_of_each_kind_is_trace_event_json_that_agrees_with_its_counts() {
    for implementation in ["threads", "tasks", "tasks-mt", "tasks-handoff", "crossbeam"] {
        let path = scratch(&format!("{implementation}.json"));
        let output = prodcons(&[
            "run",
            "--impl",
            implementation,
            "--trace",
            path.to_str().unwrap(),
            "50",
            "3",
            "1",
        ]);
        assert!(output.status.success(), "{implementation}: {output:?}");
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(
            stdout.starts_with("The computed total sum is 3675\n"),
            "{stdout}"
        );
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains("ui.perfetto.dev"), "{stderr}");
        let checked = check_trace(&path, 3);
        assert_eq!(checked.other["implementation"], implementation);
        assert_eq!(checked.other["numIters"], 50);
        assert_eq!(checked.other["capacity"], 1);
        assert_eq!(checked.other["spawn_order"], "producers-first");
        assert_agrees_with_counts(&checked, implementation);
        // At capacity 1, with three producers started first, some put must wait.
        assert!(
            checked.spans.get("put").copied().unwrap_or(0) > 0,
            "{implementation}"
        );
        match implementation {
            "crossbeam" => assert!(checked.other["counts"]["futile_wakeups"].is_null()),
            "tasks-handoff" => assert_eq!(checked.futile, 0, "a hand-off is never futile"),
            // A task that waited was polled again at least once: woken.
            "tasks" | "tasks-mt" => assert!(checked.wakeups > 0, "{implementation}"),
            _ => {}
        }
        std::fs::remove_file(path).unwrap();
    }
}

#[test]
fn the_python_references_write_the_same_format_with_their_own_counts() {
    let python = StdCommand::new("python3").arg("--version").output();
    if !python.is_ok_and(|output| output.status.success()) {
        eprintln!("python3 is not available: the Python traces are not checked");
        return;
    }
    let scripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../python");
    let cases: [(&str, &[&str], &str); 3] = [
        ("pc_threads.py", &[], "python-threads"),
        ("pc_asyncio.py", &[], "python-asyncio"),
        ("pc_asyncio.py", &["--handoff"], "python-asyncio-handoff"),
    ];
    for (script, flags, name) in cases {
        let path = scratch(&format!("{name}.json"));
        let output = StdCommand::new("python3")
            .arg(scripts.join(script))
            .args(["50", "3", "1"])
            .args(flags)
            .arg("--trace")
            .arg(&path)
            .output()
            .unwrap();
        assert!(output.status.success(), "{name}: {output:?}");
        let checked = check_trace(&path, 3);
        assert_eq!(checked.other["implementation"], name);
        assert_agrees_with_counts(&checked, name);
        assert!(checked.spans.get("put").copied().unwrap_or(0) > 0, "{name}");
        std::fs::remove_file(path).unwrap();
    }
    // A trace file that cannot be written stops the script before it runs.
    let output = StdCommand::new("python3")
        .arg(scripts.join("pc_threads.py"))
        .args(["50", "3", "1", "--trace", "/no/such/dir/trace.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(output.stdout.is_empty(), "it ran: {output:?}");
}

#[test]
fn a_trace_that_cannot_be_written_is_refused_before_the_run() {
    let dir = scratch("");
    let missing = dir.join("no-such-folder/trace.json");
    let cases = [
        (missing.clone(), "does not exist"),
        (dir.clone(), "is a directory"),
    ];
    for (path, reason) in cases {
        let output = prodcons(&["run", "--trace", path.to_str().unwrap(), "50", "3", "1"]);
        assert_eq!(output.status.code(), Some(1), "{path:?}: {output:?}");
        assert!(output.stdout.is_empty(), "{path:?}: the run went ahead");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("error: trace file "), "{stderr}");
        assert!(stderr.contains(reason), "{stderr}");
        assert!(stderr.contains("hint: give --trace a file"), "{stderr}");
    }
    assert!(!missing.exists());

    // A read-only file, unless this test runs with the power to write it anyway (root).
    let read_only = dir.join("read-only.json");
    std::fs::write(&read_only, "").unwrap();
    let mut permissions = std::fs::metadata(&read_only).unwrap().permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(&read_only, permissions).unwrap();
    if std::fs::OpenOptions::new()
        .write(true)
        .open(&read_only)
        .is_err()
    {
        let output = prodcons(&[
            "run",
            "--trace",
            read_only.to_str().unwrap(),
            "50",
            "3",
            "1",
        ]);
        assert_eq!(output.status.code(), Some(1), "{output:?}");
        assert!(output.stdout.is_empty());
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains("cannot be written"), "{stderr}");
    }

    let many = scratch("many.json");
    let output = prodcons(&[
        "run",
        "--impl",
        "threads,tasks",
        "--trace",
        many.to_str().unwrap(),
        "50",
        "3",
        "1",
    ]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("--trace records one run"), "{stderr}");
    assert!(
        stderr.contains("hint: choose one implementation"),
        "{stderr}"
    );
}

#[test]
fn a_huge_traced_run_is_warned_about_before_it_starts() {
    // 6 million tasks: refused before anything runs, so the warning is seen at no cost. Its
    // 3 million items would make about 12 million events, past the limit.
    let path = scratch("huge.json");
    let output = prodcons(&[
        "run",
        "--impl",
        "tasks",
        "--trace",
        path.to_str().unwrap(),
        "1",
        "3000000",
        "0",
    ]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].starts_with("warning: pc(1, 3000000, 0) moves 3000000 items"),
        "{stderr}"
    );
    assert!(
        lines[0].contains("keeps the first 1000000 waits and wakeups"),
        "{stderr}"
    );
    assert!(lines[1].starts_with("error: 6000000 tasks"), "{stderr}");
    assert!(
        !path.exists(),
        "the empty trace file is removed after a refused run"
    );
}
