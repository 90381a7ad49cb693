//! One traced run of `pc` on small arbitrary parameters, judged on the invariants I1 to I4.
//!
//! The cargo-fuzz target `pipeline` and the stable test
//! `crates/peers/tests/pipelines/fuzz_corpus_pipeline.rs` both compile this
//! one file (the test through `#[path]`), so a corpus file means the same run in both.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use arbitrary::{Arbitrary, Unstructured};
use prodcons::Params;
use prodcons_peers::Implementation;

/// The largest `numIters` a generated run has.
pub const MAX_NUM_ITERS: u64 = 64;
/// The largest `numProdsCons` a generated run has.
pub const MAX_NUM_PRODS_CONS: usize = 6;
/// The largest capacity a generated run has; 0 is unbounded.
pub const MAX_CAPACITY: usize = 4;

/// Generous: the watchdog turns a hang (I5) into a failure with a message; it never judges speed.
const HANG: Duration = Duration::from_secs(120);

/// One run: an implementation and the parameters of `pc`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PipelineRun {
    /// One of [`Implementation::ALL`].
    pub implementation: Implementation,
    /// `numIters`, 0 to [`MAX_NUM_ITERS`].
    pub num_iters: u64,
    /// `numProdsCons`, 0 to [`MAX_NUM_PRODS_CONS`].
    pub num_prods_cons: usize,
    /// The buffer's capacity, 0 (unbounded) to [`MAX_CAPACITY`].
    pub capacity: usize,
}

impl<'a> Arbitrary<'a> for PipelineRun {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Self {
            implementation: *u.choose(&Implementation::ALL)?,
            num_iters: u.int_in_range(0..=MAX_NUM_ITERS)?,
            num_prods_cons: u.int_in_range(0..=MAX_NUM_PRODS_CONS)?,
            capacity: u.int_in_range(0..=MAX_CAPACITY)?,
        })
    }
}

/// Runs `run` traced and panics, naming the run, unless it ends within a generous watchdog
/// (I5), computes the expected sum (I1), and its trace passes [`Trace::check`] (I1 to I4: sum,
/// exactly once, per-producer FIFO, capacity).
///
/// [`Trace::check`]: prodcons::Trace::check
pub fn check_pipeline(run: PipelineRun) {
    let params = Params::new(run.num_iters, run.num_prods_cons, run.capacity)
        .unwrap_or_else(|error| panic!("{run:?}: {error}"));
    let (report, traced) = mpsc::channel();
    let runner = thread::spawn(move || {
        // The watchdog may have given up listening; the run is reported then by its panic.
        let _ = report.send(run.implementation.pipeline().run_traced(&params));
    });
    let result = match traced.recv_timeout(HANG) {
        Ok(result) => result,
        Err(RecvTimeoutError::Timeout) => panic!("{run:?} did not end within {HANG:?}"),
        Err(RecvTimeoutError::Disconnected) => panic!("{run:?} panicked"),
    };
    // Joined, so that the run's thread has ended, thread-locals and all, when this returns:
    // the fuzzer's leak check counts what is still allocated then.
    runner
        .join()
        .expect("the run's thread ends once it has reported");
    let (outcome, trace) = result.unwrap_or_else(|error| panic!("{run:?} failed: {error}"));
    assert_eq!(
        outcome.computed_sum, outcome.expected_sum,
        "{run:?}: I1 sum, as the outcome reports it"
    );
    if let Err(violation) = trace.check() {
        panic!("{run:?}: {violation}");
    }
}
