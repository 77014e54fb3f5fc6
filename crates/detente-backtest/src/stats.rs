//! Error metrics and the proposal-clustered bootstrap.
//!
//! Issues of one legislative proposal share actors, dates and often outcomes, so they are not
//! independent draws. The bootstrap therefore resamples *proposals* with replacement (a cluster
//! bootstrap; Davison & Hinkley 1997, sec. 3.8) and recomputes each statistic as a ratio of sums
//! over the drawn proposals. Every model is evaluated on the same draws, so paired differences
//! are paired replicate by replicate. Replicate `b` draws from a ChaCha8 generator seeded with the
//! master seed on stream `b`, so results do not depend on the number of threads.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use rayon::prelude::*;
use serde::Serialize;

/// Point metrics of a set of absolute errors.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Metrics {
    /// Number of issues.
    pub n: usize,
    /// Mean absolute error, 0..100 scale.
    pub mean_absolute_error: f64,
    /// Median absolute error.
    pub median_absolute_error: f64,
    /// Share of issues with an absolute error of at most 10.
    pub within_10: f64,
}

/// Metrics of `errors` (absolute errors); NaN fields when empty.
pub fn metrics(errors: &[f64]) -> Metrics {
    let n = errors.len();
    if n == 0 {
        return Metrics {
            n,
            mean_absolute_error: f64::NAN,
            median_absolute_error: f64::NAN,
            within_10: f64::NAN,
        };
    }
    let mut sorted = errors.to_vec();
    sorted.sort_by(f64::total_cmp);
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        0.5 * (sorted[n / 2 - 1] + sorted[n / 2])
    };
    Metrics {
        n,
        mean_absolute_error: errors.iter().sum::<f64>() / n as f64,
        median_absolute_error: median,
        within_10: errors.iter().filter(|e| **e <= 10.0).count() as f64 / n as f64,
    }
}

/// Most bootstrap replicates [`ClusterBootstrap::new`] draws. Each replicate keeps one count
/// per cluster, so the memory grows with the product; 100,000 replicates of the DEU data's
/// proposals take tens of megabytes, and percentile intervals settle within a few thousand.
/// (Issue 16: `--bootstrap 18446744073709551615` overflowed the allocation and panicked.)
pub const MAX_REPLICATES: usize = 100_000;

/// Multiplicity of each cluster in each bootstrap replicate.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterBootstrap {
    /// `draws[b][c]`: how often cluster `c` was drawn in replicate `b`.
    draws: Vec<Vec<u32>>,
}

impl ClusterBootstrap {
    /// `replicates` resamples of `clusters` clusters with replacement, replicate `b` from a
    /// ChaCha8 generator seeded with `seed` on stream `b`. At most [`MAX_REPLICATES`] are
    /// drawn (callers refuse larger counts; see [`Self::replicates`] for the number drawn).
    pub fn new(clusters: usize, replicates: usize, seed: u64) -> Self {
        let draws = (0..replicates.min(MAX_REPLICATES))
            .into_par_iter()
            .map(|b| {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                rng.set_stream(b as u64);
                let mut m = vec![0u32; clusters];
                if clusters > 0 {
                    for _ in 0..clusters {
                        m[rng.random_range(0..clusters)] += 1;
                    }
                }
                m
            })
            .collect();
        Self { draws }
    }

    /// Number of replicates.
    pub fn replicates(&self) -> usize {
        self.draws.len()
    }

    /// The 95 % percentile interval of `Σ_c m_c num_c / Σ_c m_c den_c` over the replicates.
    pub fn interval(&self, num: &[f64], den: &[f64]) -> [f64; 2] {
        let mut values: Vec<f64> = self
            .draws
            .iter()
            .filter_map(|m| {
                let (mut a, mut b) = (0.0, 0.0);
                for ((&k, &x), &y) in m.iter().zip(num).zip(den) {
                    if k > 0 {
                        a += f64::from(k) * x;
                        b += f64::from(k) * y;
                    }
                }
                (b > 0.0).then_some(a / b)
            })
            .collect();
        values.sort_by(f64::total_cmp);
        [quantile(&values, 0.025), quantile(&values, 0.975)]
    }
}

/// Linear-interpolation quantile of sorted values (NaN when empty).
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = p * (n - 1) as f64;
            let lo = h.floor();
            let i = lo as usize;
            let j = (i + 1).min(n - 1);
            sorted[i] + (h - lo) * (sorted[j] - sorted[i])
        }
    }
}

/// Per-cluster sums of `values` (indexed like `cluster_of`), for [`ClusterBootstrap::interval`].
pub fn cluster_sums(values: &[f64], cluster_of: &[usize], clusters: usize) -> Vec<f64> {
    let mut sums = vec![0.0; clusters];
    for (&v, &c) in values.iter().zip(cluster_of) {
        sums[c] += v;
    }
    sums
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_by_hand() {
        let m = metrics(&[0.0, 5.0, 10.0, 30.0]);
        assert_eq!(m.n, 4);
        assert!((m.mean_absolute_error - 11.25).abs() < 1e-12);
        assert!((m.median_absolute_error - 7.5).abs() < 1e-12);
        assert!((m.within_10 - 0.75).abs() < 1e-12);
    }

    #[test]
    fn quantiles() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert!((quantile(&v, 0.25) - 2.0).abs() < 1e-12);
    }

    /// Same seed, same draws, whatever the thread pool; another seed, other draws; every
    /// replicate draws as many clusters as there are.
    /// Issue 16: a replicate count near `usize::MAX` overflowed the allocation. It is capped.
    #[test]
    fn bootstrap_replicates_are_capped() {
        let b = ClusterBootstrap::new(3, usize::MAX, 1);
        assert_eq!(b.replicates(), MAX_REPLICATES);
    }

    #[test]
    fn bootstrap_is_seeded() {
        let a = ClusterBootstrap::new(40, 64, 7);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("pool");
        let b = pool.install(|| ClusterBootstrap::new(40, 64, 7));
        assert_eq!(a, b);
        assert_ne!(a, ClusterBootstrap::new(40, 64, 8));
        assert!(a.draws.iter().all(|m| m.iter().sum::<u32>() == 40));
    }

    /// A constant statistic has a degenerate interval; a noisy one brackets its point value.
    #[test]
    fn intervals_bracket_the_estimate() {
        let boot = ClusterBootstrap::new(50, 500, 1);
        let den = vec![1.0; 50];
        assert_eq!(boot.interval(&vec![2.0; 50], &den), [2.0, 2.0]);
        let num: Vec<f64> = (0..50).map(f64::from).collect();
        let [lo, hi] = boot.interval(&num, &den);
        assert!(lo < 24.5 && 24.5 < hi, "{lo} {hi}");
        assert!(hi - lo < 15.0);
    }
}
