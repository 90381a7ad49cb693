//! The guard every worker carries: if it stops before its whole job is done, whether by a
//! panic, by finding its queue closed, or by being dropped as a task, it closes its queues so
//! that no other worker waits forever for it.

/// Runs `release` on drop unless [`finish`](ReleaseOnEarlyExit::finish) was called.
pub(crate) struct ReleaseOnEarlyExit<F: FnOnce()> {
    release: Option<F>,
}

impl<F: FnOnce()> ReleaseOnEarlyExit<F> {
    pub(crate) fn new(release: F) -> Self {
        Self {
            release: Some(release),
        }
    }

    /// The worker did all it was asked: nothing to release.
    pub(crate) fn finish(mut self) {
        self.release = None;
    }
}

impl<F: FnOnce()> Drop for ReleaseOnEarlyExit<F> {
    fn drop(&mut self) {
        if let Some(release) = self.release.take() {
            release();
        }
    }
}
