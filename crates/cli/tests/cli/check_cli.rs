//! `prodcons check` end to end: a passing sweep of our queues, a failing one on the seeded
//! bug, an inconclusive one, the throughput benchmark's output, and bad arguments. Nothing asserts anything about
//! time.

use assert_cmd::Command;

fn check(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("prodcons")
        .unwrap()
        .arg("check")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn our_queues_pass_and_exit_zero() {
    let output = check(&["--scenarios", "10", "--runs", "5"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for target in ["blocking", "async-current", "async-multi"] {
        let line = stdout
            .lines()
            .find(|line| line.starts_with(target))
            .unwrap_or_default();
        assert!(line.ends_with("linearizable"), "{target}: {stdout}");
    }
}

#[test]
fn a_violation_prints_the_minimal_scenario_and_exits_one() {
    let output = check(&[
        "--target",
        "seeded-bug",
        "--scenarios",
        "200",
        "--runs",
        "20",
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("VIOLATION"), "{stdout}");
    assert!(stdout.contains("minimal failing scenario"), "{stdout}");
    assert!(stdout.contains("| T1"), "the scenario table: {stdout}");
    assert!(
        stdout.contains("not Empty"),
        "why no order explains it: {stdout}"
    );
}

/// A search budget of one step decides nothing: the sweep is inconclusive, exits 3, and says
/// so, unless the user allows that many unknown verdicts.
#[test]
fn histories_without_a_verdict_are_inconclusive_and_exit_three() {
    let starved = [
        "--target",
        "blocking",
        "--budget",
        "1",
        "--scenarios",
        "3",
        "--runs",
        "2",
        "--hang-limit",
        "0.05",
    ];
    let output = check(&starved);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(3), "{stdout}");
    let line = stdout
        .lines()
        .find(|line| line.starts_with("blocking"))
        .unwrap();
    assert!(line.ends_with("INCONCLUSIVE"), "{stdout}");
    assert!(!stdout.contains("linearizable"), "{stdout}");

    let allowed = check(&[&starved[..], &["--max-unknown", "6"]].concat());
    let stdout = String::from_utf8_lossy(&allowed.stdout);
    assert!(allowed.status.success(), "{stdout}");
    assert!(stdout.contains("linearizable"), "{stdout}");
}

#[test]
fn the_throughput_benchmark_reports_histories_per_minute() {
    let output = check(&["--bench-throughput", "--time", "0.5"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("per minute"), "{stdout}");
    assert!(stdout.contains("checked alone:"), "{stdout}");
}

#[test]
fn bad_arguments_are_clap_errors() {
    for args in [
        &["--threads", "5"][..],
        &["--threads", "1"],
        &["--operations", "0"],
        &["--operations", "7"],
        &["--scenarios", "0"],
        &["--runs", "-1"],
        &["--time", "0"],
        &["--target", "no-such-queue"],
        &["--budget", "lots"],
    ] {
        let output = check(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.starts_with("error:"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
