use detente_models::stance::Stance;

use super::stance;
use detente_models::median::*;

#[test]
fn heavy_actor_is_the_median() {
    let s = [stance(1.0, 0.0), stance(5.0, 30.0), stance(1.0, 100.0)];
    assert_eq!(
        weighted_median(&s),
        Some(Median {
            position: 30.0,
            tie: false
        })
    );
}

#[test]
fn majority_not_mean() {
    // Mean would be pulled to 50 by the far actor; the median stays with the majority.
    let s = [stance(1.0, 10.0), stance(1.0, 20.0), stance(1.5, 100.0)];
    assert_eq!(weighted_median(&s).map(|m| m.position), Some(20.0));
}

#[test]
fn even_split_is_a_tie_at_the_midpoint() {
    let s = [stance(1.0, 10.0), stance(1.0, 30.0)];
    assert_eq!(
        weighted_median(&s),
        Some(Median {
            position: 20.0,
            tie: true
        })
    );
}

#[test]
fn a_weighted_majority_prefers_the_median_to_every_other_position() {
    let s = [
        stance(3.0, 5.0),
        stance(1.0, 20.0),
        stance(2.0, 60.0),
        stance(2.5, 80.0),
    ];
    let m = weighted_median(&s).map(|m| m.position).unwrap_or(f64::NAN);
    for y in (0..=100).map(f64::from) {
        if y == m {
            continue;
        }
        let for_m: f64 = s
            .iter()
            .filter(|a| (a.position - m).abs() < (a.position - y).abs())
            .map(Stance::weight)
            .sum();
        let for_y: f64 = s
            .iter()
            .filter(|a| (a.position - y).abs() < (a.position - m).abs())
            .map(Stance::weight)
            .sum();
        assert!(
            for_m >= for_y,
            "median {m} loses to {y}: {for_m} vs {for_y}"
        );
    }
}
