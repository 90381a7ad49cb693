//! Loom models of `AsyncQueue`, driven by `loom::future::block_on` on loom threads: every
//! interleaving of the real queue code, within the preemption bound in `common` (3, or
//! `LOOM_MAX_PREEMPTIONS`). Each model names its threads and items; each runs at capacities 0,
//! 1 and 2 unless it says otherwise.
#![cfg(loom)]

mod common;

use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};

use common::{model, run_test, run_wide_test};
use loom::future::block_on;
use loom::sync::Arc;
use loom::thread;
use prodcons::{AsyncQueue, GetError, PutError};

/// Main + 2 threads (a producer and a consumer task), 3 items: all arrive, in order.
#[test]
fn spsc_delivers_every_item_in_order() {
    run_test(|capacity| {
        let queue = Arc::new(AsyncQueue::new(capacity));
        let producer = thread::spawn({
            let queue = Arc::clone(&queue);
            move || {
                block_on(async {
                    for item in 0..3 {
                        queue.put(item).await.unwrap();
                    }
                })
            }
        });
        let consumer = thread::spawn({
            let queue = Arc::clone(&queue);
            move || {
                block_on(async {
                    let mut taken = Vec::new();
                    for _ in 0..3 {
                        taken.push(queue.get().await.unwrap());
                    }
                    taken
                })
            }
        });
        producer.join().unwrap();
        assert_eq!(consumer.join().unwrap(), [0, 1, 2]);
    });
}

/// Main closes + 2 getter threads on an empty queue: both wake and fail.
#[test]
fn close_wakes_every_waiting_getter() {
    run_test(|capacity| {
        let queue = Arc::new(AsyncQueue::<u8>::new(capacity));
        let getters: Vec<_> = (0..2)
            .map(|_| {
                let queue = Arc::clone(&queue);
                thread::spawn(move || block_on(queue.get()))
            })
            .collect();
        queue.close();
        for getter in getters {
            assert_eq!(getter.join().unwrap(), Err(GetError));
        }
    });
}

/// Main puts 1 item + 2 getter threads: one polls its `get` once and drops it, woken or
/// not; the other waits. Exactly one of them ends up with the item, and the waiting one never
/// sleeps beside an item that a dropped getter was woken for.
#[test]
fn a_dropped_getter_strands_no_item() {
    run_test(|capacity| {
        let queue = Arc::new(AsyncQueue::new(capacity));
        let impatient = thread::spawn({
            let queue = Arc::clone(&queue);
            move || {
                let mut get = pin!(queue.get());
                match get.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
                    Poll::Ready(item) => Some(item.unwrap()),
                    Poll::Pending => None,
                }
            }
        });
        let patient = thread::spawn({
            let queue = Arc::clone(&queue);
            move || block_on(queue.get()).unwrap()
        });
        queue.try_put(1).unwrap();
        if impatient.join().unwrap().is_some() {
            // The impatient getter took the only item: give the patient one its own.
            block_on(queue.put(2)).unwrap();
        }
        let got = patient.join().unwrap();
        assert!(got == 1 || got == 2);
        assert!(queue.is_empty());
    });
}

/// Main takes 2 items + 1 putter thread blocked on a full queue of capacity 1: the get wakes
/// the putter and both items arrive in order.
#[test]
fn a_get_wakes_a_blocked_putter() {
    model(|| {
        let queue = Arc::new(AsyncQueue::new(1));
        queue.try_put(1).unwrap();
        let putter = thread::spawn({
            let queue = Arc::clone(&queue);
            move || block_on(queue.put(2)).unwrap()
        });
        assert_eq!(block_on(queue.get()), Ok(1));
        assert_eq!(block_on(queue.get()), Ok(2));
        putter.join().unwrap();
    });
}

/// Main takes 1 item + 2 putter threads on a full queue of capacity 1 or 2: one polls its `put`
/// once and drops it, woken or not; the other waits. The free slot is never stranded: the
/// patient putter always finishes.
#[test]
fn a_dropped_putter_strands_no_slot() {
    for capacity in [1, 2] {
        model(move || {
            let queue = Arc::new(AsyncQueue::new(capacity));
            (0..capacity).for_each(|item| queue.try_put(item).unwrap());
            let impatient = thread::spawn({
                let queue = Arc::clone(&queue);
                move || {
                    let mut put = pin!(queue.put(100));
                    let polled = put.as_mut().poll(&mut Context::from_waker(Waker::noop()));
                    matches!(polled, Poll::Ready(Ok(())))
                }
            });
            let patient = thread::spawn({
                let queue = Arc::clone(&queue);
                move || block_on(queue.put(200)).unwrap()
            });
            assert_eq!(block_on(queue.get()), Ok(0));
            if impatient.join().unwrap() {
                // The impatient putter used the only free slot: make room for the patient one.
                block_on(queue.get()).unwrap();
            }
            patient.join().unwrap();
        });
    }
}

/// Main closes + 2 putter threads on a full queue of capacity 1 or 2: both wake and get their
/// item back, and the queue keeps what it held.
#[test]
fn close_wakes_every_waiting_putter() {
    for capacity in [1, 2] {
        model(move || {
            let queue = Arc::new(AsyncQueue::new(capacity));
            (0..capacity).for_each(|item| queue.try_put(item).unwrap());
            let putters: Vec<_> = [100, 200]
                .into_iter()
                .map(|item| {
                    let queue = Arc::clone(&queue);
                    thread::spawn(move || block_on(queue.put(item)))
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

/// Main consumes 1 item + 2 producer threads (1 item each) + 1 consumer thread (1 item):
/// many producers and many consumers at once; each item is taken exactly once. Wide: bound 2.
#[test]
fn mpmc_delivers_every_item_exactly_once() {
    run_wide_test(|capacity| {
        let queue = Arc::new(AsyncQueue::new(capacity));
        let producers: Vec<_> = [1, 2]
            .into_iter()
            .map(|item| {
                let queue = Arc::clone(&queue);
                thread::spawn(move || block_on(queue.put(item)).unwrap())
            })
            .collect();
        let consumer = thread::spawn({
            let queue = Arc::clone(&queue);
            move || block_on(queue.get()).unwrap()
        });
        let mut taken = vec![block_on(queue.get()).unwrap(), consumer.join().unwrap()];
        producers
            .into_iter()
            .for_each(|producer| producer.join().unwrap());
        taken.sort_unstable();
        assert_eq!(taken, [1, 2]);
        assert!(queue.is_empty());
    });
}

/// Spurious. Main puts 2 items + a getter thread + a thread that wakes every waiter once for
/// no reason: a `get` polled without cause finds nothing, keeps its place in line and still
/// gets both items, in order.
#[test]
fn a_spuriously_polled_getter_keeps_its_place() {
    run_test(|capacity| {
        let queue = Arc::new(AsyncQueue::new(capacity));
        let getter = thread::spawn({
            let queue = Arc::clone(&queue);
            move || block_on(async { (queue.get().await, queue.get().await) })
        });
        let waker = thread::spawn({
            let queue = Arc::clone(&queue);
            move || queue.wake_spuriously()
        });
        block_on(queue.put(1)).unwrap();
        block_on(queue.put(2)).unwrap();
        assert_eq!(getter.join().unwrap(), (Ok(1), Ok(2)));
        waker.join().unwrap();
        assert_eq!(queue.waiting_getters(), 0);
    });
}

/// The queue outlives every thread of one execution; leaking it lets a pending future, which
/// borrows it, move from one thread to another as a task's future moves between tasks.
fn leaked<T: Send + 'static>(capacity: usize) -> &'static AsyncQueue<T> {
    Box::leak(Box::new(AsyncQueue::new(capacity)))
}

/// Polls `future` once with a waker that wakes nobody, as a task that then lets it go would.
fn poll_once_elsewhere<F: Future + Unpin>(mut future: F) -> Result<F::Output, F> {
    match Pin::new(&mut future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => Ok(output),
        Poll::Pending => Err(future),
    }
}

/// Main + a putter thread + a thread that polls a `get` once and hands it, still pending, to a
/// third thread that waits on it: the put must wake the thread that polled the future last.
/// Were the first poll's waker kept, the second thread would sleep beside the item.
#[test]
fn a_get_moved_to_another_thread_wakes_the_thread_that_polled_it_last() {
    run_test(|capacity| {
        let queue = leaked(capacity);
        let putter = thread::spawn(move || block_on(queue.put(1)).unwrap());
        let first = thread::spawn(move || poll_once_elsewhere(queue.get()));
        let got = match first.join().unwrap() {
            Ok(got) => got,
            Err(pending) => thread::spawn(move || block_on(pending)).join().unwrap(),
        };
        assert_eq!(got, Ok(1));
        putter.join().unwrap();
    });
}

/// Main + a getter thread + a thread that polls a `put` on a full queue once and hands it,
/// still pending, to a third thread that waits on it: the get must wake that third thread.
/// An unbounded queue is never full, so capacity 0 runs as 1.
#[test]
fn a_put_moved_to_another_thread_wakes_the_thread_that_polled_it_last() {
    run_test(|capacity| {
        let queue = leaked(capacity.max(1));
        for item in 0..capacity.max(1) {
            queue.try_put(item).unwrap();
        }
        let getter = thread::spawn(move || block_on(queue.get()).unwrap());
        let first = thread::spawn(move || poll_once_elsewhere(queue.put(9)));
        let put = match first.join().unwrap() {
            Ok(put) => put,
            Err(pending) => thread::spawn(move || block_on(pending)).join().unwrap(),
        };
        assert_eq!(put, Ok(()));
        assert_eq!(
            getter.join().unwrap(),
            0,
            "the getter takes the oldest item"
        );
    });
}
