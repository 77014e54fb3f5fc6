//! `detente runs list|show|compare|export` and the `--save` option that stores a run.
//!
//! The database is `detente.db` in the current directory unless `--db` names another, for the
//! commands that write runs and the `runs` commands that read them alike (issue 16: writing
//! beside the scenario and reading from the current directory sent users to an empty store). Runs
//! record the scenario's file name, not its path, so a served store does not expose folders. Store
//! errors that come from the user's file (missing, not a database, newer schema, unknown id)
//! exit with code 2 and never change the file.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use detente_models::forecast::{Forecast, ForecastConfig, Model};
use detente_store::{Aggregate, EumTrace, NewRun, Run, Store, StoreError};
use miette::Report;

use crate::Failure;

/// `--save` and `--db`, shared by every command that can store its run.
#[derive(Debug, Clone, clap::Args)]
pub struct SaveArgs {
    /// Store the run in the run store (see `detente runs`).
    #[arg(long)]
    pub save: bool,
    /// Run store to use (default: detente.db in the current directory).
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
}

/// The run store every command uses when `--db` is not given.
pub const DEFAULT_DB: &str = "detente.db";

/// What a command hands over to be stored.
pub struct SaveRequest<'a> {
    /// Kind of run.
    pub kind: &'static str,
    /// Scenario path.
    pub file: &'a Path,
    /// Scenario text.
    pub text: String,
    /// Scenario title.
    pub title: String,
    /// Model configuration.
    pub config: serde_json::Value,
    /// Seed, if random.
    pub seed: Option<u64>,
    /// Start time (ms).
    pub started: i64,
    /// End time (ms).
    pub finished: i64,
    /// Full result.
    pub result: serde_json::Value,
    /// Headline values.
    pub values: Vec<(String, Option<f64>)>,
    /// EUM traces.
    pub eum_rounds: Vec<EumTrace>,
    /// Monte Carlo aggregates.
    pub aggregates: Vec<Aggregate>,
}

/// Milliseconds since the Unix epoch (0 if the clock is before it).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

fn store_failure(e: StoreError) -> Failure {
    let report = Report::msg(match &e {
        StoreError::NotADatabase { .. } | StoreError::NewerSchema { .. } => {
            format!("{e}\n  help: pass --db with another path to use a different run store")
        }
        _ => e.to_string(),
    });
    match e {
        StoreError::Sql(_) | StoreError::Json(_) => Failure::Internal(report),
        _ => Failure::Input(report),
    }
}

impl SaveArgs {
    fn path(&self) -> PathBuf {
        self.db.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_DB))
    }

    /// Stores the run and says where on stderr.
    pub fn save_run(&self, r: SaveRequest<'_>) -> Result<i64, Failure> {
        let path = self.path();
        let mut store = Store::open(&path).map_err(store_failure)?;
        let id = store
            .save(&NewRun {
                kind: r.kind.to_owned(),
                scenario_name: r.file.file_name().map_or_else(
                    || r.file.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                ),
                scenario_text: r.text,
                title: r.title,
                config: r.config,
                seed: r.seed,
                code_version: env!("CARGO_PKG_VERSION").to_owned(),
                started_at_ms: r.started,
                finished_at_ms: r.finished,
                result: r.result,
                values: r.values,
                eum_rounds: r.eum_rounds,
                aggregates: r.aggregates,
            })
            .map_err(store_failure)?;
        eprintln!("saved run {id} to {}", path.display());
        Ok(id)
    }
}

/// Stores a `forecast` run: point forecasts as values, every EUM round as a trace.
pub fn save_forecast(
    save: &SaveArgs,
    file: &Path,
    config: &ForecastConfig,
    result: &Forecast,
    started: i64,
) -> Result<(), Failure> {
    let text = crate::input::read_text(file)?;
    let mut values = Vec::new();
    let mut eum_rounds = Vec::new();
    for issue in &result.issues {
        // The headline first, as every report shows it, with its intervals' ends.
        if let Some(h) = &issue.headline {
            values.push((format!("{}/headline", issue.issue), Some(h.position)));
            for iv in &h.intervals {
                let level = (iv.level * 100.0).round();
                values.push((
                    format!("{}/headline/{level}-low", issue.issue),
                    Some(iv.low),
                ));
                values.push((
                    format!("{}/headline/{level}-high", issue.issue),
                    Some(iv.high),
                ));
            }
        }
        for &m in &config.models {
            values.push((
                format!("{}/{}", issue.issue, m.as_str()),
                issue.point(m).map(|p| p.position),
            ));
        }
        if let Some(eum) = &issue.eum {
            for r in &eum.rounds {
                eum_rounds.push(EumTrace {
                    issue: issue.issue.clone(),
                    round: r.round as i64,
                    median: r.median,
                    mean: r.mean,
                    state: to_json(r)?,
                });
            }
        }
    }
    save.save_run(SaveRequest {
        kind: "forecast",
        file,
        text,
        title: result.title.clone(),
        config: serde_json::json!({
            "models": config.models.iter().map(|m: &Model| m.as_str()).collect::<Vec<_>>(),
            "nash": config.nash,
            "eum_preset": config.eum_preset,
            "eum": config.eum,
            "headline": config.headline.as_ref().map_or("none", detente_models::headline::Preset::as_str),
        }),
        seed: None,
        started,
        finished: now_ms(),
        result: to_json(result)?,
        values,
        eum_rounds,
        aggregates: Vec::new(),
    })?;
    Ok(())
}

/// `value` as JSON for the run store. A value that cannot be serialised (a map with non-string
/// keys, say) fails the save with a message instead of being stored as `null`.
pub fn to_json(value: &impl serde::Serialize) -> Result<serde_json::Value, Failure> {
    serde_json::to_value(value).map_err(|e| {
        Failure::Internal(miette::Report::msg(format!(
            "cannot turn the result into JSON for the run store ({e}); nothing was saved"
        )))
    })
}

/// `detente runs`.
#[derive(Debug, clap::Args)]
pub struct RunsArgs {
    #[command(subcommand)]
    command: RunsCommand,
    /// Run store (default: detente.db in the current directory).
    #[arg(long, global = true, value_name = "PATH", default_value = "detente.db")]
    db: PathBuf,
}

#[derive(Debug, Subcommand)]
enum RunsCommand {
    /// List stored runs, newest first.
    List,
    /// Show one run: header and headline values.
    Show {
        /// Run id.
        id: i64,
    },
    /// Compare two runs' headline values side by side.
    Compare {
        /// First run id.
        a: i64,
        /// Second run id.
        b: i64,
    },
    /// Write one run as JSON (everything) or CSV (headline values and aggregates).
    Export {
        /// Run id.
        id: i64,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ExportFormat {
    Json,
    Csv,
}

/// `YYYY-MM-DD HH:MM:SS` UTC from milliseconds since the epoch (Hinnant's civil-from-days).
fn utc(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn num(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_owned(), |x| format!("{x:.3}"))
}

/// Runs a `detente runs` subcommand.
pub fn run_runs(args: &RunsArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let store = Store::open_read_only(&args.db).map_err(store_failure)?;
    match &args.command {
        RunsCommand::List => {
            let listing = store.list_all().map_err(store_failure)?;
            for (id, why) in &listing.unreadable {
                eprintln!(
                    "warning: run {id} cannot be read ({why}); its row was changed outside detente, and the other runs are listed"
                );
            }
            writeln!(
                out,
                "{:>4}  {:<11}  {:<19}  {:>7}  {:<12}  {:<10}  scenario",
                "id", "kind", "started (UTC)", "seconds", "sha256", "seed"
            )?;
            for r in listing.runs {
                writeln!(
                    out,
                    "{:>4}  {:<11}  {:<19}  {:>7.1}  {:<12}  {:<10}  {} ({})",
                    r.id,
                    r.kind,
                    utc(r.started_at_ms),
                    r.finished_at_ms.saturating_sub(r.started_at_ms) as f64 / 1000.0,
                    r.scenario_sha256.get(..12).unwrap_or(""),
                    r.seed.as_deref().unwrap_or("-"),
                    r.scenario_name,
                    r.title
                )?;
            }
        }
        RunsCommand::Show { id } => {
            let run = store.get(*id).map_err(store_failure)?;
            header(out, &run)?;
            for (k, v) in &run.values {
                writeln!(out, "  {k:<48} {}", num(*v))?;
            }
        }
        RunsCommand::Compare { a, b } => {
            let ra = store.get(*a).map_err(store_failure)?;
            let rb = store.get(*b).map_err(store_failure)?;
            header(out, &ra)?;
            header(out, &rb)?;
            if ra.summary.scenario_sha256 != rb.summary.scenario_sha256 {
                writeln!(out, "note: the two runs used different scenario texts")?;
            }
            writeln!(
                out,
                "\n  {:<48} {:>10} {:>10} {:>10}",
                "value", a, b, "change"
            )?;
            // By key, in the order of run a and then of run b's own keys; each run's first
            // value of a key counts. Maps, not searches: 100,000 values took 43 s.
            fn by_key(r: &Run) -> std::collections::HashMap<&str, Option<f64>> {
                let mut map = std::collections::HashMap::new();
                for (k, v) in &r.values {
                    map.entry(k.as_str()).or_insert(*v);
                }
                map
            }
            let (values_a, values_b) = (by_key(&ra), by_key(&rb));
            let mut seen = std::collections::HashSet::new();
            let keys: Vec<&str> = ra
                .values
                .iter()
                .chain(&rb.values)
                .map(|(k, _)| k.as_str())
                .filter(|k| seen.insert(*k))
                .collect();
            for k in keys {
                let get = |map: &std::collections::HashMap<&str, Option<f64>>| {
                    map.get(k).copied().flatten()
                };
                let (va, vb) = (get(&values_a), get(&values_b));
                writeln!(
                    out,
                    "  {k:<48} {:>10} {:>10} {:>10}",
                    num(va),
                    num(vb),
                    num(va.zip(vb).map(|(a, b)| b - a))
                )?;
            }
        }
        RunsCommand::Export { id, format } => {
            let run = store.get(*id).map_err(store_failure)?;
            match format {
                ExportFormat::Json => {
                    serde_json::to_writer_pretty(&mut *out, &run).map_err(|e| {
                        Failure::Internal(Report::msg(format!("cannot write JSON: {e}")))
                    })?;
                    writeln!(out)?;
                }
                ExportFormat::Csv => {
                    let fail = |e: csv::Error| {
                        Failure::Internal(Report::msg(format!("cannot write CSV: {e}")))
                    };
                    let mut w = csv::Writer::from_writer(out);
                    w.write_record(["run", "key", "value", "mean", "p05", "median", "p95"])
                        .map_err(fail)?;
                    let cell = |x: Option<f64>| x.map_or_else(String::new, |x| x.to_string());
                    for (k, v) in &run.values {
                        let agg = run.aggregates.iter().find(|a| &a.metric == k);
                        w.write_record([
                            id.to_string(),
                            crate::output::text_cell(k),
                            cell(*v),
                            cell(agg.and_then(|a| a.mean)),
                            cell(agg.and_then(|a| a.p05)),
                            cell(agg.and_then(|a| a.median)),
                            cell(agg.and_then(|a| a.p95)),
                        ])
                        .map_err(fail)?;
                    }
                    w.flush()?;
                }
            }
        }
    }
    Ok(())
}

fn header(out: &mut dyn Write, run: &Run) -> Result<(), Failure> {
    let s = &run.summary;
    writeln!(
        out,
        "run {} ({}) of {} \"{}\", started {} UTC, {:.1} s, detente {}, seed {}, scenario sha256 {}",
        s.id,
        s.kind,
        s.scenario_name,
        s.title,
        utc(s.started_at_ms),
        s.finished_at_ms.saturating_sub(s.started_at_ms) as f64 / 1000.0,
        s.code_version,
        s.seed.as_deref().unwrap_or("-"),
        s.scenario_sha256
    )?;
    Ok(())
}
