//! The regimes the questions turn on: capacity below numProdsCons, about equal to it, above it,
//! and unbounded. Time per item depends on where a cell falls, more than on either number.

use std::fmt::{self, Write as _};

use super::words::per_item;
use super::{CROSSBEAM, PY_ASYNCIO, PY_THREADS, TASKS, TASKS_MT, THREADS, View};
use crate::Contender;
use crate::plots::human_seconds;

/// Where a cell's capacity stands against its numProdsCons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Regime {
    /// Capacity under half of numProdsCons: most producers find the buffer full.
    Below,
    /// Capacity within a factor of two of numProdsCons.
    About,
    /// Capacity over twice numProdsCons.
    Above,
    /// Capacity 0.
    Unbounded,
}

impl Regime {
    pub(crate) const ALL: [Self; 4] = [Self::Below, Self::About, Self::Above, Self::Unbounded];

    pub(crate) fn of(p: usize, c: usize) -> Self {
        if c == 0 {
            Self::Unbounded
        } else if c.saturating_mul(2) < p {
            Self::Below
        } else if c > p.saturating_mul(2) {
            Self::Above
        } else {
            Self::About
        }
    }
}

impl fmt::Display for Regime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Below => "capacity < numProdsCons/2",
            Self::About => "capacity ≈ numProdsCons (within 2×)",
            Self::Above => "capacity > 2 × numProdsCons",
            Self::Unbounded => "unbounded",
        })
    }
}

/// One contender in one regime: medians over the regime's timed cells.
#[derive(Clone, Debug, Default)]
pub(crate) struct RegimeStats {
    pub(crate) cells: usize,
    pub(crate) per_item_s: Option<f64>,
    pub(crate) waits_per_item: Option<f64>,
    pub(crate) switches_per_item: Option<f64>,
    pub(crate) skipped: usize,
}

pub(crate) fn stats(view: View, contender: Contender, regime: Regime) -> RegimeStats {
    let cells: Vec<(usize, usize)> = view
        .cells()
        .into_iter()
        .filter(|&(p, c)| p > 0 && Regime::of(p, c) == regime)
        .collect();
    let timed: Vec<(usize, usize)> = cells
        .iter()
        .copied()
        .filter(|&(p, c)| view.timed(contender, p, c).is_some())
        .collect();
    let gather = |value: &dyn Fn(usize, usize) -> Option<f64>| {
        median(timed.iter().filter_map(|&(p, c)| value(p, c)).collect())
    };
    RegimeStats {
        cells: timed.len(),
        per_item_s: gather(&|p, c| view.per_item(contender, p, c)),
        waits_per_item: gather(&|p, c| view.waits_per_item(contender, p, c)),
        switches_per_item: gather(&|p, c| view.switches_per_item(contender, p, c)),
        skipped: cells
            .iter()
            .filter(|&&(p, c)| {
                view.row(contender, p, c)
                    .is_some_and(|r| r.summary().is_none())
            })
            .count(),
    }
}

pub(crate) fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

/// The regime table: for each of the questions' contenders and each regime, the median time per
/// item, waits per item and context switches per item over the regime's cells.
pub(crate) fn write(out: &mut String, view: View) {
    out.push_str(
        "## Regimes: capacity against numProdsCons\n\nMedians over each regime's timed cells \
         (every numProdsCons and capacity of the sweep falls in one). A wait is a put that found \
         the buffer full or a get that found it empty; switches are the whole process's \
         voluntary plus involuntary context switches during the counting run. Cells with no \
         time are listed, with why, under Noise and gaps.\n\n\
         | contender | regime | cells timed | time per item | waits per item | switches per item | cells with no time |\n\
         |---|---|---:|---:|---:|---:|---:|\n",
    );
    for contender in [PY_THREADS, THREADS, CROSSBEAM, PY_ASYNCIO, TASKS, TASKS_MT] {
        if !view.has(contender) {
            continue;
        }
        for regime in Regime::ALL {
            let s = stats(view, contender, regime);
            if s.cells + s.skipped == 0 {
                continue;
            }
            let shown =
                |value: Option<f64>, f: fn(f64) -> String| value.map_or_else(|| "-".to_owned(), f);
            let _ = writeln!(
                out,
                "| `{contender}` | {regime} | {} | {} | {} | {} | {} |",
                s.cells,
                shown(s.per_item_s, human_seconds),
                shown(s.waits_per_item, per_item),
                shown(s.switches_per_item, per_item),
                s.skipped,
            );
        }
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_fall_in_the_regime_their_ratio_says() {
        assert_eq!(Regime::of(50, 0), Regime::Unbounded);
        assert_eq!(Regime::of(50, 10), Regime::Below);
        assert_eq!(Regime::of(50, 25), Regime::About);
        assert_eq!(Regime::of(50, 100), Regime::About);
        assert_eq!(Regime::of(50, 101), Regime::Above);
        assert_eq!(Regime::of(1, 1), Regime::About);
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(vec![]), None);
    }
}
