//! Outcome analysis over an enumerated space: the Pareto frontier, the Nash point, and the
//! distance of an agreement (or of the disagreement point) to each.
//!
//! # Method
//! The frontier is taken over all outcomes (not only rational ones, as in NegMAS's
//! `pareto_frontier`). For two parties it is found by sorting on the first utility (descending,
//! ties by the second) and sweeping: O(n log n). For more parties each outcome is compared with
//! the frontier built so far, O(n·f). The Nash point maximises `Π (u_i - d_i)` over outcomes
//! with every `u_i ≥ d_i`, with `d_i = max(min utility, reservation)` (GENIUS/NegMAS
//! disagreement); ties go to the earliest outcome in enumeration order. Distances are Euclidean
//! in utility space; an outcome on the frontier has distance 0.

use serde::Serialize;

use crate::Preferences;

/// The frontier and Nash point of one table (one assignment of preferences to seats).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    /// Utility vectors of the Pareto-optimal outcomes (deduplicated).
    pub frontier: Vec<Vec<f64>>,
    /// The Nash outcome and its utilities, if any outcome is individually rational.
    pub nash: Option<(usize, Vec<f64>)>,
    /// Disagreement point.
    pub disagreement: Vec<f64>,
}

impl Analysis {
    /// Analyses the table formed by `parties` (all over the same space).
    pub fn new(parties: &[&Preferences]) -> Self {
        let n = parties.first().map_or(0, |p| p.len());
        let k = parties.len();
        let point = |o: usize| -> Vec<f64> { parties.iter().map(|p| p.utility(o)).collect() };
        let mut frontier: Vec<Vec<f64>> = Vec::new();
        if k == 2 {
            let (a, b) = (parties[0].utilities(), parties[1].utilities());
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by(|&x, &y| a[y].total_cmp(&a[x]).then(b[y].total_cmp(&b[x])));
            let mut best_b = f64::NEG_INFINITY;
            for o in order {
                if b[o] > best_b {
                    frontier.push(vec![a[o], b[o]]);
                    best_b = b[o];
                }
            }
        } else {
            for o in 0..n {
                let p = point(o);
                let dominated = frontier.iter().any(|f| dominates(f, &p) || *f == p);
                if !dominated {
                    frontier.retain(|f| !dominates(&p, f));
                    frontier.push(p);
                }
            }
        }
        let disagreement: Vec<f64> = parties.iter().map(|p| p.floor()).collect();
        let mut nash: Option<(usize, f64)> = None;
        for o in 0..n {
            let mut product = 1.0;
            let mut rational = true;
            for (p, d) in parties.iter().zip(&disagreement) {
                let gain = p.utility(o) - d;
                if gain < 0.0 {
                    rational = false;
                    break;
                }
                product *= gain;
            }
            if rational && nash.is_none_or(|(_, best)| product > best) {
                nash = Some((o, product));
            }
        }
        Self {
            frontier,
            nash: nash.map(|(o, _)| (o, point(o))),
            disagreement,
        }
    }

    /// Euclidean distance from `utilities` to the nearest frontier point.
    pub fn pareto_distance(&self, utilities: &[f64]) -> f64 {
        if self.frontier.iter().any(|f| dominates(f, utilities)) {
            self.frontier
                .iter()
                .map(|f| distance(f, utilities))
                .fold(f64::INFINITY, f64::min)
        } else {
            0.0
        }
    }

    /// Euclidean distance from `utilities` to the Nash point (`None` without one).
    pub fn nash_distance(&self, utilities: &[f64]) -> Option<f64> {
        self.nash.as_ref().map(|(_, n)| distance(n, utilities))
    }
}

/// `a` weakly better for all and strictly for one.
fn dominates(a: &[f64], b: &[f64]) -> bool {
    a.iter().zip(b).all(|(x, y)| x >= y) && a.iter().zip(b).any(|(x, y)| x > y)
}

fn distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        .sqrt()
}
