//! `prodcons run --spawn` and the counting pass's `prodcons count`: the named variant is
//! accepted and keeps the assignment's output, and each count reports what its mechanism says.

use crate::prodcons;
use serde_json::Value;

#[test]
fn run_accepts_both_spawn_orders_and_prints_the_same_sums() {
    for order in ["producers-first", "paired"] {
        for implementation in ["threads", "tasks", "crossbeam", "tasks-mt"] {
            let output = prodcons(&[
                "run",
                "--impl",
                implementation,
                "--spawn",
                order,
                "100",
                "5",
                "2",
            ]);
            assert!(
                output.status.success(),
                "{order} {implementation}: {output:?}"
            );
            let stdout = String::from_utf8(output.stdout).unwrap();
            let lines: Vec<&str> = stdout.lines().collect();
            assert_eq!(lines.len(), 3, "{stdout}");
            assert_eq!(lines[0], "The computed total sum is 24750");
            assert_eq!(lines[1], "The expected total sum is 24750");
        }
    }
    let bad = prodcons(&["run", "--spawn", "random", "1", "1", "1"]);
    assert_eq!(bad.status.code(), Some(2), "{bad:?}");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--spawn"));
}

fn counts(args: &[&str]) -> Value {
    let output = prodcons(&[&["count"], args].concat());
    assert!(output.status.success(), "{args:?}: {output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let json = stdout
        .lines()
        .find_map(|line| line.strip_prefix("counts="))
        .unwrap_or_else(|| panic!("no counts line in {stdout:?}"));
    serde_json::from_str(json).unwrap()
}

fn number(counts: &Value, field: &str) -> u64 {
    counts[field]
        .as_u64()
        .unwrap_or_else(|| panic!("{field} in {counts}"))
}

/// Peak RSS comes from a fresh process, so an unbounded buffer that holds every item shows up
/// in it: 400 000 eight-byte items need at least 3 MiB more than a buffer of one.
#[test]
fn a_fresh_process_reports_the_memory_an_unbounded_buffer_holds() {
    let unbounded = counts(&["--impl", "tasks", "100000", "4", "0"]);
    let bounded = counts(&["--impl", "tasks", "100000", "4", "1"]);
    assert_eq!(number(&unbounded, "peak_len"), 400_000);
    assert_eq!(number(&bounded, "peak_len"), 1);
    let growth =
        |counts: &Value| number(counts, "peak_rss_bytes") - number(counts, "rss_before_bytes");
    assert!(growth(&unbounded) >= 3 << 20, "{unbounded}");
    assert!(
        growth(&unbounded) > growth(&bounded) + (2 << 20),
        "{unbounded} {bounded}"
    );
}

/// Capacity 1 makes puts and gets wait; an unbounded buffer never makes a put wait.
#[test]
fn waits_follow_the_capacity_for_every_implementation() {
    for implementation in [
        "threads",
        "crossbeam",
        "tasks",
        "tasks-mt",
        "tasks-handoff",
        "kanal",
        "async-channel",
        "kanal-async",
    ] {
        let one = counts(&["--impl", implementation, "200", "3", "1"]);
        let unbounded = counts(&["--impl", implementation, "200", "3", "0"]);
        assert_eq!(
            number(&unbounded, "put_waits"),
            0,
            "{implementation}: {unbounded}"
        );
        assert!(number(&one, "put_waits") > 0, "{implementation}: {one}");
        assert!(number(&one, "peak_len") <= 1, "{implementation}: {one}");
    }
    let bad = prodcons(&["count", "--impl", "all", "1", "1", "1"]);
    assert_eq!(bad.status.code(), Some(2), "{bad:?}");
}
