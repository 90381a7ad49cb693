//! The floors: what this machine allows, measured the same way as the real runs.
//!
//! Each floor returns an [`Outcome`] whose "sum" proves it did its work: the sequential floor
//! sums the items it moved, and the spawn floors count the workers that ran, expecting
//! `2 × numProdsCons`. So the sweep checks floors exactly as it checks everything else.

use std::collections::VecDeque;
use std::hint::black_box;
use std::time::Instant;

use super::contender::Floor;
use prodcons::{Implementation, Outcome, Params, PipelineError, Role, WORKER_STACK_SIZE};

/// Runs one floor once.
pub(crate) fn run(floor: Floor, params: &Params) -> Result<Outcome, PipelineError> {
    match floor {
        Floor::Sequential => Ok(sequential(params)),
        Floor::SpawnThreads => spawn_threads(params),
        Floor::SpawnTasks => spawn_tasks(params),
    }
}

/// The same items through a `VecDeque` bounded as the real buffer is, on one thread: producers
/// put in turn, and whenever the buffer is full the next item is taken out first.
fn sequential(params: &Params) -> Outcome {
    let start = Instant::now();
    // `buffer_bound` is 0 for unbounded, and otherwise never more than the items that pass.
    let bound = params.buffer_bound();
    let mut buffer = VecDeque::with_capacity(bound);
    let mut sum = 0u128;
    for _producer in 0..params.num_prods_cons() {
        for item in 0..params.num_iters() {
            if bound != 0 && buffer.len() == bound {
                sum += u128::from(buffer.pop_front().unwrap_or_default());
            }
            // Without black_box the optimiser could sum the series in closed form.
            buffer.push_back(black_box(item));
        }
    }
    sum += buffer.drain(..).map(u128::from).sum::<u128>();
    Outcome {
        computed_sum: sum,
        expected_sum: params.expected_sum(),
        elapsed: start.elapsed(),
    }
}

fn spawn_threads(params: &Params) -> Result<Outcome, PipelineError> {
    // The thread driver's own refusals: the OS's room for threads.
    Implementation::Threads.pipeline().check_limits(params)?;
    let count = params.num_prods_cons();
    let start = Instant::now();
    let mut handles = Vec::with_capacity(2 * count);
    let mut spawn_error = None;
    for (role, index) in workers(count) {
        // Made as the thread driver makes its workers: named after the role, on its stack size.
        let builder = std::thread::Builder::new()
            .name(format!("{role}-{index}"))
            .stack_size(WORKER_STACK_SIZE);
        match builder.spawn(|| 1u128) {
            Ok(handle) => handles.push(handle),
            Err(source) => {
                spawn_error = Some(PipelineError::Spawn {
                    role,
                    index,
                    count,
                    source,
                });
                break;
            }
        }
    }
    // Join what started even after a failed spawn, so no thread outlives the run.
    let ran: u128 = handles
        .into_iter()
        .map(|handle| handle.join().unwrap_or(0))
        .sum();
    spawn_error.map_or(Ok(()), Err)?;
    Ok(Outcome {
        computed_sum: ran,
        expected_sum: 2 * count as u128,
        elapsed: start.elapsed(),
    })
}

fn spawn_tasks(params: &Params) -> Result<Outcome, PipelineError> {
    // The task driver's count limit. Asked of the multi-thread pipeline, which has no memory
    // refusal: that one is for items queued on one thread, and this floor queues none.
    Implementation::TasksMt.pipeline().check_limits(params)?;
    let count = params.num_prods_cons();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(PipelineError::Runtime)?;
    // As in the task driver, the clock starts inside the runtime.
    runtime.block_on(async move {
        let start = Instant::now();
        let tasks: Vec<_> = workers(count)
            .map(|_| tokio::spawn(async { 1u128 }))
            .collect();
        let mut ran = 0;
        for task in tasks {
            ran += task.await.unwrap_or(0);
        }
        Ok(Outcome {
            computed_sum: ran,
            expected_sum: 2 * count as u128,
            elapsed: start.elapsed(),
        })
    })
}

/// The workers of a run in spawn order, as the drivers spawn them: each producer, then its
/// consumer.
fn workers(count: usize) -> impl Iterator<Item = (Role, usize)> {
    (0..count).flat_map(|index| [(Role::Producer, index), (Role::Consumer, index)])
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn every_floor_does_its_work_at_every_capacity() {
        for capacity in [0, 1, 3, 1000] {
            let params = Params::new(50, 4, capacity).unwrap();
            for floor in [Floor::Sequential, Floor::SpawnThreads, Floor::SpawnTasks] {
                let outcome = run(floor, &params).unwrap();
                assert!(outcome.is_correct(), "{floor:?} {params}: {outcome:?}");
            }
        }
        let spawned = run(Floor::SpawnThreads, &Params::new(1, 3, 0).unwrap()).unwrap();
        assert_eq!(spawned.computed_sum, 6);
    }
}
