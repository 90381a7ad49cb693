//! The checker against brute force: on thousands of small generated histories (up to 8
//! operations, capacities 0 to 2 and the rendezvous, the closing and the discarding
//! specification, the drops of the last sender and receiver, pending and cancelled operations
//! among them), `check` and `check_prefix` must give the verdict that trying every order
//! gives, and must never be `Unknown` with a budget far larger than any of these searches
//! needs.
//!
//! The oracle below shares nothing with the checker but the specification's steps (`step_as`,
//! `blocks`, `all_block`, `is_settled`): no memoization, no masks, no dead-end bookkeeping,
//! just every order of the operations that real time allows. On a rendezvous a put and the get
//! that takes its item share one point, so that get comes next in the order and must have
//! begun before the put returned. Half the histories are made linearizable by construction
//! and then, half the time, one result is changed, so both verdicts are common.

use prodcons_lincheck::{
    Entry, FailureKind, History, Op, Part, RENDEZVOUS, Ret, Spec, Verdict, check, check_prefix,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// More search steps than 8 operations can ever take: any `Unknown` is a checker bug.
const BUDGET: u64 = 10_000_000;

/// How many histories each property judges.
const CASES: u32 = 4000;

/// Whether some order of `entries` explains them, as `check` (`prefix: false`) or
/// `check_prefix` (`prefix: true`) defines it, found by trying every order real time allows.
/// With `prefix: false` it also says whether the completed operations alone could be
/// explained, which tells a lost wakeup from a history that is not linearizable.
fn brute_force(spec: &Spec, entries: &[Entry], prefix: bool) -> (bool, bool) {
    let mut placed = vec![false; entries.len()];
    let mut explained_completed = false;
    let found = extend(
        spec,
        entries,
        prefix,
        &mut placed,
        &spec.initial(),
        None,
        &mut explained_completed,
    );
    (found, explained_completed)
}

fn extend(
    spec: &Spec,
    entries: &[Entry],
    prefix: bool,
    placed: &mut [bool],
    state: &prodcons_lincheck::State,
    holder: Option<usize>,
    explained_completed: &mut bool,
) -> bool {
    let completed_all = entries
        .iter()
        .zip(placed.iter())
        .all(|(entry, &placed)| placed || entry.response.is_none());
    if completed_all {
        *explained_completed = true;
        // The operations that never returned must be blocked, together, where the others left
        // the queue, unless it is a prefix check, where they may yet return; and no put's item
        // may be left waiting for its get on a rendezvous.
        let waiting = entries
            .iter()
            .zip(placed.iter())
            .filter(|(entry, placed)| entry.response.is_none() && !**placed)
            .map(|(entry, _)| entry.op);
        if spec.is_settled(state) && (prefix || spec.all_block(state, waiting)) {
            return true;
        }
    }
    // On a rendezvous whose last placed put still holds its item, the get that takes it
    // shares the put's point: it must have begun before the put returned.
    let meeting = holder.and_then(|put| entries[put].response.map(|(at, _)| at));
    for next in 0..entries.len() {
        if placed[next] {
            continue;
        }
        let entry = entries[next];
        // Only a prefix check may place an operation that never returned.
        if entry.response.is_none() && !prefix {
            continue;
        }
        // Real time: every operation that returned before this one began comes first.
        let waits_for_another = entries
            .iter()
            .zip(placed.iter())
            .any(|(other, &done)| !done && other.response.is_some_and(|(at, _)| at < entry.invoke));
        if waits_for_another || meeting.is_some_and(|put_returned| entry.invoke > put_returned) {
            continue;
        }
        let mut after = state.clone();
        let fits = match entry.response {
            Some((_, Ret::Cancelled)) if entry.op.is_cancelled() => true,
            Some((_, ret)) => spec.step_as(&mut after, entry.op, Some(ret)) == Some(ret),
            None => spec.step(&mut after, entry.op).is_some(),
        };
        if fits {
            // The put whose item now waits for its get: this one if it just left its item, the
            // same as before if this was a cancelled no-op in between.
            let holder = match (spec.is_settled(state), spec.is_settled(&after)) {
                (_, true) => None,
                (true, false) => Some(next),
                (false, false) => holder,
            };
            placed[next] = true;
            let found = extend(
                spec,
                entries,
                prefix,
                placed,
                &after,
                holder,
                explained_completed,
            );
            placed[next] = false;
            if found {
                return true;
            }
        }
    }
    false
}

/// One operation of a generated history, before its times are chosen.
#[derive(Clone, Copy, Debug)]
struct Planned {
    op: Op,
    /// How far before and after its linearization point it began and returned.
    before: u64,
    after: u64,
    /// Whether it never returns (a `put` or `get` that had to block, and sometimes others).
    pending: bool,
    /// On a rendezvous, whether a `try_put` meets a get (`Ok`) rather than finding none
    /// (`Full`); a get must then come to take its item.
    meets: bool,
}

/// Operations with distinct values, so that a `Got` names the put it came from.
fn any_op(value: u32) -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => Just(Op::Put(value)),
        3 => Just(Op::Get),
        2 => Just(Op::TryPut(value)),
        2 => Just(Op::TryGet),
        1 => Just(Op::Close),
        1 => Just(Op::Len),
        1 => Just(Op::CancelledGet),
        1 => Just(Op::CancelledPut(value)),
        1 => Just(Op::DropSender),
        1 => Just(Op::DropReceiver),
    ]
}

fn any_ret() -> impl Strategy<Value = Ret> {
    prop_oneof![
        Just(Ret::Ok),
        (0..8u32).prop_map(Ret::Got),
        Just(Ret::Full),
        Just(Ret::Empty),
        Just(Ret::Closed),
        (0..4usize).prop_map(Ret::Len),
        Just(Ret::Cancelled),
    ]
}

/// A history made by running the operations one by one on the specification in a random
/// order, giving each an interval around its turn, and then, half the time, changing one
/// result or the time of one operation, which may or may not leave it linearizable.
fn histories() -> impl Strategy<Value = (Spec, History)> {
    let ops = (1..=8usize).prop_flat_map(|count| {
        (0..count as u32)
            .map(|value| {
                (
                    any_op(value),
                    0..25u64,
                    0..25u64,
                    prop::bool::weighted(0.1),
                    any::<bool>(),
                )
                    .prop_map(|(op, before, after, pending, meets)| Planned {
                        op,
                        before,
                        after,
                        pending,
                        meets,
                    })
            })
            .collect::<Vec<_>>()
    });
    let spec = (
        prop_oneof![3 => 0..=2usize, 1 => Just(RENDEZVOUS)],
        prop::bool::weighted(0.25),
    )
        .prop_map(|(capacity, discards)| {
            let spec = Spec::new(capacity);
            if discards {
                spec.discarding_on_close()
            } else {
                spec
            }
        });
    (
        spec,
        ops,
        any::<bool>(),
        any::<prop::sample::Index>(),
        any_ret(),
        0..120u64,
    )
        .prop_map(|(spec, planned, tamper, which, ret, shift)| {
            let mut state = spec.initial();
            let mut entries = Vec::new();
            for (turn, plan) in planned.iter().enumerate() {
                // Turns are 10 ticks apart and an interval reaches up to 24 ticks either side
                // of its turn, so it may overlap up to two turns on each side.
                let point = 30 + 10 * turn as u64;
                let invoke = point - plan.before;
                let mut after = state.clone();
                let recorded = plan.meets.then_some(Ret::Ok);
                let response = match spec.step_as(&mut after, plan.op, recorded) {
                    // Blocked at its turn: it never returns and never takes effect.
                    None => None,
                    Some(_) if plan.pending && !plan.op.is_cancelled() => {
                        // A pending operation that had not taken effect yet.
                        None
                    }
                    Some(ret) => {
                        state = after;
                        Some((point + plan.after, ret))
                    }
                };
                let response = match (plan.op.is_cancelled(), response) {
                    // A cancelled operation that was blocked returns Cancelled, as the driver
                    // records it, and took no effect.
                    (true, None) => Some((point + plan.after, Ret::Cancelled)),
                    (_, response) => response,
                };
                entries.push(Entry::new(
                    Part::Thread(turn % 3),
                    plan.op,
                    invoke,
                    response,
                ));
            }
            if tamper {
                let index = which.index(entries.len());
                let entry = &mut entries[index];
                match entry.response {
                    Some((at, _)) if shift % 2 == 0 => entry.response = Some((at, ret)),
                    Some((at, old)) => {
                        // Move the whole interval, keeping its length.
                        let length = at - entry.invoke;
                        entry.invoke = shift;
                        entry.response = Some((shift + length, old));
                    }
                    None => entry.response = Some((entry.invoke + 1, ret)),
                }
            }
            (spec, History::new(entries))
        })
}

/// Runs `property` on `CASES` generated histories and returns how many passed the oracle.
/// How many histories the oracle found linearizable and not: `[queue, rendezvous]`, each
/// `(passes, fails)`.
type Counts = [(u32, u32); 2];

fn judge_all(property: impl Fn(&Spec, &History) -> Result<bool, TestCaseError>) -> Counts {
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    });
    let counts = std::cell::Cell::new([(0, 0); 2]);
    let result = runner.run(&histories(), |(spec, history)| {
        let linearizable = property(&spec, &history)?;
        let mut all = counts.get();
        let (passes, fails) = &mut all[usize::from(spec.is_rendezvous())];
        *if linearizable { passes } else { fails } += 1;
        counts.set(all);
        Ok(())
    });
    if let Err(error) = result {
        panic!("{error}");
    }
    counts.get()
}

/// Both verdicts must be common, on queues and on rendezvous (a quarter of the histories), or
/// the comparison says little about one of them.
fn assert_both_common([queue, rendezvous]: Counts) {
    for ((passes, fails), least, what) in [
        (queue, CASES / 10, "queue"),
        (rendezvous, CASES / 40, "rendezvous"),
    ] {
        assert!(
            passes >= least && fails >= least,
            "{what}: {passes} linearizable and {fails} not, of {CASES}: too few of one kind to \
             compare"
        );
    }
    println!("queue {queue:?}, rendezvous {rendezvous:?} (linearizable, not)");
}

#[test]
fn check_agrees_with_trying_every_order() {
    let counts = judge_all(|spec, history| {
        let (linearizable, explained_completed) = brute_force(spec, history.entries(), false);
        match check(spec, history, BUDGET) {
            Verdict::Pass { .. } => prop_assert!(linearizable, "check passed {history:?}"),
            Verdict::Fail(failure) => {
                prop_assert!(!linearizable, "check failed {history:?}: {failure}");
                let kind = if explained_completed {
                    FailureKind::LostWakeup
                } else {
                    FailureKind::NotLinearizable
                };
                prop_assert_eq!(failure.kind, kind, "{:?}", history);
            }
            Verdict::Unknown { steps } => {
                prop_assert!(false, "unknown after {steps} steps: {history:?}")
            }
        }
        Ok(linearizable)
    });
    assert_both_common(counts);
}

#[test]
fn check_prefix_agrees_with_trying_every_order() {
    let counts = judge_all(|spec, history| {
        let (linearizable, _) = brute_force(spec, history.entries(), true);
        match check_prefix(spec, history, BUDGET) {
            Verdict::Pass { .. } => prop_assert!(linearizable, "passed {history:?}"),
            Verdict::Fail(failure) => prop_assert!(!linearizable, "failed {history:?}: {failure}"),
            Verdict::Unknown { steps } => {
                prop_assert!(false, "unknown after {steps} steps: {history:?}")
            }
        }
        Ok(linearizable)
    });
    assert_both_common(counts);
}

/// `check_prefix` only relaxes `check`: whatever `check` explains, it explains too.
#[test]
fn a_history_check_passes_passes_check_prefix_too() {
    judge_all(|spec, history| {
        let full = check(spec, history, BUDGET).is_pass();
        let prefix = check_prefix(spec, history, BUDGET).is_pass();
        prop_assert!(!full || prefix, "{history:?}");
        Ok(full)
    });
}
