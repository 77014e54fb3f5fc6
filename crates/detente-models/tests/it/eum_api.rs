//! Behaviour of the expected utility model's public API beyond the reference reproduction:
//! input validation, presets, option semantics and invariants that hold under every
//! configuration.

use detente_models::eum::{
    Capitulation, Centre, EumActor, EumConfig, EumError, EumInput, EumPreset, OfferChoice,
    OfferKind, ProbabilityDenominator, RangeBasis, RiskPerspective, Termination, run, run_until,
};

fn actor(capability: f64, position: f64, salience: f64) -> EumActor {
    EumActor {
        capability,
        position,
        salience,
    }
}

/// The European Community example (Bueno de Mesquita & Stokman 1994), as in the test data.
fn ec() -> Vec<EumActor> {
    let rows = [
        (0.08, 4.0, 0.8),
        (0.08, 7.0, 0.4),
        (0.03, 4.0, 0.2),
        (0.16, 4.0, 0.8),
        (0.16, 10.0, 0.6),
        (0.16, 10.0, 0.6),
        (0.16, 10.0, 0.9),
        (0.05, 7.0, 0.1),
        (0.05, 4.0, 1.0),
        (0.08, 7.0, 0.7),
    ];
    rows.iter().map(|&(c, x, s)| actor(c, x, s)).collect()
}

fn all_configs() -> Vec<EumConfig> {
    let mut out = vec![EumConfig::scholz(), EumConfig::bdm()];
    let mut c = EumConfig::scholz();
    c.denominator = ProbabilityDenominator::PairOnly;
    c.risk_perspective = RiskPerspective::Own;
    c.offer_choice = OfferChoice::SmallestMove;
    c.capitulation = Capitulation::AsWritten;
    c.range = RangeBasis::Scale;
    c.q = 0.3;
    c.t = 0.25;
    c.centre = Centre::Mean;
    out.push(c);
    out
}

#[test]
fn rejects_invalid_input() {
    let good = ec();
    let scale = (0.0, 10.0);
    let cfg = EumConfig::default();
    let err = |actors: &[EumActor], scale| run(&EumInput { actors, scale }, &cfg).err();

    assert_eq!(err(&good[..1], scale), Some(EumError::TooFewActors(1)));
    assert_eq!(err(&[], scale), Some(EumError::TooFewActors(0)));
    let mut a = good.clone();
    a[2].position = f64::NAN;
    assert_eq!(
        err(&a, scale),
        Some(EumError::NonFinite {
            actor: 2,
            field: "position"
        })
    );
    let mut a = good.clone();
    a[0].capability = f64::INFINITY;
    assert!(matches!(
        err(&a, scale),
        Some(EumError::NonFinite { actor: 0, .. })
    ));
    let mut a = good.clone();
    a[1].salience = 1.5;
    assert!(matches!(
        err(&a, scale),
        Some(EumError::SalienceOutOfRange { actor: 1, .. })
    ));
    let mut a = good.clone();
    a[3].capability = 0.0;
    assert!(matches!(
        err(&a, scale),
        Some(EumError::NonPositiveCapability { actor: 3, .. })
    ));
    let same = vec![actor(1.0, 5.0, 0.5); 3];
    assert_eq!(err(&same, scale), Some(EumError::ZeroRange));
    assert!(matches!(
        err(&good, (5.0, 10.0)),
        Some(EumError::PositionOutsideScale { .. })
    ));
    assert!(matches!(
        err(&good, (10.0, 0.0)),
        Some(EumError::InvalidScale { .. })
    ));
    assert!(matches!(
        err(&good, (f64::NAN, 10.0)),
        Some(EumError::InvalidScale { .. })
    ));

    let input = EumInput {
        actors: &good,
        scale,
    };
    for bad in [
        EumConfig { q: 1.5, ..cfg },
        EumConfig { t: -0.1, ..cfg },
        EumConfig {
            tolerance: f64::NAN,
            ..cfg
        },
    ] {
        assert!(matches!(run(&input, &bad), Err(EumError::InvalidConfig(_))));
    }
}

#[test]
fn error_messages_are_lowercase() {
    let msg = EumError::ZeroRange.to_string();
    assert!(msg.starts_with(char::is_lowercase), "{msg}");
    let msg = EumError::TooFewActors(1).to_string();
    assert!(msg.starts_with(char::is_lowercase), "{msg}");
}

#[test]
fn presets_parse_display_and_serialise() {
    for preset in [EumPreset::Scholz, EumPreset::Bdm] {
        let name = preset.to_string();
        assert_eq!(name.parse::<EumPreset>(), Ok(preset));
        assert_eq!(
            serde_json::to_string(&preset).expect("serialise"),
            format!("\"{name}\"")
        );
    }
    assert!("Scholz".parse::<EumPreset>().is_err());
    assert_eq!(EumPreset::Scholz.config(), EumConfig::default());
    assert_eq!(EumPreset::Bdm.config(), EumConfig::bdm());
    assert_eq!(EumConfig::scholz().max_rounds, 10);
    assert_eq!(EumConfig::bdm().q, 0.5);
}

#[test]
fn round_zero_is_the_initial_state() {
    let actors = ec();
    let input = EumInput {
        actors: &actors,
        scale: (0.0, 10.0),
    };
    let result = run(&input, &EumConfig::scholz()).expect("valid input");
    let r0 = &result.rounds[0];
    assert_eq!(r0.round, 0);
    assert!(r0.offers.is_empty());
    assert!(r0.risk.iter().all(|&r| r == 1.0));
    let initial: Vec<f64> = actors.iter().map(|a| a.position).collect();
    assert_eq!(r0.positions, initial);
    assert_eq!(r0.median, 7.0);
    let weight: f64 = actors.iter().map(|a| a.capability * a.salience).sum();
    let moment: f64 = actors
        .iter()
        .map(|a| a.capability * a.salience * a.position)
        .sum();
    assert!((r0.mean - moment / weight).abs() < 1e-12);
}

/// Invariants for every configuration: positions stay in the initial hull, risk exponents in
/// [1/2, 2], offers are consistent with the positions they move, and the forecast is the last
/// round's.
#[test]
fn invariants_hold_under_every_configuration() {
    let actors = ec();
    let input = EumInput {
        actors: &actors,
        scale: (0.0, 10.0),
    };
    for cfg in all_configs() {
        let result = run(&input, &cfg).expect("valid input");
        let last = result.rounds.last().expect("round 0 at least");
        assert_eq!(result.forecast_median, last.median);
        assert_eq!(result.forecast_mean, last.mean);
        for w in result.rounds.windows(2) {
            let (before, after) = (&w[0], &w[1]);
            assert_eq!(after.round, before.round + 1);
            for &r in &after.risk {
                assert!((0.5 - 1e-12..=2.0 + 1e-12).contains(&r), "{r}");
            }
            for &x in &after.positions {
                assert!((4.0..=10.0).contains(&x), "{x}");
            }
            let mut expected = before.positions.clone();
            for o in &after.offers {
                assert_eq!(o.from, before.positions[o.receiver]);
                assert_ne!(o.receiver, o.proposer);
                if o.kind != OfferKind::Compromise {
                    assert_eq!(o.to, before.positions[o.proposer]);
                }
                expected[o.receiver] = o.to;
            }
            assert_eq!(after.positions, expected);
        }
        match result.outcome {
            Termination::RoundCap { rounds } => assert_eq!(rounds, result.rounds.len() - 1),
            Termination::FixedPoint { round } => assert_eq!(round, result.rounds.len() - 1),
            Termination::Cycle {
                first_round,
                period,
            } => {
                assert!(period >= 2);
                assert_eq!(first_round + period, result.rounds.len() - 1);
            }
        }
    }
}

#[test]
fn capitulation_never_fires_as_coded() {
    // On the Sultan data the quirk decides the outcome (see the data README); any data set
    // will do to check that `Never` produces no capitulations at all.
    let actors = ec();
    let input = EumInput {
        actors: &actors,
        scale: (0.0, 10.0),
    };
    let result = run(&input, &EumConfig::scholz()).expect("valid input");
    assert!(
        result
            .rounds
            .iter()
            .flat_map(|r| &r.offers)
            .all(|o| o.kind != OfferKind::Capitulation)
    );
}

#[test]
fn two_actors_and_a_zero_salience_actor_do_not_panic() {
    let actors = [actor(1.0, 0.0, 0.0), actor(1.0, 1.0, 0.0)];
    for cfg in all_configs() {
        let input = EumInput {
            actors: &actors,
            scale: (0.0, 1.0),
        };
        let result = run(&input, &cfg).expect("valid input");
        // No actor has any weight, so no challenger wins a vote against the lowest position:
        // the median is the lowest position of the last round (which a capitulation as the
        // replication codes it can move), never NaN and never off the actors' positions.
        let last = result.rounds.last().expect("round 0 at least");
        let lowest = last.positions.iter().copied().fold(f64::INFINITY, f64::min);
        assert_eq!(result.forecast_median, lowest, "{cfg:?}");
    }
    let actors = [
        actor(1.0, 0.0, 1.0),
        actor(2.0, 1.0, 0.5),
        actor(0.5, 0.5, 0.0),
    ];
    for cfg in all_configs() {
        let input = EumInput {
            actors: &actors,
            scale: (0.0, 1.0),
        };
        let result = run(&input, &cfg).expect("valid input");
        assert!(result.forecast_median.is_finite());
        assert!(result.forecast_mean.is_finite());
    }
}

#[test]
fn fixed_point_is_reported() {
    // Sultan data: no actor receives an acceptable offer in round 1 under the scholz preset.
    let actors = [
        actor(0.65, 14.25, 0.8),
        actor(0.85, 14.20, 0.85),
        actor(0.55, 14.20, 0.65),
        actor(0.7, 14.10, 0.75),
        actor(0.5, 14.10, 0.75),
        actor(0.75, 14.00, 0.85),
        actor(0.65, 14.00, 0.9),
        actor(0.85, 13.95, 0.85),
        actor(0.95, 13.90, 0.9),
        actor(0.6, 13.75, 0.8),
        actor(0.95, 13.40, 0.95),
        actor(0.45, 13.35, 0.75),
        actor(1.0, 13.25, 0.9),
        actor(1.05, 13.00, 0.9),
        actor(0.6, 13.00, 0.7),
        actor(0.8, 12.90, 0.85),
        actor(0.75, 12.85, 0.75),
    ];
    let input = EumInput {
        actors: &actors,
        scale: (12.85, 14.25),
    };
    let result = run(&input, &EumConfig::scholz()).expect("valid input");
    assert_eq!(result.outcome, Termination::FixedPoint { round: 1 });
    assert_eq!(result.forecast_median, 13.9);
    // As written, capitulation makes the same data cycle.
    let cfg = EumConfig {
        capitulation: Capitulation::AsWritten,
        ..EumConfig::scholz()
    };
    let result = run(&input, &cfg).expect("valid input");
    assert!(matches!(
        result.outcome,
        Termination::Cycle { period: 2, .. }
    ));
}

#[test]
fn result_serialises() {
    let actors = ec();
    let input = EumInput {
        actors: &actors,
        scale: (0.0, 10.0),
    };
    let result = run(&input, &EumConfig::bdm()).expect("valid input");
    let json = serde_json::to_value(&result).expect("serialise");
    assert!(json["rounds"].as_array().is_some_and(|r| !r.is_empty()));
    assert!(json["outcome"].is_object());
}

/// splitmix64, for reproducible pseudo-random inputs.
fn splitmix(state: &mut u64) -> f64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
}

/// Random issues, including extreme magnitudes, coarse (tied) positions, zero saliences and
/// degenerate scales, under every configuration: `run` returns a value or an error, never
/// panics, and valid results have finite positions inside the scale.
#[test]
fn random_inputs_never_panic() {
    let mut state = 7;
    for trial in 0..300 {
        let n = 2 + (splitmix(&mut state) * 12.0) as usize;
        let magnitude = [1.0, 1e-300, 1e300, 1e-12][trial % 4];
        let coarse = trial % 3 == 0;
        let actors: Vec<EumActor> = (0..n)
            .map(|_| {
                let mut x = splitmix(&mut state);
                if coarse {
                    x = (x * 3.0).floor() / 3.0;
                }
                actor(
                    magnitude * (splitmix(&mut state) + 1e-3),
                    x * magnitude,
                    if trial % 5 == 0 {
                        0.0
                    } else {
                        splitmix(&mut state)
                    },
                )
            })
            .collect();
        let scale = (0.0, magnitude);
        for cfg in all_configs() {
            let input = EumInput {
                actors: &actors,
                scale,
            };
            if let Ok(result) = run(&input, &cfg) {
                for round in &result.rounds {
                    for &x in &round.positions {
                        assert!(x.is_finite() && (0.0..=magnitude).contains(&x), "{x}");
                    }
                }
            }
        }
    }
}

/// An even weight split makes every position between the two blocs a weighted median; the
/// sequential vote keeps the lowest (a challenger must win strictly).
#[test]
fn median_ties_keep_the_lowest_position() {
    let actors = [actor(1.0, 0.0, 1.0), actor(1.0, 1.0, 1.0)];
    let input = EumInput {
        actors: &actors,
        scale: (0.0, 1.0),
    };
    let result = run(&input, &EumConfig::scholz()).expect("valid input");
    assert_eq!(result.rounds[0].median, 0.0);
    // Equal weights at 0, 1/4, 3/4, 1: 1/4 and 3/4 tie, and 1/4 is kept.
    let actors = [
        actor(1.0, 0.0, 0.5),
        actor(1.0, 0.25, 0.5),
        actor(1.0, 0.75, 0.5),
        actor(1.0, 1.0, 0.5),
    ];
    let input = EumInput {
        actors: &actors,
        scale: (0.0, 1.0),
    };
    let result = run(&input, &EumConfig::scholz()).expect("valid input");
    assert_eq!(result.rounds[0].median, 0.25);
}

/// Issue 16: a run asked to stop ends before its next round with `EumError::Stopped`, and a
/// `stop` that never fires changes nothing; a forecast whose stop flag is raised reports the
/// stop as the EUM's note on every issue instead of running the rounds (what the server does
/// when a request's time runs out).
#[test]
fn a_stop_ends_the_run_before_its_next_round() {
    use std::cell::Cell;
    let actors = ec();
    let input = EumInput {
        actors: &actors,
        scale: (0.0, 10.0),
    };
    let config = EumConfig::scholz();
    let asked = Cell::new(0);
    let stopped = run_until(&input, &config, &|| {
        asked.set(asked.get() + 1);
        asked.get() > 3
    });
    assert_eq!(stopped, Err(EumError::Stopped));
    assert_eq!(asked.get(), 4, "asked once before each of rounds 1 to 4");
    assert_eq!(run_until(&input, &config, &|| false), run(&input, &config));

    let text = include_str!("../../../../scenarios/istanbul-2025.toml");
    let scenario = detente_core::parse("istanbul-2025.toml", text)
        .expect("the bundled scenario parses")
        .scenario;
    let flag = detente_models::stop::StopFlag::new();
    flag.raise();
    let config = detente_models::forecast::ForecastConfig {
        stop: flag,
        ..detente_models::forecast::ForecastConfig::default()
    };
    let out = detente_models::forecast::forecast(&scenario, &config);
    for issue in &out.issues {
        assert!(issue.eum.is_none(), "{}", issue.issue);
        assert!(
            issue.notes.iter().any(|n| n.contains("stopped")),
            "{:?}",
            issue.notes
        );
    }
}
