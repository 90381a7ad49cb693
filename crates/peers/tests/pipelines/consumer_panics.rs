//! A consumer that panics before it takes anything: a case the random property tests would
//! have to stumble on, pinned down on every implementation (I8; mutants 11 and 12 need it).

use crate::watchdog::watched;
use prodcons::{Faults, Params, PipelineError, Role};
use prodcons_peers::Implementation;

/// I8 on every implementation: a consumer that panics before taking anything is reported as
/// that consumer's panic. Its sum never arrives, so only a driver that joins or awaits every
/// consumer can tell a panic from a merely missing result (mutants 11 and 12).
#[test]
fn a_panicking_consumer_is_reported_by_every_implementation() {
    for implementation in Implementation::ALL {
        for (num_prods_cons, capacity) in [(1, 0), (1, 1), (3, 2)] {
            let params = Params::new(4, num_prods_cons, capacity).unwrap();
            for index in 0..num_prods_cons {
                let faults = Faults::default().panic_after(Role::Consumer, index, 0);
                let what = format!("{implementation} {params}, consumer {index} panicking");
                let result = watched(what.clone(), move || {
                    implementation.pipeline().run_with_faults(&params, &faults)
                });
                match result {
                    Err(PipelineError::WorkerPanicked {
                        role: Role::Consumer,
                        index: got,
                        ..
                    }) if got == index => {}
                    other => panic!("{what}: expected its panic to be reported, got {other:?}"),
                }
            }
        }
    }
}
