//! What every loom model shares: the model builder with its preemption bound, and the
//! capacities each scenario runs at.

/// Preemptions loom explores per execution unless `LOOM_MAX_PREEMPTIONS` says otherwise.
///
/// Loom's cost grows steeply with this bound. The classic queue bugs need one or two badly
/// placed switches (a lost wakeup one, a check-then-wait race two); three leaves a margin.
/// Measured in a fresh clone on this project's two-core AMD EPYC, every model together takes
/// 116 s with the defaults (this bound, and [`WIDE_PREEMPTION_BOUND`] for the widest), 102 s
/// of it in `loom_queues`, which runs each shared scenario on both queues. An earlier,
/// smaller set of models took 3 minutes at bound 4 without the two MPMC ones; the async MPMC
/// model alone had not finished after 10 minutes. To search
/// deeper, run `LOOM_MAX_PREEMPTIONS=4 RUSTFLAGS="--cfg loom" cargo test -- --skip mpmc`.
pub const DEFAULT_PREEMPTION_BOUND: usize = 3;

/// The default bound for the widest models, main + 3 threads, unless `LOOM_MAX_PREEMPTIONS`
/// says otherwise.
///
/// Each thread multiplies the interleavings, so these get one preemption less: measured here,
/// the async MPMC model takes 15 s at bound 2, 167 s at 3, and more than 10 minutes at 4. Two
/// still covers the classic two-switch races, and the same scenarios with fewer threads run at
/// the full bound.
pub const WIDE_PREEMPTION_BOUND: usize = 2;

/// The capacities every queue scenario runs at: unbounded, and the two smallest bounds.
pub const CAPACITIES: [usize; 3] = [0, 1, 2];

/// The capacities of the scenarios that need a queue that can be full.
pub const BOUNDED_CAPACITIES: [usize; 2] = [1, 2];

/// Explores every interleaving of `model` within the preemption bound.
///
/// Like `loom::model`, it honours the LOOM_* environment variables, LOOM_LOG included.
pub fn model(model: impl Fn() + Sync + Send + 'static) {
    model_with_bound(DEFAULT_PREEMPTION_BOUND, model);
}

/// Like [`model`], with `default_bound` preemptions unless `LOOM_MAX_PREEMPTIONS` is set.
pub fn model_with_bound(default_bound: usize, model: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    // `Builder::new` already read LOOM_MAX_PREEMPTIONS; only fill in our default.
    builder.preemption_bound.get_or_insert(default_bound);
    let logger = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("LOOM_LOG"))
        .with_test_writer()
        .without_time()
        .finish();
    tracing::subscriber::with_default(logger, || builder.check(model));
}

/// Runs `scenario` as its own model at each of [`CAPACITIES`].
pub fn run_test(scenario: impl Fn(usize) + Copy + Sync + Send + 'static) {
    run_test_with_bound(DEFAULT_PREEMPTION_BOUND, scenario);
}

/// Like [`run_test`], for main + 3 threads, at [`WIDE_PREEMPTION_BOUND`].
pub fn run_wide_test(scenario: impl Fn(usize) + Copy + Sync + Send + 'static) {
    run_test_with_bound(WIDE_PREEMPTION_BOUND, scenario);
}

/// Like [`run_test`], at [`BOUNDED_CAPACITIES`] only: for scenarios that fill the queue.
pub fn run_bounded_test(scenario: impl Fn(usize) + Copy + Sync + Send + 'static) {
    for capacity in BOUNDED_CAPACITIES {
        model(move || scenario(capacity));
    }
}

fn run_test_with_bound(
    default_bound: usize,
    scenario: impl Fn(usize) + Copy + Sync + Send + 'static,
) {
    for capacity in CAPACITIES {
        model_with_bound(default_bound, move || scenario(capacity));
    }
}
