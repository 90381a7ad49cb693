//! flume, for the checker only: the current release ([`Flume`], flume 0.11) and 0.10.10
//! ([`Flume0_10_10`]), pinned with a shipped bug, both made by one macro.
//!
//! flume has no `close` and no way to wake a blocked receiver but dropping every sender. The
//! adapter holds the one sender, lends it to each put under a read lock, and the release drops
//! it, so that receives drain and then fail, as after Python's close. A blocked *send* could
//! only be woken by dropping the receivers, which loses the items, so flume runs unbounded
//! only (capacity 0), where sends never block.
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
    AsyncOps, BoxFuture, Flavor, History, Immediate, LazyRuntime, Op, OpSet, Ret, Scenario,
    SyncOps, Target, Value, Watch, immediately, waiting,
};

use crate::shared::{Peer, on_tasks, on_threads, try_sent};

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
