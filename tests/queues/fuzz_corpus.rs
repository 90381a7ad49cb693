//! Replays the checked-in `queue_ops` fuzz corpus through the fuzz target's own check, on a
//! stable toolchain (`fuzz/src/replay.rs` says how). The `pipeline` corpus is replayed by
//! the peers crate's tests, since that target runs every implementation.

use crate::queue_model::{QueueOps, check_queue_ops};
use crate::replay::replay;

#[test]
fn the_queue_ops_corpus_passes() {
    let replayed = replay("queue_ops", |input: QueueOps| check_queue_ops(&input));
    assert!(replayed > 0, "no queue_ops input was replayed");
}
