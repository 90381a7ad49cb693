//! State-machine tests of both queues: random sequences of operations, each checked after every
//! step against a `VecDeque` reference with a capacity and a closed flag.
//!
//! The operations, the model and the checks are those of the `queue_ops` fuzz target, compiled
//! from the same file. proptest draws each operation from a few bytes decoded by its `Arbitrary`
//! derive, so the list of operations lives only there, and shrinking a failure drops whole
//! operations and lowers the bytes of the rest towards the first variant and slot.

use crate::queue_model::{
    MAX_CAPACITY, Op, QueueOps, Slot, check_async, check_blocking, check_queue_ops,
};
use arbitrary::{Arbitrary, Unstructured};
use proptest::prelude::*;
use proptest::strategy::ValueTree;

/// Bytes enough for any `Op`: four choose the variant, four more its slot.
const OP_BYTES: usize = 8;

fn op() -> impl Strategy<Value = Op> {
    any::<[u8; OP_BYTES]>().prop_map(|bytes| {
        Op::arbitrary(&mut Unstructured::new(&bytes)).expect("an Op decodes from any bytes")
    })
}

fn queue_ops() -> impl Strategy<Value = QueueOps> {
    (0..=MAX_CAPACITY, proptest::collection::vec(op(), 0..48))
        .prop_map(|(capacity, ops)| QueueOps { capacity, ops })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn blocking_queue_behaves_like_the_model(input in queue_ops()) {
        check_blocking(&input);
    }

    #[test]
    fn async_queue_behaves_like_the_model(input in queue_ops()) {
        check_async(&input);
    }
}

/// The generator reaches every operation, so the properties above exercise all of them.
#[test]
fn every_operation_can_be_drawn() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = op();
    let drawn: Vec<Op> = (0..2000)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect();
    let slot = Slot::C;
    for wanted in [
        Op::TryPut,
        Op::TryGet,
        Op::Close,
        Op::PutOnce,
        Op::GetOnce,
        Op::StartPut(slot),
        Op::StartGet(slot),
        Op::Poll(slot),
        Op::Drop(slot),
    ] {
        assert!(drawn.contains(&wanted), "{wanted:?} was never drawn");
    }
}

/// Hand-written sequences for the waiting lines, so these cases are always covered. The same
/// sequences are checked in as `fuzz/corpus/queue_ops/seed-*`, as starting points for the fuzzer.
#[test]
fn waiting_lines_match_the_model_in_known_cases() {
    use Op::*;
    use Slot::*;
    // One line per case, each a capacity and its operations.
    #[rustfmt::skip]
    let cases: &[(usize, &[Op])] = &[
        // FIFO among getters; a woken getter dropped passes its wakeup on.
        (0, &[StartGet(A), StartGet(B), StartGet(C), TryPut, Drop(A), Poll(B), Poll(C)]),
        // FIFO among putters; a woken putter dropped passes its slot on.
        (1, &[TryPut, StartPut(A), StartPut(B), TryGet, Drop(A), Poll(B), TryGet, Poll(B)]),
        (1, &[TryPut, StartPut(A), StartPut(B), StartPut(C), TryGet, Drop(A), Poll(B), TryGet, Drop(C)]),
        // A woken future that lost what it was woken for to a try call waits again, at the back.
        (0, &[StartGet(A), StartGet(B), TryPut, TryGet, Poll(A), TryPut, Poll(B), Poll(A)]),
        (1, &[TryPut, StartPut(A), StartPut(B), TryGet, TryPut, Poll(A), TryGet, Poll(B), Poll(A)]),
        // Close wakes everyone; the queue still drains.
        (1, &[TryPut, StartPut(A), StartGet(B), Close, Poll(A), GetOnce, Poll(B), Close]),
        (0, &[StartGet(A), StartGet(B), StartGet(C), Close, Drop(A), Poll(B), Poll(C)]),
        // A one-shot put or get that would wait leaves no trace.
        (1, &[GetOnce, TryPut, PutOnce, StartPut(A), PutOnce, GetOnce, Poll(A)]),
        // Starting a future in a busy slot drops the one there first.
        (2, &[StartGet(A), StartGet(A), TryPut, StartPut(B), TryPut, StartPut(B), TryGet, Poll(B)]),
    ];
    for &(capacity, ops) in cases {
        let input = QueueOps {
            capacity,
            ops: ops.to_vec(),
        };
        check_queue_ops(&input);
    }
}
