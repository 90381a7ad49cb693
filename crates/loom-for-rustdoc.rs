//! The build script of the tools crates that are empty in a loom build (peers, bench, cli).
//!
//! `RUSTFLAGS="--cfg loom"` reaches rustc but never rustdoc, so while `cargo test` collects
//! their doctests, rustdoc would see the whole crate, without the dependencies a loom build
//! leaves out. A build script's `rustc-cfg` reaches both: re-emitting `loom` here makes rustdoc
//! see the same empty crate that rustc built, and collect no doctests from it.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(loom)");
    if std::env::var_os("CARGO_CFG_LOOM").is_some() {
        println!("cargo::rustc-cfg=loom");
    }
}
