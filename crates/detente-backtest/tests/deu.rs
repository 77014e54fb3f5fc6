//! The DEU importer and the backtest on the bundled data (`data/deu3/deu3.tsv`, source in the
//! README beside it). Most tests use the first rows only, to stay fast in debug builds; the full
//! document is checked against `docs/backtest.md` in `.ci/run` with a release build.
#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected values")]

use detente_backtest::engine::{BacktestConfig, ModelId, run};
use detente_backtest::report;
use detente_core::import::{CouncilRule, DeuData, parse_deu};

fn text() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/deu3/deu3.tsv");
    std::fs::read_to_string(path).unwrap()
}

fn data() -> DeuData {
    parse_deu("data/deu3/deu3.tsv", &text()).unwrap()
}

fn small(limit: usize, models: Vec<ModelId>) -> BacktestConfig {
    BacktestConfig {
        models,
        bootstrap_replicates: 200,
        cv_seeds: vec![1],
        folds: 4,
        limit: Some(limit),
        ..BacktestConfig::default()
    }
}

#[test]
fn imports_the_bundled_file() {
    let d = data();
    assert_eq!(d.actors.len(), 30);
    assert_eq!(d.issues.len(), 364);
    assert_eq!(d.issues.iter().filter(|i| i.outcome.is_some()).count(), 353);
    assert_eq!(
        d.issues
            .iter()
            .filter(|i| i.outcome.is_some() && i.reference_point.is_none())
            .count(),
        100
    );
    let first = &d.issues[0];
    assert_eq!(
        (first.id.as_str(), first.proposal.as_str()),
        ("d00032i1", "d00032")
    );
    assert_eq!(first.council_rule, CouncilRule::QualifiedMajority);
    // Row 3: pcom 100 with scom 50; 17 actors take a position (counted with a separate csv reader).
    assert_eq!(first.stances.len(), 17);
    assert_eq!(first.stances[0].position, 100.0);
    assert!((first.stances[0].salience - 0.5).abs() < 1e-12);
    assert_eq!(d.actors[0].gdp, 4.1);
    assert!(d.notes.iter().any(|n| n.starts_with("54 positions")));
    // Every issue with two positions becomes a valid scenario.
    let options = detente_core::import::DeuScenarioOptions {
        capabilities: d.actors.iter().map(|a| Some(a.gdp)).collect(),
        ..Default::default()
    };
    let s = first.scenario("deu3.tsv", &d, &options).unwrap();
    assert_eq!(s.issues[0].positions.len(), 17);
}

#[test]
fn bad_cells_are_named() {
    let t = text();
    let mut lines: Vec<String> = t.lines().map(str::to_owned).collect();
    lines[4] = lines[4].replacen("\"QMV\"", "\"Majority\"", 1);
    lines[5] = lines[5].replacen("\t100\t", "\t140\t", 1);
    let err = parse_deu("bad.tsv", &lines.join("\n")).unwrap_err();
    let msgs: Vec<String> = err.errors().iter().map(ToString::to_string).collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("row 5, column counvte") && m.contains("Majority")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("row 6") && m.contains("not a number in 0..100")),
        "{msgs:?}"
    );
    let err = parse_deu("x.tsv", "a\tb\n1\t2\n").unwrap_err();
    assert!(err.errors()[0].to_string().contains("no `prnr` column"));
    assert!(parse_deu("empty.tsv", "").is_err());
}

/// The compromise forecast equals the weighted mean computed here from the raw rows, with the
/// file's GDP line as capabilities and empty saliences as 0 (an independent recomputation).
#[test]
fn compromise_matches_a_direct_computation() {
    let d = data();
    let report = run("deu3.tsv", &d, &small(60, vec![ModelId::Compromise])).unwrap();
    let mut expected = Vec::new();
    for line in text().lines().skip(2).take(60) {
        let cells: Vec<&str> = line.split('\t').collect();
        let num = |i: usize| cells[i].trim_matches('"').parse::<f64>().ok();
        let Some(out) = num(74) else { continue };
        let gdp: Vec<f64> = text()
            .lines()
            .nth(1)
            .unwrap()
            .split('\t')
            .collect::<Vec<_>>()[13..43]
            .iter()
            .map(|c| c.trim_matches('"').parse().unwrap())
            .collect();
        let (mut a, mut b) = (0.0, 0.0);
        for (k, g) in gdp.iter().enumerate() {
            if let Some(p) = num(13 + k) {
                let w = g * num(43 + k).unwrap_or(0.0);
                a += w * p;
                b += w;
            }
        }
        expected.push((a / b - out).abs());
    }
    let mae = expected.iter().sum::<f64>() / expected.len() as f64;
    let got = &report.models[0];
    assert_eq!(got.metrics.n, expected.len());
    assert!(
        (got.metrics.mean_absolute_error - mae).abs() < 1e-9,
        "{} vs {mae}",
        got.metrics.mean_absolute_error
    );
}

/// Same numbers on one thread as on many.
#[test]
fn thread_count_does_not_change_results() {
    let d = data();
    let config = small(
        40,
        vec![ModelId::EumScholz, ModelId::BlendMean, ModelId::Nash],
    );
    let many = run("deu3.tsv", &d, &config).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let one = pool.install(|| run("deu3.tsv", &d, &config).unwrap());
    assert_eq!(many, one);
}

/// Out of fold means an issue's own outcome never tunes its forecast: changing the outcomes of
/// one proposal leaves the tuned forecasts of that proposal's issues unchanged: the blends, the
/// stacks, the headline (whose stack is chosen by an inner cross-validation) and its CV+
/// intervals. With the deliberate leak switched on (the stacks train on the test fold too) the
/// same check fails, so it can detect a leak.
#[test]
fn tuned_forecasts_do_not_see_their_own_outcomes() {
    let models = vec![
        ModelId::BlendMean,
        ModelId::BlendReference,
        ModelId::StackPooled,
        ModelId::StackRule,
        ModelId::StackRidgeRule,
        ModelId::Headline,
    ];
    let config = small(80, models);
    let leaky = BacktestConfig {
        leak_for_tests: true,
        ..config.clone()
    };
    let d = data();
    let target = d.issues[10].proposal.clone();
    let mut flipped = d.clone();
    for issue in flipped.issues.iter_mut().filter(|i| i.proposal == target) {
        issue.outcome = issue.outcome.map(|o| 100.0 - o);
    }
    let pick = |r: &detente_backtest::BacktestReport| {
        r.issues
            .iter()
            .filter(|i| i.proposal == target)
            .map(|i| (i.forecasts.clone(), i.headline_intervals.clone()))
            .collect::<Vec<_>>()
    };
    let before = run("deu3.tsv", &d, &config).unwrap();
    let after = run("deu3.tsv", &flipped, &config).unwrap();
    assert!(!pick(&before).is_empty());
    assert!(
        pick(&before)
            .iter()
            .all(|(f, iv)| f.contains_key(&ModelId::Headline) && iv.len() == 3)
    );
    assert_eq!(pick(&before), pick(&after));
    // ...while the outcomes did change, so the check could have failed.
    assert_ne!(before.issues, after.issues);
    let leak_before = run("deu3.tsv", &d, &leaky).unwrap();
    let leak_after = run("deu3.tsv", &flipped, &leaky).unwrap();
    assert_ne!(
        pick(&leak_before),
        pick(&leak_after),
        "a leak must change the proposal's own forecasts"
    );
}

/// The headline's report: nested coverage per level lies near nominal on a subset (loosely:
/// the point is that it is measured, per rule too), widths grow with the level, and the
/// learnt model has one fold stack per fold and one residual per issue.
#[test]
fn headline_coverage_is_measured() {
    let d = data();
    let config = small(120, vec![ModelId::Headline]);
    let r = run("deu3.tsv", &d, &config).unwrap();
    let h = r.headline.as_ref().unwrap();
    assert_eq!(h.coverage.len(), 3);
    assert_eq!(h.chosen_per_fold.len(), config.folds);
    for w in h.coverage.windows(2) {
        assert!(w[0].mean_width <= w[1].mean_width, "{:?}", h.coverage);
        assert!(w[0].measured <= w[1].measured, "{:?}", h.coverage);
    }
    for c in &h.coverage {
        assert!((c.measured - c.level).abs() < 0.2, "{c:?}");
    }
    // Recount the 80 % coverage from the per-issue intervals.
    let hits = r
        .issues
        .iter()
        .filter(|i| {
            i.headline_intervals[1][0] <= i.outcome && i.outcome <= i.headline_intervals[1][1]
        })
        .count();
    assert!((hits as f64 / r.issues.len() as f64 - h.coverage[1].measured).abs() < 1e-12);
    assert_eq!(h.learnt.conformal.folds.len(), config.folds);
    assert_eq!(h.learnt.conformal.residuals.len(), r.issues_used);
}

/// The bundled headline weights are what the backtest derives: their MAE and coverage figures
/// appear in `docs/backtest.md` (itself checked by `.ci/run`), and `.ci/run` regenerates the
/// file and compares it byte for byte.
#[test]
fn bundled_headline_weights_match_the_document() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/backtest.md"
    ))
    .unwrap();
    let l = detente_models::headline::learnt().unwrap();
    assert!(
        doc.contains(&format!("({})", l.variant)),
        "variant {}",
        l.variant
    );
    for c in &l.coverage {
        let line = format!("| {:.0}% | {:.1}% |", 100.0 * c.level, 100.0 * c.measured);
        assert!(
            doc.contains(&line),
            "docs/backtest.md lacks {line}: regenerate both"
        );
    }
    for w in &l.stack.weights {
        let cells = w
            .iter()
            .map(|x| format!("{x:.3}"))
            .collect::<Vec<_>>()
            .join(" | ");
        assert!(
            doc.contains(&cells),
            "docs/backtest.md lacks weights {cells}"
        );
    }
}

/// The Markdown generator runs on a subset and is deterministic; the full document is compared
/// with `docs/backtest.md` by `.ci/run`.
#[test]
fn markdown_document_is_deterministic() {
    let d = data();
    let config = small(30, ModelId::ALL.to_vec());
    let a = report::document("data/deu3/deu3.tsv", &d, &config).unwrap();
    let b = report::document("data/deu3/deu3.tsv", &d, &config).unwrap();
    assert_eq!(a, b);
    assert!(a.contains("| `compromise` |"));
    assert!(a.contains("## Can the compromise model be beaten?"));
}

/// The committed document was generated with the default configuration: its header numbers
/// agree with a run of the cheap models on the whole file.
#[test]
fn committed_document_matches_cheap_models() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/backtest.md"
    ))
    .unwrap();
    let d = data();
    let config = BacktestConfig {
        models: vec![
            ModelId::ReferencePoint,
            ModelId::Mean,
            ModelId::Compromise,
            ModelId::Median,
            ModelId::CompromiseProcedural,
        ],
        ..BacktestConfig::default()
    };
    let full = run("data/deu3/deu3.tsv", &d, &config).unwrap();
    let tables = report::markdown_tables(&full);
    for line in tables.lines().filter(|l| l.starts_with("| `")).take(5) {
        assert!(
            doc.contains(line),
            "docs/backtest.md lacks the line\n{line}\nregenerate it"
        );
    }
}
