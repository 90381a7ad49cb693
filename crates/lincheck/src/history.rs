//! Histories: each operation's invocation and response, stamped by one shared counter.
//!
//! # How recording perturbs the run
//!
//! Each operation takes two stamps from a single [`Clock`], a `fetch_add` on one shared
//! atomic. That is a read-modify-write on a cache line every thread writes, so it (a) adds a
//! little latency around each call, which makes some races rarer, and (b) orders the threads'
//! stamps with `SeqCst`, which adds happens-before edges *between* operations (never inside
//! one). A bug that needs two operations to overlap with no synchronisation at all between
//! them can therefore hide from stress mode; loom mode does not rely on the clock for
//! interleavings (the clock is a plain `std` atomic that loom does not see, so it adds no
//! schedule points), which is why both modes exist. Apart from the clock, the stress runner's
//! threads share nothing to record: each appends to its own log, behind a lock that only the
//! runner ever contends for (when it takes a snapshot of a run whose threads are all inside an
//! operation), and publishes its progress in an atomic only it writes. Recording takes no
//! shared lock and wakes nobody per operation (see the stress module for what the runner reads,
//! and when).

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use super::spec::{Op, Ret};

/// Which part of a scenario an operation belongs to.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_lincheck::Part;
///
/// assert_eq!(Part::Thread(0).to_string(), "T1");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    /// The initial part, run alone before the threads start.
    Init,
    /// The parallel part's thread with this index (from 0).
    Thread(usize),
    /// The post part, run alone after every thread has finished.
    Post,
    /// The harness's own `close` (or drop) that released operations still blocked at the
    /// deadline.
    Release,
}

/// One operation of a history: when it was invoked, and when and with what it returned.
///
/// A `response` of `None` is an operation that never returned. The checker takes it as
/// blocked: it must not have taken effect, and the specification must say it blocks once
/// everything else is done. (Our harness releases every blocked operation, so its histories
/// have none; see [`History::released`] for how those are judged.)
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_lincheck::{Entry, Op, Part, Ret};
///
/// let entry = Entry::new(Part::Thread(0), Op::Put(1), 0, Some((1, Ret::Ok)));
/// assert!(entry.is_complete());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The part, and so the thread, that ran it.
    pub part: Part,
    /// The operation.
    pub op: Op,
    /// The clock's stamp just before the call.
    pub invoke: u64,
    /// The clock's stamp just after the return, and what it returned.
    pub response: Option<(u64, Ret)>,
}

impl Entry {
    /// An entry; `response` is `None` for an operation that never returned.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_lincheck::{Entry, Op, Part};
    ///
    /// assert!(!Entry::new(Part::Thread(1), Op::Get, 4, None).is_complete());
    /// ```
    pub fn new(part: Part, op: Op, invoke: u64, response: Option<(u64, Ret)>) -> Self {
        Self {
            part,
            op,
            invoke,
            response,
        }
    }

    /// Whether it returned.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_lincheck::{Entry, Op, Part, Ret};
    ///
    /// assert!(Entry::new(Part::Init, Op::Len, 0, Some((1, Ret::Len(0)))).is_complete());
    /// ```
    pub fn is_complete(&self) -> bool {
        self.response.is_some()
    }
}

/// A whole run's operations, and the stamp at which blocked ones were released, if any were.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_lincheck::{Entry, History, Op, Part, Ret};
///
/// let history = History::new(vec![
///     Entry::new(Part::Thread(0), Op::Put(1), 0, Some((2, Ret::Ok))),
///     Entry::new(Part::Thread(1), Op::Get, 1, Some((3, Ret::Got(1)))),
/// ]);
/// assert_eq!(history.entries().len(), 2);
/// assert_eq!(history.release(), None);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    entries: Vec<Entry>,
    release: Option<u64>,
}

impl History {
    /// A history in which nothing had to be released.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// assert!(prodcons_lincheck::History::new(Vec::new()).entries().is_empty());
    /// ```
    pub fn new(entries: Vec<Entry>) -> Self {
        Self {
            entries,
            release: None,
        }
    }

    /// A history whose operations still blocked at stamp `release` were then released by the
    /// harness, which it does only once the specification says they must block (see the
    /// stress runner). The release itself is one of the entries, a `close` of
    /// [`Part::Release`].
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_lincheck::History;
    ///
    /// assert_eq!(History::released(Vec::new(), 9).release(), Some(9));
    /// ```
    pub fn released(entries: Vec<Entry>, release: u64) -> Self {
        Self {
            entries,
            release: Some(release),
        }
    }

    /// The operations, in no particular order.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// assert!(prodcons_lincheck::History::default().entries().is_empty());
    /// ```
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The stamp at which blocked operations were released, if the harness had to.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// assert_eq!(prodcons_lincheck::History::default().release(), None);
    /// ```
    pub fn release(&self) -> Option<u64> {
        self.release
    }
}

impl fmt::Display for History {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut entries = self.entries.clone();
        entries.sort_by_key(|entry| entry.invoke);
        for entry in &entries {
            let part = entry.part.to_string();
            match entry.response {
                Some((at, ret)) => writeln!(
                    f,
                    "  {part:>7}  [{:>3} .. {at:>3}]  {} -> {ret}",
                    entry.invoke, entry.op
                )?,
                None => writeln!(
                    f,
                    "  {part:>7}  [{:>3} ..    ]  {} (never returned)",
                    entry.invoke, entry.op
                )?,
            }
        }
        if let Some(release) = self.release {
            writeln!(f, "  blocked operations released at {release}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Init => f.write_str("init"),
            Self::Thread(index) => write!(f, "T{}", index + 1),
            Self::Post => f.write_str("post"),
            Self::Release => f.write_str("release"),
        }
    }
}

/// The shared monotonic counter that stamps invocations and responses.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_lincheck::Clock;
///
/// let clock = Clock::default();
/// assert!(clock.tick() < clock.tick());
/// ```
#[derive(Debug, Default)]
pub struct Clock(AtomicU64);

impl Clock {
    /// The next stamp. `SeqCst`, so that stamps agree with real time across threads: if one
    /// call returned before another was invoked, its stamp is smaller.
    pub fn tick(&self) -> u64 {
        self.0.fetch_add(1, Ordering::SeqCst)
    }

    /// Runs `call` as `op` of `part`, stamping it before and after, and appends it to `log`.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_lincheck::{Clock, Op, Part, Ret};
    ///
    /// let clock = Clock::default();
    /// let mut log = Vec::new();
    /// clock.record(&mut log, Part::Init, Op::Len, || Ret::Len(0));
    /// assert_eq!(log[0].response, Some((1, Ret::Len(0))));
    /// ```
    pub fn record(&self, log: &mut Vec<Entry>, part: Part, op: Op, call: impl FnOnce() -> Ret) {
        let invoke = self.tick();
        let ret = call();
        let response = self.tick();
        log.push(Entry::new(part, op, invoke, Some((response, ret))));
    }
}
