use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = dondoc::cli::Cli::parse();
    match dondoc::startup::runtime() {
        Ok(runtime) => runtime.block_on(dondoc::cli::run(cli)),
        Err(e) => {
            eprintln!("dondoc: could not start: {e}");
            ExitCode::FAILURE
        }
    }
}
