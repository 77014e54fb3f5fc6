//! The terminal report: per issue, each model's forecast with the nearest anchor, a strip that
//! places actors and forecasts on the scale, how the EUM ended, and the moves that mattered.

use std::io::Write;
use std::path::Path;

use detente_core::{Issue, Located, Scenario};
use detente_models::eum::Termination;
use detente_models::forecast::{
    EumForecast, EumMove, Forecast, ForecastConfig, IssueForecast, Model,
};

use crate::Failure;

const STRIP_WIDTH: usize = 61;

/// Short text for how the EUM run ended (the model's one wording).
pub fn termination(t: &Termination) -> String {
    t.to_string()
}

fn fmt_pos(x: f64) -> String {
    format!("{x:6.1}")
}

fn anchor_text(label: Option<&str>) -> String {
    label.map_or_else(String::new, |l| format!("  ~ \"{l}\""))
}

/// Writes the human-readable forecast report.
pub fn table(
    out: &mut dyn Write,
    scenario: &Scenario,
    file: &Path,
    config: &ForecastConfig,
    forecast: &Forecast,
    warnings: &[Located],
) -> Result<(), Failure> {
    let meta = &scenario.meta;
    writeln!(out, "{}", meta.title)?;
    writeln!(out, "{}", "=".repeat(meta.title.chars().count().max(10)))?;
    let mut facts = vec![file.display().to_string()];
    if let Some(date) = &meta.date {
        facts.push(date.clone());
    }
    facts.push(format!("{} actors", scenario.actors.len()));
    facts.push(format!("{} issues", scenario.issues.len()));
    writeln!(out, "{}", facts.join(" · "))?;
    if config.models.contains(&Model::Eum) {
        writeln!(
            out,
            "EUM preset: {} (at most {} rounds)",
            config.eum_preset, config.eum.max_rounds
        )?;
    }
    if let Some(caveat) = &meta.caveat {
        let text = format!(
            "Caveat: {}",
            caveat.split_whitespace().collect::<Vec<_>>().join(" ")
        );
        writeln!(out)?;
        for line in textwrap::wrap(&text, 100) {
            writeln!(out, "{line}")?;
        }
    }
    if !warnings.is_empty() {
        writeln!(
            out,
            "\n{} warning(s) about the scenario; run `detente validate {}` to see them.",
            warnings.len(),
            file.display()
        )?;
    }

    headline_block(out, forecast)?;
    summary(out, forecast, &forecast.models)?;
    for (n, (issue, result)) in scenario.issues.iter().zip(&forecast.issues).enumerate() {
        issue_section(out, scenario, n + 1, issue, result, &forecast.models)?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "Models: compromise = capability x salience weighted mean; median = weighted median (what a\n\
         weighted majority prefers); nash = weighted Nash bargaining among the veto players with the\n\
         status quo as fallback; eum = Bueno de Mesquita's expected utility model, final weighted\n\
         median. `detente explain FILE --issue ID --actor ID` shows why an actor moved."
    )?;
    Ok(())
}

/// The report's opening: per issue the headline forecast and its intervals, then what they rest
/// on and where the scenario is unlike the data they were learnt on.
fn headline_block(out: &mut dyn Write, forecast: &Forecast) -> Result<(), Failure> {
    let Some(info) = &forecast.headline else {
        return Ok(());
    };
    let width = forecast
        .issues
        .iter()
        .map(|i| i.issue.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    writeln!(
        out,
        "\nHeadline forecast per issue ({} weights; intervals from conformal prediction)",
        info.preset
    )?;
    let mut header = format!("  {:<width$}  {:>8}", "issue", "headline");
    for level in &info.levels {
        header.push_str(&format!(
            "  {:>15}",
            format!("{:.0}% interval", 100.0 * level)
        ));
    }
    writeln!(out, "{header}")?;
    let mut caveats = Vec::new();
    let mut unlike = Vec::new();
    for issue in &forecast.issues {
        let Some(h) = &issue.headline else {
            writeln!(out, "  {:<width$}  {:>8}", issue.issue, "n/a")?;
            continue;
        };
        let mut line = format!("  {:<width$}  {:>8.1}", issue.issue, h.position);
        for iv in &h.intervals {
            line.push_str(&format!(
                "  {:>15}",
                format!("{:.1} to {:.1}", iv.low, iv.high)
            ));
        }
        writeln!(out, "{line}")?;
        if !h.unlike_training.is_empty() {
            unlike.push(format!("{}: {}", issue.issue, h.unlike_training.join("; ")));
        }
        caveats.extend(h.caveats.iter().map(|c| format!("{}: {c}", issue.issue)));
    }
    let own = info
        .scenario_sentence()
        .map_or_else(String::new, |s| format!("{s} "));
    let basis = if info.preset == "learnt" {
        format!("{own}Weights and intervals are learnt")
    } else {
        format!(
            "{own}Weights: {} (not learnt). Intervals: the learnt model's residuals recentred on this headline, their coverage measured for the learnt weights only; they were learnt",
            info.preset
        )
    };
    let text = format!(
        "{basis} on {} ({} issues; out of fold there: MAE {:.1} against {:.1} for the compromise alone, intervals covering {} of outcomes at {}). For other kinds of negotiation they are a reference point, not a calibrated forecast.",
        info.training,
        info.training_issues,
        info.mean_absolute_error,
        info.compromise_mean_absolute_error,
        info.measured_coverage
            .iter()
            .map(|c| format!("{:.0}%", 100.0 * c))
            .collect::<Vec<_>>()
            .join(" / "),
        info.levels
            .iter()
            .map(|l| format!("{:.0}%", 100.0 * l))
            .collect::<Vec<_>>()
            .join(" / "),
    );
    for line in textwrap::wrap(&text, 100) {
        writeln!(out, "{line}")?;
    }
    if !unlike.is_empty() {
        writeln!(
            out,
            "Unlike the training data (outside the range of its issues under the same decision rule):"
        )?;
    }
    for c in unlike.into_iter().chain(caveats) {
        for (k, line) in textwrap::wrap(&c, 98).iter().enumerate() {
            writeln!(out, "{}{line}", if k == 0 { "! " } else { "  " })?;
        }
    }
    Ok(())
}

/// One line per issue with every model's forecast, so the whole picture fits on a screen.
fn summary(out: &mut dyn Write, forecast: &Forecast, models: &[Model]) -> Result<(), Failure> {
    let width = forecast
        .issues
        .iter()
        .map(|i| i.issue.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    writeln!(
        out,
        "\nForecasts at a glance (each issue on its own scale; details below)"
    )?;
    let mut header = format!("  {:<width$}  {:>10}", "issue", "status quo");
    for model in models {
        header.push_str(&format!("  {:>10}", model.as_str()));
    }
    writeln!(out, "{header}")?;
    for issue in &forecast.issues {
        let mut line = format!(
            "  {:<width$}  {:>10.1}",
            issue.issue, issue.status_quo.position
        );
        for &model in models {
            match issue.point(model) {
                Some(p) => line.push_str(&format!("  {:>10.1}", p.position)),
                None => line.push_str(&format!("  {:>10}", "n/a")),
            }
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}

fn issue_section(
    out: &mut dyn Write,
    scenario: &Scenario,
    n: usize,
    issue: &Issue,
    result: &IssueForecast,
    models: &[Model],
) -> Result<(), Failure> {
    writeln!(out)?;
    let heading = format!("{n}. {} [{}]", issue.name, issue.id);
    writeln!(out, "{heading}")?;
    writeln!(out, "{}", "-".repeat(heading.chars().count()))?;
    writeln!(
        out,
        "scale {} to {}, decided by {}; {} actors take a position",
        issue.scale.min(),
        issue.scale.max(),
        issue.decision_rule,
        issue.positions.len()
    )?;
    if let (Some(lo), Some(hi)) = (issue.anchors.first(), issue.anchors.last()) {
        writeln!(out, "  {} = {}", lo.at, lo.label)?;
        writeln!(out, "  {} = {}", hi.at, hi.label)?;
    }
    writeln!(out)?;
    if let Some(h) = &result.headline {
        let widest = h.intervals.last().map_or_else(String::new, |iv| {
            format!(
                "  ({:.0}% interval {:.1} to {:.1})",
                100.0 * iv.level,
                iv.low,
                iv.high
            )
        });
        writeln!(
            out,
            "  {:<12}{}{}{}",
            "headline",
            fmt_pos(h.position),
            anchor_text(h.anchor.as_deref()),
            widest
        )?;
    }
    writeln!(
        out,
        "  {:<12}{}{}",
        "status quo",
        fmt_pos(result.status_quo.position),
        anchor_text(result.status_quo.anchor.as_deref())
    )?;
    for &model in models {
        let Some(point) = result.point(model) else {
            continue;
        };
        let mut extra = String::new();
        match model {
            Model::Median if result.median.as_ref().is_some_and(|m| m.tie) => {
                extra = "  (even split: midpoint of the tied interval)".to_owned();
            }
            Model::Nash => {
                if let Some(nash) = &result.nash
                    && nash.gridlock
                {
                    extra = format!(
                        "  (gridlock: no outcome beats the status quo for all of {})",
                        names(scenario, &nash.players)
                    );
                }
            }
            Model::Smp => {
                if let Some(smp) = &result.smp {
                    extra = format!(
                        "  (KTAB's most likely outcome, win probability {:.4}, after {} turns{})",
                        smp.win_probability,
                        smp.turns,
                        smp.space
                            .as_ref()
                            .map_or_else(String::new, |id| format!(", on the space `{id}`"))
                    );
                }
            }
            _ => {}
        }
        writeln!(
            out,
            "  {:<12}{}{}{}",
            model.as_str(),
            fmt_pos(point.position),
            anchor_text(point.anchor.as_deref()),
            extra
        )?;
    }
    for note in &result.notes {
        writeln!(out, "  note: {note}")?;
    }
    strip(out, scenario, issue, result, models)?;
    if let Some(eum) = &result.eum {
        eum_summary(out, scenario, eum)?;
    }
    Ok(())
}

fn names(scenario: &Scenario, ids: &[String]) -> String {
    ids.iter()
        .map(|id| {
            scenario
                .actor_index(id)
                .map_or(id.as_str(), |i| scenario.actor_name(i))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn column(issue: &Issue, x: f64) -> usize {
    let t = (x - issue.scale.min()) / issue.scale.width();
    // The value is on the scale, so t is in 0..=1 and the column within the strip.
    (t * (STRIP_WIDTH - 1) as f64)
        .round()
        .clamp(0.0, (STRIP_WIDTH - 1) as f64) as usize
}

/// A one-line map of the scale: `|` status quo, letters for forecasts, `*` actors.
fn strip(
    out: &mut dyn Write,
    scenario: &Scenario,
    issue: &Issue,
    result: &IssueForecast,
    models: &[Model],
) -> Result<(), Failure> {
    let mut line = vec!['-'; STRIP_WIDTH];
    for p in &issue.positions {
        line[column(issue, p.position)] = '*';
    }
    line[column(issue, issue.status_quo)] = '|';
    for &model in models {
        if let Some(point) = result.point(model) {
            let mark = match model {
                Model::Compromise => 'C',
                Model::Median => 'M',
                Model::Nash => 'N',
                Model::Eum => 'E',
                Model::Smp => 'K',
            };
            line[column(issue, point.position)] = mark;
        }
    }
    writeln!(out)?;
    writeln!(
        out,
        "  {:>5} [{}] {}",
        issue.scale.min(),
        line.iter().collect::<String>(),
        issue.scale.max()
    )?;
    let mut sorted: Vec<_> = issue.positions.iter().collect();
    sorted.sort_by(|a, b| a.position.total_cmp(&b.position));
    let actors: Vec<String> = sorted
        .iter()
        .map(|p| format!("{} {}", scenario.actor_name(p.actor), p.position))
        .collect();
    write_wrapped(out, &format!("  * actors: {}", actors.join(", ")), "    ")?;
    writeln!(
        out,
        "  | status quo; C compromise, M median, N nash, E eum (later letters overwrite)"
    )?;
    Ok(())
}

/// Writes `text` wrapped at 100 columns, continuation lines indented by `indent`.
fn write_wrapped(out: &mut dyn Write, text: &str, indent: &str) -> Result<(), Failure> {
    let options = textwrap::Options::new(100).subsequent_indent(indent);
    for line in textwrap::wrap(text, options) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

fn name_of<'a>(scenario: &'a Scenario, id: &'a str) -> &'a str {
    scenario
        .actor_index(id)
        .map_or(id, |i| scenario.actor_name(i))
}

fn eum_summary(out: &mut dyn Write, scenario: &Scenario, eum: &EumForecast) -> Result<(), Failure> {
    let last = eum.rounds.last().map_or(0, |r| r.round);
    writeln!(
        out,
        "\n  EUM: {} rounds run, {}; final median {:.1}, mean {:.1}",
        last,
        termination(&eum.termination),
        eum.point.position,
        eum.mean
    )?;
    if eum.biggest_moves.is_empty() {
        writeln!(
            out,
            "  No actor accepted an offer: every actor holds its position."
        )?;
        return Ok(());
    }
    writeln!(out, "  Biggest moves:")?;
    for ranked in &eum.biggest_moves {
        let m = &ranked.change;
        let text = format!(
            "  - round {}: {} {:.1} -> {:.1}. {}.",
            ranked.round,
            name_of(scenario, &m.actor),
            m.from,
            m.to,
            m.reason
        );
        write_wrapped(out, &text, "    ")?;
    }
    Ok(())
}

/// Writes the round-by-round story of one actor on one issue.
pub fn explain(
    out: &mut dyn Write,
    scenario: &Scenario,
    issue: &Issue,
    actor: &str,
    result: &IssueForecast,
) -> Result<(), Failure> {
    let who = name_of(scenario, actor);
    writeln!(out, "{who} on \"{}\" [{}]", issue.name, issue.id)?;
    let Some(eum) = &result.eum else {
        for note in &result.notes {
            writeln!(out, "no EUM trace: {note}")?;
        }
        return Ok(());
    };
    writeln!(
        out,
        "EUM preset {}; {}\n",
        eum.preset,
        termination(&eum.termination)
    )?;
    let mut moved = false;
    for round in &eum.rounds {
        let Some(state) = round.actors.iter().find(|a| a.actor == actor) else {
            continue;
        };
        if round.round == 0 {
            writeln!(
                out,
                "round 0: starts at {:.2}{}; median {:.2}",
                state.position,
                anchor_text(
                    issue
                        .nearest_anchor(state.position)
                        .map(|a| a.label.as_str())
                ),
                round.median
            )?;
            continue;
        }
        let own: Vec<&EumMove> = round.moves.iter().filter(|m| m.actor == actor).collect();
        let pulled: Vec<&EumMove> = round.moves.iter().filter(|m| m.toward == actor).collect();
        write!(
            out,
            "round {}: risk exponent {:.3}; ends at {:.2}; median {:.2}",
            round.round, state.risk, state.position, round.median
        )?;
        if own.is_empty() {
            writeln!(out, "; accepted no offer")?;
        } else {
            writeln!(out)?;
        }
        for m in own {
            moved = true;
            let text = format!("  moved {:.2} -> {:.2}: {}.", m.from, m.to, m.reason);
            write_wrapped(out, &text, "    ")?;
        }
        for m in pulled {
            writeln!(
                out,
                "  pulled {} {:.2} -> {:.2} toward itself ({:?}).",
                name_of(scenario, &m.actor),
                m.from,
                m.to,
                m.kind
            )?;
        }
    }
    if !moved {
        writeln!(
            out,
            "\n{who} accepted no offer in any round: it held its position throughout."
        )?;
    }
    Ok(())
}
