//! What machine the numbers come from, read from Linux's `/proc` and `/etc/os-release`.

use std::fs;
use std::process::Command;
use std::thread;

/// The machine a report was measured on. Anything that cannot be read is "unknown".
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// let machine = prodcons_bench::Machine::detect();
/// assert!(machine.cores >= 1);
/// assert!(!machine.cpu.is_empty());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Machine {
    /// Cores this process may use.
    pub cores: usize,
    /// The CPU model, from `/proc/cpuinfo`.
    pub cpu: String,
    /// The OS and kernel release.
    pub os: String,
    /// Total memory, from `/proc/meminfo`.
    pub memory: String,
    /// `rustc --version`, if rustc is on the PATH.
    pub rustc: String,
    /// `python3 --version`, if python3 is on the PATH.
    pub python: String,
}

const UNKNOWN: &str = "unknown";

impl Machine {
    /// Reads what it can about this machine.
    pub fn detect() -> Self {
        let distribution = fs::read_to_string("/etc/os-release")
            .ok()
            .and_then(|release| {
                release.lines().find_map(|line| {
                    let name = line.strip_prefix("PRETTY_NAME=")?;
                    Some(name.trim_matches('"').to_owned())
                })
            });
        let kernel = fs::read_to_string("/proc/sys/kernel/osrelease")
            .ok()
            .map(|release| format!("Linux {}", release.trim()));
        let os = match (distribution, kernel) {
            (Some(distribution), Some(kernel)) => format!("{distribution}, {kernel}"),
            (one, other) => one
                .or(other)
                .unwrap_or_else(|| std::env::consts::OS.to_owned()),
        };
        let memory = fs::read_to_string("/proc/meminfo").ok().and_then(|info| {
            let line = info.lines().find(|line| line.starts_with("MemTotal:"))?;
            let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(format!("{:.1} GiB", kib / (1024.0 * 1024.0)))
        });
        Self {
            cores: thread::available_parallelism().map_or(1, usize::from),
            cpu: cpu_model(),
            os,
            memory: memory.unwrap_or_else(|| UNKNOWN.to_owned()),
            rustc: version_of("rustc"),
            python: version_of("python3"),
        }
    }
}

/// The CPU model from `/proc/cpuinfo`, or "unknown".
pub(crate) fn cpu_model() -> String {
    let cpu = fs::read_to_string("/proc/cpuinfo").ok().and_then(|info| {
        info.lines()
            .find(|line| line.starts_with("model name"))
            .and_then(|line| line.split_once(':'))
            .map(|(_, model)| model.trim().to_owned())
    });
    cpu.unwrap_or_else(|| UNKNOWN.to_owned())
}

/// `PROGRAM --version`'s first line, or "unknown".
fn version_of(program: &str) -> String {
    Command::new(program)
        .arg("--version")
        .output()
        .ok()
        .filter(|output| output.status.success())
        .and_then(|output| {
            // Old Pythons print their version on stderr.
            let text = [output.stdout, output.stderr].concat();
            let text = String::from_utf8_lossy(&text);
            text.lines().next().map(|line| line.trim().to_owned())
        })
        .filter(|line| !line.is_empty())
        .unwrap_or_else(|| UNKNOWN.to_owned())
}
