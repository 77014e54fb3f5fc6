//! The outcome space of a package negotiation: issues with finite value lists, and packages
//! (one value index per issue).
//!
//! A [`Domain`] is checked on construction ([`Domain::new`]): at least one issue, every issue with
//! at least one value. The number of packages is the product of the value counts and is never
//! materialised by the frontier search; [`Domain::size`] reports it saturating at `u128::MAX`.

use serde::Serialize;

use super::BargainError;

/// One value an issue can take.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Value {
    /// How the value is shown (a GENIUS item label, or the grid point written out).
    pub label: String,
    /// The point on the issue's numeric scale, for issues that have one (scenario grids).
    pub number: Option<f64>,
}

/// An issue of the domain with its finite list of values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DomainIssue {
    /// The issue's id or name.
    pub name: String,
    /// The values, in a fixed order; a package refers to them by index.
    pub values: Vec<Value>,
}

/// A finite outcome space: the Cartesian product of its issues' values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Domain {
    name: String,
    issues: Vec<DomainIssue>,
}

impl Domain {
    /// Builds a domain, refusing one without issues or with an issue without values.
    pub fn new(name: impl Into<String>, issues: Vec<DomainIssue>) -> Result<Self, BargainError> {
        if issues.is_empty() {
            return Err(BargainError::NoIssues);
        }
        if let Some(issue) = issues.iter().find(|i| i.values.is_empty()) {
            return Err(BargainError::EmptyIssue {
                issue: issue.name.clone(),
            });
        }
        Ok(Self {
            name: name.into(),
            issues,
        })
    }

    /// The domain's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The issues, in order.
    pub fn issues(&self) -> &[DomainIssue] {
        &self.issues
    }

    /// Number of packages (product of value counts), saturating at `u128::MAX`.
    pub fn size(&self) -> u128 {
        self.issues
            .iter()
            .fold(1u128, |acc, i| acc.saturating_mul(i.values.len() as u128))
    }

    /// The labels of a package's values, issue by issue; `None` if the package does not fit.
    pub fn labels(&self, package: &Package) -> Option<Vec<&str>> {
        if package.0.len() != self.issues.len() {
            return None;
        }
        self.issues
            .iter()
            .zip(&package.0)
            .map(|(issue, &v)| issue.values.get(v).map(|value| value.label.as_str()))
            .collect()
    }

    /// Whether `package` has one in-range value index per issue.
    pub fn contains(&self, package: &Package) -> bool {
        package.0.len() == self.issues.len()
            && self
                .issues
                .iter()
                .zip(&package.0)
                .all(|(issue, &v)| v < issue.values.len())
    }
}

/// A package: one value index per issue, in the domain's issue order. Packages order
/// lexicographically, which is how ties between equal utility vectors are broken.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Package(pub Vec<usize>);
