//! The peers a Rust user would pick instead of our queues, behind the same channel traits, so
//! that the same drivers run them and `prodcons bench` compares queues, not drivers.
//!
//! - [`Kanal`]: kanal's blocking channel, for the thread driver;
//! - [`KanalAsync`]: kanal's async channel, for the task driver;
//! - [`AsyncChannel`]: async-channel (smol's), for the task driver.
//!
//! Both crates have a real `close` that fails every pending and later send and receive on both
//! ends, so `close` here releases blocked workers just as our queues' `close` does.

use super::channel::{
    AsyncReceiver, AsyncSender, Closed, Receiver, Sender, TaskChannel, ThreadChannel,
};

/// kanal's blocking API, for threads; `unbounded()` for capacity 0.
pub(crate) struct Kanal;

/// kanal's `try_send_option` leaves the item in its slot when the channel is full.
fn kept_when_full<T>(sent: bool, slot: Option<T>) -> Result<(), T> {
    match (sent, slot) {
        (false, Some(item)) => Err(item),
        _ => Ok(()),
    }
}

impl<T: Send + 'static> Sender<T> for kanal::Sender<T> {
    fn put(&self, item: T) -> Result<(), Closed> {
        self.send(item).map_err(|_| Closed)
    }

    fn try_put(&self, item: T) -> Result<Result<(), T>, Closed> {
        let mut slot = Some(item);
        let sent = self.try_send_option(&mut slot).map_err(|_| Closed)?;
        Ok(kept_when_full(sent, slot))
    }

    fn len(&self) -> usize {
        kanal::Sender::len(self)
    }

    fn close(&self) {
        // An error only says the channel was closed already, which is what we want.
        let _ = kanal::Sender::close(self);
    }
}

impl<T: Send + 'static> Receiver<T> for kanal::Receiver<T> {
    fn get(&self) -> Result<T, Closed> {
        self.recv().map_err(|_| Closed)
    }

    fn try_get(&self) -> Result<Option<T>, Closed> {
        self.try_recv().map_err(|_| Closed)
    }

    fn close(&self) {
        let _ = kanal::Receiver::close(self);
    }
}

impl ThreadChannel for Kanal {
    type Tx<T: Send + 'static> = kanal::Sender<T>;
    type Rx<T: Send + 'static> = kanal::Receiver<T>;

    fn channel<T: Send + 'static>(capacity: usize) -> (Self::Tx<T>, Self::Rx<T>) {
        // kanal's `bounded(0)` is a rendezvous channel, not the assignment's "unbounded".
        match capacity {
            0 => kanal::unbounded(),
            bound => kanal::bounded(bound),
        }
    }
}

/// kanal's async API, for tasks; `unbounded_async()` for capacity 0.
pub(crate) struct KanalAsync;

impl<T: Send + 'static> AsyncSender<T> for kanal::AsyncSender<T> {
    async fn put(&self, item: T) -> Result<(), Closed> {
        self.send(item).await.map_err(|_| Closed)
    }

    fn try_put(&self, item: T) -> Result<Result<(), T>, Closed> {
        let mut slot = Some(item);
        let sent = self.try_send_option(&mut slot).map_err(|_| Closed)?;
        Ok(kept_when_full(sent, slot))
    }

    fn len(&self) -> usize {
        kanal::AsyncSender::len(self)
    }

    fn close(&self) {
        let _ = kanal::AsyncSender::close(self);
    }
}

impl<T: Send + 'static> AsyncReceiver<T> for kanal::AsyncReceiver<T> {
    async fn get(&self) -> Result<T, Closed> {
        self.recv().await.map_err(|_| Closed)
    }

    fn try_get(&self) -> Result<Option<T>, Closed> {
        self.try_recv().map_err(|_| Closed)
    }

    fn close(&self) {
        let _ = kanal::AsyncReceiver::close(self);
    }
}

impl TaskChannel for KanalAsync {
    type Tx<T: Send + 'static> = kanal::AsyncSender<T>;
    type Rx<T: Send + 'static> = kanal::AsyncReceiver<T>;

    fn channel<T: Send + 'static>(capacity: usize) -> (Self::Tx<T>, Self::Rx<T>) {
        match capacity {
            0 => kanal::unbounded_async(),
            bound => kanal::bounded_async(bound),
        }
    }
}

/// async-channel, for tasks; `unbounded()` for capacity 0.
pub(crate) struct AsyncChannel;

impl<T: Send + 'static> AsyncSender<T> for async_channel::Sender<T> {
    async fn put(&self, item: T) -> Result<(), Closed> {
        self.send(item).await.map_err(|_| Closed)
    }

    fn try_put(&self, item: T) -> Result<Result<(), T>, Closed> {
        match self.try_send(item) {
            Ok(()) => Ok(Ok(())),
            Err(async_channel::TrySendError::Full(item)) => Ok(Err(item)),
            Err(async_channel::TrySendError::Closed(_)) => Err(Closed),
        }
    }

    fn len(&self) -> usize {
        async_channel::Sender::len(self)
    }

    fn close(&self) {
        async_channel::Sender::close(self);
    }
}

impl<T: Send + 'static> AsyncReceiver<T> for async_channel::Receiver<T> {
    async fn get(&self) -> Result<T, Closed> {
        self.recv().await.map_err(|_| Closed)
    }

    fn try_get(&self) -> Result<Option<T>, Closed> {
        match self.try_recv() {
            Ok(item) => Ok(Some(item)),
            Err(async_channel::TryRecvError::Empty) => Ok(None),
            Err(async_channel::TryRecvError::Closed) => Err(Closed),
        }
    }

    fn close(&self) {
        async_channel::Receiver::close(self);
    }
}

impl TaskChannel for AsyncChannel {
    type Tx<T: Send + 'static> = async_channel::Sender<T>;
    type Rx<T: Send + 'static> = async_channel::Receiver<T>;

    fn channel<T: Send + 'static>(capacity: usize) -> (Self::Tx<T>, Self::Rx<T>) {
        // async-channel's `bounded(0)` panics; 0 means unbounded, as in Python.
        match capacity {
            0 => async_channel::unbounded(),
            bound => async_channel::bounded(bound),
        }
    }
}
