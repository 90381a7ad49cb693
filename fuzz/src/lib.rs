//! The checks behind prodcons's fuzz targets, shared with its stable tests.
//!
//! Each module is one self-contained file. The fuzz targets in `fuzz_targets/` use them through
//! this library; the main crate's tests compile the same files with `#[path]`, so `cargo test`
//! on a stable toolchain replays the checked-in corpus through exactly these checks.

pub mod pipeline_check;
pub mod queue_model;
pub mod replay;
