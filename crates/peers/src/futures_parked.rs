//! futures' bounded mpsc with blocking puts and gets on OS threads, through the crate's own
//! parking: futures 0.1.6's `sync::mpsc` (`futures-0.1.6-mpsc`), shipped with
//! rust-lang/futures-rs#264, and futures-channel 0.3's (`futures-mpsc-parked`), the fixed
//! design checked through the very same adapter.
//!
//! rust-lang/futures-rs#264, "mpsc::Sender hangs forever": in 0.1.6, `Receiver::close`, which
//! the receiver's drop also calls, flips the channel to closed but never unparks the senders
//! parked on the full channel, so a send waiting there sleeps for good instead of failing.
//! 0.1.7 fixed it ("Fix a wakeup bug in `Receiver::close`" in its changelog: `close` now pops
//! and unparks every parked sender) together with a narrower race of the same report,
//! rust-lang/futures-rs#282 ("Check for channel close after a park": a sender that parks
//! between the close and its own push onto the parked queue is never found). Both need two
//! threads: a sender waiting in one, the receiver closing in another. Cargo cannot hold 0.1.6
//! beside 0.1.7 (one semver bucket), so the fixed design checked against it is futures-channel
//! 0.3, whose mpsc descends from 0.1's.
//!
//! Each operation polls the crate's own futures machinery, not a timeout loop: a put is
//! `start_send` (0.1, inside a 0.1 task of this module's [`Signal`]) or `poll_ready` and
//! `start_send` (0.3, with a [`Waker`] of the same signal); a get polls the receiver's
//! `Stream`. Between polls the thread parks until the crate wakes the signal; nothing else
//! re-polls, so a wakeup the crate loses stays lost. After the release (the receiver's
//! `close`), a still-pending operation is polled once more and, if that cannot finish it
//! either, reports what no order explains for a blocking operation (`Full` for a put, `Empty`
//! for a get), so that the run ends and is judged: the runner has already judged a lost wakeup
//! from its snapshot, and a close must wake every waiting send.
//!
//! A bounded channel holds `buffer` messages plus one per sender: one shared sender takes
//! every put, so `channel(0)` is a queue of capacity 1, as in [`crate::futures`]. The sender
//! keeps one parked task, the last that polled it, so two puts waiting on it at once would
//! leave the first unwoken by design: puts take turns (`turn`, held for a whole put), a
//! single producer's sends in the order the turns go. The receiver's `Stream` and `close` take
//! `&mut self`: the scenarios give every get and `close` to one thread
//! ([`OpSet::single_consumer`]), and the receiver sits behind a mutex held only while it is
//! polled or closed, so that the release's `close` reaches it while a get waits.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

use prodcons_lincheck::{
    History, Immediate, Op, OpSet, Ret, Scenario, SyncOps, Target, Value, Watch, immediately,
};

use crate::shared::{Peer, locked, on_threads};

/// One operation's wakeup: the crate's unpark (0.1) or waker (0.3) sets `woken` and unparks
/// the thread that runs the operation.
struct Signal {
    woken: AtomicBool,
    thread: Thread,
}

impl Signal {
    /// A signal for the calling thread.
    fn here() -> Arc<Self> {
        Arc::new(Self {
            woken: AtomicBool::new(false),
            thread: thread::current(),
        })
    }

    fn raise(&self) {
        self.woken.store(true, Ordering::Release);
        self.thread.unpark();
    }
}

impl Wake for Signal {
    fn wake(self: Arc<Self>) {
        self.raise();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.raise();
    }
}

impl futures_0_1_6::executor::Unpark for Signal {
    fn unpark(&self) {
        self.raise();
    }
}

/// One release of futures' bounded mpsc, polled once per call with `signal` as the task to
/// wake.
trait Mpsc {
    type Tx: Send;
    type Rx: Send;

    /// A channel of `buffer` (plus one per sender; see the module's documentation).
    fn channel(buffer: usize) -> (Self::Tx, Self::Rx);

    /// Tries to send `value` (taken only when the send is done, so a pending one keeps it).
    fn poll_send(tx: &mut Self::Tx, value: &mut Option<Value>, signal: &Arc<Signal>) -> Poll<Ret>;

    /// Tries to receive: `Got`, or `Closed` once closed and drained.
    fn poll_recv(rx: &mut Self::Rx, signal: &Arc<Signal>) -> Poll<Ret>;

    /// The receiver's `close`.
    fn close(rx: &mut Self::Rx);
}

/// futures 0.1.6: each poll runs inside a 0.1 task whose unpark is the signal
/// (`executor::spawn(..).poll_future`), as `Sink::send(..).wait()` and `Stream::wait` run
/// them on a thread of their own.
struct Futures0_1_6;

/// A 0.1 future of one `start_send`: `Ready` once the sender took the value or refused it.
struct StartSend<'a> {
    tx: &'a mut futures_0_1_6::sync::mpsc::Sender<Value>,
    value: &'a mut Option<Value>,
}

impl futures_0_1_6::Future for StartSend<'_> {
    type Item = Ret;
    type Error = ();

    fn poll(&mut self) -> futures_0_1_6::Poll<Ret, ()> {
        use futures_0_1_6::{Async, AsyncSink, Sink};
        let Some(value) = self.value.take() else {
            return Ok(Async::Ready(Ret::Ok));
        };
        // `poll_complete` would follow in `Sink::send`; the channel's does nothing.
        Ok(match self.tx.start_send(value) {
            Ok(AsyncSink::Ready) => Async::Ready(Ret::Ok),
            Ok(AsyncSink::NotReady(value)) => {
                *self.value = Some(value);
                Async::NotReady
            }
            Err(_) => Async::Ready(Ret::Closed),
        })
    }
}

/// A 0.1 future of one poll of the receiver's `Stream`.
struct NextMessage<'a>(&'a mut futures_0_1_6::sync::mpsc::Receiver<Value>);

impl futures_0_1_6::Future for NextMessage<'_> {
    type Item = Ret;
    type Error = ();

    fn poll(&mut self) -> futures_0_1_6::Poll<Ret, ()> {
        use futures_0_1_6::{Async, Stream};
        Ok(match self.0.poll()? {
            Async::Ready(Some(value)) => Async::Ready(Ret::Got(value)),
            Async::Ready(None) => Async::Ready(Ret::Closed),
            Async::NotReady => Async::NotReady,
        })
    }
}

/// One poll of a 0.1 future in a task that `signal` wakes.
fn poll_0_1(
    future: impl futures_0_1_6::Future<Item = Ret, Error = ()>,
    signal: &Arc<Signal>,
) -> Poll<Ret> {
    match futures_0_1_6::executor::spawn(future).poll_future(signal.clone()) {
        Ok(futures_0_1_6::Async::Ready(ret)) => Poll::Ready(ret),
        Ok(futures_0_1_6::Async::NotReady) => Poll::Pending,
        // Neither future fails.
        Err(()) => unreachable!(),
    }
}

impl Mpsc for Futures0_1_6 {
    type Tx = futures_0_1_6::sync::mpsc::Sender<Value>;
    type Rx = futures_0_1_6::sync::mpsc::Receiver<Value>;

    fn channel(buffer: usize) -> (Self::Tx, Self::Rx) {
        futures_0_1_6::sync::mpsc::channel(buffer)
    }

    fn poll_send(tx: &mut Self::Tx, value: &mut Option<Value>, signal: &Arc<Signal>) -> Poll<Ret> {
        poll_0_1(StartSend { tx, value }, signal)
    }

    fn poll_recv(rx: &mut Self::Rx, signal: &Arc<Signal>) -> Poll<Ret> {
        poll_0_1(NextMessage(rx), signal)
    }

    fn close(rx: &mut Self::Rx) {
        rx.close();
    }
}

/// futures-channel 0.3: `poll_ready` then `start_send`, and the receiver's `Stream`, with a
/// [`Waker`] of the signal.
struct Futures0_3;

impl Mpsc for Futures0_3 {
    type Tx = futures_channel::mpsc::Sender<Value>;
    type Rx = futures_channel::mpsc::Receiver<Value>;

    fn channel(buffer: usize) -> (Self::Tx, Self::Rx) {
        futures_channel::mpsc::channel(buffer)
    }

    fn poll_send(tx: &mut Self::Tx, value: &mut Option<Value>, signal: &Arc<Signal>) -> Poll<Ret> {
        let waker = Waker::from(signal.clone());
        match tx.poll_ready(&mut Context::from_waker(&waker)) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(_)) => Poll::Ready(Ret::Closed),
            Poll::Ready(Ok(())) => Poll::Ready(match value.take() {
                Some(value) => tx.start_send(value).map_or(Ret::Closed, |()| Ret::Ok),
                None => Ret::Ok,
            }),
        }
    }

    fn poll_recv(rx: &mut Self::Rx, signal: &Arc<Signal>) -> Poll<Ret> {
        let waker = Waker::from(signal.clone());
        futures_core::Stream::poll_next(Pin::new(rx), &mut Context::from_waker(&waker))
            .map(|next| next.map_or(Ret::Closed, Ret::Got))
    }

    fn close(rx: &mut Self::Rx) {
        rx.close();
    }
}

/// What a blocking put that the crate could not finish after the release reports: `Full`,
/// which a blocking put never returns, so that no order explains the history.
const STUCK_PUT: Ret = Ret::Full;

/// What a blocking get that the crate could not finish after the release reports: `Empty`,
/// likewise.
const STUCK_GET: Ret = Ret::Empty;

/// A release `C` of futures' bounded mpsc as a checker queue (see the module's
/// documentation).
struct Parked<C: Mpsc> {
    tx: Mutex<C::Tx>,
    rx: Mutex<C::Rx>,
    /// Held for a whole put: the shared sender keeps one parked task.
    turn: Mutex<()>,
    /// Set by the release, after its `close`.
    released: AtomicBool,
    /// The threads that have waited in an operation, which the release unparks.
    waiters: Mutex<Vec<Thread>>,
}

impl<C: Mpsc> Parked<C> {
    fn new(capacity: usize) -> Self {
        let (tx, rx) = C::channel(capacity.saturating_sub(1));
        Self {
            tx: Mutex::new(tx),
            rx: Mutex::new(rx),
            turn: Mutex::new(()),
            released: AtomicBool::new(false),
            waiters: Mutex::new(Vec::new()),
        }
    }

    /// Polls `poll` until it is ready, parking between polls until the crate wakes the
    /// operation's signal; after the release, one more poll, and `stuck` if it is still
    /// pending.
    fn wait(&self, mut poll: impl FnMut(&Arc<Signal>) -> Poll<Ret>, stuck: Ret) -> Ret {
        let signal = Signal::here();
        let mut registered = false;
        loop {
            if let Poll::Ready(ret) = poll(&signal) {
                return ret;
            }
            if !registered {
                // Registered before `released` is read: a release after the read unparks us.
                locked(&self.waiters).push(thread::current());
                registered = true;
            }
            while !signal.woken.swap(false, Ordering::AcqRel) {
                if self.released.load(Ordering::Acquire) {
                    return match poll(&signal) {
                        Poll::Ready(ret) => ret,
                        Poll::Pending => stuck,
                    };
                }
                thread::park();
            }
        }
    }

    fn put(&self, value: Value) -> Ret {
        let _turn = locked(&self.turn);
        let mut value = Some(value);
        self.wait(
            |signal| C::poll_send(&mut locked(&self.tx), &mut value, signal),
            STUCK_PUT,
        )
    }

    fn get(&self) -> Ret {
        self.wait(
            |signal| C::poll_recv(&mut locked(&self.rx), signal),
            STUCK_GET,
        )
    }
}

impl<C: Mpsc> Immediate for Parked<C> {
    /// One poll of a send (not in the scenarios).
    fn try_put_now(&self, value: Value) -> Ret {
        match C::poll_send(&mut locked(&self.tx), &mut Some(value), &Signal::here()) {
            Poll::Ready(ret) => ret,
            Poll::Pending => Ret::Full,
        }
    }

    /// One poll of the receiver (not in the scenarios).
    fn try_get_now(&self) -> Ret {
        match C::poll_recv(&mut locked(&self.rx), &Signal::here()) {
            Poll::Ready(ret) => ret,
            Poll::Pending => Ret::Empty,
        }
    }

    /// The receiver's `close`.
    fn close_now(&self) {
        C::close(&mut locked(&self.rx));
    }

    /// Not in the scenarios: futures has no `len`.
    fn len_now(&self) -> usize {
        0
    }
}

impl<C: Mpsc> SyncOps for Parked<C>
where
    C::Tx: Send,
    C::Rx: Send,
{
    fn apply(&self, op: Op) -> Ret {
        immediately(self, op).unwrap_or_else(|| match op {
            Op::Put(value) => self.put(value),
            _ => self.get(),
        })
    }

    /// The receiver's `close`, then every waiting operation looks once more.
    fn release(&self) {
        self.close_now();
        self.released.store(true, Ordering::Release);
        for waiter in locked(&self.waiters).iter() {
            waiter.unpark();
        }
    }
}

/// The scenarios: blocking puts and gets and the receiver's `close`, every get and `close` in
/// the first thread (single consumer). No `try_put` (0.1.6 has no `try_send`), no `len`, no
/// cancellation (threads).
const OPS: OpSet = OpSet {
    blocking: true,
    non_blocking: false,
    close: true,
    len: false,
    cancel: false,
    single_consumer: true,
    drops: false,
};

/// Capacity 1 only (`channel(0)`), as [`crate::futures`]: at 2 a send that counts the message
/// a concurrent receive is taking parks after that receive looked for a sender to wake, even
/// in 0.3.
const CAPACITIES: &[usize] = &[1];

/// A target of this adapter: [`OPS`] at [`CAPACITIES`], held to the plain specification.
fn peer(
    name: &'static str,
    semantics: &'static str,
    run: fn(&Peer, &Scenario, &Watch) -> History,
) -> Box<dyn Target> {
    Box::new(Peer {
        ops: OPS,
        capacities: CAPACITIES,
        ..Peer::plain(name, semantics, run)
    })
}

/// `futures-0.1.6-mpsc`, the pinned release with rust-lang/futures-rs#264.
pub(crate) fn v0_1_6_target() -> Box<dyn Target> {
    peer(
        "futures-0.1.6-mpsc",
        "futures 0.1.6's bounded sync::mpsc on threads, shipped with rust-lang/futures-rs#264 \
         (the receiver's close never unparks a sender parked on the full channel); blocking \
         puts (taking turns on one sender) and gets, and the receiver's close; single consumer; \
         capacity 1 only",
        |peer, scenario, watch| {
            on_threads(
                peer,
                &Parked::<Futures0_1_6>::new(scenario.capacity),
                scenario,
                watch,
            )
        },
    )
}

/// `futures-mpsc-parked`, futures-channel 0.3 through the same adapter.
pub(crate) fn v0_3_target() -> Box<dyn Target> {
    peer(
        "futures-mpsc-parked",
        "futures-channel 0.3's bounded mpsc through futures-0.1.6-mpsc's adapter: blocking puts \
         (taking turns on one sender) and gets, and the receiver's close; single consumer; \
         capacity 1 only",
        |peer, scenario, watch| {
            on_threads(
                peer,
                &Parked::<Futures0_3>::new(scenario.capacity),
                scenario,
                watch,
            )
        },
    )
}
