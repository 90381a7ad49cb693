//! The threads asleep on one side of a [`BlockingQueue`](super::BlockingQueue), counted so
//! that a `put` or `get` makes the `notify_one` syscall only when it can wake somebody.
//!
//! A thread signalled by `notify_one` still counts as waiting until it gets the lock back, so
//! "someone waits" alone would signal that same thread again for every item put meanwhile.
//! Counting the signals still on their way too means each signal goes to a thread that has not
//! had one.

/// Threads waiting on one condition variable, and how many of them have been signalled.
#[derive(Debug, Default)]
pub(crate) struct Sleepers {
    waiting: usize,
    signalled: usize,
}

impl Sleepers {
    /// How many threads are inside the condition variable's `wait`.
    pub(crate) fn waiting(&self) -> usize {
        self.waiting
    }

    /// Call just before `wait`, under the lock.
    pub(crate) fn fall_asleep(&mut self) {
        self.waiting += 1;
    }

    /// Call just after `wait` returns, under the lock.
    ///
    /// The thread cannot tell a signal from a spurious wakeup, so it retires one signal on
    /// the way if any is pending. If the wakeup was spurious, that signal's real target still
    /// counts as waiting and so is signalled again: a redundant syscall, never a lost wakeup.
    pub(crate) fn wake_up(&mut self) {
        self.waiting -= 1;
        self.signalled = self.signalled.saturating_sub(1);
    }

    /// Whether a waiting thread has no signal yet; if so, counts the one the caller will send.
    pub(crate) fn claim_signal(&mut self) -> bool {
        let unsignalled = self.waiting > self.signalled;
        if unsignalled {
            self.signalled += 1;
        }
        unsignalled
    }
}
