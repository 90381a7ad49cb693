//! The report's side studies, each a small sweep over a few cells, interleaved like the main
//! sweep. Each is an intervention: it changes one thing (the spawn order, the queue's wake-up
//! rule, the cores, the GIL's switch interval, numProdsCons) and measures what moves.

use super::contender::Contender;
use super::cores::Cores;
use super::error::BenchError;
use super::per_op::{PerOp, measure_per_op};
use super::sweep::{Sweep, SweepResults, nearest};
use super::variant::Variant;
use prodcons::SpawnOrder;
use prodcons_peers::Implementation;

/// The side studies' results. Each is `None` when none of its contenders or cells were in the
/// main sweep.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return Ok(()); }
/// use prodcons_bench::{Studies, Sweep};
///
/// let sweep = Sweep {
///     prods_cons: vec![2],
///     capacities: vec![0, 1],
///     contenders: vec!["threads".parse()?, "tasks".parse()?],
///     runs: 1,
///     ..Sweep::quick()
/// };
/// let studies = Studies::run(&sweep)?;
/// let ablation = studies.ablation.unwrap();
/// assert_eq!(ablation.variants.len(), 2);
/// // tasks-handoff joins tasks there, as the intervention on its wake-up rule.
/// assert_eq!(ablation.rows.len(), 2 * 3 * 2, "2 cells x 3 contenders x 2 orders");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Studies {
    /// Our implementations and the Python references in the assignment's order and paired.
    pub ablation: Option<SweepResults>,
    /// Ours and the Python references on one core and on all.
    pub cores: Option<SweepResults>,
    /// Ours on threads and `tasks-mt`, on one core and on all, each idle and beside busy
    /// threads.
    pub load: Option<SweepResults>,
    /// `python-threads` at three GIL switch intervals.
    pub gil: Option<SweepResults>,
    /// numProdsCons from 50 to 500, with the steps the main sweep leaves out.
    pub growth: Option<SweepResults>,
    /// The cost of one put+get pair with no contention, ours and (with Python) CPython's.
    pub per_op: Vec<PerOp>,
    /// The pairs each repetition of `per_op` timed.
    pub per_op_pairs: u64,
    /// The repetitions of `per_op`.
    pub per_op_runs: usize,
}

/// The capacities the ablation looks at, where the main sweep has them.
const ABLATION_CAPACITIES: [usize; 4] = [0, 1, 10, 100];

/// The numProdsCons of the assignment's cell, which both studies centre on.
const FOCUS_PRODS_CONS: usize = 50;

impl Studies {
    /// The studies that ran, each with the name its rows carry in the data.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons_bench::Studies;
    ///
    /// assert_eq!(Studies::default().named().count(), 0);
    /// ```
    pub fn named(&self) -> impl Iterator<Item = (&'static str, &SweepResults)> {
        [
            ("spawn-order", &self.ablation),
            ("cores", &self.cores),
            ("load", &self.load),
            ("gil", &self.gil),
            ("growth", &self.growth),
        ]
        .into_iter()
        .filter_map(|(name, study)| Some((name, study.as_ref()?)))
    }

    /// Runs both studies on cells of `main`, with its runs, warm-ups and time guard.
    ///
    /// # Errors
    ///
    /// As [`Sweep::run`]: a wrong sum or a failed run.
    pub fn run(main: &Sweep) -> Result<Self, BenchError> {
        let run = |sweep: Option<Sweep>| sweep.map(|sweep| sweep.run()).transpose();
        Ok(Self {
            ablation: run(spawn_ablation(main))?,
            cores: run(core_scaling(main))?,
            load: run(busy_machine(main))?,
            gil: run(gil_switch_interval(main))?,
            growth: run(prods_cons_growth(main))?,
            per_op: measure_per_op(PER_OP_PAIRS, main.runs, has_python(main))?,
            per_op_pairs: PER_OP_PAIRS,
            per_op_runs: main.runs,
        })
    }
}

/// Ours and the Python references, at the swept numProdsCons nearest 50 and its small
/// capacities, started in both orders and interleaved.
fn spawn_ablation(main: &Sweep) -> Option<Sweep> {
    let python = Contender::PYTHON.into_iter();
    let mut contenders = kept(main, OURS.into_iter().chain(python));
    contenders.extend(interventions_on(main, &HAND_OFF));
    let capacities: Vec<usize> = ABLATION_CAPACITIES
        .into_iter()
        .filter(|capacity| main.capacities.contains(capacity))
        .collect();
    let variants = SpawnOrder::ALL
        .map(|spawn| Variant {
            spawn,
            ..Variant::default()
        })
        .to_vec();
    side_sweep(
        main,
        contenders,
        vec![nearest(&main.prods_cons, FOCUS_PRODS_CONS)?],
        capacities,
        variants,
    )
}

/// Ours and the Python references, with `tasks` as the control that uses one thread anyway,
/// on one core and on all, at the assignment's cell and at the sweep's largest.
fn core_scaling(main: &Sweep) -> Option<Sweep> {
    let contenders = kept(main, OURS.into_iter().chain(Contender::PYTHON));
    let focus = nearest(&main.prods_cons, FOCUS_PRODS_CONS)?;
    let largest = main.prods_cons.iter().copied().max()?;
    let mut prods_cons = vec![focus];
    if largest != focus {
        prods_cons.push(largest);
    }
    let capacities: Vec<usize> = [10, 0]
        .into_iter()
        .filter(|capacity| main.capacities.contains(capacity))
        .collect();
    let variants = [Cores::All, Cores::One]
        .map(|cores| Variant {
            cores,
            ..Variant::default()
        })
        .to_vec();
    side_sweep(main, contenders, prods_cons, capacities, variants)
}

/// How many busy threads the busy-machine study runs beside each run: as many as the project's
/// machine has cores, so that on all cores every core has one, and pinned to one core that core
/// has two.
const BUSY_THREADS: usize = 2;

/// `threads`, `crossbeam` and `tasks-mt` at the assignment's cell, on one core and on all,
/// each idle and with [`BUSY_THREADS`] busy threads beside every run: whether a waiter's
/// spinning and yielding cost where the other side cannot run, or where the core goes to a
/// thread that never blocks.
fn busy_machine(main: &Sweep) -> Option<Sweep> {
    let contenders = kept(main, [OURS[0], OURS[1], OURS[3]]);
    let focus = nearest(&main.prods_cons, FOCUS_PRODS_CONS)?;
    let capacities: Vec<usize> = [10]
        .into_iter()
        .filter(|capacity| main.capacities.contains(capacity))
        .collect();
    let variants = [Cores::All, Cores::One]
        .into_iter()
        .flat_map(|cores| {
            [0, BUSY_THREADS].map(|load| Variant {
                cores,
                load,
                ..Variant::default()
            })
        })
        .collect();
    side_sweep(main, contenders, vec![focus], capacities, variants)
}

/// `python-threads` with the GIL handed over every 0.5 ms, every 5 ms (the default) and every
/// 50 ms, on the assignment's cell and unbounded, and with four times the threads: how much of
/// its time is the GIL's hand-over.
fn gil_switch_interval(main: &Sweep) -> Option<Sweep> {
    let mut contenders = kept(main, [Contender::PYTHON[0]]);
    contenders.extend(interventions_on(main, &GIL));
    let focus = nearest(&main.prods_cons, FOCUS_PRODS_CONS)?;
    let mut prods_cons = vec![focus];
    if main.prods_cons.iter().any(|&p| p >= GIL_CROWD) {
        prods_cons.push(GIL_CROWD);
    }
    let capacities = [10, 0]
        .into_iter()
        .filter(|capacity| main.capacities.contains(capacity))
        .collect();
    side_sweep(
        main,
        contenders,
        prods_cons,
        capacities,
        vec![Variant::default()],
    )
}

/// Ours and the Python references as numProdsCons grows from 50 to 500 (as far as the main
/// sweep goes; not at all if that leaves fewer than three steps), at capacity 10 and
/// unbounded, with the main sweep's numIters: `python-threads`' time per item grows with
/// numProdsCons there, and at a fifth of the items it barely does, so the steps between are
/// measured at full length. To keep that affordable the study times at most three runs per
/// cell and lets a cell take three times the main sweep's guard.
fn prods_cons_growth(main: &Sweep) -> Option<Sweep> {
    let contenders = kept(
        main,
        [OURS[0], OURS[2]].into_iter().chain(Contender::PYTHON),
    );
    let capacities = [10, 0]
        .into_iter()
        .filter(|capacity| main.capacities.contains(capacity))
        .collect();
    let largest = main.prods_cons.iter().copied().max()?;
    let prods_cons: Vec<usize> = GROWTH_PRODS_CONS
        .into_iter()
        .filter(|&prods_cons| prods_cons <= largest)
        .collect();
    if prods_cons.len() < 3 {
        return None;
    }
    let sweep = side_sweep(
        main,
        contenders,
        prods_cons,
        capacities,
        vec![Variant::default()],
    )?;
    Some(Sweep {
        runs: main.runs.min(GROWTH_RUNS),
        max_cell: main.max_cell * 3,
        ..sweep
    })
}

/// Pairs per repetition of the per-operation study: tens of milliseconds in CPython, enough
/// to swamp the clock's own cost.
const PER_OP_PAIRS: u64 = 200_000;

fn has_python(main: &Sweep) -> bool {
    Contender::PYTHON
        .iter()
        .any(|python| main.contenders.contains(python))
}

/// The numProdsCons of the growth study: the main sweep's 50 to 500, with the steps between.
const GROWTH_PRODS_CONS: [usize; 6] = [50, 100, 200, 300, 400, 500];

/// The most timed runs the growth study takes per cell: its big cells take tens of seconds.
const GROWTH_RUNS: usize = 3;

/// The crowd the GIL study adds to the assignment's numProdsCons, where the growth study sees
/// `python-threads` slow down per item.
const GIL_CROWD: usize = 200;

/// The hand-off queues, each run where the contender it changes ran: the same pipeline with a
/// put that hands its item straight to a waiting getter, and a get that moves a waiting
/// putter's item in.
const HAND_OFF: [(&str, &str); 2] = [
    ("tasks", "tasks-handoff"),
    ("python-asyncio", "python-asyncio-handoff"),
];

/// `python-threads` with another GIL switch interval.
const GIL: [(&str, &str); 2] = [
    ("python-threads", "python-threads-switch-0.5ms"),
    ("python-threads", "python-threads-switch-50ms"),
];

/// The interventions whose base contender the main sweep ran.
fn interventions_on(main: &Sweep, pairs: &[(&str, &str)]) -> Vec<Contender> {
    pairs
        .iter()
        .filter(|(base, _)| {
            base.parse()
                .is_ok_and(|base: Contender| main.contenders.contains(&base))
        })
        .filter_map(|(_, intervention)| intervention.parse().ok())
        .collect()
}

/// Our four: the thread driver on both queues, and the task driver on both runtimes.
const OURS: [Contender; 4] = [
    Contender::Pipeline(Implementation::Threads),
    Contender::Pipeline(Implementation::Crossbeam),
    Contender::Pipeline(Implementation::Tasks),
    Contender::Pipeline(Implementation::TasksMt),
];

/// The `wanted` contenders that the main sweep ran, in the order given.
fn kept(main: &Sweep, wanted: impl IntoIterator<Item = Contender>) -> Vec<Contender> {
    wanted
        .into_iter()
        .filter(|contender| main.contenders.contains(contender))
        .collect()
}

fn side_sweep(
    main: &Sweep,
    contenders: Vec<Contender>,
    prods_cons: Vec<usize>,
    capacities: Vec<usize>,
    variants: Vec<Variant>,
) -> Option<Sweep> {
    if contenders.is_empty() || capacities.is_empty() {
        return None;
    }
    Some(Sweep {
        prods_cons,
        capacities,
        contenders,
        variants,
        ..main.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_intervention_names_a_contender() {
        for (base, intervention) in HAND_OFF.iter().chain(&GIL) {
            assert!(base.parse::<Contender>().is_ok(), "{base}");
            assert!(intervention.parse::<Contender>().is_ok(), "{intervention}");
        }
    }
}
