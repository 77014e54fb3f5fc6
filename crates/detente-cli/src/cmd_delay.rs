//! `detente delay FILE`: the month-by-month cost of delay (status-quo drift, disagreement values,
//! the Nash deal, each party's cost of waiting, whether a zone of agreement exists), the ripeness
//! month, and the alternating-offers equilibrium. Every number comes from
//! `detente_models::dynamics`.

use std::io::Write;
use std::path::PathBuf;

use detente_core::Scenario;
use detente_models::dynamics::{Deal, DelayReport, DynamicsConfig, Spe, delay};
use miette::Report;
use serde::Serialize;

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
    pub save: crate::cmd_runs::SaveArgs,
}

/// The dynamics config of the shared options.
pub fn config(
    package: &PackageArgs,
    months: Option<u32>,
    first_proposer: Option<String>,
) -> DynamicsConfig {
    DynamicsConfig {
        package: package.package(),
        nash_weights: package.nash_weights(),
        months,
        first_proposer,
        ..DynamicsConfig::default()
    }
}

#[derive(Serialize)]
struct DelayOut<'a> {
    schema: &'static str,
    title: &'a str,
    #[serde(flatten)]
    report: &'a DelayReport,
}

/// Runs `detente delay`.
pub fn run(args: &DelayArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let parsed = load_scenario(&args.file, args.package.format != Format::Table)?;
    let scenario = &parsed.scenario;
    let config = DynamicsConfig {
        levers: args.lever.clone(),
        ..config(&args.package, args.months, args.first_proposer.clone())
    };
    let started = crate::cmd_runs::now_ms();
    let report = delay(scenario, &config).map_err(|e| input_error(&args.file, e))?;
    if args.save.save {
        save(args, scenario, &report, started)?;
    }
    match args.package.format {
        Format::Json => {
            let doc = DelayOut {
                schema: "detente.delay/1",
                title: &scenario.meta.title,
                report: &report,
            };
            serde_json::to_writer_pretty(&mut *out, &doc)
                .map_err(|e| Failure::Internal(Report::msg(e.to_string())))?;
            writeln!(out)?;
        }
        Format::Csv => csv(out, &report)?,
        Format::Table => table(out, scenario, &args.package, &report)?,
    }
    Ok(())
}

/// Stores the run: the whole month-by-month table (the `detente.delay/1` document) as the result,
/// and as headline values the ripeness month, and per party and month the no-deal value, the
/// Nash deal's utility and the cost of delay, so `detente runs compare` can line two runs up.
fn save(
    args: &DelayArgs,
    scenario: &detente_core::Scenario,
    report: &DelayReport,
    started: i64,
) -> Result<(), Failure> {
    let doc = DelayOut {
        schema: "detente.delay/1",
        title: &scenario.meta.title,
        report,
    };
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
        }),
        seed: None,
        started,
        finished: crate::cmd_runs::now_ms(),
        result: crate::cmd_runs::to_json(&doc)?,
        values,
        eum_rounds: Vec::new(),
        aggregates: Vec::new(),
    })?;
    Ok(())
}

fn csv(out: &mut dyn Write, r: &DelayReport) -> Result<(), Failure> {
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
            label: issue.nearest_anchor(x).map(|a| {
                if a.at == x {
                    a.label.clone()
                } else {
                    format!("near {}: {}", fmt_num(a.at), a.label)
                }
            }),
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
        let from = issue.nearest_anchor(start).map_or_else(String::new, |a| {
            format!(" (near {}: {})", fmt_num(a.at), a.label)
        });
        let to = issue.nearest_anchor(end).map_or_else(String::new, |a| {
            format!(" (near {}: {})", fmt_num(a.at), a.label)
        });
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
