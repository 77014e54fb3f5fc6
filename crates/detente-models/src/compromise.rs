//! The compromise model: the capability × salience weighted mean of positions.
//!
//! # What it models
//! Bargaining in which every actor pulls the outcome toward its position with a force equal to
//! its capability times the salience the issue has for it; the outcome is where the pulls
//! balance. Despite its simplicity it is the model to beat on EU legislative data.
//!
//! # Equation
//! `x* = Σ_i c_i s_i x_i / Σ_i c_i s_i`, over the actors that take a position.
//!
//! # Assumptions
//! Quadratic losses (the weighted mean minimises `Σ c_i s_i (x - x_i)²`); no veto players; the
//! status quo plays no part.
//!
//! # References
//! Achen, C. H. (2006), "Evaluating political decision-making models", in Thomson, Stokman,
//! Achen & König (eds.), *The European Union Decides*, Cambridge University Press, ch. 10
//! (the "compromise model", eq. 10.1). Van den Bos (1991), *Dutch EC Policy Making*.

use crate::stance::Stance;

/// The weighted mean, or `None` when every weight is zero (no actor cares about the issue).
pub fn compromise(stances: &[Stance]) -> Option<f64> {
    let total: f64 = stances.iter().map(Stance::weight).sum();
    if total <= 0.0 || !total.is_finite() {
        return None;
    }
    let sum: f64 = stances.iter().map(|s| s.weight() * s.position).sum();
    Some(sum / total)
}
