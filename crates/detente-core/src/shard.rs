//! Sweeps split across processes or machines: run part `i` of `N` anywhere, merge the parts.
//!
//! A sharded run is the unsharded run cut along its trial numbers. Shard `i` of `N` (counted
//! from 0, as Slurm's `SLURM_ARRAY_TASK_ID` with `--array=0-(N-1)` and Kubernetes'
//! `JOB_COMPLETION_INDEX` count) runs trials `⌊T i / N⌋ .. ⌊T (i + 1) / N⌋` of `T`, and since
//! every draw depends only on the seed and the trial number (`detente_sim::trial_rng`), it draws
//! exactly what the unsharded run draws for those trials. A shard keeps what it saw as
//! mergeable state (for the Monte Carlo: counts, an exact sum, extremes and bin counts per
//! metric, `detente_sim::SummaryState`), never a sequential float sum, so merging the parts in
//! any order gives the unsharded result bit for bit, for any `N` (tested for 1, 3 and 7 in
//! `detente-sim/tests/it/shard.rs` and the CLI's `tests/it/shard.rs`).
//!
//! This module holds what every kind of sharded run shares (the part, the run's identity, the
//! checks a merge makes); the Monte Carlo, sensitivity and tournament modules hold their own
//! shard documents.
//!
//! A merge refuses parts that do not make one run: shards of different runs (their
//! fingerprint, a SHA-256 of the scenario, the targets, the seed, the trial count, the options
//! and this crate's version, differs), a shard given twice, or a missing one. It names the
//! problem and builds nothing, so no partial result is ever written.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

/// Part `index` of `count` of a sweep, counted from 0. A shard read from a file goes through
/// [`Shard::new`]'s checks, as one given on the command line does: a part of a hand-edited or
/// damaged document whose index was past its count, or near `u64::MAX`, reversed the part's
/// range and overflowed the merge's arithmetic (found by an audit of numbers read from files).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "ShardFields")]
pub struct Shard {
    /// Which part, `0..count`.
    pub index: u64,
    /// How many parts.
    pub count: u64,
}

/// A [`Shard`] as written, before its checks.
#[derive(Deserialize)]
struct ShardFields {
    index: u64,
    count: u64,
}

impl TryFrom<ShardFields> for Shard {
    type Error = ShardError;

    fn try_from(fields: ShardFields) -> Result<Shard, ShardError> {
        Shard::new(fields.index, fields.count)
    }
}

/// Most parts one sweep may be cut into.
pub const MAX_SHARDS: u64 = 1_000_000;

impl Shard {
    /// The whole run, as one part.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Part `index` of `count`.
    ///
    /// # Errors
    /// `count` is 0 or over [`MAX_SHARDS`], or `index` is not below it.
    pub fn new(index: u64, count: u64) -> Result<Shard, ShardError> {
        if count == 0 || count > MAX_SHARDS {
            return Err(ShardError::Count(count));
        }
        if index >= count {
            return Err(ShardError::Index { index, count });
        }
        Ok(Shard { index, count })
    }

    /// The items (trials, inputs, negotiations) of `0..total` this part runs: contiguous, and
    /// together the parts cover `0..total` once.
    pub fn range(&self, total: u64) -> Range<u64> {
        let cut = |i: u64| {
            let at = u128::from(total) * u128::from(i) / u128::from(self.count.max(1));
            u64::try_from(at).unwrap_or(total)
        };
        cut(self.index)..cut(self.index + 1)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = ShardError;

    /// `"i/N"`, e.g. `"0/3"` for the first of three parts.
    fn from_str(s: &str) -> Result<Shard, ShardError> {
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| ShardError::Syntax(s.to_string()))?;
        let parse = |x: &str| {
            x.trim()
                .parse::<u64>()
                .map_err(|_| ShardError::Syntax(s.to_string()))
        };
        Shard::new(parse(i)?, parse(n)?)
    }
}

/// A malformed `--shard`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ShardError {
    /// Not `i/N`.
    #[error("`{0}` is not a shard: write i/N, the i-th of N parts counted from 0 (0/4 .. 3/4)")]
    Syntax(String),
    /// `N` out of range.
    #[error("a run is cut into 1 to {MAX_SHARDS} parts, not {0}")]
    Count(u64),
    /// `i` out of range.
    #[error("part {index} of {count} does not exist: parts are counted from 0 to {}", count.saturating_sub(1))]
    Index {
        /// The part asked for.
        index: u64,
        /// How many there are.
        count: u64,
    },
}

/// Parts that do not make one run.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum MergeError {
    /// Nothing to merge.
    #[error("no shard to merge")]
    Empty,
    /// Shards of different kinds of run.
    #[error("shards of different kinds of run: {0} and {1}")]
    Kind(String, String),
    /// Shards cut the run into different numbers of parts.
    #[error("shard {0} and shard {1} cut the run into different numbers of parts")]
    Count(Shard, Shard),
    /// Shards of different runs.
    #[error(
        "shard {first} and shard {other} come from different runs: {what} differ ({a} and {b}); \
         run every part with the same scenario, options, seed and detente version"
    )]
    Different {
        /// One shard.
        first: Shard,
        /// A shard that does not match it.
        other: Shard,
        /// What differs.
        what: &'static str,
        /// Its value in `first`.
        a: String,
        /// Its value in `other`.
        b: String,
    },
    /// A part given twice.
    #[error("shard {0} is given twice")]
    Duplicate(Shard),
    /// Parts missing.
    #[error("shard(s) {missing} of {count} are missing: merge needs every part")]
    Missing {
        /// The missing indices, comma-separated.
        missing: String,
        /// How many parts the run has.
        count: u64,
    },
    /// A part whose content no run could have written.
    #[error("shard {shard} is damaged: {why}")]
    Damaged {
        /// The part.
        shard: Shard,
        /// What is wrong.
        why: String,
    },
}

impl MergeError {
    /// Part `shard` holds what no run could have written.
    pub fn damaged(shard: Shard, why: impl Into<String>) -> MergeError {
        MergeError::Damaged {
            shard,
            why: why.into(),
        }
    }
}

/// A shard document: its schema tag, which part it is and the run it belongs to.
pub trait Part {
    /// The document's schema tag.
    fn schema(&self) -> &str;
    /// Which part it is.
    fn shard(&self) -> Shard;
    /// The run it belongs to.
    fn run(&self) -> &RunId;
}

/// The parts in part order, once checked to be documents of `schema` and every part of one
/// run, once each ([`check_parts`]).
///
/// # Errors
/// See [`MergeError`].
pub fn in_order<'a, T: Part>(parts: &'a [T], schema: &str) -> Result<Vec<&'a T>, MergeError> {
    if let Some(other) = parts.iter().find(|p| p.schema() != schema) {
        return Err(MergeError::Kind(
            schema.to_string(),
            other.schema().to_string(),
        ));
    }
    let order = check_parts(
        &parts
            .iter()
            .map(|p| (p.shard(), p.run()))
            .collect::<Vec<_>>(),
    )?;
    Ok(order.into_iter().filter_map(|i| parts.get(i)).collect())
}

/// What identifies a run, written into each of its parts and compared by [`check_parts`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunId {
    /// The master seed.
    pub seed: u64,
    /// Items of the whole run (trials, or negotiations).
    pub total: u64,
    /// SHA-256 (hex) of everything else the run depends on.
    pub fingerprint: String,
}

/// SHA-256 (hex) over the `Debug` form of `parts` and this crate's version: the identity of a
/// run's inputs. `Debug` prints every field and every float exactly (shortest round-trip form),
/// and the scenario types hold no hash maps, so the same inputs give the same text in any
/// process.
pub fn fingerprint(parts: &[&dyn fmt::Debug]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    for p in parts {
        hasher.update(b"\x1f");
        hasher.update(format!("{p:?}").as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks that `parts` (each a shard and its run's identity) are every part of one run, once
/// each, and returns their positions in part order.
///
/// # Errors
/// See [`MergeError`].
pub fn check_parts(parts: &[(Shard, &RunId)]) -> Result<Vec<usize>, MergeError> {
    let (first, id) = *parts.first().ok_or(MergeError::Empty)?;
    let mut order: Vec<Option<usize>> = Vec::new();
    for (pos, &(shard, other)) in parts.iter().enumerate() {
        if shard.count != first.count {
            return Err(MergeError::Count(first, shard));
        }
        let differ = |what: &'static str, a: String, b: String| MergeError::Different {
            first,
            other: shard,
            what,
            a,
            b,
        };
        if other.seed != id.seed {
            return Err(differ("seeds", id.seed.to_string(), other.seed.to_string()));
        }
        if other.total != id.total {
            return Err(differ(
                "trial counts",
                id.total.to_string(),
                other.total.to_string(),
            ));
        }
        if other.fingerprint != id.fingerprint {
            return Err(differ(
                "scenarios or options",
                format!("fingerprint {}", id.fingerprint.get(..12).unwrap_or("")),
                format!("fingerprint {}", other.fingerprint.get(..12).unwrap_or("")),
            ));
        }
        let slot = usize::try_from(shard.index).map_err(|_| MergeError::Duplicate(shard))?;
        if order.len() <= slot {
            order.resize(slot + 1, None);
        }
        if order[slot].replace(pos).is_some() {
            return Err(MergeError::Duplicate(shard));
        }
    }
    let missing: Vec<String> = (0..first.count)
        .filter(|&i| {
            usize::try_from(i)
                .ok()
                .and_then(|i| order.get(i))
                .is_none_or(Option::is_none)
        })
        .take(20)
        .map(|i| i.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing {
            missing: missing.join(", "),
            count: first.count,
        });
    }
    Ok(order.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn parts_cover_the_run_once() {
        for total in [0u64, 1, 2, 7, 10, 1000, 1001] {
            for n in [1u64, 2, 3, 7, 64] {
                let mut next = 0;
                for i in 0..n {
                    let r = Shard::new(i, n).unwrap().range(total);
                    assert_eq!(r.start, next, "{total} in {n}");
                    next = r.end;
                }
                assert_eq!(next, total);
            }
        }
    }

    /// A shard read from a document is checked as one parsed from `i/N` is.
    #[test]
    fn shards_read_from_a_file_are_checked() {
        let read = |json: &str| serde_json::from_str::<Shard>(json).map_err(|e| e.to_string());
        assert_eq!(
            read(r#"{"index":2,"count":7}"#),
            Ok(Shard { index: 2, count: 7 })
        );
        let past = read(r#"{"index":3,"count":1}"#).unwrap_err();
        assert!(past.starts_with("part 3 of 1 does not exist"), "{past}");
        let huge = read(r#"{"index":18446744073709551615,"count":1000000}"#).unwrap_err();
        assert!(
            huge.starts_with("part 18446744073709551615 of 1000000"),
            "{huge}"
        );
        let none = read(r#"{"index":0,"count":0}"#).unwrap_err();
        assert!(
            none.starts_with("a run is cut into 1 to 1000000 parts, not 0"),
            "{none}"
        );
    }

    #[test]
    fn shards_parse_and_refuse() {
        assert_eq!("2/7".parse::<Shard>(), Ok(Shard { index: 2, count: 7 }));
        assert!(matches!(
            "7/7".parse::<Shard>(),
            Err(ShardError::Index { .. })
        ));
        assert!(matches!("0/0".parse::<Shard>(), Err(ShardError::Count(0))));
        assert!(matches!("1-3".parse::<Shard>(), Err(ShardError::Syntax(_))));
        assert!(matches!("a/3".parse::<Shard>(), Err(ShardError::Syntax(_))));
    }

    #[test]
    fn a_merge_refuses_what_is_not_one_run() {
        let id = RunId {
            seed: 1,
            total: 10,
            fingerprint: "ab".repeat(32),
        };
        let s = |i| Shard::new(i, 3).unwrap();
        assert_eq!(
            check_parts(&[(s(2), &id), (s(0), &id), (s(1), &id)]).unwrap(),
            vec![1, 2, 0]
        );
        assert!(matches!(
            check_parts(&[(s(0), &id), (s(0), &id), (s(1), &id)]),
            Err(MergeError::Duplicate(_))
        ));
        let err = check_parts(&[(s(0), &id), (s(2), &id)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "shard(s) 1 of 3 are missing: merge needs every part"
        );
        let other = RunId {
            seed: 2,
            ..id.clone()
        };
        assert!(
            check_parts(&[(s(0), &id), (s(1), &other)])
                .unwrap_err()
                .to_string()
                .contains("seeds differ (1 and 2)")
        );
        let other = RunId {
            fingerprint: "cd".repeat(32),
            ..id.clone()
        };
        assert!(matches!(
            check_parts(&[(s(0), &id), (s(1), &other)]),
            Err(MergeError::Different {
                what: "scenarios or options",
                ..
            })
        ));
        assert!(matches!(
            check_parts(&[(s(0), &id), (Shard::new(1, 4).unwrap(), &id)]),
            Err(MergeError::Count(..))
        ));
        assert_eq!(check_parts(&[]), Err(MergeError::Empty));
    }
}
