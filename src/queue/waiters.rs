//! The line of tasks waiting on one side of an [`AsyncQueue`](super::AsyncQueue): the
//! counterpart of asyncio's `_getters` and `_putters` deques.
//!
//! Waking the front waiter removes it from the line. A future that finds itself missing from
//! the line therefore knows it was handed a wakeup, and can pass that wakeup on if it is dropped
//! before using it, as asyncio's `_wakeup_next` does for a cancelled getter.

use std::collections::VecDeque;
use std::task::Waker;

/// Names one stay in the line. Ids only grow, so the line is sorted by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct WaiterId(u64);

/// What became of a future's place in the line when it stopped waiting.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Withdrawal {
    /// It held no place.
    NotWaiting,
    /// It was still in line and has left it; no wakeup was spent on it.
    LeftTheLine,
    /// It had been woken: the wakeup it was given is now its to use or to pass on.
    WasWoken,
}

#[derive(Debug, Default)]
pub(crate) struct WaiterList {
    line: VecDeque<(WaiterId, Waker)>,
    next_id: u64,
}

impl WaiterList {
    /// Puts the caller in line, or refreshes its waker if it is in line already.
    pub(crate) fn register(&mut self, slot: &mut Option<WaiterId>, waker: &Waker) {
        if let Some(index) = slot.and_then(|id| self.position(id)) {
            let (_, stored) = &mut self.line[index];
            if !stored.will_wake(waker) {
                stored.clone_from(waker);
            }
            return;
        }
        let id = WaiterId(self.next_id);
        self.next_id += 1;
        self.line.push_back((id, waker.clone()));
        *slot = Some(id);
    }

    /// Takes the caller out of line, saying whether it had been woken.
    pub(crate) fn withdraw(&mut self, slot: &mut Option<WaiterId>) -> Withdrawal {
        let Some(id) = slot.take() else {
            return Withdrawal::NotWaiting;
        };
        match self.position(id) {
            Some(index) => {
                self.line.remove(index);
                Withdrawal::LeftTheLine
            }
            None => Withdrawal::WasWoken,
        }
    }

    /// Removes the front waiter and returns its waker, to be woken once the lock is released.
    pub(crate) fn wake_next(&mut self) -> Option<Waker> {
        self.line.pop_front().map(|(_, waker)| waker)
    }

    /// Removes every waiter and returns their wakers.
    pub(crate) fn wake_all(&mut self) -> Vec<Waker> {
        self.line.drain(..).map(|(_, waker)| waker).collect()
    }

    pub(crate) fn len(&self) -> usize {
        self.line.len()
    }

    fn position(&self, id: WaiterId) -> Option<usize> {
        self.line
            .binary_search_by_key(&id, |(listed, _)| *listed)
            .ok()
    }
}
