//! Property tests of package bargaining: on random small problems (2-4 issues of 2-6 values,
//! 2-3 parties, random weights, evaluations and reservations) the pruned frontier search, every
//! solution and the zone of agreement equal a brute-force enumeration written independently here.
//! The same holds when some parties' utilities are sums of hyper-rectangles (GENIUS non-linear
//! profiles), whose frontier is found by walking cells instead.
#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use detente_models::bargain::{
    AdditiveUtility, Domain, DomainIssue, KsRule, NashWeights, Package, Party, Problem, Rectangle,
    RectangleUtility, SolveConfig, Utility, Value, solve,
};
use proptest::prelude::*;

/// Evaluations drawn from a coarse set half of the time, so equal utility vectors (ties) and
/// zero weights are common.
fn number() -> impl Strategy<Value = f64> {
    prop_oneof![0.0..=1.0f64, (0u8..=4).prop_map(|q| f64::from(q) / 4.0)]
}

fn problem() -> impl Strategy<Value = (Problem, NashWeights, KsRule)> {
    (
        prop::collection::vec(2usize..=6, 2..=4),
        2usize..=3,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_flat_map(|(sizes, n_parties, weighted, spread)| {
            let party = {
                let sizes = sizes.clone();
                (
                    prop::collection::vec(number(), sizes.len()),
                    sizes
                        .iter()
                        .map(|&m| prop::collection::vec(number(), m))
                        .collect::<Vec<_>>(),
                    prop::option::of(0.0..=1.0f64),
                    0.5..=3.0f64,
                )
            };
            (
                Just(sizes),
                prop::collection::vec(party, n_parties),
                Just(weighted),
                Just(spread),
            )
        })
        .prop_map(|(sizes, parties, weighted, spread)| {
            let issues = sizes
                .iter()
                .enumerate()
                .map(|(k, &m)| DomainIssue {
                    name: format!("i{k}"),
                    values: (0..m)
                        .map(|v| Value {
                            label: format!("v{v}"),
                            number: None,
                        })
                        .collect(),
                })
                .collect();
            let domain = Domain::new("random", issues).unwrap();
            let parties = parties
                .into_iter()
                .enumerate()
                .map(|(i, (weights, evaluations, reservation, weight))| Party {
                    name: format!("p{i}"),
                    utility: AdditiveUtility {
                        weights,
                        evaluations,
                        reservation,
                    }
                    .into(),
                    weight,
                })
                .collect();
            let problem = Problem::new(domain, parties, None).unwrap();
            let nash = if weighted {
                NashWeights::PartyWeights
            } else {
                NashWeights::Equal
            };
            let ks = if spread {
                KsRule::SmallestSpread
            } else {
                KsRule::MaxMinRatio
            };
            (problem, nash, ks)
        })
}

/// Everything computed the slow way: every package enumerated.
struct Brute {
    disagreement: Vec<f64>,
    frontier: Vec<(Package, Vec<f64>)>,
    unrestricted_frontier: usize,
    rational: u64,
    strict: u64,
}

fn all_packages(problem: &Problem) -> Vec<Package> {
    let mut out = vec![Vec::new()];
    for issue in problem.domain().issues() {
        out = out
            .into_iter()
            .flat_map(|p| {
                (0..issue.values.len()).map(move |v| {
                    let mut q = p.clone();
                    q.push(v);
                    q
                })
            })
            .collect();
    }
    out.into_iter().map(Package).collect()
}

/// Pareto frontier by pairwise comparison; of equal vectors the first (smallest) package.
fn pairwise_frontier(points: &[(Package, Vec<f64>)]) -> Vec<(Package, Vec<f64>)> {
    let mut out: Vec<(Package, Vec<f64>)> = Vec::new();
    for (p, u) in points {
        let dominated = points.iter().any(|(_, v)| {
            v.iter().zip(u).all(|(a, b)| a >= b) && v.iter().zip(u).any(|(a, b)| a > b)
        });
        if !dominated && !out.iter().any(|(_, v)| v == u) {
            out.push((p.clone(), u.clone()));
        }
    }
    out
}

fn brute(problem: &Problem) -> Brute {
    let packages = all_packages(problem);
    let points: Vec<(Package, Vec<f64>)> = packages
        .into_iter()
        .map(|p| {
            let u = problem.utilities(&p).unwrap();
            (p, u)
        })
        .collect();
    let disagreement: Vec<f64> = problem
        .parties()
        .iter()
        .enumerate()
        .map(|(i, party)| {
            let min = points
                .iter()
                .map(|(_, u)| u[i])
                .fold(f64::INFINITY, f64::min);
            match party.utility.reservation() {
                Some(r) if r >= min => r,
                _ => min,
            }
        })
        .collect();
    let rational: Vec<(Package, Vec<f64>)> = points
        .iter()
        .filter(|(_, u)| u.iter().zip(&disagreement).all(|(a, d)| a >= d))
        .cloned()
        .collect();
    let strict = points
        .iter()
        .filter(|(_, u)| u.iter().zip(&disagreement).all(|(a, d)| a > d))
        .count() as u64;
    Brute {
        frontier: pairwise_frontier(&rational),
        unrestricted_frontier: pairwise_frontier(&points).len(),
        rational: rational.len() as u64,
        strict,
        disagreement,
    }
}

/// The brute-force argmax: ties within 1e-12, smallest package.
fn argmax(frontier: &[(Package, Vec<f64>)], score: impl Fn(&[f64]) -> f64) -> Option<Package> {
    let scores: Vec<f64> = frontier.iter().map(|(_, u)| score(u)).collect();
    let best = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    frontier
        .iter()
        .zip(&scores)
        .filter(|(_, s)| **s >= best - 1e-12)
        .map(|((p, _), _)| p.clone())
        .min()
}

fn check(problem: &Problem, nash_weights: NashWeights, ks_rule: KsRule) {
    let config = SolveConfig {
        nash_weights,
        ks_rule,
        ..SolveConfig::default()
    };
    let got = solve(problem, &config).unwrap();
    let b = brute(problem);
    assert_eq!(got.frontier.disagreement, b.disagreement);
    let mut fast: Vec<(Package, Vec<f64>)> = got
        .frontier
        .points
        .iter()
        .map(|p| (p.package.clone(), p.utilities.clone()))
        .collect();
    let mut slow = b.frontier.clone();
    fast.sort_by(|a, b| a.0.cmp(&b.0));
    slow.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(fast, slow, "frontier");

    let d = &b.disagreement;
    let n = d.len();
    let ideal: Vec<f64> = (0..n)
        .map(|i| slow.iter().map(|(_, u)| u[i]).fold(d[i], f64::max))
        .collect();
    let w: Vec<f64> = match nash_weights {
        NashWeights::Equal => vec![1.0; n],
        NashWeights::PartyWeights => {
            let raw: Vec<f64> = problem.parties().iter().map(|p| p.weight).collect();
            let mean = raw.iter().sum::<f64>() / n as f64;
            raw.iter().map(|x| x / mean).collect()
        }
    };
    let gains = |u: &[f64]| -> Vec<f64> { u.iter().zip(d).map(|(a, b)| a - b).collect() };
    let nash = argmax(&slow, |u| {
        gains(u)
            .iter()
            .zip(&w)
            .map(|(g, w)| if *w == 1.0 { *g } else { g.max(0.0).powf(*w) })
            .product()
    });
    let ratios = |u: &[f64]| -> Vec<f64> {
        gains(u)
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let r = ideal[i] - d[i];
                if r > 0.0 { g / r } else { 1.0 }
            })
            .collect()
    };
    let ks = argmax(&slow, |u| {
        let r = ratios(u);
        let lo = r.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = r.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        match ks_rule {
            KsRule::MaxMinRatio => lo,
            KsRule::SmallestSpread => lo - hi,
        }
    });
    let egalitarian = argmax(&slow, |u| {
        gains(u).iter().copied().fold(f64::INFINITY, f64::min)
    });
    let utilitarian = argmax(&slow, |u| u.iter().sum());
    let package =
        |s: &Option<detente_models::bargain::Solution>| s.as_ref().map(|s| s.package.clone());
    assert_eq!(package(&got.nash), nash, "nash");
    assert_eq!(package(&got.kalai_smorodinsky), ks, "kalai-smorodinsky");
    assert_eq!(package(&got.egalitarian), egalitarian, "egalitarian");
    assert_eq!(package(&got.utilitarian), utilitarian, "utilitarian");

    let z = &got.zopa;
    assert_eq!(z.rational_count, Some(b.rational));
    assert_eq!(z.strict_count, Some(b.strict));
    assert_eq!(z.exists, b.strict > 0);
    assert_eq!(z.frontier_size, b.unrestricted_frontier);
    assert_eq!(z.rational_frontier_size, slow.len());
}

/// A random hyper-rectangle utility over issues of `sizes` values: 1-4 rectangles, each
/// constraining each issue or not, utilities from a coarse set (ties), a `max_utility` that
/// sometimes caps the sum at 1.
fn rectangles(sizes: Vec<usize>) -> impl Strategy<Value = RectangleUtility> {
    let rectangle = (
        (0u8..=8).prop_map(f64::from),
        sizes
            .iter()
            .map(|&m| prop::option::of(prop::collection::vec(any::<bool>(), m)))
            .collect::<Vec<_>>(),
    )
        .prop_map(|(utility, includes)| Rectangle {
            utility,
            includes: includes
                .into_iter()
                .enumerate()
                .filter_map(|(k, inside)| inside.map(|inside| (k, inside)))
                .collect(),
        });
    (
        prop::collection::vec(rectangle, 1..=4),
        1.0..=12.0f64,
        prop::option::of(0.0..=1.0f64),
    )
        .prop_map(|(rectangles, max_utility, reservation)| RectangleUtility {
            rectangles,
            max_utility,
            reservation,
        })
}

/// [`problem`] with each party's utility replaced, at random, by a [`rectangles`] one (at
/// least one party is).
fn mixed_problem() -> impl Strategy<Value = (Problem, NashWeights, KsRule)> {
    problem().prop_flat_map(|(problem, nash, ks)| {
        let sizes: Vec<usize> = problem
            .domain()
            .issues()
            .iter()
            .map(|i| i.values.len())
            .collect();
        let n = problem.parties().len();
        (
            Just(problem),
            prop::collection::vec(prop::option::of(rectangles(sizes.clone())), n),
            rectangles(sizes),
            Just(nash),
            Just(ks),
        )
            .prop_map(|(problem, swaps, first, nash, ks)| {
                let parties = problem
                    .parties()
                    .iter()
                    .zip(swaps)
                    .enumerate()
                    .map(|(i, (party, swap))| {
                        let utility = match (i, swap) {
                            (0, _) => Utility::Rectangles(first.clone()),
                            (_, Some(r)) => Utility::Rectangles(r),
                            (_, None) => party.utility.clone(),
                        };
                        Party {
                            utility,
                            ..party.clone()
                        }
                    })
                    .collect();
                let problem = Problem::new(problem.domain().clone(), parties, None).unwrap();
                (problem, nash, ks)
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn pruned_search_equals_brute_force((problem, nash, ks) in problem()) {
        check(&problem, nash, ks);
    }

    #[test]
    fn cell_walk_equals_brute_force((problem, nash, ks) in mixed_problem()) {
        check(&problem, nash, ks);
    }
}

/// Issue 16: a raised stop flag ends the frontier search with `Stopped` and no result, for an
/// additive problem (checked before each merge step) and for a non-additive one (checked every
/// 65,536 cells of the walk; this one has 8^6 = 262,144 cells); the same problems with the
/// default flag, which is never raised, solve.
#[test]
fn a_raised_stop_flag_ends_the_frontier_search() {
    use detente_models::bargain::{BargainError, FrontierConfig, pareto_frontier};
    use detente_models::stop::StopFlag;

    let issues: Vec<DomainIssue> = (0..6)
        .map(|k| DomainIssue {
            name: format!("i{k}"),
            values: (0..8)
                .map(|v| Value {
                    label: format!("v{v}"),
                    number: None,
                })
                .collect(),
        })
        .collect();
    let domain = Domain::new("stop", issues).unwrap();
    let additive = |i: usize| -> Utility {
        AdditiveUtility {
            weights: vec![1.0 / 6.0; 6],
            evaluations: (0..6)
                .map(|k| {
                    (0..8)
                        .map(|v| f64::from(u8::try_from((v * (i + 1) + k) % 8).unwrap()) / 7.0)
                        .collect()
                })
                .collect(),
            reservation: None,
        }
        .into()
    };
    // One rectangle per issue and value: every value of every issue is its own class.
    let rectangles = Utility::Rectangles(RectangleUtility {
        rectangles: (0..6)
            .flat_map(|k| {
                (0..8).map(move |v| Rectangle {
                    utility: f64::from(u8::try_from((v + k) % 8).unwrap()),
                    includes: vec![(k, (0..8).map(|w| w == v).collect())],
                })
            })
            .collect(),
        max_utility: 42.0,
        reservation: None,
    });
    let party = |i: usize, utility: Utility| Party {
        name: format!("p{i}"),
        utility,
        weight: 1.0,
    };
    let stopped = FrontierConfig {
        stop: StopFlag::new(),
        ..FrontierConfig::default()
    };
    stopped.stop.raise();
    for parties in [
        vec![party(0, additive(0)), party(1, additive(1))],
        vec![party(0, rectangles), party(1, additive(1))],
    ] {
        let problem = Problem::new(domain.clone(), parties, None).unwrap();
        assert_eq!(
            pareto_frontier(&problem, &stopped),
            Err(BargainError::Stopped)
        );
        let frontier = pareto_frontier(&problem, &FrontierConfig::default()).unwrap();
        assert!(!frontier.points.is_empty());
    }
}
