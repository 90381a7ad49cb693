//! Scenarios, Lincheck-style: an initial part, a parallel part of a few threads, a post part.

use super::spec::Op;

/// Which operations a target has.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_lincheck::{Op, OpSet};
///
/// assert!(OpSet::ALL.allows(Op::Close));
/// assert!(!OpSet::CHANNEL.allows(Op::Len));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpSet {
    /// Blocking `put` and `get`.
    pub blocking: bool,
    /// `try_put` and `try_get`.
    pub non_blocking: bool,
    /// An explicit `close`.
    pub close: bool,
    /// `len`.
    pub len: bool,
    /// [`Op::CancelledGet`] and [`Op::CancelledPut`]: async targets only, whose futures can be
    /// dropped (a thread cannot cancel a blocking call).
    pub cancel: bool,
    /// A single-consumer channel (std's `sync_channel`, tokio's mpsc): in the parallel part,
    /// only the first thread uses the receiver (`get`, `try_get`, `cancelled_get`, and `close`,
    /// which is the receiver's there); the others only send. The one receiver is then never
    /// wanted by two operations at once, so an adapter can lend it to each receiving operation
    /// whole, with no lock around the operation.
    pub single_consumer: bool,
    /// [`Op::DropSender`] and [`Op::DropReceiver`]: a channel that closes when its last sender
    /// or its last receiver is dropped (crossbeam, flume, std). A scenario that drops one is
    /// laid out so that the end it drops is the last: the dropping thread is the only one of the
    /// parallel part that uses that end (it sends alone, or receives alone), so no other
    /// operation holds one when it drops.
    pub drops: bool,
}

impl OpSet {
    /// Every operation a thread can run: all but the cancelled ones.
    pub const ALL: Self = Self {
        blocking: true,
        non_blocking: true,
        close: true,
        len: true,
        cancel: false,
        single_consumer: false,
        drops: false,
    };

    /// A channel closed only by dropping its senders: blocking and non-blocking send and
    /// receive, no `close`, and no `len` in the scenarios.
    pub const CHANNEL: Self = Self {
        blocking: true,
        non_blocking: true,
        close: false,
        len: false,
        cancel: false,
        single_consumer: false,
        drops: false,
    };

    /// The same operations, and cancelled `get`s and `put`s too.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_lincheck::{Op, OpSet};
    ///
    /// assert!(!OpSet::ALL.allows(Op::CancelledGet));
    /// assert!(OpSet::ALL.with_cancel().allows(Op::CancelledPut(1)));
    /// ```
    pub const fn with_cancel(self) -> Self {
        Self {
            cancel: true,
            ..self
        }
    }

    /// The same operations, with the receiver's in the parallel part's first thread only
    /// (see [`single_consumer`](Self::single_consumer)).
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_lincheck::OpSet;
    ///
    /// assert!(OpSet::CHANNEL.with_single_consumer().single_consumer);
    /// ```
    pub const fn with_single_consumer(self) -> Self {
        Self {
            single_consumer: true,
            ..self
        }
    }

    /// The same operations, and the drops of the last sender and the last receiver (see
    /// [`drops`](Self::drops)).
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_lincheck::{Op, OpSet};
    ///
    /// assert!(!OpSet::CHANNEL.allows(Op::DropSender));
    /// assert!(OpSet::CHANNEL.with_drops().allows(Op::DropReceiver));
    /// ```
    pub const fn with_drops(self) -> Self {
        Self {
            drops: true,
            ..self
        }
    }

    /// Whether `op` is among them.
    pub fn allows(&self, op: Op) -> bool {
        match op {
            Op::Put(_) | Op::Get => self.blocking,
            Op::TryPut(_) | Op::TryGet => self.non_blocking,
            Op::Close => self.close,
            Op::Len => self.len,
            Op::CancelledGet | Op::CancelledPut(_) => self.cancel && self.blocking,
            Op::DropSender | Op::DropReceiver => self.drops,
        }
    }
}

/// One scenario: its queue's capacity (0 unbounded) and its three parts.
///
/// Values are unique, and name their place: the initial part puts `i`, thread `t` (from 0)
/// puts `100 * (t + 1) + i`, and the post part `900 + i`, where `i` is the operation's index
/// in its part.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_lincheck::{Op, Scenario};
///
/// let scenario = Scenario::new(1, vec![], vec![vec![Op::Put(100)], vec![Op::Get]], vec![]);
/// assert_eq!(scenario.operations(), 2);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// The capacity; 0 means unbounded, and [`RENDEZVOUS`](crate::RENDEZVOUS) a rendezvous.
    pub capacity: usize,
    /// Run alone first; never blocking.
    pub init: Vec<Op>,
    /// Run in parallel, one list per thread.
    pub threads: Vec<Vec<Op>>,
    /// Run alone last; never blocking.
    pub post: Vec<Op>,
}

impl Scenario {
    /// A scenario from its parts.
    pub fn new(capacity: usize, init: Vec<Op>, threads: Vec<Vec<Op>>, post: Vec<Op>) -> Self {
        Self {
            capacity,
            init,
            threads,
            post,
        }
    }

    /// How many operations it has in all.
    pub fn operations(&self) -> usize {
        self.init.len() + self.threads.iter().map(Vec::len).sum::<usize>() + self.post.len()
    }
}

/// How big the generated scenarios are.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// let shape = prodcons_lincheck::Shape::default();
/// assert_eq!(shape.threads, 3);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shape {
    /// Threads in the parallel part, at most (at least 2).
    pub threads: usize,
    /// Operations per thread, at most (at least 1).
    pub operations: usize,
    /// Operations in the initial and in the post part, at most each.
    pub sequential: usize,
    /// The capacities to draw from.
    pub capacities: Vec<usize>,
    /// Exactly `threads` threads of exactly `operations` operations each, as the throughput
    /// benchmark needs, rather than at most.
    pub exact: bool,
}

impl Default for Shape {
    fn default() -> Self {
        Self {
            threads: 3,
            operations: 5,
            sequential: 2,
            capacities: vec![0, 1, 2],
            exact: false,
        }
    }
}

mod generate {
    use proptest::prelude::*;

    use super::super::spec::Value;
    use super::{Op, OpSet, Scenario, Shape};

    /// The kinds of operation, before values are given out.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Kind {
        Put,
        Get,
        TryPut,
        TryGet,
        Close,
        Len,
        CancelledGet,
        CancelledPut,
        DropSender,
        DropReceiver,
    }

    impl Kind {
        fn with_value(self, value: Value) -> Op {
            match self {
                Self::Put => Op::Put(value),
                Self::Get => Op::Get,
                Self::TryPut => Op::TryPut(value),
                Self::TryGet => Op::TryGet,
                Self::Close => Op::Close,
                Self::Len => Op::Len,
                Self::CancelledGet => Op::CancelledGet,
                Self::CancelledPut => Op::CancelledPut(value),
                Self::DropSender => Op::DropSender,
                Self::DropReceiver => Op::DropReceiver,
            }
        }
    }

    /// The value of the `index`-th operation of a part whose values start at `base`.
    fn value(base: usize, index: usize) -> Value {
        Value::try_from(base + index).unwrap_or(Value::MAX)
    }

    /// Kinds for a part, weighted by repetition; the sequential parts never block, so that a
    /// scenario cannot hang where no thread could ever release it.
    fn kinds(ops: OpSet, parallel: bool) -> Vec<Kind> {
        let mut kinds = Vec::new();
        if ops.blocking && parallel {
            kinds.extend([Kind::Put, Kind::Put, Kind::Get, Kind::Get]);
        }
        if ops.non_blocking {
            kinds.extend([Kind::TryPut, Kind::TryPut, Kind::TryGet, Kind::TryGet]);
        }
        if ops.close && parallel {
            kinds.push(Kind::Close);
        }
        // Parallel only: a cancelled operation is interesting when another can wake it.
        if ops.cancel && ops.blocking && parallel {
            kinds.extend([Kind::CancelledGet, Kind::CancelledPut]);
        }
        if ops.len {
            kinds.push(Kind::Len);
        }
        if kinds.is_empty() {
            // A target with only blocking operations: its sequential parts stay empty.
            kinds.push(Kind::Len);
        }
        kinds
    }

    impl Kind {
        /// Whether it needs the receiver: a single-consumer channel's receiving operations
        /// (its `close` is the receiver's).
        fn receives(self) -> bool {
            matches!(
                self,
                Self::Get | Self::TryGet | Self::CancelledGet | Self::Close
            )
        }

        /// Whether it needs a sender.
        fn sends(self) -> bool {
            matches!(self, Self::Put | Self::TryPut | Self::CancelledPut)
        }
    }

    /// How a scenario of a target with [`OpSet::drops`] spreads the ends over its threads.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Layout {
        /// No drops: every thread as [`thread_kinds`] says.
        Free,
        /// The first thread alone sends, and may drop the last sender; the others receive.
        /// On a single-consumer channel there is only one other.
        SenderDrops,
        /// The first thread alone receives, and may drop the last receiver; the others send.
        ReceiverDrops,
    }

    /// `parallel` without the kinds `leave_out` says, and with `add`.
    fn without(parallel: &[Kind], leave_out: fn(Kind) -> bool, add: Option<Kind>) -> Vec<Kind> {
        let mut kinds: Vec<Kind> = parallel
            .iter()
            .copied()
            .filter(|&kind| !leave_out(kind))
            .collect();
        kinds.extend(add);
        kinds
    }

    /// The kinds thread `thread` of the parallel part may run in `layout`.
    fn layout_kinds(ops: OpSet, parallel: &[Kind], layout: Layout, thread: usize) -> Vec<Kind> {
        match (layout, thread) {
            (Layout::Free, _) => thread_kinds(ops, parallel, thread),
            (Layout::SenderDrops, 0) => without(parallel, Kind::receives, Some(Kind::DropSender)),
            (Layout::SenderDrops, _) => without(parallel, Kind::sends, None),
            (Layout::ReceiverDrops, 0) => without(parallel, Kind::sends, Some(Kind::DropReceiver)),
            (Layout::ReceiverDrops, _) => without(parallel, Kind::receives, None),
        }
    }

    /// The kinds thread `thread` of the parallel part may run, from `parallel` (the part's
    /// kinds): all of them, except on a single-consumer channel, where only the first thread
    /// receives.
    fn thread_kinds(ops: OpSet, parallel: &[Kind], thread: usize) -> Vec<Kind> {
        if ops.single_consumer && thread > 0 {
            without(parallel, Kind::receives, None)
        } else {
            parallel.to_vec()
        }
    }

    fn part(
        kinds: Vec<Kind>,
        max: usize,
        min: usize,
        base: usize,
    ) -> impl Strategy<Value = Vec<Op>> {
        prop::collection::vec(prop::sample::select(kinds), min..=max.max(min)).prop_map(
            move |kinds| {
                kinds
                    .into_iter()
                    .enumerate()
                    .map(|(index, kind)| kind.with_value(value(base, index)))
                    .collect()
            },
        )
    }

    /// Scenarios of `shape` using only `ops`, as a proptest strategy, so that a failing one
    /// shrinks to a minimal one.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use proptest::strategy::{Strategy, ValueTree};
    /// use proptest::test_runner::TestRunner;
    /// use prodcons_lincheck::{Op, OpSet, Shape, scenarios};
    ///
    /// let mut runner = TestRunner::deterministic();
    /// let scenario = scenarios(&Shape::default(), OpSet::ALL)
    ///     .new_tree(&mut runner)
    ///     .unwrap()
    ///     .current();
    /// assert!((2..=3).contains(&scenario.threads.len()));
    ///
    /// // A single-consumer channel's receiver is used by the first thread alone.
    /// let single = scenarios(&Shape::default(), OpSet::CHANNEL.with_single_consumer());
    /// for _ in 0..50 {
    ///     let scenario = single.new_tree(&mut runner).unwrap().current();
    ///     let mut others = scenario.threads[1..].iter().flatten();
    ///     assert!(others.all(|op| matches!(op, Op::Put(_) | Op::TryPut(_))));
    /// }
    /// ```
    pub fn scenarios(shape: &Shape, ops: OpSet) -> impl Strategy<Value = Scenario> + use<> {
        let sequential_kinds = kinds(ops, false);
        let sequential_max = if ops.non_blocking || ops.len {
            shape.sequential
        } else {
            0
        };
        let init = part(sequential_kinds.clone(), sequential_max, 0, 0);
        let post = part(sequential_kinds, sequential_max, 0, 900);
        let parallel_kinds = kinds(ops, true);
        let operations = shape.operations.max(1);
        let fewest_operations = if shape.exact { operations } else { 1 };
        let most_threads = shape.threads.max(2);
        let fewest_threads = if shape.exact { most_threads } else { 2 };
        let threads = if ops.drops {
            // Half the scenarios drop nothing; the rest drop one end or the other.
            let layouts = vec![
                Layout::Free,
                Layout::Free,
                Layout::SenderDrops,
                Layout::ReceiverDrops,
            ];
            prop::sample::select(layouts)
                .prop_flat_map(move |layout| {
                    let parallel_kinds = parallel_kinds.clone();
                    let most_threads = if layout == Layout::SenderDrops && ops.single_consumer {
                        2
                    } else {
                        most_threads
                    };
                    (fewest_threads.min(most_threads)..=most_threads).prop_flat_map(
                        move |threads| {
                            (0..threads)
                                .map(|thread| {
                                    let base = 100 * (thread + 1);
                                    let kinds = layout_kinds(ops, &parallel_kinds, layout, thread);
                                    part(kinds, operations, fewest_operations, base)
                                })
                                .collect::<Vec<_>>()
                        },
                    )
                })
                .boxed()
        } else {
            // Without drops, the very strategy of before they existed, so that a seed gives
            // the same scenarios as it did (a layout drawn first would change them).
            (fewest_threads..=most_threads)
                .prop_flat_map(move |threads| {
                    (0..threads)
                        .map(|thread| {
                            let base = 100 * (thread + 1);
                            let kinds = thread_kinds(ops, &parallel_kinds, thread);
                            part(kinds, operations, fewest_operations, base)
                        })
                        .collect::<Vec<_>>()
                })
                .boxed()
        };
        let capacities = if shape.capacities.is_empty() {
            vec![0]
        } else {
            shape.capacities.clone()
        };
        (prop::sample::select(capacities), init, threads, post).prop_map(
            |(capacity, init, threads, post)| Scenario {
                capacity,
                init,
                threads,
                post,
            },
        )
    }
}

pub use generate::scenarios;
