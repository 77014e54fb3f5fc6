//! The settlement Monte Carlo (`detente_sim::settle`, issue 12): byte-identical on any thread
//! count, consistent with the model run trial by trial, and on Istanbul a curve that moves.
#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use detente_core::{Scenario, parse};
use detente_sim::settle::{SettleConfig, belief_sensitivity, settle, settle_levers};

fn istanbul() -> Scenario {
    let text = include_str!("../../../../scenarios/istanbul-2025.toml");
    parse("istanbul-2025.toml", text).unwrap().scenario
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

#[test]
fn r12_settlement_is_identical_on_any_thread_count() {
    let s = istanbul();
    let config = SettleConfig {
        trials: 300,
        seed: 7,
        rate_noise: 0.3,
        position_draws: 3,
        ..SettleConfig::default()
    };
    let one = pool(1).install(|| serde_json::to_string(&settle(&s, &config).unwrap()).unwrap());
    let three = pool(3).install(|| serde_json::to_string(&settle(&s, &config).unwrap()).unwrap());
    assert_eq!(one, three);
    let config = SettleConfig {
        trials: 100,
        bootstrap: 50,
        ..config
    };
    let one =
        pool(1).install(|| serde_json::to_string(&settle_levers(&s, &config).unwrap()).unwrap());
    let two =
        pool(2).install(|| serde_json::to_string(&settle_levers(&s, &config).unwrap()).unwrap());
    assert_eq!(one, two);
}

/// The two-period mutual-optimism case of `crates/detente-models/tests/it/fighting.rs` (beliefs
/// ±25 with prior sd 10, front noise sd 10, costs 0.1, look-ahead 1), here with horizon 6.
fn optimism(noise_sd: f64) -> Scenario {
    parse("optimism.toml", &optimism_text(noise_sd))
        .unwrap()
        .scenario
}

/// The text of [`optimism`].
fn optimism_text(noise_sd: f64) -> String {
    OPTIMISM.replace("{noise_sd}", &noise_sd.to_string())
}

const OPTIMISM: &str = r#"
[scenario]
title = "Optimism"
[[actors]]
id = "a"
name = "A"
capability = 50
role = "principal"
[[actors]]
id = "b"
name = "B"
capability = 50
role = "principal"
[[issues]]
id = "land"
name = "Land"
scale = [0, 100]
status_quo = 50
  [[issues.positions]]
  actor = "a"
  position = 100
  salience = 1
  why = "w"
  [[issues.positions]]
  actor = "b"
  position = 0
  salience = 1
  why = "w"
[time]
horizon = 6
lookahead = 1
[[time.drift]]
issue = "land"
per_month = 0
sd = {noise_sd}
why = "w"
[[time.actors]]
actor = "a"
cost_per_month = 0.1
why = "w"
[[time.actors]]
actor = "b"
cost_per_month = 0.1
why = "w"
[[time.beliefs]]
actor = "a"
issue = "land"
drift = 25
sd = 10
why = "w"
[[time.beliefs]]
actor = "b"
issue = "land"
drift = -25
sd = 10
why = "w"
"#;

fn linear() -> SettleConfig {
    let mut config = SettleConfig {
        trials: 400,
        position_draws: 0,
        ..SettleConfig::default()
    };
    config.dynamics.package.step = 10.0;
    config.dynamics.package.loss = detente_models::bargain::Loss::Linear;
    config
}

/// With the front exactly on its mean path (noise sd 0: one observation reveals the rate, so
/// both parties know it from month 1) every trial is the same: month 0 has no zone (`W = 0.65`
/// each, by hand in the models test), month 1 has the true rate 0 known, `W = 0.4`, and the
/// deal is on 50. So `P(deal by 0) = 0`, `P(deal by 1) = 1`, the median is month 1.
#[test]
fn r12_deterministic_front_gives_a_step_curve() {
    let out = settle(&optimism(0.0), &linear()).unwrap();
    let p: Vec<f64> = out.by_month.iter().map(|m| m.p).collect();
    assert_eq!(p, vec![0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]);
    assert_eq!(out.median_month, Some(1));
    assert_eq!(out.terms[0].percentiles, Some([50.0; 5]));
}

/// On common draws, more divergent priors never raise P(deal by month m) (the property test of
/// the model, here through the Monte Carlo and the sensitivity grid), and with no divergence
/// the deal is immediate in every trial.
#[test]
fn r12_divergence_never_raises_the_curve() {
    let cells =
        belief_sensitivity(&optimism(10.0), &linear(), &[0.0, 0.5, 1.0, 2.0], &[1.0]).unwrap();
    assert_eq!(cells[0].median_month, Some(0));
    assert_eq!(cells[0].windows[0].1, 1.0);
    for pair in cells.windows(2) {
        for (a, b) in pair[0].windows.iter().zip(&pair[1].windows) {
            assert!(b.1 <= a.1, "{pair:?}");
        }
        assert!(pair[1].p_deal <= pair[0].p_deal);
    }
    // The noisy front: no deal before month 2 (by hand, month 1 at best has W = 0.525 when the
    // front stood still), then a deal in some trials but not in all.
    let out = settle(&optimism(10.0), &linear()).unwrap();
    let p2 = out.by_month[2].p;
    assert!(p2 > 0.0 && p2 < 1.0, "{:?}", out.by_month);
    assert_eq!(out.by_month[0].p, 0.0);
}

/// `optimism(0)` (the front reveals the true rate 0 in month 1) plus victory beliefs that never
/// leave room for a deal (each side believes it wins outright with monthly chance 0.5, a prior
/// worth about 2 500 months: `W ≥ −0.1 + 0.5 · 1 + 0.5 · 0.5 = 0.65` for both, so a package
/// would need `x > 65` and `x < 35`), and the analyst's decisive hazards 0.1 for `a` and 0.05
/// for `b`.
fn decisive() -> Scenario {
    let extra = r#"
[[time.victory]]
actor = "a"
wins = 0.5
wins_sd = 0.01
why = "w"
[[time.victory]]
actor = "b"
wins = 0.5
wins_sd = 0.01
why = "w"
[[time.decisive]]
actor = "a"
per_month = 0.1
why = "w"
[[time.decisive]]
actor = "b"
per_month = 0.05
why = "w"
"#;
    parse("decisive.toml", &(optimism_text(0.0) + extra))
        .unwrap()
        .scenario
}

/// Decisive ends against their closed form: with no deal possible, the war is over by month
/// `m` with probability `1 − 0.85^m` (hazard 0.1 + 0.05 a month, drawn for months 0..6, an end
/// during month `t` reported in month `t + 1`), won by `a` in two thirds of those trials. 4 000
/// trials: each share is within 4 standard errors (`sqrt(p(1−p)/n) ≤ 0.008`) of its value. No
/// trial has a deal, so the deal curve is 0 and the terms empty; and the draws are the same on
/// 1 and 2 threads.
#[test]
fn r12_decisive_ends_match_the_hazard() {
    let s = decisive();
    let config = SettleConfig {
        trials: 4000,
        ..linear()
    };
    let out = pool(2).install(|| settle(&s, &config).unwrap());
    assert_eq!(out.p_deal, 0.0);
    assert!(out.terms[0].mean.is_none());
    assert_eq!(out.decisive_by_month.len(), 7);
    for (m, p) in out.decisive_by_month.iter().enumerate() {
        let expect = 1.0 - 0.85f64.powi(m as i32);
        assert!((p - expect).abs() < 0.032, "month {m}: {p} vs {expect}");
    }
    let total = out.decisive_by_month[6];
    let a = out.decisive_wins[0].1;
    assert_eq!(out.decisive_wins[0].0, "a");
    assert!((a + out.decisive_wins[1].1 - total).abs() < 1e-12);
    assert!((a / total - 2.0 / 3.0).abs() < 0.03, "{a} of {total}");
    let one = pool(1).install(|| serde_json::to_string(&settle(&s, &config).unwrap()).unwrap());
    assert_eq!(one, serde_json::to_string(&out).unwrap());
    // A scenario without decisive hazards writes no decisive fields.
    let plain = serde_json::to_string(&settle(&optimism(0.0), &linear()).unwrap()).unwrap();
    assert!(!plain.contains("decisive"));
}

/// `optimism(0)` plus an ally `c` of `b` (position 0, like `b`) whose consent a deal needs,
/// paying `cost` a month for the war and knowing the true rate (no belief).
fn vetoed(cost: f64) -> Scenario {
    let mut text = optimism_text(0.0);
    text.push_str(&format!(
        r#"
[[actors]]
id = "c"
name = "C"
capability = 10
role = "ally"

[[issues.positions]]
actor = "c"
position = 0
salience = 1
why = "w"

[[time.actors]]
actor = "c"
cost_per_month = {cost}
why = "w"

[[time.vetoes]]
actor = "c"
backs = "b"
why = "w"
"#
    ));
    parse("vetoed.toml", &text).unwrap().scenario
}

/// No trial settles (the veto ally of `vetoed(0.0)` blocks every package), so there are no
/// terms to measure a distance to: `to_deal` was `NaN` (`null` in JSON, "NaN" in the Markdown
/// report), found by the analysis fuzzer. It is `None`, and the actors are listed farthest
/// from today's status quo first.
#[test]
fn without_a_deal_movers_have_no_distance_to_the_terms() {
    let blocked = settle(&vetoed(0.0), &linear()).unwrap();
    assert_eq!(blocked.p_deal, 0.0);
    assert!(!blocked.movers.is_empty());
    assert!(
        blocked.movers.iter().all(|m| m.to_deal.is_none()),
        "{:?}",
        blocked.movers
    );
    assert!(
        blocked
            .movers
            .windows(2)
            .all(|w| w[0].to_status_quo >= w[1].to_status_quo),
        "{:?}",
        blocked.movers
    );
    // With a deal, every mover has its distance.
    let settled = settle(&vetoed(0.05), &linear()).unwrap();
    assert!(settled.p_deal > 0.0);
    assert!(
        settled
            .movers
            .iter()
            .all(|m| m.to_deal.is_some_and(f64::is_finite))
    );
}

/// By hand, on the step-10 linear grid of `linear()` (look-ahead 1, no discount): from month 1
/// the parties know the rate 0, so `W_a = W_b = 0.5 − 0.1 = 0.4` and they alone settle on 50,
/// as in `r12_deterministic_front_gives_a_step_curve`. The ally knows the rate from the start
/// and values the war at `W_c = u_c(50) − cost = 0.5 − cost`. With cost 0 it needs `x < 50`,
/// while `a` needs `x > 40`: no grid point is left, in any month, so no trial ever settles and
/// the veto holds every deal back. With cost 0.05 it needs `x < 55`, so 50 passes and the
/// veto changes nothing.
#[test]
fn r12_a_veto_ally_blocks_or_consents_as_computed_by_hand() {
    let blocked = settle(&vetoed(0.0), &linear()).unwrap();
    assert!(blocked.by_month.iter().all(|m| m.p == 0.0), "{blocked:?}");
    assert_eq!(blocked.median_month, None);
    assert_eq!(blocked.p_deal, 0.0);
    assert_eq!(
        blocked.parties_by_month,
        vec![0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    );
    assert_eq!(blocked.veto_delays, Some(1.0));
    assert_eq!(blocked.vetoes.len(), 1);
    assert_eq!(
        (
            blocked.vetoes[0].actor.as_str(),
            blocked.vetoes[0].backs.as_str()
        ),
        ("c", "b")
    );
    // The parties' names and utilities stay the parties' own.
    assert_eq!(blocked.parties, vec!["a".to_owned(), "b".to_owned()]);
    // The one sentence every front end prints names the ally and the party it backs, the
    // share held back and the month the parties alone would have settled.
    let summary = blocked.veto_summary.as_deref().unwrap();
    for part in [
        "consent of a veto ally (`[[time.vetoes]]`): C, backing B.",
        "held the deal back in 100.0% of trials",
        "without it the median deal month would be month 1.",
    ] {
        assert!(summary.contains(part), "{part:?} not in {summary:?}");
    }

    let consents = settle(&vetoed(0.05), &linear()).unwrap();
    let p: Vec<f64> = consents.by_month.iter().map(|m| m.p).collect();
    assert_eq!(p, vec![0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]);
    assert_eq!(consents.parties_by_month, p);
    assert_eq!(consents.veto_delays, Some(0.0));
    assert_eq!(consents.terms[0].percentiles, Some([50.0; 5]));
}

/// On Istanbul, the curve of the parties alone is exactly the forecast of the same scenario
/// without its `[[time.vetoes]]` (the parties' beliefs and the front do not depend on the
/// allies), and a veto never raises P(deal by month m): the zone with the allies' consent is
/// a subset of the parties' own.
#[test]
fn r12_the_parties_alone_curve_is_the_forecast_without_vetoes() {
    let with = istanbul();
    assert!(!with.time.as_ref().unwrap().vetoes.is_empty());
    let mut without = with.clone();
    without.time.as_mut().unwrap().vetoes.clear();
    let config = SettleConfig {
        trials: 300,
        ..SettleConfig::default()
    };
    let a = settle(&with, &config).unwrap();
    let b = settle(&without, &config).unwrap();
    let plain: Vec<f64> = b.by_month.iter().map(|m| m.p).collect();
    assert_eq!(a.parties_by_month, plain);
    assert!(b.parties_by_month.is_empty() && b.veto_delays.is_none() && b.vetoes.is_empty());
    assert!(b.veto_summary.is_none());
    assert!(
        a.veto_summary
            .as_deref()
            .is_some_and(|v| v.contains("European Union, backing Ukraine")),
        "{:?}",
        a.veto_summary
    );
    for (m, (x, alone)) in a.by_month.iter().zip(&a.parties_by_month).enumerate() {
        assert!(x.p <= *alone, "month {m}: {} > {alone}", x.p);
    }
    // On this scenario the veto binds: it holds the deal back in some trials.
    assert!(
        a.veto_delays.is_some_and(|d| d > 0.0),
        "{:?}",
        a.veto_delays
    );
}

/// A veto ally given among `--parties` bargains instead (its veto is dropped, and no curve of
/// the parties alone is kept), even when the party it backs does not bargain; a veto whose
/// backed party is not bargaining is refused with a message that names both and the fix.
#[test]
fn r12_a_veto_ally_among_the_parties_bargains_and_a_missing_backer_is_refused() {
    let s = vetoed(0.0);
    let mut config = linear();
    config.dynamics.package.parties = Some(vec!["a".into(), "b".into(), "c".into()]);
    let out = settle(&s, &config).unwrap();
    assert!(out.vetoes.is_empty() && out.parties_by_month.is_empty());
    assert_eq!(out.parties.len(), 3);

    config.dynamics.package.parties = Some(vec!["a".into(), "c".into()]);
    let out = settle(&s, &config).unwrap();
    assert!(out.vetoes.is_empty());
    assert_eq!(out.parties, vec!["a".to_owned(), "c".to_owned()]);

    // Istanbul's EU backs Ukraine; bargaining without Ukraine leaves the veto without its side.
    let mut config = SettleConfig {
        trials: 10,
        ..SettleConfig::default()
    };
    config.dynamics.package.parties = Some(vec!["russia".into(), "united-states".into()]);
    let err = settle(&istanbul(), &config).unwrap_err().to_string();
    assert!(
        err.contains("veto of `eu` backs `ukraine`") && err.contains("--parties"),
        "{err}"
    );
}

/// Issue 16: a raised stop flag ends a settlement run (forecast, report with its belief grid,
/// levers) with `Stopped` and no result, and a flag raised while trials run stops them part way:
/// the run returns without completing its trials. A flag never raised changes nothing: the
/// result is the one a config without a flag gives.
#[test]
fn r16_a_raised_stop_flag_ends_a_settlement_run() {
    use detente_models::dynamics::DynamicsError;
    use detente_sim::settle::{StopFlag, settlement_report};
    let s = istanbul();
    let plain = SettleConfig {
        trials: 200,
        position_draws: 2,
        ..SettleConfig::default()
    };
    let flagged = SettleConfig {
        stop: StopFlag::new(),
        ..plain.clone()
    };
    assert_eq!(settle(&s, &flagged).unwrap(), settle(&s, &plain).unwrap());
    flagged.stop.raise();
    assert_eq!(settle(&s, &flagged), Err(DynamicsError::Stopped));
    assert_eq!(settle_levers(&s, &flagged), Err(DynamicsError::Stopped));
    assert_eq!(settlement_report(&s, &flagged), Err(DynamicsError::Stopped));
    // Raised from another thread while a long run is under way: the run ends with `Stopped`
    // (it would take minutes to finish its 10 million trials).
    let long = SettleConfig {
        trials: 10_000_000,
        position_draws: 0,
        stop: StopFlag::new(),
        ..SettleConfig::default()
    };
    let stop = long.stop.clone();
    let raiser = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(200));
        stop.raise();
    });
    assert_eq!(settle(&s, &long), Err(DynamicsError::Stopped));
    raiser.join().unwrap();
}
