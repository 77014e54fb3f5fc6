//! One SMP state and the turn that leads from it to the next: utilities, risk attitudes,
//! challenges, bargains and the Condorcet election among each actor's bargains.
//!
//! Positions are held on KTAB's internal 0..1 scale (input / 100) and every formula keeps
//! KTAB's order of floating-point operations, because the model takes argmaxes (best target,
//! best bargain) and rounds bargains to 1e-4: a different rounding order could flip a choice.

use super::SmpError;
use super::config::{
    BargainModel, BigRAdjust, BigRRange, InterVecBargain, SmpConfig, StateTransitions,
    ThirdPartyCommit, VotingRule,
};
use super::pce::{coalitions, pce, scalar_pce, vote};

/// The fixed attributes of the actors, on KTAB's internal scales.
pub(crate) struct Actors {
    pub n: usize,
    pub d: usize,
    /// Capability of each actor.
    pub cap: Vec<f64>,
    /// Salience of actor `i` on dimension `k` at `i * d + k`, on 0..1.
    pub sal: Vec<f64>,
    /// Sum of each actor's saliences, summed in dimension order.
    pub sal_sum: Vec<f64>,
}

impl Actors {
    #[inline]
    fn sal(&self, i: usize) -> &[f64] {
        &self.sal[i * self.d..(i + 1) * self.d]
    }
}

/// KTAB's salience-weighted Euclidean distance between `a` and `b` for an actor with saliences
/// `s`: `sqrt(sum (s_k (a_k - b_k))^2 / sum s_k^2)`, in 0..1 when positions are.
#[inline]
pub(crate) fn weighted_distance(a: &[f64], b: &[f64], s: &[f64]) -> f64 {
    let mut ds_sqr = 0.0;
    let mut ss_sqr = 0.0;
    for k in 0..s.len() {
        let ds = (a[k] - b[k]) * s[k];
        ds_sqr += ds * ds;
        ss_sqr += s[k] * s[k];
    }
    (ds_sqr / ss_sqr).sqrt()
}

/// KTAB's utility of a position at weighted distance `sd` for risk attitude `r` in `[-1, 1]`:
/// `(1 - sd)(1 + sd r)`; risk-averse actors (`r > 0`) value near misses more.
#[inline]
pub(crate) fn util(sd: f64, r: f64) -> f64 {
    if sd <= 1.0 {
        (1.0 - sd) * (1.0 + sd * r)
    } else {
        (1.0 - sd) * (1.0 + r)
    }
}

/// Actor `h`'s estimate of `i`'s risk attitude.
#[inline]
pub(crate) fn est_risk(rh: f64, ri: f64, adj: BigRAdjust) -> f64 {
    match adj {
        BigRAdjust::Full => ri,
        BigRAdjust::TwoThirds => (rh + (2.0 * ri)) / 3.0,
        BigRAdjust::Half => (rh + ri) / 2.0,
        BigRAdjust::OneThird => ((2.0 * rh) + ri) / 3.0,
        BigRAdjust::NoAdjust => rh,
    }
}

/// Risk attitudes from win probabilities: the lowest maps to the bottom of the range, the highest
/// to +1 (winners are assumed comfortable, so risk averse).
pub(crate) fn risk_from_prob(p: &[f64], range: BigRRange) -> Vec<f64> {
    let mut p_min = 1.0_f64;
    let mut p_max = 0.0_f64;
    for &x in p {
        p_min = if x < p_min { x } else { p_min };
        p_max = if x > p_max { x } else { p_max };
    }
    if p_max <= p_min {
        // Every position is equally likely (in practice: everyone holds the same position), so
        // the scale has no width. KTAB divides by zero here; detente treats everyone as risk
        // neutral, which lets a run that reaches consensus stop normally.
        return vec![0.0; p.len()];
    }
    p.iter()
        .map(|&x| match range {
            BigRRange::Min => (x - p_min) / (p_max - p_min),
            BigRRange::Mid => (3.0 * x - (p_max + 2.0 * p_min)) / (2.0 * (p_max - p_min)),
            BigRRange::Max => (2.0 * x - (p_max + p_min)) / (p_max - p_min),
        })
        .collect()
}

/// A state: everyone's position, and what follows from it.
pub(crate) struct State {
    /// Position of actor `i` on dimension `k` at `i * d + k`, on 0..1.
    pub pos: Vec<f64>,
    /// Each actor's ideal, laid out as `pos`: where it judges positions from. Equal to `pos`
    /// unless the scenario gives an ideal-adjustment (accommodation) matrix.
    pub ideal: Vec<f64>,
    /// Risk attitude of each actor.
    pub risk: Vec<f64>,
    /// `a_util[(h * n + i) * n + j]`: `h`'s estimate of `i`'s utility for `j`'s position.
    pub a_util: Vec<f64>,
}

impl State {
    #[inline]
    pub fn pos(&self, i: usize, d: usize) -> &[f64] {
        &self.pos[i * d..(i + 1) * d]
    }

    #[inline]
    fn au(&self, n: usize, h: usize, i: usize, j: usize) -> f64 {
        self.a_util[(h * n + i) * n + j]
    }

    #[inline]
    pub fn ideal(&self, i: usize, d: usize) -> &[f64] {
        &self.ideal[i * d..(i + 1) * d]
    }

    /// Builds the state for the given positions and ideals: distances, the risk-neutral election
    /// over all actors' positions, risk attitudes and every actor's estimate of everyone's
    /// utilities.
    pub fn new(
        actors: &Actors,
        pos: Vec<f64>,
        ideal: Vec<f64>,
        cfg: &SmpConfig,
    ) -> Result<Self, SmpError> {
        let (n, d) = (actors.n, actors.d);
        let mut vdiff = vec![0.0; n * n];
        for i in 0..n {
            let pi = &ideal[i * d..(i + 1) * d];
            for j in 0..n {
                vdiff[i * n + j] = weighted_distance(pi, &pos[j * d..(j + 1) * d], actors.sal(i));
            }
        }
        let rn_util: Vec<f64> = vdiff.iter().map(|&sd| util(sd, 0.0)).collect();
        let c = coalitions(cfg.voting_rule, &actors.cap, &rn_util, n, n);
        let p = pce(cfg.pce_model, cfg.victory_prob_model, &c)?;
        let risk = risk_from_prob(&p, cfg.big_r_range);
        let mut a_util = vec![0.0; n * n * n];
        for h in 0..n {
            for i in 0..n {
                let rhi = est_risk(risk[h], risk[i], cfg.big_r_adjust);
                let base = (h * n + i) * n;
                for j in 0..n {
                    a_util[base + j] = util(vdiff[i * n + j], rhi);
                }
            }
        }
        Ok(Self {
            pos,
            ideal,
            risk,
            a_util,
        })
    }

    /// `h`'s estimate of the probability that `i` beats `j` when `i` challenges, and of the
    /// change in `k`'s utility that the challenge brings compared with the status quo.
    pub fn prob_edu_challenge(
        &self,
        actors: &Actors,
        cfg: &SmpConfig,
        h: usize,
        k: usize,
        i: usize,
        j: usize,
    ) -> (f64, f64) {
        let n = actors.n;
        let vr = cfg.voting_rule;
        let au = |a: usize, b: usize| self.au(n, h, a, b);
        let (uii, uij, uji, ujj) = (au(i, i), au(i, j), au(j, i), au(j, j));
        let eu_sq = au(k, i) + au(k, j);
        let u_hkij = au(k, i) + au(k, i);
        let u_hkji = au(k, j) + au(k, j);
        let si = actors.sal_sum[i];
        let ci = actors.cap[i];
        let sj = actors.sal_sum[j];
        let cj = actors.cap[j];
        const MIN_CLTN: f64 = 1e-10;
        let contrib_i = vote(vr, si * ci, uii, uij);
        let contrib_j = vote(vr, sj * cj, uji, ujj);
        let mut chij = MIN_CLTN;
        let mut chji = MIN_CLTN;
        if contrib_i > 0.0 {
            chij += contrib_i;
        }
        if contrib_i < 0.0 {
            chji -= contrib_i;
        }
        if contrib_j > 0.0 {
            chij += contrib_j;
        }
        if contrib_j < 0.0 {
            chji -= contrib_j;
        }
        let (ci_ij, cj_ij) = (chij, chji);
        for m in 0..n {
            if m == i || m == j {
                continue;
            }
            let wm = actors.sal_sum[m] * actors.cap[m];
            let (umi, umj, umm) = (au(m, i), au(m, j), au(m, m));
            let pin = little_contest(vr, wm, umi, umj, ci_ij, cj_ij);
            let v = third_party_vote(
                wm,
                vr,
                cfg.third_party_commit,
                pin,
                1.0 - pin,
                umi,
                umj,
                umm,
            );
            if v > 0.0 {
                chij += v;
            }
            if v < 0.0 {
                chji -= v;
            }
        }
        let phij = chij / (chij + chji);
        let phji = chji / (chij + chji);
        let eu_vict = u_hkij;
        let eu_cntst = phij * u_hkij + phji * u_hkji;
        let eu_chlg = (1.0 - sj) * eu_vict + sj * eu_cntst;
        (phij, eu_chlg - eu_sq)
    }

    /// Actor `i`'s utility for position `p`, judged from its ideal with its own saliences and
    /// risk attitude.
    #[inline]
    pub fn pos_util(&self, actors: &Actors, i: usize, p: &[f64]) -> f64 {
        let sd = weighted_distance(self.ideal(i, actors.d), p, actors.sal(i));
        util(sd, self.risk[i])
    }

    /// Win probability of each actor's position: the Condorcet election among the distinct
    /// positions (closer than the tolerance counts as the same), each actor voting with its own
    /// utilities and its capability. Actors sharing a position share its probability.
    pub fn win_probabilities(
        &self,
        actors: &Actors,
        cfg: &SmpConfig,
    ) -> Result<Vec<f64>, SmpError> {
        let (n, d) = (actors.n, actors.d);
        let equiv = |i: usize, j: usize| {
            let (a, b) = (self.pos(i, d), self.pos(j, d));
            let mut s = 0.0;
            for k in 0..d {
                let x = a[k] - b[k];
                s += x * x;
            }
            s.sqrt() < cfg.position_tolerance
        };
        // First-found equivalence classes, as KTAB's ueIndices builds them.
        let mut uniq: Vec<usize> = Vec::new();
        for i in 0..n {
            if !uniq.iter().any(|&u| equiv(i, u)) {
                uniq.push(i);
            }
        }
        let nu = uniq.len();
        let mut u = vec![0.0; n * nu];
        for i in 0..n {
            for (c, &j) in uniq.iter().enumerate() {
                u[i * nu + c] = self.au(n, i, i, j);
            }
        }
        let p = scalar_pce(
            cfg.voting_rule,
            cfg.victory_prob_model,
            cfg.pce_model,
            &actors.cap,
            &u,
            n,
            nu,
        )?;
        // KTAB reports the last distinct position equivalent to the actor's.
        Ok((0..n)
            .map(|i| {
                let c = uniq.iter().rposition(|&j| equiv(i, j)).unwrap_or(0);
                p[c]
            })
            .collect())
    }
}

/// Third party `m`'s chance that `i` wins the little contest of `i`, `j` and `m` alone.
#[inline]
fn little_contest(vr: VotingRule, wm: f64, umi: f64, umj: f64, ci: f64, cj: f64) -> f64 {
    let c = vote(vr, wm, umi, umj);
    let cni = if c > 0.0 { ci + c } else { ci };
    let cnj = if c < 0.0 { cj - c } else { cj };
    cni / (cni + cnj)
}

/// Third party `m`'s vote for `i` over `j` (sum-of-utilities model over the three positions).
#[expect(
    clippy::too_many_arguments,
    reason = "mirrors the model's named quantities"
)]
#[inline]
fn third_party_vote(
    wk: f64,
    vr: VotingRule,
    commit: ThirdPartyCommit,
    pik: f64,
    pjk: f64,
    uki: f64,
    ukj: f64,
    ukk: f64,
) -> f64 {
    let (ik_def_j, j_def_ik, i_def_jk, jk_def_i) = match commit {
        ThirdPartyCommit::FullCommit => (
            uki + uki + uki,
            ukj + ukj + ukj,
            uki + uki + uki,
            ukj + ukj + ukj,
        ),
        ThirdPartyCommit::SemiCommit => (
            uki + uki + ukk,
            ukj + ukj + ukj,
            uki + uki + uki,
            ukj + ukj + ukk,
        ),
        ThirdPartyCommit::NoCommit => (
            uki + uki + ukk,
            ukj + ukj + ukk,
            uki + uki + ukk,
            ukj + ukj + ukk,
        ),
    };
    let u_ik_j = (pik * ik_def_j) + (pjk * j_def_ik);
    let u_i_jk = (pik * i_def_jk) + (pjk * jk_def_i);
    vote(vr, wk, u_ik_j, u_i_jk)
}

/// A proposed bargain: new positions for the initiator and the receiver.
#[derive(Debug, Clone)]
pub(crate) struct Bargain {
    pub init: usize,
    pub rcvr: usize,
    pub pos_init: Vec<f64>,
    pub pos_rcvr: Vec<f64>,
    /// Whose view produced it.
    pub view: BargainView,
}

/// Whose view of the contest a bargain was interpolated from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BargainView {
    Initiator,
    Receiver,
    Compromise,
}

fn round4(x: f64) -> f64 {
    // C's (int)(0.5 + x * 1e4): truncation toward zero.
    ((0.5 + x * 10000.0) as i32) as f64 / 10000.0
}

/// Interpolates a bargain between `i` at `pi` and `j` at `pj`, dimension by dimension.
#[expect(
    clippy::too_many_arguments,
    reason = "mirrors the model's named quantities"
)]
fn interpolate(
    actors: &Actors,
    ivb: InterVecBargain,
    i: usize,
    j: usize,
    pi: &[f64],
    pj: &[f64],
    prb_i: f64,
    prb_j: f64,
) -> (Vec<f64>, Vec<f64>) {
    let d = actors.d;
    let mut bi = vec![0.0; d];
    let mut bj = vec![0.0; d];
    let (si, sj) = (actors.sal(i), actors.sal(j));
    for k in 0..d {
        let (tik, sik, tjk, sjk) = (pi[k], si[k], pj[k], sj[k]);
        let min_w = 1e-6;
        match ivb {
            InterVecBargain::S1P1 | InterVecBargain::S2P2 => {
                let (wik, wjk) = if ivb == InterVecBargain::S1P1 {
                    (sik * prb_i, sjk * prb_j)
                } else {
                    ((sik * sik) * (prb_i * prb_i), (sjk * sjk) * (prb_j * prb_j))
                };
                bi[k] = round4(((wik + min_w) * tik + wjk * tjk) / (wik + min_w + wjk));
                bj[k] = round4((wik * tik + (min_w + wjk) * tjk) / (wik + min_w + wjk));
            }
            InterVecBargain::S2PMax => {
                let di = if prb_j > prb_i { prb_j - prb_i } else { 0.0 };
                let dj = if prb_i > prb_j { prb_i - prb_j } else { 0.0 };
                let sik2 = sik * sik;
                let sjk2 = sjk * sjk;
                let dik = (di * sjk2) / ((di * sjk2) + min_w + ((1.0 - di) * sik2));
                let djk = (dj * sik2) / ((dj * sik2) + min_w + ((1.0 - dj) * sjk2));
                bi[k] = tik + dik * (tjk - tik);
                bj[k] = tjk + djk * (tik - tjk);
            }
        }
    }
    (bi, bj)
}

/// An actor's best challenge in a turn.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Challenge {
    pub init: usize,
    pub target: usize,
    /// Initiator's estimate of its chance to win.
    pub p_win: f64,
    /// Initiator's expected gain in utility.
    pub gain: f64,
}

/// What one turn decided for one actor.
#[derive(Debug, Clone)]
pub(crate) struct Choice {
    /// Index into the turn's bargains, `None` for keeping the status quo.
    pub bargain: Option<usize>,
    /// The chosen option's Condorcet probability.
    pub probability: f64,
    /// Number of options the actor chose among (its status quo included).
    pub options: usize,
}

/// The outcome of a turn.
pub(crate) struct TurnOutcome {
    pub new_pos: Vec<f64>,
    pub challenges: Vec<Challenge>,
    pub bargains: Vec<Bargain>,
    pub choices: Vec<Choice>,
}

/// Runs one turn from `st`. `draw` supplies uniform numbers in `[0, 1)` for stochastic
/// transitions, one per actor in actor order.
pub(crate) fn turn(
    actors: &Actors,
    st: &State,
    cfg: &SmpConfig,
    draw: &mut dyn FnMut() -> f64,
) -> Result<TurnOutcome, SmpError> {
    let (n, d) = (actors.n, actors.d);
    let mut challenges = Vec::new();
    let mut bargains: Vec<Bargain> = Vec::new();
    // 1. Each actor picks the target whose challenge it expects to gain most from.
    for i in 0..n {
        let mut best: Option<Challenge> = None;
        let mut best_eu = -1.0;
        for j in 0..n {
            if j == i {
                continue;
            }
            let (p, edu) = st.prob_edu_challenge(actors, cfg, i, i, i, j);
            if 1e-5 < edu && best_eu < edu {
                best_eu = edu;
                best = Some(Challenge {
                    init: i,
                    target: j,
                    p_win: p,
                    gain: edu,
                });
            }
        }
        let Some(ch) = best else { continue };
        challenges.push(ch);
        let j = ch.target;
        let (pi, pj) = (st.pos(i, d), st.pos(j, d));
        let (ii_i, ii_j) = interpolate(
            actors,
            cfg.inter_vec_bargain,
            i,
            j,
            pi,
            pj,
            ch.p_win,
            1.0 - ch.p_win,
        );
        let from_init = Bargain {
            init: i,
            rcvr: j,
            pos_init: ii_i,
            pos_rcvr: ii_j,
            view: BargainView::Initiator,
        };
        if cfg.bargain_model == BargainModel::InitOnlyInterp {
            bargains.push(from_init);
            continue;
        }
        // KTAB takes the second element of j's estimate, the expected gain to i, where its
        // comment says "j's estimate of the probability that i defeats j"; kept for parity.
        let (_, pji) = st.prob_edu_challenge(actors, cfg, j, i, i, j);
        let (ji_i, ji_j) = interpolate(actors, cfg.inter_vec_bargain, i, j, pi, pj, pji, 1.0 - pji);
        if cfg.bargain_model == BargainModel::InitRcvrInterp {
            bargains.push(from_init);
            bargains.push(Bargain {
                init: i,
                rcvr: j,
                pos_init: ji_i,
                pos_rcvr: ji_j,
                view: BargainView::Receiver,
            });
        } else {
            // KTAB weighs the receiver's view by the initiator's capability times the receiver's
            // salience; kept for parity.
            let wi = actors.cap[i] * actors.sal_sum[i];
            let wj = actors.cap[i] * actors.sal_sum[j];
            let mix = |a: &[f64], b: &[f64]| -> Vec<f64> {
                (0..d)
                    .map(|k| (wi * a[k] + wj * b[k]) / (wi + wj))
                    .collect()
            };
            bargains.push(Bargain {
                init: i,
                rcvr: j,
                pos_init: mix(&from_init.pos_init, &ji_i),
                pos_rcvr: mix(&from_init.pos_rcvr, &ji_j),
                view: BargainView::Compromise,
            });
        }
    }

    // 2. Every actor's utility for every bargain's outcome (only the two parties move).
    //    sq_sum[a] is a's utility for the status quo, summed over all positions.
    let own = |a: usize, m: usize| st.au(n, a, a, m);
    let sq_sum: Vec<f64> = (0..n)
        .map(|a| (0..n).fold(0.0, |s, m| s + own(a, m)))
        .collect();
    let nb_all = bargains.len();
    let mut b_util = vec![0.0; nb_all * n];
    for (b, bg) in bargains.iter().enumerate() {
        for a in 0..n {
            let mut u = 0.0;
            u += st.pos_util(actors, a, &bg.pos_init);
            u += st.pos_util(actors, a, &bg.pos_rcvr);
            for m in 0..n {
                if m != bg.init && m != bg.rcvr {
                    u += own(a, m);
                }
            }
            b_util[b * n + a] = u / n as f64;
        }
    }

    // 3. Each actor's options: its status quo, then the bargains it is party to, by initiator.
    let mut involving: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (b, bg) in bargains.iter().enumerate() {
        involving[bg.init].push(b);
        if bg.rcvr != bg.init {
            involving[bg.rcvr].push(b);
        }
    }
    let mut new_pos = st.pos.clone();
    let mut choices = Vec::with_capacity(n);
    let mut u = Vec::new();
    for k in 0..n {
        let opts = &involving[k];
        let nb = opts.len() + 1;
        u.clear();
        u.resize(n * nb, 0.0);
        for a in 0..n {
            u[a * nb] = sq_sum[a] / n as f64;
            for (c, &b) in opts.iter().enumerate() {
                u[a * nb + c + 1] = b_util[b * n + a];
            }
        }
        let p = scalar_pce(
            cfg.voting_rule,
            cfg.victory_prob_model,
            cfg.pce_model,
            &actors.cap,
            &u,
            n,
            nb,
        )?;
        let m = match cfg.state_transitions {
            StateTransitions::Deterministic => {
                let mut best = 0;
                let mut max = -1.0;
                for (c, &x) in p.iter().enumerate() {
                    if max < x.abs() {
                        max = x.abs();
                        best = c;
                    }
                }
                best
            }
            StateTransitions::Stochastic => {
                let r = draw();
                let mut sum = 0.0;
                let mut chosen = nb - 1;
                for (c, &x) in p.iter().enumerate() {
                    sum += x;
                    if r <= sum {
                        chosen = c;
                        break;
                    }
                }
                chosen
            }
        };
        let bargain = if m == 0 { None } else { Some(opts[m - 1]) };
        if let Some(b) = bargain {
            let bg = &bargains[b];
            let to = if bg.init == k {
                &bg.pos_init
            } else {
                &bg.pos_rcvr
            };
            new_pos[k * d..(k + 1) * d].copy_from_slice(to);
        }
        choices.push(Choice {
            bargain,
            probability: p[m],
            options: nb,
        });
    }
    Ok(TurnOutcome {
        new_pos,
        challenges,
        bargains,
        choices,
    })
}

/// New ideals after a turn: actor `i`'s ideal moves to `sum_j a_ij x_j + (1 - sum_j a_ij) ideal_i`
/// with `x` the new positions and `a` the accommodation matrix (row-major), summed in KTAB's
/// order so that the identity matrix gives back the positions exactly.
pub(crate) fn new_ideals(acc: &[f64], pos: &[f64], old: &[f64], n: usize, d: usize) -> Vec<f64> {
    let mut out = vec![0.0; n * d];
    for i in 0..n {
        let mut si = 0.0;
        let row = &mut out[i * d..(i + 1) * d];
        for j in 0..n {
            let aij = acc[i * n + j];
            si += aij;
            for k in 0..d {
                row[k] += aij * pos[j * d + k];
            }
        }
        let lag = 1.0 - si.min(1.0);
        for k in 0..d {
            row[k] += lag * old[i * d + k];
        }
    }
    out
}

/// Sum over actors of the Euclidean distance between their positions in two states.
pub(crate) fn state_distance(a: &[f64], b: &[f64], n: usize, d: usize) -> f64 {
    let mut total = 0.0;
    for i in 0..n {
        let mut s = 0.0;
        for k in 0..d {
            let x = a[i * d + k] - b[i * d + k];
            s += x * x;
        }
        total += s.sqrt();
    }
    total
}
