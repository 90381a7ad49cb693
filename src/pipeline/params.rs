//! The assignment's three parameters, checked once so that no run can overflow.

use std::fmt;

use super::error::PipelineError;
use super::spawn_order::SpawnOrder;

/// The parameters of `pc(numIters, numProdsCons, capacity)`.
///
/// Building one checks that the expected total sum fits in a `u128`, so a run never overflows.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::{Params, PipelineError};
///
/// let params = Params::new(1000, 50, 10).unwrap();
/// assert_eq!(params.expected_sum(), 24_975_000);
/// assert_eq!(params.to_string(), "pc(1000, 50, 10)");
///
/// assert!(matches!(
///     Params::new(u64::MAX, usize::MAX, 0),
///     Err(PipelineError::SumOverflow { .. })
/// ));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    num_iters: u64,
    num_prods_cons: usize,
    capacity: usize,
    expected_sum: u128,
    spawn_order: SpawnOrder,
}

impl Params {
    /// Checks and bundles the parameters. A `capacity` of 0 means an unbounded buffer.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::Params;
    ///
    /// assert!(Params::new(0, 0, 0).is_ok());
    /// assert!(Params::new(u64::MAX, usize::MAX, 1).is_err());
    /// ```
    pub fn new(
        num_iters: u64,
        num_prods_cons: usize,
        capacity: usize,
    ) -> Result<Self, PipelineError> {
        let overflow = || PipelineError::SumOverflow {
            num_iters,
            num_prods_cons,
        };
        // n * (n - 1) is even, so halving first is exact; both factors fit in u64, so the
        // product fits in u128 and only the final multiplication can overflow.
        let per_producer = u128::from(num_iters) * u128::from(num_iters.saturating_sub(1)) / 2;
        let expected_sum = u128::try_from(num_prods_cons)
            .ok()
            .and_then(|producers| per_producer.checked_mul(producers))
            .ok_or_else(overflow)?;
        Ok(Self {
            num_iters,
            num_prods_cons,
            capacity,
            expected_sum,
            spawn_order: SpawnOrder::default(),
        })
    }

    /// How many items each producer puts, and each consumer takes.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// assert_eq!(prodcons::Params::new(1000, 50, 10).unwrap().num_iters(), 1000);
    /// ```
    pub fn num_iters(&self) -> u64 {
        self.num_iters
    }

    /// How many producers there are, and how many consumers.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// assert_eq!(prodcons::Params::new(1000, 50, 10).unwrap().num_prods_cons(), 50);
    /// ```
    pub fn num_prods_cons(&self) -> usize {
        self.num_prods_cons
    }

    /// The buffer's capacity; 0 means unbounded.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// assert_eq!(prodcons::Params::new(1000, 50, 10).unwrap().capacity(), 10);
    /// ```
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// `numIters * (numIters - 1) / 2 * numProdsCons`, what a correct run sums to.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// assert_eq!(prodcons::Params::new(4, 3, 0).unwrap().expected_sum(), 18);
    /// ```
    pub fn expected_sum(&self) -> u128 {
        self.expected_sum
    }

    /// The same run with its workers started in `order`; [`Params::new`] gives the
    /// assignment's order, [`SpawnOrder::ProducersFirst`].
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{Params, SpawnOrder};
    ///
    /// let params = Params::new(10, 2, 1).unwrap();
    /// assert_eq!(params.spawn_order(), SpawnOrder::ProducersFirst);
    /// let paired = params.with_spawn_order(SpawnOrder::Paired);
    /// assert_eq!(paired.spawn_order(), SpawnOrder::Paired);
    /// assert_eq!(paired.to_string(), "pc(10, 2, 1)");
    /// ```
    #[must_use]
    pub fn with_spawn_order(self, order: SpawnOrder) -> Self {
        Self {
            spawn_order: order,
            ..self
        }
    }

    /// The order in which the run starts its workers.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{Params, SpawnOrder};
    ///
    /// assert_eq!(Params::new(1, 1, 0).unwrap().spawn_order(), SpawnOrder::ProducersFirst);
    /// ```
    pub fn spawn_order(&self) -> SpawnOrder {
        self.spawn_order
    }

    /// How many items pass through the buffer in all: `numIters * numProdsCons`.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// assert_eq!(prodcons::Params::new(1000, 50, 10).unwrap().total_items(), 50_000);
    /// ```
    pub fn total_items(&self) -> u128 {
        // Both factors fit in 64 bits, so the product fits in 128.
        u128::from(self.num_iters) * self.num_prods_cons as u128
    }
}

impl Params {
    /// The buffer's capacity with any excess cut off: a bound above the number of items that
    /// will ever pass through cannot be reached, so cutting it changes nothing and spares a
    /// queue that allocates its slots up front.
    ///
    /// ```
    /// use prodcons::Params;
    ///
    /// assert_eq!(Params::new(10, 2, 1000).unwrap().buffer_bound(), 20);
    /// assert_eq!(Params::new(10, 2, 5).unwrap().buffer_bound(), 5);
    /// assert_eq!(Params::new(10, 2, 0).unwrap().buffer_bound(), 0, "unbounded");
    /// ```
    pub fn buffer_bound(&self) -> usize {
        match usize::try_from(self.total_items()) {
            Ok(total) if total < self.capacity => total.max(1),
            _ => self.capacity,
        }
    }
}

impl fmt::Display for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "pc({}, {}, {})",
            self.num_iters, self.num_prods_cons, self.capacity
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Params;

    #[test]
    fn the_buffer_bound_is_cut_to_the_items_that_can_ever_pass() {
        let bound = |n, p, c| Params::new(n, p, c).unwrap().buffer_bound();
        assert_eq!(bound(10, 2, 5), 5, "a reachable bound is kept");
        assert_eq!(bound(10, 2, 20), 20, "a bound equal to the items is kept");
        assert_eq!(bound(10, 2, 21), 20, "a bound above the items is cut");
        assert_eq!(bound(0, 2, 21), 1, "a cut bound stays bounded");
        assert_eq!(bound(10, 2, 0), 0, "unbounded stays unbounded");
        assert_eq!(
            bound(u64::MAX, 2, usize::MAX),
            usize::MAX,
            "more items than a usize counts"
        );
    }

    #[test]
    fn the_expected_sum_is_exact_at_the_edges() {
        let sum = |n, p| Params::new(n, p, 0).unwrap().expected_sum();
        assert_eq!(sum(0, 5), 0);
        assert_eq!(sum(1, 5), 0);
        assert_eq!(sum(2, 5), 5);
        assert_eq!(sum(1000, 50), 24_975_000);
        let n = u128::from(u64::MAX);
        assert_eq!(sum(u64::MAX, 1), n * (n - 1) / 2);
    }
}
