//! Throughput of the settlement Monte Carlo (issue 12): 10,000 trials of the full
//! bargaining-while-fighting model on the bundled Istanbul scenario (beliefs, learning, audience
//! costs, enforcement), on 1 and 2 threads, also conditioned on two `[[time.events]]`. Prints
//! trials per second; run with
//! `cargo bench -p detente-bench --bench settle`.

use std::hint::black_box;
use std::time::Instant;

use detente_sim::settle::{SettleConfig, settle};

const ISTANBUL: &str = include_str!("../../../scenarios/istanbul-2025.toml");

fn main() {
    let Ok(parsed) = detente_core::parse("istanbul-2025.toml", ISTANBUL) else {
        eprintln!("the bundled Istanbul scenario does not parse");
        return;
    };
    let scenario = parsed.scenario;
    // The worst case: a deal never holds (`holds = 0`) and a broken deal is a clean return to
    // the war (`back-to-war`), so no package gains anyone anything, no trial settles and every
    // trial runs all 25 months with both parties valuing fighting on and searching the frontier.
    let mut never = scenario.clone();
    if let Some(e) = never.time.as_mut().and_then(|t| t.enforcement.as_mut()) {
        e.holds = 0.0;
        e.terms.clear();
        e.breakdown = detente_core::Breakdown::BackToWar;
    }
    // Conditioned on two events: no agreement by month 1 and the front observed in month 3
    // (the month-by-month path is then kept for every trial).
    let events = format!(
        "{ISTANBUL}\n[[time.events]]\nkind = \"no-deal\"\nmonth = 1\nsource = \"bench\"\nwhy = \"bench\"\n\n[[time.events]]\nkind = \"status-quo\"\nissue = \"territory\"\nmonth = 3\nvalue = 77\nerror = 1\nsource = \"bench\"\nwhy = \"bench\"\n"
    );
    let Ok(events) = detente_core::parse("istanbul-events.toml", &events) else {
        eprintln!("the Istanbul scenario with events does not parse");
        return;
    };
    let events = events.scenario;
    let config = SettleConfig {
        trials: 10_000,
        seed: 1,
        rate_noise: 0.3,
        position_draws: 20,
        ..SettleConfig::default()
    };
    for (name, scenario) in [
        ("istanbul", &scenario),
        ("istanbul-never-settles", &never),
        ("istanbul-events", &events),
    ] {
        for threads in [1, 2] {
            let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(threads).build() else {
                eprintln!("cannot build a pool of {threads} threads");
                return;
            };
            let start = Instant::now();
            let out = pool.install(|| settle(scenario, &config));
            let secs = start.elapsed().as_secs_f64();
            match black_box(out) {
                Ok(s) => println!(
                    "settle/{name} threads={threads} trials={} seconds={secs:.3} trials_per_second={:.0} median_month={:?}",
                    s.trials,
                    s.trials as f64 / secs,
                    s.median_month
                ),
                Err(e) => eprintln!("settle failed: {e}"),
            }
        }
    }
}
