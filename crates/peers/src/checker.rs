//! Other crates' channels as targets of the linearizability checker, each adapted to the
//! specification's operations, with how it differs stated in [`Target::semantics`].
//!
//! Capacity 0 means unbounded throughout, as in the specification; every crate here also has
//! a `bounded(0)` rendezvous channel, which is left out: a rendezvous is not a queue of
//! capacity 0 in Python's sense, and modelling it would need a put that completes only
//! together with a get.

use std::sync::{Arc, RwLock, RwLockReadGuard};
use std::time::Duration;

use prodcons_lincheck::{
    AsyncOps, BoxFuture, Flavor, History, Immediate, LazyRuntime, Op, OpSet, Ret, Scenario, Spec,
    SyncOps, Target, Value, Watch, immediately, run_tasks, run_threads, waiting,
};

/// How long a blocked crossbeam operation waits before looking at the emulated close.
const POLL: Duration = Duration::from_millis(2);

/// crossbeam-channel, which has no `close`: a channel closes when every sender (or every
/// receiver) is dropped, which the threads of one run cannot do while they share it. So the
/// adapter emulates Python's close with a flag: a put that finds it set fails, a get drains
/// and then fails. Blocking operations are `send_timeout`/`recv_timeout` in a loop that looks
/// at the flag between waits, and each send attempt holds a read lock that `close` takes for
/// writing, so no send can land after the close has taken effect.
struct Crossbeam {
    tx: crossbeam_channel::Sender<Value>,
    rx: crossbeam_channel::Receiver<Value>,
    closed: RwLock<bool>,
}

impl Crossbeam {
    fn new(capacity: usize) -> Self {
        let (tx, rx) = match capacity {
            0 => crossbeam_channel::unbounded(),
            bound => crossbeam_channel::bounded(bound),
        };
        Self {
            tx,
            rx,
            closed: RwLock::new(false),
        }
    }

    /// The flag, read-locked: a send made while holding it cannot land after a `close`.
    fn closed(&self) -> RwLockReadGuard<'_, bool> {
        self.closed
            .read()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    fn is_closed(&self) -> bool {
        *self.closed()
    }

    fn drain_or_closed(&self) -> Ret {
        self.rx.try_recv().map_or(Ret::Closed, Ret::Got)
    }
}

impl SyncOps for Crossbeam {
    fn apply(&self, op: Op) -> Ret {
        use crossbeam_channel::{RecvTimeoutError, SendTimeoutError, TryRecvError, TrySendError};
        match op {
            Op::Put(value) => loop {
                let closed = self.closed();
                if *closed {
                    return Ret::Closed;
                }
                match self.tx.send_timeout(value, POLL) {
                    Ok(()) => return Ret::Ok,
                    Err(SendTimeoutError::Timeout(_)) => {}
                    Err(SendTimeoutError::Disconnected(_)) => return Ret::Closed,
                }
            },
            Op::Get => loop {
                match self.rx.recv_timeout(POLL) {
                    Ok(value) => return Ret::Got(value),
                    Err(RecvTimeoutError::Timeout) if self.is_closed() => {
                        return self.drain_or_closed();
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => return Ret::Closed,
                }
            },
            Op::TryPut(value) => {
                let closed = self.closed();
                if *closed {
                    return Ret::Closed;
                }
                match self.tx.try_send(value) {
                    Ok(()) => Ret::Ok,
                    Err(TrySendError::Full(_)) => Ret::Full,
                    Err(TrySendError::Disconnected(_)) => Ret::Closed,
                }
            }
            Op::TryGet => match self.rx.try_recv() {
                Ok(value) => Ret::Got(value),
                Err(TryRecvError::Empty) if self.is_closed() => self.drain_or_closed(),
                Err(TryRecvError::Empty) => Ret::Empty,
                Err(TryRecvError::Disconnected) => Ret::Closed,
            },
            Op::Close => {
                self.release();
                Ret::Ok
            }
            Op::Len => Ret::Len(self.rx.len()),
            Op::CancelledGet | Op::CancelledPut(_) => {
                unreachable!("run_threads refuses cancelled operations")
            }
        }
    }

    fn release(&self) {
        *self
            .closed
            .write()
            .unwrap_or_else(|poison| poison.into_inner()) = true;
    }
}

/// kanal's blocking API. Its `close` closes both ends at once and throws away what is queued,
/// so it is held to [`Spec::discarding_on_close`].
struct Kanal {
    tx: kanal::Sender<Value>,
    rx: kanal::Receiver<Value>,
}

fn kanal_try_put(result: Result<bool, kanal::SendError>) -> Ret {
    match result {
        Ok(true) => Ret::Ok,
        Ok(false) => Ret::Full,
        Err(_) => Ret::Closed,
    }
}

fn kanal_try_get(result: Result<Option<Value>, kanal::ReceiveError>) -> Ret {
    match result {
        Ok(Some(value)) => Ret::Got(value),
        Ok(None) => Ret::Empty,
        Err(_) => Ret::Closed,
    }
}

/// kanal's blocking and async handles share the non-waiting API.
macro_rules! kanal_immediate {
    ($queue:ty) => {
        impl Immediate for $queue {
            fn try_put_now(&self, value: Value) -> Ret {
                kanal_try_put(self.tx.try_send(value))
            }

            fn try_get_now(&self) -> Ret {
                kanal_try_get(self.rx.try_recv())
            }

            fn close_now(&self) {
                // An error says it was closed already, which is all we want.
                let _ = self.tx.close();
            }

            fn len_now(&self) -> usize {
                self.rx.len()
            }
        }
    };
}

kanal_immediate!(Kanal);
kanal_immediate!(KanalAsync);

impl SyncOps for Kanal {
    fn apply(&self, op: Op) -> Ret {
        immediately(self, op).unwrap_or_else(|| match op {
            Op::Put(value) => self.tx.send(value).map_or(Ret::Closed, |()| Ret::Ok),
            _ => self.rx.recv().map_or(Ret::Closed, Ret::Got),
        })
    }

    fn release(&self) {
        self.close_now();
    }
}

/// kanal's async API, with the same close as its blocking one.
struct KanalAsync {
    tx: kanal::AsyncSender<Value>,
    rx: kanal::AsyncReceiver<Value>,
}

/// kanal's and async-channel's async handles wait the same way: `send(value).await`,
/// `recv().await`, each failing only once the channel is closed.
macro_rules! async_ops {
    ($queue:ty) => {
        impl AsyncOps for $queue {
            fn apply(&self, op: Op) -> BoxFuture<'_, Ret> {
                waiting(
                    self,
                    op,
                    move |value| async move {
                        self.tx.send(value).await.map_or(Ret::Closed, |()| Ret::Ok)
                    },
                    move || async move { self.rx.recv().await.map_or(Ret::Closed, Ret::Got) },
                )
            }

            fn release(&self) {
                self.close_now();
            }
        }
    };
}

async_ops!(KanalAsync);

/// async-channel: its `close` is Python's (sends fail, receives drain and then fail).
struct AsyncChannel {
    tx: async_channel::Sender<Value>,
    rx: async_channel::Receiver<Value>,
}

impl Immediate for AsyncChannel {
    fn try_put_now(&self, value: Value) -> Ret {
        match self.tx.try_send(value) {
            Ok(()) => Ret::Ok,
            Err(async_channel::TrySendError::Full(_)) => Ret::Full,
            Err(async_channel::TrySendError::Closed(_)) => Ret::Closed,
        }
    }

    fn try_get_now(&self) -> Ret {
        match self.rx.try_recv() {
            Ok(value) => Ret::Got(value),
            Err(async_channel::TryRecvError::Empty) => Ret::Empty,
            Err(async_channel::TryRecvError::Closed) => Ret::Closed,
        }
    }

    fn close_now(&self) {
        self.tx.close();
    }

    fn len_now(&self) -> usize {
        self.rx.len()
    }
}

async_ops!(AsyncChannel);

/// `tokio::sync::mpsc`, a single-consumer channel: the one receiver sits behind an async
/// mutex that every get takes for its whole call, so gets from several tasks are one consumer
/// taking turns. No `close` on the sending side: the release drops the only long-lived sender
/// (a blocked get then drains and fails) and then calls the receiver's `close` (a blocked put
/// then fails), which together are Python's close. Bounded only: `channel(0)` panics, and the
/// unbounded channel is another type. No `len` in the scenarios: it needs the receiver.
struct TokioMpsc {
    tx: std::sync::Mutex<Option<tokio::sync::mpsc::Sender<Value>>>,
    rx: tokio::sync::Mutex<tokio::sync::mpsc::Receiver<Value>>,
}

impl TokioMpsc {
    fn new(capacity: usize) -> Self {
        let (tx, rx) = tokio::sync::mpsc::channel(capacity.max(1));
        Self {
            tx: std::sync::Mutex::new(Some(tx)),
            rx: tokio::sync::Mutex::new(rx),
        }
    }

    /// A sender for one call, or `None` once released.
    fn sender(&self) -> Option<tokio::sync::mpsc::Sender<Value>> {
        self.tx
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .clone()
    }
}

impl Immediate for TokioMpsc {
    fn try_put_now(&self, value: Value) -> Ret {
        use tokio::sync::mpsc::error::TrySendError;
        match self.sender().map(|tx| tx.try_send(value)) {
            Some(Ok(())) => Ret::Ok,
            Some(Err(TrySendError::Full(_))) => Ret::Full,
            _ => Ret::Closed,
        }
    }

    /// Not in tokio's scenarios (see `SINGLE_CONSUMER_OPS`): a busy receiver is reported `Empty`.
    fn try_get_now(&self) -> Ret {
        use tokio::sync::mpsc::error::TryRecvError;
        let Ok(mut rx) = self.rx.try_lock() else {
            return Ret::Empty;
        };
        match rx.try_recv() {
            Ok(value) => Ret::Got(value),
            Err(TryRecvError::Empty) => Ret::Empty,
            Err(TryRecvError::Disconnected) => Ret::Closed,
        }
    }

    fn close_now(&self) {
        drop(
            self.tx
                .lock()
                .unwrap_or_else(|poison| poison.into_inner())
                .take(),
        );
        // Outside the runtime (the runner's thread) or inside a task, as the caller is.
        match tokio::runtime::Handle::try_current() {
            Ok(_) => {
                if let Ok(mut rx) = self.rx.try_lock() {
                    rx.close();
                }
            }
            Err(_) => self.rx.blocking_lock().close(),
        }
    }

    /// Not in tokio's scenarios (see `SINGLE_CONSUMER_OPS`).
    fn len_now(&self) -> usize {
        self.rx.try_lock().map_or(0, |rx| rx.len())
    }
}

impl AsyncOps for TokioMpsc {
    fn apply(&self, op: Op) -> BoxFuture<'_, Ret> {
        waiting(
            self,
            op,
            move |value| async move {
                match self.sender() {
                    Some(tx) => tx.send(value).await.map_or(Ret::Closed, |()| Ret::Ok),
                    None => Ret::Closed,
                }
            },
            move || async move {
                self.rx
                    .lock()
                    .await
                    .recv()
                    .await
                    .map_or(Ret::Closed, Ret::Got)
            },
        )
    }

    fn release(&self) {
        self.close_now();
    }
}

/// `std::sync::mpsc::sync_channel`, single-consumer like tokio's: gets take turns on the one
/// receiver behind a mutex. No close at all, so `close` (and the release) takes the
/// receiver's mutex and, holding it, drops the only long-lived sender and then the receiver:
/// one step as far as any get can tell. Dropping the receiver throws the queued items away
/// and fails a blocked put, so the target is held to [`Spec::discarding_on_close`]. A get
/// waits in `recv_timeout` slices, letting go of the mutex between them, so that `close` can
/// take it while a get waits on an empty queue. Bounded only: `sync_channel(0)` is a
/// rendezvous.
struct StdSync {
    tx: std::sync::Mutex<Option<std::sync::mpsc::SyncSender<Value>>>,
    rx: std::sync::Mutex<Option<std::sync::mpsc::Receiver<Value>>>,
}

impl StdSync {
    fn new(capacity: usize) -> Self {
        let (tx, rx) = std::sync::mpsc::sync_channel(capacity.max(1));
        Self {
            tx: std::sync::Mutex::new(Some(tx)),
            rx: std::sync::Mutex::new(Some(rx)),
        }
    }

    fn sender(&self) -> Option<std::sync::mpsc::SyncSender<Value>> {
        self.tx
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .clone()
    }

    fn receiver(&self) -> std::sync::MutexGuard<'_, Option<std::sync::mpsc::Receiver<Value>>> {
        self.rx.lock().unwrap_or_else(|poison| poison.into_inner())
    }
}

impl Immediate for StdSync {
    /// Not in its scenarios (see `SINGLE_CONSUMER_OPS`).
    fn try_put_now(&self, value: Value) -> Ret {
        match self.sender().map(|tx| tx.try_send(value)) {
            Some(Ok(())) => Ret::Ok,
            Some(Err(std::sync::mpsc::TrySendError::Full(_))) => Ret::Full,
            _ => Ret::Closed,
        }
    }

    /// Not in its scenarios (see `SINGLE_CONSUMER_OPS`).
    fn try_get_now(&self) -> Ret {
        match self
            .receiver()
            .as_ref()
            .map(std::sync::mpsc::Receiver::try_recv)
        {
            Some(Ok(value)) => Ret::Got(value),
            Some(Err(std::sync::mpsc::TryRecvError::Empty)) => Ret::Empty,
            _ => Ret::Closed,
        }
    }

    fn close_now(&self) {
        let mut rx = self.receiver();
        drop(
            self.tx
                .lock()
                .unwrap_or_else(|poison| poison.into_inner())
                .take(),
        );
        drop(rx.take());
    }

    /// Not in its scenarios: std's receiver has no `len`.
    fn len_now(&self) -> usize {
        0
    }
}

impl SyncOps for StdSync {
    fn apply(&self, op: Op) -> Ret {
        use std::sync::mpsc::RecvTimeoutError;
        immediately(self, op).unwrap_or_else(|| match op {
            Op::Put(value) => match self.sender().map(|tx| tx.send(value)) {
                Some(Ok(())) => Ret::Ok,
                _ => Ret::Closed,
            },
            _ => loop {
                let rx = self.receiver();
                match rx.as_ref().map(|rx| rx.recv_timeout(POLL)) {
                    Some(Ok(value)) => return Ret::Got(value),
                    Some(Err(RecvTimeoutError::Timeout)) => {}
                    _ => return Ret::Closed,
                }
            },
        })
    }

    fn release(&self) {
        self.close_now();
    }
}

/// Every capacity the scenarios draw from.
const ANY: &[usize] = &[0, 1, 2];

/// The single-consumer channels' scenarios (tokio, std): no `try_get` while another get may
/// hold the receiver (it could not tell a get waiting on an empty queue from one taking an
/// item), so no non-blocking operations, and no `len`.
const SINGLE_CONSUMER_OPS: OpSet = OpSet {
    blocking: true,
    non_blocking: false,
    close: true,
    len: false,
    cancel: false,
};

/// tokio's scenarios: as [`SINGLE_CONSUMER_OPS`], and no `close` either. Its receiver's
/// `close` needs the receiver, which a waiting get holds across its await, so a `close` called
/// from a task could not always reach it; the runner's release, from its own thread, waits for
/// it instead.
const TOKIO_OPS: OpSet = OpSet {
    close: false,
    cancel: true,
    ..SINGLE_CONSUMER_OPS
};

/// The bounded ones only.
const BOUNDED: &[usize] = &[1, 2];

/// A peer target: a name, what it does differently, and how to build and run it.
struct Peer {
    name: &'static str,
    semantics: &'static str,
    discards_on_close: bool,
    ops: OpSet,
    capacities: &'static [usize],
    runtime: Option<LazyRuntime>,
    run: fn(&Peer, &Scenario, &Watch) -> History,
}

impl Target for Peer {
    fn name(&self) -> &'static str {
        self.name
    }

    fn ops(&self) -> OpSet {
        self.ops
    }

    fn semantics(&self) -> &'static str {
        self.semantics
    }

    fn capacities(&self) -> &'static [usize] {
        self.capacities
    }

    fn spec(&self, capacity: usize) -> Spec {
        let spec = Spec::new(capacity);
        if self.discards_on_close {
            spec.discarding_on_close()
        } else {
            spec
        }
    }

    fn run(&self, scenario: &Scenario, watch: &Watch) -> History {
        (self.run)(self, scenario, watch)
    }
}

/// Runs `scenario` on `queue` with OS threads, held to `peer`'s specification.
fn on_threads(peer: &Peer, queue: &impl SyncOps, scenario: &Scenario, watch: &Watch) -> History {
    run_threads(queue, scenario, &peer.spec(scenario.capacity), watch)
}

/// Runs `scenario` on `queue` with tasks on `peer`'s runtime, held to its specification.
fn on_tasks(peer: &Peer, queue: impl AsyncOps, scenario: &Scenario, watch: &Watch) -> History {
    run_tasks(
        peer.runtime(),
        Arc::new(queue),
        scenario,
        &peer.spec(scenario.capacity),
        watch,
    )
}

/// A flume target: unbounded only, closed by dropping the sender.
fn flume_peer(
    name: &'static str,
    semantics: &'static str,
    flavor: Option<Flavor>,
    run: fn(&Peer, &Scenario, &Watch) -> History,
) -> Box<dyn Target> {
    Box::new(Peer {
        name,
        semantics,
        discards_on_close: false,
        // Futures can be dropped only where there are futures.
        ops: if flavor.is_some() {
            OpSet::ALL.with_cancel()
        } else {
            OpSet::ALL
        },
        capacities: UNBOUNDED,
        runtime: flavor.map(LazyRuntime::new),
        run,
    })
}

impl Peer {
    fn runtime(&self) -> &tokio::runtime::Runtime {
        // Every async peer is built with a runtime below.
        self.runtime
            .as_ref()
            .map(LazyRuntime::get)
            .unwrap_or_else(|| unreachable!())
    }
}

fn kanal_channel(capacity: usize) -> (kanal::Sender<Value>, kanal::Receiver<Value>) {
    match capacity {
        0 => kanal::unbounded(),
        bound => kanal::bounded(bound),
    }
}

/// kanal's async ends on a multi-thread runtime, with the operations `ops`.
fn kanal_async_peer(name: &'static str, semantics: &'static str, ops: OpSet) -> Box<dyn Target> {
    Box::new(Peer {
        name,
        semantics,
        discards_on_close: true,
        ops,
        capacities: ANY,
        runtime: Some(LazyRuntime::new(Flavor::MultiThread)),
        run: |peer, scenario, watch| {
            let (tx, rx) = kanal_channel(scenario.capacity);
            let (tx, rx) = (tx.to_async(), rx.to_async());
            on_tasks(peer, KanalAsync { tx, rx }, scenario, watch)
        },
    })
}

/// The peers, in the order `prodcons check --target all` lists them.
pub(crate) fn targets() -> Vec<Box<dyn Target>> {
    let mut targets: Vec<Box<dyn Target>> = vec![
        Box::new(Peer {
            name: "crossbeam",
            semantics: "no close: emulated with a flag (puts fail, gets drain); blocking ops \
                        are send_timeout/recv_timeout loops",
            discards_on_close: false,
            ops: OpSet::ALL,
            capacities: ANY,
            runtime: None,
            run: |peer, scenario, watch| {
                on_threads(peer, &Crossbeam::new(scenario.capacity), scenario, watch)
            },
        }),
        Box::new(Peer {
            name: "kanal",
            semantics: "close closes both ends and discards queued items",
            discards_on_close: true,
            ops: OpSet::ALL,
            capacities: ANY,
            runtime: None,
            run: |peer, scenario, watch| {
                let (tx, rx) = kanal_channel(scenario.capacity);
                on_threads(peer, &Kanal { tx, rx }, scenario, watch)
            },
        }),
        // Without cancellation: its receive is not cancel-safe, which `kanal-async-cancel`
        // shows; this target checks the rest.
        kanal_async_peer(
            "kanal-async",
            "close closes both ends and discards queued items; tokio multi-thread",
            OpSet::ALL,
        ),
        Box::new(Peer {
            name: "async-channel",
            semantics: "close as Python's; tokio multi-thread",
            discards_on_close: false,
            ops: OpSet::ALL.with_cancel(),
            capacities: ANY,
            runtime: Some(LazyRuntime::new(Flavor::MultiThread)),
            run: |peer, scenario, watch| {
                let (tx, rx) = match scenario.capacity {
                    0 => async_channel::unbounded(),
                    bound => async_channel::bounded(bound),
                };
                on_tasks(peer, AsyncChannel { tx, rx }, scenario, watch)
            },
        }),
        Box::new(Peer {
            name: "tokio-mpsc",
            semantics: "single consumer (gets take turns on the receiver); no close on the \
                        senders: the release drops them and closes the receiver; no close in \
                        the scenarios; bounded only",
            discards_on_close: false,
            ops: TOKIO_OPS,
            capacities: BOUNDED,
            runtime: Some(LazyRuntime::new(Flavor::MultiThread)),
            run: |peer, scenario, watch| {
                on_tasks(peer, TokioMpsc::new(scenario.capacity), scenario, watch)
            },
        }),
        Box::new(Peer {
            name: "std-sync-channel",
            semantics: "std::sync::mpsc::sync_channel: single consumer (gets take turns); no \
                        close: the release drops the sender, then the receiver, discarding the \
                        queued items; bounded only",
            discards_on_close: true,
            ops: SINGLE_CONSUMER_OPS,
            capacities: BOUNDED,
            runtime: None,
            run: |peer, scenario, watch| {
                on_threads(peer, &StdSync::new(scenario.capacity), scenario, watch)
            },
        }),
    ];
    targets.extend(flume_targets());
    targets
}

/// flume, which has no `close` and no way to wake a blocked receiver but dropping every
/// sender. The adapter holds the one sender, lends it to each put under a read lock, and the
/// release drops it, so that receives drain and then fail, as after Python's close. A
/// blocked *send* could only be woken by dropping the receivers, which loses the items, so
/// flume runs unbounded only (capacity 0), where sends never block.
macro_rules! flume_adapter {
    ($name:ident, $krate:ident) => {
        struct $name {
            /// Read-locked for each whole send, write-locked to drop the sender: once the
            /// release returns, no send is in flight, so the channel is really disconnected.
            tx: RwLock<Option<$krate::Sender<Value>>>,
            rx: $krate::Receiver<Value>,
        }

        impl $name {
            fn new() -> Self {
                let (tx, rx) = $krate::unbounded();
                Self {
                    tx: RwLock::new(Some(tx)),
                    rx,
                }
            }

            /// Sends without waiting: unbounded, a send never has to.
            fn put(&self, value: Value) -> Ret {
                let tx = self.tx.read().unwrap_or_else(|poison| poison.into_inner());
                match tx.as_ref().map(|tx| tx.send(value)) {
                    Some(Ok(())) => Ret::Ok,
                    _ => Ret::Closed,
                }
            }
        }

        impl Immediate for $name {
            fn try_put_now(&self, value: Value) -> Ret {
                let tx = self.tx.read().unwrap_or_else(|poison| poison.into_inner());
                match tx.as_ref().map(|tx| tx.try_send(value)) {
                    Some(Ok(())) => Ret::Ok,
                    Some(Err($krate::TrySendError::Full(_))) => Ret::Full,
                    _ => Ret::Closed,
                }
            }

            fn try_get_now(&self) -> Ret {
                match self.rx.try_recv() {
                    Ok(value) => Ret::Got(value),
                    Err($krate::TryRecvError::Empty) => Ret::Empty,
                    Err($krate::TryRecvError::Disconnected) => Ret::Closed,
                }
            }

            /// Drops the only sender, under the write lock, so no send is in flight after.
            fn close_now(&self) {
                self.tx
                    .write()
                    .unwrap_or_else(|poison| poison.into_inner())
                    .take();
            }

            fn len_now(&self) -> usize {
                self.rx.len()
            }
        }

        impl SyncOps for $name {
            fn apply(&self, op: Op) -> Ret {
                immediately(self, op).unwrap_or_else(|| match op {
                    Op::Put(value) => self.put(value),
                    _ => self.rx.recv().map_or(Ret::Closed, Ret::Got),
                })
            }

            fn release(&self) {
                self.close_now();
            }
        }

        impl AsyncOps for $name {
            fn apply(&self, op: Op) -> BoxFuture<'_, Ret> {
                waiting(
                    self,
                    op,
                    // The lock guard is not Send, so the send cannot be `send_async`;
                    // unbounded, both run the same code and complete at once.
                    move |value| async move { self.put(value) },
                    move || async move { self.rx.recv_async().await.map_or(Ret::Closed, Ret::Got) },
                )
            }

            fn release(&self) {
                self.close_now();
            }
        }
    };
}

flume_adapter!(Flume, flume);
flume_adapter!(Flume0_10_10, flume_0_10_10);

/// Unbounded only: see [`Flume`].
const UNBOUNDED: &[usize] = &[0];

/// The flume targets: the current release on threads and on a current-thread runtime. On a
/// multi-thread runtime it is among the [`shipped_bugs`]: its async receive can miss a wakeup.
pub(crate) fn flume_targets() -> Vec<Box<dyn Target>> {
    const SEMANTICS: &str = "no close: the release drops the senders (gets drain, then fail); \
                             unbounded only";
    vec![
        flume_peer("flume", SEMANTICS, None, |peer, scenario, watch| {
            on_threads(peer, &Flume::new(), scenario, watch)
        }),
        flume_peer(
            "flume-async",
            SEMANTICS,
            Some(Flavor::CurrentThread),
            |peer, scenario, watch| on_tasks(peer, Flume::new(), scenario, watch),
        ),
    ]
}

/// Releases that shipped with a known concurrency bug, pinned beside the fixed release, and
/// current releases with a known failure: kanal's async receive under cancellation, and
/// flume's async receive on a multi-thread runtime, which can miss a wakeup (see
/// `docs/conformance.md`). Not among the targets `--target all` checks: they are expected to
/// fail. `ci/check.sh` requires that each does, except `flume-async-multi`, whose race shows
/// a few times in a million runs, too rarely for any budget CI can afford.
pub(crate) fn shipped_bugs() -> Vec<Box<dyn Target>> {
    vec![
        flume_peer(
            "flume-async-multi",
            "no close: the release drops the senders (gets drain, then fail); unbounded only; \
             the current release on a multi-thread runtime, where a woken async receive that \
             finds the queue empty re-registers too late and can miss the next send's wakeup",
            Some(Flavor::MultiThread),
            |peer, scenario, watch| on_tasks(peer, Flume::new(), scenario, watch),
        ),
        kanal_async_peer(
            "kanal-async-cancel",
            "kanal-async with cancelled gets and puts: a receive dropped after a send handed it \
             the item loses the item (the current release)",
            OpSet::ALL.with_cancel(),
        ),
        flume_peer(
            "flume-0.10.10-async",
            "flume 0.10.10, shipped with zesterer/flume#98 (a send pushes to the front while an \
             async receiver waits); otherwise as flume-async",
            Some(Flavor::CurrentThread),
            |peer, scenario, watch| on_tasks(peer, Flume0_10_10::new(), scenario, watch),
        ),
        flume_peer(
            "flume-0.10.10-async-multi",
            "flume 0.10.10 on a multi-thread runtime, where zesterer/flume#120 can race (a \
             receive re-polled just as a sender sends and drops reports Disconnected with the \
             message still queued); otherwise as flume-async",
            Some(Flavor::MultiThread),
            |peer, scenario, watch| on_tasks(peer, Flume0_10_10::new(), scenario, watch),
        ),
    ]
}
