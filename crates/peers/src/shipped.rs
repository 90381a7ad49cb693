//! Shipped bugs beyond flume's, in non-blocking operations and
//! `close`, each pinned beside a fixed release:
//!
//! - `futures::channel::mpsc` 0.2.0-alpha forgot to wake a parked sender, and to count the
//!   message off, when the receiver took a message with `try_next` (rust-lang/futures-rs#861,
//!   fixed by #865 in 0.2.0-beta). Cargo cannot hold 0.2.0-alpha beside 0.2.0-beta (one semver
//!   bucket), so the fixed release checked against it is 0.3.
//! - `tokio::sync::mpsc` said `Empty`, never `Disconnected`, from `try_recv` on a channel the
//!   receiver had closed and drained (tokio-rs/tokio#7631, fixed by #7686 in 1.49.0 and
//!   1.47.3); tokio 0.2.25 is pinned beside the project's own tokio 1.
//!
//! futures' bounded channel holds `buffer` messages plus one per sender: a sender whose send
//! took the channel past `buffer` is *parked*, and `try_send` refuses (`Full`) until a receive
//! unparks it. Every put goes through one shared sender, so `channel(c - 1)` holds exactly `c`
//! messages, a queue of capacity `c`. The handles' `try_send` and `try_recv` take `&mut self`
//! (tokio's receiver too), so each handle sits behind a mutex. Only the non-blocking operations
//! and `close` are adapted: 0.2's futures run on 0.2's own task system, not on `std::task`, so
//! no runtime here could await them; and a blocking get would hold the receiver's mutex.

use std::sync::{Mutex, MutexGuard};

use prodcons_lincheck::{
    History, Immediate, Op, OpSet, Ret, Scenario, SyncOps, Target, Value, Watch, immediately,
    run_threads,
};

/// `try_put`, `try_get` and `close`: no blocking operations (0.2's futures cannot be awaited
/// here), no `len` (futures has none; tokio's needs the receiver), no cancellation (nothing to cancel).
const NON_BLOCKING_OPS: OpSet = OpSet {
    blocking: false,
    non_blocking: true,
    close: true,
    len: false,
    cancel: false,
};

/// Capacity 1 only (`channel(0)`). The bug is in the bounded channel's parking, and capacity
/// 0 (unbounded) is another type. At capacity 2 (`channel(1)`) even 0.3 is not linearizable: a
/// `try_send` that counts the message a concurrent `try_recv` is taking parks the sender *after*
/// that receive looked for a parked sender to wake, so the sender stays parked (`try_send` says
/// `Full`) with one of two slots free, until the next receive. At capacity 1 every send parks
/// before its own message is queued, so a receive always finds the sender to wake.
const FUTURES_CAPACITIES: &[usize] = &[1];

/// tokio's bounded channel; `channel(0)` panics, and the unbounded one is another type.
const TOKIO_CAPACITIES: &[usize] = &[1, 2];

fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poison| poison.into_inner())
}

/// A channel whose handles' non-blocking operations take `&mut self`, each handle behind a
/// mutex, with how each release names them.
struct Adapted<S, R> {
    tx: Mutex<S>,
    rx: Mutex<R>,
    try_send: fn(&mut S, Value) -> Ret,
    try_recv: fn(&mut R) -> Ret,
    close: fn(&mut R),
}

impl<S, R> Adapted<S, R> {
    fn new(
        (tx, rx): (S, R),
        try_send: fn(&mut S, Value) -> Ret,
        try_recv: fn(&mut R) -> Ret,
        close: fn(&mut R),
    ) -> Self {
        Self {
            tx: Mutex::new(tx),
            rx: Mutex::new(rx),
            try_send,
            try_recv,
            close,
        }
    }
}

impl<S, R> Immediate for Adapted<S, R> {
    fn try_put_now(&self, value: Value) -> Ret {
        (self.try_send)(&mut locked(&self.tx), value)
    }

    fn try_get_now(&self) -> Ret {
        (self.try_recv)(&mut locked(&self.rx))
    }

    /// The receiver's `close`: sends fail from then on, receives drain and then report the
    /// end, as after Python's close.
    fn close_now(&self) {
        (self.close)(&mut locked(&self.rx));
    }

    /// Not in their scenarios.
    fn len_now(&self) -> usize {
        0
    }
}

impl<S: Send, R: Send> SyncOps for Adapted<S, R> {
    fn apply(&self, op: Op) -> Ret {
        // Not in their scenarios: a blocking operation is refused as if closed.
        immediately(self, op).unwrap_or(Ret::Closed)
    }

    fn release(&self) {
        self.close_now();
    }
}

/// futures-channel 0.2.0-alpha's bounded channel of capacity `capacity` (see the module's
/// documentation): `try_next` is `Ok(Some)`, `Ok(None)` once closed and drained, `Err` when
/// empty.
fn futures_0_2_0_alpha(
    capacity: usize,
) -> Adapted<
    futures_channel_0_2_0_alpha::mpsc::Sender<Value>,
    futures_channel_0_2_0_alpha::mpsc::Receiver<Value>,
> {
    Adapted::new(
        futures_channel_0_2_0_alpha::mpsc::channel(capacity.saturating_sub(1)),
        |tx, value| match tx.try_send(value) {
            Ok(()) => Ret::Ok,
            Err(error) if error.is_full() => Ret::Full,
            Err(_) => Ret::Closed,
        },
        |rx| match rx.try_next() {
            Ok(Some(value)) => Ret::Got(value),
            Ok(None) => Ret::Closed,
            Err(_) => Ret::Empty,
        },
        futures_channel_0_2_0_alpha::mpsc::Receiver::close,
    )
}

/// futures-channel 0.3's, with `try_recv` (its `try_next` is deprecated).
fn futures_0_3(
    capacity: usize,
) -> Adapted<futures_channel::mpsc::Sender<Value>, futures_channel::mpsc::Receiver<Value>> {
    Adapted::new(
        futures_channel::mpsc::channel(capacity.saturating_sub(1)),
        |tx, value| match tx.try_send(value) {
            Ok(()) => Ret::Ok,
            Err(error) if error.is_full() => Ret::Full,
            Err(_) => Ret::Closed,
        },
        |rx| match rx.try_recv() {
            Ok(value) => Ret::Got(value),
            Err(futures_channel::mpsc::TryRecvError::Empty) => Ret::Empty,
            Err(futures_channel::mpsc::TryRecvError::Closed) => Ret::Closed,
        },
        futures_channel::mpsc::Receiver::close,
    )
}

/// A tokio bounded mpsc adapter: the releases differ only in their crate path, the name of
/// the closed-and-drained error, and whether `channel(0)` is allowed.
macro_rules! tokio_adapter {
    ($(#[$doc:meta])* $name:ident, $tokio:ident, $closed:ident, $capacity:expr) => {
        $(#[$doc])*
        fn $name(
            capacity: usize,
        ) -> Adapted<$tokio::sync::mpsc::Sender<Value>, $tokio::sync::mpsc::Receiver<Value>> {
            use $tokio::sync::mpsc::error::{TryRecvError, TrySendError};
            Adapted::new(
                $tokio::sync::mpsc::channel($capacity(capacity)),
                |tx, value| match tx.try_send(value) {
                    Ok(()) => Ret::Ok,
                    Err(TrySendError::Full(_)) => Ret::Full,
                    Err(TrySendError::Closed(_)) => Ret::Closed,
                },
                |rx| match rx.try_recv() {
                    Ok(value) => Ret::Got(value),
                    Err(TryRecvError::Empty) => Ret::Empty,
                    Err(TryRecvError::$closed) => Ret::Closed,
                },
                $tokio::sync::mpsc::Receiver::close,
            )
        }
    };
}

tokio_adapter!(
    /// tokio 0.2's bounded mpsc: its `try_recv` says `Empty`, never `Closed`, on a channel the
    /// receiver closed and drained while a sender lives (tokio-rs/tokio#7631).
    tokio_0_2,
    tokio_0_2,
    Closed,
    |capacity: usize| capacity
);

tokio_adapter!(
    /// The current tokio's (fixed in 1.49.0 and 1.47.3 by tokio-rs/tokio#7686).
    tokio_1,
    tokio,
    Disconnected,
    |capacity: usize| capacity.max(1)
);

/// A target of this module, on OS threads.
struct Shipped {
    name: &'static str,
    semantics: &'static str,
    capacities: &'static [usize],
    run: fn(&Scenario, &Watch, &Self) -> History,
}

impl Target for Shipped {
    fn name(&self) -> &'static str {
        self.name
    }

    fn ops(&self) -> OpSet {
        NON_BLOCKING_OPS
    }

    fn semantics(&self) -> &'static str {
        self.semantics
    }

    fn capacities(&self) -> &'static [usize] {
        self.capacities
    }

    fn run(&self, scenario: &Scenario, watch: &Watch) -> History {
        (self.run)(scenario, watch, self)
    }
}

/// Runs `scenario` on `queue`, held to `target`'s specification.
fn on_threads(
    target: &Shipped,
    queue: &impl SyncOps,
    scenario: &Scenario,
    watch: &Watch,
) -> History {
    run_threads(queue, scenario, &target.spec(scenario.capacity), watch)
}

/// The current releases, peers like the others.
pub(crate) fn targets() -> Vec<Box<dyn Target>> {
    vec![
        Box::new(Shipped {
            name: "futures-mpsc",
            semantics: "futures-channel 0.3's bounded mpsc on threads: one shared sender, \
                        channel(0) for capacity 1; try_put, try_get and the receiver's close \
                        only; capacity 1 only (at 2 a try_send racing a try_recv can stay parked)",
            capacities: FUTURES_CAPACITIES,
            run: |scenario, watch, target| {
                on_threads(target, &futures_0_3(scenario.capacity), scenario, watch)
            },
        }),
        Box::new(Shipped {
            name: "tokio-mpsc-try",
            semantics: "tokio::sync::mpsc's bounded channel on threads, non-blocking: try_put, \
                        try_get and the receiver's close only; bounded only",
            capacities: TOKIO_CAPACITIES,
            run: |scenario, watch, target| {
                on_threads(target, &tokio_1(scenario.capacity), scenario, watch)
            },
        }),
    ]
}

/// The shipped releases this module pins.
pub(crate) fn shipped_bugs() -> Vec<Box<dyn Target>> {
    vec![
        Box::new(Shipped {
            name: "futures-0.2.0-alpha-mpsc",
            semantics: "futures-channel 0.2.0-alpha, shipped with rust-lang/futures-rs#861 \
                        (try_next neither unparks a sender nor counts the message off, so \
                        try_send stays Full on an empty channel); otherwise as futures-mpsc",
            capacities: FUTURES_CAPACITIES,
            run: |scenario, watch, target| {
                on_threads(
                    target,
                    &futures_0_2_0_alpha(scenario.capacity),
                    scenario,
                    watch,
                )
            },
        }),
        Box::new(Shipped {
            name: "tokio-0.2-mpsc-try",
            semantics: "tokio 0.2.25, shipped with tokio-rs/tokio#7631 (try_recv says Empty, \
                        not Closed, once the receiver has closed and drained the channel); \
                        otherwise as tokio-mpsc-try",
            capacities: TOKIO_CAPACITIES,
            run: |scenario, watch, target| {
                on_threads(target, &tokio_0_2(scenario.capacity), scenario, watch)
            },
        }),
    ]
}
