//! `prodcons bench`: a timing harness that answers the assignment's questions with numbers
//! from the machine it runs on.
//!
//! A [`Sweep`] runs every [`Contender`] (our implementations, the peers, the floors and the
//! Python references) on every cell of `numProdsCons × capacity`, interleaved so that all face
//! the same noise, and checks every run's sum. Its [`SweepResults`] become an aligned table
//! ([`render_table`]) and, through [`Outputs`], JSON and CSV [`Record`]s, SVG plots and the
//! Markdown report with its answers to the assignment's three questions. [`measure_per_op`]
//! isolates what one uncontended put+get pair costs, in Rust and in CPython. [`check_claims`]
//! then holds the hand-written answers to the data: every number they state is a claim,
//! re-derived from the records, that fails by name when the data stop supporting it.
//!
//! Not part of a loom build: a loom build's queues only run inside `loom::model`, and the
//! harness times real runs. [`Sweep`] shows a whole sweep in a few lines.

// The crate's examples sit on its items, not here: rustdoc reads these lines even in a loom
// build, which leaves the crate and its dependencies out.
#![cfg(not(loom))]

mod child;
mod claims;
mod contender;
mod cores;
mod error;
mod export;
mod floors;
mod load;
mod machine;
mod mechanism;
mod outputs;
mod per_op;
mod plots;
mod progress;
mod python;
mod report;
mod stats;
mod studies;
mod sweep;
mod table;
mod timelines;
mod trace;
mod variant;

pub use claims::{ClaimOutcome, ClaimsReport, Stated, Tolerance, check_claims, check_claims_in};
pub use contender::{Contender, Floor, PythonRef, UnknownContender};
pub use cores::{Cores, Pinned};
pub use error::BenchError;
pub use export::Record;
pub use load::MAX_LOAD;
pub use machine::Machine;
pub use mechanism::{Mechanism, counts_line};
pub use outputs::Outputs;
pub use per_op::{PerOp, measure_per_op};
pub use python::{python3_available, trace_python};
pub use report::{ReportContext, revision};
pub use stats::Summary;
pub use studies::Studies;
pub use sweep::{Measured, Row, Sweep, SweepResults};
pub use table::render_table;
pub use timelines::{TIMELINE_FIGURES, write_timelines};
pub use trace::{
    TraceInfo, check_trace_path, remove_empty_trace, trace_size_bound, track_id, write_trace,
};
pub use variant::Variant;
