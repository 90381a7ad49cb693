//! Stress mode: runs a scenario on real threads, or on tokio tasks, and records its history.
//!
//! All threads start at a barrier, so that the parallel part really overlaps. An operation
//! still blocked when nothing else moves is released by the target's `release` (its `close`,
//! or an emulated one), so every run ends. When to release is decided by a deadline, or
//! sooner when the target can count its sleeping waiters; either way the decision only picks
//! the stamp at which blocked operations are judged (see [`check`](super::check)), and an
//! operation released while merely slow is judged leniently, so a slow machine can hide a
//! lost wakeup but never invent one.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Barrier, Condvar, Mutex};
use std::time::{Duration, Instant};

use super::history::{Clock, Entry, History, Part};
use super::scenario::Scenario;
use super::spec::{Op, Ret};

/// A boxed future, as an async target's operations return them.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A queue with blocking operations, as the thread runner drives it.
pub trait SyncOps: Sync {
    /// Runs `op`, blocking as the queue does, and says what it returned.
    fn apply(&self, op: Op) -> Ret;

    /// Releases every blocked operation: closes the queue, or emulates a close.
    fn release(&self);

    /// How many operations are asleep inside the queue, if it can tell. When every unfinished
    /// thread is asleep, the runner releases at once instead of waiting for the deadline.
    fn sleepers(&self) -> Option<usize> {
        None
    }
}

/// A queue with async operations, as the task runner drives it.
pub trait AsyncOps: Send + Sync + 'static {
    /// Runs `op` and says what it returned.
    fn apply(&self, op: Op) -> BoxFuture<'_, Ret>;

    /// Releases every pending operation.
    fn release(&self);

    /// As [`SyncOps::sleepers`].
    fn sleepers(&self) -> Option<usize> {
        None
    }
}

/// Counts finished threads, and wakes the runner at each.
#[derive(Default)]
struct Finished {
    count: Mutex<usize>,
    changed: Condvar,
}

impl Finished {
    fn one_more(&self) {
        *self
            .count
            .lock()
            .unwrap_or_else(|poison| poison.into_inner()) += 1;
        self.changed.notify_all();
    }

    /// Waits until all `threads` are done, or, past `patience` without a thread finishing,
    /// until the rest look blocked. Returns whether they all finished.
    fn wait(
        &self,
        threads: usize,
        patience: Duration,
        sleepers: impl Fn() -> Option<usize>,
    ) -> bool {
        let mut count = self
            .count
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let mut last = (*count, Instant::now());
        // Polled rather than only waited on, because the sleepers count changes without a
        // thread finishing.
        let poll = Duration::from_millis(1).min(patience);
        while *count < threads {
            if *count != last.0 {
                last = (*count, Instant::now());
            }
            if sleepers().is_some_and(|asleep| asleep >= threads - *count) {
                return false;
            }
            if last.1.elapsed() >= patience {
                return false;
            }
            count = self
                .changed
                .wait_timeout(count, poll)
                .unwrap_or_else(|poison| poison.into_inner())
                .0;
        }
        true
    }
}

fn sequential(
    clock: &Clock,
    log: &mut Vec<Entry>,
    part: Part,
    ops: &[Op],
    mut apply: impl FnMut(Op) -> Ret,
) {
    for &op in ops {
        clock.record(log, part, op, || apply(op));
    }
}

fn released(clock: &Clock, log: &mut Vec<Entry>, release: impl FnOnce()) -> u64 {
    let at = clock.tick();
    release();
    let done = clock.tick();
    log.push(Entry::new(
        Part::Release,
        Op::Close,
        at,
        Some((done, Ret::Ok)),
    ));
    at
}

fn history(log: Vec<Entry>, release: Option<u64>) -> History {
    match release {
        Some(at) => History::released(log, at),
        None => History::new(log),
    }
}

/// Runs `scenario` once on `queue` with one OS thread per column.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use std::time::Duration;
/// use prodcons::BlockingQueue;
/// use prodcons::lincheck::{Op, Scenario, Spec, check, run_threads};
///
/// let scenario = Scenario::new(1, vec![], vec![vec![Op::Put(100)], vec![Op::Get]], vec![]);
/// let queue = BlockingQueue::new(1);
/// let history = run_threads(&queue, &scenario, Duration::from_millis(50));
/// assert!(check(&Spec::new(1), &history, 10_000).is_pass());
/// ```
pub fn run_threads<Q: SyncOps + ?Sized>(
    queue: &Q,
    scenario: &Scenario,
    patience: Duration,
) -> History {
    let clock = Clock::default();
    let mut log = Vec::new();
    sequential(&clock, &mut log, Part::Init, &scenario.init, |op| {
        queue.apply(op)
    });
    let threads = scenario.threads.len();
    let barrier = Barrier::new(threads);
    let finished = Finished::default();
    let release = std::thread::scope(|scope| {
        let handles: Vec<_> = scenario
            .threads
            .iter()
            .enumerate()
            .map(|(index, ops)| {
                let (clock, barrier, finished) = (&clock, &barrier, &finished);
                scope.spawn(move || {
                    let mut log = Vec::with_capacity(ops.len());
                    barrier.wait();
                    sequential(clock, &mut log, Part::Thread(index), ops, |op| {
                        queue.apply(op)
                    });
                    finished.one_more();
                    log
                })
            })
            .collect();
        let all_done = finished.wait(threads, patience, || queue.sleepers());
        let release = (!all_done).then(|| released(&clock, &mut log, || queue.release()));
        for handle in handles {
            // A panicking target is a broken target: let it propagate to the caller.
            log.extend(
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
        release
    });
    sequential(&clock, &mut log, Part::Post, &scenario.post, |op| {
        queue.apply(op)
    });
    history(log, release)
}

/// Runs `scenario` once on `queue` with one tokio task per column, on `runtime` (either
/// flavour), driven from a helper thread so that this one can watch for blocked tasks.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use std::sync::Arc;
/// use std::time::Duration;
/// use prodcons::AsyncQueue;
/// use prodcons::lincheck::{Op, Scenario, Spec, check, run_tasks};
///
/// let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// let scenario = Scenario::new(0, vec![], vec![vec![Op::Get], vec![Op::Put(200)]], vec![]);
/// let history = run_tasks(&runtime, Arc::new(AsyncQueue::new(0)), &scenario, Duration::from_millis(50));
/// assert!(check(&Spec::new(0), &history, 10_000).is_pass());
/// ```
pub fn run_tasks<Q: AsyncOps>(
    runtime: &tokio::runtime::Runtime,
    queue: Arc<Q>,
    scenario: &Scenario,
    patience: Duration,
) -> History {
    let clock = Arc::new(Clock::default());
    let mut log = Vec::new();
    sequential(&clock, &mut log, Part::Init, &scenario.init, |op| {
        runtime.block_on(queue.apply(op))
    });
    let threads = scenario.threads.len();
    let finished = Arc::new(Finished::default());
    // Tasks cannot meet at a blocking barrier on a current-thread runtime; they are all
    // spawned before the runtime is driven instead, so none starts before the others exist.
    let handles: Vec<_> = scenario
        .threads
        .iter()
        .enumerate()
        .map(|(index, ops)| {
            let (queue, clock, finished, ops) = (
                Arc::clone(&queue),
                Arc::clone(&clock),
                Arc::clone(&finished),
                ops.clone(),
            );
            runtime.spawn(async move {
                let mut log = Vec::with_capacity(ops.len());
                for op in ops {
                    let invoke = clock.tick();
                    let ret = queue.apply(op).await;
                    let response = clock.tick();
                    log.push(Entry::new(
                        Part::Thread(index),
                        op,
                        invoke,
                        Some((response, ret)),
                    ));
                }
                finished.one_more();
                log
            })
        })
        .collect();
    let release = std::thread::scope(|scope| {
        let driver = scope.spawn(|| {
            runtime.block_on(async {
                let mut logs = Vec::new();
                for handle in handles {
                    match handle.await {
                        Ok(log) => logs.extend(log),
                        Err(error) => std::panic::resume_unwind(error.into_panic()),
                    }
                }
                logs
            })
        });
        let all_done = finished.wait(threads, patience, || queue.sleepers());
        let release = (!all_done).then(|| released(&clock, &mut log, || queue.release()));
        log.extend(
            driver
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        );
        release
    });
    sequential(&clock, &mut log, Part::Post, &scenario.post, |op| {
        runtime.block_on(queue.apply(op))
    });
    history(log, release)
}
