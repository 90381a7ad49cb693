//! The counting pass: what explains a contender's time on a cell, measured in a fresh process
//! after that cell's timed runs, so that the timings stay unperturbed.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::child::{self, ChildFailure};
use prodcons::{Outcome, Params, PipelineError};
use prodcons_peers::Implementation;

/// What one counted run of a contender on a cell saw, from a fresh process.
///
/// A wait is a put that found the buffer full or a get that found it empty (see
/// [`Counts`](prodcons::Counts)); the Python references count them the same way. Context switches
/// come from `getrusage` around the run, for every thread of the process. Resident memory is
/// the process's peak, with what it held before the run began beside it.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::Params;
/// use prodcons_peers::Implementation;
/// use prodcons_bench::Mechanism;
///
/// let params = Params::new(100, 4, 0).unwrap();
/// let (_, mechanism) = Mechanism::measure_here(Implementation::Tasks, &params).unwrap();
/// assert_eq!(mechanism.peak_len, 400);
/// assert!(mechanism.peak_rss_bytes >= mechanism.rss_before_bytes);
/// assert_eq!(mechanism.waits_per_item(&params), 0.0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Mechanism {
    /// Puts that found the buffer full.
    pub put_waits: u64,
    /// Gets that found the buffer empty.
    pub get_waits: u64,
    /// The most items the buffer held, sampled after every put.
    pub peak_len: u64,
    /// Context switches the process made because it had to wait (`ru_nvcsw`).
    pub voluntary_switches: u64,
    /// Context switches the scheduler imposed (`ru_nivcsw`).
    pub involuntary_switches: u64,
    /// Peak resident memory of the process before the run began, in bytes.
    pub rss_before_bytes: u64,
    /// Peak resident memory of the process by the end of the run, in bytes.
    pub peak_rss_bytes: u64,
    /// Wakeups after which the woken waiter found its condition false again and waited
    /// again, or `None` where the channel cannot tell (crossbeam's blocking paths).
    #[serde(default)]
    pub futile_wakeups: Option<u64>,
    /// The mean number of the process's threads that were runnable (on a core, or waiting
    /// for one), sampled from `/proc` by the harness every few milliseconds while the counting
    /// child ran; `None` where it could not look, or when measured in-process.
    #[serde(default)]
    pub runnable_threads: Option<f64>,
}

impl Mechanism {
    /// Runs `implementation` once in counting mode in this process, and measures it; the
    /// outcome comes with it, so that the caller can check the sum.
    ///
    /// `prodcons count` calls this in the fresh process that the counting pass starts.
    ///
    /// # Errors
    ///
    /// Whatever the run itself reports, such as [`PipelineError::TooManyTasks`].
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{Params, PipelineError};
    /// use prodcons_peers::Implementation;
    /// use prodcons_bench::Mechanism;
    ///
    /// let params = Params::new(50, 2, 1).unwrap();
    /// let (outcome, counted) = Mechanism::measure_here(Implementation::Threads, &params).unwrap();
    /// assert!(outcome.is_correct());
    /// assert_eq!(counted.peak_len, 1);
    /// let huge = Params::new(1, usize::MAX, 0).unwrap();
    /// assert!(matches!(
    ///     Mechanism::measure_here(Implementation::Tasks, &huge),
    ///     Err(PipelineError::TooManyTasks { .. })
    /// ));
    /// ```
    pub fn measure_here(
        implementation: Implementation,
        params: &Params,
    ) -> Result<(Outcome, Self), PipelineError> {
        let before = usage::now();
        let (outcome, counts) = implementation.pipeline().run_counted(params)?;
        let after = usage::now();
        let mechanism = Self {
            put_waits: counts.put_waits,
            get_waits: counts.get_waits,
            peak_len: counts.peak_len as u64,
            voluntary_switches: after.voluntary.saturating_sub(before.voluntary),
            involuntary_switches: after.involuntary.saturating_sub(before.involuntary),
            rss_before_bytes: before.peak_rss_bytes,
            peak_rss_bytes: after.peak_rss_bytes,
            futile_wakeups: counts.futile_wakeups,
            runnable_threads: None,
        };
        Ok((outcome, mechanism))
    }

    /// Waits of both kinds per item moved.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::Params;
    /// use prodcons_bench::Mechanism;
    ///
    /// let counted = Mechanism { put_waits: 3, get_waits: 1, ..Mechanism::default() };
    /// assert_eq!(counted.waits_per_item(&Params::new(2, 1, 1).unwrap()), 2.0);
    /// ```
    pub fn waits_per_item(&self, params: &Params) -> f64 {
        per_item(self.put_waits + self.get_waits, params)
    }

    /// Context switches of both kinds per item moved.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::Params;
    /// use prodcons_bench::Mechanism;
    ///
    /// let counted = Mechanism { voluntary_switches: 3, involuntary_switches: 1, ..Mechanism::default() };
    /// assert_eq!(counted.switches_per_item(&Params::new(4, 1, 1).unwrap()), 1.0);
    /// ```
    pub fn switches_per_item(&self, params: &Params) -> f64 {
        per_item(self.voluntary_switches + self.involuntary_switches, params)
    }
}

/// A count over the items the run moved; 0 for a run that moved none.
pub(crate) fn per_item(count: u64, params: &Params) -> f64 {
    match params.total_items() {
        0 => 0.0,
        items => count as f64 / items as f64,
    }
}

/// The line `prodcons count` and the Python references' counting mode print.
pub(crate) const COUNTS_PREFIX: &str = "counts=";

/// Formats `mechanism` as the one line a counting child prints.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_bench::{Mechanism, counts_line};
///
/// assert!(counts_line(&Mechanism::default()).starts_with("counts={"));
/// ```
pub fn counts_line(mechanism: &Mechanism) -> String {
    // Serializing a struct of integers cannot fail.
    let json = serde_json::to_string(mechanism).unwrap_or_default();
    format!("{COUNTS_PREFIX}{json}")
}

/// Reads the `counts=` line a counting child printed.
pub(crate) fn parse_counts(stdout: &str) -> Result<Mechanism, String> {
    let json = stdout
        .lines()
        .find_map(|line| line.strip_prefix(COUNTS_PREFIX))
        .ok_or_else(|| format!("no line starting {COUNTS_PREFIX:?}"))?;
    serde_json::from_str(json).map_err(|error| format!("unreadable counts: {error}"))
}

/// Runs `implementation` in counting mode in a fresh `prodcons count` process.
pub(crate) fn count_in_child(
    exe: &Path,
    implementation: Implementation,
    params: &Params,
    limit: Duration,
) -> Result<Mechanism, ChildFailure> {
    let mut command = Command::new(exe);
    command
        .args(["count", "--impl", implementation.name()])
        .args(["--spawn", params.spawn_order().name()])
        .args([
            params.num_iters().to_string(),
            params.num_prods_cons().to_string(),
            params.capacity().to_string(),
        ]);
    let (stdout, runnable_threads) = child::run_sampling_runnable(command, limit)?;
    let mechanism = parse_counts(&stdout).map_err(ChildFailure::Broken)?;
    Ok(Mechanism {
        runnable_threads,
        ..mechanism
    })
}

/// The process's resource usage, read without `unsafe` through nix where it exists.
mod usage {
    pub(super) struct Usage {
        pub(super) voluntary: u64,
        pub(super) involuntary: u64,
        pub(super) peak_rss_bytes: u64,
    }

    #[cfg(unix)]
    pub(super) fn now() -> Usage {
        use nix::sys::resource::{UsageWho, getrusage};
        match getrusage(UsageWho::RUSAGE_SELF) {
            Ok(usage) => Usage {
                voluntary: usage.voluntary_context_switches().try_into().unwrap_or(0),
                involuntary: usage.involuntary_context_switches().try_into().unwrap_or(0),
                peak_rss_bytes: own_peak_rss().unwrap_or_else(|| max_rss_bytes(usage.max_rss())),
            },
            Err(_) => unknown(),
        }
    }

    /// This process image's own peak resident memory, `VmHWM` in `/proc/self/status`. Linux
    /// carries `ru_maxrss` across `execve`, so in a fresh child it starts at whatever the
    /// parent held when it forked (the whole bench harness); `VmHWM` belongs to the new image.
    fn own_peak_rss() -> Option<u64> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib * 1024)
    }

    /// `ru_maxrss` is in KiB on Linux and in bytes on macOS.
    #[cfg(unix)]
    fn max_rss_bytes(max_rss: nix::libc::c_long) -> u64 {
        let value = u64::try_from(max_rss).unwrap_or(0);
        if cfg!(target_os = "macos") {
            value
        } else {
            value.saturating_mul(1024)
        }
    }

    #[cfg(not(unix))]
    pub(super) fn now() -> Usage {
        unknown()
    }

    /// Zeros, which the report shows as no switches and no memory: never mistaken for data,
    /// since a real process always holds some memory.
    fn unknown() -> Usage {
        Usage {
            voluntary: 0,
            involuntary: 0,
            peak_rss_bytes: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counts_line_reads_back_as_written() {
        let mechanism = Mechanism {
            put_waits: 1,
            get_waits: 2,
            peak_len: 3,
            voluntary_switches: 4,
            involuntary_switches: 5,
            rss_before_bytes: 6,
            peak_rss_bytes: 7,
            futile_wakeups: Some(8),
            runnable_threads: None,
        };
        let printed = format!("The computed total sum is 1\n{}\n", counts_line(&mechanism));
        assert_eq!(parse_counts(&printed), Ok(mechanism));
        assert!(parse_counts("nothing here").is_err());
        assert!(parse_counts("counts={\"put_waits\": 1}").is_err());
    }
}
