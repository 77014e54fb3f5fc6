//! The `detente` command: validate, import, forecast and explain negotiation scenarios.
//!
//! Exit codes: 0 success (also when stdout is closed early, e.g. piped into `head`), 2 bad input
//! (unreadable file, invalid scenario, unknown issue or actor), 1 internal error. Errors go to
//! stderr through miette, never as a backtrace.

mod cli;
mod cmd_backtest;
mod cmd_bargain;
mod cmd_delay;
mod cmd_levers;
mod cmd_montecarlo;
mod cmd_negotiate;
mod cmd_report;
mod cmd_runs;
mod cmd_serve;
mod cmd_smp;
mod input;
mod output;
mod report;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

use crate::cli::Cli;

/// How a command failed, which decides the exit code.
#[derive(Debug)]
pub enum Failure {
    /// The user's input is wrong: exit code 2.
    Input(miette::Report),
    /// detente itself failed: exit code 1.
    Internal(miette::Report),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Internal(miette::Report::msg(format!("i/o error: {e}")))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    install_error_renderer();
    let mut stdout = io::stdout().lock();
    let result = cli::run(cli, &mut stdout).and_then(|()| stdout.flush().map_err(Failure::from));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Internal(report)) if is_broken_pipe(&report) => ExitCode::SUCCESS,
        Err(Failure::Input(report)) => {
            eprintln!("{report:?}");
            ExitCode::from(2)
        }
        Err(Failure::Internal(report)) => {
            eprintln!("{report:?}");
            ExitCode::from(1)
        }
    }
}

/// Renders a diagnostic (e.g. a warning) as plain text with its source snippet.
pub fn render(diagnostic: &dyn miette::Diagnostic) -> String {
    let mut text = String::new();
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(400)
            .with_context_lines(1);
    if handler.render_report(&mut text, diagnostic).is_err() {
        text = format!("{diagnostic}\n");
    }
    text
}

fn is_broken_pipe(report: &miette::Report) -> bool {
    report.to_string().contains("Broken pipe")
}

/// Renders errors with source snippets; plain (no colour, ASCII-safe theme) when stderr is not a
/// terminal, so logs and tests see stable text.
fn install_error_renderer() {
    use std::io::IsTerminal;
    let fancy = io::stderr().is_terminal();
    // A second installation can only fail if a hook is already set, which is harmless.
    let _ = miette::set_hook(Box::new(move |_| {
        let theme = if fancy {
            miette::GraphicalTheme::unicode()
        } else {
            miette::GraphicalTheme::unicode_nocolor()
        };
        // Wide lines when piped, so a message is never split across lines in logs.
        let width = if fancy { 100 } else { 400 };
        Box::new(
            miette::GraphicalReportHandler::new_themed(theme)
                .with_width(width)
                .with_context_lines(1),
        )
    }));
}
