//! Times `count` bilateral negotiations between two strategies on a GENIUS folder and prints
//! one JSON line (used by `bench/negotiate_vs_negmas.sh`).
//!
//! Usage: `negotiations FOLDER AGENT_A AGENT_B ROUNDS COUNT [--cold] [--negmas]`. Without
//! `--cold` the folder is loaded and each profile's sorted outcome list built once, then shared
//! by every negotiation (as in a tournament); with `--cold` every negotiation reloads and
//! re-sorts. `--negmas` plays under the `negmas` preset (raw GENIUS evaluations, NegMAS's
//! time-based negotiators), the same computation as NegMAS's, so the two can be timed like for
//! like.
#![expect(clippy::unwrap_used, reason = "benchmark driver")]

use std::sync::Arc;
use std::time::Instant;

use detente_models::bargain::genius_full::GeniusConfig;
use detente_negotiation::AgentSpec;
use detente_negotiation::load::{Table, genius_table_with};
use detente_negotiation::protocol::{self, Deadline, ProtocolConfig, Seat};

fn read(folder: &str) -> Vec<(String, String)> {
    std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let folder = &args[1];
    let flags = &args[6..];
    let cold = flags.iter().any(|x| x == "--cold");
    let negmas = flags.iter().any(|x| x == "--negmas");
    let spec = |s: &str| {
        let a: AgentSpec = s.parse().unwrap();
        if negmas { a.under_negmas() } else { a }
    };
    let a = spec(&args[2]);
    let b = spec(&args[3]);
    let rounds: usize = args[4].parse().unwrap();
    let count: usize = args[5].parse().unwrap();
    let reader = GeniusConfig {
        raw_evaluations: negmas,
        ..GeniusConfig::default()
    };
    let files = read(folder);
    let config = ProtocolConfig {
        deadline: Deadline::Rounds(rounds),
        trace: false,
    };
    let start = Instant::now();
    let mut table: Option<Table> = None;
    let (mut agreements, mut round_sum, mut last) = (0usize, 0usize, None);
    for _ in 0..count {
        if cold || table.is_none() {
            table = Some(genius_table_with("bench", &files, &reader).unwrap());
        }
        let t = table.as_ref().unwrap();
        let mut seats = vec![
            Seat {
                preferences: Arc::clone(&t.parties[0]),
                negotiator: a.build(0),
            },
            Seat {
                preferences: Arc::clone(&t.parties[1]),
                negotiator: b.build(1),
            },
        ];
        let s = protocol::run(&t.space, &mut seats, &config).unwrap();
        agreements += usize::from(s.agreement.is_some());
        round_sum += s.round;
        last = Some((s.agreement, s.round, s.utilities));
    }
    let secs = start.elapsed().as_secs_f64();
    let (agreement, round, utilities) = last.unwrap();
    println!(
        "{{\"negotiations\": {count}, \"seconds\": {secs}, \"per_second\": {}, \"agreements\": {agreements}, \"mean_round\": {}, \"last_agreement\": {:?}, \"last_round\": {round}, \"last_utilities\": {:?}}}",
        count as f64 / secs,
        round_sum as f64 / count as f64,
        agreement.map_or(-1, |o| o as i64),
        utilities
    );
}
