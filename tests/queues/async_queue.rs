//! `AsyncQueue`'s wake semantics, polled by hand with tokio-test so that every step is explicit.

use prodcons::{AsyncQueue, GetError, PutError, TryGetError, TryPutError};
use std::future::Future;

use tokio_test::task::{Spawn, spawn};
use tokio_test::{assert_pending, assert_ready, assert_ready_eq};

/// `future` in a mock task of its own, polled once and found waiting.
fn pending<F: Future<Output: std::fmt::Debug>>(future: F) -> Spawn<F> {
    let mut task = spawn(future);
    assert_pending!(task.poll());
    task
}

/// A queue of capacity 1 holding `item`: full, so the next `put` waits.
fn full_queue_of_one<T>(item: T) -> AsyncQueue<T> {
    let queue = AsyncQueue::new(1);
    assert!(
        queue.try_put(item).is_ok(),
        "an empty queue of capacity 1 has room"
    );
    queue
}

#[test]
fn a_pending_get_is_woken_by_a_put() {
    let queue = AsyncQueue::new(0);
    let mut get = spawn(queue.get());
    assert_pending!(get.poll());
    assert_eq!(queue.waiting_getters(), 1);

    queue.try_put(7).unwrap();
    assert!(get.is_woken(), "the put must wake the waiting getter");
    assert_ready_eq!(get.poll(), Ok(7));
    assert_eq!(queue.waiting_getters(), 0);
}

#[test]
fn a_pending_put_is_woken_by_a_get() {
    let queue = AsyncQueue::new(1);
    queue.try_put(1).unwrap();
    let mut put = spawn(queue.put(2));
    assert_pending!(put.poll());
    assert_eq!(queue.waiting_putters(), 1);

    assert_eq!(queue.try_get(), Ok(1));
    assert!(put.is_woken(), "the get must wake the waiting putter");
    assert_ready_eq!(put.poll(), Ok(()));
    assert_eq!(queue.try_get(), Ok(2));
}

#[test]
fn an_async_get_wakes_a_pending_put() {
    let queue = AsyncQueue::new(1);
    tokio_test::block_on(queue.put(1)).unwrap();
    let mut put = spawn(queue.put(2));
    assert_pending!(put.poll());
    assert_eq!(tokio_test::block_on(queue.get()), Ok(1));
    assert!(put.is_woken());
    assert_ready_eq!(put.poll(), Ok(()));
}

#[test]
fn a_woken_then_dropped_getter_hands_its_wakeup_on() {
    let queue = AsyncQueue::new(0);
    let [first, mut second] = [queue.get(), queue.get()].map(pending);

    queue.try_put(1).unwrap();
    assert!(first.is_woken());
    assert!(!second.is_woken(), "one item wakes one getter");

    drop(first);
    assert!(
        second.is_woken(),
        "the dropped getter's wakeup must pass on"
    );
    assert_ready_eq!(second.poll(), Ok(1));
}

#[test]
fn a_woken_then_dropped_putter_hands_its_wakeup_on() {
    let queue = full_queue_of_one(0);
    let [first, mut second] = [queue.put(1), queue.put(2)].map(pending);

    assert_eq!(queue.try_get(), Ok(0));
    assert!(first.is_woken());
    assert!(!second.is_woken(), "one free slot wakes one putter");

    drop(first);
    assert!(
        second.is_woken(),
        "the dropped putter's wakeup must pass on"
    );
    assert_ready_eq!(second.poll(), Ok(()));
    assert_eq!(queue.try_get(), Ok(2));
}

#[test]
fn a_dropped_getter_that_was_never_woken_takes_no_wakeup_with_it() {
    let queue = AsyncQueue::new(0);
    let [first, mut second] = [queue.get(), queue.get()].map(pending);

    drop(first);
    assert_eq!(
        queue.waiting_getters(),
        1,
        "the dropped getter leaves the line"
    );
    queue.try_put(5).unwrap();
    assert!(second.is_woken());
    assert_ready_eq!(second.poll(), Ok(5));
}

#[test]
fn waiting_getters_are_served_first_come_first_served() {
    let queue = AsyncQueue::new(0);
    let mut getters: Vec<_> = (0..3).map(|_| spawn(queue.get())).collect();
    for getter in &mut getters {
        assert_pending!(getter.poll());
    }
    for item in 0..3 {
        queue.try_put(item).unwrap();
        let woken: Vec<_> = getters.iter().map(|getter| getter.is_woken()).collect();
        let mut expected = vec![false; 3];
        expected[..=item].fill(true);
        assert_eq!(woken, expected, "after put {item}");
    }
    for (item, getter) in getters.iter_mut().enumerate() {
        assert_ready_eq!(getter.poll(), Ok(item));
    }
}

#[test]
fn close_wakes_every_waiting_getter_and_putter() {
    let empty = AsyncQueue::<u8>::new(0);
    let full = AsyncQueue::new(1);
    full.try_put(0).unwrap();
    let mut getters: Vec<_> = (0..3).map(|_| spawn(empty.get())).collect();
    let mut putters: Vec<_> = (1..4).map(|item| spawn(full.put(item))).collect();
    getters
        .iter_mut()
        .for_each(|getter| assert_pending!(getter.poll()));
    putters
        .iter_mut()
        .for_each(|putter| assert_pending!(putter.poll()));

    empty.close();
    full.close();
    for getter in &mut getters {
        assert!(getter.is_woken());
        assert_ready_eq!(getter.poll(), Err(GetError));
    }
    for (item, putter) in (1..).zip(&mut putters) {
        assert!(putter.is_woken());
        assert_ready_eq!(putter.poll(), Err(PutError(item)));
    }
    assert_eq!((empty.waiting_getters(), full.waiting_putters()), (0, 0));
}

#[test]
fn close_drains_before_failing_gets() {
    let queue = AsyncQueue::new(0);
    queue.try_put('a').unwrap();
    queue.try_put('b').unwrap();
    assert!(queue.close());
    assert_eq!(queue.try_put('c'), Err(TryPutError::Closed('c')));
    tokio_test::block_on(async {
        assert_eq!(queue.put('d').await, Err(PutError('d')));
        assert_eq!(queue.get().await, Ok('a'));
    });
    assert_eq!(queue.try_get(), Ok('b'));
    assert_eq!(queue.try_get(), Err(TryGetError::Closed));
    assert_eq!(tokio_test::block_on(queue.get()), Err(GetError));
}

#[test]
fn a_get_polled_again_without_a_wakeup_keeps_its_place() {
    let queue = AsyncQueue::new(0);
    let [mut first, second] = [queue.get(), queue.get()].map(pending);
    // A select or join may poll a future that was not woken; it must stay first in line.
    assert_pending!(first.poll());
    assert_eq!(queue.waiting_getters(), 2);
    queue.try_put(1).unwrap();
    assert!(first.is_woken());
    assert!(!second.is_woken());
    assert_ready_eq!(first.poll(), Ok(1));
}

#[test]
fn fifo_capacity_and_try_calls_match_the_blocking_queue() {
    let queue = AsyncQueue::new(2);
    assert_eq!(queue.try_get(), Err(TryGetError::Empty));
    assert_eq!(queue.try_put(1), Ok(()));
    assert_eq!(queue.try_put(2), Ok(()));
    assert!(queue.is_full());
    assert_eq!(queue.try_put(3), Err(TryPutError::Full(3)));
    assert_eq!(queue.len(), 2);
    let mut get = spawn(queue.get());
    assert_ready_eq!(get.poll(), Ok(1));
    assert_eq!(queue.try_get(), Ok(2));
    assert!(queue.is_empty());
}

#[test]
fn a_tokio_runtime_moves_every_item_exactly_once() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    for capacity in [0, 1, 3] {
        let queue = std::sync::Arc::new(AsyncQueue::new(capacity));
        let taken = runtime.block_on(async {
            let producers: Vec<_> = (0..4u64)
                .map(|producer| {
                    let queue = queue.clone();
                    tokio::spawn(async move {
                        for seq in 0..500 {
                            queue.put(producer * 500 + seq).await.unwrap();
                        }
                    })
                })
                .collect();
            let consumers: Vec<_> = (0..4)
                .map(|_| {
                    let queue = queue.clone();
                    tokio::spawn(async move {
                        let mut taken = Vec::new();
                        for _ in 0..500 {
                            taken.push(queue.get().await.unwrap());
                        }
                        taken
                    })
                })
                .collect();
            for producer in producers {
                producer.await.unwrap();
            }
            let mut taken = Vec::new();
            for consumer in consumers {
                taken.extend(consumer.await.unwrap());
            }
            taken
        });
        let mut taken = taken;
        taken.sort_unstable();
        assert_eq!(taken, (0..2000).collect::<Vec<_>>(), "capacity {capacity}");
    }
}

#[test]
fn a_completed_put_leaves_nothing_behind() {
    let queue = AsyncQueue::new(0);
    let mut put = spawn(queue.put(1));
    assert_ready!(put.poll()).unwrap();
    drop(put);
    assert_eq!(queue.waiting_putters(), 0);
    assert_eq!(queue.try_get(), Ok(1));
}

#[test]
fn the_queue_and_its_futures_can_cross_threads() {
    fn shareable<T: Send + Sync>() {}
    fn sendable<T: Send>(_: &T) {}
    shareable::<AsyncQueue<String>>();
    let queue = AsyncQueue::<String>::new(0);
    sendable(&queue.put(String::new()));
    sendable(&queue.get());
}

#[test]
fn waiting_putters_are_served_first_come_first_served() {
    let queue = AsyncQueue::new(1);
    queue.try_put(0).unwrap();
    let mut putters: Vec<_> = (1..4).map(|item| spawn(queue.put(item))).collect();
    for putter in &mut putters {
        assert_pending!(putter.poll());
    }
    assert_eq!(queue.waiting_putters(), 3);
    // Item `n` is taken to free the slot that putter `n` (holding item `n + 1`) is woken for.
    for freed in 0..3 {
        assert_eq!(queue.try_get(), Ok(freed));
        let woken: Vec<_> = putters.iter().map(|putter| putter.is_woken()).collect();
        let mut wanted = [false; 3];
        wanted[freed as usize] = true;
        assert_eq!(woken, wanted, "after freeing slot {freed}");
        assert_ready_eq!(putters[freed as usize].poll(), Ok(()));
    }
    assert_eq!(
        queue.try_get(),
        Ok(3),
        "the items went in in the putters' order"
    );
    assert_eq!(queue.waiting_putters(), 0);
}

#[test]
fn a_dropped_putter_that_was_never_woken_takes_no_wakeup_with_it_and_puts_nothing() {
    let queue = full_queue_of_one(0);
    let [first, mut second] = [queue.put(1), queue.put(2)].map(pending);

    drop(first);
    assert_eq!(
        queue.waiting_putters(),
        1,
        "the dropped putter leaves the line"
    );
    assert!(
        !second.is_woken(),
        "dropping a putter that was never woken wakes no one"
    );
    assert_eq!(queue.try_get(), Ok(0));
    assert!(
        second.is_woken(),
        "the freed slot goes to the putter still waiting"
    );
    assert_ready_eq!(second.poll(), Ok(()));
    assert_eq!(queue.try_get(), Ok(2));
    assert_eq!(
        queue.try_get(),
        Err(TryGetError::Empty),
        "item 1 was never put"
    );
}

#[test]
fn a_woken_getter_dropped_with_no_one_behind_it_leaves_the_item_in_the_queue() {
    let queue = AsyncQueue::new(0);
    let mut get = spawn(queue.get());
    assert_pending!(get.poll());
    queue.try_put(9).unwrap();
    assert!(get.is_woken());
    drop(get);
    assert_eq!((queue.len(), queue.waiting_getters()), (1, 0));
    let mut late = spawn(queue.get());
    assert_ready_eq!(late.poll(), Ok(9), "the item was not stranded");
}

#[test]
fn a_woken_putter_dropped_with_no_one_behind_it_leaves_the_slot_free() {
    let queue = AsyncQueue::new(1);
    queue.try_put(0).unwrap();
    let mut put = spawn(queue.put(1));
    assert_pending!(put.poll());
    assert_eq!(queue.try_get(), Ok(0));
    assert!(put.is_woken());
    drop(put);
    assert_eq!((queue.len(), queue.waiting_putters()), (0, 0));
    let mut late = spawn(queue.put(2));
    assert_ready_eq!(late.poll(), Ok(()), "the slot was not stranded");
    assert_eq!(queue.try_get(), Ok(2));
}

#[test]
fn a_woken_getter_that_lost_its_item_passes_nothing_on_and_loses_no_later_wakeup() {
    let queue = AsyncQueue::new(0);
    let [first, mut second] = [queue.get(), queue.get()].map(pending);
    queue.try_put(1).unwrap();
    assert!(first.is_woken());
    // Someone else takes the item before the woken getter runs: there is nothing to pass on.
    assert_eq!(queue.try_get(), Ok(1));
    drop(first);
    assert!(!second.is_woken(), "no item is there for the next getter");
    assert_eq!(queue.waiting_getters(), 1);
    // The next item still reaches the getter that kept waiting.
    queue.try_put(2).unwrap();
    assert!(second.is_woken());
    assert_ready_eq!(second.poll(), Ok(2));
}

#[test]
fn dropped_woken_getters_hand_every_item_on_down_the_line() {
    let queue = AsyncQueue::new(0);
    let mut getters: Vec<_> = (0..4).map(|_| spawn(queue.get())).collect();
    for getter in &mut getters {
        assert_pending!(getter.poll());
    }
    queue.try_put(10).unwrap();
    queue.try_put(11).unwrap();
    assert!(getters[0].is_woken() && getters[1].is_woken());
    assert!(!getters[2].is_woken() && !getters[3].is_woken());
    let mut survivors = getters.split_off(2);
    drop(getters);
    assert!(
        survivors.iter().all(|getter| getter.is_woken()),
        "both wakeups passed on"
    );
    assert_ready_eq!(survivors[0].poll(), Ok(10));
    assert_ready_eq!(survivors[1].poll(), Ok(11));
    assert_eq!((queue.len(), queue.waiting_getters()), (0, 0));
}

#[test]
fn a_woken_future_dropped_after_close_strands_nothing() {
    let queue = AsyncQueue::new(1);
    queue.try_put(0).unwrap();
    let mut put = spawn(queue.put(1));
    let mut get_after = spawn(queue.get());
    assert_pending!(put.poll());
    queue.close();
    assert!(put.is_woken());
    drop(put);
    assert_eq!(queue.waiting_putters(), 0);
    // The item already in the queue still drains, then get reports the close.
    assert_ready_eq!(get_after.poll(), Ok(0));
    assert_eq!(queue.try_get(), Err(TryGetError::Closed));
}
