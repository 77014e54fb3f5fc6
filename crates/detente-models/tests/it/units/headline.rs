#![expect(clippy::unwrap_used, reason = "tests fail loudly")]
use detente_models::headline::*;

#[test]
fn weights_are_written_in_the_order_of_the_bases() {
    let names: Vec<&str> = Base::ALL.iter().map(|b| b.as_str()).collect();
    assert_eq!(names, detente_core::HEADLINE_MODELS);
    assert!(Base::ALL.iter().enumerate().all(|(i, b)| b.index() == i));
    let Ok(Preset::Custom(w)) = Preset::parse("eum=3,compromise=1") else {
        panic!("custom weights do not parse");
    };
    assert_eq!(w[Base::Eum.index()], 0.75);
    assert_eq!(w[Base::Compromise.index()], 0.25);
    assert!(Preset::parse("none").is_err());
    assert!(Preset::parse("nash=-1").is_err());
}

/// CV+ by hand: five residuals 1..5 around a fold forecast of 50; at level 0.5, α(n+1) = 3,
/// so the 3rd smallest lower end (50 − 3) and the ⌈0.5·6⌉ = 3rd smallest upper end (50 + 3).
/// At 0.9 the upper index ⌈0.9·6⌉ = 6 > 5 runs to the scale's edge, and ⌊0.1·6⌋ = 0 too.
#[test]
fn cv_plus_by_hand() {
    let mut lo: Vec<f64> = (1..=5).map(|r| 50.0 - f64::from(r)).collect();
    let mut hi: Vec<f64> = (1..=5).map(|r| 50.0 + f64::from(r)).collect();
    assert_eq!(cv_plus(&mut lo, &mut hi, 0.5), Some([47.0, 53.0]));
    assert_eq!(
        cv_plus(&mut lo, &mut hi, 0.9),
        Some([f64::NEG_INFINITY, f64::INFINITY])
    );
    assert_eq!(cv_plus(&mut [], &mut [], 0.5), None);
}

/// The merge over prepared residuals gives exactly the sort-based CV+ interval, on residuals
/// from a fixed pseudo-random sequence with ties, for both classes and every level.
#[test]
fn merged_intervals_equal_sorted_ones() {
    let mut state = 12345u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) % 400) as f64 / 4.0
    };
    let folds: Vec<Stack> = (0..10)
        .map(|k| {
            let mut w = [0.0; BASES];
            w[k % BASES] = 1.0;
            Stack {
                grouping: Grouping::Rule,
                spread_split: 30.0,
                weights: vec![w, w],
            }
        })
        .collect();
    let residuals = (0..353)
        .map(|i| Residual {
            fold: i % 10,
            unanimity: i % 5 == 0,
            value: next(),
        })
        .collect();
    let mut c = Conformal {
        folds,
        residuals,
        sorted: Vec::new(),
    };
    let x = [10.0, 20.0, 35.0, 50.0, 80.0, 95.0];
    let levels = [0.1, 0.5, 0.8, 0.9, 0.95, 0.999];
    for unanimity in [false, true] {
        let f = Features {
            unanimity,
            veto_players: 0,
            actors: 5,
            spread: 10.0,
            status_quo_coded: true,
            mediators_or_allies: 0,
        };
        let slow: Vec<_> = levels.iter().map(|&l| c.interval(&f, &x, l)).collect();
        c.prepare();
        assert_eq!(c.intervals(&f, &x, &levels), slow);
        c.sorted.clear();
    }
}

/// Missing bases: weight 0.5 on a missing Nash goes to the others in proportion.
#[test]
fn missing_bases_are_renormalised() {
    let mut w = [0.0; BASES];
    w[Base::Compromise.index()] = 0.25;
    w[Base::Mean.index()] = 0.25;
    w[Base::Nash.index()] = 0.5;
    let mut x = [f64::NAN; BASES];
    x[Base::Compromise.index()] = 40.0;
    x[Base::Mean.index()] = 60.0;
    assert!((combine(&w, &x) - 50.0).abs() < 1e-12);
    x[Base::Nash.index()] = 0.0;
    assert!((combine(&w, &x) - 25.0).abs() < 1e-12);
}

#[test]
fn presets_parse() {
    assert_eq!(Preset::parse("learnt").unwrap(), Preset::Learnt);
    assert_eq!(Preset::parse("equal").unwrap(), Preset::Equal);
    let Preset::Custom(w) = Preset::parse("compromise=3, eum=1").unwrap() else {
        panic!("custom expected");
    };
    assert_eq!(w[Base::Compromise.index()], 0.75);
    assert_eq!(w[Base::Eum.index()], 0.25);
    assert!(
        Preset::parse("banana=1")
            .unwrap_err()
            .contains("unknown model `banana`")
    );
    assert!(Preset::parse("eum=-1").unwrap_err().contains(">= 0"));
    assert!(
        Preset::parse("eum=0")
            .unwrap_err()
            .contains("every weight is 0")
    );
    assert!(Preset::parse("eum").unwrap_err().contains("model=weight"));
}

/// The bundled file parses and is internally consistent: one weight vector per group, one
/// fold stack per fold index used by the residuals, weights of the headline summing to 1.
#[test]
fn bundled_weights_parse() {
    let l = learnt().unwrap();
    assert_eq!(l.stack.weights.len(), l.stack.grouping.groups());
    for w in &l.stack.weights {
        assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{w:?}");
    }
    assert!(
        l.conformal
            .residuals
            .iter()
            .all(|r| r.fold < l.conformal.folds.len())
    );
    assert_eq!(l.conformal.residuals.len(), l.issues);
    assert_eq!(l.coverage.len(), LEVELS.len());
}
