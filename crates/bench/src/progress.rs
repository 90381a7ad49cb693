//! The progress bar, measured in estimated milliseconds of work rather than in runs.
//!
//! Runs differ in cost by five orders of magnitude (a floor on one producer against Python with
//! a thousand threads), so a bar counting runs would say nothing about the time left. Instead
//! the bar's length is an estimate of the whole sweep's wall time, and each finished run
//! advances it by the time the run really took. The estimate starts from a rough model of each
//! contender and is rescaled, per contender, by how its finished runs compared with the model;
//! a contender skipped on a cell takes its remaining estimate with it.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use super::contender::{Contender, Floor, PythonRef};
use prodcons::Params;
use prodcons_peers::Implementation;

pub(crate) struct Progress {
    bar: ProgressBar,
    /// Model estimate of one run, per cell and contender slot.
    estimate_ms: Vec<Vec<f64>>,
    /// Runs still to go, per cell and contender slot.
    runs_left: Vec<Vec<usize>>,
    contenders: Vec<Contender>,
    /// Per contender slot: measured and modelled milliseconds so far, to rescale the model.
    measured_ms: Vec<f64>,
    modelled_ms: Vec<f64>,
    max_cell_ms: f64,
    done_ms: f64,
}

impl Progress {
    pub(crate) fn new(
        lanes: &[Contender],
        cells: &[Params],
        rounds: usize,
        max_cell: Duration,
        show: bool,
    ) -> Self {
        let bar = if show {
            ProgressBar::new(0)
        } else {
            ProgressBar::hidden()
        };
        let template = "{elapsed_precise} [{wide_bar}] {percent:>3}% · about {eta} left · {msg}";
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        let estimate_ms = cells
            .iter()
            .map(|params| {
                let model = |&contender| model_ms(contender, params);
                lanes.iter().map(model).collect()
            })
            .collect();
        let slots = lanes.len();
        let mut progress = Self {
            bar,
            estimate_ms,
            runs_left: vec![vec![rounds; slots]; cells.len()],
            contenders: lanes.to_vec(),
            measured_ms: vec![0.0; slots],
            modelled_ms: vec![0.0; slots],
            max_cell_ms: max_cell.as_secs_f64() * 1e3,
            done_ms: 0.0,
        };
        progress.rescale();
        progress
    }

    pub(crate) fn starting(&self, params: &Params, contender: Contender, round: usize, of: usize) {
        self.bar
            .set_message(format!("{params} {contender} ({}/{of})", round + 1));
    }

    /// A run of the contender in `slot` on cell `cell` finished after `took`.
    pub(crate) fn ran(&mut self, cell: usize, slot: usize, took: Duration) {
        let took_ms = took.as_secs_f64() * 1e3;
        self.done_ms += took_ms;
        self.measured_ms[slot] += took_ms;
        self.modelled_ms[slot] += self.estimate_ms[cell][slot];
        let left = &mut self.runs_left[cell][slot];
        *left = left.saturating_sub(1);
        self.bar.set_position(self.done_ms as u64);
        self.rescale();
    }

    /// The contender in `slot` will not run again on cell `cell`.
    pub(crate) fn dropped(&mut self, cell: usize, slot: usize) {
        self.runs_left[cell][slot] = 0;
        self.rescale();
    }

    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }

    /// Sets the bar's length to the work done plus the rescaled estimate of the work left.
    fn rescale(&mut self) {
        // A little weight on the model keeps one odd first run from swinging the estimate.
        const PRIOR_MS: f64 = 50.0;
        let scale: Vec<f64> = (0..self.contenders.len())
            .map(|slot| (self.measured_ms[slot] + PRIOR_MS) / (self.modelled_ms[slot] + PRIOR_MS))
            .collect();
        let mut left_ms = 0.0;
        for (estimates, runs_left) in self.estimate_ms.iter().zip(&self.runs_left) {
            for (slot, (&estimate, &runs)) in estimates.iter().zip(runs_left).enumerate() {
                // The time guard stops any contender at about --max-cell-secs per cell.
                left_ms += (estimate * scale[slot] * runs as f64).min(self.max_cell_ms);
            }
        }
        self.bar.set_length((self.done_ms + left_ms) as u64);
    }
}

/// A rough guess of one run's wall time in milliseconds, good to an order of magnitude on a
/// small machine: a fixed cost, a cost per worker spawned, and a cost per item moved.
fn model_ms(contender: Contender, params: &Params) -> f64 {
    let (fixed_ms, per_worker_us, per_item_us) = match contender {
        Contender::Pipeline(implementation) => match implementation {
            Implementation::Threads | Implementation::Crossbeam | Implementation::Kanal => {
                (0.1, 30.0, 0.5)
            }
            Implementation::Tasks
            | Implementation::TasksHandoff
            | Implementation::AsyncChannel
            | Implementation::KanalAsync => (0.1, 1.0, 0.05),
            Implementation::TasksMt | Implementation::AsyncChannelMt => (1.0, 1.0, 0.2),
        },
        Contender::Floor(Floor::Sequential) => (0.0, 0.0, 0.005),
        Contender::Floor(Floor::SpawnThreads) => (0.0, 30.0, 0.0),
        Contender::Floor(Floor::SpawnTasks) => (0.1, 0.5, 0.0),
        Contender::Python(
            PythonRef::Threads | PythonRef::ThreadsSwitchHalfMs | PythonRef::ThreadsSwitch50Ms,
        ) => (40.0, 100.0, 10.0),
        Contender::Python(PythonRef::Asyncio | PythonRef::AsyncioHandoff) => (40.0, 20.0, 2.0),
    };
    let workers = 2.0 * params.num_prods_cons() as f64;
    let items = params.total_items() as f64;
    fixed_ms + (per_worker_us * workers + per_item_us * items) / 1e3
}
