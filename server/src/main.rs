//! `castboard`: parse the command line, set up logging to stderr, run the command.

use castboard::cli::CliError;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match castboard::cli::parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err(e) => return fail(&e),
    };
    let filter = EnvFilter::try_new(&cli.log).unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match castboard::cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

/// Says why on one line, so scripts can show it as is; the exit code says what kind.
fn fail(e: &CliError) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "castboard: error: {e}");
    e.exit_code()
}
