//! Where a sweep's results go, besides the table: files and directories named on the command
//! line, each created before the sweep starts so that a bad path fails at once rather than
//! after an hour of measuring.

use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};

use super::error::BenchError;
use super::export::Record;
use super::export::{write_csv, write_json};
use super::plots::{write_growth_plots, write_plots};
use super::report::{ReportContext, write_report};
use super::studies::Studies;
use super::sweep::SweepResults;

/// The files and directories to write. Every field is optional.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use std::path::PathBuf;
/// use prodcons_bench::{BenchError, Outputs};
///
/// let dir = std::env::temp_dir().join(format!("prodcons-outputs-doc-{}", std::process::id()));
/// let outputs = Outputs { json: Some(dir.join("bench.json")), ..Outputs::default() };
/// std::fs::create_dir_all(&dir).unwrap();
/// assert!(outputs.prepare().is_ok());
///
/// let nowhere = Outputs { csv: Some(PathBuf::from("/no/such/dir/bench.csv")), ..Outputs::default() };
/// assert!(matches!(nowhere.prepare(), Err(BenchError::Write { .. })));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Clone, Debug, Default)]
pub struct Outputs {
    /// `--json FILE`.
    pub json: Option<PathBuf>,
    /// `--csv FILE`.
    pub csv: Option<PathBuf>,
    /// `--svg DIR`: the plots.
    pub svg: Option<PathBuf>,
    /// `--report DIR`: `DIR/report.md` and its plots in `DIR/figures/`.
    pub report: Option<PathBuf>,
}

impl Outputs {
    /// Creates every file and directory now, so that a path that cannot be written is an
    /// error before the sweep rather than after it.
    pub fn prepare(&self) -> Result<(), BenchError> {
        for file in [&self.json, &self.csv].into_iter().flatten() {
            touch(file)?;
        }
        if let Some(dir) = &self.svg {
            fs::create_dir_all(dir).map_err(BenchError::write(dir))?;
        }
        if let Some(dir) = &self.report {
            for sub in ["figures", "data"] {
                let sub = dir.join(sub);
                fs::create_dir_all(&sub).map_err(BenchError::write(&sub))?;
            }
            touch(&dir.join("report.md"))?;
        }
        Ok(())
    }

    /// Writes every output; `context` says how the results were made, for the report.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use std::path::PathBuf;
    /// use std::time::Duration;
    /// use prodcons_bench::{Machine, Outputs, ReportContext, Studies, Sweep};
    ///
    /// let sweep = Sweep { prods_cons: vec![2], capacities: vec![0], contenders: vec!["tasks".parse().unwrap()], ..Sweep::quick() };
    /// let results = sweep.run().unwrap();
    /// let context = ReportContext {
    ///     command: "prodcons bench".to_owned(),
    ///     revision: prodcons_bench::revision(),
    ///     machine: Machine::detect(),
    ///     baseline: None,
    ///     runs: sweep.runs,
    ///     warmups: sweep.warmups,
    ///     max_cell: sweep.max_cell,
    ///     wall_time: Duration::from_secs(1),
    /// };
    /// let file = std::env::temp_dir().join(format!("prodcons-write-doc-{}.csv", std::process::id()));
    /// let outputs = Outputs { csv: Some(file.clone()), ..Outputs::default() };
    /// outputs.write(&results, &Studies::default(), &context).unwrap();
    /// assert!(std::fs::read_to_string(&file).unwrap().starts_with("impl,num_iters"));
    /// # std::fs::remove_file(&file).unwrap();
    ///
    /// let nowhere = Outputs { json: Some(PathBuf::from("/no/such/dir/bench.json")), ..Outputs::default() };
    /// assert!(nowhere.write(&results, &Studies::default(), &context).is_err());
    /// ```
    pub fn write(
        &self,
        results: &SweepResults,
        studies: &Studies,
        context: &ReportContext,
    ) -> Result<(), BenchError> {
        let records = Record::all(results, "main");
        if let Some(path) = &self.json {
            write_json(&records, path)?;
        }
        if let Some(path) = &self.csv {
            write_csv(&records, path)?;
        }
        if let Some(dir) = &self.svg {
            write_plots(results, dir)?;
        }
        if let Some(dir) = &self.report {
            let mut figures = write_plots(results, &dir.join("figures"))?;
            if let Some(growth) = &studies.growth {
                figures.extend(write_growth_plots(growth, &dir.join("figures"))?);
            }
            // The timelines trace W afresh, after the sweep: they show how a run goes, and
            // take no part in its times.
            let timelines = super::timelines::write_timelines(dir)?;
            figures.extend(
                timelines
                    .iter()
                    .filter_map(|path| path.file_name().map(PathBuf::from)),
            );
            // Every row, the side studies' too, for readers who want more than the report.
            let mut every = records;
            for (name, study) in studies.named() {
                every.extend(Record::all(study, name));
            }
            every.extend(Record::per_op(
                &studies.per_op,
                studies.per_op_pairs,
                studies.per_op_runs,
            ));
            write_json(&every, &dir.join("data/results.json"))?;
            write_csv(&every, &dir.join("data/results.csv"))?;
            write_report(results, studies, context, &figures, &dir.join("report.md"))?;
        }
        Ok(())
    }
}

/// Opens `path` for writing without truncating it, creating it if need be: a check, not a write.
fn touch(path: &Path) -> Result<File, BenchError> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(BenchError::write(path))
}
