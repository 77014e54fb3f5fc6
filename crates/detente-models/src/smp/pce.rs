//! Votes, coalitions, victory probabilities and the probabilistic Condorcet election (PCE): the
//! machinery that turns actors' utilities for a set of options into one probability per option.
//!
//! The arithmetic follows KTAB's order of operations (sums in index order, the `1e-8` floor on
//! coalitions, the `0.5` diagonal of the victory matrix), so that results agree with KTAB's to
//! the last bit or nearly so: the SMP takes argmaxes over these numbers, and a different rounding
//! could pick a different bargain.

use super::SmpError;
use super::config::{PceModel, VictoryProbModel, VotingRule};

/// Actor `k`'s vote for option `a` over option `b`, with weight `w > 0` and utilities `ua`, `ub`.
/// Positive favours `a`.
pub(crate) fn vote(rule: VotingRule, w: f64, ua: f64, ub: f64) -> f64 {
    let du = ua - ub;
    let binary = (du / 1e-8).clamp(-1.0, 1.0);
    match rule {
        VotingRule::Binary => w * binary,
        VotingRule::PropBin => w * ((1.0 - 0.2) * du + 0.2 * binary),
        VotingRule::Proportional => w * du,
        VotingRule::PropCubic => w * ((1.0 - 0.5) * du + 0.5 * (du * du * du)),
        VotingRule::Cubic => w * (du * du * du),
        VotingRule::AsymmetricProspect => {
            if du < 0.0 {
                w * du
            } else if du > 0.0 {
                (2.0 * w * du) / 3.0
            } else {
                0.0
            }
        }
    }
}

/// Probabilities `(p1, p2)` that coalitions of strengths `s1` and `s2` win against each other.
pub(crate) fn victory_pair(model: VictoryProbModel, s1: f64, s2: f64) -> (f64, f64) {
    let (x1, x2) = match model {
        VictoryProbModel::Linear => (s1, s2),
        VictoryProbModel::Square => (s1 * s1, s2 * s2),
        VictoryProbModel::Quartic => {
            let (a, b) = (s1 * s1, s2 * s2);
            (a * a, b * b)
        }
        VictoryProbModel::Octic => {
            let (a, b) = (s1 * s1, s2 * s2);
            let (a, b) = (a * a, b * b);
            (a * a, b * b)
        }
        VictoryProbModel::Binary => {
            let thresh = 1.10;
            let min_x = 1e-6;
            if s1 >= thresh * s2 {
                (1.0, min_x)
            } else if s2 >= thresh * s1 {
                (min_x, 1.0)
            } else {
                let r12 = s1 / (s1 + s2);
                let p12 = (r12 * (thresh + 1.0) - 1.0) / (thresh - 1.0);
                (p12, 1.0 - p12)
            }
        }
    };
    (x1 / (x1 + x2), x2 / (x1 + x2))
}

/// A square matrix stored row-major.
#[derive(Debug, Clone)]
pub(crate) struct Square {
    pub n: usize,
    pub data: Vec<f64>,
}

impl Square {
    pub fn zeros(n: usize) -> Self {
        Self {
            n,
            data: vec![0.0; n * n],
        }
    }

    #[inline]
    pub fn get(&self, i: usize, j: usize) -> f64 {
        self.data[i * self.n + j]
    }

    #[inline]
    pub fn set(&mut self, i: usize, j: usize, v: f64) {
        self.data[i * self.n + j] = v;
    }
}

/// Coalition strengths `c(a, b)` for option `a` against option `b` over `n_opt` options, from
/// the votes of `n_act` actors with weights `w` and utilities `u(k, a)` (row-major, `n_opt`
/// columns). Each strength starts at `1e-8`.
pub(crate) fn coalitions(
    rule: VotingRule,
    w: &[f64],
    u: &[f64],
    n_act: usize,
    n_opt: usize,
) -> Square {
    const MIN_C: f64 = 1e-8;
    let mut c = Square::zeros(n_opt);
    for a in 0..n_opt {
        for b in 0..a {
            let mut cab = MIN_C;
            let mut cba = MIN_C;
            for k in 0..n_act {
                let row = &u[k * n_opt..(k + 1) * n_opt];
                let v = vote(rule, w[k], row[a], row[b]);
                if v > 0.0 {
                    cab += v;
                }
                if v < 0.0 {
                    cba -= v;
                }
            }
            c.set(a, b, cab);
            c.set(b, a, cba);
        }
        c.set(a, a, MIN_C);
    }
    c
}

/// Pairwise victory probabilities from coalition strengths; `0.5` on the diagonal.
pub(crate) fn victory_matrix(model: VictoryProbModel, c: &Square) -> Square {
    let n = c.n;
    let mut p = Square::zeros(n);
    for a in 0..n {
        for b in 0..a {
            let (pab, pba) = victory_pair(model, c.get(a, b), c.get(b, a));
            p.set(a, b, pab);
            p.set(b, a, pba);
        }
        p.set(a, a, 0.5);
    }
    p
}

/// The probabilistic Condorcet election over the options of `c`.
pub(crate) fn pce(
    pce_model: PceModel,
    vpm: VictoryProbModel,
    c: &Square,
) -> Result<Vec<f64>, SmpError> {
    let pv = victory_matrix(vpm, c);
    let p = match pce_model {
        PceModel::Conditional => conditional(&pv),
        PceModel::MarkovUniform => markov_uniform(&pv)?,
        PceModel::MarkovIncentive => markov_incentive(c, &pv)?,
    };
    let total: f64 = p.iter().sum();
    if (total - 1.0).abs() >= 1e-8 || total.is_nan() {
        return Err(SmpError::Numerical(format!(
            "Condorcet election probabilities sum to {total}, not 1"
        )));
    }
    Ok(p)
}

/// Probability that each option beats every other (the diagonal's 0.5 included, as KTAB does),
/// normalised to sum to one.
fn conditional(pv: &Square) -> Vec<f64> {
    let n = pv.n;
    let mut p: Vec<f64> = (0..n)
        .map(|a| (0..n).fold(1.0, |acc, b| acc * pv.get(a, b)))
        .collect();
    let total: f64 = p.iter().sum();
    for x in &mut p {
        *x /= total;
    }
    p
}

/// KTAB's iteration cap for the Markov chains.
const MARKOV_MAX_ITER: usize = 1000;

fn markov_uniform(pv: &Square) -> Result<Vec<f64>, SmpError> {
    let n = pv.n;
    let mut p = vec![1.0 / n as f64; n];
    let mut q = p.clone();
    let mut iter = 0;
    let mut change = 1.0;
    while 1e-6 < change {
        change = 0.0;
        for a in 0..n {
            let mut pa = 0.0;
            for b in 0..n {
                pa += pv.get(a, b) * (p[a] + p[b]);
            }
            q[a] = pa / n as f64;
            let c = (q[a] - p[a]).abs();
            if c > change {
                change = c;
            }
        }
        for (pa, qa) in p.iter_mut().zip(&q) {
            *pa = (*pa + qa) / 2.0;
        }
        iter += 1;
        if iter >= MARKOV_MAX_ITER {
            return Err(SmpError::Numerical(
                "the uniform Markov Condorcet election did not converge in 1000 iterations".into(),
            ));
        }
    }
    Ok(p)
}

fn markov_incentive(c: &Square, pv: &Square) -> Result<Vec<f64>, SmpError> {
    let n = c.n;
    // Incentive of option a to challenge option b: its coalition's strength times its chance.
    let mut inc = Square::zeros(n);
    for a in 0..n {
        for b in 0..n {
            let mut x = c.get(a, b) * pv.get(a, b);
            if a == b {
                x += 1e-10;
            }
            inc.set(a, b, x);
        }
    }
    // Probability that a is the challenger when b is current.
    let mut chlg = Square::zeros(n);
    for b in 0..n {
        let mut col = 0.0;
        for k in 0..n {
            col += inc.get(k, b);
        }
        for a in 0..n {
            chlg.set(a, b, inc.get(a, b) / col);
        }
    }
    let mut p = vec![1.0 / n as f64; n];
    let mut q = p.clone();
    let mut ct = Square::zeros(n);
    let mut iter = 0;
    let mut change = 1.0;
    while 1e-8 < change {
        for (a, &pa) in p.iter().enumerate() {
            for b in 0..n {
                ct.set(a, b, pa * chlg.get(b, a));
            }
        }
        change = 0.0;
        for a in 0..n {
            let mut qa = 0.0;
            for b in 0..n {
                qa += pv.get(a, b) * (ct.get(a, b) + ct.get(b, a));
            }
            q[a] = qa;
            let d = (q[a] - p[a]).abs();
            if d > change {
                change = d;
            }
        }
        for (pa, qa) in p.iter_mut().zip(&q) {
            *pa = (*pa + qa) / 2.0;
        }
        iter += 1;
        let total: f64 = p.iter().sum();
        if (total - 1.0).abs() >= 1e-8 || total.is_nan() || iter >= MARKOV_MAX_ITER {
            return Err(SmpError::Numerical(
                "the incentive Markov Condorcet election did not converge in 1000 iterations"
                    .into(),
            ));
        }
    }
    Ok(p)
}

/// Probability of each of `n_opt` options in the Condorcet election among `n_act` actors with
/// weights `w` and utilities `u(k, a)` (row-major).
pub(crate) fn scalar_pce(
    rule: VotingRule,
    vpm: VictoryProbModel,
    pce_model: PceModel,
    w: &[f64],
    u: &[f64],
    n_act: usize,
    n_opt: usize,
) -> Result<Vec<f64>, SmpError> {
    let c = coalitions(rule, w, u, n_act, n_opt);
    pce(pce_model, vpm, &c)
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]
    use super::*;

    /// Hand computation: two options, three actors of weight 1, 2, 3 with utilities
    /// (1, 0), (0, 1), (1, 0.5). Proportional votes: +1, -2, +1.5, so c(0,1) = 2.5 + 1e-8 and
    /// c(1,0) = 2 + 1e-8; Linear: P[0 > 1] = 2.5/4.5 (up to the 1e-8 floors). Conditional:
    /// p0 is proportional to 0.5 * 5/9 and p1 to 0.5 * 4/9, so p = (5/9, 4/9).
    #[test]
    fn two_options_by_hand() {
        let w = [1.0, 2.0, 3.0];
        let u = [1.0, 0.0, 0.0, 1.0, 1.0, 0.5];
        let p = scalar_pce(
            VotingRule::Proportional,
            VictoryProbModel::Linear,
            PceModel::Conditional,
            &w,
            &u,
            3,
            2,
        )
        .unwrap();
        assert!((p[0] - 5.0 / 9.0).abs() < 1e-8);
        assert!((p[1] - 4.0 / 9.0).abs() < 1e-8);
        // With two options the uniform Markov chain's fixed point solves
        // p0 = (0.5 * 2 p0 + P01 (p0 + p1)) / 2, i.e. p0 = P01 = 5/9.
        let pm = scalar_pce(
            VotingRule::Proportional,
            VictoryProbModel::Linear,
            PceModel::MarkovUniform,
            &w,
            &u,
            3,
            2,
        )
        .unwrap();
        assert!((pm[0] - 5.0 / 9.0).abs() < 1e-5, "{pm:?}");
    }

    #[test]
    fn victory_laws() {
        let (p, _) = victory_pair(VictoryProbModel::Square, 2.0, 1.0);
        assert!((p - 0.8).abs() < 1e-15);
        let (p, _) = victory_pair(VictoryProbModel::Quartic, 2.0, 1.0);
        assert!((p - 16.0 / 17.0).abs() < 1e-15);
        let (p, _) = victory_pair(VictoryProbModel::Binary, 1.2, 1.0);
        assert!((p - 1.0 / 1.000001).abs() < 1e-12);
        // Within the 10% band: r = 1.05/2.05, p = (2.1 r - 1) / 0.1.
        let (p, q) = victory_pair(VictoryProbModel::Binary, 1.05, 1.0);
        let r = 1.05 / 2.05;
        assert!((p - (r * 2.1 - 1.0) / 0.1).abs() < 1e-12);
        assert!((p + q - 1.0).abs() < 1e-12);
    }
}
