//! A loom model of the `threads` pipeline: the real driver, on loom's threads, queues and
//! condition variables.
#![cfg(loom)]

mod common;

use common::run_test;
use prodcons::{Implementation, Params};

/// Main + 1 producer + 1 consumer thread, 2 items, capacities 0, 1 and 2: `pc(2, 1, c)` sums
/// correctly under every interleaving and joins every thread.
#[test]
fn pc_sums_correctly_with_one_producer_and_one_consumer() {
    run_test(|capacity| {
        let params = Params::new(2, 1, capacity).unwrap();
        let outcome = Implementation::Threads.run(&params).unwrap();
        assert_eq!(outcome.computed_sum, 1);
        assert_eq!(outcome.expected_sum, 1);
    });
}
