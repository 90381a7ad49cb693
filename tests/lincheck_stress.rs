//! Stress mode on our two queues: generated scenarios, each run many times on real threads
//! and on tokio tasks (both runtime flavours), every history checked for linearizability.
//!
//! No timing assertion: the deadline in the runner only decides when blocked operations are
//! released, and an operation released while merely slow is judged leniently (see
//! `prodcons::lincheck::check`), so a slow machine can only make these tests more lenient.

#![cfg(not(loom))] // A loom build's primitives only work inside `loom::model`: see README.

use std::time::Duration;

use prodcons::lincheck::{
    Op, Plan, Scenario, Spec, Verdict, check, check_target, report, run_threads, target,
};

fn plan() -> Plan {
    Plan {
        scenarios: 40,
        runs: 10,
        patience: Duration::from_millis(20),
        ..Plan::default()
    }
}

fn assert_linearizable(name: &str) {
    let target = target(name).unwrap();
    let outcome = check_target(&*target, &plan(), &|_| {});
    if let Some((_, report)) = &outcome.failure {
        panic!("{name} is not linearizable:\n{report}");
    }
    assert!(outcome.histories >= 400, "{outcome:?}");
    assert_eq!(
        outcome.unknown, 0,
        "the budget should decide every small history"
    );
}

#[test]
fn blocking_queue_is_linearizable() {
    assert_linearizable("blocking");
}

#[test]
fn async_queue_is_linearizable_on_a_current_thread_runtime() {
    assert_linearizable("async-current");
}

#[test]
fn async_queue_is_linearizable_on_a_multi_thread_runtime() {
    assert_linearizable("async-multi");
}

/// One fixed scenario, run `runs` times on our blocking queue; every history must pass.
fn hammer(scenario: &Scenario, runs: usize) {
    let spec = Spec::new(scenario.capacity);
    for _ in 0..runs {
        let history = run_threads(
            &prodcons::BlockingQueue::new(scenario.capacity),
            scenario,
            Duration::from_millis(20),
        );
        if let Verdict::Fail(failure) = check(&spec, &history, 100_000) {
            panic!("{}", report(scenario, &history, &failure));
        }
    }
}

/// An item sits in the queue throughout while another thread keeps taking the lock: no `len`
/// may say 0 and no `try_get` may say `Empty`, however the calls collide. (Loom cannot show
/// this: the queue's critical sections have no schedule points inside, so under loom no call
/// ever finds the lock taken.)
#[test]
fn len_and_try_get_see_an_item_that_sits_in_the_queue() {
    let scenario = Scenario::new(
        0,
        vec![Op::TryPut(0)],
        vec![
            vec![Op::Len, Op::Len, Op::Len, Op::Len, Op::Len, Op::Len],
            vec![
                Op::TryPut(200),
                Op::Len,
                Op::TryPut(201),
                Op::Len,
                Op::TryPut(202),
                Op::Len,
            ],
            vec![Op::TryGet, Op::Len, Op::Len, Op::Len, Op::Len, Op::Len],
        ],
        vec![],
    );
    hammer(&scenario, 1000);
}

/// A get that must block is released by the harness's close and reported `Closed`, and the
/// history passes: blocking where the specification says to block is no lost wakeup.
#[test]
fn a_get_that_must_block_is_released_and_passes() {
    let scenario = Scenario::new(
        1,
        vec![],
        vec![vec![Op::Get], vec![Op::TryGet]],
        vec![Op::Len],
    );
    let history = run_threads(
        &prodcons::BlockingQueue::new(1),
        &scenario,
        Duration::from_millis(20),
    );
    assert!(history.release().is_some(), "{history}");
    assert!(
        check(&Spec::new(1), &history, 10_000).is_pass(),
        "{history}"
    );
}
