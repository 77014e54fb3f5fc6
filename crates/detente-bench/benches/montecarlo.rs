//! Criterion benchmarks of Monte Carlo throughput (trials per second) on the bundled Istanbul
//! scenario: the four spatial models on all eight issues, and package bargaining alone, with the
//! scenario's own uncertainty plus salience and capability noise.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use detente_models::bargain::{PackageConfig, SolveConfig};
use detente_models::forecast::ForecastConfig;
use detente_sim::{MonteCarloConfig, Noise, Target, montecarlo};

const ISTANBUL: &str = include_str!("../../../scenarios/istanbul-2025.toml");

fn bench(c: &mut Criterion) {
    let Ok(parsed) = detente_core::parse("istanbul-2025.toml", ISTANBUL) else {
        return;
    };
    let scenario = parsed.scenario;
    let noise = Noise {
        salience: 0.1,
        capability: 0.2,
        ..Noise::default()
    };
    let cases = [
        ("spatial", 1024, Target::Spatial(ForecastConfig::default())),
        (
            "package",
            32,
            Target::Package {
                package: PackageConfig::default(),
                solve: SolveConfig {
                    zopa_count_limit: 0,
                    ..SolveConfig::default()
                },
            },
        ),
    ];
    let mut group = c.benchmark_group("montecarlo_istanbul");
    group.sample_size(10);
    for (name, trials, target) in cases {
        let targets = [target];
        let config = MonteCarloConfig {
            trials,
            seed: 1,
            noise,
            ..MonteCarloConfig::default()
        };
        group.throughput(Throughput::Elements(trials));
        group.bench_function(name, |b| {
            b.iter(|| black_box(montecarlo(&scenario, &targets, &config, &|_| {})))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
