//! `analyze_observed` announces each step `steps` lists, in order, and returns what `analyze`
//! returns: a front end's status line (`detente report` on a terminal) can neither skip a step
//! nor change a number.
#![expect(clippy::unwrap_used, reason = "tests")]

use std::cell::RefCell;

use detente_analysis::{AnalysisConfig, Step, analyze, analyze_observed, steps};

fn istanbul() -> detente_core::Scenario {
    let text = include_str!("../../../../scenarios/istanbul-2025.toml");
    detente_core::parse("istanbul-2025.toml", text)
        .unwrap()
        .scenario
}

/// Every step, in the order `analyze` runs them.
const ALL: [Step; 8] = [
    Step::Forecast,
    Step::Packages,
    Step::Delay,
    Step::Levers,
    Step::Settlement,
    Step::SettlementLevers,
    Step::MonteCarlo,
    Step::Sensitivity,
];

/// Every part on, with few trials so the test is quick.
fn everything() -> AnalysisConfig {
    let mut config = AnalysisConfig::default();
    config.parts.montecarlo = true;
    config.parts.sensitivity = true;
    config.montecarlo.trials = 20;
    config.sensitivity.trials = 0;
    config.settle.trials = 40;
    config
}

#[test]
fn every_step_is_announced_once_in_order_and_the_result_is_unchanged() {
    let scenario = istanbul();
    let config = everything();
    let seen = RefCell::new(Vec::new());
    let observed = analyze_observed(&scenario, &config, &|s| seen.borrow_mut().push(s));
    assert_eq!(steps(&scenario, &config), ALL);
    assert_eq!(seen.into_inner(), ALL);
    assert_eq!(
        format!("{observed:?}"),
        format!("{:?}", analyze(&scenario, &config))
    );
}

#[test]
fn steps_left_out_are_neither_listed_nor_run() {
    let mut scenario = istanbul();
    scenario.time = None;
    let config = AnalysisConfig::default();
    let seen = RefCell::new(Vec::new());
    let analysis = analyze_observed(&scenario, &config, &|s| seen.borrow_mut().push(s));
    // Without `[time]` only the forecasts and package bargaining run by default.
    assert_eq!(steps(&scenario, &config), [Step::Forecast, Step::Packages]);
    assert_eq!(seen.into_inner(), [Step::Forecast, Step::Packages]);
    assert!(analysis.packages.is_some());
    assert!(analysis.delay.is_none() && analysis.settlement.is_none());
    assert!(analysis.montecarlo.is_none() && analysis.sensitivity.is_none());
}

#[test]
fn every_step_says_what_it_computes() {
    let names = ALL.map(Step::describe);
    let mut unique = names.to_vec();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "{names:?}");
}
