//! `prodcons claims` on the bench crate's fixture, and the check at the end of
//! `prodcons bench --report DIR` when DIR has claims. The claims here are about counts of runs,
//! never about time, so they hold or fail on any machine.

use std::fs;
use std::path::{Path, PathBuf};

use crate::prodcons;

/// A fresh copy of the bench crate's claims fixture, laid out as `bench --report` lays it out.
fn fixture(test: &str) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../bench/tests/fixtures/claims");
    let dir = scratch(test);
    fs::create_dir_all(dir.join("data")).unwrap();
    for file in ["claims.toml", "answers.md"] {
        fs::copy(from.join(file), dir.join(file)).unwrap();
    }
    fs::copy(from.join("results.json"), dir.join("data/results.json")).unwrap();
    dir
}

fn scratch(test: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("prodcons-claims-cli-{test}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn claims_that_hold_exit_zero_with_a_line_each() {
    let dir = fixture("hold");
    let output = prodcons(&["claims", "--docs", dir.to_str().unwrap()]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(
        stdout.starts_with("holds q3-unbounded-gap: derived 2.2, states 2.2 (±5%)\n"),
        "{stdout}"
    );
    assert!(stdout.ends_with("claims: 6 of 6 hold\n"), "{stdout}");
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_failing_claim_exits_one_and_is_named() {
    let dir = fixture("fail");
    let data = dir.join("data/results.json");
    let json = fs::read_to_string(&data).unwrap();
    fs::write(
        &data,
        json.replacen(r#""median_s": 0.2,"#, r#""median_s": 0.1,"#, 1),
    )
    .unwrap();
    let output = prodcons(&["claims", "--docs", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(text(&output.stdout).contains("FAILS q3-unbounded-gap: derived 4.4, states 2.2"));
    let stderr = text(&output.stderr);
    assert!(
        stderr.starts_with("error: 1 of 6 claims no longer hold: FAILS q3-unbounded-gap"),
        "{stderr}"
    );
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn missing_files_are_one_clear_error() {
    let dir = scratch("missing");
    let output = prodcons(&["claims", "--docs", dir.to_str().unwrap()]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(stderr.starts_with("error: could not read "), "{stderr}");
    assert!(stderr.contains("claims.toml"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    fs::remove_dir_all(dir).unwrap();
}

/// After writing everything, `bench --report DIR` checks DIR's claims against the data it just
/// wrote: a claim that fails makes the command fail, with every file already in place.
#[test]
fn bench_report_checks_the_claims_after_writing_the_data() {
    let dir = scratch("bench");
    let claim = |states: &str| {
        format!(
            "[[claim]]\nid = \"timed-runs\"\nexpr = 'runs(\"threads\", 1, 0)'\nstates = \"{states}\"\ntolerance = \"0\"\n"
        )
    };
    fs::write(dir.join("claims.toml"), claim("3")).unwrap();
    fs::write(
        dir.join("answers.md"),
        "Each cell ran [3](claims.toml#timed-runs) times.\n",
    )
    .unwrap();
    let tiny = "bench --iters 20 --prods-cons 1 --capacity 0 --runs 1 --impl threads --report";
    let args: Vec<&str> = tiny
        .split_whitespace()
        .chain([dir.to_str().unwrap()])
        .collect();
    let output = prodcons(&args);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(
        text(&output.stdout)
            .contains("claims: 0 of 1 hold; FAILS timed-runs: derived 1, states 3 (±0)")
    );
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("error: 1 of 1 claims no longer hold: FAILS timed-runs"),
        "{stderr}"
    );
    for written in ["report.md", "data/results.json", "data/results.csv"] {
        assert!(dir.join(written).exists(), "{written} was not written");
    }

    // The same data, with the claim and its prose corrected, now holds.
    fs::write(dir.join("claims.toml"), claim("1")).unwrap();
    fs::write(
        dir.join("answers.md"),
        "Each cell ran [1](claims.toml#timed-runs) time.\n",
    )
    .unwrap();
    let output = prodcons(&["claims", "--docs", dir.to_str().unwrap()]);
    assert!(output.status.success(), "{output:?}");
    fs::remove_dir_all(dir).unwrap();
}
