//! What a failure prints: the scenario as a table, the history, and why no order explains it.

use std::fmt::{self, Write};

use super::checker::{Failure, FailureKind};
use super::history::History;
use super::scenario::Scenario;
use super::spec::RENDEZVOUS;

/// The scenario as a table: the initial part, then one column per thread, then the post part.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_lincheck::{Op, Scenario, scenario_table};
///
/// let scenario = Scenario::new(1, vec![Op::TryPut(0)], vec![vec![Op::Put(100)], vec![Op::Get]], vec![]);
/// let table = scenario_table(&scenario);
/// assert!(table.contains("| put(100)"));
/// assert!(table.contains("try_put(0)"));
/// ```
pub fn scenario_table(scenario: &Scenario) -> String {
    let width = scenario
        .threads
        .iter()
        .flatten()
        .map(|op| op.to_string().len())
        .max()
        .unwrap_or(0)
        .max(4);
    let mut out = String::new();
    let capacity = match scenario.capacity {
        0 => "unbounded".to_owned(),
        RENDEZVOUS => "rendezvous (a put completes only with a get)".to_owned(),
        capacity => capacity.to_string(),
    };
    let _ = writeln!(out, "capacity: {capacity}");
    for op in &scenario.init {
        let _ = writeln!(out, "init: {op}");
    }
    let header: Vec<String> = (1..=scenario.threads.len())
        .map(|thread| format!("{:<width$}", format!("T{thread}")))
        .collect();
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let rule: Vec<String> = header.iter().map(|_| "-".repeat(width)).collect();
    let _ = writeln!(out, "|-{}-|", rule.join("-|-"));
    let rows = scenario.threads.iter().map(Vec::len).max().unwrap_or(0);
    for row in 0..rows {
        let cells: Vec<String> = scenario
            .threads
            .iter()
            .map(|ops| {
                let cell = ops.get(row).map(ToString::to_string).unwrap_or_default();
                format!("{cell:<width$}")
            })
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    for op in &scenario.post {
        let _ = writeln!(out, "post: {op}");
    }
    out
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            FailureKind::NotLinearizable => {
                writeln!(f, "no order of the operations explains their results.")?;
            }
            FailureKind::LostWakeup => writeln!(
                f,
                "an operation was still blocked when it must have been able to return: a lost \
                 wakeup."
            )?,
        }
        writeln!(f, "The longest order that explains the results so far:")?;
        if self.prefix.is_empty() {
            writeln!(f, "  (none: not even a first operation fits)")?;
        }
        for &index in &self.prefix {
            let entry = &self.entries[index];
            let ret = entry.response.map_or_else(
                || "(took effect, never returned)".to_owned(),
                |(_, ret)| ret.to_string(),
            );
            writeln!(f, "  {:>7}  {} -> {ret}", entry.part.to_string(), entry.op)?;
        }
        writeln!(
            f,
            "which leaves the queue {}. Then nothing fits:",
            self.state
        )?;
        for (index, reason) in &self.reasons {
            let entry = &self.entries[*index];
            writeln!(f, "  {:>7}  {}: {reason}", entry.part.to_string(), entry.op)?;
        }
        Ok(())
    }
}

/// The whole report of a failing run: the scenario, the history, and the failure.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_lincheck::{check, report, Clock, Entry, History, Op, Part, Ret, Scenario, Spec, Verdict};
///
/// let scenario = Scenario::new(0, vec![], vec![vec![Op::Put(100)], vec![Op::TryGet]], vec![]);
/// let history = History::new(vec![
///     Entry::new(Part::Thread(0), Op::Put(100), 0, Some((1, Ret::Ok))),
///     Entry::new(Part::Thread(1), Op::TryGet, 2, Some((3, Ret::Empty))),
/// ]);
/// let Verdict::Fail(failure) = check(&Spec::new(0), &history, 1000) else { panic!() };
/// let text = report(&scenario, &history, &failure);
/// assert!(text.contains("it would return 100, not Empty"));
/// ```
pub fn report(scenario: &Scenario, history: &History, failure: &Failure) -> String {
    format!(
        "Scenario:\n{}\nHistory ([invoked .. returned] by the shared clock):\n{history}\nWhy it fails: \
         {failure}",
        scenario_table(scenario)
    )
}
