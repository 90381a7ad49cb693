//! Invariant I8, the part a return value cannot show: after a failed run, no worker thread is
//! left behind. This file holds one test, so its binary has no other test threads to count.
//!
//! That is why it is a test binary of its own, not a module of the `pipelines` suite: the test
//! counts every thread of the process in /proc/self/task, and the harness runs a binary's tests
//! on parallel threads, so any other test in the same binary (and the workers it spawns) would
//! be counted as a thread the failed run left behind. As the crate root, it gates itself.
#![cfg(not(loom))] // A loom build's primitives only work inside `loom::model`: see README.
#![cfg(target_os = "linux")] // Threads are counted in /proc/self/task.

use std::fs;
use std::thread;
use std::time::{Duration, Instant};

use prodcons::{Faults, Params, PipelineError, Role};
use prodcons_peers::Implementation;

fn live_threads() -> usize {
    fs::read_dir("/proc/self/task")
        .expect("/proc/self/task lists this process's threads")
        .count()
}

/// Generous, like the other watchdogs: it bounds a wait, it never judges speed.
const SETTLE: Duration = Duration::from_secs(30);

/// The thread count once it has come back to `baseline`, or what it was when `SETTLE` ran out.
///
/// A joined thread has finished running, but the kernel may list it for a moment longer, while
/// it releases the thread's last resources; so the count is polled, not read once.
fn threads_after_settling(baseline: usize) -> usize {
    let deadline = Instant::now() + SETTLE;
    loop {
        let live = live_threads();
        if live == baseline || Instant::now() > deadline {
            return live;
        }
        thread::yield_now();
    }
}

#[test]
fn a_failed_run_leaves_no_thread_behind() {
    let baseline = live_threads();
    let params = Params::new(200, 4, 1).unwrap();
    for implementation in Implementation::ALL {
        for (role, index, after) in [
            (Role::Producer, 0, 0),
            (Role::Producer, 3, 150),
            (Role::Consumer, 0, 10),
            (Role::Consumer, 3, 199),
        ] {
            let faults = Faults::default().panic_after(role, index, after);
            let error = implementation
                .pipeline()
                .run_with_faults(&params, &faults)
                .unwrap_err();
            assert!(
                matches!(error, PipelineError::WorkerPanicked { role: r, index: i, .. } if (r, i) == (role, index)),
                "{implementation}: {error:?}"
            );
            assert_eq!(
                threads_after_settling(baseline),
                baseline,
                "{implementation} left threads behind after {role} {index} panicked"
            );
        }
    }
}
