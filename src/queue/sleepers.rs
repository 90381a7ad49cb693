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
        // Every return from `wait` passes here: the one place a timeline run can see it.
        super::futile::woke();
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

#[cfg(test)]
mod tests {
    use super::Sleepers;

    #[test]
    fn each_sleeper_gets_one_signal_and_no_more() {
        let mut side = Sleepers::default();
        assert!(!side.claim_signal(), "nobody sleeps: no notify");
        side.fall_asleep();
        side.fall_asleep();
        assert!(side.claim_signal());
        assert!(side.claim_signal());
        assert!(
            !side.claim_signal(),
            "both already have a signal on its way"
        );
        side.wake_up();
        assert!(
            !side.claim_signal(),
            "the other one's signal is still on its way"
        );
        side.wake_up();
        assert_eq!(side.waiting(), 0);
        assert!(!side.claim_signal());
    }

    #[test]
    fn a_spurious_wakeup_costs_an_extra_signal_never_a_lost_one() {
        let mut side = Sleepers::default();
        side.fall_asleep();
        side.fall_asleep();
        assert!(side.claim_signal());
        // The unsignalled sleeper wakes spuriously and retires the pending signal; the
        // signalled one is still on its way, so the next item signals again.
        side.wake_up();
        assert_eq!(side.waiting(), 1);
        assert!(side.claim_signal());
    }
}
