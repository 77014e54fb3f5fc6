//! Command-line arguments (clap) and the dispatch from each subcommand to the library.

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use detente_models::eum::{EumConfig, EumPreset};
use detente_models::forecast::{ForecastConfig, Model, forecast_issues};
use miette::Report;

use crate::Failure;
use crate::input::load_scenario;

use crate::{output, report};

/// Forecast multi-party negotiations from a scenario file.
#[derive(Debug, Parser)]
#[command(name = "detente", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Forecast every issue of a scenario with the spatial models.
    Forecast(ForecastArgs),
    /// Check a scenario file and list its errors and warnings.
    Validate {
        /// Scenario file (TOML or JSON).
        file: PathBuf,
        /// Treat warnings as errors (exit code 2).
        #[arg(long)]
        strict: bool,
    },
    /// Run one automated negotiation on a GENIUS or GeniusWeb domain folder or a scenario.
    Negotiate(crate::cmd_negotiate::NegotiateArgs),
    /// Run a negotiation tournament described by a TOML config.
    Tournament(crate::cmd_negotiate::TournamentArgs),
    /// Convert a Predictioneer's-table CSV, a KTAB CSV or a KTAB XML file into a scenario TOML.
    Import(ImportArgs),
    /// Score every model against the outcomes of the DEU data on EU legislative decisions.
    Backtest(crate::cmd_backtest::BacktestArgs),
    /// Package bargaining: the Pareto frontier, the Nash, Kalai-Smorodinsky, egalitarian and
    /// utilitarian packages, and the zone of agreement (a scenario, or a GENIUS or GeniusWeb domain folder).
    Bargain(crate::cmd_bargain::BargainArgs),
    /// Month by month: status-quo drift, the value of no deal, the Nash deal, each party's cost
    /// of delay, the ripeness month and the alternating-offers equilibrium.
    Delay(crate::cmd_delay::DelayArgs),
    /// The baseline against each lever and each pair of levers of the scenario's `[time]` section.
    Levers(crate::cmd_levers::LeversArgs),
    /// Monte Carlo forecasts: percentiles and histograms under the scenario's uncertainty.
    Montecarlo(crate::cmd_montecarlo::MonteCarloArgs),
    /// What-ifs per actor (drop, status quo, capability x0.5/x2) and how they move forecasts.
    Shocks(crate::cmd_montecarlo::ShocksArgs),
    /// Tornado tables and standardised regression coefficients per forecast.
    Sensitivity(crate::cmd_montecarlo::SensitivityArgs),
    /// List, show, compare and export stored runs.
    Runs(crate::cmd_runs::RunsArgs),
    /// Show, round by round, the EUM offers that moved one actor on one issue.
    Explain {
        /// Scenario file (TOML or JSON).
        file: PathBuf,
        /// Issue id.
        #[arg(long)]
        issue: String,
        /// Actor id.
        #[arg(long)]
        actor: String,
        #[command(flatten)]
        eum: EumArgs,
    },
    /// Serve the HTTP API and the dashboard (127.0.0.1 unless --bind; other addresses need a token).
    Serve(crate::cmd_serve::ServeArgs),
    /// Write a self-contained HTML report (or --format md) of a scenario's forecasts and deals.
    Report(crate::cmd_report::ReportArgs),
    /// KTAB's Spatial Model of Politics on a KTAB CSV or XML file or a scenario's space, turn by turn.
    Smp(crate::cmd_smp::SmpArgs),
    /// Merge the shard documents of one montecarlo, sensitivity or tournament run (each part
    /// written with `--shard I/N`) into the unsharded run's output, byte for byte.
    Merge(crate::cmd_merge::MergeArgs),
    /// Write a scenario's package space as a GENIUS (XML) or GeniusWeb (JSON) folder, for
    /// GENIUS, GeniusWeb or NegMAS agents.
    Export(crate::cmd_export::ExportArgs),
}

#[derive(Debug, clap::Args)]
struct EumArgs {
    /// Most EUM rounds to run (default: the preset's, 10 for scholz; at most 100,000).
    #[arg(long, value_parser = clap::value_parser!(u32).range(0..=100_000))]
    rounds: Option<u32>,
    /// EUM preset: `scholz` reproduces Scholz et al. (2011); `bdm` follows Bueno de Mesquita's
    /// published formulas.
    #[arg(long, value_enum, default_value_t = PresetArg::Scholz)]
    preset: PresetArg,
}

impl EumArgs {
    fn config(&self) -> (EumPreset, EumConfig) {
        let (preset, mut config) = match self.preset {
            PresetArg::Scholz => (EumPreset::Scholz, EumConfig::scholz()),
            PresetArg::Bdm => (EumPreset::Bdm, EumConfig::bdm()),
        };
        if let Some(rounds) = self.rounds {
            config.max_rounds = rounds as usize;
        }
        (preset, config)
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum PresetArg {
    Scholz,
    Bdm,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ModelArg {
    All,
    Compromise,
    Median,
    Nash,
    Eum,
    /// KTAB's Spatial Model of Politics, on each space jointly (not part of `all`)
    Smp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    Table,
    Json,
    Csv,
}

#[derive(Debug, clap::Args)]
struct ForecastArgs {
    /// Scenario file (TOML or JSON).
    file: PathBuf,
    /// Models to run; repeat or separate with commas.
    #[arg(long, short, value_enum, value_delimiter = ',', default_value = "all")]
    model: Vec<ModelArg>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = FormatArg::Table)]
    format: FormatArg,
    /// Only these issues (ids); repeat or separate with commas.
    #[arg(long, value_delimiter = ',')]
    issue: Vec<String>,
    /// Weights of the headline forecast: `learnt` (on the DEU backtest, see docs/backtest.md),
    /// `equal`, `none`, or your own, e.g. `compromise=0.6,eum=0.4` (models: status-quo, mean,
    /// compromise, median, nash, eum). Default: the scenario's `[scenario] headline`, else
    /// `learnt`.
    #[arg(long)]
    headline: Option<String>,
    #[command(flatten)]
    eum: EumArgs,
    #[command(flatten)]
    save: crate::cmd_runs::SaveArgs,
    #[command(flatten)]
    band: crate::cmd_montecarlo::BandArgs,
}

#[derive(Debug, clap::Args)]
struct ImportArgs {
    /// File to convert: a CSV (a Predictioneer-style actor table or a KTAB file) or a KTAB XML
    /// file (`.xml`, KTAB's smpSchema.xsd layout).
    file: PathBuf,
    /// Write the scenario here instead of to stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// How the CSV's salience column is scaled.
    #[arg(long, value_enum, default_value_t = SalienceArg::Auto)]
    salience: SalienceArg,
    /// Title for the scenario (default: from the file).
    #[arg(long)]
    title: Option<String>,
    /// Status quo of every issue, which neither source gives: `midpoint` of the scale, `median`
    /// (the positions' median weighted by capability times salience) or a value on the scale.
    #[arg(long, default_value = "midpoint", value_parser = parse_status_quo)]
    status_quo: detente_core::import::StatusQuo,
}

/// What an importer writes must pass the same checks as a hand-written file.
fn check_imported(args: &ImportArgs, name: &str, toml: &str) -> Result<(), Failure> {
    let check_name = args
        .output
        .as_ref()
        .map_or_else(|| "imported.toml".to_owned(), |p| p.display().to_string());
    match detente_core::parse(&check_name, toml) {
        Ok(_) => Ok(()),
        Err(e) => Err(Failure::Input(
            Report::new(e).wrap_err(format!("{name}: the imported scenario does not validate")),
        )),
    }
}

/// `detente import` of a KTAB XML file (`smpSchema.xsd`): its actors, dimensions, model
/// parameters, seed and ideal adjustment as a scenario with one space, status quo as
/// `--status-quo` says (KTAB has none).
fn import_ktab_xml(
    args: &ImportArgs,
    name: &str,
    text: &str,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    use detente_core::import::{status_quo, status_quo_warning};
    if args.title.is_some() || !matches!(args.salience, SalienceArg::Auto) {
        return Err(Failure::Input(Report::msg(format!(
            "{name}: --title and --salience apply to CSV files; a KTAB XML file names its scenario and gives saliences on 0..100\n  help: leave them out"
        ))));
    }
    let x = detente_models::smp::parse_ktab_xml(name, text)
        .map_err(|e| Failure::Input(Report::msg(e)))?;
    let mut status_quos = Vec::with_capacity(x.input.dimensions.len());
    for d in 0..x.input.dimensions.len() {
        let stances: Vec<(f64, f64)> = x
            .input
            .actors
            .iter()
            .map(|a| (a.position[d], a.salience[d] * a.capability))
            .collect();
        let Some(sq) = status_quo(args.status_quo, 0.0, 100.0, &stances) else {
            return Err(Failure::Input(Report::msg(format!(
                "{name}: --status-quo is off KTAB's scale [0, 100]\n  help: give a value from 0 to 100, or `midpoint` or `median`"
            ))));
        };
        status_quos.push(sq);
    }
    let file = detente_models::smp::to_scenario_file(
        &x.input,
        &x.config,
        x.has_parameters,
        x.seed,
        &|d| status_quos[d].clone(),
        name,
    );
    let toml = file.to_toml();
    check_imported(args, name, &toml)?;
    eprintln!(
        "note: read as a KTAB XML file with {} actors and {} dimension{}, one issue each, grouped as one space for `detente smp`{}",
        x.input.actors.len(),
        x.input.dimensions.len(),
        if x.input.dimensions.len() == 1 {
            ""
        } else {
            "s"
        },
        if x.has_parameters {
            "; its model parameters are kept in the space's `smp` table"
        } else {
            ""
        }
    );
    eprintln!("warning: {}", status_quo_warning(args.status_quo));
    crate::output::write_to(args.output.as_deref(), &toml, out)?;
    Ok(())
}

/// `--status-quo`: `midpoint`, `median` or a number.
fn parse_status_quo(text: &str) -> Result<detente_core::import::StatusQuo, String> {
    use detente_core::import::StatusQuo;
    match text {
        "midpoint" => Ok(StatusQuo::Midpoint),
        "median" => Ok(StatusQuo::WeightedMedian),
        other => other
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .map(StatusQuo::At)
            .ok_or_else(|| {
                format!("`{other}` is not `midpoint`, `median` or a number on the scale")
            }),
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SalienceArg {
    /// 0..1 if every value is at most 1, 0..100 if some value is above 1.
    Auto,
    /// Saliences are on 0..1.
    Unit,
    /// Saliences are on 0..100.
    Percent,
}

/// Runs the parsed command, writing results to `out`.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<(), Failure> {
    match cli.command {
        Command::Forecast(args) => run_forecast(&args, out),
        Command::Validate { file, strict } => run_validate(&file, strict, out),
        Command::Import(args) => run_import(&args, out),
        Command::Backtest(args) => crate::cmd_backtest::run(&args, out),
        Command::Bargain(args) => crate::cmd_bargain::run(&args, out),
        Command::Delay(args) => crate::cmd_delay::run(&args, out),
        Command::Levers(args) => crate::cmd_levers::run(&args, out),
        Command::Negotiate(args) => crate::cmd_negotiate::run_negotiate(&args, out),
        Command::Tournament(args) => crate::cmd_negotiate::run_tournament(&args, out),
        Command::Montecarlo(args) => crate::cmd_montecarlo::run_montecarlo(&args, out),
        Command::Shocks(args) => crate::cmd_montecarlo::run_shocks(&args, out),
        Command::Sensitivity(args) => crate::cmd_montecarlo::run_sensitivity(&args, out),
        Command::Runs(args) => crate::cmd_runs::run_runs(&args, out),
        Command::Serve(args) => crate::cmd_serve::run(&args, out),
        Command::Report(args) => crate::cmd_report::run(&args, out),
        Command::Smp(args) => crate::cmd_smp::run_smp(&args, out),
        Command::Merge(args) => crate::cmd_merge::run(&args, out),
        Command::Export(args) => crate::cmd_export::run(&args, out),
        Command::Explain {
            file,
            issue,
            actor,
            eum,
        } => {
            let parsed = load_scenario(&file, true)?;
            let scenario = &parsed.scenario;
            let issue = find_issue(scenario, &issue)?;
            let Some(actor_index) = scenario.actor_index(&actor) else {
                return Err(unknown(
                    "actor",
                    &actor,
                    scenario.actors.iter().map(|a| a.id.as_str()),
                ));
            };
            if issue.position_of(actor_index).is_none() {
                return Err(Failure::Input(Report::msg(format!(
                    "actor `{actor}` takes no position on issue `{}`\n  help: pick an actor with a position there: {}",
                    issue.id,
                    issue
                        .positions
                        .iter()
                        .map(|p| scenario
                            .actors
                            .get(p.actor.0)
                            .map_or("?", |a| a.id.as_str()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))));
            }
            let (preset, config) = eum.config();
            let config = ForecastConfig {
                models: vec![Model::Eum],
                eum_preset: preset,
                eum: config,
                ..ForecastConfig::default()
            };
            let result = detente_models::forecast::forecast_issue(scenario, issue, &config);
            report::explain(out, scenario, issue, &actor, &result)?;
            Ok(())
        }
    }
}

/// Refuses `--parties` lists that name an actor twice or an actor the scenario does not have,
/// listing the valid ids (issue 16: `--parties russia,russia` was accepted, an unknown id was
/// reported without the choices).
pub fn check_parties(scenario: &detente_core::Scenario, parties: &[String]) -> Result<(), Failure> {
    for (k, id) in parties.iter().enumerate() {
        if scenario.actor_index(id).is_none() {
            return Err(unknown(
                "actor",
                id,
                scenario.actors.iter().map(|a| a.id.as_str()),
            ));
        }
        if parties[..k].contains(id) {
            return Err(Failure::Input(Report::msg(format!(
                "--parties names `{id}` twice
  help: name each bargaining party once, e.g. --parties {}",
                scenario
                    .actors
                    .iter()
                    .take(2)
                    .map(|a| a.id.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            ))));
        }
    }
    Ok(())
}

fn unknown<'a>(what: &str, id: &str, known: impl Iterator<Item = &'a str>) -> Failure {
    let known: Vec<&str> = known.collect();
    Failure::Input(Report::msg(format!(
        "unknown {what} `{id}`\n  help: the scenario's {what} ids are: {}",
        known.join(", ")
    )))
}

fn find_issue<'a>(
    scenario: &'a detente_core::Scenario,
    id: &str,
) -> Result<&'a detente_core::Issue, Failure> {
    scenario
        .issue(id)
        .ok_or_else(|| unknown("issue", id, scenario.issues.iter().map(|i| i.id.as_str())))
}

fn run_forecast(args: &ForecastArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let parsed = load_scenario(&args.file, args.format != FormatArg::Table)?;
    let mut scenario = parsed.scenario;
    // The forecast runs on the full scenario (a space is whole only there); the selection is
    // what the table shows and the band runs on.
    let full = scenario.clone();
    if !args.issue.is_empty() {
        for id in &args.issue {
            find_issue(&scenario, id)?;
        }
        scenario.retain_issues(|i| args.issue.contains(&i.id));
    }
    let models = if args.model.contains(&ModelArg::All) {
        Model::ALL.to_vec()
    } else {
        let mut m: Vec<Model> = args
            .model
            .iter()
            .filter_map(|m| match m {
                ModelArg::All => None,
                ModelArg::Compromise => Some(Model::Compromise),
                ModelArg::Median => Some(Model::Median),
                ModelArg::Nash => Some(Model::Nash),
                ModelArg::Eum => Some(Model::Eum),
                ModelArg::Smp => Some(Model::Smp),
            })
            .collect();
        m.sort();
        m.dedup();
        m
    };
    let (preset, eum) = args.eum.config();
    let defaults = ForecastConfig::default();
    let headline = match args.headline.as_deref().map(str::trim) {
        None => defaults.headline.clone(),
        Some("none") => None,
        Some(text) => Some(
            detente_models::headline::Preset::parse(text)
                .map_err(|e| Failure::Input(Report::msg(format!("--headline: {e}"))))?,
        ),
    };
    let config = ForecastConfig {
        models,
        eum_preset: preset,
        eum,
        headline,
        // The user's --headline wins over the scenario's own weights.
        headline_from_scenario: args.headline.is_none(),
        ..defaults
    };
    let started = crate::cmd_runs::now_ms();
    let result = forecast_issues(&full, &args.issue, &config);
    let band = crate::cmd_montecarlo::forecast_band(&args.band, &scenario, &config)?;
    match (args.format, &band) {
        (FormatArg::Table, _) => {
            report::table(
                out,
                &scenario,
                &args.file,
                &config,
                &result,
                &parsed.warnings,
            )?;
            if let Some(band) = &band {
                crate::cmd_montecarlo::band_table(out, band)?;
            }
        }
        (FormatArg::Json, None) => output::json(out, &result)?,
        (FormatArg::Json, Some(band)) => {
            crate::cmd_montecarlo::forecast_json_with_band(out, &result, band)?;
        }
        (FormatArg::Csv, _) => output::csv(out, &result, band.as_ref())?,
    }
    if args.save.save {
        crate::cmd_runs::save_forecast(&args.save, &args.file, &config, &result, started)?;
    }
    Ok(())
}

fn run_validate(file: &std::path::Path, strict: bool, out: &mut dyn Write) -> Result<(), Failure> {
    let parsed = load_scenario(file, true)?;
    let s = &parsed.scenario;
    let positions: usize = s.issues.iter().map(|i| i.positions.len()).sum();
    let (shown, more) = crate::input::shown_warnings(&parsed.warnings);
    for warning in shown {
        write!(out, "{}", crate::render(warning))?;
    }
    if let Some(line) = more {
        writeln!(out, "{line}")?;
    }
    writeln!(
        out,
        "{}: valid scenario \"{}\": {} actors, {} issues, {} positions, {} warning{}",
        file.display(),
        s.meta.title,
        s.actors.len(),
        s.issues.len(),
        positions,
        parsed.warnings.len(),
        if parsed.warnings.len() == 1 { "" } else { "s" }
    )?;
    if strict && !parsed.warnings.is_empty() {
        return Err(Failure::Input(Report::msg(format!(
            "{}: {} warning(s) and --strict was given\n  help: fix the warnings above or drop --strict",
            file.display(),
            parsed.warnings.len()
        ))));
    }
    Ok(())
}

fn run_import(args: &ImportArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let text = crate::input::read_text(&args.file)?;
    let name = args.file.display().to_string();
    let xml = args
        .file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xml"));
    if xml {
        return import_ktab_xml(args, &name, &text, out);
    }
    let options = detente_core::import::ImportOptions {
        salience_scale: match args.salience {
            SalienceArg::Auto => detente_core::import::SalienceScale::Auto,
            SalienceArg::Unit => detente_core::import::SalienceScale::Unit,
            SalienceArg::Percent => detente_core::import::SalienceScale::Percent,
        },
        title: args.title.clone(),
        scale: None,
        status_quo: args.status_quo,
    };
    let imported = detente_core::import::import(&name, &text, &options)
        .map_err(|e| Failure::Input(Report::new(e)))?;
    let toml = imported.file.to_toml();
    check_imported(args, &name, &toml)?;
    for note in &imported.notes {
        eprintln!("note: {note}");
    }
    for warning in &imported.warnings {
        eprintln!("warning: {warning}");
    }
    crate::output::write_to(args.output.as_deref(), &toml, out)?;
    Ok(())
}
