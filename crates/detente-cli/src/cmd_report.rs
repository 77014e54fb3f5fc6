//! `detente report FILE -o report.html`: a self-contained HTML report (or `--format md`, a
//! Markdown summary) of every model's forecast, the package-bargaining solutions, the cost of
//! delay and the levers (scenarios with a `[time]` section), Monte Carlo bands and histograms of
//! the spatial forecasts, and sensitivity tornados. Every number comes from the model crates.

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;
use detente_analysis::{AnalysisConfig, AnalysisError, Step, analyze_observed, steps};
use detente_models::bargain::PackageConfig;
use detente_report::{ReportInput, html, markdown, plots};
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
    /// Grid step of the package-bargaining and delay models.
    #[arg(long, default_value_t = PackageConfig::default().step)]
    step: f64,
    /// Monte Carlo trials of the spatial forecasts (the scenario's own sd/range); 0 leaves the
    /// section out.
    #[arg(long, default_value_t = detente_sim::MonteCarloConfig::default().trials)]
    trials: u64,
    /// Master seed of the Monte Carlo and of the sensitivity regression.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Sensitivity of the spatial forecasts: regression trials after the tornado (0 = tornado
    /// only). The default matches `detente sensitivity`: about 15 draws per input on Istanbul.
    #[arg(long, default_value_t = detente_sim::sensitivity::SensitivityConfig::default().trials)]
    sensitivity_trials: u64,
    /// Leave the sensitivity section out.
    #[arg(long)]
    no_sensitivity: bool,
    /// Delay model: months to look ahead (default: the scenario's `[time] horizon`).
    #[arg(long)]
    months: Option<u32>,
    /// Trials of the settlement forecast and its lever table (scenarios whose `[time]` gives
    /// beliefs, audience costs or enforcement), as `detente delay --trials`. They take most of
    /// a report's time; fewer give a quicker draft with wider intervals.
    #[arg(long, default_value_t = detente_sim::settle::SettleConfig::default().trials)]
    settle_trials: u64,
    /// Also write each chart as a stand-alone SVG file into this folder (created if missing):
    /// EUM rounds per issue, the frontier, the delay chart, Monte Carlo bands, tornados. With
    /// `--plot` and no `--output` the report itself is not written.
    #[arg(long, value_name = "DIR")]
    plot: Option<PathBuf>,
}

/// Writes the report.
pub fn run(args: &ReportArgs, out: &mut dyn Write) -> Result<(), Failure> {
    if !(1..=crate::cmd_delay::MAX_TRIALS).contains(&args.settle_trials) {
        return Err(Failure::Input(Report::msg(format!(
            "--settle-trials {} is outside 1..={}\n  help: give the number of settlement trials, e.g. --settle-trials 1000",
            args.settle_trials,
            crate::cmd_delay::MAX_TRIALS
        ))));
    }
    let parsed = load_scenario(&args.file, false)?;
    let scenario = &parsed.scenario;
    let mut config = AnalysisConfig {
        package: PackageConfig {
            step: args.step,
            ..PackageConfig::default()
        },
        months: args.months,
        ..AnalysisConfig::default()
    };
    config.parts.montecarlo = args.trials > 0;
    config.parts.sensitivity = !args.no_sensitivity;
    config.montecarlo.trials = args.trials;
    config.montecarlo.seed = args.seed;
    config.sensitivity.trials = args.sensitivity_trials;
    config.sensitivity.seed = args.seed;
    config.settle.trials = args.settle_trials;
    let analysis = {
        let steps = steps(scenario, &config);
        // A report takes seconds (about 7 on Istanbul, 21 on a 100-actor table); say where it is.
        let status = crate::status::Status::new("report");
        analyze_observed(scenario, &config, &|step| {
            status.show(describe(&steps, step, &config));
        })
    };
    let mc = analysis.montecarlo.transpose().map_err(sim_error)?;
    let sens = analysis.sensitivity.transpose().map_err(sim_error)?;
    let bargain = analysis
        .packages
        .as_ref()
        .map(|r| r.as_ref().map_err(ToString::to_string));
    let file = args.file.display().to_string();
    let input = ReportInput {
        file: &file,
        scenario,
        forecast: &analysis.forecast,
        bargain: bargain.unwrap_or_else(|| Err("not run".to_owned())),
        delay: analysis
            .delay
            .as_ref()
            .map(|d| d.as_ref().map_err(ToString::to_string)),
        // As before the facade: a lever comparison that fails is left out of the report.
        levers: analysis.levers.as_ref().and_then(|l| l.as_ref().ok()),
        settlement: analysis
            .settlement
            .as_ref()
            .map(|r| r.as_ref().map_err(ToString::to_string)),
        settlement_levers: analysis
            .settlement_levers
            .as_ref()
            .and_then(|l| l.as_ref().ok()),
        montecarlo: mc.as_ref(),
        sensitivity: sens.as_ref(),
    };
    if let Some(dir) = &args.plot {
        write_plots(dir, &input)?;
        if args.output.is_none() {
            return Ok(());
        }
    }
    let text = match args.format {
        ReportFormat::Html => html(&input),
        ReportFormat::Md => markdown(&input),
    };
    crate::output::write_to(args.output.as_deref(), &text, out)?;
    Ok(())
}

/// What the status line says of `step`, one of `steps`, and its place among them.
fn describe(steps: &[Step], step: Step, config: &AnalysisConfig) -> String {
    let trials = match step {
        Step::Settlement | Step::SettlementLevers => Some(config.settle.trials),
        Step::MonteCarlo => Some(config.montecarlo.trials),
        Step::Sensitivity => Some(config.sensitivity.trials).filter(|&n| n > 0),
        _ => None,
    };
    let k = steps.iter().position(|&s| s == step).map_or(0, |i| i + 1);
    format!(
        "{} (step {k} of {})",
        crate::status::with_trials(step.describe(), trials),
        steps.len()
    )
}

fn sim_error(e: AnalysisError) -> Failure {
    Failure::Input(Report::msg(format!(
        "{e}\n  help: pass --trials 0 and --no-sensitivity to leave the uncertainty sections out"
    )))
}

/// Writes every chart of the report into `dir` as `NAME.svg`, creating `dir` when missing.
fn write_plots(dir: &std::path::Path, input: &ReportInput<'_>) -> Result<(), Failure> {
    let fail = |what: String| {
        Failure::Input(Report::msg(format!(
            "{what}\n  help: give --plot a folder you can write to"
        )))
    };
    std::fs::create_dir_all(dir)
        .map_err(|e| fail(format!("cannot create `{}`: {e}", dir.display())))?;
    let plots = plots(input);
    for p in &plots {
        let path = dir.join(&p.file);
        std::fs::write(&path, &p.svg)
            .map_err(|e| fail(format!("cannot write `{}`: {e}", path.display())))?;
    }
    eprintln!("wrote {} charts to {}", plots.len(), dir.display());
    Ok(())
}
