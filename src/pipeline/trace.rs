//! Traced runs: items tagged with who made them, so a run can be judged on more than its sum.
//!
//! The sum (I1) cannot see a lost item and a duplicated one that cancel out, nor items taken
//! out of order. A traced run tags every item with its producer and sequence number, keeps each
//! consumer's log of what it took, and samples the buffer's length after every put, so that
//! [`Trace::check`] can judge exactly-once delivery (I2), per-producer FIFO (I3) and the
//! capacity bound (I4) as well. An untraced run uses [`Untraced`], whose hooks compile away.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::error::Role;
use super::outcome::Outcome;
use super::params::Params;

// The trace's own bookkeeping uses std's primitives even in a loom build: it observes the
// model rather than being part of it, and touching it adds no interleavings worth exploring.

/// One traced item: which producer put it, and where it stands in that producer's sequence.
///
/// Its value, the number a consumer adds to its sum, is `seq`, as in the untraced run.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::Tag;
///
/// let tag = Tag { producer: 3, seq: 41 };
/// assert_eq!(tag.to_string(), "item 41 of producer 3");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag {
    /// The index of the producer that put it.
    pub producer: usize,
    /// Its position among that producer's items, counting from 0; also its value.
    pub seq: u64,
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "item {} of producer {}", self.seq, self.producer)
    }
}

/// What a driver needs of the items it moves: to make one, and to read the value summed.
pub(crate) trait Item: Send + 'static {
    fn new(producer: usize, seq: u64) -> Self;
    fn value(&self) -> u64;
}

impl Item for u64 {
    fn new(_producer: usize, seq: u64) -> Self {
        seq
    }

    fn value(&self) -> u64 {
        *self
    }
}

impl Item for Tag {
    fn new(producer: usize, seq: u64) -> Self {
        Self { producer, seq }
    }

    fn value(&self) -> u64 {
        self.seq
    }
}

/// The hooks a driver calls as items move; the probe decides what, if anything, to keep.
pub(crate) trait Probe: Clone + Send + Sync + 'static {
    type Item: Item;
    /// What one consumer keeps while it runs, handed back when it finishes.
    type Log: Send + 'static;

    fn new_log(&self) -> Self::Log;
    fn taken(&self, log: &mut Self::Log, item: &Self::Item);
    /// Called after a successful put, with a way to read how many items the buffer holds.
    fn after_put(&self, held: impl FnOnce() -> usize);
    /// Called when consumer `index` has taken all its items and delivered its sum.
    fn finished(&self, index: usize, log: Self::Log);

    /// Whether the driver tries each put and get without waiting first, and reports through
    /// [`waited`](Self::waited) each one that could not complete at once. When it is `false`
    /// the driver calls the waiting operation directly, and the check compiles away.
    const COUNTS_WAITS: bool = false;

    /// Called when a worker in `role` found the buffer full (a producer) or empty (a consumer)
    /// and has to wait.
    fn waited(&self, _role: Role) {}

    /// Called after a counted wait with its futile wakeups, or `None` if the channel could not
    /// tell them.
    fn futile(&self, _wakeups: Option<u64>) {}

    /// Whether the driver also notes when each counted put and get was called, and reports
    /// each one that had to wait through [`wait_ended`](Self::wait_ended). Implies
    /// [`COUNTS_WAITS`](Self::COUNTS_WAITS); when it is `false` no clock is read.
    const TIMES_WAITS: bool = false;

    /// Called as a put (a producer's) or get (a consumer's) that had to wait returns: which
    /// worker, when it was called, and each wakeup it had, or `None` if the channel could
    /// not tell them. Called after [`futile`](Self::futile) for the same wait.
    fn wait_ended(
        &self,
        _role: Role,
        _index: usize,
        _called: std::time::Instant,
        _wakeups: Option<Vec<crate::queue::futile::Woke>>,
    ) {
    }
}

/// The probe of an ordinary run: plain `u64` items, and hooks that do nothing.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Untraced;

impl Probe for Untraced {
    type Item = u64;
    type Log = ();

    fn new_log(&self) {}
    fn taken(&self, _log: &mut (), _item: &u64) {}
    fn after_put(&self, _held: impl FnOnce() -> usize) {}
    fn finished(&self, _index: usize, _log: ()) {}
}

/// The probe of a traced run: tagged items, one log per consumer, the most items seen held.
#[derive(Clone, Debug)]
pub(crate) struct Recorder(Arc<Recording>);

#[derive(Debug)]
struct Recording {
    logs: Mutex<Vec<Option<Vec<Tag>>>>,
    most_held: AtomicUsize,
}

impl Recorder {
    pub(crate) fn new(params: &Params) -> Self {
        Self(Arc::new(Recording {
            logs: Mutex::new(vec![None; params.num_prods_cons()]),
            most_held: AtomicUsize::new(0),
        }))
    }

    /// The trace of a run that ended with `outcome`.
    pub(crate) fn into_trace(self, params: &Params, outcome: &Outcome) -> Trace {
        let logs = self.0.logs.lock().unwrap_or_else(PoisonError::into_inner);
        Trace {
            params: *params,
            computed_sum: outcome.computed_sum,
            taken: logs
                .iter()
                .map(|log| log.clone().unwrap_or_default())
                .collect(),
            most_held: self.0.most_held.load(Ordering::Relaxed),
        }
    }
}

impl Probe for Recorder {
    type Item = Tag;
    type Log = Vec<Tag>;

    fn new_log(&self) -> Vec<Tag> {
        Vec::new()
    }

    fn taken(&self, log: &mut Vec<Tag>, item: &Tag) {
        log.push(*item);
    }

    fn after_put(&self, held: impl FnOnce() -> usize) {
        self.0.most_held.fetch_max(held(), Ordering::Relaxed);
    }

    fn finished(&self, index: usize, log: Vec<Tag>) {
        let mut logs = self.0.logs.lock().unwrap_or_else(PoisonError::into_inner);
        logs[index] = Some(log);
    }
}

/// What a traced run saw: every consumer's items in the order it took them, and the most items
/// the buffer was seen to hold.
///
/// Made by [`Pipeline::run_traced`](crate::Pipeline::run_traced); judged by
/// [`check`](Trace::check).
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::{Implementation, Params};
///
/// let params = Params::new(100, 4, 2).unwrap();
/// let (outcome, trace) = Implementation::Threads.pipeline().run_traced(&params).unwrap();
/// assert_eq!(outcome.computed_sum, 19_800);
/// assert_eq!(trace.taken().len(), 4);
/// assert!(trace.most_held() <= 2);
/// assert_eq!(trace.check(), Ok(()));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    params: Params,
    computed_sum: u128,
    taken: Vec<Vec<Tag>>,
    most_held: usize,
}

/// An invariant a traced run broke, with the evidence.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::{InvariantViolation, Tag};
///
/// let lost = InvariantViolation::Lost { item: Tag { producer: 0, seq: 7 } };
/// assert_eq!(lost.to_string(), "I2 exactly once: item 7 of producer 0 was never taken");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InvariantViolation {
    /// I1: the consumers' sums do not add up to the expected total.
    #[error("I1 sum: the computed sum is {computed}, but {expected} was expected")]
    WrongSum {
        /// The sum the run computed.
        computed: u128,
        /// `numIters * (numIters - 1) / 2 * numProdsCons`.
        expected: u128,
    },
    /// I2: an item that was put was never taken.
    #[error("I2 exactly once: {item} was never taken")]
    Lost {
        /// The missing item.
        item: Tag,
    },
    /// I2: an item was taken more than once.
    #[error("I2 exactly once: {item} was taken {times} times")]
    Duplicated {
        /// The repeated item.
        item: Tag,
        /// How many times it was taken.
        times: usize,
    },
    /// I2: a consumer took an item no producer put.
    #[error("I2 exactly once: consumer {consumer} took {item}, which no producer put")]
    Unknown {
        /// The consumer that took it.
        consumer: usize,
        /// The item.
        item: Tag,
    },
    /// I3: a consumer took a producer's items out of their order.
    #[error("I3 per-producer FIFO: consumer {consumer} took {later} after {earlier}")]
    OutOfOrder {
        /// The consumer that saw the reversal.
        consumer: usize,
        /// The item it took first.
        earlier: Tag,
        /// The item it took next, which the producer had put before `earlier`.
        later: Tag,
    },
    /// I4: the bounded buffer was seen holding more items than its capacity.
    #[error("I4 capacity: the buffer held {held} items, but its capacity is {capacity}")]
    OverCapacity {
        /// The most items it was seen to hold.
        held: usize,
        /// Its capacity.
        capacity: usize,
    },
    /// A consumer's log is missing or has the wrong length: it did not take `numIters` items.
    #[error("consumer {consumer} took {took} items, but each consumer takes {expected}")]
    ShortConsumer {
        /// The consumer.
        consumer: usize,
        /// How many items it logged.
        took: usize,
        /// `numIters`.
        expected: u64,
    },
}

impl Trace {
    /// Judges the run on I1 to I4, reporting the first broken invariant in that order.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{Implementation, InvariantViolation, Params, Tag};
    ///
    /// let params = Params::new(3, 1, 0).unwrap();
    /// let (_, trace) = Implementation::Tasks.pipeline().run_traced(&params).unwrap();
    /// assert_eq!(trace.check(), Ok(()));
    ///
    /// // A consumer that saw 0, 2, 1 of one producer breaks FIFO (I3) but not the sum (I1).
    /// let shuffled = trace.with_taken(vec![vec![
    ///     Tag { producer: 0, seq: 0 },
    ///     Tag { producer: 0, seq: 2 },
    ///     Tag { producer: 0, seq: 1 },
    /// ]]);
    /// assert!(matches!(shuffled.check(), Err(InvariantViolation::OutOfOrder { .. })));
    /// ```
    pub fn check(&self) -> Result<(), InvariantViolation> {
        self.check_sum()?;
        self.check_exactly_once()?;
        self.check_fifo_per_producer()?;
        self.check_capacity()
    }

    /// Every consumer's items, in the order it took them; one list per consumer.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{Implementation, Params, Tag};
    ///
    /// let (_, trace) = Implementation::Threads.pipeline().run_traced(&Params::new(2, 1, 1).unwrap()).unwrap();
    /// assert_eq!(trace.taken(), [vec![Tag { producer: 0, seq: 0 }, Tag { producer: 0, seq: 1 }]]);
    /// ```
    pub fn taken(&self) -> &[Vec<Tag>] {
        &self.taken
    }

    /// The most items the buffer was seen to hold, sampled right after each put.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{Implementation, Params};
    ///
    /// let (_, trace) = Implementation::TasksMt.pipeline().run_traced(&Params::new(50, 3, 1).unwrap()).unwrap();
    /// assert_eq!(trace.most_held(), 1);
    /// ```
    pub fn most_held(&self) -> usize {
        self.most_held
    }

    /// The same trace with other consumer logs, to show what [`check`](Trace::check) rejects.
    /// The computed sum is recomputed from the logs.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{Implementation, InvariantViolation, Params, Tag};
    ///
    /// let (_, trace) = Implementation::Threads.pipeline().run_traced(&Params::new(2, 1, 0).unwrap()).unwrap();
    /// let twice = trace.with_taken(vec![vec![Tag { producer: 0, seq: 1 }; 2]]);
    /// assert!(matches!(twice.check(), Err(InvariantViolation::WrongSum { .. })));
    /// ```
    pub fn with_taken(&self, taken: Vec<Vec<Tag>>) -> Self {
        let computed_sum = taken.iter().flatten().map(|tag| u128::from(tag.seq)).sum();
        Self {
            taken,
            computed_sum,
            ..self.clone()
        }
    }

    fn check_sum(&self) -> Result<(), InvariantViolation> {
        let expected = self.params.expected_sum();
        if self.computed_sum == expected {
            Ok(())
        } else {
            Err(InvariantViolation::WrongSum {
                computed: self.computed_sum,
                expected,
            })
        }
    }

    fn check_exactly_once(&self) -> Result<(), InvariantViolation> {
        let producers = self.params.num_prods_cons();
        let num_iters = self.params.num_iters();
        for (consumer, log) in self.taken.iter().enumerate() {
            if log.len() as u64 != num_iters {
                return Err(InvariantViolation::ShortConsumer {
                    consumer,
                    took: log.len(),
                    expected: num_iters,
                });
            }
        }
        // Each producer's items are 0..num_iters, so a count per (producer, seq) is a dense
        // table: no hashing, and every slot must end at exactly 1.
        let per_producer = usize::try_from(num_iters).unwrap_or(usize::MAX);
        let mut times = vec![vec![0usize; per_producer]; producers];
        for (consumer, log) in self.taken.iter().enumerate() {
            for &item in log {
                let slot = times
                    .get_mut(item.producer)
                    .and_then(|row| row.get_mut(usize::try_from(item.seq).ok()?));
                match slot {
                    Some(count) => *count += 1,
                    None => return Err(InvariantViolation::Unknown { consumer, item }),
                }
            }
        }
        for (producer, row) in times.iter().enumerate() {
            for (seq, &count) in row.iter().enumerate() {
                let item = Tag {
                    producer,
                    seq: seq as u64,
                };
                match count {
                    1 => {}
                    0 => return Err(InvariantViolation::Lost { item }),
                    times => return Err(InvariantViolation::Duplicated { item, times }),
                }
            }
        }
        Ok(())
    }

    fn check_fifo_per_producer(&self) -> Result<(), InvariantViolation> {
        for (consumer, log) in self.taken.iter().enumerate() {
            let mut last_seen: Vec<Option<Tag>> = vec![None; self.params.num_prods_cons()];
            for &item in log {
                let Some(last) = last_seen.get_mut(item.producer) else {
                    return Err(InvariantViolation::Unknown { consumer, item });
                };
                match *last {
                    Some(earlier) if earlier.seq >= item.seq => {
                        return Err(InvariantViolation::OutOfOrder {
                            consumer,
                            earlier,
                            later: item,
                        });
                    }
                    _ => {}
                }
                *last = Some(item);
            }
        }
        Ok(())
    }

    fn check_capacity(&self) -> Result<(), InvariantViolation> {
        match self.params.capacity() {
            capacity if capacity > 0 && self.most_held > capacity => {
                Err(InvariantViolation::OverCapacity {
                    held: self.most_held,
                    capacity,
                })
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(producer: usize, seq: u64) -> Tag {
        Tag { producer, seq }
    }

    /// A correct trace of pc(3, 2, 2): consumer 0 took producer 0's items and consumer 1
    /// producer 1's, interleaved the way a real run might.
    fn good_trace() -> Trace {
        Trace {
            params: Params::new(3, 2, 2).unwrap(),
            computed_sum: 6,
            taken: vec![
                vec![tag(0, 0), tag(1, 0), tag(0, 1)],
                vec![tag(1, 1), tag(0, 2), tag(1, 2)],
            ],
            most_held: 2,
        }
    }

    #[test]
    fn a_correct_trace_passes() {
        assert_eq!(good_trace().check(), Ok(()));
    }

    #[test]
    fn a_wrong_sum_breaks_i1() {
        let trace = Trace {
            computed_sum: 7,
            ..good_trace()
        };
        assert_eq!(
            trace.check(),
            Err(InvariantViolation::WrongSum {
                computed: 7,
                expected: 6
            })
        );
    }

    #[test]
    fn a_loss_and_a_duplicate_that_cancel_out_break_i2_but_not_i1() {
        // 1 of producer 0 taken twice and 1 of producer 1 never: the sum is still 6.
        let trace = good_trace().with_taken(vec![
            vec![tag(0, 0), tag(1, 0), tag(0, 1)],
            vec![tag(0, 1), tag(0, 2), tag(1, 2)],
        ]);
        assert_eq!(trace.check_sum(), Ok(()));
        assert_eq!(
            trace.check(),
            Err(InvariantViolation::Duplicated {
                item: tag(0, 1),
                times: 2
            })
        );
    }

    #[test]
    fn a_lost_item_breaks_i2() {
        // Producer 1's item 0 is missing; its item 2 taken twice keeps every log full.
        let trace = good_trace().with_taken(vec![
            vec![tag(0, 0), tag(0, 1), tag(1, 1)],
            vec![tag(1, 2), tag(0, 2), tag(1, 2)],
        ]);
        assert_eq!(
            trace.check_exactly_once(),
            Err(InvariantViolation::Lost { item: tag(1, 0) })
        );
    }

    #[test]
    fn an_item_no_producer_put_breaks_i2() {
        let trace = good_trace().with_taken(vec![
            vec![tag(0, 0), tag(1, 0), tag(0, 1)],
            vec![tag(1, 1), tag(5, 2), tag(1, 2)],
        ]);
        assert_eq!(
            trace.check(),
            Err(InvariantViolation::Unknown {
                consumer: 1,
                item: tag(5, 2)
            })
        );
    }

    #[test]
    fn a_consumer_that_took_too_few_items_is_reported() {
        let trace = good_trace().with_taken(vec![vec![tag(0, 0)], vec![]]);
        assert!(matches!(
            trace.check_exactly_once(),
            Err(InvariantViolation::ShortConsumer {
                consumer: 0,
                took: 1,
                expected: 3
            })
        ));
    }

    #[test]
    fn a_reversal_within_one_producer_breaks_i3() {
        let trace = good_trace().with_taken(vec![
            vec![tag(0, 1), tag(1, 0), tag(0, 0)],
            vec![tag(1, 1), tag(0, 2), tag(1, 2)],
        ]);
        assert_eq!(
            trace.check(),
            Err(InvariantViolation::OutOfOrder {
                consumer: 0,
                earlier: tag(0, 1),
                later: tag(0, 0)
            })
        );
    }

    #[test]
    fn one_item_more_than_the_capacity_breaks_i4() {
        let trace = Trace {
            most_held: 3,
            ..good_trace()
        };
        assert_eq!(
            trace.check(),
            Err(InvariantViolation::OverCapacity {
                held: 3,
                capacity: 2
            })
        );
    }

    #[test]
    fn an_unbounded_buffer_has_no_capacity_to_break() {
        let trace = Trace {
            params: Params::new(3, 2, 0).unwrap(),
            most_held: 6,
            ..good_trace()
        };
        assert_eq!(trace.check(), Ok(()));
    }
}
