//! The `wastetrail` binary: a thin main over the `wastetrail` library (see its crate docs).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    wastetrail::cli::run(wastetrail::cli::Cli::parse())
}
