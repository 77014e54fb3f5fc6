//! `detente delay FILE`: the month-by-month cost of delay (status-quo drift, disagreement values,
//! the Nash deal, each party's cost of waiting, whether a zone of agreement exists), the ripeness
//! month, and the alternating-offers equilibrium. Every number comes from
//! `detente_models::dynamics`. When the scenario's `[time]` gives beliefs, audience costs or
//! enforcement, a second part answers "when" under uncertainty: the settlement forecast of
//! `detente_sim::settle` (P(deal by month), median deal month, terms, who moves most, and the
//! sensitivity to the beliefs); without them the output is exactly the older one.

use std::io::Write;
use std::path::PathBuf;

use detente_analysis::{AnalysisConfig, DelayDocument};
use detente_core::Scenario;
use detente_models::dynamics::{Deal, DelayReport, Spe};
use detente_sim::settle::{SettleConfig, SettlementReport};
use miette::Report;

use crate::Failure;
use crate::cmd_bargain::{
    Format, PackageArgs, csv_error, fmt_num, fmt_signed, fmt_u, input_error, party_name,
    write_package,
};
use crate::input::load_scenario;

/// `detente delay`.
#[derive(Debug, clap::Args)]
pub struct DelayArgs {
    /// Scenario file (TOML or JSON).
    pub file: PathBuf,
    /// Months to look ahead (default: the scenario's `[time] horizon`, else 24).
    #[arg(long)]
    pub months: Option<u32>,
    /// Levers to apply (ids from `[[time.levers]]`); repeat or separate with commas.
    #[arg(long, value_delimiter = ',')]
    pub lever: Vec<String>,
    /// Party that makes the first offer in the alternating-offers game (default: the first).
    #[arg(long)]
    pub first_proposer: Option<String>,
    #[command(flatten)]
    pub package: PackageArgs,
    #[command(flatten)]
    pub settle: SettleArgs,
    #[command(flatten)]
    pub save: crate::cmd_runs::SaveArgs,
}

/// Options of the settlement forecast, read only when the scenario's `[time]` gives beliefs,
/// audience costs or enforcement.
#[derive(Debug, Clone, clap::Args)]
pub struct SettleArgs {
    /// Trials of the settlement forecast (bargaining while fighting).
    #[arg(long, default_value_t = SettleConfig::default().trials)]
    pub trials: u64,
    /// Master seed of the settlement forecast.
    #[arg(long, default_value_t = SettleConfig::default().seed)]
    pub seed: u64,
    /// Relative (log-scale) sd of each drift's true rate in the settlement forecast.
    #[arg(long, default_value_t = SettleConfig::default().rate_noise)]
    pub rate_noise: f64,
    /// Copies of the scenario drawn from its positions' own sd/range (0: as written).
    #[arg(long, default_value_t = SettleConfig::default().position_draws)]
    pub position_draws: usize,
}

/// The most trials the settlement forecast runs.
pub(crate) const MAX_TRIALS: u64 = 1_000_000;
/// The most position copies.
const MAX_POSITION_DRAWS: usize = 1000;

impl SettleArgs {
    /// The settlement options, or a usage error naming the bad option.
    pub fn config(&self) -> Result<SettleConfig, Failure> {
        if !(1..=MAX_TRIALS).contains(&self.trials) {
            return Err(Failure::Input(Report::msg(format!(
                "--trials {} is outside 1..={MAX_TRIALS}\n  help: give the number of Monte Carlo trials, e.g. --trials 1000",
                self.trials
            ))));
        }
        if !(self.rate_noise.is_finite() && self.rate_noise >= 0.0) {
            return Err(Failure::Input(Report::msg(format!(
                "--rate-noise {} is not a number >= 0\n  help: give the relative sd of the true drift rate, e.g. --rate-noise 0.3 (0: the analyst's rate)",
                self.rate_noise
            ))));
        }
        if self.position_draws > MAX_POSITION_DRAWS {
            return Err(Failure::Input(Report::msg(format!(
                "--position-draws {} is above {MAX_POSITION_DRAWS}\n  help: give the number of scenario copies drawn from the positions' sd/range, e.g. 20 (0: positions as written)",
                self.position_draws
            ))));
        }
        Ok(SettleConfig {
            trials: self.trials,
            seed: self.seed,
            rate_noise: self.rate_noise,
            position_draws: self.position_draws,
            ..SettleConfig::default()
        })
    }
}

/// The analysis config of the options `delay` and `levers` share.
pub fn config(
    package: &PackageArgs,
    months: Option<u32>,
    first_proposer: Option<String>,
    settle: &SettleArgs,
) -> Result<AnalysisConfig, Failure> {
    Ok(AnalysisConfig {
        package: package.package(),
        months,
        first_proposer,
        settle: settle.config()?,
        ..AnalysisConfig::default()
    }
    .with_nash_weights(package.nash_weights()))
}

/// Runs `detente delay`.
pub fn run(args: &DelayArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let parsed = load_scenario(&args.file, args.package.format != Format::Table)?;
    crate::cli::check_parties(&parsed.scenario, &args.package.parties)?;
    let scenario = &parsed.scenario;
    let config = AnalysisConfig {
        levers: args.lever.clone(),
        ..config(
            &args.package,
            args.months,
            args.first_proposer.clone(),
            &args.settle,
        )?
    };
    let started = crate::cmd_runs::now_ms();
    let report =
        detente_analysis::delay(scenario, &config).map_err(|e| input_error(&args.file, e))?;
    let settlement = if detente_analysis::fights(scenario) {
        // Seconds of trials with nothing printed yet: say what runs.
        let status = crate::status::Status::new("delay");
        status.show(crate::status::with_trials(
            "settlement forecast",
            Some(config.settle.trials),
        ));
        Some(
            detente_analysis::settlement(scenario, &config)
                .map_err(|e| input_error(&args.file, e))?,
        )
    } else {
        None
    };
    if args.save.save {
        save(args, scenario, &report, settlement.as_ref(), started)?;
    }
    match args.package.format {
        Format::Json => {
            let doc = DelayDocument::new(scenario, &report, settlement.as_ref());
            serde_json::to_writer_pretty(&mut *out, &doc)
                .map_err(|e| Failure::Internal(Report::msg(e.to_string())))?;
            writeln!(out)?;
        }
        Format::Csv => csv(out, &report, settlement.as_ref())?,
        Format::Table => {
            table(out, scenario, &args.package, &report)?;
            if let Some(s) = &settlement {
                write_settlement(out, scenario, s)?;
            }
        }
    }
    Ok(())
}

/// Stores the run: the whole month-by-month table (the `detente.delay/1` document) as the result,
/// and as headline values the ripeness month, and per party and month the no-deal value, the
/// Nash deal's utility and the cost of delay, so `detente runs compare` can line two runs up.
///
/// With a settlement forecast, the document carries it (`settlement`) and the values add the
/// median deal month (`settle/median-month`, missing when not within the horizon) and
/// `settle/p-deal-by/month-<m>` for every month.
fn save(
    args: &DelayArgs,
    scenario: &detente_core::Scenario,
    report: &DelayReport,
    settlement: Option<&SettlementReport>,
    started: i64,
) -> Result<(), Failure> {
    let doc = DelayDocument::new(scenario, report, settlement);
    let mut values = vec![(
        "delay/ripeness-month".to_owned(),
        report.ripeness.map(f64::from),
    )];
    for m in &report.months {
        for (i, party) in report.parties.iter().enumerate() {
            let at = |what: &str| format!("delay/month-{}/{party}/{what}", m.month);
            values.push((at("no-deal"), m.disagreement.get(i).copied()));
            values.push((
                at("nash"),
                m.nash.as_ref().and_then(|d| d.utilities.get(i).copied()),
            ));
            values.push((
                at("cost-of-delay"),
                m.cost_of_delay.as_ref().and_then(|c| c.get(i).copied()),
            ));
        }
    }
    if let Some(s) = settlement {
        values.push((
            "settle/median-month".to_owned(),
            s.forecast.median_month.map(f64::from),
        ));
        for m in &s.forecast.by_month {
            values.push((format!("settle/p-deal-by/month-{}", m.month), Some(m.p)));
        }
    }
    args.save.save_run(crate::cmd_runs::SaveRequest {
        kind: "delay",
        file: &args.file,
        text: crate::input::read_text(&args.file)?,
        title: scenario.meta.title.clone(),
        config: serde_json::json!({
            "months": args.months,
            "levers": args.lever,
            "first_proposer": args.first_proposer,
            "step": args.package.step,
            "parties": args.package.parties,
            "loss": format!("{:?}", args.package.loss).to_lowercase(),
            "nash": format!("{:?}", args.package.nash).to_lowercase(),
            "settlement": settlement.map(|_| serde_json::json!({
                "trials": args.settle.trials,
                "rate_noise": args.settle.rate_noise,
                "position_draws": args.settle.position_draws,
            })),
        }),
        seed: settlement.map(|_| args.settle.seed),
        started,
        finished: crate::cmd_runs::now_ms(),
        result: crate::cmd_runs::to_json(&doc)?,
        values,
        eum_rounds: Vec::new(),
        aggregates: Vec::new(),
    })?;
    Ok(())
}

fn csv(
    out: &mut dyn Write,
    r: &DelayReport,
    settlement: Option<&SettlementReport>,
) -> Result<(), Failure> {
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec!["month".to_owned()];
    header.extend(r.issues.iter().map(|i| format!("status_quo_{i}")));
    header.extend(r.parties.iter().map(|p| format!("cost_{p}")));
    header.extend(r.parties.iter().map(|p| format!("no_deal_{p}")));
    header.push("zone".to_owned());
    header.extend(r.issues.iter().map(|i| format!("nash_{i}")));
    header.extend(r.parties.iter().map(|p| format!("nash_utility_{p}")));
    header.extend(r.parties.iter().map(|p| format!("cost_of_delay_{p}")));
    header.push("ripe".to_owned());
    if settlement.is_some() {
        header.extend(["p_deal_by_month", "p_deal_lo", "p_deal_hi"].map(str::to_owned));
    }
    // With veto allies: the curve of the parties alone (the forecast without the vetoes).
    let alone = settlement.is_some_and(|s| !s.forecast.parties_by_month.is_empty());
    if alone {
        header.push("p_parties_alone_by_month".to_owned());
    }
    w.write_record(&header).map_err(csv_error)?;
    for m in &r.months {
        let mut row = vec![m.month.to_string()];
        row.extend(m.status_quo.iter().map(|x| format!("{x}")));
        row.extend(m.cost.iter().map(|x| format!("{x:.6}")));
        row.extend(m.disagreement.iter().map(|x| format!("{x:.6}")));
        row.push(m.zone.to_string());
        match &m.nash {
            Some(d) => {
                row.extend(d.values.iter().map(|x| format!("{x}")));
                row.extend(d.utilities.iter().map(|x| format!("{x:.6}")));
            }
            None => row.extend(std::iter::repeat_n(
                String::new(),
                r.issues.len() + r.parties.len(),
            )),
        }
        match &m.cost_of_delay {
            Some(c) => row.extend(c.iter().map(|x| format!("{x:.6}"))),
            None => row.extend(std::iter::repeat_n(String::new(), r.parties.len())),
        }
        row.push(m.ripe.to_string());
        if let Some(s) = settlement {
            match s.forecast.by_month.get(m.month as usize) {
                Some(b) => row.extend([b.p, b.lo, b.hi].map(|x| format!("{x:.6}"))),
                None => row.extend(std::iter::repeat_n(String::new(), 3)),
            }
            if alone {
                row.push(
                    s.forecast
                        .parties_by_month
                        .get(m.month as usize)
                        .map_or_else(String::new, |p| format!("{p:.6}")),
                );
            }
        }
        w.write_record(&row).map_err(csv_error)?;
    }
    w.flush()?;
    Ok(())
}

/// Issues whose status quo or Nash value changes over the months: the columns worth showing.
fn moving_issues(r: &DelayReport) -> Vec<usize> {
    (0..r.issues.len())
        .filter(|&k| {
            let first = &r.months[0];
            r.months.iter().any(|m| {
                m.status_quo[k] != first.status_quo[k]
                    || m.nash.as_ref().map(|d| d.values[k])
                        != first.nash.as_ref().map(|d| d.values[k])
            })
        })
        .collect()
}

fn table(
    out: &mut dyn Write,
    scenario: &Scenario,
    package: &PackageArgs,
    r: &DelayReport,
) -> std::io::Result<()> {
    let names: Vec<String> = r
        .parties
        .iter()
        .map(|p| party_name(Some(scenario), p))
        .collect();
    let short: Vec<String> = names.iter().map(|n| n.chars().take(8).collect()).collect();
    writeln!(out, "Cost of delay: {}", scenario.meta.title)?;
    writeln!(
        out,
        "Parties: {}. Months 0 to {}{}. Levers applied: {}.",
        names.join(", "),
        r.horizon,
        scenario
            .meta
            .date
            .as_ref()
            .map_or_else(String::new, |d| format!(" (month 0 = {d})")),
        if r.levers.is_empty() {
            "none (the baseline)".to_owned()
        } else {
            lever_names(scenario, &r.levers)
        }
    )?;
    writeln!(
        out,
        "Packages: {}; the Nash deal is {}.",
        package.describe(),
        match package.nash {
            crate::cmd_bargain::NashArg::Capability => "weighted by capability",
            crate::cmd_bargain::NashArg::Equal => "unweighted",
        }
    )?;
    writeln!(out)?;
    write_drift(out, scenario, r)?;
    writeln!(
        out,
        "Month by month, in utility points (0 = a party's worst package, 1 = its ideal):"
    )?;
    writeln!(
        out,
        "  no deal        = the month's status quo minus the month's cost of fighting on"
    )?;
    writeln!(
        out,
        "  zone           = whether some package beats no deal for every party"
    )?;
    writeln!(
        out,
        "  Nash deal      = what the Nash package gives each party"
    )?;
    writeln!(
        out,
        "  cost of delay  = what waiting one more month costs the party (negative: it gains by waiting)"
    )?;
    writeln!(out)?;
    let moving = moving_issues(r);
    let mut head1 = format!("{:>5}", "month");
    let mut head2 = format!("{:>5}", "");
    for &k in &moving {
        let id: String = r.issues[k].chars().take(12).collect();
        head1.push_str(&format!(" | {id:^12}"));
        head2.push_str(&format!(" | {:>5} {:>6}", "SQ", "Nash"));
    }
    for (title, _) in [("no deal", 0), ("Nash deal", 1), ("cost of delay", 2)] {
        let w = 9 * names.len() - 1;
        head1.push_str(&format!(" | {title:^w$}"));
        let cols: Vec<String> = short.iter().map(|n| format!("{n:>8}")).collect();
        head2.push_str(&format!(" | {}", cols.join(" ")));
        if title == "no deal" {
            head1.push_str(" | zone");
            head2.push_str(" |     ");
        }
    }
    head1.push_str(" | ripe");
    head2.push_str(" |     ");
    writeln!(out, "{head1}")?;
    writeln!(out, "{head2}")?;
    for m in &r.months {
        let mut line = format!("{:>5}", m.month);
        for &k in &moving {
            let nash = m
                .nash
                .as_ref()
                .map_or_else(|| "-".to_owned(), |d| fmt_num(d.values[k]));
            line.push_str(&format!(" | {:>5} {:>6}", fmt_num(m.status_quo[k]), nash));
        }
        let cols = |v: &[f64], f: fn(f64) -> String| -> String {
            v.iter()
                .map(|x| format!("{:>8}", f(*x)))
                .collect::<Vec<_>>()
                .join(" ")
        };
        line.push_str(&format!(" | {}", cols(&m.disagreement, fmt_u)));
        line.push_str(&format!(" | {:<4}", if m.zone { "yes" } else { "no" }));
        let dash = || {
            (0..names.len())
                .map(|_| format!("{:>8}", "-"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        line.push_str(&format!(
            " | {}",
            m.nash
                .as_ref()
                .map_or_else(dash, |d| cols(&d.utilities, fmt_u))
        ));
        line.push_str(&format!(
            " | {}",
            m.cost_of_delay
                .as_ref()
                .map_or_else(dash, |c| cols(c, fmt_signed))
        ));
        line.push_str(&format!(" | {}", if m.ripe { "RIPE" } else { "" }));
        writeln!(out, "{}", line.trim_end())?;
    }
    writeln!(out)?;
    match r.ripeness {
        Some(t) => {
            writeln!(
                out,
                "Ripeness: month {t}. It is the first month in which some package beats fighting on for every party and no party gains by waiting."
            )?;
            if let Some(deal) = &r.months[t as usize].nash {
                writeln!(out, "The Nash deal in month {t}:")?;
                write_deal(out, scenario, &names, deal)?;
            }
        }
        None => {
            writeln!(
                out,
                "Ripeness: none within {} months. {}",
                r.horizon,
                why_not_ripe(r, &names)
            )?;
            if let Some(deal) = &r.months[0].nash {
                writeln!(out, "The Nash deal in month 0:")?;
                write_deal(out, scenario, &names, deal)?;
            }
        }
    }
    if detente_analysis::fights(scenario) {
        writeln!(
            out,
            "This table and the game below assume complete information: the beliefs, audience costs, enforcement and vetoes of `[time]` enter only the settlement forecast further down, which answers \"when\". Red lines bind here too: no package crosses one that binds in the month (the game: in any month)."
        )?;
    }
    writeln!(out)?;
    match &r.spe {
        Some(spe) => write_spe(out, scenario, r, &names, spe)?,
        None => {
            for note in &r.notes {
                writeln!(out, "Note: {note}.")?;
            }
        }
    }
    Ok(())
}

fn why_not_ripe(r: &DelayReport, names: &[String]) -> String {
    if r.months.iter().all(|m| !m.zone) {
        return "In no month does any package beat fighting on for every party.".to_owned();
    }
    let mut gainers = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let months = r
            .months
            .iter()
            .filter(|m| m.zone)
            .filter(|m| m.cost_of_delay.as_ref().is_some_and(|c| c[i] < -1e-12))
            .count();
        if months > 0 {
            gainers.push(format!("{n} gains by waiting in {months} of them"));
        }
    }
    let zone = r.months.iter().filter(|m| m.zone).count();
    format!(
        "A zone of agreement exists in {zone} of the {} months, but {}.",
        r.months.len(),
        gainers.join(" and ")
    )
}

fn write_deal(
    out: &mut dyn Write,
    scenario: &Scenario,
    names: &[String],
    deal: &Deal,
) -> std::io::Result<()> {
    let problem_domain = describe_from_values(scenario, &deal.values);
    write_package(out, Some(scenario), &problem_domain)?;
    let gains: Vec<String> = names
        .iter()
        .zip(deal.utilities.iter().zip(&deal.gains))
        .map(|(n, (u, g))| format!("{n} {} ({} over no deal)", fmt_u(*u), fmt_signed(*g)))
        .collect();
    writeln!(out, "  Utility points: {}.", gains.join(", "))
}

/// Issue values with anchor labels, from a deal's values (the grid is the scenario's scale).
pub fn describe_from_values(
    scenario: &Scenario,
    values: &[f64],
) -> Vec<crate::cmd_bargain::IssueValue> {
    scenario
        .issues
        .iter()
        .zip(values)
        .map(|(issue, &x)| crate::cmd_bargain::IssueValue {
            issue: issue.id.clone(),
            value: Some(x),
            label: detente_analysis::anchor_label(issue, x),
        })
        .collect()
}

fn write_spe(
    out: &mut dyn Write,
    scenario: &Scenario,
    r: &DelayReport,
    names: &[String],
    spe: &Spe,
) -> std::io::Result<()> {
    let first = party_name(Some(scenario), &spe.first_proposer);
    let discounts: Vec<String> = names
        .iter()
        .zip(&r.discount)
        .map(|(n, d)| format!("{n} {d}"))
        .collect();
    writeln!(
        out,
        "Alternating offers with a deadline at month {}: {first} proposes in month 0, then the parties take turns; either may walk away to its no-deal value; monthly discount factors: {}.",
        r.horizon,
        discounts.join(", ")
    )?;
    match &spe.deal {
        Some(deal) => {
            writeln!(
                out,
                "In equilibrium the offer made in month {} is accepted{}:",
                spe.month,
                if spe.month == 0 { " at once" } else { "" }
            )?;
            write_deal(out, scenario, names, deal)?;
        }
        None => {
            let values: Vec<String> = names
                .iter()
                .zip(&spe.utilities)
                .map(|(n, u)| format!("{n} {}", fmt_u(*u)))
                .collect();
            writeln!(
                out,
                "In equilibrium talks end without a deal in month {}; each party keeps its no-deal value ({}).",
                spe.month,
                values.join(", ")
            )?;
        }
    }
    Ok(())
}

/// Lever ids with their names, for sentences.
pub fn lever_names(scenario: &Scenario, ids: &[String]) -> String {
    ids.iter()
        .map(|id| {
            scenario
                .time
                .as_ref()
                .and_then(|t| t.lever(id))
                .map_or_else(|| id.clone(), |l| format!("{} ({id})", l.name))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn write_drift(out: &mut dyn Write, scenario: &Scenario, r: &DelayReport) -> std::io::Result<()> {
    let last = r.months.len() - 1;
    let mut any = false;
    for (k, issue) in scenario.issues.iter().enumerate() {
        let start = r.months[0].status_quo[k];
        let end = r.months[last].status_quo[k];
        if r.months.iter().all(|m| m.status_quo[k] == start) {
            continue;
        }
        if !any {
            writeln!(out, "How the status quo moves without a deal:")?;
            any = true;
        }
        let label = |x: f64| {
            detente_analysis::anchor_label(issue, x).map_or_else(String::new, |l| format!(" ({l})"))
        };
        let (from, to) = (label(start), label(end));
        writeln!(
            out,
            "  {}: {}{from} in month 0, {}{to} in month {last}.",
            issue.name,
            fmt_num(start),
            fmt_num(end)
        )?;
    }
    if !any {
        writeln!(out, "The status quo does not move within the horizon.")?;
    }
    writeln!(out)
}

/// The settlement forecast as text: the curve, the median month, the terms, who moves most and
/// the belief sensitivity.
fn write_settlement(
    out: &mut dyn Write,
    scenario: &Scenario,
    s: &SettlementReport,
) -> std::io::Result<()> {
    let f = &s.forecast;
    writeln!(out)?;
    writeln!(
        out,
        "When a deal comes: bargaining while fighting ({} trials, seed {}).",
        f.trials, f.seed
    )?;
    writeln!(
        out,
        "Each trial draws the front's monthly moves (the drift's sd){}{}; every party values fighting on by its own belief about the front ({} ahead), learns from each month's move, pays its audience costs for crossing a public line and discounts a deal by the chance it holds. A deal comes in the first month in which some package beats every party's own value of fighting on; its terms are that month's Nash package.",
        if f.rate_noise > 0.0 {
            format!(
                ", the true drift rate (relative sd {})",
                fmt_num(f.rate_noise)
            )
        } else {
            String::new()
        },
        if f.position_draws > 0 {
            format!(
                " and the positions' own sd/range ({} scenario copies)",
                f.position_draws
            )
        } else {
            String::new()
        },
        match scenario.time.as_ref().map_or(0, |t| t.lookahead) {
            1 => "1 month".to_owned(),
            n => format!("{n} months"),
        },
    )?;
    if let Some(v) = &f.veto_summary {
        writeln!(out, "{v}")?;
    }
    if let Some(c) = &f.events {
        write_conditioning(out, scenario, c, f.rate_noise > 0.0)?;
    }
    writeln!(out)?;
    if f.parties_by_month.is_empty() {
        writeln!(out, "P(deal by month), with a 95% interval:")?;
    } else {
        writeln!(
            out,
            "P(deal by month), with a 95% interval; \"alone\": P(the parties alone had a zone by then), the curve without the vetoes:"
        )?;
    }
    for (m, b) in f.by_month.iter().enumerate() {
        let bar: String = "#".repeat((b.p * 40.0).round() as usize);
        let alone = f
            .parties_by_month
            .get(m)
            .map_or_else(String::new, |a| format!("alone {a:.3}  "));
        writeln!(
            out,
            "  {:>5}  {:.3}  [{:.3}, {:.3}]  {alone}{bar}",
            b.month, b.p, b.lo, b.hi
        )?;
    }
    let month = |m: Option<u32>| {
        m.map_or_else(
            || "not within the horizon".to_owned(),
            |m| format!("month {m}"),
        )
    };
    writeln!(
        out,
        "Median deal month: {} (quartiles: {} and {}). P(deal within the horizon of {} months): {:.3}.",
        month(f.median_month),
        month(f.quartile_months[0]),
        month(f.quartile_months[1]),
        f.horizon,
        f.p_deal
    )?;
    if let Some(h) = f.mean_holds {
        writeln!(out, "Mean chance the deal holds: {h:.3}.")?;
    }
    write_decisive(out, scenario, f)?;
    writeln!(out)?;
    writeln!(
        out,
        "Terms over the trials with a deal (scale points; SQ = today's status quo):"
    )?;
    writeln!(
        out,
        "  {:<40} {:>5} {:>6} {:>5} {:>5} {:>5} {:>5} {:>5}",
        "issue", "SQ", "mean", "p5", "p25", "p50", "p75", "p95"
    )?;
    for (t, issue) in f.terms.iter().zip(&scenario.issues) {
        let name: String = issue.name.chars().take(40).collect();
        match (t.mean, t.percentiles) {
            (Some(mean), Some(p)) => writeln!(
                out,
                "  {name:<40} {:>5} {:>6} {:>5} {:>5} {:>5} {:>5} {:>5}",
                fmt_num(t.status_quo),
                fmt_num(mean),
                fmt_num(p[0]),
                fmt_num(p[1]),
                fmt_num(p[2]),
                fmt_num(p[3]),
                fmt_num(p[4])
            )?,
            _ => writeln!(
                out,
                "  {name:<40} {:>5}  no deal in any trial",
                fmt_num(t.status_quo)
            )?,
        }
    }
    writeln!(out)?;
    writeln!(
        out,
        "Who moves most: salience-weighted mean distance from each actor's position (scale points):"
    )?;
    writeln!(
        out,
        "  {:<44} {:>8} {:>14}",
        "actor", "to deal", "to today's SQ"
    )?;
    for m in &f.movers {
        let name: String = party_name(Some(scenario), &m.actor)
            .chars()
            .take(44)
            .collect();
        writeln!(
            out,
            "  {name:<44} {:>8} {:>14}",
            m.to_deal
                .map_or_else(|| "-".to_owned(), |d| format!("{d:.1}")),
            format!("{:.1}", m.to_status_quo)
        )?;
    }
    if !s.belief_sensitivity.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "How much the answer hangs on the beliefs: every belief's offset from the analyst's drift scaled by d (0 = correct beliefs, 1 = as written), its prior sd by g.{} Each cell: median deal month; P(deal within 6 / 12 / 24 months).",
            if scenario
                .time
                .as_ref()
                .is_some_and(|t| !t.victory.is_empty())
            {
                " Victory beliefs alike: their believed monthly chance's offset from the analyst's scaled by d, their sd by g."
            } else {
                ""
            }
        )?;
        let spreads: Vec<f64> = {
            let mut v: Vec<f64> = s.belief_sensitivity.iter().map(|c| c.spread).collect();
            v.dedup();
            v.truncate(
                s.belief_sensitivity
                    .iter()
                    .filter(|c| c.divergence == s.belief_sensitivity[0].divergence)
                    .count(),
            );
            v
        };
        let mut head = format!("  {:>5}", "d \\ g");
        for g in &spreads {
            head.push_str(&format!(" | {:^28}", fmt_num(*g)));
        }
        writeln!(out, "{head}")?;
        for row in s.belief_sensitivity.chunks(spreads.len().max(1)) {
            let mut line = format!("  {:>5}", fmt_num(row[0].divergence));
            for c in row {
                let m = c
                    .median_month
                    .map_or_else(|| "none".to_owned(), |m| format!("m{m}"));
                let ps: Vec<String> = c.windows.iter().map(|(_, p)| format!("{p:.2}")).collect();
                line.push_str(&format!(" | {:>5} {:<22}", m, ps.join(" / ")));
            }
            writeln!(out, "{}", line.trim_end())?;
        }
    }
    Ok(())
}

/// The decisive-end lines of the settlement section: `P(decisive end by month)` at the lever
/// windows and the horizon with the share won by each side, or, with victory beliefs but no
/// analyst's hazard, a note that no trial's war ends decisively.
fn write_decisive(
    out: &mut dyn Write,
    scenario: &Scenario,
    f: &detente_sim::settle::Settlement,
) -> std::io::Result<()> {
    let Some(time) = scenario.time.as_ref() else {
        return Ok(());
    };
    if f.decisive_by_month.is_empty() {
        if !time.victory.is_empty() {
            writeln!(
                out,
                "Decisive end: the parties' victory beliefs enter their value of fighting on, but the analyst's process gives no side a chance to win outright (no `[[time.decisive]]`), so no trial's war ends decisively."
            )?;
        }
        return Ok(());
    }
    let mut parts: Vec<String> = detente_sim::settle::WINDOWS
        .into_iter()
        .filter(|&w| w < f.horizon)
        .filter_map(|w| {
            f.decisive_by_month
                .get(w as usize)
                .map(|p| format!("{w} months {p:.3}"))
        })
        .collect();
    if let Some(p) = f.decisive_by_month.last() {
        parts.push(format!("the horizon {p:.3}"));
    }
    let wins: Vec<String> = f
        .decisive_wins
        .iter()
        .map(|(id, p)| format!("{} {p:.3}", party_name(Some(scenario), id)))
        .collect();
    writeln!(
        out,
        "P(decisive end by month), trials in which one side won outright before any deal and imposed its terms: {}; won by: {}.",
        parts.join(", "),
        wins.join(", ")
    )
}

/// What the `[[time.events]]` did to the settlement forecast.
fn write_conditioning(
    out: &mut dyn Write,
    scenario: &Scenario,
    c: &detente_sim::settle::Conditioning,
    rates_drawn: bool,
) -> std::io::Result<()> {
    writeln!(
        out,
        "Conditioned on {} observed event{} (`[[time.events]]`): every trial is weighted by how likely it makes them (an agreement or none by a month: 1 or 0; an observed status quo: a Gaussian kernel with the event's error) and the trials are drawn again by those weights, so what follows is the posterior. {} of {} trials fit the events; effective sample size {:.0}.",
        c.events,
        if c.events == 1 { "" } else { "s" },
        c.consistent,
        c.trials,
        c.ess,
    )?;
    if c.small {
        writeln!(
            out,
            "Warning: the effective sample size is small; the posterior rests on few trials. Run more trials (`--trials`)."
        )?;
    }
    // The true rates move only when the trials draw them (`--rate-noise` above 0).
    if let Some(time) = scenario.time.as_ref().filter(|_| rates_drawn) {
        for ((d, prior), post) in time.drift.iter().zip(&c.rate_prior).zip(&c.rate_posterior) {
            let name = scenario
                .issues
                .get(d.issue.0)
                .map_or("?", |i| i.name.as_str());
            writeln!(
                out,
                "  {name}: true drift {} points a month over the trials before the events, {} after.",
                fmt_num(*prior),
                fmt_num(*post)
            )?;
        }
    }
    Ok(())
}
