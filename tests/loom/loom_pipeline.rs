//! A loom model of the `threads` pipeline: the real driver, on loom's threads, queues and
//! condition variables.

use crate::loom_support::run_test;
use prodcons::{Faults, Implementation, Params, PipelineError, Role};

/// Main + 1 producer + 1 consumer thread, 2 items, capacities 0, 1 and 2: a traced
/// `pc(2, 1, c)` keeps I1 to I4 under every interleaving, and joins every thread (I5).
#[test]
fn pc_keeps_every_invariant_with_one_producer_and_one_consumer() {
    run_test(|capacity| {
        let params = Params::new(2, 1, capacity).unwrap();
        let (outcome, trace) = Implementation::Threads
            .pipeline()
            .run_traced(&params)
            .unwrap();
        assert_eq!(outcome.computed_sum, 1);
        assert_eq!(outcome.expected_sum, 1);
        if let Err(violation) = trace.check() {
            panic!("{params}: {violation}");
        }
    });
}

/// Main + 1 producer thread, 2 items, capacities 0, 1 and 2: the consumer's spawn fails, so the
/// driver must close the queues to release the producer (blocked on a full buffer at
/// capacity 1), join it, and report the failure. Loom fails the model on a deadlock, and on any
/// queue `Arc` still alive when the model ends.
#[test]
fn a_failed_spawn_releases_and_joins_the_started_producer() {
    run_test(|capacity| {
        let params = Params::new(2, 1, capacity).unwrap();
        let faults = Faults::default().fail_spawn(1);
        match Implementation::Threads
            .pipeline()
            .run_with_faults(&params, &faults)
        {
            Err(PipelineError::Spawn { role, index, .. }) => {
                assert_eq!((role, index), (Role::Consumer, 0));
            }
            other => panic!("expected a spawn error, got {other:?}"),
        }
    });
}
