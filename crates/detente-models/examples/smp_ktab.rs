//! Runs detente's SMP on KTAB CSV files with KTAB's default parameters and prints, per file, the
//! number of turns, the final positions' weighted summary and the time per run; the detente side
//! of `bench/smp_vs_ktab.sh`.
//!
//! Usage: `cargo run --release -p detente-models --example smp_ktab -- [--repeat N] FILE.csv...`
//! The time is the fastest of `N` runs (default 10), reading and parsing the file included.

use std::process::ExitCode;
use std::time::Instant;

use detente_models::smp::{SmpConfig, parse_ktab_csv, run};

fn main() -> ExitCode {
    let mut repeat = 10usize;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--repeat" {
            match args.next().and_then(|n| n.parse().ok()) {
                Some(n) if n > 0 => repeat = n,
                _ => {
                    eprintln!("--repeat needs a positive whole number");
                    return ExitCode::from(2);
                }
            }
        } else {
            files.push(a);
        }
    }
    if files.is_empty() {
        eprintln!("usage: smp_ktab [--repeat N] FILE.csv...");
        return ExitCode::from(2);
    }
    println!("{:<24} {:>6} {:>12}", "file", "turns", "seconds");
    for f in &files {
        let mut best = f64::INFINITY;
        let mut turns = 0;
        for _ in 0..repeat {
            let t0 = Instant::now();
            let result = std::fs::read_to_string(f)
                .map_err(|e| format!("{f}: {e}"))
                .and_then(|text| parse_ktab_csv(f, &text).map_err(|e| e.to_string()))
                .and_then(|input| run(&input, &SmpConfig::ktab()).map_err(|e| e.to_string()));
            let elapsed = t0.elapsed().as_secs_f64();
            match result {
                Ok(r) => turns = r.turns(),
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            }
            best = best.min(elapsed);
        }
        let name = std::path::Path::new(f)
            .file_name()
            .map_or_else(|| f.clone(), |s| s.to_string_lossy().into_owned());
        println!("{name:<24} {turns:>6} {best:>12.6}");
    }
    ExitCode::SUCCESS
}
