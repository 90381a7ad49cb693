//! How many more threads the OS will let this process start, read from Linux's `/proc`.
//!
//! Asking first matters because not every limit fails cleanly. When the kernel runs out of
//! memory-map slots (`vm.max_map_count`) after `pthread_create` has succeeded, std cannot set up
//! the new thread's signal stack and aborts the whole process; and a run that uses up the
//! system-wide thread or pid budget makes every other program on the machine fail to fork.
//! Spawn errors that do come back cleanly are still handled where threads are spawned.

use std::fs;

/// Memory maps one thread costs: its stack and guard page, and std's signal stack and its guard.
const MAPS_PER_THREAD: u64 = 4;

/// Maps and threads left alone for the allocator, the runtime and the rest of the system.
const MAPS_MARGIN: u64 = 1024;
const THREADS_MARGIN: u64 = 256;

/// The tightest limit on new threads, with its name, or `None` where `/proc` does not say.
pub(crate) fn thread_headroom() -> Option<(u64, &'static str)> {
    [map_headroom(), system_thread_headroom()]
        .into_iter()
        .flatten()
        .min_by_key(|(headroom, _)| *headroom)
}

fn map_headroom() -> Option<(u64, &'static str)> {
    let max_maps = read_number("/proc/sys/vm/max_map_count")?;
    let used_maps = fs::read_to_string("/proc/self/maps").ok()?.lines().count() as u64;
    let free_maps = max_maps
        .saturating_sub(used_maps)
        .saturating_sub(MAPS_MARGIN);
    Some((free_maps / MAPS_PER_THREAD, "vm.max_map_count"))
}

fn system_thread_headroom() -> Option<(u64, &'static str)> {
    // The fourth field of /proc/loadavg is "running/total" scheduling entities, threads included.
    let loadavg = fs::read_to_string("/proc/loadavg").ok()?;
    let total = loadavg
        .split_whitespace()
        .nth(3)?
        .split('/')
        .nth(1)?
        .parse::<u64>()
        .ok()?;
    let pid_max = read_number("/proc/sys/kernel/pid_max")?;
    let threads_max = read_number("/proc/sys/kernel/threads-max")?;
    let (limit, name) = if pid_max <= threads_max {
        (pid_max, "kernel.pid_max")
    } else {
        (threads_max, "kernel.threads-max")
    };
    Some((
        limit.saturating_sub(total).saturating_sub(THREADS_MARGIN),
        name,
    ))
}

fn read_number(path: &str) -> Option<u64> {
    fs::read_to_string(path).ok()?.trim().parse().ok()
}
