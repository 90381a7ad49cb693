//! The SVG plots: median time against `numProdsCons` for each capacity, and against capacity
//! at `numProdsCons = 50`, one line per contender, on log axes.
//!
//! Only plotters' SVG backend is used: an SVG names its fonts and the viewer draws the text, so
//! no font file or fontconfig is needed to make one.

use std::path::{Path, PathBuf};
use std::time::Duration;

use plotters::prelude::*;

use super::contender::Contender;
use super::error::BenchError;
use super::sweep::SweepResults;
use crate::pipeline::Implementation;

/// `numProdsCons` of the capacity plot: the assignment's 50, or the swept value nearest it.
pub(crate) const FOCUS_PRODS_CONS: usize = 50;

const SIZE: (u32, u32) = (1000, 640);

/// Writes every plot into `dir` and returns the file names, in the order they were drawn.
pub(crate) fn write_plots(results: &SweepResults, dir: &Path) -> Result<Vec<PathBuf>, BenchError> {
    let mut written = Vec::new();
    for &capacity in &results.capacities {
        let name = format!(
            "time-vs-prods-cons-capacity-{}.svg",
            capacity_label(capacity)
        );
        let series = series(results, |num_prods_cons| (num_prods_cons, capacity));
        let title = format!(
            "pc({}, numProdsCons, {}): median time",
            results.num_iters,
            capacity_label(capacity)
        );
        let path = dir.join(&name);
        if draw_against_prods_cons(&path, &title, &series)? {
            written.push(PathBuf::from(name));
        }
    }
    if let Some(num_prods_cons) = results.nearest_prods_cons(FOCUS_PRODS_CONS) {
        let name = format!("time-vs-capacity-prods-cons-{num_prods_cons}.svg");
        let path = dir.join(&name);
        let title = format!(
            "pc({}, {num_prods_cons}, capacity): median time",
            results.num_iters
        );
        if draw_against_capacity(&path, &title, results, num_prods_cons)? {
            written.push(PathBuf::from(name));
        }
    }
    Ok(written)
}

/// How a capacity reads in titles and labels: 0 is "unbounded".
pub(crate) fn capacity_label(capacity: usize) -> String {
    match capacity {
        0 => "unbounded".to_owned(),
        bound => bound.to_string(),
    }
}

/// One line: a contender's (x, median seconds) points.
type Series = Vec<(Contender, Vec<(f64, f64)>)>;

/// Each contender's medians along `numProdsCons`, for the cell `cell(numProdsCons)`.
fn series(results: &SweepResults, cell: impl Fn(usize) -> (usize, usize)) -> Series {
    results
        .contenders
        .iter()
        .map(|&contender| {
            let points = results
                .prods_cons
                .iter()
                .filter(|&&num_prods_cons| num_prods_cons > 0)
                .filter_map(|&num_prods_cons| {
                    let (p, c) = cell(num_prods_cons);
                    let median = results.median(contender, p, c)?;
                    positive(median).map(|seconds| (num_prods_cons as f64, seconds))
                })
                .collect();
            (contender, points)
        })
        .collect()
}

/// Seconds, if above zero: a log axis has no place for zero.
fn positive(median: Duration) -> Option<f64> {
    Some(median.as_secs_f64()).filter(|&seconds| seconds > 0.0)
}

fn draw_against_prods_cons(path: &Path, title: &str, series: &Series) -> Result<bool, BenchError> {
    let points = series.iter().flat_map(|(_, points)| points);
    let Some((x_range, y_range)) = log_ranges(points) else {
        return Ok(false);
    };
    draw(path, title, |builder| {
        let mut chart = builder.build_cartesian_2d(x_range.log_scale(), y_range.log_scale())?;
        chart
            .configure_mesh()
            .x_desc("numProdsCons (log)")
            .y_desc("median time (log)")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| human_seconds(*y))
            .draw()?;
        draw_lines(&mut chart, series)
    })
}

fn draw_against_capacity(
    path: &Path,
    title: &str,
    results: &SweepResults,
    num_prods_cons: usize,
) -> Result<bool, BenchError> {
    let capacities = &results.capacities;
    let series: Series = results
        .contenders
        .iter()
        .map(|&contender| {
            let points = capacities
                .iter()
                .enumerate()
                .filter_map(|(slot, &capacity)| {
                    let median = results.median(contender, num_prods_cons, capacity)?;
                    positive(median).map(|seconds| (slot as f64, seconds))
                })
                .collect();
            (contender, points)
        })
        .collect();
    let Some((_, y_range)) = log_ranges(series.iter().flat_map(|(_, points)| points)) else {
        return Ok(false);
    };
    // Capacities are categories (one is "unbounded"), so each gets an evenly spaced slot.
    let x_range = -0.5..(capacities.len() as f64 - 0.5);
    let label = |x: &f64| {
        let slot = x.round();
        let on_slot = (x - slot).abs() < 1e-6 && slot >= 0.0;
        let capacity = capacities.get(slot as usize).filter(|_| on_slot);
        capacity.map_or_else(String::new, |&capacity| capacity_label(capacity))
    };
    draw(path, title, |builder| {
        let mut chart = builder.build_cartesian_2d(x_range, y_range.log_scale())?;
        chart
            .configure_mesh()
            .x_desc("capacity")
            .y_desc("median time (log)")
            .x_labels(capacities.len() * 2 + 1)
            .x_label_formatter(&label)
            .y_label_formatter(&|y| human_seconds(*y))
            .draw()?;
        draw_lines(&mut chart, &series)
    })
}

type DrawResult = Result<(), Box<dyn std::error::Error>>;

/// Draws a chart titled `title` onto a fresh SVG at `path`; returns true once it is written.
fn draw(
    path: &Path,
    title: &str,
    paint: impl FnOnce(&mut ChartBuilder<SVGBackend>) -> DrawResult,
) -> Result<bool, BenchError> {
    let failed = |reason: String| BenchError::Plot {
        path: path.to_owned(),
        reason,
    };
    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE)
        .map_err(|error| failed(error.to_string()))?;
    let mut builder = ChartBuilder::on(&root);
    builder
        .caption(title, ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(80);
    paint(&mut builder).map_err(|error| failed(error.to_string()))?;
    root.present().map_err(|error| failed(error.to_string()))?;
    Ok(true)
}

/// Every contender's line, then the legend.
fn draw_lines<'a, X, Y>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, Cartesian2d<X, Y>>,
    series: &Series,
) -> DrawResult
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    for (index, (contender, points)) in series.iter().enumerate() {
        draw_line(chart, index, *contender, points)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 14))
        .draw()?;
    Ok(())
}

fn draw_line<'a, X, Y>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, Cartesian2d<X, Y>>,
    index: usize,
    contender: Contender,
    points: &[(f64, f64)],
) -> DrawResult
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    if points.is_empty() {
        return Ok(());
    }
    let color = Palette99::pick(index).to_rgba();
    let line = color.stroke_width(2);
    chart
        .draw_series(LineSeries::new(points.iter().copied(), line))?
        .label(contender.name())
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], line));
    let marker = color.filled();
    // The marker tells the kinds apart where colours are close: ours, peers, floors, Python.
    for &point in points {
        match contender {
            Contender::Pipeline(implementation)
                if Implementation::OURS.contains(&implementation) =>
            {
                chart.plotting_area().draw(&Circle::new(point, 4, marker))?;
            }
            Contender::Pipeline(_) => {
                chart
                    .plotting_area()
                    .draw(&TriangleMarker::new(point, 5, marker))?;
            }
            Contender::Floor(_) => {
                chart.plotting_area().draw(&Cross::new(point, 4, line))?;
            }
            Contender::Python(_) => {
                let square = EmptyElement::at(point) + Rectangle::new([(-4, -4), (4, 4)], marker);
                chart.plotting_area().draw(&square)?;
            }
        }
    }
    Ok(())
}

/// The x and y ranges that hold every point with a margin, on log axes; `None` if no points.
fn log_ranges<'a>(
    points: impl Iterator<Item = &'a (f64, f64)>,
) -> Option<(std::ops::Range<f64>, std::ops::Range<f64>)> {
    let (mut x_min, mut x_max, mut y_min, mut y_max) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    let mut any = false;
    for &(x, y) in points {
        any = true;
        (x_min, x_max) = (x_min.min(x), x_max.max(x));
        (y_min, y_max) = (y_min.min(y), y_max.max(y));
    }
    // Room above the top for the legend, which sits in the upper left.
    any.then(|| (x_min / 1.3..x_max * 1.3, y_min / 2.0..y_max * 20.0))
}

/// Seconds as an axis label: "20 ms", "1.5 s", "300 µs".
pub(crate) fn human_seconds(seconds: f64) -> String {
    let (value, unit) = if seconds >= 1.0 {
        (seconds, "s")
    } else if seconds >= 1e-3 {
        (seconds * 1e3, "ms")
    } else if seconds >= 1e-6 {
        (seconds * 1e6, "µs")
    } else {
        (seconds * 1e9, "ns")
    };
    let text = format!("{value:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text} {unit}")
}

#[cfg(test)]
mod tests {
    use super::human_seconds;

    #[test]
    fn axis_labels_pick_a_readable_unit() {
        assert_eq!(human_seconds(2.0), "2 s");
        assert_eq!(human_seconds(0.0205), "20.5 ms");
        assert_eq!(human_seconds(3e-4), "300 µs");
        assert_eq!(human_seconds(5e-8), "50 ns");
    }
}
