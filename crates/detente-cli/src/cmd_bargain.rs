//! `detente bargain FILE`: package bargaining on a scenario (or a GENIUS or GeniusWeb domain folder): the
//! Pareto frontier, the Nash, Kalai-Smorodinsky, egalitarian and utilitarian packages with what
//! each gives every party, and the zone of possible agreement. Also the options and helpers the
//! `delay` and `levers` commands share (grid, loss, parties, package descriptions).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use detente_analysis::{AnalysisConfig, Packages};
use detente_core::Scenario;
use detente_models::bargain::{
    Loss, NashWeights, PackageConfig, Problem, Scope, Solution, genius, held_issues,
};
use miette::Report;

use crate::Failure;
use crate::input::load_scenario;

/// Output format of the bargaining commands (as `forecast`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A report for people.
    Table,
    /// The full result as JSON.
    Json,
    /// One row per item, for spreadsheets.
    Csv,
}

/// Shape of the per-issue loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LossArg {
    /// Utility falls in proportion to distance.
    Linear,
    /// Utility falls with the square of distance (the default).
    Quadratic,
}

/// Which issues the parties trade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScopeArg {
    /// The issues the parties can enact on their own; the rest stay at their status quo (the
    /// default; the delay model also holds procedural issues).
    Parties,
    /// Every issue, whoever decides it.
    All,
}

/// Exponents of the Nash product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NashArg {
    /// Weighted by capability (the default for scenarios).
    Capability,
    /// Symmetric, as GENIUS and NegMAS.
    Equal,
}

impl From<NashWeights> for NashArg {
    fn from(weights: NashWeights) -> Self {
        match weights {
            NashWeights::PartyWeights => NashArg::Capability,
            NashWeights::Equal => NashArg::Equal,
        }
    }
}

/// Options shared by `bargain`, `delay` and `levers`.
#[derive(Debug, clap::Args)]
pub struct PackageArgs {
    /// Grid spacing on each issue's scale, in scale points.
    #[arg(long, default_value_t = PackageConfig::default().step)]
    pub step: f64,
    /// Shape of the per-issue loss.
    #[arg(long, value_enum, default_value_t = LossArg::Quadratic)]
    pub loss: LossArg,
    /// Bargaining parties (actor ids, comma-separated); default: the principals.
    #[arg(long, value_delimiter = ',')]
    pub parties: Vec<String>,
    /// Which issues the parties trade.
    #[arg(long, value_enum, default_value_t = ScopeArg::Parties)]
    pub scope: ScopeArg,
    /// Weights of the Nash product.
    #[arg(long, value_enum, default_value_t = NashArg::from(NashWeights::default()))]
    pub nash: NashArg,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

impl PackageArgs {
    /// The package config these options describe.
    pub fn package(&self) -> PackageConfig {
        PackageConfig {
            step: self.step,
            loss: match self.loss {
                LossArg::Linear => Loss::Linear,
                LossArg::Quadratic => Loss::Quadratic,
            },
            parties: (!self.parties.is_empty()).then(|| self.parties.clone()),
            scope: match self.scope {
                ScopeArg::Parties => Scope::Parties,
                ScopeArg::All => Scope::All,
            },
            ..PackageConfig::default()
        }
    }

    /// The Nash weights these options describe.
    pub fn nash_weights(&self) -> NashWeights {
        match self.nash {
            NashArg::Capability => NashWeights::PartyWeights,
            NashArg::Equal => NashWeights::Equal,
        }
    }

    /// A sentence on the grid and loss, for reports.
    pub fn describe(&self) -> String {
        format!(
            "grid every {} scale points, {} loss",
            self.step,
            match self.loss {
                LossArg::Linear => "linear",
                LossArg::Quadratic => "quadratic",
            }
        )
    }
}

/// `detente bargain`.
#[derive(Debug, clap::Args)]
pub struct BargainArgs {
    /// Scenario file (TOML or JSON), or a GENIUS domain folder (domain and profile XML files) or a
    /// GeniusWeb one (domain and profile JSON files).
    pub file: PathBuf,
    #[command(flatten)]
    pub package: PackageArgs,
    /// Whether the parties' red lines (`hard = true` in `[[time.audience_costs]]`) take the
    /// values across them off the grid.
    #[arg(long, value_enum, default_value_t = RedLinesArg::Respect)]
    pub red_lines: RedLinesArg,
    /// GENIUS folders only: grid points per real issue, both bounds included (2 to 1,001). A
    /// real issue is bargained over on this many evenly spaced values.
    #[arg(long, default_value_t = 11, value_parser = clap::value_parser!(u32).range(2..=1001))]
    pub real_points: u32,
}

/// `--red-lines`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RedLinesArg {
    /// No package crosses a party's red line (the default).
    Respect,
    /// Packages may cross them, as before red lines existed.
    Ignore,
}

/// Maps a model error to exit code 2 with the file name.
pub fn input_error(file: &Path, e: impl std::fmt::Display) -> Failure {
    Failure::Input(Report::msg(format!("{}: {e}", file.display())))
}

pub use detente_analysis::{IssueValue, describe_package, fmt_num};

/// A utility with three decimals.
pub fn fmt_u(x: f64) -> String {
    format!("{x:.3}")
}

/// A signed utility difference with three decimals.
pub fn fmt_signed(x: f64) -> String {
    if x.abs() < 5e-4 {
        "0.000".to_owned()
    } else {
        format!("{x:+.3}")
    }
}

/// Writes a package as an indented list: issue name, value, label.
pub fn write_package(
    out: &mut dyn Write,
    scenario: Option<&Scenario>,
    values: &[IssueValue],
) -> std::io::Result<()> {
    let width = values
        .iter()
        .map(|v| issue_name(scenario, &v.issue).chars().count())
        .max()
        .unwrap_or(0)
        .min(60); // padding past 65,535 panics (issue 16); longer names just push the column
    for v in values {
        let name = issue_name(scenario, &v.issue);
        let value = v.value.map_or_else(String::new, fmt_num);
        let label = v.label.as_deref().unwrap_or("");
        writeln!(out, "    {name:<width$}  {value:>5}  {label}")?;
    }
    Ok(())
}

fn issue_name(scenario: Option<&Scenario>, id: &str) -> String {
    scenario
        .and_then(|s| s.issue(id))
        .map_or_else(|| id.to_owned(), |i| i.name.clone())
}

/// Display name of a party: the actor's name for scenarios, the profile name for GENIUS.
pub fn party_name(scenario: Option<&Scenario>, id: &str) -> String {
    scenario
        .and_then(|s| s.actor_index(id).map(|a| s.actor_name(a).to_owned()))
        .unwrap_or_else(|| id.to_owned())
}

/// A solution as the table and the CSV print it.
#[derive(Debug)]
struct SolutionOut {
    solution: &'static str,
    package: Vec<IssueValue>,
    utilities: Vec<f64>,
    gains: Vec<f64>,
    ties: usize,
}

/// What the table and the CSV print (the JSON is [`Packages`], the API's document).
#[derive(Debug)]
struct BargainOut<'a> {
    parties: Vec<String>,
    issues: Vec<String>,
    space_size: String,
    disagreement: Vec<f64>,
    status_quo: Option<Vec<IssueValue>>,
    frontier_size: usize,
    rational_frontier_size: usize,
    zopa: &'a detente_models::bargain::Zopa,
    solutions: Vec<SolutionOut>,
}

/// Runs `detente bargain`.
pub fn run(args: &BargainArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let quiet = args.package.format != Format::Table;
    let config = AnalysisConfig {
        package: PackageConfig {
            red_lines: args.red_lines == RedLinesArg::Respect,
            ..args.package.package()
        },
        ..AnalysisConfig::default()
    }
    .with_nash_weights(args.package.nash_weights());
    let (problem, solutions, scenario) = if args.file.is_dir() {
        let problem = load_genius(&args.file, args.real_points as usize)?;
        let solutions = detente_analysis::solve_problem(&problem, &config)
            .map_err(|e| input_error(&args.file, e))?;
        (problem, solutions, None)
    } else {
        let parsed = load_scenario(&args.file, quiet)?;
        crate::cli::check_parties(&parsed.scenario, &args.package.parties)?;
        let (problem, solutions) = detente_analysis::package_problem(&parsed.scenario, &config)
            .map_err(|e| input_error(&args.file, e))?;
        (problem, solutions, Some(parsed.scenario))
    };
    let parties: Vec<String> = problem.parties().iter().map(|p| p.name.clone()).collect();
    let domain = problem.domain();
    let named: Vec<(&'static str, &Option<Solution>)> = vec![
        ("nash", &solutions.nash),
        ("kalai-smorodinsky", &solutions.kalai_smorodinsky),
        ("egalitarian", &solutions.egalitarian),
        ("utilitarian", &solutions.utilitarian),
    ];
    let out_solutions: Vec<SolutionOut> = named
        .iter()
        .filter_map(|(name, s)| {
            s.as_ref().map(|s| SolutionOut {
                solution: name,
                package: describe_package(domain, scenario.as_ref(), &s.package),
                utilities: s.utilities.clone(),
                gains: s.gains.clone(),
                ties: s.ties,
            })
        })
        .collect();
    let result = BargainOut {
        parties: parties.clone(),
        issues: domain.issues().iter().map(|i| i.name.clone()).collect(),
        space_size: domain.size().to_string(),
        disagreement: solutions.frontier.disagreement.clone(),
        status_quo: problem
            .status_quo()
            .map(|sq| describe_package(domain, scenario.as_ref(), sq)),
        frontier_size: solutions.zopa.frontier_size,
        rational_frontier_size: solutions.zopa.rational_frontier_size,
        zopa: &solutions.zopa,
        solutions: out_solutions,
    };
    match args.package.format {
        Format::Json => {
            // The one package-bargaining document, as `POST /api/bargain` answers it.
            let document = Packages::new(
                &problem,
                &solutions,
                scenario.as_ref().map(|s| (s, &config.package)),
                config.solve.nash_weights,
            );
            serde_json::to_writer_pretty(&mut *out, &document)
                .map_err(|e| Failure::Internal(Report::msg(e.to_string())))?;
            writeln!(out)?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            let mut header = vec!["solution".to_owned()];
            header.extend(result.issues.iter().cloned());
            for p in &parties {
                header.push(format!("{p}_utility"));
                header.push(format!("{p}_gain"));
            }
            w.write_record(&header).map_err(csv_error)?;
            for s in &result.solutions {
                let mut row = vec![s.solution.to_owned()];
                row.extend(s.package.iter().map(|v| match (v.value, &v.label) {
                    (Some(x), _) => fmt_num(x),
                    (None, Some(l)) => l.clone(),
                    (None, None) => String::new(),
                }));
                for (u, g) in s.utilities.iter().zip(&s.gains) {
                    row.push(format!("{u:.6}"));
                    row.push(format!("{g:.6}"));
                }
                w.write_record(&row).map_err(csv_error)?;
            }
            w.flush()?;
        }
        Format::Table => table(out, args, &problem, scenario.as_ref(), &result)?,
    }
    Ok(())
}

/// Maps a CSV writer error.
pub fn csv_error(e: csv::Error) -> Failure {
    Failure::Internal(Report::msg(format!("cannot write CSV: {e}")))
}

fn table(
    out: &mut dyn Write,
    args: &BargainArgs,
    problem: &Problem,
    scenario: Option<&Scenario>,
    r: &BargainOut<'_>,
) -> std::io::Result<()> {
    let title = scenario.map_or_else(
        || problem.domain().name().to_owned(),
        |s| s.meta.title.clone(),
    );
    writeln!(out, "Package bargaining: {title}")?;
    let names: Vec<String> = r.parties.iter().map(|p| party_name(scenario, p)).collect();
    writeln!(out, "Parties: {}.", names.join(", "))?;
    if let Some(s) = scenario {
        let parties: Vec<_> = r.parties.iter().filter_map(|p| s.actor_index(p)).collect();
        let held: Vec<&str> = s
            .issues
            .iter()
            .zip(held_issues(s, &parties, args.package.package().scope))
            .filter(|(_, h)| h.is_some())
            .map(|(i, _)| i.name.as_str())
            .collect();
        if !held.is_empty() {
            writeln!(
                out,
                "Held at the status quo in every package, because the parties cannot enact them alone under their decision rules: {}. (`--scope all` trades them too.)",
                held.join("; ")
            )?;
        }
        if args.red_lines == RedLinesArg::Respect {
            let lines: Vec<String> = s
                .time
                .iter()
                .flat_map(|t| &t.audience_costs)
                .filter(|c| c.hard && parties.contains(&c.actor))
                .map(|c| {
                    format!(
                        "{} signs nothing {} {} on {}",
                        s.actor(c.actor).map_or("?", |a| a.name.as_str()),
                        if c.above { "above" } else { "below" },
                        fmt_num(c.line),
                        s.issues.get(c.issue.0).map_or("?", |i| i.name.as_str())
                    )
                })
                .collect();
            if !lines.is_empty() {
                writeln!(
                    out,
                    "Red lines (`hard = true` in `[[time.audience_costs]]`) keep packages off the values across them: {}. (`--red-lines ignore` lets packages cross them.)",
                    lines.join("; ")
                )?;
            }
        }
    }
    if scenario.is_some() {
        writeln!(
            out,
            "Each issue is cut into steps ({}); each party's utility runs from 0 (worst package) to 1 (its ideal), weighted by how much each issue matters to it.",
            args.package.describe()
        )?;
    }
    writeln!(
        out,
        "There are {} possible packages. {} of them are Pareto-optimal (no other package is better for one party without being worse for another); {} of these give every party at least as much as no deal.",
        crate::output::thousands(&r.space_size),
        crate::output::thousands(&r.frontier_size.to_string()),
        crate::output::thousands(&r.rational_frontier_size.to_string())
    )?;
    writeln!(out)?;
    if let Some(sq) = &r.status_quo {
        writeln!(out, "No deal (the status quo):")?;
        write_package(out, scenario, sq)?;
    }
    let dis: Vec<String> = names
        .iter()
        .zip(&r.disagreement)
        .map(|(n, d)| format!("{n} {} utility points", fmt_u(*d)))
        .collect();
    writeln!(out, "  Without a deal: {}.", dis.join(", "))?;
    writeln!(out)?;
    let zopa = r.zopa;
    if zopa.exists {
        let count = zopa.strict_count.map_or_else(String::new, |c| {
            format!(
                " ({} packages are strictly better for everyone)",
                crate::output::thousands(&c.to_string())
            )
        });
        writeln!(
            out,
            "Zone of possible agreement: yes, some packages are better than no deal for every party{count}."
        )?;
        for (n, g) in names.iter().zip(&zopa.gain_box) {
            writeln!(
                out,
                "  {n} can gain from {} to {} utility points over no deal.",
                fmt_u(g.min),
                fmt_u(g.max)
            )?;
        }
    } else {
        writeln!(
            out,
            "Zone of possible agreement: none. No package is better than no deal for every party."
        )?;
    }
    for s in &r.solutions {
        writeln!(out)?;
        let (title, what) = match s.solution {
            "nash" => (
                "Nash solution",
                match args.package.nash {
                    NashArg::Capability => "the largest product of gains, weighted by capability",
                    NashArg::Equal => "the largest product of gains",
                },
            ),
            "kalai-smorodinsky" => (
                "Kalai-Smorodinsky solution",
                "equal shares of each party's best possible gain",
            ),
            "egalitarian" => ("Egalitarian solution", "the largest smallest gain"),
            _ => ("Utilitarian solution", "the largest total utility"),
        };
        writeln!(out, "{title} ({what}):")?;
        write_package(out, scenario, &s.package)?;
        let gains: Vec<String> = names
            .iter()
            .zip(s.utilities.iter().zip(&s.gains))
            .map(|(n, (u, g))| format!("{n} {} ({} over no deal)", fmt_u(*u), fmt_signed(*g)))
            .collect();
        writeln!(out, "  Utility points: {}.", gains.join(", "))?;
        if s.ties > 1 {
            writeln!(
                out,
                "  ({} packages tie; the first in issue order is shown.)",
                s.ties
            )?;
        }
    }
    if r.solutions.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "No package is at least as good as no deal for every party, so there are no solutions."
        )?;
    }
    Ok(())
}

/// Reads a GENIUS or GeniusWeb domain folder (`crate::input::read_domain_folder`).
pub fn load_genius(folder: &Path, real_points: usize) -> Result<Problem, Failure> {
    let files = crate::input::read_domain_folder(folder)?;
    let failed = |e: genius::GeniusError| {
        Failure::Input(Report::msg(format!(
            "{}: {e}\n  help: {}",
            folder.display(),
            crate::input::DOMAIN_FOLDER_HELP
        )))
    };
    // The one folder reading of every front end (`detente_analysis::folder_problem`).
    let (problem, warnings) =
        detente_analysis::folder_problem(&files.name, &files.xml, &files.json, real_points)
            .map_err(failed)?;
    for w in &warnings {
        eprintln!("{w}");
    }
    Ok(problem)
}
