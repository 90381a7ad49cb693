//! `BlockingQueue` as a user sees it: FIFO order, capacity, the non-blocking calls, and close.

use std::sync::Arc;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use prodcons::{BlockingQueue, GetError, PutError, TryGetError, TryPutError};

/// Generous: it only turns a hang into a failure, it never judges speed.
const HANG: Duration = Duration::from_secs(60);

#[test]
fn items_come_out_in_the_order_they_went_in() {
    let queue = BlockingQueue::new(0);
    for item in 0..100 {
        queue.put(item).unwrap();
    }
    let taken: Vec<_> = (0..100).map(|_| queue.get().unwrap()).collect();
    assert_eq!(taken, (0..100).collect::<Vec<_>>());
}

#[test]
fn a_bounded_queue_refuses_the_item_past_its_capacity() {
    for capacity in 1..=4 {
        let queue = BlockingQueue::new(capacity);
        for item in 0..capacity {
            assert_eq!(queue.try_put(item), Ok(()));
        }
        assert!(queue.is_full());
        assert_eq!(queue.len(), capacity);
        assert_eq!(queue.try_put(99), Err(TryPutError::Full(99)));
        assert_eq!(queue.try_get(), Ok(0));
        assert!(!queue.is_full());
        assert_eq!(queue.try_put(99), Ok(()));
    }
}

#[test]
fn capacity_zero_means_unbounded() {
    let queue = BlockingQueue::new(0);
    assert_eq!(queue.capacity(), None);
    for item in 0..10_000 {
        assert_eq!(queue.try_put(item), Ok(()));
    }
    assert!(!queue.is_full());
    assert_eq!(queue.len(), 10_000);
}

#[test]
fn try_get_reports_empty_then_closed() {
    let queue = BlockingQueue::<u8>::new(2);
    assert!(queue.is_empty());
    assert_eq!(queue.try_get(), Err(TryGetError::Empty));
    queue.close();
    assert_eq!(queue.try_get(), Err(TryGetError::Closed));
}

#[test]
fn close_refuses_puts_and_drains_before_failing_gets() {
    let queue = BlockingQueue::new(3);
    queue.put('a').unwrap();
    queue.put('b').unwrap();
    assert!(queue.close());
    assert!(queue.is_closed());
    assert_eq!(queue.put('c'), Err(PutError('c')));
    assert_eq!(queue.try_put('d'), Err(TryPutError::Closed('d')));
    assert_eq!(queue.get(), Ok('a'));
    assert_eq!(queue.try_get(), Ok('b'));
    assert_eq!(queue.get(), Err(GetError));
    assert!(
        !queue.close(),
        "a second close reports that it changed nothing"
    );
}

#[test]
fn a_full_queue_still_refuses_puts_as_closed_once_closed() {
    let queue = BlockingQueue::new(1);
    queue.put(1).unwrap();
    queue.close();
    assert_eq!(queue.try_put(2), Err(TryPutError::Closed(2)));
}

/// Starts `count` threads that each run `work` once and report its result.
fn spawn_waiters<R: Send + 'static>(
    count: usize,
    work: impl Fn() -> R + Send + Sync + 'static,
) -> (mpsc::Receiver<R>, Vec<thread::JoinHandle<()>>) {
    let work = Arc::new(work);
    let (report, reports) = mpsc::channel();
    let handles = (0..count)
        .map(|_| {
            let (work, report) = (Arc::clone(&work), report.clone());
            thread::spawn(move || report.send(work()).unwrap())
        })
        .collect();
    (reports, handles)
}

/// Waits until the queue reports `count` blocked threads. It yields rather than sleeps: the
/// condition is the queue's own count, not a guess about how long threads take to block.
fn wait_until_blocked(count: usize, blocked: impl Fn() -> usize) {
    let deadline = std::time::Instant::now() + HANG;
    while blocked() < count {
        assert!(
            std::time::Instant::now() < deadline,
            "{count} threads never blocked"
        );
        thread::yield_now();
    }
}

#[test]
fn close_wakes_every_blocked_getter() {
    let queue = Arc::new(BlockingQueue::<u32>::new(1));
    let (reports, handles) = spawn_waiters(4, {
        let queue = Arc::clone(&queue);
        move || queue.get()
    });
    wait_until_blocked(4, || queue.waiting_getters());
    assert!(
        reports.try_recv().is_err(),
        "a getter returned from an empty queue"
    );
    queue.close();
    for _ in 0..4 {
        assert_eq!(reports.recv_timeout(HANG), Ok(Err(GetError)));
    }
    handles
        .into_iter()
        .for_each(|handle| handle.join().unwrap());
}

#[test]
fn close_wakes_every_blocked_putter() {
    let queue = Arc::new(BlockingQueue::new(1));
    queue.put(0).unwrap();
    let (reports, handles) = spawn_waiters(4, {
        let queue = Arc::clone(&queue);
        move || queue.put(7)
    });
    wait_until_blocked(4, || queue.waiting_putters());
    assert!(
        reports.try_recv().is_err(),
        "a putter returned from a full queue"
    );
    queue.close();
    for _ in 0..4 {
        assert_eq!(reports.recv_timeout(HANG), Ok(Err(PutError(7))));
    }
    handles
        .into_iter()
        .for_each(|handle| handle.join().unwrap());
    assert_eq!(queue.waiting_putters(), 0);
    assert_eq!(queue.get(), Ok(0), "close keeps what the queue held");
}

#[test]
fn a_blocked_getter_wakes_for_a_put() {
    let queue = Arc::new(BlockingQueue::new(0));
    let (reports, handles) = spawn_waiters(1, {
        let queue = Arc::clone(&queue);
        move || queue.get()
    });
    wait_until_blocked(1, || queue.waiting_getters());
    queue.put(42).unwrap();
    assert_eq!(reports.recv_timeout(HANG), Ok(Ok(42)));
    handles
        .into_iter()
        .for_each(|handle| handle.join().unwrap());
}

#[test]
fn a_blocked_putter_wakes_for_a_get() {
    let queue = Arc::new(BlockingQueue::new(1));
    queue.put(1).unwrap();
    let (reports, handles) = spawn_waiters(1, {
        let queue = Arc::clone(&queue);
        move || queue.put(2)
    });
    wait_until_blocked(1, || queue.waiting_putters());
    assert_eq!(queue.get(), Ok(1));
    assert_eq!(reports.recv_timeout(HANG), Ok(Ok(())));
    assert_eq!(queue.get(), Ok(2));
    handles
        .into_iter()
        .for_each(|handle| handle.join().unwrap());
}

#[test]
fn many_producers_and_consumers_move_every_item_exactly_once() {
    const PRODUCERS: u64 = 4;
    const ITEMS: u64 = 2_000;
    for capacity in [0, 1, 3] {
        let queue = Arc::new(BlockingQueue::new(capacity));
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|producer| {
                let queue = Arc::clone(&queue);
                thread::spawn(move || {
                    for seq in 0..ITEMS {
                        queue.put(producer * ITEMS + seq).unwrap();
                    }
                })
            })
            .collect();
        let consumers: Vec<_> = (0..PRODUCERS)
            .map(|_| {
                let queue = Arc::clone(&queue);
                thread::spawn(move || (0..ITEMS).map(|_| queue.get().unwrap()).collect::<Vec<_>>())
            })
            .collect();
        producers
            .into_iter()
            .for_each(|handle| handle.join().unwrap());
        let mut taken: Vec<u64> = consumers
            .into_iter()
            .flat_map(|handle| handle.join().unwrap())
            .collect();
        taken.sort_unstable();
        assert_eq!(
            taken,
            (0..PRODUCERS * ITEMS).collect::<Vec<_>>(),
            "capacity {capacity}"
        );
        assert!(queue.is_empty());
    }
}

#[test]
fn the_queue_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<BlockingQueue<String>>();
    shareable::<BlockingQueue<Box<dyn std::any::Any + Send>>>();
}
