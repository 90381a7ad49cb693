//! The linearizability checker on hand-written histories: four that break linearizability
//! while passing I1–I3 (sum, exactly once, per-producer FIFO), linearizable ones that look
//! suspicious, blocked operations, and the budget.

use std::collections::{BTreeMap, HashSet};

use prodcons_lincheck::{
    Entry, FailureKind, History, Op, Part, Ret, Scenario, Spec, Verdict, check, check_prefix,
    report,
};

const BUDGET: u64 = 100_000;

/// `(part, op, invoked, returned, result)`, stamps by the shared clock.
fn history(entries: &[(Part, Op, u64, u64, Ret)]) -> History {
    History::new(
        entries
            .iter()
            .map(|&(part, op, invoke, response, ret)| {
                Entry::new(part, op, invoke, Some((response, ret)))
            })
            .collect(),
    )
}

/// I1–I3 as the pipeline checks them, on a history: the gets took exactly the items whose
/// puts succeeded (so the sums agree), each once, and each producer's items in the order it
/// put them. The histories below pass this, to show what only linearizability catches.
fn passes_i1_to_i3(history: &History) {
    let mut entries = history.entries().to_vec();
    entries.sort_by_key(|entry| entry.invoke);
    let mut put = HashSet::new();
    let mut by_producer: BTreeMap<Part, Vec<u32>> = BTreeMap::new();
    let mut taken = Vec::new();
    for entry in &entries {
        match (entry.op, entry.response) {
            (Op::Put(value) | Op::TryPut(value), Some((_, Ret::Ok))) => {
                put.insert(value);
                by_producer.entry(entry.part).or_default().push(value);
            }
            (Op::Get | Op::TryGet, Some((_, Ret::Got(value)))) => taken.push(value),
            _ => {}
        }
    }
    let sum_put: u64 = put.iter().map(|&value| u64::from(value)).sum();
    let sum_taken: u64 = taken.iter().map(|&value| u64::from(value)).sum();
    assert_eq!(sum_put, sum_taken, "I1: sums");
    assert_eq!(
        taken.iter().collect::<HashSet<_>>().len(),
        taken.len(),
        "I2: twice"
    );
    assert_eq!(taken.len(), put.len(), "I2: exactly once");
    for items in by_producer.values() {
        let order: Vec<u32> = taken
            .iter()
            .copied()
            .filter(|value| items.contains(value))
            .collect();
        assert_eq!(&order, items, "I3: per-producer FIFO");
    }
}

fn assert_not_linearizable(spec: Spec, history: &History) -> String {
    passes_i1_to_i3(history);
    match check(&spec, history, BUDGET) {
        Verdict::Fail(failure) => {
            assert_eq!(failure.kind, FailureKind::NotLinearizable);
            let scenario = Scenario::new(spec.capacity(), vec![], vec![], vec![]);
            report(&scenario, history, &failure)
        }
        other => panic!("expected a failure, got {other:?} for\n{history}"),
    }
}

fn assert_linearizable(spec: Spec, history: &History) {
    let verdict = check(&spec, history, BUDGET);
    assert!(
        verdict.is_pass(),
        "expected a pass, got {verdict:?} for\n{history}"
    );
}

use Part::{Init, Post, Thread};

#[test]
fn an_item_overtakes_one_put_before_its_put_began() {
    let history = history(&[
        (Thread(0), Op::Put(100), 0, 1, Ret::Ok),
        (Thread(1), Op::Put(200), 2, 3, Ret::Ok),
        (Thread(2), Op::Get, 4, 5, Ret::Got(200)),
        (Thread(2), Op::Get, 6, 7, Ret::Got(100)),
    ]);
    let text = assert_not_linearizable(Spec::new(0), &history);
    assert!(text.contains("it would return 100, not 200"), "{text}");
}

#[test]
fn try_get_reports_empty_while_an_item_sat_in_the_queue() {
    let history = history(&[
        (Init, Op::TryPut(0), 0, 1, Ret::Ok),
        (Thread(0), Op::TryGet, 2, 3, Ret::Empty),
        (Post, Op::TryGet, 4, 5, Ret::Got(0)),
    ]);
    let text = assert_not_linearizable(Spec::new(2), &history);
    assert!(text.contains("not Empty"), "{text}");
}

#[test]
fn try_put_reports_full_on_a_queue_that_is_not_full() {
    let history = history(&[
        (Thread(0), Op::TryPut(100), 0, 1, Ret::Ok),
        (Thread(0), Op::TryPut(101), 2, 3, Ret::Full),
        (Post, Op::TryGet, 4, 5, Ret::Got(100)),
        (Post, Op::TryGet, 6, 7, Ret::Empty),
    ]);
    let text = assert_not_linearizable(Spec::new(2), &history);
    assert!(text.contains("it would return Ok, not Full"), "{text}");
}

#[test]
fn closed_is_reported_before_close_started() {
    let history = history(&[
        (Thread(0), Op::TryPut(100), 0, 1, Ret::Closed),
        (Thread(1), Op::Close, 2, 3, Ret::Ok),
        (Post, Op::TryGet, 4, 5, Ret::Closed),
    ]);
    assert_not_linearizable(Spec::new(0), &history);
}

#[test]
fn overlapping_puts_may_be_taken_in_either_order() {
    for (first, second) in [(100, 200), (200, 100)] {
        let history = history(&[
            (Thread(0), Op::Put(100), 0, 3, Ret::Ok),
            (Thread(1), Op::Put(200), 1, 2, Ret::Ok),
            (Post, Op::Get, 4, 5, Ret::Got(first)),
            (Post, Op::Get, 6, 7, Ret::Got(second)),
        ]);
        assert_linearizable(Spec::new(0), &history);
    }
}

#[test]
fn a_get_may_return_an_item_whose_put_has_not_returned_yet() {
    let history = history(&[
        (Thread(0), Op::Put(100), 0, 5, Ret::Ok),
        (Thread(1), Op::Get, 1, 2, Ret::Got(100)),
    ]);
    assert_linearizable(Spec::new(1), &history);
}

#[test]
fn try_get_may_say_empty_or_take_an_overlapping_put() {
    for (seen, after) in [(Ret::Empty, Ret::Got(100)), (Ret::Got(100), Ret::Empty)] {
        let history = history(&[
            (Thread(0), Op::TryPut(100), 0, 3, Ret::Ok),
            (Thread(1), Op::TryGet, 1, 2, seen),
            (Post, Op::TryGet, 4, 5, after),
        ]);
        assert_linearizable(Spec::new(0), &history);
    }
}

#[test]
fn closed_may_be_reported_by_a_put_overlapping_close() {
    let history = history(&[
        (Thread(0), Op::Put(100), 1, 3, Ret::Closed),
        (Thread(1), Op::Close, 0, 2, Ret::Ok),
        (Thread(1), Op::Len, 4, 5, Ret::Len(0)),
    ]);
    assert_linearizable(Spec::new(0), &history);
}

#[test]
fn a_get_may_stay_blocked_on_an_empty_queue_but_not_on_a_full_one() {
    let put = Entry::new(Thread(0), Op::Put(100), 0, Some((1, Ret::Ok)));
    let taken = Entry::new(Thread(0), Op::TryGet, 2, Some((3, Ret::Got(100))));
    let blocked = Entry::new(Thread(1), Op::Get, 0, None);
    assert!(
        check(
            &Spec::new(0),
            &History::new(vec![put, taken, blocked]),
            BUDGET
        )
        .is_pass()
    );
    match check(&Spec::new(0), &History::new(vec![put, blocked]), BUDGET) {
        Verdict::Fail(failure) => {
            assert_eq!(failure.kind, FailureKind::LostWakeup);
            assert!(failure.to_string().contains("lost wakeup"), "{failure}");
        }
        other => panic!("expected a lost wakeup, got {other:?}"),
    }
}

#[test]
fn an_exhausted_budget_is_unknown_never_a_pass() {
    let mut entries = Vec::new();
    for thread in 0..4u32 {
        for index in 0..5u32 {
            let value = 100 * (thread + 1) + index;
            entries.push(Entry::new(
                Thread(thread as usize),
                Op::Put(value),
                0,
                Some((99, Ret::Ok)),
            ));
        }
    }
    let history = History::new(entries);
    assert!(matches!(
        check(&Spec::new(0), &history, 3),
        Verdict::Unknown { steps: 4 }
    ));
    assert!(check(&Spec::new(0), &history, BUDGET).is_pass());
}

/// Cancelled operations: one that says `Cancelled` is a no-op, placed anywhere; one that
/// completed is the plain operation.
#[test]
fn a_cancelled_get_and_put_that_had_no_effect_are_linearizable() {
    let history = history(&[
        (Thread(0), Op::Put(100), 0, 1, Ret::Ok),
        (Thread(1), Op::CancelledGet, 2, 5, Ret::Cancelled),
        (Thread(2), Op::CancelledPut(300), 3, 4, Ret::Cancelled),
        (Thread(2), Op::CancelledGet, 6, 7, Ret::Got(100)),
        (Post, Op::TryGet, 8, 9, Ret::Empty),
    ]);
    assert_linearizable(Spec::new(0), &history);
}

#[test]
fn a_cancelled_get_whose_item_vanished_is_not_linearizable() {
    let history = history(&[
        (Init, Op::TryPut(0), 0, 1, Ret::Ok),
        (Thread(0), Op::CancelledGet, 2, 3, Ret::Cancelled),
        (Thread(1), Op::Len, 2, 4, Ret::Len(1)),
        (Post, Op::TryGet, 5, 6, Ret::Empty),
    ]);
    let Verdict::Fail(failure) = check(&Spec::new(0), &history, BUDGET) else {
        panic!("a cancelled get lost an item, yet the history passed:\n{history}");
    };
    assert_eq!(failure.kind, FailureKind::NotLinearizable);
    let scenario = Scenario::new(
        0,
        vec![Op::TryPut(0)],
        vec![vec![Op::CancelledGet], vec![Op::Len]],
        vec![Op::TryGet],
    );
    let text = report(&scenario, &history, &failure);
    assert!(text.contains("| cancelled_get()"), "{text}");
    assert!(text.contains("cancelled_get() -> Cancelled"), "{text}");
    assert!(text.contains("it would return 0, not Empty"), "{text}");
}

#[test]
fn a_cancelled_put_whose_item_appeared_is_not_linearizable() {
    let history = history(&[
        (Thread(0), Op::CancelledPut(100), 0, 1, Ret::Cancelled),
        (Thread(1), Op::TryGet, 2, 3, Ret::Got(100)),
    ]);
    assert!(
        check(&Spec::new(0), &history, BUDGET).is_fail(),
        "{history}"
    );
}

#[test]
fn only_a_cancelled_operation_may_say_cancelled() {
    let history = history(&[(Thread(0), Op::Get, 0, 1, Ret::Cancelled)]);
    assert!(
        check(&Spec::new(0), &history, BUDGET).is_fail(),
        "{history}"
    );
}

/// A rendezvous (`RENDEZVOUS`): a put and a get that overlap meet at one point; a put that
/// returned before its get began did not; a `try_put` that succeeded with no get waiting did
/// not either; and a put and a get both left blocked should have met: a lost wakeup.
#[test]
fn a_rendezvous_put_completes_only_together_with_a_get() {
    use Part::Thread;
    let spec = Spec::new(prodcons_lincheck::RENDEZVOUS);
    let met = history(&[
        (Thread(0), Op::Put(100), 0, 3, Ret::Ok),
        (Thread(1), Op::Get, 1, 2, Ret::Got(100)),
        (Thread(1), Op::TryGet, 4, 5, Ret::Empty),
    ]);
    assert!(check(&spec, &met, BUDGET).is_pass());
    assert!(
        check(&Spec::new(1), &met, BUDGET).is_pass(),
        "a buffer explains it too"
    );

    let apart = history(&[
        (Thread(0), Op::Put(100), 0, 1, Ret::Ok),
        (Thread(1), Op::Get, 2, 3, Ret::Got(100)),
    ]);
    assert!(check(&spec, &apart, BUDGET).is_fail(), "no common point");
    assert!(check(&Spec::new(1), &apart, BUDGET).is_pass());

    let alone = history(&[
        (Thread(0), Op::TryPut(100), 0, 1, Ret::Ok),
        (Thread(1), Op::TryGet, 2, 3, Ret::Got(100)),
    ]);
    assert!(check(&spec, &alone, BUDGET).is_fail(), "no get was waiting");
    let paired = history(&[
        (Thread(0), Op::TryPut(100), 1, 2, Ret::Ok),
        (Thread(1), Op::Get, 0, 3, Ret::Got(100)),
        (Thread(2), Op::TryPut(300), 4, 5, Ret::Full),
    ]);
    assert!(
        check(&spec, &paired, BUDGET).is_pass(),
        "a waiting get met it"
    );

    let both_stuck = History::new(vec![
        Entry::new(Thread(0), Op::Put(100), 0, None),
        Entry::new(Thread(1), Op::Get, 1, None),
    ]);
    let Verdict::Fail(failure) = check(&spec, &both_stuck, BUDGET) else {
        panic!("a put and a get both blocked on a rendezvous");
    };
    assert_eq!(failure.kind, FailureKind::LostWakeup);
    let two_puts = History::new(vec![
        Entry::new(Thread(0), Op::Put(100), 0, None),
        Entry::new(Thread(1), Op::Put(200), 1, None),
    ]);
    assert!(check(&spec, &two_puts, BUDGET).is_pass(), "puts alone wait");

    // A cancelled put that returned later is no step: placed between the put and the get, it
    // must not let the get begin after the put returned (a checker bug the brute-force
    // comparison found on 6 December).
    let apart_around_a_no_op = history(&[
        (Thread(0), Op::Put(100), 0, 1, Ret::Ok),
        (Thread(1), Op::CancelledPut(200), 0, 2, Ret::Cancelled),
        (Thread(2), Op::TryGet, 2, 3, Ret::Got(100)),
    ]);
    assert!(
        check(&spec, &apart_around_a_no_op, BUDGET).is_fail(),
        "no common point"
    );
    assert!(check_prefix(&spec, &apart_around_a_no_op, BUDGET).is_fail());
}
