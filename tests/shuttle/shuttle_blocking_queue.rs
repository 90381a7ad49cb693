//! Shuttle scenarios for `BlockingQueue`: threads on condition variables, at sizes loom cannot
//! exhaust. Each runs at capacities 1 and 2 (the bounds where a full queue blocks producers)
//! under both schedulers, `shuttle_support::check`. A thread left asleep shows up as shuttle's
//! own deadlock failure, naming the blocked threads; a broken contract as a failed assertion.

use std::sync::Arc;

use crate::shuttle_support::{
    Item, assert_close_lost_nothing, assert_received_exactly_once_in_order, check, items_of,
};
use prodcons::{BlockingQueue, PutError};
use shuttle::thread;

/// The bounds the scenarios run at: the two smallest, where puts block most often.
const CAPACITIES: [usize; 2] = [1, 2];

/// Items each producer puts.
const ITEMS: usize = 3;

/// Spawns a consumer that gets until the queue is closed and drained, or until it has `limit`
/// items, and returns what it got, in order, and whether a get failed.
fn consumer(
    queue: &Arc<BlockingQueue<Item>>,
    limit: usize,
) -> thread::JoinHandle<(Vec<Item>, bool)> {
    let queue = Arc::clone(queue);
    thread::spawn(move || {
        let mut got = Vec::new();
        while got.len() < limit {
            match queue.get() {
                Ok(item) => got.push(item),
                Err(_) => return (got, true),
            }
        }
        (got, false)
    })
}

/// Spawns a producer that puts its `count` items in order; once a put fails, every later one
/// must fail too, each giving its own item back. Returns the items that went in.
fn producer(
    queue: &Arc<BlockingQueue<Item>>,
    index: usize,
    count: usize,
) -> thread::JoinHandle<Vec<Item>> {
    let queue = Arc::clone(queue);
    thread::spawn(move || {
        let mut accepted = Vec::new();
        let mut closed = false;
        for item in items_of(index, count) {
            match queue.put(item) {
                Ok(()) => {
                    assert!(!closed, "a put succeeded after an earlier one failed");
                    accepted.push(item);
                }
                Err(PutError(back)) => {
                    assert_eq!(back, item, "a failed put gives its own item back");
                    closed = true;
                }
            }
        }
        accepted
    })
}

/// 2 producers put 3 items each + 2 consumers get until the queue is closed and drained; main
/// closes once the producers are done, racing consumers blocked in `get`. Every item arrives
/// exactly once, in its producer's order, and the close wakes every blocked consumer.
#[test]
fn two_producers_and_two_consumers_each_item_once_in_producer_order() {
    for capacity in CAPACITIES {
        check(move || {
            let queue = Arc::new(BlockingQueue::new(capacity));
            let consumers = [consumer(&queue, usize::MAX), consumer(&queue, usize::MAX)];
            let producers = [producer(&queue, 0, ITEMS), producer(&queue, 1, ITEMS)];
            let accepted: Vec<Item> = producers
                .into_iter()
                .flat_map(|producer| producer.join().unwrap())
                .collect();
            assert_eq!(accepted.len(), 2 * ITEMS, "no put fails before the close");
            assert!(queue.close());
            let received: Vec<Vec<Item>> = consumers
                .into_iter()
                .map(|consumer| {
                    let (got, closed) = consumer.join().unwrap();
                    assert!(closed, "a consumer ends only on the closed, drained queue");
                    got
                })
                .collect();
            assert_received_exactly_once_in_order(&accepted, &received);
            assert!(queue.is_empty());
        });
    }
}

/// 2 producers try 4 items each + 2 consumers take at most 3 each, so producers block on the
/// full queue and consumers on the empty one; main closes at once, and the schedulers place the
/// close anywhere among them. Every blocked `put` and `get` returns; what went in comes out
/// once, from a consumer or from what is left, in producer order; a get that failed saw the
/// queue drained, so nothing is left after it.
#[test]
fn close_racing_blocked_puts_and_gets_wakes_them_all_and_loses_nothing() {
    for capacity in CAPACITIES {
        check(move || {
            let queue = Arc::new(BlockingQueue::new(capacity));
            let producers = [producer(&queue, 0, 4), producer(&queue, 1, 4)];
            let consumers = [consumer(&queue, 3), consumer(&queue, 3)];
            queue.close();
            let accepted: Vec<Item> = producers
                .into_iter()
                .flat_map(|producer| producer.join().unwrap())
                .collect();
            let consumers: Vec<_> = consumers
                .into_iter()
                .map(|consumer| consumer.join().unwrap())
                .collect();
            let left = std::iter::from_fn(|| queue.try_get().ok()).collect();
            assert_close_lost_nothing(&accepted, consumers, left);
        });
    }
}
