//! The `prodcons` command end to end: `run`, `bench`, `check`, `claims`, `--spawn` and `count`. One test
//! binary, one module per former test file.
//!
//! A loom build's binary refuses to run (see README), so each module is compiled only without
//! `--cfg loom`.

#[cfg(not(loom))]
mod bench_cli;
#[cfg(not(loom))]
mod check_cli;
#[cfg(not(loom))]
mod claims_cli;
#[cfg(not(loom))]
mod cli;
#[cfg(not(loom))]
mod spawn_and_count_cli;
#[cfg(not(loom))]
mod trace_cli;

/// Runs the built `prodcons` with `args` and returns what it did.
#[cfg(not(loom))]
fn prodcons(args: &[&str]) -> std::process::Output {
    assert_cmd::Command::cargo_bin("prodcons")
        .unwrap()
        .args(args)
        .output()
        .unwrap()
}
