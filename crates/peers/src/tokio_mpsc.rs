//! `tokio::sync::mpsc`'s bounded channel, for the checker only: tokio 1's on tasks
//! (`tokio-mpsc`, [`TokioMpsc`]) and through its non-blocking operations and `close` on
//! threads (`tokio-mpsc-try`, [`TryOnly`]), and tokio 0.2.22's the same way
//! (`tokio-0.2-mpsc-try`), pinned with a shipped bug.
//!
//! tokio's `try_recv` said `Empty`, never `Disconnected`, on a channel the receiver had closed
//! and drained while a sender lived (tokio-rs/tokio#7631, fixed by #7686 in 1.49.0 and
//! 1.47.3); tokio 0.2.22 is pinned beside the project's own tokio 1.
//!
//! Bounded only: `channel(0)` panics (in tokio 1), and the unbounded channel is another type.
//! The receiver's methods take `&mut self`: on tasks the one receiving task is lent it whole
//! ([`OneReceiver`]); for the non-blocking targets on threads it sits behind a mutex, like
//! futures' handles.

use prodcons_lincheck::{
    AsyncOps, BoxFuture, Flavor, Immediate, LazyRuntime, Op, OpSet, Ret, Target, Value, waiting,
};

use crate::shared::{
    BOUNDED, OneReceiver, Peer, SINGLE_CONSUMER_OPS, TryOnly, locked, on_tasks, on_threads,
    try_only_peer, try_sent,
};

/// `tokio::sync::mpsc`'s bounded channel, through tokio's own `send`, `try_send`, `recv`,
/// `try_recv` and the receiver's `close`, with no lock around them. Sends run on a clone of
/// the adapter's sender each (a short lock around the clone, none around the send). The
/// receiver's methods take `&mut self`: the scenarios give every receiving operation of the
/// parallel part (`get`, `try_get`, `cancelled_get`, `close`) to one task, and each is lent
/// the one receiver ([`OneReceiver`]); a dropped `recv` future gives it back. The release drops
/// the adapter's sender and closes the receiver if it is in the adapter: blocked sends (on a
/// full channel, so no receive is running) fail; a blocked receive (on an empty channel, so no
/// send is running and no clone of the sender is left) sees every sender gone and fails.
/// Together that is Python's close: gets drain, then fail. Bounded only: `channel(0)` panics,
/// and the unbounded channel is another type. No `len` in the scenarios: it needs the receiver.
struct TokioMpsc {
    tx: std::sync::Mutex<Option<tokio::sync::mpsc::Sender<Value>>>,
    rx: OneReceiver<tokio::sync::mpsc::Receiver<Value>>,
}

impl TokioMpsc {
    fn new(capacity: usize) -> Self {
        let (tx, rx) = tokio::sync::mpsc::channel(capacity.max(1));
        Self {
            tx: std::sync::Mutex::new(Some(tx)),
            rx: OneReceiver::new(rx),
        }
    }

    /// A sender for one call, or `None` once released.
    fn sender(&self) -> Option<tokio::sync::mpsc::Sender<Value>> {
        locked(&self.tx).clone()
    }
}

impl Immediate for TokioMpsc {
    fn try_put_now(&self, value: Value) -> Ret {
        self.sender()
            .map_or(Ret::Closed, |mut tx| try_send(&mut tx, value))
    }

    fn try_get_now(&self) -> Ret {
        self.rx
            .lend()
            .map_or(Ret::Closed, |mut rx| try_recv(&mut rx))
    }

    /// The receiver's `close`, from the one receiving task.
    fn close_now(&self) {
        if let Some(mut rx) = self.rx.lend() {
            rx.close();
        }
    }

    /// Not in tokio's scenarios: it needs the receiver.
    fn len_now(&self) -> usize {
        self.rx.lend().map_or(0, |rx| rx.len())
    }
}

impl AsyncOps for TokioMpsc {
    fn apply(&self, op: Op) -> BoxFuture<'_, Ret> {
        waiting(
            self,
            op,
            move |value| async move {
                match self.sender() {
                    Some(tx) => tx.send(value).await.map_or(Ret::Closed, |()| Ret::Ok),
                    None => Ret::Closed,
                }
            },
            move || async move {
                match self.rx.lend() {
                    // Lent for the whole receive; a dropped future drops the loan, which
                    // gives the receiver back (tokio's `recv` is cancel-safe).
                    Some(mut rx) => rx.recv().await.map_or(Ret::Closed, Ret::Got),
                    None => Ret::Closed,
                }
            },
        )
    }

    fn release(&self) {
        drop(locked(&self.tx).take());
        self.rx.if_here(tokio::sync::mpsc::Receiver::close);
    }
}

/// tokio's scenarios: `put`, `get`, the receiver's `close` and cancellation, with every
/// receiving operation in one task. No drops: its `close` is the receiver's own, and in the
/// scenarios. No `try_put` or `try_get`: see [`try_ops_target`].
const TOKIO_OPS: OpSet = OpSet {
    non_blocking: false,
    close: true,
    cancel: true,
    drops: false,
    ..SINGLE_CONSUMER_OPS
};

/// A tokio bounded mpsc adapter for [`TryOnly`]'s non-blocking targets: the releases differ
/// only in their crate path, the name of the closed-and-drained error, and whether
/// `channel(0)` is allowed. The current release's `try_recv` also serves [`TokioMpsc`].
macro_rules! tokio_adapter {
    (
        $(#[$doc:meta])* $name:ident, $try_send:ident, $try_recv:ident, $tokio:ident,
        $closed:ident, $capacity:expr
    ) => {
        /// The release's `try_send` (`&mut self` in 0.2), as the specification's return value.
        fn $try_send(tx: &mut $tokio::sync::mpsc::Sender<Value>, value: Value) -> Ret {
            use $tokio::sync::mpsc::error::TrySendError;
            try_sent(tx.try_send(value), |error| matches!(error, TrySendError::Full(_)))
        }

        /// The release's `try_recv`, as the specification's return value.
        fn $try_recv(rx: &mut $tokio::sync::mpsc::Receiver<Value>) -> Ret {
            use $tokio::sync::mpsc::error::TryRecvError;
            match rx.try_recv() {
                Ok(value) => Ret::Got(value),
                Err(TryRecvError::Empty) => Ret::Empty,
                Err(TryRecvError::$closed) => Ret::Closed,
            }
        }

        $(#[$doc])*
        fn $name(
            capacity: usize,
        ) -> TryOnly<$tokio::sync::mpsc::Sender<Value>, $tokio::sync::mpsc::Receiver<Value>> {
            TryOnly::new(
                $tokio::sync::mpsc::channel($capacity(capacity)),
                $try_send,
                $try_recv,
                $tokio::sync::mpsc::Receiver::close,
            )
        }
    };
}

tokio_adapter!(
    /// tokio 0.2's bounded mpsc: its `try_recv` says `Empty`, never `Closed`, on a channel the
    /// receiver closed and drained while a sender lives (tokio-rs/tokio#7631).
    tokio_0_2,
    try_send_0_2,
    try_recv_0_2,
    tokio_0_2,
    Closed,
    |capacity: usize| capacity
);

tokio_adapter!(
    /// The current tokio's (fixed in 1.49.0 and 1.47.3 by tokio-rs/tokio#7686).
    tokio_1,
    try_send,
    try_recv,
    tokio,
    Disconnected,
    |capacity: usize| capacity.max(1)
);

/// A `tokio-mpsc` target with `ops`, on a multi-thread runtime.
fn tokio_peer(name: &'static str, semantics: &'static str, ops: OpSet) -> Box<dyn Target> {
    Box::new(Peer {
        name,
        semantics,
        discards_on_close: false,
        ops,
        capacities: BOUNDED,
        runtime: Some(LazyRuntime::new(Flavor::MultiThread)),
        run: |peer, scenario, watch| {
            on_tasks(peer, TokioMpsc::new(scenario.capacity), scenario, watch)
        },
    })
}

/// The checker's `tokio-mpsc` target: tokio 1's channel on a multi-thread runtime.
pub(crate) fn target() -> Box<dyn Target> {
    tokio_peer(
        "tokio-mpsc",
        "tokio's own send, recv and the receiver's close, with cancellation: single consumer \
         (receiving operations and close in one task, lent the one receiver); the release \
         drops the senders and closes the receiver; no try_put or try_get \
         (tokio-mpsc-try-ops) and no len in the scenarios; bounded only",
        TOKIO_OPS,
    )
}

/// `tokio-mpsc-try-ops`: `tokio-mpsc` with `try_put` and `try_get` too, a known failure, and a
/// documented difference. tokio's sends "complete in the order they were requested": a slot
/// that a receive frees is handed at once to the first waiting send, as a permit, and its item
/// arrives only when its task runs again. Until then a `try_put` finds the channel `Full`
/// while a `try_get` finds it `Empty`, and after the receiver's `close` a `try_get` on the
/// drained channel says `Empty`, not `Closed` ("any outstanding Permit values will still be
/// able to send messages"). No order of a queue's operations explains either.
pub(crate) fn try_ops_target() -> Box<dyn Target> {
    tokio_peer(
        "tokio-mpsc-try-ops",
        "tokio-mpsc with try_put and try_get: a slot freed by a receive goes to the first \
         waiting send as a permit before its item arrives (tokio's sends complete in the order \
         requested), so meanwhile try_put can say Full while try_get says Empty, and after close \
         try_get says Empty on a drained channel",
        OpSet {
            non_blocking: true,
            ..TOKIO_OPS
        },
    )
}

/// `tokio-mpsc-try`: tokio 1's channel, non-blocking, on OS threads.
pub(crate) fn try_target() -> Box<dyn Target> {
    try_only_peer(
        "tokio-mpsc-try",
        "tokio::sync::mpsc's bounded channel on threads, non-blocking: try_put, try_get and the \
         receiver's close only; bounded only",
        BOUNDED,
        |peer, scenario, watch| on_threads(peer, &tokio_1(scenario.capacity), scenario, watch),
    )
}

/// `tokio-0.2-mpsc-try`, the pinned release with tokio-rs/tokio#7631.
pub(crate) fn v0_2_try_target() -> Box<dyn Target> {
    try_only_peer(
        "tokio-0.2-mpsc-try",
        "tokio 0.2.22, shipped with tokio-rs/tokio#7631 (try_recv says Empty, not Closed, once \
         the receiver has closed and drained the channel); otherwise as tokio-mpsc-try",
        BOUNDED,
        |peer, scenario, watch| on_threads(peer, &tokio_0_2(scenario.capacity), scenario, watch),
    )
}
