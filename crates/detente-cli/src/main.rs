//! The `detente` command: validate, import, forecast and explain negotiation scenarios.
//!
//! Exit codes: 0 success (also when stdout is closed early, e.g. piped into `head`), 2 bad input
//! (unreadable file, invalid scenario, unknown issue or actor), 1 internal error. Errors go to
//! stderr through miette, never as a backtrace.

/// Writes a line to stderr and ignores failure. It shadows `std::eprintln!` in every module of
/// this crate (a `macro_rules!` defined before the `mod` lines is in scope in all of them): the
/// standard macro panics when stderr is a closed pipe (`detente validate x 2>&1 | head` exited
/// 101, issue 16), and a message nobody can read is no reason to fail.
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod cli;
mod cmd_backtest;
mod cmd_bargain;
mod cmd_delay;
mod cmd_export;
mod cmd_levers;
mod cmd_merge;
mod cmd_montecarlo;
mod cmd_negotiate;
mod cmd_report;
mod cmd_runs;
mod cmd_serve;
mod cmd_smp;
mod input;
mod output;
mod report;
mod status;

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
    report.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            || e.to_string().contains("Broken pipe")
    })
}

/// miette's graphical renderer, except that a diagnostic with related diagnostics (a scenario
/// with several errors) is drawn as its own one-line summary followed by each related one in
/// full: the stock renderer prefixes each related one with an empty `Error:` header.
struct Renderer(miette::GraphicalReportHandler);

impl miette::ReportHandler for Renderer {
    fn debug(
        &self,
        diagnostic: &dyn miette::Diagnostic,
        f: &mut std::fmt::Formatter<'_>,
    ) -> std::fmt::Result {
        if f.alternate() {
            return std::fmt::Debug::fmt(diagnostic, f);
        }
        let Some(related) = diagnostic.related() else {
            return self.0.render_report(f, diagnostic);
        };
        self.0.render_report(f, &Unrelated(diagnostic))?;
        for rel in related {
            writeln!(f)?;
            self.0.render_report(f, rel)?;
        }
        Ok(())
    }
}

/// A diagnostic seen without its related diagnostics.
struct Unrelated<'a>(&'a dyn miette::Diagnostic);

impl std::fmt::Debug for Unrelated<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.0, f)
    }
}

impl std::fmt::Display for Unrelated<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self.0, f)
    }
}

impl std::error::Error for Unrelated<'_> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl miette::Diagnostic for Unrelated<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.0.code()
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.0.severity()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.0.help()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.0.source_code()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.0.labels()
    }
    fn diagnostic_source(&self) -> Option<&dyn miette::Diagnostic> {
        self.0.diagnostic_source()
    }
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
        Box::new(Renderer(
            miette::GraphicalReportHandler::new_themed(theme)
                .with_width(width)
                .with_context_lines(1),
        ))
    }));
}
