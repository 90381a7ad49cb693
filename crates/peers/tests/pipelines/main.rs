//! Every implementation, ours and the peers: `pc`'s pipelines, the `pipeline` fuzz corpus, and
//! the peers' shipped bugs under the linearizability checker. One test binary, one module per
//! former test file; `worker_release` is a binary of its own (its doc comment says why).
//!
//! The peers are not built for loom (the crate is empty in a `--cfg loom` build, see
//! Cargo.toml), so each module is compiled only without `--cfg loom`.

#[cfg(not(loom))]
mod consumer_panics;
#[cfg(not(loom))]
mod fuzz_corpus_pipeline;
#[cfg(not(loom))]
mod lincheck_peers;
#[cfg(not(loom))]
mod lincheck_shipped;
#[cfg(not(loom))]
mod pipelines;

// Helpers: the fuzz crate's own files, and the root package's watchdog, each kept in one copy.
#[cfg(not(loom))]
#[path = "../../../../fuzz/src/pipeline_check.rs"]
mod pipeline_check;
#[cfg(not(loom))]
#[path = "../../../../fuzz/src/replay.rs"]
mod replay;
#[cfg(not(loom))]
#[path = "../../../../tests/queues/watchdog.rs"]
mod watchdog;
