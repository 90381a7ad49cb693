//! `prodcons run`, and the assignment's cells that `prodcons` runs with no command.

use std::io::{self, IsTerminal, Write};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use prodcons::{Params, PipelineError, SpawnOrder};
use prodcons_peers::Implementation;

/// What to run: each implementation once, on the same parameters.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) implementations: Vec<Implementation>,
    pub(crate) num_iters: u64,
    pub(crate) num_prods_cons: usize,
    pub(crate) capacity: usize,
    pub(crate) spawn_order: SpawnOrder,
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
}

/// The assignment's cells: `pc(1000, 50, 10)` with threads, then with coroutines.
pub(crate) fn assignment_cells() -> Plan {
    Plan {
        implementations: vec![Implementation::Threads, Implementation::Tasks],
        num_iters: 1000,
        num_prods_cons: 50,
        capacity: 10,
        spawn_order: SpawnOrder::default(),
    }
}

/// Runs the plan, printing the assignment's three lines per implementation. With more than one
/// implementation, each gets a header line naming it.
pub(crate) fn run(plan: &Plan) -> Result<(), Failure> {
    let params = Params::new(plan.num_iters, plan.num_prods_cons, plan.capacity)?
        .with_spawn_order(plan.spawn_order);
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
        if !outcome.is_correct() {
            return Err(Failure::WrongSum {
                implementation,
                computed: outcome.computed_sum,
                expected: outcome.expected_sum,
            });
        }
    }
    Ok(())
}

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
