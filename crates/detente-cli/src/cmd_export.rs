//! `detente export FILE --format genius|geniusweb --out DIR`: a scenario's package space, as
//! `bargain` builds it (grid, loss, parties, scope, red lines), written as a GENIUS or GeniusWeb
//! folder, so a GENIUS, GeniusWeb or NegMAS user can run their own agents on it. Each party's
//! reservation value is its utility of the status quo (GENIUS: `<reservation>`; GeniusWeb: the
//! status quo as the reservation bid). `bargain`, `negotiate` and `tournament` read the folder
//! back to the same utilities.
//!
//! Files are created, never overwritten: an existing file of the same name stops the export
//! before anything is written, so a mistyped `--out` loses no data.

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;
use detente_models::bargain::geniusweb::{to_genius_xml, to_geniusweb_json};
use detente_models::bargain::{Loss, PackageConfig, Scope, from_scenario};
use miette::Report;

use crate::Failure;
use crate::cmd_bargain::{LossArg, RedLinesArg, ScopeArg, input_error};
use crate::input::load_scenario;

/// The folder format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// GENIUS XML: `domain.xml` and one `<party>.xml` profile each.
    Genius,
    /// GeniusWeb JSON: `domain.json` and one `<party>.json` `LinearAdditiveUtilitySpace` each.
    Geniusweb,
}

/// `detente export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Scenario file (TOML or JSON).
    file: PathBuf,
    /// Folder format.
    #[arg(long, short, value_enum)]
    format: ExportFormat,
    /// Folder to write (created when missing; existing files are never overwritten).
    #[arg(long, short)]
    out: PathBuf,
    /// Grid spacing on each issue's scale, in scale points.
    #[arg(long, default_value_t = PackageConfig::default().step)]
    step: f64,
    /// Shape of the per-issue loss.
    #[arg(long, value_enum, default_value_t = LossArg::Quadratic)]
    loss: LossArg,
    /// Bargaining parties (actor ids, comma-separated); default: the principals.
    #[arg(long, value_delimiter = ',')]
    parties: Vec<String>,
    /// Which issues the parties trade.
    #[arg(long, value_enum, default_value_t = ScopeArg::Parties)]
    scope: ScopeArg,
    /// Whether the parties' red lines take the values across them off the grid.
    #[arg(long, value_enum, default_value_t = RedLinesArg::Respect)]
    red_lines: RedLinesArg,
}

/// Runs `detente export`; the list of files written goes to stderr.
pub fn run(args: &ExportArgs, _out: &mut dyn Write) -> Result<(), Failure> {
    let parsed = load_scenario(&args.file, true)?;
    crate::cli::check_parties(&parsed.scenario, &args.parties)?;
    let config = PackageConfig {
        step: args.step,
        loss: match args.loss {
            LossArg::Linear => Loss::Linear,
            LossArg::Quadratic => Loss::Quadratic,
        },
        parties: (!args.parties.is_empty()).then(|| args.parties.clone()),
        scope: match args.scope {
            ScopeArg::Parties => Scope::Parties,
            ScopeArg::All => Scope::All,
        },
        red_lines: args.red_lines == RedLinesArg::Respect,
        ..PackageConfig::default()
    };
    let problem =
        from_scenario(&parsed.scenario, &config).map_err(|e| input_error(&args.file, e))?;
    let (domain, profiles, ext) = match args.format {
        ExportFormat::Genius => {
            let (d, p) = to_genius_xml(&problem).map_err(|e| input_error(&args.file, e))?;
            (d, p, "xml")
        }
        ExportFormat::Geniusweb => {
            let (d, p) = to_geniusweb_json(&problem).map_err(|e| input_error(&args.file, e))?;
            (d, p, "json")
        }
    };
    let mut files = vec![(format!("domain.{ext}"), domain)];
    files.extend(profiles);
    let failed = |what: String| {
        Failure::Input(Report::msg(format!(
            "{what}\n  help: give --out a new or empty folder you can write to"
        )))
    };
    std::fs::create_dir_all(&args.out)
        .map_err(|e| failed(format!("cannot create `{}`: {e}", args.out.display())))?;
    // Check every name first, so an export that would overwrite writes nothing.
    let mut names = std::collections::BTreeSet::new();
    for (name, _) in &files {
        let path = args.out.join(name);
        if path.exists() || !names.insert(name.clone()) {
            return Err(failed(format!(
                "`{}` already exists; export writes no file over another",
                path.display()
            )));
        }
    }
    for (name, text) in &files {
        let path = args.out.join(name);
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| failed(format!("cannot create `{}`: {e}", path.display())))?;
        file.write_all(text.as_bytes())
            .map_err(|e| failed(format!("cannot write `{}`: {e}", path.display())))?;
    }
    eprintln!(
        "wrote {} files to {}: {}",
        files.len(),
        args.out.display(),
        files
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
}
