//! Every implementation of `pc`: the sum invariant over random parameters, and failures that
//! come back as typed errors after everything spawned was released.

use crate::watchdog::watched;
use prodcons::{Faults, Outcome, Params, PipelineError, Role, SpawnOrder, Trace};
use prodcons_peers::Implementation;
use proptest::prelude::*;

/// Runs one pipeline under the watchdog.
fn run_watched(
    implementation: Implementation,
    params: Params,
    faults: Faults,
) -> Result<Outcome, PipelineError> {
    watched(
        format!("{implementation} {params} with {faults:?}"),
        move || implementation.pipeline().run_with_faults(&params, &faults),
    )
}

fn implementation() -> impl Strategy<Value = Implementation> {
    proptest::sample::select(Implementation::ALL.to_vec())
}

proptest! {
    #[test]
    fn computed_sum_equals_expected_sum(
        implementation in implementation(),
        num_iters in 0u64..=300,
        num_prods_cons in 0usize..=12,
        capacity in 0usize..=6,
    ) {
        let params = Params::new(num_iters, num_prods_cons, capacity).unwrap();
        let outcome = run_watched(implementation, params, Faults::default()).unwrap();
        prop_assert_eq!(outcome.expected_sum, params.expected_sum());
        prop_assert_eq!(outcome.computed_sum, outcome.expected_sum);
    }

    /// I1 sum, I2 exactly once, I3 per-producer FIFO and I4 capacity, on a traced run.
    #[test]
    fn traced_runs_keep_invariants_i1_to_i4(
        implementation in implementation(),
        num_iters in 0u64..=200,
        num_prods_cons in 0usize..=8,
        capacity in 0usize..=4,
    ) {
        let params = Params::new(num_iters, num_prods_cons, capacity).unwrap();
        let (outcome, trace): (Outcome, Trace) =
            watched(format!("traced {implementation} {params}"), move || {
                implementation.pipeline().run_traced(&params)
            })
            .unwrap();
        prop_assert!(outcome.is_correct());
        prop_assert_eq!(trace.taken().len(), num_prods_cons);
        if let Err(violation) = trace.check() {
            prop_assert!(false, "{} {}: {}", implementation, params, violation);
        }
    }

    #[test]
    fn a_panicking_worker_fails_the_run_and_releases_the_rest(
        implementation in implementation(),
        role in prop_oneof![Just(Role::Producer), Just(Role::Consumer)],
        num_prods_cons in 1usize..=6,
        capacity in 0usize..=3,
        seed in any::<(usize, u64)>(),
    ) {
        let num_iters = 40;
        let (index, after) = (seed.0 % num_prods_cons, seed.1 % num_iters);
        let params = Params::new(num_iters, num_prods_cons, capacity).unwrap();
        let faults = Faults::default().panic_after(role, index, after);
        match run_watched(implementation, params, faults) {
            Err(PipelineError::WorkerPanicked { role: got_role, index: got_index, message }) => {
                prop_assert_eq!((got_role, got_index), (role, index));
                prop_assert!(message.contains("injected fault"), "message: {}", message);
            }
            other => prop_assert!(false, "expected a panic report, got {:?}", other),
        }
    }
}

#[test]
fn the_assignment_cell_sums_correctly_everywhere() {
    let params = Params::new(1000, 50, 10).unwrap();
    for implementation in Implementation::ALL {
        let outcome = run_watched(implementation, params, Faults::default()).unwrap();
        assert_eq!(outcome.computed_sum, 24_975_000, "{implementation}");
        assert_eq!(outcome.expected_sum, 24_975_000, "{implementation}");
    }
}

/// Tasks on one thread run in the order they were spawned, so the order shows in the buffer:
/// in the assignment's order every producer has put everything before the first consumer
/// runs; paired, each consumer drains its producer's items before the next producer starts.
#[test]
fn the_default_is_the_assignments_order_and_paired_is_a_named_variant() {
    let params = Params::new(100, 5, 0).unwrap();
    assert_eq!(params.spawn_order(), SpawnOrder::ProducersFirst);
    let (outcome, counts) = Implementation::Tasks
        .pipeline()
        .run_counted(&params)
        .unwrap();
    assert!(outcome.is_correct());
    assert_eq!(counts.peak_len, 500, "every item queued at once");
    let paired = params.with_spawn_order(SpawnOrder::Paired);
    let (outcome, counts) = Implementation::Tasks
        .pipeline()
        .run_counted(&paired)
        .unwrap();
    assert!(outcome.is_correct());
    assert_eq!(counts.peak_len, 100, "one producer's items at a time");
    for implementation in Implementation::ALL {
        for order in SpawnOrder::ALL {
            let params = Params::new(50, 3, 2).unwrap().with_spawn_order(order);
            let (outcome, trace) = implementation.pipeline().run_traced(&params).unwrap();
            assert!(outcome.is_correct(), "{implementation}, {order}");
            assert_eq!(trace.check(), Ok(()), "{implementation}, {order}");
        }
    }
}

/// `AsyncQueue` keeps asyncio's rule that a get wakes the front putter without handing it the
/// slot. In the assignment's order on one thread, a producer that is still running refills the
/// slot first, so woken putters find the buffer full again; paired, nobody is beaten to it.
#[test]
fn woken_putters_that_find_the_buffer_full_again_are_counted() {
    let params = Params::new(50, 3, 2).unwrap();
    let counted = |params: &Params| {
        let (outcome, counts) = Implementation::Tasks
            .pipeline()
            .run_counted(params)
            .unwrap();
        assert!(outcome.is_correct());
        counts.futile_wakeups
    };
    let futile = counted(&params).unwrap();
    assert!(futile > 0, "producers first: {futile} futile wakeups");
    assert_eq!(
        counted(&params.with_spawn_order(SpawnOrder::Paired)),
        Some(0)
    );
    let (_, threads) = Implementation::Threads
        .pipeline()
        .run_counted(&params)
        .unwrap();
    assert!(
        threads.futile_wakeups.is_some(),
        "our BlockingQueue counts its own"
    );
    let (_, crossbeam) = Implementation::Crossbeam
        .pipeline()
        .run_counted(&params)
        .unwrap();
    assert_eq!(
        crossbeam.futile_wakeups, None,
        "crossbeam's blocking paths cannot tell"
    );
}

/// `tasks-handoff` changes the queue and nothing else: the same driver on the same
/// current-thread runtime, so in the assignment's order every item is still queued before the
/// first consumer runs, as with `tasks`; and I1 to I4 hold at the cell where the wake-up rule
/// matters.
#[test]
fn tasks_handoff_is_the_tasks_driver_with_another_queue() {
    let handoff = Implementation::TasksHandoff.pipeline();
    assert_eq!(handoff.driver(), Implementation::Tasks.pipeline().driver());
    assert!(handoff.runs_on_one_thread());
    let (outcome, counts) = handoff
        .run_counted(&Params::new(100, 5, 0).unwrap())
        .unwrap();
    assert!(outcome.is_correct());
    assert_eq!(counts.peak_len, 500, "every item queued at once");
    let (_, counts) = handoff
        .run_counted(&Params::new(50, 3, 2).unwrap())
        .unwrap();
    assert_eq!(
        counts.futile_wakeups,
        Some(0),
        "a woken putter's item is already in: nobody finds the buffer full again"
    );
    for order in SpawnOrder::ALL {
        let params = Params::new(1000, 50, 10).unwrap().with_spawn_order(order);
        let (outcome, trace) = handoff.run_traced(&params).unwrap();
        assert!(outcome.is_correct(), "{order}");
        assert_eq!(trace.check(), Ok(()), "{order}");
    }
}

#[test]
fn a_failed_spawn_is_reported_after_the_started_threads_are_released() {
    // The assignment's order: producer 0, 1, 2, then consumer 0, 1, 2. Paired: producer 0,
    // consumer 0, producer 1, .... Which worker the nth spawn was names the order.
    let orders = [
        (
            SpawnOrder::ProducersFirst,
            [
                (0, Role::Producer, 0),
                (2, Role::Producer, 2),
                (3, Role::Consumer, 0),
                (5, Role::Consumer, 2),
            ],
        ),
        (
            SpawnOrder::Paired,
            [
                (0, Role::Producer, 0),
                (1, Role::Consumer, 0),
                (4, Role::Producer, 2),
                (5, Role::Consumer, 2),
            ],
        ),
    ];
    for implementation in [Implementation::Threads, Implementation::Crossbeam] {
        for (order, (nth, role, index)) in orders
            .iter()
            .flat_map(|(order, spawns)| spawns.iter().map(move |spawn| (*order, *spawn)))
        {
            let params = Params::new(200, 3, 1).unwrap().with_spawn_order(order);
            let faults = Faults::default().fail_spawn(nth);
            match run_watched(implementation, params, faults) {
                Err(PipelineError::Spawn {
                    role: got_role,
                    index: got_index,
                    count,
                    ..
                }) => {
                    assert_eq!(
                        (got_role, got_index, count),
                        (role, index, 3),
                        "{implementation}, {order}"
                    );
                }
                other => {
                    panic!("{implementation}, spawn {nth}: expected a spawn error, got {other:?}")
                }
            }
        }
    }
}

#[test]
fn task_pipelines_ignore_spawn_faults() {
    let params = Params::new(20, 2, 1).unwrap();
    for implementation in [
        Implementation::Tasks,
        Implementation::TasksMt,
        Implementation::TasksHandoff,
    ] {
        let outcome = run_watched(implementation, params, Faults::default().fail_spawn(0)).unwrap();
        assert!(outcome.is_correct(), "{implementation}");
    }
}

#[test]
fn an_overflowing_expected_sum_is_refused_up_front() {
    for (num_iters, num_prods_cons) in [(u64::MAX, usize::MAX), (u64::MAX, 3)] {
        assert!(matches!(
            Params::new(num_iters, num_prods_cons, 0),
            Err(PipelineError::SumOverflow { .. })
        ));
    }
    // The largest sums that still fit are accepted.
    assert!(Params::new(u64::MAX, 1, 0).is_ok());
    assert!(Params::new(u64::MAX, 2, 0).is_ok());
}

#[test]
fn more_tasks_than_the_limit_are_refused_without_spawning() {
    let params = Params::new(1, usize::MAX, 0).unwrap();
    for implementation in [
        Implementation::Tasks,
        Implementation::TasksMt,
        Implementation::TasksHandoff,
    ] {
        assert!(matches!(
            implementation.run(&params),
            Err(PipelineError::TooManyTasks { .. })
        ));
    }
}

#[test]
fn more_threads_than_any_os_allows_are_refused_without_spawning() {
    // Linux caps pid_max at 2^22, so 2 * 10^7 threads can never fit.
    let params = Params::new(1, 10_000_000, 1).unwrap();
    for implementation in [Implementation::Threads, Implementation::Crossbeam] {
        let error = run_watched(implementation, params, Faults::default()).unwrap_err();
        assert!(
            matches!(
                error,
                PipelineError::TooManyThreads {
                    requested: 20_000_000,
                    ..
                }
            ),
            "{implementation}: {error:?}"
        );
    }
}

#[test]
fn a_huge_crossbeam_bound_is_refused_but_an_unreachable_one_is_cut() {
    // Capacity far above the 20 items that will ever pass: cut, so the run goes ahead.
    let unreachable = Params::new(10, 2, usize::MAX).unwrap();
    assert!(
        Implementation::Crossbeam
            .run(&unreachable)
            .unwrap()
            .is_correct()
    );
    // A bound that many items could reach would need gigabytes of slots up front.
    let reachable = Params::new(u64::from(u32::MAX), 2, 1 << 30).unwrap();
    assert!(matches!(
        Implementation::Crossbeam.run(&reachable),
        Err(PipelineError::BoundTooLarge { bound, .. }) if bound == 1 << 30
    ));
}

#[test]
fn names_round_trip_through_from_str() {
    for implementation in Implementation::ALL {
        assert_eq!(implementation.name().parse(), Ok(implementation));
        assert_eq!(implementation.to_string(), implementation.name());
    }
    assert!("threads ".parse::<Implementation>().is_err());
}
