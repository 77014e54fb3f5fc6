//! The spatial Nash bargaining solution on one issue.
//!
//! # What it models
//! Bargaining under a veto: no player accepts an outcome worse for it than the status quo
//! (the disagreement point), and among the outcomes every player accepts, the one chosen
//! maximises the weighted product of the players' gains (Nash 1950; the asymmetric form of
//! Kalai 1977 with capability × salience as bargaining weights).
//!
//! # Equations
//! Utility is quadratic loss in distance, `u_i(x) = -(x - x_i)²`, so player i's gain over the
//! status quo `q` is `g_i(x) = d_i² - (x - x_i)²` with `d_i = |q - x_i|`. The solution is
//!
//! `x* = argmax_{x ∈ F} Σ_i w_i ln g_i(x)`, `w_i = c_i s_i`, `F = {x on the scale : g_i(x) ≥ 0 ∀i}`.
//!
//! Every `g_i` is zero at `q`, so `F` is the set of points at least as good as `q` for everyone:
//! `[q, min_i (2 x_i - q)]` when every player stands above `q`, the mirror image when every player
//! stands below, and `{q}` otherwise. In the last case no move helps every player and the
//! solution is the status quo ("gridlock"). Otherwise the objective is strictly concave on the
//! interior of `F`, its derivative falls from +∞ at `q`, and the maximiser is found by bisection
//! on the derivative to 1e-12 of the scale.
//!
//! # Why quadratic utility
//! Quadratic loss is the standard risk-averse spatial utility (Achen 2006 uses it for the EU
//! bargaining models), it makes the objective strictly concave so the solution is unique, and
//! it is the loss under which the compromise model is the unconstrained optimum, so the two models
//! differ only by the veto constraint and the status quo. Linear loss would make the product
//! flat on stretches and the solution a set.
//!
//! # Parameters
//! [`NashConfig::players`]: who bargains. By default the veto players of the issue's decision
//! rule (principals under `unanimity-of-principals`, every actor with a position otherwise);
//! `All` includes every actor with a position. Actors with zero weight do not bargain.
//!
//! # References
//! Nash, J. (1950), "The bargaining problem", *Econometrica* 18(2). Kalai, E. (1977),
//! "Nonsymmetric Nash solutions and replications of 2-person bargaining", *International Journal
//! of Game Theory* 6. Achen, C. H. (2006), "Institutional realism and bargaining models", in
//! *The European Union Decides*, ch. 4.

use detente_core::{DecisionRule, Issue, Role, Scenario};
use serde::Serialize;

use crate::stance::Stance;

/// Most bisection steps. Doubles span about 2,100 binary orders of magnitude (subnormals
/// included), so halving any interval between two of them reaches adjacent values well within
/// this many steps.
const BISECTION_STEPS: usize = 2_200;

/// Who takes part in the Nash bargain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NashPlayers {
    /// The veto players of the issue's decision rule (the default).
    #[default]
    VetoPlayers,
    /// Every actor that takes a position.
    All,
}

/// Options of the Nash model.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct NashConfig {
    /// Who bargains.
    pub players: NashPlayers,
}

/// The Nash solution and why it landed where it did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NashOutcome {
    /// The forecast position.
    pub position: f64,
    /// `true` when no point other than the status quo is acceptable to every player.
    pub gridlock: bool,
    /// Indices (into the stances given) of the players who bargained.
    pub players: Vec<usize>,
}

/// The stances that bargain under `config` on `issue`: indices into `stances`.
pub fn players(
    scenario: &Scenario,
    issue: &Issue,
    stances: &[Stance],
    config: &NashConfig,
) -> Vec<usize> {
    let veto_principals = config.players == NashPlayers::VetoPlayers
        && issue.decision_rule == DecisionRule::UnanimityOfPrincipals;
    stances
        .iter()
        .enumerate()
        .filter(|(_, s)| s.weight() > 0.0)
        .filter(|(_, s)| {
            !veto_principals
                || scenario
                    .actor(s.actor)
                    .is_some_and(|a| a.role == Role::Principal)
        })
        .map(|(i, _)| i)
        .collect()
}

/// Solves the weighted Nash bargaining problem for `players` (indices into `stances`) with
/// status quo `status_quo` on the scale `[min, max]`.
pub fn nash(
    stances: &[Stance],
    players: &[usize],
    status_quo: f64,
    scale: (f64, f64),
) -> NashOutcome {
    let gridlock = |players: Vec<usize>| NashOutcome {
        position: status_quo,
        gridlock: true,
        players,
    };
    let chosen: Vec<&Stance> = players.iter().filter_map(|&i| stances.get(i)).collect();
    let width = scale.1 - scale.0;
    let eps = width.abs() * 1e-12;
    if chosen.is_empty() || width.is_nan() || width <= 0.0 {
        return gridlock(players.to_vec());
    }
    let all_above = chosen.iter().all(|s| s.position > status_quo + eps);
    let all_below = chosen.iter().all(|s| s.position < status_quo - eps);
    if !all_above && !all_below {
        return gridlock(players.to_vec());
    }
    // Work in the direction of the players: t = distance from q toward them.
    let dir = if all_above { 1.0 } else { -1.0 };
    let room_on_scale = if all_above {
        scale.1 - status_quo
    } else {
        status_quo - scale.0
    };
    // Each player's gain stays non-negative up to twice its distance from q.
    let reach = chosen
        .iter()
        .map(|s| 2.0 * (s.position - status_quo).abs())
        .fold(f64::INFINITY, f64::min);
    let hi = reach.min(room_on_scale);
    if hi <= eps {
        return gridlock(players.to_vec());
    }
    // Derivative of Σ w ln(d² - (t - a)²) in t, where a = |x_i - q| is the player's ideal in t.
    let slope = |t: f64| -> f64 {
        chosen
            .iter()
            .map(|s| {
                let a = (s.position - status_quo).abs();
                let gain = a * a - (t - a) * (t - a);
                s.weight() * (-2.0 * (t - a)) / gain
            })
            .sum()
    };
    let t = if hi < reach && slope(hi) >= 0.0 {
        // The scale ends before any player's gain runs out and the product still rises there.
        hi
    } else {
        // The interval halves each step, so `BISECTION_STEPS` reach any tolerance a double can
        // express; the cap and the no-progress test also end the search when `eps` underflows
        // to zero on a subnormal scale, which once spun forever (issue 16).
        let (mut lo, mut up) = (0.0, hi);
        for _ in 0..BISECTION_STEPS {
            if up - lo <= eps {
                break;
            }
            let mid = 0.5 * (lo + up);
            if mid <= lo || mid >= up {
                break;
            }
            if slope(mid) > 0.0 {
                lo = mid;
            } else {
                up = mid;
            }
        }
        0.5 * (lo + up)
    };
    NashOutcome {
        position: status_quo + dir * t,
        gridlock: false,
        players: players.to_vec(),
    }
}
