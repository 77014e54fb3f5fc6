//! The Pareto frontier of individually rational packages, found without enumerating the package
//! space.
//!
//! # Method
//! For additive utilities a package's utility vector is the sum of one vector per issue,
//! `U(p) = Σ_k t_k(p_k)` with `t_k(v) = (w_1k e_1k[v], …, w_nk e_nk[v])`. If a partial package
//! `a` over issues `1..k` is weakly dominated by a partial package `b` over the same issues, every
//! completion of `a` is weakly dominated by the same completion of `b`, so `a` can be dropped.
//! The search therefore keeps the frontier `F_k` of partial packages over the first `k` issues
//! and builds `F_{k+1}` as the frontier of `{f + t_{k+1}(v) : f ∈ F_k, v}` (Minkowski sum of
//! frontiers, then pruning). Before merging, each issue's own values are pruned the same way.
//! A partial package that cannot reach a party's disagreement value even with the best values
//! of the remaining issues is dropped as well (bound pruning, with a 1e-9 slack so rounding never
//! drops a package that ends exactly on the disagreement value). At the end, packages below any
//! disagreement value are removed; what remains is the frontier of the rational set, because a
//! package dominating a rational package is itself rational.
//!
//! A problem with a party whose utility is not additive (a sum of hyper-rectangles) cannot be
//! merged issue by issue; its frontier comes from `bargain::cells`, the same skyline applied to
//! the distinct utility vectors of the cells on which every utility is constant.
//!
//! Pruning a set of `m` candidates: for two parties, sort by `(u_1 desc, u_2 desc)` and sweep,
//! keeping a point when its `u_2` beats every earlier one: `O(m log m)`. For three or more
//! parties, sort-filter-skyline (Chomicki et al. 2003): sort lexicographically descending, so
//! a dominating point always comes first, and keep a point when no kept point is at least as
//! good on every utility: `O(m log m + m f)` for a frontier of size `f`.
//!
//! # Bound
//! Step `k` examines `|F_{k-1}| · |V_k|` candidates, never the `Π_k |V_k|` packages. Frontiers
//! of sums can still grow (at worst to the product of the per-issue frontier sizes, e.g. when
//! two parties are in pure conflict with all-distinct utility sums), so
//! [`FrontierConfig::max_candidates`] caps the candidates of any one step and the search stops
//! with [`BargainError::TooManyCandidates`] instead of exhausting memory.
//!
//! # Ties
//! Dominance is strict (at least as good on every utility, better on one). Packages with equal
//! utility vectors are merged into one representative, the lexicographically smallest package:
//! candidates are generated in lexicographic package order and ties in the sort keep that order,
//! so the first of equal vectors is kept at every step. Equality is exact floating-point equality;
//! every utility is summed in issue order in both the search and [`super::AdditiveUtility::eval`],
//! so the numbers agree bit for bit with brute-force enumeration.
//!
//! # References
//! Chomicki, J., Godfrey, P., Gryz, J., Liang, D. (2003), "Skyline with presorting", *ICDE*.
//! Kung, H. T., Luccio, F., Preparata, F. P. (1975), "On finding the maxima of a set of
//! vectors", *JACM* 22(4) (the two-dimensional sweep).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::Serialize;

use super::{BargainError, Package, Problem};
use crate::stop::StopFlag;

/// Limits of the frontier search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrontierConfig {
    /// Largest number of partial packages one merge step may examine (default 10,000,000, about
    /// 0.5 GB for two parties). Above it the search returns an error.
    pub max_candidates: usize,
    /// Most cells the frontier of a problem with a non-additive party may walk (default
    /// 200,000,000, about 10 s on one core; see `bargain::cells`). Above it the search returns an
    /// error before walking any.
    pub max_cells: u64,
    /// Raised by the caller (the server, when a request's time runs out or its client goes) to
    /// end the search early with [`BargainError::Stopped`]; checked before every merge step,
    /// every 4,096 partial packages of a step and every 65,536 cells of the walk. The default
    /// flag is never raised.
    #[serde(skip)]
    pub stop: StopFlag,
}

impl Default for FrontierConfig {
    fn default() -> Self {
        Self {
            max_candidates: 10_000_000,
            max_cells: 200_000_000,
            stop: StopFlag::default(),
        }
    }
}

/// A package on the frontier and every party's utility of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrontierPoint {
    /// The package (lexicographically smallest among packages with these utilities).
    pub package: Package,
    /// Utilities, in party order.
    pub utilities: Vec<f64>,
}

/// The Pareto frontier of the individually rational packages of a problem.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Frontier {
    /// The frontier, sorted by the first party's utility descending, then the second's, and so on.
    pub points: Vec<FrontierPoint>,
    /// Disagreement point `d` (see [`Problem::disagreement`]).
    pub disagreement: Vec<f64>,
    /// Ideal point: each party's highest utility over rational packages (`d_i` when none is).
    pub ideal: Vec<f64>,
    /// Candidates examined over all merge steps (a measure of the work done).
    pub candidates: usize,
}

/// The Pareto frontier of the packages that give every party at least its disagreement value.
pub fn pareto_frontier(
    problem: &Problem,
    config: &FrontierConfig,
) -> Result<Frontier, BargainError> {
    let disagreement = problem.disagreement();
    let (points, candidates) = search(problem, Some(&disagreement), config)?;
    let ideal = (0..disagreement.len())
        .map(|i| {
            points
                .iter()
                .map(|p| p.utilities[i])
                .fold(disagreement[i], f64::max)
        })
        .collect();
    Ok(Frontier {
        points,
        disagreement,
        ideal,
        candidates,
    })
}

/// The Pareto frontier of all packages, rational or not (used for the zone of agreement).
pub fn unrestricted_frontier(
    problem: &Problem,
    config: &FrontierConfig,
) -> Result<Vec<FrontierPoint>, BargainError> {
    search(problem, None, config).map(|(points, _)| points)
}

/// One merge step's survivors: which earlier entry they extend and with which value.
struct Layer {
    parent: Vec<u32>,
    value: Vec<u32>,
}

fn search(
    problem: &Problem,
    lower: Option<&[f64]>,
    config: &FrontierConfig,
) -> Result<(Vec<FrontierPoint>, usize), BargainError> {
    let Some(parties) = problem
        .parties()
        .iter()
        .map(|p| p.utility.additive())
        .collect::<Option<Vec<_>>>()
    else {
        return by_cells(problem, lower, config);
    };
    let dims = parties.len();
    let issues = problem.domain().issues();
    // rest[k][i]: the most party i can still gain from issues k.. (for bound pruning).
    let mut rest = vec![vec![0.0; dims]; issues.len() + 1];
    for k in (0..issues.len()).rev() {
        for (i, party) in parties.iter().enumerate() {
            let best = (0..issues[k].values.len())
                .map(|v| party.term(k, v))
                .fold(f64::NEG_INFINITY, f64::max);
            rest[k][i] = rest[k + 1][i] + best;
        }
    }

    let mut current: Vec<f64> = vec![0.0; dims];
    let mut layers: Vec<Layer> = Vec::with_capacity(issues.len());
    let mut examined = 0usize;
    for (k, issue) in issues.iter().enumerate() {
        if config.stop.is_raised() {
            return Err(BargainError::Stopped);
        }
        // The issue's own contribution vectors, pruned to its frontier.
        let mut terms = Vec::with_capacity(issue.values.len() * dims);
        for v in 0..issue.values.len() {
            terms.extend(parties.iter().map(|p| p.term(k, v)));
        }
        let kept_values = skyline(&terms, dims);
        let count = current.len() / dims;
        let candidates = count.saturating_mul(kept_values.len());
        if candidates > config.max_candidates || candidates > u32::MAX as usize {
            return Err(BargainError::TooManyCandidates {
                issue: issue.name.clone(),
                candidates,
                limit: config.max_candidates,
            });
        }
        examined += candidates;
        let mut utils = Vec::with_capacity(candidates * dims);
        let mut origin: Vec<(u32, u32)> = Vec::with_capacity(candidates);
        for j in 0..count {
            if j % 4096 == 4095 && config.stop.is_raised() {
                return Err(BargainError::Stopped);
            }
            let base = &current[j * dims..(j + 1) * dims];
            'value: for &v in &kept_values {
                let term = &terms[v * dims..(v + 1) * dims];
                let start = utils.len();
                for i in 0..dims {
                    utils.push(base[i] + term[i]);
                }
                if let Some(lower) = lower {
                    for i in 0..dims {
                        let reach = utils[start + i] + rest[k + 1][i];
                        if reach < lower[i] - 1e-9 * (1.0 + lower[i].abs() + reach.abs()) {
                            utils.truncate(start);
                            continue 'value;
                        }
                    }
                }
                // Both fit in u32: checked against u32::MAX above.
                origin.push((j as u32, v as u32));
            }
        }
        let survivors = skyline(&utils, dims);
        let mut next = Vec::with_capacity(survivors.len() * dims);
        let mut layer = Layer {
            parent: Vec::with_capacity(survivors.len()),
            value: Vec::with_capacity(survivors.len()),
        };
        for s in survivors {
            next.extend_from_slice(&utils[s * dims..(s + 1) * dims]);
            layer.parent.push(origin[s].0);
            layer.value.push(origin[s].1);
        }
        current = next;
        layers.push(layer);
    }

    let count = current.len() / dims;
    let mut points = Vec::with_capacity(count);
    for j in 0..count {
        let utilities = current[j * dims..(j + 1) * dims].to_vec();
        if let Some(lower) = lower
            && utilities.iter().zip(lower).any(|(u, d)| u < d)
        {
            continue;
        }
        let mut values = vec![0usize; layers.len()];
        let mut at = j;
        for (k, layer) in layers.iter().enumerate().rev() {
            values[k] = layer.value[at] as usize;
            at = layer.parent[at] as usize;
        }
        points.push(FrontierPoint {
            package: Package(values),
            utilities,
        });
    }
    points.sort_by(|a, b| lex_desc(&a.utilities, &b.utilities));
    Ok((points, examined))
}

/// The frontier of a problem with a non-additive party: the skyline of the distinct utility
/// vectors over the cells (see `bargain::cells`), each with its smallest package.
fn by_cells(
    problem: &Problem,
    lower: Option<&[f64]>,
    config: &FrontierConfig,
) -> Result<(Vec<FrontierPoint>, usize), BargainError> {
    let cells = super::cells::enumerate(problem, config)?;
    let mut points: Vec<FrontierPoint> = cells
        .frontier(lower)
        .into_iter()
        .map(|j| FrontierPoint {
            package: cells.packages[j].clone(),
            utilities: cells.row(j).to_vec(),
        })
        .collect();
    points.sort_by(|a, b| lex_desc(&a.utilities, &b.utilities));
    Ok((points, usize::try_from(cells.cells).unwrap_or(usize::MAX)))
}

/// Utility vectors compared lexicographically, larger first (−0 and 0 as equal, as `>=` has
/// them, so that a point comes after every point that dominates it).
fn lex_desc(a: &[f64], b: &[f64]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        match (y + 0.0).total_cmp(&(x + 0.0)) {
            Ordering::Equal => continue,
            other => return other,
        }
    }
    Ordering::Equal
}

/// Indices (ascending) of the points of `flat` (rows of `dims` utilities) that no other point
/// weakly dominates; of equal points the one with the smallest index survives. The frontier
/// search's pruning step, public so that its property test can check it against the
/// definition.
pub fn skyline(flat: &[f64], dims: usize) -> Vec<usize> {
    let n = flat.len() / dims;
    let row = |i: usize| &flat[i * dims..(i + 1) * dims];
    let mut order: Vec<usize> = (0..n).collect();
    // Stable sort: among equal vectors the smaller index (smaller package) comes first.
    order.sort_by(|&a, &b| lex_desc(row(a), row(b)));
    let mut kept = Vec::new();
    if dims == 2 {
        let mut best = f64::NEG_INFINITY;
        for i in order {
            let u2 = flat[i * 2 + 1];
            if u2 > best {
                best = u2;
                kept.push(i);
            }
        }
    } else if dims == 3 {
        // Every earlier point in `order` has a first utility at least as large, so a point is
        // covered when some kept point is at least as large in the other two. The kept points'
        // (u2, u3) pairs that matter form a staircase: by u2 ascending, u3 descending (a pair
        // beaten in both by a newer one can go, since the newer point covers whatever it did).
        // The smallest u2 at or above p's then carries the largest u3 among them: one lookup
        // instead of a scan of every kept point (n log n rather than n times the frontier).
        let mut stairs: BTreeMap<Ordered, f64> = BTreeMap::new();
        for i in order {
            // `+ 0.0` turns −0 into 0, which `>=` already treats as equal.
            let (u2, u3) = (flat[i * 3 + 1] + 0.0, flat[i * 3 + 2]);
            let covered = stairs
                .range(Ordered(u2)..)
                .next()
                .is_some_and(|(_, &top)| top >= u3);
            if covered {
                continue;
            }
            kept.push(i);
            let beaten: Vec<Ordered> = stairs
                .range(..=Ordered(u2))
                .rev()
                .take_while(|(_, v)| **v <= u3)
                .map(|(k, _)| *k)
                .collect();
            for k in beaten {
                stairs.remove(&k);
            }
            stairs.insert(Ordered(u2), u3);
        }
    } else {
        for i in order {
            let p = row(i);
            let covered = kept
                .iter()
                .any(|&q: &usize| row(q).iter().zip(p).all(|(a, b)| a >= b));
            if !covered {
                kept.push(i);
            }
        }
    }
    kept.sort_unstable();
    kept
}

/// An `f64` ordered by `total_cmp`, as a map key.
#[derive(Debug, Clone, Copy)]
struct Ordered(f64);

impl PartialEq for Ordered {
    fn eq(&self, other: &Self) -> bool {
        self.0.total_cmp(&other.0) == Ordering::Equal
    }
}

impl Eq for Ordered {}

impl PartialOrd for Ordered {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ordered {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}
