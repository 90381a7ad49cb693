//! The machine-readable records: `--json` and `--csv`, with exactly the same fields.
//!
//! Only timed rows become records; a skipped row has no times to give, and its reason is in
//! the table and the report. So every record is a contender that completed all its timed runs
//! with the right sum on that cell.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use serde::Serialize;

use super::error::BenchError;
use super::sweep::{Measured, SweepResults};

/// One timed contender on one cell, as `--json` and `--csv` write it.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::harness::{Record, Sweep};
///
/// let sweep = Sweep { prods_cons: vec![2], capacities: vec![0], contenders: vec!["tasks".parse().unwrap()], ..Sweep::quick() };
/// let records = Record::all(&sweep.run().unwrap());
/// assert_eq!(records.len(), 1);
/// assert_eq!((records[0].implementation.as_str(), records[0].runs), ("tasks", 3));
/// assert!(records[0].min_s <= records[0].median_s && records[0].median_s <= records[0].max_s);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Record {
    /// The contender's name; the field is called `impl`.
    #[serde(rename = "impl")]
    pub implementation: String,
    /// Items per producer.
    pub num_iters: u64,
    /// Producers, and consumers.
    pub num_prods_cons: usize,
    /// The buffer's capacity, 0 for unbounded.
    pub capacity: usize,
    /// Timed runs, all with the right sum.
    pub runs: usize,
    /// Median seconds.
    pub median_s: f64,
    /// Fastest run, in seconds.
    pub min_s: f64,
    /// Slowest run, in seconds.
    pub max_s: f64,
}

impl Record {
    /// The records of every timed row, in sweep order.
    pub fn all(results: &SweepResults) -> Vec<Self> {
        results
            .rows
            .iter()
            .filter_map(|row| match row.measured {
                Measured::Timed(summary) => Some(Self {
                    implementation: row.contender.to_string(),
                    num_iters: row.params.num_iters(),
                    num_prods_cons: row.params.num_prods_cons(),
                    capacity: row.params.capacity(),
                    runs: summary.runs,
                    median_s: summary.median.as_secs_f64(),
                    min_s: summary.min.as_secs_f64(),
                    max_s: summary.max.as_secs_f64(),
                }),
                Measured::Skipped(_) => None,
            })
            .collect()
    }
}

/// Writes the records as a JSON array.
pub(crate) fn write_json(results: &SweepResults, path: &Path) -> Result<(), BenchError> {
    let file = File::create(path).map_err(BenchError::write(path))?;
    let mut out = BufWriter::new(file);
    serde_json::to_writer_pretty(&mut out, &Record::all(results))
        .map_err(|error| BenchError::write(path)(error.into()))?;
    writeln!(out)
        .and_then(|()| out.flush())
        .map_err(BenchError::write(path))
}

/// Writes the records as CSV with a header line.
pub(crate) fn write_csv(results: &SweepResults, path: &Path) -> Result<(), BenchError> {
    let csv_error = |source| BenchError::Csv {
        path: path.to_owned(),
        source,
    };
    let mut writer = csv::Writer::from_path(path).map_err(csv_error)?;
    for record in Record::all(results) {
        writer.serialize(record).map_err(csv_error)?;
    }
    writer.flush().map_err(BenchError::write(path))
}
