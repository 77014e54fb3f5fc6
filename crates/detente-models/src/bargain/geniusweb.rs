//! GeniusWeb JSON import and GENIUS XML export.
//!
//! # GeniusWeb
//! A domain is `{"name", "issuesValues": {issue: {"values": [..]}}}`; a profile is
//! `{"LinearAdditiveUtilitySpace": {"name", "issueUtilities": {issue: {"discreteutils":
//! {"valueUtilities": {value: u}}}}, "issueWeights": {issue: w}, "domain": {..},
//! "reservationBid": {"issuevalues": {issue: value}}}}`. Utilities are used as written
//! (GeniusWeb does not rescale them), `u = Σ w_i u_i(v_i)`, and the reservation value is the
//! utility of the reservation bid (0 without one). Issue order is the file's order.
//! Only discrete issues are read.
//!
//! # Export
//! [`to_genius_xml`] writes a [`Problem`] (e.g. a scenario's package space from
//! `from_scenario`) as a GENIUS domain file and one profile per party. GENIUS divides each
//! issue's evaluations by their maximum on import, so the exporter writes `e/max` as the
//! evaluations and `w·max` as the weights: importing the files back gives the same utilities
//! (to rounding), though the weights then need not sum to 1 (which the importer reports as a
//! warning). Reservation values are written as `<reservation>`.

use std::fmt::Write as _;

use indexmap::IndexMap;
use serde::Deserialize;

use super::genius::GeniusError;
use super::genius_full::GeniusWarning;
use super::{AdditiveUtility, Domain, DomainIssue, Package, Problem, Value};

#[derive(Debug, Deserialize)]
struct DomainJson {
    name: String,
    #[serde(rename = "issuesValues")]
    issues_values: IndexMap<String, IssueValuesJson>,
}

#[derive(Debug, Deserialize)]
struct IssueValuesJson {
    values: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct ProfileFile {
    #[serde(rename = "LinearAdditiveUtilitySpace")]
    space: LinearJson,
}

#[derive(Debug, Deserialize)]
struct LinearJson {
    name: String,
    #[serde(rename = "issueUtilities")]
    issue_utilities: IndexMap<String, IssueUtilityJson>,
    #[serde(rename = "issueWeights")]
    issue_weights: IndexMap<String, f64>,
    #[serde(rename = "reservationBid", default)]
    reservation_bid: Option<BidJson>,
}

#[derive(Debug, Deserialize)]
struct IssueUtilityJson {
    discreteutils: DiscreteJson,
}

#[derive(Debug, Deserialize)]
struct DiscreteJson {
    #[serde(rename = "valueUtilities")]
    value_utilities: IndexMap<String, f64>,
}

#[derive(Debug, Deserialize)]
struct BidJson {
    issuevalues: IndexMap<String, String>,
}

fn json_error(file: &str, element: &str, e: impl std::fmt::Display) -> GeniusError {
    GeniusError::Invalid {
        file: file.to_string(),
        element: element.to_string(),
        message: e.to_string(),
    }
}

fn invalid(file: &str, element: &str, message: String) -> GeniusError {
    GeniusError::Invalid {
        file: file.to_string(),
        element: element.to_string(),
        message,
    }
}

/// Parses a GeniusWeb domain (`issuesValues`).
pub fn parse_geniusweb_domain(file: &str, text: &str) -> Result<Domain, GeniusError> {
    let d: DomainJson = serde_json::from_str(text).map_err(|e| json_error(file, "domain", e))?;
    let issues = d
        .issues_values
        .into_iter()
        .map(|(name, v)| DomainIssue {
            name,
            values: v
                .values
                .into_iter()
                .map(|label| Value {
                    label,
                    number: None,
                })
                .collect(),
        })
        .collect();
    Domain::new(d.name, issues).map_err(|e| json_error(file, "issuesValues", e))
}

/// Parses a GeniusWeb `LinearAdditiveUtilitySpace` profile against `domain`; returns the utility
/// (reservation = utility of `reservationBid`) and the profile's name.
pub fn parse_geniusweb_profile(
    domain: &Domain,
    file: &str,
    text: &str,
) -> Result<(String, AdditiveUtility, Vec<GeniusWarning>), GeniusError> {
    let p: ProfileFile = serde_json::from_str(text)
        .map_err(|e| json_error(file, "LinearAdditiveUtilitySpace", e))?;
    let space = p.space;
    for issue in space
        .issue_weights
        .keys()
        .chain(space.issue_utilities.keys())
    {
        if !domain.issues().iter().any(|i| &i.name == issue) {
            return Err(invalid(
                file,
                "issueWeights",
                format!("issue {issue:?} is not in the domain"),
            ));
        }
    }
    let mut weights = Vec::new();
    let mut evaluations = Vec::new();
    for issue in domain.issues() {
        let w = *space.issue_weights.get(&issue.name).ok_or_else(|| {
            invalid(
                file,
                "issueWeights",
                format!("no weight for issue {:?}", issue.name),
            )
        })?;
        if !(0.0..=super::genius::MAX_WEIGHT).contains(&w) {
            return Err(invalid(
                file,
                "issueWeights",
                format!(
                    "weight {w} of issue {:?} is outside 0..=1e6; weights are shares of the utility that sum to 1",
                    issue.name
                ),
            ));
        }
        let utils = &space
            .issue_utilities
            .get(&issue.name)
            .ok_or_else(|| {
                invalid(
                    file,
                    "issueUtilities",
                    format!("no utilities for issue {:?}", issue.name),
                )
            })?
            .discreteutils
            .value_utilities;
        if let Some(v) = utils
            .keys()
            .find(|v| !issue.values.iter().any(|x| &x.label == *v))
        {
            return Err(invalid(
                file,
                "valueUtilities",
                format!("value {v:?} is not a value of issue {:?}", issue.name),
            ));
        }
        let evals = issue
            .values
            .iter()
            .map(|v| {
                utils.get(&v.label).copied().ok_or_else(|| {
                    invalid(
                        file,
                        "valueUtilities",
                        format!(
                            "no utility for value {:?} of issue {:?}",
                            v.label, issue.name
                        ),
                    )
                })
            })
            .collect::<Result<Vec<f64>, _>>()?;
        weights.push(w);
        evaluations.push(evals);
    }
    let mut warnings = Vec::new();
    let total: f64 = weights.iter().sum();
    if (total - 1.0).abs() > 1e-3 {
        warnings.push(GeniusWarning {
            file: file.to_string(),
            message: format!("issueWeights sum to {total}, not 1"),
        });
    }
    let mut utility = AdditiveUtility {
        weights,
        evaluations,
        reservation: Some(0.0),
    };
    if let Some(bid) = &space.reservation_bid {
        let package = domain
            .issues()
            .iter()
            .map(|issue| {
                let value = bid.issuevalues.get(&issue.name).ok_or_else(|| {
                    invalid(
                        file,
                        "reservationBid",
                        format!("no value for issue {:?}", issue.name),
                    )
                })?;
                issue
                    .values
                    .iter()
                    .position(|v| &v.label == value)
                    .ok_or_else(|| {
                        invalid(
                            file,
                            "reservationBid",
                            format!("{value:?} is not a value of issue {:?}", issue.name),
                        )
                    })
            })
            .collect::<Result<Vec<usize>, _>>()?;
        utility.reservation = utility.eval(&Package(package));
    }
    Ok((space.name, utility, warnings))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// Writes `problem` as GENIUS XML: `(domain file text, [(profile file name, text)])`, profile
/// files named `<party>.xml`.
pub fn to_genius_xml(problem: &Problem) -> (String, Vec<(String, String)>) {
    let domain = problem.domain();
    let mut d = String::new();
    d.push_str("<negotiation_template>\n<utility_space number_of_issues=\"");
    let _ = write!(d, "{}", domain.issues().len());
    d.push_str("\">\n<objective index=\"0\" description=\"\" name=\"root\" type=\"objective\" etype=\"objective\">\n");
    for (k, issue) in domain.issues().iter().enumerate() {
        let _ = writeln!(
            d,
            "<issue index=\"{}\" name=\"{}\" type=\"discrete\" etype=\"discrete\" vtype=\"discrete\">",
            k + 1,
            escape(&issue.name)
        );
        for (v, value) in issue.values.iter().enumerate() {
            let _ = writeln!(
                d,
                "<item index=\"{}\" value=\"{}\"/>",
                v + 1,
                escape(&value.label)
            );
        }
        d.push_str("</issue>\n");
    }
    d.push_str("</objective>\n</utility_space>\n</negotiation_template>\n");

    let profiles = problem
        .parties()
        .iter()
        .map(|party| {
            let u = &party.utility;
            let mut p = String::from(
                "<utility_space>\n<objective index=\"0\" description=\"\" name=\"root\" type=\"objective\" etype=\"objective\">\n",
            );
            let mut weights = Vec::new();
            for (k, issue) in domain.issues().iter().enumerate() {
                let evals = u.evaluations.get(k).map_or(&[][..], |e| e.as_slice());
                let max = evals.iter().copied().fold(0.0, f64::max);
                let w = u.weights.get(k).copied().unwrap_or(0.0);
                // GENIUS rescales by the maximum on import, so fold it into the weight; an issue
                // without a positive evaluation contributes nothing and is written flat.
                let (weight, scaled): (f64, Vec<f64>) = if max > 0.0 {
                    (w * max, evals.iter().map(|e| e / max).collect())
                } else {
                    (0.0, vec![1.0; issue.values.len()])
                };
                weights.push(weight);
                let _ = writeln!(
                    p,
                    "<issue index=\"{}\" name=\"{}\" type=\"discrete\" etype=\"discrete\" vtype=\"discrete\">",
                    k + 1,
                    escape(&issue.name)
                );
                for (v, (value, e)) in issue.values.iter().zip(&scaled).enumerate() {
                    let _ = writeln!(
                        p,
                        "<item index=\"{}\" value=\"{}\" evaluation=\"{e:?}\"/>",
                        v + 1,
                        escape(&value.label)
                    );
                }
                p.push_str("</issue>\n");
            }
            for (k, w) in weights.iter().enumerate() {
                let _ = writeln!(p, "<weight index=\"{}\" value=\"{w:?}\"/>", k + 1);
            }
            p.push_str("</objective>\n");
            let _ = writeln!(
                p,
                "<reservation value=\"{:?}\"/>",
                u.reservation.unwrap_or(0.0)
            );
            p.push_str("</utility_space>\n");
            (format!("{}.xml", party.name), p)
        })
        .collect();
    (d, profiles)
}
