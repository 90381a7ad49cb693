//! The linearizability check: Wing & Gong's search with Lowe's memoization.
//!
//! - J. M. Wing and C. Gong, "Testing and verifying concurrent objects", *Journal of Parallel
//!   and Distributed Computing* 17 (1993): try every operation that could take effect next
//!   (one that no unlinearized operation precedes in real time), apply it to the sequential
//!   model, and backtrack when the model's result differs from the recorded one.
//! - G. Lowe, "Testing for linearizability", *Concurrency and Computation: Practice and
//!   Experience* 29(4) (2017): remember each (set of linearized operations, model state) pair
//!   already explored, so that each is explored once. With unique values, a queue's states are
//!   few, and the cache keeps the search polynomial in practice.
//! - Horn & Kroening ("Faster linearizability checking via P-compositionality", 2015) and
//!   Porcupine (A. Athalye's Go checker, which implements that paper) partition histories by
//!   key; a single queue has one partition, so their gain does not apply here.
//!
//! The search has a budget of steps. When it runs out the verdict is
//! [`Verdict::Unknown`], never a pass.

use std::collections::HashSet;

use super::history::{Entry, History};
use super::spec::{Ret, Spec, State};

/// How many operations one history may hold: the set of linearized ones is a `u64` mask.
/// A longer history is `Unknown`, in every build (no mask is built for it).
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_lincheck::{check, Entry, History, MAX_OPERATIONS, Op, Part, Ret, Spec, Verdict};
///
/// assert_eq!(MAX_OPERATIONS, 64);
/// let entries = (0..=MAX_OPERATIONS as u32)
///     .map(|i| {
///         let at = 2 * u64::from(i);
///         Entry::new(Part::Thread(0), Op::TryPut(i), at, Some((at + 1, Ret::Ok)))
///     })
///     .collect();
/// let too_long = History::new(entries);
/// assert_eq!(check(&Spec::new(0), &too_long, 1_000_000), Verdict::Unknown { steps: 0 });
/// ```
pub const MAX_OPERATIONS: usize = 64;

/// The check's outcome.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_lincheck::{check, History, Spec, Verdict};
///
/// assert!(matches!(check(&Spec::new(0), &History::default(), 10), Verdict::Pass { .. }));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Some order explains every result. `steps` is how much of the budget it took.
    Pass {
        /// Search steps taken.
        steps: u64,
    },
    /// No order does; the [`Failure`] says how far the best one got and why it stopped.
    Fail(Failure),
    /// The budget ran out before the search could decide.
    Unknown {
        /// Search steps taken, the whole budget.
        steps: u64,
    },
}

impl Verdict {
    /// Whether it is a pass.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_lincheck::Verdict;
    ///
    /// assert!(Verdict::Pass { steps: 1 }.is_pass());
    /// assert!(!Verdict::Unknown { steps: 1 }.is_pass());
    /// ```
    pub fn is_pass(&self) -> bool {
        matches!(self, Self::Pass { .. })
    }

    /// Whether it is a failure.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_lincheck::Verdict;
    ///
    /// assert!(!Verdict::Unknown { steps: 1 }.is_fail());
    /// ```
    pub fn is_fail(&self) -> bool {
        matches!(self, Self::Fail(_))
    }
}

/// What kind of contract a failing history breaks.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_lincheck::{check, Entry, FailureKind, History, Op, Part, Spec, Verdict};
///
/// // A get that never returned although an item was there: a lost wakeup.
/// let history = History::new(vec![
///     Entry::new(Part::Init, Op::TryPut(0), 0, Some((1, prodcons_lincheck::Ret::Ok))),
///     Entry::new(Part::Thread(0), Op::Get, 2, None),
/// ]);
/// let Verdict::Fail(failure) = check(&Spec::new(0), &history, 100) else { panic!() };
/// assert_eq!(failure.kind, FailureKind::LostWakeup);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// No order of the operations explains their results.
    NotLinearizable,
    /// The results are explained, but an operation still blocked at the release could have
    /// returned in every explanation: a lost wakeup.
    LostWakeup,
}

/// Why no order explains a history: the longest order the search found, and, at its end, why
/// each remaining operation could not come next.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_lincheck::{check, Entry, History, Op, Part, Ret, Spec, Verdict};
///
/// let history = History::new(vec![Entry::new(Part::Init, Op::TryGet, 0, Some((1, Ret::Got(7))))]);
/// let Verdict::Fail(failure) = check(&Spec::new(0), &history, 100) else { panic!() };
/// assert!(failure.prefix.is_empty());
/// assert!(failure.to_string().contains("it would return Empty, not 7"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// Which contract is broken.
    pub kind: FailureKind,
    /// The longest explained prefix, as indices into the judged entries.
    pub prefix: Vec<usize>,
    /// The model's state after that prefix.
    pub state: State,
    /// For each operation that could not come next: its index, and why.
    pub reasons: Vec<(usize, String)>,
    /// The entries the indices refer to.
    pub entries: Vec<Entry>,
}

/// Judges `history` against `spec` within `budget` search steps.
///
/// Every operation that returned must take effect, in an order that respects real time
/// (one that returned before another began comes first) and that the specification explains.
/// An operation that never returned must not take effect, and the specification must say it
/// blocks once everything else is done; otherwise the verdict is a
/// [lost wakeup](FailureKind::LostWakeup). For a queue, whether an operation blocks depends
/// only on the length and on whether the queue is closed, which the returned operations fix,
/// so "blocks after some explanation" and "blocks after every explanation" agree.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_lincheck::{check, Entry, History, Op, Part, Ret, Spec};
///
/// // T1's put returned before T2's get began, yet the get found the queue empty.
/// let history = History::new(vec![
///     Entry::new(Part::Thread(0), Op::Put(1), 0, Some((1, Ret::Ok))),
///     Entry::new(Part::Thread(1), Op::TryGet, 2, Some((3, Ret::Empty))),
/// ]);
/// assert!(check(&Spec::new(0), &history, 10_000).is_fail());
/// ```
pub fn check(spec: &Spec, history: &History, budget: u64) -> Verdict {
    let judged: Vec<Judged> = history.entries().iter().map(Judged::from_entry).collect();
    search(spec, &judged, budget, history)
}

/// Runs the search on `judged`, the operations of `history`; a history too long for the
/// search's `u64` masks is [`Verdict::Unknown`], before any mask is built.
fn search(spec: &Spec, judged: &[Judged], budget: u64, history: &History) -> Verdict {
    if judged.len() > MAX_OPERATIONS {
        return Verdict::Unknown { steps: 0 };
    }
    Search::new(spec, judged, budget).run(history.entries().to_vec())
}

/// Whether `history` could still become linearizable: like [`check`], except that an
/// operation that has not returned may have taken effect (with any result) or not, as in Wing
/// & Gong's treatment of pending operations. A failure here is a safety violation whatever
/// the running operations do next; a pass says nothing about blocking.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_lincheck::{check, check_prefix, Entry, History, Op, Part, Ret, Spec};
///
/// // A get still running may already have taken the item, so the later Empty is explained.
/// let history = History::new(vec![
///     Entry::new(Part::Init, Op::TryPut(1), 0, Some((1, Ret::Ok))),
///     Entry::new(Part::Thread(0), Op::Get, 2, None),
///     Entry::new(Part::Thread(1), Op::TryGet, 3, Some((4, Ret::Empty))),
/// ]);
/// assert!(check_prefix(&Spec::new(0), &history, 10_000).is_pass());
/// assert!(check(&Spec::new(0), &history, 10_000).is_fail());
/// ```
pub fn check_prefix(spec: &Spec, history: &History, budget: u64) -> Verdict {
    let judged: Vec<Judged> = history
        .entries()
        .iter()
        .map(|entry| Judged {
            free: entry.response.is_none(),
            ..Judged::from_entry(entry)
        })
        .collect();
    search(spec, &judged, budget, history)
}

/// One operation as the search sees it.
#[derive(Clone, Copy, Debug)]
struct Judged {
    op: super::spec::Op,
    /// What it returned; `None` if it never did, and then it cannot be placed: it must block
    /// in the final state.
    ret: Option<Ret>,
    invoke: u64,
    /// `u64::MAX` for an operation that had not returned.
    response: u64,
    /// Whether it must be linearized: whether it returned.
    required: bool,
    /// For one that never returned: whether it may have taken effect anyway, with any result,
    /// or not (Wing & Gong's pending operations), rather than counting as blocked.
    free: bool,
}

impl Judged {
    fn from_entry(entry: &Entry) -> Self {
        Self {
            op: entry.op,
            ret: entry.response.map(|(_, ret)| ret),
            invoke: entry.invoke,
            response: entry.response.map_or(u64::MAX, |(at, _)| at),
            required: entry.response.is_some(),
            free: false,
        }
    }
}

/// Where an order stopped: the operations placed, the state they leave, and why each other
/// operation could not come next.
type DeadEnd = (Vec<usize>, State, Vec<(usize, String)>);

struct Search<'a> {
    spec: &'a Spec,
    ops: &'a [Judged],
    required: u64,
    budget: u64,
    steps: u64,
    seen: HashSet<(u64, State)>,
    path: Vec<usize>,
    /// The deepest dead end so far, for the report.
    best: Option<DeadEnd>,
}

impl<'a> Search<'a> {
    fn new(spec: &'a Spec, ops: &'a [Judged], budget: u64) -> Self {
        let required = ops
            .iter()
            .enumerate()
            .filter(|(_, op)| op.required)
            .fold(0, |mask, (index, _)| mask | 1 << index);
        Self {
            spec,
            ops,
            required,
            budget,
            steps: 0,
            seen: HashSet::new(),
            path: Vec::new(),
            best: None,
        }
    }

    /// Runs the search; [`search`] has checked that the masks can hold every operation.
    fn run(mut self, entries: Vec<Entry>) -> Verdict {
        match self.explore(0, self.spec.initial()) {
            None => Verdict::Unknown { steps: self.steps },
            Some(true) => Verdict::Pass { steps: self.steps },
            Some(false) => {
                let (prefix, state, reasons) = self.best.unwrap_or_default();
                let placed = prefix.iter().fold(0u64, |mask, index| mask | 1 << index);
                // Every required operation placed, and still no explanation: only the blocked
                // ones are left to blame.
                let kind = if placed & self.required == self.required {
                    FailureKind::LostWakeup
                } else {
                    FailureKind::NotLinearizable
                };
                Verdict::Fail(Failure {
                    kind,
                    prefix,
                    state,
                    reasons,
                    entries,
                })
            }
        }
    }

    /// Whether the operations outside `done` can be ordered after it; `None` if out of budget.
    fn explore(&mut self, done: u64, state: State) -> Option<bool> {
        if done & self.required == self.required
            && self.spec.is_settled(&state)
            && self.left_blocked(done, &state)
        {
            return Some(true);
        }
        if !self.seen.insert((done, state.clone())) {
            return Some(false);
        }
        self.steps += 1;
        if self.steps > self.budget {
            return None;
        }
        // An operation can come next only if it was invoked before every operation still to
        // be placed had returned: otherwise one of those precedes it in real time.
        let mut horizon = (0..self.ops.len())
            .filter(|&index| done & 1 << index == 0 && self.ops[index].required)
            .map(|index| self.ops[index].response)
            .min()
            .unwrap_or(u64::MAX);
        // On a rendezvous, a put whose item waits was the last step placed, and its get takes
        // effect at the same point: so it too must have begun before the put returned. (The
        // waiting item names that put, so the memo key still fixes the horizon.)
        if let Some(put) = self.waiting_put(&state) {
            horizon = horizon.min(self.ops[put].response);
        }
        let mut reasons = Vec::new();
        for index in 0..self.ops.len() {
            let op = self.ops[index];
            if done & 1 << index != 0 || (op.ret.is_none() && !op.free) {
                continue;
            }
            if op.invoke > horizon {
                reasons.push((
                    index,
                    "an operation that returned before it began is still unplaced".to_owned(),
                ));
                continue;
            }
            let mut next = state.clone();
            // A cancelled operation that says so is a no-op placed here, not a step.
            let stepped = if op.ret == Some(Ret::Cancelled) && op.op.is_cancelled() {
                Some(Ret::Cancelled)
            } else {
                self.spec.step_as(&mut next, op.op, op.ret)
            };
            match stepped {
                None => reasons.push((index, format!("it would block on {state}"))),
                Some(ret) if !op.free && op.ret != Some(ret) => reasons.push((
                    index,
                    format!(
                        "on {state} it would return {ret}, not {}",
                        op.ret.unwrap_or(ret)
                    ),
                )),
                Some(_) => {
                    self.path.push(index);
                    let found = self.explore(done | 1 << index, next);
                    self.path.pop();
                    if found != Some(false) {
                        return found;
                    }
                }
            }
        }
        if let Some(put) = self.waiting_put(&state) {
            reasons.push((
                put,
                "on a rendezvous its item must be taken by a get at the same point, and no get \
                 can take it here"
                    .to_owned(),
            ));
        } else if done & self.required == self.required {
            let together = self.left_blocked(done, &state);
            for index in 0..self.ops.len() {
                let op = self.ops[index];
                let stuck = done & 1 << index == 0 && !op.required && !op.free;
                if stuck && !self.spec.blocks(&state, op.op) {
                    reasons.push((
                        index,
                        format!(
                            "it is still blocked, yet on {state} it must not block: a lost wakeup"
                        ),
                    ));
                } else if stuck && !together {
                    reasons.push((
                        index,
                        "it is still blocked, and so is an operation it must meet on this open \
                         rendezvous: a lost wakeup"
                            .to_owned(),
                    ));
                }
            }
        }
        let deeper = self
            .best
            .as_ref()
            .is_none_or(|(prefix, _, _)| prefix.len() < self.path.len());
        if deeper {
            self.best = Some((self.path.clone(), state, reasons));
        }
        Some(false)
    }

    /// On a rendezvous whose put still holds its item in `state`, that put: the last operation
    /// placed as a step. A cancelled operation placed since as a no-op is no step, and must not
    /// stand in for it (its later return would let the get begin after the put returned).
    fn waiting_put(&self, state: &State) -> Option<usize> {
        if self.spec.is_settled(state) {
            return None;
        }
        self.path.iter().rev().copied().find(|&index| {
            let op = self.ops[index];
            !(op.ret == Some(Ret::Cancelled) && op.op.is_cancelled())
        })
    }

    /// Whether every unplaced, unrequired operation must block in `state`, together (on a
    /// rendezvous, a waiting put and a waiting get would meet).
    fn left_blocked(&self, done: u64, state: &State) -> bool {
        let waiting = (0..self.ops.len())
            .filter(|&index| {
                done & 1 << index == 0 && !self.ops[index].required && !self.ops[index].free
            })
            .map(|index| self.ops[index].op);
        self.spec.all_block(state, waiting)
    }
}
