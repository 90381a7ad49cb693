//! The timeline figures: the first milliseconds of the assignment's cell W = pc(1000, 50, 10)
//! as a trace viewer would show them, one row per worker, drawn from trace files in the
//! format of `prodcons run --trace` (see [`trace`](super::trace)).
//!
//! - `tasks` against `tasks-handoff`: asyncio's wake-up rule makes a woken putter find the
//!   queue full again, over and over (futile wakeups, red); the hand-off queue has none.
//! - `python-threads` at CPython's default GIL switch interval (5 ms) and at 0.5 ms.
//!
//! `prodcons bench --timelines DIR` draws them alone, in well under a minute; `--report DIR`
//! draws them too.

use std::path::{Path, PathBuf};
use std::time::Duration;

use plotters::prelude::*;

use super::contender::{Contender, PythonRef};
use super::error::BenchError;
use super::plots::{DrawResult, SvgArea, draw_svg};
use super::trace::{ReadTrace, TraceInfo, read_trace, write_trace};
use prodcons::Params;
use prodcons_peers::Implementation;

/// The figures' file names, under `DIR/figures/`, in the order they are drawn.
///
/// ```
/// assert_eq!(prodcons_bench::TIMELINE_FIGURES.len(), 2);
/// ```
pub const TIMELINE_FIGURES: [&str; 2] = [
    "timeline-tasks-vs-handoff.svg",
    "timeline-python-threads-switch-interval.svg",
];

/// How much of each run the figures show, from its first wait: enough to see the pattern,
/// little enough that single events stay apart.
// `tasks` runs all of W in a few milliseconds with about 86,000 futile wakeups: its first
// 0.2 ms already hold over a thousand, where 1.5 ms made a 3 MB file. Python's threads are
// about a hundred times slower.
const TASKS_WINDOW: Duration = Duration::from_micros(200);
const PYTHON_WINDOW: Duration = Duration::from_millis(20);

/// The longest a Python reference may take to trace W.
const PYTHON_LIMIT: Duration = Duration::from_secs(60);

const SIZE: (u32, u32) = (1000, 760);
const PRODUCER: RGBColor = RGBColor(0, 114, 178);
const CONSUMER: RGBColor = RGBColor(230, 159, 0);
const WOKEN: RGBColor = RGBColor(0, 158, 115);
const FUTILE: RGBColor = RGBColor(213, 94, 0);

/// Traces W with `tasks` and `tasks-handoff` in this process and, when python3 is there,
/// with `python-threads` at two GIL switch intervals, and draws the two figures into
/// `DIR/figures/`; returns the files drawn. The traces themselves go to a temporary folder
/// and are removed: each is tens of megabytes.
///
/// # Errors
///
/// [`BenchError`] if a run fails, a trace cannot be written or read back, or a figure cannot
/// be drawn.
///
/// ```no_run
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// let drawn = prodcons_bench::write_timelines(std::path::Path::new("docs")).unwrap();
/// assert!(!drawn.is_empty());
/// ```
pub fn write_timelines(dir: &Path) -> Result<Vec<PathBuf>, BenchError> {
    let figures = dir.join("figures");
    std::fs::create_dir_all(&figures).map_err(BenchError::write(&figures))?;
    let scratch = std::env::temp_dir().join(format!("prodcons-timelines-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).map_err(BenchError::write(&scratch))?;
    let drawn = draw_all(&figures, &scratch);
    let _ = std::fs::remove_dir_all(&scratch);
    drawn
}

fn draw_all(figures: &Path, scratch: &Path) -> Result<Vec<PathBuf>, BenchError> {
    let w = Params::new(1000, 50, 10).map_err(BenchError::Params)?;
    let mut drawn = Vec::new();
    let tasks = [Implementation::Tasks, Implementation::TasksHandoff]
        .into_iter()
        .map(|implementation| {
            let path = scratch.join(format!("{}.json", implementation.name()));
            let (_, timeline) = implementation
                .pipeline()
                .run_timeline(&w)
                .map_err(|source| BenchError::Run {
                    contender: Contender::Pipeline(implementation),
                    params: w,
                    source,
                })?;
            write_trace(&path, &timeline, &TraceInfo::new(implementation.name(), w))?;
            let label = match implementation {
                Implementation::Tasks => "tasks (AsyncQueue: a woken waiter must try again)",
                _ => "tasks-handoff (a woken waiter was handed its slot or item)",
            };
            Ok((label.to_owned(), read_trace(&path)?))
        })
        .collect::<Result<Vec<_>, BenchError>>()?;
    let path = figures.join(TIMELINE_FIGURES[0]);
    draw_figure(&path, &tasks, TASKS_WINDOW)?;
    drawn.push(path);
    if super::python::python3_available() {
        let references = [
            (
                PythonRef::Threads,
                "python-threads, switch interval 5 ms (CPython's default)",
            ),
            (
                PythonRef::ThreadsSwitchHalfMs,
                "python-threads, switch interval 0.5 ms",
            ),
        ];
        let python = references
            .into_iter()
            .map(|(reference, label)| {
                let path = scratch.join(format!("{}.json", Contender::Python(reference)));
                super::python::trace_python(reference, &w, &path, PYTHON_LIMIT)?;
                let path_read = read_trace(&path)?;
                let _ = std::fs::remove_file(&path);
                Ok((label.to_owned(), path_read))
            })
            .collect::<Result<Vec<_>, BenchError>>()?;
        let path = figures.join(TIMELINE_FIGURES[1]);
        draw_figure(&path, &python, PYTHON_WINDOW)?;
        drawn.push(path);
    }
    Ok(drawn)
}

/// Draws one panel per trace, one above the other, each from its own first wait.
fn draw_figure(
    path: &Path,
    traces: &[(String, ReadTrace)],
    window: Duration,
) -> Result<(), BenchError> {
    draw_svg(path, SIZE, |root| {
        let panels = root.split_evenly((traces.len().max(1), 1));
        for ((label, trace), panel) in traces.iter().zip(&panels) {
            draw_panel(panel, label, trace, window)?;
        }
        Ok(())
    })
}

fn draw_panel(panel: &SvgArea, label: &str, trace: &ReadTrace, window: Duration) -> DrawResult {
    let window_us = window.as_secs_f64() * 1e6;
    let start = trace
        .waits
        .iter()
        .map(|&(_, begin, _)| begin)
        .fold(f64::INFINITY, f64::min);
    let start = if start.is_finite() { start } else { 0.0 };
    let end = start + window_us;
    // Rows top to bottom in spawn order: main, then the workers.
    let rows = trace.tracks.len().max(1);
    let row_of = |tid: u64| {
        let position = trace.tracks.iter().position(|track| track.0 == tid)?;
        Some((rows - 1 - position) as f64)
    };
    let waits: Vec<_> = trace
        .waits
        .iter()
        .filter(|&&(_, begin, finish)| finish >= start && begin <= end)
        .filter_map(|&(tid, begin, finish)| {
            let consumer = trace
                .tracks
                .iter()
                .any(|track| track.0 == tid && track.1.starts_with("consumer"));
            Some((row_of(tid)?, begin.max(start), finish.min(end), consumer))
        })
        .collect();
    let wakeups: Vec<_> = trace
        .wakeups
        .iter()
        .filter(|&&(_, at, _)| (start..=end).contains(&at))
        .filter_map(|&(tid, at, futile)| Some((row_of(tid)?, at, futile)))
        .collect();
    let futile = wakeups.iter().filter(|w| w.2).count();
    let whole_run_futile = trace.other["counts"]["futile_wakeups"]
        .as_u64()
        .map_or_else(|| "unknown".to_owned(), |n| n.to_string());
    let ms = |us: f64| (us - start) / 1000.0;
    let caption = format!(
        "{label}: first {} ms from the first wait: {} waits, {futile} of {} wakeups futile \
         (whole run: {whole_run_futile} futile)",
        window_us / 1000.0,
        waits.len(),
        wakeups.len()
    );
    // A column left of 0 for the row labels, and empty rows below the workers for the legend,
    // so that neither hides an event.
    let window_ms = window_us / 1000.0;
    let label_column = -0.13 * window_ms;
    let legend_rows = (rows as f64 * 0.22).ceil();
    let mut chart = ChartBuilder::on(panel)
        .caption(caption, ("sans-serif", 15))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(20)
        .build_cartesian_2d(
            label_column..window_ms,
            (-legend_rows - 0.5)..(rows as f64 - 0.5),
        )?;
    let decimals = if window_ms < 1.0 { 2 } else { 0 };
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("ms from the first wait")
        .x_label_formatter(&|x| {
            if *x < -1e-9 {
                String::new()
            } else {
                format!("{x:.decimals$}")
            }
        })
        .y_labels(0)
        .y_desc("one row per worker, in spawn order")
        .label_style(("sans-serif", 12))
        .draw()?;
    // Only the first of each kind is named: a hundred labels would not be read. `main` has no
    // waits to draw, so its row stays blank.
    for (tid, name, _) in &trace.tracks {
        let label = match name.as_str() {
            "producer 0" => "producers",
            "consumer 0" => "consumers",
            _ => continue,
        };
        if let Some(row) = row_of(*tid) {
            let at = (label_column * 0.95, row + 0.5);
            chart.draw_series(std::iter::once(Text::new(label, at, ("sans-serif", 12))))?;
        }
    }
    let bars = waits.iter().map(|&(row, begin, finish, consumer)| {
        let colour = if consumer { CONSUMER } else { PRODUCER };
        Rectangle::new(
            [(ms(begin), row - 0.4), (ms(finish), row + 0.4)],
            colour.mix(0.55).filled(),
        )
    });
    chart
        .draw_series(bars)?
        .label("waiting put (producer) / get (consumer)")
        .legend(|(x, y)| Rectangle::new([(x, y - 4), (x + 10, y + 4)], PRODUCER.filled()));
    let woken = wakeups.iter().filter(|w| !w.2);
    chart
        .draw_series(woken.map(|&(row, at, _)| Circle::new((ms(at), row), 2, WOKEN.filled())))?
        .label("wakeup")
        .legend(|(x, y)| Circle::new((x + 5, y), 3, WOKEN.filled()));
    let futile_ones = wakeups.iter().filter(|w| w.2);
    // A futile wakeup is a small square: one SVG element, where a cross would take two.
    let square =
        |(x, y): (i32, i32)| Rectangle::new([(x - 2, y - 2), (x + 2, y + 2)], FUTILE.filled());
    chart
        .draw_series(
            futile_ones.map(|&(row, at, _)| EmptyElement::at((ms(at), row)) + square((0, 0))),
        )?
        .label("futile wakeup")
        .legend(move |(x, y)| square((x + 5, y)));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font(("sans-serif", 12))
        .draw()?;
    Ok(())
}
