//! The `poort` binary: parse the command line, run the command.

use clap::Parser as _;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = poort::cli::Cli::parse();
    match poort::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("poort: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
