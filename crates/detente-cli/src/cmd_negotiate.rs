//! `detente negotiate` and `detente tournament`: automated negotiation between software
//! negotiators on a GENIUS or GeniusWeb domain folder or a detente scenario, and tournaments from
//! a TOML file.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use detente_models::bargain::{PackageConfig, genius_full};
use detente_negotiation::load::{Table, genius_table_with, geniusweb_table, scenario_table};
use detente_negotiation::session::{NegotiationReport, TournamentFile, negotiate};
use detente_negotiation::tournament;
use detente_negotiation::{AgentSpec, NegotiationError};
use miette::Report;

use crate::Failure;
use crate::input::{load_scenario, read_text};

/// Output formats of the two commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NegotiateFormat {
    /// Human-readable text.
    Table,
    /// JSON.
    Json,
    /// CSV (tournament records).
    Csv,
}

/// Arguments of `detente negotiate`.
#[derive(Debug, clap::Args)]
pub struct NegotiateArgs {
    /// A GENIUS domain folder (domain and profile XML files), a GeniusWeb one (domain and profile
    /// JSON files) or a scenario file (TOML/JSON).
    path: PathBuf,
    /// Negotiators in join order, one per profile/party: boulware, linear, conceder,
    /// hardheaded, aspiration:E, naive-tft, nice-tft, micro, random, random:P.
    #[arg(long, value_delimiter = ',', default_value = "boulware,conceder", conflicts_with_all = ["a", "b"])]
    agents: Vec<String>,
    /// Two-party shorthand: the first party's negotiator (with `--b`), as in `--a boulware --b conceder`.
    #[arg(long, requires = "b")]
    a: Option<String>,
    /// Two-party shorthand: the second party's negotiator (with `--a`).
    #[arg(long, requires = "a")]
    b: Option<String>,
    /// Deadline in rounds (1 to 1,000,000).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    rounds: u32,
    /// Print every action.
    #[arg(long)]
    trace: bool,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = NegotiateFormat::Table)]
    format: NegotiateFormat,
    /// Seed for random negotiators.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Scenarios only: grid step on each issue's scale.
    #[arg(long, default_value_t = 25.0)]
    step: f64,
    /// Scenarios only: the bargaining parties (actor ids; default the principals).
    #[arg(long, value_delimiter = ',')]
    parties: Vec<String>,
    /// GENIUS folders only: grid points per real issue, both bounds included (2 to 1,001).
    #[arg(long, default_value_t = 11, value_parser = clap::value_parser!(u32).range(2..=1001))]
    real_points: u32,
    /// Whose semantics the time-based negotiators follow: `genius` (detente's default: GENIUS
    /// utilities, each issue's evaluations divided by its largest) or `negmas` (NegMAS 0.16:
    /// raw GENIUS evaluations, and Boulware, Linear and Conceder choose and accept as
    /// NegMAS's BoulwareTBNegotiator, LinearTBNegotiator and ConcederTBNegotiator do).
    #[arg(long, value_enum, default_value_t = Preset::Genius)]
    preset: Preset,
}

/// `negotiate --preset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Preset {
    /// GENIUS semantics (the default).
    Genius,
    /// NegMAS 0.16 semantics, to reproduce a NegMAS study.
    Negmas,
}

/// Arguments of `detente tournament`.
#[derive(Debug, clap::Args)]
pub struct TournamentArgs {
    /// Tournament config (TOML): `domains` (folders or scenario files, relative to the config),
    /// `agents`, and optionally `rounds`, `repetitions`, `self_play`, `seed`, `step`,
    /// `real_points` and `preset` (`genius` or `negmas`, as `negotiate --preset`).
    config: PathBuf,
    /// Output format: a ranking table, JSON (records and ranking) or CSV (one row per
    /// negotiation and seat).
    #[arg(long, short, value_enum, default_value_t = NegotiateFormat::Table)]
    format: NegotiateFormat,
    /// Run only part I of N of the negotiations (counted from 0) and print that part as a shard
    /// document (JSON) for `detente merge`, which gives the unsharded output exactly.
    #[arg(long, value_name = "I/N", conflicts_with = "format")]
    shard: Option<detente_core::shard::Shard>,
}

fn input(message: String) -> Failure {
    Failure::Input(Report::msg(message))
}

fn load_table(
    path: &Path,
    step: f64,
    genius: &genius_full::GeniusConfig,
    parties: &[String],
) -> Result<(Table, bool), Failure> {
    if path.is_dir() {
        let files = crate::input::read_domain_folder(path)?;
        let table = if files.is_geniusweb() {
            geniusweb_table(&files.name, &files.json)
        } else {
            genius_table_with(&files.name, &files.xml, genius)
        }
        .map_err(|e| {
            input(format!(
                "{}: {e}\n  help: {}",
                path.display(),
                crate::input::DOMAIN_FOLDER_HELP
            ))
        })?;
        for w in &table.warnings {
            eprintln!("{w}");
        }
        Ok((table, false))
    } else {
        let parsed = load_scenario(path, true)?;
        crate::cli::check_parties(&parsed.scenario, parties)?;
        let config = PackageConfig {
            step,
            parties: (!parties.is_empty()).then(|| parties.to_vec()),
            ..PackageConfig::default()
        };
        let table = scenario_table(&parsed.scenario, &config).map_err(|e| {
            input(format!(
                "{}: {e}\n  help: a coarser grid (--step) makes the package space smaller",
                path.display()
            ))
        })?;
        Ok((table, true))
    }
}

fn parse_agents(specs: &[String]) -> Result<Vec<AgentSpec>, Failure> {
    specs
        .iter()
        .map(|s| s.parse::<AgentSpec>().map_err(|e| input(e.to_string())))
        .collect()
}

/// A progress bar with rate and ETA on a terminal; hidden when stderr is piped, so logs and
/// machine-read output stay clean.
fn tournament_bar() -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(0);
    let style = indicatif::ProgressStyle::with_template(
        "tournament {bar:40} {pos}/{len} negotiations  {per_sec}  ETA {eta}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

/// Runs `detente negotiate`.
pub fn run_negotiate(args: &NegotiateArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let negmas = args.preset == Preset::Negmas;
    let genius = genius_full::GeniusConfig {
        real_grid_points: args.real_points as usize,
        raw_evaluations: negmas,
    };
    let (table, is_scenario) = load_table(&args.path, args.step, &genius, &args.parties)?;
    let specs = match (&args.a, &args.b) {
        (Some(a), Some(b)) => vec![a.clone(), b.clone()],
        _ => args.agents.clone(),
    };
    let mut agents = parse_agents(&specs)?;
    if negmas {
        agents = agents.into_iter().map(AgentSpec::under_negmas).collect();
    }
    if agents.len() != table.parties.len() {
        return Err(input(format!(
            "{} negotiators given for {} parties ({})\n  help: pass one --agents entry per party, in this order",
            agents.len(),
            table.parties.len(),
            table
                .parties
                .iter()
                .map(|p| p.name())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    if args.rounds == 0 {
        return Err(input("--rounds must be at least 1".to_string()));
    }
    // Scenario parties are played by scenario-actor negotiators carrying their actor's
    // utility; GENIUS profiles by the plain strategy (detente_negotiation::session).
    let report = negotiate(
        &table,
        is_scenario,
        &agents,
        args.rounds as usize,
        args.trace,
        args.seed,
    )
    .map_err(|e| match e {
        NegotiationError::Load(_) => input(e.to_string()),
        other => Failure::Internal(Report::msg(other.to_string())),
    })?;
    match args.format {
        NegotiateFormat::Json => {
            let document = detente_analysis::Document {
                schema: "detente.negotiation/1",
                body: &report,
            };
            serde_json::to_writer_pretty(&mut *out, &document)
                .map_err(|e| Failure::Internal(Report::msg(e.to_string())))?;
            writeln!(out)?;
        }
        NegotiateFormat::Table | NegotiateFormat::Csv => write_negotiation(out, &report, &table)?,
    }
    Ok(())
}

fn write_negotiation(
    out: &mut dyn Write,
    r: &NegotiationReport,
    table: &Table,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{}: {} outcomes, deadline {} rounds",
        r.domain,
        crate::output::thousands(&r.outcomes.to_string()),
        crate::output::thousands(&r.rounds.to_string())
    )?;
    let issues: Vec<&str> = table
        .space
        .domain()
        .issues()
        .iter()
        .map(|i| i.name.as_str())
        .collect();
    match &r.agreement {
        Some(values) => {
            writeln!(out, "agreement in round {} (t = {:.3}):", r.round, r.time)?;
            for (issue, value) in issues.iter().zip(values) {
                writeln!(out, "  {issue:<24} {value}")?;
            }
        }
        None => writeln!(out, "no agreement ({}, round {})", r.ending, r.round)?,
    }
    writeln!(
        out,
        "{:<24} {:<14} {:>8} {:>10} {:>11}",
        "party", "negotiator", "utility", "discounted", "reservation"
    )?;
    for p in &r.parties {
        writeln!(
            out,
            "{:<24} {:<14} {:>8.4} {:>10.4} {:>11.4}",
            p.name, p.agent, p.utility, p.discounted, p.reservation
        )?;
    }
    writeln!(
        out,
        "distance to the Pareto frontier: {:.4}",
        r.pareto_distance
    )?;
    if let Some(n) = &r.nash {
        let u: Vec<String> = n.utilities.iter().map(|x| format!("{x:.4}")).collect();
        writeln!(
            out,
            "Nash point: ({}) at [{}]",
            u.join(", "),
            n.outcome.join(" | ")
        )?;
    }
    if !r.trace.is_empty() {
        writeln!(out, "\nround  seat  action   utilities  offer")?;
        for t in &r.trace {
            let u: Vec<String> = t.utilities.iter().map(|x| format!("{x:.3}")).collect();
            let offer = t
                .offer
                .and_then(|o| table.space.labels(o))
                .map(|l| l.join(" | "))
                .unwrap_or_default();
            let action = format!("{:?}", t.action).to_lowercase();
            writeln!(
                out,
                "{:>5}  {:>4}  {:<8} {:<10} {}",
                t.round,
                t.negotiator,
                action,
                u.join(","),
                offer
            )?;
        }
    }
    Ok(())
}

/// Runs `detente tournament`.
pub fn run_tournament(args: &TournamentArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let text = read_text(&args.config)?;
    let file: TournamentFile = toml::from_str(&text).map_err(|e| {
        input(format!(
            "{}: {e}\n  help: a tournament config has `domains = [...]`, `agents = [...]` and optionally rounds, repetitions, self_play, seed, step, real_points, preset",
            args.config.display()
        ))
    })?;
    let base = args.config.parent().unwrap_or(Path::new("."));
    // The config's `real_points` and `preset` read its GENIUS folders and set its negotiators,
    // as `negotiate --real-points` and `--preset` do for one negotiation.
    let genius = file
        .genius_config()
        .map_err(|e| input(format!("{}: {e}", args.config.display())))?;
    let config = file.run_config();
    let tables = file
        .domains
        .iter()
        .map(|d| load_table(&base.join(d), file.step, &genius, &[]).map(|(t, _)| t))
        .collect::<Result<Vec<_>, _>>()?;
    let bar = tournament_bar();
    let progress = |event: tournament::Progress| match event {
        tournament::Progress::Planned(total) => bar.set_length(total as u64),
        tournament::Progress::Finished => bar.inc(1),
    };
    if let Some(shard) = args.shard {
        let part = tournament::run_shard(&tables, &config, shard, &progress)
            .map_err(|e| input(format!("{}: {e}", args.config.display())))?;
        bar.finish_and_clear();
        serde_json::to_writer_pretty(&mut *out, &part)
            .map_err(|e| Failure::Internal(Report::msg(e.to_string())))?;
        writeln!(out)?;
        return Ok(());
    }
    let results = tournament::run(&tables, &config, &progress)
        .map_err(|e| input(format!("{}: {e}", args.config.display())))?;
    bar.finish_and_clear();
    print_tournament(
        out,
        args.format,
        &results,
        tables.len(),
        file.tournament.rounds,
    )
}

/// Prints a tournament's results (of `detente tournament`, or merged by `detente merge`).
pub fn print_tournament(
    out: &mut dyn Write,
    format: NegotiateFormat,
    results: &tournament::Results,
    domains: usize,
    rounds: usize,
) -> Result<(), Failure> {
    match format {
        NegotiateFormat::Json => {
            let document = detente_analysis::Document {
                schema: "detente.tournament/1",
                body: &results,
            };
            serde_json::to_writer_pretty(&mut *out, &document)
                .map_err(|e| Failure::Internal(Report::msg(e.to_string())))?;
            writeln!(out)?;
        }
        NegotiateFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "job",
                "domain",
                "rotation",
                "repetition",
                "seat",
                "agent",
                "profile",
                "agreement",
                "round",
                "utility",
                "advantage",
                "welfare",
                "pareto_distance",
                "nash_distance",
            ])
            .map_err(|e| Failure::Internal(Report::msg(e.to_string())))?;
            for r in &results.records {
                for s in 0..r.agents.len() {
                    w.write_record([
                        r.job.to_string(),
                        crate::output::text_cell(&r.domain),
                        r.rotation.to_string(),
                        r.repetition.to_string(),
                        s.to_string(),
                        crate::output::text_cell(&r.agents[s]),
                        crate::output::text_cell(&r.profiles[s]),
                        r.agreement.map_or_else(String::new, |o| o.to_string()),
                        r.round.to_string(),
                        r.utilities[s].to_string(),
                        r.advantages[s].to_string(),
                        r.welfare.to_string(),
                        r.pareto_distance.to_string(),
                        r.nash_distance.map_or_else(String::new, |d| d.to_string()),
                    ])
                    .map_err(|e| Failure::Internal(Report::msg(e.to_string())))?;
                }
            }
            w.flush()?;
        }
        NegotiateFormat::Table => {
            writeln!(
                out,
                "{} negotiations on {} domain(s), {} rounds each",
                results.records.len(),
                domains,
                rounds
            )?;
            writeln!(
                out,
                "{:<4} {:<14} {:>6} {:>9} {:>8} {:>10} {:>8} {:>8}",
                "rank",
                "negotiator",
                "seats",
                "advantage",
                "utility",
                "agreements",
                "pareto",
                "nash"
            )?;
            for (i, r) in results.ranking.iter().enumerate() {
                writeln!(
                    out,
                    "{:<4} {:<14} {:>6} {:>9.4} {:>8.4} {:>9.1}% {:>8.4} {:>8.4}",
                    i + 1,
                    r.agent,
                    r.seats,
                    r.advantage,
                    r.utility,
                    100.0 * r.agreement_rate,
                    r.pareto_distance,
                    r.nash_distance
                )?;
            }
        }
    }
    Ok(())
}
