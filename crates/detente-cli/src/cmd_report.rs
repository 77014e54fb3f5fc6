//! `detente report FILE -o report.html`: a self-contained HTML report (or `--format md`, a
//! Markdown summary) of every model's forecast, the package-bargaining solutions, the cost of
//! delay and the levers (scenarios with a `[time]` section), Monte Carlo bands and histograms of
//! the spatial forecasts, and sensitivity tornados. Every number comes from the model crates.

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;
use detente_models::bargain::{PackageConfig, SolveConfig, from_scenario, solve};
use detente_models::dynamics::{DynamicsConfig, delay, levers};
use detente_models::forecast::{ForecastConfig, forecast};
use detente_server::bargain_out::BargainOut;
use detente_server::plot::plots;
use detente_server::report::{ReportInput, html, markdown};
use detente_sim::sensitivity::{SensitivityConfig, sensitivity};
use detente_sim::{MonteCarloConfig, Target, montecarlo};
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
    #[arg(long, default_value_t = 5.0)]
    step: f64,
    /// Monte Carlo trials of the spatial forecasts (the scenario's own sd/range); 0 leaves the
    /// section out.
    #[arg(long, default_value_t = 1000)]
    trials: u64,
    /// Master seed of the Monte Carlo and of the sensitivity regression.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Sensitivity of the spatial forecasts: regression trials after the tornado (0 = tornado
    /// only). The default matches `detente sensitivity`: about 15 draws per input on Istanbul.
    #[arg(long, default_value_t = 2000)]
    sensitivity_trials: u64,
    /// Leave the sensitivity section out.
    #[arg(long)]
    no_sensitivity: bool,
    /// Delay model: months to look ahead (default: the scenario's `[time] horizon`).
    #[arg(long)]
    months: Option<u32>,
    /// Also write each chart as a stand-alone SVG file into this folder (created if missing):
    /// EUM rounds per issue, the frontier, the delay chart, Monte Carlo bands, tornados. With
    /// `--plot` and no `--output` the report itself is not written.
    #[arg(long, value_name = "DIR")]
    plot: Option<PathBuf>,
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
    // The delay model and the levers need the scenario's `[time]` section; without it they
    // would model defaults nobody chose, so the section is left out.
    let dynamics = DynamicsConfig {
        package: package.clone(),
        months: args.months,
        ..DynamicsConfig::default()
    };
    let delay_report = scenario
        .time
        .as_ref()
        .map(|_| delay(scenario, &dynamics).map_err(|e| e.to_string()));
    let levers_report = match &scenario.time {
        Some(time) if !time.levers.is_empty() => levers(scenario, &dynamics).ok(),
        _ => None,
    };
    // Monte Carlo and sensitivity of the spatial models only: package bargaining in every trial
    // would make a report take minutes (`detente montecarlo --model package` does that).
    let targets = [Target::Spatial(ForecastConfig::default())];
    let mc = if args.trials == 0 {
        None
    } else {
        let config = MonteCarloConfig {
            trials: args.trials,
            seed: args.seed,
            ..MonteCarloConfig::default()
        };
        Some(montecarlo(scenario, &targets, &config, &|_| {}).map_err(sim_error)?)
    };
    let sens = if args.no_sensitivity {
        None
    } else {
        let config = SensitivityConfig {
            trials: args.sensitivity_trials,
            seed: args.seed,
            ..SensitivityConfig::default()
        };
        Some(sensitivity(scenario, &targets, &config, &|_| {}).map_err(sim_error)?)
    };
    let file = args.file.display().to_string();
    let input = ReportInput {
        file: &file,
        scenario,
        forecast: &result,
        bargain: bargain.as_ref().map_err(Clone::clone),
        delay: delay_report
            .as_ref()
            .map(|d| d.as_ref().map_err(Clone::clone)),
        levers: levers_report.as_ref(),
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

fn sim_error(e: detente_sim::TargetError) -> Failure {
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
