//! Median, minimum and maximum of a cell's timed runs.

use std::time::Duration;

/// What a contender's timed runs on one cell came to.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use std::time::Duration;
/// use prodcons_bench::Summary;
///
/// let ms = Duration::from_millis;
/// let summary = Summary::of(&[ms(30), ms(10), ms(20), ms(40)]).unwrap();
/// assert_eq!((summary.runs, summary.median), (4, ms(25)));
/// assert_eq!((summary.min, summary.max), (ms(10), ms(40)));
/// assert!(Summary::of(&[]).is_none());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Summary {
    /// How many timed runs there were (warm-ups not counted).
    pub runs: usize,
    /// The middle run; for an even count, the mean of the two middle ones.
    pub median: Duration,
    /// The fastest run.
    pub min: Duration,
    /// The slowest run.
    pub max: Duration,
}

impl Summary {
    /// Summarises the timed runs; `None` when there are none.
    pub fn of(times: &[Duration]) -> Option<Self> {
        let mut sorted = times.to_vec();
        sorted.sort_unstable();
        let (&min, &max) = (sorted.first()?, sorted.last()?);
        let middle = sorted.len() / 2;
        let median = if sorted.len() % 2 == 1 {
            sorted[middle]
        } else {
            (sorted[middle - 1] + sorted[middle]) / 2
        };
        Some(Self {
            runs: sorted.len(),
            median,
            min,
            max,
        })
    }
}
