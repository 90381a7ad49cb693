//! The task driver: `pc` as async code on a tokio runtime, one task per producer and per
//! consumer, over any [`TaskChannel`].

use std::time::Instant;

use tokio::task::JoinHandle;

use super::channel::{AsyncReceiver, AsyncSender, TaskChannel};
use super::counting;
use super::error::{PipelineError, Role, panic_message};
use super::faults::{Faults, strike};
use super::outcome::Outcome;
use super::params::Params;
use super::release::ReleaseOnEarlyExit;
use super::tally::Tally;
use super::trace::{Item, Probe};

/// Which tokio scheduler runs the tasks.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::{Driver, Implementation, Scheduler};
///
/// let tasks = Implementation::Tasks.pipeline();
/// assert_eq!(tasks.driver(), Driver::Tasks(Scheduler::CurrentThread));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheduler {
    /// One thread, one event loop: the analogue of asyncio.
    CurrentThread,
    /// A worker thread per core, with work stealing.
    MultiThread,
}

/// The most tasks one run may spawn. A task with its queue futures takes a few hundred bytes,
/// so this keeps a run under about two gigabytes instead of letting the OS kill it.
pub(crate) const MAX_TASKS: u128 = 1 << 22;

/// Refuses a run with more tasks than [`MAX_TASKS`], before anything is allocated.
pub(crate) fn check_task_count(params: &Params) -> Result<(), PipelineError> {
    let workers = 2 * params.num_prods_cons() as u128;
    if workers > MAX_TASKS {
        return Err(PipelineError::TooManyTasks {
            workers,
            limit: MAX_TASKS,
        });
    }
    Ok(())
}

/// Runs `pc` as tasks over the channel family `C`, reporting to `probe` as items move.
///
/// The caller has checked the run against [`check_task_count`] first.
pub(crate) fn run<C: TaskChannel, P: Probe>(
    params: &Params,
    faults: &Faults,
    probe: &P,
    scheduler: Scheduler,
) -> Result<Outcome, PipelineError> {
    let runtime = match scheduler {
        Scheduler::CurrentThread => tokio::runtime::Builder::new_current_thread().build(),
        Scheduler::MultiThread => tokio::runtime::Builder::new_multi_thread().build(),
    }
    .map_err(PipelineError::Runtime)?;
    // The clock starts inside the runtime, as the assignment times `await pc(...)` on a
    // running event loop.
    runtime.block_on(pc::<C, P>(*params, *faults, probe.clone()))
}

/// The assignment's `async def pc`: spawn, await the producers, await the consumers, then sum.
async fn pc<C: TaskChannel, P: Probe>(
    params: Params,
    faults: Faults,
    probe: P,
) -> Result<Outcome, PipelineError> {
    let start = Instant::now();
    let count = params.num_prods_cons();
    let num_iters = params.num_iters();
    let (buffer_tx, buffer_rx) = C::channel::<P::Item>(params.buffer_bound());
    let (results_tx, results_rx) = C::channel::<u128>(count);

    // The assignment's order by default: every producer, then every consumer. The runtime
    // then polls each producer before any consumer exists, so at capacity 0 the buffer holds
    // every item at once, as asyncio's does. `SpawnOrder::Paired` is the named variant.
    let mut producers = Vec::with_capacity(count);
    let mut consumers = Vec::with_capacity(count);
    for (role, index) in params.spawn_order().sequence(count) {
        let panic_point = faults.panic_point(role, index);
        match role {
            Role::Producer => {
                let work = produce(
                    buffer_tx.clone(),
                    probe.clone(),
                    index,
                    num_iters,
                    panic_point,
                );
                producers.push(tokio::spawn(work));
            }
            Role::Consumer => {
                let (buffer, results) = (buffer_rx.clone(), results_tx.clone());
                let work = consume(
                    buffer,
                    results,
                    probe.clone(),
                    index,
                    num_iters,
                    panic_point,
                );
                consumers.push(tokio::spawn(work));
            }
        }
    }
    drop((buffer_tx, buffer_rx, results_tx));

    let producers_joined = join_all(Role::Producer, producers).await;
    let consumers_joined = join_all(Role::Consumer, consumers).await;

    let mut tally = Tally::new(&params);
    while tally.wants_more() {
        let Ok(sum) = results_rx.get().await else {
            break;
        };
        tally.add(sum);
    }
    producers_joined?;
    consumers_joined?;
    tally.into_outcome(&params, start)
}

/// Awaits every task in order; reports the first one that panicked.
async fn join_all(role: Role, tasks: Vec<JoinHandle<()>>) -> Result<(), PipelineError> {
    let mut first_panic = None;
    for (index, task) in tasks.into_iter().enumerate() {
        if let Err(error) = task.await {
            let message = match error.try_into_panic() {
                Ok(payload) => panic_message(payload.as_ref()),
                Err(_) => "the task was cancelled".to_owned(),
            };
            first_panic.get_or_insert(PipelineError::WorkerPanicked {
                role,
                index,
                message,
            });
        }
    }
    first_panic.map_or(Ok(()), Err)
}

async fn produce<P: Probe>(
    buffer: impl AsyncSender<P::Item>,
    probe: P,
    index: usize,
    num_iters: u64,
    panic_point: Option<u64>,
) {
    let release = ReleaseOnEarlyExit::new(|| buffer.close());
    for seq in 0..num_iters {
        strike(panic_point, seq);
        let item = P::Item::new(index, seq);
        if counting::put_async(&probe, index, &buffer, item)
            .await
            .is_err()
        {
            return;
        }
        probe.after_put(|| buffer.len());
    }
    release.finish();
}

async fn consume<P: Probe>(
    buffer: impl AsyncReceiver<P::Item>,
    results: impl AsyncSender<u128>,
    probe: P,
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
        let Ok(item) = counting::get_async(&probe, index, &buffer).await else {
            return;
        };
        probe.taken(&mut log, &item);
        sum += u128::from(item.value());
    }
    if results.put(sum).await.is_ok() {
        probe.finished(index, log);
        release.finish();
    }
}
