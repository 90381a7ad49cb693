//! Loom models that both queues must pass, each written once and run on `BlockingQueue` and
//! on `AsyncQueue` (through `loom::future::block_on`) at every capacity, as concurrent-queue's
//! `run_test` does: every interleaving of the real queue code, within the preemption bound in
//! `loom_support` (3, or `LOOM_MAX_PREEMPTIONS`). Each model names its threads and items.
//!
//! What only one queue has stays in its own module: the blocking queue's spurious condvar
//! wakeups in `loom_blocking_queue.rs`, the async queue's dropped, moved and spuriously polled
//! futures in `loom_async_queue.rs`.

use crate::loom_support::{run_bounded_test, run_test, run_wide_test};
use loom::future::block_on;
use loom::sync::Arc;
use loom::thread;
use prodcons::{AsyncQueue, BlockingQueue, GetError, PutError};

/// The blocking half of a queue's API, which every scenario here is written against. A
/// thread's whole run of puts or gets is one call, so that on the async queue it is one task
/// (one `block_on`): a `block_on` per item multiplies the interleavings loom must explore.
trait Queue: Send + Sync + 'static {
    fn with_capacity(capacity: usize) -> Self;
    /// Puts each item in turn, stopping at the first that fails.
    fn put_all(&self, items: impl IntoIterator<Item = u8>) -> Result<(), PutError<u8>>;
    /// Makes `n` gets in turn, stopping after the first that fails.
    fn take(&self, n: usize) -> Vec<Result<u8, GetError>>;
    fn close(&self);
    fn len(&self) -> usize;

    fn put(&self, item: u8) -> Result<(), PutError<u8>> {
        self.put_all([item])
    }

    fn get(&self) -> Result<u8, GetError> {
        self.take(1).remove(0)
    }
}

/// `n` gets made by `get`, stopping after the first that fails.
fn gets<E>(n: usize, mut get: impl FnMut() -> Result<u8, E>) -> Vec<Result<u8, E>> {
    let mut taken = Vec::with_capacity(n);
    for _ in 0..n {
        let got = get();
        let failed = got.is_err();
        taken.push(got);
        if failed {
            break;
        }
    }
    taken
}

impl Queue for BlockingQueue<u8> {
    fn with_capacity(capacity: usize) -> Self {
        Self::new(capacity)
    }
    fn put_all(&self, items: impl IntoIterator<Item = u8>) -> Result<(), PutError<u8>> {
        items
            .into_iter()
            .try_for_each(|item| BlockingQueue::put(self, item))
    }
    fn take(&self, n: usize) -> Vec<Result<u8, GetError>> {
        gets(n, || BlockingQueue::get(self))
    }
    fn close(&self) {
        BlockingQueue::close(self);
    }
    fn len(&self) -> usize {
        BlockingQueue::len(self)
    }
}

impl Queue for AsyncQueue<u8> {
    fn with_capacity(capacity: usize) -> Self {
        Self::new(capacity)
    }
    fn put_all(&self, items: impl IntoIterator<Item = u8>) -> Result<(), PutError<u8>> {
        block_on(async {
            for item in items {
                AsyncQueue::put(self, item).await?;
            }
            Ok(())
        })
    }
    fn take(&self, n: usize) -> Vec<Result<u8, GetError>> {
        block_on(async {
            let mut taken = Vec::with_capacity(n);
            for _ in 0..n {
                let got = AsyncQueue::get(self).await;
                let failed = got.is_err();
                taken.push(got);
                if failed {
                    break;
                }
            }
            taken
        })
    }
    fn close(&self) {
        AsyncQueue::close(self);
    }
    fn len(&self) -> usize {
        AsyncQueue::len(self)
    }
}

type Blocking = BlockingQueue<u8>;
type Async = AsyncQueue<u8>;

/// Main + 2 threads (a producer and a consumer), 3 items: all arrive, in order.
fn spsc_in_order<Q: Queue>(capacity: usize) {
    let queue = Arc::new(Q::with_capacity(capacity));
    let producer = thread::spawn({
        let queue = Arc::clone(&queue);
        move || queue.put_all(0..3).unwrap()
    });
    let consumer = thread::spawn({
        let queue = Arc::clone(&queue);
        move || queue.take(3)
    });
    producer.join().unwrap();
    assert_eq!(consumer.join().unwrap(), [Ok(0), Ok(1), Ok(2)]);
    assert_eq!(queue.len(), 0);
}

#[test]
fn spsc_delivers_every_item_in_order() {
    run_test(spsc_in_order::<Blocking>);
    run_test(spsc_in_order::<Async>);
}

/// Main consumes + 2 producer threads, 2 items and 1: every item arrives exactly once, and the
/// first producer's two arrive in order. (Two items each took the async queue over 2 minutes
/// at bound 2; one producer's pair is what it takes to see an order broken.)
fn two_producers<Q: Queue>(capacity: usize) {
    let queue = Arc::new(Q::with_capacity(capacity));
    let producers: Vec<_> = [vec![10, 11], vec![20]]
        .into_iter()
        .map(|items| {
            let queue = Arc::clone(&queue);
            thread::spawn(move || queue.put_all(items).unwrap())
        })
        .collect();
    let mut taken: Vec<u8> = queue.take(3).into_iter().map(Result::unwrap).collect();
    producers
        .into_iter()
        .for_each(|producer| producer.join().unwrap());
    let position = |item| taken.iter().position(|&taken| taken == item).unwrap();
    assert!(position(10) < position(11), "{taken:?}");
    taken.sort_unstable();
    assert_eq!(taken, [10, 11, 20]);
}

#[test]
fn two_producers_deliver_every_item_once() {
    run_test(two_producers::<Blocking>);
    run_test(two_producers::<Async>);
}

/// Main produces 2 items + 2 consumer threads taking one each: each item goes to exactly one.
fn two_consumers<Q: Queue>(capacity: usize) {
    let queue = Arc::new(Q::with_capacity(capacity));
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
}

#[test]
fn two_consumers_share_the_items_without_duplicates() {
    run_test(two_consumers::<Blocking>);
    run_test(two_consumers::<Async>);
}

/// Main takes 2 items + 1 putter thread blocked on a full queue: the get wakes the putter
/// and the items arrive in order.
fn get_wakes_putter<Q: Queue>(capacity: usize) {
    let queue = Arc::new(Q::with_capacity(capacity));
    queue.put_all(0..capacity as u8).unwrap();
    let putter = thread::spawn({
        let queue = Arc::clone(&queue);
        move || queue.put(100).unwrap()
    });
    let taken = queue.take(capacity + 1);
    putter.join().unwrap();
    assert_eq!(taken.last(), Some(&Ok(100)), "{taken:?}");
}

#[test]
fn a_get_wakes_a_blocked_putter() {
    run_bounded_test(get_wakes_putter::<Blocking>);
    run_bounded_test(get_wakes_putter::<Async>);
}

/// Main closes + 2 getter threads on an empty queue: both wake and fail.
fn close_wakes_getters<Q: Queue>(capacity: usize) {
    let queue = Arc::new(Q::with_capacity(capacity));
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
}

#[test]
fn close_wakes_every_blocked_getter() {
    run_test(close_wakes_getters::<Blocking>);
    run_test(close_wakes_getters::<Async>);
}

/// Main closes + 2 putter threads on a full queue: both wake and get their item back, and
/// the queue keeps what it held.
fn close_wakes_putters<Q: Queue>(capacity: usize) {
    let queue = Arc::new(Q::with_capacity(capacity));
    queue.put_all(0..capacity as u8).unwrap();
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
}

#[test]
fn close_wakes_every_blocked_putter() {
    run_bounded_test(close_wakes_putters::<Blocking>);
    run_bounded_test(close_wakes_putters::<Async>);
}

/// Main closes + a getter thread that drains 1 item then waits: close lets `get` drain what
/// is left, then fail; a put after close fails and leaves nothing behind.
fn close_drains<Q: Queue>(capacity: usize) {
    let queue = Arc::new(Q::with_capacity(capacity));
    queue.put(7).unwrap();
    let getter = thread::spawn({
        let queue = Arc::clone(&queue);
        move || queue.take(2)
    });
    queue.close();
    assert_eq!(queue.put(8), Err(PutError(8)));
    assert_eq!(getter.join().unwrap(), [Ok(7), Err(GetError)]);
    assert_eq!(queue.len(), 0);
}

#[test]
fn close_drains_then_fails_and_refuses_later_puts() {
    run_test(close_drains::<Blocking>);
    run_test(close_drains::<Async>);
}

/// Main consumes 1 item + 2 producer threads (1 item each) + 1 consumer thread (1 item):
/// many producers and many consumers at once; each item is taken exactly once. Wide: bound 2.
fn mpmc<Q: Queue>(capacity: usize) {
    let queue = Arc::new(Q::with_capacity(capacity));
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
    assert_eq!(queue.len(), 0);
}

#[test]
fn mpmc_delivers_every_item_exactly_once() {
    run_wide_test(mpmc::<Blocking>);
    run_wide_test(mpmc::<Async>);
}
