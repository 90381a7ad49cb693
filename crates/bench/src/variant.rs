//! The schedule a row was measured under: the spawn order, the cores it could use, and the busy
//! threads beside it.

use std::fmt;

use super::cores::Cores;
use prodcons::SpawnOrder;

/// A schedule for one lane of a sweep. The default is the assignment's: every producer, then
/// every consumer, on every core.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::SpawnOrder;
/// use prodcons_bench::{Cores, Variant};
///
/// assert_eq!(Variant::default().to_string(), "producers-first, all cores");
/// let paired = Variant { spawn: SpawnOrder::Paired, ..Variant::default() };
/// assert_eq!(paired.to_string(), "paired, all cores");
/// assert!(!paired.is_default());
/// assert!(Variant::default().is_default());
/// let one = Variant { cores: Cores::One, ..Variant::default() };
/// assert_eq!(one.short_name(), "1 core");
/// let loaded = Variant { load: 2, ..Variant::default() };
/// assert_eq!(loaded.short_name(), "load 2");
/// assert_eq!(loaded.to_string(), "producers-first, all cores, load 2");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Variant {
    /// The order the workers are started in.
    pub spawn: SpawnOrder,
    /// The cores the run may use.
    pub cores: Cores,
    /// Busy threads started (on the same cores) before each of the lane's runs and stopped
    /// after it, at most [`MAX_LOAD`](crate::MAX_LOAD); 0 for an idle machine.
    pub load: usize,
}

impl Variant {
    /// Whether this is the assignment's schedule on every core.
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// What sets this variant apart from the default, for table columns: `paired`,
    /// `1 core`, `load 2`, several of them, or `default`.
    pub fn short_name(&self) -> String {
        let mut parts = Vec::new();
        if self.spawn != SpawnOrder::default() {
            parts.push(self.spawn.to_string());
        }
        if self.cores != Cores::default() {
            parts.push(self.cores.to_string());
        }
        if self.load > 0 {
            parts.push(format!("load {}", self.load));
        }
        if parts.is_empty() {
            "default".to_owned()
        } else {
            parts.join(", ")
        }
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, {}", self.spawn, self.cores)?;
        if self.load > 0 {
            write!(f, ", load {}", self.load)?;
        }
        Ok(())
    }
}
