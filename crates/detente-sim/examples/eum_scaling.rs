//! How Monte Carlo of the expected utility model scales with actors and threads, and how close
//! one EUM round comes to the arithmetic it needs (figures for `docs/performance.md`).
//!
//! For each actor count (default 10, 30, 100, 300) it builds a synthetic one-issue scenario
//! (positions uniform on 0..100, saliences on 0.2..1, capabilities on 1..100, drawn from a fixed
//! seed), then times `detente_sim::montecarlo` with the EUM alone (scholz preset, salience noise
//! 0.1, capability noise 0.2) on 1 thread and on 2, and prints trials per second and nanoseconds
//! per actor triple per round (wall time × threads / (trials × rounds × n³), rounds averaged over
//! the trials). It then measures this CPU's throughput on the two kinds of work a round does,
//! `powf` calls and the vote sums' mul/add/max arithmetic, and prints the time the arithmetic
//! alone needs per triple (see `docs/performance.md` for the operation count).
//!
//! Usage: `cargo run --release -p detente-sim --example eum_scaling [SECONDS] [ACTORS...]`
//! (SECONDS is the rough time budget per case, default 3).

use std::hint::black_box;
use std::time::Instant;

use detente_core::Scenario;
use detente_models::eum::{self, EumActor, EumConfig, EumInput};
use detente_models::forecast::{ForecastConfig, Model};
use detente_models::stance::stances;
use detente_sim::{MonteCarloConfig, Noise, Target, montecarlo, perturb, trial_rng, uniform};

/// A synthetic scenario with `n` actors on one issue.
fn synthetic(n: usize) -> Result<Scenario, String> {
    let mut rng = trial_rng(20_250_516, n as u64);
    let mut text = String::from("[scenario]\ntitle = \"synthetic\"\n");
    for i in 0..n {
        let c = 1.0 + 99.0 * uniform(&mut rng);
        text.push_str(&format!(
            "[[actors]]\nid = \"a{i}\"\nname = \"A{i}\"\ncapability = {c:.3}\nrole = \"principal\"\n"
        ));
    }
    text.push_str("[[issues]]\nid = \"x\"\nname = \"X\"\nscale = [0, 100]\nstatus_quo = 50\n");
    for i in 0..n {
        let x = 100.0 * uniform(&mut rng);
        let s = 0.2 + 0.8 * uniform(&mut rng);
        text.push_str(&format!(
            "[[issues.positions]]\nactor = \"a{i}\"\nposition = {x:.3}\nsalience = {s:.3}\n"
        ));
    }
    detente_core::parse("synthetic.toml", &text)
        .map(|p| p.scenario)
        .map_err(|e| format!("synthetic scenario: {e}"))
}

/// Mean rounds the EUM plays over the first trials of a run (the work per trial).
fn mean_rounds(s: &Scenario, noise: &Noise, trials: u64) -> f64 {
    let sample = trials.min(16);
    let config = EumConfig::scholz();
    let mut total = 0usize;
    for k in 0..sample {
        let p = perturb(s, noise, &mut trial_rng(1, k));
        let issue = &p.issues[0];
        let actors: Vec<EumActor> = stances(&p, issue)
            .iter()
            .map(|st| EumActor {
                capability: st.capability,
                position: st.position,
                salience: st.salience,
            })
            .collect();
        let input = EumInput {
            actors: &actors,
            scale: (issue.scale.min(), issue.scale.max()),
        };
        total += eum::run(&input, &config).map_or(0, |r| r.rounds.len() - 1);
    }
    total as f64 / sample as f64
}

/// Nanoseconds per `powf` call, throughput of independent calls.
fn powf_ns() -> f64 {
    let xs: Vec<f64> = (0..4096).map(|i| 0.01 + i as f64 / 4096.0).collect();
    let rs: Vec<f64> = (0..4096)
        .map(|i| 0.5 + 1.5 * (i % 97) as f64 / 97.0)
        .collect();
    let reps = 2000;
    let start = Instant::now();
    let mut acc = 0.0;
    for _ in 0..reps {
        for (x, r) in black_box(&xs).iter().zip(black_box(&rs)) {
            acc += x.powf(*r);
        }
    }
    black_box(acc);
    start.elapsed().as_secs_f64() * 1e9 / (reps * xs.len()) as f64
}

/// Double-precision arithmetic operations per nanosecond on one core, for the vote sums'
/// mix (sub, mul, two max, two adds per element) over data in L1, eight independent lanes as
/// in detente's kernel; built for the same target as detente.
fn vote_ops_per_ns() -> f64 {
    let n = 512;
    let a: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin()).collect();
    let b: Vec<f64> = (0..n).map(|i| (i as f64 * 0.71).cos()).collect();
    let w: Vec<f64> = (0..n).map(|i| 1.0 + (i % 7) as f64).collect();
    let reps = 200_000;
    let start = Instant::now();
    let mut total = 0.0;
    for _ in 0..reps {
        let (a, b, w) = (black_box(&a), black_box(&b), black_box(&w));
        let mut p = [0.0; 8];
        let mut q = [0.0; 8];
        for ((a, b), w) in a
            .chunks_exact(8)
            .zip(b.chunks_exact(8))
            .zip(w.chunks_exact(8))
        {
            for l in 0..8 {
                let v = w[l] * (b[l] - a[l]);
                p[l] += v.max(0.0);
                q[l] += (-v).max(0.0);
            }
        }
        total += p.iter().sum::<f64>() + q.iter().sum::<f64>();
    }
    black_box(total);
    let secs = start.elapsed().as_secs_f64();
    // sub, mul, max, negate+max, two adds: six arithmetic operations per element.
    6.0 * (reps * n) as f64 / (secs * 1e9)
}

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let budget: f64 = args
        .next()
        .map_or(Ok(3.0), |s| s.parse())
        .map_err(|e| format!("seconds: {e}"))?;
    let mut sizes: Vec<usize> = args
        .map(|s| s.parse::<usize>().map_err(|e| format!("actors: {e}")))
        .collect::<Result<_, _>>()?;
    if sizes.is_empty() {
        sizes = vec![10, 30, 100, 300];
    }
    let noise = Noise {
        salience: 0.1,
        capability: 0.2,
        ..Noise::default()
    };
    let target = [Target::Spatial(ForecastConfig {
        models: vec![Model::Eum],
        ..ForecastConfig::default()
    })];
    let pow_ns = powf_ns();
    let ops = vote_ops_per_ns();
    println!(
        "arithmetic throughput, one core: powf {pow_ns:.1} ns/call; vote-sum mix {ops:.2} ops/ns"
    );
    println!(
        "{:>6} {:>7} {:>7} {:>8} {:>11} {:>11} {:>10} {:>10} {:>7}",
        "actors",
        "threads",
        "trials",
        "rounds",
        "seconds",
        "trials/s",
        "ns/triple",
        "floor ns",
        "ratio"
    );
    for &n in &sizes {
        let s = synthetic(n)?;
        // Calibrate: one trial on one thread, then size the run to the budget.
        let probe = MonteCarloConfig {
            trials: 2,
            seed: 1,
            noise,
            ..MonteCarloConfig::default()
        };
        let start = Instant::now();
        montecarlo(&s, &target, &probe, &|_| {}).map_err(|e| e.to_string())?;
        let per_trial = start.elapsed().as_secs_f64() / 2.0;
        let trials = ((budget / per_trial) as u64).clamp(4, 1_000_000);
        let rounds = mean_rounds(&s, &noise, trials);
        let triples = (n * n * n) as f64;
        // Two vote-sum passes per round over m(m-1)/2 pairs and n voters (m ≈ n), six
        // operations each; powf: n·m utilities plus two base utilities per ordered pair.
        let floor = (2.0 * 0.5 * 6.0 * triples / ops + 3.0 * (n * n) as f64 * pow_ns) / triples;
        for threads in [1usize, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .map_err(|e| e.to_string())?;
            let config = MonteCarloConfig {
                trials,
                seed: 1,
                noise,
                ..MonteCarloConfig::default()
            };
            let start = Instant::now();
            let r = pool
                .install(|| montecarlo(&s, &target, &config, &|_| {}))
                .map_err(|e| e.to_string())?;
            let secs = start.elapsed().as_secs_f64();
            black_box(r);
            let ns = secs * threads as f64 * 1e9 / (trials as f64 * rounds * triples);
            println!(
                "{n:>6} {threads:>7} {trials:>7} {rounds:>8.1} {secs:>11.3} {:>11.1} {ns:>10.3} {floor:>10.3} {:>7.2}",
                trials as f64 / secs,
                ns / floor
            );
        }
    }
    Ok(())
}
