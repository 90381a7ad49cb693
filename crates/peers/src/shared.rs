//! What several peer adapters share: the [`End`] newtype the pipelines' channel families wrap
//! their crate's handles in, made by [`unbounded_for_0`]; [`ThreadEnds`] and [`TaskEnds`],
//! which check such a family's ends exactly as the pipelines run them; the mappings of
//! non-waiting results to the specification's ([`put_ret`], [`get_ret`], [`try_sent`]);
//! [`TryOnly`], for channels checked through their non-blocking operations alone; the [`Peer`]
//! target with its runners; and the capacities and operation sets several targets draw from.

use prodcons::channel::{
    AsyncReceiver, AsyncSender, Closed, Receiver, Sender, TaskChannel, ThreadChannel,
};
use prodcons_lincheck::{
    AsyncOps, BoxFuture, Flavor, History, Immediate, LazyRuntime, Op, OpSet, Ret, Scenario, Spec,
    SyncOps, Target, Value, Watch, immediately, run_tasks, run_threads, waiting,
};
use std::sync::{Arc, Mutex, MutexGuard};

/// One end of a peer crate's channel, wrapped so that this crate may implement the library's
/// channel traits for it (the orphan rule forbids implementing them for the crate's own type).
/// It is the `Tx` and `Rx` of [`Crossbeam`](crate::Crossbeam), [`Kanal`](crate::Kanal),
/// [`KanalAsync`](crate::KanalAsync) and [`AsyncChannel`](crate::AsyncChannel).
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::channel::{Sender, ThreadChannel};
/// use prodcons_peers::Kanal;
///
/// // An `End<kanal::Sender<u64>>`, behind the library's `Sender`.
/// let (tx, _rx) = Kanal::channel::<u64>(1);
/// assert_eq!(tx.put(1), Ok(()));
/// assert_eq!(tx.len(), 1);
/// ```
#[derive(Debug)]
pub struct End<E>(pub(crate) E);

impl<E: Clone> Clone for End<E> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

/// Both ends of a new channel, wrapped.
pub(crate) fn ends<S, R>((tx, rx): (S, R)) -> (End<S>, End<R>) {
    (End(tx), End(rx))
}

/// A crate's channel of `capacity`, wrapped: `unbounded()` for capacity 0, which means
/// unbounded here as in Python, where every crate's `bounded(0)` is something else (see the
/// call sites).
pub(crate) fn unbounded_for_0<S, R>(
    capacity: usize,
    unbounded: impl FnOnce() -> (S, R),
    bounded: impl FnOnce(usize) -> (S, R),
) -> (End<S>, End<R>) {
    ends(match capacity {
        0 => unbounded(),
        bound => bounded(bound),
    })
}

/// A pipeline's non-waiting put, as the specification's return value.
pub(crate) fn put_ret(attempt: Result<Result<(), Value>, Closed>) -> Ret {
    match attempt {
        Ok(Ok(())) => Ret::Ok,
        Ok(Err(_)) => Ret::Full,
        Err(Closed) => Ret::Closed,
    }
}

/// A pipeline's non-waiting get, as the specification's return value.
pub(crate) fn get_ret(attempt: Result<Option<Value>, Closed>) -> Ret {
    match attempt {
        Ok(Some(value)) => Ret::Got(value),
        Ok(None) => Ret::Empty,
        Err(Closed) => Ret::Closed,
    }
}

/// A `try_send`'s result, whichever crate's, as the specification's return value: `Full`
/// where `is_full` says the error is, else `Closed`.
pub(crate) fn try_sent<E>(attempt: Result<(), E>, is_full: impl FnOnce(&E) -> bool) -> Ret {
    match attempt {
        Ok(()) => Ret::Ok,
        Err(error) if is_full(&error) => Ret::Full,
        Err(_) => Ret::Closed,
    }
}

/// A channel family's ends as a checker queue, run exactly as a pipeline driver runs them: the
/// checker's target and the pipelines share one adapter. The blocking and the async ends never
/// wait the same way, through traits that differ only in how they wait, so one text serves
/// both. `close` and `len` go through the sender, as in the pipelines (every peer here has one
/// `close` and one `len` for the whole channel).
macro_rules! family_ends {
    ($($(#[$doc:meta])* $ends:ident: $family:ident;)*) => {$(
        $(#[$doc])*
        pub(crate) struct $ends<C: $family> {
            tx: C::Tx<Value>,
            rx: C::Rx<Value>,
        }

        impl<C: $family> $ends<C> {
            /// A new channel of `capacity` (0 is unbounded), as the pipelines make it.
            pub(crate) fn new(capacity: usize) -> Self {
                Self::from_ends(C::channel(capacity))
            }

            /// Ends the pipelines do not make (a rendezvous, `bounded(0)`), checked as they
            /// would run them.
            pub(crate) fn from_ends((tx, rx): (C::Tx<Value>, C::Rx<Value>)) -> Self {
                Self { tx, rx }
            }
        }

        impl<C: $family> Immediate for $ends<C> {
            fn try_put_now(&self, value: Value) -> Ret {
                put_ret(self.tx.try_put(value))
            }

            fn try_get_now(&self) -> Ret {
                get_ret(self.rx.try_get())
            }

            fn close_now(&self) {
                self.tx.close();
            }

            fn len_now(&self) -> usize {
                self.tx.len()
            }
        }
    )*};
}

family_ends! {
    /// A blocking channel family's ends, checked as the thread driver uses them.
    ThreadEnds: ThreadChannel;
    /// An async channel family's ends, checked as the task driver uses them.
    TaskEnds: TaskChannel;
}

impl<C: ThreadChannel> SyncOps for ThreadEnds<C>
where
    C::Tx<Value>: Sync,
    C::Rx<Value>: Sync,
{
    fn apply(&self, op: Op) -> Ret {
        immediately(self, op).unwrap_or_else(|| match op {
            Op::Put(value) => self.tx.put(value).map_or(Ret::Closed, |()| Ret::Ok),
            _ => self.rx.get().map_or(Ret::Closed, Ret::Got),
        })
    }

    fn release(&self) {
        self.close_now();
    }
}

/// The async ends wait by `put(value).await` and `get().await`, each failing only once the
/// channel is closed.
impl<C: TaskChannel + 'static> AsyncOps for TaskEnds<C> {
    fn apply(&self, op: Op) -> BoxFuture<'_, Ret> {
        waiting(
            self,
            op,
            move |value| async move { self.tx.put(value).await.map_or(Ret::Closed, |()| Ret::Ok) },
            move || async move { self.rx.get().await.map_or(Ret::Closed, Ret::Got) },
        )
    }

    fn release(&self) {
        self.close_now();
    }
}

/// A channel that closes only when every sender or every receiver is dropped (crossbeam,
/// flume), run through its own blocking or async `send` and `recv`. The adapter holds one
/// sender and one receiver; each operation clones the end it needs (a short lock around the
/// clone, none around the operation) and runs on its clone. The release drops the adapter's
/// two ends. Blocked operations are all of one kind then (a channel is never both full and
/// empty), and their counterparts hold no clone for long, so the last end of the other side
/// soon goes: the crate's own disconnect wakes a blocked receive, which drains and then fails,
/// or a blocked send, which fails. The queued items go with the receivers, so the release is
/// held to a close that discards them ([`PUTS_AND_GETS`] targets have no other close).
pub(crate) struct DroppedEnds<S, R> {
    tx: Mutex<Option<S>>,
    rx: Mutex<Option<R>>,
}

impl<S: Clone, R: Clone> DroppedEnds<S, R> {
    pub(crate) fn new((tx, rx): (S, R)) -> Self {
        Self {
            tx: Mutex::new(Some(tx)),
            rx: Mutex::new(Some(rx)),
        }
    }

    /// A sender of its own for one operation, or `None` once the release dropped them.
    pub(crate) fn sender(&self) -> Option<S> {
        locked(&self.tx).clone()
    }

    /// A receiver of its own for one operation, or `None` once the release dropped them.
    pub(crate) fn receiver(&self) -> Option<R> {
        locked(&self.rx).clone()
    }

    /// The release: drops the adapter's ends, so that the last ones go with the operations
    /// that hold them.
    pub(crate) fn drop_ends(&self) {
        self.drop_sender();
        self.drop_receiver();
    }

    /// [`Op::DropSender`]: drops the adapter's sender, the last one, since the scenario's
    /// layout leaves no other operation holding a clone ([`OpSet::drops`]). Dropped outside
    /// the lock: the drop runs the crate's own disconnect.
    pub(crate) fn drop_sender(&self) -> Ret {
        let sender = locked(&self.tx).take();
        drop(sender);
        Ret::Ok
    }

    /// [`Op::DropReceiver`]: drops the adapter's receiver, the last one, likewise.
    pub(crate) fn drop_receiver(&self) -> Ret {
        let receiver = locked(&self.rx).take();
        drop(receiver);
        Ret::Ok
    }
}

/// The scenarios of a [`DroppedEnds`] target: blocking and non-blocking puts and gets, and
/// the drops of the last sender and of the last receiver, which is how these crates close. No
/// `close`, which they do not have (the release is theirs: dropping every end), and no `len`,
/// which needs a live end, and there is none after the release.
pub(crate) const PUTS_AND_GETS: OpSet = OpSet {
    close: false,
    len: false,
    ..OpSet::ALL.with_drops()
};

/// A [`DroppedEnds`] target: [`PUTS_AND_GETS`], held to the discarding close.
pub(crate) fn dropped_ends_peer(
    name: &'static str,
    semantics: &'static str,
    capacities: &'static [usize],
    flavor: Option<Flavor>,
    run: fn(&Peer, &Scenario, &Watch) -> History,
) -> Box<dyn Target> {
    Box::new(Peer {
        ops: PUTS_AND_GETS,
        discards_on_close: true,
        capacities,
        runtime: flavor.map(LazyRuntime::new),
        ..Peer::plain(name, semantics, run)
    })
}

/// Where a single-consumer channel's one receiver is: see [`OneReceiver`].
enum Slot<R> {
    /// In the adapter, between receiving operations.
    Here(R),
    /// Lent to the one receiving operation running now.
    Lent,
    /// Dropped, or to be dropped when the lent receiver comes back.
    Dropped,
}

/// A single-consumer channel's one receiver (std's `sync_channel`, tokio's mpsc), which its
/// crate lets only one operation use at a time (std's is not `Sync`; tokio's takes
/// `&mut self`). The scenarios give every receiving operation of the parallel part to one
/// thread ([`OpSet::single_consumer`]), so two never overlap, and each is lent the receiver
/// whole: a short lock takes it out of its slot, the operation runs on it with no lock held,
/// and a short lock puts it back. No lock is held while the crate's operation runs, so a
/// blocked receive does not keep a `close` or the release out.
pub(crate) struct OneReceiver<R>(Mutex<Slot<R>>);

impl<R> OneReceiver<R> {
    pub(crate) fn new(rx: R) -> Self {
        Self(Mutex::new(Slot::Here(rx)))
    }

    /// The receiver, lent to one operation until the [`Lent`] drops; `None` once it was
    /// dropped.
    ///
    /// # Panics
    ///
    /// If another operation holds it: a scenario that gives receiving operations to two
    /// threads, which [`OpSet::single_consumer`] rules out.
    pub(crate) fn lend(&self) -> Option<Lent<'_, R>> {
        let mut slot = locked(&self.0);
        match std::mem::replace(&mut *slot, Slot::Lent) {
            Slot::Here(rx) => Some(Lent {
                home: self,
                rx: Some(rx),
            }),
            Slot::Dropped => {
                *slot = Slot::Dropped;
                None
            }
            Slot::Lent => unreachable!("two receiving operations at once on a single consumer"),
        }
    }

    /// Drops the receiver, or, if an operation holds it, has it dropped when it comes back.
    pub(crate) fn drop_receiver(&self) {
        let slot = std::mem::replace(&mut *locked(&self.0), Slot::Dropped);
        // Dropped outside the lock: the drop runs the crate's own disconnect.
        drop(slot);
    }

    /// Runs `f` on the receiver if it is here (not lent, not dropped).
    pub(crate) fn if_here(&self, f: impl FnOnce(&mut R)) {
        if let Slot::Here(rx) = &mut *locked(&self.0) {
            f(rx);
        }
    }
}

/// The receiver of a [`OneReceiver`], lent to one operation; it goes back when this drops,
/// whether the operation completed or, async, its future was dropped.
pub(crate) struct Lent<'a, R> {
    home: &'a OneReceiver<R>,
    rx: Option<R>,
}

impl<R> std::ops::Deref for Lent<'_, R> {
    type Target = R;

    fn deref(&self) -> &R {
        // Taken only by `drop`.
        self.rx.as_ref().unwrap_or_else(|| unreachable!())
    }
}

impl<R> std::ops::DerefMut for Lent<'_, R> {
    fn deref_mut(&mut self) -> &mut R {
        self.rx.as_mut().unwrap_or_else(|| unreachable!())
    }
}

impl<R> Drop for Lent<'_, R> {
    fn drop(&mut self) {
        let mut slot = locked(&self.home.0);
        if matches!(*slot, Slot::Lent) {
            *slot = Slot::Here(self.rx.take().unwrap_or_else(|| unreachable!()));
        }
        // Otherwise it was dropped while lent: it drops with `self`, after the unlock.
    }
}

/// `mutex`, locked, whether or not a panicking thread poisoned it: the checker's adapters keep
/// no invariant a panic could break, and a panic is reported by the runner anyway.
pub(crate) fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poison| poison.into_inner())
}

/// A channel whose handles' non-blocking operations take `&mut self` (futures' handles,
/// tokio's receiver), each handle behind a mutex, with how each release names them. Only the
/// non-blocking operations and `close` are adapted: a blocking get would hold the receiver's
/// mutex.
pub(crate) struct TryOnly<S, R> {
    tx: Mutex<S>,
    rx: Mutex<R>,
    try_send: fn(&mut S, Value) -> Ret,
    try_recv: fn(&mut R) -> Ret,
    close: fn(&mut R),
}

impl<S, R> TryOnly<S, R> {
    /// The ends `(tx, rx)`, with the release's `try_send`, `try_recv` and receiver's `close`.
    pub(crate) fn new(
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

impl<S, R> Immediate for TryOnly<S, R> {
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

impl<S: Send, R: Send> SyncOps for TryOnly<S, R> {
    fn apply(&self, op: Op) -> Ret {
        // Not in their scenarios: a blocking operation is refused as if closed.
        immediately(self, op).unwrap_or(Ret::Closed)
    }

    fn release(&self) {
        self.close_now();
    }
}

/// Every capacity the scenarios draw from.
pub(crate) const ANY: &[usize] = &[0, 1, 2];

/// The bounded ones only.
pub(crate) const BOUNDED: &[usize] = &[1, 2];

/// A rendezvous only: every crate's `bounded(0)`, held to
/// [`RENDEZVOUS`](prodcons_lincheck::RENDEZVOUS)'s specification.
pub(crate) const RENDEZVOUS_ONLY: &[usize] = &[prodcons_lincheck::RENDEZVOUS];

/// The single-consumer channels' scenarios (std, tokio): blocking and non-blocking puts and
/// gets, with the receiving operations in one thread ([`OneReceiver`]), and the drops of the
/// last sender and receiver; no `len`, which needs the receiver in std and tokio alike;
/// `close` and cancellation as each target adds them (and tokio leaves the drops out).
pub(crate) const SINGLE_CONSUMER_OPS: OpSet = OpSet {
    close: false,
    ..PUTS_AND_GETS.with_single_consumer()
};

/// [`TryOnly`]'s scenarios: `try_put`, `try_get` and `close`: no blocking operations, no `len`
/// (futures has none; tokio's needs the receiver), no cancellation (nothing to cancel).
pub(crate) const NON_BLOCKING_OPS: OpSet = OpSet {
    blocking: false,
    non_blocking: true,
    close: true,
    len: false,
    cancel: false,
    single_consumer: false,
    drops: false,
};

/// A [`TryOnly`] target, on OS threads: [`NON_BLOCKING_OPS`], held to the plain
/// specification.
pub(crate) fn try_only_peer(
    name: &'static str,
    semantics: &'static str,
    capacities: &'static [usize],
    run: fn(&Peer, &Scenario, &Watch) -> History,
) -> Box<dyn Target> {
    Box::new(Peer {
        ops: NON_BLOCKING_OPS,
        capacities,
        ..Peer::plain(name, semantics, run)
    })
}

/// A peer target: a name, what it does differently, and how to build and run it.
pub(crate) struct Peer {
    /// Its name on the command line.
    pub(crate) name: &'static str,
    /// How it differs from Python's `Queue` ([`Target::semantics`]).
    pub(crate) semantics: &'static str,
    /// Whether `close` throws the queued items away ([`Spec::discarding_on_close`]).
    pub(crate) discards_on_close: bool,
    /// The operations its scenarios have.
    pub(crate) ops: OpSet,
    /// The capacities its scenarios have.
    pub(crate) capacities: &'static [usize],
    /// The runtime its tasks run on; `None` for a target on threads.
    pub(crate) runtime: Option<LazyRuntime>,
    /// Runs one scenario on a fresh queue, usually by [`on_threads`] or [`on_tasks`].
    pub(crate) run: fn(&Peer, &Scenario, &Watch) -> History,
}

impl Peer {
    /// A target on OS threads, with every operation and every capacity, held to the plain
    /// specification: the defaults a target's literal changes with `..`.
    pub(crate) fn plain(
        name: &'static str,
        semantics: &'static str,
        run: fn(&Peer, &Scenario, &Watch) -> History,
    ) -> Self {
        Self {
            name,
            semantics,
            discards_on_close: false,
            ops: OpSet::ALL,
            capacities: ANY,
            runtime: None,
            run,
        }
    }

    fn runtime(&self) -> &tokio::runtime::Runtime {
        // Every async peer is built with a runtime.
        self.runtime
            .as_ref()
            .map(LazyRuntime::get)
            .unwrap_or_else(|| unreachable!())
    }
}

impl Target for Peer {
    fn name(&self) -> &'static str {
        self.name
    }

    fn ops(&self) -> OpSet {
        self.ops
    }

    fn semantics(&self) -> &'static str {
        self.semantics
    }

    fn capacities(&self) -> &'static [usize] {
        self.capacities
    }

    fn spec(&self, capacity: usize) -> Spec {
        let spec = Spec::new(capacity);
        if self.discards_on_close {
            spec.discarding_on_close()
        } else {
            spec
        }
    }

    fn run(&self, scenario: &Scenario, watch: &Watch) -> History {
        (self.run)(self, scenario, watch)
    }
}

/// Runs `scenario` on `queue` with OS threads, held to `peer`'s specification.
pub(crate) fn on_threads(
    peer: &Peer,
    queue: &impl SyncOps,
    scenario: &Scenario,
    watch: &Watch,
) -> History {
    run_threads(queue, scenario, &peer.spec(scenario.capacity), watch)
}

/// Runs `scenario` on `queue` with tasks on `peer`'s runtime, held to its specification.
pub(crate) fn on_tasks(
    peer: &Peer,
    queue: impl AsyncOps,
    scenario: &Scenario,
    watch: &Watch,
) -> History {
    run_tasks(
        peer.runtime(),
        Arc::new(queue),
        scenario,
        &peer.spec(scenario.capacity),
        watch,
    )
}
