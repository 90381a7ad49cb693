//! `std::sync::mpsc::sync_channel`, for the checker only: the `std-sync-channel` target
//! ([`StdSync`]), single-consumer like tokio's, with no close at all.

use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TryRecvError, TrySendError};
use std::sync::{Mutex, MutexGuard};

use prodcons_lincheck::{Immediate, Op, Ret, SyncOps, Target, Value, immediately};

use crate::shared::{BOUNDED, POLL, Peer, SINGLE_CONSUMER_OPS, locked, on_threads, try_sent};

/// `std::sync::mpsc::sync_channel`, single-consumer like tokio's: gets take turns on the one
/// receiver behind a mutex. No close at all, so `close` (and the release) takes the
/// receiver's mutex and, holding it, drops the only long-lived sender and then the receiver:
/// one step as far as any get can tell. Dropping the receiver throws the queued items away
/// and fails a blocked put, so the target is held to
/// [`Spec::discarding_on_close`](prodcons_lincheck::Spec::discarding_on_close). A get waits in
/// `recv_timeout` slices, letting go of the mutex between them, so that `close` can take it
/// while a get waits on an empty queue. Bounded only: `sync_channel(0)` is a rendezvous.
struct StdSync {
    tx: Mutex<Option<SyncSender<Value>>>,
    rx: Mutex<Option<Receiver<Value>>>,
}

impl StdSync {
    fn new(capacity: usize) -> Self {
        let (tx, rx) = std::sync::mpsc::sync_channel(capacity.max(1));
        Self {
            tx: Mutex::new(Some(tx)),
            rx: Mutex::new(Some(rx)),
        }
    }

    fn sender(&self) -> Option<SyncSender<Value>> {
        locked(&self.tx).clone()
    }

    fn receiver(&self) -> MutexGuard<'_, Option<Receiver<Value>>> {
        locked(&self.rx)
    }
}

impl Immediate for StdSync {
    /// Not in its scenarios (see `SINGLE_CONSUMER_OPS`).
    fn try_put_now(&self, value: Value) -> Ret {
        self.sender().map_or(Ret::Closed, |tx| {
            try_sent(tx.try_send(value), |error| {
                matches!(error, TrySendError::Full(_))
            })
        })
    }

    /// Not in its scenarios (see `SINGLE_CONSUMER_OPS`).
    fn try_get_now(&self) -> Ret {
        match self.receiver().as_ref().map(Receiver::try_recv) {
            Some(Ok(value)) => Ret::Got(value),
            Some(Err(TryRecvError::Empty)) => Ret::Empty,
            _ => Ret::Closed,
        }
    }

    fn close_now(&self) {
        let mut rx = self.receiver();
        drop(locked(&self.tx).take());
        drop(rx.take());
    }

    /// Not in its scenarios: std's receiver has no `len`.
    fn len_now(&self) -> usize {
        0
    }
}

impl SyncOps for StdSync {
    fn apply(&self, op: Op) -> Ret {
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

/// The checker's `std-sync-channel` target, on OS threads.
pub(crate) fn target() -> Box<dyn Target> {
    Box::new(Peer {
        name: "std-sync-channel",
        semantics: "std::sync::mpsc::sync_channel: single consumer (gets take turns); no close: \
                    the release drops the sender, then the receiver, discarding the queued \
                    items; bounded only",
        discards_on_close: true,
        ops: SINGLE_CONSUMER_OPS,
        capacities: BOUNDED,
        runtime: None,
        run: |peer, scenario, watch| {
            on_threads(peer, &StdSync::new(scenario.capacity), scenario, watch)
        },
    })
}
