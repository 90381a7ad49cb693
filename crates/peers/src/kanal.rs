//! kanal, blocking and async: [`Kanal`] for the pipelines' thread driver and [`KanalAsync`]
//! for their task driver, and the checker's `kanal`, `kanal-async`, `kanal-async-cancel` and
//! `kanal-rendezvous` targets, which run those very ends ([`ThreadEnds`], [`TaskEnds`]).
//!
//! kanal has a real `close` that fails every pending and later send and receive on both ends,
//! so `close` here releases blocked workers just as our queues' `close` does. It closes both
//! ends at once and throws away what is queued, so the checker holds kanal to
//! [`Spec::discarding_on_close`](prodcons_lincheck::Spec::discarding_on_close). The async API
//! has the same close as the blocking one, and shares its non-waiting operations: an async
//! handle borrows as a blocking one (`as_sync`), so [`try_put`] and [`try_get`] serve both.
//!
//! Its async receive is not cancel-safe: a receive dropped after a send handed it the item
//! loses the item. `kanal-async` checks everything else; `kanal-async-cancel`, among the
//! [`shipped_bugs`](crate::shipped_bugs), shows the failure.

use prodcons::channel::{
    AsyncReceiver, AsyncSender, Closed, Receiver, Sender, TaskChannel, ThreadChannel,
};
use prodcons_lincheck::{Flavor, LazyRuntime, OpSet, Target};

use crate::shared::{
    ANY, End, Peer, RENDEZVOUS_ONLY, TaskEnds, ThreadEnds, ends, on_tasks, on_threads,
    unbounded_for_0,
};

/// kanal's blocking API, for threads; `unbounded()` for capacity 0.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::channel::{Closed, Receiver, Sender, ThreadChannel};
/// use prodcons_peers::Kanal;
///
/// let (tx, rx) = Kanal::channel::<u64>(0);
/// assert_eq!(tx.put(1), Ok(()));
/// tx.close();
/// assert_eq!(rx.get(), Err(Closed), "kanal's close discards what is queued");
/// ```
pub struct Kanal;

/// kanal's async API, for tasks; unbounded for capacity 0, as [`Kanal`].
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::channel::{AsyncReceiver, AsyncSender, TaskChannel};
/// use prodcons_peers::KanalAsync;
///
/// let (tx, rx) = KanalAsync::channel::<u64>(1);
/// assert_eq!(tx.try_put(1), Ok(Ok(())));
/// assert_eq!(tx.try_put(2), Ok(Err(2)), "full: the item comes back");
/// assert_eq!(rx.try_get(), Ok(Some(1)));
/// ```
pub struct KanalAsync;

/// A send that never waits, from either API: `Ok(Err(item))` hands the item back when the
/// channel is full.
fn try_put<T>(tx: &kanal::Sender<T>, item: T) -> Result<Result<(), T>, Closed> {
    let mut slot = Some(item);
    let sent = tx.try_send_option(&mut slot).map_err(|_| Closed)?;
    // `try_send_option` leaves the item in its slot when the channel is full.
    match (sent, slot) {
        (false, Some(item)) => Ok(Err(item)),
        _ => Ok(Ok(())),
    }
}

/// A receive that never waits, from either API: `Ok(None)` when the channel is empty.
fn try_get<T>(rx: &kanal::Receiver<T>) -> Result<Option<T>, Closed> {
    rx.try_recv().map_err(|_| Closed)
}

impl<T: Send + 'static> Sender<T> for End<kanal::Sender<T>> {
    fn put(&self, item: T) -> Result<(), Closed> {
        self.0.send(item).map_err(|_| Closed)
    }

    fn try_put(&self, item: T) -> Result<Result<(), T>, Closed> {
        try_put(&self.0, item)
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn close(&self) {
        // An error only says the channel was closed already, which is what we want.
        let _ = self.0.close();
    }
}

impl<T: Send + 'static> Receiver<T> for End<kanal::Receiver<T>> {
    fn get(&self) -> Result<T, Closed> {
        self.0.recv().map_err(|_| Closed)
    }

    fn try_get(&self) -> Result<Option<T>, Closed> {
        try_get(&self.0)
    }

    fn close(&self) {
        let _ = self.0.close();
    }
}

impl ThreadChannel for Kanal {
    type Tx<T: Send + 'static> = End<kanal::Sender<T>>;
    type Rx<T: Send + 'static> = End<kanal::Receiver<T>>;

    fn channel<T: Send + 'static>(capacity: usize) -> (Self::Tx<T>, Self::Rx<T>) {
        // kanal's `bounded(0)` is a rendezvous channel, not the assignment's "unbounded".
        unbounded_for_0(capacity, kanal::unbounded, kanal::bounded)
    }
}

impl<T: Send + 'static> AsyncSender<T> for End<kanal::AsyncSender<T>> {
    async fn put(&self, item: T) -> Result<(), Closed> {
        self.0.send(item).await.map_err(|_| Closed)
    }

    fn try_put(&self, item: T) -> Result<Result<(), T>, Closed> {
        try_put(self.0.as_sync(), item)
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn close(&self) {
        let _ = self.0.close();
    }
}

impl<T: Send + 'static> AsyncReceiver<T> for End<kanal::AsyncReceiver<T>> {
    async fn get(&self) -> Result<T, Closed> {
        self.0.recv().await.map_err(|_| Closed)
    }

    fn try_get(&self) -> Result<Option<T>, Closed> {
        try_get(self.0.as_sync())
    }

    fn close(&self) {
        let _ = self.0.close();
    }
}

impl TaskChannel for KanalAsync {
    type Tx<T: Send + 'static> = End<kanal::AsyncSender<T>>;
    type Rx<T: Send + 'static> = End<kanal::AsyncReceiver<T>>;

    fn channel<T: Send + 'static>(capacity: usize) -> (Self::Tx<T>, Self::Rx<T>) {
        // [`Kanal`]'s channel, seen through the async API: kanal's `bounded_async` and
        // `unbounded_async` make the very same channel as `bounded` and `unbounded`, and
        // `to_async` only retypes a handle.
        let (tx, rx) = Kanal::channel(capacity);
        ends((tx.0.to_async(), rx.0.to_async()))
    }
}

/// The checker's `kanal` target: [`Kanal`]'s ends on OS threads.
pub(crate) fn target() -> Box<dyn Target> {
    Box::new(Peer {
        name: "kanal",
        semantics: "close closes both ends and discards queued items",
        discards_on_close: true,
        ops: OpSet::ALL,
        capacities: ANY,
        runtime: None,
        run: |peer, scenario, watch| {
            let queue = ThreadEnds::<Kanal>::new(scenario.capacity);
            on_threads(peer, &queue, scenario, watch)
        },
    })
}

/// [`KanalAsync`]'s ends on a multi-thread runtime, with the operations `ops`.
fn async_peer(name: &'static str, semantics: &'static str, ops: OpSet) -> Box<dyn Target> {
    Box::new(Peer {
        name,
        semantics,
        discards_on_close: true,
        ops,
        capacities: ANY,
        runtime: Some(LazyRuntime::new(Flavor::MultiThread)),
        run: |peer, scenario, watch| {
            on_tasks(
                peer,
                TaskEnds::<KanalAsync>::new(scenario.capacity),
                scenario,
                watch,
            )
        },
    })
}

/// The checker's `kanal-async` target. Without cancellation: its receive is not cancel-safe,
/// which `kanal-async-cancel` shows; this target checks the rest.
pub(crate) fn async_target() -> Box<dyn Target> {
    async_peer(
        "kanal-async",
        "close closes both ends and discards queued items; tokio multi-thread",
        OpSet::ALL,
    )
}

/// `kanal-async-cancel`, a known failure of the current release (see the module's
/// documentation).
pub(crate) fn async_cancel_target() -> Box<dyn Target> {
    async_peer(
        "kanal-async-cancel",
        "kanal-async with cancelled gets and puts: a receive dropped after a send handed it the \
         item loses the item (the current release)",
        OpSet::ALL.with_cancel(),
    )
}

/// The checker's `kanal-rendezvous` target: [`Kanal`]'s ends of `bounded(0)`, where a send
/// completes only together with a receive, on OS threads, with every operation.
pub(crate) fn rendezvous_target() -> Box<dyn Target> {
    Box::new(Peer {
        name: "kanal-rendezvous",
        semantics: "bounded(0), a rendezvous: a put completes only together with a get, and a \
                    try_put or try_get succeeds only by meeting one that waits (spec \
                    RENDEZVOUS); close as kanal's",
        discards_on_close: true,
        ops: OpSet::ALL,
        capacities: RENDEZVOUS_ONLY,
        runtime: None,
        run: |peer, scenario, watch| {
            let queue = ThreadEnds::<Kanal>::from_ends(ends(kanal::bounded(0)));
            on_threads(peer, &queue, scenario, watch)
        },
    })
}
