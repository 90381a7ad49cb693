//! Futile wakeups: a thread woken from a [`BlockingQueue`](super::BlockingQueue)'s condition
//! variable that finds its condition false again, because another thread took the item or the
//! slot first, and has to wait again.
//!
//! The count is per thread, so the queue adds no shared counter for it, and only a thread that
//! has already slept pays for it. Counted runs read it around each blocking call through
//! [`Sender::futile_wakeups_here`](crate::channel::Sender::futile_wakeups_here) to explain
//! their times; nothing else reads it.

use std::cell::Cell;

std::thread_local! {
    static ON_THIS_THREAD: Cell<u64> = const { Cell::new(0) };
}

/// Notes that this thread woke up and found it must wait again.
pub(crate) fn record() {
    ON_THIS_THREAD.with(|count| count.set(count.get() + 1));
}

/// How many futile wakeups this thread has had so far, in any blocking queue.
pub(crate) fn on_this_thread() -> u64 {
    ON_THIS_THREAD.with(Cell::get)
}
