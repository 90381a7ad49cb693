//! crossbeam-channel, the peer a Rust user would reach for: [`Crossbeam`], its channel for the
//! pipelines' thread driver, and the checker's `crossbeam` target.
//!
//! crossbeam has no `close`: a channel disconnects when every sender (or every receiver) is
//! dropped. That is all the pipelines need, since every worker drops its ends when it stops,
//! early or not. The checker's threads share one channel for a whole run and cannot drop it,
//! so its adapter, [`FlaggedClose`], emulates Python's close with a flag.
//!
//! The checker's adapter runs the pipelines' own ends, so both make the channel and map a
//! non-blocking send and receive the same way.

use std::sync::{RwLock, RwLockReadGuard};

use prodcons::channel::{Closed, Receiver, Sender, ThreadChannel};
use prodcons_lincheck::{Op, Ret, SyncOps, Target, Value};

use crate::shared::{End, POLL, Peer, on_threads, put_ret, unbounded_for_0};

/// crossbeam-channel, the peer a Rust user would reach for, for the thread driver;
/// `unbounded()` for capacity 0.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::channel::{Receiver, Sender, ThreadChannel};
/// use prodcons_peers::Crossbeam;
///
/// let (tx, rx) = Crossbeam::channel::<u64>(1);
/// assert_eq!(tx.try_put(1), Ok(Ok(())));
/// assert_eq!(tx.try_put(2), Ok(Err(2)), "full: the item comes back");
/// assert_eq!(rx.get(), Ok(1));
/// assert_eq!(rx.try_get(), Ok(None));
/// ```
pub struct Crossbeam;

impl<T: Send + 'static> Sender<T> for End<crossbeam_channel::Sender<T>> {
    fn put(&self, item: T) -> Result<(), Closed> {
        self.0.send(item).map_err(|_| Closed)
    }

    fn try_put(&self, item: T) -> Result<Result<(), T>, Closed> {
        match self.0.try_send(item) {
            Ok(()) => Ok(Ok(())),
            Err(crossbeam_channel::TrySendError::Full(item)) => Ok(Err(item)),
            Err(crossbeam_channel::TrySendError::Disconnected(_)) => Err(Closed),
        }
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    // crossbeam has no close: a channel disconnects when every end on one side is dropped, and
    // every worker drops its ends when it stops, early or not.
    fn close(&self) {}
}

impl<T: Send + 'static> Receiver<T> for End<crossbeam_channel::Receiver<T>> {
    fn get(&self) -> Result<T, Closed> {
        self.0.recv().map_err(|_| Closed)
    }

    fn try_get(&self) -> Result<Option<T>, Closed> {
        match self.0.try_recv() {
            Ok(item) => Ok(Some(item)),
            Err(crossbeam_channel::TryRecvError::Empty) => Ok(None),
            Err(crossbeam_channel::TryRecvError::Disconnected) => Err(Closed),
        }
    }

    fn close(&self) {}
}

impl ThreadChannel for Crossbeam {
    type Tx<T: Send + 'static> = End<crossbeam_channel::Sender<T>>;
    type Rx<T: Send + 'static> = End<crossbeam_channel::Receiver<T>>;

    fn channel<T: Send + 'static>(capacity: usize) -> (Self::Tx<T>, Self::Rx<T>) {
        // crossbeam's `bounded(0)` is a rendezvous channel, not the assignment's "unbounded".
        unbounded_for_0(
            capacity,
            crossbeam_channel::unbounded,
            crossbeam_channel::bounded,
        )
    }
}

/// crossbeam-channel for the checker, which has no `close`: a channel closes when every sender
/// (or every receiver) is dropped, which the threads of one run cannot do while they share it.
/// So the adapter emulates Python's close with a flag: a put that finds it set fails, a get
/// drains and then fails. Blocking operations are `send_timeout`/`recv_timeout` in a loop that
/// looks at the flag between waits, and each send attempt holds a read lock that `close` takes
/// for writing, so no send can land after the close has taken effect.
///
/// It runs [`Crossbeam`]'s ends, the pipelines' own, and waits on the channel inside them.
struct FlaggedClose {
    tx: <Crossbeam as ThreadChannel>::Tx<Value>,
    rx: <Crossbeam as ThreadChannel>::Rx<Value>,
    closed: RwLock<bool>,
}

impl FlaggedClose {
    fn new(capacity: usize) -> Self {
        let (tx, rx) = Crossbeam::channel(capacity);
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
        self.rx.0.try_recv().map_or(Ret::Closed, Ret::Got)
    }
}

impl SyncOps for FlaggedClose {
    fn apply(&self, op: Op) -> Ret {
        use crossbeam_channel::{RecvTimeoutError, SendTimeoutError};
        match op {
            Op::Put(value) => loop {
                let closed = self.closed();
                if *closed {
                    return Ret::Closed;
                }
                match self.tx.0.send_timeout(value, POLL) {
                    Ok(()) => return Ret::Ok,
                    Err(SendTimeoutError::Timeout(_)) => {}
                    Err(SendTimeoutError::Disconnected(_)) => return Ret::Closed,
                }
            },
            Op::Get => loop {
                match self.rx.0.recv_timeout(POLL) {
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
                put_ret(self.tx.try_put(value))
            }
            Op::TryGet => match self.rx.try_get() {
                Ok(Some(value)) => Ret::Got(value),
                Ok(None) if self.is_closed() => self.drain_or_closed(),
                Ok(None) => Ret::Empty,
                Err(Closed) => Ret::Closed,
            },
            Op::Close => {
                self.release();
                Ret::Ok
            }
            Op::Len => Ret::Len(self.rx.0.len()),
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

/// The checker's `crossbeam` target, on OS threads, with every operation and capacity.
pub(crate) fn target() -> Box<dyn Target> {
    Box::new(Peer::plain(
        "crossbeam",
        "no close: emulated with a flag (puts fail, gets drain); blocking ops are \
         send_timeout/recv_timeout loops",
        |peer, scenario, watch| {
            on_threads(peer, &FlaggedClose::new(scenario.capacity), scenario, watch)
        },
    ))
}
