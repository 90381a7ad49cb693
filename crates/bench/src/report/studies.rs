//! The side studies in the report: the spawn-order ablation, the core-scaling runs and the
//! busy machine.

use std::fmt::Write as _;

use super::View;
use super::answers::one_core_ratio;
use super::noise::{WITHIN_ONE_SWEEP, ratio_interval};
use super::words::{per_item, verdict};
use crate::mechanism::per_item as count_per_item;
use crate::plots::human_seconds;
use crate::{Contender, Mechanism, Row, Studies, Variant};
use prodcons::SpawnOrder;

/// Each contender and cell in both orders: times, the paired/assignment ratio, and the counts
/// that explain it.
pub(crate) fn write_ablation(out: &mut String, studies: &Studies) {
    let Some(ablation) = &studies.ablation else {
        return;
    };
    let view = View(ablation);
    let variant = |spawn| ablation.variants.iter().copied().find(|v| v.spawn == spawn);
    let (Some(first), Some(paired)) = (
        variant(SpawnOrder::ProducersFirst),
        variant(SpawnOrder::Paired),
    ) else {
        return;
    };
    let _ = write!(
        out,
        "## Ablation: the assignment's spawn order against pairs\n\n\
         `paired` starts each producer with its consumer. Interleaved in the same rounds; the \
         ratio is paired over the assignment's order, with its {WITHIN_ONE_SWEEP}; waits and \
         peak queue length come from each order's counting run.\n\n\
         | contender | cell | producers-first | paired | ratio [{WITHIN_ONE_SWEEP}] | waits/item (pf → paired) | peak queue (pf → paired) |\n\
         |---|---|---:|---:|---|---:|---:|\n",
    );
    for (contender, (p, c), a, b) in both_orders(view, first, paired) {
        {
            let (Some(sa), Some(sb)) = (a.summary(), b.summary()) else {
                continue;
            };
            let ratio = ratio_interval(&b.times, &a.times).map_or_else(
                || "-".to_owned(),
                |i| format!("{} (paired {})", i.shown(), verdict(&i)),
            );
            let waits = |row: &Row| {
                row.mechanism.map_or_else(
                    || "-".to_owned(),
                    |m| per_item(m.waits_per_item(&row.params)),
                )
            };
            let peak = |row: &Row| {
                row.mechanism
                    .map_or_else(|| "-".to_owned(), |m| m.peak_len.to_string())
            };
            let _ = writeln!(
                out,
                "| `{contender}` | {} | {} | {} | {ratio} | {} → {} | {} → {} |",
                view.cell_name(p, c),
                human_seconds(sa.median.as_secs_f64()),
                human_seconds(sb.median.as_secs_f64()),
                waits(a),
                waits(b),
                peak(a),
                peak(b),
            );
        }
    }
    out.push('\n');
    explain_ablation(out, view, first, paired);
}

/// Each contender on each cell with its row in the assignment's order and its row paired.
fn both_orders<'a>(
    view: View<'a>,
    first: Variant,
    paired: Variant,
) -> impl Iterator<Item = (Contender, (usize, usize), &'a Row, &'a Row)> + 'a {
    let ablation = view.0;
    ablation.contenders.iter().flat_map(move |&contender| {
        view.cells().into_iter().filter_map(move |(p, c)| {
            let a = ablation.row(contender, first, p, c)?;
            let b = ablation.row(contender, paired, p, c)?;
            Some((contender, (p, c), a, b))
        })
    })
}

/// Whether two per-item counts differ enough to name: by over 10% and over 0.005.
fn differs(a: f64, b: f64) -> bool {
    (a - b).abs() > 0.1 * a.max(b) && (a - b).abs() > 0.005
}

/// For every row where the two orders differ beyond the noise, what the counts say about it.
fn explain_ablation(out: &mut String, view: View, first: Variant, paired: Variant) {
    let mut lines = Vec::new();
    for (contender, (p, c), a, b) in both_orders(view, first, paired) {
        {
            let Some(interval) = ratio_interval(&b.times, &a.times) else {
                continue;
            };
            let Some(paired_slower) = interval.above_one() else {
                continue;
            };
            let (Some(ma), Some(mb)) = (a.mechanism, b.mechanism) else {
                continue;
            };
            let (wa, wb) = (ma.waits_per_item(&a.params), mb.waits_per_item(&b.params));
            let mut seen = Vec::new();
            if differs(wa, wb) {
                seen.push(format!(
                    "waits per item {} → {}",
                    per_item(wa),
                    per_item(wb)
                ));
            }
            if ma.peak_len != mb.peak_len {
                seen.push(format!("peak queue {} → {}", ma.peak_len, mb.peak_len));
            }
            // A futile wakeup is a resumed waiter that finds its condition false and waits
            // again: what waits and peak queue cannot see.
            // A futile wakeup is a resumed waiter that finds its condition false and waits
            // again: what waits and peak queue cannot see.
            let futile_counted = match (ma.futile_wakeups, mb.futile_wakeups) {
                (Some(fa), Some(fb)) => {
                    let (fa, fb) = (count_per_item(fa, &a.params), count_per_item(fb, &b.params));
                    if differs(fa, fb) {
                        seen.push(format!(
                            "futile wakeups per item {} → {}",
                            per_item(fa),
                            per_item(fb)
                        ));
                    }
                    true
                }
                _ => false,
            };
            let counts = if seen.is_empty() {
                if futile_counted {
                    "with waits, futile wakeups and peak queue within 10% of each other, so \
                     these counters do not explain it"
                        .to_owned()
                } else {
                    "with waits and peak queue within 10% of each other, so these counters do \
                     not explain it (this contender does not count futile wakeups: how often a \
                     waiting worker is resumed before it can proceed)"
                        .to_owned()
                }
            } else {
                format!("with {}", seen.join(" and "))
            };
            lines.push(format!(
                "- `{contender}` on {}: paired is {} the assignment's order, {counts}.",
                view.cell_name(p, c),
                if paired_slower {
                    "slower than"
                } else {
                    "faster than"
                },
            ));
        }
    }
    if lines.is_empty() {
        out.push_str("No row differs between the two orders beyond the noise.\n\n");
    } else {
        let _ = writeln!(
            out,
            "Rows that differ beyond the noise, and what the counts say:\n\n{}\n",
            lines.join("\n")
        );
    }
}

/// The thread-based contenders and the multi-thread runtime on one core and on all.
pub(crate) fn write_cores(out: &mut String, studies: &Studies) {
    let Some(cores) = &studies.cores else {
        return;
    };
    let view = View(cores);
    let _ = write!(
        out,
        "## Core scaling\n\nThe same runs pinned to one core (with `sched_setaffinity`, inherited \
         by every thread and runtime worker) and on all cores, interleaved. Ratio: one core over \
         all cores, with its {WITHIN_ONE_SWEEP}. A slower run on one core is not lost \
         parallelism by itself: a waiter that spins or yields there holds the only core its \
         counterpart needs, and the scheduler then has to take the core from it, an \
         involuntary switch. The switch columns (per item, from each lane's counting run) show \
         which it is.\n\n\
         | contender | cell | all cores | one core | ratio [{WITHIN_ONE_SWEEP}] | reading | \
         voluntary switches/item (all → one) | involuntary switches/item (all → one) |\n\
         |---|---|---:|---:|---|---|---:|---:|\n",
    );
    for &contender in &cores.contenders {
        for (p, c) in view.cells() {
            let Some(interval) = one_core_ratio(view, contender, p, c) else {
                continue;
            };
            let row = |variant_cores| {
                let variant = cores
                    .variants
                    .iter()
                    .copied()
                    .find(|v| v.cores == variant_cores)?;
                cores.row(contender, variant, p, c)
            };
            let median = |variant_cores| Some(row(variant_cores)?.summary()?.median.as_secs_f64());
            let switches = |kind: fn(&Mechanism) -> u64| {
                let count = |variant_cores| {
                    let row: &Row = row(variant_cores)?;
                    Some(count_per_item(kind(&row.mechanism?), &row.params))
                };
                match (count(crate::Cores::All), count(crate::Cores::One)) {
                    (Some(all), Some(one)) => format!("{} → {}", per_item(all), per_item(one)),
                    _ => "-".to_owned(),
                }
            };
            // The reading names the direction only; the switch columns say why.
            let reading = match interval.above_one() {
                Some(true) => "slower on one core",
                Some(false) => "faster on one core",
                None => "no measurable difference",
            };
            let _ = writeln!(
                out,
                "| `{contender}` | {} | {} | {} | {} | {reading} | {} | {} |",
                view.cell_name(p, c),
                median(crate::Cores::All).map_or_else(|| "-".to_owned(), human_seconds),
                median(crate::Cores::One).map_or_else(|| "-".to_owned(), human_seconds),
                interval.shown(),
                switches(|m| m.voluntary_switches),
                switches(|m| m.involuntary_switches),
            );
        }
    }
    out.push('\n');
}

/// The thread-based contenders and `tasks-mt` on one core and on all, each idle and beside
/// busy threads, each against `crossbeam` in the same lane.
pub(crate) fn write_load(out: &mut String, studies: &Studies) {
    let Some(load) = &studies.load else {
        return;
    };
    let view = View(load);
    let crossbeam = super::CROSSBEAM;
    let _ = write!(
        out,
        "## A busy machine\n\nThe assignment's cell on all cores and on one core, each idle and \
         with busy threads (each a loop that never blocks, at normal priority) started before \
         every run and stopped after it, on the same cores; all lanes interleaved. Ratio: the \
         contender's median over `crossbeam`'s in the same lane, with its {WITHIN_ONE_SWEEP}. \
         A waiter that spins or yields pays only while its counterpart runs on another core; \
         where a busy thread takes the core it yields, it waits out that thread's whole time \
         slice, so what a lane costs is how a queue waits, not how many cores it uses. The \
         switch columns (per item, from each lane's counting run) show how it waited: \
         voluntary switches are parks; involuntary ones are preemptions and the yields that \
         gave the core away (a thread that yields stays runnable, so Linux counts its switch \
         as involuntary).\n\n\
         | contender | cell | cores | busy threads | median | ratio to `crossbeam` [{WITHIN_ONE_SWEEP}] | \
         voluntary switches/item | involuntary switches/item |\n\
         |---|---|---|---:|---:|---|---:|---:|\n",
    );
    for &variant in &load.variants {
        for &contender in &load.contenders {
            for (p, c) in view.cells() {
                let Some(row) = load.row(contender, variant, p, c) else {
                    continue;
                };
                let Some(summary) = row.summary() else {
                    continue;
                };
                let ratio = load
                    .row(crossbeam, variant, p, c)
                    .filter(|_| contender != crossbeam)
                    .and_then(|base| ratio_interval(&row.times, &base.times))
                    .map_or_else(|| "-".to_owned(), |interval| interval.shown());
                let switches = |kind: fn(&Mechanism) -> u64| {
                    row.mechanism.map_or_else(
                        || "-".to_owned(),
                        |mechanism| per_item(count_per_item(kind(&mechanism), &row.params)),
                    )
                };
                let _ = writeln!(
                    out,
                    "| `{contender}` | {} | {} | {} | {} | {ratio} | {} | {} |",
                    view.cell_name(p, c),
                    variant.cores,
                    variant.load,
                    human_seconds(summary.median.as_secs_f64()),
                    switches(|m| m.voluntary_switches),
                    switches(|m| m.involuntary_switches),
                );
            }
        }
    }
    out.push('\n');
}
