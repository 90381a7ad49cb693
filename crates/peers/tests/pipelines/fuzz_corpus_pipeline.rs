//! Replays the checked-in `pipeline` fuzz corpus through the fuzz target's own check, on a
//! stable toolchain (`fuzz/src/replay.rs` says how): every implementation, ours and the peers.

use crate::pipeline_check::{PipelineRun, check_pipeline};
use crate::replay::replay;

#[test]
fn the_pipeline_corpus_passes() {
    let replayed = replay("pipeline", |run: PipelineRun| check_pipeline(run));
    assert!(replayed > 0, "no pipeline input was replayed");
}
