//! The peers' targets can fail. A sweep that passes says something only if the same sweep
//! would report the target were it wrong; as `seeded-bug` shows for the runner, these tests
//! show it for the peers whose adapters run the crates' own blocking paths: each is held to a
//! specification it does not meet, one that differs from its own in a single rule, and the
//! sweep must report a violation. Its runs are the target's own, released as its own
//! specification says; only the verdict uses the wrong one.

use std::time::Duration;

use prodcons_lincheck::{
    Conclusion, History, OpSet, Plan, Scenario, Spec, Target, Watch, check_target,
};
use prodcons_peers::target;

/// A target judged by another specification than its own.
struct Misjudged {
    target: Box<dyn Target>,
    spec: fn(usize) -> Spec,
}

impl Target for Misjudged {
    fn name(&self) -> &'static str {
        self.target.name()
    }

    fn ops(&self) -> OpSet {
        self.target.ops()
    }

    fn semantics(&self) -> &'static str {
        self.target.semantics()
    }

    fn capacities(&self) -> &'static [usize] {
        self.target.capacities()
    }

    fn spec(&self, capacity: usize) -> Spec {
        (self.spec)(capacity)
    }

    fn run(&self, scenario: &Scenario, watch: &Watch) -> History {
        self.target.run(scenario, watch)
    }
}

/// Sweeps `name` judged by `spec` and returns the conclusion, with the outcome's counts for
/// the assertion's message.
fn sweep(name: &str, spec: fn(usize) -> Spec) -> (Conclusion, String) {
    let misjudged = Misjudged {
        target: target(name).unwrap(),
        spec,
    };
    let plan = Plan {
        scenarios: 100,
        runs: 3,
        watch: Watch {
            hang_limit: Duration::from_secs(2),
            ..Watch::default()
        },
        ..Plan::default()
    };
    let outcome = check_target(&misjudged, &plan, &|_| {});
    let counts = format!(
        "{name}: {} scenarios, {} histories, {} unknown, {} released",
        outcome.scenarios, outcome.histories, outcome.unknown, outcome.released
    );
    (outcome.conclusion(0), counts)
}

/// std's sync_channel has no close: the release drops the receiver, and the queued items go
/// with it. Held to Python's close, under which gets drain them, the sweep must see the
/// difference: items queued behind blocked sends at the release, gone for the post part.
#[test]
fn std_sync_channel_fails_when_its_released_items_must_survive() {
    let (conclusion, counts) = sweep("std-sync-channel", Spec::new);
    assert_eq!(conclusion, Conclusion::Violation, "{counts}");
}

/// tokio's receiver `close` lets gets drain the queued items. Held to a close that throws them
/// away, the sweep must see a get take an item after a close.
#[test]
fn tokio_mpsc_fails_when_its_close_must_discard() {
    let (conclusion, counts) = sweep("tokio-mpsc", |capacity| {
        Spec::new(capacity).discarding_on_close()
    });
    assert_eq!(conclusion, Conclusion::Violation, "{counts}");
}

/// And its capacity is tokio's: held to one more slot, the sweep must see a `try_put` refused
/// (or a `put` wait) where that slot would have been free.
#[test]
fn tokio_mpsc_fails_when_held_to_one_more_slot() {
    let (conclusion, counts) = sweep("tokio-mpsc", |capacity| Spec::new(capacity + 1));
    assert_eq!(conclusion, Conclusion::Violation, "{counts}");
}
