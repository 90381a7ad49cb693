//! Model-checking mode: small lincheck scenarios on our two queues under loom, every
//! interleaving within the preemption bound, each history checked for linearizability.
//!
//! Every scenario here ends with every operation able to complete (its gets are matched by
//! puts or a close), so that a lost wakeup shows up as loom's deadlock report rather than
//! needing the stress runner's deadline.

use loom::sync::Arc;
use loom::thread;
use prodcons::{AsyncQueue, BlockingQueue};
use prodcons_lincheck::{
    AsyncOps, Clock, Entry, History, Op, Part, Scenario, Spec, SyncOps, Verdict, check, report,
};

/// The loom models' bound convention (see the root package's `tests/loom/loom_support.rs`):
/// 3 preemptions unless `LOOM_MAX_PREEMPTIONS` says otherwise; loom's own builder reads the
/// variable.
const DEFAULT_PREEMPTION_BOUND: usize = 3;

fn model(body: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    builder
        .preemption_bound
        .get_or_insert(DEFAULT_PREEMPTION_BOUND);
    builder.check(body);
}

/// Runs `scenario` under every interleaving, applying each operation with `apply`.
fn check_every_interleaving<Q: Send + Sync + 'static>(
    scenario: Scenario,
    make: fn(usize) -> Q,
    apply: fn(&Q, Op) -> prodcons_lincheck::Ret,
) {
    let scenario = std::sync::Arc::new(scenario);
    model(move || {
        let queue = Arc::new(make(scenario.capacity));
        // A std atomic, not loom's: the clock must add no schedule points of its own.
        let clock = std::sync::Arc::new(Clock::default());
        let mut log = Vec::new();
        for &op in &scenario.init {
            clock.record(&mut log, Part::Init, op, || apply(&queue, op));
        }
        let handles: Vec<_> = scenario
            .threads
            .iter()
            .enumerate()
            .map(|(index, ops)| {
                let (queue, clock, ops) = (Arc::clone(&queue), clock.clone(), ops.clone());
                thread::spawn(move || {
                    let mut log: Vec<Entry> = Vec::new();
                    for op in ops {
                        clock.record(&mut log, Part::Thread(index), op, || apply(&queue, op));
                    }
                    log
                })
            })
            .collect();
        for handle in handles {
            log.extend(handle.join().unwrap());
        }
        for &op in &scenario.post {
            clock.record(&mut log, Part::Post, op, || apply(&queue, op));
        }
        let history = History::new(log);
        match check(&Spec::new(scenario.capacity), &history, 100_000) {
            Verdict::Pass { .. } => {}
            Verdict::Fail(failure) => panic!("{}", report(&scenario, &history, &failure)),
            unknown => panic!("no verdict, which is no pass: {unknown:?}\n{history}"),
        }
    });
}

fn blocking(capacity: usize) -> BlockingQueue<u32> {
    BlockingQueue::new(capacity)
}

fn blocking_apply(queue: &BlockingQueue<u32>, op: Op) -> prodcons_lincheck::Ret {
    SyncOps::apply(queue, op)
}

fn asynchronous(capacity: usize) -> AsyncQueue<u32> {
    AsyncQueue::new(capacity)
}

fn async_apply(queue: &AsyncQueue<u32>, op: Op) -> prodcons_lincheck::Ret {
    loom::future::block_on(AsyncOps::apply(queue, op))
}

/// An item sits in the queue throughout: no `try_get` may find it empty, no `len` say 0.
fn non_blocking_under_contention() -> Scenario {
    Scenario::new(
        2,
        vec![Op::TryPut(0)],
        vec![vec![Op::TryGet, Op::Len], vec![Op::TryPut(200), Op::Len]],
        vec![Op::TryGet, Op::TryGet],
    )
}

/// Blocking puts and gets on a one-slot queue, every get matched by a put.
fn blocking_handoff() -> Scenario {
    Scenario::new(
        1,
        vec![],
        vec![vec![Op::Put(100), Op::Put(101)], vec![Op::Get, Op::Get]],
        vec![Op::Len],
    )
}

/// A close racing a put and two gets: the gets drain, then report Closed.
fn close_races_gets() -> Scenario {
    Scenario::new(
        0,
        vec![],
        vec![vec![Op::Put(100), Op::Close], vec![Op::Get, Op::Get]],
        vec![Op::TryPut(900)],
    )
}

#[test]
fn blocking_queue_non_blocking_ops_are_linearizable() {
    check_every_interleaving(non_blocking_under_contention(), blocking, blocking_apply);
}

#[test]
fn blocking_queue_handoff_is_linearizable() {
    check_every_interleaving(blocking_handoff(), blocking, blocking_apply);
}

#[test]
fn blocking_queue_close_is_linearizable() {
    check_every_interleaving(close_races_gets(), blocking, blocking_apply);
}

#[test]
fn async_queue_non_blocking_ops_are_linearizable() {
    check_every_interleaving(non_blocking_under_contention(), asynchronous, async_apply);
}

#[test]
fn async_queue_handoff_is_linearizable() {
    check_every_interleaving(blocking_handoff(), asynchronous, async_apply);
}

#[test]
fn async_queue_close_is_linearizable() {
    check_every_interleaving(close_races_gets(), asynchronous, async_apply);
}
