//! Cartesian tournaments: every combination of negotiators on every domain, with profile
//! rotation, repetitions and optional self-play, run in parallel and ranked.
//!
//! # Method
//! For a domain with `k` profiles, every ordered `k`-tuple of the listed negotiators (tuples
//! repeating a negotiator only with [`TournamentConfig::self_play`]) plays once per rotation of
//! the profiles (seat `s` gets profile `(s + r) mod k`, `r = 0..k`) and per repetition. The job
//! list is built in a fixed order and job `j` seeds its random negotiators from
//! `(seed, j, seat)` through SplitMix64, so the results are the same for any number of threads
//! (rayon's `collect` keeps job order). Each table (domain and rotation) is analysed once.
//!
//! # Measures (per negotiation and party)
//! Utility (of the agreement, else the reservation value), advantage `(u - rv)/(max u - rv)`
//! (0 without agreement; 0 when `max u = rv`), welfare `Σ u`, Euclidean distance of the
//! utility vector to the Pareto frontier and to the Nash point. The ranking averages each
//! negotiator's advantage over all its seats (ties by name).
//!
//! # Shards
//! [`run_shard`] runs part `i` of `N` of the job list (`detente_core::shard`); since job `j`
//! draws only from `(seed, j, seat)`, its records are the unsharded run's. [`merge`] checks the
//! parts make one run, joins their records in job order and ranks them as [`run`] does, so the
//! merged result is the unsharded one bit for bit.

use std::collections::BTreeMap;
use std::sync::Arc;

use detente_core::shard::{MergeError, Part as ShardPart, RunId, Shard, fingerprint, in_order};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::analysis::Analysis;
use crate::load::Table;
use crate::protocol::{self, Deadline, ProtocolConfig, Seat};
use crate::{AgentSpec, NegotiationError, Preferences};

/// Tournament settings (the `[tournament]` part of a config file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TournamentConfig {
    /// Negotiators taking part.
    pub agents: Vec<AgentSpec>,
    /// Rounds per negotiation (default 100).
    #[serde(default = "default_rounds")]
    pub rounds: usize,
    /// Repetitions of every pairing (default 1; only random negotiators make them differ).
    #[serde(default = "default_repetitions")]
    pub repetitions: usize,
    /// Let a negotiator meet itself (default false).
    #[serde(default)]
    pub self_play: bool,
    /// Master seed (default 0).
    #[serde(default)]
    pub seed: u64,
}

/// Most repetitions of each pairing a tournament runs.
pub const MAX_REPETITIONS: usize = 10_000;

/// Most negotiations one tournament plans; each keeps a record, so this bounds its memory.
pub const MAX_NEGOTIATIONS: usize = 1_000_000;

fn default_rounds() -> usize {
    100
}

fn default_repetitions() -> usize {
    1
}

/// One negotiation's record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Job number (fixed order).
    pub job: usize,
    /// Domain name.
    pub domain: String,
    /// Rotation of profiles.
    pub rotation: usize,
    /// Repetition.
    pub repetition: usize,
    /// Negotiator per seat.
    pub agents: Vec<String>,
    /// Profile per seat.
    pub profiles: Vec<String>,
    /// Agreed outcome, if any.
    pub agreement: Option<usize>,
    /// Round it ended.
    pub round: usize,
    /// Utility per seat.
    pub utilities: Vec<f64>,
    /// Advantage per seat.
    pub advantages: Vec<f64>,
    /// Sum of utilities.
    pub welfare: f64,
    /// Distance to the Pareto frontier.
    pub pareto_distance: f64,
    /// Distance to the Nash point (`None` when no outcome is rational for all).
    pub nash_distance: Option<f64>,
}

/// One negotiator's summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranking {
    /// Negotiator.
    pub agent: String,
    /// Negotiations it took part in (seats).
    pub seats: usize,
    /// Mean utility.
    pub utility: f64,
    /// Mean advantage.
    pub advantage: f64,
    /// Share of its negotiations that ended in agreement.
    pub agreement_rate: f64,
    /// Mean distance to the Pareto frontier.
    pub pareto_distance: f64,
    /// Mean distance to the Nash point (over negotiations that have one).
    pub nash_distance: f64,
}

/// A tournament's results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Results {
    /// Every negotiation, in job order.
    pub records: Vec<Record>,
    /// Negotiators by descending mean advantage.
    pub ranking: Vec<Ranking>,
}

struct Job {
    table: usize,
    rotation: usize,
    repetition: usize,
    agents: Vec<usize>,
}

/// SplitMix64 step, used to derive independent seeds from `(seed, job, seat)`.
fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Seed of seat `seat` in job `job`.
pub fn seat_seed(seed: u64, job: usize, seat: usize) -> u64 {
    splitmix(splitmix(splitmix(seed) ^ job as u64) ^ seat as u64)
}

/// What [`run`] tells its progress callback: the number of negotiations once they are planned,
/// then one `Finished` per negotiation (from any worker thread, in no particular order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// The tournament will run this many negotiations.
    Planned(usize),
    /// One more negotiation has finished.
    Finished,
}

/// Runs the tournament on `tables` with rayon's global pool; `progress` is told the number of
/// negotiations, then called from worker threads after each one (for a progress bar); it never
/// affects results.
pub fn run(
    tables: &[Table],
    config: &TournamentConfig,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Results, NegotiationError> {
    run_until(tables, config, progress, &|| false)
}

/// [`run`], asking `stop` before each negotiation; a raised stop ends the run with
/// [`NegotiationError::Stopped`] (the Python bindings stop on Ctrl-C).
///
/// # Errors
/// As [`run`], or [`NegotiationError::Stopped`].
pub fn run_until(
    tables: &[Table],
    config: &TournamentConfig,
    progress: &(dyn Fn(Progress) + Sync),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Results, NegotiationError> {
    let records = run_part(tables, config, Shard::WHOLE, progress, stop)?.1;
    Ok(Results {
        ranking: rank(&records),
        records,
    })
}

/// Version tag of a tournament shard document ([`TournamentShard`]).
pub const SHARD_SCHEMA: &str = "detente.tournament-shard/1";

/// One part of a tournament ([`run_shard`]): the records of its negotiations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TournamentShard {
    /// Schema tag, [`SHARD_SCHEMA`].
    pub schema: String,
    /// Which part.
    pub shard: Shard,
    /// The tournament it belongs to (`total` is its number of negotiations).
    pub run: RunId,
    /// The domains' names, in order.
    pub domains: Vec<String>,
    /// Rounds per negotiation.
    pub rounds: usize,
    /// The jobs this part ran, `[first, end)`.
    pub jobs: [u64; 2],
    /// Their records, in job order.
    pub records: Vec<Record>,
}

impl ShardPart for TournamentShard {
    fn schema(&self) -> &str {
        &self.schema
    }
    fn shard(&self) -> Shard {
        self.shard
    }
    fn run(&self) -> &RunId {
        &self.run
    }
}

/// Runs part `shard` of the tournament's negotiations; `progress` is told the part's number of
/// negotiations, then one `Finished` per negotiation.
///
/// # Errors
/// As [`run`].
pub fn run_shard(
    tables: &[Table],
    config: &TournamentConfig,
    shard: Shard,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<TournamentShard, NegotiationError> {
    run_shard_until(tables, config, shard, progress, &|| false)
}

/// [`run_shard`], asking `stop` before each negotiation, as [`run_until`].
///
/// # Errors
/// As [`run`], or [`NegotiationError::Stopped`].
pub fn run_shard_until(
    tables: &[Table],
    config: &TournamentConfig,
    shard: Shard,
    progress: &(dyn Fn(Progress) + Sync),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<TournamentShard, NegotiationError> {
    let (total, records) = run_part(tables, config, shard, progress, stop)?;
    let jobs = shard.range(total as u64);
    Ok(TournamentShard {
        schema: SHARD_SCHEMA.to_string(),
        shard,
        run: RunId {
            seed: config.seed,
            total: total as u64,
            fingerprint: fingerprint(&[&"tournament", &tables, config]),
        },
        domains: tables.iter().map(|t| t.name.clone()).collect(),
        rounds: config.rounds,
        jobs: [jobs.start, jobs.end],
        records,
    })
}

/// Merges every part of one tournament, in any order, into the unsharded run's results.
///
/// # Errors
/// Parts that are not every part of one tournament, once each, or a damaged part.
pub fn merge(shards: &[TournamentShard]) -> Result<Results, MergeError> {
    let mut records = Vec::new();
    for part in in_order(shards, SHARD_SCHEMA)? {
        let jobs = part.shard.range(part.run.total);
        let numbered = part.records.iter().zip(jobs.clone()).all(|(r, j)| {
            r.job as u64 == j
                && r.profiles.len() == r.agents.len()
                && r.utilities.len() == r.agents.len()
                && r.advantages.len() == r.agents.len()
        });
        if part.jobs != [jobs.start, jobs.end]
            || part.records.len() as u64 != jobs.end - jobs.start
            || !numbered
        {
            return Err(MergeError::damaged(
                part.shard,
                format!("it should hold the records of negotiations {jobs:?}, in order"),
            ));
        }
        records.extend(part.records.iter().cloned());
    }
    Ok(Results {
        ranking: rank(&records),
        records,
    })
}

/// Plans the whole tournament and runs `shard`'s part of its jobs: the number of jobs planned
/// and the part's records, in job order.
fn run_part(
    tables: &[Table],
    config: &TournamentConfig,
    shard: Shard,
    progress: &(dyn Fn(Progress) + Sync),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<(usize, Vec<Record>), NegotiationError> {
    if config.agents.is_empty() {
        return Err(NegotiationError::Config("`agents` is empty".to_string()));
    }
    if config.rounds == 0 || config.repetitions == 0 {
        return Err(NegotiationError::Config(
            "`rounds` and `repetitions` must be at least 1".to_string(),
        ));
    }
    if config.rounds > crate::protocol::MAX_ROUNDS {
        return Err(NegotiationError::RoundsOutOfRange {
            rounds: config.rounds,
            max: crate::protocol::MAX_ROUNDS,
        });
    }
    if config.repetitions > MAX_REPETITIONS {
        return Err(NegotiationError::Config(format!(
            "`repetitions = {}` is over the limit of {MAX_REPETITIONS}",
            config.repetitions
        )));
    }
    // The plan's size from the counts alone, before any tuple is listed: 10 agents on a domain
    // of 8 profiles are 10^8 tuples, which took gigabytes to list and hours to filter.
    let planned = tables.iter().fold(0u128, |sum, table| {
        let k = table.parties.len();
        sum.saturating_add(
            seatings(config.agents.len(), k, config.self_play)
                .saturating_mul(k as u128)
                .saturating_mul(config.repetitions as u128),
        )
    });
    if planned > MAX_NEGOTIATIONS as u128 {
        return Err(NegotiationError::Config(format!(
            "the tournament plans {} negotiations, over the limit of {MAX_NEGOTIATIONS}; use fewer agents, domains or repetitions",
            if planned == u128::MAX {
                "more than 2^128".to_owned()
            } else {
                planned.to_string()
            }
        )));
    }
    let mut jobs = Vec::new();
    let mut analyses: BTreeMap<(usize, usize), Analysis> = BTreeMap::new();
    for (t, table) in tables.iter().enumerate() {
        let k = table.parties.len();
        if k < 2 {
            return Err(NegotiationError::Config(format!(
                "domain `{}` has {k} profile(s); a negotiation needs at least 2",
                table.name
            )));
        }
        for rotation in 0..k {
            let prefs: Vec<&Preferences> = (0..k)
                .map(|s| table.parties[(s + rotation) % k].as_ref())
                .collect();
            analyses.insert((t, rotation), Analysis::new(&prefs));
        }
        for tuple in tuples(config.agents.len(), k) {
            if !config.self_play && has_repeat(&tuple) {
                continue;
            }
            for rotation in 0..k {
                for repetition in 0..config.repetitions {
                    if jobs.len() == MAX_NEGOTIATIONS {
                        return Err(NegotiationError::Config(format!(
                            "the tournament plans more than {MAX_NEGOTIATIONS} negotiations; use fewer agents, domains or repetitions"
                        )));
                    }
                    jobs.push(Job {
                        table: t,
                        rotation,
                        repetition,
                        agents: tuple.clone(),
                    });
                }
            }
        }
    }
    let protocol = ProtocolConfig {
        deadline: Deadline::Rounds(config.rounds),
        trace: false,
    };
    let part = shard.range(jobs.len() as u64);
    let (first, end) = (
        usize::try_from(part.start).unwrap_or(jobs.len()),
        usize::try_from(part.end).unwrap_or(jobs.len()),
    );
    progress(Progress::Planned(end - first));
    let records = jobs[first..end]
        .par_iter()
        .enumerate()
        .map(|(i, job)| {
            if stop() {
                return Err(NegotiationError::Stopped);
            }
            let j = first + i;
            let table = &tables[job.table];
            let k = table.parties.len();
            let mut seats: Vec<Seat> = (0..k)
                .map(|s| Seat {
                    preferences: Arc::clone(&table.parties[(s + job.rotation) % k]),
                    negotiator: config.agents[job.agents[s]].build(seat_seed(config.seed, j, s)),
                })
                .collect();
            let session = protocol::run(&table.space, &mut seats, &protocol)?;
            let analysis = analyses.get(&(job.table, job.rotation));
            let advantages = seats
                .iter()
                .zip(&session.utilities)
                .map(|(s, &u)| {
                    let rv = s.preferences.reservation();
                    let span = s.preferences.max() - rv;
                    if session.agreement.is_some() && span > 0.0 {
                        (u - rv) / span
                    } else {
                        0.0
                    }
                })
                .collect();
            progress(Progress::Finished);
            Ok(Record {
                job: j,
                domain: table.name.clone(),
                rotation: job.rotation,
                repetition: job.repetition,
                agents: job
                    .agents
                    .iter()
                    .map(|&a| config.agents[a].to_string())
                    .collect(),
                profiles: seats
                    .iter()
                    .map(|s| s.preferences.name().to_string())
                    .collect(),
                agreement: session.agreement,
                round: session.round,
                welfare: session.utilities.iter().sum(),
                pareto_distance: analysis.map_or(0.0, |a| a.pareto_distance(&session.utilities)),
                nash_distance: analysis.and_then(|a| a.nash_distance(&session.utilities)),
                utilities: session.utilities,
                advantages,
            })
        })
        .collect::<Result<Vec<Record>, NegotiationError>>()?;
    Ok((jobs.len(), records))
}

/// How many ways `agents` fill `k` seats: `agents^k`, or with `self_play` off the tuples
/// without a repeat, `agents!/(agents - k)!` (saturating).
fn seatings(agents: usize, k: usize, self_play: bool) -> u128 {
    (0..k).fold(1u128, |n, seat| {
        let choices = if self_play {
            agents
        } else {
            agents.saturating_sub(seat)
        };
        n.saturating_mul(choices as u128)
    })
}

/// Every `k`-tuple of `0..agents` in lexicographic order, one at a time, as an odometer turns.
fn tuples(agents: usize, k: usize) -> impl Iterator<Item = Vec<usize>> {
    let mut next = (agents > 0 || k == 0).then(|| vec![0; k]);
    std::iter::from_fn(move || {
        let current = next.take()?;
        let mut t = current.clone();
        for i in (0..k).rev() {
            t[i] += 1;
            if t[i] < agents {
                next = Some(t);
                break;
            }
            t[i] = 0;
        }
        Some(current)
    })
}

fn has_repeat(tuple: &[usize]) -> bool {
    tuple
        .iter()
        .enumerate()
        .any(|(i, a)| tuple[..i].contains(a))
}

fn rank(records: &[Record]) -> Vec<Ranking> {
    #[derive(Default)]
    struct Acc {
        seats: usize,
        utility: f64,
        advantage: f64,
        agreements: usize,
        pareto: f64,
        nash: f64,
        nash_count: usize,
    }
    let mut acc: BTreeMap<&str, Acc> = BTreeMap::new();
    for r in records {
        for (s, agent) in r.agents.iter().enumerate() {
            let a = acc.entry(agent.as_str()).or_default();
            a.seats += 1;
            a.utility += r.utilities[s];
            a.advantage += r.advantages[s];
            a.agreements += usize::from(r.agreement.is_some());
            a.pareto += r.pareto_distance;
            if let Some(d) = r.nash_distance {
                a.nash += d;
                a.nash_count += 1;
            }
        }
    }
    let mut ranking: Vec<Ranking> = acc
        .into_iter()
        .map(|(agent, a)| {
            let n = a.seats.max(1) as f64;
            Ranking {
                agent: agent.to_string(),
                seats: a.seats,
                utility: a.utility / n,
                advantage: a.advantage / n,
                agreement_rate: a.agreements as f64 / n,
                pareto_distance: a.pareto / n,
                nash_distance: if a.nash_count > 0 {
                    a.nash / a.nash_count as f64
                } else {
                    f64::NAN
                },
            }
        })
        .collect();
    // Stable sort keeps name order among equal advantages.
    ranking.sort_by(|a, b| b.advantage.total_cmp(&a.advantage));
    ranking
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tuples come one at a time in the order the full list had (the first seat most
    /// significant), and the plan's count agrees with them.
    #[test]
    fn tuples_are_listed_in_order_and_counted() {
        let listed: Vec<Vec<usize>> = tuples(3, 2).collect();
        let expected: Vec<Vec<usize>> = (0..3)
            .flat_map(|a| (0..3).map(move |b| vec![a, b]))
            .collect();
        assert_eq!(listed, expected);
        assert_eq!(tuples(0, 0).collect::<Vec<_>>(), vec![Vec::<usize>::new()]);
        assert_eq!(tuples(0, 2).count(), 0);
        for (agents, k) in [(1, 1), (3, 2), (4, 3), (5, 2), (2, 3)] {
            let all = tuples(agents, k).count() as u128;
            let distinct = tuples(agents, k).filter(|t| !has_repeat(t)).count() as u128;
            assert_eq!(all, seatings(agents, k, true), "{agents} agents, {k} seats");
            assert_eq!(
                distinct,
                seatings(agents, k, false),
                "{agents} agents, {k} seats"
            );
        }
        assert_eq!(seatings(10, 8, true), 100_000_000);
        assert_eq!(seatings(usize::MAX, 40, true), u128::MAX);
    }
}
