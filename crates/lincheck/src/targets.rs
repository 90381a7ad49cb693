//! What the checker runs against: our two queues, and a seeded bug. Other crates' channels
//! are targets too, in the `prodcons-peers` crate, which implements [`Target`] for each.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use super::history::History;
use super::scenario::{OpSet, Scenario};
use super::spec::{Op, Ret, Spec, Value};
use super::stress::{AsyncOps, BoxFuture, SyncOps, Watch, run_tasks, run_threads};
use prodcons::{AsyncQueue, BlockingQueue};

/// A queue implementation the checker can run scenarios on.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_lincheck::target;
///
/// let blocking = target("blocking").unwrap();
/// assert!(blocking.ops().close);
/// ```
pub trait Target: Send + Sync {
    /// Its name on the command line.
    fn name(&self) -> &'static str;

    /// The operations it has.
    fn ops(&self) -> OpSet;

    /// How it differs from Python's `Queue`, and how blocked operations are released.
    fn semantics(&self) -> &'static str;

    /// The capacities its scenarios may have; 0 is unbounded.
    fn capacities(&self) -> &'static [usize] {
        &[0, 1, 2]
    }

    /// The specification it is held to, at `capacity`.
    fn spec(&self, capacity: usize) -> Spec {
        Spec::new(capacity)
    }

    /// Runs `scenario` once on a fresh queue and returns its history.
    fn run(&self, scenario: &Scenario, watch: &Watch) -> History;
}

/// The operations that never wait. Every target maps them alike, blocking or async, so each
/// implements these four and [`immediately`] does the rest; only `put` and `get` differ.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::BlockingQueue;
/// use prodcons_lincheck::{Immediate, Op, Ret, immediately};
///
/// let queue = BlockingQueue::new(1);
/// assert_eq!(queue.try_put_now(5), Ret::Ok);
/// assert_eq!(immediately(&queue, Op::TryPut(6)), Some(Ret::Full));
/// assert_eq!(immediately(&queue, Op::Put(6)), None, "put may wait");
/// ```
pub trait Immediate {
    /// `try_put(value)`, as the specification's return value.
    fn try_put_now(&self, value: Value) -> Ret;
    /// `try_get()`, as the specification's return value.
    fn try_get_now(&self) -> Ret;
    /// `close()`.
    fn close_now(&self);
    /// `len()`.
    fn len_now(&self) -> usize;
}

/// What `op` returns if it is one that never waits; `None` for `put` and `get` (see
/// [`Immediate`]'s example), and for [`Op::DropSender`] and [`Op::DropReceiver`], which only a
/// target whose [`OpSet::drops`] says so has, and maps itself.
pub fn immediately(queue: &impl Immediate, op: Op) -> Option<Ret> {
    Some(match op {
        Op::TryPut(value) => queue.try_put_now(value),
        Op::TryGet => queue.try_get_now(),
        Op::Close => {
            queue.close_now();
            Ret::Ok
        }
        Op::Len => Ret::Len(queue.len_now()),
        Op::Put(_)
        | Op::Get
        | Op::CancelledGet
        | Op::CancelledPut(_)
        | Op::DropSender
        | Op::DropReceiver => return None,
    })
}

/// An async target's operation: [`immediately`] if it never waits, else `put(value)` or
/// `get()`, whichever it is. The runner hands cancelled operations over uncancelled.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::AsyncQueue;
/// use prodcons_lincheck::{Op, Ret, waiting};
///
/// let queue = AsyncQueue::new(0);
/// let on = &queue;
/// let put = |value| async move { on.put(value).await.map_or(Ret::Closed, |()| Ret::Ok) };
/// let get = || async move { on.get().await.map_or(Ret::Closed, Ret::Got) };
/// assert_eq!(tokio_test::block_on(waiting(&queue, Op::Put(1), put, get)), Ret::Ok);
/// ```
pub fn waiting<'a, Q, P, G>(
    queue: &'a Q,
    op: Op,
    put: impl FnOnce(Value) -> P + Send + 'a,
    get: impl FnOnce() -> G + Send + 'a,
) -> BoxFuture<'a, Ret>
where
    Q: Immediate + Sync,
    P: std::future::Future<Output = Ret> + Send + 'a,
    G: std::future::Future<Output = Ret> + Send + 'a,
{
    Box::pin(async move {
        if let Some(ret) = immediately(queue, op) {
            return ret;
        }
        match op {
            Op::Put(value) => put(value).await,
            _ => get().await,
        }
    })
}

fn try_put_ret(result: Result<(), prodcons::TryPutError<Value>>) -> Ret {
    match result {
        Ok(()) => Ret::Ok,
        Err(error) if error.is_full() => Ret::Full,
        Err(_) => Ret::Closed,
    }
}

fn try_get_ret(result: Result<Value, prodcons::TryGetError>) -> Ret {
    match result {
        Ok(value) => Ret::Got(value),
        Err(error) if error.is_empty() => Ret::Empty,
        Err(_) => Ret::Closed,
    }
}

/// Both our queues have the same non-waiting API.
macro_rules! our_immediate {
    ($queue:ty) => {
        impl Immediate for $queue {
            fn try_put_now(&self, value: Value) -> Ret {
                try_put_ret(self.try_put(value))
            }

            fn try_get_now(&self) -> Ret {
                try_get_ret(self.try_get())
            }

            fn close_now(&self) {
                self.close();
            }

            fn len_now(&self) -> usize {
                self.len()
            }
        }
    };
}

our_immediate!(BlockingQueue<Value>);
our_immediate!(AsyncQueue<Value>);

impl SyncOps for BlockingQueue<Value> {
    fn apply(&self, op: Op) -> Ret {
        immediately(self, op).unwrap_or_else(|| match op {
            Op::Put(value) => self.put(value).map_or(Ret::Closed, |()| Ret::Ok),
            _ => self.get().map_or(Ret::Closed, Ret::Got),
        })
    }

    fn release(&self) {
        self.close();
    }

    fn sleepers(&self) -> Option<usize> {
        Some(self.waiting_getters() + self.waiting_putters())
    }
}

impl AsyncOps for AsyncQueue<Value> {
    fn apply(&self, op: Op) -> BoxFuture<'_, Ret> {
        waiting(
            self,
            op,
            move |value| async move { self.put(value).await.map_or(Ret::Closed, |()| Ret::Ok) },
            move || async move { self.get().await.map_or(Ret::Closed, Ret::Got) },
        )
    }

    fn release(&self) {
        self.close();
    }

    fn sleepers(&self) -> Option<usize> {
        Some(self.waiting_getters() + self.waiting_putters())
    }
}

/// Which tokio runtime an async target runs on.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_lincheck::{Async, Flavor, Target};
///
/// assert_eq!(Async::new(Flavor::MultiThread).name(), "async-multi");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// One thread: tasks interleave only at `.await`s.
    CurrentThread,
    /// Two worker threads: tasks also run in parallel.
    MultiThread,
}

/// A tokio runtime, built on first use and reused for every run after.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_lincheck::{Flavor, LazyRuntime};
///
/// let runtime = LazyRuntime::new(Flavor::CurrentThread);
/// assert_eq!(runtime.get().block_on(async { 1 + 1 }), 2);
/// ```
#[derive(Debug)]
pub struct LazyRuntime {
    flavor: Flavor,
    runtime: OnceLock<tokio::runtime::Runtime>,
}

impl LazyRuntime {
    /// A runtime of `flavor`, not built yet.
    pub const fn new(flavor: Flavor) -> Self {
        Self {
            flavor,
            runtime: OnceLock::new(),
        }
    }

    /// The runtime.
    ///
    /// # Panics
    ///
    /// If the OS refuses tokio its threads.
    pub fn get(&self) -> &tokio::runtime::Runtime {
        self.runtime.get_or_init(|| {
            let mut builder = match self.flavor {
                Flavor::CurrentThread => tokio::runtime::Builder::new_current_thread(),
                Flavor::MultiThread => {
                    let mut builder = tokio::runtime::Builder::new_multi_thread();
                    builder.worker_threads(2);
                    builder
                }
            };
            builder.build().expect("the OS refused tokio its threads")
        })
    }
}

/// Our [`BlockingQueue`] on OS threads.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_lincheck::{Blocking, Op, Scenario, Target, Watch, check};
///
/// let scenario = Scenario::new(0, vec![], vec![vec![Op::Put(100)], vec![Op::TryGet]], vec![]);
/// let history = Blocking.run(&scenario, &Watch::default());
/// assert!(check(&Blocking.spec(0), &history, 10_000).is_pass());
/// ```
#[derive(Debug, Default)]
pub struct Blocking;

impl Target for Blocking {
    fn name(&self) -> &'static str {
        "blocking"
    }

    fn ops(&self) -> OpSet {
        OpSet::ALL
    }

    fn semantics(&self) -> &'static str {
        "the specification itself: Python's queue.Queue, close like 3.13's shutdown"
    }

    fn run(&self, scenario: &Scenario, watch: &Watch) -> History {
        run_threads(
            &BlockingQueue::new(scenario.capacity),
            scenario,
            &self.spec(scenario.capacity),
            watch,
        )
    }
}

/// Our [`AsyncQueue`] on tokio tasks.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_lincheck::{Async, Flavor, Op, Scenario, Target, Watch, check};
///
/// let target = Async::new(Flavor::CurrentThread);
/// let scenario = Scenario::new(1, vec![], vec![vec![Op::Get], vec![Op::Put(200)]], vec![]);
/// let history = target.run(&scenario, &Watch::default());
/// assert!(check(&target.spec(1), &history, 10_000).is_pass());
/// ```
#[derive(Debug)]
pub struct Async {
    name: &'static str,
    runtime: LazyRuntime,
}

impl Async {
    /// On a runtime of `flavor`.
    pub const fn new(flavor: Flavor) -> Self {
        let name = match flavor {
            Flavor::CurrentThread => "async-current",
            Flavor::MultiThread => "async-multi",
        };
        Self {
            name,
            runtime: LazyRuntime::new(flavor),
        }
    }
}

impl Target for Async {
    fn name(&self) -> &'static str {
        self.name
    }

    fn ops(&self) -> OpSet {
        OpSet::ALL.with_cancel()
    }

    fn semantics(&self) -> &'static str {
        "the specification itself: asyncio's Queue, close like 3.13's shutdown"
    }

    fn run(&self, scenario: &Scenario, watch: &Watch) -> History {
        let queue = Arc::new(AsyncQueue::new(scenario.capacity));
        run_tasks(
            self.runtime.get(),
            queue,
            scenario,
            &self.spec(scenario.capacity),
            watch,
        )
    }
}

/// Our targets: the blocking queue, and the async queue on both runtimes.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// let names: Vec<_> = prodcons_lincheck::targets().iter().map(|t| t.name()).collect();
/// assert_eq!(names, ["blocking", "async-current", "async-multi"]);
/// ```
pub fn targets() -> Vec<Box<dyn Target>> {
    vec![
        Box::new(Blocking),
        Box::new(Async::new(Flavor::CurrentThread)),
        Box::new(Async::new(Flavor::MultiThread)),
    ]
}

/// The target called `name`, if there is one: among [`targets`], or the seeded bug.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// assert!(prodcons_lincheck::target("seeded-bug").is_some());
/// assert!(prodcons_lincheck::target("no-such-queue").is_none());
/// ```
pub fn target(name: &str) -> Option<Box<dyn Target>> {
    if name == SeededBug.name() {
        return Some(Box::new(SeededBug));
    }
    targets().into_iter().find(|target| target.name() == name)
}

/// Our [`BlockingQueue`] with a seeded race: `try_get` reports `Empty` when exactly one item
/// is queued *and another operation is running at the same moment*. Alone, every operation is
/// right, so only a run whose threads overlap can show it: it proves that a sweep finds races,
/// not just wrong answers. It is not among [`targets`], only found by name, as `seeded-bug`.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_lincheck::{Op, Plan, Scenario, SeededBug, Target, Watch, check, check_target};
///
/// // One thread at a time: nothing overlaps, and the bug cannot show.
/// let alone = Scenario::new(0, vec![Op::TryPut(0)], vec![vec![Op::TryGet]], vec![Op::Len]);
/// let history = SeededBug.run(&alone, &Watch::default());
/// assert!(check(&SeededBug.spec(0), &history, 10_000).is_pass());
///
/// // Threads that overlap: the sweep finds it.
/// let plan = Plan { scenarios: 200, runs: 20, ..Plan::default() };
/// let outcome = check_target(&SeededBug, &plan, &|_| {});
/// assert!(outcome.failure.is_some());
/// ```
#[derive(Debug, Default)]
pub struct SeededBug;

/// The queue behind [`SeededBug`], with a count of the operations running on it.
struct RacyTryGet {
    queue: BlockingQueue<Value>,
    running: AtomicUsize,
}

impl SyncOps for RacyTryGet {
    fn apply(&self, op: Op) -> Ret {
        // SeqCst, so that each call sees every operation that began before it.
        let others = self.running.fetch_add(1, Ordering::SeqCst);
        let ret = if op == Op::TryGet && others > 0 && self.queue.len() == 1 {
            Ret::Empty
        } else {
            self.queue.apply(op)
        };
        self.running.fetch_sub(1, Ordering::SeqCst);
        ret
    }

    fn release(&self) {
        self.queue.release();
    }

    fn sleepers(&self) -> Option<usize> {
        self.queue.sleepers()
    }
}

impl Target for SeededBug {
    fn name(&self) -> &'static str {
        "seeded-bug"
    }

    fn ops(&self) -> OpSet {
        OpSet::ALL
    }

    fn semantics(&self) -> &'static str {
        "deliberately broken: try_get says Empty when one item is queued and another operation \
         runs at the same moment"
    }

    fn run(&self, scenario: &Scenario, watch: &Watch) -> History {
        run_threads(
            &RacyTryGet {
                queue: BlockingQueue::new(scenario.capacity),
                running: AtomicUsize::new(0),
            },
            scenario,
            &self.spec(scenario.capacity),
            watch,
        )
    }
}
