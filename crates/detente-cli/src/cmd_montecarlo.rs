//! `detente montecarlo`, `detente shocks` and `detente sensitivity`: the uncertainty commands.
//!
//! Every number comes from `detente_sim`; this file parses options, sets up the thread pool
//! and the progress bar (on a terminal only), prints tables or JSON and, with `--save`, hands
//! the run to the store.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use clap::ValueEnum;
use detente_analysis::{AnalysisConfig, AnalysisError, Selection};
use detente_core::Scenario;
use detente_models::bargain::PackageConfig;
use detente_models::forecast::{ForecastConfig, Model};
use detente_sim::sensitivity::{
    Sensitivity, SensitivityConfig, sensitivity, sensitivity_shard_until,
};
use detente_sim::shocks::{DEFAULT_SHOCKS, shocks};
use detente_sim::{
    MonteCarloConfig, MonteCarloResult, Noise, Shard, Target, montecarlo, montecarlo_shard_until,
};
use indicatif::{ProgressBar, ProgressStyle};
use miette::Report;

use crate::Failure;
use crate::cmd_runs::{SaveArgs, SaveRequest, now_ms};
use crate::input::{load_scenario, read_text};

/// What to simulate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TargetArg {
    /// Every spatial model and package bargaining, plus the delay model when the scenario has a
    /// `[time]` section.
    All,
    /// Compromise model.
    Compromise,
    /// Weighted median.
    Median,
    /// Nash bargaining on each issue.
    Nash,
    /// Expected utility model.
    Eum,
    /// Package bargaining across issues (ZOPA and the Nash package).
    Package,
    /// The time model: zone of agreement at month 0, ripeness month, and each party's utility
    /// in the ripe month's Nash deal.
    Delay,
}

/// Table or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SimFormat {
    /// A report for people.
    Table,
    /// The full result (schemas in docs/output-format.md).
    Json,
}

/// Options shared by the three commands.
#[derive(Debug, clap::Args)]
pub struct SimCommon {
    /// Scenario file (TOML or JSON).
    pub file: PathBuf,
    /// Models to run; repeat or separate with commas.
    #[arg(long, short, value_enum, value_delimiter = ',', default_value = "all")]
    pub model: Vec<TargetArg>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = SimFormat::Table)]
    pub format: SimFormat,
    /// Grid step of package bargaining (and of the delay model's packages) on each issue's scale.
    #[arg(long, default_value_t = PackageConfig::default().step)]
    pub package_step: f64,
    /// Delay model: months to look ahead (default: the scenario's `[time] horizon`, else 24).
    #[arg(long)]
    pub months: Option<u32>,
    /// Delay model: levers to apply in every run (ids from `[[time.levers]]`); repeat or
    /// separate with commas.
    #[arg(long, value_delimiter = ',')]
    pub lever: Vec<String>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    #[command(flatten)]
    pub save: SaveArgs,
}

/// `detente montecarlo`.
#[derive(Debug, clap::Args)]
pub struct MonteCarloArgs {
    #[command(flatten)]
    common: SimCommon,
    /// Number of trials.
    #[arg(long, default_value_t = MonteCarloConfig::default().trials)]
    trials: u64,
    /// Master seed; the same seed gives the same output on any number of threads.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    #[command(flatten)]
    noise: NoiseArgs,
    /// Run only part I of N of the trials (counted from 0) and print that part as a shard
    /// document (JSON) for `detente merge`, which gives the unsharded output exactly.
    #[arg(long, value_name = "I/N", conflicts_with_all = ["format", "save"])]
    shard: Option<Shard>,
}

/// `--noise` and `--no-scenario-uncertainty`, shared by `montecarlo`, `sensitivity` and
/// `forecast --trials`.
#[derive(Debug, Default, clap::Args)]
pub struct NoiseArgs {
    /// Extra noise, NAME=VALUE: position=SD (scale units, for positions with no sd/range of
    /// their own), salience=REL (relative sd, clamped normal), capability=REL, drift=REL,
    /// cost=REL (relative sd on the log scale: log-normal). Repeat or separate with commas.
    #[arg(long, value_delimiter = ',')]
    pub noise: Vec<String>,
    /// Ignore the scenario's own sd/range (only --noise varies inputs).
    #[arg(long)]
    pub no_scenario_uncertainty: bool,
}

impl NoiseArgs {
    /// The noise these options describe.
    pub fn noise(&self) -> Result<Noise, Failure> {
        let mut noise = Noise {
            ignore_scenario: self.no_scenario_uncertainty,
            ..Noise::default()
        };
        for spec in &self.noise {
            noise
                .set(spec)
                .map_err(|e| input(format!("--noise: {e}")))?;
        }
        Ok(noise)
    }
}

/// `detente shocks`.
#[derive(Debug, clap::Args)]
pub struct ShocksArgs {
    #[command(flatten)]
    common: SimCommon,
}

/// `detente sensitivity`.
#[derive(Debug, clap::Args)]
pub struct SensitivityArgs {
    #[command(flatten)]
    common: SimCommon,
    /// Trials of the regression (standardised regression coefficients); 0 skips it.
    #[arg(long, default_value_t = SensitivityConfig::default().trials)]
    trials: u64,
    /// Master seed of the regression sample.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Bars shown per forecast in the table.
    #[arg(long, default_value_t = 8)]
    top: usize,
    // Ranges from noise settings instead of the defaults: the central 90% of what
    // `montecarlo --noise` would draw (same NAME=VALUE syntax).
    #[command(flatten)]
    noise: NoiseArgs,
    /// Run only part I of N of the tornado's inputs and the regression's trials (counted from
    /// 0) and print that part as a shard document (JSON) for `detente merge`.
    #[arg(long, value_name = "I/N", conflicts_with_all = ["format", "save"])]
    shard: Option<Shard>,
}

fn input(msg: String) -> Failure {
    Failure::Input(Report::msg(msg))
}

fn targets(common: &SimCommon, scenario: &Scenario) -> Result<Vec<Target>, Failure> {
    if !(common.package_step.is_finite() && common.package_step > 0.0) {
        return Err(input(format!(
            "--package-step must be a positive number, got {}",
            common.package_step
        )));
    }
    let selection = Selection {
        all: common.model.contains(&TargetArg::All),
        spatial: common
            .model
            .iter()
            .filter_map(|t| match t {
                TargetArg::Compromise => Some(Model::Compromise),
                TargetArg::Median => Some(Model::Median),
                TargetArg::Nash => Some(Model::Nash),
                TargetArg::Eum => Some(Model::Eum),
                TargetArg::All | TargetArg::Package | TargetArg::Delay => None,
            })
            .collect(),
        package: common.model.contains(&TargetArg::Package),
        delay: common.model.contains(&TargetArg::Delay),
    };
    let config = AnalysisConfig {
        package: PackageConfig {
            step: common.package_step,
            ..PackageConfig::default()
        },
        months: common.months,
        levers: common.lever.clone(),
        ..AnalysisConfig::default()
    };
    config.targets(scenario, &selection).map_err(|e| match e {
        AnalysisError::NoTime => input(format!(
            "{e}\n  help: add a `[time]` section (docs/scenario-format.md, \"Time\") or leave `delay` out of --model"
        )),
        other => input(other.to_string()),
    })
}

/// Most worker threads (issue 16: `--threads 100000` spent 20 s spawning them).
const MAX_THREADS: usize = 1024;

fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool, Failure> {
    if threads == Some(0) || threads > Some(MAX_THREADS) {
        return Err(input(format!("--threads must be from 1 to {MAX_THREADS}")));
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| Failure::Internal(Report::msg(format!("cannot start threads: {e}"))))
}

/// A progress bar with rate and ETA on a terminal; hidden when stderr is piped.
/// A progress bar over `total` `unit`s (trials, or a sensitivity analysis's model runs).
fn progress_bar(total: u64, what: &str, unit: &str) -> ProgressBar {
    if total == 0 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    let style = ProgressStyle::with_template(&format!(
        "{what} {{bar:40}} {{pos}}/{{len}} {unit}  {{per_sec}}  ETA {{eta}}"
    ))
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

fn target_error(e: detente_sim::TargetError) -> Failure {
    match e {
        // Their messages carry their own advice.
        detente_sim::TargetError::NoTrialFitsEvents { .. }
        | detente_sim::TargetError::EventsNotShardable
        | detente_sim::TargetError::RegressionTooLarge { .. }
        | detente_sim::TargetError::PartTooLarge { .. } => input(e.to_string()),
        _ => input(format!(
            "{e}\n  help: check the package options (--package-step), the delay options (--lever, --months) or drop `package`/`delay` from --model"
        )),
    }
}

/// What the table says of a run conditioned on the scenario's events, if it was.
fn events_lines(r: &MonteCarloResult) -> Option<String> {
    let c = r.events.as_ref()?;
    let mut text = format!(
        "Conditioned on {} event(s) of [[time.events]] ({} read): {} of {} trials consistent, effective sample size {:.0}{}; the numbers below are posterior.",
        c.events,
        c.read,
        c.consistent,
        c.trials,
        c.ess,
        if c.small {
            " (small: the posterior rests on few trials; run more trials)"
        } else {
            ""
        }
    );
    if !c.rate_prior.is_empty() {
        let pairs: Vec<String> = c
            .rate_prior
            .iter()
            .zip(&c.rate_posterior)
            .map(|(a, b)| format!("{a:.2} -> {b:.2}"))
            .collect();
        text.push_str(&format!(
            "\n  drift rates a month ([[time.drift]] in file order), before -> after the events: {}",
            pairs.join(", ")
        ));
    }
    for why in &c.not_read {
        text.push_str(&format!("\n  not read: {why}"));
    }
    Some(text)
}

fn load(common: &SimCommon) -> Result<(Scenario, String), Failure> {
    let text = read_text(&common.file)?;
    let parsed = load_scenario(&common.file, common.format == SimFormat::Json)?;
    Ok((parsed.scenario, text))
}

fn json(out: &mut dyn Write, value: &impl serde::Serialize) -> Result<(), Failure> {
    serde_json::to_writer_pretty(&mut *out, value)
        .map_err(|e| Failure::Internal(Report::msg(format!("cannot write JSON: {e}"))))?;
    writeln!(out)?;
    Ok(())
}

fn fmt(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_owned(), |x| format!("{x:.1}"))
}

/// Like [`fmt`], with three decimals when the metric's point forecast `like` is under 10 in
/// magnitude (utilities, probabilities, small scales): one decimal printed utility swings as
/// "0.0 (0.9 .. 0.8)" (issue 16). All numbers of one metric share the precision.
fn fmt_like(x: Option<f64>, like: Option<f64>) -> String {
    let decimals = if like.is_some_and(|l| l.abs() < 10.0) {
        3
    } else {
        1
    };
    x.map_or_else(|| "-".to_owned(), |x| format!("{x:.decimals$}"))
}

fn fmt_kind(x: Option<f64>, kind: detente_sim::MetricKind) -> String {
    match kind {
        detente_sim::MetricKind::Position | detente_sim::MetricKind::Month => fmt(x),
        _ => x.map_or_else(|| "-".to_owned(), |x| format!("{x:.3}")),
    }
}

/// A one-line histogram.
fn spark(counts: &[u64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = counts.iter().copied().max().unwrap_or(0);
    counts
        .iter()
        .map(|&c| {
            if c == 0 || max == 0 {
                ' '
            } else {
                BARS[((c as f64 / max as f64) * 7.0).round() as usize]
            }
        })
        .collect()
}

/// Runs one part of a sharded run (its `trials`) on the pool and prints its shard document.
fn print_shard<T: serde::Serialize + Send>(
    out: &mut dyn Write,
    threads: Option<usize>,
    trials: std::ops::Range<u64>,
    what: &str,
    run: impl FnOnce(&(dyn Fn(u64) + Sync)) -> Result<Option<T>, detente_sim::TargetError> + Send,
) -> Result<(), Failure> {
    let bar = progress_bar(trials.end - trials.start, what, "trials");
    let part = pool(threads)?
        .install(|| run(&|done| bar.set_position(done)))
        .map_err(target_error)?;
    bar.finish_and_clear();
    match part {
        Some(part) => json(out, &part),
        None => Err(Failure::Internal(Report::msg("the run stopped early"))),
    }
}

/// Runs `detente montecarlo`.
pub fn run_montecarlo(args: &MonteCarloArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let common = &args.common;
    let noise = args.noise.noise()?;
    let (scenario, text) = load(common)?;
    let targets = targets(common, &scenario)?;
    if !noise.varies(&scenario) {
        eprintln!(
            "note: no input varies (the scenario gives no sd/range and no --noise was set), so every trial repeats the point forecast"
        );
    }
    let config = MonteCarloConfig {
        trials: args.trials,
        seed: args.seed,
        noise,
        ..MonteCarloConfig::default()
    };
    if let Some(shard) = args.shard {
        return print_shard(
            out,
            common.threads,
            shard.range(args.trials),
            "montecarlo",
            |p| montecarlo_shard_until(&scenario, &targets, &config, shard, p, &|| false),
        );
    }
    let started = now_ms();
    let bar = progress_bar(args.trials, "montecarlo", "trials");
    let result = pool(common.threads)?
        .install(|| montecarlo(&scenario, &targets, &config, &|done| bar.set_position(done)))
        .map_err(target_error)?;
    bar.finish_and_clear();
    let finished = now_ms();
    match common.format {
        SimFormat::Json => json(out, &result)?,
        SimFormat::Table => mc_table(out, &result)?,
    }
    if common.save.save {
        let values = result
            .metrics
            .iter()
            .map(|m| (m.metric.key.clone(), m.summary.mean))
            .collect();
        let aggregates = result
            .metrics
            .iter()
            .map(|m| {
                Ok(detente_store::Aggregate {
                    metric: m.metric.key.clone(),
                    mean: m.summary.mean,
                    p05: m.summary.p05,
                    median: m.summary.median,
                    p95: m.summary.p95,
                    summary: crate::cmd_runs::to_json(m)?,
                })
            })
            .collect::<Result<_, Failure>>()?;
        common.save.save_run(SaveRequest {
            kind: "montecarlo",
            file: &common.file,
            text,
            title: scenario.meta.title.clone(),
            config: serde_json::json!({ "montecarlo": &config, "models": format!("{:?}", common.model), "package_step": common.package_step }),
            seed: Some(args.seed),
            started,
            finished,
            result: crate::cmd_runs::to_json(&result)?,
            values,
            eum_rounds: Vec::new(),
            aggregates,
        })?;
    }
    Ok(())
}

/// The Monte Carlo table (of `detente montecarlo`, or merged by `detente merge`).
pub fn mc_table(out: &mut dyn Write, r: &MonteCarloResult) -> Result<(), Failure> {
    writeln!(out, "{}", r.title)?;
    writeln!(
        out,
        "Monte Carlo: {} trials, seed {}; noise: scenario sd/range{}{}{}{}{}{}",
        r.trials,
        r.seed,
        if r.noise.ignore_scenario {
            " ignored"
        } else {
            ""
        },
        r.noise
            .position
            .map_or(String::new(), |p| format!(", position sd {p}")),
        if r.noise.salience > 0.0 {
            format!(", salience x(1 ± {})", r.noise.salience)
        } else {
            String::new()
        },
        if r.noise.capability > 0.0 {
            format!(", capability log-sd {}", r.noise.capability)
        } else {
            String::new()
        },
        if r.noise.drift > 0.0 {
            format!(", drift log-sd {}", r.noise.drift)
        } else {
            String::new()
        },
        if r.noise.cost > 0.0 {
            format!(", monthly cost log-sd {}", r.noise.cost)
        } else {
            String::new()
        },
    )?;
    let method = r
        .metrics
        .iter()
        .find(|m| m.summary.count > 0)
        .map_or("exact", |m| match m.summary.quantile_method {
            detente_sim::QuantileMethod::Exact => "exact",
            detente_sim::QuantileMethod::Histogram => "from a 4096-bin histogram",
        });
    if let Some(lines) = events_lines(r) {
        writeln!(out, "{lines}")?;
    }
    writeln!(
        out,
        "Percentiles {method}; histogram over each scale (20 bins; one bin per month for a month).\n"
    )?;
    writeln!(
        out,
        "{:<34} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>5}  histogram",
        "forecast", "point", "mean", "p5", "p25", "p50", "p75", "p95", "miss"
    )?;
    for m in &r.metrics {
        let k = m.metric.kind;
        let s = &m.summary;
        writeln!(
            out,
            "{:<34} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>5}  |{}|",
            m.metric.key,
            fmt_kind(m.baseline, k),
            fmt_kind(s.mean, k),
            fmt_kind(s.p05, k),
            fmt_kind(s.p25, k),
            fmt_kind(s.median, k),
            fmt_kind(s.p75, k),
            fmt_kind(s.p95, k),
            s.missing,
            spark(&s.histogram.counts)
        )?;
    }
    if let Some(z) = r.metrics.iter().find(|m| m.metric.key == "package/zopa") {
        writeln!(
            out,
            "\nA zone of agreement exists in {:.1}% of trials.",
            100.0 * z.summary.mean.unwrap_or(0.0)
        )?;
    }
    Ok(())
}

/// Runs `detente shocks`.
pub fn run_shocks(args: &ShocksArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let common = &args.common;
    let (scenario, text) = load(common)?;
    let targets = targets(common, &scenario)?;
    let started = now_ms();
    let table = pool(common.threads)?
        .install(|| shocks(&scenario, &targets, &DEFAULT_SHOCKS))
        .map_err(target_error)?;
    let finished = now_ms();
    match common.format {
        SimFormat::Json => json(out, &table)?,
        SimFormat::Table => {
            writeln!(out, "{}", scenario.meta.title)?;
            writeln!(
                out,
                "Shocks: how each what-if moves each forecast (change from the point forecast; \
                 `-` = no forecast).\n"
            )?;
            let keys: Vec<&str> = table.baseline.iter().map(|(k, _)| k.as_str()).collect();
            let width = keys.iter().map(|k| k.len()).max().unwrap_or(8).max(8);
            for (i, key) in keys.iter().enumerate() {
                write!(
                    out,
                    "{key:<width$} point {:>6}:",
                    fmt_like(table.baseline[i].1, table.baseline[i].1)
                )?;
                let mut moves: Vec<(f64, String)> = table
                    .rows
                    .iter()
                    .filter_map(|r| {
                        let e = r.effects.get(i)?;
                        let d = e.delta?;
                        (d.abs() >= 0.05).then(|| (d, format!("{} {}", r.actor, r.shock.label())))
                    })
                    .collect();
                moves.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()));
                if moves.is_empty() {
                    write!(out, " no shock moves it")?;
                }
                for (d, label) in moves.iter().take(4) {
                    let sign = if *d >= 0.0 { "+" } else { "" };
                    write!(
                        out,
                        "  {label} {sign}{}",
                        fmt_like(Some(*d), table.baseline[i].1)
                    )?;
                }
                if moves.len() > 4 {
                    write!(out, "  (+{} more)", moves.len() - 4)?;
                }
                writeln!(out)?;
            }
        }
    }
    if common.save.save {
        let values = table
            .rows
            .iter()
            .flat_map(|r| {
                r.effects.iter().map(move |e| {
                    (
                        format!("{}/{}/{}", e.metric, r.actor, r.shock.label()),
                        e.value,
                    )
                })
            })
            .collect();
        common.save.save_run(SaveRequest {
            kind: "shocks",
            file: &common.file,
            text,
            title: scenario.meta.title.clone(),
            config: serde_json::json!({ "shocks": DEFAULT_SHOCKS, "models": format!("{:?}", common.model), "package_step": common.package_step }),
            seed: None,
            started,
            finished,
            result: crate::cmd_runs::to_json(&table)?,
            values,
            eum_rounds: Vec::new(),
            aggregates: Vec::new(),
        })?;
    }
    Ok(())
}

/// Runs `detente sensitivity`.
pub fn run_sensitivity(args: &SensitivityArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let common = &args.common;
    let noise = args.noise.noise()?;
    let (scenario, text) = load(common)?;
    let targets = targets(common, &scenario)?;
    let config = SensitivityConfig {
        trials: args.trials,
        seed: args.seed,
        noise,
        ..SensitivityConfig::default()
    };
    if let Some(shard) = args.shard {
        return print_shard(
            out,
            common.threads,
            shard.range(args.trials),
            "sensitivity",
            |p| sensitivity_shard_until(&scenario, &targets, &config, shard, p, &|| false),
        );
    }
    let started = now_ms();
    // The tornado's runs (two per input) come first, then the regression's trials.
    let bar = progress_bar(
        detente_sim::sensitivity::runs(&scenario, &targets, &config),
        "sensitivity",
        "runs",
    );
    let result = pool(common.threads)?
        .install(|| sensitivity(&scenario, &targets, &config, &|done| bar.set_position(done)))
        .map_err(target_error)?;
    bar.finish_and_clear();
    let finished = now_ms();
    match common.format {
        SimFormat::Json => json(out, &result)?,
        SimFormat::Table => sensitivity_table(out, &scenario.meta.title, &result, args.top)?,
    }
    if common.save.save {
        common.save.save_run(SaveRequest {
            kind: "sensitivity",
            file: &common.file,
            text,
            title: scenario.meta.title.clone(),
            config: serde_json::json!({ "sensitivity": &config, "models": format!("{:?}", common.model), "package_step": common.package_step }),
            seed: Some(args.seed),
            started,
            finished,
            result: crate::cmd_runs::to_json(&result)?,
            values: result
                .metrics
                .iter()
                .map(|m| (m.metric.clone(), m.baseline))
                .collect(),
            eum_rounds: Vec::new(),
            aggregates: Vec::new(),
        })?;
    }
    Ok(())
}

/// The sensitivity report (of `detente sensitivity`, or merged by `detente merge`), `top` bars
/// per forecast.
pub fn sensitivity_table(
    out: &mut dyn Write,
    title: &str,
    result: &Sensitivity,
    top: usize,
) -> Result<(), Failure> {
    {
        {
            writeln!(out, "{title}")?;
            writeln!(
                out,
                "Sensitivity: {} inputs. Tornado: each input alone at the ends of its range \
                 (its sd/range, else the central 90% of --noise, else position ±10% of the scale, \
                 salience ±0.1, capability, drift and monthly cost ×/÷1.5). \
                 SRC: standardised regression coefficient over {} joint uniform draws (seed {}); \
                 R² is the share of variance a linear model explains.\n",
                result.inputs.len(),
                result.config.trials,
                result.config.seed
            )?;
            for m in &result.metrics {
                writeln!(
                    out,
                    "{}  (point {}, R² {})",
                    m.metric,
                    fmt_like(m.baseline, m.baseline),
                    m.r_squared
                        .map_or_else(|| "-".to_owned(), |r| format!("{r:.2}"))
                )?;
                let max = m.tornado.first().map_or(0.0, |b| b.swing);
                for bar in m.tornado.iter().take(top).filter(|b| b.swing > 0.0) {
                    let len = if max > 0.0 {
                        (bar.swing / max * 20.0).round() as usize
                    } else {
                        0
                    };
                    let src = m
                        .src
                        .iter()
                        .find(|s| s.input == bar.input)
                        .map_or_else(|| "     -".to_owned(), |s| format!("{:+6.2}", s.src));
                    writeln!(
                        out,
                        "  {:<36} {:<20} swing {:>6}  ({} .. {})  SRC {src}",
                        bar.input,
                        "#".repeat(len),
                        fmt_like(Some(bar.swing), m.baseline),
                        fmt_like(bar.at_low, m.baseline),
                        fmt_like(bar.at_high, m.baseline),
                    )?;
                }
                if max == 0.0 {
                    writeln!(out, "  no single input moves it")?;
                }
            }
        }
    }
    Ok(())
}

/// `--trials`, `--seed`, `--noise` and `--threads` on `detente forecast`: a Monte Carlo band
/// beside each point forecast.
#[derive(Debug, clap::Args)]
pub struct BandArgs {
    /// Also run this many Monte Carlo trials (as `detente montecarlo`) and print the
    /// percentiles beside each point forecast.
    #[arg(long)]
    pub trials: Option<u64>,
    /// Master seed of those trials.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    #[command(flatten)]
    pub noise: NoiseArgs,
    /// Worker threads for the trials (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
}

/// Runs the trials `args` asks for on the spatial models of `config`, or nothing without
/// `--trials`.
pub fn forecast_band(
    args: &BandArgs,
    scenario: &Scenario,
    config: &ForecastConfig,
) -> Result<Option<MonteCarloResult>, Failure> {
    let Some(trials) = args.trials else {
        if !args.noise.noise.is_empty() || args.noise.no_scenario_uncertainty {
            return Err(input(
                "--noise and --no-scenario-uncertainty need --trials N on `forecast`".to_owned(),
            ));
        }
        return Ok(None);
    };
    let noise = args.noise.noise()?;
    if !noise.varies(scenario) {
        eprintln!(
            "note: no input varies (the scenario gives no sd/range and no --noise was set), so every trial repeats the point forecast"
        );
    }
    let mc = MonteCarloConfig {
        trials,
        seed: args.seed,
        noise,
        ..MonteCarloConfig::default()
    };
    let targets = [Target::Spatial(config.clone())];
    let bar = progress_bar(trials, "forecast --trials", "trials");
    let result = pool(args.threads)?
        .install(|| montecarlo(scenario, &targets, &mc, &|done| bar.set_position(done)))
        .map_err(target_error)?;
    bar.finish_and_clear();
    Ok(Some(result))
}

/// The band table printed after the forecast report.
pub fn band_table(out: &mut dyn Write, r: &MonteCarloResult) -> Result<(), Failure> {
    writeln!(
        out,
        "\nMonte Carlo band: {} trials, seed {} (percentiles of each forecast; `detente montecarlo` \
         gives histograms)\n",
        r.trials, r.seed
    )?;
    if let Some(lines) = events_lines(r) {
        writeln!(out, "{lines}\n")?;
    }
    writeln!(
        out,
        "{:<34} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>5}",
        "forecast", "point", "p5", "p25", "p50", "p75", "p95", "miss"
    )?;
    for m in &r.metrics {
        let s = &m.summary;
        writeln!(
            out,
            "{:<34} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>5}",
            m.metric.key,
            fmt(m.baseline),
            fmt(s.p05),
            fmt(s.p25),
            fmt(s.median),
            fmt(s.p75),
            fmt(s.p95),
            s.missing
        )?;
    }
    Ok(())
}

/// The forecast JSON document with the Monte Carlo result under `"montecarlo"`.
pub fn forecast_json_with_band(
    out: &mut dyn Write,
    forecast: &detente_models::forecast::Forecast,
    band: &MonteCarloResult,
) -> Result<(), Failure> {
    let fail =
        |e: serde_json::Error| Failure::Internal(Report::msg(format!("cannot write JSON: {e}")));
    // Through a `Value` (whose map sorts its keys), as this document has always been written.
    let doc = serde_json::to_value(detente_analysis::ForecastDocument {
        forecast,
        montecarlo: Some(band),
    })
    .map_err(fail)?;
    json(out, &doc)
}
