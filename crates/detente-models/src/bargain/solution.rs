//! Bargaining solutions on the rational Pareto frontier, and the zone of possible agreement.
//!
//! # Definitions
//! With disagreement point `d` and ideal point `I` (each party's best utility over rational
//! packages; see [`super::Frontier`]), over the frontier points `u` (GENIUS/NegMAS definitions):
//! - **Nash**: maximise `Π_i (u_i - d_i)^{w_i}` (Nash 1950); `w_i = 1` by default, or the
//!   parties' bargaining weights (capability) normalised to mean 1 (Kalai 1977, asymmetric).
//! - **Kalai-Smorodinsky** (NegMAS `ks_points`): by default maximise
//!   `min_i (u_i - d_i)/(I_i - d_i)` (Kalai and Smorodinsky 1975, the best point on the line from
//!   `d` to `I`, discretised as max-min of normalised gains). NegMAS instead minimises the spread
//!   `max_i r_i - min_i r_i` of the same ratios; [`KsRule::SmallestSpread`] gives that. The two
//!   can pick neighbouring frontier points. A party with `I_i = d_i` gets ratio 1.
//! - **Egalitarian** (NegMAS `kalai_points`): maximise `min_i (u_i - d_i)` (Kalai 1977).
//! - **Utilitarian** (NegMAS `max_welfare_points`): maximise `Σ_i u_i`.
//!
//! # Ties
//! Points whose objective is within [`SolveConfig::tie_tolerance`] (default 1e-12, as NegMAS)
//! of the best are tied; the solution is the tied point with the lexicographically smallest
//! package, and [`Solution::ties`] says how many points tied.
//!
//! # Zone of possible agreement
//! The ZOPA is the set of packages every party strictly prefers to disagreement. It is non-empty
//! exactly when some frontier point gives every party more than `d_i` (a package strictly better
//! for all is weakly dominated by a frontier point, which is then strictly better too). Its size
//! is counted by enumeration when the domain has at most [`SolveConfig::zopa_count_limit`]
//! packages; above that only the frontier is reported: its size without the rationality
//! constraint and the share of it that is rational. The gain box gives, per party, the smallest
//! and largest gain `u_i - d_i` over the rational frontier.
//!
//! # References
//! Nash, J. (1950), "The bargaining problem", *Econometrica* 18(2). Kalai, E., Smorodinsky, M.
//! (1975), "Other solutions to Nash's bargaining problem", *Econometrica* 43(3). Kalai, E. (1977),
//! "Proportional solutions to bargaining situations", *Econometrica* 45(7). Raiffa, H. (1982),
//! *The Art and Science of Negotiation* (zone of agreement).

use serde::Serialize;

use super::frontier::{Frontier, FrontierConfig, pareto_frontier, unrestricted_frontier};
use super::{BargainError, Package, Problem};

/// How the Kalai-Smorodinsky point is picked on a discrete frontier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KsRule {
    /// Maximise the smallest normalised gain `(u_i - d_i)/(I_i - d_i)` (the default).
    #[default]
    MaxMinRatio,
    /// Minimise the spread between the largest and smallest normalised gain (NegMAS).
    SmallestSpread,
}

/// Exponents of the Nash product.
///
/// The default is [`NashWeights::PartyWeights`], the one default of every front end (CLI,
/// API, report, Monte Carlo, delay model). For GENIUS and GeniusWeb domains every party's weight
/// is 1, so the default there is the symmetric Nash product that GENIUS and NegMAS compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NashWeights {
    /// Symmetric Nash: every exponent 1, whatever the parties' weights.
    Equal,
    /// Each party's [`super::Party::weight`] (capability for scenarios, 1 for GENIUS domains),
    /// normalised to mean 1 (the default).
    #[default]
    PartyWeights,
}

/// Options of [`solve`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SolveConfig {
    /// Limits of the frontier search.
    pub frontier: FrontierConfig,
    /// Exponents of the Nash product.
    pub nash_weights: NashWeights,
    /// Which Kalai-Smorodinsky rule.
    pub ks_rule: KsRule,
    /// Objectives within this distance of the best tie (default 1e-12).
    pub tie_tolerance: f64,
    /// Count ZOPA packages by enumeration up to this domain size (default 1,000,000).
    pub zopa_count_limit: u64,
}

impl Default for SolveConfig {
    fn default() -> Self {
        Self {
            frontier: FrontierConfig::default(),
            nash_weights: NashWeights::default(),
            ks_rule: KsRule::MaxMinRatio,
            tie_tolerance: 1e-12,
            zopa_count_limit: 1_000_000,
        }
    }
}

/// One solution: a package, what it gives each party, and how it was chosen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Solution {
    /// The package (lexicographically smallest among tied points).
    pub package: Package,
    /// Utilities, in party order.
    pub utilities: Vec<f64>,
    /// Gains over disagreement, `u_i - d_i`.
    pub gains: Vec<f64>,
    /// The value of the solution's objective at this point.
    pub objective: f64,
    /// How many frontier points tied for the best objective (1 when unique).
    pub ties: usize,
}

/// Smallest and largest gain of one party over the rational frontier.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GainRange {
    /// Smallest `u_i - d_i` on the rational frontier.
    pub min: f64,
    /// Largest `u_i - d_i` on the rational frontier (ideal minus disagreement).
    pub max: f64,
}

/// The zone of possible agreement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Zopa {
    /// Whether some package gives every party strictly more than its disagreement value.
    pub exists: bool,
    /// Number of packages in the domain (saturating).
    pub space_size: u128,
    /// Packages strictly better than disagreement for every party, when the domain was small
    /// enough to enumerate, or counted over the cells of a problem with a non-additive party.
    pub strict_count: Option<u64>,
    /// Packages at least as good as disagreement for every party (individually rational), when
    /// counted as `strict_count` is.
    pub rational_count: Option<u64>,
    /// Size of the Pareto frontier of all packages, rational or not.
    pub frontier_size: usize,
    /// Size of the rational frontier.
    pub rational_frontier_size: usize,
    /// Share of the unrestricted frontier that is rational.
    pub rational_share: f64,
    /// Per party, the gains available on the rational frontier.
    pub gain_box: Vec<GainRange>,
}

/// Everything [`solve`] computes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Solutions {
    /// The rational Pareto frontier.
    pub frontier: Frontier,
    /// Nash bargaining solution.
    pub nash: Option<Solution>,
    /// Kalai-Smorodinsky solution.
    pub kalai_smorodinsky: Option<Solution>,
    /// Egalitarian (max-min gain) solution.
    pub egalitarian: Option<Solution>,
    /// Utilitarian (max sum of utilities) solution.
    pub utilitarian: Option<Solution>,
    /// Zone of possible agreement.
    pub zopa: Zopa,
}

/// The frontier, the four solutions and the ZOPA of a problem. Solutions are `None` only when no
/// package is individually rational.
pub fn solve(problem: &Problem, config: &SolveConfig) -> Result<Solutions, BargainError> {
    let frontier = pareto_frontier(problem, &config.frontier)?;
    let weights = match config.nash_weights {
        NashWeights::Equal => vec![1.0; problem.parties().len()],
        NashWeights::PartyWeights => {
            let w: Vec<f64> = problem.parties().iter().map(|p| p.weight).collect();
            let mean = w.iter().sum::<f64>() / w.len() as f64;
            w.iter().map(|x| x / mean).collect()
        }
    };
    let tol = config.tie_tolerance;
    let zopa = zopa(problem, &frontier, config)?;
    Ok(Solutions {
        nash: nash(&frontier, &weights, tol),
        kalai_smorodinsky: kalai_smorodinsky(&frontier, config.ks_rule, tol),
        egalitarian: egalitarian(&frontier, tol),
        utilitarian: utilitarian(&frontier, tol),
        zopa,
        frontier,
    })
}

/// Nash point: maximises `Π_i (u_i - d_i)^{w_i}` over the frontier.
pub fn nash(frontier: &Frontier, weights: &[f64], tie_tolerance: f64) -> Option<Solution> {
    best_by(frontier, tie_tolerance, |_, gains| {
        gains
            .iter()
            .zip(weights)
            .map(|(g, w)| if *w == 1.0 { *g } else { g.max(0.0).powf(*w) })
            .product()
    })
}

/// Kalai-Smorodinsky point under `rule`.
pub fn kalai_smorodinsky(
    frontier: &Frontier,
    rule: KsRule,
    tie_tolerance: f64,
) -> Option<Solution> {
    let range: Vec<f64> = frontier
        .ideal
        .iter()
        .zip(&frontier.disagreement)
        .map(|(i, d)| i - d)
        .collect();
    best_by(frontier, tie_tolerance, |_, gains| {
        let ratios = gains
            .iter()
            .zip(&range)
            .map(|(g, r)| if *r > 0.0 { g / r } else { 1.0 });
        let (lo, hi) = ratios.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), r| {
            (lo.min(r), hi.max(r))
        });
        match rule {
            KsRule::MaxMinRatio => lo,
            KsRule::SmallestSpread => -(hi - lo),
        }
    })
}

/// Egalitarian point: maximises the smallest gain `min_i (u_i - d_i)`.
pub fn egalitarian(frontier: &Frontier, tie_tolerance: f64) -> Option<Solution> {
    best_by(frontier, tie_tolerance, |_, gains| {
        gains.iter().copied().fold(f64::INFINITY, f64::min)
    })
}

/// Utilitarian point: maximises `Σ_i u_i`.
pub fn utilitarian(frontier: &Frontier, tie_tolerance: f64) -> Option<Solution> {
    best_by(frontier, tie_tolerance, |utilities, _| {
        utilities.iter().sum()
    })
}

fn best_by(
    frontier: &Frontier,
    tie_tolerance: f64,
    objective: impl Fn(&[f64], &[f64]) -> f64,
) -> Option<Solution> {
    let scored: Vec<(f64, Vec<f64>)> = frontier
        .points
        .iter()
        .map(|p| {
            let gains: Vec<f64> = p
                .utilities
                .iter()
                .zip(&frontier.disagreement)
                .map(|(u, d)| u - d)
                .collect();
            (objective(&p.utilities, &gains), gains)
        })
        .collect();
    let best = scored
        .iter()
        .map(|(v, _)| *v)
        .fold(f64::NEG_INFINITY, f64::max);
    let tied: Vec<usize> = (0..scored.len())
        .filter(|&i| scored[i].0 >= best - tie_tolerance)
        .collect();
    let pick = *tied
        .iter()
        .min_by(|&&a, &&b| frontier.points[a].package.cmp(&frontier.points[b].package))?;
    let point = &frontier.points[pick];
    Some(Solution {
        package: point.package.clone(),
        utilities: point.utilities.clone(),
        gains: scored[pick].1.clone(),
        objective: scored[pick].0,
        ties: tied.len(),
    })
}

fn zopa(
    problem: &Problem,
    frontier: &Frontier,
    config: &SolveConfig,
) -> Result<Zopa, BargainError> {
    let d = &frontier.disagreement;
    let exists = frontier
        .points
        .iter()
        .any(|p| p.utilities.iter().zip(d).all(|(u, d)| u > d));
    let space_size = problem.domain().size();
    let additive = problem
        .parties()
        .iter()
        .all(|p| p.utility.additive().is_some());
    // With a non-additive party the cells give the counts exactly at any size, and the
    // unrestricted frontier from the same walk.
    let (counts, frontier_size) = if additive {
        let counts = (space_size <= u128::from(config.zopa_count_limit))
            .then(|| count_by_enumeration(problem, d));
        let all = unrestricted_frontier(problem, &config.frontier)?;
        (counts, all.len())
    } else {
        let cells = super::cells::enumerate(problem, &config.frontier)?;
        let (s, r) = cells.zopa_counts(d);
        let saturate = |n: u128| u64::try_from(n).unwrap_or(u64::MAX);
        (Some((saturate(s), saturate(r))), cells.frontier(None).len())
    };
    let (strict_count, rational_count) = counts.unzip();
    let gain_box = (0..d.len())
        .map(|i| {
            let gains = frontier.points.iter().map(|p| p.utilities[i] - d[i]);
            let (min, max) = gains.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), g| {
                (lo.min(g), hi.max(g))
            });
            if frontier.points.is_empty() {
                GainRange { min: 0.0, max: 0.0 }
            } else {
                GainRange { min, max }
            }
        })
        .collect();
    Ok(Zopa {
        exists,
        space_size,
        strict_count,
        rational_count,
        frontier_size,
        rational_frontier_size: frontier.points.len(),
        rational_share: if frontier_size == 0 {
            0.0
        } else {
            frontier.points.len() as f64 / frontier_size as f64
        },
        gain_box,
    })
}

/// Counts packages strictly better than `d` for all parties and packages at least as good, by
/// walking the whole domain (callers bound its size).
fn count_by_enumeration(problem: &Problem, d: &[f64]) -> (u64, u64) {
    let issues = problem.domain().issues();
    let mut package = Package(vec![0; issues.len()]);
    let (mut strict, mut rational) = (0u64, 0u64);
    loop {
        let mut all_ge = true;
        let mut all_gt = true;
        for (party, d) in problem.parties().iter().zip(d) {
            let u = party.utility.eval(&package).unwrap_or(f64::NEG_INFINITY);
            all_ge &= u >= *d;
            all_gt &= u > *d;
        }
        rational += u64::from(all_ge);
        strict += u64::from(all_gt);
        // Advance the mixed-radix counter, last issue fastest.
        let mut k = issues.len();
        loop {
            if k == 0 {
                return (strict, rational);
            }
            k -= 1;
            package.0[k] += 1;
            if package.0[k] < issues[k].values.len() {
                break;
            }
            package.0[k] = 0;
        }
    }
}
