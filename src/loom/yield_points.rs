//! Random yields at the shim's points: a build with `RUSTFLAGS="--cfg prodcons_yield_points"`,
//! for stress runs only.
//!
//! Plain stress runs the real queue code on real threads, but the OS decides where a thread
//! loses its core, and it almost never does so between two instructions a few nanoseconds
//! apart: a bug whose window is an unlock followed at once by a relock, or a read of a hint
//! followed by a lock, is found only by luck. Here every point where the queues touch shared
//! state through the shim (before and after each lock acquisition and release, each condvar
//! wait and before each notify, before and after each atomic load or store of the backoff's
//! hint and gauge) may yield the thread's core or spin for a short random while, so that
//! another thread runs exactly there. loom explores such points exhaustively on small models;
//! this explores them at random, at the sizes of the checker's scenarios and the pipelines, and
//! on the code loom never sees (the blocking queue's spin phase is compiled out under loom).
//!
//! What happens at a point is drawn from a per-thread xorshift generator: a quarter of the
//! points yield (`std::thread::yield_now`), a quarter spin 0 to 255 times, the rest do nothing.
//! Each thread's generator is seeded from `PRODCONS_YIELD_SEED` (a number; 0 if unset) and the
//! order in which threads first reach a point, so a run is repeatable in what each thread
//! draws, though not in how the OS interleaves the draws. `PRODCONS_YIELD_SEED=off` turns the
//! points off in a build that has them, so that one binary can run both modes.
//!
//! Without the flag none of this is compiled: the shim's types are the backends' own, and the
//! default build's code is what it was. Under loom the flag does nothing; loom places its own
//! preemptions.

use std::cell::Cell;
use std::ops::{Deref, DerefMut};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// The environment variable that seeds the points, or turns them off with `off`.
const SEED_VARIABLE: &str = "PRODCONS_YIELD_SEED";

/// The run's seed, read once per process; `None` when the points are off.
fn base_seed() -> Option<u64> {
    static SEED: OnceLock<Option<u64>> = OnceLock::new();
    *SEED.get_or_init(|| match std::env::var(SEED_VARIABLE) {
        Err(_) => Some(0),
        Ok(text) => parse_seed(&text),
    })
}

/// A number seeds; `off` turns the points off; any other text seeds by its bytes, so that a
/// typo still gives a repeatable run rather than a panic in a stress harness.
fn parse_seed(text: &str) -> Option<u64> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("off") {
        return None;
    }
    Some(text.parse().unwrap_or_else(|_| {
        // FNV-1a.
        text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        })
    }))
}

/// splitmix64's finalizer: spreads a seed and a thread's ordinal over all 64 bits.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

std::thread_local! {
    /// This thread's xorshift state; 0 until its first point.
    static STATE: Cell<u64> = const { Cell::new(0) };
}

/// Threads seeded so far: the next one's ordinal.
static THREADS: AtomicU64 = AtomicU64::new(0);

/// This thread's next draw.
fn draw(seed: u64) -> u64 {
    STATE.with(|state| {
        let mut x = state.get();
        if x == 0 {
            let ordinal = THREADS.fetch_add(1, Ordering::Relaxed);
            // `| 1`: xorshift's state must never be zero.
            x = mix(seed ^ mix(ordinal)) | 1;
        }
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        state.set(x);
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    })
}

/// One point: maybe yield, maybe spin a little, usually nothing.
pub(crate) fn point() {
    let Some(seed) = base_seed() else {
        return;
    };
    let draw = draw(seed);
    match draw >> 62 {
        0 => std::thread::yield_now(),
        1 => {
            for _ in 0..(draw & 0xff) {
                std::hint::spin_loop();
            }
        }
        _ => {}
    }
}

/// Runs `f` between two points.
pub(crate) fn around<R>(f: impl FnOnce() -> R) -> R {
    point();
    let result = f();
    point();
    result
}

/// A lock guard with a point before and after its release, as its acquisition has.
///
/// The backend's guard sits in an `Option` only so that `drop` can release it before the
/// point that follows the release; it is `Some` from [`Guard::acquire`] until then.
#[derive(Debug)]
pub(crate) struct Guard<G>(Option<G>);

const HELD: &str = "a lock guard is held from its acquisition until it is dropped";

impl<G> Guard<G> {
    /// Acquires with `lock`, between two points.
    pub(crate) fn acquire(lock: impl FnOnce() -> G) -> Self {
        Self(Some(around(lock)))
    }

    /// The backend's guard, for its condition variable.
    pub(crate) fn inner_mut(&mut self) -> &mut G {
        self.0.as_mut().expect(HELD)
    }
}

impl<G: Deref> Deref for Guard<G> {
    type Target = G::Target;

    fn deref(&self) -> &G::Target {
        self.0.as_deref().expect(HELD)
    }
}

impl<G: DerefMut> DerefMut for Guard<G> {
    fn deref_mut(&mut self) -> &mut G::Target {
        self.0.as_deref_mut().expect(HELD)
    }
}

impl<G> Drop for Guard<G> {
    fn drop(&mut self) {
        point();
        drop(self.0.take());
        point();
    }
}

/// std's atomics, with the two the backoff uses wrapped so that their loads and stores are
/// points too.
pub(crate) mod atomic {
    #[allow(unused_imports)]
    // The whole family, as `std::sync::atomic`; two are wrapped below.
    pub(crate) use std::sync::atomic::*;

    use super::around;

    macro_rules! atomic_with_points {
        ($name:ident, $int:ty) => {
            #[doc = concat!("`std::sync::atomic::", stringify!($name), "`, whose loads and stores are points.")]
            #[derive(Debug, Default)]
            pub(crate) struct $name(std::sync::atomic::$name);

            impl $name {
                // The gauge starts from `new`, the length hint from `Default`.
                #[allow(dead_code)]
                pub(crate) const fn new(value: $int) -> Self {
                    Self(std::sync::atomic::$name::new(value))
                }

                pub(crate) fn load(&self, order: Ordering) -> $int {
                    around(|| self.0.load(order))
                }

                pub(crate) fn store(&self, value: $int, order: Ordering) {
                    around(|| self.0.store(value, order))
                }
            }
        };
    }

    atomic_with_points!(AtomicU32, u32);
    atomic_with_points!(AtomicUsize, usize);
}

#[cfg(test)]
mod tests {
    use super::{draw, mix, parse_seed};

    #[test]
    fn a_seed_is_a_number_or_off_and_anything_else_still_seeds() {
        assert_eq!(parse_seed("42"), Some(42));
        assert_eq!(parse_seed(" 7\n"), Some(7));
        assert_eq!(parse_seed("off"), None);
        assert_eq!(parse_seed("OFF"), None);
        assert_eq!(parse_seed("seven"), parse_seed("seven"));
        assert_ne!(parse_seed("seven"), parse_seed("eight"));
    }

    #[test]
    fn threads_draw_different_streams_and_each_stream_varies() {
        assert_ne!(mix(0), mix(1));
        let draws = |seed| {
            std::thread::spawn(move || (0..64).map(|_| draw(seed)).collect::<Vec<_>>())
                .join()
                .unwrap()
        };
        let (first, second) = (draws(5), draws(5));
        assert_ne!(first, second, "two threads, two ordinals, two streams");
        // All four outcomes of a point come up within 64 draws.
        for outcome in 0..4 {
            assert!(first.iter().any(|draw| draw >> 62 == outcome), "{outcome}");
        }
    }
}
