//! Shipped bugs beyond flume's (the `conformance` feature): `futures::channel::mpsc`, whose
//! 0.2.0-alpha release forgot to wake a parked sender when the receiver took a message with
//! `try_next` (rust-lang/futures-rs#861, fixed by #865 in 0.2.0-beta), pinned beside the
//! current release.
//!
//! Cargo cannot hold 0.2.0-alpha beside 0.2.0-beta (one semver bucket), so the fixed release
//! it is checked against is 0.3.
//!
//! futures' bounded channel holds `buffer` messages plus one per sender: a sender whose send
//! took the channel past `buffer` is *parked*, and `try_send` refuses (`Full`) until a receive
//! unparks it. Every put goes through one shared sender, so `channel(c - 1)` holds exactly `c`
//! messages, a queue of capacity `c`. The handles' `try_send` and `try_next` take `&mut self`,
//! so each sits behind a mutex. Only the non-blocking operations and `close` are adapted:
//! 0.2's futures run on 0.2's own task system, not on `std::task`, so no runtime here could
//! await them.

use std::sync::{Mutex, MutexGuard};

use super::history::History;
use super::scenario::{OpSet, Scenario};
use super::spec::{Op, Ret, Value};
use super::stress::{SyncOps, Watch, run_threads};
use super::targets::{Immediate, Target, immediately};

/// `try_put`, `try_get` and `close`: no blocking operations, no `len` (futures has none).
const FUTURES_OPS: OpSet = OpSet {
    blocking: false,
    non_blocking: true,
    close: true,
    len: false,
};

/// Capacity 1 only (`channel(0)`). The bug is in the bounded channel's parking, and capacity
/// 0 (unbounded) is another type. At capacity 2 (`channel(1)`) even 0.3 is not linearizable: a
/// `try_send` that counts the message a concurrent `try_recv` is taking parks the sender *after*
/// that receive looked for a parked sender to wake, so the sender stays parked (`try_send` says
/// `Full`) with one of two slots free, until the next receive. At capacity 1 every send parks
/// before its own message is queued, so a receive always finds the sender to wake.
const BOUNDED: &[usize] = &[1];

fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poison| poison.into_inner())
}

/// One `futures::channel::mpsc` release's bounded channel, with the adapter described in the
/// module's documentation. `$try_recv` names the receiver's non-blocking receive: `try_next`
/// in 0.2 (`Ok(Some)`, `Ok(None)` once closed and drained, `Err` when empty), `try_recv` in
/// 0.3 (its `try_next` is deprecated).
macro_rules! futures_adapter {
    ($name:ident, $krate:ident, |$rx:ident| $try_recv:expr) => {
        struct $name {
            tx: Mutex<$krate::mpsc::Sender<Value>>,
            rx: Mutex<$krate::mpsc::Receiver<Value>>,
        }

        impl $name {
            fn new(capacity: usize) -> Self {
                let (tx, rx) = $krate::mpsc::channel(capacity.saturating_sub(1));
                Self {
                    tx: Mutex::new(tx),
                    rx: Mutex::new(rx),
                }
            }
        }

        impl Immediate for $name {
            fn try_put_now(&self, value: Value) -> Ret {
                match locked(&self.tx).try_send(value) {
                    Ok(()) => Ret::Ok,
                    Err(error) if error.is_full() => Ret::Full,
                    Err(_) => Ret::Closed,
                }
            }

            fn try_get_now(&self) -> Ret {
                let mut $rx = locked(&self.rx);
                $try_recv
            }

            /// The receiver's `close`: sends fail from then on, receives drain and then
            /// report the end, as after Python's close.
            fn close_now(&self) {
                locked(&self.rx).close();
            }

            /// Not in its scenarios.
            fn len_now(&self) -> usize {
                0
            }
        }

        impl SyncOps for $name {
            fn apply(&self, op: Op) -> Ret {
                // Not in its scenarios: a blocking operation is refused as if closed.
                immediately(self, op).unwrap_or(Ret::Closed)
            }

            fn release(&self) {
                self.close_now();
            }
        }
    };
}

futures_adapter!(
    Futures0_2_0Alpha,
    futures_channel_0_2_0_alpha,
    |rx| match rx.try_next() {
        Ok(Some(value)) => Ret::Got(value),
        Ok(None) => Ret::Closed,
        Err(_) => Ret::Empty,
    }
);

futures_adapter!(Futures0_3, futures_channel, |rx| match rx.try_recv() {
    Ok(value) => Ret::Got(value),
    Err(futures_channel::mpsc::TryRecvError::Empty) => Ret::Empty,
    Err(futures_channel::mpsc::TryRecvError::Closed) => Ret::Closed,
});

/// A `futures::channel::mpsc` target on OS threads.
struct FuturesMpsc {
    name: &'static str,
    semantics: &'static str,
    run: fn(&Scenario, &Watch, &Self) -> History,
}

impl Target for FuturesMpsc {
    fn name(&self) -> &'static str {
        self.name
    }

    fn ops(&self) -> OpSet {
        FUTURES_OPS
    }

    fn semantics(&self) -> &'static str {
        self.semantics
    }

    fn capacities(&self) -> &'static [usize] {
        BOUNDED
    }

    fn run(&self, scenario: &Scenario, watch: &Watch) -> History {
        (self.run)(scenario, watch, self)
    }
}

/// The current `futures::channel::mpsc`, a peer like the others.
pub(super) fn targets() -> Vec<Box<dyn Target>> {
    vec![Box::new(FuturesMpsc {
        name: "futures-mpsc",
        semantics: "futures-channel 0.3's bounded mpsc on threads: one shared sender, \
                    channel(0) for capacity 1; try_put, try_get and the receiver's close only; \
                    capacity 1 only (at 2 a try_send racing a try_recv can stay parked)",
        run: |scenario, watch, target| {
            run_threads(
                &Futures0_3::new(scenario.capacity),
                scenario,
                &target.spec(scenario.capacity),
                watch,
            )
        },
    })]
}

/// The shipped releases this module pins.
pub(super) fn shipped_bugs() -> Vec<Box<dyn Target>> {
    vec![Box::new(FuturesMpsc {
        name: "futures-0.2.0-alpha-mpsc",
        semantics: "futures-channel 0.2.0-alpha, shipped with rust-lang/futures-rs#861 \
                    (try_next neither unparks a sender nor counts the message off, so try_send \
                    stays Full on an empty channel); otherwise as futures-mpsc",
        run: |scenario, watch, target| {
            run_threads(
                &Futures0_2_0Alpha::new(scenario.capacity),
                scenario,
                &target.spec(scenario.capacity),
                watch,
            )
        },
    })]
}
