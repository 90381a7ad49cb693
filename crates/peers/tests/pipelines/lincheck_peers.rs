//! The peers' targets can fail. A sweep that passes says something only if the same sweep
//! would report the target were it wrong; as `seeded-bug` shows for the runner, these tests
//! show it for the peers whose adapters run the crates' own blocking paths: each is held to a
//! specification it does not meet, one that differs from its own in a single rule, and the
//! sweep must report a violation. Its runs are the target's own, released as its own
//! specification says; only the verdict uses the wrong one.

use std::time::Duration;

use prodcons_lincheck::{
    Conclusion, History, Op, OpSet, Part, Plan, RENDEZVOUS, Ret, Scenario, Shape, Spec, Target,
    Watch, check, check_target, scenarios,
};
use prodcons_peers::target;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

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

/// And its capacity is tokio's: every run judged as a channel of one slot, the runs at
/// capacity 2 must show a second item queued.
#[test]
fn tokio_mpsc_fails_when_held_to_one_slot_fewer() {
    let (conclusion, counts) = sweep("tokio-mpsc", |_| Spec::new(1));
    assert_eq!(conclusion, Conclusion::Violation, "{counts}");
}

/// With `try_put` and `try_get`, tokio's mpsc is a known failure: a slot freed by a receive is
/// handed to the first waiting send before its item arrives, so a `try_put` may see `Full`
/// while a `try_get` sees `Empty` (`docs/conformance.md`). Its own sweep must keep showing it.
#[test]
fn tokio_mpsc_with_try_ops_shows_a_waiting_send_holding_a_slot() {
    let target = target("tokio-mpsc-try-ops").unwrap();
    let plan = Plan {
        scenarios: 200,
        runs: 20,
        ..Plan::default()
    };
    let outcome = check_target(&*target, &plan, &|_| {});
    assert_eq!(
        outcome.conclusion(0),
        Conclusion::Violation,
        "{} scenarios, {} histories",
        outcome.scenarios,
        outcome.histories
    );
}

/// The targets that close by dropping their ends.
const DROPPING: [&str; 4] = [
    "crossbeam",
    "flume-bounded",
    "flume-bounded-async",
    "std-sync-channel",
];

/// Their sweeps drop the last sender and the last receiver, and the end dropped is the last:
/// no other thread of the parallel part uses it.
#[test]
fn channels_that_close_by_dropping_drop_their_last_ends_in_the_sweep() {
    let uses = |ops: &[Op], receiving: bool| {
        ops.iter().any(|op| match op {
            Op::Put(_) | Op::TryPut(_) | Op::CancelledPut(_) => !receiving,
            Op::Get | Op::TryGet | Op::CancelledGet => receiving,
            _ => false,
        })
    };
    for name in DROPPING {
        let target = target(name).unwrap();
        let strategy = scenarios(&Shape::default(), target.ops());
        let mut runner = TestRunner::deterministic();
        let (mut senders, mut receivers) = (0, 0);
        for _ in 0..200 {
            let scenario = strategy.new_tree(&mut runner).unwrap().current();
            for (thread, ops) in scenario.threads.iter().enumerate() {
                for &op in ops {
                    let receiving = match op {
                        Op::DropSender => false,
                        Op::DropReceiver => true,
                        _ => continue,
                    };
                    if receiving {
                        receivers += 1;
                    } else {
                        senders += 1;
                    }
                    for (other, ops) in scenario.threads.iter().enumerate() {
                        assert!(
                            other == thread || !uses(ops, receiving),
                            "{name}: {op} in T{} while T{} uses that end: {scenario:?}",
                            thread + 1,
                            other + 1
                        );
                    }
                }
            }
        }
        assert!(
            senders > 0 && receivers > 0,
            "{name}: {senders}, {receivers}"
        );
    }
}

/// Dropping the last sender wakes the waiting receives, which drain and then fail; dropping the
/// last receiver fails the waiting sends. On every target that closes that way, each run of
/// these scenarios must be linearizable, with exactly the results that says.
#[test]
fn dropping_the_last_sender_drains_and_dropping_the_receiver_fails_the_sends() {
    let drop_sender = Scenario::new(
        1,
        vec![Op::TryPut(0)],
        vec![vec![Op::DropSender], vec![Op::Get, Op::Get, Op::Get]],
        vec![Op::TryGet],
    );
    let drop_receiver = Scenario::new(
        1,
        vec![Op::TryPut(0)],
        vec![
            vec![Op::DropReceiver],
            vec![Op::Put(200)],
            vec![Op::Put(300)],
        ],
        vec![Op::TryPut(900), Op::TryGet],
    );
    for name in DROPPING {
        let target = target(name).unwrap();
        for (scenario, expected) in [
            (&drop_sender, [Ret::Got(0), Ret::Closed, Ret::Closed]),
            (&drop_receiver, [Ret::Closed, Ret::Closed, Ret::Closed]),
        ] {
            let spec = target.spec(scenario.capacity);
            for _ in 0..100 {
                let history = target.run(scenario, &Watch::default());
                assert!(
                    check(&spec, &history, 100_000).is_pass(),
                    "{name}: {history}"
                );
                assert_eq!(history.release(), None, "{name}: {history}");
                // T2's results, in its order: what the drop leaves it.
                let mut second: Vec<_> = history
                    .entries()
                    .iter()
                    .filter(|entry| entry.part == Part::Thread(1))
                    .map(|entry| (entry.invoke, entry.response.map(|(_, ret)| ret)))
                    .collect();
                second.sort_by_key(|&(invoke, _)| invoke);
                let second: Vec<_> = second.into_iter().filter_map(|(_, ret)| ret).collect();
                if scenario == &drop_sender {
                    assert_eq!(second, expected, "{name}: {history}");
                } else {
                    assert_eq!(second, expected[..1], "{name}: {history}");
                }
            }
        }
    }
}

/// A rendezvous is no one-slot buffer: held to one, crossbeam's `bounded(0)` must fail (a
/// `try_put` with no get waiting says `Full` on an empty channel).
#[test]
fn crossbeam_rendezvous_fails_when_held_to_one_slot() {
    let (conclusion, counts) = sweep("crossbeam-rendezvous", |_| Spec::new(1));
    assert_eq!(conclusion, Conclusion::Violation, "{counts}");
}

/// And the rendezvous specification has teeth on the runs: a buffered channel held to it must
/// fail (a put completes with no get to meet).
#[test]
fn flume_bounded_fails_when_held_to_a_rendezvous() {
    let (conclusion, counts) = sweep("flume-bounded", |_| Spec::new(RENDEZVOUS));
    assert_eq!(conclusion, Conclusion::Violation, "{counts}");
}
