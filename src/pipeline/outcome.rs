//! What a run reports, printed the way the assignment prints it.

use std::fmt;
use std::time::Duration;

/// The result of one run of `pc`: the two sums the assignment prints, and how long it took.
///
/// Its `Display` is the assignment's three lines:
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use std::time::Duration;
/// use prodcons::Outcome;
///
/// let outcome = Outcome {
///     computed_sum: 24_975_000,
///     expected_sum: 24_975_000,
///     elapsed: Duration::from_millis(550),
/// };
/// assert!(outcome.is_correct());
/// assert_eq!(
///     outcome.to_string(),
///     "The computed total sum is 24975000\n\
///      The expected total sum is 24975000\n\
///      Elapsed time 0.55 sec"
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The sum of the consumers' sums.
    pub computed_sum: u128,
    /// `numIters * (numIters - 1) / 2 * numProdsCons`.
    pub expected_sum: u128,
    /// From creating the queues to having joined every worker.
    pub elapsed: Duration,
}

impl Outcome {
    /// Whether the computed sum equals the expected one.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use std::time::Duration;
    /// use prodcons::Outcome;
    ///
    /// let right = Outcome { computed_sum: 3, expected_sum: 3, elapsed: Duration::ZERO };
    /// let wrong = Outcome { computed_sum: 2, ..right };
    /// assert!(right.is_correct());
    /// assert!(!wrong.is_correct());
    /// ```
    pub fn is_correct(&self) -> bool {
        self.computed_sum == self.expected_sum
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "The computed total sum is {}", self.computed_sum)?;
        writeln!(f, "The expected total sum is {}", self.expected_sum)?;
        write!(f, "Elapsed time {} sec", python_round3(self.elapsed))
    }
}

/// Seconds as Python prints `round(x, 3)`: at most three decimals, trailing zeros dropped, and
/// always at least one decimal, so that our output matches the assignment's line for line.
pub(crate) fn python_round3(elapsed: Duration) -> String {
    round3(elapsed.as_secs_f64())
}

fn round3(seconds: f64) -> String {
    // `{:.3}` rounds the exact binary value half-to-even, as Python's `round` does.
    let fixed = format!("{seconds:.3}");
    let trimmed = fixed.trim_end_matches('0');
    if trimmed.ends_with('.') {
        format!("{trimmed}0")
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::round3;

    #[test]
    fn matches_python_round_to_three_places() {
        // Each right-hand side is what CPython 3.11 prints for `round(x, 3)`.
        for (seconds, python) in [
            (0.0625, "0.062"),
            (0.0005, "0.001"),
            (0.0015, "0.002"),
            (2.0005, "2.001"),
            (1.2345, "1.234"),
            (0.55, "0.55"),
            (0.051, "0.051"),
            (2.0, "2.0"),
            (0.0, "0.0"),
            (0.9995, "1.0"),
            (12345.6789, "12345.679"),
            (0.1235, "0.123"),
        ] {
            assert_eq!(round3(seconds), python, "round({seconds}, 3)");
        }
    }
}
