//! `prodcons run`, and the assignment's cells that `prodcons` runs with no command.

use std::io::{self, IsTerminal, Write};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use std::path::{Path, PathBuf};

use prodcons::{Outcome, Params, PipelineError, SpawnOrder, Timeline};
use prodcons_bench::{
    BenchError, TraceInfo, check_trace_path, remove_empty_trace, trace_size_bound, write_trace,
};
use prodcons_peers::Implementation;

/// What to run: each implementation once, on the same parameters.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) implementations: Vec<Implementation>,
    pub(crate) num_iters: u64,
    pub(crate) num_prods_cons: usize,
    pub(crate) capacity: usize,
    pub(crate) spawn_order: SpawnOrder,
    /// Where to write the run's timeline, if anywhere.
    pub(crate) trace: Option<PathBuf>,
}

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failure {
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    #[error("{implementation} computed the wrong total sum: {computed} instead of {expected}")]
    WrongSum {
        implementation: Implementation,
        computed: u128,
        expected: u128,
    },
    #[error("could not write the output: {0}")]
    Io(#[from] io::Error),
    #[error(transparent)]
    Trace(#[from] BenchError),
    #[error("--trace records one run, but {0} implementations were chosen")]
    TraceOfMany(usize),
}

/// The assignment's cells: `pc(1000, 50, 10)` with threads, then with coroutines.
pub(crate) fn assignment_cells() -> Plan {
    Plan {
        implementations: vec![Implementation::Threads, Implementation::Tasks],
        num_iters: 1000,
        num_prods_cons: 50,
        capacity: 10,
        spawn_order: SpawnOrder::default(),
        trace: None,
    }
}

/// Runs the plan, printing the assignment's three lines per implementation. With more than one
/// implementation, each gets a header line naming it.
pub(crate) fn run(plan: &Plan) -> Result<(), Failure> {
    let params = Params::new(plan.num_iters, plan.num_prods_cons, plan.capacity)?
        .with_spawn_order(plan.spawn_order);
    if let Some(path) = &plan.trace {
        return run_traced(plan, &params, path);
    }
    let with_headers = plan.implementations.len() > 1;
    let mut stdout = io::stdout().lock();
    for &implementation in &plan.implementations {
        if with_headers {
            writeln!(stdout, "== {implementation}: {params} ==")?;
        }
        let outcome = {
            let _spinner = LongRun::watch(format!("{implementation}: {params}"));
            implementation.run(&params)?
        };
        writeln!(stdout, "{outcome}")?;
        stdout.flush()?;
        right_sum(implementation, &outcome)?;
    }
    Ok(())
}

/// A run's outcome, refused when its total sum is wrong.
fn right_sum(implementation: Implementation, outcome: &Outcome) -> Result<(), Failure> {
    if outcome.is_correct() {
        return Ok(());
    }
    Err(Failure::WrongSum {
        implementation,
        computed: outcome.computed_sum,
        expected: outcome.expected_sum,
    })
}

/// `run --trace`: one implementation, run with a clock on every wait, its timeline written to
/// `path`. The path is checked before the run, so that a run is never wasted on a file that
/// cannot be written.
fn run_traced(plan: &Plan, params: &Params, path: &Path) -> Result<(), Failure> {
    let &[implementation] = plan.implementations.as_slice() else {
        return Err(Failure::TraceOfMany(plan.implementations.len()));
    };
    check_trace_path(path)?;
    let (bytes, may_be_cut) = trace_size_bound(params);
    if bytes > TRACE_WARN_BYTES {
        let limit = if may_be_cut {
            format!(
                "; it keeps the first {} waits and wakeups and counts the rest",
                Timeline::MAX_EVENTS
            )
        } else {
            String::new()
        };
        eprintln!(
            "warning: {params} moves {} items; its trace may reach {} MB{limit}",
            params.total_items(),
            bytes / 1_000_000
        );
    }
    let traced = {
        let _spinner = LongRun::watch(format!("{implementation}: {params}, traced"));
        implementation.pipeline().run_timeline(params)
    };
    let (outcome, timeline) = match traced {
        Ok(traced) => traced,
        Err(error) => {
            remove_empty_trace(path);
            return Err(error.into());
        }
    };
    write_trace(
        path,
        &timeline,
        &TraceInfo::new(implementation.name(), *params),
    )?;
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "{outcome}")?;
    stdout.flush()?;
    let futile = timeline.counts.futile_wakeups.map_or_else(
        || "futile wakeups not visible".to_owned(),
        |n| format!("{n} futile wakeups"),
    );
    let dropped = match timeline.dropped_waits {
        0 => String::new(),
        n => format!(
            "; {n} later waits counted but not kept (limit {})",
            Timeline::MAX_EVENTS
        ),
    };
    eprintln!(
        "trace: {} waits, {futile}{dropped}; wrote {} (open it in ui.perfetto.dev); the time \
         above is of a traced run",
        timeline.counts.put_waits + timeline.counts.get_waits,
        path.display()
    );
    right_sum(implementation, &outcome)
}

/// Above this bound on a trace's size, `run --trace` warns before the run.
const TRACE_WARN_BYTES: u128 = 100_000_000;

/// A spinner on stderr for a run that has taken longer than [`LongRun::AFTER`], when stderr is
/// a terminal; it is cleared when the run ends, so stdout's three lines are never touched.
///
/// A spinner with the elapsed time rather than a bar of items: counting items as they move
/// would put a shared counter into every put, and the run's own time is what is measured.
struct LongRun {
    done: Option<mpsc::Sender<()>>,
    watcher: Option<JoinHandle<()>>,
}

impl LongRun {
    /// How long a run goes before the spinner appears: quick runs stay silent.
    const AFTER: Duration = Duration::from_secs(1);

    fn watch(what: String) -> Self {
        if !io::stderr().is_terminal() {
            return Self {
                done: None,
                watcher: None,
            };
        }
        let (done, finished) = mpsc::channel::<()>();
        let watcher = thread::Builder::new()
            .name("progress".to_owned())
            .spawn(move || {
                if finished.recv_timeout(Self::AFTER) != Err(RecvTimeoutError::Timeout) {
                    return;
                }
                let spinner = ProgressBar::new_spinner();
                if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
                    spinner.set_style(style);
                }
                spinner.set_message(format!("running {what}"));
                spinner.enable_steady_tick(Duration::from_millis(120));
                // Ends when the run ends: a message, or the sender dropped.
                let _ = finished.recv();
                spinner.finish_and_clear();
            })
            .ok();
        Self {
            done: Some(done),
            watcher,
        }
    }
}

impl Drop for LongRun {
    fn drop(&mut self) {
        drop(self.done.take());
        if let Some(watcher) = self.watcher.take() {
            let _ = watcher.join();
        }
    }
}
