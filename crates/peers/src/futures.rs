//! `futures::channel::mpsc`, for the checker only, through its non-blocking operations and
//! `close` ([`TryOnly`]): futures-channel 0.3 (`futures-mpsc`), and 0.2.0-alpha
//! (`futures-0.2.0-alpha-mpsc`), pinned with a shipped bug.
//!
//! 0.2.0-alpha forgot to wake a parked sender, and to count the message off, when the receiver
//! took a message with `try_next` (rust-lang/futures-rs#861, fixed by #865 in 0.2.0-beta).
//! Cargo cannot hold 0.2.0-alpha beside 0.2.0-beta (one semver bucket), so the fixed release
//! checked against it is 0.3.
//!
//! futures' bounded channel holds `buffer` messages plus one per sender: a sender whose send
//! took the channel past `buffer` is *parked*, and `try_send` refuses (`Full`) until a receive
//! unparks it. Every put goes through one shared sender, so `channel(c - 1)` holds exactly `c`
//! messages, a queue of capacity `c`. The handles' `try_send` and `try_recv` take `&mut self`,
//! so each handle sits behind a mutex. Only the non-blocking operations and `close` are
//! adapted: 0.2's futures run on 0.2's own task system, not on `std::task`, so no runtime here
//! could await them; and a blocking get would hold the receiver's mutex. futures has no `len`.

use prodcons_lincheck::{OpSet, Ret, Target, Value};

use crate::shared::{NON_BLOCKING_OPS, Peer, TryOnly, on_threads, try_only_peer, try_sent};

/// Capacity 1 only (`channel(0)`). The bug is in the bounded channel's parking, and capacity
/// 0 (unbounded) is another type. At capacity 2 (`channel(1)`) even 0.3 is not linearizable: a
/// `try_send` that counts the message a concurrent `try_recv` is taking parks the sender *after*
/// that receive looked for a parked sender to wake, so the sender stays parked (`try_send` says
/// `Full`) with one of two slots free, until the next receive. At capacity 1 every send parks
/// before its own message is queued, so a receive always finds the sender to wake.
const CAPACITIES: &[usize] = &[1];

/// futures-channel 0.2.0-alpha's bounded channel of capacity `capacity` (see the module's
/// documentation): `try_next` is `Ok(Some)`, `Ok(None)` once closed and drained, `Err` when
/// empty.
fn futures_0_2_0_alpha(
    capacity: usize,
) -> TryOnly<
    futures_channel_0_2_0_alpha::mpsc::Sender<Value>,
    futures_channel_0_2_0_alpha::mpsc::Receiver<Value>,
> {
    use futures_channel_0_2_0_alpha::mpsc::{Receiver, TrySendError, channel};
    TryOnly::new(
        channel(capacity.saturating_sub(1)),
        |tx, value| try_sent(tx.try_send(value), TrySendError::is_full),
        |rx| match rx.try_next() {
            Ok(Some(value)) => Ret::Got(value),
            Ok(None) => Ret::Closed,
            Err(_) => Ret::Empty,
        },
        Receiver::close,
    )
}

/// futures-channel 0.3's, with `try_recv` (its `try_next` is deprecated).
fn futures_0_3(
    capacity: usize,
) -> TryOnly<futures_channel::mpsc::Sender<Value>, futures_channel::mpsc::Receiver<Value>> {
    use futures_channel::mpsc::{Receiver, TryRecvError, TrySendError, channel};
    TryOnly::new(
        channel(capacity.saturating_sub(1)),
        |tx, value| try_sent(tx.try_send(value), TrySendError::is_full),
        |rx| match rx.try_recv() {
            Ok(value) => Ret::Got(value),
            Err(TryRecvError::Empty) => Ret::Empty,
            Err(TryRecvError::Closed) => Ret::Closed,
        },
        Receiver::close,
    )
}

/// The checker's `futures-mpsc` target: 0.3, on OS threads, without `close`, whose race with
/// `try_send` [`close_race_target`] keeps apart.
pub(crate) fn target() -> Box<dyn Target> {
    Box::new(Peer {
        ops: OpSet {
            close: false,
            ..NON_BLOCKING_OPS
        },
        capacities: CAPACITIES,
        ..Peer::plain(
            "futures-mpsc",
            "futures-channel 0.3's bounded mpsc on threads: one shared sender, channel(0) for \
             capacity 1; try_put and try_get only (with close, see futures-mpsc-close); \
             capacity 1 only (at 2 a try_send racing a try_recv can stay parked)",
            |peer, scenario, watch| {
                on_threads(peer, &futures_0_3(scenario.capacity), scenario, watch)
            },
        )
    })
}

/// `futures-mpsc` with the receiver's `close`, a current release with a known failure, seen
/// twice in about 64,000 histories of `prodcons check --target futures-mpsc` sweeps here (the
/// history is in `docs/conformance.md`): a `try_send` that counts its message before a concurrent `close`
/// pushes it after, so a `try_recv` in between finds the closed channel empty (`Empty`, not
/// the message), and a later one takes the message. Its send returned `Ok`, so it took
/// effect before the close, and no order explains the `Empty`. Too rare for CI to require.
pub(crate) fn close_race_target() -> Box<dyn Target> {
    try_only_peer(
        "futures-mpsc-close",
        "futures-mpsc with the receiver's close: a try_send racing close can count its message \
         before the close and push it after, so a try_recv between them says Empty on the \
         closed channel and a later one takes the message (a known failure, rare)",
        CAPACITIES,
        |peer, scenario, watch| on_threads(peer, &futures_0_3(scenario.capacity), scenario, watch),
    )
}

/// `futures-0.2.0-alpha-mpsc`, the pinned release with rust-lang/futures-rs#861.
pub(crate) fn v0_2_0_alpha_target() -> Box<dyn Target> {
    try_only_peer(
        "futures-0.2.0-alpha-mpsc",
        "futures-channel 0.2.0-alpha, shipped with rust-lang/futures-rs#861 (try_next neither \
         unparks a sender nor counts the message off, so try_send stays Full on an empty \
         channel); otherwise as futures-mpsc",
        CAPACITIES,
        |peer, scenario, watch| {
            let queue = futures_0_2_0_alpha(scenario.capacity);
            on_threads(peer, &queue, scenario, watch)
        },
    )
}
