//! Additive utilities over packages and the bargaining problem that ties a domain to its parties.
//!
//! `u(p) = Σ_k w_k e_k[p_k]`, summed in issue order starting from `0.0` (the frontier search adds
//! the same terms in the same order, so a package's utility is bit-identical whichever way it was
//! computed). A [`Problem`] checks that every utility fits its domain: one weight and one
//! evaluation list per issue, one evaluation per value, every number finite, weights non-negative.

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

/// One party to the bargain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Party {
    /// Actor id or profile file name.
    pub name: String,
    /// The party's utility over packages.
    pub utility: AdditiveUtility,
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
        let parties = self
            .parties
            .iter()
            .map(|p| Party {
                name: p.name.clone(),
                weight: p.weight,
                utility: AdditiveUtility {
                    weights: p.utility.weights.clone(),
                    evaluations: p
                        .utility
                        .evaluations
                        .iter()
                        .zip(&kept)
                        .map(|(e, kept)| {
                            kept.iter()
                                .map(|&v| e.get(v).copied().unwrap_or(0.0))
                                .collect()
                        })
                        .collect(),
                    reservation: p.utility.reservation,
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
                match p.utility.reservation {
                    Some(r) if r >= min => r,
                    _ => min,
                }
            })
            .collect()
    }
}
