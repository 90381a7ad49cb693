//! The main side's last step in both drivers: add up the consumers' sums and judge the run.

use std::time::Instant;

use super::error::PipelineError;
use super::outcome::Outcome;
use super::params::Params;

/// The consumers' sums as they arrive on the result queue.
pub(crate) struct Tally {
    sum: u128,
    received: usize,
    due: usize,
}

impl Tally {
    /// Expects one sum per consumer.
    pub(crate) fn new(params: &Params) -> Self {
        Self {
            sum: 0,
            received: 0,
            due: params.num_prods_cons(),
        }
    }

    pub(crate) fn wants_more(&self) -> bool {
        self.received < self.due
    }

    pub(crate) fn add(&mut self, sum: u128) {
        // Saturating: a buggy queue that duplicates items must show up as a wrong sum, not as
        // an overflow panic.
        self.sum = self.sum.saturating_add(sum);
        self.received += 1;
    }

    /// The outcome, once every worker has been joined; a missing sum means the run failed.
    pub(crate) fn into_outcome(
        self,
        params: &Params,
        start: Instant,
    ) -> Result<Outcome, PipelineError> {
        if self.wants_more() {
            return Err(PipelineError::MissingResults {
                received: self.received,
                expected: self.due,
            });
        }
        Ok(Outcome {
            computed_sum: self.sum,
            expected_sum: params.expected_sum(),
            elapsed: start.elapsed(),
        })
    }
}
