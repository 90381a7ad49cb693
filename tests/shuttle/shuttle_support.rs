//! What every shuttle scenario shares: the two schedulers, how many schedules each gets, and
//! the checks of the queues' contract on what the consumers received.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use shuttle::scheduler::{PctScheduler, RandomScheduler, Scheduler};
use shuttle::{Config, Runner};

/// Schedules each scheduler runs per scenario and capacity unless `SHUTTLE_ITERATIONS` says
/// otherwise: 5 scenarios × 2 capacities × 2 schedulers × 2,000 = 40,000 schedules a run.
///
/// Chosen so that the whole binary stays well under a minute in a debug build on this
/// project's two shared cores. Measured on 6 December 2026: 1,000 took 8 s and 5,000 took 41 s
/// at a load average of about 3.6, 2,000 took 12.4 s at about 1.8. Each seeded mutant of
/// `ci/mutants/` tried against these scenarios (03, 06, 08, 09, 10, 13, 18) failed within 300
/// schedules. Raise it for a deeper search: for a bug PCT reaches with probability `p` per
/// schedule, `N` schedules miss it with probability `(1 - p)^N`.
pub const DEFAULT_ITERATIONS: usize = 2000;

/// PCT's depth `d` unless `SHUTTLE_PCT_DEPTH` says otherwise: the scheduler places `d - 1`
/// priority change points per schedule, so it finds any bug that needs at most `d` ordering
/// constraints with probability at least `1 / (n * k^(d-1))` per schedule, for `n` threads and
/// `k` steps (here `n` is 5 or 6 and `k` at most 72 to 139). The classic queue bugs need two or
/// three; mutant 18's lost wakeup needs three: at depth 2, 20,000 schedules never found it.
pub const DEFAULT_PCT_DEPTH: usize = 3;

/// A number from the environment, or `None` when it is unset.
///
/// # Panics
///
/// When the variable is set but not a number: a typo must not quietly run the default.
fn from_env<T: std::str::FromStr>(name: &str) -> Option<T> {
    let text = std::env::var(name).ok()?;
    let number = text.trim().parse();
    Some(number.unwrap_or_else(|_| panic!("{name}={text:?} is not a number")))
}

/// Schedules per scheduler: `SHUTTLE_ITERATIONS`, or [`DEFAULT_ITERATIONS`].
pub fn iterations() -> usize {
    from_env("SHUTTLE_ITERATIONS").unwrap_or(DEFAULT_ITERATIONS)
}

/// PCT's depth: `SHUTTLE_PCT_DEPTH`, or [`DEFAULT_PCT_DEPTH`].
pub fn pct_depth() -> usize {
    from_env("SHUTTLE_PCT_DEPTH").unwrap_or(DEFAULT_PCT_DEPTH)
}

/// `SHUTTLE_SEED`, to repeat a run's schedules; unset, each run draws new ones.
fn seed() -> Option<u64> {
    from_env("SHUTTLE_SEED")
}

/// Runs `scenario` under PCT (`shuttle::check_pct`'s scheduler) and then under the uniformly
/// random scheduler (`shuttle::check_random`'s), [`iterations`] schedules each.
///
/// The same as calling those two functions, through a [`Runner`] so that `SHUTTLE_SEED` can
/// seed both and so that a failure says which schedule of how many failed: shuttle prints the
/// failing schedule (replayable with `shuttle::replay`) but not its number.
///
/// `SHUTTLE_SCHEDULER=pct` or `=random` runs only that one, to measure each on its own.
pub fn check(scenario: impl Fn() + Send + Sync + 'static) {
    let scenario = Arc::new(scenario);
    let (iterations, depth) = (iterations(), pct_depth());
    let only = std::env::var("SHUTTLE_SCHEDULER").ok();
    if let Some(name) = &only {
        assert!(
            name == "pct" || name == "random",
            "SHUTTLE_SCHEDULER={name:?}: pct, random, or unset for both"
        );
    }
    if only.as_deref() != Some("random") {
        let pct = match seed() {
            Some(seed) => PctScheduler::new_from_seed(seed, depth, iterations),
            None => PctScheduler::new(depth, iterations),
        };
        run(&format!("PCT (depth {depth})"), pct, &scenario);
    }
    if only.as_deref() != Some("pct") {
        let random = match seed() {
            Some(seed) => RandomScheduler::new_from_seed(seed, iterations),
            None => RandomScheduler::new(iterations),
        };
        run("random", random, &scenario);
    }
}

/// Schedules run so far by every check of this process: with one test selected
/// (`--exact NAME`), how far into it a failure came, across its capacities and schedulers.
static SCHEDULES_RUN: AtomicUsize = AtomicUsize::new(0);

/// Runs `scenario` on every schedule `scheduler` draws, counting them.
fn run<S: Scheduler + 'static>(
    name: &str,
    scheduler: S,
    scenario: &Arc<impl Fn() + Send + Sync + 'static>,
) {
    // std's atomic, outside the model: shuttle calls the closure once per schedule, on the
    // schedule's main thread, so this counts schedules and adds no step to any of them.
    let schedules = Arc::new(AtomicUsize::new(0));
    let before = SCHEDULES_RUN.load(Ordering::Relaxed);
    let runner = Runner::new(scheduler, Config::new());
    let body = {
        let (schedules, scenario) = (Arc::clone(&schedules), Arc::clone(scenario));
        move || {
            schedules.fetch_add(1, Ordering::Relaxed);
            SCHEDULES_RUN.fetch_add(1, Ordering::Relaxed);
            scenario();
        }
    };
    if let Err(panic) = catch_unwind(AssertUnwindSafe(|| runner.run(body))) {
        eprintln!(
            "shuttle: {name} failed on schedule {} of {} (schedule {} of this process, which \
             had run {before} before this check)",
            schedules.load(Ordering::Relaxed),
            iterations(),
            SCHEDULES_RUN.load(Ordering::Relaxed),
        );
        resume_unwind(panic);
    }
}

/// An item: which producer put it, and its place in that producer's sequence.
pub type Item = (usize, usize);

/// The items producer `producer` puts, in order.
pub fn items_of(producer: usize, count: usize) -> impl Iterator<Item = Item> {
    (0..count).map(move |seq| (producer, seq))
}

/// Checks what a close that raced the consumers left behind: each consumer's items and
/// whether its last `get` failed (`consumers`), and what the queue still held (`left`). A get
/// fails only on the closed, drained queue, so nothing may be left once one failed; and every
/// accepted item came out exactly once, from a consumer or from what was left, in producer
/// order ([`assert_received_exactly_once_in_order`]).
///
/// # Panics
///
/// On the first violation.
pub fn assert_close_lost_nothing(
    accepted: &[Item],
    consumers: impl IntoIterator<Item = (Vec<Item>, bool)>,
    left: Vec<Item>,
) {
    let mut received = Vec::new();
    let mut a_get_failed = false;
    for (got, failed) in consumers {
        received.push(got);
        a_get_failed |= failed;
    }
    assert!(
        !a_get_failed || left.is_empty(),
        "a get failed while {left:?} were still in the queue"
    );
    received.push(left);
    assert_received_exactly_once_in_order(accepted, &received);
}

/// Checks the contract on what came out of a queue: every item in `accepted` (the puts that
/// returned `Ok`) came out exactly once, nothing else came out, and each consumer's items
/// (and what was left in the queue) keep each producer's order.
///
/// # Panics
///
/// On the first violation, with what was received.
pub fn assert_received_exactly_once_in_order(accepted: &[Item], received: &[Vec<Item>]) {
    for (consumer, items) in received.iter().enumerate() {
        let mut last: BTreeMap<usize, usize> = BTreeMap::new();
        for &(producer, seq) in items {
            if let Some(&before) = last.get(&producer) {
                assert!(
                    before < seq,
                    "consumer {consumer} got producer {producer}'s item {seq} after its item \
                     {before}: {received:?}"
                );
            }
            last.insert(producer, seq);
        }
    }
    let mut out: Vec<Item> = received.iter().flatten().copied().collect();
    let mut expected = accepted.to_vec();
    out.sort_unstable();
    expected.sort_unstable();
    assert_eq!(
        out, expected,
        "received (left) is not what was put (right), each exactly once: {received:?}"
    );
}
