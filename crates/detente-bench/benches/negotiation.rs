//! Criterion benches: one bilateral negotiation (100 rounds) on Grocery (1,600 outcomes) and
//! Kitchen (15,625), Boulware vs Conceder and Boulware vs Boulware, preferences prepared once.
#![expect(clippy::unwrap_used, reason = "benchmark")]

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use detente_negotiation::AgentSpec;
use detente_negotiation::load::genius_table;
use detente_negotiation::protocol::{self, Deadline, ProtocolConfig, Seat};

fn bench(c: &mut Criterion) {
    let config = ProtocolConfig {
        deadline: Deadline::Rounds(100),
        trace: false,
    };
    for domain in ["Grocery", "Kitchen"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../detente-models/tests/data/genius")
            .join(domain);
        let files: Vec<(String, String)> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| {
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read_to_string(&p).unwrap(),
                )
            })
            .collect();
        let table = genius_table(domain, &files).unwrap();
        for (a, b) in [("boulware", "conceder"), ("boulware", "boulware")] {
            let (a, b): (AgentSpec, AgentSpec) = (a.parse().unwrap(), b.parse().unwrap());
            c.bench_function(&format!("negotiate/{domain}/{a}-{b}"), |bench| {
                bench.iter(|| {
                    let mut seats = vec![
                        Seat {
                            preferences: Arc::clone(&table.parties[0]),
                            negotiator: a.build(0),
                        },
                        Seat {
                            preferences: Arc::clone(&table.parties[1]),
                            negotiator: b.build(1),
                        },
                    ];
                    black_box(protocol::run(&table.space, &mut seats, &config).unwrap())
                });
            });
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
