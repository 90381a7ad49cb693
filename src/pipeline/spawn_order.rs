//! The order in which `pc` starts its workers: the assignment's, or a named faster variant.

use std::fmt;
use std::str::FromStr;

use super::error::Role;

/// The order in which a run starts its producers and consumers.
///
/// The assignment starts every producer, then every consumer, and that is the default
/// everywhere: in `prodcons run`, in `prodcons bench` and in the report. What the assignment's
/// questions ask about comes from that order. At capacity 0 the buffer can hold every item at
/// once, and at a small capacity every producer may be parked before any consumer exists.
/// [`Paired`](Self::Paired) starts each producer together with its consumer. It is a named
/// variant that the report measures as an ablation, never the default.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// use prodcons::{Role, SpawnOrder};
///
/// assert_eq!(SpawnOrder::default(), SpawnOrder::ProducersFirst);
/// let order: Vec<_> = SpawnOrder::Paired.sequence(2).collect();
/// assert_eq!(order, [(Role::Producer, 0), (Role::Consumer, 0), (Role::Producer, 1), (Role::Consumer, 1)]);
/// assert_eq!("paired".parse::<SpawnOrder>(), Ok(SpawnOrder::Paired));
/// assert!("random".parse::<SpawnOrder>().is_err());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SpawnOrder {
    /// The assignment's order: producers 0, 1, …, then consumers 0, 1, ….
    #[default]
    ProducersFirst,
    /// Producer 0, consumer 0, producer 1, consumer 1, ….
    Paired,
}

impl SpawnOrder {
    /// Both orders, the default first.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// assert_eq!(prodcons::SpawnOrder::ALL[0], prodcons::SpawnOrder::default());
    /// ```
    pub const ALL: [Self; 2] = [Self::ProducersFirst, Self::Paired];

    /// The name the command line uses (`--spawn NAME`).
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// assert_eq!(prodcons::SpawnOrder::ProducersFirst.name(), "producers-first");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Self::ProducersFirst => "producers-first",
            Self::Paired => "paired",
        }
    }

    /// The workers of a run with `count` producers and `count` consumers, in the order they
    /// are started.
    ///
    /// ```
    /// # if prodcons::BUILT_WITH_LOOM { return; }
    /// use prodcons::{Role, SpawnOrder};
    ///
    /// let order: Vec<_> = SpawnOrder::ProducersFirst.sequence(2).collect();
    /// assert_eq!(order, [(Role::Producer, 0), (Role::Producer, 1), (Role::Consumer, 0), (Role::Consumer, 1)]);
    /// assert_eq!(SpawnOrder::Paired.sequence(0).count(), 0);
    /// ```
    pub fn sequence(self, count: usize) -> impl Iterator<Item = (Role, usize)> {
        let (producers_first, paired) = match self {
            Self::ProducersFirst => (Some(producers_then_consumers(count)), None),
            Self::Paired => (None, Some(pairs(count))),
        };
        producers_first
            .into_iter()
            .flatten()
            .chain(paired.into_iter().flatten())
    }
}

fn producers_then_consumers(count: usize) -> impl Iterator<Item = (Role, usize)> {
    let producers = (0..count).map(|index| (Role::Producer, index));
    producers.chain((0..count).map(|index| (Role::Consumer, index)))
}

fn pairs(count: usize) -> impl Iterator<Item = (Role, usize)> {
    (0..count).flat_map(|index| [(Role::Producer, index), (Role::Consumer, index)])
}

impl fmt::Display for SpawnOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The name given to [`SpawnOrder::from_str`] is neither `producers-first` nor `paired`.
///
/// ```
/// # if prodcons::BUILT_WITH_LOOM { return; }
/// let error = "random".parse::<prodcons::SpawnOrder>().unwrap_err();
/// assert_eq!(error.to_string(), "unknown spawn order \"random\"; expected producers-first or paired");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown spawn order {0:?}; expected producers-first or paired")]
pub struct UnknownSpawnOrder(pub String);

impl FromStr for SpawnOrder {
    type Err = UnknownSpawnOrder;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|order| order.name() == name)
            .ok_or_else(|| UnknownSpawnOrder(name.to_owned()))
    }
}
