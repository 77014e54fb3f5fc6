//! `detente backtest`: every model on the DEU data of EU legislative decisions, scored against
//! the recorded outcomes (see `detente_backtest` and `docs/backtest.md`).

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;
use detente_backtest::capability::{CapabilityMeasure, InstitutionWeight};
use detente_backtest::engine::{BacktestConfig, MissingReferencePolicy, ModelId};
use detente_backtest::procedure::VetoConfig;
use detente_backtest::report;
use miette::Report;

use crate::Failure;

/// Arguments of `detente backtest`.
#[derive(Debug, clap::Args)]
pub struct BacktestArgs {
    /// The DEU data file (tab-separated), e.g. data/deu3/deu3.tsv.
    file: PathBuf,
    /// Models to evaluate, comma-separated (default: all). The compromise is always computed as
    /// the benchmark. Names: reference-point, mean, compromise, median, nash, eum-scholz,
    /// eum-bdm, compromise-procedural, median-procedural, blend-reference, blend-procedural,
    /// blend-median, blend-mean, blend-eum-scholz, blend-eum-bdm, stack-pooled, stack-rule,
    /// stack-rule-status-quo, stack-rule-spread, stack-ridge-rule, headline.
    #[arg(long, short, value_delimiter = ',')]
    models: Vec<String>,
    /// Member states' capability.
    #[arg(long, value_enum, default_value_t = CapabilityArg::Gdp)]
    capability: CapabilityArg,
    /// Weight of the Commission and the Parliament.
    #[arg(long, value_enum, default_value_t = InstitutionsArg::Largest)]
    institutions: InstitutionsArg,
    /// Status quo of issues without a coded reference point.
    #[arg(long, value_enum, default_value_t = MissingArg::Mean)]
    missing_reference: MissingArg,
    /// Give the Commission a veto in the procedural models.
    #[arg(long)]
    commission_veto: bool,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = FormatArg::Table)]
    format: FormatArg,
    /// Bootstrap replicates (1 to 100,000).
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    bootstrap: u32,
    /// Bootstrap seed.
    #[arg(long, default_value_t = 20_251_125)]
    seed: u64,
    /// Cross-validation folds (2 to 100).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(2..=100))]
    folds: u32,
    /// Fold-assignment seeds, comma-separated; the first gives the reported figures.
    #[arg(long, value_delimiter = ',', default_value = "1,2,3,4,5")]
    cv_seeds: Vec<u64>,
    /// Evaluate only the first N rows of the file.
    #[arg(long)]
    limit: Option<usize>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum CapabilityArg {
    Gdp,
    Votes,
    Shapley,
    Banzhaf,
    Equal,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum InstitutionsArg {
    /// The largest member state's capability.
    Largest,
    /// The member states' mean capability.
    Mean,
    /// Leave the Commission and the Parliament out.
    Exclude,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum MissingArg {
    /// The unweighted mean of the positions.
    Mean,
    /// 50.
    Midpoint,
    /// Leave such issues out.
    Skip,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    Table,
    Json,
    Csv,
    /// The full Markdown document (docs/backtest.md).
    Md,
    /// The learnt headline weights and conformal residuals, as stored in
    /// crates/detente-models/data/headline-deu3.json (needs the headline model).
    Headline,
}

/// Runs `detente backtest`.
pub fn run(args: &BacktestArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let text = crate::input::read_text(&args.file)?;
    let name = args.file.display().to_string();
    let data = detente_core::import::parse_deu(&name, &text)
        .map_err(|e| Failure::Input(Report::new(e)))?;
    let mut models = Vec::new();
    for m in &args.models {
        if m == "all" {
            models.extend(ModelId::ALL);
            continue;
        }
        let Some(id) = ModelId::parse(m) else {
            return Err(Failure::Input(Report::msg(format!(
                "unknown model `{m}`\n  help: choose from {}",
                ModelId::ALL.map(ModelId::as_str).join(", ")
            ))));
        };
        models.push(id);
    }
    if models.is_empty() {
        models = ModelId::ALL.to_vec();
    }
    models.sort();
    models.dedup();
    if args.folds < 2 || args.cv_seeds.is_empty() || args.bootstrap == 0 {
        return Err(Failure::Input(Report::msg(
            "--folds must be at least 2, --cv-seeds must name a seed and --bootstrap must be positive\n  help: e.g. --folds 10 --cv-seeds 1,2,3 --bootstrap 2000",
        )));
    }
    let config = BacktestConfig {
        capability: match args.capability {
            CapabilityArg::Gdp => CapabilityMeasure::Gdp,
            CapabilityArg::Votes => CapabilityMeasure::Votes,
            CapabilityArg::Shapley => CapabilityMeasure::Shapley,
            CapabilityArg::Banzhaf => CapabilityMeasure::Banzhaf,
            CapabilityArg::Equal => CapabilityMeasure::Equal,
        },
        institutions: match args.institutions {
            InstitutionsArg::Largest => InstitutionWeight::Largest,
            InstitutionsArg::Mean => InstitutionWeight::Mean,
            InstitutionsArg::Exclude => InstitutionWeight::Exclude,
        },
        missing_reference: match args.missing_reference {
            MissingArg::Mean => MissingReferencePolicy::Mean,
            MissingArg::Midpoint => MissingReferencePolicy::Midpoint,
            MissingArg::Skip => MissingReferencePolicy::Skip,
        },
        vetoes: VetoConfig {
            commission: args.commission_veto,
            ..VetoConfig::default()
        },
        models,
        bootstrap_replicates: args.bootstrap as usize,
        bootstrap_seed: args.seed,
        folds: args.folds as usize,
        cv_seeds: args.cv_seeds.clone(),
        limit: args.limit,
        ..BacktestConfig::default()
    };
    let fail = |e: detente_backtest::BacktestError| {
        Failure::Input(Report::msg(format!(
            "{name}: {e}\n  help: check the file is the DEU table with outcomes, and the options"
        )))
    };
    match args.format {
        FormatArg::Md => {
            // The document names the file as given, so regenerate it from the repository root.
            let doc = report::document(&name, &data, &config).map_err(fail)?;
            out.write_all(doc.as_bytes())?;
        }
        format => {
            let result = detente_backtest::run(&name, &data, &config).map_err(fail)?;
            match format {
                FormatArg::Json => {
                    serde_json::to_writer_pretty(&mut *out, &result).map_err(|e| {
                        Failure::Internal(Report::msg(format!("cannot write JSON: {e}")))
                    })?;
                    writeln!(out)?;
                }
                FormatArg::Csv => out.write_all(report::csv(&result).as_bytes())?,
                FormatArg::Headline => {
                    let Some(h) = &result.headline else {
                        return Err(Failure::Input(Report::msg(
                            "--format headline needs the headline model\n  help: run with the default models or add `--models headline`",
                        )));
                    };
                    serde_json::to_writer_pretty(&mut *out, &h.learnt).map_err(|e| {
                        Failure::Internal(Report::msg(format!("cannot write JSON: {e}")))
                    })?;
                    writeln!(out)?;
                }
                _ => out.write_all(report::table(&result).as_bytes())?,
            }
        }
    }
    Ok(())
}
