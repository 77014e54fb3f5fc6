//! Full GENIUS semantics: discrete, integer and real issues, linear-additive and non-linear
//! (hyper-rectangle) profiles, reservation values and discount factors.
//!
//! # What it reads
//! A domain file (root `<negotiation_template>`) lists `<issue>`s of type `discrete` (`<item
//! value>` children), `integer` (`lowerbound`/`upperbound` attributes) or `real` (bounds on the
//! issue or on a `<range>` child). A profile (root `<utility_space>`) is either linear (the
//! default) or `type="nonlinear"`.
//!
//! # Semantics (GENIUS, not NegMAS)
//! - Linear profile: `u = Σ_k w_k e_k(x_k)`, weights as written (a warning when they do not sum
//!   to 1 within 1e-6).
//! - Discrete issue: `e(v) = evaluation(v) / max_v evaluation(v)`.
//! - Integer issue with `<evaluator ftype="linear" slope offset>`:
//!   `e(x) = clamp(offset + slope·(x - lowerbound), 0, 1)`.
//! - Real issue with `<evaluator ftype="linear" parameter0 parameter1>`:
//!   `e(x) = clamp(parameter0 + parameter1·x, 0, 1)`.
//! - Non-linear profile: `u = min(1, Σ_r utility_r · [x ∈ r] / maxutility)` over the
//!   `<hyperRectangle>`s of the `<ufun type="PlainUfun" aggregation="sum">`, a rectangle
//!   containing `x` when every `<INCLUDES index min max>` holds (`min ≤ x_index ≤ max`).
//! - `<reservation value>`: default 0. `<discount_factor value=d>`: the utility at relative
//!   time `t ∈ [0, 1]` is `u·d^t`; `d ≤ 0` or `d > 1` means no discount.
//!
//! Integer issues are enumerated (every integer in the bounds); real issues are put on a grid of
//! [`GeniusConfig::real_grid_points`] evenly spaced points including both bounds, since the
//! negotiation engine enumerates outcomes ([`GeniusProfile::eval_values`] evaluates any real
//! value exactly).
//!
//! # References
//! Lin, R., Kraus, S., Baarslag, T., Tykhonov, D., Hindriks, K. and Jonker, C. M. (2014),
//! "Genius: an integrated environment for supporting the design of generic automated
//! negotiators", *Computational Intelligence* 30(1). Ito, T., Hattori, H. and Klein, M. (2007),
//! "Multi-issue negotiation protocol for agents: exploring nonlinear utility spaces", *IJCAI*
//! (hyper-rectangle constraint utilities, the ANAC 2014 domains).

use std::fmt;

use roxmltree::Node;
use serde::Serialize;

use super::genius::{
    GeniusError, attr, check_items, check_name, elements, invalid, number, parse_xml,
};
use super::{
    AdditiveUtility, Domain, DomainIssue, Package, Party, Problem, Rectangle, RectangleUtility,
    Utility, Value,
};

/// Most values an integer issue may enumerate.
pub const MAX_INTEGER_VALUES: i64 = 1_000_000;

/// Most values a domain's issues may enumerate together. Each issue was capped alone, so an
/// 18 kB domain of 200 integer issues of a million values each asked for 10 GB (found by an
/// audit of sizes read from input).
pub const MAX_DOMAIN_VALUES: usize = 2_000_000;

/// Most numbers a folder's profiles may read from the domain together when it becomes a
/// package problem ([`GeniusFolder::to_problem`]): a linear profile one per value of every
/// issue, a non-linear one per value of each issue each rectangle constrains. 880 kB of
/// rectangles on a million-value issue asked for 10 GB.
pub const MAX_PROBLEM_CELLS: usize = 20_000_000;

/// Largest magnitude of an integer issue's bounds: past 2^53 a float no longer holds every
/// integer, and the values were silently rounded or clamped.
const MAX_INTEGER_BOUND: f64 = 9_007_199_254_740_992.0;

/// Loader settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GeniusConfig {
    /// Grid points per real issue (at least 2; default 11).
    pub real_grid_points: usize,
    /// Keep discrete evaluations as written instead of dividing each issue's by its largest
    /// (GENIUS's own reading). NegMAS's `Scenario.from_genius_folder` reads them raw, so
    /// utilities run to the largest weighted sum (e.g. 9.85 on SupermarketA) and the
    /// reservation value applies on that scale; the `negmas` negotiation preset uses this.
    pub raw_evaluations: bool,
}

impl Default for GeniusConfig {
    fn default() -> Self {
        Self {
            real_grid_points: 11,
            raw_evaluations: false,
        }
    }
}

/// The kind of an issue and its bounds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum IssueKind {
    /// Named items.
    Discrete,
    /// Integers in `lower..=upper`.
    Integer {
        /// Lower bound.
        lower: i64,
        /// Upper bound.
        upper: i64,
    },
    /// Reals in `lower..=upper`.
    Real {
        /// Lower bound.
        lower: f64,
        /// Upper bound.
        upper: f64,
    },
}

/// A GENIUS domain: the enumerated [`Domain`] plus each issue's kind and `index` attribute.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GeniusDomain {
    /// The enumerated domain (integer values and real grid points carry their number).
    pub domain: Domain,
    /// Kind of each issue.
    pub kinds: Vec<IssueKind>,
    /// Each issue's `index` attribute (GENIUS issue number).
    pub indices: Vec<String>,
    /// Discrete evaluations are kept as written ([`GeniusConfig::raw_evaluations`]).
    pub raw_evaluations: bool,
}

/// One issue's evaluator in a linear profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Evaluator {
    /// Scaled evaluation of each item, in domain order.
    Discrete(Vec<f64>),
    /// `clamp(offset + slope·(x - lower), 0, 1)`.
    Integer {
        /// Issue lower bound.
        lower: f64,
        /// Slope.
        slope: f64,
        /// Offset.
        offset: f64,
    },
    /// `clamp(p0 + p1·x, 0, 1)`.
    Real {
        /// `parameter0`.
        p0: f64,
        /// `parameter1`.
        p1: f64,
    },
}

/// One hyper-rectangle of a non-linear profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HyperRectangle {
    /// Its utility when the outcome lies inside.
    pub utility: f64,
    /// `(issue position, min, max)` constraints, all of which must hold.
    pub includes: Vec<(usize, f64, f64)>,
}

/// A profile's utility function.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum GeniusUtility {
    /// `Σ_k w_k e_k(x_k)`.
    Linear {
        /// Weights, in domain issue order.
        weights: Vec<f64>,
        /// Evaluators, in domain issue order.
        evaluators: Vec<Evaluator>,
    },
    /// `min(1, Σ_r utility_r [x ∈ r] / max_utility)`.
    Nonlinear {
        /// `maxutility`.
        max_utility: f64,
        /// The rectangles.
        rectangles: Vec<HyperRectangle>,
    },
}

/// The value of one issue in an outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum IssueValue {
    /// Item index of a discrete issue.
    Item(usize),
    /// Value of an integer or real issue.
    Number(f64),
}

/// A parsed profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GeniusProfile {
    /// File stem.
    pub name: String,
    /// The utility function.
    pub utility: GeniusUtility,
    /// Reservation value (0 when absent).
    pub reservation: f64,
    /// Discount factor in `(0, 1]`, `None` when absent or out of range.
    pub discount: Option<f64>,
}

impl GeniusProfile {
    /// Utility of an outcome given issue by issue (a discrete issue by item index).
    pub fn eval_values(&self, values: &[IssueValue]) -> f64 {
        let number = |v: &IssueValue| match *v {
            IssueValue::Item(i) => i as f64,
            IssueValue::Number(x) => x,
        };
        match &self.utility {
            GeniusUtility::Linear {
                weights,
                evaluators,
            } => {
                let mut sum = 0.0;
                for ((w, e), v) in weights.iter().zip(evaluators).zip(values) {
                    sum += w * evaluate(Some(e), *v);
                }
                sum
            }
            GeniusUtility::Nonlinear {
                max_utility,
                rectangles,
            } => {
                let total: f64 = rectangles
                    .iter()
                    .filter(|r| {
                        r.includes.iter().all(|&(k, lo, hi)| {
                            values.get(k).is_some_and(|v| {
                                let x = number(v);
                                lo <= x && x <= hi
                            })
                        })
                    })
                    .map(|r| r.utility)
                    .sum();
                (total / max_utility).min(1.0)
            }
        }
    }

    /// Utility of a package of the folder's enumerated domain.
    pub fn eval_package_in(&self, domain: &Domain, package: &Package) -> f64 {
        let values: Vec<IssueValue> = domain
            .issues()
            .iter()
            .zip(&package.0)
            .map(
                |(issue, &v)| match issue.values.get(v).and_then(|x| x.number) {
                    Some(x) => IssueValue::Number(x),
                    None => IssueValue::Item(v),
                },
            )
            .collect();
        self.eval_values(&values)
    }

    /// `u·d^t`, or `u` without a discount factor.
    pub fn discounted(&self, utility: f64, time: f64) -> f64 {
        match self.discount {
            Some(d) => utility * d.powf(time),
            None => utility,
        }
    }
}

/// One issue's evaluation of one value: a discrete item's scaled evaluation, or an integer or
/// real evaluator's line clamped to `0..=1` (0 for a value of the wrong kind or no evaluator).
fn evaluate(e: Option<&Evaluator>, v: IssueValue) -> f64 {
    let number = match v {
        IssueValue::Item(i) => i as f64,
        IssueValue::Number(x) => x,
    };
    match (e, v) {
        (Some(Evaluator::Discrete(evals)), IssueValue::Item(i)) => {
            evals.get(i).copied().unwrap_or(0.0)
        }
        (
            Some(Evaluator::Integer {
                lower,
                slope,
                offset,
            }),
            _,
        ) => (offset + slope * (number - lower)).clamp(0.0, 1.0),
        (Some(Evaluator::Real { p0, p1 }), _) => (p0 + p1 * number).clamp(0.0, 1.0),
        (Some(Evaluator::Discrete(_)), IssueValue::Number(_)) | (None, _) => 0.0,
    }
}

/// A recoverable problem found while loading.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GeniusWarning {
    /// File name.
    pub file: String,
    /// What is odd.
    pub message: String,
}

impl fmt::Display for GeniusWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "warning: {}: {}", self.file, self.message)
    }
}

/// A loaded GENIUS folder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GeniusFolder {
    /// The enumerated domain.
    pub domain: Domain,
    /// Issue kinds and indices.
    pub genius_domain: GeniusDomain,
    /// Profiles ordered by file name.
    pub profiles: Vec<GeniusProfile>,
    /// Warnings.
    pub warnings: Vec<GeniusWarning>,
}

impl GeniusFolder {
    /// The folder as a package problem, for `bargain`'s frontier search. Each linear profile
    /// becomes an [`AdditiveUtility`] whose evaluations are its evaluators read at every value of
    /// the enumerated domain (an integer issue at each integer, a real issue at each grid point),
    /// with the same weights; each non-linear profile a [`RectangleUtility`] whose rectangles
    /// include, per constrained issue, the enumerated values within their bounds (a discrete
    /// issue's item by its index, as GENIUS reads it). Both keep the profile's reservation value,
    /// so the problem's utility of any package is [`GeniusProfile::eval_package_in`]'s. Parties
    /// are named after their files.
    ///
    /// # Errors
    /// A profile that does not fit the domain ([`GeniusError::Problem`]).
    pub fn to_problem(&self) -> Result<Problem, GeniusError> {
        let issues = self.domain.issues();
        let values = |k: usize| issues.get(k).map_or(0, |i| i.values.len());
        let cells = self
            .profiles
            .iter()
            .map(|profile| match &profile.utility {
                GeniusUtility::Linear { .. } => (0..issues.len()).map(values).sum(),
                GeniusUtility::Nonlinear { rectangles, .. } => rectangles
                    .iter()
                    .flat_map(|r| &r.includes)
                    .map(|&(k, _, _)| values(k))
                    .fold(0, usize::saturating_add),
            })
            .fold(0, usize::saturating_add);
        if cells > MAX_PROBLEM_CELLS {
            return Err(GeniusError::Invalid {
                file: self.domain.name().to_string(),
                element: "utility_space".to_string(),
                message: format!(
                    "the profiles read {cells} values of the domain in all (a linear profile every value of every issue, a non-linear one every value of each issue each rectangle constrains), over the limit of {MAX_PROBLEM_CELLS}; use fewer profiles, fewer rectangles or smaller integer issues"
                ),
            });
        }
        let number = |k: usize, v: usize| -> f64 {
            issues
                .get(k)
                .and_then(|issue| issue.values.get(v))
                .and_then(|value| value.number)
                .unwrap_or(v as f64)
        };
        let parties = self
            .profiles
            .iter()
            .map(|profile| {
                let utility: Utility = match &profile.utility {
                    GeniusUtility::Linear {
                        weights,
                        evaluators,
                    } => {
                        let evaluations = issues
                            .iter()
                            .enumerate()
                            .map(|(k, issue)| {
                                issue
                                    .values
                                    .iter()
                                    .enumerate()
                                    .map(|(v, value)| {
                                        let at = value
                                            .number
                                            .map_or(IssueValue::Item(v), IssueValue::Number);
                                        evaluate(evaluators.get(k), at)
                                    })
                                    .collect()
                            })
                            .collect();
                        AdditiveUtility {
                            weights: weights.clone(),
                            evaluations,
                            reservation: Some(profile.reservation),
                        }
                        .into()
                    }
                    GeniusUtility::Nonlinear {
                        max_utility,
                        rectangles,
                    } => RectangleUtility {
                        rectangles: rectangles
                            .iter()
                            .map(|rect| Rectangle {
                                utility: rect.utility,
                                includes: rect
                                    .includes
                                    .iter()
                                    .map(|&(k, lo, hi)| {
                                        let values = issues.get(k).map_or(0, |i| i.values.len());
                                        let inside = (0..values)
                                            .map(|v| {
                                                let x = number(k, v);
                                                lo <= x && x <= hi
                                            })
                                            .collect();
                                        (k, inside)
                                    })
                                    .collect(),
                            })
                            .collect(),
                        max_utility: *max_utility,
                        reservation: Some(profile.reservation),
                    }
                    .into(),
                };
                Party {
                    name: profile.name.clone(),
                    utility,
                    weight: 1.0,
                }
            })
            .collect();
        Ok(Problem::new(self.domain.clone(), parties, None)?)
    }

    /// Utility of `package` for profile `p` (0 for an unknown profile).
    pub fn eval(&self, p: usize, package: &Package) -> f64 {
        self.profiles
            .get(p)
            .map_or(0.0, |prof| prof.eval_package_in(&self.domain, package))
    }
}

/// Loads a folder (`(file name, text)` pairs) with the default [`GeniusConfig`]: the domain is
/// the one file with root `<negotiation_template>`, profiles are the `<utility_space>` files in
/// file-name order, other files (and files that do not start with `<`) are ignored.
pub fn load_folder_full(
    name: &str,
    files: &[(String, String)],
) -> Result<GeniusFolder, GeniusError> {
    load_folder_with(name, files, &GeniusConfig::default())
}

/// [`load_folder_full`] with explicit settings.
pub fn load_folder_with(
    name: &str,
    files: &[(String, String)],
    config: &GeniusConfig,
) -> Result<GeniusFolder, GeniusError> {
    let mut sorted: Vec<&(String, String)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut domains = Vec::new();
    let mut profiles = Vec::new();
    for (file, text) in sorted {
        // GENIUS folders can hold non-XML side files under .xml names (e.g. a pareto.xml of
        // bare utility pairs); they are not profiles.
        if !text.trim_start().starts_with('<') {
            continue;
        }
        let doc = parse_xml(file, text)?;
        match doc.root_element().tag_name().name() {
            "negotiation_template" => domains.push((file, text)),
            "utility_space" => profiles.push((file, text)),
            _ => {}
        }
    }
    let [(domain_file, domain_text)] = domains[..] else {
        return Err(GeniusError::DomainCount {
            found: domains.len(),
        });
    };
    let genius_domain = parse_domain_full(name, domain_file, domain_text, config)?;
    let mut warnings = Vec::new();
    let mut parsed = Vec::new();
    for (file, text) in profiles {
        let (profile, mut w) = parse_profile_full(&genius_domain, file, text)?;
        warnings.append(&mut w);
        parsed.push(profile);
    }
    Ok(GeniusFolder {
        domain: genius_domain.domain.clone(),
        genius_domain,
        profiles: parsed,
        warnings,
    })
}

/// Parses a domain file of any issue kinds.
pub fn parse_domain_full(
    name: &str,
    file: &str,
    text: &str,
    config: &GeniusConfig,
) -> Result<GeniusDomain, GeniusError> {
    let doc = parse_xml(file, text)?;
    let root = doc.root_element();
    if root.tag_name().name() != "negotiation_template" {
        return Err(invalid(
            file,
            root,
            "the domain's root must be <negotiation_template>",
        ));
    }
    let mut issues = Vec::new();
    let mut kinds = Vec::new();
    let mut indices = Vec::new();
    let mut total = 0usize;
    for issue in elements(root, "issue") {
        let issue_name = attr(file, issue, "name")?.to_string();
        check_name(file, issue, &issue_name)?;
        // A repeated issue is ambiguous (profiles match issues by name) and multiplies the
        // package space for nothing (issue 16: a 1 MB domain repeating one issue grew
        // `bargain` past 5 GB).
        if issues.iter().any(|i: &DomainIssue| i.name == issue_name) {
            return Err(invalid(
                file,
                issue,
                &format!("issue `{issue_name}` appears twice; give each <issue> its own name"),
            ));
        }
        indices.push(attr(file, issue, "index")?.to_string());
        let kind = issue_kind(file, issue)?;
        // Counted before an integer issue is listed (a discrete one lists what the file holds).
        let count = match &kind {
            IssueKind::Discrete => elements(issue, "item").count(),
            IssueKind::Integer { lower, upper } => {
                usize::try_from(upper.saturating_sub(*lower)).map_or(usize::MAX, |n| n + 1)
            }
            IssueKind::Real { .. } => config.real_grid_points.max(2),
        };
        total = total.saturating_add(count);
        if total > MAX_DOMAIN_VALUES {
            return Err(invalid(
                file,
                issue,
                &format!(
                    "the issues up to `{issue_name}` enumerate {total} values together, over the limit of {MAX_DOMAIN_VALUES}; use smaller integer ranges, fewer issues or fewer real grid points"
                ),
            ));
        }
        let values = match &kind {
            IssueKind::Discrete => {
                let values = elements(issue, "item")
                    .map(|item| {
                        Ok(Value {
                            label: attr(file, item, "value")?.to_string(),
                            number: None,
                        })
                    })
                    .collect::<Result<Vec<_>, GeniusError>>()?;
                if values.is_empty() {
                    return Err(invalid(
                        file,
                        issue,
                        &format!("issue `{issue_name}` has no <item>"),
                    ));
                }
                check_items(file, issue, &issue_name, &values)?;
                values
            }
            IssueKind::Integer { lower, upper } => (*lower..=*upper)
                .map(|x| Value {
                    label: x.to_string(),
                    number: Some(x as f64),
                })
                .collect(),
            IssueKind::Real { lower, upper } => {
                let points = config.real_grid_points.max(2);
                (0..points)
                    .map(|j| {
                        let x = if j + 1 == points {
                            *upper
                        } else {
                            lower + (upper - lower) * j as f64 / (points - 1) as f64
                        };
                        Value {
                            label: format!("{x}"),
                            number: Some(x),
                        }
                    })
                    .collect()
            }
        };
        kinds.push(kind);
        issues.push(DomainIssue {
            name: issue_name,
            values,
        });
    }
    let domain = Domain::new(name, issues).map_err(|e| invalid(file, root, &e.to_string()))?;
    Ok(GeniusDomain {
        domain,
        kinds,
        indices,
        raw_evaluations: config.raw_evaluations,
    })
}

fn issue_kind(file: &str, issue: Node) -> Result<IssueKind, GeniusError> {
    let kind = issue
        .attribute("type")
        .or_else(|| issue.attribute("etype"))
        .or_else(|| issue.attribute("vtype"))
        .unwrap_or("discrete");
    match kind {
        "discrete" => Ok(IssueKind::Discrete),
        "integer" => {
            let lower = number(file, issue, "lowerbound")?;
            let upper = number(file, issue, "upperbound")?;
            if lower.fract() != 0.0 || upper.fract() != 0.0 || lower > upper {
                return Err(GeniusError::Invalid {
                    file: file.to_string(),
                    element: "issue".to_string(),
                    message: format!(
                        "attributes `lowerbound`/`upperbound` must be integers with lowerbound <= upperbound, got {lower} and {upper}"
                    ),
                });
            }
            if lower.abs() > MAX_INTEGER_BOUND || upper.abs() > MAX_INTEGER_BOUND {
                return Err(invalid(
                    file,
                    issue,
                    &format!(
                        "integer bounds {lower} and {upper} are past ±2^53 ({MAX_INTEGER_BOUND}), where a number no longer holds every integer"
                    ),
                ));
            }
            if upper - lower >= MAX_INTEGER_VALUES as f64 {
                return Err(invalid(
                    file,
                    issue,
                    &format!("integer issue spans more than {MAX_INTEGER_VALUES} values"),
                ));
            }
            Ok(IssueKind::Integer {
                lower: lower as i64,
                upper: upper as i64,
            })
        }
        "real" => {
            let holder = if issue.attribute("lowerbound").is_some() {
                issue
            } else {
                elements(issue, "range")
                    .next()
                    .ok_or_else(|| GeniusError::MissingAttribute {
                        file: file.to_string(),
                        element: "issue".to_string(),
                        attribute: "lowerbound".to_string(),
                    })?
            };
            let lower = number(file, holder, "lowerbound")?;
            let upper = number(file, holder, "upperbound")?;
            if lower > upper {
                return Err(invalid(file, holder, "lowerbound is above upperbound"));
            }
            Ok(IssueKind::Real { lower, upper })
        }
        other => Err(GeniusError::Unsupported {
            file: file.to_string(),
            element: "issue".to_string(),
            what: format!("issue type {other:?}"),
        }),
    }
}

/// Parses a profile of any supported kind against `domain`.
pub fn parse_profile_full(
    domain: &GeniusDomain,
    file: &str,
    text: &str,
) -> Result<(GeniusProfile, Vec<GeniusWarning>), GeniusError> {
    let doc = parse_xml(file, text)?;
    let root = doc.root_element();
    if root.tag_name().name() != "utility_space" {
        return Err(invalid(
            file,
            root,
            "a profile's root must be <utility_space>",
        ));
    }
    let reservation = match elements(root, "reservation").next() {
        Some(node) => number(file, node, "value")?,
        None => 0.0,
    };
    let discount = match elements(root, "discount_factor").next() {
        Some(node) => Some(number(file, node, "value")?).filter(|d| *d > 0.0 && *d <= 1.0),
        None => None,
    };
    let mut warnings = Vec::new();
    let utility = match root.attribute("type").unwrap_or("linear") {
        "linear" => linear(domain, file, root, &mut warnings)?,
        "nonlinear" => nonlinear(domain, file, root)?,
        other => {
            return Err(GeniusError::Unsupported {
                file: file.to_string(),
                element: "utility_space".to_string(),
                what: format!("utility space type {other:?}"),
            });
        }
    };
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let name = stem.rsplit(['/', '\\']).next().unwrap_or(stem).to_string();
    Ok((
        GeniusProfile {
            name,
            utility,
            reservation,
            discount,
        },
        warnings,
    ))
}

fn linear(
    domain: &GeniusDomain,
    file: &str,
    root: Node,
    warnings: &mut Vec<GeniusWarning>,
) -> Result<GeniusUtility, GeniusError> {
    let profile_issues: Vec<Node> = elements(root, "issue").collect();
    let weight_nodes: Vec<Node> = elements(root, "weight").collect();
    // Every weight must point at one of the profile's issues.
    for w in &weight_nodes {
        let index = attr(file, *w, "index")?;
        if !profile_issues
            .iter()
            .any(|i| i.attribute("index") == Some(index))
        {
            return Err(GeniusError::Invalid {
                file: file.to_string(),
                element: "weight".to_string(),
                message: format!(
                    "attribute `index` is {index:?}, which names no <issue> of the profile"
                ),
            });
        }
    }
    let issues = domain.domain.issues();
    let mut weights = Vec::with_capacity(issues.len());
    let mut evaluators = Vec::with_capacity(issues.len());
    for (k, issue) in issues.iter().enumerate() {
        let node = profile_issues
            .iter()
            .find(|n| n.attribute("name") == Some(issue.name.as_str()))
            .or_else(|| profile_issues.get(k))
            .copied()
            .ok_or_else(|| GeniusError::Invalid {
                file: file.to_string(),
                element: "issue".to_string(),
                message: format!("no <issue> for domain issue `{}`", issue.name),
            })?;
        let index = attr(file, node, "index")?;
        let weight_node = weight_nodes
            .iter()
            .find(|w| w.attribute("index") == Some(index))
            .ok_or_else(|| GeniusError::MissingAttribute {
                file: file.to_string(),
                element: format!("weight index=\"{index}\""),
                attribute: format!("value (no weight for issue `{}`)", issue.name),
            })?;
        let weight = number(file, *weight_node, "value")?;
        if weight < 0.0 {
            return Err(invalid(
                file,
                *weight_node,
                "attribute `value` (weight) is negative",
            ));
        }
        if weight > super::genius::MAX_WEIGHT {
            return Err(invalid(file, *weight_node, super::genius::WEIGHT_TOO_LARGE));
        }
        let evaluator = match domain.kinds.get(k) {
            Some(IssueKind::Discrete) | None => {
                discrete_evaluator(file, node, issue, domain.raw_evaluations)?
            }
            Some(IssueKind::Integer { lower, .. }) => {
                let ev = evaluator_node(file, node)?;
                Evaluator::Integer {
                    lower: *lower as f64,
                    slope: number(file, ev, "slope")?,
                    offset: number(file, ev, "offset")?,
                }
            }
            Some(IssueKind::Real { .. }) => {
                let ev = evaluator_node(file, node)?;
                Evaluator::Real {
                    p0: number(file, ev, "parameter0")?,
                    p1: number(file, ev, "parameter1")?,
                }
            }
        };
        weights.push(weight);
        evaluators.push(evaluator);
    }
    let total: f64 = weights.iter().sum();
    if (total - 1.0).abs() > 1e-3 {
        warnings.push(GeniusWarning {
            file: file.to_string(),
            message: format!("<weight> values sum to {total}, not 1; utilities are not normalised"),
        });
    }
    Ok(GeniusUtility::Linear {
        weights,
        evaluators,
    })
}

fn evaluator_node<'a, 'i>(file: &str, issue: Node<'a, 'i>) -> Result<Node<'a, 'i>, GeniusError> {
    let ev = elements(issue, "evaluator")
        .next()
        .ok_or_else(|| GeniusError::Invalid {
            file: file.to_string(),
            element: "issue".to_string(),
            message: format!(
                "issue `{}` has no <evaluator>",
                issue.attribute("name").unwrap_or("?")
            ),
        })?;
    match ev.attribute("ftype").unwrap_or("linear") {
        "linear" => Ok(ev),
        other => Err(GeniusError::Unsupported {
            file: file.to_string(),
            element: "evaluator".to_string(),
            what: format!("evaluator ftype {other:?}"),
        }),
    }
}

fn discrete_evaluator(
    file: &str,
    node: Node,
    issue: &DomainIssue,
    raw_evaluations: bool,
) -> Result<Evaluator, GeniusError> {
    let items: Vec<Node> = elements(node, "item").collect();
    for item in &items {
        let value = attr(file, *item, "value")?;
        if !issue.values.iter().any(|v| v.label == value) {
            return Err(GeniusError::Invalid {
                file: file.to_string(),
                element: "item".to_string(),
                message: format!(
                    "attribute `value` is {value:?}, a value issue `{}` of the domain lacks",
                    issue.name
                ),
            });
        }
    }
    let mut raw = Vec::with_capacity(issue.values.len());
    for value in &issue.values {
        let item = items
            .iter()
            .find(|i| i.attribute("value") == Some(value.label.as_str()))
            .ok_or_else(|| GeniusError::Invalid {
                file: file.to_string(),
                element: "issue".to_string(),
                message: format!(
                    "no <item> for value {:?} of issue `{}`",
                    value.label, issue.name
                ),
            })?;
        let e = number(file, *item, "evaluation")?;
        if e < 0.0 {
            return Err(invalid(file, *item, "attribute `evaluation` is negative"));
        }
        raw.push(e);
    }
    let max = raw.iter().copied().fold(0.0, f64::max);
    if max <= 0.0 {
        return Err(invalid(
            file,
            node,
            &format!(
                "issue `{}` has no positive evaluation to scale by",
                issue.name
            ),
        ));
    }
    if raw_evaluations {
        return Ok(Evaluator::Discrete(raw));
    }
    Ok(Evaluator::Discrete(raw.iter().map(|e| e / max).collect()))
}

fn nonlinear(domain: &GeniusDomain, file: &str, root: Node) -> Result<GeniusUtility, GeniusError> {
    let utility = elements(root, "utility")
        .next()
        .ok_or_else(|| GeniusError::Invalid {
            file: file.to_string(),
            element: "utility_space".to_string(),
            message: "a nonlinear profile needs a <utility maxutility=...> element".to_string(),
        })?;
    let max_utility = number(file, utility, "maxutility")?;
    if max_utility <= 0.0 {
        return Err(invalid(
            file,
            utility,
            "attribute `maxutility` must be positive",
        ));
    }
    for ufun in elements(utility, "ufun") {
        let kind = ufun.attribute("type").unwrap_or("PlainUfun");
        let aggregation = ufun.attribute("aggregation").unwrap_or("sum");
        if kind != "PlainUfun" || aggregation != "sum" {
            return Err(GeniusError::Unsupported {
                file: file.to_string(),
                element: "ufun".to_string(),
                what: format!("ufun type {kind:?} with aggregation {aggregation:?}"),
            });
        }
    }
    let mut rectangles = Vec::new();
    for rect in elements(utility, "hyperRectangle") {
        if let Some(ex) = elements(rect, "EXCLUDES").next() {
            return Err(GeniusError::Unsupported {
                file: file.to_string(),
                element: ex.tag_name().name().to_string(),
                what: "hyper-rectangle exclusions".to_string(),
            });
        }
        let u = number(file, rect, "utility")?;
        let mut includes = Vec::new();
        for inc in elements(rect, "INCLUDES") {
            let index = attr(file, inc, "index")?;
            let k = domain
                .indices
                .iter()
                .position(|i| i == index)
                .ok_or_else(|| GeniusError::Invalid {
                    file: file.to_string(),
                    element: "INCLUDES".to_string(),
                    message: format!(
                        "attribute `index` is {index:?}, which names no issue of the domain"
                    ),
                })?;
            includes.push((k, number(file, inc, "min")?, number(file, inc, "max")?));
        }
        rectangles.push(HyperRectangle {
            utility: u,
            includes,
        });
    }
    // Every partial sum is at most the sum of magnitudes, so a finite bound here means no
    // utility of any outcome overflows to an infinity.
    let magnitude: f64 = rectangles.iter().map(|r| r.utility.abs()).sum();
    if !(magnitude / max_utility).is_finite() {
        return Err(invalid(
            file,
            utility,
            "the hyper-rectangle utilities are too large to add up (their magnitudes over `maxutility` overflow); rescale them",
        ));
    }
    Ok(GeniusUtility::Nonlinear {
        max_utility,
        rectangles,
    })
}
