//! Bargaining while fighting: parties that disagree about the war, learn from the front, pay to
//! break public commitments and discount deals that may not hold. One Monte Carlo trial, month by
//! month, as a pure function of the trial's drawn front (the draws live in `detente-sim`).
//!
//! # What it models
//! The complete-information model of the parent module cannot explain delay: when every party
//! knows every number, costly fighting leaves a bargaining range and rational parties settle at
//! once (Fearon 1995). This module adds the three rationalist reasons for delay that the
//! literature and the Istanbul seed name, each optional and each driven by its own `[time]`
//! section (see `docs/scenario-format.md`):
//!
//! - **Mutual optimism and learning** (`[[time.beliefs]]`; Fearon 1995, Slantchev 2003, Smith &
//!   Stam 2004, Powell 2004). The front of a drifting issue moves each month by
//!   `y_j(t) = r_j + Δ_j(t) + σ_j z_j(t)`: `r_j` the trial's true drift rate, `Δ_j(t)` the
//!   change levers make (a `drift-rate` lever's rate minus the base rate), `σ_j` the drift's
//!   `sd` and `z_j(t)` a standard normal draw; a `stop-drift` lever makes `y = 0`. A party with a
//!   belief holds a normal prior `r_j ~ N(m₀, s₀²)`; each month every party sees `y_j(t)` (unless
//!   the drift or learning is stopped) and updates by the normal-normal conjugate rule on
//!   `y_j(t) − Δ_j(t)`: after `n` observations with sum `S`, the posterior precision is
//!   `1/s₀² + n/σ²` and the posterior mean `(m₀/s₀² + S/σ²) / (1/s₀² + n/σ²)`. With `σ = 0` one
//!   observation reveals `r_j`. A party without a belief knows `r_j` (the analyst's process,
//!   held as a correct belief). Smith & Stam's and Slantchev's point follows: fighting is the
//!   information that makes beliefs converge, so the zone of agreement opens as they do.
//! - **Value of fighting on.** In month `t` party `i` expects the front to follow its believed
//!   mean path: `x̂(t) = SQ(t)` and `x̂(s+1) = step(x̂(s), m_ij(t) + b_ij(t) + Δ_j(s))` for
//!   `s = t..t+L−1`, with `m_ij(t)` its posterior mean, `b_ij(t)` the `shift-belief` levers
//!   active in month `t`, `step` the parent module's capped, clamped step and `L` the
//!   scenario's `lookahead`. Its value of fighting on is
//!   `W_i(t) = Σ_{s<L} δ_i^s [(1 − δ_i) u_i(x̂(t+s)) − c_i(t+s)] + δ_i^L u_i(x̂(t+L))`: each
//!   month of war the party holds the line where it stands, worth the month's share
//!   `(1 − δ) u` of a settlement there, and pays the month's cost; after `L` months the line
//!   it expects is valued as a settlement (the one-party version of Fearon's `p − c`). A
//!   settlement `x` signed now is worth `u_i(x)`, the same sum over months with `x` held for
//!   ever, so a front that never moves and costs nothing is worth exactly what signing the
//!   status quo is, as in the complete-information table's no-deal value. (Valuing only the
//!   line at `t + L`, `δ^L u(x̂(t+L))`, would charge a party `(1 − δ^L) u` for waiting, an
//!   amount that depends on where the utility scale puts its zero; the flow term removes that
//!   artefact. With `δ = 1` the two agree.) We evaluate the utility at the mean path (certainty
//!   equivalent, risk-neutral about the line) and use a rolling window of `L` months instead of
//!   the horizon so that no artificial war end pulls the parties together near the horizon.
//! - **Decisive outcomes and learning about them** (`[[time.victory]]`, `[[time.decisive]]`;
//!   Fearon 1995, Slantchev 2003, Smith & Stam 2004, Powell 2004). The drift beliefs above
//!   concern only how the line moves; the value of war in this literature is the
//!   chance-weighted outcome of the war (Fearon's `p·win + (1−p)·lose − c`), and in the
//!   dynamic versions each period the war may end decisively. A party may hold a Beta prior
//!   `Beta(a_W, b_W)` on the monthly chance `h_W` that its side wins outright and
//!   optionally `Beta(a_L, b_L)` on the chance `h_L` that it loses outright (the scenario gives
//!   each by mean `m` and sd `s`: `k = m(1−m)/s² − 1`, `a = m k`, `b = (1−m) k`). Each month
//!   the war goes on without a decision every party observes it (one Bernoulli failure for
//!   each hazard) and updates by the Beta-Bernoulli rule: after `n` such months the posterior
//!   is `Beta(a, b + n)`, its mean `h(n) = a / (a + b + n)` ([`beta_posterior_mean`]): a belief
//!   in victory fades as the war fails to deliver one, Slantchev's convergence. A `scale-victory`
//!   lever multiplies the believed win chance by its factor (kept at most `1 − h_L`); a
//!   `stop-learning` lever on every issue stops this learning too. A win imposes the winner's
//!   terms, the frontier package best for it, `x*_i = argmax_q u_i(q)` (first on ties): a
//!   victor needs no one's consent, so it takes its ideal among the packages the issues allow;
//!   a loss imposes, of the other parties' `x*_j`, the one worst for `i` (with two parties, the
//!   other side's ideal). We chose the frontier maximum over "each issue at the winner's
//!   position" because it is what the same utilities say the winner wants most and it lies on
//!   the grid the deals use, so a win and a deal are valued alike.
//!
//!   With `(h_W, h_L)` the party's believed chances in month `t` and
//!   `S_s = (1 − h_W − h_L)^s` the believed chance that the war is undecided after `s` more
//!   months, the value of fighting on becomes
//!   `W_i(t) = Σ_{s<L} δ^s S_s [(1 − δ) u_i(x̂(t+s)) − c_i(t+s)] + Σ_{s<L} δ^{s+1} S_s (h_W
//!   u_i(x*_i) + h_L u_i(x_L)) + δ^L S_L u_i(x̂(t+L))`: the line is held and costs are paid
//!   while the war goes on, a decisive end in month `s`
//!   is valued at the end of that month, and the undecided branch ends on the believed line as
//!   before. With no victory belief (`h_W = h_L = 0`, `S = 1`) the old code path runs and the
//!   numbers are today's exactly (tested). The hazards are held at month `t`'s posterior
//!   means over the look-ahead (the party does not anticipate its own learning, as with the
//!   drift).
//!
//!   The analyst's process may give side `k` a true monthly chance `h_k` of winning outright
//!   (`[[time.decisive]]`, default 0: no decisive end). The trial's draw ([`TrialDraw`]) then
//!   says whether and when the war ends; a war that ends during month `t` before any deal ends
//!   the trial with the winner's terms, reported as a decisive end in month `t + 1`, apart from
//!   the deals.
//! - **Audience costs** (`[[time.audience_costs]]`; Fearon 1994). Signing a package whose value
//!   on the issue lies across the committed line costs the party `A · decay^t · f(t)` utility
//!   points (0 from `until` on), `f(t)` the product of its active `scale-audience-cost` levers.
//!   A *red line* (`hard = true`) is the limit `A = ∞`: no package across it enters the zone
//!   while it binds (a lever with factor 0 lifts it; any other factor leaves it whole). We
//!   offer it beside the finite cost because some commitments are stated as terms the party
//!   will not sign at any price (a territorial claim written into a constitution), and any
//!   finite number for those would be a guess aimed at an answer.
//! - **Enforcement** (`[time.enforcement]`; Powell 2006, war as a commitment problem). A deal
//!   holds with probability `p(x, t) = clamp(holds + Σ_k change_k · max(0, 1 − |x_k − at_k| /
//!   width_k) − per_drift_point · Σ_j |r_j + Δ_j(t)| + e(t), 0, 1)`, `e(t)` the active
//!   `shift-enforcement` levers: guarantees on the ground raise it, a front that shifts power
//!   fast lowers it (the rising side cannot promise not to press on; a stopped drift removes
//!   the penalty).
//!
//!   What a deal that breaks leaves behind decides whether enforcement can delay a deal at
//!   all, so the scenario names it (`breakdown`). By default (`terms-stand`) a deal's terms
//!   are carried out when it is signed and stay when it breaks (land handed over, forces cut,
//!   neutrality written into law): the war resumes from them and its costs come back, so a
//!   deal is worth `V_i(x, t) = p u_i(x) + (1 − p) (u_i(x) − C_i(t)) = u_i(x) − (1 − p) C_i(t)`
//!   with `C_i(t) = Σ_{s<L} δ_i^s c_i(t+s)`, the war's discounted costs over the look-ahead
//!   (after a breakdown we value the renewed war at the deal's terms and ignore how the front
//!   would move from there). This is Powell's commitment problem in its simplest form: a deal
//!   that may not hold gives up its terms and may still bring the war back, so a low chance
//!   of holding can leave no package both sides prefer to fighting on. The alternative
//!   (`back-to-war`), a broken deal putting the parties back where fighting on from today
//!   would, gives `V_i = p u_i(x) + (1 − p) W_i(t)`: `V_i − W_i = p (u_i − W_i)` keeps the sign
//!   of `u_i − W_i` for every `p > 0`, so the chance of holding then changes the terms but
//!   never the month. We default to the first because it is the one in which the chance of
//!   holding can do what the commitment-problem literature says it does, keep parties from a
//!   deal; the second stays as a named option for analysts who read a breakdown as a clean
//!   return to the war.
//!
//! - **Veto allies** (`[[time.vetoes]]`; Tsebelis 2002, Cunningham 2006, 2010). An external
//!   state with its own aims whose consent a settlement needs (an ally that funds one side's
//!   war) is a veto player: the more of them, and the further their aims from the parties', the
//!   smaller the set of acceptable settlements and the longer the war (Cunningham's finding for
//!   civil wars). We model it in the cheapest form that keeps the rest of the model unchanged:
//!   the ally is valued exactly as a party is (`W_a(t)` from its own beliefs, costs, discount,
//!   victory belief, its side being the party it backs, and `V_a(x, t)` with its own audience
//!   costs and the deal's enforcement), and its consent is one more condition on the zone,
//!   `V_a > W_a`; it takes no share of the gains (the Nash product runs over the parties only)
//!   and brings no issues of its own (the package grid stays the parties'). The frontier
//!   searched is the Pareto frontier of parties and allies together
//!   ([`super::Prepared::settlement`]), so a package the ally needs is not lost for being
//!   dominated for the parties alone. Because neither the front nor the parties' beliefs
//!   depend on the allies, the first month the parties alone had a zone
//!   ([`TrialOutcome::parties_month`]) is the deal month without the vetoes, reported beside the
//!   forecast. Other formalisations (the ally as a third bargainer with a share of the gains,
//!   or as a patron whose aid the party loses by signing) need a model of the ally's leverage
//!   over the party that the seed does not give; the veto is what it describes ("working to
//!   prevent ... premature ... peace").
//!
//! A deal's value to party `i` in month `t` is `V_i(x, t)` above minus its audience cost
//! `A_i(x, t)`. The **zone of agreement** in month `t` is the set of frontier packages with
//! `V_i > W_i` for every party; mutual optimism (high `W` on both sides) empties it and learning
//! reopens it. The **deal month** of a trial is the first month whose zone is non-empty; the
//! **terms** are that month's Nash package over the zone, maximising
//! `Σ_i w_i ln(V_i − W_i)` with the parent module's Nash weights (capability scaled by levers,
//! or equal). Zartman's ripeness is the special case: the deal comes when each side's own
//! prospects of fighting on fall below what a deal gives it.
//!
//! # Assumptions
//! Parties observe the front's move, not the true rate, and know the noise `σ` and the levers'
//! schedule (a lever is common knowledge when it acts). Beliefs differ only about drift means
//! and the chances of a decisive end; costs and utilities are common knowledge. The win and
//! loss hazards are learnt as two independent Bernoulli streams (a month without a decision is
//! a failure for both), and a decisive end is final (the imposed terms hold for ever, valued
//! like a settlement's utility). The observation is the process move before the
//! cap (the cap is where the analyst lets the line stop, not a signal). Packages are searched
//! only on the Pareto frontier of utilities (computed once); when enforcement terms make `p`
//! vary across packages, a package off that frontier could give more, which we ignore. A party
//! values fighting on and deals with its own belief; it does not reason about the other side's
//! belief or signal with its offers (no screening: we chose Powell's 2004 learning-by-fighting
//! over the signalling models because it needs only the front as data). A deal, once in the
//! zone, is struck that month: no one holds out for better terms within the zone.
//!
//! # Parameters
//! The scenario's `[time]` section (drift with `sd`, costs, discounts, `lookahead`, beliefs,
//! audience costs, enforcement, levers) and [`super::DynamicsConfig`] (package grid, Nash
//! weights, horizon, levers). The trial's draws come in a [`TrialDraw`].
//!
//! # References
//! Fearon, J. D. (1994), "Domestic political audiences and the escalation of international
//! disputes", *APSR* 88(3). Fearon, J. D. (1995), "Rationalist explanations for war", *IO*
//! 49(3). Slantchev, B. L. (2003), "The principle of convergence in wartime negotiations",
//! *APSR* 97(4). Smith, A., Stam, A. C. (2004), "Bargaining and the nature of war", *JCR*
//! 48(6). Powell, R. (2004), "Bargaining and learning while fighting", *AJPS* 48(2). Powell, R.
//! (2006), "War as a commitment problem", *IO* 60(1). Cunningham, D. E. (2006), "Veto players
//! and civil war duration", *AJPS* 50(4). Cunningham, D. E. (2010), "Blocking resolution: how
//! external states can prolong civil wars", *JPR* 47(2). Tsebelis, G. (2002), *Veto players:
//! how political institutions work*, Princeton. Zartman, I. W. (2000), "Ripeness: the
//! hurting stalemate and beyond".

use detente_core::{BetaPrior, Breakdown, EffectKind, Scenario, Time};
use serde::Serialize;

use super::{DynamicsConfig, DynamicsError, Prepared, TOL, path};
use crate::bargain::NashWeights;

/// One trial's random inputs: the true drift rates, the front's noise and, when the analyst's
/// process has decisive hazards, the month and winner of a decisive end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrialDraw {
    /// True base rate of each `[[time.drift]]` entry, in file order (the analyst's `per_month`
    /// when the rate is not drawn).
    pub rate: Vec<f64>,
    /// Standard normal draws `z[t][j]` for months `0..horizon`, drift order; missing entries
    /// count as 0.
    pub noise: Vec<Vec<f64>>,
    /// `Some((t, k))`: the war ends decisively during month `t` (before the talks of month
    /// `t + 1`), won by the side of `[[time.decisive]]` entry `k` (file order), unless a deal
    /// comes first.
    pub decisive: Option<(u32, usize)>,
}

impl TrialDraw {
    /// The draw with no noise: every rate the analyst's, the front exactly on its mean path,
    /// no decisive end.
    pub fn mean(time: &Time) -> Self {
        Self {
            rate: time.drift.iter().map(|d| d.per_month).collect(),
            noise: Vec::new(),
            decisive: None,
        }
    }
}

/// One month of a traced trial.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FightMonth {
    /// Month number.
    pub month: u32,
    /// Status quo on each issue, issue order.
    pub status_quo: Vec<f64>,
    /// Each party's posterior mean of each drift, `[party][drift]` (parties first, then any veto
    /// allies, here and in the other per-party fields).
    pub believed_drift: Vec<Vec<f64>>,
    /// Each party's posterior sd of each drift (0 when it knows the rate).
    pub belief_sd: Vec<Vec<f64>>,
    /// Each party's value of fighting on, `W_i(t)`.
    pub fight_value: Vec<f64>,
    /// Each party's believed monthly chance of winning and of losing outright (0 without a
    /// victory belief), `[party] = (win, lose)`.
    pub believed_hazard: Vec<(f64, f64)>,
    /// Whether the zone of agreement is non-empty.
    pub zone: bool,
}

/// What one trial gives.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrialOutcome {
    /// The first month with a non-empty zone, if any within the horizon.
    pub deal_month: Option<u32>,
    /// The first month in which the bargaining parties alone had a non-empty zone, as if no
    /// veto ally's consent were needed (the parties' beliefs and the front do not depend on
    /// the allies, so this is the deal month without `[[time.vetoes]]`); equal to
    /// `deal_month` when the scenario has none.
    pub parties_month: Option<u32>,
    /// The terms on each issue's scale, issue order.
    pub terms: Option<Vec<f64>>,
    /// Each party's utility of the terms.
    pub utilities: Option<Vec<f64>>,
    /// The chance the deal holds.
    pub holds: Option<f64>,
    /// When the war ended decisively before any deal: the first month it is over (`t + 1`
    /// for an end during month `t`) and the winning party's index. `terms` and `utilities`
    /// are then the winner's imposed terms.
    pub decisive: Option<(u32, usize)>,
    /// Month by month, when asked for.
    pub months: Vec<FightMonth>,
}

/// A drifting issue with its lever schedule.
#[derive(Debug, Clone)]
struct DriftLine {
    issue: usize,
    base: f64,
    cap: Option<f64>,
    sd: f64,
    /// `Δ(t)`, months `0..horizon+L`.
    delta: Vec<f64>,
    /// Drift stopped in month `t`.
    stopped: Vec<bool>,
    /// Learning stopped in month `t`.
    deaf: Vec<bool>,
}

/// A scenario and lever set, ready for many trials.
#[derive(Debug, Clone)]
pub struct Fight<'a> {
    scenario: &'a Scenario,
    prepared: &'a Prepared,
    horizon: u32,
    lookahead: u32,
    drifts: Vec<DriftLine>,
    /// Prior `(m₀, s₀)` per party per drift (`None`: knows the rate).
    priors: Vec<Vec<Option<(f64, f64)>>>,
    /// `b_ij(t)`, `[t][party][drift]`.
    belief_shift: Vec<Vec<Vec<f64>>>,
    /// One-time status-quo moves `[t][issue]`, months `0..=horizon+L`.
    moved: Vec<Vec<f64>>,
    cost: Vec<Vec<f64>>,
    /// `C_i(t)`, `[t][party]`: the discounted cost of `L` months of war from month `t`.
    renewed: Vec<Vec<f64>>,
    /// What a broken deal leaves behind.
    breakdown: Breakdown,
    weights: Vec<Vec<f64>>,
    discount: Vec<f64>,
    /// Issue values of every frontier point.
    values: Vec<Vec<f64>>,
    /// Audience cost of every frontier point, `[t][point · n + party]` (a point's parties side
    /// by side, as the month's scan of the frontier reads them), only when any exists.
    audience: Option<Vec<Vec<f64>>>,
    /// Every frontier point's utilities, `[point · n + party]`: the month's scan of the
    /// frontier reads them in this order, from one block of memory.
    utilities: Vec<f64>,
    /// Issue-term part of `p` for every frontier point.
    term_p: Option<Vec<f64>>,
    /// `holds − per_drift · Σ|rate| + shifts` is computed per trial; these are its parts.
    enforcement: Option<(f64, f64, Vec<f64>)>,
    /// Victory priors per party: `(wins, loses)` (`None`: no such belief).
    victory: Vec<Option<(BetaPrior, Option<BetaPrior>)>>,
    /// Product of active `scale-victory` factors, `[t][party]`.
    victory_scale: Vec<Vec<f64>>,
    /// Months in which nobody learns from the war's going on (`stop-learning` on every issue).
    victory_deaf: Vec<bool>,
    /// Each party's imposed terms if its side wins: the frontier point best for it.
    win_point: Vec<usize>,
    /// Each party's utility if its side loses: of the other parties' imposed terms, the worst
    /// for it.
    lose_value: Vec<f64>,
    /// `[[time.decisive]]` entry `k`'s party index.
    decisive_party: Vec<usize>,
}

impl<'a> Fight<'a> {
    /// Prepares `scenario` under `config` (its levers and horizon) for trials.
    pub fn new(
        scenario: &'a Scenario,
        prepared: &'a Prepared,
        config: &DynamicsConfig,
    ) -> Result<Self, DynamicsError> {
        let default_time = Time::default();
        let time = scenario.time.as_ref().unwrap_or(&default_time);
        let (horizon, levers) = super::horizon_and_levers(time, config)?;
        let effects: Vec<&detente_core::Effect> =
            levers.iter().flat_map(|l| l.effects.iter()).collect();
        let lookahead = time.lookahead;
        let last = horizon + lookahead;
        let base = path(scenario, time, prepared, &levers, last);
        let n = prepared.actors.len();
        let months = last as usize + 1;

        let drifts: Vec<DriftLine> = time
            .drift
            .iter()
            .map(|d| {
                let k = d.issue.0;
                let mut delta = Vec::with_capacity(months);
                let mut stopped = Vec::with_capacity(months);
                let mut deaf = Vec::with_capacity(months);
                for t in 0..=last {
                    let mut rate = d.per_month;
                    let mut stop = false;
                    let mut quiet = false;
                    for e in effects.iter().filter(|e| e.active(t)) {
                        match e.kind {
                            EffectKind::DriftRate { issue, per_month } if issue.0 == k => {
                                rate = per_month;
                            }
                            EffectKind::StopDrift { issue } if issue.is_none_or(|i| i.0 == k) => {
                                stop = true;
                            }
                            EffectKind::StopLearning { issue }
                                if issue.is_none_or(|i| i.0 == k) =>
                            {
                                quiet = true;
                            }
                            _ => {}
                        }
                    }
                    delta.push(rate - d.per_month);
                    stopped.push(stop);
                    // A frozen front tells nobody anything.
                    deaf.push(stop || quiet);
                }
                DriftLine {
                    issue: k,
                    base: d.per_month,
                    cap: d.cap,
                    sd: d.sd,
                    delta,
                    stopped,
                    deaf,
                }
            })
            .collect();
        let priors: Vec<Vec<Option<(f64, f64)>>> = prepared
            .actors
            .iter()
            .map(|&a| {
                time.drift
                    .iter()
                    .map(|d| time.belief(a, d.issue).map(|b| (b.drift, b.sd)))
                    .collect()
            })
            .collect();
        let belief_shift = (0..=last)
            .map(|t| {
                prepared
                    .actors
                    .iter()
                    .map(|&a| {
                        drifts
                            .iter()
                            .map(|d| {
                                effects
                                    .iter()
                                    .filter(|e| e.active(t))
                                    .map(|e| match e.kind {
                                        EffectKind::ShiftBelief {
                                            actor,
                                            issue,
                                            per_month,
                                        } if actor == a && issue.0 == d.issue => per_month,
                                        _ => 0.0,
                                    })
                                    .sum()
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        let moved = (0..=last)
            .map(|t| {
                (0..scenario.issues.len())
                    .map(|k| {
                        effects
                            .iter()
                            .filter(|e| e.from == t)
                            .map(|e| match e.kind {
                                EffectKind::MoveStatusQuo { issue, points } if issue.0 == k => {
                                    points
                                }
                                _ => 0.0,
                            })
                            .sum()
                    })
                    .collect()
            })
            .collect();
        let discount: Vec<f64> = prepared
            .actors
            .iter()
            .map(|&a| time.actor(a).map_or(1.0, |a| a.discount))
            .collect();
        // Only the bargaining parties weigh in the Nash product; a veto ally's consent is a
        // constraint on the zone, not a share of the gains.
        let np = prepared.parties;
        let weights = base
            .capability
            .iter()
            .map(|w| match config.nash_weights {
                NashWeights::Equal => vec![1.0; np],
                NashWeights::PartyWeights => {
                    let w = &w[..np];
                    let mean = w.iter().sum::<f64>() / np as f64;
                    w.iter().map(|x| x / mean).collect()
                }
            })
            .collect();
        let values: Vec<Vec<f64>> = prepared
            .frontier
            .iter()
            .map(|p| prepared.deal(&p.package, &p.utilities, &[]).values)
            .collect();
        let audience = (!time.audience_costs.is_empty()).then(|| {
            (0..=horizon)
                .map(|t| {
                    prepared
                        .actors
                        .iter()
                        .map(|&a| {
                            let own: Vec<(&detente_core::AudienceCost, f64)> = time
                                .audience_costs
                                .iter()
                                .filter(|c| c.actor == a)
                                .map(|c| {
                                    let factor: f64 = effects
                                        .iter()
                                        .filter(|e| e.active(t))
                                        .map(|e| match e.kind {
                                            EffectKind::ScaleAudienceCost {
                                                actor,
                                                issue,
                                                factor,
                                            } if actor == a
                                                && issue.is_none_or(|i| i == c.issue) =>
                                            {
                                                factor
                                            }
                                            _ => 1.0,
                                        })
                                        .product();
                                    // A lever that removes a red line (factor 0) removes it whole;
                                    // `inf · 0` would be NaN.
                                    (c, if factor == 0.0 { 0.0 } else { c.at(t) * factor })
                                })
                                .collect();
                            values
                                .iter()
                                .map(|v| {
                                    own.iter()
                                        .filter(|(c, _)| c.crossed(v[c.issue.0]))
                                        .map(|(_, cost)| cost)
                                        .sum()
                                })
                                .collect::<Vec<f64>>()
                        })
                        .collect::<Vec<_>>()
                })
                .map(|by_party| point_major(&by_party, values.len()))
                .collect()
        });
        let utilities: Vec<f64> = prepared
            .frontier
            .iter()
            .flat_map(|p| p.utilities[..prepared.actors.len()].iter().copied())
            .collect();
        let term_p = time.enforcement.as_ref().map(|e| {
            values
                .iter()
                .map(|v| {
                    e.terms
                        .iter()
                        .map(|term| {
                            let width = scenario
                                .issues
                                .get(term.issue.0)
                                .map_or(f64::INFINITY, |i| i.scale.width());
                            term.change * (1.0 - (v[term.issue.0] - term.at).abs() / width).max(0.0)
                        })
                        .sum()
                })
                .collect()
        });
        let enforcement = time.enforcement.as_ref().map(|e| {
            let shift = (0..=horizon)
                .map(|t| {
                    effects
                        .iter()
                        .filter(|e| e.active(t))
                        .map(|e| match e.kind {
                            EffectKind::ShiftEnforcement { probability } => probability,
                            _ => 0.0,
                        })
                        .sum()
                })
                .collect();
            (e.holds, e.per_drift_point, shift)
        });
        let victory = prepared
            .actors
            .iter()
            .map(|&a| time.victory_of(a).map(|v| (v.wins, v.loses)))
            .collect();
        let victory_scale = (0..=last)
            .map(|t| {
                prepared
                    .actors
                    .iter()
                    .map(|&a| {
                        effects
                            .iter()
                            .filter(|e| e.active(t))
                            .map(|e| match e.kind {
                                EffectKind::ScaleVictory { actor, factor } if actor == a => factor,
                                _ => 1.0,
                            })
                            .product()
                    })
                    .collect()
            })
            .collect();
        let victory_deaf = (0..=last)
            .map(|t| {
                effects.iter().any(|e| {
                    e.active(t) && matches!(e.kind, EffectKind::StopLearning { issue: None })
                })
            })
            .collect();
        // Ties go to the first frontier point, so the terms are deterministic. A veto ally's
        // side is the party it backs: that party's win is its win.
        let side = |i: usize| if i < np { i } else { prepared.backs[i - np] };
        let win_point: Vec<usize> = (0..n)
            .map(|i| {
                let i = side(i);
                let mut best = 0;
                for (q, p) in prepared.frontier.iter().enumerate() {
                    if p.utilities[i] > prepared.frontier[best].utilities[i] {
                        best = q;
                    }
                }
                best
            })
            .collect();
        let lose_value = (0..n)
            .map(|i| {
                (0..np)
                    .filter(|&j| j != side(i))
                    .filter_map(|j| prepared.frontier.get(win_point[j]))
                    .map(|p| p.utilities[i])
                    .fold(f64::INFINITY, f64::min)
            })
            .map(|v: f64| if v.is_finite() { v } else { 0.0 })
            .collect();
        let decisive_party = time
            .decisive
            .iter()
            .map(|d| {
                prepared.actors[..np]
                    .iter()
                    .position(|&a| a == d.actor)
                    .ok_or_else(|| DynamicsError::DecisiveNotParty {
                        id: scenario
                            .actors
                            .get(d.actor.0)
                            .map_or_else(String::new, |a| a.id.clone()),
                        parties: prepared.actors[..np]
                            .iter()
                            .filter_map(|a| scenario.actors.get(a.0).map(|a| a.id.as_str()))
                            .collect::<Vec<_>>()
                            .join(", "),
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        // `C_i(t)`: the discounted costs of `L` more months of war from month `t`, what a
        // broken deal puts back on the party.
        let renewed = (0..=horizon as usize)
            .map(|t| {
                (0..n)
                    .map(|i| {
                        let delta: f64 = discount[i];
                        (0..lookahead as usize)
                            .map(|s| delta.powi(s as i32) * base.cost[t + s][i])
                            .sum()
                    })
                    .collect()
            })
            .collect();
        Ok(Self {
            scenario,
            prepared,
            horizon,
            lookahead,
            renewed,
            breakdown: time
                .enforcement
                .as_ref()
                .map_or(Breakdown::default(), |e| e.breakdown),
            drifts,
            priors,
            belief_shift,
            moved,
            cost: base.cost,
            weights,
            discount,
            values,
            audience,
            utilities,
            term_p,
            enforcement,
            victory,
            victory_scale,
            victory_deaf,
            win_point,
            lose_value,
            decisive_party,
        })
    }

    /// Months modelled: `0..=horizon`.
    pub fn horizon(&self) -> u32 {
        self.horizon
    }

    /// The number of `[[time.drift]]` entries (the width of a [`TrialDraw`]'s noise rows).
    pub fn drifts(&self) -> usize {
        self.drifts.len()
    }

    /// Whether drift `j` has front noise (`sd > 0`), so a trial needs draws for it.
    pub fn noisy(&self, j: usize) -> bool {
        self.drifts.get(j).is_some_and(|d| d.sd > 0.0)
    }

    /// One capped, clamped step of issue `k` (drift `d`) from `x` by `y`, plus the month's move.
    fn step(&self, d: &DriftLine, x: f64, y: f64, moved: f64) -> f64 {
        let stepped = match d.cap {
            Some(cap) if d.base > 0.0 && y > 0.0 => {
                if x < cap {
                    (x + y).min(cap)
                } else {
                    x
                }
            }
            Some(cap) if d.base < 0.0 && y < 0.0 => {
                if x > cap {
                    (x + y).max(cap)
                } else {
                    x
                }
            }
            _ => x + y,
        };
        self.scenario.issues[d.issue].scale.clamp(stepped + moved)
    }

    /// Runs one trial; `trace` keeps the month-by-month table.
    pub fn run(&self, draw: &TrialDraw, trace: bool) -> TrialOutcome {
        let n = self.prepared.actors.len();
        let nd = self.drifts.len();
        let issues = &self.scenario.issues;
        let mut x: Vec<f64> = (0..issues.len())
            .map(|k| {
                issues[k]
                    .scale
                    .clamp(issues[k].status_quo + self.moved[0][k])
            })
            .collect();
        let rate = |j: usize| draw.rate.get(j).copied().unwrap_or(self.drifts[j].base);
        // Sufficient statistics of the observations: count and sum, per drift.
        let mut seen = vec![0u32; nd];
        let mut sum = vec![0.0f64; nd];
        let mut months = Vec::new();
        let mut believed = vec![vec![0.0; nd]; n];
        let mut sds = vec![vec![0.0; nd]; n];
        let mut fight = vec![0.0; n];
        let mut gain = vec![0.0; n];
        let mut hazard = vec![(0.0, 0.0); n];
        let np = self.prepared.parties;
        let mut parties_month = None;
        // Months of fighting seen to end in no decision (the Beta-Bernoulli failures).
        let mut undecided = 0u32;
        for t in 0..=self.horizon {
            let tu = t as usize;
            for i in 0..n {
                for j in 0..nd {
                    let (m, s) = self.posterior(i, j, rate(j), seen[j], sum[j]);
                    believed[i][j] = m;
                    sds[i][j] = s;
                }
                hazard[i] = self.hazard(i, tu, undecided);
                fight[i] = self.fight_value(i, t, &x, &believed[i], hazard[i]);
            }
            // The chance a deal holds, before issue terms.
            let p0 = self.enforcement.as_ref().map(|(holds, per, shift)| {
                let moving: f64 = (0..nd)
                    .filter(|&j| !self.drifts[j].stopped[tu])
                    .map(|j| (rate(j) + self.drifts[j].delta[tu]).abs())
                    .sum();
                holds - per * moving + shift[tu]
            });
            let mut best: Option<(usize, f64, f64)> = None;
            let mut parties_zone = false;
            let renewed = &self.renewed[tu];
            let audience = self.audience.as_ref().map(|a| &a[tu]);
            for (q, utilities) in self.utilities.chunks_exact(n.max(1)).enumerate() {
                let p = match (p0, &self.term_p) {
                    (Some(p0), Some(terms)) => (p0 + terms[q]).clamp(0.0, 1.0),
                    _ => 1.0,
                };
                let audience = audience.map(|a| &a[q * n..(q + 1) * n]);
                // The parties first, then the veto allies: a package the parties alone would
                // sign counts toward their own zone even when an ally refuses it.
                let mut ok = true;
                for i in 0..n {
                    if i == np {
                        parties_zone = true;
                    }
                    let a = audience.map_or(0.0, |a| a[i]);
                    gain[i] = match self.breakdown {
                        Breakdown::TermsStand => {
                            utilities[i] - fight[i] - (1.0 - p) * renewed[i] - a
                        }
                        Breakdown::BackToWar => p * (utilities[i] - fight[i]) - a,
                    };
                    if gain[i] <= TOL {
                        ok = false;
                        break;
                    }
                }
                if ok {
                    parties_zone = true;
                    let score: f64 = (0..self.prepared.parties)
                        .map(|i| self.weights[tu][i] * gain[i].ln())
                        .sum();
                    if best.is_none_or(|(_, s, _)| score > s) {
                        best = Some((q, score, p));
                    }
                }
            }
            if trace {
                months.push(FightMonth {
                    month: t,
                    status_quo: x.clone(),
                    believed_drift: believed.clone(),
                    belief_sd: sds.clone(),
                    fight_value: fight.clone(),
                    believed_hazard: hazard.clone(),
                    zone: best.is_some(),
                });
            }
            if parties_zone && parties_month.is_none() {
                parties_month = Some(t);
            }
            if let Some((q, _, p)) = best {
                return TrialOutcome {
                    deal_month: Some(t),
                    parties_month,
                    terms: Some(self.values[q].clone()),
                    utilities: Some(self.party_utilities(q)),
                    holds: Some(p),
                    decisive: None,
                    months,
                };
            }
            if t == self.horizon {
                break;
            }
            // The war may end decisively during month t (the analyst's process).
            if let Some((_, k)) = draw.decisive.filter(|&(m, _)| m == t)
                && let Some(&w) = self.decisive_party.get(k)
            {
                let q = self.win_point[w];
                return TrialOutcome {
                    deal_month: None,
                    parties_month,
                    terms: Some(self.values[q].clone()),
                    utilities: Some(self.party_utilities(q)),
                    holds: None,
                    decisive: Some((t + 1, w)),
                    months,
                };
            }
            if !self.victory_deaf[tu] {
                undecided += 1;
            }
            // The front moves in month t; everyone sees it unless learning is stopped.
            let moved = &self.moved[tu + 1];
            let mut stepped = vec![false; issues.len()];
            for (j, d) in self.drifts.iter().enumerate() {
                let z = draw
                    .noise
                    .get(tu)
                    .and_then(|row| row.get(j))
                    .copied()
                    .unwrap_or(0.0);
                if d.stopped[tu] {
                    x[d.issue] = issues[d.issue].scale.clamp(x[d.issue] + moved[d.issue]);
                } else {
                    let y = rate(j) + d.delta[tu] + d.sd * z;
                    x[d.issue] = self.step(d, x[d.issue], y, moved[d.issue]);
                    if !d.deaf[tu] {
                        seen[j] += 1;
                        sum[j] += y - d.delta[tu];
                    }
                }
                stepped[d.issue] = true;
            }
            for (k, xk) in x.iter_mut().enumerate() {
                if !stepped[k] {
                    *xk = issues[k].scale.clamp(*xk + moved[k]);
                }
            }
        }
        TrialOutcome {
            deal_month: None,
            parties_month,
            terms: None,
            utilities: None,
            holds: None,
            decisive: None,
            months,
        }
    }

    /// The bargaining parties' utilities of frontier point `q` (a veto ally's are left out).
    fn party_utilities(&self, q: usize) -> Vec<f64> {
        self.prepared.frontier[q].utilities[..self.prepared.parties].to_vec()
    }

    /// Party `i`'s believed monthly chances `(win, lose)` in month `t` after `n` months without
    /// a decision: the posterior means `a / (a + b + n)` of its Beta priors, the win chance
    /// times its active `scale-victory` factors and kept at most `1 − lose`.
    fn hazard(&self, i: usize, t: usize, n: u32) -> (f64, f64) {
        let Some((wins, loses)) = self.victory[i] else {
            return (0.0, 0.0);
        };
        let lose = loses.map_or(0.0, |l| beta_posterior_mean(l.a, l.b, n));
        let win = (beta_posterior_mean(wins.a, wins.b, n) * self.victory_scale[t][i])
            .clamp(0.0, 1.0 - lose);
        (win, lose)
    }

    /// Party `i`'s posterior `(mean, sd)` of drift `j` after `n` observations summing to `sum`;
    /// a party without a belief knows `rate`.
    fn posterior(&self, i: usize, j: usize, rate: f64, n: u32, sum: f64) -> (f64, f64) {
        let Some((m0, s0)) = self.priors[i][j] else {
            return (rate, 0.0);
        };
        conjugate(m0, s0, self.drifts[j].sd, n, sum)
    }

    /// `W_i(t)`: the believed line after `L` months, discounted, minus the costs on the way;
    /// with victory beliefs `(win, lose)`, the expectation over a decisive end in each month.
    fn fight_value(
        &self,
        i: usize,
        t: u32,
        x: &[f64],
        believed: &[f64],
        (win, lose): (f64, f64),
    ) -> f64 {
        let mut line = x.to_vec();
        let delta = self.discount[i];
        let mut value = 0.0;
        let mut factor = 1.0;
        let tu = t as usize;
        let decisive = win > 0.0 || lose > 0.0;
        let ends = if decisive {
            let won = self
                .prepared
                .frontier
                .get(self.win_point[i])
                .map_or(0.0, |p| p.utilities[i]);
            win * won + lose * self.lose_value[i]
        } else {
            0.0
        };
        // `S_s`, the believed chance the war is still undecided at the start of month s.
        let mut alive = 1.0;
        for s in tu..tu + self.lookahead as usize {
            // The month at the believed line: its flow `(1 − δ) u(x̂(s))`.
            if delta < 1.0 {
                value += factor
                    * alive
                    * (1.0 - delta)
                    * self.prepared.utility_at(self.scenario, i, &line);
            }
            if decisive {
                value -= factor * alive * self.cost[s][i];
                factor *= delta;
                value += factor * alive * ends;
                alive *= 1.0 - win - lose;
            } else {
                value -= factor * self.cost[s][i];
                factor *= delta;
            }
            let moved = &self.moved[s + 1];
            let mut stepped = vec![false; line.len()];
            for (j, d) in self.drifts.iter().enumerate() {
                if d.stopped[s] {
                    line[d.issue] = self.scenario.issues[d.issue]
                        .scale
                        .clamp(line[d.issue] + moved[d.issue]);
                } else {
                    let y = believed[j] + self.belief_shift[tu][i][j] + d.delta[s];
                    line[d.issue] = self.step(d, line[d.issue], y, moved[d.issue]);
                }
                stepped[d.issue] = true;
            }
            for (k, xk) in line.iter_mut().enumerate() {
                if !stepped[k] {
                    *xk = self.scenario.issues[k].scale.clamp(*xk + moved[k]);
                }
            }
        }
        value + factor * alive * self.prepared.utility_at(self.scenario, i, &line)
    }
}

/// The posterior mean of a monthly chance with prior `Beta(a, b)` after `n` months without the
/// event: each such month is one Bernoulli failure, so the posterior is `Beta(a, b + n)` and its
/// mean `a / (a + b + n)`.
pub fn beta_posterior_mean(a: f64, b: f64, n: u32) -> f64 {
    a / (a + b + f64::from(n))
}

/// The normal-normal conjugate posterior `(mean, sd)` of a drift mean with prior `N(m0, s0²)`
/// after `n` observations with sum `sum` and noise sd `sigma`. With `sigma = 0` one observation
/// reveals the mean exactly.
pub fn conjugate(m0: f64, s0: f64, sigma: f64, n: u32, sum: f64) -> (f64, f64) {
    if n == 0 {
        return (m0, s0);
    }
    if sigma <= 0.0 {
        return (sum / f64::from(n), 0.0);
    }
    let prior = 1.0 / (s0 * s0);
    let data = f64::from(n) / (sigma * sigma);
    let precision = prior + data;
    let mean = (m0 * prior + sum / (sigma * sigma)) / precision;
    (mean, precision.sqrt().recip())
}

/// `by_party[i][q]` rearranged as `[q · n + i]` for `points` points: each point's parties side
/// by side.
fn point_major(by_party: &[Vec<f64>], points: usize) -> Vec<f64> {
    let n = by_party.len();
    let mut out = vec![0.0; points * n];
    for (i, row) in by_party.iter().enumerate() {
        for (q, &x) in row.iter().enumerate() {
            out[q * n + i] = x;
        }
    }
    out
}
