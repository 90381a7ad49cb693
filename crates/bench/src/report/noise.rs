//! How far the noise of a shared machine reaches: bootstrap intervals for ratios of medians,
//! outlying runs.

use std::time::Duration;

use crate::Summary;

/// Resamples per interval: enough for stable 2.5% and 97.5% percentiles.
const RESAMPLES: usize = 2000;

/// A ratio of medians with its bootstrap 95% interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Interval {
    pub(crate) ratio: f64,
    pub(crate) low: f64,
    pub(crate) high: f64,
}

impl Interval {
    /// Whether the interval lies wholly above 1 (`Some(true)`), wholly below (`Some(false)`), or
    /// straddles it, where the data cannot tell the two apart (`None`).
    pub(crate) fn above_one(&self) -> Option<bool> {
        if self.low > 1.0 {
            Some(true)
        } else if self.high < 1.0 {
            Some(false)
        } else {
            None
        }
    }

    /// "2.31 [2.10, 2.52]", for a table whose header names the interval with [`WITHIN_ONE_SWEEP`].
    pub(crate) fn shown(&self) -> String {
        format!("{:.2} [{:.2}, {:.2}]", self.ratio, self.low, self.high)
    }

    /// "2.31 [2.10, 2.52], 95% interval within one sweep", for prose, where no header says what
    /// the brackets are.
    pub(crate) fn labelled(&self) -> String {
        format!("{}, {WITHIN_ONE_SWEEP}", self.shown())
    }
}

/// What every bracketed interval is: the bootstrap resamples one sweep's timed runs, so it says
/// how well that sweep pins its median down, not how far another sweep's median may land.
pub(crate) const WITHIN_ONE_SWEEP: &str = "95% interval within one sweep";

/// The median of `a` over the median of `b`, with a percentile bootstrap interval: each side's
/// runs are resampled with replacement. The generator is seeded, so a report is reproducible
/// from its data.
pub(crate) fn ratio_interval(a: &[Duration], b: &[Duration]) -> Option<Interval> {
    let ratio = median(a)? / median(b)?;
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut ratios: Vec<f64> = (0..RESAMPLES)
        .filter_map(|_| Some(median(&rng.resample(a))? / median(&rng.resample(b))?))
        .filter(|ratio| ratio.is_finite())
        .collect();
    ratios.sort_by(f64::total_cmp);
    let at = |q: f64| {
        ratios
            .get(((ratios.len() - 1) as f64 * q).round() as usize)
            .copied()
    };
    Some(Interval {
        ratio,
        low: at(0.025)?,
        high: at(0.975)?,
    })
}

fn median(times: &[Duration]) -> Option<f64> {
    let summary = Summary::of(times)?;
    let seconds = summary.median.as_secs_f64();
    (seconds > 0.0).then_some(seconds)
}

/// Which side of a cell's median an outlying run fell on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outlier {
    /// A run took more than three times the median.
    Slow,
    /// A run took less than a third of the median.
    Fast,
}

/// The outliers of a cell: a run over three times its median, a run under a third of it, or
/// both. One such run says nothing about modes, only that the cell's range is not its spread.
pub(crate) fn outliers(summary: &Summary) -> Vec<Outlier> {
    let mut found = Vec::new();
    if summary.max > summary.median * 3 {
        found.push(Outlier::Slow);
    }
    if summary.min * 3 < summary.median {
        found.push(Outlier::Fast);
    }
    found
}

/// A small seeded generator: the bootstrap needs reproducible, not cryptographic, draws.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn resample(&mut self, times: &[Duration]) -> Vec<Duration> {
        (0..times.len())
            .map(|_| times[(self.next() % times.len() as u64) as usize])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(values: &[u64]) -> Vec<Duration> {
        values.iter().map(|&v| Duration::from_millis(v)).collect()
    }

    #[test]
    fn separated_samples_give_an_interval_that_excludes_one() {
        let slow = ms(&[20, 21, 22, 20, 21, 23, 22]);
        let fast = ms(&[10, 11, 10, 12, 11, 10, 11]);
        let interval = ratio_interval(&slow, &fast).unwrap();
        assert!((interval.ratio - 21.0 / 11.0).abs() < 1e-9);
        assert!(interval.low <= interval.ratio && interval.ratio <= interval.high);
        assert_eq!(interval.above_one(), Some(true));
        let reversed = ratio_interval(&fast, &slow).unwrap();
        assert_eq!(reversed.above_one(), Some(false));
    }

    #[test]
    fn overlapping_samples_cannot_be_told_apart() {
        let a = ms(&[10, 14, 9, 13, 11, 15, 10]);
        let b = ms(&[11, 9, 14, 10, 13, 12, 15]);
        assert_eq!(ratio_interval(&a, &b).unwrap().above_one(), None);
        assert!(ratio_interval(&[], &b).is_none());
    }

    #[test]
    fn a_run_past_three_medians_or_under_a_third_is_an_outlier() {
        let calm = Summary::of(&ms(&[10, 11, 12])).unwrap();
        let slow = Summary::of(&ms(&[10, 11, 40])).unwrap();
        let fast = Summary::of(&ms(&[3, 11, 12])).unwrap();
        let both = Summary::of(&ms(&[3, 10, 11, 12, 40])).unwrap();
        assert_eq!(outliers(&calm), []);
        assert_eq!(outliers(&slow), [Outlier::Slow]);
        assert_eq!(outliers(&fast), [Outlier::Fast]);
        assert_eq!(outliers(&both), [Outlier::Slow, Outlier::Fast]);
    }

    #[test]
    fn a_labelled_interval_says_it_is_from_one_sweep() {
        let interval = Interval {
            ratio: 1.47,
            low: 1.46,
            high: 1.48,
        };
        assert_eq!(interval.shown(), "1.47 [1.46, 1.48]");
        assert_eq!(
            interval.labelled(),
            "1.47 [1.46, 1.48], 95% interval within one sweep"
        );
    }
}
