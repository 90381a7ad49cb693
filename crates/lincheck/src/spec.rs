//! The sequential specification: a FIFO queue with the semantics of Python's `queue.Queue`.
//!
//! Every concurrent history is judged against this one model. It is deliberately small and
//! obviously right, because a checker is only as trustworthy as its model.

use std::collections::VecDeque;
use std::fmt;

/// An item put into a queue under test.
///
/// Scenarios make every value unique (tagged by thread and index), so a value names the one
/// `put` that produced it, which keeps the search cheap: a `get` returning `v` can only be
/// explained by the put of `v`.
pub type Value = u32;

/// One operation on a queue.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_lincheck::{Op, Ret, Spec};
///
/// let spec = Spec::new(1);
/// let mut state = spec.initial();
/// assert_eq!(spec.step(&mut state, Op::TryPut(7)), Some(Ret::Ok));
/// assert_eq!(spec.step(&mut state, Op::TryPut(8)), Some(Ret::Full));
/// assert_eq!(spec.step(&mut state, Op::Put(8)), None, "a put on a full queue blocks");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// A blocking put: waits while the queue is full.
    Put(Value),
    /// A blocking get: waits while the queue is empty and open.
    Get,
    /// Python's `put_nowait`.
    TryPut(Value),
    /// Python's `get_nowait`.
    TryGet,
    /// Python 3.13's `shutdown()`: later puts fail, gets drain and then fail.
    Close,
    /// How many items the queue holds.
    Len,
    /// An async `get` whose future the driver polls until it is pending, gives one turn of the
    /// runtime, and then drops: asyncio's cancelled `get`. If it completed first it is a
    /// `get`; if it returned [`Ret::Cancelled`] it must have had no effect at all.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_lincheck::{Op, Ret, Spec};
    ///
    /// let spec = Spec::new(0);
    /// let mut state = spec.initial();
    /// spec.step(&mut state, Op::Put(1));
    /// assert_eq!(spec.step(&mut state, Op::CancelledGet), Some(Ret::Got(1)), "completed: a get");
    /// assert_eq!(Op::CancelledGet.uncancelled(), Op::Get);
    /// ```
    CancelledGet,
    /// An async `put` dropped as [`Op::CancelledGet`] is: a `put` if it completed, no effect
    /// if it returned [`Ret::Cancelled`].
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_lincheck::Op;
    ///
    /// assert_eq!(Op::CancelledPut(3).to_string(), "cancelled_put(3)");
    /// assert!(Op::CancelledPut(3).is_cancelled());
    /// ```
    CancelledPut(Value),
    /// Drops the last sender, on a channel that closes that way (crossbeam, flume, std): no
    /// put can be made after it, and gets drain the queued items and then fail, as after
    /// Python's close (whatever the target's own `close` does with the items).
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_lincheck::{Op, Ret, Spec};
    ///
    /// let spec = Spec::new(0).discarding_on_close();
    /// let mut state = spec.initial();
    /// spec.step(&mut state, Op::Put(1));
    /// assert_eq!(spec.step(&mut state, Op::DropSender), Some(Ret::Ok));
    /// assert_eq!(spec.step(&mut state, Op::TryPut(2)), Some(Ret::Closed));
    /// assert_eq!(spec.step(&mut state, Op::Get), Some(Ret::Got(1)), "gets drain");
    /// assert_eq!(spec.step(&mut state, Op::Get), Some(Ret::Closed), "and then fail");
    /// ```
    DropSender,
    /// Drops the last receiver, on a channel that closes that way: puts fail from then on, and
    /// the queued items are thrown away with the receiver (no get can be made after it).
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_lincheck::{Op, Ret, Spec};
    ///
    /// let spec = Spec::new(1);
    /// let mut state = spec.initial();
    /// spec.step(&mut state, Op::Put(1));
    /// assert_eq!(spec.step(&mut state, Op::Put(2)), None, "full: the put waits");
    /// assert_eq!(spec.step(&mut state, Op::DropReceiver), Some(Ret::Ok));
    /// assert_eq!(spec.step(&mut state, Op::Put(2)), Some(Ret::Closed), "and then fails");
    /// assert_eq!(state.items().count(), 0, "the item went with the receiver");
    /// ```
    DropReceiver,
}

impl Op {
    /// Whether the driver drops this operation's future early.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_lincheck::Op;
    ///
    /// assert!(Op::CancelledGet.is_cancelled());
    /// assert!(!Op::Get.is_cancelled());
    /// ```
    pub fn is_cancelled(self) -> bool {
        matches!(self, Self::CancelledGet | Self::CancelledPut(_))
    }

    /// The operation whose future a cancelled one drops: `get` for
    /// [`Op::CancelledGet`], `put` for [`Op::CancelledPut`], itself otherwise.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_lincheck::Op;
    ///
    /// assert_eq!(Op::CancelledPut(4).uncancelled(), Op::Put(4));
    /// assert_eq!(Op::Len.uncancelled(), Op::Len);
    /// ```
    pub fn uncancelled(self) -> Self {
        match self {
            Self::CancelledGet => Self::Get,
            Self::CancelledPut(value) => Self::Put(value),
            op => op,
        }
    }
}

/// What an operation returned, in the specification's vocabulary.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_lincheck::Ret;
///
/// assert_eq!(Ret::Got(3).to_string(), "3");
/// assert_eq!(Ret::Closed.to_string(), "Closed");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ret {
    /// A put, or a close, succeeded.
    Ok,
    /// A get took this value.
    Got(Value),
    /// `try_put` found the queue full.
    Full,
    /// `try_get` found the queue empty and open.
    Empty,
    /// The queue was closed (and, for a get, drained).
    Closed,
    /// `len` returned this.
    Len(usize),
    /// A cancelled operation's future was dropped before it completed.
    Cancelled,
}

/// The model's state: the items in order, and whether the queue is closed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct State {
    items: VecDeque<Value>,
    closed: bool,
}

impl State {
    /// The items, front first.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_lincheck::{Op, Spec};
    ///
    /// let spec = Spec::new(0);
    /// let mut state = spec.initial();
    /// spec.step(&mut state, Op::Put(1));
    /// assert_eq!(state.items().copied().collect::<Vec<_>>(), [1]);
    /// ```
    pub fn items(&self) -> impl Iterator<Item = &Value> {
        self.items.iter()
    }

    /// Whether `close` has taken effect.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_lincheck::{Op, Spec};
    ///
    /// let spec = Spec::new(0);
    /// let mut state = spec.initial();
    /// spec.step(&mut state, Op::Close);
    /// assert!(state.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.closed
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let items: Vec<String> = self.items.iter().map(ToString::to_string).collect();
        write!(f, "[{}]", items.join(", "))?;
        if self.closed {
            f.write_str(" closed")?;
        }
        Ok(())
    }
}

/// The capacity that stands for a rendezvous channel (every crate's `bounded(0)`, which is not
/// Python's capacity 0): no slot at all, so a put completes only together with a get. A
/// [`Spec::new`] of it holds the two to one point, as Lincheck does for dual data structures:
/// a put's item is taken by a get at the very next step, and nothing else comes between.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_lincheck::{Op, RENDEZVOUS, Ret, Spec};
///
/// let spec = Spec::new(RENDEZVOUS);
/// let mut state = spec.initial();
/// assert_eq!(spec.step(&mut state, Op::Get), None, "alone, a get waits for a put");
/// assert_eq!(spec.step(&mut state, Op::TryPut(1)), Some(Ret::Full), "no get waits");
/// assert_eq!(spec.step(&mut state, Op::Put(1)), Some(Ret::Ok), "a put meets a get...");
/// assert_eq!(spec.step(&mut state, Op::Len), None, "...at once: nothing comes between");
/// assert_eq!(spec.step(&mut state, Op::Get), Some(Ret::Got(1)));
/// assert!(spec.is_settled(&state));
/// ```
pub const RENDEZVOUS: usize = usize::MAX;

/// The sequential FIFO queue: a capacity, where 0 means unbounded (and [`RENDEZVOUS`] a
/// rendezvous).
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_lincheck::{Op, Ret, Spec};
///
/// let spec = Spec::new(0);
/// let mut state = spec.initial();
/// spec.step(&mut state, Op::Put(1));
/// spec.step(&mut state, Op::Close);
/// assert_eq!(spec.step(&mut state, Op::Get), Some(Ret::Got(1)), "gets drain after close");
/// assert_eq!(spec.step(&mut state, Op::Get), Some(Ret::Closed));
/// assert_eq!(spec.step(&mut state, Op::TryPut(2)), Some(Ret::Closed));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spec {
    capacity: usize,
    /// Whether `close` throws the items away (kanal), rather than letting gets drain them
    /// (Python, async-channel, crossbeam's drop of the senders).
    close_discards: bool,
}

impl Spec {
    /// A queue of `capacity` items; 0 means unbounded, as in Python.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// assert_eq!(prodcons_lincheck::Spec::new(2).capacity(), 2);
    /// ```
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            close_discards: false,
        }
    }

    /// The same queue, except that `close` throws away the items left in it, so that gets
    /// report `Closed` at once, as kanal's `close` does.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_lincheck::{Op, Ret, Spec};
    ///
    /// let spec = Spec::new(0).discarding_on_close();
    /// let mut state = spec.initial();
    /// spec.step(&mut state, Op::Put(1));
    /// spec.step(&mut state, Op::Close);
    /// assert_eq!(spec.step(&mut state, Op::Get), Some(Ret::Closed));
    /// ```
    pub fn discarding_on_close(self) -> Self {
        Self {
            close_discards: true,
            ..self
        }
    }

    /// The capacity; 0 means unbounded.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// assert_eq!(prodcons_lincheck::Spec::new(0).capacity(), 0);
    /// ```
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The empty, open queue.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_lincheck::Spec;
    ///
    /// assert!(!Spec::new(0).initial().is_closed());
    /// ```
    pub fn initial(&self) -> State {
        State::default()
    }

    fn is_full(&self, state: &State) -> bool {
        self.capacity != 0 && state.items.len() >= self.capacity
    }

    /// Whether `op` must wait in `state`: a put on a full open queue, a get on an empty open one.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_lincheck::{Op, Spec};
    ///
    /// let spec = Spec::new(0);
    /// assert!(spec.blocks(&spec.initial(), Op::Get));
    /// assert!(!spec.blocks(&spec.initial(), Op::TryGet));
    /// ```
    pub fn blocks(&self, state: &State, op: Op) -> bool {
        if self.is_rendezvous() {
            // Alone, a put waits for a get, and a get for a put (or for a put's item, which
            // only it may take next); `all_block` says when a waiting pair must not.
            return match op.uncancelled() {
                Op::Put(_) => !state.closed,
                Op::Get => !state.closed && state.items.is_empty(),
                _ => false,
            };
        }
        match op.uncancelled() {
            Op::Put(_) => !state.closed && self.is_full(state),
            Op::Get => !state.closed && state.items.is_empty(),
            Op::TryPut(_)
            | Op::TryGet
            | Op::Close
            | Op::Len
            | Op::DropSender
            | Op::DropReceiver => false,
            Op::CancelledGet | Op::CancelledPut(_) => unreachable!("uncancelled above"),
        }
    }

    /// Applies `op` to `state` and returns what it returns, or `None`, leaving `state` alone,
    /// if it must block there.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_lincheck::{Op, Ret, Spec};
    ///
    /// let spec = Spec::new(0);
    /// let mut state = spec.initial();
    /// assert_eq!(spec.step(&mut state, Op::TryGet), Some(Ret::Empty));
    /// assert_eq!(spec.step(&mut state, Op::Get), None);
    /// assert_eq!(spec.step(&mut state, Op::Len), Some(Ret::Len(0)));
    /// ```
    pub fn step(&self, state: &mut State, op: Op) -> Option<Ret> {
        self.step_as(state, op, None)
    }

    /// As [`step`](Self::step), except where the specification allows more than one result:
    /// then the one `recorded`, if it is among them. Only a rendezvous has such a step: its
    /// `try_put` succeeds if a get takes the item at once, and says `Full` otherwise.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_lincheck::{Op, RENDEZVOUS, Ret, Spec};
    ///
    /// let spec = Spec::new(RENDEZVOUS);
    /// let mut state = spec.initial();
    /// assert_eq!(spec.step_as(&mut state, Op::TryPut(1), Some(Ret::Ok)), Some(Ret::Ok));
    /// assert_eq!(spec.step_as(&mut state, Op::TryGet, None), Some(Ret::Got(1)));
    /// ```
    pub fn step_as(&self, state: &mut State, op: Op, recorded: Option<Ret>) -> Option<Ret> {
        if self.is_rendezvous() {
            return Self::meet(state, op, recorded);
        }
        if self.blocks(state, op) {
            return None;
        }
        // A cancelled operation that completed is the operation itself; one that returned
        // `Cancelled` is no step of the model at all: the checker places it as a no-op (asyncio's contract:
        // a cancelled `get` loses no item, a cancelled `put` adds none).
        Some(match op.uncancelled() {
            Op::Put(value) | Op::TryPut(value) => {
                if state.closed {
                    Ret::Closed
                } else if self.is_full(state) {
                    Ret::Full
                } else {
                    state.items.push_back(value);
                    Ret::Ok
                }
            }
            Op::Get | Op::TryGet => match state.items.pop_front() {
                Some(value) => Ret::Got(value),
                None if state.closed => Ret::Closed,
                None => Ret::Empty,
            },
            Op::Close => {
                state.closed = true;
                if self.close_discards {
                    state.items.clear();
                }
                Ret::Ok
            }
            Op::Len => Ret::Len(state.items.len()),
            // The last sender gone: as Python's close, whatever the target's own close does.
            Op::DropSender => {
                state.closed = true;
                Ret::Ok
            }
            // The last receiver gone: the items with it.
            Op::DropReceiver => {
                state.closed = true;
                state.items.clear();
                Ret::Ok
            }
            Op::CancelledGet | Op::CancelledPut(_) => unreachable!("uncancelled above"),
        })
    }

    /// Whether this is a rendezvous's model (capacity [`RENDEZVOUS`]).
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_lincheck::{RENDEZVOUS, Spec};
    ///
    /// assert!(Spec::new(RENDEZVOUS).is_rendezvous());
    /// assert!(!Spec::new(0).is_rendezvous());
    /// ```
    pub fn is_rendezvous(&self) -> bool {
        self.capacity == RENDEZVOUS
    }

    /// Whether `state` may end a history: always, except a rendezvous's state in which a put's
    /// item still waits for the get it completes with.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_lincheck::{Op, RENDEZVOUS, Spec};
    ///
    /// let spec = Spec::new(RENDEZVOUS);
    /// let mut state = spec.initial();
    /// spec.step(&mut state, Op::Put(1));
    /// assert!(!spec.is_settled(&state), "a put with no get");
    /// ```
    pub fn is_settled(&self, state: &State) -> bool {
        !self.is_rendezvous() || state.items.is_empty()
    }

    /// Whether every operation of `waiting` must block in `state`, together: each must alone
    /// ([`blocks`](Self::blocks)), and on an open rendezvous no put and get wait at once,
    /// since the two would meet.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_lincheck::{Op, RENDEZVOUS, Spec};
    ///
    /// let spec = Spec::new(RENDEZVOUS);
    /// let state = spec.initial();
    /// assert!(spec.all_block(&state, [Op::Put(1), Op::Put(2)]));
    /// assert!(!spec.all_block(&state, [Op::Put(1), Op::Get]), "a lost wakeup");
    /// ```
    pub fn all_block(&self, state: &State, waiting: impl IntoIterator<Item = Op>) -> bool {
        let (mut puts, mut gets) = (false, false);
        for op in waiting {
            if !self.blocks(state, op) {
                return false;
            }
            puts |= matches!(op.uncancelled(), Op::Put(_));
            gets |= matches!(op.uncancelled(), Op::Get);
        }
        !(self.is_rendezvous() && !state.closed && puts && gets)
    }

    /// A rendezvous's step (see [`RENDEZVOUS`]): its state holds at most the item of a put
    /// that has just met its get, which only that get, the next step, may take.
    fn meet(state: &mut State, op: Op, recorded: Option<Ret>) -> Option<Ret> {
        if let Some(&value) = state.items.front() {
            return matches!(op.uncancelled(), Op::Get | Op::TryGet).then(|| {
                state.items.clear();
                Ret::Got(value)
            });
        }
        Some(match op.uncancelled() {
            Op::Put(_) | Op::TryPut(_) | Op::Get | Op::TryGet if state.closed => Ret::Closed,
            Op::Put(value) => {
                state.items.push_back(value);
                Ret::Ok
            }
            // A try_put succeeds only by meeting a get that waits; that it found none is
            // always a possible answer.
            Op::TryPut(value) if recorded == Some(Ret::Ok) => {
                state.items.push_back(value);
                Ret::Ok
            }
            Op::TryPut(_) => Ret::Full,
            Op::Get => return None,
            Op::TryGet => Ret::Empty,
            // Nothing is ever queued, so there is nothing to drain or discard.
            Op::Close | Op::DropSender | Op::DropReceiver => {
                state.closed = true;
                Ret::Ok
            }
            Op::Len => Ret::Len(0),
            Op::CancelledGet | Op::CancelledPut(_) => unreachable!("uncancelled above"),
        })
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Put(value) => write!(f, "put({value})"),
            Self::Get => f.write_str("get()"),
            Self::TryPut(value) => write!(f, "try_put({value})"),
            Self::TryGet => f.write_str("try_get()"),
            Self::Close => f.write_str("close()"),
            Self::Len => f.write_str("len()"),
            Self::CancelledGet => f.write_str("cancelled_get()"),
            Self::CancelledPut(value) => write!(f, "cancelled_put({value})"),
            Self::DropSender => f.write_str("drop_sender()"),
            Self::DropReceiver => f.write_str("drop_receiver()"),
        }
    }
}

impl fmt::Display for Ret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ok => f.write_str("Ok"),
            Self::Got(value) => write!(f, "{value}"),
            Self::Full => f.write_str("Full"),
            Self::Empty => f.write_str("Empty"),
            Self::Closed => f.write_str("Closed"),
            Self::Len(len) => write!(f, "len {len}"),
            Self::Cancelled => f.write_str("Cancelled"),
        }
    }
}
