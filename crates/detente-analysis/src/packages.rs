//! Package bargaining as positions: the typed result of the package models (schema
//! `detente.api.bargain/1`), shared by `POST /api/bargain`, the dashboard and the reports.
//!
//! `detente_models::bargain` reports packages as value indices into its grid; this view writes
//! each package as the positions it sets on each issue's own scale, names the parties, and keeps
//! everything else (frontier, the four solutions, disagreement and ideal points, zone of
//! agreement) as the model computed it. [`describe_package`] spells a package out issue by issue
//! with the scenario's anchor labels.

use detente_core::Scenario;
use detente_models::bargain::{
    Domain, Loss, Package, PackageConfig, Problem, Solution, Solutions, Zopa,
};
use serde::Serialize;

/// Version tag of the JSON schema.
pub const SCHEMA: &str = "detente.api.bargain/1";

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
    /// Position on each issue, in issue order.
    pub package: Vec<f64>,
    /// Utility of each party, in party order.
    pub utilities: Vec<f64>,
}

/// One bargaining solution.
#[derive(Debug, Clone, Serialize)]
pub struct SolutionOut {
    /// Position on each issue.
    pub package: Vec<f64>,
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

/// The grid and loss the problem was built with.
#[derive(Debug, Clone, Serialize)]
pub struct ConfigOut {
    /// Grid step on each issue's scale.
    pub step: f64,
    /// Loss shape.
    pub loss: Loss,
}

/// A whole package-bargaining result.
#[derive(Debug, Clone, Serialize)]
pub struct Packages {
    /// [`SCHEMA`].
    pub schema: &'static str,
    /// Scenario title.
    pub title: String,
    /// How the scenario was discretised.
    pub config: ConfigOut,
    /// The parties, in the order of every utility vector.
    pub parties: Vec<PartyOut>,
    /// The issues, in the order of every package.
    pub issues: Vec<IssueOut>,
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

fn solution(problem: &Problem, s: Option<&Solution>) -> Option<SolutionOut> {
    s.map(|s| SolutionOut {
        package: positions(problem, &s.package),
        utilities: s.utilities.clone(),
        gains: s.gains.clone(),
        objective: s.objective,
        ties: s.ties,
    })
}

impl Packages {
    /// Builds the view of `solutions` for `problem`.
    pub fn new(
        title: &str,
        config: &PackageConfig,
        problem: &Problem,
        solutions: &Solutions,
    ) -> Self {
        Self {
            schema: SCHEMA,
            title: title.to_owned(),
            config: ConfigOut {
                step: config.step,
                loss: config.loss,
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
            status_quo: problem.status_quo().and_then(|sq| {
                problem.utilities(sq).map(|utilities| PointOut {
                    package: positions(problem, sq),
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
                    utilities: p.utilities.clone(),
                })
                .collect(),
            solutions: SolutionsOut {
                nash: solution(problem, solutions.nash.as_ref()),
                kalai_smorodinsky: solution(problem, solutions.kalai_smorodinsky.as_ref()),
                egalitarian: solution(problem, solutions.egalitarian.as_ref()),
                utilitarian: solution(problem, solutions.utilitarian.as_ref()),
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
                (Some(s), Some(x)) => s.issues.get(k).and_then(|i| i.nearest_anchor(x)).map(|a| {
                    if a.at == x {
                        a.label.clone()
                    } else {
                        format!("near {}: {}", fmt_num(a.at), a.label)
                    }
                }),
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
