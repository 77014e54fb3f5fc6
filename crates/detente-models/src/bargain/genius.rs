//! Reads GENIUS discrete linear-additive domains: a domain file and one profile per party.
//!
//! # What it reads
//! A domain file has root `<negotiation_template>` and lists `<issue>` elements with `<item
//! value=…>` children; a profile has root `<utility_space>` and gives, per issue (matched to the
//! domain's issue by name, else by position), an `evaluation` for each item (matched by `value`),
//! a `<weight index=… value=…>` per issue, and optionally `<reservation value=…>` (default 0).
//! Discount factors are read by GENIUS for timed negotiation only and are ignored here.
//!
//! # Semantics
//! GENIUS evaluates a discrete issue as the item's evaluation divided by the largest evaluation
//! on that issue, then takes the weighted sum with the weights as written. NegMAS's loader keeps
//! the raw evaluations; detente follows GENIUS, so utilities are in `[0, Σ w]`.
//!
//! # Limits
//! Only discrete issues and linear-additive profiles: `integer`/`real` issues and non-linear
//! profiles are refused with [`GeniusError::Unsupported`] (full GENIUS import is a later
//! feature). This module reads no files: callers pass `(file name, text)` pairs.

use roxmltree::{Document, Node};
use thiserror::Error;

use super::{AdditiveUtility, BargainError, Domain, DomainIssue, Party, Problem, Value};

/// Everything that can go wrong reading a GENIUS domain. Each message names the file, and where
/// it applies the element and attribute.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum GeniusError {
    /// The text is not well-formed XML.
    #[error("{file}: not well-formed xml: {message}")]
    Xml {
        /// File name.
        file: String,
        /// The XML parser's message.
        message: String,
    },
    /// A required attribute is missing.
    #[error("{file}: <{element}> has no `{attribute}` attribute")]
    MissingAttribute {
        /// File name.
        file: String,
        /// Element name.
        element: String,
        /// Attribute name.
        attribute: String,
    },
    /// An attribute that must be a number is not.
    #[error("{file}: <{element}> attribute `{attribute}` is {value:?}, not a finite number")]
    NotANumber {
        /// File name.
        file: String,
        /// Element name.
        element: String,
        /// Attribute name.
        attribute: String,
        /// The text found.
        value: String,
    },
    /// The file is well-formed but its content is inconsistent.
    #[error("{file}: <{element}>: {message}")]
    Invalid {
        /// File name.
        file: String,
        /// Element name.
        element: String,
        /// What is wrong.
        message: String,
    },
    /// A feature outside discrete linear-additive GENIUS.
    #[error("{file}: <{element}>: {what} is not supported (only discrete linear-additive domains)")]
    Unsupported {
        /// File name.
        file: String,
        /// Element name.
        element: String,
        /// The unsupported feature.
        what: String,
    },
    /// No file has root `<negotiation_template>`, or more than one has.
    #[error("expected exactly one domain file (root <negotiation_template>), found {found}")]
    DomainCount {
        /// How many domain files were found.
        found: usize,
    },
    /// The domain and profiles do not make a valid problem.
    #[error(transparent)]
    Problem(#[from] BargainError),
}

/// Builds a problem from the files of a GENIUS domain folder: the domain file is found by its
/// root tag, every `<utility_space>` file is a party, ordered by file name (as NegMAS does).
/// Files with other roots are ignored.
pub fn load_folder(name: &str, files: &[(String, String)]) -> Result<Problem, GeniusError> {
    let mut sorted: Vec<&(String, String)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut domains = Vec::new();
    let mut profiles = Vec::new();
    for (file, text) in sorted {
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
    let domain = parse_domain(name, domain_file, domain_text)?;
    let parties = profiles
        .into_iter()
        .map(|(file, text)| {
            let utility = parse_profile(&domain, file, text)?;
            let stem = file.rsplit_once('.').map_or(file.as_str(), |(s, _)| s);
            Ok(Party {
                name: stem.to_string(),
                utility: utility.into(),
                weight: 1.0,
            })
        })
        .collect::<Result<Vec<_>, GeniusError>>()?;
    Ok(Problem::new(domain, parties, None)?)
}

/// Parses a domain file (root `<negotiation_template>`).
pub fn parse_domain(name: &str, file: &str, text: &str) -> Result<Domain, GeniusError> {
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
    for issue in elements(root, "issue") {
        check_discrete(file, issue)?;
        let values = elements(issue, "item")
            .map(|item| {
                Ok(Value {
                    label: attr(file, item, "value")?.to_string(),
                    number: None,
                })
            })
            .collect::<Result<Vec<_>, GeniusError>>()?;
        if values.is_empty() {
            return Err(invalid(file, issue, "issue has no <item>"));
        }
        let issue_name = attr(file, issue, "name")?;
        check_name(file, issue, issue_name)?;
        // A repeated issue (or item) is ambiguous, and every profile match by name would pick
        // the first; it also multiplies the package space for nothing (issue 16: a 1 MB domain
        // repeating one issue grew `bargain` past 5 GB).
        if issues.iter().any(|i: &DomainIssue| i.name == issue_name) {
            return Err(invalid(
                file,
                issue,
                &format!("issue `{issue_name}` appears twice; give each <issue> its own name"),
            ));
        }
        check_items(file, issue, issue_name, &values)?;
        issues.push(DomainIssue {
            name: issue_name.to_string(),
            values,
        });
    }
    Domain::new(name, issues).map_err(|e| invalid(file, root, &e.to_string()))
}

/// Parses one party's profile (root `<utility_space>`) against `domain`, which must have come
/// from the same folder's domain file (issues are matched by position there and by `index` here).
pub fn parse_profile(
    domain: &Domain,
    file: &str,
    text: &str,
) -> Result<AdditiveUtility, GeniusError> {
    let doc = parse_xml(file, text)?;
    let root = doc.root_element();
    if root.tag_name().name() != "utility_space" {
        return Err(invalid(
            file,
            root,
            "a profile's root must be <utility_space>",
        ));
    }
    if let Some(kind) = root.attribute("type").filter(|t| *t != "linear") {
        return Err(GeniusError::Unsupported {
            file: file.to_string(),
            element: "utility_space".to_string(),
            what: format!("utility space type {kind:?}"),
        });
    }
    let reservation = match elements(root, "reservation").next() {
        Some(node) => number(file, node, "value")?,
        None => 0.0,
    };
    let profile_issues: Vec<Node> = elements(root, "issue").collect();
    let weight_nodes: Vec<Node> = elements(root, "weight").collect();
    let mut weights = Vec::with_capacity(domain.issues().len());
    let mut evaluations = Vec::with_capacity(domain.issues().len());
    for (k, issue) in domain.issues().iter().enumerate() {
        // Profiles repeat the domain's issues; match by name (robust to reordering), else by
        // position. The weight belongs to the profile issue's own `index` attribute.
        let node = find_issue(file, &profile_issues, k, &issue.name)?;
        check_discrete(file, node)?;
        let index = attr(file, node, "index")?;
        let weight_node = weight_nodes
            .iter()
            .find(|w| w.attribute("index") == Some(index))
            .ok_or_else(|| {
                invalid(
                    file,
                    root,
                    &format!("no <weight index=\"{index}\"> for issue `{}`", issue.name),
                )
            })?;
        let weight = number(file, *weight_node, "value")?;
        if weight < 0.0 {
            return Err(invalid(file, *weight_node, "weight is negative"));
        }
        if weight > MAX_WEIGHT {
            return Err(invalid(file, *weight_node, WEIGHT_TOO_LARGE));
        }
        let items: Vec<Node> = elements(node, "item").collect();
        let mut raw = Vec::with_capacity(issue.values.len());
        for value in &issue.values {
            let item = items
                .iter()
                .find(|i| i.attribute("value") == Some(value.label.as_str()))
                .ok_or_else(|| {
                    invalid(
                        file,
                        node,
                        &format!(
                            "no <item> for value {:?} of issue `{}`",
                            value.label, issue.name
                        ),
                    )
                })?;
            let e = number(file, *item, "evaluation")?;
            if e < 0.0 {
                return Err(invalid(file, *item, "evaluation is negative"));
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
        weights.push(weight);
        evaluations.push(raw.iter().map(|e| e / max).collect());
    }
    Ok(AdditiveUtility {
        weights,
        evaluations,
        reservation: Some(reservation),
    })
}

/// Largest issue weight accepted. GENIUS weights are shares that sum to 1; far larger ones
/// overflow the weighted sums (issue 16: a weight of 1e308 gave infinite utilities).
pub const MAX_WEIGHT: f64 = 1e6;

/// The message for a weight over [`MAX_WEIGHT`].
/// Refuses an item label that [`check_name`] refuses, or one given twice in an issue: a
/// profile matches items by label, so a repeated one is ambiguous. Shared by both readers.
pub(crate) fn check_items(
    file: &str,
    issue: Node,
    issue_name: &str,
    values: &[Value],
) -> Result<(), GeniusError> {
    for (k, v) in values.iter().enumerate() {
        check_name(file, issue, &v.label)?;
        if values[..k].iter().any(|w| w.label == v.label) {
            return Err(invalid(
                file,
                issue,
                &format!(
                    "issue `{issue_name}` lists item {:?} twice; give each <item> its own value",
                    v.label
                ),
            ));
        }
    }
    Ok(())
}

pub(crate) const WEIGHT_TOO_LARGE: &str =
    "weight is over 1e6; GENIUS weights are shares of the utility that sum to 1";

/// Refuses names and labels that could not be shown safely: over
/// [`detente_core::MAX_LINE_CHARS`] characters (tables pad to the longest name), or holding
/// control characters or bidirectional overrides (terminal escapes, reordered text).
pub(crate) fn check_name(file: &str, node: Node, name: &str) -> Result<(), GeniusError> {
    if name
        .chars()
        .any(|c| c.is_control() || detente_core::is_unsafe_char(c))
    {
        return Err(invalid(
            file,
            node,
            &format!(
                "name {:?} holds a control character or bidirectional override; remove it",
                detente_core::neutralise(name.to_string())
            ),
        ));
    }
    if name.chars().nth(detente_core::MAX_LINE_CHARS).is_some() {
        return Err(invalid(
            file,
            node,
            &format!(
                "a name of {} characters is over the limit of {}; shorten it",
                name.chars().count(),
                detente_core::MAX_LINE_CHARS
            ),
        ));
    }
    Ok(())
}

// The XML helpers below are shared with `genius_full`, the reader of every GENIUS domain kind.

pub(super) fn parse_xml<'a>(file: &str, text: &'a str) -> Result<Document<'a>, GeniusError> {
    Document::parse(text).map_err(|e| GeniusError::Xml {
        file: file.to_string(),
        message: e.to_string(),
    })
}

pub(super) fn elements<'a, 'i>(
    node: Node<'a, 'i>,
    tag: &'static str,
) -> impl Iterator<Item = Node<'a, 'i>> {
    node.descendants()
        .filter(move |n| n.is_element() && n.tag_name().name() == tag)
}

fn find_issue<'a, 'i>(
    file: &str,
    issues: &[Node<'a, 'i>],
    k: usize,
    name: &str,
) -> Result<Node<'a, 'i>, GeniusError> {
    let by_name = issues.iter().find(|n| n.attribute("name") == Some(name));
    let by_position = issues.get(k);
    by_name
        .or(by_position)
        .copied()
        .ok_or_else(|| GeniusError::Invalid {
            file: file.to_string(),
            element: "issue".to_string(),
            message: format!("no <issue> for domain issue `{name}`"),
        })
}

fn check_discrete(file: &str, issue: Node) -> Result<(), GeniusError> {
    for key in ["type", "etype", "vtype"] {
        if let Some(kind) = issue.attribute(key).filter(|k| *k != "discrete") {
            return Err(GeniusError::Unsupported {
                file: file.to_string(),
                element: "issue".to_string(),
                what: format!("issue {key} {kind:?}"),
            });
        }
    }
    Ok(())
}

pub(super) fn attr<'a>(
    file: &str,
    node: Node<'a, '_>,
    attribute: &str,
) -> Result<&'a str, GeniusError> {
    node.attribute(attribute)
        .ok_or_else(|| GeniusError::MissingAttribute {
            file: file.to_string(),
            element: node.tag_name().name().to_string(),
            attribute: attribute.to_string(),
        })
}

pub(super) fn number(file: &str, node: Node, attribute: &str) -> Result<f64, GeniusError> {
    let text = attr(file, node, attribute)?;
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| GeniusError::NotANumber {
            file: file.to_string(),
            element: node.tag_name().name().to_string(),
            attribute: attribute.to_string(),
            value: text.to_string(),
        })
}

pub(super) fn invalid(file: &str, node: Node, message: &str) -> GeniusError {
    GeniusError::Invalid {
        file: file.to_string(),
        element: node.tag_name().name().to_string(),
        message: message.to_string(),
    }
}
