//! Enumerated outcome spaces and each party's preferences over them.
//!
//! An [`OutcomeSpace`] numbers the packages of a finite [`Domain`] `0..n` in enumeration order,
//! the last issue varying fastest (the order of `itertools.product` and of GENIUS's bid
//! iterator), so an outcome is a plain `usize` during a negotiation. [`Preferences`] hold one
//! party's utility of every outcome plus the outcomes sorted by utility (ascending, ties in
//! enumeration order), which lets a negotiator find "the lowest outcome at or above a threshold"
//! with one binary search.

use std::sync::Arc;

use detente_models::bargain::{Domain, Package, Problem};
use serde::Serialize;

use crate::NegotiationError;

/// Most outcomes an enumerated space may hold (each party stores 16 bytes per outcome).
pub const MAX_OUTCOMES: usize = 20_000_000;

/// Most utilities the preferences of one table may hold together (outcomes × parties): two
/// parties on the largest space, about 640 MB. A folder of a 20-million-outcome domain and a
/// dozen profiles asked for 5 GB, and a failed allocation ends the process (found by an audit
/// of sizes read from input).
pub const MAX_PREFERENCE_CELLS: usize = 2 * MAX_OUTCOMES;

/// A finite outcome space numbered in enumeration order (last issue fastest).
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeSpace {
    domain: Domain,
    radices: Vec<usize>,
    size: usize,
}

impl OutcomeSpace {
    /// Numbers the packages of `domain`, refusing spaces over [`MAX_OUTCOMES`].
    pub fn new(domain: Domain) -> Result<Self, NegotiationError> {
        let radices: Vec<usize> = domain.issues().iter().map(|i| i.values.len()).collect();
        let size = domain.size();
        if size > MAX_OUTCOMES as u128 {
            return Err(NegotiationError::TooManyOutcomes {
                domain: domain.name().to_string(),
                size,
                limit: MAX_OUTCOMES,
            });
        }
        Ok(Self {
            domain,
            radices,
            size: size as usize,
        })
    }

    /// Checks that `parties` preferences over this space fit in [`MAX_PREFERENCE_CELLS`],
    /// before any is built.
    ///
    /// # Errors
    /// [`NegotiationError::TooManyPreferences`].
    pub fn check_parties(&self, parties: usize) -> Result<(), NegotiationError> {
        if self.size.saturating_mul(parties) > MAX_PREFERENCE_CELLS {
            return Err(NegotiationError::TooManyPreferences {
                domain: self.domain.name().to_string(),
                outcomes: self.size,
                parties,
                limit: MAX_PREFERENCE_CELLS,
            });
        }
        Ok(())
    }

    /// The domain the outcomes come from.
    pub fn domain(&self) -> &Domain {
        &self.domain
    }

    /// Number of outcomes.
    pub fn len(&self) -> usize {
        self.size
    }

    /// Whether the space is empty (never, for a valid domain).
    pub fn is_empty(&self) -> bool {
        self.size == 0
    }

    /// The package numbered `outcome` (`None` when out of range).
    pub fn package(&self, outcome: usize) -> Option<Package> {
        if outcome >= self.size {
            return None;
        }
        let mut digits = vec![0; self.radices.len()];
        let mut rest = outcome;
        for (digit, &radix) in digits.iter_mut().zip(&self.radices).rev() {
            *digit = rest % radix;
            rest /= radix;
        }
        Some(Package(digits))
    }

    /// The number of `package` (`None` when it does not fit the domain).
    pub fn index(&self, package: &Package) -> Option<usize> {
        if !self.domain.contains(package) {
            return None;
        }
        Some(
            package
                .0
                .iter()
                .zip(&self.radices)
                .fold(0, |acc, (&d, &r)| acc * r + d),
        )
    }

    /// The value labels of outcome `outcome`, issue by issue.
    pub fn labels(&self, outcome: usize) -> Option<Vec<String>> {
        let package = self.package(outcome)?;
        self.domain
            .labels(&package)
            .map(|l| l.into_iter().map(str::to_string).collect())
    }

    /// Evaluates `f` on every package in enumeration order.
    pub fn evaluate(&self, mut f: impl FnMut(&Package) -> f64) -> Vec<f64> {
        let mut out = Vec::with_capacity(self.size);
        let mut digits = Package(vec![0; self.radices.len()]);
        for _ in 0..self.size {
            out.push(f(&digits));
            // Odometer increment, last issue fastest.
            for (d, &r) in digits.0.iter_mut().zip(&self.radices).rev() {
                *d += 1;
                if *d < r {
                    break;
                }
                *d = 0;
            }
        }
        out
    }
}

/// One party's preferences over an enumerated space.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Preferences {
    name: String,
    utilities: Vec<f64>,
    #[serde(skip)]
    sorted: Vec<u32>,
    #[serde(skip)]
    sorted_utilities: Vec<f64>,
    reservation: f64,
    discount: Option<f64>,
}

impl Preferences {
    /// Builds preferences from the utility of every outcome (in enumeration order), the
    /// reservation value (utility of no agreement) and an optional discount factor `d` in
    /// `(0, 1]` applied as `u·d^t`.
    pub fn new(
        name: impl Into<String>,
        utilities: Vec<f64>,
        reservation: f64,
        discount: Option<f64>,
    ) -> Result<Self, NegotiationError> {
        let name = name.into();
        if utilities.is_empty() || utilities.len() > MAX_OUTCOMES {
            return Err(NegotiationError::InvalidPreferences {
                party: name,
                reason: format!("{} outcomes (need 1 to {MAX_OUTCOMES})", utilities.len()),
            });
        }
        if let Some(u) = utilities.iter().find(|u| !u.is_finite()) {
            return Err(NegotiationError::InvalidPreferences {
                party: name,
                reason: format!("utility {u} is not finite"),
            });
        }
        if !reservation.is_finite() {
            return Err(NegotiationError::InvalidPreferences {
                party: name,
                reason: format!("reservation value {reservation} is not finite"),
            });
        }
        let mut sorted: Vec<u32> = (0..utilities.len() as u32).collect();
        // Stable sort: equal utilities keep enumeration order, which is the tie-break rule.
        sorted.sort_by(|&a, &b| utilities[a as usize].total_cmp(&utilities[b as usize]));
        let sorted_utilities = sorted.iter().map(|&o| utilities[o as usize]).collect();
        Ok(Self {
            name,
            utilities,
            sorted,
            sorted_utilities,
            reservation,
            discount: discount.filter(|d| *d > 0.0 && *d <= 1.0),
        })
    }

    /// The party's name (profile file stem or actor id).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Number of outcomes.
    pub fn len(&self) -> usize {
        self.utilities.len()
    }

    /// Whether there are no outcomes (never, after [`Preferences::new`]).
    pub fn is_empty(&self) -> bool {
        self.utilities.is_empty()
    }

    /// Utility of `outcome` (0 when out of range; the protocol checks offers first).
    pub fn utility(&self, outcome: usize) -> f64 {
        self.utilities.get(outcome).copied().unwrap_or(0.0)
    }

    /// All utilities in enumeration order.
    pub fn utilities(&self) -> &[f64] {
        &self.utilities
    }

    /// Reservation value as given.
    pub fn reservation(&self) -> f64 {
        self.reservation
    }

    /// Discount factor, if any.
    pub fn discount(&self) -> Option<f64> {
        self.discount
    }

    /// `u·d^t` (just `u` without a discount factor).
    pub fn discounted(&self, utility: f64, time: f64) -> f64 {
        match self.discount {
            Some(d) => utility * d.powf(time),
            None => utility,
        }
    }

    /// Lowest utility over all outcomes.
    pub fn min(&self) -> f64 {
        self.sorted_utilities.first().copied().unwrap_or(0.0)
    }

    /// Highest utility over all outcomes.
    pub fn max(&self) -> f64 {
        self.sorted_utilities.last().copied().unwrap_or(0.0)
    }

    /// The floor a rational negotiator never goes below: `max(min utility, reservation)`.
    pub fn floor(&self) -> f64 {
        self.min().max(self.reservation)
    }

    /// Outcomes sorted by ascending utility, ties in enumeration order.
    pub fn sorted(&self) -> &[u32] {
        &self.sorted
    }

    /// Position in [`Preferences::sorted`] of the first outcome with utility at least `threshold`
    /// (`len()` when none is).
    pub fn rank_at_least(&self, threshold: f64) -> usize {
        self.sorted_utilities.partition_point(|u| *u < threshold)
    }

    /// The lowest-utility outcome with utility at least `threshold`, ties broken by enumeration
    /// order; `None` when no outcome reaches it. O(log n).
    pub fn lowest_at_least(&self, threshold: f64) -> Option<usize> {
        self.sorted
            .get(self.rank_at_least(threshold))
            .map(|&o| o as usize)
    }

    /// The outcome at position `rank` of the ascending order.
    pub fn at_rank(&self, rank: usize) -> Option<usize> {
        self.sorted.get(rank).map(|&o| o as usize)
    }
}

/// Enumerates a package-bargaining problem (a GENIUS folder or a scenario) into an outcome space
/// and one [`Preferences`] per party. Reservation values default to 0, as in GENIUS.
pub fn from_problem(
    problem: &Problem,
) -> Result<(OutcomeSpace, Vec<Arc<Preferences>>), NegotiationError> {
    let space = OutcomeSpace::new(problem.domain().clone())?;
    space.check_parties(problem.parties().len())?;
    let prefs = problem
        .parties()
        .iter()
        .map(|party| {
            let utilities = space.evaluate(|p| party.utility.eval(p).unwrap_or(0.0));
            Preferences::new(
                party.name.clone(),
                utilities,
                party.utility.reservation().unwrap_or(0.0),
                None,
            )
            .map(Arc::new)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((space, prefs))
}
