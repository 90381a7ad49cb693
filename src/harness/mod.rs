//! `prodcons bench`: a timing harness that answers the assignment's questions with numbers
//! from the machine it runs on.
//!
//! A [`Sweep`] runs every [`Contender`] (our implementations, the peers, the floors and the
//! Python references) on every cell of `numProdsCons × capacity`, interleaved so that all face
//! the same noise, and checks every run's sum. Its [`SweepResults`] become an aligned table
//! ([`render_table`]) and, through [`Outputs`], JSON and CSV [`Record`]s, SVG plots and the
//! Markdown report with its answers to the assignment's three questions.
//!
//! ```
//! # if prodcons::BUILT_WITH_LOOM { return Ok(()); }
//! use prodcons::harness::{Sweep, render_table};
//!
//! let sweep = Sweep {
//!     prods_cons: vec![4],
//!     capacities: vec![1],
//!     contenders: vec!["threads".parse()?, "tasks".parse()?],
//!     ..Sweep::quick()
//! };
//! let results = sweep.run()?;
//! let table = render_table(&results, Some("threads".parse()?));
//! assert!(table.contains("tasks"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod child;
mod contender;
mod cores;
mod error;
mod export;
mod floors;
mod machine;
mod mechanism;
mod outputs;
mod plots;
mod progress;
mod python;
mod report;
mod stats;
mod studies;
mod sweep;
mod table;
mod variant;

pub use contender::{Contender, Floor, PythonRef, UnknownContender};
pub use cores::{Cores, Pinned};
pub use error::BenchError;
pub use export::Record;
pub use machine::Machine;
pub use mechanism::{Mechanism, counts_line};
pub use outputs::Outputs;
pub use python::python3_available;
pub use report::{ReportContext, revision};
pub use stats::Summary;
pub use studies::Studies;
pub use sweep::{Measured, Row, Sweep, SweepResults};
pub use table::render_table;
pub use variant::Variant;
