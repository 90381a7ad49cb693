//! The aligned table `prodcons bench` prints on stdout.

use std::fmt::Write;

use super::contender::Contender;
use super::sweep::{Measured, SweepResults};

/// Renders the results as an aligned table, one block of rows per cell, with each median's
/// ratio to `baseline`'s median on the same cell under the same variant (`-` where the baseline
/// was not timed). Times are in seconds, to the microsecond. When the sweep ran more than one
/// variant, each name is followed by its variant's short name in brackets, as
/// `threads [1 core]`.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons_bench::{Sweep, render_table};
///
/// let threads = "threads".parse().unwrap();
/// let sweep = Sweep { prods_cons: vec![2], capacities: vec![1], contenders: vec![threads], ..Sweep::quick() };
/// let table = render_table(&sweep.run().unwrap(), Some(threads));
/// let lines: Vec<&str> = table.lines().collect();
/// assert!(lines[0].starts_with("impl"));
/// assert!(lines[0].ends_with("vs threads"));
/// assert!(lines[1].starts_with("threads") && lines[1].ends_with("1.00"));
/// ```
pub fn render_table(results: &SweepResults, baseline: Option<Contender>) -> String {
    let ratio_header = baseline.map_or_else(|| "ratio".to_owned(), |base| format!("vs {base}"));
    let header = [
        "impl",
        "num_iters",
        "num_prods_cons",
        "capacity",
        "runs",
        "median_s",
        "min_s",
        "max_s",
        &ratio_header,
    ]
    .map(str::to_owned);
    let mut lines: Vec<Option<Vec<String>>> = vec![Some(header.to_vec())];
    let mut previous_cell = None;
    let name_variants = results.variants.len() > 1;
    for row in &results.rows {
        let cell = (row.params.num_prods_cons(), row.params.capacity());
        if previous_cell.is_some_and(|previous| previous != cell) {
            lines.push(None);
        }
        previous_cell = Some(cell);
        let name = if name_variants {
            format!("{} [{}]", row.contender, row.variant.short_name())
        } else {
            row.contender.to_string()
        };
        let mut fields = vec![
            name,
            row.params.num_iters().to_string(),
            cell.0.to_string(),
            cell.1.to_string(),
        ];
        match &row.measured {
            Measured::Timed(summary) => {
                let base = baseline
                    .and_then(|base| results.row(base, row.variant, cell.0, cell.1))
                    .and_then(|base| base.summary())
                    .map(|base| base.median);
                let ratio = base.filter(|base| !base.is_zero()).map_or_else(
                    || "-".to_owned(),
                    |base| format!("{:.2}", summary.median.as_secs_f64() / base.as_secs_f64()),
                );
                fields.extend([
                    summary.runs.to_string(),
                    seconds(summary.median.as_secs_f64()),
                    seconds(summary.min.as_secs_f64()),
                    seconds(summary.max.as_secs_f64()),
                    ratio,
                ]);
            }
            Measured::Skipped(reason) => fields.push(format!("skipped: {reason}")),
        }
        lines.push(Some(fields));
    }
    align(&lines)
}

/// Seconds to the microsecond.
pub(crate) fn seconds(seconds: f64) -> String {
    format!("{seconds:.6}")
}

/// Pads every column to its widest field: the name left-aligned, numbers right-aligned. A
/// skipped row's reason is its last field and is not padded, so it does not widen a column.
fn align(lines: &[Option<Vec<String>>]) -> String {
    let full_width = lines.iter().flatten().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; full_width];
    for fields in lines
        .iter()
        .flatten()
        .filter(|fields| fields.len() == full_width)
    {
        for (width, field) in widths.iter_mut().zip(fields) {
            *width = (*width).max(field.chars().count());
        }
    }
    let mut out = String::new();
    for line in lines {
        let Some(fields) = line else {
            out.push('\n');
            continue;
        };
        let mut text = String::new();
        for (column, field) in fields.iter().enumerate() {
            let last = column + 1 == fields.len();
            let width = widths[column];
            let _ = match (column, last && fields.len() < full_width) {
                (_, true) => write!(text, "{field}"),
                (0, _) => write!(text, "{field:<width$}"),
                _ => write!(text, "{field:>width$}"),
            };
            if !last {
                text.push_str("  ");
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    }
    out
}
