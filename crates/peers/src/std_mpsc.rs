//! `std::sync::mpsc::sync_channel`, for the checker only: the `std-sync-channel` target
//! ([`StdSync`]), single-consumer, with no close at all, and `std-sync-rendezvous`, its
//! `sync_channel(0)`.

use std::sync::Mutex;
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, TrySendError};

use prodcons_lincheck::{Op, RENDEZVOUS, Ret, SyncOps, Target, Value};

use crate::shared::{
    BOUNDED, OneReceiver, Peer, RENDEZVOUS_ONLY, SINGLE_CONSUMER_OPS, locked, on_threads, try_sent,
};

/// `std::sync::mpsc::sync_channel`, through std's own blocking `send` and `recv`, with no lock
/// around them. Sends run on a clone of the adapter's sender each (a short lock around the
/// clone, none around the send). The receiver is not `Sync` and cannot be cloned: the
/// scenarios give every receiving operation of the parallel part to one thread, and each is
/// lent the one receiver ([`OneReceiver`]). std has no close: the release drops the adapter's
/// sender and its receiver (or has the lent receiver dropped when it comes back). Blocked
/// operations are all of one kind then: blocked receives (on an empty channel) see every
/// sender gone and fail; blocked sends (on a full one, so no receive is running and the
/// receiver is in the adapter) see the receiver gone and fail. The queued items go with the
/// receiver, so the target is held to
/// [`Spec::discarding_on_close`](prodcons_lincheck::Spec::discarding_on_close). Bounded, or
/// the rendezvous [`RENDEZVOUS`] stands for: `sync_channel(0)`.
struct StdSync {
    tx: Mutex<Option<SyncSender<Value>>>,
    rx: OneReceiver<Receiver<Value>>,
}

impl StdSync {
    fn new(capacity: usize) -> Self {
        let bound = if capacity == RENDEZVOUS {
            0
        } else {
            capacity.max(1)
        };
        let (tx, rx) = std::sync::mpsc::sync_channel(bound);
        Self {
            tx: Mutex::new(Some(tx)),
            rx: OneReceiver::new(rx),
        }
    }

    /// A sender of its own for one operation, or `None` once released.
    fn sender(&self) -> Option<SyncSender<Value>> {
        locked(&self.tx).clone()
    }

    /// `receive` on the lent receiver, or `Closed` once it was dropped.
    fn on_receiver(&self, receive: impl FnOnce(&Receiver<Value>) -> Ret) -> Ret {
        self.rx.lend().map_or(Ret::Closed, |rx| receive(&rx))
    }
}

impl SyncOps for StdSync {
    fn apply(&self, op: Op) -> Ret {
        match op {
            Op::Put(value) => self
                .sender()
                .map_or(Ret::Closed, |tx| match tx.send(value) {
                    Ok(()) => Ret::Ok,
                    Err(_) => Ret::Closed,
                }),
            Op::TryPut(value) => self.sender().map_or(Ret::Closed, |tx| {
                try_sent(tx.try_send(value), |error| {
                    matches!(error, TrySendError::Full(_))
                })
            }),
            Op::Get => self.on_receiver(|rx| rx.recv().map_or(Ret::Closed, Ret::Got)),
            Op::TryGet => self.on_receiver(|rx| match rx.try_recv() {
                Ok(value) => Ret::Got(value),
                Err(TryRecvError::Empty) => Ret::Empty,
                Err(TryRecvError::Disconnected) => Ret::Closed,
            }),
            // The last sender, and the only receiver: the scenario's layout leaves no other
            // operation holding either (`OpSet::drops`).
            Op::DropSender => {
                let sender = locked(&self.tx).take();
                drop(sender);
                Ret::Ok
            }
            Op::DropReceiver => {
                self.rx.drop_receiver();
                Ret::Ok
            }
            Op::Close | Op::Len | Op::CancelledGet | Op::CancelledPut(_) => {
                unreachable!("not in the std-sync-channel target's scenarios: {op}")
            }
        }
    }

    fn release(&self) {
        drop(locked(&self.tx).take());
        self.rx.drop_receiver();
    }
}

/// A target of [`StdSync`] on OS threads, at `capacities`, held to the discarding close.
fn peer(
    name: &'static str,
    semantics: &'static str,
    capacities: &'static [usize],
) -> Box<dyn Target> {
    Box::new(Peer {
        name,
        semantics,
        discards_on_close: true,
        ops: SINGLE_CONSUMER_OPS,
        capacities,
        runtime: None,
        run: |peer, scenario, watch| {
            on_threads(peer, &StdSync::new(scenario.capacity), scenario, watch)
        },
    })
}

/// The checker's `std-sync-channel` target, on OS threads.
pub(crate) fn target() -> Box<dyn Target> {
    peer(
        "std-sync-channel",
        "std::sync::mpsc::sync_channel through its own blocking send and recv: single consumer \
         (receiving operations in one thread of the parallel part, lent the one receiver); no \
         close: drop_sender and drop_receiver drop the last sender or the receiver, and the \
         release drops both, so std's disconnect wakes blocked sends and receives (the queued \
         items go with the receiver); no close or len in the scenarios; bounded only",
        BOUNDED,
    )
}

/// The checker's `std-sync-rendezvous` target, on OS threads: `sync_channel(0)`, where a send
/// completes only together with a receive, through the same adapter as `std-sync-channel`.
pub(crate) fn rendezvous_target() -> Box<dyn Target> {
    peer(
        "std-sync-rendezvous",
        "sync_channel(0), a rendezvous: a put completes only together with a get, and a \
         try_put or try_get succeeds only by meeting one that waits (spec RENDEZVOUS); \
         otherwise as std-sync-channel (single consumer, no close)",
        RENDEZVOUS_ONLY,
    )
}
