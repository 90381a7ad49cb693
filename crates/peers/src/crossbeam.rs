//! crossbeam-channel, the peer a Rust user would reach for: [`Crossbeam`], its channel for the
//! pipelines' thread driver, and the checker's `crossbeam` target.
//!
//! crossbeam has no `close`: a channel disconnects when every sender (or every receiver) is
//! dropped. That is all the pipelines need, since every worker drops its ends when it stops,
//! early or not, and it is how the checker's adapter, a [`DroppedEnds`], releases blocked
//! operations too: through crossbeam's own blocking `send` and `recv`, woken by crossbeam's own
//! disconnect.
//!
//! The checker's adapter runs the pipelines' own ends, so both make the channel and map each
//! operation the same way.

use prodcons::channel::{Closed, Receiver, Sender, ThreadChannel};
use prodcons_lincheck::{Op, Ret, SyncOps, Target, Value};

use crate::shared::{
    ANY, DroppedEnds, End, RENDEZVOUS_ONLY, dropped_ends_peer, ends, get_ret, on_threads, put_ret,
    unbounded_for_0,
};

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

/// The checker's crossbeam channel: the pipelines' ends, released by dropping them.
type Checked =
    DroppedEnds<<Crossbeam as ThreadChannel>::Tx<Value>, <Crossbeam as ThreadChannel>::Rx<Value>>;

impl SyncOps for Checked {
    fn apply(&self, op: Op) -> Ret {
        match op {
            Op::Put(value) => self.sender().map_or(Ret::Closed, |tx| match tx.put(value) {
                Ok(()) => Ret::Ok,
                Err(Closed) => Ret::Closed,
            }),
            Op::Get => self
                .receiver()
                .map_or(Ret::Closed, |rx| get_ret(rx.get().map(Some))),
            Op::TryPut(value) => self
                .sender()
                .map_or(Ret::Closed, |tx| put_ret(tx.try_put(value))),
            Op::TryGet => self
                .receiver()
                .map_or(Ret::Closed, |rx| get_ret(rx.try_get())),
            Op::DropSender => self.drop_sender(),
            Op::DropReceiver => self.drop_receiver(),
            Op::Close | Op::Len | Op::CancelledGet | Op::CancelledPut(_) => {
                unreachable!("not in the crossbeam target's scenarios: {op}")
            }
        }
    }

    fn release(&self) {
        self.drop_ends();
    }
}

/// The checker's `crossbeam` target, on OS threads: [`DroppedEnds`] at every capacity.
pub(crate) fn target() -> Box<dyn Target> {
    dropped_ends_peer(
        "crossbeam",
        "no close: drop_sender and drop_receiver drop the last sender or receiver, and the \
         release drops every end, so crossbeam's disconnect wakes blocked sends and receives \
         (the queued items go with the receivers); no close or len in the scenarios",
        ANY,
        None,
        |peer, scenario, watch| {
            on_threads(
                peer,
                &Checked::new(Crossbeam::channel(scenario.capacity)),
                scenario,
                watch,
            )
        },
    )
}

/// The checker's `crossbeam-rendezvous` target, on OS threads: `bounded(0)`, where a send
/// completes only together with a receive, as [`DroppedEnds`].
pub(crate) fn rendezvous_target() -> Box<dyn Target> {
    dropped_ends_peer(
        "crossbeam-rendezvous",
        "bounded(0), a rendezvous: a put completes only together with a get, and a try_put or \
         try_get succeeds only by meeting one that waits (spec RENDEZVOUS); no close: as \
         crossbeam",
        RENDEZVOUS_ONLY,
        None,
        |peer, scenario, watch| {
            on_threads(
                peer,
                &Checked::new(ends(crossbeam_channel::bounded(0))),
                scenario,
                watch,
            )
        },
    )
}
