//! Times detente's expected utility model (scholz preset, 10 rounds) on one
//! Predictioneer's-table CSV (actor, capability, position, salience) for
//! `bench/eum_python_vs_detente.sh`: repeats the run for at least a second and prints JSON with
//! runs per second, the final median and nanoseconds per actor triple per round (the model's
//! probability of success sums over a third actor for every ordered pair, so a round costs on
//! the order of n³ such terms).
//!
//! Usage: `eum_throughput FILE.csv [ROUNDS]`

use std::hint::black_box;
use std::time::{Duration, Instant};

use detente_models::eum::{EumActor, EumConfig, EumInput, run};

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: eum_throughput FILE.csv [ROUNDS]")?;
    let rounds: usize = args
        .next()
        .map_or(Ok(10), |r| r.parse())
        .map_err(|e| format!("rounds: {e}"))?;
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let mut actors = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<f64> = line
            .split(',')
            .skip(1)
            .map(|x| x.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|e| format!("{path}:{}: {e}", i + 1))?;
        let [capability, position, salience] = f[..] else {
            return Err(format!("{path}:{}: expected 4 columns", i + 1));
        };
        actors.push(EumActor {
            capability,
            position,
            salience,
        });
    }
    let lo = actors
        .iter()
        .map(|a| a.position)
        .fold(f64::INFINITY, f64::min);
    let hi = actors
        .iter()
        .map(|a| a.position)
        .fold(f64::NEG_INFINITY, f64::max);
    let input = EumInput {
        actors: &actors,
        scale: (lo, hi),
    };
    let config = EumConfig {
        max_rounds: rounds,
        ..EumConfig::scholz()
    };
    let first = run(&input, &config).map_err(|e| e.to_string())?;
    let played = first.rounds.len() - 1;
    let start = Instant::now();
    let mut runs = 0u64;
    while start.elapsed() < Duration::from_secs(1) {
        black_box(run(black_box(&input), &config).map_err(|e| e.to_string())?);
        runs += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    let n = actors.len() as f64;
    println!(
        "{{\"actors\": {}, \"rounds\": {played}, \"runs_per_second\": {}, \"median\": {}, \"ns_per_triple_round\": {}}}",
        actors.len(),
        runs as f64 / secs,
        first.forecast_median,
        secs / runs as f64 * 1e9 / (played.max(1) as f64 * n * n * n)
    );
    Ok(())
}
