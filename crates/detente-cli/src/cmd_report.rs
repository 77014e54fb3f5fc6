//! `detente report FILE -o report.html`: a self-contained HTML report (or `--format md`, a
//! Markdown summary) of every model's forecast and of the package-bargaining solutions.

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;
use detente_models::bargain::{PackageConfig, SolveConfig, from_scenario, solve};
use detente_models::forecast::{ForecastConfig, forecast};
use detente_server::bargain_out::BargainOut;
use detente_server::report::{ReportInput, html, markdown};
use miette::Report;

use crate::Failure;
use crate::input::load_scenario;

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// One HTML file with inline CSS, scripts and charts; no network needed to view it.
    Html,
    /// A plain Markdown summary.
    Md,
}

/// Arguments of `detente report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Scenario file (TOML or JSON).
    file: PathBuf,
    /// Write the report here instead of to stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Report format.
    #[arg(long, short, value_enum, default_value_t = ReportFormat::Html)]
    format: ReportFormat,
    /// Grid step of the package-bargaining model.
    #[arg(long, default_value_t = 5.0)]
    step: f64,
}

/// Writes the report.
pub fn run(args: &ReportArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let parsed = load_scenario(&args.file, false)?;
    let scenario = &parsed.scenario;
    let result = forecast(scenario, &ForecastConfig::default());
    let package = PackageConfig {
        step: args.step,
        ..PackageConfig::default()
    };
    let bargain = from_scenario(scenario, &package)
        .and_then(|problem| {
            solve(&problem, &SolveConfig::default())
                .map(|s| BargainOut::new(&scenario.meta.title, &package, &problem, &s))
        })
        .map_err(|e| e.to_string());
    let file = args.file.display().to_string();
    let input = ReportInput {
        file: &file,
        scenario,
        forecast: &result,
        bargain: bargain.as_ref().map_err(Clone::clone),
    };
    let text = match args.format {
        ReportFormat::Html => html(&input),
        ReportFormat::Md => markdown(&input),
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| {
                Failure::Input(Report::msg(format!(
                    "cannot write `{}`: {e}\n  help: check that the folder exists and is writable",
                    path.display()
                )))
            })?;
            eprintln!("wrote {}", path.display());
        }
        None => out.write_all(text.as_bytes())?,
    }
    Ok(())
}
