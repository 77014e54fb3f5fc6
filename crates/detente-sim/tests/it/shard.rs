//! Issue 14: a run cut into shards and merged is the unsharded run, byte for byte.
#![expect(clippy::unwrap_used, reason = "tests")]

use detente_core::Scenario;
use detente_models::bargain::{PackageConfig, SolveConfig};
use detente_models::forecast::ForecastConfig;
use detente_sim::sensitivity::{
    SensitivityConfig, merge_sensitivity, sensitivity, sensitivity_shard_until,
};
use detente_sim::{
    MergeError, MonteCarloConfig, MonteCarloShard, Noise, Shard, Target, merge_montecarlo,
    montecarlo, montecarlo_shard_until,
};

#[path = "../../../detente-core/tests/support/wide.rs"]
mod wide;

const ISTANBUL: &str = include_str!("../../../../scenarios/istanbul-2025.toml");

fn istanbul() -> Scenario {
    detente_core::parse("istanbul-2025.toml", ISTANBUL)
        .unwrap()
        .scenario
}

fn targets() -> Vec<Target> {
    vec![
        Target::Spatial(ForecastConfig::default()),
        Target::Package {
            package: PackageConfig {
                step: 25.0,
                ..PackageConfig::default()
            },
            solve: SolveConfig {
                zopa_count_limit: 0,
                ..SolveConfig::default()
            },
        },
    ]
}

fn config(exact_limit: usize) -> MonteCarloConfig {
    let mut noise = Noise::default();
    noise.set("salience=0.1").unwrap();
    noise.set("capability=0.2").unwrap();
    MonteCarloConfig {
        trials: 50,
        seed: 7,
        noise,
        block: 8,
        exact_limit,
        ..MonteCarloConfig::default()
    }
}

/// Runs every part of `n` on its own pool size, writes each to JSON and reads it back (as a
/// merge on another machine would), and merges them in reverse order.
fn sharded(s: &Scenario, config: &MonteCarloConfig, n: u64) -> String {
    let mut parts: Vec<MonteCarloShard> = (0..n)
        .map(|i| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(1 + (i as usize % 3))
                .build()
                .unwrap();
            let part = pool
                .install(|| {
                    montecarlo_shard_until(
                        s,
                        &targets(),
                        config,
                        Shard::new(i, n).unwrap(),
                        &|_| {},
                        &|| false,
                    )
                })
                .unwrap()
                .unwrap();
            serde_json::from_str(&serde_json::to_string(&part).unwrap()).unwrap()
        })
        .collect();
    parts.reverse();
    serde_json::to_string(&merge_montecarlo(&parts).unwrap()).unwrap()
}

#[test]
fn merged_montecarlo_shards_equal_the_unsharded_run() {
    let s = istanbul();
    // Exact percentiles (limit above the trials) and the histogram sketch (limit below).
    for limit in [10_000, 20] {
        let c = config(limit);
        let whole =
            serde_json::to_string(&montecarlo(&s, &targets(), &c, &|_| {}).unwrap()).unwrap();
        for n in [1, 3, 7] {
            assert_eq!(sharded(&s, &c, n), whole, "{n} shards, exact limit {limit}");
        }
    }
}

#[test]
fn a_merge_refuses_parts_of_different_runs() {
    let s = istanbul();
    let run = |c: &MonteCarloConfig, i: u64, n: u64| {
        montecarlo_shard_until(
            &s,
            &targets(),
            c,
            Shard::new(i, n).unwrap(),
            &|_| {},
            &|| false,
        )
        .unwrap()
        .unwrap()
    };
    let c = config(10_000);
    let other_seed = MonteCarloConfig {
        seed: 8,
        ..c.clone()
    };
    let err = merge_montecarlo(&[run(&c, 0, 2), run(&other_seed, 1, 2)]).unwrap_err();
    assert!(err.to_string().contains("seeds differ (7 and 8)"), "{err}");

    let mut edited = s.clone();
    edited.meta.title.push('!');
    let other = montecarlo_shard_until(
        &edited,
        &targets(),
        &c,
        Shard::new(1, 2).unwrap(),
        &|_| {},
        &|| false,
    )
    .unwrap()
    .unwrap();
    assert!(matches!(
        merge_montecarlo(&[run(&c, 0, 2), other]),
        Err(MergeError::Different {
            what: "scenarios or options",
            ..
        })
    ));
    assert!(matches!(
        merge_montecarlo(&[run(&c, 0, 3), run(&c, 2, 3)]),
        Err(MergeError::Missing { .. })
    ));
    assert!(matches!(
        merge_montecarlo(&[run(&c, 1, 2), run(&c, 1, 2)]),
        Err(MergeError::Duplicate(_))
    ));
    // A part whose counts were edited is refused, not merged.
    let mut damaged = run(&c, 1, 2);
    damaged.summaries[0].count += 1;
    assert!(matches!(
        merge_montecarlo(&[run(&c, 0, 2), damaged]),
        Err(MergeError::Damaged { .. })
    ));
    // So is one that dropped the values a run within the exact limit needs.
    let mut stripped = run(&c, 1, 2);
    stripped.summaries[0].exact = None;
    assert!(matches!(
        merge_montecarlo(&[run(&c, 0, 2), stripped]),
        Err(MergeError::Damaged { .. })
    ));
    // Numbers no run writes, found by an audit of what a merge reads: each panicked on an
    // overflow or asked for terabytes. Each is now a damaged part.
    let damaged_by = |edit: &dyn Fn(&mut MonteCarloShard)| {
        let mut part = run(&c, 1, 2);
        edit(&mut part);
        // Through JSON, as `detente merge` reads a part.
        let text = serde_json::to_string(&part).unwrap();
        let part: MonteCarloShard = serde_json::from_str(&text).unwrap();
        merge_montecarlo(&[run(&c, 0, 2), part])
            .unwrap_err()
            .to_string()
    };
    let e = damaged_by(&|p| p.summaries[0].bins = 1 << 36);
    assert!(e.contains("histogram counts for 68719476736 bins"), "{e}");
    let e = damaged_by(&|p| {
        p.summaries[0].histogram[0] = u64::MAX;
        p.summaries[0].histogram[1] = 1;
    });
    assert!(e.contains("bin counts that add up past 2^64"), "{e}");
    let e = damaged_by(&|p| {
        p.summaries[0].count = u64::MAX;
        p.summaries[0].missing = 1;
    });
    assert!(e.starts_with("shard 1/2 is damaged"), "{e}");
    // A part numbered past its count is refused as it is read.
    let mut past = serde_json::to_value(run(&c, 1, 2)).unwrap();
    past["shard"]["index"] = serde_json::json!(u64::MAX);
    let e = serde_json::from_value::<MonteCarloShard>(past)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("part 18446744073709551615 of 2 does not exist"),
        "{e}"
    );
}

#[test]
fn merged_sensitivity_shards_equal_the_unsharded_run() {
    let s = istanbul();
    let config = SensitivityConfig {
        trials: 40,
        seed: 3,
        block: 8,
        ..SensitivityConfig::default()
    };
    let t = vec![Target::Spatial(ForecastConfig::default())];
    let whole = serde_json::to_string(&sensitivity(&s, &t, &config, &|_| {}).unwrap()).unwrap();
    for n in [1, 3, 7] {
        let mut parts: Vec<_> = (0..n)
            .map(|i| {
                let part = sensitivity_shard_until(
                    &s,
                    &t,
                    &config,
                    Shard::new(i, n).unwrap(),
                    &|_| {},
                    &|| false,
                )
                .unwrap()
                .unwrap();
                serde_json::from_str(&serde_json::to_string(&part).unwrap()).unwrap()
            })
            .collect();
        parts.rotate_left(1);
        let merged = serde_json::to_string(&merge_sensitivity(&parts).unwrap()).unwrap();
        assert_eq!(merged, whole, "{n} shards");
    }
}

/// A regression whose sums (`p²` per forecast) would pass the limit is refused before any model
/// runs, as a run, as a part and as a merge; the tornado alone (no trials) still runs. A
/// posted scenario of 2,000 positions asked for gigabytes and ended the server's process.
#[test]
fn a_regression_too_large_for_memory_is_refused() {
    use detente_sim::TargetError;
    use detente_sim::sensitivity::{MAX_REGRESSION_SUMS, check};
    // Many positions: the inputs are capabilities, positions and saliences.
    let text = wide::wide_scenario(2, 600);
    let s = detente_core::parse("wide.toml", &text).unwrap().scenario;
    let t = vec![Target::Spatial(ForecastConfig::default())];
    let config = SensitivityConfig {
        trials: 10,
        ..SensitivityConfig::default()
    };
    let e = check(&s, &t, &config).unwrap_err();
    let TargetError::RegressionTooLarge {
        inputs,
        metrics,
        sums,
    } = e
    else {
        panic!("{e}");
    };
    assert!(
        inputs >= 2_400 && metrics >= 600,
        "{inputs} inputs, {metrics} metrics"
    );
    assert!(sums > MAX_REGRESSION_SUMS);
    assert!(
        e.to_string().contains("run the tornado alone (--trials 0"),
        "{e}"
    );
    assert!(matches!(
        sensitivity(&s, &t, &config, &|_| {}),
        Err(TargetError::RegressionTooLarge { .. })
    ));
    assert!(matches!(
        sensitivity_shard_until(&s, &t, &config, Shard::new(0, 2).unwrap(), &|_| {}, &|| {
            false
        }),
        Err(TargetError::RegressionTooLarge { .. })
    ));
    let tornado = SensitivityConfig {
        trials: 0,
        ..config
    };
    assert!(check(&s, &t, &tornado).is_ok());
    // A part that says it varies that many inputs is refused by the merge before it builds
    // the sums (no run writes one).
    let small = SensitivityConfig {
        trials: 4,
        ..SensitivityConfig::default()
    };
    let mut part =
        sensitivity_shard_until(&istanbul(), &t, &small, Shard::WHOLE, &|_| {}, &|| false)
            .unwrap()
            .unwrap();
    let one = part.inputs[0].clone();
    part.inputs.resize(5_000, one);
    let e = merge_sensitivity(&[part]).unwrap_err().to_string();
    assert!(
        e.starts_with("shard 0/1 is damaged: a regression over 5000 inputs"),
        "{e}"
    );
    // The tornado alone, the error's advice, runs on the same scenario (its sums would have
    // been 2,402² per forecast).
    let wide = sensitivity(&s, &t, &tornado, &|_| {}).unwrap();
    assert!(
        wide.metrics
            .iter()
            .all(|m| m.regression_trials == 0 && m.src.is_empty())
    );
    // A part that would keep more rows than the limit is refused, with a count of parts that
    // fit.
    let rows = SensitivityConfig {
        trials: 200_000,
        ..SensitivityConfig::default()
    };
    let e = sensitivity_shard_until(
        &istanbul(),
        &t,
        &rows,
        Shard::new(0, 2).unwrap(),
        &|_| {},
        &|| false,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with("part 0/2 would keep 100000 regression rows of")
            && e.contains("cut the run into"),
        "{e}"
    );
    // The progress total saturates: `--trials` takes any count.
    let endless = SensitivityConfig {
        trials: u64::MAX,
        ..tornado
    };
    assert_eq!(detente_sim::sensitivity::runs(&s, &t, &endless), u64::MAX);
}
