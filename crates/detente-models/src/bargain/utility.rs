//! Utilities over packages and the bargaining problem that ties a domain to its parties.
//!
//! A party's [`Utility`] is either additive, `u(p) = Σ_k w_k e_k[p_k]` (scenarios, linear GENIUS
//! and GeniusWeb profiles), or a sum of hyper-rectangles (GENIUS non-linear profiles):
//! `u(p) = min(1, Σ_r u_r [p ∈ r] / max_utility)`, a rectangle holding `p` when every issue it
//! constrains has `p`'s value among those it includes. Both are summed in a fixed order starting
//! from `0.0` (issues in order; rectangles in order), and the frontier searches add the same terms
//! in the same order, so a package's utility is bit-identical whichever way it was computed.
//! A [`Problem`] checks that every utility fits its domain: one weight and one evaluation list
//! per issue, one evaluation per value, every number finite, weights non-negative; for
//! rectangles, known issues, one inclusion flag per value and a positive `max_utility`.

use serde::Serialize;

use super::{BargainError, Domain, Package};

/// A linear-additive utility function.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdditiveUtility {
    /// Weight of each issue (non-negative; GENIUS profiles and scenario saliences sum to 1).
    pub weights: Vec<f64>,
    /// Evaluation of each value of each issue, `evaluations[k][v]`, normally in `[0, 1]`.
    pub evaluations: Vec<Vec<f64>>,
    /// Reservation value (utility of walking away), if the profile gives one.
    pub reservation: Option<f64>,
}

impl AdditiveUtility {
    /// `u(p) = Σ_k w_k e_k[p_k]`; `None` if the package does not fit the utility's shape.
    pub fn eval(&self, package: &Package) -> Option<f64> {
        if package.0.len() != self.weights.len() {
            return None;
        }
        let mut sum = 0.0;
        for ((w, evals), &v) in self.weights.iter().zip(&self.evaluations).zip(&package.0) {
            sum += w * evals.get(v)?;
        }
        Some(sum)
    }

    /// The term `w_k e_k[v]` of issue `k` at value `v` (0 when out of range; only called on
    /// checked shapes).
    pub(crate) fn term(&self, k: usize, v: usize) -> f64 {
        let e = self
            .evaluations
            .get(k)
            .and_then(|e| e.get(v))
            .copied()
            .unwrap_or(0.0);
        self.weights.get(k).copied().unwrap_or(0.0) * e
    }

    /// Smallest and largest utility over all packages. Weights are non-negative, so the extremes
    /// are the sums of the per-issue extremes.
    pub fn min_max(&self) -> (f64, f64) {
        let mut lo = 0.0;
        let mut hi = 0.0;
        for (w, evals) in self.weights.iter().zip(&self.evaluations) {
            let min = evals.iter().copied().fold(f64::INFINITY, f64::min);
            let max = evals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            lo += w * min;
            hi += w * max;
        }
        (lo, hi)
    }

    fn check(&self, domain: &Domain) -> Result<(), String> {
        let n = domain.issues().len();
        if self.weights.len() != n || self.evaluations.len() != n {
            return Err(format!(
                "{} weights and {} evaluation lists for {n} issues",
                self.weights.len(),
                self.evaluations.len()
            ));
        }
        for (k, issue) in domain.issues().iter().enumerate() {
            let (w, evals) = (self.weights[k], &self.evaluations[k]);
            if !(w.is_finite() && w >= 0.0) {
                return Err(format!(
                    "weight of issue `{}` is {w}, not a finite non-negative number",
                    issue.name
                ));
            }
            if evals.len() != issue.values.len() {
                return Err(format!(
                    "{} evaluations for the {} values of issue `{}`",
                    evals.len(),
                    issue.values.len(),
                    issue.name
                ));
            }
            if let Some(e) = evals.iter().find(|e| !e.is_finite()) {
                return Err(format!(
                    "evaluation {e} on issue `{}` is not finite",
                    issue.name
                ));
            }
        }
        if let Some(r) = self.reservation.filter(|r| !r.is_finite()) {
            return Err(format!("reservation value {r} is not finite"));
        }
        Ok(())
    }
}

/// A sum of hyper-rectangles, a GENIUS non-linear profile (Ito, Hattori and Klein 2007):
/// `u(p) = min(1, Σ_r u_r [p ∈ r] / max_utility)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RectangleUtility {
    /// The rectangles, summed in this order.
    pub rectangles: Vec<Rectangle>,
    /// The profile's `maxutility`, which the sum is divided by (positive).
    pub max_utility: f64,
    /// Reservation value (utility of walking away), if the profile gives one.
    pub reservation: Option<f64>,
}

/// One hyper-rectangle of a [`RectangleUtility`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rectangle {
    /// What a package inside adds to the sum (before division by `max_utility`).
    pub utility: f64,
    /// The issues it constrains: `(k, inside)`, `inside[v]` telling whether value `v` of issue
    /// `k` is in the rectangle. A package is inside when all hold; an issue not listed is free.
    pub includes: Vec<(usize, Vec<bool>)>,
}

impl RectangleUtility {
    /// `min(1, Σ_r u_r [p ∈ r] / max_utility)`; `None` if a constrained issue is missing from
    /// the package or its value is out of range.
    pub fn eval(&self, package: &Package) -> Option<f64> {
        let mut total = 0.0;
        for rect in &self.rectangles {
            let mut inside = true;
            for (k, values) in &rect.includes {
                inside &= *values.get(*package.0.get(*k)?)?;
            }
            if inside {
                total += rect.utility;
            }
        }
        Some(self.scale(total))
    }

    /// The utility of a rectangle sum `total`: divided by `max_utility`, capped at 1.
    pub(crate) fn scale(&self, total: f64) -> f64 {
        (total / self.max_utility).min(1.0)
    }

    fn check(&self, domain: &Domain) -> Result<(), String> {
        if !(self.max_utility.is_finite() && self.max_utility > 0.0) {
            return Err(format!(
                "max utility {} is not a positive finite number",
                self.max_utility
            ));
        }
        let issues = domain.issues();
        for (r, rect) in self.rectangles.iter().enumerate() {
            if !rect.utility.is_finite() {
                return Err(format!("rectangle {r} has utility {}", rect.utility));
            }
            for (k, inside) in &rect.includes {
                let Some(issue) = issues.get(*k) else {
                    return Err(format!(
                        "rectangle {r} constrains issue {k}, but the domain has {} issues",
                        issues.len()
                    ));
                };
                if inside.len() != issue.values.len() {
                    return Err(format!(
                        "rectangle {r} has {} inclusion flags for the {} values of issue `{}`",
                        inside.len(),
                        issue.values.len(),
                        issue.name
                    ));
                }
            }
        }
        let magnitude: f64 = self.rectangles.iter().map(|r| r.utility.abs()).sum();
        if !(magnitude / self.max_utility).is_finite() {
            return Err("the rectangle utilities are too large to add up".to_owned());
        }
        if let Some(r) = self.reservation.filter(|r| !r.is_finite()) {
            return Err(format!("reservation value {r} is not finite"));
        }
        Ok(())
    }
}

/// A party's utility over packages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Utility {
    /// `Σ_k w_k e_k[p_k]`: scenarios, linear GENIUS profiles, GeniusWeb profiles.
    Additive(AdditiveUtility),
    /// A sum of hyper-rectangles: GENIUS non-linear profiles.
    Rectangles(RectangleUtility),
}

impl From<AdditiveUtility> for Utility {
    fn from(utility: AdditiveUtility) -> Self {
        Self::Additive(utility)
    }
}

impl From<RectangleUtility> for Utility {
    fn from(utility: RectangleUtility) -> Self {
        Self::Rectangles(utility)
    }
}

impl Utility {
    /// The utility of `package`; `None` if the package does not fit the utility's shape.
    pub fn eval(&self, package: &Package) -> Option<f64> {
        match self {
            Self::Additive(u) => u.eval(package),
            Self::Rectangles(u) => u.eval(package),
        }
    }

    /// The additive form, when the utility has one.
    pub fn additive(&self) -> Option<&AdditiveUtility> {
        match self {
            Self::Additive(u) => Some(u),
            Self::Rectangles(_) => None,
        }
    }

    /// Reservation value (utility of walking away), if the profile gives one.
    pub fn reservation(&self) -> Option<f64> {
        match self {
            Self::Additive(u) => u.reservation,
            Self::Rectangles(u) => u.reservation,
        }
    }

    /// Smallest and largest utility over all packages (for rectangles, found exactly by
    /// walking the cells of the issues they constrain; see `bargain::cells`).
    pub fn min_max(&self) -> (f64, f64) {
        match self {
            Self::Additive(u) => u.min_max(),
            Self::Rectangles(u) => super::cells::extremes(u),
        }
    }

    fn check(&self, domain: &Domain) -> Result<(), String> {
        match self {
            Self::Additive(u) => u.check(domain),
            Self::Rectangles(u) => u.check(domain),
        }
    }
}

/// One party to the bargain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Party {
    /// Actor id or profile file name.
    pub name: String,
    /// The party's utility over packages.
    pub utility: Utility,
    /// Bargaining weight for the weighted Nash solution (capability for scenarios, 1 for GENIUS).
    pub weight: f64,
}

/// A bargaining problem: a domain, two or more parties, and optionally the status-quo package.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    domain: Domain,
    parties: Vec<Party>,
    status_quo: Option<Package>,
}

impl Problem {
    /// Checks that there are at least two parties and that every utility fits the domain.
    pub fn new(
        domain: Domain,
        parties: Vec<Party>,
        status_quo: Option<Package>,
    ) -> Result<Self, BargainError> {
        if parties.len() < 2 {
            return Err(BargainError::TooFewParties {
                found: parties.len(),
            });
        }
        for party in &parties {
            party
                .utility
                .check(&domain)
                .map_err(|reason| BargainError::InvalidUtility {
                    party: party.name.clone(),
                    reason,
                })?;
            if !(party.weight.is_finite() && party.weight > 0.0) {
                return Err(BargainError::InvalidUtility {
                    party: party.name.clone(),
                    reason: format!("bargaining weight {} is not positive", party.weight),
                });
            }
        }
        if let Some(sq) = &status_quo
            && !domain.contains(sq)
        {
            return Err(BargainError::PackageOutsideDomain);
        }
        Ok(Self {
            domain,
            parties,
            status_quo,
        })
    }

    /// The outcome space.
    pub fn domain(&self) -> &Domain {
        &self.domain
    }

    /// The parties, in order; utility vectors list them in this order.
    pub fn parties(&self) -> &[Party] {
        &self.parties
    }

    /// The status-quo package, where the problem came from a scenario.
    pub fn status_quo(&self) -> Option<&Package> {
        self.status_quo.as_ref()
    }

    /// Every party's utility of `package`; `None` if the package does not fit the domain.
    pub fn utilities(&self, package: &Package) -> Option<Vec<f64>> {
        if !self.domain.contains(package) {
            return None;
        }
        self.parties
            .iter()
            .map(|p| p.utility.eval(package))
            .collect()
    }

    /// The sub-problem that keeps only the values `keep[k][v]` allows on each issue, with, per
    /// issue, the original index of each kept value. The status quo is dropped when one of its
    /// values is not kept. Fails when an issue keeps no value.
    pub fn restrict(&self, keep: &[Vec<bool>]) -> Result<(Problem, Vec<Vec<usize>>), BargainError> {
        let kept: Vec<Vec<usize>> = self
            .domain
            .issues()
            .iter()
            .enumerate()
            .map(|(k, issue)| {
                (0..issue.values.len())
                    .filter(|&v| keep.get(k).and_then(|r| r.get(v)).copied().unwrap_or(true))
                    .collect()
            })
            .collect();
        let issues = self
            .domain
            .issues()
            .iter()
            .zip(&kept)
            .map(|(issue, kept)| super::DomainIssue {
                name: issue.name.clone(),
                values: kept.iter().map(|&v| issue.values[v].clone()).collect(),
            })
            .collect();
        let domain = Domain::new(self.domain.name(), issues)?;
        let keep_values = |values: &[f64], kept: &[usize]| -> Vec<f64> {
            kept.iter()
                .map(|&v| values.get(v).copied().unwrap_or(0.0))
                .collect()
        };
        let parties = self
            .parties
            .iter()
            .map(|p| Party {
                name: p.name.clone(),
                weight: p.weight,
                utility: match &p.utility {
                    Utility::Additive(u) => Utility::Additive(AdditiveUtility {
                        weights: u.weights.clone(),
                        evaluations: u
                            .evaluations
                            .iter()
                            .zip(&kept)
                            .map(|(e, kept)| keep_values(e, kept))
                            .collect(),
                        reservation: u.reservation,
                    }),
                    Utility::Rectangles(u) => Utility::Rectangles(RectangleUtility {
                        rectangles: u
                            .rectangles
                            .iter()
                            .map(|rect| Rectangle {
                                utility: rect.utility,
                                includes: rect
                                    .includes
                                    .iter()
                                    .map(|(k, inside)| {
                                        let kept = kept.get(*k).map_or(&[][..], Vec::as_slice);
                                        let flags = kept
                                            .iter()
                                            .map(|&v| inside.get(v).copied().unwrap_or(false))
                                            .collect();
                                        (*k, flags)
                                    })
                                    .collect(),
                            })
                            .collect(),
                        max_utility: u.max_utility,
                        reservation: u.reservation,
                    }),
                },
            })
            .collect();
        let status_quo = self.status_quo.as_ref().and_then(|sq| {
            sq.0.iter()
                .zip(&kept)
                .map(|(v, kept)| kept.iter().position(|k| k == v))
                .collect::<Option<Vec<usize>>>()
                .map(Package)
        });
        Ok((Problem::new(domain, parties, status_quo)?, kept))
    }

    /// The disagreement point, GENIUS/NegMAS convention: a party's reservation value if it is at
    /// least the party's minimum utility over the domain, otherwise that minimum.
    pub fn disagreement(&self) -> Vec<f64> {
        self.parties
            .iter()
            .map(|p| {
                let (min, _) = p.utility.min_max();
                match p.utility.reservation() {
                    Some(r) if r >= min => r,
                    _ => min,
                }
            })
            .collect()
    }
}
