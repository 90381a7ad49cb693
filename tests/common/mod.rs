//! What every loom model shares: the model builder with its preemption bound, and the
//! capacities each scenario runs at.

#![allow(dead_code)] // Each loom test file uses a part.

/// Preemptions loom explores per execution unless `LOOM_MAX_PREEMPTIONS` says otherwise.
///
/// Loom's cost grows steeply with this bound. The classic queue bugs need one or two badly
/// placed switches (a lost wakeup one, a check-then-wait race two); three leaves a margin.
/// Measured on this project's two-core machine, the models take about 3 s to run at bound 2,
/// 20 s at 3 and 2 minutes at 4. To search deeper, run
/// `LOOM_MAX_PREEMPTIONS=4 RUSTFLAGS="--cfg loom" cargo test`.
pub const DEFAULT_PREEMPTION_BOUND: usize = 3;

/// The capacities every queue scenario runs at: unbounded, and the two smallest bounds.
pub const CAPACITIES: [usize; 3] = [0, 1, 2];

/// Explores every interleaving of `model` within the preemption bound.
///
/// Like `loom::model`, it honours the LOOM_* environment variables, LOOM_LOG included.
pub fn model(model: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    // `Builder::new` already read LOOM_MAX_PREEMPTIONS; only fill in our default.
    builder
        .preemption_bound
        .get_or_insert(DEFAULT_PREEMPTION_BOUND);
    let logger = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("LOOM_LOG"))
        .with_test_writer()
        .without_time()
        .finish();
    tracing::subscriber::with_default(logger, || builder.check(model));
}

/// Runs `scenario` as its own model at each of [`CAPACITIES`].
pub fn run_test(scenario: impl Fn(usize) + Copy + Sync + Send + 'static) {
    for capacity in CAPACITIES {
        model(move || scenario(capacity));
    }
}
