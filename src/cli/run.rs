//! `prodcons run`, and the assignment's cells that `prodcons` runs with no command.

use std::io::{self, Write};

use prodcons::{Implementation, Params, PipelineError, SpawnOrder};

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
        let outcome = implementation.run(&params)?;
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
