//! Criterion benchmarks of the expected utility model under the scholz preset: the European
//! Community example (10 actors, 10 rounds) and synthetic issues of 27 and 300 actors drawn from
//! a seeded generator, so every run measures the same input.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use detente_models::eum::{EumActor, EumConfig, EumInput, run};

/// The European Community example, shipped with the tests.
const EC_CSV: &str = include_str!("../../detente-models/tests/data/eum/scholz_ec.csv");

fn ec_actors() -> Vec<EumActor> {
    EC_CSV
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<f64> = line
                .split(',')
                .skip(1)
                .map(|x| x.trim().parse().unwrap_or(f64::NAN))
                .collect();
            EumActor {
                capability: f[0],
                position: f[1],
                salience: f[2],
            }
        })
        .collect()
}

/// splitmix64 (Steele, Lea & Flood 2014): tiny, seeded, and identical on every platform, so the
/// synthetic issues never depend on OS entropy.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)` from the top 53 bits.
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `n` actors on a 0..100 scale: capability in (0.1, 1.1], position uniform, salience in
/// [0.05, 1).
fn synthetic(n: usize, seed: u64) -> Vec<EumActor> {
    let mut rng = SplitMix64(seed);
    (0..n)
        .map(|_| EumActor {
            capability: 1.1 - rng.next_f64(),
            position: 100.0 * rng.next_f64(),
            salience: 0.05 + 0.95 * rng.next_f64(),
        })
        .collect()
}

fn bench_case(c: &mut Criterion, name: &str, actors: &[EumActor], scale: (f64, f64)) {
    let config = EumConfig::scholz();
    let input = EumInput { actors, scale };
    // Report how many rounds the case really plays, for per-round figures.
    if let Ok(result) = run(&input, &config) {
        eprintln!(
            "eum/{name}: {} actors, {} rounds played, outcome {:?}",
            actors.len(),
            result.rounds.len() - 1,
            result.outcome
        );
    }
    c.bench_function(&format!("eum/{name}"), |b| {
        b.iter(|| run(black_box(&input), black_box(&config)))
    });
}

fn benches(c: &mut Criterion) {
    bench_case(c, "scholz_ec_10", &ec_actors(), (4.0, 10.0));
    bench_case(c, "synthetic_27", &synthetic(27, 27), (0.0, 100.0));
    bench_case(c, "synthetic_300", &synthetic(300, 300), (0.0, 100.0));
}

criterion_group!(eum, benches);
criterion_main!(eum);
