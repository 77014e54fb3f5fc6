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
//! # Sums that do not depend on order
//! The mean is the exact sum of the values, rounded once, divided by the count ([`ExactSum`]).
//! Every part of a summary (counts, exact sum, extremes, bin counts, kept values) can be merged
//! with another's in any order with the same result, so a run split into shards
//! ([`crate::shard`]) and merged gives the unsplit run's numbers bit for bit.

use serde::{Deserialize, Serialize};

/// Bins of the fine histogram that percentiles are read from past the exact limit.
pub const FINE_BINS: usize = 4096;

/// The exact sum of a stream of finite `f64` values, as a list of non-overlapping partial sums
/// in increasing magnitude (Shewchuk 1997, "Adaptive precision floating-point arithmetic",
/// the grow-expansion step with zero elimination; the same method as Python's `math.fsum`).
///
/// Adding is exact, so the sum does not depend on the order values arrive in, and two sums
/// merge exactly ([`ExactSum::merge`]); [`ExactSum::value`] rounds the exact sum once, to the
/// nearest `f64` (ties to even). The list stays short (one to three partials) for values of
/// similar magnitude. Sums beyond the `f64` range are not supported (they become infinite).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ExactSum {
    partials: Vec<f64>,
}

impl ExactSum {
    /// An empty sum (zero).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `x` exactly.
    pub fn add(&mut self, x: f64) {
        let mut carry = x;
        let mut kept = 0;
        for j in 0..self.partials.len() {
            let mut small = self.partials[j];
            if carry.abs() < small.abs() {
                std::mem::swap(&mut carry, &mut small);
            }
            // Two-sum with |carry| >= |small|: high + low is exactly carry + small.
            let high = carry + small;
            let low = small - (high - carry);
            if low != 0.0 {
                self.partials[kept] = low;
                kept += 1;
            }
            carry = high;
        }
        self.partials.truncate(kept);
        self.partials.push(carry);
    }

    /// Adds every value of `other` (exact, so `a.merge(b)` and `b.merge(a)` hold the same sum).
    pub fn merge(&mut self, other: &ExactSum) {
        for &p in &other.partials {
            self.add(p);
        }
    }

    /// The exact sum rounded to the nearest `f64`, ties to even.
    pub fn value(&self) -> f64 {
        let p = &self.partials;
        let Some((&top, rest)) = p.split_last() else {
            return 0.0;
        };
        // Add partials from the largest down until one addition is inexact; `low` is then the
        // first bit pattern below the rounded sum.
        let mut high = top;
        let mut low = 0.0;
        let mut left = rest.len();
        while left > 0 {
            let x = high;
            let y = p[left - 1];
            left -= 1;
            high = x + y;
            low = y - (high - x);
            if low != 0.0 {
                break;
            }
        }
        // A tie broken to even by `high = x + y` may be wrong when the partials still below
        // push the exact sum past the halfway point: round away from it then.
        if left > 0 && ((low < 0.0 && p[left - 1] < 0.0) || (low > 0.0 && p[left - 1] > 0.0)) {
            let y = low * 2.0;
            let x = high + y;
            if y == x - high {
                high = x;
            }
        }
        high
    }
}

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
    sum: ExactSum,
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
            sum: ExactSum::new(),
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
        self.sum.add(x);
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
            mean: some(self.sum.value() / self.count as f64),
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

impl Summary {
    /// Adds everything `other` has seen, as if its values had been added here: the result does
    /// not depend on the order of merges and adds.
    ///
    /// # Errors
    /// The two summaries have different ranges, bins or exact limits.
    pub fn merge(&mut self, other: &Summary) -> Result<(), String> {
        if self.histogram.lo != other.histogram.lo
            || self.histogram.hi != other.histogram.hi
            || self.histogram.counts.len() != other.histogram.counts.len()
            || self.exact_limit != other.exact_limit
        {
            return Err(format!(
                "summaries on different ranges or bins ([{}, {}] x {} and [{}, {}] x {})",
                self.histogram.lo,
                self.histogram.hi,
                self.histogram.counts.len(),
                other.histogram.lo,
                other.histogram.hi,
                other.histogram.counts.len()
            ));
        }
        self.count += other.count;
        self.missing += other.missing;
        self.sum.merge(&other.sum);
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        for (a, b) in self
            .histogram
            .counts
            .iter_mut()
            .zip(&other.histogram.counts)
        {
            *a += b;
        }
        for (a, b) in self.fine.counts.iter_mut().zip(&other.fine.counts) {
            *a += b;
        }
        // Values are kept while the total is within the limit, exactly as if added one by one.
        self.exact = match (self.exact.take(), &other.exact) {
            (Some(mut mine), Some(theirs)) if mine.len() + theirs.len() <= self.exact_limit => {
                mine.extend_from_slice(theirs);
                Some(mine)
            }
            _ => None,
        };
        Ok(())
    }

    /// Everything the summary holds, for a shard file.
    pub fn state(&self) -> SummaryState {
        SummaryState {
            lo: self.histogram.lo,
            hi: self.histogram.hi,
            bins: self.histogram.counts.len(),
            exact_limit: self.exact_limit,
            count: self.count,
            missing: self.missing,
            sum: self.sum.clone(),
            min: (self.count > 0).then_some(self.min),
            max: (self.count > 0).then_some(self.max),
            histogram: self.histogram.counts.clone(),
            fine: self
                .fine
                .counts
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .map(|(b, &c)| [b as u64, c])
                .collect(),
            exact: self.exact.clone(),
        }
    }

    /// The summary a [`SummaryState`] describes.
    ///
    /// # Errors
    /// A state that no summary could have produced (bins out of range, counts that disagree).
    pub fn from_state(state: &SummaryState) -> Result<Summary, String> {
        // The bins are checked against the counts the file holds before any is allocated: a
        // damaged part's `bins` (2^36) asked for half a terabyte.
        if state.histogram.len() != state.bins.max(1) {
            return Err(format!(
                "{} histogram counts for {} bins",
                state.histogram.len(),
                state.bins
            ));
        }
        let mut s = Summary::new(state.lo, state.hi, state.bins, state.exact_limit);
        s.histogram.counts.clone_from(&state.histogram);
        for &[bin, count] in &state.fine {
            let slot = usize::try_from(bin)
                .ok()
                .and_then(|b| s.fine.counts.get_mut(b))
                .ok_or_else(|| format!("fine bin {bin} is out of range"))?;
            *slot = count;
        }
        // Checked sums: the counts are a file's, and may add up past `u64::MAX`.
        let total = |counts: &[u64]| {
            counts
                .iter()
                .try_fold(0u64, |sum, &c| sum.checked_add(c))
                .ok_or_else(|| "bin counts that add up past 2^64".to_string())
        };
        let (binned, fine) = (total(&state.histogram)?, total(&s.fine.counts)?);
        if binned != state.count || fine != state.count {
            return Err(format!(
                "{} values counted but {binned} binned ({fine} in the fine bins)",
                state.count
            ));
        }
        if state.count.checked_add(state.missing).is_none() {
            return Err(format!(
                "{} values and {} missing, more than 2^64 trials",
                state.count, state.missing
            ));
        }
        match &state.exact {
            Some(v) if v.len() as u64 != state.count || v.len() > state.exact_limit => {
                return Err(format!(
                    "{} kept values for a count of {} (limit {})",
                    v.len(),
                    state.count,
                    state.exact_limit
                ));
            }
            _ => {}
        }
        if state.count > 0 && (state.min.is_none() || state.max.is_none()) {
            return Err("a summary with values but no extremes".to_string());
        }
        s.exact.clone_from(&state.exact);
        s.count = state.count;
        s.missing = state.missing;
        s.sum = state.sum.clone();
        s.min = state.min.unwrap_or(f64::INFINITY);
        s.max = state.max.unwrap_or(f64::NEG_INFINITY);
        Ok(s)
    }
}

/// Everything a [`Summary`] holds, as written to a shard file: the fine histogram is sparse
/// (`[bin, count]` for bins with a count), the sum is [`ExactSum`]'s partials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SummaryState {
    /// Lower end of the range.
    pub lo: f64,
    /// Upper end of the range.
    pub hi: f64,
    /// Report bins.
    pub bins: usize,
    /// Values kept for exact percentiles at most.
    pub exact_limit: usize,
    /// Values seen.
    pub count: u64,
    /// Trials with no value.
    pub missing: u64,
    /// Exact sum of the values.
    pub sum: ExactSum,
    /// Smallest value (none before the first).
    pub min: Option<f64>,
    /// Largest value.
    pub max: Option<f64>,
    /// Report bin counts.
    pub histogram: Vec<u64>,
    /// Non-empty fine bins as `[bin, count]`.
    pub fine: Vec<[u64; 2]>,
    /// The values, while within the limit (a part of a run whose total is over the limit may
    /// drop them: the merged summary would drop them anyway).
    pub exact: Option<Vec<f64>>,
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

    /// The exact sum, by a second method: values that are multiples of 2^-20 below 2^40 in
    /// magnitude are integers after scaling, an `i128` sums them without error, and one cast
    /// rounds (Rust's `as` rounds to nearest, ties to even).
    fn reference(values: &[f64]) -> f64 {
        let scale = (1u64 << 20) as f64;
        let total: i128 = values.iter().map(|v| (v * scale) as i128).sum();
        total as f64 / scale
    }

    fn draws(k: u64, n: usize) -> Vec<f64> {
        let mut rng = crate::rng::trial_rng(11, k);
        (0..n)
            .map(|i| {
                // m 2^(e - 20) with m < 2^20 and e in 0..40: multiples of 2^-20 below 2^39,
                // both signs, so sums cancel and carry.
                let e = (uniform(&mut rng) * 40.0).floor();
                let m = (uniform(&mut rng) * (1u64 << 20) as f64).floor();
                let sign = if i % 3 == 0 { -1.0 } else { 1.0 };
                sign * m * (e - 20.0).exp2()
            })
            .collect()
    }

    use crate::rng::uniform;

    #[test]
    fn exact_sum_is_the_correctly_rounded_sum_in_any_order() {
        let mut sum = ExactSum::new();
        for x in [1e100, 1.0, -1e100] {
            sum.add(x);
        }
        assert_eq!(sum.value(), 1.0);
        let mut tenth = ExactSum::new();
        for _ in 0..10 {
            tenth.add(0.1);
        }
        assert_eq!(
            tenth.value(),
            1.0,
            "ten 0.1s sum to 1 + 2^-54 ulp, which rounds to 1"
        );
        for k in 0..200 {
            let values = draws(k, 1 + (k as usize * 7) % 300);
            let want = reference(&values);
            let mut forward = ExactSum::new();
            values.iter().for_each(|&v| forward.add(v));
            assert_eq!(forward.value(), want, "case {k}");
            // Backwards, and as three merged parts in a different order.
            let mut backward = ExactSum::new();
            values.iter().rev().for_each(|&v| backward.add(v));
            assert_eq!(backward.value().to_bits(), want.to_bits(), "case {k}");
            let third = values.len() / 3;
            let mut parts: Vec<ExactSum> = values
                .chunks(third.max(1))
                .map(|c| {
                    let mut s = ExactSum::new();
                    c.iter().for_each(|&v| s.add(v));
                    s
                })
                .collect();
            parts.reverse();
            let mut merged = ExactSum::new();
            parts.iter().for_each(|p| merged.merge(p));
            assert_eq!(merged.value().to_bits(), want.to_bits(), "case {k}");
        }
    }

    #[test]
    fn a_naive_sum_would_fail_the_reference() {
        // The check above can fail: a sequential float sum misses this case.
        let values = [2f64.powi(39), 2f64.powi(-20), -2f64.powi(39)];
        assert_ne!(values.iter().sum::<f64>(), reference(&values));
        let mut s = ExactSum::new();
        values.iter().for_each(|&v| s.add(v));
        assert_eq!(s.value(), reference(&values));
    }

    #[test]
    fn merged_summaries_equal_one_summary_and_survive_json() {
        for limit in [5, 1000] {
            let values = draws(3, 400);
            let mut whole = Summary::new(-1e12, 1e12, 20, limit);
            let mut parts = vec![Summary::new(-1e12, 1e12, 20, limit); 3];
            for (i, &v) in values.iter().enumerate() {
                let v = Some(v).filter(|_| i % 17 != 0);
                whole.add(v);
                parts[i % 3].add(v);
            }
            let mut merged = Summary::new(-1e12, 1e12, 20, limit);
            for p in parts.iter().rev() {
                let text = serde_json::to_string(&p.state()).unwrap();
                let state: SummaryState = serde_json::from_str(&text).unwrap();
                assert_eq!(state, p.state(), "the state survives JSON exactly");
                merged.merge(&Summary::from_state(&state).unwrap()).unwrap();
            }
            assert_eq!(merged.finish(), whole.finish(), "limit {limit}");
            assert_eq!(merged.state().count, whole.state().count);
        }
    }

    #[test]
    fn inconsistent_states_are_refused() {
        let mut s = Summary::new(0.0, 1.0, 4, 10);
        s.add(Some(0.5));
        let mut state = s.state();
        state.count = 2;
        assert!(Summary::from_state(&state).is_err());
        let mut state = s.state();
        state.fine.push([99_999, 1]);
        assert!(Summary::from_state(&state).is_err());
        let other = Summary::new(0.0, 2.0, 4, 10);
        assert!(s.merge(&other).is_err());
    }
}
