//! Stress mode on our two queues: generated scenarios, each run many times on real threads
//! and on tokio tasks (both runtime flavours), every history checked for linearizability.
//!
//! No timing assertion: the runner's patience only decides when it looks for blocked
//! operations, and it releases them only once the specification says they must block, so a
//! slow machine only makes the runs longer (see `prodcons_lincheck::run_threads`). The one
//! verdict that needs time, a lost wakeup, needs an operation stuck for the whole hang limit.

use std::time::Duration;

use std::sync::Arc;

use prodcons_lincheck::{
    FailureKind, Flavor, LazyRuntime, Op, Plan, Ret, Scenario, Spec, SyncOps, Verdict, Watch,
    check, check_target, report, run_tasks, run_threads, target,
};

fn plan() -> Plan {
    Plan {
        scenarios: 40,
        runs: 10,
        watch: Watch {
            patience: Duration::from_millis(20),
            ..Watch::default()
        },
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
            &spec,
            &Watch::default(),
        );
        match check(&spec, &history, 100_000) {
            Verdict::Pass { .. } => {}
            Verdict::Fail(failure) => panic!("{}", report(scenario, &history, &failure)),
            unknown => panic!("no verdict, which is no pass: {unknown:?}\n{history}"),
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
        &Spec::new(1),
        &Watch::default(),
    );
    assert!(history.release().is_some(), "{history}");
    assert!(
        check(&Spec::new(1), &history, 10_000).is_pass(),
        "{history}"
    );
}

/// A blocking queue whose first `get` loses its wakeup: it waits for the release however many
/// items arrive, as a getter whose notification went astray would.
struct LosesFirstWakeup {
    queue: prodcons::BlockingQueue<u32>,
    first: std::sync::Mutex<bool>,
    released: (std::sync::Mutex<bool>, std::sync::Condvar),
}

impl SyncOps for LosesFirstWakeup {
    fn apply(&self, op: Op) -> Ret {
        if op == Op::Get && std::mem::replace(&mut *self.first.lock().unwrap(), false) {
            let (released, wake) = &self.released;
            let guard = wake.wait_while(released.lock().unwrap(), |released| !*released);
            drop(guard);
        }
        self.queue.apply(op)
    }

    fn release(&self) {
        *self.released.0.lock().unwrap() = true;
        self.released.1.notify_all();
        self.queue.release();
    }
}

#[test]
fn a_get_stuck_while_an_item_waits_is_a_lost_wakeup() {
    let scenario = Scenario::new(0, vec![], vec![vec![Op::Get], vec![Op::Put(200)]], vec![]);
    let queue = LosesFirstWakeup {
        queue: prodcons::BlockingQueue::new(0),
        first: std::sync::Mutex::new(true),
        released: Default::default(),
    };
    let watch = Watch {
        patience: Duration::from_millis(5),
        hang_limit: Duration::from_millis(100),
        ..Watch::default()
    };
    let history = run_threads(&queue, &scenario, &Spec::new(0), &watch);
    match check(&Spec::new(0), &history, 10_000) {
        Verdict::Fail(failure) => assert_eq!(failure.kind, FailureKind::LostWakeup, "{failure}"),
        other => panic!("expected a lost wakeup, got {other:?} for\n{history}"),
    }
}

/// A blocking queue whose gets stall after taking their item, as a thread descheduled just
/// before returning would: far longer than the runner's patience.
struct SlowGetter(prodcons::BlockingQueue<u32>);

impl SyncOps for SlowGetter {
    fn apply(&self, op: Op) -> Ret {
        let ret = self.0.apply(op);
        if op == Op::Get {
            std::thread::sleep(Duration::from_millis(50));
        }
        ret
    }

    fn release(&self) {
        self.0.release();
    }
}

/// Slowness is not a lost wakeup: the runner waits for a thread the specification says can
/// return, instead of closing the queue under it.
#[test]
fn a_slow_thread_is_waited_for_not_released() {
    let scenario = Scenario::new(
        1,
        vec![Op::TryPut(0)],
        vec![vec![Op::Get, Op::Len], vec![Op::Put(200), Op::Len]],
        vec![Op::TryGet],
    );
    let watch = Watch {
        patience: Duration::from_millis(1),
        ..Watch::default()
    };
    for _ in 0..5 {
        let queue = SlowGetter(prodcons::BlockingQueue::new(1));
        let history = run_threads(&queue, &scenario, &Spec::new(1), &watch);
        assert_eq!(history.release(), None, "{history}");
        assert!(
            check(&Spec::new(1), &history, 10_000).is_pass(),
            "{history}"
        );
    }
}

/// A getter cancelled after the put woke it: on a current-thread runtime the order is fixed
/// (T1 waits first, T2 next, T3's put wakes T1 during the turn the driver gives it, then T1
/// is dropped), so a queue that lets the wakeup die with T1 leaves T2 asleep beside the item,
/// a lost wakeup; ours hands it on to T2.
#[test]
fn a_woken_getter_that_is_cancelled_hands_its_wakeup_on() {
    let runtime = LazyRuntime::new(Flavor::CurrentThread);
    let scenario = Scenario::new(
        0,
        vec![],
        vec![vec![Op::CancelledGet], vec![Op::Get], vec![Op::Put(300)]],
        vec![Op::TryGet],
    );
    // The default hang limit: a correct queue never waits it out (T2 gets the item), and a
    // shorter one would let a stalled CI machine pass for a lost wakeup.
    let watch = Watch::default();
    for _ in 0..20 {
        let queue = Arc::new(prodcons::AsyncQueue::new(0));
        let history = run_tasks(runtime.get(), queue, &scenario, &Spec::new(0), &watch);
        match check(&Spec::new(0), &history, 10_000) {
            Verdict::Pass { .. } => {}
            Verdict::Fail(failure) => panic!("{}", report(&scenario, &history, &failure)),
            unknown => panic!("{unknown:?}"),
        }
        let cancelled = history
            .entries()
            .iter()
            .any(|entry| entry.response.is_some_and(|(_, ret)| ret == Ret::Cancelled));
        assert!(
            cancelled,
            "T1 should have been dropped after its wakeup:\n{history}"
        );
    }
}

/// The sweep on our async queue with cancellation in the language (the default sweeps
/// above have it too; this one asks for more cancelled operations by running longer threads).
#[test]
fn async_queue_with_cancellation_is_linearizable() {
    for name in ["async-current", "async-multi"] {
        let target = target(name).unwrap();
        assert!(target.ops().cancel, "{name} should cancel");
        let outcome = check_target(
            &*target,
            &Plan {
                scenarios: 30,
                runs: 5,
                ..plan()
            },
            &|_| {},
        );
        if let Some((_, report)) = &outcome.failure {
            panic!("{name} with cancellation:\n{report}");
        }
        assert_eq!(outcome.unknown, 0, "{name}: a history without a verdict");
    }
}
