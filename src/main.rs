use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    dondoc::cli::run(dondoc::cli::Cli::parse()).await
}
