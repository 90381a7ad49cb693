//! An arbitrary capacity and sequence of operations, applied to a `BlockingQueue` and to an
//! `AsyncQueue` and checked against a `VecDeque` model after every step.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prodcons_fuzz::queue_model::{QueueOps, check_queue_ops};

fuzz_target!(|input: QueueOps| check_queue_ops(&input));
