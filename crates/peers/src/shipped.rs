//! Shipped concurrency bugs that need two tasks or threads, each pinned beside the current
//! release run through the very same adapter, so that a sweep of one and of the other draws
//! the same scenarios from the same seed:
//!
//! - async-channel 1.4.0 on event-listener 2.3.2 (`async-channel-1.4.0`, beside
//!   `async-channel-2`): smol-rs/event-listener#9, "Hang since v2.3.2". 2.3.2 keeps one list
//!   entry cached for reuse, and `List::insert` hands the cached entry out without setting its
//!   `prev` to the current tail; when it is removed, `remove` takes it for the head and unlinks
//!   every entry before it, whose listeners then never hear a notification (fixed in 2.3.3 by
//!   "Fix a bug in caching", 36e5220). It takes three listeners of one event alive in the
//!   wrong order: receivers waiting together, one leaving, another arriving.
//! - tokio 0.2.22's bounded mpsc with the receiver's `close` (`tokio-0.2.22-mpsc`, beside
//!   `tokio-mpsc-close`): tokio-rs/tokio#2854 (fixed in 0.2.23: a sender dropping a permit it
//!   acquired but never used did not wake a receiver waiting for the closed channel to go
//!   idle) and tokio-rs/tokio#3215 (fixed in 0.2.24: a permit freed after `close` was still
//!   assigned to a closed waiter, so the channel never went idle). Both leave a `recv` on a
//!   closed, drained channel asleep for good; both need a sender waiting, or holding a permit,
//!   in one task while another receives and closes.
//! - tokio 0.2's `try_recv` racing two senders (`tokio-0.2.22-try-race`, beside
//!   `tokio-mpsc-try-race`): tokio-rs/tokio#2020 (with carllerche's loom test), the reason
//!   tokio 1.0 removed `try_recv` (#3263, tracked in #3350) until #4113 brought it back in
//!   1.12.0. A send claims its slot and writes it in two steps; a `try_recv` that finds the
//!   next slot claimed but unwritten says `Empty`, though a later slot holds a value whose
//!   `try_send` already returned. tokio 1's `try_recv` waits for the slot instead. The window
//!   is a few instructions wide, and the sweeps have not hit it (`docs/conformance.md`).
//! - crossbeam-channel 0.3.5's unbounded channel (`crossbeam-0.3.5-try`, beside
//!   `crossbeam-try-hop`): crossbeam-rs/crossbeam c057b860, "bugfix: initialization of
//!   unbounded channel" (merged in crossbeam-rs/crossbeam#281, released in 0.3.6, whose
//!   changelog reads "Fix a bug in initialization of unbounded channels"; 0.3.5 is yanked). A
//!   receive reads the head block's pointer, then the tail; if the first send installs the
//!   block and moves the tail in between, the receive sees a message but a null block, and
//!   waits for the block without ever reading the pointer again: it spins for good.
//!
//! The async targets run on tokio's multi-thread runtime (two workers), where the tasks race,
//! and have `-current` twins on the current-thread runtime, where tasks interleave only at their
//! awaits and a run repeats exactly: there the fixed scenarios of the tests fail every time.
//! A bug that leaves an operation asleep for good would keep the runner from ever ending the
//! run, since even the release's `close` does not wake a listener that fell off the list: the
//! adapters' [`Rescue`] makes every still-pending operation look once more after the release,
//! and one that still cannot finish then reports what no order explains for a blocking
//! operation (`Empty` for a get, `Full` for a put), so that the run ends and is judged.

use std::future::Future;
use std::pin::pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Poll, Waker};
use std::time::Duration;

use prodcons_lincheck::{
    AsyncOps, BoxFuture, Flavor, History, Immediate, LazyRuntime, Op, OpSet, Ret, Scenario,
    SyncOps, Target, Value, Watch, immediately, waiting,
};

use crate::shared::{
    ANY, BOUNDED, NON_BLOCKING_OPS, Peer, TryOnly, locked, on_tasks, on_threads, try_sent,
};

// Only there to hold async-channel 1.4.0's `event-listener = "^2.3.0"` to the release with the
// bug: Cargo resolves one 2.x for the whole graph, and this pin is it.
use event_listener_2_3_2 as _;

/// Lets a run end when a crate's bug leaves an operation asleep for good: after the release
/// (the runner's, through the adapter's `release`), every operation still pending is polled
/// once more, and one that still cannot finish reports `stuck`.
///
/// The extra poll cannot hide a lost wakeup: the runner has judged a lost wakeup from its
/// snapshot before it releases; and a release of operations the specification says must all
/// block is a close, which must wake them, so one still pending after the extra poll is the
/// crate's failure (async-channel 1.4.0's `recv` resumes at the listener it awaits, which
/// event-listener 2.3.2's close may never notify) and is reported as such. It costs the
/// operation path one registration in a [`tokio::sync::Notify`] before the operation starts,
/// and nothing around the operation itself.
#[derive(Default)]
struct Rescue {
    released: AtomicBool,
    notify: tokio::sync::Notify,
}

impl Rescue {
    /// `operation`, which reports `stuck` if it is still pending after the release.
    async fn guard(&self, operation: impl Future<Output = Ret>, stuck: Ret) -> Ret {
        let mut operation = pin!(operation);
        let mut released = pin!(self.notify.notified());
        // Registered before the flag is read: a release after the read still wakes it.
        released.as_mut().enable();
        std::future::poll_fn(|context| {
            if let Poll::Ready(ret) = operation.as_mut().poll(context) {
                return Poll::Ready(ret);
            }
            if self.released.load(Ordering::Acquire) || released.as_mut().poll(context).is_ready() {
                return Poll::Ready(match operation.as_mut().poll(context) {
                    Poll::Ready(ret) => ret,
                    Poll::Pending => stuck,
                });
            }
            Poll::Pending
        })
        .await
    }

    fn release(&self) {
        self.released.store(true, Ordering::Release);
        self.notify.notify_waiters();
    }
}

/// What a blocking get that the crate could not finish reports: `Empty`, which a blocking get
/// never returns, so that no order explains the history.
const STUCK_GET: Ret = Ret::Empty;

/// What a blocking put that the crate could not finish reports: `Full`, likewise.
const STUCK_PUT: Ret = Ret::Full;

/// async-channel's `unbounded()` for capacity 0, else `bounded(capacity)`, with every operation
/// of the scenario language: `send`/`recv` awaited (and cancelled), `try_send`/`try_recv`,
/// `close` and `len` on the channel itself. The releases differ only in their crate path.
macro_rules! async_channel_adapter {
    ($(#[$doc:meta])* $name:ident, $krate:ident) => {
        $(#[$doc])*
        struct $name {
            tx: $krate::Sender<Value>,
            rx: $krate::Receiver<Value>,
            rescue: Rescue,
        }

        impl $name {
            fn new(capacity: usize) -> Self {
                let (tx, rx) = match capacity {
                    0 => $krate::unbounded(),
                    bound => $krate::bounded(bound),
                };
                Self {
                    tx,
                    rx,
                    rescue: Rescue::default(),
                }
            }
        }

        impl Immediate for $name {
            fn try_put_now(&self, value: Value) -> Ret {
                try_sent(self.tx.try_send(value), |error| {
                    matches!(error, $krate::TrySendError::Full(_))
                })
            }

            fn try_get_now(&self) -> Ret {
                match self.rx.try_recv() {
                    Ok(value) => Ret::Got(value),
                    Err($krate::TryRecvError::Empty) => Ret::Empty,
                    Err($krate::TryRecvError::Closed) => Ret::Closed,
                }
            }

            fn close_now(&self) {
                self.tx.close();
            }

            fn len_now(&self) -> usize {
                self.tx.len()
            }
        }

        impl AsyncOps for $name {
            fn apply(&self, op: Op) -> BoxFuture<'_, Ret> {
                waiting(
                    self,
                    op,
                    move |value| {
                        let send = async move {
                            self.tx.send(value).await.map_or(Ret::Closed, |()| Ret::Ok)
                        };
                        self.rescue.guard(send, STUCK_PUT)
                    },
                    move || {
                        let recv =
                            async move { self.rx.recv().await.map_or(Ret::Closed, Ret::Got) };
                        self.rescue.guard(recv, STUCK_GET)
                    },
                )
            }

            fn release(&self) {
                self.close_now();
                self.rescue.release();
            }
        }
    };
}

async_channel_adapter!(
    /// async-channel 1.4.0, resolved against event-listener 2.3.2 (smol-rs/event-listener#9).
    AsyncChannel1_4,
    async_channel_1_4_0
);

async_channel_adapter!(
    /// The current async-channel (2.x, on event-listener 5).
    AsyncChannel2,
    async_channel
);

/// A tokio bounded mpsc with the receiver's `close` in the scenarios, for tasks. The releases
/// differ only in their crate path.
///
/// Each put sends on a clone of the adapter's sender (tokio 0.2's `send` takes `&mut self`),
/// taken under a short lock and dropped with the put, as a cancelled put drops it. The one
/// receiver takes turns: a get holds `turn` (an async mutex) for its whole call, and the
/// receiver itself sits behind a plain mutex held only while it is polled, so that `close`
/// from another task always reaches it. tokio's `close` does not wake the receiver (its owner
/// is the one closing), so `close` here wakes the get whose turn it is, which then looks again,
/// as the owner would after its own close. No `try_get` and no `len`: tokio 0.2's `try_recv`
/// has a bug of its own after `close` (tokio-rs/tokio#7631, `tokio-0.2-mpsc-try`), which
/// would fail first and hide these, and `len` needs the receiver.
macro_rules! tokio_close_adapter {
    ($(#[$doc:meta])* $name:ident, $tokio:ident, $closed:ident) => {
        $(#[$doc])*
        struct $name {
            tx: Mutex<Option<$tokio::sync::mpsc::Sender<Value>>>,
            /// The receiver, and the waker of the get whose turn it is.
            rx: Mutex<($tokio::sync::mpsc::Receiver<Value>, Option<Waker>)>,
            turn: tokio::sync::Mutex<()>,
            rescue: Rescue,
        }

        impl $name {
            fn new(capacity: usize) -> Self {
                let (tx, rx) = $tokio::sync::mpsc::channel(capacity);
                Self {
                    tx: Mutex::new(Some(tx)),
                    rx: Mutex::new((rx, None)),
                    turn: tokio::sync::Mutex::new(()),
                    rescue: Rescue::default(),
                }
            }

            async fn put(&self, value: Value) -> Ret {
                let Some(tx) = locked(&self.tx).clone() else {
                    return Ret::Closed;
                };
                // `mut` for 0.2's `send(&mut self)`; tokio 1's takes `&self`.
                #[allow(unused_mut)]
                let mut tx = tx;
                tx.send(value).await.map_or(Ret::Closed, |()| Ret::Ok)
            }

            /// The wait for the turn is not rescued, only the receive: a get waiting for its
            /// turn at the release gets it when the get before it ends, rescued or not.
            async fn get(&self) -> Ret {
                let _turn = self.turn.lock().await;
                let recv = std::future::poll_fn(|context| {
                    let mut rx = locked(&self.rx);
                    let (receiver, getter) = &mut *rx;
                    // tokio 0.2.22 asserts, on reading the end of a closed channel, that no
                    // permit is out: the permit #3215 strands is, so `recv` panics there. The
                    // panic is the crate's failure to finish the get, reported as `stuck`.
                    let polled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        receiver.poll_recv(context)
                    }));
                    *getter = matches!(polled, Ok(Poll::Pending)).then(|| context.waker().clone());
                    match polled {
                        Ok(Poll::Ready(value)) => Poll::Ready(value.map_or(Ret::Closed, Ret::Got)),
                        Ok(Poll::Pending) => Poll::Pending,
                        Err(_) => Poll::Ready(STUCK_GET),
                    }
                });
                self.rescue.guard(recv, STUCK_GET).await
            }
        }

        impl Immediate for $name {
            /// Not in the generated scenarios (see the adapter's documentation).
            fn try_put_now(&self, value: Value) -> Ret {
                use $tokio::sync::mpsc::error::TrySendError;
                let Some(tx) = locked(&self.tx).clone() else {
                    return Ret::Closed;
                };
                #[allow(unused_mut)]
                let mut tx = tx;
                try_sent(tx.try_send(value), |error| matches!(error, TrySendError::Full(_)))
            }

            /// Not in the generated scenarios (see the adapter's documentation).
            fn try_get_now(&self) -> Ret {
                use $tokio::sync::mpsc::error::TryRecvError;
                match locked(&self.rx).0.try_recv() {
                    Ok(value) => Ret::Got(value),
                    Err(TryRecvError::Empty) => Ret::Empty,
                    Err(TryRecvError::$closed) => Ret::Closed,
                }
            }

            fn close_now(&self) {
                let waiting = {
                    let mut rx = locked(&self.rx);
                    rx.0.close();
                    rx.1.take()
                };
                if let Some(getter) = waiting {
                    getter.wake();
                }
            }

            /// Not in the generated scenarios: tokio 0.2's receiver has no `len`.
            fn len_now(&self) -> usize {
                0
            }
        }

        impl AsyncOps for $name {
            fn apply(&self, op: Op) -> BoxFuture<'_, Ret> {
                waiting(
                    self,
                    op,
                    move |value| self.rescue.guard(self.put(value), STUCK_PUT),
                    move || self.get(),
                )
            }

            /// Drops the adapter's sender, then closes the receiver: Python's close.
            fn release(&self) {
                drop(locked(&self.tx).take());
                self.close_now();
                self.rescue.release();
            }
        }
    };
}

tokio_close_adapter!(
    /// tokio 0.2.22's bounded mpsc (tokio-rs/tokio#2854 and #3215).
    Tokio0_2Close,
    tokio_0_2,
    Closed
);

tokio_close_adapter!(
    /// The current tokio's.
    Tokio1Close,
    tokio,
    Disconnected
);

/// The tokio close targets' scenarios: blocking puts and gets, cancelled ones too, and the
/// receiver's `close` (see [`tokio_close_adapter`]). Gets from any thread, taking turns, not
/// the single-consumer layout (`tokio-mpsc`'s since 6 December), so that the sweeps recorded
/// in `docs/data/shipped-bugs.csv` stay the ones these targets draw; the turn is taken by gets
/// alone, so sends and `close` still race the receive unhindered, which is where both bugs are.
const TOKIO_CLOSE_OPS: OpSet = OpSet {
    blocking: true,
    non_blocking: false,
    close: true,
    len: false,
    cancel: true,
    single_consumer: false,
    drops: false,
};

/// A bounded tokio mpsc through `try_send` and `try_recv` alone, for threads: the releases
/// differ only in their crate path and the name of the closed-and-drained error.
macro_rules! tokio_try_adapter {
    ($name:ident, $tokio:ident, $closed:ident) => {
        fn $name(
            capacity: usize,
        ) -> TryOnly<$tokio::sync::mpsc::Sender<Value>, $tokio::sync::mpsc::Receiver<Value>> {
            use $tokio::sync::mpsc::error::{TryRecvError, TrySendError};
            TryOnly::new(
                $tokio::sync::mpsc::channel(capacity),
                |tx, value| {
                    try_sent(tx.try_send(value), |error| {
                        matches!(error, TrySendError::Full(_))
                    })
                },
                |rx| match rx.try_recv() {
                    Ok(value) => Ret::Got(value),
                    Err(TryRecvError::Empty) => Ret::Empty,
                    Err(TryRecvError::$closed) => Ret::Closed,
                },
                $tokio::sync::mpsc::Receiver::close,
            )
        }
    };
}

tokio_try_adapter!(tokio_0_2_try, tokio_0_2, Closed);
tokio_try_adapter!(tokio_1_try, tokio, Disconnected);

/// The try-race targets' scenarios: `try_put` and `try_get`, and no `close`, after which tokio
/// 0.2's `try_recv` fails deterministically (tokio-rs/tokio#7631, `tokio-0.2-mpsc-try`).
const TRY_RACE_OPS: OpSet = OpSet {
    close: false,
    ..NON_BLOCKING_OPS
};

/// A channel checked through `try_send` and `try_recv` alone, on threads, where each
/// `try_recv` runs on a worker thread of its caller's own, and the caller waits for its answer.
/// For crossbeam-channel 0.3.5, whose `try_recv` can spin for good (below): a receive that never
/// returns would keep the runner from ever joining the scenario's threads, but a worker it can
/// leave behind. The sends run on the callers themselves (they never spin). The hop costs each
/// receive two hand-offs between threads, and adds no lock around the operation.
struct Hopping<S, R> {
    tx: S,
    rx: R,
    try_send: fn(&S, Value) -> Ret,
    try_recv: fn(&R) -> Ret,
    released: AtomicBool,
}

/// One job for a caller's worker: the operation, and where its answer goes.
type Job = (
    Box<dyn FnOnce() -> Ret + Send>,
    std::sync::mpsc::SyncSender<Ret>,
);

thread_local! {
    /// The calling thread's worker, started on its first receive; it ends with its caller
    /// (whose end of the job queue goes then), unless it is stuck in a receive for good.
    static WORKER: std::cell::RefCell<Option<std::sync::mpsc::Sender<Job>>> =
        const { std::cell::RefCell::new(None) };
}

/// `job` on the calling thread's worker; `stuck` if the runner released the run while the job
/// was still running.
fn hop(job: Box<dyn FnOnce() -> Ret + Send>, released: &AtomicBool, stuck: Ret) -> Ret {
    use std::sync::mpsc::{RecvTimeoutError, channel, sync_channel};
    let (reply, answer) = sync_channel(1);
    WORKER.with(|worker| {
        let mut worker = worker.borrow_mut();
        let jobs = worker.get_or_insert_with(|| {
            let (jobs, queue) = channel::<Job>();
            std::thread::spawn(move || {
                for (job, reply) in queue {
                    // The caller may have given up (a release); its answer goes nowhere then.
                    let _ = reply.send(job());
                }
            });
            jobs
        });
        // A worker whose queue is gone has ended; the answer's disconnection says so below.
        let _ = jobs.send((job, reply));
    });
    loop {
        // A job that returns wakes this at once; the timeout only bounds how late a stuck one
        // notices the release.
        match answer.recv_timeout(Duration::from_millis(1)) {
            Ok(ret) => return ret,
            Err(RecvTimeoutError::Timeout) if !released.load(Ordering::Acquire) => {}
            Err(_) => return stuck,
        }
    }
}

impl<S, R> Hopping<S, R> {
    fn new((tx, rx): (S, R), try_send: fn(&S, Value) -> Ret, try_recv: fn(&R) -> Ret) -> Self {
        Self {
            tx,
            rx,
            try_send,
            try_recv,
            released: AtomicBool::new(false),
        }
    }
}

impl<S, R: Clone + Send + 'static> Immediate for Hopping<S, R> {
    fn try_put_now(&self, value: Value) -> Ret {
        (self.try_send)(&self.tx, value)
    }

    /// On the caller's worker; a receive still running at the release reports `Full`, which no
    /// order explains for a `try_get`.
    fn try_get_now(&self) -> Ret {
        let (rx, try_recv) = (self.rx.clone(), self.try_recv);
        hop(Box::new(move || try_recv(&rx)), &self.released, Ret::Full)
    }

    /// Not in the scenarios: crossbeam has no `close`.
    fn close_now(&self) {}

    /// Not in the scenarios.
    fn len_now(&self) -> usize {
        0
    }
}

impl<S: Sync, R: Clone + Send + Sync + 'static> SyncOps for Hopping<S, R> {
    fn apply(&self, op: Op) -> Ret {
        // Not in the scenarios: a blocking operation is refused as if closed.
        immediately(self, op).unwrap_or(Ret::Closed)
    }

    /// Lets callers stop waiting for a receive that will never return.
    fn release(&self) {
        self.released.store(true, Ordering::Release);
    }
}

/// crossbeam's `try_send`, whichever release's, as the specification's return value.
macro_rules! crossbeam_try {
    ($name:ident, $krate:ident) => {
        fn $name() -> Hopping<$krate::Sender<Value>, $krate::Receiver<Value>> {
            Hopping::new(
                $krate::unbounded(),
                |tx, value| try_sent(tx.try_send(value), $krate::TrySendError::is_full),
                |rx| match rx.try_recv() {
                    Ok(value) => Ret::Got(value),
                    Err($krate::TryRecvError::Empty) => Ret::Empty,
                    Err($krate::TryRecvError::Disconnected) => Ret::Closed,
                },
            )
        }
    };
}

crossbeam_try!(crossbeam_0_3_5_try, crossbeam_channel_0_3_5);
crossbeam_try!(crossbeam_try, crossbeam_channel);

/// The crossbeam targets' scenarios: `try_put` and `try_get` (crossbeam has no `close`, and
/// a blocking receive would only ever meet the bug on its first try).
const CROSSBEAM_OPS: OpSet = OpSet {
    close: false,
    ..NON_BLOCKING_OPS
};

/// A crossbeam target, unbounded only (the bug is in the unbounded flavour), on OS threads.
fn crossbeam_peer(name: &'static str, semantics: &'static str, run: Run) -> Box<dyn Target> {
    Box::new(Peer {
        ops: CROSSBEAM_OPS,
        capacities: &[0],
        ..Peer::plain(name, semantics, run)
    })
}

/// How a target runs one scenario.
type Run = fn(&Peer, &Scenario, &Watch) -> History;

/// A task target with every operation, on `flavor`'s runtime.
fn async_channel_peer(
    name: &'static str,
    semantics: &'static str,
    flavor: Flavor,
    run: Run,
) -> Box<dyn Target> {
    Box::new(Peer {
        ops: OpSet::ALL.with_cancel(),
        capacities: ANY,
        runtime: Some(LazyRuntime::new(flavor)),
        ..Peer::plain(name, semantics, run)
    })
}

/// A tokio close target, on `flavor`'s runtime.
fn tokio_close_peer(
    name: &'static str,
    semantics: &'static str,
    flavor: Flavor,
    run: Run,
) -> Box<dyn Target> {
    Box::new(Peer {
        ops: TOKIO_CLOSE_OPS,
        capacities: BOUNDED,
        runtime: Some(LazyRuntime::new(flavor)),
        ..Peer::plain(name, semantics, run)
    })
}

/// A tokio try-race target, on OS threads.
fn try_race_peer(name: &'static str, semantics: &'static str, run: Run) -> Box<dyn Target> {
    Box::new(Peer {
        ops: TRY_RACE_OPS,
        capacities: BOUNDED,
        ..Peer::plain(name, semantics, run)
    })
}

/// The pinned releases with the bugs above, for [`crate::shipped_bugs`].
pub(crate) fn bugs() -> Vec<Box<dyn Target>> {
    vec![
        async_channel_peer(
            "async-channel-1.4.0",
            "async-channel 1.4.0 on event-listener 2.3.2, shipped with smol-rs/event-listener#9 \
             (a reused list entry unlinks the listeners before it, which then never wake); \
             every operation, on tokio's multi-thread runtime",
            Flavor::MultiThread,
            |peer, scenario, watch| {
                on_tasks(
                    peer,
                    AsyncChannel1_4::new(scenario.capacity),
                    scenario,
                    watch,
                )
            },
        ),
        async_channel_peer(
            "async-channel-1.4.0-current",
            "async-channel-1.4.0 on tokio's current-thread runtime, where the tasks interleave \
             only at their awaits",
            Flavor::CurrentThread,
            |peer, scenario, watch| {
                on_tasks(
                    peer,
                    AsyncChannel1_4::new(scenario.capacity),
                    scenario,
                    watch,
                )
            },
        ),
        tokio_close_peer(
            "tokio-0.2.22-mpsc",
            "tokio 0.2.22's bounded mpsc, shipped with tokio-rs/tokio#2854 and #3215 (a recv on \
             the closed, drained channel can sleep for good after a sender's permit comes back); \
             blocking and cancelled puts and gets and the receiver's close, on tokio's \
             multi-thread runtime; single consumer (gets take turns); bounded only",
            Flavor::MultiThread,
            |peer, scenario, watch| {
                on_tasks(peer, Tokio0_2Close::new(scenario.capacity), scenario, watch)
            },
        ),
        tokio_close_peer(
            "tokio-0.2.22-mpsc-current",
            "tokio-0.2.22-mpsc on tokio's current-thread runtime, where the tasks interleave \
             only at their awaits",
            Flavor::CurrentThread,
            |peer, scenario, watch| {
                on_tasks(peer, Tokio0_2Close::new(scenario.capacity), scenario, watch)
            },
        ),
        try_race_peer(
            "tokio-0.2.22-try-race",
            "tokio 0.2.22's bounded mpsc on threads, try_put and try_get only, shipped with \
             tokio-rs/tokio#2020 (try_recv says Empty behind a slot another send claimed but \
             has not written); bounded only",
            |peer, scenario, watch| {
                on_threads(peer, &tokio_0_2_try(scenario.capacity), scenario, watch)
            },
        ),
        crossbeam_peer(
            "crossbeam-0.3.5-try",
            "crossbeam-channel 0.3.5's unbounded channel on threads, try_put and try_get only, \
             shipped with a receive that can spin for good when it races the first send \
             (crossbeam-rs/crossbeam c057b860, fixed in 0.3.6); each try_get runs on a worker \
             thread of its caller's; unbounded only",
            |peer, scenario, watch| on_threads(peer, &crossbeam_0_3_5_try(), scenario, watch),
        ),
    ]
}

/// The current releases, through the same adapters, for [`crate::shipped_fixes`].
pub(crate) fn fixes() -> Vec<Box<dyn Target>> {
    vec![
        async_channel_peer(
            "async-channel-2",
            "the current async-channel through async-channel-1.4.0's adapter: every operation, \
             on tokio's multi-thread runtime",
            Flavor::MultiThread,
            |peer, scenario, watch| {
                on_tasks(peer, AsyncChannel2::new(scenario.capacity), scenario, watch)
            },
        ),
        async_channel_peer(
            "async-channel-2-current",
            "async-channel-2 on tokio's current-thread runtime, as async-channel-1.4.0-current",
            Flavor::CurrentThread,
            |peer, scenario, watch| {
                on_tasks(peer, AsyncChannel2::new(scenario.capacity), scenario, watch)
            },
        ),
        tokio_close_peer(
            "tokio-mpsc-close",
            "the current tokio's bounded mpsc through tokio-0.2.22-mpsc's adapter: blocking and \
             cancelled puts and gets and the receiver's close, on tokio's multi-thread runtime; \
             single consumer (gets take turns); bounded only",
            Flavor::MultiThread,
            |peer, scenario, watch| {
                on_tasks(peer, Tokio1Close::new(scenario.capacity), scenario, watch)
            },
        ),
        tokio_close_peer(
            "tokio-mpsc-close-current",
            "tokio-mpsc-close on tokio's current-thread runtime, as tokio-0.2.22-mpsc-current",
            Flavor::CurrentThread,
            |peer, scenario, watch| {
                on_tasks(peer, Tokio1Close::new(scenario.capacity), scenario, watch)
            },
        ),
        try_race_peer(
            "tokio-mpsc-try-race",
            "the current tokio's bounded mpsc on threads, try_put and try_get only (as \
             tokio-0.2.22-try-race); bounded only",
            |peer, scenario, watch| {
                on_threads(peer, &tokio_1_try(scenario.capacity), scenario, watch)
            },
        ),
        crossbeam_peer(
            "crossbeam-try-hop",
            "the current crossbeam-channel's unbounded channel through crossbeam-0.3.5-try's \
             adapter: try_put and try_get only, each try_get on a worker thread of its \
             caller's; unbounded only",
            |peer, scenario, watch| on_threads(peer, &crossbeam_try(), scenario, watch),
        ),
    ]
}
