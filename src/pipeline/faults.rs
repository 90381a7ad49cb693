//! Faults a test can inject into a run, to check that failures are reported and released.

use super::error::Role;

/// Faults to inject into a run, for testing how a pipeline fails.
///
/// The default injects nothing.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::{Faults, Implementation, Params, PipelineError, Role};
///
/// let params = Params::new(100, 3, 1).unwrap();
/// let faults = Faults::default().panic_after(Role::Consumer, 1, 10);
/// let error = Implementation::Threads.pipeline().run_with_faults(&params, &faults).unwrap_err();
/// assert!(matches!(error, PipelineError::WorkerPanicked { role: Role::Consumer, index: 1, .. }));
/// assert!(Implementation::Threads.pipeline().run_with_faults(&params, &Faults::default()).is_ok());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Faults {
    panic: Option<(Role, usize, u64)>,
    fail_spawn: Option<usize>,
}

impl Faults {
    /// Makes worker `index` of `role` panic once it has handled `items` items.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{Faults, Implementation, Params, Role};
    ///
    /// let faults = Faults::default().panic_after(Role::Producer, 0, 5);
    /// let params = Params::new(10, 2, 0).unwrap();
    /// assert!(Implementation::Tasks.pipeline().run_with_faults(&params, &faults).is_err());
    /// ```
    pub fn panic_after(mut self, role: Role, index: usize, items: u64) -> Self {
        self.panic = Some((role, index, items));
        self
    }

    /// Makes the `nth` thread spawn of a thread pipeline fail, counting from 0 in spawn order:
    /// producer 0, consumer 0, producer 1, consumer 1, and so on. Task pipelines cannot fail to
    /// spawn and ignore it.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{Faults, Implementation, Params, PipelineError};
    ///
    /// let faults = Faults::default().fail_spawn(3);
    /// let params = Params::new(10, 2, 1).unwrap();
    /// let error = Implementation::Threads.pipeline().run_with_faults(&params, &faults).unwrap_err();
    /// assert!(matches!(error, PipelineError::Spawn { index: 1, .. }));
    /// ```
    pub fn fail_spawn(mut self, nth: usize) -> Self {
        self.fail_spawn = Some(nth);
        self
    }

    /// After how many items worker `index` of `role` must panic, if at all.
    pub(crate) fn panic_point(&self, role: Role, index: usize) -> Option<u64> {
        match self.panic {
            Some((panic_role, panic_index, items))
                if (panic_role, panic_index) == (role, index) =>
            {
                Some(items)
            }
            _ => None,
        }
    }

    pub(crate) fn spawn_fails(&self, nth: usize) -> bool {
        self.fail_spawn == Some(nth)
    }
}

/// Panics if this worker was told to panic at this point.
pub(crate) fn strike(panic_point: Option<u64>, handled: u64) {
    if panic_point == Some(handled) {
        panic!("injected fault after {handled} items");
    }
}
