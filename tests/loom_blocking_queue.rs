//! Loom models of `BlockingQueue`: every interleaving of the real queue code, within the
//! preemption bound in `common`. Each model names its threads and items; each runs at
//! capacities 0, 1 and 2 unless it says otherwise.
#![cfg(loom)]

mod common;

use common::{model, run_test};
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
