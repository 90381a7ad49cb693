//! async-channel (smol's): [`AsyncChannel`] for the pipelines' task driver, and the checker's
//! `async-channel` target, which runs those very ends ([`TaskEnds`]).
//!
//! async-channel has a real `close`, and it is Python's: sends fail from then on, pending and
//! later receives drain what is queued and then fail. So `close` here releases blocked workers
//! just as our queues' `close` does, and the checker holds it to the plain specification.

use prodcons::channel::{AsyncReceiver, AsyncSender, Closed, TaskChannel};
use prodcons_lincheck::{Flavor, LazyRuntime, OpSet, Target};

use crate::shared::{ANY, End, Peer, TaskEnds, on_tasks, unbounded_for_0};

/// async-channel, for tasks; `unbounded()` for capacity 0.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::channel::{AsyncReceiver, AsyncSender, Closed, TaskChannel};
/// use prodcons_peers::AsyncChannel;
///
/// let (tx, rx) = AsyncChannel::channel::<u64>(0);
/// assert_eq!(tx.try_put(1), Ok(Ok(())));
/// tx.close();
/// assert_eq!(tx.try_put(2), Err(Closed));
/// assert_eq!(rx.try_get(), Ok(Some(1)), "a get drains what was queued");
/// assert_eq!(rx.try_get(), Err(Closed));
/// ```
pub struct AsyncChannel;

impl<T: Send + 'static> AsyncSender<T> for End<async_channel::Sender<T>> {
    async fn put(&self, item: T) -> Result<(), Closed> {
        self.0.send(item).await.map_err(|_| Closed)
    }

    fn try_put(&self, item: T) -> Result<Result<(), T>, Closed> {
        match self.0.try_send(item) {
            Ok(()) => Ok(Ok(())),
            Err(async_channel::TrySendError::Full(item)) => Ok(Err(item)),
            Err(async_channel::TrySendError::Closed(_)) => Err(Closed),
        }
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn close(&self) {
        self.0.close();
    }
}

impl<T: Send + 'static> AsyncReceiver<T> for End<async_channel::Receiver<T>> {
    async fn get(&self) -> Result<T, Closed> {
        self.0.recv().await.map_err(|_| Closed)
    }

    fn try_get(&self) -> Result<Option<T>, Closed> {
        match self.0.try_recv() {
            Ok(item) => Ok(Some(item)),
            Err(async_channel::TryRecvError::Empty) => Ok(None),
            Err(async_channel::TryRecvError::Closed) => Err(Closed),
        }
    }

    fn close(&self) {
        self.0.close();
    }
}

impl TaskChannel for AsyncChannel {
    type Tx<T: Send + 'static> = End<async_channel::Sender<T>>;
    type Rx<T: Send + 'static> = End<async_channel::Receiver<T>>;

    fn channel<T: Send + 'static>(capacity: usize) -> (Self::Tx<T>, Self::Rx<T>) {
        // async-channel's `bounded(0)` panics; 0 means unbounded, as in Python.
        unbounded_for_0(capacity, async_channel::unbounded, async_channel::bounded)
    }
}

/// The checker's `async-channel` target: [`AsyncChannel`]'s ends on a multi-thread runtime.
pub(crate) fn target() -> Box<dyn Target> {
    Box::new(Peer {
        name: "async-channel",
        semantics: "close as Python's; tokio multi-thread",
        discards_on_close: false,
        ops: OpSet::ALL.with_cancel(),
        capacities: ANY,
        runtime: Some(LazyRuntime::new(Flavor::MultiThread)),
        run: |peer, scenario, watch| {
            let queue = TaskEnds::<AsyncChannel>::new(scenario.capacity);
            on_tasks(peer, queue, scenario, watch)
        },
    })
}
