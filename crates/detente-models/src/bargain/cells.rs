//! Frontiers of problems with a non-additive party, by cells.
//!
//! The additive frontier search ([`super::frontier`]) merges issues one at a time, which needs
//! every utility to be a sum of per-issue terms. A hyper-rectangle utility (a GENIUS non-linear
//! profile) is not: whether a rectangle counts depends on several issues at once. It is constant,
//! though, on *cells*. On each issue, two values that every rectangle of every party either both
//! includes or both excludes (and that every additive party values alike) are interchangeable, so
//! each issue splits into classes of interchangeable values, and every party's utility is constant
//! on each cell, a choice of one class per issue. The cells are walked depth first, issue by
//! issue, carrying per party the set of rectangles still possible (a bit set, narrowed at each
//! issue) or the additive sum so far; at the last issue each party's utility is read off.
//!
//! What the walk keeps: every distinct utility vector once, with the smallest package that has
//! it (cells are met in the lexicographic order of their smallest packages, the classes of each
//! issue being ordered by their smallest value) and how many packages have it (a cell holds the
//! product of its classes' sizes). The frontier is the skyline of those vectors; the zone of
//! agreement's counts are sums of the counts, exact for spaces far too large to enumerate.
//!
//! On the ANAC 2014 domain Nonlinear10issuesWithRV (10 issues of 10 values, 10^10 packages) the
//! two profiles' 40 rectangles cut the space into about 19 million cells.
//!
//! Reference: Ito, T., Hattori, H. and Klein, M. (2007), "Multi-issue negotiation protocol for
//! agents: exploring nonlinear utility spaces", *IJCAI* (hyper-rectangle constraint utilities).

use std::collections::HashMap;

/// The cell walk looks up one utility vector per cell (10^10 cells in the largest GENIUS
/// domain), so its maps use foldhash rather than the standard SipHash: the keys are numbers
/// that come from the problem, and no order is ever read from the map.
type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

use super::frontier::{FrontierConfig, skyline};
use super::utility::{RectangleUtility, Utility};
use super::{BargainError, Package, Problem};

/// The distinct utility vectors of a problem, in the order of their smallest packages.
pub(crate) struct Cells {
    /// Utility vectors, one row of `dims` per distinct vector.
    pub utilities: Vec<f64>,
    /// Parties (the row length).
    pub dims: usize,
    /// The smallest package with each vector.
    pub packages: Vec<Package>,
    /// How many packages have each vector.
    pub counts: Vec<u128>,
    /// Cells walked.
    pub cells: u128,
}

impl Cells {
    /// The indices of the vectors at least `lower` in every utility (all with `None`) that no
    /// other such vector weakly dominates, ascending.
    pub fn frontier(&self, lower: Option<&[f64]>) -> Vec<usize> {
        let rows: Vec<usize> = (0..self.packages.len())
            .filter(|&j| {
                lower.is_none_or(|lower| self.row(j).iter().zip(lower).all(|(u, d)| u >= d))
            })
            .collect();
        let flat: Vec<f64> = rows.iter().flat_map(|&j| self.row(j).to_vec()).collect();
        skyline(&flat, self.dims)
            .into_iter()
            .map(|i| rows[i])
            .collect()
    }

    /// Utilities of vector `j`.
    pub fn row(&self, j: usize) -> &[f64] {
        &self.utilities[j * self.dims..(j + 1) * self.dims]
    }

    /// Packages strictly better than `d` for every party, and packages at least as good.
    pub fn zopa_counts(&self, d: &[f64]) -> (u128, u128) {
        let (mut strict, mut rational) = (0u128, 0u128);
        for (j, count) in self.counts.iter().enumerate() {
            let row = self.row(j);
            if row.iter().zip(d).all(|(u, d)| u >= d) {
                rational = rational.saturating_add(*count);
                if row.iter().zip(d).all(|(u, d)| u > d) {
                    strict = strict.saturating_add(*count);
                }
            }
        }
        (strict, rational)
    }
}

/// One issue cut into classes of interchangeable values.
struct Classes {
    /// The issue's position in the domain.
    issue: usize,
    /// Smallest value of each class, ascending.
    first: Vec<usize>,
    /// Values in each class.
    size: Vec<u128>,
}

/// How one party reads a cell.
enum Reader<'a> {
    /// `term[level][class]`: the party's additive term.
    Additive(Vec<Vec<f64>>),
    /// `keep[level][class]`: the rectangles (bits, `words` per set) a class leaves possible.
    Rectangles {
        utility: &'a RectangleUtility,
        words: usize,
        keep: Vec<Vec<Vec<u64>>>,
    },
}

/// Splits `issues` (positions with their value counts) into classes of values no reader tells
/// apart: the same additive term for every additive party and the same inclusion in every
/// rectangle.
fn classes(issues: &[(usize, usize)], utilities: &[&Utility]) -> Vec<Classes> {
    issues
        .iter()
        .map(|&(k, values)| {
            let mut index: Map<Vec<u64>, usize> = Map::default();
            let mut out = Classes {
                issue: k,
                first: Vec::new(),
                size: Vec::new(),
            };
            for v in 0..values {
                let mut signature = Vec::new();
                for utility in utilities {
                    match utility {
                        Utility::Additive(u) => signature.push(u.term(k, v).to_bits()),
                        Utility::Rectangles(u) => {
                            for rect in &u.rectangles {
                                for (at, inside) in &rect.includes {
                                    if *at == k {
                                        signature.push(u64::from(
                                            inside.get(v).copied().unwrap_or(false),
                                        ));
                                    }
                                }
                            }
                        }
                    }
                }
                let next = out.first.len();
                let class = *index.entry(signature).or_insert(next);
                if class == next {
                    out.first.push(v);
                    out.size.push(0);
                }
                out.size[class] += 1;
            }
            out
        })
        .collect()
}

/// Each utility's reading of each class of `levels`.
fn readers<'a>(levels: &[Classes], utilities: &[&'a Utility]) -> Vec<Reader<'a>> {
    utilities
        .iter()
        .map(|utility| match utility {
            Utility::Additive(u) => Reader::Additive(
                levels
                    .iter()
                    .map(|level| {
                        level
                            .first
                            .iter()
                            .map(|&v| u.term(level.issue, v))
                            .collect()
                    })
                    .collect(),
            ),
            Utility::Rectangles(u) => {
                let words = u.rectangles.len().div_ceil(64).max(1);
                let keep = levels
                    .iter()
                    .map(|level| {
                        level
                            .first
                            .iter()
                            .map(|&v| {
                                let mut set = vec![0u64; words];
                                for (r, rect) in u.rectangles.iter().enumerate() {
                                    let possible = rect.includes.iter().all(|(at, inside)| {
                                        *at != level.issue
                                            || inside.get(v).copied().unwrap_or(false)
                                    });
                                    if possible {
                                        set[r / 64] |= 1 << (r % 64);
                                    }
                                }
                                set
                            })
                            .collect()
                    })
                    .collect();
                Reader::Rectangles {
                    utility: u,
                    words,
                    keep,
                }
            }
        })
        .collect()
}

/// One cell as [`walk`] hands it over.
struct Cell<'a> {
    /// The class of each level.
    classes: &'a [usize],
    /// Every reader's utility.
    utilities: &'a [f64],
    /// Packages in the cell.
    count: u128,
}

/// Walks every cell of `levels` depth first, in lexicographic order of the cells' smallest
/// packages, and calls `visit` on each. Stops early when `visit` returns `false`.
fn walk(levels: &[Classes], readers: &[Reader<'_>], visit: &mut dyn FnMut(Cell<'_>) -> bool) {
    let depth = levels.len();
    let dims = readers.len();
    // Per reader, where its state sits in one level's block: an additive sum takes one slot of
    // `sums`, a rectangle set `words` slots of `sets`.
    let mut set_at = Vec::with_capacity(dims);
    let mut set_words = 0;
    for reader in readers {
        set_at.push(set_words);
        if let Reader::Rectangles { words, .. } = reader {
            set_words += words;
        }
    }
    // State after fixing the first `d` levels, at block `d`.
    let mut sums = vec![0.0f64; (depth + 1) * dims];
    let mut sets = vec![0u64; (depth + 1) * set_words];
    let mut counts = vec![1u128; depth + 1];
    for (p, reader) in readers.iter().enumerate() {
        if let Reader::Rectangles { utility, words, .. } = reader {
            for r in 0..utility.rectangles.len() {
                sets[set_at[p] + r / 64] |= 1 << (r % 64);
            }
            debug_assert!(*words > 0);
        }
    }
    let mut utilities = vec![0.0; dims];
    let leaf = |sums: &[f64], sets: &[u64], utilities: &mut [f64]| {
        for (p, reader) in readers.iter().enumerate() {
            utilities[p] = match reader {
                Reader::Additive(_) => sums[p],
                Reader::Rectangles { utility, words, .. } => {
                    let mut total = 0.0;
                    for (w, &word) in sets[set_at[p]..set_at[p] + words].iter().enumerate() {
                        let mut bits = word;
                        while bits != 0 {
                            let r = w * 64 + bits.trailing_zeros() as usize;
                            total += utility.rectangles[r].utility;
                            bits &= bits - 1;
                        }
                    }
                    utility.scale(total)
                }
            };
        }
    };
    if depth == 0 {
        leaf(&sums, &sets, &mut utilities);
        visit(Cell {
            classes: &[],
            utilities: &utilities,
            count: 1,
        });
        return;
    }
    let mut class = vec![0usize; depth];
    let mut d = 0;
    loop {
        if class[d] == levels[d].first.len() {
            if d == 0 {
                return;
            }
            d -= 1;
            class[d] += 1;
            continue;
        }
        let c = class[d];
        let (before, after) = sums.split_at_mut((d + 1) * dims);
        let (from, to) = (&before[d * dims..], &mut after[..dims]);
        let (sets_before, sets_after) = sets.split_at_mut((d + 1) * set_words);
        let (sets_from, sets_to) = (&sets_before[d * set_words..], &mut sets_after[..set_words]);
        for (p, reader) in readers.iter().enumerate() {
            match reader {
                Reader::Additive(term) => to[p] = from[p] + term[d][c],
                Reader::Rectangles { keep, words, .. } => {
                    let at = set_at[p];
                    for w in 0..*words {
                        sets_to[at + w] = sets_from[at + w] & keep[d][c][w];
                    }
                }
            }
        }
        counts[d + 1] = counts[d].saturating_mul(levels[d].size[c]);
        if d + 1 == depth {
            leaf(
                &sums[depth * dims..],
                &sets[depth * set_words..],
                &mut utilities,
            );
            let cell = Cell {
                classes: &class,
                utilities: &utilities,
                count: counts[depth],
            };
            if !visit(cell) {
                return;
            }
            class[d] += 1;
        } else {
            d += 1;
            class[d] = 0;
        }
    }
}

/// Every distinct utility vector of `problem` with its smallest package and its count.
///
/// # Errors
/// [`BargainError::TooManyCells`] when the cells outnumber `config.max_cells`,
/// [`BargainError::TooManyCandidates`] when the distinct vectors outnumber
/// `config.max_candidates`, and [`BargainError::Stopped`] when `config.stop` is raised during
/// the walk.
pub(crate) fn enumerate(problem: &Problem, config: &FrontierConfig) -> Result<Cells, BargainError> {
    let utilities: Vec<&Utility> = problem.parties().iter().map(|p| &p.utility).collect();
    let issues: Vec<(usize, usize)> = problem
        .domain()
        .issues()
        .iter()
        .enumerate()
        .map(|(k, issue)| (k, issue.values.len()))
        .collect();
    let levels = classes(&issues, &utilities);
    let cells = levels.iter().fold(1u128, |n, level| {
        n.saturating_mul(level.first.len() as u128)
    });
    if cells > u128::from(config.max_cells) {
        return Err(BargainError::TooManyCells {
            cells,
            limit: config.max_cells,
        });
    }
    let readers = readers(&levels, &utilities);
    let dims = utilities.len();
    let mut out = Cells {
        utilities: Vec::new(),
        dims,
        packages: Vec::new(),
        counts: Vec::new(),
        cells,
    };
    let mut index: Map<Vec<u64>, usize> = Map::default();
    let mut key: Vec<u64> = Vec::with_capacity(dims);
    let mut overflow = false;
    let mut stopped = false;
    let mut walked = 0u32;
    walk(&levels, &readers, &mut |cell| {
        walked = walked.wrapping_add(1);
        if walked.is_multiple_of(65_536) && config.stop.is_raised() {
            stopped = true;
            return false;
        }
        let Cell {
            classes: class,
            utilities,
            count,
        } = cell;
        key.clear();
        // `+ 0.0` makes −0 and 0 one vector, as `>=` has them.
        key.extend(utilities.iter().map(|u| (u + 0.0).to_bits()));
        if let Some(&j) = index.get(key.as_slice()) {
            out.counts[j] = out.counts[j].saturating_add(count);
            return true;
        }
        if out.counts.len() >= config.max_candidates {
            overflow = true;
            return false;
        }
        index.insert(key.clone(), out.counts.len());
        out.utilities.extend_from_slice(utilities);
        out.counts.push(count);
        out.packages.push(Package(
            levels
                .iter()
                .zip(class)
                .map(|(level, &c)| level.first[c])
                .collect(),
        ));
        true
    });
    if stopped {
        return Err(BargainError::Stopped);
    }
    if overflow {
        return Err(BargainError::TooManyCandidates {
            issue: "(distinct utility vectors over the cells)".to_owned(),
            candidates: out.counts.len() + 1,
            limit: config.max_candidates,
        });
    }
    Ok(out)
}

/// Smallest and largest value of a rectangle utility, over the cells of the issues its
/// rectangles constrain (the others cannot change it).
pub(crate) fn extremes(utility: &RectangleUtility) -> (f64, f64) {
    let mut issues: Vec<(usize, usize)> = utility
        .rectangles
        .iter()
        .flat_map(|rect| rect.includes.iter().map(|(k, inside)| (*k, inside.len())))
        .collect();
    issues.sort_unstable();
    issues.dedup_by_key(|(k, _)| *k);
    let wrapped = Utility::Rectangles(utility.clone());
    let utilities = [&wrapped];
    let levels = classes(&issues, &utilities);
    let readers = readers(&levels, &utilities);
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    walk(&levels, &readers, &mut |cell| {
        lo = lo.min(cell.utilities[0]);
        hi = hi.max(cell.utilities[0]);
        true
    });
    (lo, hi)
}
