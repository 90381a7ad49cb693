//! Shuttle scenarios for `AsyncQueue`: tasks on `shuttle::future`'s executor, whose wakers are
//! the queue's only way to wake them, at sizes loom cannot exhaust. Each runs at capacities 1
//! and 2 under both schedulers (`shuttle_support::check`). A task left asleep beside an item or
//! a free slot shows up as shuttle's deadlock failure.

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::Arc;
use std::task::Poll;

use crate::shuttle_support::{
    Item, assert_close_lost_nothing, assert_received_exactly_once_in_order, check, items_of,
};
use prodcons::{AsyncQueue, PutError};
use shuttle::future::{self, JoinHandle, block_on};

/// The bounds the scenarios run at: the two smallest, where puts wait most often.
const CAPACITIES: [usize; 2] = [1, 2];

/// Items each producer puts.
const ITEMS: usize = 3;

/// Spawns a consumer task that gets until the queue is closed and drained, or until it has
/// `limit` items, and returns what it got, in order, and whether a get failed. Each item it
/// gets it also reports on `progress`, when given one.
fn consumer(
    queue: &Arc<AsyncQueue<Item>>,
    limit: usize,
    progress: Option<Arc<AsyncQueue<()>>>,
) -> JoinHandle<(Vec<Item>, bool)> {
    let queue = Arc::clone(queue);
    future::spawn(async move {
        let mut got = Vec::new();
        while got.len() < limit {
            match queue.get().await {
                Ok(item) => {
                    got.push(item);
                    if let Some(progress) = &progress {
                        progress.put(()).await.unwrap();
                    }
                }
                Err(_) => return (got, true),
            }
        }
        (got, false)
    })
}

/// Spawns a producer task that puts its `count` items in order; once a put fails, every later
/// one must fail too, each giving its own item back. Returns the items that went in.
fn producer(queue: &Arc<AsyncQueue<Item>>, index: usize, count: usize) -> JoinHandle<Vec<Item>> {
    let queue = Arc::clone(queue);
    future::spawn(async move {
        let mut accepted = Vec::new();
        let mut closed = false;
        for item in items_of(index, count) {
            match queue.put(item).await {
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

/// Awaits every task and gathers what each returned.
async fn join_all<T>(tasks: impl IntoIterator<Item = JoinHandle<T>>) -> Vec<T> {
    let mut outputs = Vec::new();
    for task in tasks {
        outputs.push(task.await.unwrap());
    }
    outputs
}

/// 2 producer tasks put 3 items each + 2 consumer tasks get until the queue is closed and
/// drained; main closes once the producers are done, racing consumers waiting in `get`. Every
/// item arrives exactly once, in its producer's order, and the close wakes every waiting task.
#[test]
fn two_producer_and_two_consumer_tasks_each_item_once_in_producer_order() {
    for capacity in CAPACITIES {
        check(move || {
            block_on(async move {
                let queue = Arc::new(AsyncQueue::new(capacity));
                let consumers = [
                    consumer(&queue, usize::MAX, None),
                    consumer(&queue, usize::MAX, None),
                ];
                let producers = [producer(&queue, 0, ITEMS), producer(&queue, 1, ITEMS)];
                let accepted: Vec<Item> = join_all(producers).await.concat();
                assert_eq!(accepted.len(), 2 * ITEMS, "no put fails before the close");
                assert!(queue.close());
                let mut received = Vec::new();
                for (got, closed) in join_all(consumers).await {
                    assert!(closed, "a consumer ends only on the closed, drained queue");
                    received.push(got);
                }
                assert_received_exactly_once_in_order(&accepted, &received);
                assert!(queue.is_empty());
            });
        });
    }
}

/// 2 producer tasks try 4 items each + 2 consumer tasks take at most 3 each, so producers wait
/// on the full queue and consumers on the empty one; main closes at once, wherever the
/// schedulers place it. Every waiting `put` and `get` returns; what went in comes out once, in
/// producer order; a get that failed saw the queue drained, so nothing is left after it.
#[test]
fn close_racing_waiting_put_and_get_tasks_wakes_them_all_and_loses_nothing() {
    for capacity in CAPACITIES {
        check(move || {
            block_on(async move {
                let queue = Arc::new(AsyncQueue::new(capacity));
                let producers = [producer(&queue, 0, 4), producer(&queue, 1, 4)];
                let consumers = [consumer(&queue, 3, None), consumer(&queue, 3, None)];
                queue.close();
                let accepted: Vec<Item> = join_all(producers).await.concat();
                let consumers = join_all(consumers).await;
                let left = std::iter::from_fn(|| queue.try_get().ok()).collect();
                assert_close_lost_nothing(&accepted, consumers, left);
            });
        });
    }
}

/// 2 producer tasks put 2 items each + 2 consumer tasks + an impatient task that polls one
/// `get` with its own waker, yields twice (time for a put to wake it) and drops it. Main waits
/// until all 4 items were received before it closes, so the close cannot rescue a stranded
/// item: a dropped `get` that was woken for an item must hand the wakeup to the next waiting
/// getter, or that getter sleeps beside the item and the run deadlocks.
#[test]
fn a_dropped_get_hands_its_wakeup_on_to_the_next_getter() {
    const PER_PRODUCER: usize = 2;
    for capacity in CAPACITIES {
        check(move || {
            block_on(async move {
                let queue = Arc::new(AsyncQueue::new(capacity));
                // One `()` per item received: main counts them before it closes.
                let progress = Arc::new(AsyncQueue::new(0));
                let impatient = future::spawn({
                    let (queue, progress) = (Arc::clone(&queue), Arc::clone(&progress));
                    async move {
                        let mut get = pin!(queue.get());
                        let first = poll_fn(|cx| Poll::Ready(get.as_mut().poll(cx))).await;
                        match first {
                            Poll::Ready(Ok(item)) => {
                                progress.put(()).await.unwrap();
                                return Some(item);
                            }
                            // Polled first after every item was received and the queue closed.
                            Poll::Ready(Err(_)) => return None,
                            Poll::Pending => {}
                        }
                        future::yield_now().await;
                        future::yield_now().await;
                        None // Drops the `get`, woken or not.
                    }
                });
                let consumers = [
                    consumer(&queue, usize::MAX, Some(Arc::clone(&progress))),
                    consumer(&queue, usize::MAX, Some(Arc::clone(&progress))),
                ];
                let producers = [
                    producer(&queue, 0, PER_PRODUCER),
                    producer(&queue, 1, PER_PRODUCER),
                ];
                let accepted: Vec<Item> = join_all(producers).await.concat();
                for _ in 0..accepted.len() {
                    progress.get().await.unwrap();
                }
                assert!(queue.close());
                let mut received: Vec<Vec<Item>> = join_all(consumers)
                    .await
                    .into_iter()
                    .map(|(got, _)| got)
                    .collect();
                received.push(impatient.await.unwrap().into_iter().collect());
                assert_received_exactly_once_in_order(&accepted, &received);
            });
        });
    }
}
