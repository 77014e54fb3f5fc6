//! When talks settle: a seeded Monte Carlo over the bargaining-while-fighting model
//! ([`detente_models::dynamics::fighting`]), its lever comparison, and a sensitivity of the
//! answer to the parties' beliefs.
//!
//! # Method
//! Trial `k` draws from [`trial_rng`]`(seed, k)`, in this order: for each `[[time.drift]]` entry
//! in file order, its true rate `r · exp(σ_r Z)` when [`SettleConfig::rate_noise`] `σ_r > 0`
//! (log-normal: the front keeps its direction, `r` is the median; held within the scale's
//! width); then for each month `0..horizon` and each drift with `sd > 0`, one standard normal
//! `z` (the front's noise). Inputs without noise consume no draws. The scenario's own `sd` and
//! `range` on positions enter through [`SettleConfig::position_draws`] `G` perturbed copies of
//! the scenario (copy `g` drawn by [`crate::perturb`] from `trial_rng(seed ^ POSITIONS, g)`),
//! each prepared once (its Pareto frontier is the costly part); trial `k` uses copy `k mod G`.
//! This nested design trades some independence between trials for a frontier search per copy
//! instead of per trial; `G = 0` keeps the positions as written.
//!
//! Trials run in parallel (rayon) and come back in trial order, so every output is
//! bit-identical for any thread count (tested). Lever variants reuse the same draws (common
//! random numbers), so a lever's shift is not blurred by sampling noise of its own.
//!
//! # Outputs
//! - `P(deal by month m)` for every month `0..=horizon`, with a 95% normal interval
//!   `p ± 1.96 sqrt(p(1−p)/n)` clipped to `[0, 1]`.
//! - The median deal month: the first month with `P(deal by m) ≥ 0.5`, or none ("not within the
//!   horizon"); quartiles likewise.
//! - The terms, issue by issue, over trials with a deal: mean and the 5th, 25th, 50th, 75th and
//!   95th percentiles (nearest rank).
//! - Who moves most: for every actor, the salience-weighted mean distance in scale points
//!   between its position and the terms (over trials with a deal), next to the same distance
//!   for today's status quo; sorted by the first.
//! - For levers ([`settle_levers`]): each lever and each pair against the baseline: the shift
//!   of the median deal month (a month never reached counts as `horizon + 1`) with a 95%
//!   paired percentile-bootstrap interval (trials resampled with replacement, the same
//!   resample for both runs, `bootstrap` replicates drawn from `trial_rng(seed ^ BOOTSTRAP,
//!   v)` for variant `v`), the shift of `P(deal within 6, 12, 24 months)` (windows up to the
//!   horizon) with a paired normal interval on the per-trial differences, and the change of
//!   the median terms issue by issue.
//! - [`belief_sensitivity`]: the same run with every belief's prior mean moved toward or away
//!   from the analyst's rate (`r + d (m₀ − r)`, divergence `d`) and its prior sd scaled by `g`;
//!   victory beliefs likewise, their Beta mean moved toward or away from the analyst's hazard
//!   (`h + d (m₀ − h)`, `h` the `[[time.decisive]]` chance of the party's side winning, or of
//!   the other sides for the losing belief, 0 when absent) and their sd scaled by `g` (held
//!   below the largest sd a Beta with that mean allows). At `d = 0` every party shares the
//!   analyst's view.
//! - Decisive ends ([`Settlement::decisive_by_month`]): with `[[time.decisive]]` hazards,
//!   each trial draws after its noise one uniform `u` per month `0..horizon` until the war
//!   ends: it ends in month `t` when `u < Σ_k h_k`, won by the first entry `k` whose
//!   cumulative hazard exceeds `u`. A trial whose war ends before any deal ends with the
//!   winner's imposed terms; those trials are counted in `P(decisive end by month)`, not in
//!   `P(deal by month)` nor in the terms and movers.
//!
//! - Events ([`Settlement::events`], [`settle`] only): with `[[time.events]]` every trial gets
//!   the events' likelihood as its weight (approximate Bayesian computation): 0 when a
//!   `no-deal` or `deal` event is false of it; for an observed status quo the Gaussian kernel
//!   `exp(−½ ((x − v) / e)²)`, `x` the trial's status quo in the event's month (its front while
//!   it fights, else its terms), the event's `error` `e` the bandwidth. A `lever` event applies
//!   the lever with its effects moved to start in the event's month. The weighted trials are
//!   drawn again, as many as were run, by systematic resampling from one uniform of
//!   `trial_rng(seed ^ EVENTS, 0)` (sampling-importance-resampling, Rubin 1988), so every
//!   summary above reads the posterior; the intervals of `P(deal by month)` use Kish's
//!   effective sample size `(Σw)²/Σw²` for `n`. The lever table and the belief grid are not
//!   conditioned.
//!
//! # Assumptions
//! Those of the model; the draws are independent across drifts and months; positions' draws are
//! those of [`crate::perturb`] with no extra noise.

use detente_core::{BetaPrior, Event, EventKind, Scenario, Time, Victory};
use detente_models::dynamics::fighting::{Fight, TrialDraw, TrialOutcome};
use detente_models::dynamics::{DynamicsConfig, DynamicsError, Prepared};
pub use detente_models::stop::StopFlag;
use rayon::prelude::*;
use serde::Serialize;

use crate::perturb::{Noise, perturb};
use crate::rng::{normal, trial_rng, uniform};

/// Version tag of the settlement JSON object.
pub const SETTLEMENT_SCHEMA: &str = "detente.settlement/1";

/// Mixed into the seed for the position copies, so they never share a stream with a trial.
const POSITIONS: u64 = 0x5C3A_A11D_0000_0001;
/// Mixed into the seed for the bootstrap.
const BOOTSTRAP: u64 = 0xB007_57A9_0000_0002;
/// Mixed into the seed for resampling on the events.
pub(crate) const EVENTS: u64 = 0xE7E7_75A9_0000_0003;
/// The windows of the lever table, in months.
pub const WINDOWS: [u32; 3] = [6, 12, 24];

/// Options of a settlement run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SettleConfig {
    /// Package, weights, horizon and levers of the model.
    pub dynamics: DynamicsConfig,
    /// Number of trials.
    pub trials: u64,
    /// Master seed.
    pub seed: u64,
    /// Relative (log-scale) sd of each drift's true rate (0: the analyst's rate).
    pub rate_noise: f64,
    /// Perturbed copies of the scenario's positions (0: positions as written).
    pub position_draws: usize,
    /// Bootstrap replicates of the lever intervals.
    pub bootstrap: usize,
    /// Raised by the caller to end the run early ([`DynamicsError::Stopped`]); checked before
    /// each scenario copy's preparation and each trial. The default never stops.
    #[serde(skip)]
    pub stop: StopFlag,
}

impl Default for SettleConfig {
    fn default() -> Self {
        Self {
            dynamics: DynamicsConfig::default(),
            trials: 1000,
            seed: 1,
            rate_noise: 0.0,
            position_draws: 20,
            bootstrap: 200,
            stop: StopFlag::default(),
        }
    }
}

/// `P(deal by month)` with its interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ByMonth {
    /// Month.
    pub month: u32,
    /// Share of trials with a deal in this month or earlier.
    pub p: f64,
    /// Lower end of the 95% interval.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
}

/// The distribution of one issue's terms over trials with a deal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssueTerms {
    /// Issue id.
    pub issue: String,
    /// Today's status quo.
    pub status_quo: f64,
    /// Mean (`None` without any deal).
    pub mean: Option<f64>,
    /// 5th, 25th, 50th, 75th and 95th percentiles.
    pub percentiles: Option<[f64; 5]>,
}

/// How far an actor's position lies from the terms.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mover {
    /// Actor id.
    pub actor: String,
    /// Salience-weighted mean distance, scale points, from its position to the terms (`None`
    /// without any deal: there are no terms to measure).
    pub to_deal: Option<f64>,
    /// The same from its position to today's status quo.
    pub to_status_quo: f64,
}

/// An ally whose consent the deal needed (`[[time.vetoes]]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VetoAlly {
    /// Actor id.
    pub actor: String,
    /// The party it backs.
    pub backs: String,
}

/// The result of [`settle`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settlement {
    /// Schema tag.
    pub schema: &'static str,
    /// Party ids.
    pub parties: Vec<String>,
    /// Issue ids.
    pub issues: Vec<String>,
    /// Months `0..=horizon`.
    pub horizon: u32,
    /// Lever ids applied.
    pub levers: Vec<String>,
    /// Trials run.
    pub trials: u64,
    /// Master seed.
    pub seed: u64,
    /// Relative sd of the true drift rates.
    pub rate_noise: f64,
    /// Position copies (0: as written).
    pub position_draws: usize,
    /// `P(deal by month m)`, months `0..=horizon`.
    pub by_month: Vec<ByMonth>,
    /// First month with `P(deal by m) ≥ 0.5`; `None`: not within the horizon.
    pub median_month: Option<u32>,
    /// First months with `P ≥ 0.25` and `P ≥ 0.75`.
    pub quartile_months: [Option<u32>; 2],
    /// Share of trials with a deal within the horizon.
    pub p_deal: f64,
    /// Terms issue by issue.
    pub terms: Vec<IssueTerms>,
    /// Every actor with a position, the farthest from the terms first.
    pub movers: Vec<Mover>,
    /// Mean chance the deal holds, over trials with a deal (with `[time.enforcement]`).
    pub mean_holds: Option<f64>,
    /// `P(decisive end by month m)`, months `0..=horizon`: trials in which the war ended with
    /// one side's imposed terms before any deal (empty when the analyst's process has no
    /// decisive hazard, `[[time.decisive]]`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub decisive_by_month: Vec<f64>,
    /// Share of trials that ended decisively, by winning party (party order; empty as above).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub decisive_wins: Vec<(String, f64)>,
    /// The veto allies whose consent a deal needed (empty without `[[time.vetoes]]`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vetoes: Vec<VetoAlly>,
    /// `P(the parties alone had a zone by month m)`, months `0..=horizon`: the deal curve as
    /// it would be without the vetoes (empty without them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parties_by_month: Vec<f64>,
    /// Share of trials in which the parties alone had a zone before the vetoes let a deal
    /// through (later, or not within the horizon); absent without vetoes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub veto_delays: Option<f64>,
    /// The vetoes in one sentence: who the allies are, what their consent means, the share of
    /// trials they held back and the median month without them ([`veto_summary`]). Every
    /// front end prints this text (the terminal, the reports, the dashboard), so it has one
    /// wording. Absent without vetoes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub veto_summary: Option<String>,
    /// What conditioning on `[[time.events]]` did (absent without events): the forecast above
    /// is then the posterior.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<Conditioning>,
}

/// One trial's outcome kept for aggregation.
#[derive(Debug, Clone, PartialEq)]
struct Kept {
    month: Option<u32>,
    /// First month the parties alone had a zone (the deal month without veto allies).
    parties_month: Option<u32>,
    /// First month the war is over after a decisive end, and the winning party.
    decisive: Option<(u32, usize)>,
    terms: Option<Vec<f64>>,
    holds: Option<f64>,
    copy: usize,
    /// The trial's true drift rates (file order).
    rate: Vec<f64>,
    /// Log-likelihood of the events given the trial (0 without events; `-inf`: rejected).
    log_weight: f64,
}

/// The scenario copies and their prepared problems.
struct Copies {
    scenarios: Vec<Scenario>,
    prepared: Vec<Prepared>,
}

fn copies(scenario: &Scenario, config: &SettleConfig) -> Result<Copies, DynamicsError> {
    let scenarios = drawn_copies(scenario, config);
    let prepared = scenarios
        .par_iter()
        .map(|s| {
            if config.stop.is_raised() {
                return Err(DynamicsError::Stopped);
            }
            Prepared::settlement(s, &config.dynamics)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Copies {
        scenarios,
        prepared,
    })
}

/// The copies of `scenario` with problems already prepared for the same positions: the
/// package problem depends only on the positions (drawn from `config.seed`), never on beliefs,
/// levers or events, so one preparation serves the forecast and its belief grid (with a veto
/// ally and `--scope all` it is the costly part).
fn copies_with(scenario: &Scenario, config: &SettleConfig, prepared: &[Prepared]) -> Copies {
    Copies {
        scenarios: drawn_copies(scenario, config),
        prepared: prepared.to_vec(),
    }
}

/// The scenario copies of a run: `scenario` itself, or `position_draws` copies with positions
/// drawn from their `sd`/`range`.
fn drawn_copies(scenario: &Scenario, config: &SettleConfig) -> Vec<Scenario> {
    if config.position_draws == 0 {
        vec![scenario.clone()]
    } else {
        (0..config.position_draws)
            .map(|g| {
                let mut rng = trial_rng(config.seed ^ POSITIONS, g as u64);
                perturb(scenario, &Noise::default(), &mut rng)
            })
            .collect()
    }
}

/// Trial `k`'s draws (see the module docs for the order).
fn draw(time: &Time, horizon: u32, config: &SettleConfig, scales: &[f64], k: u64) -> TrialDraw {
    let mut rng = trial_rng(config.seed, k);
    let rate = time
        .drift
        .iter()
        .map(|d| {
            if config.rate_noise > 0.0 {
                let width = scales.get(d.issue.0).copied().unwrap_or(f64::INFINITY);
                (d.per_month * (config.rate_noise * normal(&mut rng)).exp()).clamp(-width, width)
            } else {
                d.per_month
            }
        })
        .collect();
    let noisy = time.drift.iter().any(|d| d.sd > 0.0);
    let noise = if noisy {
        (0..horizon)
            .map(|_| {
                time.drift
                    .iter()
                    .map(|d| if d.sd > 0.0 { normal(&mut rng) } else { 0.0 })
                    .collect()
            })
            .collect()
    } else {
        Vec::new()
    };
    // The decisive end: one uniform per month while the war goes on, only when the analyst's
    // process has a hazard, so scenarios without one keep their draws.
    let total: f64 = time.decisive.iter().map(|d| d.per_month).sum();
    let mut decisive = None;
    if total > 0.0 {
        for t in 0..horizon {
            let u = uniform(&mut rng);
            if u < total {
                let mut acc = 0.0;
                let mut winner = time.decisive.len() - 1;
                for (k, d) in time.decisive.iter().enumerate() {
                    acc += d.per_month;
                    if u < acc {
                        winner = k;
                        break;
                    }
                }
                decisive = Some((t, winner));
                break;
            }
        }
    }
    TrialDraw {
        rate,
        noise,
        decisive,
    }
}

/// Runs every trial of one lever set.
fn trials(
    base: &Scenario,
    copies: &Copies,
    config: &SettleConfig,
    levers: &[String],
    events: &[Event],
) -> Result<(u32, Vec<Kept>), DynamicsError> {
    let dynamics = DynamicsConfig {
        levers: levers.to_vec(),
        ..config.dynamics.clone()
    };
    let fights = copies
        .scenarios
        .iter()
        .zip(&copies.prepared)
        .map(|(s, p)| Fight::new(s, p, &dynamics))
        .collect::<Result<Vec<_>, _>>()?;
    let horizon = fights.first().map_or(0, Fight::horizon);
    let default_time = Time::default();
    let time = base.time.as_ref().unwrap_or(&default_time);
    let scales: Vec<f64> = base.issues.iter().map(|i| i.scale.width()).collect();
    // Only an observed status quo needs the month-by-month path.
    let traced = events
        .iter()
        .any(|e| matches!(e.kind, EventKind::StatusQuo { .. }));
    let kept = (0..config.trials)
        .into_par_iter()
        .map(|k| {
            if config.stop.is_raised() {
                return Err(DynamicsError::Stopped);
            }
            let copy = (k % fights.len().max(1) as u64) as usize;
            let draw = draw(time, horizon, config, &scales, k);
            let out: TrialOutcome = fights[copy].run(&draw, traced);
            let log_weight = log_likelihood(events, &out);
            Ok(Kept {
                month: out.deal_month,
                parties_month: out.parties_month,
                decisive: out.decisive,
                terms: out.terms,
                holds: out.holds,
                copy,
                rate: draw.rate,
                log_weight,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((horizon, kept))
}

/// Nearest-rank percentile of sorted values.
fn rank(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    let i = ((q * n as f64).ceil() as usize).clamp(1, n) - 1;
    sorted[i]
}

/// `P(deal by m)` for `m = 0..=horizon`.
fn by_month(kept: &[Kept], horizon: u32) -> Vec<f64> {
    cumulative(kept.iter().map(|k| k.month), kept.len(), horizon)
}

/// The share of `n` trials whose month is `m` or earlier, for every month `0..=horizon`.
fn cumulative(months: impl Iterator<Item = Option<u32>>, n: usize, horizon: u32) -> Vec<f64> {
    let n = n.max(1) as f64;
    let mut counts = vec![0u64; horizon as usize + 1];
    for m in months.flatten() {
        if let Some(c) = counts.get_mut(m as usize) {
            *c += 1;
        }
    }
    let mut acc = 0u64;
    counts
        .iter()
        .map(|c| {
            acc += c;
            acc as f64 / n
        })
        .collect()
}

fn first_at(p: &[f64], level: f64) -> Option<u32> {
    p.iter().position(|&x| x >= level).map(|m| m as u32)
}

fn summarise(
    base: &Scenario,
    copies: &Copies,
    config: &SettleConfig,
    levers: &[String],
    horizon: u32,
    kept: &[Kept],
) -> Settlement {
    let p = by_month(kept, horizon);
    let n = kept.len().max(1) as f64;
    let by_month = p
        .iter()
        .enumerate()
        .map(|(m, &p)| {
            let half = 1.96 * (p * (1.0 - p) / n).sqrt();
            ByMonth {
                month: m as u32,
                p,
                lo: (p - half).max(0.0),
                hi: (p + half).min(1.0),
            }
        })
        .collect();
    // Imposed terms of a decisive end are not a deal: they are reported apart.
    let deals: Vec<&Kept> = kept
        .iter()
        .filter(|k| k.month.is_some() && k.terms.is_some())
        .collect();
    let terms = base
        .issues
        .iter()
        .enumerate()
        .map(|(i, issue)| {
            let mut xs: Vec<f64> = deals
                .iter()
                .filter_map(|k| k.terms.as_ref().map(|t| t[i]))
                .collect();
            xs.sort_by(f64::total_cmp);
            IssueTerms {
                issue: issue.id.clone(),
                status_quo: issue.status_quo,
                mean: (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64),
                percentiles: (!xs.is_empty()).then(|| {
                    [
                        rank(&xs, 0.05),
                        rank(&xs, 0.25),
                        rank(&xs, 0.5),
                        rank(&xs, 0.75),
                        rank(&xs, 0.95),
                    ]
                }),
            }
        })
        .collect();
    // Distances use each trial's own positions (its scenario copy) against its terms.
    let distance = |s: &Scenario, actor: usize, x: &dyn Fn(usize) -> f64| -> Option<f64> {
        let mut w = 0.0;
        let mut d = 0.0;
        for (k, issue) in s.issues.iter().enumerate() {
            if let Some(p) = issue.position_of(detente_core::ActorIndex(actor)) {
                w += p.salience.get();
                d += p.salience.get() * (x(k) - p.position).abs();
            }
        }
        (w > 0.0).then(|| d / w)
    };
    let mut movers: Vec<Mover> = (0..base.actors.len())
        .filter_map(|a| {
            let now = distance(base, a, &|k| base.issues[k].status_quo)?;
            let to_deal = (!deals.is_empty()).then(|| {
                deals
                    .iter()
                    .filter_map(|k| {
                        let t = k.terms.as_ref()?;
                        distance(&copies.scenarios[k.copy], a, &|i| t[i])
                    })
                    .sum::<f64>()
                    / deals.len() as f64
            });
            Some(Mover {
                actor: base.actors[a].id.clone(),
                to_deal,
                to_status_quo: now,
            })
        })
        .collect();
    // Farthest from the terms first; without any deal (every `to_deal` is `None`), farthest
    // from today's status quo first.
    movers.sort_by(|a, b| {
        let key = |m: &Mover| m.to_deal.unwrap_or(m.to_status_quo);
        key(b).total_cmp(&key(a))
    });
    let holds: Vec<f64> = deals.iter().filter_map(|k| k.holds).collect();
    let has_decisive = base
        .time
        .as_ref()
        .is_some_and(|t| t.decisive.iter().any(|d| d.per_month > 0.0));
    let parties: Vec<String> = copies
        .prepared
        .first()
        .map(|p| {
            p.problem().parties()[..p.parties()]
                .iter()
                .map(|p| p.name.clone())
                .collect()
        })
        .unwrap_or_default();
    // Veto allies still in the problem (one given in `--parties` bargains instead).
    let vetoes: Vec<VetoAlly> = base
        .time
        .as_ref()
        .map(|t| {
            t.vetoes
                .iter()
                .filter_map(|v| {
                    let actor = base.actors.get(v.actor.0)?.id.clone();
                    let backs = base.actors.get(v.backs.0)?.id.clone();
                    (!parties.contains(&actor)).then_some(VetoAlly { actor, backs })
                })
                .collect()
        })
        .unwrap_or_default();
    let (parties_by_month, veto_delays) = if vetoes.is_empty() {
        (Vec::new(), None)
    } else {
        let later = kept
            .iter()
            .filter(|k| {
                k.parties_month
                    .is_some_and(|pm| k.month.is_none_or(|m| m > pm))
            })
            .count();
        (
            cumulative(kept.iter().map(|k| k.parties_month), kept.len(), horizon),
            Some(later as f64 / n),
        )
    };
    let veto_summary = veto_delays.map(|share| {
        let name = |id: &str| {
            base.actors
                .iter()
                .find(|a| a.id == id)
                .map_or_else(|| id.to_owned(), |a| a.name.clone())
        };
        let allies: Vec<(String, String)> = vetoes
            .iter()
            .map(|v| (name(&v.actor), name(&v.backs)))
            .collect();
        veto_summary(&allies, share, first_at(&parties_by_month, 0.5))
    });
    let (decisive_by_month, decisive_wins) = if has_decisive {
        let mut counts = vec![0u64; horizon as usize + 1];
        let mut wins = vec![0u64; parties.len()];
        for (m, w) in kept.iter().filter_map(|k| k.decisive) {
            if let Some(c) = counts.get_mut(m as usize) {
                *c += 1;
            }
            if let Some(c) = wins.get_mut(w) {
                *c += 1;
            }
        }
        let mut acc = 0u64;
        let by = counts
            .iter()
            .map(|c| {
                acc += c;
                acc as f64 / n
            })
            .collect();
        let wins = parties
            .iter()
            .zip(&wins)
            .map(|(p, &c)| (p.clone(), c as f64 / n))
            .collect();
        (by, wins)
    } else {
        (Vec::new(), Vec::new())
    };
    Settlement {
        schema: SETTLEMENT_SCHEMA,
        parties,
        issues: base.issues.iter().map(|i| i.id.clone()).collect(),
        horizon,
        levers: levers.to_vec(),
        trials: config.trials,
        seed: config.seed,
        rate_noise: config.rate_noise,
        position_draws: config.position_draws,
        median_month: first_at(&p, 0.5),
        quartile_months: [first_at(&p, 0.25), first_at(&p, 0.75)],
        p_deal: p.last().copied().unwrap_or(0.0),
        by_month,
        terms,
        movers,
        mean_holds: (!holds.is_empty()).then(|| holds.iter().sum::<f64>() / holds.len() as f64),
        decisive_by_month,
        decisive_wins,
        vetoes,
        parties_by_month,
        veto_delays,
        veto_summary,
        events: None,
    }
}

/// The sentence of [`Settlement::veto_summary`]: `allies` as (ally, party it backs) names,
/// `share` the trials the vetoes held back, `alone` the parties' median month without them.
pub fn veto_summary(allies: &[(String, String)], share: f64, alone: Option<u32>) -> String {
    let one = allies.len() == 1;
    let listed: Vec<String> = allies
        .iter()
        .map(|(ally, backs)| format!("{ally}, backing {backs}"))
        .collect();
    format!(
        "A deal also needs the consent of {} (`[[time.vetoes]]`): {}. {} values fighting on as a party does, by its own beliefs, costs and audience, and a package must beat that too; only the parties share the gains in the Nash package. The {} held the deal back in {:.1}% of trials (the parties alone had a zone earlier, and the deal came later or not within the horizon); without {} the median deal month would be {}.",
        if one { "a veto ally" } else { "veto allies" },
        listed.join("; "),
        if one { "The ally" } else { "Each ally" },
        if one { "veto" } else { "vetoes" },
        100.0 * share,
        if one { "it" } else { "them" },
        alone.map_or_else(
            || "not within the horizon".to_owned(),
            |m| format!("month {m}")
        )
    )
}

/// The settlement forecast of `scenario` with `config.dynamics.levers` applied, conditioned on
/// the scenario's `[[time.events]]` (see the module docs).
///
/// # Errors
/// Those of the model, and [`DynamicsError::NoTrialFitsEvents`] when the events reject every
/// trial.
pub fn settle(scenario: &Scenario, config: &SettleConfig) -> Result<Settlement, DynamicsError> {
    let copies = copies(scenario, config)?;
    settle_on(scenario, config, &copies.prepared)
}

/// [`settle`] on problems prepared by [`copies`] for the same scenario and configuration.
fn settle_on(
    scenario: &Scenario,
    config: &SettleConfig,
    prepared: &[Prepared],
) -> Result<Settlement, DynamicsError> {
    let events: Vec<Event> = scenario
        .time
        .as_ref()
        .map(|t| t.events.clone())
        .unwrap_or_default();
    let pulled = pull_levers(scenario, &events);
    let scenario = pulled.as_ref().unwrap_or(scenario);
    let copies = copies_with(scenario, config, prepared);
    let mut levers = config.dynamics.levers.clone();
    for e in &events {
        if let EventKind::Lever { lever } = &e.kind
            && !levers.contains(lever)
        {
            levers.push(lever.clone());
        }
    }
    let (horizon, kept) = trials(scenario, &copies, config, &levers, &events)?;
    if events.is_empty() {
        return Ok(summarise(
            scenario, &copies, config, &levers, horizon, &kept,
        ));
    }
    let (resampled, conditioning) = condition(&kept, config, events.len())?;
    let mut out = summarise(scenario, &copies, config, &levers, horizon, &resampled);
    // The interval of a weighted share: the effective sample size stands for `n`.
    for b in &mut out.by_month {
        let half = 1.96 * (b.p * (1.0 - b.p) / conditioning.ess.max(1.0)).sqrt();
        b.lo = (b.p - half).max(0.0);
        b.hi = (b.p + half).min(1.0);
    }
    out.events = Some(conditioning);
    Ok(out)
}

/// What conditioning on the events did ([`Settlement::events`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conditioning {
    /// Events conditioned on.
    pub events: usize,
    /// Trials run (before resampling).
    pub trials: u64,
    /// Trials with a positive likelihood.
    pub consistent: u64,
    /// Kish's effective sample size of the weights, `(Σ w)² / Σ w²`.
    pub ess: f64,
    /// Whether the effective sample size is small (below 100 or a tenth of the trials): the
    /// posterior then rests on few trials.
    pub small: bool,
    /// Each drift's true monthly rate, mean over the trials before conditioning (file order).
    pub rate_prior: Vec<f64>,
    /// The same, weighted by the events' likelihood: what the events say about the drift.
    pub rate_posterior: Vec<f64>,
}

/// The events' log-likelihood given one trial: `-inf` when a `no-deal` or `deal` event is
/// false of it, plus `−½ ((x − v) / e)²` for each observed status quo (a Gaussian kernel with
/// the observation's error as its bandwidth), `x` the trial's status quo in the month: the
/// front's value if the trial was still fighting, else the deal's (or the imposed) terms.
fn log_likelihood(events: &[Event], out: &TrialOutcome) -> f64 {
    let mut total = 0.0;
    for e in events {
        match &e.kind {
            EventKind::NoDeal => {
                if out.deal_month.is_some_and(|m| m <= e.month) {
                    return f64::NEG_INFINITY;
                }
            }
            EventKind::Deal => {
                if out.deal_month.is_none_or(|m| m > e.month) {
                    return f64::NEG_INFINITY;
                }
            }
            EventKind::StatusQuo {
                issue,
                value,
                error,
            } => {
                let x = out
                    .months
                    .get(e.month as usize)
                    .map(|m| m.status_quo.get(issue.0).copied())
                    .unwrap_or_else(|| out.terms.as_ref().and_then(|t| t.get(issue.0).copied()));
                let Some(x) = x else {
                    return f64::NEG_INFINITY;
                };
                let z = (x - value) / error;
                total -= 0.5 * z * z;
            }
            EventKind::Lever { .. } => {}
        }
    }
    total
}

/// The scenario with every lever named by a `lever` event moved to start in the event's month
/// (its effects keep their spacing), or `None` when no event pulls a lever.
fn pull_levers(scenario: &Scenario, events: &[Event]) -> Option<Scenario> {
    let mut out = None::<Scenario>;
    for e in events {
        let EventKind::Lever { lever } = &e.kind else {
            continue;
        };
        let s = out.get_or_insert_with(|| scenario.clone());
        let Some(l) = s
            .time
            .as_mut()
            .and_then(|t| t.levers.iter_mut().find(|l| &l.id == lever))
        else {
            continue;
        };
        let first = l.effects.iter().map(|f| f.from).min().unwrap_or(0);
        for f in &mut l.effects {
            let shift = i64::from(e.month) - i64::from(first);
            f.from = (i64::from(f.from) + shift).max(0) as u32;
            if let Some(until) = f.until.as_mut() {
                *until = (i64::from(*until) + shift).max(1) as u32;
            }
        }
    }
    out
}

/// Weights the trials by the events' likelihood and draws as many trials again by systematic
/// resampling (sampling-importance-resampling; one uniform from `trial_rng(seed ^ EVENTS, 0)`),
/// so the summaries read the posterior as they read the prior.
fn condition(
    kept: &[Kept],
    config: &SettleConfig,
    events: usize,
) -> Result<(Vec<Kept>, Conditioning), DynamicsError> {
    let top = kept
        .iter()
        .map(|k| k.log_weight)
        .fold(f64::NEG_INFINITY, f64::max);
    if !top.is_finite() {
        return Err(DynamicsError::NoTrialFitsEvents {
            trials: kept.len() as u64,
        });
    }
    let w: Vec<f64> = kept.iter().map(|k| (k.log_weight - top).exp()).collect();
    let sum: f64 = w.iter().sum();
    let sq: f64 = w.iter().map(|x| x * x).sum();
    let ess = sum * sum / sq;
    let drifts = kept.first().map_or(0, |k| k.rate.len());
    let n = kept.len().max(1) as f64;
    let rate_prior = (0..drifts)
        .map(|j| kept.iter().map(|k| k.rate[j]).sum::<f64>() / n)
        .collect();
    let rate_posterior = (0..drifts)
        .map(|j| kept.iter().zip(&w).map(|(k, w)| w * k.rate[j]).sum::<f64>() / sum)
        .collect();
    let mut rng = trial_rng(config.seed ^ EVENTS, 0);
    let start = uniform(&mut rng);
    let mut resampled = Vec::with_capacity(kept.len());
    let mut acc = 0.0;
    let mut i = 0;
    for m in 0..kept.len() {
        let target = (start + m as f64) / n * sum;
        while i + 1 < kept.len() && acc + w[i] <= target {
            acc += w[i];
            i += 1;
        }
        // Rounding can leave the pointer on a rejected trial at the end; take the last kept one.
        let mut j = i;
        while w[j] == 0.0 && j > 0 {
            j -= 1;
        }
        resampled.push(kept[j].clone());
    }
    let consistent = w.iter().filter(|&&x| x > 0.0).count() as u64;
    Ok((
        resampled,
        Conditioning {
            events,
            trials: kept.len() as u64,
            consistent,
            ess,
            small: ess < 100.0 || ess < 0.1 * n,
            rate_prior,
            rate_posterior,
        },
    ))
}

/// A window's probability against the baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowShift {
    /// Months.
    pub months: u32,
    /// `P(deal within months)` under the variant.
    pub p: f64,
    /// Minus the baseline's.
    pub shift: f64,
    /// 95% interval of the shift (paired normal).
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
}

/// One lever set against the baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeverSettlement {
    /// Lever ids.
    pub levers: Vec<String>,
    /// Median deal month under the variant.
    pub median_month: Option<u32>,
    /// Its shift against the baseline (a month never reached counts as `horizon + 1`).
    pub median_shift: i64,
    /// 95% bootstrap interval of the shift.
    pub median_shift_interval: [i64; 2],
    /// The windows of [`WINDOWS`] up to the horizon.
    pub windows: Vec<WindowShift>,
    /// Change of the median terms per issue (`None` when either run has no deal).
    pub terms_shift: Vec<Option<f64>>,
    /// The variant's full forecast.
    pub settlement: Settlement,
}

/// The result of [`settle_levers`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SettleLevers {
    /// Schema tag.
    pub schema: &'static str,
    /// No levers applied.
    pub baseline: Settlement,
    /// `P(deal within w)` of the baseline for each window.
    pub baseline_windows: Vec<(u32, f64)>,
    /// Each lever and each pair, largest shift of the median month first, then of
    /// `P(deal within 12 months)` (or the widest window), file order among ties.
    pub variants: Vec<LeverSettlement>,
}

fn median_of_months(months: &[Option<u32>], horizon: u32, idx: &[usize]) -> i64 {
    let mut counts = vec![0u64; horizon as usize + 2];
    for &i in idx {
        counts[months[i].map_or(horizon as usize + 1, |m| m as usize)] += 1;
    }
    let n = idx.len() as f64;
    let mut acc = 0u64;
    for (m, c) in counts.iter().enumerate() {
        acc += c;
        if acc as f64 / n >= 0.5 && m <= horizon as usize {
            return m as i64;
        }
    }
    i64::from(horizon) + 1
}

/// The baseline against each lever of the scenario and each pair, on common random numbers.
pub fn settle_levers(
    scenario: &Scenario,
    config: &SettleConfig,
) -> Result<SettleLevers, DynamicsError> {
    let copies = copies(scenario, config)?;
    let (horizon, base_kept) = trials(scenario, &copies, config, &[], &[])?;
    let baseline = summarise(scenario, &copies, config, &[], horizon, &base_kept);
    let ids: Vec<String> = scenario
        .time
        .as_ref()
        .map(|t| t.levers.iter().map(|l| l.id.clone()).collect())
        .unwrap_or_default();
    let mut sets: Vec<Vec<String>> = ids.iter().map(|id| vec![id.clone()]).collect();
    for a in 0..ids.len() {
        for b in a + 1..ids.len() {
            sets.push(vec![ids[a].clone(), ids[b].clone()]);
        }
    }
    let windows: Vec<u32> = WINDOWS.into_iter().filter(|&w| w <= horizon).collect();
    let within = |kept: &[Kept], w: u32| -> Vec<f64> {
        kept.iter()
            .map(|k| {
                if k.month.is_some_and(|m| m <= w) {
                    1.0
                } else {
                    0.0
                }
            })
            .collect()
    };
    let n = base_kept.len();
    let base_months: Vec<Option<u32>> = base_kept.iter().map(|k| k.month).collect();
    let all: Vec<usize> = (0..n).collect();
    let base_median = median_of_months(&base_months, horizon, &all);
    let median_terms = |s: &Settlement| -> Vec<Option<f64>> {
        s.terms
            .iter()
            .map(|t| t.percentiles.map(|p| p[2]))
            .collect()
    };
    let base_terms = median_terms(&baseline);
    let mut variants = Vec::with_capacity(sets.len());
    for (v, set) in sets.into_iter().enumerate() {
        let (_, kept) = trials(scenario, &copies, config, &set, &[])?;
        let settlement = summarise(scenario, &copies, config, &set, horizon, &kept);
        let months: Vec<Option<u32>> = kept.iter().map(|k| k.month).collect();
        let median = median_of_months(&months, horizon, &all);
        // Paired bootstrap of the median shift.
        let mut rng = trial_rng(config.seed ^ BOOTSTRAP, v as u64);
        let mut shifts: Vec<i64> = (0..config.bootstrap)
            .map(|_| {
                let idx: Vec<usize> = (0..n)
                    .map(|_| ((uniform(&mut rng) * n as f64) as usize).min(n.saturating_sub(1)))
                    .collect();
                median_of_months(&months, horizon, &idx)
                    - median_of_months(&base_months, horizon, &idx)
            })
            .collect();
        shifts.sort_unstable();
        let interval = if shifts.is_empty() {
            [median - base_median; 2]
        } else {
            let at = |q: f64| {
                let i = ((q * shifts.len() as f64).ceil() as usize).clamp(1, shifts.len()) - 1;
                shifts[i]
            };
            [at(0.025), at(0.975)]
        };
        let windows = windows
            .iter()
            .map(|&w| {
                let a = within(&kept, w);
                let b = within(&base_kept, w);
                let d: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x - y).collect();
                let m = n.max(1) as f64;
                let mean = d.iter().sum::<f64>() / m;
                let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (m - 1.0).max(1.0);
                let half = 1.96 * (var / m).sqrt();
                WindowShift {
                    months: w,
                    p: a.iter().sum::<f64>() / m,
                    shift: mean,
                    lo: mean - half,
                    hi: mean + half,
                }
            })
            .collect();
        let terms_shift = median_terms(&settlement)
            .iter()
            .zip(&base_terms)
            .map(|(a, b)| Some((*a)? - (*b)?))
            .collect();
        variants.push(LeverSettlement {
            levers: set,
            median_month: settlement.median_month,
            median_shift: median - base_median,
            median_shift_interval: interval,
            windows,
            terms_shift,
            settlement,
        });
    }
    let key = |v: &LeverSettlement| {
        v.windows
            .iter()
            .find(|w| w.months == 12)
            .or(v.windows.last())
            .map_or(0.0, |w| w.shift.abs())
    };
    variants.sort_by(|a, b| {
        b.median_shift
            .abs()
            .cmp(&a.median_shift.abs())
            .then(key(b).total_cmp(&key(a)))
    });
    let baseline_windows = windows
        .iter()
        .map(|&w| {
            (
                w,
                within(&base_kept, w).iter().sum::<f64>() / n.max(1) as f64,
            )
        })
        .collect();
    Ok(SettleLevers {
        schema: "detente.settlement-levers/1",
        baseline,
        baseline_windows,
        variants,
    })
}

/// One cell of [`belief_sensitivity`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BeliefCell {
    /// Factor on every belief's offset from the analyst's rate (1 = as written).
    pub divergence: f64,
    /// Factor on every belief's prior sd (1 = as written).
    pub spread: f64,
    /// Median deal month.
    pub median_month: Option<u32>,
    /// `P(deal within w)` for the windows up to the horizon.
    pub windows: Vec<(u32, f64)>,
    /// `P(deal within the horizon)`.
    pub p_deal: f64,
}

/// The settlement forecast with every belief's offset from the analyst's rate scaled by each
/// `divergence` factor and its prior sd by each `spread` factor (same draws in every cell).
pub fn belief_sensitivity(
    scenario: &Scenario,
    config: &SettleConfig,
    divergence: &[f64],
    spread: &[f64],
) -> Result<Vec<BeliefCell>, DynamicsError> {
    let copies = copies(scenario, config)?;
    belief_grid(scenario, config, divergence, spread, &copies)
}

/// [`belief_sensitivity`] on copies already prepared.
fn belief_grid(
    scenario: &Scenario,
    config: &SettleConfig,
    divergence: &[f64],
    spread: &[f64],
    copies: &Copies,
) -> Result<Vec<BeliefCell>, DynamicsError> {
    let levers = config.dynamics.levers.clone();
    let mut cells = Vec::new();
    for &d in divergence {
        for &g in spread {
            let adjust = |s: &Scenario| {
                let mut s = s.clone();
                if let Some(time) = &mut s.time {
                    let rates: Vec<(usize, f64)> = time
                        .drift
                        .iter()
                        .map(|x| (x.issue.0, x.per_month))
                        .collect();
                    for b in &mut time.beliefs {
                        let r = rates
                            .iter()
                            .find(|(i, _)| *i == b.issue.0)
                            .map_or(0.0, |x| x.1);
                        b.drift = r + d * (b.drift - r);
                        b.sd *= g;
                    }
                    let hazards: Vec<(usize, f64)> = time
                        .decisive
                        .iter()
                        .map(|x| (x.actor.0, x.per_month))
                        .collect();
                    time.victory = time
                        .victory
                        .iter()
                        .filter_map(|v| {
                            let own: f64 = hazards
                                .iter()
                                .filter(|(a, _)| *a == v.actor.0)
                                .map(|x| x.1)
                                .sum();
                            let other: f64 = hazards
                                .iter()
                                .filter(|(a, _)| *a != v.actor.0)
                                .map(|x| x.1)
                                .sum();
                            let wins = scale_beta(v.wins, own, d, g)?;
                            let loses = v.loses.and_then(|l| scale_beta(l, other, d, g));
                            Some(Victory {
                                wins,
                                loses,
                                ..v.clone()
                            })
                        })
                        .collect();
                }
                s
            };
            // Beliefs do not enter the package problem, so the prepared frontiers are reused.
            let cell = Copies {
                scenarios: copies.scenarios.iter().map(adjust).collect(),
                prepared: copies.prepared.clone(),
            };
            let base = adjust(scenario);
            let (horizon, kept) = trials(&base, &cell, config, &levers, &[])?;
            let out = summarise(&base, &cell, config, &levers, horizon, &kept);
            let windows = WINDOWS
                .into_iter()
                .filter(|&w| w <= out.horizon)
                .map(|w| (w, out.by_month[w as usize].p))
                .collect();
            cells.push(BeliefCell {
                divergence: d,
                spread: g,
                median_month: out.median_month,
                windows,
                p_deal: out.p_deal,
            });
        }
    }
    Ok(cells)
}

/// A Beta prior with its mean moved to `truth + d (mean − truth)` and its sd scaled by `g`
/// (the sd held below the largest a Beta with that mean allows); `None` when the mean leaves
/// `(0, 1)` (at `d = 0` with a true chance of 0, the party holds no victory belief).
fn scale_beta(prior: BetaPrior, truth: f64, d: f64, g: f64) -> Option<BetaPrior> {
    let mean = truth + d * (prior.mean() - truth);
    if !(mean > 0.0 && mean < 1.0) {
        return None;
    }
    let sd = (prior.sd() * g).min(0.99 * (mean * (1.0 - mean)).sqrt());
    BetaPrior::from_mean_sd(mean, sd)
}

/// The divergence factors of [`settlement_report`]'s belief sensitivity.
pub const DIVERGENCE: [f64; 5] = [0.0, 0.5, 1.0, 2.0, 4.0];
/// The prior-sd factors of [`settlement_report`]'s belief sensitivity.
pub const SPREAD: [f64; 3] = [0.5, 1.0, 2.0];

/// What `detente delay` shows of the settlement: the forecast and, when the scenario has
/// beliefs, its sensitivity to them ([`DIVERGENCE`] × [`SPREAD`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SettlementReport {
    /// The forecast.
    #[serde(flatten)]
    pub forecast: Settlement,
    /// One cell per divergence and spread factor, divergence-major (empty without beliefs).
    pub belief_sensitivity: Vec<BeliefCell>,
}

/// [`settle`] plus, when the scenario has beliefs, [`belief_sensitivity`] on the default grid.
pub fn settlement_report(
    scenario: &Scenario,
    config: &SettleConfig,
) -> Result<SettlementReport, DynamicsError> {
    // One preparation of the package problems for the forecast and its belief grid.
    let copies = copies(scenario, config)?;
    let forecast = settle_on(scenario, config, &copies.prepared)?;
    let has_beliefs = scenario
        .time
        .as_ref()
        .is_some_and(|t| !t.beliefs.is_empty() || !t.victory.is_empty());
    let belief_sensitivity = if has_beliefs {
        belief_grid(scenario, config, &DIVERGENCE, &SPREAD, &copies)?
    } else {
        Vec::new()
    };
    Ok(SettlementReport {
        forecast,
        belief_sensitivity,
    })
}
