//! Runs the spatial models on every issue of a scenario and gathers their results.
//!
//! This is the one place that maps a validated [`Scenario`] onto the models' inputs and their
//! outputs back onto actor ids, so every front end (CLI, later the server) reports the same
//! numbers. Issues are independent here: package deals across issues are a later model.
//!
//! The serialised form of [`Forecast`] is the stable JSON schema `detente.forecast/1`
//! (documented in `docs/output-format.md`).

use std::fmt;
use std::str::FromStr;

use detente_core::{DecisionRule, Issue, Scenario};
use serde::Serialize;

use crate::compromise::compromise;
use crate::eum::{self, EumActor, EumConfig, EumInput, EumPreset, OfferKind, Termination};
use crate::headline::{self, Base, Headline, Preset};
use crate::median::weighted_median;
use crate::nash::{self, NashConfig, NashPlayers};
use crate::stance::{Stance, stances};
use crate::stop::StopFlag;

/// Version tag of the JSON schema.
pub const SCHEMA: &str = "detente.forecast/1";

/// A spatial model detente can run on an issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Model {
    /// Capability × salience weighted mean.
    Compromise,
    /// Capability × salience weighted median.
    Median,
    /// Weighted Nash bargaining with the status quo as disagreement point.
    Nash,
    /// Bueno de Mesquita's expected utility model.
    Eum,
    /// KTAB's Spatial Model of Politics ([`crate::smp`]): on the issue's space (`[[spaces]]`)
    /// jointly, or on the issue alone when it is in none; the most likely outcome's coordinate.
    /// Not in [`Model::ALL`]: asked for by name, or added to the default selection on a scenario
    /// with spaces (see [`models_for`]).
    Smp,
}

impl Model {
    /// The default models, in report order.
    pub const ALL: [Model; 4] = [Model::Compromise, Model::Median, Model::Nash, Model::Eum];
    /// Every model, the defaults and KTAB's SMP, in report order.
    pub const EVERY: [Model; 5] = [
        Model::Compromise,
        Model::Median,
        Model::Nash,
        Model::Eum,
        Model::Smp,
    ];

    /// The name used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Model::Compromise => "compromise",
            Model::Median => "median",
            Model::Nash => "nash",
            Model::Eum => "eum",
            Model::Smp => "smp",
        }
    }
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Model {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Model::EVERY
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| format!("unknown model `{s}`; use compromise, median, nash, eum or smp"))
    }
}

/// Which models to run and how.
#[derive(Debug, Clone)]
pub struct ForecastConfig {
    /// The models to run, in report order.
    pub models: Vec<Model>,
    /// Options of the Nash model.
    pub nash: NashConfig,
    /// The EUM preset the options came from (reported alongside the results).
    pub eum_preset: EumPreset,
    /// Options of the EUM.
    pub eum: EumConfig,
    /// Weights of the headline forecast, `None` for no headline.
    pub headline: Option<Preset>,
    /// Whether a scenario's own `[scenario] headline` replaces `headline` (the default; a front
    /// end sets it to `false` when its user chose the weights).
    pub headline_from_scenario: bool,
    /// Raised, ends the EUM runs still to come before their next round (each then reports
    /// [`eum::EumError::Stopped`]); never raised unless a caller holds a clone and raises it.
    pub stop: StopFlag,
}

impl Default for ForecastConfig {
    fn default() -> Self {
        Self {
            models: Model::ALL.to_vec(),
            nash: NashConfig::default(),
            eum_preset: EumPreset::Scholz,
            eum: EumConfig::scholz(),
            headline: Some(Preset::Learnt),
            headline_from_scenario: true,
            stop: StopFlag::default(),
        }
    }
}

/// A model's point forecast on an issue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    /// The forecast on the issue's scale.
    pub position: f64,
    /// Label of the anchor nearest to it, if the issue has anchors.
    pub anchor: Option<String>,
}

/// The weighted median forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MedianForecast {
    /// The forecast.
    #[serde(flatten)]
    pub point: Point,
    /// Whether the weights split evenly, so the forecast is the midpoint of an interval.
    pub tie: bool,
}

/// The Nash bargaining forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NashForecast {
    /// The forecast.
    #[serde(flatten)]
    pub point: Point,
    /// No outcome other than the status quo is acceptable to every player.
    pub gridlock: bool,
    /// Ids of the actors who bargained.
    pub players: Vec<String>,
    /// Who was taken to bargain.
    pub player_rule: NashPlayers,
}

/// One actor's state in an EUM round.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EumActorState {
    /// Actor id.
    pub actor: String,
    /// Position after the round.
    pub position: f64,
    /// Risk exponent used in the round.
    pub risk: f64,
}

/// An accepted offer in an EUM round: `actor` moved toward `toward`.
#[derive(Debug, Clone, Serialize)]
pub struct EumMove {
    /// Who moved.
    pub actor: String,
    /// Whose offer it accepted.
    pub toward: String,
    /// Confrontation (lost), compromise or capitulation.
    pub kind: OfferKind,
    /// Position before.
    pub from: f64,
    /// Position after.
    pub to: f64,
    /// Expected utility of the mover from challenging the proposer, as the mover sees it.
    pub eu_actor: f64,
    /// Expected utility of the proposer from challenging the mover, as the mover sees it.
    pub eu_other: f64,
    /// Why the move happened, in words, with the actors' names.
    pub reason: String,
}

/// Why a move happened, in words: the one wording every front end (terminal report, HTML and
/// Markdown reports, the dashboard through the JSON's `reason`) shows.
fn move_reason(kind: OfferKind, who: &str, other: &str, eu_actor: f64, eu_other: f64) -> String {
    match kind {
        OfferKind::Confrontation => format!(
            "{who} expects to lose a confrontation with {other} (its expected utility of \
             challenging {other} is {eu_actor:+.3}, {other}'s of challenging it {eu_other:+.3}) and gives in"
        ),
        OfferKind::Compromise => format!(
            "{who} compromises with {other}: {other} expects to gain {eu_other:+.3} from challenging \
             it, more than the {eu_actor:+.3} {who} would get, so {who} concedes in that proportion"
        ),
        OfferKind::Capitulation => format!(
            "{who} capitulates to {other}: it expects {eu_actor:+.3} from a challenge against \
             {other}'s {eu_other:+.3}"
        ),
    }
}

/// One EUM round.
#[derive(Debug, Clone, Serialize)]
pub struct EumRoundOut {
    /// Round number; 0 is the initial state.
    pub round: usize,
    /// Weighted median position after the round.
    pub median: f64,
    /// Weighted mean position after the round.
    pub mean: f64,
    /// Every actor's position and risk exponent.
    pub actors: Vec<EumActorState>,
    /// The offers accepted in the round.
    pub moves: Vec<EumMove>,
}

/// The EUM forecast with its full trace.
#[derive(Debug, Clone, Serialize)]
pub struct EumForecast {
    /// The final weighted median (the model's forecast).
    #[serde(flatten)]
    pub point: Point,
    /// The final weighted mean.
    pub mean: f64,
    /// Which preset the options came from.
    pub preset: EumPreset,
    /// Fixed point, cycle or round cap.
    pub termination: Termination,
    /// How the run ended, in words: the one sentence every report and the dashboard print
    /// (`termination`'s [`std::fmt::Display`]).
    pub ended: String,
    /// Round 0 (initial) to the last round.
    pub rounds: Vec<EumRoundOut>,
    /// The largest moves of the run, at most [`BIGGEST_MOVES`], largest first (ties: earlier
    /// round first, then the order within the round): the ones every report shows.
    pub biggest_moves: Vec<RankedMove>,
}

/// How many moves [`EumForecast::biggest_moves`] keeps.
pub const BIGGEST_MOVES: usize = 3;

/// One accepted offer with the round it was accepted in.
#[derive(Debug, Clone, Serialize)]
pub struct RankedMove {
    /// The round.
    pub round: usize,
    /// The move.
    #[serde(flatten)]
    pub change: EumMove,
}

/// The `n` largest moves of `rounds` (by distance moved), largest first; ties keep the earlier
/// round first, then the order within the round.
pub fn biggest_moves(rounds: &[EumRoundOut], n: usize) -> Vec<RankedMove> {
    let mut moves: Vec<(usize, &EumMove)> = rounds
        .iter()
        .flat_map(|r| r.moves.iter().map(move |m| (r.round, m)))
        .collect();
    // A stable sort keeps the order within a round for equal distances.
    moves.sort_by(|a, b| {
        (b.1.to - b.1.from)
            .abs()
            .total_cmp(&(a.1.to - a.1.from).abs())
            .then(a.0.cmp(&b.0))
    });
    moves
        .into_iter()
        .take(n)
        .map(|(round, m)| RankedMove {
            round,
            change: m.clone(),
        })
        .collect()
}

/// Every model's forecast on one issue.
#[derive(Debug, Clone, Serialize)]
pub struct IssueForecast {
    /// Issue id.
    pub issue: String,
    /// Issue name.
    pub name: String,
    /// `[min, max]`.
    pub scale: [f64; 2],
    /// Status quo.
    pub status_quo: Point,
    /// The headline forecast with its intervals (see [`crate::headline`]), if asked for and
    /// some model gave a forecast.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headline: Option<Headline>,
    /// Compromise model, if run and defined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compromise: Option<Point>,
    /// Weighted median, if run and defined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub median: Option<MedianForecast>,
    /// Nash bargaining, if run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nash: Option<NashForecast>,
    /// Expected utility model, if run and defined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eum: Option<EumForecast>,
    /// KTAB's Spatial Model of Politics, if asked for and it ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smp: Option<SmpForecast>,
    /// Why a model that was asked for gave no forecast.
    pub notes: Vec<String>,
}

impl IssueForecast {
    /// The point forecast of `model`, if it produced one.
    pub fn point(&self, model: Model) -> Option<&Point> {
        match model {
            Model::Compromise => self.compromise.as_ref(),
            Model::Median => self.median.as_ref().map(|m| &m.point),
            Model::Nash => self.nash.as_ref().map(|n| &n.point),
            Model::Eum => self.eum.as_ref().map(|e| &e.point),
            Model::Smp => self.smp.as_ref().map(|e| &e.point),
        }
    }
}

/// Forecasts for a whole scenario.
#[derive(Debug, Clone, Serialize)]
pub struct Forecast {
    /// Schema tag, [`SCHEMA`].
    pub schema: &'static str,
    /// The scenario's title.
    pub title: String,
    /// Models that were run.
    pub models: Vec<Model>,
    /// Where the headline's weights and intervals come from, when a headline was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headline: Option<HeadlineInfo>,
    /// One entry per issue, in file order.
    pub issues: Vec<IssueForecast>,
}

/// KTAB's SMP on an issue: the coordinate, on this issue, of the run's most likely outcome (the
/// final position with the highest win probability).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SmpForecast {
    /// The forecast, on the issue's scale.
    pub point: Point,
    /// The space the model ran on (the issue is one of its dimensions), or `None` when it ran on
    /// the issue alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space: Option<String>,
    /// Turns until the run stopped.
    pub turns: usize,
    /// The most likely outcome's win probability.
    pub win_probability: f64,
}

/// What every headline of a forecast shares: the preset and the training data behind it.
#[derive(Debug, Clone, Serialize)]
pub struct HeadlineInfo {
    /// `learnt`, `equal` or `custom`.
    pub preset: &'static str,
    /// Whether the weights are the scenario's own (`[scenario] headline`), with its reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_scenario: Option<String>,
    /// The kind of negotiations the weights and intervals were learnt on.
    pub training: String,
    /// Training issues.
    pub training_issues: usize,
    /// The stack variant of the learnt weights.
    pub variant: String,
    /// Nominal levels of the intervals.
    pub levels: Vec<f64>,
    /// Coverage measured out of fold on the training data, per level.
    pub measured_coverage: Vec<f64>,
    /// Out-of-fold MAE of the learnt headline on the training data (0-100).
    pub mean_absolute_error: f64,
    /// Out-of-fold MAE of the compromise model on the same issues.
    pub compromise_mean_absolute_error: f64,
}

impl HeadlineInfo {
    /// The sentence every report prints when the scenario chose the weights, `None` otherwise.
    pub fn scenario_sentence(&self) -> Option<String> {
        self.from_scenario.as_ref().map(|why| {
            format!(
                "The scenario file sets these weights (`[scenario] headline`, {}): {why}",
                self.preset
            )
        })
    }
}

/// Runs the configured models on every issue.
pub fn forecast(scenario: &Scenario, config: &ForecastConfig) -> Forecast {
    let models = models_for(scenario, &config.models);
    let mut issues: Vec<IssueForecast> = scenario
        .issues
        .iter()
        .map(|issue| forecast_issue(scenario, issue, config))
        .collect();
    if models.contains(&Model::Smp) {
        for (out, (smp, note)) in issues.iter_mut().zip(smp_forecasts(scenario)) {
            out.smp = smp;
            out.notes.extend(note);
        }
    }
    // A dimension of a multi-dimensional issue: these models take it alone, and say so.
    for space in &scenario.spaces {
        for d in &space.dimensions {
            if let Some(out) = issues.get_mut(d.0) {
                out.notes.push(dimension_note(space));
            }
        }
    }
    let mut info = None;
    let own = scenario
        .meta
        .headline
        .as_ref()
        .filter(|_| config.headline_from_scenario);
    let chosen = match own {
        Some(w) => Preset::from_weights(w),
        None => config.headline.clone(),
    };
    if let Some(preset) = &chosen {
        match headline::learnt() {
            Ok(learnt) => {
                for (issue, out) in scenario.issues.iter().zip(&mut issues) {
                    out.headline = issue_headline(scenario, issue, out, preset, learnt);
                }
                info = Some(HeadlineInfo {
                    preset: preset.as_str(),
                    from_scenario: own.map(|_| {
                        scenario.meta.headline_why.clone().unwrap_or_else(|| {
                            "the scenario gives no reason (`headline_why`)".to_owned()
                        })
                    }),
                    training: learnt.training.clone(),
                    training_issues: learnt.issues,
                    variant: learnt.variant.clone(),
                    levels: headline::LEVELS.to_vec(),
                    measured_coverage: learnt.coverage.iter().map(|c| c.measured).collect(),
                    mean_absolute_error: learnt.mean_absolute_error,
                    compromise_mean_absolute_error: learnt.compromise_mean_absolute_error,
                });
            }
            Err(e) => {
                for out in &mut issues {
                    out.notes.push(format!("headline: {e}"));
                }
            }
        }
    }
    for (issue, out) in scenario.issues.iter().zip(&mut issues) {
        if let Some(note) = red_line_note(scenario, issue, out) {
            out.notes.push(note);
        }
    }
    Forecast {
        schema: SCHEMA,
        title: scenario.meta.title.clone(),
        models,
        headline: info,
        issues,
    }
}

/// A note when a forecast lies across a red line (`hard = true` in `[[time.audience_costs]]`,
/// binding in month 0) of an actor that holds a veto on the issue under its decision rule (a
/// principal under `unanimity-of-principals`, any actor with a position under `unanimity`):
/// no agreement can sit there. The forecasts are left as the models give them; the package and
/// delay models keep to the line.
fn red_line_note(scenario: &Scenario, issue: &Issue, out: &IssueForecast) -> Option<String> {
    let k = scenario.issues.iter().position(|i| i.id == issue.id)?;
    let time = scenario.time.as_ref()?;
    let lines: Vec<&detente_core::AudienceCost> = time
        .audience_costs
        .iter()
        .filter(|c| c.hard && c.issue.0 == k && c.at(0).is_infinite())
        .filter(|c| match issue.decision_rule {
            DecisionRule::UnanimityOfPrincipals => scenario
                .actor(c.actor)
                .is_some_and(|a| a.role == detente_core::Role::Principal),
            DecisionRule::Unanimity => issue.position_of(c.actor).is_some(),
            DecisionRule::WeightedMajority { .. } => false,
        })
        .collect();
    if lines.is_empty() {
        return None;
    }
    let forecasts = [
        ("headline", out.headline.as_ref().map(|h| h.position)),
        ("compromise", out.compromise.as_ref().map(|p| p.position)),
        ("median", out.median.as_ref().map(|m| m.point.position)),
        ("nash", out.nash.as_ref().map(|n| n.point.position)),
        ("eum", out.eum.as_ref().map(|e| e.point.position)),
    ];
    let crossing: Vec<String> = forecasts
        .iter()
        .filter_map(|(name, x)| {
            let x = (*x)?;
            lines
                .iter()
                .any(|c| c.crossed(x))
                .then(|| format!("{name} ({x:.1})"))
        })
        .collect();
    if crossing.is_empty() {
        return None;
    }
    let stated: Vec<String> = lines
        .iter()
        .map(|c| {
            format!(
                "{} signs nothing {} {}",
                scenario.actor(c.actor).map_or("?", |a| a.name.as_str()),
                if c.above { "above" } else { "below" },
                c.line
            )
        })
        .collect();
    Some(format!(
        "red line: {} and holds a veto here ({}), so the {} forecast{} lie{} where no agreement can be; the package and delay models keep to the line",
        stated.join("; "),
        issue.decision_rule,
        crossing.join(", "),
        if crossing.len() == 1 { "" } else { "s" },
        if crossing.len() == 1 { "s" } else { "" },
    ))
}

/// The headline of one issue from the models' forecasts in `out` (a model that did not run or
/// gave no forecast drops out of the stack).
fn issue_headline(
    scenario: &Scenario,
    issue: &Issue,
    out: &IssueForecast,
    preset: &Preset,
    learnt: &headline::Learnt,
) -> Option<Headline> {
    let st = stances(scenario, issue);
    let features = headline::features(scenario, issue, &st);
    let mean = if st.is_empty() {
        f64::NAN
    } else {
        st.iter().map(|s| s.position).sum::<f64>() / st.len() as f64
    };
    let mut x = [f64::NAN; headline::BASES];
    x[Base::StatusQuo.index()] = issue.status_quo;
    x[Base::Mean.index()] = mean;
    for (base, model) in [
        (Base::Compromise, Model::Compromise),
        (Base::Median, Model::Median),
        (Base::Nash, Model::Nash),
        (Base::Eum, Model::Eum),
    ] {
        if let Some(p) = out.point(model) {
            x[base.index()] = p.position;
        }
    }
    let anchor = |v: f64| issue.nearest_anchor(v).map(|a| a.label.clone());
    headline::headline(issue, &features, &x, preset, learnt, &anchor)
}

/// [`forecast`] on the issues of `scenario` whose ids are in `ids` (every issue when `ids` is
/// empty), in file order: what `detente forecast --issue` and Python's `issues=` show. A space is
/// whole only in the full scenario, so the models (see [`models_for`]), the notes on spaces and
/// KTAB's SMP, which runs on a whole space, come from it.
pub fn forecast_issues(scenario: &Scenario, ids: &[String], config: &ForecastConfig) -> Forecast {
    if ids.is_empty() {
        return forecast(scenario, config);
    }
    let mut selected = scenario.clone();
    selected.retain_issues(|i| ids.contains(&i.id));
    let models = models_for(scenario, &config.models);
    let mut result = forecast(
        &selected,
        &ForecastConfig {
            models: models.clone(),
            ..config.clone()
        },
    );
    if scenario.spaces.is_empty() {
        return result;
    }
    let smp = models
        .contains(&Model::Smp)
        .then(|| smp_forecasts(scenario));
    for out in &mut result.issues {
        let Some(k) = scenario.issues.iter().position(|i| i.id == out.issue) else {
            continue;
        };
        out.notes
            .retain(|n| !n.starts_with(DIMENSION_NOTE) && !n.starts_with("smp: "));
        if let Some(space) = scenario
            .spaces
            .iter()
            .find(|s| s.dimensions.iter().any(|d| d.0 == k))
        {
            out.notes.push(dimension_note(space));
        }
        if let Some((f, note)) = smp.as_ref().and_then(|v| v.get(k).cloned()) {
            out.smp = f;
            out.notes.extend(note);
        }
    }
    result
}

/// The models a forecast runs for the selection `models`: the selection, and with it KTAB's SMP
/// when the selection is the default ([`Model::ALL`], what `all` names) and the scenario has
/// spaces: the model its multi-dimensional issues were written for (a KTAB file imported).
pub fn models_for(scenario: &Scenario, models: &[Model]) -> Vec<Model> {
    let mut out = models.to_vec();
    if models == Model::ALL && !scenario.spaces.is_empty() {
        out.push(Model::Smp);
    }
    out
}

/// The note on each dimension of `space` in a forecast: the one-dimensional models take it on
/// its own. It opens with [`DIMENSION_NOTE`].
pub fn dimension_note(space: &detente_core::Space) -> String {
    format!(
        "{DIMENSION_NOTE}`{}` ({}); these one-dimensional models take it on its own, and `detente smp` runs KTAB's model on the space's {} dimension{} jointly",
        space.id,
        space.name,
        space.dimensions.len(),
        if space.dimensions.len() == 1 { "" } else { "s" }
    )
}

/// How [`dimension_note`] opens.
pub const DIMENSION_NOTE: &str = "a dimension of the space ";

/// KTAB's SMP on every issue of `scenario`, in issue order: on each space jointly (every
/// dimension gets its coordinate of the most likely outcome), and on each issue in no space
/// alone. With each, the note to show: why the model gave no forecast, or that it ran on the
/// issue alone. Stochastic transitions (a space's `smp` table may ask for them) need a seeded
/// generator, which `detente smp --seed` has and the forecast does not: such a space gets a
/// note instead.
pub fn smp_forecasts(scenario: &Scenario) -> Vec<(Option<SmpForecast>, Option<String>)> {
    use crate::smp::{StateTransitions, from_space, run};
    let mut out: Vec<(Option<SmpForecast>, Option<String>)> =
        vec![(None, None); scenario.issues.len()];
    let mut runs: Vec<(detente_core::Space, bool)> =
        scenario.spaces.iter().map(|s| (s.clone(), true)).collect();
    for (k, issue) in scenario.issues.iter().enumerate() {
        if !scenario
            .spaces
            .iter()
            .any(|s| s.dimensions.iter().any(|d| d.0 == k))
        {
            runs.push((
                detente_core::Space {
                    id: issue.id.clone(),
                    name: issue.name.clone(),
                    dimensions: vec![detente_core::IssueIndex(k)],
                    note: None,
                    smp: Vec::new(),
                    ideal_adjustment: Vec::new(),
                },
                false,
            ));
        }
    }
    for (space, joint) in &runs {
        let result = from_space(scenario, space, "scenario").and_then(|input| {
            if input.config.state_transitions == StateTransitions::Stochastic {
                return Err(crate::smp::SmpError::NeedsDraws);
            }
            run(&input.input, &input.config)
        });
        for (k, d) in space.dimensions.iter().enumerate() {
            let (Some(issue), Some(slot)) = (scenario.issues.get(d.0), out.get_mut(d.0)) else {
                continue;
            };
            match &result {
                Ok(r) => {
                    let Some((best, p)) = r.most_likely() else {
                        continue;
                    };
                    let Some(x) = r
                        .last()
                        .and_then(|s| s.positions.get(best).and_then(|p| p.get(k)))
                    else {
                        continue;
                    };
                    let (lo, hi) = (issue.scale.min(), issue.scale.max());
                    let position = if lo == 0.0 && hi == 100.0 {
                        *x
                    } else {
                        issue.scale.clamp(lo + x / 100.0 * (hi - lo))
                    };
                    slot.0 = Some(SmpForecast {
                        point: point(issue, position),
                        space: joint.then(|| space.id.clone()),
                        turns: r.turns(),
                        win_probability: p,
                    });
                    if !joint {
                        slot.1 = Some(
                            "smp: KTAB's model on this issue alone (it is a dimension of no `[[spaces]]` entry)"
                                .to_owned(),
                        );
                    }
                }
                Err(e) => slot.1 = Some(format!("smp: {e}")),
            }
        }
    }
    out
}

fn point(issue: &Issue, position: f64) -> Point {
    Point {
        position,
        anchor: issue.nearest_anchor(position).map(|a| a.label.clone()),
    }
}

/// Runs the configured models on one issue.
pub fn forecast_issue(
    scenario: &Scenario,
    issue: &Issue,
    config: &ForecastConfig,
) -> IssueForecast {
    let stances = stances(scenario, issue);
    let mut out = IssueForecast {
        issue: issue.id.clone(),
        name: issue.name.clone(),
        scale: [issue.scale.min(), issue.scale.max()],
        status_quo: point(issue, issue.status_quo),
        headline: None,
        compromise: None,
        median: None,
        nash: None,
        eum: None,
        smp: None,
        notes: Vec::new(),
    };
    let no_weight = "every actor's salience is 0, so no weighted forecast exists";
    for &model in &config.models {
        match model {
            Model::Compromise => match compromise(&stances) {
                Some(x) => out.compromise = Some(point(issue, x)),
                None => out.notes.push(format!("compromise: {no_weight}")),
            },
            Model::Median => match weighted_median(&stances) {
                Some(m) => {
                    out.median = Some(MedianForecast {
                        point: point(issue, m.position),
                        tie: m.tie,
                    });
                }
                None => out.notes.push(format!("median: {no_weight}")),
            },
            Model::Nash => {
                let players = nash::players(scenario, issue, &stances, &config.nash);
                let scale = (issue.scale.min(), issue.scale.max());
                let solved = nash::nash(&stances, &players, issue.status_quo, scale);
                out.nash = Some(NashForecast {
                    point: point(issue, solved.position),
                    gridlock: solved.gridlock,
                    players: solved
                        .players
                        .iter()
                        .filter_map(|&i| stances.get(i))
                        .map(|s| id(scenario, s))
                        .collect(),
                    player_rule: config.nash.players,
                });
            }
            Model::Eum => match run_eum(scenario, issue, &stances, config) {
                Ok(e) => out.eum = Some(e),
                Err(e) => out.notes.push(format!("eum: {e}")),
            },
            // Joint over a space, so run for all issues at once by `forecast`.
            Model::Smp => {}
        }
    }
    out
}

fn id(scenario: &Scenario, stance: &Stance) -> String {
    scenario
        .actor(stance.actor)
        .map_or_else(|| "?".to_owned(), |a| a.id.clone())
}

fn run_eum(
    scenario: &Scenario,
    issue: &Issue,
    stances: &[Stance],
    config: &ForecastConfig,
) -> Result<EumForecast, eum::EumError> {
    let actors: Vec<EumActor> = stances
        .iter()
        .map(|s| EumActor {
            capability: s.capability,
            position: s.position,
            salience: s.salience,
        })
        .collect();
    let input = EumInput {
        actors: &actors,
        scale: (issue.scale.min(), issue.scale.max()),
    };
    let result = eum::run_until(&input, &config.eum, &|| config.stop.is_raised())?;
    let ids: Vec<String> = stances.iter().map(|s| id(scenario, s)).collect();
    let name = |i: usize| ids.get(i).cloned().unwrap_or_else(|| "?".to_owned());
    let display = |i: usize| {
        stances
            .get(i)
            .and_then(|s| scenario.actor(s.actor))
            .map_or_else(|| "?".to_owned(), |a| a.name.clone())
    };
    let rounds: Vec<EumRoundOut> = result
        .rounds
        .iter()
        .map(|r| EumRoundOut {
            round: r.round,
            median: r.median,
            mean: r.mean,
            actors: r
                .positions
                .iter()
                .zip(&r.risk)
                .enumerate()
                .map(|(i, (&position, &risk))| EumActorState {
                    actor: name(i),
                    position,
                    risk,
                })
                .collect(),
            moves: r
                .offers
                .iter()
                .map(|o| EumMove {
                    actor: name(o.receiver),
                    toward: name(o.proposer),
                    kind: o.kind,
                    from: o.from,
                    to: o.to,
                    eu_actor: o.eu_receiver,
                    eu_other: o.eu_proposer,
                    reason: move_reason(
                        o.kind,
                        &display(o.receiver),
                        &display(o.proposer),
                        o.eu_receiver,
                        o.eu_proposer,
                    ),
                })
                .collect(),
        })
        .collect();
    Ok(EumForecast {
        point: point(issue, result.forecast_median),
        mean: result.forecast_mean,
        preset: config.eum_preset,
        termination: result.outcome,
        ended: result.outcome.to_string(),
        biggest_moves: biggest_moves(&rounds, BIGGEST_MOVES),
        rounds,
    })
}
