//! `prodcons bench` on tiny grids: the files it writes, the sum check that fails it, and bad
//! input. Nothing here asserts anything about time: that belongs to the report, not to tests.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

/// The eight timing fields, first and unchanged, then the schedule, the study and every run.
const TIMING_AND_SCHEDULE: [&str; 13] = [
    "impl",
    "num_iters",
    "num_prods_cons",
    "capacity",
    "runs",
    "median_s",
    "min_s",
    "max_s",
    "spawn",
    "load",
    "cores",
    "study",
    "times_s",
];

/// The fields only the counting pass fills, after those.
const COUNTED: [&str; 11] = [
    "put_waits",
    "get_waits",
    "waits_per_item",
    "peak_len",
    "voluntary_switches",
    "involuntary_switches",
    "switches_per_item",
    "rss_before_bytes",
    "peak_rss_bytes",
    "futile_wakeups",
    "runnable_threads",
];

/// Every field of a record, in order.
fn fields() -> Vec<&'static str> {
    TIMING_AND_SCHEDULE.into_iter().chain(COUNTED).collect()
}

fn records(json: &Path) -> Vec<Value> {
    serde_json::from_str(&fs::read_to_string(json).unwrap()).unwrap()
}

/// `prodcons bench` on the tiny grid with `extra`, which must succeed; its JSON records.
fn bench_records(test: &str, extra: &[&str]) -> Vec<Value> {
    let json = scratch(test).join("bench.json");
    let args: Vec<&str> = extra
        .iter()
        .copied()
        .chain(["--json", path(&json)])
        .collect();
    let output = bench(&args);
    assert!(output.status.success(), "{output:?}");
    records(&json)
}

/// A fresh scratch directory for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("prodcons-bench-{test}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// `prodcons bench` with just these arguments.
fn prodcons_bench(args: &[&str]) -> Output {
    Command::cargo_bin("prodcons")
        .unwrap()
        .arg("bench")
        .args(args)
        .output()
        .unwrap()
}

/// `prodcons bench` on a tiny grid, plus `extra` arguments.
fn bench(extra: &[&str]) -> Output {
    let tiny = "--iters 20 --prods-cons 1,3 --capacity 0,1 --runs 2";
    let args: Vec<&str> = tiny
        .split_whitespace()
        .chain(extra.iter().copied())
        .collect();
    prodcons_bench(&args)
}

fn path(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Asserts a failure with the exit code and a single clear line on stderr; returns the line.
fn assert_fails(output: &Output, code: i32) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(code), "{output:?}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.starts_with("error:"), "{stderr}");
    stderr
}

#[test]
fn json_and_csv_hold_one_record_per_timed_row_with_exactly_the_fields() {
    let dir = scratch("records");
    let (json, csv) = (dir.join("bench.json"), dir.join("bench.csv"));
    let impls = "threads,tasks,kanal-async,floor-sequential,floor-spawn-tasks";
    let output = bench(&["--impl", impls, "--json", path(&json), "--csv", path(&csv)]);
    assert!(output.status.success(), "{output:?}");

    let records = records(&json);
    assert_eq!(records.len(), 2 * 2 * 5, "{records:?}");
    for record in &records {
        let object = record.as_object().unwrap();
        let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
        let mut expected = fields();
        keys.sort_unstable();
        expected.sort_unstable();
        assert_eq!(keys, expected);
        assert_eq!(
            record["spawn"], "producers-first",
            "the assignment's order by default"
        );
        assert_eq!(record["cores"], "all cores");
        for field in COUNTED {
            assert!(
                record[field].is_null(),
                "no counting pass without --count: {record}"
            );
        }
        assert_eq!(record["runs"], 2);
        assert_eq!(record["num_iters"], 20);
        let seconds = |field: &str| record[field].as_f64().unwrap();
        assert!(seconds("min_s") <= seconds("median_s") && seconds("median_s") <= seconds("max_s"));
        assert!(
            impls.split(',').any(|name| record["impl"] == name),
            "{record}"
        );
    }

    let csv = fs::read_to_string(&csv).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some(fields().join(",").as_str()));
    assert_eq!(lines.count(), records.len());

    let table = String::from_utf8(output.stdout).unwrap();
    assert!(table.lines().next().unwrap().starts_with("impl"), "{table}");
    assert!(table.contains("kanal-async"), "{table}");
}

/// The counting pass fills the counts, and each moves the way its mechanism says: an
/// unbounded buffer never makes a put wait, capacity 1 makes waits (asserted where the
/// schedule is fixed: tasks on one thread), and tasks on one thread, started in the
/// assignment's order, queue every item before any consumer runs.
/// `--cores` and `--load` make one lane per combination, each recorded with its cores and load.
#[test]
fn cores_and_load_lanes_are_recorded_in_every_row() {
    let records = bench_records(
        "lanes",
        &["--impl", "threads", "--cores", "all,one", "--load", "0,1"],
    );
    let lanes: std::collections::BTreeSet<(String, u64)> = records
        .iter()
        .map(|r| {
            (
                r["cores"].as_str().unwrap().to_owned(),
                r["load"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("1 core", 0),
        ("1 core", 1),
        ("all cores", 0),
        ("all cores", 1),
    ]
    .map(|(cores, load)| (cores.to_owned(), load));
    assert_eq!(lanes, expected.into_iter().collect());
    assert_eq!(records.len(), 4 * 2 * 2, "4 lanes x 4 cells");
}

/// An absurd load is refused before anything runs.
#[test]
fn a_load_over_the_limit_is_refused() {
    let stderr = assert_fails(&bench(&["--load", "65"]), 2);
    assert!(stderr.contains("64"), "{stderr}");
}

#[test]
fn the_counting_pass_fills_counts_that_follow_their_mechanism() {
    let records = bench_records(
        "counted",
        &["--impl", "threads,tasks,floor-sequential", "--count"],
    );
    let find = |name: &str, p: u64, c: u64| {
        records
            .iter()
            .find(|r| r["impl"] == name && r["num_prods_cons"] == p && r["capacity"] == c)
            .unwrap_or_else(|| panic!("{name} on ({p}, {c}) missing"))
    };
    let number = |record: &Value, field: &str| {
        record[field]
            .as_f64()
            .unwrap_or_else(|| panic!("{field} in {record}"))
    };
    for name in ["threads", "tasks"] {
        let unbounded = find(name, 3, 0);
        let one = find(name, 3, 1);
        assert_eq!(number(unbounded, "put_waits"), 0.0, "{unbounded}");
        assert!(number(one, "peak_len") <= 1.0, "{one}");
        assert!(
            number(one, "peak_rss_bytes") >= number(one, "rss_before_bytes"),
            "{one}"
        );
        assert!(number(one, "peak_rss_bytes") > 0.0, "{one}");
    }
    assert_eq!(number(find("tasks", 3, 0), "peak_len"), 3.0 * 20.0);
    let tasks_waits = |c| number(find("tasks", 3, c), "waits_per_item");
    assert!(
        tasks_waits(1) > tasks_waits(0),
        "more waits at capacity 1 than unbounded"
    );
    // A floor has no queue to count.
    assert!(find("floor-sequential", 3, 1)["peak_len"].is_null());
}

#[test]
fn paired_is_a_named_variant_recorded_with_its_rows() {
    let records = bench_records(
        "paired",
        &["--impl", "tasks", "--spawn", "paired", "--count"],
    );
    assert!(
        records.iter().all(|r| r["spawn"] == "paired"),
        "{records:?}"
    );
    // Each consumer follows its producer, so the unbounded buffer never holds more than one
    // producer's items.
    let unbounded = records
        .iter()
        .find(|r| r["num_prods_cons"] == 3 && r["capacity"] == 0)
        .unwrap();
    assert_eq!(unbounded["peak_len"], 20, "{unbounded}");
    let bad = prodcons_bench(&["--spawn", "random"]);
    assert!(assert_fails(&bad, 2).contains("--spawn"));
}

#[test]
fn a_wrong_sum_aborts_the_bench_with_one_error_line() {
    let dir = scratch("wrong-sum");
    let json = dir.join("bench.json");
    let output = bench(&[
        "--impl",
        "threads,tasks",
        "--corrupt-sum-of",
        "tasks",
        "--json",
        path(&json),
    ]);
    let stderr = assert_fails(&output, 1);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("tasks computed the wrong total"),
        "{stderr}"
    );
    // The records were never written: an aborted bench leaves no data to trust.
    assert_eq!(fs::read_to_string(&json).unwrap(), "");
}

#[test]
fn bad_arguments_are_usage_errors() {
    for bad in [
        &["--runs", "0"][..],
        &["--impl", "fibers"],
        &["--impl", ""],
        &["--prods-cons", ""],
        &["--capacity", "x"],
        &["--max-cell-secs", "0"],
        &["--baseline", "all"],
    ] {
        // Usage errors stop before any run, so the full default sweep is never started.
        let output = prodcons_bench(bad);
        let stderr = assert_fails(&output, 2);
        assert!(
            stderr.contains(bad[0]),
            "names the option: {bad:?}: {stderr}"
        );
    }
    let unknown = assert_fails(&prodcons_bench(&["--impl", "fibers"]), 2);
    assert!(
        unknown.contains("floor-spawn-threads"),
        "lists the names: {unknown}"
    );
}

#[test]
fn unwritable_outputs_and_a_missing_baseline_fail_before_any_run() {
    let output = bench(&["--json", "/no/such/dir/bench.json"]);
    let stderr = assert_fails(&output, 1);
    assert!(
        stderr.contains("could not write /no/such/dir/bench.json"),
        "{stderr}"
    );
    assert!(
        output.stdout.is_empty(),
        "no table after a failure: {output:?}"
    );

    let output = bench(&["--impl", "tasks", "--baseline", "threads"]);
    let stderr = assert_fails(&output, 1);
    assert!(stderr.contains("baseline threads is not among"), "{stderr}");
}

#[test]
fn svg_writes_the_focus_peer_and_prods_cons_figures() {
    let dir = scratch("svg");
    let output = bench(&["--impl", "tasks,floor-sequential", "--svg", path(&dir)]);
    assert!(output.status.success(), "{output:?}");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "focus-per-item-vs-capacity-prods-cons-3.svg",
            "focus-per-item-vs-prods-cons-capacity-1.svg",
            "peers-per-item-vs-capacity-prods-cons-3.svg",
        ]
    );
    for name in names {
        let svg = fs::read_to_string(dir.join(&name)).unwrap();
        assert!(svg.starts_with("<svg"), "{name}");
        assert!(
            svg.lines().any(|line| line == "tasks"),
            "{name} has a legend"
        );
    }
    let capacity_axis =
        fs::read_to_string(dir.join("focus-per-item-vs-capacity-prods-cons-3.svg")).unwrap();
    let label = |text: &str| capacity_axis.lines().position(|line| line == text).unwrap();
    let (one, unbounded) = (label("1"), label("∞"));
    assert!(one < unbounded, "unbounded is drawn last, at the right end");
}

#[test]
fn report_writes_the_answers_and_the_figures_it_links() {
    let dir = scratch("report");
    let output = bench(&[
        "--impl",
        "threads,tasks,floor-spawn-threads",
        "--report",
        path(&dir),
    ]);
    assert!(output.status.success(), "{output:?}");
    let report = fs::read_to_string(dir.join("report.md")).unwrap();
    for heading in [
        "## Answers",
        "## Contenders",
        "## Evidence for Q1 — threads",
        "## Evidence for Q2 — coroutines",
        "## Evidence for Q3 — threads against coroutines",
        "## Regimes",
        "## Ablation: the assignment's spawn order against pairs",
        "## Core scaling",
        "## Targets",
        "## Noise and gaps",
    ] {
        assert!(report.contains(heading), "{heading} missing");
    }
    assert!(report.contains("**Every row is measured in the producers-first spawn order**"));
    assert!(
        report.contains("[answers.md](answers.md)"),
        "the hand-written answers are linked"
    );
    assert_eq!(
        report.matches("**Answer.**").count(),
        0,
        "no templated answers: they are written by hand"
    );
    for data in ["data/results.csv", "data/results.json"] {
        assert!(dir.join(data).is_file(), "{data} missing");
    }
    let every = records(&dir.join("data/results.json"));
    assert!(
        every.iter().any(|r| r["spawn"] == "paired"),
        "the ablation's rows are in the data"
    );
    assert!(
        every.iter().any(|r| r["cores"] == "1 core"),
        "the core-scaling rows are in the data"
    );
    assert!(
        report.contains("prodcons bench --iters 20"),
        "the command is quoted"
    );
    let linked: Vec<&str> = report
        .lines()
        .filter_map(|line| {
            line.strip_prefix("![")?
                .split_once("](")?
                .1
                .strip_suffix(')')
        })
        .collect();
    let (timelines, sweep): (Vec<&str>, Vec<&str>) = linked
        .iter()
        .partition(|figure| figure.starts_with("figures/timeline-"));
    assert_eq!(sweep.len(), 3, "{linked:?}");
    // The timelines trace W itself, whatever the sweep; the Python one needs python3.
    assert!(
        timelines.contains(&"figures/timeline-tasks-vs-handoff.svg"),
        "{linked:?}"
    );
    let python = std::process::Command::new("python3")
        .arg("--version")
        .output();
    let with_python = python.is_ok_and(|output| output.status.success());
    assert_eq!(timelines.len(), 1 + usize::from(with_python), "{linked:?}");
    for figure in linked {
        assert!(dir.join(figure).is_file(), "{figure} is linked but missing");
    }
}

#[test]
fn a_cell_over_the_time_guard_is_skipped_not_failed() {
    let dir = scratch("guard");
    let json = dir.join("bench.json");
    let output = bench(&[
        "--impl",
        "threads",
        "--max-cell-secs",
        "1e-9",
        "--json",
        path(&json),
    ]);
    assert!(output.status.success(), "{output:?}");
    let table = String::from_utf8(output.stdout).unwrap();
    assert!(table.contains("skipped: projected"), "{table}");
    assert_eq!(fs::read_to_string(&json).unwrap().trim(), "[]");
}

#[test]
fn without_python3_the_python_references_are_skipped_with_a_note() {
    let dir = scratch("no-python");
    let json = dir.join("bench.json");
    let output = Command::cargo_bin("prodcons")
        .unwrap()
        .env("PATH", path(&dir))
        .args([
            "bench",
            "--iters",
            "5",
            "--prods-cons",
            "2",
            "--capacity",
            "1",
            "--runs",
            "1",
        ])
        .args(["--impl", "tasks", "--python", "--json", path(&json)])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr.matches("python3 was not found").count(),
        1,
        "{stderr}"
    );
    let records: Vec<Value> = serde_json::from_str(&fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["impl"], "tasks");
}

#[test]
fn per_op_prints_one_line_per_implementation_instead_of_the_sweep() {
    let output = prodcons_bench(&["--per-op", "--quick", "--runs", "1"]);
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    for name in ["threads", "crossbeam", "tasks", "tasks-mt"] {
        let line = stdout
            .lines()
            .find(|line| line.split_whitespace().next() == Some(name));
        assert!(line.is_some(), "no line for {name}: {stdout}");
    }
    // No sweep ran: its table has a header this output never prints.
    assert!(!stdout.contains("num_prods_cons"), "{stdout}");
    let clash = assert_fails(&prodcons_bench(&["--per-op", "--json", "x.json"]), 2);
    assert!(clash.contains("--json"), "{clash}");
}

#[test]
fn interventions_run_only_when_named() {
    let dir = scratch("interventions");
    let json = dir.join("bench.json");
    let named = "python-asyncio-handoff,python-threads-switch-0.5ms,python-threads-switch-50ms";
    let output = bench(&["--impl", named, "--json", path(&json)]);
    assert!(output.status.success(), "{output:?}");
    let python = !String::from_utf8_lossy(&output.stderr).contains("python3 was not found");
    let impls: Vec<String> = records(&json)
        .iter()
        .map(|record| record["impl"].as_str().unwrap().to_owned())
        .collect();
    if python {
        for name in named.split(',') {
            assert!(impls.iter().any(|seen| seen == name), "{name}: {impls:?}");
        }
    }
    let everything = bench(&["--impl", "all", "--python", "--json", path(&json)]);
    assert!(everything.status.success(), "{everything:?}");
    let interventions: Vec<&str> = named.split(',').collect();
    assert!(
        records(&json)
            .iter()
            .all(|record| !interventions.contains(&record["impl"].as_str().unwrap())),
        "`all` leaves the interventions out"
    );
}
