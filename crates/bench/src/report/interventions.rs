//! The interventions: each side study changes one thing and shows what moves with it, with
//! the counts that say why. The hand-written answers (`docs/answers.md`) cite these tables.

use std::fmt::Write as _;

use super::noise::ratio_interval;
use super::words::per_item;
use crate::plots::human_seconds;
use crate::{Measured, Row, Studies, SweepResults};
use prodcons::SpawnOrder;

/// Every intervention the studies ran, one section each.
pub(crate) fn write(out: &mut String, studies: &Studies) {
    if let Some(ablation) = &studies.ablation {
        write_hand_off(out, ablation);
    }
    if let Some(gil) = &studies.gil {
        out.push_str(
            "## Intervention: the GIL's switch interval\n\n\
             `python-threads` with `sys.setswitchinterval` at 0.5 ms, the default 5 ms, and \
             50 ms: how often a thread that waits for the GIL may ask the running one to drop \
             it. Nothing else changes.\n\n",
        );
        counted_table(out, gil, |_| true);
    }
    if !studies.per_op.is_empty() {
        write_per_op(out, studies);
    }
    if let Some(growth) = &studies.growth {
        let _ = write!(
            out,
            "## Intervention: numProdsCons growth\n\n\
             numProdsCons from {} to {} at numIters = {}, with the steps the main sweep leaves \
             out; at most three timed runs per cell. Total time is numIters × numProdsCons \
             items times the time per item; the figures draw both.\n\n",
            growth.prods_cons.first().copied().unwrap_or_default(),
            growth.prods_cons.last().copied().unwrap_or_default(),
            growth.num_iters,
        );
        counted_table(out, growth, |_| true);
    }
}

/// The cost of a put+get pair with nothing to wait for, and how much of the unbounded gap
/// between the two Python programs it accounts for.
fn write_per_op(out: &mut String, studies: &Studies) {
    out.push_str(
        "## Intervention: one operation, no contention\n\n\
         One thread (or one task) puts an item on an unbounded queue and takes it straight \
         back: the cost of a put+get pair with nobody to wait for or wake, median over the \
         repetitions with their spread (study `per-op` in the data). The `python:` rows are CPython's: \
         `queue.Queue` takes its lock and notifies a `Condition` on every put and every get, \
         `asyncio.Queue` takes no lock; `lock_with` and `condition_notify` time those parts \
         alone, once each.\n\n\
         | measured | per pair (or per operation) | spread (min–max) |\n|---|---:|---:|\n",
    );
    for cost in &studies.per_op {
        let _ = writeln!(
            out,
            "| `{}` | {} | {}–{} |",
            cost.name,
            human_seconds(cost.median_ns * 1e-9),
            human_seconds(cost.min_ns * 1e-9),
            human_seconds(cost.max_ns * 1e-9),
        );
    }
    out.push('\n');
}

/// The spawn-order study's rows for the task queues and their hand-off variants: whether the
/// assignment's order still costs once a freed slot goes straight to the putter waiting for it.
fn write_hand_off(out: &mut String, ablation: &SweepResults) {
    let hand_off = |row: &Row| row.contender.name().contains("asyncio") || is_task_queue(row);
    if !ablation
        .rows
        .iter()
        .any(|row| row.contender.name().ends_with("handoff"))
    {
        return;
    }
    out.push_str(
        "## Intervention: the wake-up rule (hand-off)\n\n\
         asyncio's queue, and `AsyncQueue` after it, wakes the first waiting putter when a get \
         frees a slot, but does not give it the slot: a producer that is still running can fill \
         it first, and the woken putter finds the queue full again (a *futile wakeup*) and \
         waits at the back of the line. The `-handoff` contenders change only that: a get moves \
         the first waiting putter's item in, and a put gives its item straight to the first \
         waiting getter. Both spawn orders, interleaved; the ratio is producers-first over \
         paired, with its 95% interval within one sweep.\n\n",
    );
    counted_table(out, ablation, hand_off);
    let _ = writeln!(
        out,
        "| contender | cell | producers-first / paired (95% interval within one sweep) |\n\
         |---|---|---|"
    );
    let cells: Vec<(usize, usize)> = ablation
        .prods_cons
        .iter()
        .flat_map(|&p| ablation.capacities.iter().map(move |&c| (p, c)))
        .collect();
    for &contender in &ablation.contenders {
        for &(p, c) in &cells {
            // The study's variants differ only in spawn order; look each one up by it.
            let order = |spawn: SpawnOrder| {
                let variant = ablation
                    .variants
                    .iter()
                    .copied()
                    .find(|v| v.spawn == spawn)?;
                ablation
                    .row(contender, variant, p, c)
                    .filter(|row| row.summary().is_some())
            };
            let (Some(first), Some(paired)) =
                (order(SpawnOrder::ProducersFirst), order(SpawnOrder::Paired))
            else {
                continue;
            };
            if !hand_off(first) {
                continue;
            }
            if let Some(interval) = ratio_interval(&first.times, &paired.times) {
                let _ = writeln!(
                    out,
                    "| `{contender}` | pc({}, {p}, {c}) | {} |",
                    ablation.num_iters,
                    interval.shown()
                );
            }
        }
    }
    out.push('\n');
}

fn is_task_queue(row: &Row) -> bool {
    matches!(row.contender.name(), "tasks" | "tasks-handoff")
}

/// One line per timed row that `keep` accepts: the times, their spread, and the counting run.
fn counted_table(out: &mut String, study: &SweepResults, keep: impl Fn(&Row) -> bool) {
    out.push_str(
        "| contender | cell | schedule | median | per item | runs (min–max) | waits/item | futile wakeups/item | switches/item (vol. + invol.) | runnable threads |\n\
         |---|---|---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for row in study.rows.iter().filter(|row| keep(row)) {
        let summary = match &row.measured {
            Measured::Timed(summary) => summary,
            Measured::Skipped(reason) => {
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} | {reason} | | | | | | |",
                    row.contender,
                    cell(study, row),
                    row.variant.short_name(),
                );
                continue;
            }
        };
        let items = row.params.total_items().max(1) as f64;
        let median = summary.median.as_secs_f64();
        let counted = row.mechanism;
        let count = |value: Option<u64>| {
            value.map_or_else(|| "-".to_owned(), |value| per_item(value as f64 / items))
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {}–{} | {} | {} | {} + {} | {} |",
            row.contender,
            cell(study, row),
            row.variant.short_name(),
            human_seconds(median),
            human_seconds(median / items),
            human_seconds(summary.min.as_secs_f64()),
            human_seconds(summary.max.as_secs_f64()),
            counted.map_or_else(
                || "-".to_owned(),
                |m| per_item(m.waits_per_item(&row.params))
            ),
            count(counted.and_then(|m| m.futile_wakeups)),
            count(counted.map(|m| m.voluntary_switches)),
            count(counted.map(|m| m.involuntary_switches)),
            counted
                .and_then(|m| m.runnable_threads)
                .map_or_else(|| "-".to_owned(), |mean| format!("{mean:.1}")),
        );
    }
    out.push('\n');
}

fn cell(study: &SweepResults, row: &Row) -> String {
    format!(
        "pc({}, {}, {})",
        study.num_iters,
        row.params.num_prods_cons(),
        row.params.capacity()
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::{Contender, Mechanism, PerOp, Summary, Variant};
    use prodcons::Params;

    fn study(contender: Contender, rows: Vec<(usize, Option<Mechanism>)>) -> SweepResults {
        let times = vec![Duration::from_millis(10), Duration::from_millis(30)];
        let rows = rows
            .into_iter()
            .map(|(p, mechanism)| Row {
                contender,
                variant: Variant::default(),
                params: Params::new(10, p, 10).unwrap(),
                measured: if p < 100 {
                    Measured::Timed(Summary::of(&times).unwrap())
                } else {
                    Measured::Skipped("not run (projected 99 s > 60 s)".to_owned())
                },
                times: times.clone(),
                mechanism,
            })
            .collect();
        SweepResults {
            num_iters: 10,
            prods_cons: vec![5, 200],
            capacities: vec![10],
            contenders: vec![contender],
            variants: vec![Variant::default()],
            rows,
        }
    }

    #[test]
    fn each_intervention_shows_its_counts_and_why_a_cell_did_not_run() {
        let counted = Mechanism {
            put_waits: 25,
            futile_wakeups: Some(100),
            runnable_threads: Some(3.25),
            ..Mechanism::default()
        };
        let threads: Contender = "python-threads".parse().unwrap();
        let studies = Studies {
            gil: Some(study(threads, vec![(5, Some(counted))])),
            growth: Some(study(threads, vec![(5, None), (200, None)])),
            per_op: vec![PerOp {
                name: "python:queue.Queue".to_owned(),
                median_ns: 1500.0,
                min_ns: 1400.0,
                max_ns: 1700.0,
            }],
            ..Studies::default()
        };
        let mut out = String::new();
        write(&mut out, &studies);
        assert!(
            out.contains("## Intervention: the GIL's switch interval"),
            "{out}"
        );
        // 50 items: 100 futile wakeups are 2 per item, 25 waits are 0.5.
        assert!(
            out.contains("| 0.50 | 2.00 | 0 + 0 | 3.2 |"),
            "waits, futile wakeups, switches and runnable threads per item: {out}"
        );
        assert!(
            out.contains("| `python:queue.Queue` | 1.5 µs | 1.4 µs–1.7 µs |"),
            "{out}"
        );
        assert!(
            out.contains("## Intervention: numProdsCons growth"),
            "{out}"
        );
        assert!(out.contains("| not run (projected 99 s > 60 s) |"), "{out}");
        assert!(
            !out.contains("wake-up rule"),
            "no hand-off section without the hand-off contenders: {out}"
        );
    }
}
