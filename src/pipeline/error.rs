//! Why a pipeline run could not produce an outcome.

use std::fmt;
use std::io;

/// Which side of the pipeline a worker was on.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::Role;
///
/// assert_eq!(Role::Producer.to_string(), "producer");
/// assert_eq!(Role::Consumer.to_string(), "consumer");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Puts `0..numIters` into the buffer.
    Producer,
    /// Takes `numIters` items from the buffer and puts their sum into the results.
    Consumer,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Producer => "producer",
            Self::Consumer => "consumer",
        })
    }
}

/// Why a run failed. Every variant is reported after the run has released what it spawned.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::{Implementation, Params, PipelineError};
///
/// let error = Params::new(u64::MAX, usize::MAX, 0).unwrap_err();
/// assert!(matches!(error, PipelineError::SumOverflow { .. }));
/// assert!(Implementation::Threads.run(&Params::new(10, 2, 1).unwrap()).is_ok());
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PipelineError {
    /// The expected total `numIters * (numIters - 1) / 2 * numProdsCons` does not fit in `u128`.
    #[error(
        "the expected total sum for numIters = {num_iters} and numProdsCons = {num_prods_cons} \
         overflows a 128-bit integer"
    )]
    SumOverflow {
        /// Items each producer puts.
        num_iters: u64,
        /// Producers, and consumers.
        num_prods_cons: usize,
    },
    /// More workers than the implementation can hold in memory were asked for.
    #[error(
        "{workers} tasks were asked for, more than the limit of {limit}; \
         lower numProdsCons to at most {}",
        limit / 2
    )]
    TooManyTasks {
        /// Two per producer-consumer pair.
        workers: u128,
        /// The most tasks one run may spawn.
        limit: u128,
    },
    /// The run is certain to hold more items at once than this machine has memory for.
    #[error(transparent)]
    OutOfMemory(Box<MemoryShortfall>),
    /// A queue that allocates its slots up front was asked for more slots than is sane.
    #[error(
        "{queue} allocates every slot of a bounded channel up front, and a bound of {bound} is \
         over the limit of {limit} (the buffer is bounded by capacity, the results by \
         numProdsCons)"
    )]
    BoundTooLarge {
        /// The channel crate that would allocate the slots.
        queue: &'static str,
        /// The bound that was asked for.
        bound: usize,
        /// The largest bound allowed.
        limit: usize,
    },
    /// The OS has no room for as many threads as were asked for; nothing was started.
    #[error(
        "{requested} threads were asked for, but the OS has room for about {available} more \
         (limited by {limit}); lower numProdsCons, or run the tasks pipeline, which starts no thread per worker"
    )]
    TooManyThreads {
        /// Two per producer-consumer pair.
        requested: u128,
        /// About how many more threads the OS allows.
        available: u64,
        /// The OS setting that limits it.
        limit: &'static str,
    },
    /// The operating system refused to start a thread, usually a limit on threads or memory.
    #[error(
        "could not start {role} thread {index} of {count}: {source} \
         (the OS limits how many threads may run; lower numProdsCons, or run the tasks pipeline)"
    )]
    Spawn {
        /// The side the thread was for.
        role: Role,
        /// Its index, from 0.
        index: usize,
        /// How many threads of that side were asked for.
        count: usize,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
    /// The async runtime could not be built.
    #[error("could not start the tokio runtime: {0}")]
    Runtime(#[source] io::Error),
    /// A worker panicked; the others were released and joined.
    #[error("{role} {index} panicked: {message}")]
    WorkerPanicked {
        /// The side the worker was on.
        role: Role,
        /// Its index, from 0.
        index: usize,
        /// The panic's message, when it had one.
        message: String,
    },
    /// The result queue closed before every consumer reported; no worker panicked.
    #[error("only {received} of {expected} consumer results arrived before the results closed")]
    MissingResults {
        /// Results that arrived.
        received: usize,
        /// Results that were due, one per consumer.
        expected: usize,
    },
}

/// Turns a panic payload into the message it carried.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        (*message).to_owned()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "(a panic without a message)".to_owned()
    }
}

/// Why a run was refused for memory: what it would hold at its peak against what is available.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::{Implementation, Params, PipelineError};
///
/// // 2^60 items would be queued at once on one thread, in the assignment's order.
/// let params = Params::new(1 << 58, 4, 0).unwrap();
/// let Err(PipelineError::OutOfMemory(shortfall)) = Implementation::Tasks.run(&params) else {
///     panic!("refused before anything is allocated");
/// };
/// assert!(shortfall.needed > shortfall.available);
/// assert!(shortfall.to_string().contains("use a capacity such as 1000"));
/// ```
#[derive(Debug, thiserror::Error)]
#[error(
    "{run} on {implementation} needs about {} at its peak ({reason}), but only {} is \
     available; use a capacity such as 1000, fewer items, or the threads pipeline, whose \
     consumers drain the buffer as the producers fill it",
    super::memory::human_bytes(*needed),
    super::memory::human_bytes(*available)
)]
pub struct MemoryShortfall {
    /// The run, as `pc(N, P, C)`.
    pub run: String,
    /// The implementation's name.
    pub implementation: &'static str,
    /// Bytes the run holds at its peak.
    pub needed: u128,
    /// Bytes the kernel says are available (`MemAvailable` in `/proc/meminfo`).
    pub available: u128,
    /// Why the run holds that much.
    pub reason: &'static str,
}
