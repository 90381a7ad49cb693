//! The sweep: generated scenarios, each run many times on a target and checked, with
//! proptest shrinking a failing scenario to a minimal one.

use std::cell::{Cell, RefCell};
use std::time::{Duration, Instant};

use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

use super::checker::{Verdict, check};
use super::report::report;
use super::scenario::{Scenario, Shape, scenarios};
use super::stress::Watch;
use super::targets::Target;

/// How long and how hard to check one target.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// let plan = prodcons_lincheck::Plan { scenarios: 10, ..Default::default() };
/// assert_eq!(plan.runs, 20);
/// ```
#[derive(Clone, Debug)]
pub struct Plan {
    /// The scenarios' size.
    pub shape: Shape,
    /// How many scenarios to generate (before any shrinking).
    pub scenarios: u32,
    /// How many times each scenario runs.
    pub runs: u32,
    /// How runs are watched for blocked operations, and the search steps per history
    /// (`watch.budget`) before a verdict is unknown.
    pub watch: Watch,
    /// Stop generating new scenarios after this long.
    pub time: Option<Duration>,
    /// Seeds the scenario generator, so a sweep can be repeated.
    pub seed: u64,
}

impl Default for Plan {
    fn default() -> Self {
        Self {
            shape: Shape::default(),
            scenarios: 50,
            runs: 20,
            watch: Watch::default(),
            time: None,
            seed: 12,
        }
    }
}

/// What checking one target found.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_lincheck::{Conclusion, Plan, check_target, target};
///
/// let plan = Plan { scenarios: 200, runs: 20, ..Plan::default() };
/// let outcome = check_target(&*target("seeded-bug").unwrap(), &plan, &|_| {});
/// let (scenario, report) = outcome.failure.as_ref().expect("the seeded bug is found");
/// assert!(report.contains("Why it fails"));
/// assert!(!scenario.threads.is_empty());
/// assert_eq!(outcome.conclusion(0), Conclusion::Violation);
/// ```
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The target's name.
    pub target: &'static str,
    /// Scenarios run, shrinking included.
    pub scenarios: u64,
    /// Histories checked.
    pub histories: u64,
    /// Histories the check found linearizable.
    pub passes: u64,
    /// Histories whose check ran out of budget, or were too long to search: neither a pass nor
    /// a violation.
    pub unknown: u64,
    /// Histories no order explains, counting those of the scenarios tried while shrinking.
    pub violations: u64,
    /// Histories in which blocked operations had to be released.
    pub released: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// The minimal failing scenario and the report of its failing history, if one failed.
    pub failure: Option<(Scenario, String)>,
}

impl Outcome {
    /// Whether every history checked was found linearizable: no violation, and no history
    /// whose verdict the check could not reach.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use std::time::Duration;
    /// use prodcons_lincheck::{Plan, Watch, check_target, target};
    ///
    /// let plan = Plan { scenarios: 2, runs: 2, ..Plan::default() };
    /// let outcome = check_target(&*target("blocking").unwrap(), &plan, &|_| {});
    /// assert!(outcome.passed());
    /// assert_eq!(outcome.passes, outcome.histories);
    /// assert_eq!((outcome.unknown, outcome.violations), (0, 0));
    ///
    /// // With a budget of one search step, no verdict is reached, and that is no pass. (Nor
    /// // can the runner's own look at a stuck run decide, so it waits out the hang limit.)
    /// let watch = Watch { budget: 1, hang_limit: Duration::from_millis(50), ..Watch::default() };
    /// let starved = Plan { watch, ..plan };
    /// let outcome = check_target(&*target("blocking").unwrap(), &starved, &|_| {});
    /// assert!(outcome.failure.is_none() && outcome.unknown > 0);
    /// assert!(!outcome.passed());
    /// ```
    pub fn passed(&self) -> bool {
        self.conclusion(0) == Conclusion::Linearizable
    }

    /// What the sweep concluded, when up to `max_unknown` histories may go without a verdict.
    /// A violation is found whatever the unknowns; with more unknowns than allowed, the sweep
    /// is inconclusive, never a pass.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use std::time::Duration;
    /// use prodcons_lincheck::{Conclusion, Plan, Watch, check_target, target};
    ///
    /// let watch = Watch { budget: 1, hang_limit: Duration::from_millis(50), ..Watch::default() };
    /// let starved = Plan { scenarios: 2, runs: 2, watch, ..Plan::default() };
    /// let outcome = check_target(&*target("blocking").unwrap(), &starved, &|_| {});
    /// assert_eq!(outcome.conclusion(0), Conclusion::Inconclusive);
    /// assert_eq!(outcome.conclusion(outcome.unknown), Conclusion::Linearizable);
    /// ```
    pub fn conclusion(&self, max_unknown: u64) -> Conclusion {
        if self.failure.is_some() {
            Conclusion::Violation
        } else if self.unknown > max_unknown {
            Conclusion::Inconclusive
        } else {
            Conclusion::Linearizable
        }
    }
}

/// What a sweep of one target concluded: [`Outcome::conclusion`].
///
/// ```
/// use prodcons_lincheck::Conclusion;
///
/// assert_eq!(Conclusion::Inconclusive.to_string(), "INCONCLUSIVE");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conclusion {
    /// Every history was explained by some order of its operations (or at most the allowed
    /// number went without a verdict).
    Linearizable,
    /// A history no order explains; the outcome's `failure` shows it.
    Violation,
    /// No violation was found, but more histories than allowed went without a verdict: the
    /// sweep did not cover what it set out to.
    Inconclusive,
}

impl std::fmt::Display for Conclusion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Linearizable => "linearizable",
            Self::Violation => "VIOLATION",
            Self::Inconclusive => "INCONCLUSIVE",
        })
    }
}

/// Checks `target` as `plan` says, calling `progress` after each history.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_lincheck::{Plan, check_target, target};
///
/// let plan = Plan { scenarios: 3, runs: 2, ..Plan::default() };
/// let outcome = check_target(&*target("blocking").unwrap(), &plan, &|_| {});
/// assert!(outcome.passed());
/// assert!(outcome.histories >= 6);
/// ```
pub fn check_target(target: &dyn Target, plan: &Plan, progress: &dyn Fn(u64)) -> Outcome {
    let start = Instant::now();
    let (scenarios_run, histories, passes, unknown, violations, released) = (
        Cell::new(0),
        Cell::new(0),
        Cell::new(0),
        Cell::new(0),
        Cell::new(0),
        Cell::new(0),
    );
    let last_failure: RefCell<Option<(Scenario, String)>> = RefCell::new(None);
    let config = Config {
        cases: plan.scenarios,
        failure_persistence: None,
        max_shrink_iters: 200,
        ..Config::default()
    };
    let mut seed = [0; 32];
    seed[..8].copy_from_slice(&plan.seed.to_le_bytes());
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
    let shape = Shape {
        capacities: target.capacities().to_vec(),
        ..plan.shape.clone()
    };
    let strategy = scenarios(&shape, target.ops());
    let result = runner.run(&strategy, |scenario| {
        let shrinking = last_failure.borrow().is_some();
        if !shrinking && plan.time.is_some_and(|time| start.elapsed() >= time) {
            return Ok(());
        }
        scenarios_run.set(scenarios_run.get() + 1);
        let spec = target.spec(scenario.capacity);
        for _ in 0..plan.runs {
            let history = target.run(&scenario, &plan.watch);
            released.set(released.get() + u64::from(history.release().is_some()));
            histories.set(histories.get() + 1);
            progress(histories.get());
            match check(&spec, &history, plan.watch.budget) {
                Verdict::Pass { .. } => passes.set(passes.get() + 1),
                Verdict::Unknown { .. } => unknown.set(unknown.get() + 1),
                Verdict::Fail(failure) => {
                    violations.set(violations.get() + 1);
                    let text = report(&scenario, &history, &failure);
                    *last_failure.borrow_mut() = Some((scenario, text));
                    return Err(TestCaseError::fail("not linearizable"));
                }
            }
        }
        Ok(())
    });
    let failure = match result {
        Err(TestError::Fail(_, minimal)) => {
            let recorded = last_failure.into_inner();
            // The last failing run is the minimal scenario's, unless a shrink step failed to
            // reproduce; then the last report is still a real failure, of a larger scenario.
            recorded.map(|(scenario, text)| {
                if scenario == minimal {
                    (minimal, text)
                } else {
                    (scenario, text)
                }
            })
        }
        _ => None,
    };
    Outcome {
        target: target.name(),
        scenarios: scenarios_run.get(),
        histories: histories.get(),
        passes: passes.get(),
        unknown: unknown.get(),
        violations: violations.get(),
        released: released.get(),
        elapsed: start.elapsed(),
        failure,
    }
}
