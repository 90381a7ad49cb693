//! The line of tasks waiting on one side of an [`AsyncQueue`](super::AsyncQueue): the
//! counterpart of asyncio's `_getters` and `_putters` deques.
//!
//! Waking the front waiter removes it from the line. A future that finds itself missing from
//! the line therefore knows it was handed a wakeup, and can pass that wakeup on if it is dropped
//! before using it, as asyncio's `_wakeup_next` does for a cancelled getter.

use std::collections::VecDeque;
use std::task::Waker;

/// Names one stay in the line: its place counted from the first waiter ever registered.
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

/// Waiters in arrival order. A waiter that leaves from the middle leaves an empty place
/// behind, so that every id maps to its place by subtraction: finding a waiter is O(1), where a
/// search of the line cost a fifth of a busy task pipeline's time.
#[derive(Debug, Default)]
pub(crate) struct WaiterList {
    /// Never starts with an empty place.
    line: VecDeque<Option<Waker>>,
    /// The id of `line[0]`; every smaller id has been woken.
    front_id: u64,
    /// How many places in `line` are taken.
    waiting: usize,
}

impl WaiterList {
    /// Puts the caller in line, or refreshes its waker if it is in line already.
    pub(crate) fn register(&mut self, slot: &mut Option<WaiterId>, waker: &Waker) {
        if let Some(stored) = slot.and_then(|id| self.place(id)) {
            if !stored.will_wake(waker) {
                stored.clone_from(waker);
            }
            return;
        }
        *slot = Some(WaiterId(self.front_id + self.line.len() as u64));
        self.line.push_back(Some(waker.clone()));
        self.waiting += 1;
    }

    /// Takes the caller out of line, saying whether it had been woken.
    pub(crate) fn withdraw(&mut self, slot: &mut Option<WaiterId>) -> Withdrawal {
        let Some(id) = slot.take() else {
            return Withdrawal::NotWaiting;
        };
        if id.0 < self.front_id {
            return Withdrawal::WasWoken;
        }
        self.line[(id.0 - self.front_id) as usize] = None;
        self.waiting -= 1;
        self.drop_empty_places();
        Withdrawal::LeftTheLine
    }

    /// Takes the caller out of line for good, as a dropped future leaves it. If it had been
    /// woken and what it was woken for is `still_there`, the wakeup passes to the next waiter:
    /// the returned waker, to be woken once the lock is released.
    pub(crate) fn abandon(
        &mut self,
        slot: &mut Option<WaiterId>,
        still_there: bool,
    ) -> Option<Waker> {
        let was_woken = self.withdraw(slot) == Withdrawal::WasWoken;
        if was_woken && still_there {
            self.wake_next()
        } else {
            None
        }
    }

    /// Removes the front waiter and returns its waker, to be woken once the lock is released.
    pub(crate) fn wake_next(&mut self) -> Option<Waker> {
        let waker = self.line.pop_front()??;
        self.front_id += 1;
        self.waiting -= 1;
        self.drop_empty_places();
        Some(waker)
    }

    /// Removes every waiter and returns their wakers.
    pub(crate) fn wake_all(&mut self) -> Vec<Waker> {
        self.front_id += self.line.len() as u64;
        self.waiting = 0;
        self.line.drain(..).flatten().collect()
    }

    /// A copy of every waiter's waker, leaving the line as it is: for spurious wakeups.
    #[cfg(loom)]
    pub(crate) fn wakers(&self) -> impl Iterator<Item = Waker> + '_ {
        self.line.iter().flatten().cloned()
    }

    pub(crate) fn len(&self) -> usize {
        self.waiting
    }

    /// The stored waker of a waiter still in line.
    fn place(&mut self, id: WaiterId) -> Option<&mut Waker> {
        let index = id.0.checked_sub(self.front_id)?;
        self.line.get_mut(usize::try_from(index).ok()?)?.as_mut()
    }

    /// Keeps the line's ends on waiters. Ids stay unique: a place dropped at the back was
    /// given up by its owner, which holds no id any more.
    fn drop_empty_places(&mut self) {
        while let Some(None) = self.line.front() {
            self.line.pop_front();
            self.front_id += 1;
        }
        while let Some(None) = self.line.back() {
            self.line.pop_back();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::task::Waker;

    use super::{WaiterList, Withdrawal};

    #[test]
    fn waking_the_front_tells_that_waiter_it_was_woken() {
        let mut line = WaiterList::default();
        let (mut first, mut second) = (None, None);
        line.register(&mut first, Waker::noop());
        line.register(&mut second, Waker::noop());
        assert_eq!(line.len(), 2);
        assert!(line.wake_next().is_some());
        assert_eq!(line.withdraw(&mut first), Withdrawal::WasWoken);
        assert_eq!(line.withdraw(&mut second), Withdrawal::LeftTheLine);
        assert_eq!(line.withdraw(&mut second), Withdrawal::NotWaiting);
        assert_eq!(line.len(), 0);
        assert!(line.wake_next().is_none());
    }

    #[test]
    fn registering_again_keeps_the_place_in_line() {
        let mut line = WaiterList::default();
        let (mut first, mut second) = (None, None);
        line.register(&mut first, Waker::noop());
        line.register(&mut second, Waker::noop());
        let place = first;
        line.register(&mut first, Waker::noop());
        assert_eq!(first, place);
        assert_eq!(line.len(), 2);
        line.wake_next();
        assert_eq!(line.withdraw(&mut first), Withdrawal::WasWoken);
    }

    #[test]
    fn a_woken_waiter_that_registers_again_joins_the_back() {
        let mut line = WaiterList::default();
        let (mut first, mut second) = (None, None);
        line.register(&mut first, Waker::noop());
        line.register(&mut second, Waker::noop());
        line.wake_next();
        line.register(&mut first, Waker::noop());
        line.wake_next();
        assert_eq!(line.withdraw(&mut second), Withdrawal::WasWoken);
        assert_eq!(line.withdraw(&mut first), Withdrawal::LeftTheLine);
    }

    #[test]
    fn leaving_from_the_middle_keeps_the_others_in_order() {
        let mut line = WaiterList::default();
        let mut slots = [None; 4];
        for slot in &mut slots {
            line.register(slot, Waker::noop());
        }
        assert_eq!(line.withdraw(&mut slots[1]), Withdrawal::LeftTheLine);
        line.wake_next();
        line.wake_next();
        assert_eq!(line.withdraw(&mut slots[0]), Withdrawal::WasWoken);
        assert_eq!(line.withdraw(&mut slots[2]), Withdrawal::WasWoken);
        assert_eq!(line.withdraw(&mut slots[3]), Withdrawal::LeftTheLine);
        assert_eq!(line.wake_all().len(), 0);
    }

    #[test]
    fn a_place_given_up_at_the_back_is_reused_without_confusing_anyone() {
        let mut line = WaiterList::default();
        let (mut first, mut second, mut third) = (None, None, None);
        line.register(&mut first, Waker::noop());
        line.register(&mut second, Waker::noop());
        assert_eq!(line.withdraw(&mut second), Withdrawal::LeftTheLine);
        line.register(&mut third, Waker::noop());
        assert_eq!(line.len(), 2);
        line.wake_next();
        line.wake_next();
        assert_eq!(line.withdraw(&mut first), Withdrawal::WasWoken);
        assert_eq!(line.withdraw(&mut third), Withdrawal::WasWoken);
        assert_eq!(line.len(), 0);
        assert!(line.wake_next().is_none());
    }
}
