//! Loom models of `BlockingQueue`: every interleaving of the real queue code, within the
//! preemption bound in `common` (3, or `LOOM_MAX_PREEMPTIONS`). Each model names its threads
//! and items; each runs at capacities 0, 1 and 2 unless it says otherwise.
//!
//! Loom's condition variables never wake spuriously, so the models marked "spurious" add a
//! thread that calls `wake_spuriously` once, which loom places at every point it can: a wait
//! that does not re-check its condition then goes on without an item, or without room.
#![cfg(loom)]

mod common;

use common::{model, run_test, run_wide_test};
use loom::sync::Arc;
use loom::thread;
use prodcons::{BlockingQueue, GetError, PutError};

/// Main + 2 threads (a producer and a consumer), 3 items: all arrive, in order.
#[test]
fn spsc_delivers_every_item_in_order() {
    run_test(|capacity| {
        let queue = Arc::new(BlockingQueue::new(capacity));
        let producer = thread::spawn({
            let queue = Arc::clone(&queue);
            move || (0..3).for_each(|item| queue.put(item).unwrap())
        });
        let consumer = thread::spawn({
            let queue = Arc::clone(&queue);
            move || (0..3).map(|_| queue.get().unwrap()).collect::<Vec<_>>()
        });
        producer.join().unwrap();
        assert_eq!(consumer.join().unwrap(), [0, 1, 2]);
        assert!(queue.is_empty());
    });
}

/// Main consumes + 2 producer threads, 2 items each: every item arrives exactly once, and
/// each producer's items arrive in order.
#[test]
fn two_producers_deliver_every_item_once() {
    run_test(|capacity| {
        let queue = Arc::new(BlockingQueue::new(capacity));
        let producers: Vec<_> = [[10, 11], [20, 21]]
            .into_iter()
            .map(|items| {
                let queue = Arc::clone(&queue);
                thread::spawn(move || items.into_iter().for_each(|item| queue.put(item).unwrap()))
            })
            .collect();
        let taken: Vec<_> = (0..4).map(|_| queue.get().unwrap()).collect();
        producers
            .into_iter()
            .for_each(|producer| producer.join().unwrap());
        for first in [10, 20] {
            let position = |item| taken.iter().position(|&taken| taken == item).unwrap();
            assert!(position(first) < position(first + 1), "{taken:?}");
        }
        assert_eq!(taken.len(), 4);
    });
}

/// Main produces 2 items + 2 consumer threads taking one each: each item goes to exactly one.
#[test]
fn two_consumers_share_the_items_without_duplicates() {
    run_test(|capacity| {
        let queue = Arc::new(BlockingQueue::new(capacity));
        let consumers: Vec<_> = (0..2)
            .map(|_| {
                let queue = Arc::clone(&queue);
                thread::spawn(move || queue.get().unwrap())
            })
            .collect();
        queue.put(1).unwrap();
        queue.put(2).unwrap();
        let mut taken: Vec<_> = consumers
            .into_iter()
            .map(|consumer| consumer.join().unwrap())
            .collect();
        taken.sort_unstable();
        assert_eq!(taken, [1, 2]);
    });
}

/// Main closes + 2 getter threads on an empty queue: both wake and fail.
#[test]
fn close_wakes_every_blocked_getter() {
    run_test(|capacity| {
        let queue = Arc::new(BlockingQueue::<u8>::new(capacity));
        let getters: Vec<_> = (0..2)
            .map(|_| {
                let queue = Arc::clone(&queue);
                thread::spawn(move || queue.get())
            })
            .collect();
        queue.close();
        for getter in getters {
            assert_eq!(getter.join().unwrap(), Err(GetError));
        }
    });
}

/// Main closes + 2 putter threads on a full queue of capacity 1 or 2: both wake and get
/// their item back, and the queue keeps what it held.
#[test]
fn close_wakes_every_blocked_putter() {
    for capacity in [1, 2] {
        model(move || {
            let queue = Arc::new(BlockingQueue::new(capacity));
            (0..capacity).for_each(|item| queue.put(item).unwrap());
            let putters: Vec<_> = [100, 200]
                .into_iter()
                .map(|item| {
                    let queue = Arc::clone(&queue);
                    thread::spawn(move || queue.put(item))
                })
                .collect();
            queue.close();
            let mut returned: Vec<_> = putters
                .into_iter()
                .map(|putter| putter.join().unwrap())
                .collect();
            returned.sort_unstable_by_key(|result| result.map_err(PutError::into_inner));
            assert_eq!(returned, [Err(PutError(100)), Err(PutError(200))]);
            assert_eq!(queue.len(), capacity);
        });
    }
}

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

/// Main consumes 1 item + 2 producer threads (1 item each) + 1 consumer thread (1 item):
/// many producers and many consumers at once; each item is taken exactly once. Wide: bound 2.
#[test]
fn mpmc_delivers_every_item_exactly_once() {
    run_wide_test(|capacity| {
        let queue = Arc::new(BlockingQueue::new(capacity));
        let producers: Vec<_> = [1, 2]
            .into_iter()
            .map(|item| {
                let queue = Arc::clone(&queue);
                thread::spawn(move || queue.put(item).unwrap())
            })
            .collect();
        let consumer = thread::spawn({
            let queue = Arc::clone(&queue);
            move || queue.get().unwrap()
        });
        let mut taken = vec![queue.get().unwrap(), consumer.join().unwrap()];
        producers
            .into_iter()
            .for_each(|producer| producer.join().unwrap());
        taken.sort_unstable();
        assert_eq!(taken, [1, 2]);
        assert!(queue.is_empty());
    });
}

/// Main closes + a getter thread that drains 1 item then waits: close lets `get` drain what
/// is left, then fail; a put after close fails and leaves nothing behind.
#[test]
fn close_drains_then_fails_and_refuses_later_puts() {
    run_test(|capacity| {
        let queue = Arc::new(BlockingQueue::new(capacity));
        queue.put(7).unwrap();
        let getter = thread::spawn({
            let queue = Arc::clone(&queue);
            move || (queue.get(), queue.get())
        });
        queue.close();
        assert_eq!(queue.put(8), Err(PutError(8)));
        assert_eq!(getter.join().unwrap(), (Ok(7), Err(GetError)));
        assert!(queue.is_empty());
    });
}
