//! Stacking: learning the headline's weights on the backtest.
//!
//! Two fitters, both of which return a [`Stack`] (weights per group of issues):
//!
//! - **Simplex LAD**: non-negative weights summing to one that minimise the training issues'
//!   sum of absolute errors (the backtest's own loss), per group. The minimum is searched on the
//!   grid of weights in steps of 0.2, then refined by moving weight between pairs of models in
//!   steps of 0.1, 0.05 and 0.025 while the loss falls. Ties keep the earlier candidate, and
//!   the search starts from the compromise alone, so the stack leaves the benchmark only for a
//!   strictly smaller training loss.
//! - **Ridge**: least squares on the differences from the compromise,
//!   `y − c = Σₖ βₖ (xₖ − c) + ε`, with penalty `λ Σ βₖ²`, `λ = 100 n` (`n` training issues of the
//!   group; 100 is a squared error of 10 points per issue). The weights are `βₖ` and `1 − Σβ` on
//!   the compromise, so they sum to one but may be negative. Fixed in advance, not tuned.
//!
//! A group with fewer than [`MIN_GROUP`] training issues gets the pooled weights. The spread
//! threshold of [`Grouping::RuleSpread`] is the training issues' median spread.

use detente_models::headline::{BASES, Base, Features, Grouping, LEVELS, Stack, cv_plus};

/// Smallest group that gets its own weights.
pub const MIN_GROUP: usize = 20;

/// One issue as the stack sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StackRow {
    /// Features of the issue.
    pub features: Features,
    /// Base forecasts on 0-100, indexed by [`Base::index`].
    pub bases: [f64; BASES],
    /// The recorded outcome.
    pub outcome: f64,
}

/// A way to fit a stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fitter {
    /// Non-negative weights summing to one, least absolute error.
    Lad(Grouping),
    /// Ridge on the differences from the compromise.
    Ridge(Grouping),
}

/// Fits `fitter` on the rows `train` of `rows`.
pub fn fit(fitter: Fitter, rows: &[StackRow], train: &[usize]) -> Stack {
    let grouping = match fitter {
        Fitter::Lad(g) | Fitter::Ridge(g) => g,
    };
    let mut spreads: Vec<f64> = train.iter().map(|&i| rows[i].features.spread).collect();
    spreads.sort_by(f64::total_cmp);
    let spread_split = crate::stats::quantile(&spreads, 0.5);
    let fit_group = |idx: &[usize]| match fitter {
        Fitter::Lad(_) => lad_simplex(rows, idx),
        Fitter::Ridge(_) => ridge(rows, idx),
    };
    let pooled = fit_group(train);
    let weights = (0..grouping.groups())
        .map(|g| {
            let idx: Vec<usize> = train
                .iter()
                .copied()
                .filter(|&i| grouping.group(&rows[i].features, spread_split) == g)
                .collect();
            if idx.len() < MIN_GROUP || grouping == Grouping::Pooled {
                pooled
            } else {
                fit_group(&idx)
            }
        })
        .collect();
    Stack {
        grouping,
        spread_split,
        weights,
    }
}

fn loss(rows: &[StackRow], idx: &[usize], w: &[f64; BASES]) -> f64 {
    idx.iter()
        .map(|&i| {
            let r = &rows[i];
            let p: f64 = w.iter().zip(&r.bases).map(|(a, b)| a * b).sum();
            (p - r.outcome).abs()
        })
        .sum()
}

/// Every weight vector on the simplex with entries in multiples of `1/steps`.
fn simplex_grid(steps: usize) -> Vec<[f64; BASES]> {
    fn rec(
        k: usize,
        left: usize,
        steps: usize,
        cur: &mut [usize; BASES],
        out: &mut Vec<[f64; BASES]>,
    ) {
        if k == BASES - 1 {
            cur[k] = left;
            out.push(cur.map(|c| c as f64 / steps as f64));
            return;
        }
        for c in 0..=left {
            cur[k] = c;
            rec(k + 1, left - c, steps, cur, out);
        }
    }
    let mut out = Vec::new();
    rec(0, steps, steps, &mut [0; BASES], &mut out);
    out
}

fn lad_simplex(rows: &[StackRow], idx: &[usize]) -> [f64; BASES] {
    let mut best = [0.0; BASES];
    best[Base::Compromise.index()] = 1.0;
    if idx.is_empty() {
        return best;
    }
    let mut best_loss = loss(rows, idx, &best);
    for w in simplex_grid(5) {
        let l = loss(rows, idx, &w);
        if l < best_loss - 1e-9 {
            (best, best_loss) = (w, l);
        }
    }
    for step in [0.1, 0.05, 0.025] {
        for _ in 0..200 {
            let mut improved = false;
            for a in 0..BASES {
                for b in 0..BASES {
                    if a == b || best[a] < step - 1e-12 {
                        continue;
                    }
                    let mut w = best;
                    w[a] -= step;
                    w[b] += step;
                    if w[a] < 1e-12 {
                        w[a] = 0.0;
                    }
                    let l = loss(rows, idx, &w);
                    if l < best_loss - 1e-9 {
                        (best, best_loss) = (w, l);
                        improved = true;
                    }
                }
            }
            if !improved {
                break;
            }
        }
    }
    best
}

/// Ridge on the differences from the compromise (see the module docs).
fn ridge(rows: &[StackRow], idx: &[usize]) -> [f64; BASES] {
    let c = Base::Compromise.index();
    let others: Vec<usize> = (0..BASES).filter(|&k| k != c).collect();
    let m = others.len();
    let mut a = vec![vec![0.0; m + 1]; m];
    for &i in idx {
        let r = &rows[i];
        let t = r.outcome - r.bases[c];
        let d: Vec<f64> = others.iter().map(|&k| r.bases[k] - r.bases[c]).collect();
        for p in 0..m {
            for q in 0..m {
                a[p][q] += d[p] * d[q];
            }
            a[p][m] += d[p] * t;
        }
    }
    let lambda = 100.0 * idx.len() as f64;
    for (p, row) in a.iter_mut().enumerate() {
        row[p] += lambda;
    }
    let beta = solve(a).unwrap_or_else(|| vec![0.0; m]);
    let mut w = [0.0; BASES];
    for (&k, b) in others.iter().zip(&beta) {
        w[k] = *b;
    }
    w[c] = 1.0 - beta.iter().sum::<f64>();
    w
}

/// Gaussian elimination with partial pivoting on the augmented matrix `a` (m × m+1).
fn solve(mut a: Vec<Vec<f64>>) -> Option<Vec<f64>> {
    let m = a.len();
    for col in 0..m {
        let pivot = (col..m).max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        let pivot_row = a[col].clone();
        for (r, row) in a.iter_mut().enumerate() {
            if r != col {
                let f = row[col] / pivot_row[col];
                for (x, p) in row.iter_mut().zip(&pivot_row).skip(col) {
                    *x -= f * p;
                }
            }
        }
    }
    Some((0..m).map(|i| a[i][m] / a[i][i]).collect())
}

/// The stack variants the backtest compares, in report order.
pub const VARIANTS: [Fitter; 5] = [
    Fitter::Lad(Grouping::Pooled),
    Fitter::Lad(Grouping::Rule),
    Fitter::Lad(Grouping::RuleStatusQuo),
    Fitter::Lad(Grouping::RuleSpread),
    Fitter::Ridge(Grouping::Rule),
];

/// Out-of-fold results of the stack variants and of the headline under one fold assignment.
#[derive(Debug, Clone, PartialEq)]
pub struct CvOut {
    /// Out-of-fold forecast of each variant, `[variant][row]`.
    pub variant_pred: Vec<Vec<f64>>,
    /// Each variant's stack fitted without fold `k`, `[variant][k]`.
    pub variant_stacks: Vec<Vec<Stack>>,
    /// The headline: in each outer fold, the variant with the smallest inner cross-validated
    /// MAE on the training folds, fitted on them (empty unless nested).
    pub headline_pred: Vec<f64>,
    /// The variant chosen in each outer fold (empty unless nested).
    pub chosen: Vec<usize>,
    /// Nested CV+ intervals of the headline at each of `LEVELS`, `[row][level]`, on 0-100
    /// (empty unless nested).
    pub intervals: Vec<Vec<[f64; 2]>>,
}

/// Cross-validates every variant under the fold assignment `fold_of` (per row, `0..folds`).
/// With `nested`, also the headline and its CV+ intervals: in outer fold `k`, every variant is
/// cross-validated on the other folds (inner fold `j` fitted on the folds other than `k` and
/// `j`), the variant with the smallest inner MAE is fitted on every fold but `k`, and the
/// interval of a test issue comes from the inner fold stacks and inner residuals (Mondrian by
/// decision rule). `leak` is a deliberate defect for the no-leak test: the outer training set
/// then includes the test fold.
pub fn cross_validate(
    rows: &[StackRow],
    fold_of: &[usize],
    folds: usize,
    nested: bool,
    leak: bool,
) -> CvOut {
    use rayon::prelude::*;
    let per_fold: Vec<FoldOut> = (0..folds)
        .into_par_iter()
        .map(|k| outer_fold(rows, fold_of, folds, k, nested, leak))
        .collect();
    let n = rows.len();
    let mut out = CvOut {
        variant_pred: vec![vec![f64::NAN; n]; VARIANTS.len()],
        variant_stacks: vec![Vec::with_capacity(folds); VARIANTS.len()],
        headline_pred: if nested {
            vec![f64::NAN; n]
        } else {
            Vec::new()
        },
        chosen: Vec::new(),
        intervals: if nested {
            vec![Vec::new(); n]
        } else {
            Vec::new()
        },
    };
    for (k, f) in per_fold.into_iter().enumerate() {
        for (v, stack) in f.stacks.into_iter().enumerate() {
            for i in (0..n).filter(|&i| fold_of[i] == k) {
                out.variant_pred[v][i] = stack.predict(&rows[i].features, &rows[i].bases);
            }
            out.variant_stacks[v].push(stack);
        }
        if let Some(c) = f.chosen {
            out.chosen.push(c);
            for i in (0..n).filter(|&i| fold_of[i] == k) {
                out.headline_pred[i] = out.variant_pred[c][i];
            }
            for (i, iv) in f.intervals {
                out.intervals[i] = iv;
            }
        }
    }
    out
}

struct FoldOut {
    stacks: Vec<Stack>,
    chosen: Option<usize>,
    intervals: Vec<(usize, Vec<[f64; 2]>)>,
}

fn outer_fold(
    rows: &[StackRow],
    fold_of: &[usize],
    folds: usize,
    k: usize,
    nested: bool,
    leak: bool,
) -> FoldOut {
    let n = rows.len();
    let train: Vec<usize> = (0..n).filter(|&i| leak || fold_of[i] != k).collect();
    let stacks: Vec<Stack> = VARIANTS.iter().map(|&v| fit(v, rows, &train)).collect();
    if !nested {
        return FoldOut {
            stacks,
            chosen: None,
            intervals: Vec::new(),
        };
    }
    // Inner cross-validation on the training folds, the outer folds other than k as inner folds.
    let inner: Vec<(Vec<Option<Stack>>, f64, Vec<f64>)> = VARIANTS
        .iter()
        .map(|&v| {
            let mut fold_stacks = vec![None; folds];
            let mut resid = vec![f64::NAN; n];
            for j in (0..folds).filter(|&j| j != k) {
                let inner_train: Vec<usize> =
                    train.iter().copied().filter(|&i| fold_of[i] != j).collect();
                let s = fit(v, rows, &inner_train);
                for i in (0..n).filter(|&i| fold_of[i] == j) {
                    resid[i] =
                        (rows[i].outcome - s.predict(&rows[i].features, &rows[i].bases)).abs();
                }
                fold_stacks[j] = Some(s);
            }
            let r: Vec<f64> = resid.iter().copied().filter(|x| !x.is_nan()).collect();
            let mae = r.iter().sum::<f64>() / r.len().max(1) as f64;
            (fold_stacks, mae, resid)
        })
        .collect();
    let mut chosen = 0;
    for (v, (_, mae, _)) in inner.iter().enumerate() {
        if *mae < inner[chosen].1 - 1e-9 {
            chosen = v;
        }
    }
    let (fold_stacks, _, resid) = &inner[chosen];
    let intervals = (0..n)
        .filter(|&i| fold_of[i] == k)
        .map(|i| {
            let x = &rows[i];
            let preds: Vec<f64> = fold_stacks
                .iter()
                .map(|s| {
                    s.as_ref()
                        .map_or(f64::NAN, |s| s.predict(&x.features, &x.bases))
                })
                .collect();
            let ivs = LEVELS
                .iter()
                .map(|&level| {
                    let (mut lo, mut hi) = (Vec::new(), Vec::new());
                    for l in (0..n).filter(|&l| fold_of[l] != k) {
                        if rows[l].features.unanimity != x.features.unanimity {
                            continue;
                        }
                        let m = preds[fold_of[l]];
                        if m.is_nan() || resid[l].is_nan() {
                            continue;
                        }
                        lo.push(m - resid[l]);
                        hi.push(m + resid[l]);
                    }
                    cv_plus(&mut lo, &mut hi, level).map_or([0.0, 100.0], |[l, h]| {
                        [l.clamp(0.0, 100.0), h.clamp(0.0, 100.0)]
                    })
                })
                .collect();
            (i, ivs)
        })
        .collect();
    FoldOut {
        stacks,
        chosen: Some(chosen),
        intervals,
    }
}

/// A variant's name in output.
pub fn variant_name(v: Fitter) -> String {
    match v {
        Fitter::Lad(g) => format!("lad-{}", g.as_str()),
        Fitter::Ridge(g) => format!("ridge-{}", g.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(bases: [f64; BASES], outcome: f64) -> StackRow {
        StackRow {
            features: Features {
                unanimity: false,
                veto_players: 0,
                actors: 3,
                spread: 10.0,
                status_quo_coded: true,
                mediators_or_allies: 0,
            },
            bases,
            outcome,
        }
    }

    #[test]
    fn grid_covers_the_simplex() {
        let g = simplex_grid(5);
        // C(5 + 5, 5) = 252 compositions of 5 into 6 parts.
        assert_eq!(g.len(), 252);
        assert!(
            g.iter()
                .all(|w| (w.iter().sum::<f64>() - 1.0).abs() < 1e-12)
        );
    }

    /// Outcomes equal to the mean base exactly: the LAD stack finds weight 1 on the mean.
    #[test]
    fn lad_recovers_an_exact_base() {
        let rows: Vec<StackRow> = (0..40)
            .map(|i| {
                let x = f64::from(i);
                row(
                    [x, 100.0 - x, 50.0, (3.0 * x) % 100.0, 20.0, 70.0],
                    100.0 - x,
                )
            })
            .collect();
        let idx: Vec<usize> = (0..rows.len()).collect();
        let w = lad_simplex(&rows, &idx);
        assert!((w[Base::Mean.index()] - 1.0).abs() < 1e-9, "{w:?}");
    }

    /// Outcome = 0.3 compromise + 0.7 mean exactly: ridge with its penalty shrinks toward the
    /// compromise, so it lands between the compromise alone and the truth.
    #[test]
    fn ridge_shrinks_toward_the_compromise() {
        let rows: Vec<StackRow> = (0..50)
            .map(|i| {
                let c = f64::from(i % 10) * 10.0;
                let m = f64::from((i * 7) % 10) * 10.0;
                row([50.0, m, c, c, c, c], 0.3 * c + 0.7 * m)
            })
            .collect();
        let idx: Vec<usize> = (0..rows.len()).collect();
        let w = ridge(&rows, &idx);
        let wm = w[Base::Mean.index()];
        assert!(wm > 0.3 && wm < 0.7, "{w:?}");
        assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }
}
