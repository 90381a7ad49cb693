//! Other crates' channels as targets (the `conformance` feature).
pub(super) fn targets() -> Vec<Box<dyn super::Target>> {
    Vec::new()
}
