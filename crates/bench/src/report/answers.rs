//! The evidence for the assignment's three questions, one section per question: computed
//! findings and tables from this sweep, worded by the data. The answers themselves are written
//! by hand in `docs/answers.md`; nothing here says why a time is what it is.

use std::fmt::Write as _;

use super::regimes::{Regime, stats};
use super::words::{compare, growth, mib, per_item};
use super::{PY_ASYNCIO, PY_THREADS, TASKS, TASKS_MT, THREADS, View};
use crate::plots::{capacity_label, human_seconds};
use crate::{Contender, Cores, Studies};

pub(crate) fn write(out: &mut String, view: View, studies: &Studies) {
    out.push_str("## Evidence for Q1 — threads\n\n*What happens as numProdsCons and capacity grow in the threading version, and why?*\n\n");
    family(out, view, &[PY_THREADS, THREADS]);
    out.push_str("## Evidence for Q2 — coroutines\n\n*What happens as numProdsCons and capacity grow in the coroutine version, and why?*\n\n");
    family(out, view, &[PY_ASYNCIO, TASKS]);
    memory(out, view);
    out.push_str(
        "## Evidence for Q3 — threads against coroutines\n\n*How do the two versions compare, and why?*\n\n",
    );
    comparison(out, view, studies);
}

/// The findings as a list, one per line, for a reader who scans.
fn findings(out: &mut String, findings: &[String]) {
    for finding in findings {
        let _ = writeln!(out, "- {finding}");
    }
    out.push('\n');
}

fn shown(value: Option<f64>, format: fn(f64) -> String) -> String {
    value.map_or_else(|| "not measured".to_owned(), format)
}

/// Q1 and Q2: regimes, waits, growth with numProdsCons, and how many cells have no time.
fn family(out: &mut String, view: View, members: &[Contender]) {
    let members: Vec<Contender> = members.iter().copied().filter(|&c| view.has(c)).collect();
    let mut sentences = Vec::new();
    let by_regime: Vec<String> = members
        .iter()
        .filter_map(|&contender| {
            let parts: Vec<String> = Regime::ALL
                .iter()
                .filter_map(|&regime| {
                    let time = stats(view, contender, regime).per_item_s?;
                    Some(format!("{} {}", human_seconds(time), short(regime)))
                })
                .collect();
            // A contender with no time in any regime has nothing to list here.
            (!parts.is_empty()).then(|| format!("`{contender}` {}", parts.join(", ")))
        })
        .collect();
    if !by_regime.is_empty() {
        sentences.push(format!(
            "Median time per item over each regime's cells (below: capacity under \
             numProdsCons/2; about equal: within 2× of it; above: over 2 × numProdsCons; see \
             Regimes): {}.",
            by_regime.join("; ")
        ));
    }
    for &contender in &members {
        let below = stats(view, contender, Regime::Below);
        let unbounded = stats(view, contender, Regime::Unbounded);
        if below.waits_per_item.is_none() && unbounded.waits_per_item.is_none() {
            continue;
        }
        // Counts only: waits per item is about 2/capacity at every numProdsCons, so ranking
        // time against it would restate "small capacity is slow". The causes are shown by the
        // interventions.
        sentences.push(format!(
            "`{contender}` waits {} times and switches context {} times per item with capacity \
             below numProdsCons/2, against {} and {} unbounded.",
            shown(below.waits_per_item, per_item),
            shown(below.switches_per_item, per_item),
            shown(unbounded.waits_per_item, per_item),
            shown(unbounded.switches_per_item, per_item),
        ));
    }
    let (_, focus_c) = view.focus();
    let timed_p = |contender: Contender| -> Vec<usize> {
        let ps = view.0.prods_cons.iter().copied().filter(|&p| p > 0);
        ps.filter(|&p| view.per_item(contender, p, focus_c).is_some())
            .collect()
    };
    let growths: Vec<String> = members
        .iter()
        .filter_map(|&contender| {
            let ps = timed_p(contender);
            let (&lo, &hi) = (ps.iter().min()?, ps.iter().max()?);
            (hi > lo).then(|| {
                let ratio = view.per_item(contender, hi, focus_c)?
                    / view.per_item(contender, lo, focus_c)?;
                Some(format!("{} for `{contender}` ({lo} → {hi})", growth(ratio)))
            })?
        })
        .collect();
    if !growths.is_empty() {
        sentences.push(format!(
            "At capacity {}, from the smallest to the largest numProdsCons measured, time per \
             item {}.",
            capacity_label(focus_c),
            growths.join(", and ")
        ));
    }
    for &contender in &members {
        let missing: Vec<_> = view
            .0
            .rows
            .iter()
            .filter(|row| row.contender == contender && row.summary().is_none())
            .collect();
        if missing.is_empty() {
            continue;
        }
        let below = missing
            .iter()
            .filter(|row| {
                Regime::of(row.params.num_prods_cons(), row.params.capacity()) == Regime::Below
            })
            .count();
        // The cells and their reasons are in one table under Noise and gaps; a count suffices
        // here.
        sentences.push(format!(
            "`{contender}` has no time on {} cell(s), {below} of them with capacity below \
             numProdsCons/2; each is listed, with why, under Noise and gaps.",
            missing.len(),
        ));
    }
    findings(out, &sentences);
}

fn short(regime: Regime) -> &'static str {
    match regime {
        Regime::Below => "below",
        Regime::About => "about equal",
        Regime::Above => "above",
        Regime::Unbounded => "unbounded",
    }
}

/// Q2's memory: what the assignment's order does to the queue and the process at capacity 0.
fn memory(out: &mut String, view: View) {
    let Some(&p) = view.0.prods_cons.iter().max() else {
        return;
    };
    let (_, focus_c) = view.focus();
    let all_items = u64::try_from(view.0.num_iters as u128 * p as u128).unwrap_or(u64::MAX);
    let mut lines = Vec::new();
    let mut held_everything = Vec::new();
    for contender in [PY_ASYNCIO, TASKS, PY_THREADS, THREADS] {
        let Some(unbounded) = view.mechanism(contender, p, 0) else {
            continue;
        };
        if unbounded.peak_len == all_items {
            held_everything.push(format!("`{contender}`"));
        }
        let bounded = view.mechanism(contender, p, focus_c).map_or_else(
            || "not measured".to_owned(),
            |m| format!("{} items, {}", m.peak_len, mib(m.peak_rss_bytes)),
        );
        lines.push(format!(
            "| `{contender}` | {} | {} | {bounded} |",
            unbounded.peak_len,
            mib(unbounded.peak_rss_bytes),
        ));
    }
    if lines.is_empty() {
        return;
    }
    let verdict = if held_everything.is_empty() {
        "No contender held every item at once.".to_owned()
    } else {
        format!(
            "{} held every item at once: each producer ran to its end before the first consumer \
             took anything.",
            held_everything.join(", ")
        )
    };
    let _ = writeln!(
        out,
        "**Memory.** At numProdsCons = {p} with no bound, numIters × numProdsCons = {all_items} \
         items pass through the queue. {verdict} Peak queue length and the fresh process's \
         peak RSS:\n\n\
         | contender | peak queue, unbounded | peak RSS, unbounded | capacity {} |\n|---|---:|---:|---:|\n{}\n",
        capacity_label(focus_c),
        lines.join("\n")
    );
}

/// Q3: who wins where, the assignment's own timings set side by side, counts, and cores.
fn comparison(out: &mut String, view: View, studies: &Studies) {
    let (focus_p, focus_c) = view.focus();
    let mut sentences = Vec::new();
    let mut tallies = Vec::new();
    for (threads, tasks) in [(THREADS, TASKS), (PY_THREADS, PY_ASYNCIO)] {
        let intervals: Vec<_> = view
            .cells()
            .into_iter()
            .filter_map(|(p, c)| view.ratio(threads, tasks, p, c))
            .collect();
        if intervals.is_empty() {
            continue;
        }
        let tasks_faster = intervals
            .iter()
            .filter(|i| i.above_one() == Some(true))
            .count();
        let threads_faster = intervals
            .iter()
            .filter(|i| i.above_one() == Some(false))
            .count();
        let undecided = intervals.len() - tasks_faster - threads_faster;
        tallies.push(format!(
            "`{tasks}` is faster than `{threads}` on {tasks_faster} of the {} cells both were \
             measured on, slower on {threads_faster}, and not distinguishable on {undecided}",
            intervals.len()
        ));
    }
    if !tallies.is_empty() {
        sentences.push(format!("{}.", tallies.join("; ")));
    }
    let same_capacity: Vec<String> = [focus_c, 0]
        .into_iter()
        .filter(|c| view.0.capacities.contains(c))
        .filter_map(|c| {
            let interval = view.ratio(PY_THREADS, PY_ASYNCIO, focus_p, c)?;
            Some(format!(
                "on {} `python-threads` is {} `python-asyncio` ({})",
                view.cell_name(focus_p, c),
                compare(&interval),
                interval.labelled()
            ))
        })
        .collect();
    if !same_capacity.is_empty() {
        sentences.push(format!(
            "The assignment's 0.55 s against 0.051 s compares threads at capacity 10 with asyncio \
             unbounded, two different cells. Cell for cell: {}.",
            same_capacity.join("; ")
        ));
    }
    let switches: Vec<String> = [(PY_THREADS, PY_ASYNCIO), (THREADS, TASKS)]
        .into_iter()
        .filter_map(|(a, b)| {
            Some(format!(
                "`{a}` switches context {} times per item against {} for `{b}`",
                per_item(view.switches_per_item(a, focus_p, focus_c)?),
                per_item(view.switches_per_item(b, focus_p, focus_c)?)
            ))
        })
        .collect();
    if !switches.is_empty() {
        sentences.push(format!(
            "Context switches on {} (counting run): {}.",
            view.cell_name(focus_p, focus_c),
            switches.join("; ")
        ));
    }
    if let Some(cores) = &studies.cores {
        let one_core: Vec<String> = [THREADS, TASKS_MT]
            .into_iter()
            .filter_map(|contender| {
                let interval = one_core_ratio(View(cores), contender, focus_p, focus_c)?;
                Some(format!(
                    "`{contender}` on one core is {} itself on all cores ({})",
                    compare(&interval),
                    interval.labelled()
                ))
            })
            .collect();
        if !one_core.is_empty() {
            sentences.push(format!(
                "Pinned to one core, on {} (see Core scaling): {}.",
                view.cell_name(focus_p, focus_c),
                one_core.join("; ")
            ));
        }
    }
    let python: Vec<String> = [(PY_THREADS, THREADS), (PY_ASYNCIO, TASKS)]
        .into_iter()
        .filter_map(|(py, rust)| {
            Some(format!(
                "`{py}` takes {:.0}× as long as `{rust}`",
                view.ratio(py, rust, focus_p, focus_c)?.ratio
            ))
        })
        .collect();
    if !python.is_empty() {
        sentences.push(format!(
            "Rust against Python on {}: {}.",
            view.cell_name(focus_p, focus_c),
            python.join(", ")
        ));
    }
    findings(out, &sentences);

    let _ = writeln!(
        out,
        "Same cells, both versions (median time; numProdsCons = {focus_p}):\n\n| capacity | `python-threads` | `python-asyncio` | `threads` | `tasks` |\n|---|---:|---:|---:|---:|"
    );
    for c in [focus_c, 0] {
        let cell = |contender| {
            view.median(contender, focus_p, c)
                .map_or_else(|| "-".to_owned(), human_seconds)
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            capacity_label(c),
            cell(PY_THREADS),
            cell(PY_ASYNCIO),
            cell(THREADS),
            cell(TASKS)
        );
    }
    out.push('\n');
}

/// A contender's median on one core over its median on all cores, from the core-scaling study.
pub(crate) fn one_core_ratio(
    cores: View,
    contender: Contender,
    p: usize,
    c: usize,
) -> Option<super::noise::Interval> {
    let rows = &cores.0;
    let find = |wanted: Cores| {
        let variant = rows.variants.iter().copied().find(|v| v.cores == wanted)?;
        rows.row(contender, variant, p, c)
            .filter(|row| row.summary().is_some())
    };
    let (one, all) = (find(Cores::One)?, find(Cores::All)?);
    super::noise::ratio_interval(&one.times, &all.times)
}
