use super::stance;
use detente_models::nash::*;

#[test]
fn one_player_gets_its_ideal() {
    let s = [stance(1.0, 70.0)];
    let out = nash(&s, &[0], 20.0, (0.0, 100.0));
    assert!((out.position - 70.0).abs() < 1e-9, "{out:?}");
}

#[test]
fn players_on_both_sides_of_the_status_quo_means_gridlock() {
    let s = [stance(1.0, 10.0), stance(1.0, 90.0)];
    let out = nash(&s, &[0, 1], 50.0, (0.0, 100.0));
    assert!(out.gridlock);
    assert_eq!(out.position, 50.0);
}

#[test]
fn symmetric_players_split_between_their_ideals_within_reach() {
    // q = 0, ideals 40 and 60: the near player's gain runs out at 80, so the solution lies
    // where the weighted derivative vanishes: t(80-t)... solved numerically and checked by
    // brute force on a fine grid.
    let s = [stance(1.0, 40.0), stance(1.0, 60.0)];
    let out = nash(&s, &[0, 1], 0.0, (0.0, 100.0));
    let objective = |x: f64| {
        s.iter()
            .map(|p| {
                let d = p.position.abs();
                (d * d - (x - p.position).powi(2)).ln()
            })
            .sum::<f64>()
    };
    let best = (1..80_000)
        .map(|k| f64::from(k) / 1000.0)
        .max_by(|a, b| objective(*a).total_cmp(&objective(*b)))
        .unwrap_or(f64::NAN);
    assert!(
        (out.position - best).abs() < 2e-3,
        "{} vs {best}",
        out.position
    );
    assert!(out.position > 40.0 && out.position < 60.0);
}

#[test]
fn heavier_player_pulls_harder() {
    let light = nash(
        &[stance(1.0, 40.0), stance(1.0, 60.0)],
        &[0, 1],
        0.0,
        (0.0, 100.0),
    );
    let heavy = nash(
        &[stance(1.0, 40.0), stance(4.0, 60.0)],
        &[0, 1],
        0.0,
        (0.0, 100.0),
    );
    assert!(heavy.position > light.position);
}

/// Issue 16: on the scale `[0, 1e-320]` the tolerance `1e-12 * width` underflows to 0, and
/// the bisection never ended. It must end, on the scale, between the status quo and the
/// player's ideal (one player alone gets its ideal, here 1e-320 itself at most).
#[test]
fn nash_bisection_ends_on_a_subnormal_scale() {
    let s = [stance(1.0, 8e-321), stance(1.0, 1e-320)];
    let out = nash(&s, &[0, 1], 0.0, (0.0, 1e-320));
    assert!(!out.gridlock);
    assert!(out.position > 0.0 && out.position <= 1e-320, "{out:?}");
}

#[test]
fn scale_end_caps_the_solution() {
    let s = [stance(1.0, 95.0)];
    let out = nash(&s, &[0], 90.0, (0.0, 92.0));
    assert!((out.position - 92.0).abs() < 1e-9, "{out:?}");
}
