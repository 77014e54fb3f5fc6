//! The weighted median ("median voter") model.
//!
//! # What it models
//! Voting with capability × salience as votes. With single-peaked, symmetric preferences on one
//! dimension, the weighted median is the position that a weighted majority prefers to any other
//! (Black's median voter theorem), so it is where majority bargaining comes to rest.
//!
//! # Equation
//! Sort positions; with `W = Σ_i c_i s_i`, the forecast is the smallest position `x_k` whose
//! cumulative weight reaches `W / 2`. When the cumulative weight equals `W / 2` exactly at `x_k`,
//! the majority is split evenly between `x_k` and the next position: every point between them is a
//! median, and the model reports the midpoint and flags the tie.
//!
//! # Assumptions
//! No veto players, no status quo, sincere voting.
//!
//! # References
//! Black, D. (1948), "On the rationale of group decision-making", *Journal of Political Economy*
//! 56(1). Achen (2006) in *The European Union Decides*, ch. 10, for its use as a forecast.

use crate::stance::Stance;

/// The weighted median and whether it came from an even split.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Median {
    /// The forecast position.
    pub position: f64,
    /// Whether the weights split exactly in half, so any point of an interval is a median.
    pub tie: bool,
}

/// The weighted median, or `None` when every weight is zero.
pub fn weighted_median(stances: &[Stance]) -> Option<Median> {
    let total: f64 = stances.iter().map(Stance::weight).sum();
    if total <= 0.0 || !total.is_finite() {
        return None;
    }
    let mut sorted: Vec<(f64, f64)> = stances.iter().map(|s| (s.position, s.weight())).collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let half = total / 2.0;
    let eps = total * 1e-12;
    let mut cumulative = 0.0;
    for (i, &(x, w)) in sorted.iter().enumerate() {
        cumulative += w;
        if cumulative + eps >= half {
            let even = (cumulative - half).abs() <= eps;
            let next = sorted[i + 1..].iter().find(|(y, w)| *y > x && *w > 0.0);
            return Some(match (even, next) {
                (true, Some(&(y, _))) => Median {
                    position: (x + y) / 2.0,
                    tie: true,
                },
                _ => Median {
                    position: x,
                    tie: false,
                },
            });
        }
    }
    // Rounding can leave the cumulative sum a hair under half; the last position is then the
    // median.
    sorted.last().map(|&(x, _)| Median {
        position: x,
        tie: false,
    })
}
