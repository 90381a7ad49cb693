//! The machine-readable records: `--json` and `--csv`, with exactly the same fields: the eight
//! timing fields first, as they have always been, then the schedule, the study and every run's
//! time, and the counting pass's fields, which are empty (`null` in JSON) when the sweep had no counting pass.
//!
//! Only timed rows become records; a skipped row has no times to give, and its reason is in
//! the table and the report. So every record is a contender that completed all its timed runs
//! with the right sum on that cell.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::cores::Cores;
use super::error::BenchError;
use super::per_op::PerOp;
use super::sweep::{Measured, SweepResults};

/// One timed contender on one cell, as `--json` and `--csv` write it.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_bench::{Record, Sweep};
///
/// let sweep = Sweep { prods_cons: vec![2], capacities: vec![0], contenders: vec!["tasks".parse().unwrap()], ..Sweep::quick() };
/// let records = Record::all(&sweep.run().unwrap(), "main");
/// assert_eq!(records[0].study, "main");
/// assert_eq!((records[0].cores.as_str(), records[0].load), ("all cores", 0));
/// assert_eq!(records[0].times_s.split(' ').count(), 3);
/// assert_eq!(records.len(), 1);
/// assert_eq!((records[0].implementation.as_str(), records[0].runs), ("tasks", 3));
/// assert!(records[0].min_s <= records[0].median_s && records[0].median_s <= records[0].max_s);
/// ```
///
/// It reads back too, for the claims check: files written before a field existed still load,
/// a missing `study` as `main`, a missing `times_s` as empty and a missing counter as `None`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
    /// The spawn order: `producers-first` (the assignment's) or `paired`.
    pub spawn: String,
    /// Busy threads that ran beside each run on the same cores; 0 on an idle machine (and in
    /// files written before the field existed).
    #[serde(default)]
    pub load: usize,
    /// The cores the runs could use: `all cores` or `1 core`.
    pub cores: String,
    /// The study the row belongs to: `main` for the sweep itself, or a side study's name.
    #[serde(default = "main_study")]
    pub study: String,
    /// Every timed run's seconds, in the order run, separated by spaces.
    #[serde(default)]
    pub times_s: String,
    /// Counting pass: puts that found the buffer full.
    pub put_waits: Option<u64>,
    /// Counting pass: gets that found the buffer empty.
    pub get_waits: Option<u64>,
    /// Counting pass: waits of both kinds per item.
    pub waits_per_item: Option<f64>,
    /// Counting pass: the most items the buffer held.
    pub peak_len: Option<u64>,
    /// Counting pass: voluntary context switches of the whole process during the run.
    pub voluntary_switches: Option<u64>,
    /// Counting pass: involuntary context switches of the whole process during the run.
    pub involuntary_switches: Option<u64>,
    /// Counting pass: context switches of both kinds per item.
    pub switches_per_item: Option<f64>,
    /// Counting pass: the fresh process's peak resident memory before the run, in bytes.
    pub rss_before_bytes: Option<u64>,
    /// Counting pass: the fresh process's peak resident memory by the end, in bytes.
    pub peak_rss_bytes: Option<u64>,
    /// Counting pass: wakeups after which the woken waiter had to wait again; empty where the
    /// channel cannot tell.
    #[serde(default)]
    pub futile_wakeups: Option<u64>,
    /// Counting pass: the mean number of the process's threads that were runnable, sampled
    /// while it ran.
    pub runnable_threads: Option<f64>,
}

/// The study of rows written before records named theirs: they all came from the main sweep's
/// file, so `main` is the reading that keeps old claims meaning what they meant.
fn main_study() -> String {
    "main".to_owned()
}

impl Record {
    /// The records of every timed row, in sweep order, labelled with `study`.
    pub fn all(results: &SweepResults, study: &str) -> Vec<Self> {
        results
            .rows
            .iter()
            .filter_map(|row| {
                let Measured::Timed(summary) = row.measured else {
                    return None;
                };
                let counted = row.mechanism;
                let params = &row.params;
                let times: Vec<String> = row
                    .times
                    .iter()
                    .map(|time| time.as_secs_f64().to_string())
                    .collect();
                Some(Self {
                    study: study.to_owned(),
                    implementation: row.contender.to_string(),
                    num_iters: params.num_iters(),
                    num_prods_cons: params.num_prods_cons(),
                    capacity: params.capacity(),
                    runs: summary.runs,
                    median_s: summary.median.as_secs_f64(),
                    min_s: summary.min.as_secs_f64(),
                    max_s: summary.max.as_secs_f64(),
                    times_s: times.join(" "),
                    spawn: row.variant.spawn.to_string(),
                    load: row.variant.load,
                    cores: row.variant.cores.to_string(),
                    put_waits: counted.map(|m| m.put_waits),
                    get_waits: counted.map(|m| m.get_waits),
                    waits_per_item: counted.map(|m| m.waits_per_item(params)),
                    peak_len: counted.map(|m| m.peak_len),
                    voluntary_switches: counted.map(|m| m.voluntary_switches),
                    involuntary_switches: counted.map(|m| m.involuntary_switches),
                    switches_per_item: counted.map(|m| m.switches_per_item(params)),
                    rss_before_bytes: counted.map(|m| m.rss_before_bytes),
                    peak_rss_bytes: counted.map(|m| m.peak_rss_bytes),
                    futile_wakeups: counted.and_then(|m| m.futile_wakeups),
                    runnable_threads: counted.and_then(|m| m.runnable_threads),
                })
            })
            .collect()
    }
}

impl Record {
    /// The per-operation study as records of study `per-op`: each measurement is a cell of one
    /// worker and `pairs` items on an unbounded queue, timed `runs` times, so that
    /// `median_s / num_iters` is the cost of one pair and the claims can name it like any cell.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_bench::{PerOp, Record};
    ///
    /// let cost = PerOp { name: "threads".to_owned(), median_ns: 30.0, min_ns: 28.0, max_ns: 41.0 };
    /// let records = Record::per_op(&[cost], 1000, 7);
    /// assert_eq!((records[0].study.as_str(), records[0].num_prods_cons), ("per-op", 1));
    /// assert!((records[0].median_s - 30e-6).abs() < 1e-12, "1000 pairs of 30 ns");
    /// ```
    pub fn per_op(costs: &[PerOp], pairs: u64, runs: usize) -> Vec<Self> {
        let seconds = |ns: f64| ns * pairs as f64 * 1e-9;
        costs
            .iter()
            .map(|cost| Self {
                study: "per-op".to_owned(),
                implementation: cost.name.clone(),
                num_iters: pairs,
                num_prods_cons: 1,
                capacity: 0,
                runs,
                median_s: seconds(cost.median_ns),
                min_s: seconds(cost.min_ns),
                max_s: seconds(cost.max_ns),
                spawn: "one worker".to_owned(),
                load: 0,
                cores: Cores::All.to_string(),
                times_s: String::new(),
                put_waits: None,
                get_waits: None,
                waits_per_item: None,
                peak_len: None,
                voluntary_switches: None,
                involuntary_switches: None,
                switches_per_item: None,
                rss_before_bytes: None,
                peak_rss_bytes: None,
                futile_wakeups: None,
                runnable_threads: None,
            })
            .collect()
    }
}

/// Writes the records as a JSON array.
pub(crate) fn write_json(records: &[Record], path: &Path) -> Result<(), BenchError> {
    let file = File::create(path).map_err(BenchError::write(path))?;
    let mut out = BufWriter::new(file);
    serde_json::to_writer_pretty(&mut out, records)
        .map_err(|error| BenchError::write(path)(error.into()))?;
    writeln!(out)
        .and_then(|()| out.flush())
        .map_err(BenchError::write(path))
}

/// Writes the records as CSV with a header line.
pub(crate) fn write_csv(records: &[Record], path: &Path) -> Result<(), BenchError> {
    let csv_error = |source| BenchError::Csv {
        path: path.to_owned(),
        source,
    };
    let mut writer = csv::Writer::from_path(path).map_err(csv_error)?;
    for record in records {
        writer.serialize(record).map_err(csv_error)?;
    }
    writer.flush().map_err(BenchError::write(path))
}
