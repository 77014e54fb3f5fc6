//! Package bargaining as positions: the typed result of the package models (schema
//! `detente.bargain/2`), the one JSON document of `detente bargain --format json`,
//! `POST /api/bargain`, the dashboard and the reports. It replaces `detente.bargain/1` (the
//! CLI's) and `detente.api.bargain/1` (the API's): it keeps every field of the API's document,
//! which the dashboard reads, and adds what the CLI's had (the kind of problem, the Nash
//! weights, the size of the package space, and the labels of each solution's values).
//!
//! `detente_models::bargain` reports packages as value indices into its grid; this view writes
//! each package as the positions it sets on each issue's own scale, names the parties, and keeps
//! everything else (frontier, the four solutions, disagreement and ideal points, zone of
//! agreement) as the model computed it. [`describe_package`] spells a package out issue by issue
//! with the scenario's anchor labels.

use detente_core::Scenario;
use detente_models::bargain::{
    Domain, Loss, NashWeights, Package, PackageConfig, Problem, Solution, Solutions, Zopa,
};
use serde::Serialize;

/// Version tag of the JSON schema.
pub const SCHEMA: &str = "detente.bargain/2";

/// A bargaining party.
#[derive(Debug, Clone, Serialize)]
pub struct PartyOut {
    /// Actor id.
    pub id: String,
    /// Bargaining weight (capability).
    pub weight: f64,
}

/// One issue of the package space.
#[derive(Debug, Clone, Serialize)]
pub struct IssueOut {
    /// Issue id.
    pub id: String,
    /// Number of grid points.
    pub grid_points: usize,
}

/// A package and what each party gets from it.
#[derive(Debug, Clone, Serialize)]
pub struct PointOut {
    /// Position on each issue, in issue order (`null` for a GENIUS value with no number).
    pub package: Vec<f64>,
    /// Each value's label (the scenario's anchor, or the GENIUS value's name); given for the
    /// status quo, left out on frontier points to keep the document small.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<Option<String>>>,
    /// Utility of each party, in party order.
    pub utilities: Vec<f64>,
}

/// One bargaining solution.
#[derive(Debug, Clone, Serialize)]
pub struct SolutionOut {
    /// Position on each issue.
    pub package: Vec<f64>,
    /// Each value's label: the scenario's anchor at or near it, or the GENIUS value's name.
    pub labels: Vec<Option<String>>,
    /// Utility of each party.
    pub utilities: Vec<f64>,
    /// Gain over disagreement of each party.
    pub gains: Vec<f64>,
    /// The solution's objective at this point.
    pub objective: f64,
    /// How many frontier points tied.
    pub ties: usize,
}

/// The four solutions; `None` when no package is individually rational.
#[derive(Debug, Clone, Serialize)]
pub struct SolutionsOut {
    /// Nash bargaining solution.
    pub nash: Option<SolutionOut>,
    /// Kalai-Smorodinsky solution.
    pub kalai_smorodinsky: Option<SolutionOut>,
    /// Egalitarian solution.
    pub egalitarian: Option<SolutionOut>,
    /// Utilitarian solution.
    pub utilitarian: Option<SolutionOut>,
}

/// The grid and loss the problem was built with (scenarios; `null` for GENIUS domains, whose
/// values and utilities are given), and the Nash weights.
#[derive(Debug, Clone, Serialize)]
pub struct ConfigOut {
    /// Grid step on each issue's scale.
    pub step: Option<f64>,
    /// Loss shape.
    pub loss: Option<Loss>,
    /// Exponents of the Nash product.
    pub nash_weights: NashWeights,
}

/// Where a package problem came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    /// A detente scenario on a grid.
    Scenario,
    /// A GENIUS or GeniusWeb domain with its profiles.
    Genius,
}

/// A whole package-bargaining result.
#[derive(Debug, Clone, Serialize)]
pub struct Packages {
    /// [`SCHEMA`].
    pub schema: &'static str,
    /// Scenario title, or the GENIUS domain's name.
    pub title: String,
    /// A scenario or a GENIUS domain.
    pub kind: ProblemKind,
    /// How the scenario was discretised, and the Nash weights.
    pub config: ConfigOut,
    /// The parties, in the order of every utility vector.
    pub parties: Vec<PartyOut>,
    /// The issues, in the order of every package.
    pub issues: Vec<IssueOut>,
    /// The number of packages (a decimal string: it may exceed 2^64).
    pub space_size: String,
    /// The status-quo package and its utilities.
    pub status_quo: Option<PointOut>,
    /// Disagreement point.
    pub disagreement: Vec<f64>,
    /// Ideal point.
    pub ideal: Vec<f64>,
    /// The rational Pareto frontier.
    pub frontier: Vec<PointOut>,
    /// The solutions.
    pub solutions: SolutionsOut,
    /// The zone of possible agreement.
    pub zopa: Zopa,
}

fn positions(problem: &Problem, package: &Package) -> Vec<f64> {
    problem
        .domain()
        .issues()
        .iter()
        .zip(&package.0)
        .map(|(issue, &i)| {
            issue
                .values
                .get(i)
                .and_then(|v| v.number)
                .unwrap_or(f64::NAN)
        })
        .collect()
}

fn labels(
    problem: &Problem,
    scenario: Option<&Scenario>,
    package: &Package,
) -> Vec<Option<String>> {
    describe_package(problem.domain(), scenario, package)
        .into_iter()
        .map(|v| v.label)
        .collect()
}

fn solution(
    problem: &Problem,
    scenario: Option<&Scenario>,
    s: Option<&Solution>,
) -> Option<SolutionOut> {
    s.map(|s| SolutionOut {
        package: positions(problem, &s.package),
        labels: labels(problem, scenario, &s.package),
        utilities: s.utilities.clone(),
        gains: s.gains.clone(),
        objective: s.objective,
        ties: s.ties,
    })
}

impl Packages {
    /// Builds the view of `solutions` for `problem`: from a scenario (with the package config it
    /// was built with) or, with `scenario` `None`, from a GENIUS domain.
    pub fn new(
        problem: &Problem,
        solutions: &Solutions,
        scenario: Option<(&Scenario, &PackageConfig)>,
        nash_weights: NashWeights,
    ) -> Self {
        let (title, kind, step, loss) = match scenario {
            Some((s, config)) => (
                s.meta.title.clone(),
                ProblemKind::Scenario,
                Some(config.step),
                Some(config.loss),
            ),
            None => (
                problem.domain().name().to_owned(),
                ProblemKind::Genius,
                None,
                None,
            ),
        };
        let scenario = scenario.map(|(s, _)| s);
        Self {
            schema: SCHEMA,
            title,
            kind,
            config: ConfigOut {
                step,
                loss,
                nash_weights,
            },
            parties: problem
                .parties()
                .iter()
                .map(|p| PartyOut {
                    id: p.name.clone(),
                    weight: p.weight,
                })
                .collect(),
            issues: problem
                .domain()
                .issues()
                .iter()
                .map(|i| IssueOut {
                    id: i.name.clone(),
                    grid_points: i.values.len(),
                })
                .collect(),
            space_size: problem.domain().size().to_string(),
            status_quo: problem.status_quo().and_then(|sq| {
                problem.utilities(sq).map(|utilities| PointOut {
                    package: positions(problem, sq),
                    labels: Some(labels(problem, scenario, sq)),
                    utilities,
                })
            }),
            disagreement: solutions.frontier.disagreement.clone(),
            ideal: solutions.frontier.ideal.clone(),
            frontier: solutions
                .frontier
                .points
                .iter()
                .map(|p| PointOut {
                    package: positions(problem, &p.package),
                    labels: None,
                    utilities: p.utilities.clone(),
                })
                .collect(),
            solutions: SolutionsOut {
                nash: solution(problem, scenario, solutions.nash.as_ref()),
                kalai_smorodinsky: solution(
                    problem,
                    scenario,
                    solutions.kalai_smorodinsky.as_ref(),
                ),
                egalitarian: solution(problem, scenario, solutions.egalitarian.as_ref()),
                utilitarian: solution(problem, scenario, solutions.utilitarian.as_ref()),
            },
            zopa: solutions.zopa.clone(),
        }
    }
}

/// One issue's value in a package, with its label: the scenario's anchor at or around the value
/// (scenarios), or the value's own name (GENIUS domains).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssueValue {
    /// Issue id (scenario) or name (GENIUS).
    pub issue: String,
    /// The value on the issue's scale, where it has one.
    pub value: Option<f64>,
    /// The value's label: the nearest anchor for scenarios, the item name for GENIUS.
    pub label: Option<String>,
}

/// Spells `package` out issue by issue, labelling each value with the scenario's nearest anchor
/// (`scenario` given) or the domain's own value name.
pub fn describe_package(
    domain: &Domain,
    scenario: Option<&Scenario>,
    package: &Package,
) -> Vec<IssueValue> {
    domain
        .issues()
        .iter()
        .zip(&package.0)
        .enumerate()
        .map(|(k, (issue, &v))| {
            let value = issue.values.get(v);
            let number = value.and_then(|x| x.number);
            let label = match (scenario, number) {
                (Some(s), Some(x)) => s.issues.get(k).and_then(|i| anchor_label(i, x)),
                _ => value.map(|x| x.label.clone()),
            };
            IssueValue {
                issue: scenario
                    .and_then(|s| s.issues.get(k))
                    .map_or_else(|| issue.name.clone(), |i| i.id.clone()),
                value: number,
                label,
            }
        })
        .collect()
}

/// How close to an anchor (as a share of the scale's width) a value reads as "near" it.
const NEAR: f64 = 0.05;

/// The label of value `x` on `issue`: the anchor's own label when `x` is on it, "near A: ..."
/// when `x` lies within `NEAR` (5%) of the scale's width of the nearest anchor `A`, "between A and
/// B: ... / ..." when it lies farther between two anchors, and "near A: ..." beyond the
/// outermost anchor. A value 30 points from the nearest anchor is not labelled as that anchor.
/// Every front end labels a value with this one wording (`bargain`, `delay`, the reports).
pub fn anchor_label(issue: &detente_core::Issue, x: f64) -> Option<String> {
    let nearest = issue.nearest_anchor(x)?;
    if nearest.at == x {
        return Some(nearest.label.clone());
    }
    if (nearest.at - x).abs() <= NEAR * issue.scale.width() {
        return Some(format!("near {}: {}", fmt_num(nearest.at), nearest.label));
    }
    let below = issue
        .anchors
        .iter()
        .filter(|a| a.at < x)
        .max_by(|a, b| a.at.total_cmp(&b.at));
    let above = issue
        .anchors
        .iter()
        .filter(|a| a.at > x)
        .min_by(|a, b| a.at.total_cmp(&b.at));
    Some(match (below, above) {
        (Some(lo), Some(hi)) => format!(
            "between {} and {}: {} / {}",
            fmt_num(lo.at),
            fmt_num(hi.at),
            lo.label,
            hi.label
        ),
        _ => format!("near {}: {}", fmt_num(nearest.at), nearest.label),
    })
}

/// A number with at most two decimals and no trailing zeros (`-0` printed as `0`).
pub fn fmt_num(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use super::anchor_label;

    const ISTANBUL: &str = include_str!("../../../scenarios/istanbul-2025.toml");

    #[test]
    fn a_value_between_anchors_is_not_labelled_as_the_nearest() {
        // Territory's anchors: 0 (lines of 23 February 2022), 75 (front frozen), 83, 100.
        let scenario = detente_core::parse("istanbul.toml", ISTANBUL)
            .unwrap()
            .scenario;
        let territory = scenario.issue("territory").unwrap();
        let at = |x: f64| anchor_label(territory, x).unwrap();
        assert!(at(75.0).starts_with("Front line frozen"), "{}", at(75.0));
        assert!(
            at(77.0).starts_with("near 75: Front line frozen"),
            "{}",
            at(77.0)
        );
        let between = at(45.0);
        assert!(
            between.starts_with("between 0 and 75: Russia withdraws"),
            "{between}"
        );
        assert!(between.contains(" / Front line frozen"), "{between}");
    }
}
