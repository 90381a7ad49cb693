//! Whether a run's buffer fits in memory, decided before anything is allocated.
//!
//! Only a schedule that is certain to queue items can be refused for them. On one thread, in
//! the assignment's order, every producer runs to its end before the first consumer starts, so
//! an unbounded buffer holds every item at once, as asyncio's does: that run is refused when
//! it cannot fit. Where consumers run on other threads they drain the buffer as producers fill
//! it, and how far behind they fall depends on scheduling (`prodcons count --impl threads
//! 10000000 2 0` peaked at 235 000 of 20 million items on the project's 2-core AMD EPYC;
//! crossbeam-channel at 10.3 million), so those runs are never refused for the total.

use std::fs;

use super::Pipeline;
use super::error::{MemoryShortfall, PipelineError};
use super::params::Params;
use super::spawn_order::SpawnOrder;

/// Bytes per task beyond its queue items: the task, its future and its join handle. tokio's
/// task header and our futures measured a few hundred bytes; this rounds up.
const BYTES_PER_TASK: u128 = 1024;

/// What the estimate says a run holds at its peak, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Peak {
    /// Bytes the buffer and the workers hold at once, at most.
    pub(crate) bytes: u128,
    /// Why that many items are held, for the refusal's message.
    pub(crate) reason: &'static str,
}

/// The most bytes a run of `implementation` on `params` is certain to need at once, counting
/// `item_size` bytes per queued item, or `None` when no peak is certain.
pub(crate) fn certain_peak(pipeline: &Pipeline, params: &Params, item_size: usize) -> Option<Peak> {
    if params.capacity() != 0 || !pipeline.runs_on_one_thread() {
        return None;
    }
    let (items, reason) = match params.spawn_order() {
        SpawnOrder::ProducersFirst => (
            params.total_items(),
            "every item is queued before the first consumer starts, at capacity 0 in the \
             assignment's order",
        ),
        SpawnOrder::Paired => (
            u128::from(params.num_iters()),
            "each producer's items are queued before its consumer starts, at capacity 0",
        ),
    };
    let buffer = growable_buffer_bytes(items, item_size as u128);
    let tasks = 2 * params.num_prods_cons() as u128 * BYTES_PER_TASK;
    Some(Peak {
        bytes: buffer.saturating_add(tasks),
        reason,
    })
}

/// A buffer that doubles its capacity as it grows holds up to the next power of two slots,
/// and while it grows the old half is still allocated beside the new: 1.5 × that, at most.
fn growable_buffer_bytes(items: u128, item_size: u128) -> u128 {
    let slots = items.checked_next_power_of_two().unwrap_or(u128::MAX);
    slots.saturating_mul(item_size).saturating_mul(3) / 2
}

/// Memory the kernel says a new allocation can have without swapping (`MemAvailable` in
/// `/proc/meminfo`), or `None` where it does not say.
pub(crate) fn available_bytes() -> Option<u128> {
    let meminfo = fs::read_to_string("/proc/meminfo").ok()?;
    parse_mem_available(&meminfo)
}

fn parse_mem_available(meminfo: &str) -> Option<u128> {
    let line = meminfo
        .lines()
        .find(|line| line.starts_with("MemAvailable:"))?;
    let kib: u128 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Refuses a run whose certain peak is over `available` bytes.
pub(crate) fn check_fits(
    pipeline: &Pipeline,
    params: &Params,
    item_size: usize,
    available: Option<u128>,
) -> Result<(), PipelineError> {
    let (Some(peak), Some(available)) = (certain_peak(pipeline, params, item_size), available)
    else {
        return Ok(());
    };
    if peak.bytes <= available {
        return Ok(());
    }
    Err(PipelineError::OutOfMemory(Box::new(MemoryShortfall {
        run: params.to_string(),
        implementation: pipeline.name(),
        needed: peak.bytes,
        available,
        reason: peak.reason,
    })))
}

/// Bytes in the largest binary unit that keeps the number at 1 or more, with one decimal.
pub(crate) fn human_bytes(bytes: u128) -> String {
    const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Implementation;

    const GIB: u128 = 1 << 30;

    fn params(n: u64, p: usize, c: usize) -> Params {
        Params::new(n, p, c).unwrap()
    }

    #[test]
    fn only_a_schedule_certain_to_queue_everything_has_a_peak() {
        let unbounded = params(1_000_000, 4, 0);
        let peak = certain_peak(&Implementation::Tasks.pipeline(), &unbounded, 8).unwrap();
        // 4 million items: 2^22 slots of 8 bytes, 1.5 times while growing, plus 8 tasks.
        assert_eq!(peak.bytes, (1 << 22) * 8 * 3 / 2 + 8 * BYTES_PER_TASK);
        let paired = unbounded.with_spawn_order(SpawnOrder::Paired);
        let one_producer = certain_peak(&Implementation::Tasks.pipeline(), &paired, 8).unwrap();
        assert_eq!(
            one_producer.bytes,
            (1 << 20) * 8 * 3 / 2 + 8 * BYTES_PER_TASK
        );
        assert_eq!(
            certain_peak(
                &Implementation::Tasks.pipeline(),
                &params(1_000_000, 4, 10),
                8
            ),
            None
        );
        for drains in [Implementation::Threads, Implementation::TasksMt] {
            let pipeline = drains.pipeline();
            assert_eq!(certain_peak(&pipeline, &unbounded, 8), None, "{drains}");
        }
    }

    #[test]
    fn a_run_that_cannot_fit_is_refused_and_others_are_not() {
        let huge = params(200_000_000, 2, 0);
        let error =
            check_fits(&Implementation::Tasks.pipeline(), &huge, 8, Some(2 * GIB)).unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("pc(200000000, 2, 0) on tasks needs about 6.0 GiB"),
            "{message}"
        );
        assert!(message.contains("only 2.0 GiB is available"), "{message}");
        assert!(message.contains("the threads pipeline"), "{message}");
        assert!(check_fits(&Implementation::Tasks.pipeline(), &huge, 8, Some(8 * GIB)).is_ok());
        assert!(check_fits(&Implementation::Threads.pipeline(), &huge, 8, Some(GIB)).is_ok());
        assert!(
            check_fits(
                &Implementation::Tasks.pipeline(),
                &params(200_000_000, 2, 1000),
                8,
                Some(GIB)
            )
            .is_ok()
        );
        assert!(
            check_fits(&Implementation::Tasks.pipeline(), &huge, 8, None).is_ok(),
            "no answer, no refusal"
        );
        // 2^80 items: far past any machine, and still no overflow on the way to the refusal.
        let absurd = params(1 << 40, 1 << 40, 0);
        assert!(
            check_fits(
                &Implementation::Tasks.pipeline(),
                &absurd,
                16,
                Some(1 << 84)
            )
            .is_err()
        );
        assert_eq!(
            growable_buffer_bytes(u128::MAX, 16),
            u128::MAX / 2,
            "saturates"
        );
    }

    #[test]
    fn reads_mem_available_in_kib() {
        let meminfo = "MemTotal:       24576000 kB\nMemFree:  1 kB\nMemAvailable:   2048 kB\n";
        assert_eq!(parse_mem_available(meminfo), Some(2048 * 1024));
        assert_eq!(parse_mem_available("MemTotal: 1 kB\n"), None);
        assert_eq!(human_bytes(3 * GIB / 2), "1.5 GiB");
        assert_eq!(human_bytes(GIB / 4), "256.0 MiB");
        assert_eq!(human_bytes(3 << 60), "3.0 EiB");
        assert_eq!(
            human_bytes(u128::MAX),
            format!("{:.1} EiB", u128::MAX as f64 / (1u128 << 60) as f64)
        );
    }
}
