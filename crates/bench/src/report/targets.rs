//! Our queues against the performance targets in `docs/performance.md`, judged with noise: a
//! target is met on a cell only when the whole 95% interval of the ratio is within its bound.

use std::fmt::Write as _;

use super::noise::{Interval, WITHIN_ONE_SWEEP};
use super::words::shorten;
use super::{CROSSBEAM, PY_ASYNCIO, PY_THREADS, TASKS, TASKS_MT, THREADS, View};
use crate::Contender;
use prodcons_peers::Implementation;

const ASYNC_CHANNEL: Contender = Contender::Pipeline(Implementation::AsyncChannel);
const KANAL_ASYNC: Contender = Contender::Pipeline(Implementation::KanalAsync);
const ASYNC_CHANNEL_MT: Contender = Contender::Pipeline(Implementation::AsyncChannelMt);

/// Which way a bound points.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Bound {
    /// Ours must take at most this many times the rival's time.
    AtMost(f64),
    /// Ours (a Python reference) must take at least this many times the rival's time.
    AtLeast(f64),
}

/// One target ratio.
pub(crate) struct Target {
    pub(crate) ours: Contender,
    pub(crate) rivals: &'static [Contender],
    pub(crate) bound: Bound,
}

const TARGETS: [Target; 5] = [
    Target {
        ours: THREADS,
        rivals: &[CROSSBEAM],
        bound: Bound::AtMost(1.25),
    },
    Target {
        ours: TASKS,
        rivals: &[ASYNC_CHANNEL, KANAL_ASYNC],
        bound: Bound::AtMost(1.0),
    },
    Target {
        ours: TASKS_MT,
        rivals: &[ASYNC_CHANNEL_MT],
        bound: Bound::AtMost(1.0),
    },
    Target {
        ours: PY_THREADS,
        rivals: &[THREADS],
        bound: Bound::AtLeast(30.0),
    },
    Target {
        ours: PY_ASYNCIO,
        rivals: &[TASKS],
        bound: Bound::AtLeast(40.0),
    },
];

impl Target {
    /// "met" when the whole interval is within the bound, "missed" when the whole interval is
    /// outside it, and "within noise" when it straddles the bound.
    pub(crate) fn verdict(&self, interval: &Interval) -> &'static str {
        let (inside_all, outside_all) = match self.bound {
            Bound::AtMost(bound) => (interval.high <= bound, interval.low > bound),
            Bound::AtLeast(bound) => (interval.low >= bound, interval.high < bound),
        };
        if inside_all {
            "met"
        } else if outside_all {
            "missed"
        } else {
            "within noise"
        }
    }

    fn describe(&self) -> String {
        match self.bound {
            Bound::AtMost(bound) => format!("≤ {bound}"),
            Bound::AtLeast(bound) => format!("≥ {bound}"),
        }
    }

    /// Ours over the fastest rival on the cell, with its interval.
    fn ratio(&self, view: View, p: usize, c: usize) -> Option<Interval> {
        let best = self
            .rivals
            .iter()
            .copied()
            .filter_map(|rival| Some((view.median(rival, p, c)?, rival)))
            .min_by(|a, b| a.0.total_cmp(&b.0))?
            .1;
        view.ratio(self.ours, best, p, c)
    }
}

pub(crate) fn write(out: &mut String, view: View) {
    let (focus_p, focus_c) = view.focus();
    let _ = writeln!(
        out,
        "## Targets\n\nThe project's own performance targets (`docs/performance.md`), not the \
         assignment's questions. Our median over the fastest rival's on the same cell. On {} a \
         target is *met* only when the whole {WITHIN_ONE_SWEEP} is within the bound, *missed* \
         when the whole interval is outside, and *within noise* otherwise; one sweep cannot \
         settle a ratio whose interval straddles its bound. The geometric mean runs over the \
         cells both were measured on and names those it leaves out.\n\n\
         | ratio | bound | on {} [{WITHIN_ONE_SWEEP}] | verdict there | geometric mean | cells met / missed / noise | left out |\n\
         |---|---|---|---|---:|---|---|",
        view.cell_name(focus_p, focus_c),
        view.cell_name(focus_p, focus_c),
    );
    for target in &TARGETS {
        if !view.has(target.ours) {
            continue;
        }
        let mut intervals = Vec::new();
        let mut left_out = Vec::new();
        for (p, c) in view.cells() {
            match target.ratio(view, p, c) {
                Some(interval) => intervals.push(interval),
                None => left_out.push(view.cell_name(p, c)),
            }
        }
        let mean = (!intervals.is_empty()).then(|| {
            let logs: f64 = intervals.iter().map(|i| i.ratio.ln()).sum();
            (logs / intervals.len() as f64).exp()
        });
        let count = |verdict| {
            intervals
                .iter()
                .filter(|i| target.verdict(i) == verdict)
                .count()
        };
        let focus = target.ratio(view, focus_p, focus_c);
        let rivals: Vec<String> = target.rivals.iter().map(|r| format!("`{r}`")).collect();
        let _ = writeln!(
            out,
            "| `{}` / {} | {} | {} | {} | {} | {} / {} / {} | {} |",
            target.ours,
            rivals.join(" or "),
            target.describe(),
            focus.map_or_else(|| "-".to_owned(), |i| i.shown()),
            focus.map_or("not measured", |i| target.verdict(&i)),
            mean.map_or_else(|| "-".to_owned(), |m| format!("{m:.2}")),
            count("met"),
            count("missed"),
            count("within noise"),
            if left_out.is_empty() {
                "none".to_owned()
            } else {
                shorten(&left_out)
            },
        );
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_is_met_only_when_its_whole_interval_is_within_the_bound() {
        let at_most = Target {
            ours: THREADS,
            rivals: &[CROSSBEAM],
            bound: Bound::AtMost(1.25),
        };
        let interval = |ratio, low, high| Interval { ratio, low, high };
        assert_eq!(at_most.verdict(&interval(1.1, 1.0, 1.2)), "met");
        assert_eq!(at_most.verdict(&interval(1.2, 1.1, 1.3)), "within noise");
        assert_eq!(at_most.verdict(&interval(1.5, 1.3, 1.7)), "missed");
        let at_least = Target {
            ours: PY_THREADS,
            rivals: &[THREADS],
            bound: Bound::AtLeast(30.0),
        };
        assert_eq!(at_least.verdict(&interval(35.0, 31.0, 40.0)), "met");
        assert_eq!(at_least.verdict(&interval(29.0, 25.0, 29.5)), "missed");
        assert_eq!(at_least.describe(), "≥ 30");
    }
}
