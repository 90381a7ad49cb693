//! The `prodcons` command: runs the assignment's `pc` with the implementation you choose.

#![forbid(unsafe_code)]

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
