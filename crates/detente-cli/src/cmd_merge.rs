//! `detente merge`: joins the shard documents of one `montecarlo`, `sensitivity` or
//! `tournament` run (each part written by `--shard I/N`) into the output the unsharded command
//! prints, byte for byte (`detente_core::shard` says why it is exact).
//!
//! Nothing is printed unless every part reads, belongs to the same run and is there once: a
//! merge never writes a partial result.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use detente_core::shard::MergeError;
use detente_negotiation::tournament::{self, TournamentShard};
use detente_sim::MonteCarloShard;
use detente_sim::sensitivity::{SensitivityShard, merge_sensitivity};
use miette::Report;
use serde::de::DeserializeOwned;

use crate::Failure;
use crate::cmd_montecarlo::{mc_table, sensitivity_table};
use crate::cmd_negotiate::{NegotiateFormat, print_tournament};

/// `detente merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The shard documents of one run, in any order (every part once).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Output format, as the unsharded command's `--format` (csv for tournaments only).
    #[arg(long, short, value_enum, default_value_t = MergeFormat::Table)]
    format: MergeFormat,
    /// Sensitivity: bars shown per forecast in the table.
    #[arg(long, default_value_t = 8)]
    top: usize,
}

/// Output formats of `detente merge`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MergeFormat {
    /// A report for people.
    Table,
    /// The full result.
    Json,
    /// One row per negotiation and seat (tournaments).
    Csv,
}

/// Largest shard file read (a sensitivity part keeps its trials' rows, a tournament part its
/// records).
const MAX_SHARD_BYTES: u64 = 1 << 30;

fn input(message: String) -> Failure {
    Failure::Input(Report::msg(message))
}

/// Reads one shard file as text, with its schema tag.
fn read(path: &Path) -> Result<(String, String), Failure> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| {
        input(format!(
            "cannot read `{shown}`: {e}\n  help: name the files `--shard I/N` wrote"
        ))
    })?;
    if meta.len() > MAX_SHARD_BYTES {
        return Err(input(format!(
            "`{shown}` is {} bytes, over the limit of {MAX_SHARD_BYTES} for a shard file\n  help: check that this is a shard document",
            meta.len()
        )));
    }
    let text =
        std::fs::read_to_string(path).map_err(|e| input(format!("cannot read `{shown}`: {e}")))?;
    #[derive(serde::Deserialize)]
    struct Tag {
        schema: Option<String>,
    }
    let tag: Tag = serde_json::from_str(&text).map_err(|e| {
        input(format!(
            "`{shown}` is not a shard document: {e}\n  help: a shard is the JSON that `detente montecarlo|sensitivity|tournament --shard I/N` prints"
        ))
    })?;
    let schema = tag.schema.ok_or_else(|| {
        input(format!(
            "`{shown}` has no `schema`: it is not a shard document\n  help: a shard is the JSON that `--shard I/N` prints"
        ))
    })?;
    Ok((schema, text))
}

fn parse<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, Failure> {
    // serde_json's message names the field and the line and column.
    serde_json::from_str(text).map_err(|e| {
        input(format!(
            "`{}` is damaged: {e}\n  help: write the part again with `--shard`",
            path.display(),
        ))
    })
}

fn merge_failure(e: MergeError) -> Failure {
    input(format!(
        "{e}\n  help: merge the files of one run only, each part once (`--shard 0/N` to `--shard N-1/N`)"
    ))
}

fn json(out: &mut dyn Write, value: &impl serde::Serialize) -> Result<(), Failure> {
    serde_json::to_writer_pretty(&mut *out, value)
        .map_err(|e| Failure::Internal(Report::msg(format!("cannot write JSON: {e}"))))?;
    writeln!(out)?;
    Ok(())
}

/// Runs `detente merge`.
pub fn run(args: &MergeArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let mut texts = Vec::with_capacity(args.files.len());
    for path in &args.files {
        texts.push((path.as_path(), read(path)?));
    }
    let Some((first_path, (kind, _))) = texts.first() else {
        return Err(input("no shard files given".to_owned()));
    };
    if let Some((path, (other, _))) = texts.iter().find(|(_, (s, _))| s != kind) {
        return Err(input(format!(
            "`{}` is a `{kind}` shard but `{}` is a `{other}` one\n  help: merge the parts of one run only",
            first_path.display(),
            path.display()
        )));
    }
    let csv_only_for_tournaments =
        || input("--format csv is for tournaments; use table or json".to_owned());
    match kind.as_str() {
        detente_sim::montecarlo::SHARD_SCHEMA => {
            let parts: Vec<MonteCarloShard> = parse_all(&texts)?;
            let result = detente_sim::merge_montecarlo(&parts).map_err(merge_failure)?;
            match args.format {
                MergeFormat::Json => json(out, &result),
                MergeFormat::Table => mc_table(out, &result),
                MergeFormat::Csv => Err(csv_only_for_tournaments()),
            }
        }
        detente_sim::sensitivity::SHARD_SCHEMA => {
            let parts: Vec<SensitivityShard> = parse_all(&texts)?;
            let result = merge_sensitivity(&parts).map_err(merge_failure)?;
            match args.format {
                MergeFormat::Json => json(out, &result),
                MergeFormat::Table => sensitivity_table(out, &parts[0].title, &result, args.top),
                MergeFormat::Csv => Err(csv_only_for_tournaments()),
            }
        }
        tournament::SHARD_SCHEMA => {
            let parts: Vec<TournamentShard> = parse_all(&texts)?;
            let results = tournament::merge(&parts).map_err(merge_failure)?;
            let format = match args.format {
                MergeFormat::Table => NegotiateFormat::Table,
                MergeFormat::Json => NegotiateFormat::Json,
                MergeFormat::Csv => NegotiateFormat::Csv,
            };
            print_tournament(
                out,
                format,
                &results,
                parts[0].domains.len(),
                parts[0].rounds,
            )
        }
        other => Err(input(format!(
            "`{}` is a `{other}` document, not a shard\n  help: merge the files `detente montecarlo|sensitivity|tournament --shard I/N` wrote",
            first_path.display()
        ))),
    }
}

fn parse_all<T: DeserializeOwned>(texts: &[(&Path, (String, String))]) -> Result<Vec<T>, Failure> {
    texts.iter().map(|(p, (_, t))| parse(p, t)).collect()
}
