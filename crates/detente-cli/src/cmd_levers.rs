//! `detente levers FILE`: the baseline against each lever of the scenario's `[time]` section and
//! each pair of levers: how the ripeness month, the Nash deal and the parties' utilities move,
//! largest effect first. Every number comes from `detente_models::dynamics::levers`.

use std::io::Write;
use std::path::PathBuf;

use detente_core::Scenario;
use detente_models::dynamics::{LeversReport, Variant, levers};
use miette::Report;
use serde::Serialize;

use crate::Failure;
use crate::cmd_bargain::{
    Format, PackageArgs, csv_error, fmt_num, fmt_signed, fmt_u, input_error, party_name,
};
use crate::cmd_delay::config;
use crate::input::load_scenario;

/// `detente levers`.
#[derive(Debug, clap::Args)]
pub struct LeversArgs {
    /// Scenario file (TOML or JSON) with `[[time.levers]]`.
    pub file: PathBuf,
    /// Months to look ahead (default: the scenario's `[time] horizon`, else 24).
    #[arg(long)]
    pub months: Option<u32>,
    /// Party that makes the first offer in the alternating-offers game (default: the first).
    #[arg(long)]
    pub first_proposer: Option<String>,
    #[command(flatten)]
    pub package: PackageArgs,
}

#[derive(Serialize)]
struct LeversOut<'a> {
    schema: &'static str,
    title: &'a str,
    #[serde(flatten)]
    report: &'a LeversReport,
}

/// Runs `detente levers`.
pub fn run(args: &LeversArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let parsed = load_scenario(&args.file, args.package.format != Format::Table)?;
    let scenario = &parsed.scenario;
    if scenario.time.as_ref().is_none_or(|t| t.levers.is_empty()) {
        return Err(Failure::Input(Report::msg(format!(
            "{}: the scenario declares no levers\n  help: add `[[time.levers]]` entries (see docs/scenario-format.md, \"Time\")",
            args.file.display()
        ))));
    }
    let config = config(&args.package, args.months, args.first_proposer.clone());
    let report = levers(scenario, &config).map_err(|e| input_error(&args.file, e))?;
    match args.package.format {
        Format::Json => {
            let doc = LeversOut {
                schema: "detente.levers/1",
                title: &scenario.meta.title,
                report: &report,
            };
            serde_json::to_writer_pretty(&mut *out, &doc)
                .map_err(|e| Failure::Internal(Report::msg(e.to_string())))?;
            writeln!(out)?;
        }
        Format::Csv => csv(out, &report)?,
        Format::Table => table(out, scenario, &report)?,
    }
    Ok(())
}

fn csv(out: &mut dyn Write, r: &LeversReport) -> Result<(), Failure> {
    let mut w = csv::Writer::from_writer(out);
    let mut header: Vec<String> = ["levers", "ripeness", "ripeness_shift", "deal_month"]
        .map(str::to_owned)
        .to_vec();
    header.extend(r.issues.iter().map(|i| format!("nash_{i}")));
    header.extend(r.parties.iter().map(|p| format!("utility_{p}")));
    header.extend(r.parties.iter().map(|p| format!("utility_shift_{p}")));
    header.push("spe_month".to_owned());
    header.extend(r.parties.iter().map(|p| format!("spe_utility_{p}")));
    w.write_record(&header).map_err(csv_error)?;
    for v in std::iter::once(&r.baseline).chain(&r.variants) {
        let mut row = vec![
            if v.levers.is_empty() {
                "baseline".to_owned()
            } else {
                v.levers.join("+")
            },
            v.ripeness.map_or_else(String::new, |m| m.to_string()),
            v.ripeness_shift.to_string(),
            v.deal_month.to_string(),
        ];
        match &v.deal {
            Some(d) => {
                row.extend(d.values.iter().map(|x| format!("{x}")));
                row.extend(d.utilities.iter().map(|x| format!("{x:.6}")));
            }
            None => row.extend(std::iter::repeat_n(
                String::new(),
                r.issues.len() + r.parties.len(),
            )),
        }
        row.extend(r.parties.iter().enumerate().map(|(i, _)| {
            v.utility_shift
                .get(i)
                .map_or_else(String::new, |x| format!("{x:.6}"))
        }));
        match &v.spe {
            Some(s) => {
                row.push(s.month.to_string());
                row.extend(s.utilities.iter().map(|x| format!("{x:.6}")));
            }
            None => row.extend(std::iter::repeat_n(String::new(), 1 + r.parties.len())),
        }
        w.write_record(&row).map_err(csv_error)?;
    }
    w.flush()?;
    Ok(())
}

fn label(r: &LeversReport, v: &Variant) -> String {
    if v.levers.is_empty() {
        return "Baseline (no levers)".to_owned();
    }
    v.levers
        .iter()
        .map(|id| {
            r.lever_names
                .iter()
                .find(|(l, _)| l == id)
                .map_or_else(|| id.clone(), |(_, name)| name.clone())
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

fn ripe_text(v: &Variant) -> String {
    v.ripeness
        .map_or_else(|| "never".to_owned(), |m| format!("month {m}"))
}

fn table(out: &mut dyn Write, scenario: &Scenario, r: &LeversReport) -> std::io::Result<()> {
    let names: Vec<String> = r
        .parties
        .iter()
        .map(|p| party_name(Some(scenario), p))
        .collect();
    let short: Vec<String> = names.iter().map(|n| n.chars().take(8).collect()).collect();
    let end = r.horizon;
    writeln!(out, "Levers: {}", scenario.meta.title)?;
    writeln!(
        out,
        "What each lever, and each pair of levers, changes over {end} months, compared with the baseline in which none is pulled. Utilities are in utility points (0 = a party's worst package, 1 = its ideal)."
    )?;
    writeln!(
        out,
        "  ripe            = first month in which some package beats fighting on for every party and no party gains by waiting"
    )?;
    writeln!(
        out,
        "  when ripe       = change in what the Nash deal of the ripe month gives each party (month {end} if never ripe)"
    )?;
    writeln!(
        out,
        "  in month {end:<6} = change in what the Nash deal gives each party if talks drag on to the end"
    )?;
    writeln!(
        out,
        "  game            = change in each party's equilibrium value in the alternating-offers game"
    )?;
    writeln!(out)?;
    let b = &r.baseline;
    let describe = |d: Option<&detente_models::dynamics::Deal>| {
        d.map_or_else(
            || "no deal".to_owned(),
            |d| {
                names
                    .iter()
                    .zip(&d.utilities)
                    .map(|(n, u)| format!("{n} {}", fmt_u(*u)))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        )
    };
    writeln!(
        out,
        "Baseline: ripe {}; the Nash deal then gives {}; in month {end}, {}.",
        ripe_text(b),
        describe(b.deal.as_ref()),
        describe(b.deal_end.as_ref())
    )?;
    if let Some(spe) = &b.spe {
        writeln!(
            out,
            "In the alternating-offers game the baseline ends {} in month {}, giving {}.",
            if spe.deal.is_some() {
                "in agreement"
            } else {
                "without a deal"
            },
            spe.month,
            names
                .iter()
                .zip(&spe.utilities)
                .map(|(n, u)| format!("{n} {}", fmt_u(*u)))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    writeln!(out)?;
    let width = r
        .variants
        .iter()
        .map(|v| label(r, v).chars().count())
        .max()
        .unwrap_or(10)
        .clamp(6, 48);
    let ucols = 9 * names.len() - 1;
    let month_head = format!("in month {end}");
    writeln!(
        out,
        "{:<width$} | {:>8} | {:>6} | {:^ucols$} | {:^ucols$} | {:^ucols$}",
        "levers", "ripe", "shift", "when ripe", month_head, "game"
    )?;
    let cols: Vec<String> = short.iter().map(|n| format!("{n:>8}")).collect();
    let cols = cols.join(" ");
    writeln!(
        out,
        "{:<width$} | {:>8} | {:>6} | {cols} | {cols} | {cols}",
        "", "", "months"
    )?;
    let signed = |x: &[f64]| {
        if x.is_empty() {
            vec![format!("{:>8}", "-"); names.len()].join(" ")
        } else {
            x.iter()
                .map(|u| format!("{:>8}", fmt_signed(*u)))
                .collect::<Vec<_>>()
                .join(" ")
        }
    };
    for v in &r.variants {
        let full = label(r, v);
        let name: String = if full.chars().count() > width {
            full.chars().take(width - 1).collect::<String>() + "…"
        } else {
            full
        };
        writeln!(
            out,
            "{name:<width$} | {:>8} | {:>+6} | {} | {} | {}",
            ripe_text(v),
            v.ripeness_shift,
            signed(&v.utility_shift),
            signed(&v.utility_shift_end),
            signed(&v.spe_shift)
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "How the Nash deal's package moves against the baseline's (issue: baseline → with the levers):"
    )?;
    for v in &r.variants {
        let ripe = deal_moves(scenario, b.deal.as_ref(), v.deal.as_ref());
        let last = deal_moves(scenario, b.deal_end.as_ref(), v.deal_end.as_ref());
        if ripe == "same package" && last == "same package" {
            continue;
        }
        writeln!(
            out,
            "  {}: when ripe {ripe}; in month {end} {last}.",
            label(r, v)
        )?;
    }
    writeln!(out)?;
    writeln!(out, "The levers, as the scenario describes them:")?;
    if let Some(time) = &scenario.time {
        for l in &time.levers {
            writeln!(
                out,
                "  {} ({}): {}",
                l.name,
                l.id,
                l.why.as_deref().unwrap_or("no reason given")
            )?;
        }
    }
    Ok(())
}

/// Issue-by-issue changes of the deal against the baseline's, e.g. `territory 85→75`.
fn deal_moves(
    scenario: &Scenario,
    base: Option<&detente_models::dynamics::Deal>,
    with: Option<&detente_models::dynamics::Deal>,
) -> String {
    match (base, with) {
        (Some(a), Some(b)) => {
            let moves: Vec<String> = scenario
                .issues
                .iter()
                .zip(a.values.iter().zip(&b.values))
                .filter(|(_, (x, y))| x != y)
                .map(|(i, (x, y))| format!("{} {}→{}", i.id, fmt_num(*x), fmt_num(*y)))
                .collect();
            if moves.is_empty() {
                "same package".to_owned()
            } else {
                moves.join(", ")
            }
        }
        (None, Some(_)) => "a deal appears".to_owned(),
        (Some(_), None) => "no deal".to_owned(),
        (None, None) => "no deal either way".to_owned(),
    }
}
