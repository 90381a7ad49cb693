//! The SVG figures: time per item against capacity and against `numProdsCons`, with min–max
//! whiskers, at most six series each, and unbounded at the right end of the capacity axis.
//!
//! Only plotters' SVG backend is used: an SVG names its fonts and the viewer draws the text, so
//! no font file or fontconfig is needed to make one.

use std::path::{Path, PathBuf};

use plotters::prelude::*;

use super::contender::{Contender, PythonRef};
use super::error::BenchError;
use super::sweep::SweepResults;
use prodcons_peers::Implementation;

/// The `numProdsCons` of the assignment's cell, where the capacity figures are drawn.
pub(crate) const FOCUS_PRODS_CONS: usize = 50;

/// The capacity of the assignment's cell, where the `numProdsCons` figure is drawn.
pub(crate) const FOCUS_CAPACITY: usize = 10;

const SIZE: (u32, u32) = (1000, 620);

/// The four lines the assignment's questions are about.
const FOCUS: [Contender; 4] = [
    Contender::Python(PythonRef::Threads),
    Contender::Python(PythonRef::Asyncio),
    Contender::Pipeline(Implementation::Threads),
    Contender::Pipeline(Implementation::Tasks),
];

/// Our queues beside the peers a Rust user would pick.
const PEERS: [Contender; 6] = [
    Contender::Pipeline(Implementation::Threads),
    Contender::Pipeline(Implementation::Crossbeam),
    Contender::Pipeline(Implementation::Kanal),
    Contender::Pipeline(Implementation::Tasks),
    Contender::Pipeline(Implementation::AsyncChannel),
    Contender::Pipeline(Implementation::KanalAsync),
];

/// Okabe and Ito's colour-blind-safe palette, dark enough to read on white.
const COLOURS: [RGBColor; 6] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(230, 159, 0),
];

/// Draws every figure into `dir`; returns the file names of those it drew, in reading order.
pub(crate) fn write_plots(results: &SweepResults, dir: &Path) -> Result<Vec<PathBuf>, BenchError> {
    let mut written = Vec::new();
    let mut keep = |drawn: Option<String>| written.extend(drawn.map(PathBuf::from));
    if let Some(p) = results.nearest_prods_cons(FOCUS_PRODS_CONS) {
        keep(against_capacity(results, dir, p, &FOCUS, "focus")?);
        keep(against_capacity(results, dir, p, &PEERS, "peers")?);
    }
    if let Some(c) = nearest_capacity(results) {
        keep(against_prods_cons(
            results,
            dir,
            c,
            "focus",
            Measure::PerItem,
        )?);
    }
    Ok(written)
}

fn nearest_capacity(results: &SweepResults) -> Option<usize> {
    let bounded = results.capacities.iter().copied().filter(|&c| c > 0);
    bounded.min_by_key(|capacity| capacity.abs_diff(FOCUS_CAPACITY))
}

/// "unbounded" for 0, the number otherwise.
pub(crate) fn capacity_label(capacity: usize) -> String {
    match capacity {
        0 => "unbounded".to_owned(),
        bound => bound.to_string(),
    }
}

/// The capacities in axis order: bounded ones rising, then unbounded, which holds the most.
pub(crate) fn capacity_axis(capacities: &[usize]) -> Vec<usize> {
    let mut axis: Vec<usize> = capacities.iter().copied().filter(|&c| c > 0).collect();
    axis.sort_unstable();
    axis.dedup();
    if capacities.contains(&0) {
        axis.push(0);
    }
    axis
}

/// One point: x, then median, fastest and slowest time per item in seconds.
type Point = (f64, f64, f64, f64);
type Series = Vec<(Contender, Vec<Point>)>;

fn per_item_point(
    results: &SweepResults,
    contender: Contender,
    p: usize,
    c: usize,
    x: f64,
) -> Option<Point> {
    let summary = results.summary(contender, p, c)?;
    let items = (results.num_iters as f64 * p as f64).max(1.0);
    let per_item = |d: std::time::Duration| d.as_secs_f64() / items;
    let median = per_item(summary.median);
    (median > 0.0).then(|| (x, median, per_item(summary.min), per_item(summary.max)))
}

fn against_capacity(
    results: &SweepResults,
    dir: &Path,
    p: usize,
    contenders: &[Contender],
    name: &str,
) -> Result<Option<String>, BenchError> {
    let axis = capacity_axis(&results.capacities);
    let series: Series = present(results, contenders)
        .map(|contender| {
            let points = axis.iter().enumerate();
            let points = points
                .filter_map(|(slot, &c)| per_item_point(results, contender, p, c, slot as f64));
            (contender, points.collect())
        })
        .collect();
    let file = format!("{name}-per-item-vs-capacity-prods-cons-{p}.svg");
    let title = format!(
        "pc({}, {p}, capacity): time per item, median with min–max",
        results.num_iters
    );
    // Capacities are categories (one is unbounded), so each gets an evenly spaced slot.
    let x_range = -0.5..(axis.len() as f64 - 0.5);
    let label = |x: &f64| {
        let slot = x.round();
        let on_slot = (x - slot).abs() < 1e-6 && slot >= 0.0;
        let capacity = axis.get(slot as usize).filter(|_| on_slot);
        capacity.map_or_else(String::new, |&c| match c {
            0 => "∞".to_owned(),
            bound => bound.to_string(),
        })
    };
    let Some(y_range) = y_range(&series) else {
        return Ok(None);
    };
    draw(&dir.join(&file), &title, |builder| {
        let mut chart = builder.build_cartesian_2d(x_range, y_range.log_scale())?;
        chart
            .configure_mesh()
            .x_desc("capacity (∞ = unbounded)")
            .y_desc("time per item (log)")
            .x_labels(axis.len() * 2 + 1)
            .x_label_formatter(&label)
            .y_label_formatter(&|y| human_seconds(*y))
            .draw()?;
        draw_series(&mut chart, &series)
    })?;
    Ok(Some(file))
}

/// What a figure against numProdsCons draws: time per item, or each run's whole time.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Measure {
    PerItem,
    Total,
}

fn against_prods_cons(
    results: &SweepResults,
    dir: &Path,
    c: usize,
    prefix: &str,
    measure: Measure,
) -> Result<Option<String>, BenchError> {
    let series: Series = present(results, &FOCUS)
        .map(|contender| {
            let points = results.prods_cons.iter().filter(|&&p| p > 0);
            let points = points.filter_map(|&p| {
                let (x, median, min, max) = per_item_point(results, contender, p, c, p as f64)?;
                let scale = match measure {
                    Measure::PerItem => 1.0,
                    Measure::Total => results.num_iters as f64 * p as f64,
                };
                Some((x, median * scale, min * scale, max * scale))
            });
            (contender, points.collect())
        })
        .collect();
    let xs = series
        .iter()
        .flat_map(|(_, points)| points.iter().map(|p| p.0));
    let (x_min, x_max) = xs.fold((f64::MAX, f64::MIN), |(lo, hi), x| (lo.min(x), hi.max(x)));
    let Some(y_range) = y_range(&series) else {
        return Ok(None);
    };
    let (what, axis) = match measure {
        Measure::PerItem => ("per-item", "time per item (log)"),
        Measure::Total => ("total", "total time (log)"),
    };
    let file = format!("{prefix}-{what}-vs-prods-cons-capacity-{c}.svg");
    let title = format!(
        "pc({}, numProdsCons, {c}): {}, median with min–max",
        results.num_iters,
        axis.trim_end_matches(" (log)")
    );
    draw(&dir.join(&file), &title, |builder| {
        let x_range = (x_min / 1.5)..(x_max * 1.5);
        let mut chart = builder.build_cartesian_2d(x_range.log_scale(), y_range.log_scale())?;
        chart
            .configure_mesh()
            .x_desc("numProdsCons (log)")
            .y_desc(axis)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| human_seconds(*y))
            .draw()?;
        draw_series(&mut chart, &series)
    })?;
    Ok(Some(file))
}

/// The growth study's figures: time per item and total time against numProdsCons, at each of
/// its capacities.
pub(crate) fn write_growth_plots(
    growth: &SweepResults,
    dir: &Path,
) -> Result<Vec<PathBuf>, BenchError> {
    let mut written = Vec::new();
    for &c in &growth.capacities {
        for measure in [Measure::PerItem, Measure::Total] {
            written
                .extend(against_prods_cons(growth, dir, c, "growth", measure)?.map(PathBuf::from));
        }
    }
    Ok(written)
}

fn present<'a>(
    results: &'a SweepResults,
    contenders: &'a [Contender],
) -> impl Iterator<Item = Contender> + 'a {
    contenders
        .iter()
        .copied()
        .filter(|contender| results.contenders.contains(contender))
}

/// The y range that holds every whisker, with room above for the legend; `None` if no points.
fn y_range(series: &Series) -> Option<std::ops::Range<f64>> {
    let points = series.iter().flat_map(|(_, points)| points);
    let (lo, hi) = points.fold((f64::MAX, f64::MIN), |(lo, hi), &(_, _, min, max)| {
        (lo.min(min), hi.max(max))
    });
    (lo <= hi && lo > 0.0).then(|| lo / 2.0..hi * 30.0)
}

pub(crate) type DrawResult = Result<(), Box<dyn std::error::Error>>;

/// The drawing area of a new SVG at `path`.
pub(crate) type SvgArea<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

/// Writes an SVG of `size` at `path`: a white page that `paint` draws on, every failure a
/// [`BenchError::Plot`] naming the file.
pub(crate) fn draw_svg(
    path: &Path,
    size: (u32, u32),
    paint: impl FnOnce(&SvgArea) -> DrawResult,
) -> Result<(), BenchError> {
    let failed = |reason: String| BenchError::Plot {
        path: path.to_owned(),
        reason,
    };
    let root = SVGBackend::new(path, size).into_drawing_area();
    root.fill(&WHITE)
        .map_err(|error| failed(error.to_string()))?;
    paint(&root).map_err(|error| failed(error.to_string()))?;
    root.present().map_err(|error| failed(error.to_string()))
}

fn draw(
    path: &Path,
    title: &str,
    paint: impl FnOnce(&mut ChartBuilder<SVGBackend>) -> DrawResult,
) -> Result<(), BenchError> {
    draw_svg(path, SIZE, |root| {
        let mut builder = ChartBuilder::on(root);
        builder
            .caption(title, ("sans-serif", 22))
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(80);
        paint(&mut builder)
    })
}

fn draw_series<'a, X, Y>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, Cartesian2d<X, Y>>,
    series: &Series,
) -> DrawResult
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    for (index, (contender, points)) in series.iter().enumerate() {
        if points.is_empty() {
            continue;
        }
        let colour = COLOURS[index % COLOURS.len()];
        let line = colour.stroke_width(2);
        let filled = colour.filled();
        let python = matches!(contender, Contender::Python(_));
        let medians = points.iter().map(|&(x, median, _, _)| (x, median));
        let drawn = chart
            .draw_series(LineSeries::new(medians, line))?
            .label(contender.name());
        // The legend shows the marker on its line, as the plot does: colour alone does not tell
        // Python from Rust in grey or to a colour-blind reader.
        let stroke =
            move |(x, y)| EmptyElement::at((x, y)) + PathElement::new([(0, 0), (20, 0)], line);
        if python {
            drawn.legend(move |at| stroke(at) + Rectangle::new([(6, -4), (14, 4)], filled));
        } else {
            drawn.legend(move |at| stroke(at) + Circle::new((10, 0), 4, filled));
        }
        let whiskers = points.iter().map(|&(x, _, min, max)| {
            PathElement::new(vec![(x, min), (x, max)], colour.stroke_width(1))
        });
        chart.draw_series(whiskers)?;
        // Python is drawn with squares, Rust with circles, so the two kinds read apart in grey.
        for &(x, median, _, _) in points {
            if python {
                let square =
                    EmptyElement::at((x, median)) + Rectangle::new([(-4, -4), (4, 4)], filled);
                chart.plotting_area().draw(&square)?;
            } else {
                chart
                    .plotting_area()
                    .draw(&Circle::new((x, median), 4, filled))?;
            }
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font(("sans-serif", 14))
        .draw()?;
    Ok(())
}

/// Seconds as a label: "20 ms", "1.5 s", "300 µs", "45 ns".
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
    use super::{capacity_axis, human_seconds};

    #[test]
    fn axis_labels_pick_a_readable_unit() {
        assert_eq!(human_seconds(2.0), "2 s");
        assert_eq!(human_seconds(0.0205), "20.5 ms");
        assert_eq!(human_seconds(3e-4), "300 µs");
        assert_eq!(human_seconds(5e-8), "50 ns");
    }

    #[test]
    fn unbounded_sits_at_the_right_end_of_the_capacity_axis() {
        assert_eq!(capacity_axis(&[0, 1, 10, 100]), [1, 10, 100, 0]);
        assert_eq!(capacity_axis(&[100, 1]), [1, 100]);
    }
}
