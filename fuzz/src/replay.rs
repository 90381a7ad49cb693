//! Replays a checked-in fuzz corpus (`fuzz/corpus/<target>/`) on a stable toolchain: every
//! file is decoded exactly as `libfuzzer-sys`'s `fuzz_target!` decodes a typed input, and
//! skipped where that macro would reject it. The stable tests that replay the corpus include
//! this file with `#[path]`; the fuzz targets themselves do not need it.

use std::fs;
use std::path::{Path, PathBuf};

use arbitrary::{Arbitrary, Unstructured};

/// Every file of one target's corpus, sorted so that a failure names the same file each time.
fn corpus(target: &str) -> Vec<PathBuf> {
    // The workspace's fuzz/, found upward from whichever member's tests include this file.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("fuzz/corpus"))
        .find(|dir| dir.is_dir())
        .expect("fuzz/corpus above the manifest directory")
        .join(target);
    let entries =
        fs::read_dir(&dir).unwrap_or_else(|error| panic!("reading {}: {error}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.expect("a readable corpus entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// Decodes a fuzz input as `fuzz_target!(|input: T| ...)` does: too few bytes for the type's
/// size hint, or bytes that do not decode, are rejected without running the target.
fn decode<'a, T: Arbitrary<'a>>(bytes: &'a [u8]) -> Option<T> {
    if bytes.len() < T::size_hint(0).0 {
        return None;
    }
    T::arbitrary_take_rest(Unstructured::new(bytes)).ok()
}

/// Runs `check` on every decodable file of `target`'s corpus; returns how many it ran.
pub fn replay<T: for<'a> Arbitrary<'a> + std::fmt::Debug>(
    target: &str,
    check: impl Fn(T),
) -> usize {
    let mut replayed = 0;
    for path in corpus(target) {
        let bytes = fs::read(&path).expect("a readable corpus file");
        let Some(input) = decode::<T>(&bytes) else {
            continue;
        };
        eprintln!("{}: {input:?}", path.display());
        check(input);
        replayed += 1;
    }
    replayed
}
