//! Bugs that shipped in released crates, pinned beside their fixed releases: the checker must
//! report each buggy version and pass the fixed one, on the same scenario, within the stated
//! number of runs. A run whose verdict the check could not reach fails the test: it is neither
//! the failure the buggy release must show nor the pass the fixed one must.

use std::time::{Duration, Instant};

use prodcons_lincheck::{FailureKind, Op, Scenario, Verdict, Watch, check, report};
use prodcons_peers::target;

/// Runs `scenario` up to `runs` times on the target `name`; the first failing verdict's report,
/// or `None` when every run passed.
///
/// # Panics
///
/// On a verdict the check could not reach: that is no pass.
fn first_failure(name: &str, scenario: &Scenario, runs: u32) -> Option<String> {
    let target = target(name).unwrap();
    let spec = target.spec(scenario.capacity);
    (0..runs).find_map(|_| {
        let history = target.run(scenario, &Watch::default());
        match check(&spec, &history, 100_000) {
            Verdict::Fail(failure) => {
                assert_eq!(failure.kind, FailureKind::NotLinearizable);
                Some(report(scenario, &history, &failure))
            }
            Verdict::Unknown { steps } => {
                panic!("{name}: no verdict after {steps} steps on {history:?}")
            }
            Verdict::Pass { .. } => None,
        }
    })
}

/// zesterer/flume#98, fixed in 0.10.11 by #99: with async receivers waiting, a send pushed its
/// message to the *front* of the queue. Two getters wait, three puts follow: the queue becomes
/// [101, 100, 102], and T1 takes 101 and then 100, though put(100) returned before put(101)
/// began.
fn flume_98() -> Scenario {
    Scenario::new(
        0,
        vec![],
        vec![
            vec![Op::Get, Op::Get],
            vec![Op::Get],
            vec![Op::Put(300), Op::Put(301), Op::Put(302)],
        ],
        vec![],
    )
}

#[test]
fn flume_0_10_10_delivers_out_of_order_and_the_current_release_does_not() {
    let report = first_failure("flume-0.10.10-async", &flume_98(), 50)
        .expect("flume 0.10.10 should fail within 50 runs");
    assert!(
        report.contains("not 301") || report.contains("not 300"),
        "{report}"
    );
    assert_eq!(first_failure("flume-async", &flume_98(), 50), None);
}

/// rust-lang/futures-rs#861, fixed in 0.2.0-beta by #865: futures-channel 0.2.0-alpha's
/// `try_next` took the message but neither unparked the sender nor counted the message off, so
/// once `try_send` had filled a bounded channel, every later `try_send` said `Full`, the channel
/// empty or not. The initial part fills the channel of capacity 1 and empties it; then T1's
/// `try_put` must succeed whatever T2 does, since nothing else ever fills the channel.
fn futures_861() -> Scenario {
    Scenario::new(
        1,
        vec![Op::TryPut(0), Op::TryGet],
        vec![vec![Op::TryPut(100), Op::TryGet], vec![Op::TryGet]],
        vec![Op::TryPut(900)],
    )
}

#[test]
fn futures_channel_0_2_0_alpha_refuses_puts_on_an_empty_channel_and_0_3_does_not() {
    let report = first_failure("futures-0.2.0-alpha-mpsc", &futures_861(), 10)
        .expect("futures-channel 0.2.0-alpha should fail within 10 runs");
    assert!(report.contains("Full"), "{report}");
    assert_eq!(first_failure("futures-mpsc", &futures_861(), 1_000), None);
}

/// tokio-rs/tokio#7631, fixed in 1.49.0 and 1.47.3 by #7686: once the receiver had called
/// `close`, `try_recv` on the drained channel said `Empty` (a message might still come) rather
/// than `Disconnected`, while a sender lived. T2 closes while T1 tries a put; whichever went
/// first, the post part's second `try_get` finds the channel closed and drained.
fn tokio_7631() -> Scenario {
    Scenario::new(
        1,
        vec![],
        vec![vec![Op::TryPut(100)], vec![Op::Close]],
        vec![Op::TryGet, Op::TryGet],
    )
}

#[test]
fn tokio_0_2_says_empty_on_a_closed_drained_channel_and_tokio_1_does_not() {
    let report = first_failure("tokio-0.2-mpsc-try", &tokio_7631(), 10)
        .expect("tokio 0.2 should fail within 10 runs");
    assert!(report.contains("Closed, not Empty"), "{report}");
    assert_eq!(first_failure("tokio-mpsc-try", &tokio_7631(), 1_000), None);
}

/// Not a shipped bug with a fix, and not confirmed: an apparent lost wakeup in flume's
/// `recv_async` that the sweep in `ci/check.sh` hit once (flume 0.11.1, `flume-async-multi`,
/// 1 in 2,350 histories), found in no issue (the closest is zesterer/flume#182, about the same
/// branch of `RecvFut::poll_inner`). Every sighting is a timeout on a shared machine, so until
/// an injected delay or a model reproduces it, it is an observation (`docs/conformance.md`).
/// The suspected interleaving, from reading the code: a receiver woken by `put(200)` re-polls,
/// finds the queue empty (T3 took 200), and puts its hook back on the waiting list only after
/// that; a send landing in between sees no waiting receiver and wakes no one, so T1's second
/// `get` sleeps with 302 queued. Rare (6 lost wakeups
/// in 1,438,239 runs of 0.11.1 and 5 in 1,631,496 of 0.10.10, 120 s each, on two vCPUs), hence
/// ignored; `FLUME_WAKEUP_SECS` bounds it (default 120 s, half per target), and it reports the
/// runs and the lost wakeups it saw on each target.
#[test]
#[ignore = "minutes long: a rare race; run with --ignored --nocapture on a release build"]
fn flume_recv_async_can_miss_a_wakeup() {
    let scenario = Scenario::new(
        0,
        vec![],
        vec![
            vec![
                Op::Get,
                Op::Put(101),
                Op::Put(102),
                Op::TryPut(103),
                Op::Get,
            ],
            vec![Op::Put(200)],
            vec![Op::TryGet, Op::TryGet, Op::Put(302)],
        ],
        vec![Op::Len],
    );
    let secs = std::env::var("FLUME_WAKEUP_SECS")
        .ok()
        .and_then(|secs| secs.parse().ok())
        .unwrap_or(120);
    let watch = Watch {
        hang_limit: Duration::from_secs(2),
        ..Watch::default()
    };
    let mut lost = 0;
    for name in ["flume-async-multi", "flume-0.10.10-async-multi"] {
        let target = target(name).unwrap();
        let spec = target.spec(0);
        let start = Instant::now();
        let (mut runs, mut wakeups) = (0_u64, 0_u64);
        while start.elapsed() < Duration::from_secs(secs / 2) {
            runs += 1;
            if let Verdict::Fail(failure) = check(&spec, &target.run(&scenario, &watch), 100_000) {
                assert_eq!(failure.kind, FailureKind::LostWakeup);
                wakeups += 1;
            }
        }
        eprintln!(
            "{name}: {wakeups} lost wakeups in {runs} runs, {:?}",
            start.elapsed()
        );
        lost += wakeups;
    }
    assert!(lost > 0, "no lost wakeup in {secs} s");
}
