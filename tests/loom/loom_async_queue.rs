//! Loom models of what only `AsyncQueue` has: futures, which may be dropped before they
//! finish, moved to another task, or polled for no reason. The scenarios both queues share are
//! in `loom_queues.rs`; the preemption bound is in `loom_support` (3, or
//! `LOOM_MAX_PREEMPTIONS`). Each model names its threads and items; each runs at capacities 0,
//! 1 and 2 unless it says otherwise.

use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};

use crate::loom_support::{run_bounded_test, run_test};
use loom::future::block_on;
use loom::sync::Arc;
use loom::thread;
use prodcons::AsyncQueue;

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

/// Main takes 1 item + 2 putter threads on a full queue of capacity 1 or 2: one polls its `put`
/// once and drops it, woken or not; the other waits. The free slot is never stranded: the
/// patient putter always finishes.
#[test]
fn a_dropped_putter_strands_no_slot() {
    run_bounded_test(|capacity| {
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
/// At capacities 1 and 2: an unbounded queue is never full.
#[test]
fn a_put_moved_to_another_thread_wakes_the_thread_that_polled_it_last() {
    run_bounded_test(|capacity| {
        let queue = leaked(capacity);
        for item in 0..capacity {
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
