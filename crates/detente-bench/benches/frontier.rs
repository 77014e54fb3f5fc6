//! Criterion benchmarks of the two-party package frontier on synthetic additive spaces of 1e5,
//! 1e6 and 1e7 packages (5, 6 and 7 issues of 10 values), and of the three-party frontier (a
//! third party with its own, independent evaluations, as a veto ally of the settlement forecast
//! adds) on 1e5 and 1e6. Inputs come from a tiny seeded
//! SplitMix64 generator, so every run benchmarks the same problems; the parties' evaluations are
//! mostly opposed (the second is one minus the first, plus noise), as in a real negotiation,
//! which makes the frontier larger than for independent preferences.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use detente_models::bargain::{
    AdditiveUtility, Domain, DomainIssue, FrontierConfig, Party, Problem, Value, pareto_frontier,
};

/// SplitMix64 (Steele, Lea and Flood 2014): enough randomness for benchmark inputs.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn synthetic(issues: usize, values: usize, seed: u64, three: bool) -> Option<Problem> {
    let mut rng = SplitMix(seed);
    let domain = Domain::new(
        "synthetic",
        (0..issues)
            .map(|k| DomainIssue {
                name: format!("issue {k}"),
                values: (0..values)
                    .map(|v| Value {
                        label: format!("{v}"),
                        number: None,
                    })
                    .collect(),
            })
            .collect(),
    )
    .ok()?;
    let first: Vec<Vec<f64>> = (0..issues)
        .map(|_| (0..values).map(|_| rng.next()).collect())
        .collect();
    let second: Vec<Vec<f64>> = first
        .iter()
        .map(|e| {
            e.iter()
                .map(|x| (1.0 - x + 0.3 * (rng.next() - 0.5)).clamp(0.0, 1.0))
                .collect()
        })
        .collect();
    let mut party = |name: &str, evaluations: Vec<Vec<f64>>| {
        let raw: Vec<f64> = (0..issues).map(|_| rng.next() + 0.1).collect();
        let total: f64 = raw.iter().sum();
        Party {
            name: name.to_string(),
            utility: AdditiveUtility {
                weights: raw.iter().map(|w| w / total).collect(),
                evaluations,
                reservation: Some(0.3),
            }
            .into(),
            weight: 1.0,
        }
    };
    // Its own generator, so the two-party problems stay what they were.
    let mut other = SplitMix(seed ^ 0xA11E);
    let third: Vec<Vec<f64>> = (0..issues)
        .map(|_| (0..values).map(|_| other.next()).collect())
        .collect();
    let mut parties = vec![party("a", first), party("b", second)];
    if three {
        parties.push(party("c", third));
    }
    Problem::new(domain, parties, None).ok()
}

fn frontier(c: &mut Criterion) {
    let mut group = c.benchmark_group("frontier");
    for (label, issues) in [("1e5", 5), ("1e6", 6), ("1e7", 7)] {
        let problem = synthetic(issues, 10, 0x5EED_0000 + issues as u64, false)
            .expect("the synthetic problem is well formed");
        let config = FrontierConfig::default();
        group.bench_function(format!("two_party/{label}"), |b| {
            b.iter(|| pareto_frontier(black_box(&problem), &config).map(|f| f.points.len()))
        });
    }
    for (label, issues) in [("1e5", 5), ("1e6", 6)] {
        let problem = synthetic(issues, 10, 0x5EED_0000 + issues as u64, true)
            .expect("the synthetic problem is well formed");
        let config = FrontierConfig::default();
        group.bench_function(format!("three_party/{label}"), |b| {
            b.iter(|| pareto_frontier(black_box(&problem), &config).map(|f| f.points.len()))
        });
    }
    group.finish();
}

criterion_group!(benches, frontier);
criterion_main!(benches);
