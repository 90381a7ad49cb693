//! The `prodcons` command: the assignment's exact lines, and every kind of bad input.

use std::process::{Command as StdCommand, Stdio};

use assert_cmd::Command;

fn prodcons() -> Command {
    Command::cargo_bin("prodcons").unwrap()
}

fn stdout_lines(args: &[&str]) -> Vec<String> {
    let output = prodcons().args(args).output().unwrap();
    assert!(output.status.success(), "{args:?}: {output:?}");
    assert!(
        output.stderr.is_empty(),
        "{args:?} wrote to stderr: {output:?}"
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// `Elapsed time X sec`, with X as Python prints `round(x, 3)`.
fn assert_elapsed_line(line: &str) {
    let seconds = line
        .strip_prefix("Elapsed time ")
        .and_then(|rest| rest.strip_suffix(" sec"))
        .unwrap_or_else(|| panic!("not an elapsed line: {line:?}"));
    let (whole, decimals) = seconds.split_once('.').expect("at least one decimal");
    assert!(
        !whole.is_empty() && whole.bytes().all(|b| b.is_ascii_digit()),
        "{line:?}"
    );
    assert!((1..=3).contains(&decimals.len()), "{line:?}");
    assert!(decimals.bytes().all(|b| b.is_ascii_digit()), "{line:?}");
    assert!(
        decimals == "0" || !decimals.ends_with('0'),
        "trailing zero in {line:?}"
    );
}

fn assert_assignment_lines(lines: &[String], computed: &str, expected: &str) {
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0], format!("The computed total sum is {computed}"));
    assert_eq!(lines[1], format!("The expected total sum is {expected}"));
    assert_elapsed_line(&lines[2]);
}

/// Runs a failing command and returns its one line of stderr.
fn failure_line(args: &[&str], code: i32) -> String {
    let output = prodcons().args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(code), "{args:?}: {output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
    assert!(
        !stderr.contains("backtrace"),
        "{args:?} printed a backtrace: {stderr}"
    );
    assert!(output.stdout.is_empty(), "{args:?} printed to stdout");
    stderr
}

#[test]
fn run_prints_exactly_the_assignments_three_lines() {
    let lines = stdout_lines(&["run", "1000", "50", "10"]);
    assert_assignment_lines(&lines, "24975000", "24975000");
}

#[test]
fn every_implementation_prints_the_same_sums() {
    for name in ["threads", "crossbeam", "tasks", "tasks-mt"] {
        let lines = stdout_lines(&["run", "--impl", name, "100", "7", "0"]);
        assert_assignment_lines(&lines, "34650", "34650");
    }
}

#[test]
fn no_arguments_runs_the_assignments_cells_under_headers() {
    let lines = stdout_lines(&[]);
    assert_eq!(lines.len(), 8, "{lines:?}");
    assert_eq!(lines[0], "== threads: pc(1000, 50, 10) ==");
    assert_assignment_lines(&lines[1..4], "24975000", "24975000");
    assert_eq!(lines[4], "== tasks: pc(1000, 50, 10) ==");
    assert_assignment_lines(&lines[5..8], "24975000", "24975000");
}

#[test]
fn impl_all_runs_each_implementation_under_its_header() {
    let lines = stdout_lines(&["run", "--impl", "all", "10", "2", "1"]);
    let headers: Vec<_> = lines.iter().step_by(4).cloned().collect();
    assert_eq!(
        headers,
        [
            "== threads: pc(10, 2, 1) ==",
            "== crossbeam: pc(10, 2, 1) ==",
            "== tasks: pc(10, 2, 1) ==",
            "== tasks-mt: pc(10, 2, 1) ==",
            "== tasks-handoff: pc(10, 2, 1) ==",
            "== kanal: pc(10, 2, 1) ==",
            "== async-channel: pc(10, 2, 1) ==",
            "== kanal-async: pc(10, 2, 1) ==",
            "== async-channel-mt: pc(10, 2, 1) ==",
        ]
    );
    for block in lines.chunks(4) {
        assert_assignment_lines(&block[1..], "90", "90");
    }
}

#[test]
fn several_impls_run_in_the_order_given_without_repeats() {
    let lines = stdout_lines(&[
        "run",
        "--impl",
        "tasks,threads",
        "--impl",
        "tasks",
        "5",
        "1",
        "0",
    ]);
    assert_eq!(lines.len(), 8, "{lines:?}");
    assert_eq!(lines[0], "== tasks: pc(5, 1, 0) ==");
    assert_eq!(lines[4], "== threads: pc(5, 1, 0) ==");
}

#[test]
fn zero_producers_and_zero_items_are_valid_runs() {
    assert_assignment_lines(&stdout_lines(&["run", "0", "0", "0"]), "0", "0");
    assert_assignment_lines(&stdout_lines(&["run", "0", "5", "1"]), "0", "0");
    assert_assignment_lines(&stdout_lines(&["run", "7", "0", "3"]), "0", "0");
}

#[test]
fn non_numbers_and_negatives_are_usage_errors() {
    for bad in [
        ["abc", "50", "10"],
        ["-5", "50", "10"],
        ["1000", "-1", "10"],
        ["1000", "50", "1.5"],
        ["1000", "50", ""],
    ] {
        let mut args = vec!["run"];
        args.extend(bad);
        let stderr = failure_line(&args, 2);
        assert!(stderr.contains("invalid value"), "{bad:?}: {stderr}");
    }
}

#[test]
fn missing_arguments_and_unknown_implementations_are_usage_errors() {
    failure_line(&["run", "1000", "50"], 2);
    let stderr = failure_line(&["run", "--impl", "fibers", "1", "1", "1"], 2);
    assert!(
        stderr.contains("threads"),
        "the error lists the valid names: {stderr}"
    );
    failure_line(&["walk"], 2);
}

#[test]
fn an_overflowing_sum_is_one_line_and_exit_one() {
    let stderr = failure_line(
        &["run", "18446744073709551615", "18446744073709551615", "0"],
        1,
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: ") && stderr.contains("overflows"),
        "{stderr}"
    );
}

#[test]
fn more_threads_than_the_os_allows_is_one_line_and_exit_one() {
    // 2 * 10^7 threads is beyond any Linux pid_max (at most 2^22), on any machine.
    for name in ["threads", "crossbeam"] {
        let stderr = failure_line(&["run", "--impl", name, "10", "10000000", "1"], 1);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains("20000000 threads were asked for"),
            "{stderr}"
        );
        // The library's message names no flag; the command adds the one that avoids it.
        assert!(stderr.contains("(hint: use --impl tasks"), "{stderr}");
    }
}

#[test]
fn more_tasks_than_the_limit_is_one_line_and_exit_one() {
    let stderr = failure_line(&["run", "--impl", "tasks", "1", "100000000", "0"], 1);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("tasks were asked for"), "{stderr}");
}

/// On one thread, in the assignment's order, an unbounded buffer holds every item at once:
/// 2^60 of them cannot fit anywhere, so the run is refused before anything is allocated.
#[test]
fn a_run_that_cannot_fit_in_memory_is_one_line_and_exit_one() {
    for (name, order) in [
        ("tasks", "producers-first"),
        ("kanal-async", "producers-first"),
        ("tasks", "paired"),
    ] {
        let items = if order == "paired" {
            "1152921504606846976"
        } else {
            "288230376151711744"
        };
        let stderr = failure_line(
            &["run", "--impl", name, "--spawn", order, items, "4", "0"],
            1,
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains(&format!("on {name} needs about")),
            "{stderr}"
        );
        assert!(
            stderr.contains("is available; use a capacity such as 1000"),
            "{stderr}"
        );
        assert!(stderr.contains("(hint: use --impl threads"), "{stderr}");
    }
}

#[test]
fn a_closed_stdout_is_not_a_crash() {
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("prodcons"))
        .args(["run", "--impl", "all", "10", "2", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn help_and_version_describe_the_tool() {
    let help = prodcons().arg("--help").output().unwrap();
    assert!(help.status.success());
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(help.contains("run"), "{help}");
    let run_help =
        String::from_utf8(prodcons().args(["run", "--help"]).output().unwrap().stdout).unwrap();
    for word in ["NUM_ITERS", "NUM_PRODS_CONS", "CAPACITY", "tasks-mt", "all"] {
        assert!(run_help.contains(word), "{word} missing from: {run_help}");
    }
    let version = prodcons().arg("--version").output().unwrap();
    assert!(
        String::from_utf8(version.stdout)
            .unwrap()
            .starts_with("prodcons ")
    );
}
