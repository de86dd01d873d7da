//! The `shiori` binary: parse the command line, set up logging, run, map errors to exit codes.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    // One TLS crypto provider for every client (serenity's, slack-morphism's), chosen here rather
    // than left to whichever features the dependency graph happens to enable.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cli = shiori::cli::Cli::parse();
    init_logging(&cli);
    // Buffered: `search --json` wrote one line per system call through the line-buffered stdout,
    // a tenth of the process's time. The console flushes after every reply itself.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let ran = shiori::cli::run(cli, &mut out);
    // What is still buffered is written here: a failure to (a full disk) is the command's error
    // unless the command had already failed.
    let flushed = out.flush().map_err(|e| anyhow::Error::new(e).context("writing the output"));
    let result = ran.and(flushed);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // `shiori sections | head` closes the pipe early: that is not an error worth reporting.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}", shiori::cli::report(&error));
            ExitCode::from(shiori::cli::exit_code(&error))
        }
    }
}

/// Logs go to stderr: `serve` at the config's level (info by default), other commands warnings
/// only, `SHIORI_LOG` overriding both; JSON lines when `[log] format = "json"`.
fn init_logging(cli: &shiori::cli::Cli) {
    let config = shiori::cli::log_config(cli);
    let default =
        if matches!(cli.command, shiori::cli::Commands::Serve) { config.level.as_str() } else { "warn" };
    let filter = EnvFilter::try_from_env("SHIORI_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder =
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi);
    match config.format {
        shiori::config::LogFormat::Json => builder.json().init(),
        shiori::config::LogFormat::Text => builder.init(),
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        let kind = match cause.downcast_ref::<std::io::Error>() {
            Some(e) => Some(e.kind()),
            None => cause.downcast_ref::<serde_json::Error>().and_then(serde_json::Error::io_error_kind),
        };
        kind == Some(std::io::ErrorKind::BrokenPipe)
    })
}
