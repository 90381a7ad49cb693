//! Loom models of what only `BlockingQueue` has: condition variables, which may wake for no
//! reason, and a thread's way from "nothing to take" to asleep. The scenarios both queues share are in `loom_queues.rs`; the preemption bound is in
//! `loom_support` (3, or `LOOM_MAX_PREEMPTIONS`). Each model names its threads and items; each
//! runs at capacities 0, 1 and 2 unless it says otherwise.
//!
//! Loom's condition variables never wake spuriously, so the models marked "spurious" add a
//! thread that calls `wake_spuriously` once, which loom places at every point it can: a wait
//! that does not re-check its condition then goes on without an item, or without room.

use crate::loom_support::{model, run_bounded_test, run_test};
use loom::sync::Arc;
use loom::thread;
use prodcons::BlockingQueue;

/// Spawns a thread that wakes every waiter of `queue` once, for no reason.
fn spurious_waker<T: Send + 'static>(queue: &Arc<BlockingQueue<T>>) -> thread::JoinHandle<()> {
    let queue = Arc::clone(queue);
    thread::spawn(move || queue.wake_spuriously())
}

/// Spurious. Main consumes 2 items + a producer thread + a spurious-waker thread: a woken
/// `get` with nothing to take waits again instead of failing, and a woken `put` on a full queue
/// never overfills it.
#[test]
fn spurious_wakeups_neither_fail_a_get_nor_overfill_a_put() {
    run_test(|capacity| {
        let queue = Arc::new(BlockingQueue::new(capacity));
        let waker = spurious_waker(&queue);
        let producer = thread::spawn({
            let queue = Arc::clone(&queue);
            move || {
                for item in 0..2 {
                    queue.put(item).unwrap();
                    let held = queue.len();
                    assert!(
                        capacity == 0 || held <= capacity,
                        "{held} items > {capacity}"
                    );
                }
            }
        });
        assert_eq!(queue.get(), Ok(0));
        assert_eq!(queue.get(), Ok(1));
        producer.join().unwrap();
        waker.join().unwrap();
    });
}

/// Spurious. Main takes 2 items + a putter thread blocked on a full queue of capacity 1 +
/// a spurious-waker thread: the putter waits for real room, so the queue never holds 2.
#[test]
fn a_spuriously_woken_putter_waits_for_room() {
    model(|| {
        let queue = Arc::new(BlockingQueue::new(1));
        queue.put(1).unwrap();
        let waker = spurious_waker(&queue);
        let putter = thread::spawn({
            let queue = Arc::clone(&queue);
            move || {
                queue.put(2).unwrap();
                assert!(queue.len() <= 1, "a capacity-1 queue held {}", queue.len());
            }
        });
        waker.join().unwrap();
        assert!(queue.len() <= 1, "a capacity-1 queue held {}", queue.len());
        assert_eq!(queue.get(), Ok(1));
        assert_eq!(queue.get(), Ok(2));
        putter.join().unwrap();
    });
}

/// Main puts 1 item + a getter thread that goes to sleep on the empty queue: wherever the put
/// falls on the getter's way from "empty" to asleep, the getter wakes with the item. Under
/// loom the backoff phase is compiled out, so the getter goes straight to sleep and every
/// placement of the put is tried. This is the lost-wakeup race any design that checks, then
/// sleeps has to settle; it pins the contract, whatever the queue keeps its items in.
#[test]
fn a_put_racing_a_getter_on_its_way_to_sleep_wakes_it() {
    run_test(|capacity| {
        let queue = Arc::new(BlockingQueue::new(capacity));
        let getter = thread::spawn({
            let queue = Arc::clone(&queue);
            move || queue.get()
        });
        queue.put(7).unwrap();
        assert_eq!(
            getter.join().unwrap(),
            Ok(7),
            "the getter slept through the put"
        );
    });
}

/// Main takes 1 item + a putter thread that goes to sleep on the full queue: the same race on
/// the other side, between "full, so sleep" and "get, then wake a putter".
#[test]
fn a_get_racing_a_putter_on_its_way_to_sleep_wakes_it() {
    run_bounded_test(|capacity| {
        let queue = Arc::new(BlockingQueue::new(capacity));
        for item in 0..capacity {
            queue.put(item).unwrap();
        }
        let putter = thread::spawn({
            let queue = Arc::clone(&queue);
            move || queue.put(capacity)
        });
        assert_eq!(queue.get(), Ok(0));
        assert_eq!(
            putter.join().unwrap(),
            Ok(()),
            "the putter slept through the get"
        );
        assert_eq!(queue.len(), capacity);
    });
}
