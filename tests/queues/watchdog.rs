//! The watchdog that turns a hang into a test failure (invariant I5: every run ends), shared by
//! the suites that run whole pipelines: `queues` here and the peers crate's `pipelines`, which
//! includes this file with `#[path]`.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// Generous: a watchdog turns a hang into a failure; it never judges speed.
pub const HANG: Duration = Duration::from_secs(120);

/// Runs `work` on its own thread, failing the test with `what` if it has not returned by
/// [`HANG`].
pub fn watched<R: Send + 'static>(what: String, work: impl FnOnce() -> R + Send + 'static) -> R {
    let (report, outcome) = mpsc::channel();
    thread::spawn(move || report.send(work()));
    outcome
        .recv_timeout(HANG)
        .unwrap_or_else(|_| panic!("{what} hung"))
}
