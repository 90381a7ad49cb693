//! Futile wakeups: a thread woken from a [`BlockingQueue`](super::BlockingQueue)'s condition
//! variable that finds its condition false again, because another thread took the item or the
//! slot first, and has to wait again.
//!
//! The count is per thread, so the queue adds no shared counter for it, and only a thread that
//! has already slept pays for it. Counted runs read it around each blocking call through
//! [`Sender::futile_wakeups_here`](crate::channel::Sender::futile_wakeups_here) to explain
//! their times; nothing else reads it.
//!
//! A timeline run (`Pipeline::run_timeline`) also wants *when* each wakeup happened, futile or
//! not. It turns this thread's log on around one blocking call ([`start_log`], [`take_log`]);
//! while it is off, which is always outside such a run, a wakeup costs one more read of a
//! thread-local flag, on a path that has just slept on a condition variable.

use std::cell::{Cell, RefCell};
use std::time::Instant;

/// One return from a condition variable's `wait`, and whether the thread then found its
/// condition false again.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Woke {
    pub(crate) at: Instant,
    pub(crate) futile: bool,
}

std::thread_local! {
    static ON_THIS_THREAD: Cell<u64> = const { Cell::new(0) };
    static LOGGING: Cell<bool> = const { Cell::new(false) };
    static LOG: RefCell<Vec<Woke>> = const { RefCell::new(Vec::new()) };
}

/// Notes that this thread returned from a condition variable's `wait`, under the queue's lock.
pub(crate) fn woke() {
    if LOGGING.get() {
        let wakeup = Woke {
            at: Instant::now(),
            futile: false,
        };
        LOG.with_borrow_mut(|log| log.push(wakeup));
    }
}

/// Notes that this thread woke up and found it must wait again.
pub(crate) fn record() {
    ON_THIS_THREAD.with(|count| count.set(count.get() + 1));
    if LOGGING.get() {
        // `woke` logged this wakeup a moment ago, under the same hold of the lock.
        LOG.with_borrow_mut(|log| {
            if let Some(last) = log.last_mut() {
                last.futile = true;
            }
        });
    }
}

/// How many futile wakeups this thread has had so far, in any blocking queue.
pub(crate) fn on_this_thread() -> u64 {
    ON_THIS_THREAD.with(Cell::get)
}

/// Starts logging this thread's wakeups, with an empty log.
pub(crate) fn start_log() {
    LOG.with_borrow_mut(Vec::clear);
    LOGGING.set(true);
}

/// Stops logging this thread's wakeups and returns those logged since [`start_log`].
pub(crate) fn take_log() -> Vec<Woke> {
    LOGGING.set(false);
    LOG.with_borrow_mut(std::mem::take)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_keeps_wakeups_only_while_it_is_on_and_marks_the_futile_ones() {
        woke();
        record();
        let futile_before = on_this_thread();
        start_log();
        woke();
        record();
        woke();
        let log = take_log();
        assert_eq!(
            log.iter().map(|w| w.futile).collect::<Vec<_>>(),
            [true, false]
        );
        assert!(log[0].at <= log[1].at);
        assert_eq!(on_this_thread(), futile_before + 1);
        woke();
        assert!(take_log().is_empty(), "off again: nothing kept");
    }
}
