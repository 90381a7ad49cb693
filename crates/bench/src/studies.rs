//! The report's two side studies, each a small sweep over a few of the main sweep's cells:
//! the spawn-order ablation and the core-scaling runs.

use super::contender::Contender;
use super::cores::Cores;
use super::error::BenchError;
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
/// assert_eq!(ablation.rows.len(), 2 * 2 * 2, "2 cells x 2 contenders x 2 orders");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Studies {
    /// Our implementations and the Python references in the assignment's order and paired.
    pub ablation: Option<SweepResults>,
    /// The thread-based contenders and the multi-thread runtime on one core and on all.
    pub cores: Option<SweepResults>,
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
        [("spawn-order", &self.ablation), ("cores", &self.cores)]
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
        })
    }
}

/// Ours and the Python references, at the swept numProdsCons nearest 50 and its small
/// capacities, started in both orders and interleaved.
fn spawn_ablation(main: &Sweep) -> Option<Sweep> {
    let python = Contender::PYTHON.into_iter();
    let contenders = kept(main, OURS.into_iter().chain(python));
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

/// The thread-based contenders and the multi-thread runtime, with tasks as the control that
/// uses one thread anyway, on one core and on all, at the assignment's cell and at the
/// sweep's largest.
fn core_scaling(main: &Sweep) -> Option<Sweep> {
    let contenders = kept(main, OURS);
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
