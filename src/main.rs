//! The `clerk` binary: parse arguments, run, exit with the outcome's code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // This executable can typeset in worker processes of itself.
    clerk::typeset::enable_workers();
    let cli = clerk::cli::Cli::parse();
    ExitCode::from(clerk::run(cli).exit_code())
}
