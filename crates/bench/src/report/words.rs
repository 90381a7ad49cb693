//! Words picked by the data: comparisons worded from a ratio and its interval, and why a cell
//! has no time.

use std::fmt::Write as _;

use super::noise::Interval;
use crate::sweep::{PROJECTED, STOPPED};

/// "2.3× slower than", "2.0× faster than", or "not distinguishable from", for the ratio of
/// two times a / b: the interval decides whether the difference is a finding at all.
pub(crate) fn compare(interval: &Interval) -> String {
    match interval.above_one() {
        Some(true) => format!("{:.1}× slower than", interval.ratio),
        Some(false) => format!("{:.1}× faster than", 1.0 / interval.ratio),
        None => "not distinguishable from".to_owned(),
    }
}

/// "2.3× slower", "2.0× faster" or "not distinguishable": [`compare`] for a table cell, where
/// no second contender follows.
pub(crate) fn verdict(interval: &Interval) -> String {
    match interval.above_one() {
        Some(true) => format!("{:.1}× slower", interval.ratio),
        Some(false) => format!("{:.1}× faster", 1.0 / interval.ratio),
        None => "not distinguishable".to_owned(),
    }
}

/// Why a row has no time, from its skip reason: "not run (…)" for a cell never started, "not
/// run in full (…)" for one dropped after some runs on a projection, and the reason as it is
/// for a run cut off ("stopped after …"). Only a run actually killed may read as stopped.
pub(crate) fn not_measured(reason: &str) -> String {
    if reason.starts_with(STOPPED) {
        reason.to_owned()
    } else if reason.starts_with(PROJECTED) {
        format!("not run in full ({reason})")
    } else if reason.is_empty() {
        "not run".to_owned()
    } else {
        format!("not run ({reason})")
    }
}

/// "grows 12.0×", "shrinks 2.0×" or "stays within 10%", for a ratio new / old of medians.
pub(crate) fn growth(ratio: f64) -> String {
    const SAME: f64 = 1.1;
    if ratio > SAME {
        format!("grows {ratio:.1}×")
    } else if ratio * SAME < 1.0 {
        format!("shrinks {:.1}×", 1.0 / ratio)
    } else {
        "stays within 10%".to_owned()
    }
}

/// A list of at most eight items, then how many more.
pub(crate) fn shorten(items: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut text = items
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOWN {
        let _ = write!(text, " and {} more", items.len() - SHOWN);
    }
    text
}

/// A count per item: "0", "0.002", "1.3".
pub(crate) fn per_item(value: f64) -> String {
    if value == 0.0 {
        "0".to_owned()
    } else if value < 0.01 {
        format!("{value:.3}")
    } else {
        format!("{value:.2}")
    }
}

/// Bytes as MiB with one decimal.
pub(crate) fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_are_worded_from_the_interval() {
        let slower = Interval {
            ratio: 3.0,
            low: 2.5,
            high: 3.5,
        };
        let faster = Interval {
            ratio: 0.25,
            low: 0.2,
            high: 0.3,
        };
        let noise = Interval {
            ratio: 1.3,
            low: 0.9,
            high: 1.6,
        };
        assert_eq!(compare(&slower), "3.0× slower than");
        assert_eq!(compare(&faster), "4.0× faster than");
        assert_eq!(compare(&noise), "not distinguishable from");
        assert_eq!(verdict(&slower), "3.0× slower");
        assert_eq!(verdict(&faster), "4.0× faster");
        assert_eq!(verdict(&noise), "not distinguishable");
        assert_eq!(growth(12.0), "grows 12.0×");
        assert_eq!(growth(0.5), "shrinks 2.0×");
        assert_eq!(growth(1.05), "stays within 10%");
        assert_eq!(per_item(0.0), "0");
        assert_eq!(per_item(0.0012), "0.001");
        assert_eq!(per_item(1.234), "1.23");
        assert_eq!(mib(3 * 1024 * 1024 / 2), "1.5 MiB");
        assert_eq!(
            not_measured("already over --max-cell-secs 60 at numProdsCons = 500"),
            "not run (already over --max-cell-secs 60 at numProdsCons = 500)"
        );
        assert_eq!(
            not_measured("projected 240.4 s > --max-cell-secs 60 after run 1 of 10"),
            "not run in full (projected 240.4 s > --max-cell-secs 60 after run 1 of 10)"
        );
        let killed =
            "stopped after 59.9 s, when its runs on this cell reached --max-cell-secs 60 in all";
        assert_eq!(not_measured(killed), killed);
        assert_eq!(
            not_measured("too many threads"),
            "not run (too many threads)"
        );
        let many: Vec<String> = (0..10).map(|i| i.to_string()).collect();
        assert_eq!(shorten(&many), "0, 1, 2, 3, 4, 5, 6, 7 and 2 more");
    }
}
