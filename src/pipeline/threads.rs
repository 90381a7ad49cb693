//! The thread driver: `pc` with one OS thread per producer and per consumer, over any
//! [`ThreadChannel`].

use std::io;
use std::time::Instant;

use super::channel::{Receiver, Sender, ThreadChannel};
use super::counting;
use super::error::{PipelineError, Role, panic_message};
use super::faults::{Faults, strike};
use super::os_limits;
use super::outcome::Outcome;
use super::params::Params;
use super::release::ReleaseOnEarlyExit;
use super::tally::Tally;
use super::trace::{Item, Probe};
use crate::loom::thread::{self, JoinHandle};

/// Runs `pc` on threads over the channel family `C`, reporting to `probe` as items move.
///
/// The caller has checked the run against [`check_thread_headroom`] first.
pub(crate) fn run<C: ThreadChannel, P: Probe>(
    params: &Params,
    faults: &Faults,
    probe: &P,
) -> Result<Outcome, PipelineError> {
    let start = Instant::now();
    let count = params.num_prods_cons();
    let (buffer_tx, buffer_rx) = C::channel::<P::Item>(params.buffer_bound());
    let (results_tx, results_rx) = C::channel::<u128>(count);

    let mut workers = Workers::default();
    let spawned = workers.spawn_all(params, faults, probe, &buffer_tx, &buffer_rx, &results_tx);
    if spawned.is_err() {
        // Release the workers that did start before waiting for them.
        buffer_tx.close();
        results_tx.close();
    }
    // Dropping our ends lets a channel that closes by disconnection (crossbeam) do so.
    drop((buffer_tx, buffer_rx, results_tx));
    if let Err(error) = spawned {
        let _ = workers.join_all();
        return Err(error);
    }

    let mut tally = Tally::new(params);
    while tally.wants_more() {
        let Ok(sum) = results_rx.get() else { break };
        tally.add(sum);
    }
    // The clock stops where the assignment's stops it: once the main thread has read every
    // result. The assignment never joins its threads; we join every one, after the clock.
    let outcome = tally.into_outcome(params, start);
    workers.join_all()?;
    outcome
}

/// Refuses a run the OS clearly has no room for, before starting any thread.
pub(crate) fn check_thread_headroom(params: &Params) -> Result<(), PipelineError> {
    let requested = 2 * params.num_prods_cons() as u128;
    match os_limits::thread_headroom() {
        Some((available, limit)) if requested > u128::from(available) => {
            Err(PipelineError::TooManyThreads {
                requested,
                available,
                limit,
            })
        }
        _ => Ok(()),
    }
}

/// A worker's stack. Workers call a few small functions and never recurse; a panic's message
/// and even a captured backtrace fit well within it. std's default of 2 MiB is what makes the
/// kernel back each stack with a transparent huge page, and zeroing 2 MiB per thread was half
/// the cost of starting one here (100 threads: 5.4 ms with 2 MiB stacks, 2.6 ms with 256 KiB).
///
/// ```
/// assert_eq!(prodcons::WORKER_STACK_SIZE, 256 * 1024);
/// ```
pub const WORKER_STACK_SIZE: usize = 256 * 1024;

/// How every worker thread is made, named after its role so that a panic message says which.
pub(crate) fn worker_builder(role: Role, index: usize) -> thread::Builder {
    thread::Builder::new()
        .name(format!("{role}-{index}"))
        .stack_size(WORKER_STACK_SIZE)
}

/// The threads of one run, in the order they were spawned.
#[derive(Default)]
struct Workers {
    handles: Vec<(Role, usize, JoinHandle<()>)>,
}

impl Workers {
    fn spawn_all<P, Tx, Rx, ResultsTx>(
        &mut self,
        params: &Params,
        faults: &Faults,
        probe: &P,
        buffer_tx: &Tx,
        buffer_rx: &Rx,
        results_tx: &ResultsTx,
    ) -> Result<(), PipelineError>
    where
        P: Probe,
        Tx: Sender<P::Item>,
        Rx: Receiver<P::Item>,
        ResultsTx: Sender<u128>,
    {
        let num_iters = params.num_iters();
        for (role, index) in params.spawn_order().sequence(params.num_prods_cons()) {
            let probe_copy = probe.clone();
            let panic_point = faults.panic_point(role, index);
            match role {
                Role::Producer => {
                    let buffer = buffer_tx.clone();
                    self.spawn(params, faults, role, index, move || {
                        produce(&buffer, &probe_copy, index, num_iters, panic_point);
                    })?;
                }
                Role::Consumer => {
                    let (buffer, results) = (buffer_rx.clone(), results_tx.clone());
                    self.spawn(params, faults, role, index, move || {
                        consume(
                            &buffer,
                            &results,
                            &probe_copy,
                            index,
                            num_iters,
                            panic_point,
                        );
                    })?;
                }
            }
        }
        Ok(())
    }

    fn spawn(
        &mut self,
        params: &Params,
        faults: &Faults,
        role: Role,
        index: usize,
        work: impl FnOnce() + Send + 'static,
    ) -> Result<(), PipelineError> {
        let nth = self.handles.len();
        let spawned = if faults.spawn_fails(nth) {
            Err(io::Error::other("spawn failure injected by the test"))
        } else {
            worker_builder(role, index).spawn(work)
        };
        let handle = spawned.map_err(|source| PipelineError::Spawn {
            role,
            index,
            count: params.num_prods_cons(),
            source,
        })?;
        self.handles.push((role, index, handle));
        Ok(())
    }

    /// Joins every thread; reports the first one, in spawn order, that panicked.
    fn join_all(self) -> Result<(), PipelineError> {
        let mut first_panic = None;
        for (role, index, handle) in self.handles {
            if let Err(payload) = handle.join() {
                first_panic.get_or_insert_with(|| PipelineError::WorkerPanicked {
                    role,
                    index,
                    message: panic_message(payload.as_ref()),
                });
            }
        }
        first_panic.map_or(Ok(()), Err)
    }
}

fn produce<P: Probe>(
    buffer: &impl Sender<P::Item>,
    probe: &P,
    index: usize,
    num_iters: u64,
    panic_point: Option<u64>,
) {
    let release = ReleaseOnEarlyExit::new(|| buffer.close());
    for seq in 0..num_iters {
        strike(panic_point, seq);
        if counting::put(probe, index, buffer, P::Item::new(index, seq)).is_err() {
            return;
        }
        probe.after_put(|| buffer.len());
    }
    release.finish();
}

fn consume<P: Probe>(
    buffer: &impl Receiver<P::Item>,
    results: &impl Sender<u128>,
    probe: &P,
    index: usize,
    num_iters: u64,
    panic_point: Option<u64>,
) {
    let release = ReleaseOnEarlyExit::new(|| {
        buffer.close();
        results.close();
    });
    let mut log = probe.new_log();
    let mut sum = 0u128;
    for taken in 0..num_iters {
        strike(panic_point, taken);
        let Ok(item) = counting::get(probe, index, buffer) else {
            return;
        };
        probe.taken(&mut log, &item);
        sum += u128::from(item.value());
    }
    if results.put(sum).is_ok() {
        probe.finished(index, log);
        release.finish();
    }
}
