//! Package bargaining built from detente scenarios: the grid, the utilities, the disagreement
//! point, the errors, and a space too large to enumerate (7 issues × 21 grid points).
#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use detente_core::parse;
use detente_models::bargain::{
    BargainError, FrontierConfig, Loss, PackageConfig, Problem, SolveConfig, from_scenario, solve,
};

const TWO_ISSUES: &str = r#"
[scenario]
title = "Two issues"

[[actors]]
id = "a"
name = "A"
capability = 60
role = "principal"

[[actors]]
id = "b"
name = "B"
capability = 40
role = "principal"

[[actors]]
id = "m"
name = "Mediator"
capability = 10
role = "mediator"

[[issues]]
id = "land"
name = "Land"
scale = [0, 100]
status_quo = 42
  [[issues.positions]]
  actor = "a"
  position = 100
  salience = 0.9
  [[issues.positions]]
  actor = "b"
  position = 0
  salience = 0.3
  [[issues.positions]]
  actor = "m"
  position = 50
  salience = 0.5

[[issues]]
id = "money"
name = "Money"
scale = [0, 10]
status_quo = 10
  [[issues.positions]]
  actor = "b"
  position = 10
  salience = 0.6
  [[issues.positions]]
  actor = "m"
  position = 5
  salience = 0.5
"#;

fn problem(text: &str, config: &PackageConfig) -> Result<Problem, BargainError> {
    let scenario = parse("test.toml", text).unwrap().scenario;
    from_scenario(&scenario, config)
}

#[test]
fn grid_holds_both_ends_and_the_status_quo() {
    let p = problem(TWO_ISSUES, &PackageConfig::default()).unwrap();
    let land: Vec<f64> = p.domain().issues()[0]
        .values
        .iter()
        .map(|v| v.number.unwrap())
        .collect();
    assert_eq!(land.len(), 22);
    assert_eq!(
        (land[0], land[8], land[9], land[21]),
        (0.0, 40.0, 42.0, 100.0)
    );
    let money: Vec<f64> = p.domain().issues()[1]
        .values
        .iter()
        .map(|v| v.number.unwrap())
        .collect();
    assert_eq!(money, vec![0.0, 5.0, 10.0]);
    assert_eq!(p.status_quo().unwrap().0, vec![9, 2]);
}

#[test]
fn utilities_follow_salience_and_loss() {
    let p = problem(TWO_ISSUES, &PackageConfig::default()).unwrap();
    let names: Vec<&str> = p.parties().iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["a", "b"], "principals by default");
    let a = &p.parties()[0];
    // A sits the money issue out: all its weight is on land.
    assert_eq!(a.utility.additive().unwrap().weights, vec![1.0, 0.0]);
    assert_eq!(a.weight, 60.0);
    let b = p.parties()[1].utility.additive().unwrap();
    assert!((b.weights[0] - 1.0 / 3.0).abs() < 1e-15 && (b.weights[1] - 2.0 / 3.0).abs() < 1e-15);
    // Quadratic loss: B at 0 on land evaluates 42 as 1 - 0.42².
    assert!((b.evaluations[0][9] - (1.0 - 0.42 * 0.42)).abs() < 1e-15);
    // Disagreement = utility of the status-quo package.
    let d = p.disagreement();
    assert!((d[0] - (1.0 - 0.58 * 0.58)).abs() < 1e-12);
    let linear = problem(
        TWO_ISSUES,
        &PackageConfig {
            loss: Loss::Linear,
            ..PackageConfig::default()
        },
    )
    .unwrap();
    assert!(
        (linear.parties()[1].utility.additive().unwrap().evaluations[0][9] - 0.58).abs() < 1e-15
    );
}

#[test]
fn parties_and_reservations_can_be_chosen() {
    let config = PackageConfig {
        parties: Some(vec!["a".into(), "b".into(), "m".into()]),
        reservations: [("m".to_string(), 0.8)].into_iter().collect(),
        ..PackageConfig::default()
    };
    let p = problem(TWO_ISSUES, &config).unwrap();
    assert_eq!(p.parties().len(), 3);
    assert_eq!(p.disagreement()[2], 0.8);
    // A reservation below the party's minimum utility (0.75 for the mediator) gives way to it.
    let low = PackageConfig {
        reservations: [("m".to_string(), 0.25)].into_iter().collect(),
        ..config.clone()
    };
    assert_eq!(problem(TWO_ISSUES, &low).unwrap().disagreement()[2], 0.75);
    let solved = solve(&p, &SolveConfig::default()).unwrap();
    // Money already sits at B's ideal and A and B pull land in opposite directions, so no
    // package is strictly better for both: the zone of agreement is empty, the status quo is the
    // only rational package, and the Nash product there is 0.
    assert!(!solved.zopa.exists);
    assert_eq!(solved.zopa.strict_count, Some(0));
    assert_eq!(solved.zopa.rational_count, Some(1));
    assert_eq!(solved.frontier.points.len(), 1);
    assert_eq!(&solved.frontier.points[0].package, p.status_quo().unwrap());
    assert_eq!(solved.nash.unwrap().objective, 0.0);
}

#[test]
fn errors_are_reported_not_panicked() {
    let bad_step = PackageConfig {
        step: 0.0,
        ..PackageConfig::default()
    };
    assert_eq!(
        problem(TWO_ISSUES, &bad_step).unwrap_err(),
        BargainError::InvalidStep { step: 0.0 }
    );
    let unknown = PackageConfig {
        parties: Some(vec!["a".into(), "zz".into()]),
        ..PackageConfig::default()
    };
    assert_eq!(
        problem(TWO_ISSUES, &unknown).unwrap_err().to_string(),
        "`zz` is not an actor among the bargaining parties; check the ids in the package config"
    );
    let alone = PackageConfig {
        parties: Some(vec!["a".into()]),
        ..PackageConfig::default()
    };
    assert_eq!(
        problem(TWO_ISSUES, &alone).unwrap_err(),
        BargainError::TooFewParties { found: 1 }
    );
    let fine = PackageConfig {
        step: 1e-6,
        ..PackageConfig::default()
    };
    assert!(matches!(
        problem(TWO_ISSUES, &fine).unwrap_err(),
        BargainError::GridTooFine { .. }
    ));
}

/// Seven issues on 0..100 with step 5: 21^7 ≈ 1.8e9 packages, solved without enumeration; a tight
/// candidate limit turns into an error instead of a memory blow-up.
#[test]
fn huge_space_is_searched_not_enumerated() {
    let mut text = String::from(
        "[scenario]\ntitle = \"Seven\"\n[[actors]]\nid = \"a\"\nname = \"A\"\ncapability = 1\nrole = \"principal\"\n\
         [[actors]]\nid = \"b\"\nname = \"B\"\ncapability = 1\nrole = \"principal\"\n",
    );
    for k in 0..7 {
        let (pa, pb, sa, sb) = (
            90 - 5 * k,
            10 + 3 * k,
            0.2 + 0.1 * k as f64,
            0.9 - 0.1 * k as f64,
        );
        text.push_str(&format!(
            "[[issues]]\nid = \"i{k}\"\nname = \"I{k}\"\nscale = [0, 100]\nstatus_quo = 50\n\
             [[issues.positions]]\nactor = \"a\"\nposition = {pa}\nsalience = {sa}\n\
             [[issues.positions]]\nactor = \"b\"\nposition = {pb}\nsalience = {sb}\n"
        ));
    }
    let p = problem(&text, &PackageConfig::default()).unwrap();
    assert_eq!(p.domain().size(), 21u128.pow(7));
    let solved = solve(&p, &SolveConfig::default()).unwrap();
    assert!(solved.zopa.exists);
    assert_eq!(solved.zopa.strict_count, None, "too large to count");
    assert!(solved.frontier.points.len() > 10);
    assert!(solved.zopa.rational_share > 0.0 && solved.zopa.rational_share <= 1.0);
    let nash = solved.nash.unwrap();
    assert!(nash.gains.iter().all(|g| *g > 0.0));
    // Every frontier point is a real package with the stated utilities.
    for point in &solved.frontier.points {
        assert_eq!(p.utilities(&point.package).unwrap(), point.utilities);
    }
    let tight = SolveConfig {
        frontier: FrontierConfig {
            max_candidates: 100,
            ..FrontierConfig::default()
        },
        ..SolveConfig::default()
    };
    assert!(matches!(
        solve(&p, &tight).unwrap_err(),
        BargainError::TooManyCandidates { .. }
    ));
}
