//! Streaming aggregates of one metric over trials: count, mean, extremes, a fixed-bin histogram
//! and percentiles.
//!
//! # Percentiles: exact while few, then a fine histogram
//! While at most [`Summary::exact_limit`] values have been seen they are kept and percentiles
//! are exact (linear interpolation between order statistics, Hyndman and Fan's type 7, as
//! NumPy's default). Beyond that the values are dropped and percentiles come from a fine
//! fixed-bin histogram on the metric's range ([`FINE_BINS`] bins, interpolating linearly inside
//! the bin that holds the quantile), so memory stays flat and the error is at most one fine bin
//! (1/4096 of the scale: 0.025 on a 0..100 scale). A fixed-bin histogram is a mergeable sketch
//! whose result does not depend on the order values arrive in, unlike t-digest or P², which is
//! why it was chosen: it keeps results identical for any thread count by construction.
//! [`SummaryOut::quantile_method`] says which method produced the numbers.
//!
//! The mean is a plain sum divided by the count; sums are folded in trial order by the caller,
//! so they are reproducible bit for bit.

use serde::Serialize;

/// Bins of the fine histogram that percentiles are read from past the exact limit.
pub const FINE_BINS: usize = 4096;

/// Counts in equal-width bins over `[lo, hi]`; values outside are clamped into the end bins.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Histogram {
    /// Lower edge of the first bin.
    pub lo: f64,
    /// Upper edge of the last bin.
    pub hi: f64,
    /// Count per bin.
    pub counts: Vec<u64>,
}

impl Histogram {
    /// An empty histogram of `bins` bins (at least one) on `[lo, hi]`.
    pub fn new(lo: f64, hi: f64, bins: usize) -> Self {
        Self {
            lo,
            hi,
            counts: vec![0; bins.max(1)],
        }
    }

    fn bin(&self, x: f64) -> usize {
        let n = self.counts.len();
        let width = self.hi - self.lo;
        if width <= 0.0 || !x.is_finite() {
            return 0;
        }
        let b = ((x - self.lo) / width * n as f64).floor();
        if b < 0.0 { 0 } else { (b as usize).min(n - 1) }
    }

    /// Counts `x`.
    pub fn add(&mut self, x: f64) {
        let b = self.bin(x);
        if let Some(c) = self.counts.get_mut(b) {
            *c += 1;
        }
    }

    /// The `q` quantile, interpolating linearly within the bin that holds it.
    fn quantile(&self, q: f64) -> Option<f64> {
        let total: u64 = self.counts.iter().sum();
        if total == 0 {
            return None;
        }
        let width = (self.hi - self.lo) / self.counts.len() as f64;
        let target = q * total as f64;
        let mut below = 0u64;
        for (i, &c) in self.counts.iter().enumerate() {
            if c > 0 && (below + c) as f64 >= target {
                let frac = ((target - below as f64) / c as f64).clamp(0.0, 1.0);
                return Some(self.lo + width * (i as f64 + frac));
            }
            below += c;
        }
        Some(self.hi)
    }
}

/// How percentiles were computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuantileMethod {
    /// From every value (few trials).
    Exact,
    /// From the fine histogram (see the module documentation for the error bound).
    Histogram,
}

/// The running aggregate of one metric.
#[derive(Debug, Clone)]
pub struct Summary {
    count: u64,
    missing: u64,
    sum: f64,
    min: f64,
    max: f64,
    histogram: Histogram,
    fine: Histogram,
    exact: Option<Vec<f64>>,
    exact_limit: usize,
}

/// The percentiles reported.
pub const PERCENTILES: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

/// A finished summary, as serialised.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryOut {
    /// Trials with a value.
    pub count: u64,
    /// Trials where the model gave no answer.
    pub missing: u64,
    /// Mean over trials with a value.
    pub mean: Option<f64>,
    /// Smallest value.
    pub min: Option<f64>,
    /// 5th percentile.
    pub p05: Option<f64>,
    /// 25th percentile.
    pub p25: Option<f64>,
    /// Median.
    pub median: Option<f64>,
    /// 75th percentile.
    pub p75: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
    /// Largest value.
    pub max: Option<f64>,
    /// How the percentiles were computed.
    pub quantile_method: QuantileMethod,
    /// Counts in fixed bins on the metric's range.
    pub histogram: Histogram,
}

impl Summary {
    /// An empty summary on `[lo, hi]` with `bins` report bins, keeping values for exact
    /// percentiles up to `exact_limit` of them.
    pub fn new(lo: f64, hi: f64, bins: usize, exact_limit: usize) -> Self {
        Self {
            count: 0,
            missing: 0,
            sum: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            histogram: Histogram::new(lo, hi, bins),
            fine: Histogram::new(lo, hi, FINE_BINS),
            exact: Some(Vec::new()),
            exact_limit,
        }
    }

    /// The limit on kept values.
    pub fn exact_limit(&self) -> usize {
        self.exact_limit
    }

    /// Adds one trial's value (`None` or a non-finite number counts as missing).
    pub fn add(&mut self, value: Option<f64>) {
        let Some(x) = value.filter(|x| x.is_finite()) else {
            self.missing += 1;
            return;
        };
        self.count += 1;
        self.sum += x;
        self.min = self.min.min(x);
        self.max = self.max.max(x);
        self.histogram.add(x);
        self.fine.add(x);
        if let Some(values) = &mut self.exact {
            if values.len() < self.exact_limit {
                values.push(x);
            } else {
                // Past the limit the kept values are dropped for good: memory stays flat.
                self.exact = None;
            }
        }
    }

    /// The finished summary.
    pub fn finish(&self) -> SummaryOut {
        let some = |x: f64| (self.count > 0).then_some(x);
        let (method, q): (QuantileMethod, Vec<Option<f64>>) = match &self.exact {
            Some(values) => {
                let mut v = values.clone();
                v.sort_by(f64::total_cmp);
                (
                    QuantileMethod::Exact,
                    PERCENTILES.iter().map(|&p| exact_quantile(&v, p)).collect(),
                )
            }
            None => (
                QuantileMethod::Histogram,
                PERCENTILES.iter().map(|&p| self.fine.quantile(p)).collect(),
            ),
        };
        let at = |i: usize| q.get(i).copied().flatten();
        SummaryOut {
            count: self.count,
            missing: self.missing,
            mean: some(self.sum / self.count as f64),
            min: some(self.min),
            p05: at(0),
            p25: at(1),
            median: at(2),
            p75: at(3),
            p95: at(4),
            max: some(self.max),
            quantile_method: method,
            histogram: self.histogram.clone(),
        }
    }
}

/// Type 7 quantile of sorted values.
fn exact_quantile(sorted: &[f64], q: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let h = (n - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let (a, b) = (sorted.get(lo)?, sorted.get(hi)?);
    Some(a + (h - lo as f64) * (b - a))
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn exact_matches_numpy_type7() {
        let mut s = Summary::new(0.0, 10.0, 10, 100);
        for x in [1.0, 2.0, 3.0, 4.0, 10.0] {
            s.add(Some(x));
        }
        s.add(None);
        let out = s.finish();
        // numpy.percentile([1,2,3,4,10], [5,25,50,75,95]) = 1.2, 2, 3, 4, 8.8
        assert_eq!(out.quantile_method, QuantileMethod::Exact);
        assert!((out.p05.unwrap() - 1.2).abs() < 1e-12);
        assert_eq!(out.p25, Some(2.0));
        assert_eq!(out.median, Some(3.0));
        assert_eq!(out.p75, Some(4.0));
        assert!((out.p95.unwrap() - 8.8).abs() < 1e-12);
        assert_eq!(out.mean, Some(4.0));
        assert_eq!(out.missing, 1);
        assert_eq!(out.histogram.counts.iter().sum::<u64>(), 5);
        assert_eq!(out.histogram.counts[9], 1, "10.0 lands in the last bin");
    }

    #[test]
    fn histogram_quantiles_within_one_fine_bin() {
        // 0..100 in steps of 0.01: the true p-quantile is 100 p (up to one step).
        let mut s = Summary::new(0.0, 100.0, 20, 1000);
        for i in 0..10_000 {
            s.add(Some(i as f64 * 0.01));
        }
        let out = s.finish();
        assert_eq!(out.quantile_method, QuantileMethod::Histogram);
        let bin = 100.0 / FINE_BINS as f64;
        for (got, p) in [out.p05, out.p25, out.median, out.p75, out.p95]
            .into_iter()
            .zip(PERCENTILES)
        {
            let got = got.unwrap();
            assert!((got - 100.0 * p).abs() <= bin + 0.01, "p{p}: {got}");
        }
        assert_eq!(out.histogram.counts, vec![500; 20]);
    }
}
