//! A traced run of `pc` with an arbitrary implementation and small arbitrary parameters,
//! checked on the invariants I1 to I4.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prodcons_fuzz::pipeline_check::{PipelineRun, check_pipeline};

fuzz_target!(|run: PipelineRun| check_pipeline(run));
