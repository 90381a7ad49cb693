//! Both queues checked against a `VecDeque` model, one operation at a time.
//!
//! An [`Op`] is one call on a queue: a `try_put` or `try_get`, a `close`, a `put` or `get`
//! future polled once and dropped, or a future kept in one of [`SLOTS`] slots, so that it can
//! wait across other operations and be polled again or dropped later. [`check_blocking`] and
//! [`check_async`] apply a sequence of them to a [`BlockingQueue`] or an [`AsyncQueue`] and to
//! the [`Model`], and after every step assert that the queue answered as the model did and that
//! everything it lets one observe (length, emptiness, fullness, closedness, capacity, its waiting
//! lines, and which kept futures have been woken) equals the model's.
//!
//! The cargo-fuzz target `queue_ops` and the stable tests `tests/queues/queue_state_machine.rs` and
//! `tests/queues/fuzz_corpus.rs` all compile this one file (the tests through `#[path]`), so they check
//! exactly the same thing.
//!
//! The model of the waiting lines is asyncio's: a future that must wait joins the back of its
//! line; a placed item wakes the front getter and a taken item the front putter, removing it
//! from the line; `close` wakes everyone; a woken future that is polled again and still has to
//! wait joins the back again; and a woken future that is dropped while what it was woken for is
//! still there passes its wakeup to the next in line. A `BlockingQueue` has no futures, so there
//! a kept "future" is an intent to retry: each poll is a `try_put` or `try_get`. Its results
//! must be the same, since whether an `AsyncQueue` future completes depends only on the buffer.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use arbitrary::Arbitrary;
use prodcons::{AsyncQueue, BlockingQueue, Get, GetError, Put, PutError, TryGetError, TryPutError};

/// How many futures a sequence can keep waiting at once.
pub const SLOTS: usize = 3;

/// An item. Each step that puts uses its own step number, so every item is unique and a lost
/// or duplicated item cannot hide behind an equal one.
pub type Item = u32;

/// Where a kept future lives between steps.
#[derive(Arbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// The first slot.
    A,
    /// The second slot.
    B,
    /// The third slot.
    C,
}

impl Slot {
    /// Every slot, in order.
    pub const ALL: [Self; SLOTS] = [Self::A, Self::B, Self::C];

    fn index(self) -> usize {
        self as usize
    }
}

/// One operation on a queue.
#[derive(Arbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `try_put(item)`.
    TryPut,
    /// `try_get()`.
    TryGet,
    /// `close()`.
    Close,
    /// `put(item)` polled once with a no-op waker, then dropped whatever it returned.
    PutOnce,
    /// `get()` polled once with a no-op waker, then dropped whatever it returned.
    GetOnce,
    /// `put(item)` polled once and kept in the slot if it is pending. A future already in the
    /// slot is dropped first.
    StartPut(Slot),
    /// `get()` polled once and kept in the slot if it is pending. A future already in the slot
    /// is dropped first.
    StartGet(Slot),
    /// The slot's future polled again; it leaves the slot once it completes.
    Poll(Slot),
    /// The slot's future dropped.
    Drop(Slot),
}

/// The largest capacity a generated queue has; 0 is unbounded.
pub const MAX_CAPACITY: usize = 4;

/// A queue's capacity and the operations to apply to it: the `queue_ops` fuzz input.
#[derive(Arbitrary, Clone, Debug, PartialEq, Eq)]
pub struct QueueOps {
    /// 0 (unbounded) to [`MAX_CAPACITY`].
    #[arbitrary(with = |u: &mut arbitrary::Unstructured| u.int_in_range(0..=MAX_CAPACITY))]
    pub capacity: usize,
    /// The operations, in order.
    pub ops: Vec<Op>,
}

/// Checks `input` on a [`BlockingQueue`] and on an [`AsyncQueue`] against the model.
pub fn check_queue_ops(input: &QueueOps) {
    check_blocking(input);
    check_async(input);
}

/// Checks `input` on a [`BlockingQueue`] against the model, panicking on the first difference.
pub fn check_blocking(input: &QueueOps) {
    let mut harness = BlockingHarness {
        queue: BlockingQueue::new(input.capacity),
        kept: [None; SLOTS],
    };
    check("BlockingQueue", input.capacity, &input.ops, &mut harness);
}

/// Checks `input` on an [`AsyncQueue`] against the model, panicking on the first difference.
pub fn check_async(input: &QueueOps) {
    let queue = AsyncQueue::new(input.capacity);
    let mut harness = AsyncHarness {
        queue: &queue,
        kept: [const { None }; SLOTS],
    };
    check("AsyncQueue", input.capacity, &input.ops, &mut harness);
}

/// What a put returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PutResult {
    /// The item went in.
    Placed,
    /// The queue was full and the item came back (`try_put` only).
    Full(Item),
    /// The queue was closed and the item came back.
    Closed(Item),
    /// The future has to wait (a `try_put` on a `BlockingQueue` that found it full).
    Pending,
}

/// What a get returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GetResult {
    /// The item taken.
    Item(Item),
    /// The queue was empty but open (`try_get` only).
    Empty,
    /// The queue was closed and drained.
    Closed,
    /// The future has to wait (a `try_get` on a `BlockingQueue` that found it empty).
    Pending,
}

/// What one [`Op`] returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A `try_put`, or a poll of a `put` future.
    Put(PutResult),
    /// A `try_get`, or a poll of a `get` future.
    Get(GetResult),
    /// `close`, with whether this call was the one that closed the queue.
    Close(bool),
    /// A kept future was dropped.
    Dropped,
    /// The slot held no future, so nothing happened.
    EmptySlot,
}

/// Everything about a queue that can be seen from outside, plus which kept futures were woken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observation {
    /// `len()`.
    pub len: usize,
    /// `is_empty()`.
    pub is_empty: bool,
    /// `is_full()`.
    pub is_full: bool,
    /// `is_closed()`.
    pub is_closed: bool,
    /// `capacity()`.
    pub capacity: Option<usize>,
    /// `waiting_getters()`: for an `AsyncQueue`, the futures in the getters' line.
    pub waiting_getters: usize,
    /// `waiting_putters()`: for an `AsyncQueue`, the futures in the putters' line.
    pub waiting_putters: usize,
    /// Per slot: `None` if it is empty, else whether its future was woken since its last poll.
    /// A `BlockingQueue` has no wakers, so there it is always `Some(false)` for a kept intent.
    pub woken: [Option<bool>; SLOTS],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Waiting {
    Put(Item),
    Get,
}

#[derive(Clone, Copy, Debug)]
struct Kept {
    waiting: Waiting,
    woken: bool,
}

/// The reference: a `VecDeque` with a capacity (0 = unbounded) and a closed flag, plus the two
/// waiting lines as lines of slots.
#[derive(Debug)]
pub struct Model {
    items: VecDeque<Item>,
    capacity: usize,
    closed: bool,
    slots: [Option<Kept>; SLOTS],
    getters: VecDeque<usize>,
    putters: VecDeque<usize>,
}

impl Model {
    /// An empty, open queue of this capacity.
    pub fn new(capacity: usize) -> Self {
        Self {
            items: VecDeque::new(),
            capacity,
            closed: false,
            slots: [None; SLOTS],
            getters: VecDeque::new(),
            putters: VecDeque::new(),
        }
    }

    fn is_full(&self) -> bool {
        self.capacity != 0 && self.items.len() >= self.capacity
    }

    /// Applies one operation and says what the queue must return.
    pub fn apply(&mut self, op: Op, item: Item) -> Outcome {
        match op {
            Op::TryPut => Outcome::Put(self.place(item)),
            Op::TryGet => Outcome::Get(self.take()),
            Op::Close => Outcome::Close(self.close()),
            Op::PutOnce => Outcome::Put(put_or_wait(self.place(item), item)),
            Op::GetOnce => Outcome::Get(get_or_wait(self.take())),
            Op::StartPut(slot) => {
                self.drop_kept(slot.index());
                self.slots[slot.index()] = Some(Kept {
                    waiting: Waiting::Put(item),
                    woken: false,
                });
                self.poll(slot.index())
            }
            Op::StartGet(slot) => {
                self.drop_kept(slot.index());
                self.slots[slot.index()] = Some(Kept {
                    waiting: Waiting::Get,
                    woken: false,
                });
                self.poll(slot.index())
            }
            Op::Poll(slot) if self.slots[slot.index()].is_some() => self.poll(slot.index()),
            Op::Drop(slot) if self.slots[slot.index()].is_some() => {
                self.drop_kept(slot.index());
                Outcome::Dropped
            }
            Op::Poll(_) | Op::Drop(_) => Outcome::EmptySlot,
        }
    }

    /// What the model says a queue shows. `with_waiters` is false for a `BlockingQueue`, whose
    /// kept intents wait in no line and are never woken.
    pub fn observe(&self, with_waiters: bool) -> Observation {
        let woken = self
            .slots
            .map(|kept| kept.map(|kept| with_waiters && kept.woken));
        Observation {
            len: self.items.len(),
            is_empty: self.items.is_empty(),
            is_full: self.is_full(),
            is_closed: self.closed,
            capacity: (self.capacity != 0).then_some(self.capacity),
            waiting_getters: if with_waiters { self.getters.len() } else { 0 },
            waiting_putters: if with_waiters { self.putters.len() } else { 0 },
            woken,
        }
    }

    /// The closed check comes first, as in the queues: a closed queue refuses even when full.
    fn place(&mut self, item: Item) -> PutResult {
        if self.closed {
            return PutResult::Closed(item);
        }
        if self.is_full() {
            return PutResult::Full(item);
        }
        self.items.push_back(item);
        self.wake_front(Line::Getters);
        PutResult::Placed
    }

    fn take(&mut self) -> GetResult {
        match self.items.pop_front() {
            Some(item) => {
                self.wake_front(Line::Putters);
                GetResult::Item(item)
            }
            None if self.closed => GetResult::Closed,
            None => GetResult::Empty,
        }
    }

    fn close(&mut self) -> bool {
        let newly_closed = !self.closed;
        self.closed = true;
        while self.wake_front(Line::Getters) {}
        while self.wake_front(Line::Putters) {}
        newly_closed
    }

    /// Polls a kept future: it completes as a try call would, or else waits in its line,
    /// keeping its place if it has one.
    fn poll(&mut self, slot: usize) -> Outcome {
        let kept = self.slots[slot].as_mut().expect("polled an empty slot");
        kept.woken = false;
        let waiting = kept.waiting;
        let (outcome, pending) = match waiting {
            Waiting::Put(item) => {
                let result = put_or_wait(self.place(item), item);
                (Outcome::Put(result), result == PutResult::Pending)
            }
            Waiting::Get => {
                let result = get_or_wait(self.take());
                (Outcome::Get(result), result == GetResult::Pending)
            }
        };
        let line = self.line(Line::of(waiting));
        let place = line.iter().position(|&waiter| waiter == slot);
        match (pending, place) {
            (true, None) => line.push_back(slot),
            (true, Some(_)) => {}
            (false, place) => {
                if let Some(place) = place {
                    line.remove(place);
                }
                self.slots[slot] = None;
            }
        }
        outcome
    }

    /// Drops a kept future: it leaves its line, or, if it had been woken and what it was woken
    /// for is still there, passes the wakeup to the front of its line.
    fn drop_kept(&mut self, slot: usize) {
        let Some(kept) = self.slots[slot].take() else {
            return;
        };
        let which = Line::of(kept.waiting);
        let still_there = match which {
            Line::Getters => !self.items.is_empty(),
            Line::Putters => !self.is_full(),
        };
        let line = self.line(which);
        match line.iter().position(|&waiter| waiter == slot) {
            Some(place) => {
                line.remove(place);
            }
            None if still_there => {
                self.wake_front(which);
            }
            None => {}
        }
    }

    /// Wakes the front waiter of a line, if any; says whether there was one.
    fn wake_front(&mut self, which: Line) -> bool {
        let Some(slot) = self.line(which).pop_front() else {
            return false;
        };
        if let Some(kept) = self.slots[slot].as_mut() {
            kept.woken = true;
        }
        true
    }

    fn line(&mut self, which: Line) -> &mut VecDeque<usize> {
        match which {
            Line::Getters => &mut self.getters,
            Line::Putters => &mut self.putters,
        }
    }
}

#[derive(Clone, Copy)]
enum Line {
    Getters,
    Putters,
}

impl Line {
    fn of(waiting: Waiting) -> Self {
        match waiting {
            Waiting::Put(_) => Self::Putters,
            Waiting::Get => Self::Getters,
        }
    }
}

/// Where `try_put` gives up on a full queue, a `put` future waits instead. The item given back
/// must be the one offered; any other stays visible as a mismatch.
fn put_or_wait(result: PutResult, item: Item) -> PutResult {
    match result {
        PutResult::Full(returned) if returned == item => PutResult::Pending,
        other => other,
    }
}

/// Where `try_get` gives up on an empty, open queue, a `get` future waits instead.
fn get_or_wait(result: GetResult) -> GetResult {
    match result {
        GetResult::Empty => GetResult::Pending,
        other => other,
    }
}

fn try_put_result(result: Result<(), TryPutError<Item>>) -> PutResult {
    match result {
        Ok(()) => PutResult::Placed,
        Err(TryPutError::Full(item)) => PutResult::Full(item),
        Err(TryPutError::Closed(item)) => PutResult::Closed(item),
    }
}

fn try_get_result(result: Result<Item, TryGetError>) -> GetResult {
    match result {
        Ok(item) => GetResult::Item(item),
        Err(TryGetError::Empty) => GetResult::Empty,
        Err(TryGetError::Closed) => GetResult::Closed,
    }
}

/// A queue driven by [`Op`]s, for [`check`].
trait Harness {
    /// Whether the queue has waiting lines and wakers to compare with the model's.
    const WITH_WAITERS: bool;

    fn apply(&mut self, op: Op, item: Item) -> Outcome;

    fn observe(&self) -> Observation;
}

/// Applies `ops` to the model and to the queue, asserting after every step that both returned
/// the same and look the same; then drops every kept future the same way and checks that the
/// lines are empty. Panics, naming the step, on the first difference.
fn check<H: Harness>(name: &str, capacity: usize, ops: &[Op], queue: &mut H) {
    let with_waiters = H::WITH_WAITERS;
    let mut model = Model::new(capacity);
    assert_eq!(
        queue.observe(),
        model.observe(with_waiters),
        "{name} of capacity {capacity}: a new queue"
    );
    let drop_all = Slot::ALL.map(Op::Drop);
    for (step, &op) in ops.iter().chain(&drop_all).enumerate() {
        let item = Item::try_from(step).expect("fewer than 2^32 steps");
        let expected = model.apply(op, item);
        let actual = queue.apply(op, item);
        assert_eq!(
            actual, expected,
            "{name} of capacity {capacity}: step {step}, {op:?}, returned what the model did not"
        );
        assert_eq!(
            queue.observe(),
            model.observe(with_waiters),
            "{name} of capacity {capacity}: after step {step}, {op:?}, the queue differs from \
             the model (left: queue, right: model)"
        );
    }
    let end = queue.observe();
    assert_eq!(
        (end.waiting_getters, end.waiting_putters),
        (0, 0),
        "{name}: with every future dropped, no waiter is left in line"
    );
}

/// What a queue shows, read through the inherent methods that both queues have alike.
macro_rules! observe {
    ($queue:expr, $woken:expr) => {
        Observation {
            len: $queue.len(),
            is_empty: $queue.is_empty(),
            is_full: $queue.is_full(),
            is_closed: $queue.is_closed(),
            capacity: $queue.capacity(),
            waiting_getters: $queue.waiting_getters(),
            waiting_putters: $queue.waiting_putters(),
            woken: $woken,
        }
    };
}

/// A `BlockingQueue`, with each kept "future" an intent to retry a try call.
struct BlockingHarness {
    queue: BlockingQueue<Item>,
    kept: [Option<Waiting>; SLOTS],
}

impl BlockingHarness {
    fn poll(&mut self, slot: usize) -> Outcome {
        let (outcome, done) = match self.kept[slot] {
            None => return Outcome::EmptySlot,
            Some(Waiting::Put(item)) => {
                let result = put_or_wait(try_put_result(self.queue.try_put(item)), item);
                (Outcome::Put(result), result != PutResult::Pending)
            }
            Some(Waiting::Get) => {
                let result = get_or_wait(try_get_result(self.queue.try_get()));
                (Outcome::Get(result), result != GetResult::Pending)
            }
        };
        if done {
            self.kept[slot] = None;
        }
        outcome
    }
}

impl Harness for BlockingHarness {
    const WITH_WAITERS: bool = false;

    fn apply(&mut self, op: Op, item: Item) -> Outcome {
        let queue = &self.queue;
        match op {
            Op::TryPut => Outcome::Put(try_put_result(queue.try_put(item))),
            Op::TryGet => Outcome::Get(try_get_result(queue.try_get())),
            Op::Close => Outcome::Close(queue.close()),
            Op::PutOnce => Outcome::Put(put_or_wait(try_put_result(queue.try_put(item)), item)),
            Op::GetOnce => Outcome::Get(get_or_wait(try_get_result(queue.try_get()))),
            Op::StartPut(slot) => {
                self.kept[slot.index()] = Some(Waiting::Put(item));
                self.poll(slot.index())
            }
            Op::StartGet(slot) => {
                self.kept[slot.index()] = Some(Waiting::Get);
                self.poll(slot.index())
            }
            Op::Poll(slot) => self.poll(slot.index()),
            Op::Drop(slot) => match self.kept[slot.index()].take() {
                Some(_) => Outcome::Dropped,
                None => Outcome::EmptySlot,
            },
        }
    }

    fn observe(&self) -> Observation {
        observe!(self.queue, self.kept.map(|kept| kept.map(|_| false)))
    }
}

/// A waker that records that it was woken.
#[derive(Default)]
struct WakeFlag(AtomicBool);

impl Wake for WakeFlag {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }
}

enum KeptFuture<'q> {
    Put(Put<'q, Item>),
    Get(Get<'q, Item>),
}

/// A future kept between steps, with the flag its waker sets.
struct KeptAsync<'q> {
    future: KeptFuture<'q>,
    flag: Arc<WakeFlag>,
}

/// An `AsyncQueue` and the futures kept in the slots.
struct AsyncHarness<'q> {
    queue: &'q AsyncQueue<Item>,
    kept: [Option<KeptAsync<'q>>; SLOTS],
}

impl<'q> AsyncHarness<'q> {
    fn start(&mut self, slot: usize, future: KeptFuture<'q>) -> Outcome {
        // The old future goes first, as in the model; making the new one touches no state.
        self.kept[slot] = None;
        self.kept[slot] = Some(KeptAsync {
            future,
            flag: Arc::default(),
        });
        self.poll(slot)
    }

    /// Polls a kept future with its flag's waker, the flag cleared first.
    fn poll(&mut self, slot: usize) -> Outcome {
        let Some(kept) = self.kept[slot].as_mut() else {
            return Outcome::EmptySlot;
        };
        kept.flag.0.store(false, Ordering::SeqCst);
        let waker = Waker::from(Arc::clone(&kept.flag));
        let mut cx = Context::from_waker(&waker);
        let (outcome, done) = match &mut kept.future {
            KeptFuture::Put(put) => {
                let result = put_poll_result(Pin::new(put).poll(&mut cx));
                (Outcome::Put(result), result != PutResult::Pending)
            }
            KeptFuture::Get(get) => {
                let result = get_poll_result(Pin::new(get).poll(&mut cx));
                (Outcome::Get(result), result != GetResult::Pending)
            }
        };
        if done {
            self.kept[slot] = None;
        }
        outcome
    }
}

impl Harness for AsyncHarness<'_> {
    const WITH_WAITERS: bool = true;

    fn apply(&mut self, op: Op, item: Item) -> Outcome {
        let queue = self.queue;
        match op {
            Op::TryPut => Outcome::Put(try_put_result(queue.try_put(item))),
            Op::TryGet => Outcome::Get(try_get_result(queue.try_get())),
            Op::Close => Outcome::Close(queue.close()),
            Op::PutOnce => Outcome::Put(poll_once(queue.put(item), put_poll_result)),
            Op::GetOnce => Outcome::Get(poll_once(queue.get(), get_poll_result)),
            Op::StartPut(slot) => self.start(slot.index(), KeptFuture::Put(queue.put(item))),
            Op::StartGet(slot) => self.start(slot.index(), KeptFuture::Get(queue.get())),
            Op::Poll(slot) => self.poll(slot.index()),
            Op::Drop(slot) => match self.kept[slot.index()].take() {
                Some(_) => Outcome::Dropped,
                None => Outcome::EmptySlot,
            },
        }
    }

    fn observe(&self) -> Observation {
        let woken = self
            .kept
            .each_ref()
            .map(|kept| kept.as_ref().map(|kept| kept.flag.0.load(Ordering::SeqCst)));
        observe!(self.queue, woken)
    }
}

/// Polls a future once with a no-op waker, then drops it, pending or not.
fn poll_once<F: Future + Unpin, R>(mut future: F, result: impl FnOnce(Poll<F::Output>) -> R) -> R {
    let poll = Pin::new(&mut future).poll(&mut Context::from_waker(Waker::noop()));
    drop(future);
    result(poll)
}

fn put_poll_result(poll: Poll<Result<(), PutError<Item>>>) -> PutResult {
    match poll {
        Poll::Ready(Ok(())) => PutResult::Placed,
        Poll::Ready(Err(error)) => PutResult::Closed(error.into_inner()),
        Poll::Pending => PutResult::Pending,
    }
}

fn get_poll_result(poll: Poll<Result<Item, GetError>>) -> GetResult {
    match poll {
        Poll::Ready(Ok(item)) => GetResult::Item(item),
        Poll::Ready(Err(GetError)) => GetResult::Closed,
        Poll::Pending => GetResult::Pending,
    }
}
