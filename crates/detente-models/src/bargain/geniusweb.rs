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
//! [`to_geniusweb_json`] writes a problem as a GeniusWeb folder; [`load_folder`] reads a GeniusWeb folder (one domain file and one profile per party) as a
//! package problem, as `genius::load_folder` reads a GENIUS one.
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
use super::{AdditiveUtility, BargainError, Domain, DomainIssue, Package, Party, Problem, Value};

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

/// Builds a problem from the JSON files of a GeniusWeb folder: exactly one domain (a file with
/// `issuesValues` at the top) and one `LinearAdditiveUtilitySpace` profile per party, named
/// after its file (as GENIUS folders are), in file-name order. Files that are neither (a
/// README, a results file) are left alone; a file that is not JSON is an error naming it.
///
/// # Errors
/// [`GeniusError::Invalid`] without exactly one domain, and the parsers' errors.
pub fn load_folder(
    name: &str,
    files: &[(String, String)],
) -> Result<(Problem, Vec<GeniusWarning>), GeniusError> {
    let mut sorted: Vec<&(String, String)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut domains = Vec::new();
    let mut profiles = Vec::new();
    for (file, text) in sorted {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| json_error(file, "json", e))?;
        if value.get("issuesValues").is_some() {
            domains.push((file, text));
        } else if value.get("LinearAdditiveUtilitySpace").is_some() {
            profiles.push((file, text));
        }
    }
    let [(domain_file, domain_text)] = domains[..] else {
        return Err(invalid(
            name,
            "issuesValues",
            format!(
                "expected exactly one GeniusWeb domain file (a JSON object with `issuesValues`), found {}",
                domains.len()
            ),
        ));
    };
    let mut domain = parse_geniusweb_domain(domain_file, domain_text)?;
    if domain.name().is_empty() {
        domain = Domain::new(name, domain.issues().to_vec())
            .map_err(|e| json_error(domain_file, "issuesValues", e))?;
    }
    let mut warnings = Vec::new();
    let parties = profiles
        .into_iter()
        .map(|(file, text)| {
            let (_, utility, found) = parse_geniusweb_profile(&domain, file, text)?;
            warnings.extend(found);
            let stem = file.rsplit_once('.').map_or(file.as_str(), |(s, _)| s);
            Ok(Party {
                name: stem.to_string(),
                utility: utility.into(),
                weight: 1.0,
            })
        })
        .collect::<Result<Vec<_>, GeniusError>>()?;
    Ok((Problem::new(domain, parties, None)?, warnings))
}

/// Writes `problem` as GeniusWeb JSON: `(domain file text, [(profile file name, text)])`,
/// profiles named `<party>.json`, each a `LinearAdditiveUtilitySpace` with the domain embedded.
/// GeniusWeb uses utilities as written, so the evaluations and weights are the problem's own;
/// a party's reservation value becomes a reservation *bid*, the problem's status quo (whose
/// utility it is for a scenario), and a problem without a status quo has none. Issues and
/// values keep their order; [`load_folder`] reads the files back to the same utilities.
///
/// # Errors
/// [`BargainError::InvalidUtility`] for a party without an additive utility (a hyper-rectangle
/// profile has no linear-additive form to write).
pub fn to_geniusweb_json(
    problem: &Problem,
) -> Result<(String, Vec<(String, String)>), BargainError> {
    let domain = problem.domain();
    let issues_values: IndexMap<String, IssueValuesOut> = domain
        .issues()
        .iter()
        .map(|issue| {
            (
                issue.name.clone(),
                IssueValuesOut {
                    values: issue.values.iter().map(|v| v.label.clone()).collect(),
                },
            )
        })
        .collect();
    let domain_out = DomainOut {
        name: domain.name().to_owned(),
        issues_values,
    };
    let reservation_bid = problem.status_quo().map(|sq| BidOut {
        issuevalues: domain
            .issues()
            .iter()
            .zip(&sq.0)
            .map(|(issue, &v)| {
                (
                    issue.name.clone(),
                    issue
                        .values
                        .get(v)
                        .map(|x| x.label.clone())
                        .unwrap_or_default(),
                )
            })
            .collect(),
    });
    let profiles = problem
        .parties()
        .iter()
        .map(|party| {
            let u = additive(party)?;
            let space = LinearOut {
                name: party.name.clone(),
                issue_utilities: domain
                    .issues()
                    .iter()
                    .enumerate()
                    .map(|(k, issue)| {
                        let evals = u.evaluations.get(k).map_or(&[][..], Vec::as_slice);
                        (
                            issue.name.clone(),
                            IssueUtilityOut {
                                discreteutils: DiscreteOut {
                                    value_utilities: issue
                                        .values
                                        .iter()
                                        .zip(evals)
                                        .map(|(v, e)| (v.label.clone(), *e))
                                        .collect(),
                                },
                            },
                        )
                    })
                    .collect(),
                issue_weights: domain
                    .issues()
                    .iter()
                    .zip(&u.weights)
                    .map(|(issue, w)| (issue.name.clone(), *w))
                    .collect(),
                domain: &domain_out,
                reservation_bid: reservation_bid.as_ref(),
            };
            Ok((
                format!("{}.json", party.name),
                pretty(&ProfileOut {
                    linear_additive_utility_space: space,
                }),
            ))
        })
        .collect::<Result<_, BargainError>>()?;
    Ok((pretty(&domain_out), profiles))
}

/// A party's additive utility, the only kind the GENIUS and GeniusWeb writers know.
fn additive(party: &Party) -> Result<&AdditiveUtility, BargainError> {
    party
        .utility
        .additive()
        .ok_or_else(|| BargainError::InvalidUtility {
            party: party.name.clone(),
            reason: "a hyper-rectangle utility has no linear-additive form to write".to_owned(),
        })
}

#[derive(serde::Serialize)]
struct IssueValuesOut {
    values: Vec<String>,
}

#[derive(serde::Serialize)]
struct DomainOut {
    name: String,
    #[serde(rename = "issuesValues")]
    issues_values: IndexMap<String, IssueValuesOut>,
}

#[derive(serde::Serialize)]
struct DiscreteOut {
    #[serde(rename = "valueUtilities")]
    value_utilities: IndexMap<String, f64>,
}

#[derive(serde::Serialize)]
struct IssueUtilityOut {
    discreteutils: DiscreteOut,
}

#[derive(serde::Serialize)]
struct BidOut {
    issuevalues: IndexMap<String, String>,
}

#[derive(serde::Serialize)]
struct LinearOut<'a> {
    name: String,
    #[serde(rename = "issueUtilities")]
    issue_utilities: IndexMap<String, IssueUtilityOut>,
    #[serde(rename = "issueWeights")]
    issue_weights: IndexMap<String, f64>,
    domain: &'a DomainOut,
    #[serde(rename = "reservationBid", skip_serializing_if = "Option::is_none")]
    reservation_bid: Option<&'a BidOut>,
}

#[derive(serde::Serialize)]
struct ProfileOut<'a> {
    #[serde(rename = "LinearAdditiveUtilitySpace")]
    linear_additive_utility_space: LinearOut<'a>,
}

/// Pretty JSON of the writer's own types, with a trailing newline. They hold only strings,
/// finite numbers and maps with string keys, which serde_json always writes.
fn pretty<T: serde::Serialize>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
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
///
/// # Errors
/// As [`to_geniusweb_json`].
pub fn to_genius_xml(problem: &Problem) -> Result<(String, Vec<(String, String)>), BargainError> {
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
            let u = additive(party)?;
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
            Ok((format!("{}.xml", party.name), p))
        })
        .collect::<Result<_, BargainError>>()?;
    Ok((d, profiles))
}
