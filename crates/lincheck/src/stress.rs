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
//!
//! # What recording costs, and how the runner watches
//!
//! Besides the clock's two stamps (see the history module), an operation touches only its
//! own thread's slot, aligned to cache lines of its own: on invocation and on return, the
//! thread takes its log's lock, which no other thread of the run takes (the runner takes it
//! only to take a snapshot, while every thread is inside an operation, and after the run), so
//! it is always free; and it stores its step count, an atomic only it writes. There is no
//! lock shared between the threads and no notification on the operation path: a thread wakes
//! the runner once, when it has run all its operations, so that the run ends at once.
//!
//! The runner polls instead of being told. It reads every thread's step count, with no lock,
//! and naps between looks: 50 µs after something moved, doubling while nothing does, up to
//! 1 ms (or the patience, if shorter). It asks the target for its sleepers, which for our
//! queues reads their waiting counts under the queue's own lock, only when every unfinished
//! thread is inside an operation and nothing has moved since its previous look: never while
//! the threads are getting on, and at most once a nap while they are all stuck. How soon the
//! runner looks decides only when a run ends, never a verdict: a snapshot is judged the same
//! whenever it is taken, a release still needs the specification to say every running
//! operation must block, and a late look can only lengthen the time a stuck operation is
//! given before it is a lost wakeup, never shorten it.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier, Mutex, MutexGuard};
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

/// One thread's (or task's) log: what it records, and what the runner reads to decide when
/// to look. No other thread of the run touches it; only the runner reads it.
///
/// Aligned to its own cache lines, so that one thread's recording never invalidates the line
/// another thread records on.
#[repr(align(128))]
struct Slot {
    /// The runner's cheap view, written by the thread alone: twice the operations returned,
    /// plus one while an operation runs, with [`FINISHED`] set once the thread is done. The
    /// runner reads it on every look without taking any lock.
    steps: AtomicU64,
    /// The log itself. The lock is the thread's own: the runner takes it only to take a
    /// snapshot (while every thread is inside an operation) and after the run, so the
    /// thread's own lock and unlock find it free and stay on its own cache line.
    log: Mutex<Log>,
}

/// Set in a [`Slot`]'s steps once its thread has run all its operations.
const FINISHED: u64 = 1 << 63;

#[derive(Default)]
struct Log {
    entries: Vec<Entry>,
    /// The operation running now, and its invocation stamp.
    running: Option<(Op, u64)>,
}

/// Every thread's slot, and the runner's thread, which a thread wakes when it finishes.
struct Logs {
    slots: Vec<Slot>,
    watcher: std::thread::Thread,
}

fn relock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poison| poison.into_inner())
}

/// What the runner sees of the threads without taking any lock.
struct Glance {
    unfinished: usize,
    /// Whether every unfinished thread is inside an operation. One that has not started, or is
    /// between two operations, is not blocked, however long it takes.
    all_inside: bool,
    /// Operations returned and threads finished, summed over the threads: what "moved" means,
    /// as it did when every return and finish notified the runner.
    progress: u64,
}

impl Logs {
    /// Logs for `threads` threads, watched from the calling thread.
    fn new(threads: usize) -> Self {
        Self {
            slots: (0..threads)
                .map(|_| Slot {
                    steps: AtomicU64::new(0),
                    log: Mutex::default(),
                })
                .collect(),
            watcher: std::thread::current(),
        }
    }

    /// Moves thread `index` one step on. Only that thread writes its steps, so a load and a
    /// store do; `Release`, so that a runner that sees the step also sees the log behind it.
    fn step(&self, index: usize, by: u64) {
        let steps = &self.slots[index].steps;
        steps.store(steps.load(Ordering::Relaxed) + by, Ordering::Release);
    }

    fn invoke(&self, index: usize, op: Op, at: u64) {
        relock(&self.slots[index].log).running = Some((op, at));
        self.step(index, 1);
    }

    fn respond(&self, index: usize, ret: Ret, at: u64) {
        let mut log = relock(&self.slots[index].log);
        if let Some((op, invoke)) = log.running.take() {
            log.entries
                .push(Entry::new(Part::Thread(index), op, invoke, Some((at, ret))));
        }
        drop(log);
        self.step(index, 1);
    }

    /// Marks thread `index` done and wakes the runner, once per thread and run (never per
    /// operation), so that the run ends as soon as the last thread does.
    fn finish(&self, index: usize) {
        self.step(index, FINISHED);
        self.watcher.unpark();
    }

    fn glance(&self) -> Glance {
        let mut glance = Glance {
            unfinished: 0,
            all_inside: true,
            progress: 0,
        };
        for slot in &self.slots {
            let steps = slot.steps.load(Ordering::Acquire);
            let finished = steps & FINISHED != 0;
            let steps = steps & !FINISHED;
            glance.unfinished += usize::from(!finished);
            glance.all_inside &= finished || steps % 2 == 1;
            glance.progress += steps / 2 + u64::from(finished);
        }
        glance
    }

    /// Everything so far: returned operations, and running ones as never returned; or nothing,
    /// if an unfinished thread turns out to be between two operations after all (it moved
    /// since the glance).
    fn snapshot(&self, sequential: &[Entry]) -> Option<History> {
        let mut entries = sequential.to_vec();
        for (index, slot) in self.slots.iter().enumerate() {
            let log = relock(&slot.log);
            entries.extend(&log.entries);
            match log.running {
                Some((op, invoke)) => {
                    entries.push(Entry::new(Part::Thread(index), op, invoke, None))
                }
                None if slot.steps.load(Ordering::Acquire) & FINISHED == 0 => return None,
                None => {}
            }
        }
        Some(History::new(entries))
    }

    fn take_entries(&self) -> Vec<Entry> {
        self.slots
            .iter()
            .flat_map(|slot| std::mem::take(&mut relock(&slot.log).entries))
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

/// The runner's first nap after something moved; each nap with nothing moving doubles it, up
/// to a millisecond (or the patience, if shorter).
const FIRST_NAP: Duration = Duration::from_micros(50);

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
    let longest_nap = Duration::from_millis(1).min(watch.patience);
    let mut nap = FIRST_NAP.min(longest_nap);
    let mut seen = u64::MAX;
    let mut since = Instant::now();
    let mut stuck_since: Option<Instant> = None;
    let mut released = None;
    loop {
        let glance = logs.glance();
        if glance.unfinished == 0 {
            return Ending::Finished(released);
        }
        let moved = glance.progress != seen;
        if moved {
            (seen, since, stuck_since) = (glance.progress, Instant::now(), None);
            nap = FIRST_NAP.min(longest_nap);
        }
        if released.is_none() && glance.all_inside {
            // The target's lock only once nothing has moved since the last look: never while
            // the threads are getting on.
            let asleep = !moved
                && queue
                    .sleepers()
                    .is_some_and(|asleep| asleep >= glance.unfinished);
            if asleep || since.elapsed() >= watch.patience {
                if let Some(snapshot) = logs.snapshot(sequential) {
                    let stuck = *stuck_since.get_or_insert_with(Instant::now);
                    if let Some(ending) =
                        judge(snapshot, stuck, (spec, watch), clock, release_log, queue)
                    {
                        match ending {
                            Ending::Finished(at) => released = at,
                            lost => return lost,
                        }
                    }
                }
            }
        }
        std::thread::park_timeout(nap);
        nap = (nap * 2).min(longest_nap);
    }
}

/// Decides what to do with a snapshot taken while every unfinished thread was inside an
/// operation and nothing moved, stuck since `stuck`: nothing yet (`None`), a release (its
/// stamp, as `Finished`), or a lost wakeup.
fn judge(
    snapshot: History,
    stuck: Instant,
    (spec, watch): (&Spec, &Watch),
    clock: &Clock,
    release_log: &mut Vec<Entry>,
    queue: &impl Watched,
) -> Option<Ending> {
    let verdict = check(spec, &snapshot, watch.budget);
    // Release when every running operation must block, or when the returned ones are not
    // linearizable whatever the running ones did (the full check will say so). Otherwise a
    // running operation may have taken effect and not yet returned (a slow thread, not a stuck
    // one): wait for it, up to the hang limit.
    let hopeless = !verdict.is_pass() && check_prefix(spec, &snapshot, watch.budget).is_fail();
    if !(verdict.is_pass() || hopeless || stuck.elapsed() >= watch.hang_limit) {
        return None;
    }
    if matches!(&verdict, Verdict::Fail(failure) if failure.kind == FailureKind::LostWakeup) {
        queue.release();
        return Some(Ending::LostWakeup(snapshot));
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
    Some(Ending::Finished(Some(at)))
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
