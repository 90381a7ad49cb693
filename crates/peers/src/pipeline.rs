//! The peers a Rust user would pick instead of our queues, behind the same channel traits, so
//! that the same drivers run them and `prodcons bench` compares queues, not drivers.
//!
//! - [`Crossbeam`]: crossbeam-channel, for the thread driver;
//! - [`Kanal`]: kanal's blocking channel, for the thread driver;
//! - [`KanalAsync`]: kanal's async channel, for the task driver;
//! - [`AsyncChannel`]: async-channel (smol's), for the task driver.
//!
//! Both crates have a real `close` that fails every pending and later send and receive on both
//! ends, so `close` here releases blocked workers just as our queues' `close` does.

use prodcons::channel::{
    AsyncReceiver, AsyncSender, Closed, Receiver, Sender, TaskChannel, ThreadChannel,
};

/// One end of a peer crate's channel, wrapped so that this crate may implement the library's
/// channel traits for it.
#[derive(Debug)]
pub struct End<E>(E);

impl<E: Clone> Clone for End<E> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

/// Both ends of a new channel, wrapped.
fn ends<S, R>((tx, rx): (S, R)) -> (End<S>, End<R>) {
    (End(tx), End(rx))
}

/// crossbeam-channel, the peer a Rust user would reach for.
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
        match capacity {
            0 => ends(crossbeam_channel::unbounded()),
            bound => ends(crossbeam_channel::bounded(bound)),
        }
    }
}

/// kanal's blocking API, for threads; `unbounded()` for capacity 0.
pub struct Kanal;

/// kanal's `try_send_option` leaves the item in its slot when the channel is full.
fn kept_when_full<T>(sent: bool, slot: Option<T>) -> Result<(), T> {
    match (sent, slot) {
        (false, Some(item)) => Err(item),
        _ => Ok(()),
    }
}

impl<T: Send + 'static> Sender<T> for End<kanal::Sender<T>> {
    fn put(&self, item: T) -> Result<(), Closed> {
        self.0.send(item).map_err(|_| Closed)
    }

    fn try_put(&self, item: T) -> Result<Result<(), T>, Closed> {
        let mut slot = Some(item);
        let sent = self.0.try_send_option(&mut slot).map_err(|_| Closed)?;
        Ok(kept_when_full(sent, slot))
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
        self.0.try_recv().map_err(|_| Closed)
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
        match capacity {
            0 => ends(kanal::unbounded()),
            bound => ends(kanal::bounded(bound)),
        }
    }
}

/// kanal's async API, for tasks; `unbounded_async()` for capacity 0.
pub struct KanalAsync;

impl<T: Send + 'static> AsyncSender<T> for End<kanal::AsyncSender<T>> {
    async fn put(&self, item: T) -> Result<(), Closed> {
        self.0.send(item).await.map_err(|_| Closed)
    }

    fn try_put(&self, item: T) -> Result<Result<(), T>, Closed> {
        let mut slot = Some(item);
        let sent = self.0.try_send_option(&mut slot).map_err(|_| Closed)?;
        Ok(kept_when_full(sent, slot))
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
        self.0.try_recv().map_err(|_| Closed)
    }

    fn close(&self) {
        let _ = self.0.close();
    }
}

impl TaskChannel for KanalAsync {
    type Tx<T: Send + 'static> = End<kanal::AsyncSender<T>>;
    type Rx<T: Send + 'static> = End<kanal::AsyncReceiver<T>>;

    fn channel<T: Send + 'static>(capacity: usize) -> (Self::Tx<T>, Self::Rx<T>) {
        match capacity {
            0 => ends(kanal::unbounded_async()),
            bound => ends(kanal::bounded_async(bound)),
        }
    }
}

/// async-channel, for tasks; `unbounded()` for capacity 0.
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
        match capacity {
            0 => ends(async_channel::unbounded()),
            bound => ends(async_channel::bounded(bound)),
        }
    }
}
