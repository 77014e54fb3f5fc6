//! `detente levers FILE`: the baseline against each lever of the scenario's `[time]` section and
//! each pair of levers: how the ripeness month, the Nash deal and the parties' utilities move,
//! largest effect first. Every number comes from `detente_models::dynamics::levers`. When the
//! scenario gives beliefs, audience costs or enforcement, a second table shows each lever's and
//! pair's shift of the settlement forecast (`detente_sim::settle::settle_levers`): the median
//! deal month and P(deal within 6, 12 and 24 months), with intervals, and the change in terms.

use std::io::Write;
use std::path::PathBuf;

use detente_analysis::LeversDocument;
use detente_core::Scenario;
use detente_models::dynamics::{LeversReport, Variant};
use detente_sim::settle::{LeverSettlement, SettleLevers};
use miette::Report;

use crate::Failure;
use crate::cmd_bargain::{
    Format, PackageArgs, csv_error, fmt_num, fmt_signed, fmt_u, input_error, party_name,
};
use crate::cmd_delay::{SettleArgs, config};
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
    #[command(flatten)]
    pub settle: SettleArgs,
}

/// Runs `detente levers`.
pub fn run(args: &LeversArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let parsed = load_scenario(&args.file, args.package.format != Format::Table)?;
    crate::cli::check_parties(&parsed.scenario, &args.package.parties)?;
    let scenario = &parsed.scenario;
    if scenario.time.as_ref().is_none_or(|t| t.levers.is_empty()) {
        return Err(Failure::Input(Report::msg(format!(
            "{}: the scenario declares no levers\n  help: add `[[time.levers]]` entries (see docs/scenario-format.md, \"Time\")",
            args.file.display()
        ))));
    }
    let config = config(
        &args.package,
        args.months,
        args.first_proposer.clone(),
        &args.settle,
    )?;
    let report =
        detente_analysis::levers(scenario, &config).map_err(|e| input_error(&args.file, e))?;
    let settlement = if detente_analysis::fights(scenario) {
        // Seconds of trials with nothing printed yet: say what runs.
        let status = crate::status::Status::new("levers");
        status.show(crate::status::with_trials(
            "settlement forecast by lever",
            Some(config.settle.trials),
        ));
        Some(
            detente_analysis::settlement_levers(scenario, &config)
                .map_err(|e| input_error(&args.file, e))?,
        )
    } else {
        None
    };
    match args.package.format {
        Format::Json => {
            let doc = LeversDocument::new(scenario, &report, settlement.as_ref());
            serde_json::to_writer_pretty(&mut *out, &doc)
                .map_err(|e| Failure::Internal(Report::msg(e.to_string())))?;
            writeln!(out)?;
        }
        Format::Csv => csv(out, &report, settlement.as_ref())?,
        Format::Table => {
            table(out, scenario, &report)?;
            if let Some(s) = &settlement {
                write_settlement(out, &report, s)?;
            }
        }
    }
    Ok(())
}

/// The settlement variant with exactly these levers.
fn find<'a>(s: &'a SettleLevers, levers: &[String]) -> Option<&'a LeverSettlement> {
    s.variants.iter().find(|v| v.levers == levers)
}

fn csv(
    out: &mut dyn Write,
    r: &LeversReport,
    settlement: Option<&SettleLevers>,
) -> Result<(), Failure> {
    let mut w = csv::Writer::from_writer(out);
    let mut header: Vec<String> = ["levers", "ripeness", "ripeness_shift", "deal_month"]
        .map(str::to_owned)
        .to_vec();
    header.extend(r.issues.iter().map(|i| format!("nash_{i}")));
    header.extend(r.parties.iter().map(|p| format!("utility_{p}")));
    header.extend(r.parties.iter().map(|p| format!("utility_shift_{p}")));
    header.push("spe_month".to_owned());
    header.extend(r.parties.iter().map(|p| format!("spe_utility_{p}")));
    if let Some(s) = settlement {
        header.push("settle_median_month".to_owned());
        header.push("settle_median_shift".to_owned());
        for (w, _) in &s.baseline_windows {
            header.push(format!("settle_p_within_{w}"));
            header.push(format!("settle_p_within_{w}_shift"));
        }
    }
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
        if let Some(s) = settlement {
            let month = |m: Option<u32>| m.map_or_else(String::new, |m| m.to_string());
            if v.levers.is_empty() {
                row.push(month(s.baseline.median_month));
                row.push("0".to_owned());
                for (_, p) in &s.baseline_windows {
                    row.push(format!("{p:.6}"));
                    row.push(format!("{:.6}", 0.0));
                }
            } else if let Some(x) = find(s, &v.levers) {
                row.push(month(x.median_month));
                row.push(x.median_shift.to_string());
                for w in &x.windows {
                    row.push(format!("{:.6}", w.p));
                    row.push(format!("{:.6}", w.shift));
                }
            }
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
        .max(6);
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
        // Lever and pair names are shown whole (issue 16: cut names hid which pair a row was).
        let name = label(r, v);
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

/// The lever table of the settlement forecast.
fn write_settlement(
    out: &mut dyn Write,
    r: &LeversReport,
    s: &SettleLevers,
) -> std::io::Result<()> {
    let base = &s.baseline;
    let month = |m: Option<u32>| m.map_or_else(|| "none".to_owned(), |m| format!("month {m}"));
    writeln!(out)?;
    writeln!(
        out,
        "When a deal comes, lever by lever: bargaining while fighting ({} trials, seed {}, the same draws for every lever).",
        base.trials, base.seed
    )?;
    let windows: Vec<String> = s
        .baseline_windows
        .iter()
        .map(|(w, p)| format!("{w} months {p:.2}"))
        .collect();
    writeln!(
        out,
        "Baseline: median deal month {}; P(deal within {}).",
        month(base.median_month),
        windows.join(", ")
    )?;
    writeln!(
        out,
        "Shifts against the baseline with 95% intervals (median: paired bootstrap, a month never reached counts as {}; P: paired normal). Terms: the issue whose median term moves most.",
        base.horizon + 1
    )?;
    writeln!(out)?;
    // Lever and pair names are shown whole (issue 16), so the column is as wide as the longest.
    let label = |v: &LeverSettlement| -> String {
        v.levers
            .iter()
            .map(|id| {
                r.lever_names
                    .iter()
                    .find(|(l, _)| l == id)
                    .map_or_else(|| id.clone(), |(_, n)| n.clone())
            })
            .collect::<Vec<_>>()
            .join(" + ")
    };
    let width = s
        .variants
        .iter()
        .map(|v| label(v).chars().count())
        .max()
        .unwrap_or(6)
        .max(6);
    let mut head = format!(
        "{:<width$} | {:>10} | {:>14}",
        "levers", "median", "shift [95%]"
    );
    for (w, _) in &s.baseline_windows {
        head.push_str(&format!(" | {:^22}", format!("ΔP within {w}")));
    }
    head.push_str(" | terms");
    writeln!(out, "{head}")?;
    for v in &s.variants {
        let name = label(v);
        let mut line = format!(
            "{name:<width$} | {:>10} | {:>14}",
            month(v.median_month),
            format!(
                "{:+} [{:+}, {:+}]",
                v.median_shift, v.median_shift_interval[0], v.median_shift_interval[1]
            )
        );
        for w in &v.windows {
            line.push_str(&format!(
                " | {:^22}",
                format!("{:+.2} [{:+.2}, {:+.2}]", w.shift, w.lo, w.hi)
            ));
        }
        let terms = v
            .terms_shift
            .iter()
            .zip(&r.issues)
            .filter_map(|(d, id)| d.map(|d| (d, id)))
            .max_by(|a, b| a.0.abs().total_cmp(&b.0.abs()));
        line.push_str(&match terms {
            Some((d, id)) if d.abs() > 0.0 => format!(" | {id} {}", fmt_signed_points(d)),
            Some(_) => " | unchanged".to_owned(),
            None => " | -".to_owned(),
        });
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

fn fmt_signed_points(x: f64) -> String {
    if x > 0.0 {
        format!("+{}", fmt_num(x))
    } else {
        fmt_num(x)
    }
}
