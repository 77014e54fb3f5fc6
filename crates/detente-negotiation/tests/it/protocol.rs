//! Protocol and strategy tests on runs computed by hand, plus determinism of tournaments.
#![expect(clippy::unwrap_used, reason = "tests")]

use std::sync::Arc;

use detente_models::bargain::{Domain, DomainIssue, Value};
use detente_negotiation::protocol::{self, Deadline, Ending, ProtocolConfig, Seat};
use detente_negotiation::tournament::{self, TournamentConfig};
use detente_negotiation::{AgentSpec, OutcomeSpace, Preferences};

/// One issue with five values; A likes higher indices, B lower ones, linearly.
fn tiny() -> (OutcomeSpace, Arc<Preferences>, Arc<Preferences>) {
    let values = (0..5)
        .map(|i| Value {
            label: format!("v{i}"),
            number: None,
        })
        .collect();
    let domain = Domain::new(
        "tiny",
        vec![DomainIssue {
            name: "x".into(),
            values,
        }],
    )
    .unwrap();
    let space = OutcomeSpace::new(domain).unwrap();
    let a = Preferences::new("a", vec![0.0, 0.25, 0.5, 0.75, 1.0], 0.0, None).unwrap();
    let b = Preferences::new("b", vec![1.0, 0.75, 0.5, 0.25, 0.0], 0.0, None).unwrap();
    (space, Arc::new(a), Arc::new(b))
}

fn play(
    space: &OutcomeSpace,
    parties: &[(&Arc<Preferences>, &str)],
    rounds: usize,
) -> protocol::Session {
    let mut seats: Vec<Seat> = parties
        .iter()
        .map(|(p, spec)| Seat {
            preferences: Arc::clone(p),
            negotiator: spec.parse::<AgentSpec>().unwrap().build(7),
        })
        .collect();
    let config = ProtocolConfig {
        deadline: Deadline::Rounds(rounds),
        trace: true,
    };
    protocol::run(space, &mut seats, &config).unwrap()
}

/// Two Linear agents, 9 rounds, so t = (r+1)/10 and each threshold is 1 - t.
/// By hand: rounds 0-1 both ask for their best (thresholds 0.9, 0.8); rounds 2-3 they offer
/// 0.75 to themselves (outcomes 3 and 1); in round 4 (threshold 0.5) A offers outcome 2
/// (0.5, 0.5) and B, whose threshold is also 0.5, accepts it.
#[test]
fn two_linear_agents_agree_in_round_four_on_the_middle() {
    let (space, a, b) = tiny();
    let s = play(&space, &[(&a, "linear"), (&b, "linear")], 9);
    assert_eq!(s.ending, Ending::Agreement);
    assert_eq!(s.agreement, Some(2));
    assert_eq!(s.round, 4);
    assert_eq!(s.utilities, vec![0.5, 0.5]);
    let offers: Vec<Option<usize>> = s.trace.iter().map(|t| t.offer).collect();
    assert_eq!(
        offers,
        [4, 0, 4, 0, 3, 1, 3, 1, 2, 2].map(Some).to_vec(),
        "trace of offers"
    );
}

/// Hardheaded never moves from its best and Boulware's threshold stays above 0 while t < 1, so
/// on opposed preferences nobody accepts before the deadline.
#[test]
fn boulware_vs_hardheaded_never_agrees() {
    let (space, a, b) = tiny();
    for rounds in [1, 10, 100, 1000] {
        let s = play(&space, &[(&a, "boulware"), (&b, "hardheaded")], rounds);
        assert_eq!(s.ending, Ending::Deadline, "rounds {rounds}");
        assert_eq!(s.agreement, None);
        assert_eq!(s.round, rounds);
        assert_eq!(s.utilities, vec![0.0, 0.0]);
    }
}

/// Three parties: an agreement needs both others to accept the standing offer, so the run ends
/// with two accepts of the agreed outcome. The third party (random, p = 1, indifferent) accepts
/// whatever stands; the Linear pair then behaves as in the bilateral case.
#[test]
fn three_party_agreement_needs_every_accept() {
    let (space, a, b) = tiny();
    let c = Arc::new(Preferences::new("c", vec![0.5; 5], 0.0, None).unwrap());
    let s = play(
        &space,
        &[(&a, "linear"), (&b, "linear"), (&c, "random:1")],
        9,
    );
    assert_eq!(s.ending, Ending::Agreement);
    let last = s.trace.len();
    // The last n - 1 = 2 actions are accepts of the agreed offer.
    let tail = &s.trace[last - 2..];
    assert!(tail.iter().all(|t| t.offer == s.agreement));
    assert!(
        tail.iter()
            .all(|t| t.action == detente_negotiation::TraceAction::Accept)
    );
}

#[test]
fn micro_vs_micro_meets_in_the_middle() {
    // Both concede one outcome per round in lock-step: A 4,3,2; B 0,1,2 -> B accepts 2 once A
    // offers it (B's next proposal would be outcome 2, worth the same).
    let (space, a, b) = tiny();
    let s = play(&space, &[(&a, "micro"), (&b, "micro")], 20);
    assert_eq!(s.agreement, Some(2));
}

fn tables() -> Vec<detente_negotiation::load::Table> {
    ["Laptop", "ItexvsCypress"]
        .iter()
        .map(|name| {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../detente-models/tests/data/genius")
                .join(name);
            let files: Vec<(String, String)> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| {
                    let p = e.unwrap().path();
                    (
                        p.file_name().unwrap().to_string_lossy().into_owned(),
                        std::fs::read_to_string(&p).unwrap(),
                    )
                })
                .filter(|(n, _)| n.ends_with(".xml"))
                .collect();
            detente_negotiation::load::genius_table(name, &files).unwrap()
        })
        .collect()
}

/// Each profile holds a utility per outcome, so a folder of a 15-million-outcome domain and
/// three profiles is 45 million utilities, over the limit of 40 million: refused before any is
/// computed (a dozen profiles on a 20-million-outcome domain asked for 5 GB).
#[test]
fn a_table_of_too_many_utilities_is_refused_before_any_is_computed() {
    let issue = |index: u32, name: &str, upper: u32| {
        format!(
            r#"<issue index="{index}" name="{name}" lowerbound="0" upperbound="{upper}" type="integer"></issue>"#
        )
    };
    let domain = format!(
        r#"<negotiation_template><utility_space><objective index="0" name="root" type="objective">{}{}</objective></utility_space></negotiation_template>"#,
        issue(1, "a", 4999),
        issue(2, "b", 2999)
    );
    let profile = r#"<utility_space><objective index="0" name="root" type="objective">
<issue index="1" name="a" lowerbound="0" upperbound="4999" type="integer"><evaluator slope="0.0002" offset="0" ftype="linear"/></issue>
<issue index="2" name="b" lowerbound="0" upperbound="2999" type="integer"><evaluator slope="0.0003" offset="0" ftype="linear"/></issue>
<weight index="1" value="0.5"/><weight index="2" value="0.5"/></objective></utility_space>"#;
    let mut files = vec![("d.xml".to_string(), domain)];
    for p in ["p1", "p2", "p3"] {
        files.push((format!("{p}.xml"), profile.to_string()));
    }
    let e = detente_negotiation::load::genius_table("big", &files)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("15000000 outcomes and 3 profiles or parties, 45000000 utilities")
            && e.contains("over the limit of 40000000"),
        "{e}"
    );
}

/// The same tournament (with random negotiators) on 1 and 4 threads gives identical records.
#[test]
fn tournament_is_deterministic_across_thread_counts() {
    let tables = tables();
    let config = TournamentConfig {
        agents: ["boulware", "conceder", "random:0.3", "micro", "nice-tft"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect(),
        rounds: 50,
        repetitions: 2,
        self_play: true,
        seed: 11,
    };
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| tournament::run(&tables, &config, &|_| {}).unwrap())
    };
    let one = run(1);
    let four = run(4);
    assert_eq!(one, four);
    // 5 agents, 2 profiles, self-play: 25 pairs x 2 rotations x 2 repetitions x 2 domains.
    assert_eq!(one.records.len(), 200);
    // Random seats really are random: the two repetitions differ somewhere.
    let differs = one.records.chunks(2).any(|pair| {
        pair[0].agents.iter().any(|a| a.starts_with("random"))
            && pair[0].utilities != pair[1].utilities
    });
    assert!(differs);
}

/// A tournament over the limit of negotiations is refused from its counts, before any tuple is
/// listed: 10 agents on a domain of 8 profiles were 10^8 tuples, gigabytes before the limit was
/// checked (found by an audit of sizes read from input). Here: 1,001 agents in self-play on two
/// domains of two profiles are 1,001² pairs × 2 rotations × 2 domains.
#[test]
fn a_tournament_over_the_limit_is_refused_from_its_counts() {
    let tables = tables();
    let config = TournamentConfig {
        agents: vec!["boulware".parse().unwrap(); 1001],
        rounds: 10,
        repetitions: 1,
        self_play: true,
        seed: 1,
    };
    let e = tournament::run(&tables, &config, &|_| {})
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("plans 4008004 negotiations, over the limit of 1000000"),
        "{e}"
    );
}

/// Issue 14: a tournament cut into 1, 3 or 7 parts (written to JSON and read back, merged in
/// any order) gives the unsharded results byte for byte, and a merge refuses parts of another
/// tournament.
#[test]
fn sharded_tournament_merges_to_the_unsharded_run() {
    use detente_core::shard::{MergeError, Shard};
    let tables = tables();
    let config = TournamentConfig {
        agents: ["boulware", "random:0.3", "nice-tft"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect(),
        rounds: 40,
        repetitions: 2,
        self_play: false,
        seed: 5,
    };
    let whole =
        serde_json::to_string(&tournament::run(&tables, &config, &|_| {}).unwrap()).unwrap();
    let part = |config: &TournamentConfig, i, n| {
        let shard =
            tournament::run_shard(&tables, config, Shard::new(i, n).unwrap(), &|_| {}).unwrap();
        serde_json::from_str::<tournament::TournamentShard>(&serde_json::to_string(&shard).unwrap())
            .unwrap()
    };
    for n in [1, 3, 7] {
        let mut parts: Vec<_> = (0..n).map(|i| part(&config, i, n)).collect();
        parts.reverse();
        let merged = serde_json::to_string(&tournament::merge(&parts).unwrap()).unwrap();
        assert_eq!(merged, whole, "{n} parts");
    }
    let other = TournamentConfig {
        seed: 6,
        ..config.clone()
    };
    assert!(matches!(
        tournament::merge(&[part(&config, 0, 2), part(&other, 1, 2)]),
        Err(MergeError::Different { .. })
    ));
    assert!(matches!(
        tournament::merge(&[part(&config, 0, 2)]),
        Err(MergeError::Missing { .. })
    ));
    // A record with fewer profiles than seats is damaged: the CSV written from the merge read
    // a profile per seat, and panicked (found by an audit of the merge's inputs).
    let mut short = part(&config, 1, 2);
    short.records[0].profiles.pop();
    assert!(matches!(
        tournament::merge(&[part(&config, 0, 2), short]),
        Err(MergeError::Damaged { .. })
    ));
}
