//! The headline forecast: one value per issue that combines the models, with conformal
//! prediction intervals.
//!
//! # What it models
//! Each issue gets a *stacked* forecast (Wolpert 1992; Breiman 1996): a weighted sum of six base
//! forecasts, the status quo, the unweighted mean of the positions, the compromise, the weighted
//! median, the Nash bargaining solution and the EUM. The weights are learnt out of sample on the
//! DEU III backtest (`detente backtest`, see `docs/backtest.md`) and may differ by *group* of
//! issue, where the groups come from what the scenario says: the decision rule (unanimity, which
//! gives every principal a veto, or a weighted majority, which gives no one a veto), whether the
//! status quo was coded, and the spread of the positions. Around it sit prediction intervals at
//! 50, 80 and 90 % from CV+ (Barber, Candès, Ramdas & Tibshirani 2021): with `K` grouped folds,
//! fold model `μ₋ₖ` fitted without fold `k` and out-of-fold residuals `Rᵢ = |yᵢ − μ₋ₖ₍ᵢ₎(xᵢ)|`,
//! the interval at level `1 − α` for a new issue `x` runs from the `⌊α(n+1)⌋`-th smallest of
//! `μ₋ₖ₍ᵢ₎(x) − Rᵢ` to the `⌈(1−α)(n+1)⌉`-th smallest of `μ₋ₖ₍ᵢ₎(x) + Rᵢ`. It is *Mondrian*
//! (Vovk et al. 2005, ch. 4): only residuals of training issues under the same kind of decision
//! rule enter, so coverage holds per rule, not only on average.
//!
//! # Assumptions
//! - The new issue is exchangeable with the training issues (EU legislative decisions scored on
//!   0-100). Under exchangeability CV+ covers at least `1 − 2α` (in practice about `1 − α`);
//!   nothing is guaranteed for a negotiation unlike the training data, and
//!   [`Headline::unlike_training`] says when a scenario's features fall outside the training
//!   range (e.g. mediators and allies, which no DEU issue has).
//! - Forecasts and residuals are computed on the issue's scale mapped to 0-100, so an interval
//!   on a scale of width `w` is `w/100` times as wide in the scale's units.
//! - A base model that did not run or gave no forecast drops out: its weight is spread over the
//!   others in proportion to theirs, and a note says so.
//!
//! # Parameters
//! [`Preset`]: `learnt` (the weights of [`learnt`], the default), `equal` (equal weights on the
//! compromise, median, Nash and EUM, pooled), or `custom` weights the user gives per base model.
//! Intervals come from the learnt conformal residuals whatever the preset, and are marked as such
//! when the preset is not `learnt` (their coverage was measured for the learnt weights only).
//!
//! # References
//! Barber, R. F., Candès, E. J., Ramdas, A. & Tibshirani, R. J. (2021), "Predictive inference
//! with the jackknife+", *Annals of Statistics* 49(1), 486-507. Vovk, V., Gammerman, A. & Shafer,
//! G. (2005), *Algorithmic Learning in a Random World*, Springer. Breiman, L. (1996), "Stacked
//! regressions", *Machine Learning* 24, 49-64.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use detente_core::{DecisionRule, Issue, Role, Scenario};
use serde::{Deserialize, Serialize};

use crate::stance::Stance;

/// Number of base forecasts a stack combines.
pub const BASES: usize = 6;

/// Nominal coverage levels of the intervals.
pub const LEVELS: [f64; 3] = [0.5, 0.8, 0.9];

/// Schema tag of the learnt-weights file.
pub const LEARNT_SCHEMA: &str = "detente.headline/1";

/// A base forecast of the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Base {
    /// The status quo.
    StatusQuo,
    /// The unweighted mean of the positions.
    Mean,
    /// The compromise model.
    Compromise,
    /// The weighted median.
    Median,
    /// Nash bargaining.
    Nash,
    /// The expected utility model (Scholz preset in the backtest).
    Eum,
}

impl Base {
    /// Every base, in weight order.
    pub const ALL: [Base; BASES] = [
        Base::StatusQuo,
        Base::Mean,
        Base::Compromise,
        Base::Median,
        Base::Nash,
        Base::Eum,
    ];

    /// The name used in output and in `custom` weights.
    pub fn as_str(self) -> &'static str {
        match self {
            Base::StatusQuo => "status-quo",
            Base::Mean => "mean",
            Base::Compromise => "compromise",
            Base::Median => "median",
            Base::Nash => "nash",
            Base::Eum => "eum",
        }
    }

    /// Index into a weight vector.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// What the scenario says about an issue, as the stack sees it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Features {
    /// Unanimity (every principal, or every actor, holds a veto) rather than a weighted majority.
    pub unanimity: bool,
    /// Actors holding a veto under the decision rule (0 under a weighted majority).
    pub veto_players: usize,
    /// Actors taking a position.
    pub actors: usize,
    /// Standard deviation of the positions, in % of the scale's width.
    pub spread: f64,
    /// Whether the status quo was coded from evidence (always true for a scenario file; false
    /// for DEU issues whose reference point is missing).
    pub status_quo_coded: bool,
    /// Actors with a position whose role is mediator or ally (the DEU issues have none: their
    /// actors are principals or observers).
    pub mediators_or_allies: usize,
}

/// The features of `issue`, from its stances.
pub fn features(scenario: &Scenario, issue: &Issue, stances: &[Stance]) -> Features {
    let n = stances.len();
    let width = issue.scale.width();
    let spread = if n == 0 || width <= 0.0 {
        0.0
    } else {
        let mean = stances.iter().map(|s| s.position).sum::<f64>() / n as f64;
        let var = stances
            .iter()
            .map(|s| (s.position - mean).powi(2))
            .sum::<f64>()
            / n as f64;
        100.0 * var.sqrt() / width
    };
    let (unanimity, veto_players) = match issue.decision_rule {
        DecisionRule::UnanimityOfPrincipals => (
            true,
            stances
                .iter()
                .filter(|s| {
                    scenario
                        .actor(s.actor)
                        .is_some_and(|a| a.role == Role::Principal)
                })
                .count(),
        ),
        DecisionRule::Unanimity => (true, n),
        DecisionRule::WeightedMajority { .. } => (false, 0),
    };
    let mediators_or_allies = stances
        .iter()
        .filter(|s| {
            scenario
                .actor(s.actor)
                .is_some_and(|a| matches!(a.role, Role::Mediator | Role::Ally))
        })
        .count();
    Features {
        unanimity,
        veto_players,
        actors: n,
        spread,
        status_quo_coded: true,
        mediators_or_allies,
    }
}

/// How issues are split into groups with their own weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Grouping {
    /// One set of weights for every issue.
    Pooled,
    /// By decision rule: weighted majority, unanimity.
    Rule,
    /// By decision rule and whether the status quo was coded.
    RuleStatusQuo,
    /// By decision rule and spread of positions (below / above the training median).
    RuleSpread,
}

impl Grouping {
    /// Every grouping.
    pub const ALL: [Grouping; 4] = [
        Grouping::Pooled,
        Grouping::Rule,
        Grouping::RuleStatusQuo,
        Grouping::RuleSpread,
    ];

    /// Number of groups.
    pub fn groups(self) -> usize {
        match self {
            Grouping::Pooled => 1,
            Grouping::Rule => 2,
            Grouping::RuleStatusQuo | Grouping::RuleSpread => 4,
        }
    }

    /// The group of an issue with features `f`; `spread_split` is the spread threshold.
    pub fn group(self, f: &Features, spread_split: f64) -> usize {
        let rule = usize::from(f.unanimity);
        match self {
            Grouping::Pooled => 0,
            Grouping::Rule => rule,
            Grouping::RuleStatusQuo => 2 * rule + usize::from(!f.status_quo_coded),
            Grouping::RuleSpread => 2 * rule + usize::from(f.spread > spread_split),
        }
    }

    /// A name for group `g`.
    pub fn group_name(self, g: usize, spread_split: f64) -> String {
        let rule = if g % 4 >= 2 || (self == Grouping::Rule && g == 1) {
            "unanimity"
        } else {
            "majority"
        };
        match self {
            Grouping::Pooled => "all issues".to_owned(),
            Grouping::Rule => rule.to_owned(),
            Grouping::RuleStatusQuo => format!(
                "{rule}, status quo {}",
                if g.is_multiple_of(2) {
                    "coded"
                } else {
                    "missing"
                }
            ),
            Grouping::RuleSpread => format!(
                "{rule}, spread {} {spread_split:.1}",
                if g.is_multiple_of(2) { "<=" } else { ">" }
            ),
        }
    }

    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Grouping::Pooled => "pooled",
            Grouping::Rule => "rule",
            Grouping::RuleStatusQuo => "rule-status-quo",
            Grouping::RuleSpread => "rule-spread",
        }
    }
}

/// A fitted stack: weights per group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stack {
    /// How issues are grouped.
    pub grouping: Grouping,
    /// Spread threshold of [`Grouping::RuleSpread`] (the training median).
    pub spread_split: f64,
    /// Weights per group, indexed by [`Base::index`].
    pub weights: Vec<[f64; BASES]>,
}

impl Stack {
    /// The weights that apply to an issue with features `f`.
    pub fn weights_for(&self, f: &Features) -> [f64; BASES] {
        let g = self.grouping.group(f, self.spread_split);
        self.weights.get(g).copied().unwrap_or(EQUAL_ALL)
    }

    /// The forecast for bases `x` (NaN for a missing base; its weight is spread over the others
    /// in proportion).
    pub fn predict(&self, f: &Features, x: &[f64; BASES]) -> f64 {
        combine(&self.weights_for(f), x)
    }
}

const EQUAL_ALL: [f64; BASES] = [1.0 / BASES as f64; BASES];

/// `Σ w_k x_k` over the present (non-NaN) bases, renormalised so the present weights keep their
/// sum; a missing base's weight is spread over the others in proportion to theirs. NaN when no
/// base with a non-zero weight is present.
pub fn combine(w: &[f64; BASES], x: &[f64; BASES]) -> f64 {
    let total: f64 = w.iter().sum();
    let (mut s, mut present) = (0.0, 0.0);
    for (wk, xk) in w.iter().zip(x) {
        if !xk.is_nan() {
            s += wk * xk;
            present += wk;
        }
    }
    if present == total {
        s
    } else if present.abs() > 1e-12 {
        s * total / present
    } else {
        f64::NAN
    }
}

/// A training residual of the conformal intervals.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Residual {
    /// Fold of the training issue (index into [`Conformal::folds`]).
    pub fold: usize,
    /// Whether the training issue was decided by unanimity (the Mondrian class).
    pub unanimity: bool,
    /// `|outcome − out-of-fold forecast|` on 0-100.
    pub value: f64,
}

/// The ingredients of CV+ intervals: one stack per fold and the out-of-fold residuals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conformal {
    /// Stack `k` was fitted without fold `k`.
    pub folds: Vec<Stack>,
    /// Every training issue's out-of-fold residual.
    pub residuals: Vec<Residual>,
    /// The residuals sorted per class (majority, unanimity) and fold, `[class][fold]`, built by
    /// [`Conformal::prepare`] so that an interval needs no sort.
    #[serde(skip)]
    pub sorted: Vec<Vec<Vec<f64>>>,
}

impl Conformal {
    /// Sorts the residuals per class and fold (see [`Conformal::sorted`]).
    pub fn prepare(&mut self) {
        let mut sorted = vec![vec![Vec::new(); self.folds.len()]; 2];
        for r in &self.residuals {
            if let Some(v) = sorted[usize::from(r.unanimity)].get_mut(r.fold) {
                v.push(r.value);
            }
        }
        for class in &mut sorted {
            for v in class.iter_mut() {
                v.sort_by(f64::total_cmp);
            }
        }
        self.sorted = sorted;
    }

    /// The CV+ intervals at each of `levels`, as [`Conformal::interval`] but from the residuals
    /// prepared per class, with the order statistics found by selection instead of a sort.
    /// Falls back to [`Conformal::interval`] when unprepared.
    pub fn intervals(
        &self,
        f: &Features,
        x: &[f64; BASES],
        levels: &[f64],
    ) -> Vec<Option<[f64; 2]>> {
        let Some(class) = self.sorted.get(usize::from(f.unanimity)) else {
            return levels.iter().map(|&l| self.interval(f, x, l)).collect();
        };
        let heads: Vec<(f64, &[f64])> = self
            .folds
            .iter()
            .zip(class)
            .map(|(s, r)| (s.predict(f, x), r.as_slice()))
            .filter(|(m, r)| !m.is_nan() && !r.is_empty())
            .collect();
        let n: usize = heads.iter().map(|(_, r)| r.len()).sum();
        if n == 0 {
            return vec![None; levels.len()];
        }
        // 1-based ranks among the lower ends (k_lo-th smallest) and the upper ends (k_hi-th
        // smallest); 0 stands for an infinite end.
        let ranks: Vec<(usize, usize)> = levels
            .iter()
            .map(|&level| {
                let (k_lo, k_hi) = cv_plus_ranks(n, level);
                (k_lo.min(n), if k_hi <= n { k_hi } else { 0 })
            })
            .collect();
        let mut buf = Vec::with_capacity(n);
        for (m, r) in &heads {
            buf.extend(r.iter().map(|x| m - x));
        }
        let lows = order_statistics(&mut buf, &ranks.iter().map(|r| r.0).collect::<Vec<_>>());
        buf.clear();
        for (m, r) in &heads {
            buf.extend(r.iter().map(|x| m + x));
        }
        let highs = order_statistics(&mut buf, &ranks.iter().map(|r| r.1).collect::<Vec<_>>());
        ranks
            .iter()
            .zip(lows.iter().zip(&highs))
            .map(|(&(kl, kh), (&lo, &hi))| {
                Some([
                    if kl == 0 { f64::NEG_INFINITY } else { lo },
                    if kh == 0 { f64::INFINITY } else { hi },
                ])
            })
            .collect()
    }

    /// The CV+ interval at level `level` for features `f` and bases `x`, on 0-100 (not clamped
    /// to it), with Mondrian classes by decision rule. `None` when no residual of the class exists.
    pub fn interval(&self, f: &Features, x: &[f64; BASES], level: f64) -> Option<[f64; 2]> {
        let fold_pred: Vec<f64> = self.folds.iter().map(|s| s.predict(f, x)).collect();
        let mut lo = Vec::new();
        let mut hi = Vec::new();
        for r in self.residuals.iter().filter(|r| r.unanimity == f.unanimity) {
            let m = fold_pred.get(r.fold).copied().unwrap_or(f64::NAN);
            if m.is_nan() {
                continue;
            }
            lo.push(m - r.value);
            hi.push(m + r.value);
        }
        cv_plus(&mut lo, &mut hi, level)
    }
}

/// The CV+ interval from the candidate lower ends `lo` (`μ₋ₖ₍ᵢ₎(x) − Rᵢ`) and upper ends `hi`
/// (`μ₋ₖ₍ᵢ₎(x) + Rᵢ`): the `⌊α(n+1)⌋`-th smallest of `lo` and the `⌈(1−α)(n+1)⌉`-th smallest of
/// `hi`, with `α = 1 − level`; an index outside `1..=n` gives an infinite end (callers clamp to
/// the scale).
pub fn cv_plus(lo: &mut [f64], hi: &mut [f64], level: f64) -> Option<[f64; 2]> {
    let n = lo.len();
    if n == 0 || hi.len() != n {
        return None;
    }
    lo.sort_by(f64::total_cmp);
    hi.sort_by(f64::total_cmp);
    let (k_lo, k_hi) = cv_plus_ranks(n, level);
    let low = if k_lo >= 1 {
        lo[k_lo - 1]
    } else {
        f64::NEG_INFINITY
    };
    let high = if k_hi <= n && k_hi >= 1 {
        hi[k_hi - 1]
    } else {
        f64::INFINITY
    };
    Some([low, high])
}

/// The 1-based ranks `(⌊α(n+1)⌋, ⌈(1−α)(n+1)⌉)` of CV+ with `α = 1 − level`.
fn cv_plus_ranks(n: usize, level: f64) -> (usize, usize) {
    let alpha = 1.0 - level;
    let np1 = (n + 1) as f64;
    // A small tolerance keeps exact multiples (e.g. α(n+1) = 5) from rounding the wrong way.
    (
        (alpha * np1 + 1e-9).floor() as usize,
        ((1.0 - alpha) * np1 - 1e-9).ceil() as usize,
    )
}

/// The `k`-th smallest of `values` for each `k` of `ranks` (1-based; 0 gives NaN), by
/// selection from the largest rank down, each within the part left of the previous one.
fn order_statistics(values: &mut [f64], ranks: &[usize]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..ranks.len()).collect();
    order.sort_by(|&a, &b| ranks[b].cmp(&ranks[a]));
    let mut out = vec![f64::NAN; ranks.len()];
    let mut end = values.len();
    for i in order {
        let k = ranks[i];
        if k == 0 || k > end {
            continue;
        }
        let (_, v, _) = values[..end].select_nth_unstable_by(k - 1, f64::total_cmp);
        out[i] = *v;
        end = k;
    }
    out
}

/// Range of a feature over the training issues.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Range {
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

impl Range {
    /// Whether `x` lies within the range.
    pub fn contains(self, x: f64) -> bool {
        self.min <= x && x <= self.max
    }
}

/// Feature ranges of the training issues, per decision rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingRanges {
    /// Actors with a position, issues under a weighted majority / under unanimity.
    pub actors: [Range; 2],
    /// Veto players under a weighted majority / under unanimity.
    pub veto_players: [Range; 2],
    /// Spread under a weighted majority / under unanimity.
    pub spread: [Range; 2],
    /// Mediators and allies under a weighted majority / under unanimity.
    pub mediators_or_allies: [Range; 2],
}

/// Measured out-of-fold coverage of one nominal level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    /// Nominal level.
    pub level: f64,
    /// Share of issues whose outcome fell in the interval, all issues.
    pub measured: f64,
    /// Measured under a weighted majority.
    pub majority: f64,
    /// Measured under unanimity.
    pub unanimity: f64,
    /// Mean width on 0-100.
    pub mean_width: f64,
}

/// The learnt headline model, as derived by the backtest and stored in
/// `crates/detente-models/data/headline-deu3.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Learnt {
    /// [`LEARNT_SCHEMA`].
    pub schema: String,
    /// Where the weights come from (data file, issues, command).
    pub source: String,
    /// What the training data are, for the caveat shown with every headline.
    pub training: String,
    /// Issues the weights were learnt on.
    pub issues: usize,
    /// The stack variant chosen by cross-validated MAE.
    pub variant: String,
    /// The stack fitted on every training issue (the headline's weights).
    pub stack: Stack,
    /// CV+ ingredients.
    pub conformal: Conformal,
    /// Feature ranges of the training issues.
    pub ranges: TrainingRanges,
    /// Out-of-fold MAE of the chosen variant, nested (selection inside the folds), 0-100.
    pub mean_absolute_error: f64,
    /// Out-of-fold MAE of the compromise model on the same issues.
    pub compromise_mean_absolute_error: f64,
    /// Measured out-of-fold coverage per level.
    pub coverage: Vec<Coverage>,
}

const LEARNT_JSON: &str = include_str!("../data/headline-deu3.json");

/// The learnt headline model bundled with detente (see [`Learnt`]).
///
/// # Errors
/// A message if the bundled file does not parse (a build defect, caught by the tests).
pub fn learnt() -> Result<&'static Learnt, String> {
    static CELL: OnceLock<Result<Learnt, String>> = OnceLock::new();
    CELL.get_or_init(|| parse_learnt(LEARNT_JSON))
        .as_ref()
        .map_err(Clone::clone)
}

/// Parses a learnt-weights document.
///
/// # Errors
/// A message naming what is wrong, for bad JSON or another schema.
pub fn parse_learnt(text: &str) -> Result<Learnt, String> {
    let mut l: Learnt = serde_json::from_str(text)
        .map_err(|e| format!("headline weights file: {e} (regenerate it with `detente backtest data/deu3/deu3.tsv --format headline`)"))?;
    if l.schema != LEARNT_SCHEMA {
        return Err(format!(
            "headline weights file has schema `{}`, expected `{LEARNT_SCHEMA}`",
            l.schema
        ));
    }
    l.conformal.prepare();
    Ok(l)
}

/// Which weights make the headline.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Preset {
    /// The weights learnt on the backtest ([`learnt`]).
    #[default]
    Learnt,
    /// Equal weights on the compromise, median, Nash and EUM.
    Equal,
    /// The user's own weights per base (need not sum to 1; they are normalised).
    Custom([f64; BASES]),
}

impl Preset {
    /// Parses `learnt`, `equal`, or `custom` weights as `compromise=0.5,eum=0.5` (bases:
    /// status-quo, mean, compromise, median, nash, eum; unnamed bases get 0).
    ///
    /// # Errors
    /// A message naming the bad part and the fix.
    pub fn parse(text: &str) -> Result<Preset, String> {
        match detente_core::HeadlineWeights::parse(text)? {
            detente_core::HeadlineWeights::None => Err(
                "headline weights: `none` asks for no headline; leave the headline out instead"
                    .to_owned(),
            ),
            w => Ok(Preset::from_weights(&w).unwrap_or_default()),
        }
    }

    /// The preset of parsed weights (`None` for `none`: no headline). Custom weights are written
    /// in [`detente_core::HEADLINE_MODELS`] order, which is [`Base`]'s (tested).
    pub fn from_weights(w: &detente_core::HeadlineWeights) -> Option<Preset> {
        match w {
            detente_core::HeadlineWeights::Learnt => Some(Preset::Learnt),
            detente_core::HeadlineWeights::Equal => Some(Preset::Equal),
            detente_core::HeadlineWeights::None => None,
            detente_core::HeadlineWeights::Custom(w) => Some(Preset::Custom(*w)),
        }
    }

    /// The name used in output.
    pub fn as_str(&self) -> &'static str {
        match self {
            Preset::Learnt => "learnt",
            Preset::Equal => "equal",
            Preset::Custom(_) => "custom",
        }
    }
}

/// A prediction interval at one level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// Nominal level (0.5, 0.8, 0.9).
    pub level: f64,
    /// Lower end, on the issue's scale.
    pub low: f64,
    /// Upper end, on the issue's scale.
    pub high: f64,
}

/// The headline forecast of one issue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Headline {
    /// The forecast on the issue's scale.
    pub position: f64,
    /// Label of the anchor nearest to it, if the issue has anchors.
    pub anchor: Option<String>,
    /// Which weights were used: `learnt`, `equal` or `custom`.
    pub preset: &'static str,
    /// The group of the learnt weights that applied (for `learnt`).
    pub group: Option<String>,
    /// The weights used, by base name, after dropping missing bases and bases of weight 0
    /// (they sum to 1).
    pub weights: BTreeMap<&'static str, f64>,
    /// Conformal intervals at 50, 80 and 90 %.
    pub intervals: Vec<Interval>,
    /// Measured out-of-fold coverage on the training data at each level (learnt weights).
    pub measured_coverage: Vec<f64>,
    /// Features of this issue outside the training issues' range under its decision rule, e.g.
    /// `mediators and allies 7 (training, unanimity: 0 to 0)`; empty when none is.
    pub unlike_training: Vec<String>,
    /// Other things the user must know: missing models, intervals reused by another preset.
    pub caveats: Vec<String>,
}

/// Base forecasts of one issue on its own scale (NaN where missing).
pub type Bases = [f64; BASES];

/// The headline of an issue with features `f` and base forecasts `x` on the issue's scale.
/// `anchor` names the nearest anchor of a position.
pub fn headline(
    issue: &Issue,
    f: &Features,
    x: &Bases,
    preset: &Preset,
    learnt: &Learnt,
    anchor: &dyn Fn(f64) -> Option<String>,
) -> Option<Headline> {
    let (min, width) = (issue.scale.min(), issue.scale.width());
    if width <= 0.0 {
        return None;
    }
    let to01 = |v: f64| (v - min) / width * 100.0;
    let from01 = |v: f64| min + v / 100.0 * width;
    let xn: Bases = x.map(to01);
    let (w, group) = match preset {
        Preset::Learnt => (
            learnt.stack.weights_for(f),
            Some(learnt.stack.grouping.group_name(
                learnt.stack.grouping.group(f, learnt.stack.spread_split),
                learnt.stack.spread_split,
            )),
        ),
        Preset::Equal => {
            let mut w = [0.0; BASES];
            for b in [Base::Compromise, Base::Median, Base::Nash, Base::Eum] {
                w[b.index()] = 0.25;
            }
            (w, None)
        }
        Preset::Custom(w) => (*w, None),
    };
    let p = combine(&w, &xn);
    if p.is_nan() {
        return None;
    }
    let mut caveats = Vec::new();
    let missing: Vec<&str> = Base::ALL
        .into_iter()
        .filter(|b| x[b.index()].is_nan() && w[b.index()] != 0.0)
        .map(Base::as_str)
        .collect();
    if !missing.is_empty() {
        caveats.push(format!(
            "no forecast from {}: its weight went to the other models",
            missing.join(", ")
        ));
    }
    let present: f64 = Base::ALL
        .into_iter()
        .filter(|b| !x[b.index()].is_nan())
        .map(|b| w[b.index()])
        .sum();
    let weights = Base::ALL
        .into_iter()
        .filter(|b| !x[b.index()].is_nan() && w[b.index()] != 0.0)
        .map(|b| (b.as_str(), w[b.index()] / present))
        .collect();
    let shift = p - learnt.stack.predict(f, &xn);
    let intervals = LEVELS
        .iter()
        .zip(learnt.conformal.intervals(f, &xn, &LEVELS))
        .filter_map(|(&level, iv)| {
            let [lo, hi] = iv?;
            // Other presets keep the learnt residuals, centred on their own forecast.
            let shift = if shift.is_nan() { 0.0 } else { shift };
            let (lo, hi) = (
                (lo + shift).clamp(0.0, 100.0),
                (hi + shift).clamp(0.0, 100.0),
            );
            Some(Interval {
                level,
                low: from01(lo),
                high: from01(hi),
            })
        })
        .collect();
    Some(Headline {
        position: from01(p),
        anchor: anchor(from01(p)),
        preset: preset.as_str(),
        group,
        weights,
        intervals,
        measured_coverage: learnt.coverage.iter().map(|c| c.measured).collect(),
        unlike_training: unlike_training(f, learnt),
        caveats,
    })
}

/// Why the training data may not speak for an issue with features `f`: every feature outside the
/// range of the training issues under the same kind of decision rule.
pub fn unlike_training(f: &Features, learnt: &Learnt) -> Vec<String> {
    let r = usize::from(f.unanimity);
    let rule = if f.unanimity { "unanimity" } else { "majority" };
    let checks = [
        (
            "actors with a position",
            f.actors as f64,
            learnt.ranges.actors[r],
        ),
        (
            "veto players",
            f.veto_players as f64,
            learnt.ranges.veto_players[r],
        ),
        ("spread of positions", f.spread, learnt.ranges.spread[r]),
        (
            "mediators and allies",
            f.mediators_or_allies as f64,
            learnt.ranges.mediators_or_allies[r],
        ),
    ];
    checks
        .iter()
        .filter(|(_, x, range)| !range.contains(*x))
        .map(|(name, x, range)| {
            format!(
                "{name} {x:.0} (training, {rule}: {:.0} to {:.0})",
                range.min, range.max
            )
        })
        .collect()
}
