//! Stress mode: runs a scenario on real threads, or on tokio tasks, and records its history.
//!
//! All threads start at a barrier, so that the parallel part really overlaps. When nothing
//! has moved for a while (the *patience*), or sooner when the target can tell that every
//! unfinished thread is asleep inside it, and provided every unfinished thread is inside an
//! operation, the runner takes a snapshot: the operations that returned so far, and the ones
//! still running, taken as *blocked*. Then:
//!
//! - if the specification says every running operation must block after the returned ones,
//!   the runner releases them with the target's `release` (its `close`, or an emulated one),
//!   so that the run ends, and the whole history is checked as usual;
//! - otherwise some running operation ought to be able to return, or has already taken
//!   effect without returning. The runner does not release then, because releasing would
//!   turn a thread that was merely slow (woken, but not yet scheduled) into one that reports
//!   `Closed`, which no order explains: a false failure. It waits instead, and a slow thread
//!   finishes. Only if nothing moves for the whole *hang limit* does it act: a snapshot whose
//!   only fault is a running operation that must not block ends the run as a lost wakeup,
//!   with the snapshot as its history; any other is released and checked whole.
//!
//! So the patience only decides when to look, never a verdict: the one verdict that depends
//! on time is the lost wakeup, which needs a thread to stay stuck for the hang limit (seconds)
//! although the specification says it must not block. Safety verdicts depend on no timing.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Barrier, Condvar, Mutex, MutexGuard};
use std::task::Poll;
use std::time::{Duration, Instant};

use super::checker::{FailureKind, Verdict, check, check_prefix};
use super::history::{Clock, Entry, History, Part};
use super::scenario::Scenario;
use super::spec::{Op, Ret, Spec};

/// A boxed future, as an async target's operations return them.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// let future: prodcons_lincheck::BoxFuture<'_, u8> = Box::pin(async { 3 });
/// assert_eq!(tokio_test::block_on(future), 3);
/// ```
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A queue with blocking operations, as the thread runner drives it.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::BlockingQueue;
/// use prodcons_lincheck::{Op, Ret, SyncOps};
///
/// let queue = BlockingQueue::new(1);
/// assert_eq!(queue.apply(Op::TryPut(1)), Ret::Ok);
/// assert_eq!(queue.apply(Op::TryPut(2)), Ret::Full);
/// ```
pub trait SyncOps: Sync {
    /// Runs `op`, blocking as the queue does, and says what it returned.
    fn apply(&self, op: Op) -> Ret;

    /// Releases every blocked operation: closes the queue, or emulates a close.
    fn release(&self);

    /// How many operations are asleep inside the queue, if it can tell. When every unfinished
    /// thread is asleep, the runner looks at once instead of waiting out its patience.
    fn sleepers(&self) -> Option<usize> {
        None
    }
}

/// A queue with async operations, as the task runner drives it.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::AsyncQueue;
/// use prodcons_lincheck::{AsyncOps, Op, Ret};
///
/// let queue = AsyncQueue::new(0);
/// assert_eq!(tokio_test::block_on(queue.apply(Op::Put(1))), Ret::Ok);
/// assert_eq!(tokio_test::block_on(queue.apply(Op::Get)), Ret::Got(1));
/// ```
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

/// Runs `op` on `queue` as the task runner does: a cancelled operation's future is polled,
/// given one turn of the runtime if it is pending, and dropped without a poll after it, so
/// that a wakeup which came during that turn dies with it unless the queue hands it on.
/// Every other operation is awaited.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::AsyncQueue;
/// use prodcons_lincheck::{Op, Ret, drive};
///
/// let queue = AsyncQueue::new(0);
/// assert_eq!(tokio_test::block_on(drive(&queue, Op::CancelledGet)), Ret::Cancelled);
/// assert_eq!(tokio_test::block_on(drive(&queue, Op::CancelledPut(1))), Ret::Ok);
/// assert_eq!(tokio_test::block_on(drive(&queue, Op::CancelledGet)), Ret::Got(1));
/// ```
pub async fn drive<Q: AsyncOps + ?Sized>(queue: &Q, op: Op) -> Ret {
    if !op.is_cancelled() {
        return queue.apply(op).await;
    }
    let mut future = queue.apply(op.uncancelled());
    let first = std::future::poll_fn(|context| Poll::Ready(future.as_mut().poll(context))).await;
    if let Poll::Ready(ret) = first {
        return ret;
    }
    // The turn lets a concurrent operation wake this one; dropping it with no poll after is
    // the case asyncio's contract is about, a waiter cancelled after it was woken.
    tokio::task::yield_now().await;
    drop(future);
    Ret::Cancelled
}

/// How the runner watches a run: when to look for blocked operations, and how long a stuck
/// one may stay stuck before it is a lost wakeup.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// let watch = prodcons_lincheck::Watch::default();
/// assert!(watch.hang_limit > watch.patience);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Watch {
    /// How long nothing may move before the runner takes a snapshot.
    pub patience: Duration,
    /// How long an operation the specification says must not block may stay stuck before
    /// the run ends as a lost wakeup.
    pub hang_limit: Duration,
    /// Search steps for the snapshot's check.
    pub budget: u64,
}

impl Default for Watch {
    fn default() -> Self {
        Self {
            patience: Duration::from_millis(20),
            hang_limit: Duration::from_secs(10),
            budget: 100_000,
        }
    }
}

/// One thread's (or task's) log, shared with the runner so that it can take a snapshot while
/// the thread is stuck. The lock is the thread's own, and the runner takes it only when
/// looking, so it is almost always uncontended.
#[derive(Default)]
struct Log {
    entries: Vec<Entry>,
    /// The operation running now, and its invocation stamp.
    running: Option<(Op, u64)>,
    finished: bool,
}

/// Every part's log, and a condition variable that wakes the runner whenever one changes.
struct Logs {
    parts: Vec<(Part, Mutex<Log>)>,
    progress: Mutex<u64>,
    moved: Condvar,
}

fn relock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poison| poison.into_inner())
}

impl Logs {
    fn new(threads: usize) -> Self {
        Self {
            parts: (0..threads)
                .map(|index| (Part::Thread(index), Mutex::default()))
                .collect(),
            progress: Mutex::new(0),
            moved: Condvar::new(),
        }
    }

    fn moved(&self) {
        *relock(&self.progress) += 1;
        self.moved.notify_all();
    }

    fn invoke(&self, index: usize, op: Op, at: u64) {
        relock(&self.parts[index].1).running = Some((op, at));
    }

    fn respond(&self, index: usize, ret: Ret, at: u64) {
        let mut log = relock(&self.parts[index].1);
        if let Some((op, invoke)) = log.running.take() {
            log.entries
                .push(Entry::new(Part::Thread(index), op, invoke, Some((at, ret))));
        }
        drop(log);
        self.moved();
    }

    fn finish(&self, index: usize) {
        relock(&self.parts[index].1).finished = true;
        self.moved();
    }

    fn unfinished(&self) -> usize {
        self.parts
            .iter()
            .filter(|(_, log)| !relock(log).finished)
            .count()
    }

    /// Whether every unfinished thread is inside an operation. One that has not started, or is
    /// between two operations, is not blocked, however long it takes.
    fn all_inside(&self) -> bool {
        self.parts.iter().all(|(_, log)| {
            let log = relock(log);
            log.finished || log.running.is_some()
        })
    }

    /// Everything so far: returned operations, and running ones as never returned.
    fn snapshot(&self, sequential: &[Entry]) -> History {
        let mut entries = sequential.to_vec();
        for (part, log) in &self.parts {
            let log = relock(log);
            entries.extend(&log.entries);
            if let Some((op, invoke)) = log.running {
                entries.push(Entry::new(*part, op, invoke, None));
            }
        }
        History::new(entries)
    }

    fn take_entries(&self) -> Vec<Entry> {
        self.parts
            .iter()
            .flat_map(|(_, log)| std::mem::take(&mut relock(log).entries))
            .collect()
    }
}

/// How a run's parallel part ended.
enum Ending {
    /// Every thread finished, perhaps after a release at this stamp.
    Finished(Option<u64>),
    /// An operation stayed stuck for the hang limit where it must not block: this snapshot.
    LostWakeup(History),
}

/// What the watcher needs of a queue, threaded or async alike.
trait Watched {
    fn sleepers(&self) -> Option<usize>;
    fn release(&self);
}

/// The thread runner's queue, as the watcher sees it.
struct OnThreads<'a, Q: ?Sized>(&'a Q);

impl<Q: SyncOps + ?Sized> Watched for OnThreads<'_, Q> {
    fn sleepers(&self) -> Option<usize> {
        self.0.sleepers()
    }

    fn release(&self) {
        self.0.release();
    }
}

/// The task runner's queue, as the watcher sees it.
struct OnTasks<'a, Q: ?Sized>(&'a Q);

impl<Q: AsyncOps + ?Sized> Watched for OnTasks<'_, Q> {
    fn sleepers(&self) -> Option<usize> {
        self.0.sleepers()
    }

    fn release(&self) {
        self.0.release();
    }
}

/// Watches the parallel part until every thread finishes, releasing blocked operations when
/// the specification allows it (see the module's documentation).
fn watch(
    logs: &Logs,
    sequential: &[Entry],
    (spec, watch): (&Spec, &Watch),
    clock: &Clock,
    release_log: &mut Vec<Entry>,
    queue: &impl Watched,
) -> Ending {
    let poll = Duration::from_millis(1).min(watch.patience);
    let mut seen = u64::MAX;
    let mut since = Instant::now();
    let mut stuck_since: Option<Instant> = None;
    let mut released = None;
    loop {
        let unfinished = logs.unfinished();
        if unfinished == 0 {
            return Ending::Finished(released);
        }
        let progress = *relock(&logs.progress);
        if progress != seen {
            (seen, since, stuck_since) = (progress, Instant::now(), None);
        }
        let asleep = queue.sleepers().is_some_and(|asleep| asleep >= unfinished);
        let quiet = asleep || since.elapsed() >= watch.patience;
        if released.is_none() && quiet && logs.all_inside() {
            let snapshot = logs.snapshot(sequential);
            let verdict = check(spec, &snapshot, watch.budget);
            let stuck = *stuck_since.get_or_insert_with(Instant::now);
            // Release when every running operation must block, or when the returned ones are
            // not linearizable whatever the running ones did (the full check will say so).
            // Otherwise a running operation may have taken effect and not yet returned (a
            // slow thread, not a stuck one): wait for it, up to the hang limit.
            let hopeless =
                !verdict.is_pass() && check_prefix(spec, &snapshot, watch.budget).is_fail();
            if verdict.is_pass() || hopeless || stuck.elapsed() >= watch.hang_limit {
                if matches!(&verdict, Verdict::Fail(failure) if failure.kind == FailureKind::LostWakeup)
                {
                    queue.release();
                    return Ending::LostWakeup(snapshot);
                }
                let at = clock.tick();
                queue.release();
                let done = clock.tick();
                release_log.push(Entry::new(
                    Part::Release,
                    Op::Close,
                    at,
                    Some((done, Ret::Ok)),
                ));
                released = Some(at);
            }
        }
        let progress = relock(&logs.progress);
        if *progress == seen {
            drop(logs.moved.wait_timeout(progress, poll));
        }
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

fn finish(
    mut log: Vec<Entry>,
    logs: &Logs,
    ending: Ending,
) -> Result<(Vec<Entry>, Option<u64>), History> {
    match ending {
        Ending::LostWakeup(snapshot) => Err(snapshot),
        Ending::Finished(release) => {
            log.extend(logs.take_entries());
            Ok((log, release))
        }
    }
}

fn history(log: Vec<Entry>, release: Option<u64>) -> History {
    match release {
        Some(at) => History::released(log, at),
        None => History::new(log),
    }
}

/// Runs `scenario` once on `queue` with one OS thread per column, and returns its history,
/// judged against `spec` only to decide when blocked operations may be released.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::BlockingQueue;
/// use prodcons_lincheck::{Op, Scenario, Spec, Watch, check, run_threads};
///
/// let scenario = Scenario::new(1, vec![], vec![vec![Op::Put(100)], vec![Op::Get]], vec![]);
/// let queue = BlockingQueue::new(1);
/// let history = run_threads(&queue, &scenario, &Spec::new(1), &Watch::default());
/// assert!(check(&Spec::new(1), &history, 10_000).is_pass());
/// ```
pub fn run_threads<Q: SyncOps + ?Sized>(
    queue: &Q,
    scenario: &Scenario,
    spec: &Spec,
    how: &Watch,
) -> History {
    assert!(
        !scenario
            .threads
            .iter()
            .flatten()
            .any(|op| op.is_cancelled()),
        "threads cannot cancel a blocking call: cancelled operations are for run_tasks"
    );
    let clock = Clock::default();
    let mut log = Vec::new();
    sequential(&clock, &mut log, Part::Init, &scenario.init, |op| {
        queue.apply(op)
    });
    let threads = scenario.threads.len();
    let barrier = Barrier::new(threads);
    let logs = Logs::new(threads);
    let mut release_log = Vec::new();
    let ending = std::thread::scope(|scope| {
        for (index, ops) in scenario.threads.iter().enumerate() {
            let (clock, barrier, logs) = (&clock, &barrier, &logs);
            scope.spawn(move || {
                barrier.wait();
                for &op in ops {
                    logs.invoke(index, op, clock.tick());
                    let ret = queue.apply(op);
                    logs.respond(index, ret, clock.tick());
                }
                logs.finish(index);
            });
        }
        watch(
            &logs,
            &log,
            (spec, how),
            &clock,
            &mut release_log,
            &OnThreads(queue),
        )
        // The scope joins every thread here; a panicking target propagates to the caller.
    });
    log.extend(release_log);
    match finish(log, &logs, ending) {
        Err(snapshot) => snapshot,
        Ok((mut log, release)) => {
            sequential(&clock, &mut log, Part::Post, &scenario.post, |op| {
                queue.apply(op)
            });
            history(log, release)
        }
    }
}

/// Runs `scenario` once on `queue` with one tokio task per column, on `runtime` (either
/// flavour), driven from a helper thread so that this one can watch for blocked tasks.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use std::sync::Arc;
/// use prodcons::AsyncQueue;
/// use prodcons_lincheck::{Op, Scenario, Spec, Watch, check, run_tasks};
///
/// let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// let scenario = Scenario::new(0, vec![], vec![vec![Op::Get], vec![Op::Put(200)]], vec![]);
/// let queue = Arc::new(AsyncQueue::new(0));
/// let history = run_tasks(&runtime, queue, &scenario, &Spec::new(0), &Watch::default());
/// assert!(check(&Spec::new(0), &history, 10_000).is_pass());
/// ```
pub fn run_tasks<Q: AsyncOps>(
    runtime: &tokio::runtime::Runtime,
    queue: Arc<Q>,
    scenario: &Scenario,
    spec: &Spec,
    how: &Watch,
) -> History {
    let clock = Arc::new(Clock::default());
    let mut log = Vec::new();
    sequential(&clock, &mut log, Part::Init, &scenario.init, |op| {
        runtime.block_on(drive(&*queue, op))
    });
    let threads = scenario.threads.len();
    let logs = Arc::new(Logs::new(threads));
    // Tasks cannot meet at a blocking barrier on a current-thread runtime; they are all
    // spawned before the runtime is driven instead, so none starts before the others exist.
    let handles: Vec<_> = scenario
        .threads
        .iter()
        .enumerate()
        .map(|(index, ops)| {
            let (queue, clock, logs, ops) = (
                Arc::clone(&queue),
                Arc::clone(&clock),
                Arc::clone(&logs),
                ops.clone(),
            );
            runtime.spawn(async move {
                for op in ops {
                    logs.invoke(index, op, clock.tick());
                    let ret = drive(&*queue, op).await;
                    logs.respond(index, ret, clock.tick());
                }
                logs.finish(index);
            })
        })
        .collect();
    let mut release_log = Vec::new();
    let ending = std::thread::scope(|scope| {
        let driver = scope.spawn(|| {
            runtime.block_on(async {
                for handle in handles {
                    if let Err(error) = handle.await {
                        std::panic::resume_unwind(error.into_panic());
                    }
                }
            });
        });
        let ending = watch(
            &logs,
            &log,
            (spec, how),
            &clock,
            &mut release_log,
            &OnTasks(&*queue),
        );
        if let Err(panic) = driver.join() {
            std::panic::resume_unwind(panic);
        }
        ending
    });
    log.extend(release_log);
    match finish(log, &logs, ending) {
        Err(snapshot) => snapshot,
        Ok((mut log, release)) => {
            sequential(&clock, &mut log, Part::Post, &scenario.post, |op| {
                runtime.block_on(queue.apply(op))
            });
            history(log, release)
        }
    }
}
