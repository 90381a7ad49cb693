//! flume, for the checker only: the current release ([`Flume`], flume 0.11) and 0.10.10
//! ([`Flume0_10_10`]), pinned with a shipped bug, both made by one macro; and the current
//! release's bounded channel ([`Bounded`]).
//!
//! flume has no `close` and no way to wake a blocked receiver but dropping every sender. The
//! unbounded adapters hold the one sender, lend it to each put under a read lock, and drop it
//! for a `close`, so that receives drain and then fail, as after Python's close: sends never
//! block there. The bounded channel, where they do, is checked as crossbeam is, a
//! [`DroppedEnds`] with no `close` in its scenarios: flume's own blocking and async sends and
//! receives, released by flume's own disconnect.
//!
//! The current release passes on threads (`flume`) and on a current-thread runtime
//! (`flume-async`). On a multi-thread runtime (`flume-async-multi`) it is among the
//! [`shipped_bugs`](crate::shipped_bugs): a woken async receive that finds the queue empty
//! re-registers too late and can miss the next send's wakeup (see `docs/conformance.md`); the
//! race shows a few times in a million runs, too rarely for any budget CI can afford. flume
//! 0.10.10 shipped with zesterer/flume#98 (a send pushes to the *front* of the queue while an
//! async receiver waits, fixed in 0.10.11 by zesterer/flume#99), and on a multi-thread runtime
//! zesterer/flume#120 can race too.

use std::sync::RwLock;

use prodcons_lincheck::{
    AsyncOps, BoxFuture, Flavor, History, Immediate, LazyRuntime, Op, OpSet, RENDEZVOUS, Ret,
    Scenario, SyncOps, Target, Value, Watch, immediately, waiting,
};

use crate::shared::{
    ANY, DroppedEnds, Peer, RENDEZVOUS_ONLY, dropped_ends_peer, on_tasks, on_threads, try_sent,
};

/// A flume adapter (see the module's documentation); the releases differ only in their crate
/// path.
macro_rules! flume_adapter {
    ($(#[$doc:meta])* $name:ident, $krate:ident) => {
        $(#[$doc])*
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
                tx.as_ref().map_or(Ret::Closed, |tx| {
                    try_sent(tx.try_send(value), |error| {
                        matches!(error, $krate::TrySendError::Full(_))
                    })
                })
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

flume_adapter!(
    /// The current release, 0.11.
    Flume,
    flume
);

flume_adapter!(
    /// 0.10.10, shipped with zesterer/flume#98, pinned beside the current release.
    Flume0_10_10,
    flume_0_10_10
);

/// flume's bounded channel (unbounded for capacity 0; `bounded(0)` for
/// [`RENDEZVOUS`], a rendezvous), through
/// `send`/`recv` on threads and `send_async`/`recv_async` on tasks.
type Bounded = DroppedEnds<flume::Sender<Value>, flume::Receiver<Value>>;

fn bounded(capacity: usize) -> Bounded {
    DroppedEnds::new(match capacity {
        0 => flume::unbounded(),
        RENDEZVOUS => flume::bounded(0),
        bound => flume::bounded(bound),
    })
}

impl Bounded {
    /// `op` if it never waits; `None` for `put` and `get`.
    fn at_once(&self, op: Op) -> Option<Ret> {
        Some(match op {
            Op::TryPut(value) => self.sender().map_or(Ret::Closed, |tx| {
                try_sent(tx.try_send(value), |error| {
                    matches!(error, flume::TrySendError::Full(_))
                })
            }),
            Op::TryGet => self
                .receiver()
                .map_or(Ret::Closed, |rx| match rx.try_recv() {
                    Ok(value) => Ret::Got(value),
                    Err(flume::TryRecvError::Empty) => Ret::Empty,
                    Err(flume::TryRecvError::Disconnected) => Ret::Closed,
                }),
            Op::DropSender => self.drop_sender(),
            Op::DropReceiver => self.drop_receiver(),
            Op::Put(_) | Op::Get => return None,
            Op::Close | Op::Len | Op::CancelledGet | Op::CancelledPut(_) => {
                unreachable!("not in the bounded flume targets' scenarios: {op}")
            }
        })
    }
}

impl SyncOps for Bounded {
    fn apply(&self, op: Op) -> Ret {
        self.at_once(op).unwrap_or_else(|| match op {
            Op::Put(value) => match self.sender().map(|tx| tx.send(value)) {
                Some(Ok(())) => Ret::Ok,
                _ => Ret::Closed,
            },
            _ => match self.receiver().map(|rx| rx.recv()) {
                Some(Ok(value)) => Ret::Got(value),
                _ => Ret::Closed,
            },
        })
    }

    fn release(&self) {
        self.drop_ends();
    }
}

impl AsyncOps for Bounded {
    fn apply(&self, op: Op) -> BoxFuture<'_, Ret> {
        Box::pin(async move {
            if let Some(ret) = self.at_once(op) {
                return ret;
            }
            match op {
                Op::Put(value) => match self.sender() {
                    Some(tx) => tx.send_async(value).await.map_or(Ret::Closed, |()| Ret::Ok),
                    None => Ret::Closed,
                },
                _ => match self.receiver() {
                    Some(rx) => rx.recv_async().await.map_or(Ret::Closed, Ret::Got),
                    None => Ret::Closed,
                },
            }
        })
    }

    fn release(&self) {
        self.drop_ends();
    }
}

/// What the bounded flume targets do differently.
const BOUNDED_SEMANTICS: &str = "no close: drop_sender and drop_receiver drop the last sender \
                                 or receiver, and the release drops every end, so flume's \
                                 disconnect wakes blocked sends and receives (the queued items \
                                 go with the receivers); no close or len in the scenarios";

/// `flume-bounded`: the current release's bounded channel on threads, `send` and `recv`.
pub(crate) fn bounded_target() -> Box<dyn Target> {
    dropped_ends_peer(
        "flume-bounded",
        BOUNDED_SEMANTICS,
        ANY,
        None,
        |peer, scenario, watch| on_threads(peer, &bounded(scenario.capacity), scenario, watch),
    )
}

/// `flume-bounded-async`: the same on a current-thread runtime, `send_async` and
/// `recv_async`.
pub(crate) fn bounded_async_target() -> Box<dyn Target> {
    dropped_ends_peer(
        "flume-bounded-async",
        BOUNDED_SEMANTICS,
        ANY,
        Some(Flavor::CurrentThread),
        |peer, scenario, watch| on_tasks(peer, bounded(scenario.capacity), scenario, watch),
    )
}

/// What the flume rendezvous targets do differently.
const RENDEZVOUS_SEMANTICS: &str = "bounded(0), a rendezvous: a put completes only together \
                                    with a get, and a try_put or try_get succeeds only by \
                                    meeting one that waits (spec RENDEZVOUS); no close: as \
                                    flume-bounded";

/// `flume-rendezvous`: the current release's `bounded(0)` on threads, `send` and `recv`.
pub(crate) fn rendezvous_target() -> Box<dyn Target> {
    dropped_ends_peer(
        "flume-rendezvous",
        RENDEZVOUS_SEMANTICS,
        RENDEZVOUS_ONLY,
        None,
        |peer, scenario, watch| on_threads(peer, &bounded(scenario.capacity), scenario, watch),
    )
}

/// `flume-rendezvous-async`: the same on a current-thread runtime, `send_async` and
/// `recv_async`; a known failure, outside `--target all`. A send that finds an async receive
/// waiting puts its item in the queue and completes at once, without waiting for the receive
/// to take it, so another receive can take it first, long after the send returned: no
/// rendezvous. Upstream knows: zesterer/flume#140 (a deadlock it causes) and the open
/// zesterer/flume#172, which describes this very path.
pub(crate) fn rendezvous_async_target() -> Box<dyn Target> {
    dropped_ends_peer(
        "flume-rendezvous-async",
        "flume-rendezvous with send_async and recv_async: a send that finds an async receive \
         waiting queues its item and completes at once, so another receive can take it after \
         the send returned (zesterer/flume#140, #172): no rendezvous",
        RENDEZVOUS_ONLY,
        Some(Flavor::CurrentThread),
        |peer, scenario, watch| on_tasks(peer, bounded(scenario.capacity), scenario, watch),
    )
}

/// Unbounded only: see the module's documentation.
const UNBOUNDED: &[usize] = &[0];

/// What every flume target does differently.
const SEMANTICS: &str = "no close: the release drops the senders (gets drain, then fail); \
                         unbounded only";

/// A flume target: unbounded only, closed by dropping the sender; on threads without a
/// `flavor`, else on tasks.
fn flume_peer(
    name: &'static str,
    semantics: &'static str,
    flavor: Option<Flavor>,
    run: fn(&Peer, &Scenario, &Watch) -> History,
) -> Box<dyn Target> {
    Box::new(Peer {
        // Futures can be dropped only where there are futures.
        ops: if flavor.is_some() {
            OpSet::ALL.with_cancel()
        } else {
            OpSet::ALL
        },
        capacities: UNBOUNDED,
        runtime: flavor.map(LazyRuntime::new),
        ..Peer::plain(name, semantics, run)
    })
}

/// The checker's `flume` target: the current release on threads.
pub(crate) fn target() -> Box<dyn Target> {
    flume_peer("flume", SEMANTICS, None, |peer, scenario, watch| {
        on_threads(peer, &Flume::new(), scenario, watch)
    })
}

/// `flume-async`: the current release on a current-thread runtime.
pub(crate) fn async_target() -> Box<dyn Target> {
    flume_peer(
        "flume-async",
        SEMANTICS,
        Some(Flavor::CurrentThread),
        |peer, scenario, watch| on_tasks(peer, Flume::new(), scenario, watch),
    )
}

/// `flume-async-multi`: the current release on a multi-thread runtime, with an unconfirmed
/// observation: a few lost wakeups in over a million runs, each seen as a timeout, never made
/// deterministic (`docs/conformance.md`).
pub(crate) fn async_multi_target() -> Box<dyn Target> {
    flume_peer(
        "flume-async-multi",
        "no close: the release drops the senders (gets drain, then fail); unbounded only; the \
         current release on a multi-thread runtime, where a woken async receive that finds the \
         queue empty may re-register too late and miss the next send's wakeup (an unconfirmed \
         observation: rare, and never made deterministic)",
        Some(Flavor::MultiThread),
        |peer, scenario, watch| on_tasks(peer, Flume::new(), scenario, watch),
    )
}

/// `flume-0.10.10-async`: the pinned release on a current-thread runtime.
pub(crate) fn v0_10_10_async_target() -> Box<dyn Target> {
    flume_peer(
        "flume-0.10.10-async",
        "flume 0.10.10, shipped with zesterer/flume#98 (a send pushes to the front while an \
         async receiver waits); otherwise as flume-async",
        Some(Flavor::CurrentThread),
        |peer, scenario, watch| on_tasks(peer, Flume0_10_10::new(), scenario, watch),
    )
}

/// `flume-0.10.10-async-multi`: the pinned release on a multi-thread runtime.
pub(crate) fn v0_10_10_async_multi_target() -> Box<dyn Target> {
    flume_peer(
        "flume-0.10.10-async-multi",
        "flume 0.10.10 on a multi-thread runtime, where zesterer/flume#120 can race (a receive \
         re-polled just as a sender sends and drops reports Disconnected with the message still \
         queued); otherwise as flume-async",
        Some(Flavor::MultiThread),
        |peer, scenario, watch| on_tasks(peer, Flume0_10_10::new(), scenario, watch),
    )
}
