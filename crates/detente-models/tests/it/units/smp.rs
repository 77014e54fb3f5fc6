//! Properties of the SMP that follow from its definition, independent of KTAB's numbers (those
//! are in `tests/it/smp_ktab.rs`), and the pinned wording of moves.

#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use detente_models::smp::*;

fn soe_pol_comp() -> SmpInput {
    parse_ktab_csv(
        "SOE-Pol-Comp.csv",
        include_str!("../../data/ktab/SOE-Pol-Comp.csv"),
    )
    .unwrap()
}

/// Every move takes the actor from its position in one state to its position in the next, and
/// actors that did not move kept their position exactly.
#[test]
fn moves_account_for_every_change() {
    let r = run(&soe_pol_comp(), &SmpConfig::ktab()).unwrap();
    for w in r.states.windows(2) {
        let (before, after) = (&w[0], &w[1]);
        for i in 0..r.actors.len() {
            let mv = after.moves.iter().find(|m| m.actor == i);
            match mv {
                Some(m) => {
                    assert_eq!(m.from, before.positions[i]);
                    assert_eq!(m.to, after.positions[i]);
                    assert!(m.actor == m.initiator || m.actor == m.receiver);
                    assert!(m.options >= 2 && (0.0..=1.0).contains(&m.probability));
                }
                None => assert_eq!(before.positions[i], after.positions[i]),
            }
        }
    }
}

/// Win probabilities are those of distinct positions: actors at the same position share one,
/// and, when distinct positions are all farther apart than the tolerance (0.1 on 0..100), one
/// per distinct position sums to 1.
#[test]
fn win_probabilities_are_per_position() {
    let r = run(&soe_pol_comp(), &SmpConfig::ktab()).unwrap();
    let mut separated = 0;
    for s in &r.states {
        let mut seen: Vec<(&Vec<f64>, f64)> = Vec::new();
        for (p, &w) in s.positions.iter().zip(&s.win_probability) {
            match seen.iter().find(|(q, _)| *q == p) {
                Some(&(_, v)) => assert_eq!(v, w),
                None => seen.push((p, w)),
            }
        }
        let far = seen.iter().enumerate().all(|(a, (p, _))| {
            seen[..a].iter().all(|(q, _)| {
                let d2: f64 = p.iter().zip(q.iter()).map(|(x, y)| (x - y) * (x - y)).sum();
                d2.sqrt() >= 0.1
            })
        });
        if far {
            separated += 1;
            let total: f64 = seen.iter().map(|(_, w)| w).sum();
            assert!((total - 1.0).abs() < 1e-9, "turn {}: {total}", s.turn);
        }
    }
    assert!(separated >= 5, "only {separated} states checked");
}

/// The wording of a move, pinned: the first turn of SOE-Pol-Comp, in which MOF's challenge of
/// XS moves both (numbers as KTAB logs them for this bargain: "0 proposes ... adopt").
#[test]
fn move_wording() {
    let r = run(&soe_pol_comp(), &SmpConfig::ktab()).unwrap();
    let xs = r.states[1]
        .moves
        .iter()
        .find(|m| r.actors[m.actor] == "XS")
        .unwrap();
    assert_eq!(
        xs.reason,
        "XS moved from (15.00, 10.00) to (42.94, 38.75): MOF challenged XS, expecting to win with \
         probability 0.767 and gain 0.1157 in utility; XS accepted the compromise MOF offered. Of \
         XS's 8 options (keeping its position and 7 bargains), this one won the Condorcet \
         election among all actors with probability 0.464."
    );
    let mof = r.states[1]
        .moves
        .iter()
        .find(|m| r.actors[m.actor] == "MOF")
        .unwrap();
    assert_eq!(
        mof.reason,
        "MOF moved from (45.00, 40.00) to (42.94, 38.75): MOF challenged XS, expecting to win \
         with probability 0.767 and gain 0.1157 in utility, and moved to the compromise it \
         offered. Of MOF's 2 options (keeping its position and 1 bargain), this one won the \
         Condorcet election among all actors with probability 0.758."
    );
}

/// Stochastic transitions: `run` refuses them without draws; a draw of 0 picks the first
/// option, keeping one's position (its probability is positive), so nobody ever moves and the
/// run stops, quiet, after the minimum two turns; the same draws give the same run.
#[test]
fn stochastic_transitions() {
    let cfg = SmpConfig {
        state_transitions: StateTransitions::Stochastic,
        ..SmpConfig::ktab()
    };
    let input = soe_pol_comp();
    assert_eq!(run(&input, &cfg).unwrap_err(), SmpError::NeedsDraws);
    let still = run_with_draws(&input, &cfg, &mut || 0.0).unwrap();
    assert_eq!(still.turns(), 2);
    assert!(matches!(still.stop, StopReason::Quiet { ratio } if ratio == 0.0));
    assert!(
        still
            .states
            .iter()
            .all(|s| s.positions == still.states[0].positions)
    );
    // A fixed sequence of draws (a simple linear congruential stream, for the test only).
    let draws = |seed: u64| {
        let mut x = seed;
        move || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 11) as f64 / (1u64 << 53) as f64
        }
    };
    let a = run_with_draws(&input, &cfg, &mut draws(7)).unwrap();
    let b = run_with_draws(&input, &cfg, &mut draws(7)).unwrap();
    assert_eq!(a, b);
    assert!(a.states[1].positions != a.states[0].positions);
}

/// Each turn's risk attitudes span the configured range: the most likely position is +1 and the
/// least likely the range's floor (-1/2 for Mid).
#[test]
fn risk_attitudes_span_the_range() {
    let r = run(&soe_pol_comp(), &SmpConfig::ktab()).unwrap();
    for s in &r.states {
        let max = s.risk_attitude.iter().cloned().fold(f64::MIN, f64::max);
        let min = s.risk_attitude.iter().cloned().fold(f64::MAX, f64::min);
        assert!(
            (max - 1.0).abs() < 1e-12 && (min + 0.5).abs() < 1e-12,
            "turn {}",
            s.turn
        );
    }
}

/// Everyone at one position: every position is equally likely, so KTAB's risk scale has no
/// width (KTAB divides by zero); detente treats everyone as risk neutral, nobody gains from a
/// challenge, and the run stops after the minimum two turns with nobody moving. Too few actors
/// is an input error, not a panic.
#[test]
fn consensus_and_too_few_actors() {
    let mut input = soe_pol_comp();
    for a in &mut input.actors {
        a.position = vec![50.0, 50.0];
    }
    let r = run(&input, &SmpConfig::ktab()).unwrap();
    assert_eq!(r.turns(), 2);
    assert!(r.states.iter().all(|s| s.moves.is_empty()));
    assert!(
        r.states
            .iter()
            .all(|s| s.risk_attitude.iter().all(|&x| x == 0.0))
    );
    assert!(
        r.states
            .iter()
            .all(|s| s.win_probability.iter().all(|&p| p == 1.0))
    );
    input.actors.truncate(2);
    let e = run(&input, &SmpConfig::ktab()).unwrap_err().to_string();
    assert!(e.contains("the SMP needs 3 to 250"), "{e}");
}
