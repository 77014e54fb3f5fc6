//! Bargaining while fighting (`detente_models::dynamics::fighting`, issue 12): hand-worked
//! cases, the conjugate update against its closed form, and the property that more divergent
//! priors never bring a deal earlier.
//!
//! Every hand case is one issue `land` on `[0, 100]`, status quo 50, party `a` at 100 and `b` at
//! 0 with salience 1, linear loss on a grid of 10 points, so `u_a(x) = x/100` and
//! `u_b(x) = 1 − x/100` exactly; costs 0.1 a month, no discounting, a look-ahead of one month
//! (`W_i(t) = u_i(SQ(t) + m_i(t)) − 0.1`), equal capabilities (so the Nash weights are equal).
#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use detente_core::{Scenario, parse};
use detente_models::bargain::{Loss, PackageConfig};
use detente_models::dynamics::fighting::{Fight, TrialDraw, beta_posterior_mean, conjugate};
use detente_models::dynamics::{DynamicsConfig, Prepared};
use proptest::prelude::*;

fn scenario(horizon: u32, cost: f64, sd: f64, extra: &str) -> Scenario {
    parse("fighting.toml", &scenario_text(horizon, cost, sd, extra))
        .unwrap()
        .scenario
}

fn scenario_text(horizon: u32, cost: f64, sd: f64, extra: &str) -> String {
    format!(
        r#"
[scenario]
title = "Fighting"

[[actors]]
id = "a"
name = "A"
capability = 50
role = "principal"

[[actors]]
id = "b"
name = "B"
capability = 50
role = "principal"

[[issues]]
id = "land"
name = "Land"
scale = [0, 100]
status_quo = 50
  [[issues.positions]]
  actor = "a"
  position = 100
  salience = 1
  why = "w"
  [[issues.positions]]
  actor = "b"
  position = 0
  salience = 1
  why = "w"

[time]
horizon = {horizon}
lookahead = 1

[[time.drift]]
issue = "land"
per_month = 0
sd = {sd}
why = "w"

[[time.actors]]
actor = "a"
cost_per_month = {cost}
why = "w"

[[time.actors]]
actor = "b"
cost_per_month = {cost}
why = "w"
{extra}
"#
    )
}

fn beliefs(a: f64, b: f64, sd: f64) -> String {
    format!(
        r#"
[[time.beliefs]]
actor = "a"
issue = "land"
drift = {a}
sd = {sd}
why = "w"

[[time.beliefs]]
actor = "b"
issue = "land"
drift = {b}
sd = {sd}
why = "w"
"#
    )
}

fn config() -> DynamicsConfig {
    DynamicsConfig {
        package: PackageConfig {
            step: 10.0,
            loss: Loss::Linear,
            ..PackageConfig::default()
        },
        ..DynamicsConfig::default()
    }
}

/// Runs one trial with front noise `z` (one value per month).
fn run(s: &Scenario, z: &[f64]) -> detente_models::dynamics::fighting::TrialOutcome {
    let config = config();
    let prepared = Prepared::new(s, &config).unwrap();
    let fight = Fight::new(s, &prepared, &config).unwrap();
    let draw = TrialDraw {
        rate: vec![0.0],
        noise: z.iter().map(|z| vec![*z]).collect(),
        decisive: None,
    };
    fight.run(&draw, true)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// Mutual optimism, two parties, by hand. True drift 0, noise sd 10; `a` believes +25 a month,
/// `b` −25, both with prior sd 10, so prior and one observation weigh the same.
/// - Month 0: `m = ±25`; `W_a = u_a(75) − 0.1 = 0.65`, `W_b = u_b(25) − 0.1 = 0.65`: a package
///   needs `x > 65` and `x < 35`; none.
/// - The front does not move (`z = 0`). Month 1: posterior mean `(25/100 + 0/100)/(2/100) =
///   12.5`; `W = 0.525`: `x > 52.5` and `x < 47.5`; none.
/// - Month 2: `25/3`; `W = 0.58333 − 0.1 = 0.48333`: `x ∈ (48.33, 51.67)`; the grid point 50.
///
/// So the deal comes in month 2, on 50; under complete information it would come in month 0.
#[test]
fn r12_mutual_optimism_delays_two_months_by_hand() {
    let s = scenario(2, 0.1, 10.0, &beliefs(25.0, -25.0, 10.0));
    let out = run(&s, &[0.0, 0.0]);
    assert_eq!(out.deal_month, Some(2));
    assert_eq!(out.terms.as_deref(), Some(&[50.0][..]));
    let w: Vec<f64> = out.months.iter().map(|m| m.fight_value[0]).collect();
    assert!(close(w[0], 0.65) && close(w[1], 0.525) && close(w[2], 0.4 + 0.25 / 3.0));
    assert!(close(out.months[1].believed_drift[1][0], -12.5));
    assert!(close(out.months[1].belief_sd[0][0], (50.0f64).sqrt()));
    assert_eq!(
        out.months.iter().map(|m| m.zone).collect::<Vec<_>>(),
        [false, false, true]
    );

    // A noisy front: month 0 moves +10 (z = 1), month 1 moves −10 (z = −1). Month 1: the line
    // is at 60, a's mean (25 + 10)/2 = 17.5, b's (−25 + 10)/2 = −7.5; W_a = 0.775 − 0.1 =
    // 0.675 (x > 67.5), W_b = 1 − 0.525 − 0.1 = 0.375 (x < 62.5): none. Month 2: the line is
    // back at 50, the sum of observations 0, so month 2 is as above: a deal on 50.
    let out = run(&s, &[1.0, -1.0]);
    assert_eq!(out.months[1].status_quo, vec![60.0]);
    assert!(close(out.months[1].believed_drift[0][0], 17.5));
    assert!(close(out.months[1].fight_value[0], 0.675));
    assert!(close(out.months[1].fight_value[1], 0.375));
    assert_eq!(out.deal_month, Some(2));

    // More optimism (±40): month 2's means are ±40/3, W = 0.6333: no deal within the horizon.
    let s = scenario(2, 0.1, 10.0, &beliefs(40.0, -40.0, 10.0));
    let out = run(&s, &[0.0, 0.0]);
    assert_eq!(out.deal_month, None);
    assert!(out.terms.is_none());
}

/// Identical beliefs leave a bargaining range (Fearon 1995), so the deal is immediate. Correct
/// beliefs (no belief entries): `W = u(50) − 0.1 = 0.4` for both, zone `x ∈ (40, 60)`, Nash at
/// 50. A shared wrong belief (+20 for both): `W_a = 0.7 − 0.1 = 0.6`, `W_b = 0.3 − 0.1 = 0.2`,
/// zone `x ∈ (60, 80)`, and the equal-weight Nash product `(x/100 − 0.6)(0.8 − x/100)` peaks at
/// 70.
#[test]
fn r12_identical_beliefs_agree_at_once() {
    let out = run(&scenario(6, 0.1, 10.0, ""), &[]);
    assert_eq!(out.deal_month, Some(0));
    assert_eq!(out.terms.as_deref(), Some(&[50.0][..]));
    let out = run(&scenario(6, 0.1, 10.0, &beliefs(20.0, 20.0, 5.0)), &[]);
    assert_eq!(out.deal_month, Some(0));
    assert_eq!(out.terms.as_deref(), Some(&[70.0][..]));
}

/// Audience costs and enforcement by hand, with correct beliefs (`W = 0.4` every month).
/// `b` has committed not to go above 45 at a cost of 0.3 halving each month: at 50 its gain is
/// `0.1 − 0.3`, `0.1 − 0.15`, `0.1 − 0.075 > 0` in months 0, 1, 2, and at 40 or below `a`
/// gains nothing; so the deal comes in month 2, on 50. With a cost of 0.03 that never decays
/// the deal is at once. If it holds only with probability `p`, a broken deal's terms stand and
/// the war's cost over the look-ahead (`C = 0.1`) comes back (`breakdown = "terms-stand"`, the
/// default): `b`'s gain at 50 is `0.1 − (1 − p) · 0.1 − 0.03`, `0.02 > 0` with `p = 0.5`,
/// still at once, and `−0.01` with `p = 0.2`: never.
#[test]
fn r12_audience_costs_and_enforcement_by_hand() {
    let commitment = |cost: f64, decay: f64| {
        format!(
            "\n[[time.audience_costs]]\nactor = \"b\"\nissue = \"land\"\nline = 45\nacross = \"above\"\ncost = {cost}\ndecay = {decay}\nwhy = \"w\"\n"
        )
    };
    let out = run(&scenario(4, 0.1, 10.0, &commitment(0.3, 0.5)), &[]);
    assert_eq!(out.deal_month, Some(2));
    assert_eq!(out.terms.as_deref(), Some(&[50.0][..]));
    let out = run(&scenario(4, 0.1, 10.0, &commitment(0.03, 1.0)), &[]);
    assert_eq!(out.deal_month, Some(0));
    let holds = |p: f64| {
        format!(
            "{}\n[time.enforcement]\nholds = {p}\nwhy = \"w\"\n",
            commitment(0.03, 1.0)
        )
    };
    let out = run(&scenario(4, 0.1, 10.0, &holds(0.5)), &[]);
    assert_eq!(out.deal_month, Some(0));
    assert_eq!(out.holds, Some(0.5));
    let out = run(&scenario(4, 0.1, 10.0, &holds(0.2)), &[]);
    assert_eq!(out.deal_month, None);
}

/// The conjugate update against its closed form, computed two ways: one batch update with the
/// sufficient statistics, and Bayes' rule applied one observation at a time (each posterior the
/// next prior). Closed form for prior `N(2, 3²)`, noise sd 4 and observations 1, −3, 5.5:
/// precision `1/9 + 3/16 = 43/144`, mean `(2/9 + 3.5/16) / (43/144) = (32 + 31.5)/43 =
/// 63.5/43`, sd `sqrt(144/43)`.
#[test]
fn r12_conjugate_update_matches_closed_form() {
    let obs = [1.0, -3.0, 5.5];
    let (m, s) = conjugate(2.0, 3.0, 4.0, 3, obs.iter().sum());
    assert!(close(m, 63.5 / 43.0), "{m}");
    assert!(close(s, (144.0f64 / 43.0).sqrt()), "{s}");
    let (mut m1, mut s1) = (2.0, 3.0);
    for y in obs {
        (m1, s1) = conjugate(m1, s1, 4.0, 1, y);
    }
    assert!(close(m1, m) && close(s1, s));
    // No observation: the prior. No noise: the data alone.
    assert_eq!(conjugate(2.0, 3.0, 4.0, 0, 0.0), (2.0, 3.0));
    assert_eq!(conjugate(2.0, 3.0, 0.0, 2, 7.0), (3.5, 0.0));
}

/// Both parties' victory beliefs, Beta priors by mean and sd.
fn victory(a: (f64, f64), b: (f64, f64)) -> String {
    format!(
        r#"
[[time.victory]]
actor = "a"
wins = {}
wins_sd = {}
why = "w"

[[time.victory]]
actor = "b"
wins = {}
wins_sd = {}
why = "w"
"#,
        a.0, a.1, b.0, b.1
    )
}

/// Victory beliefs and their convergence, by hand. Each side believes it wins outright with a
/// monthly chance drawn from `Beta(1, 3)` (mean 0.25, sd `sqrt(3/80)`); a win imposes its own
/// ideal (`u = 1`), a loss it does not entertain. With `L = 1`, no discounting and cost 0.1:
/// `W_i = −0.1 + h·1 + (1 − h)·u_i(50) = 0.4 + 0.5 h`. Each month without a decision is one
/// Bernoulli failure, so `h_n = 1 / (4 + n)`:
/// - month 0: `h = 0.25`, `W = 0.525`, a package needs `x > 52.5` and `x < 47.5`: none;
/// - month 1: `h = 0.2`, `W = 0.5`: `x > 50` and `x < 50`: none;
/// - month 2: `h = 1/6`, `W = 0.48333`: `x ∈ (48.3, 51.7)`: the grid point 50.
///
/// The front never moves (drift 0, no noise), so the delay is the victory beliefs' alone.
#[test]
fn r12_victory_beliefs_delay_until_they_converge_by_hand() {
    let sd = (3.0f64 / 80.0).sqrt();
    let s = scenario(4, 0.1, 0.0, &victory((0.25, sd), (0.25, sd)));
    let out = run(&s, &[]);
    assert_eq!(out.deal_month, Some(2));
    assert_eq!(out.terms.as_deref(), Some(&[50.0][..]));
    let h: Vec<f64> = out.months.iter().map(|m| m.believed_hazard[0].0).collect();
    assert!(
        close(h[0], 0.25) && close(h[1], 0.2) && close(h[2], 1.0 / 6.0),
        "{h:?}"
    );
    let w: Vec<f64> = out.months.iter().map(|m| m.fight_value[1]).collect();
    assert!(
        close(w[0], 0.525) && close(w[1], 0.5) && close(w[2], 0.4 + 0.5 / 6.0),
        "{w:?}"
    );
    assert_eq!(
        out.months.iter().map(|m| m.zone).collect::<Vec<_>>(),
        [false, false, true]
    );

    // A stop-learning lever on every issue from month 0 freezes the beliefs: no deal.
    let frozen = format!(
        "{}\n[[time.levers]]\nid = \"quiet\"\nname = \"Quiet\"\nwhy = \"w\"\n  [[time.levers.effects]]\n  kind = \"stop-learning\"\n",
        victory((0.25, sd), (0.25, sd))
    );
    let s = scenario(4, 0.1, 0.0, &frozen);
    let quiet = DynamicsConfig {
        levers: vec!["quiet".into()],
        ..config()
    };
    let prepared = Prepared::new(&s, &quiet).unwrap();
    let out = Fight::new(&s, &prepared, &quiet)
        .unwrap()
        .run(&TrialDraw::mean(s.time.as_ref().unwrap()), false);
    assert_eq!(out.deal_month, None);

    // `scale-victory` with factor 0.5 on `a` from month 0: `h_a = 0.125`, `W_a = 0.4625`, b as
    // above (`x < 47.5`); a needs `x > 46.25`: none on the grid of 10 in month 0; month 1:
    // `h_a = 0.1`, `W_a = 0.45`, b needs `x < 50`: none; month 2: b needs `x < 51.7`, a
    // `x > 44.2`: 50.
    let shaken = format!(
        "{}\n[[time.levers]]\nid = \"aid\"\nname = \"Aid\"\nwhy = \"w\"\n  [[time.levers.effects]]\n  kind = \"scale-victory\"\n  actor = \"a\"\n  factor = 0.5\n",
        victory((0.25, sd), (0.25, sd))
    );
    let s = scenario(4, 0.1, 0.0, &shaken);
    let config = DynamicsConfig {
        levers: vec!["aid".into()],
        ..config()
    };
    let prepared = Prepared::new(&s, &config).unwrap();
    let out = Fight::new(&s, &prepared, &config)
        .unwrap()
        .run(&TrialDraw::mean(s.time.as_ref().unwrap()), true);
    assert!(close(out.months[0].fight_value[0], 0.4625));
    assert_eq!(out.deal_month, Some(2));
}

/// A decisive end drawn by the analyst's process ends the trial with the winner's terms. Both
/// sides as in the hand case above (no zone in months 0 and 1); the war ends during month 1,
/// won by `b` (the `[[time.decisive]]` entry 0): the trial reports the end in month 2, no deal,
/// and `b`'s ideal, 0.
#[test]
fn r12_decisive_end_imposes_the_winners_terms() {
    let sd = (3.0f64 / 80.0).sqrt();
    let extra = format!(
        "{}\n[[time.decisive]]\nactor = \"b\"\nper_month = 0.1\nwhy = \"w\"\n",
        victory((0.25, sd), (0.25, sd))
    );
    let s = scenario(4, 0.1, 0.0, &extra);
    let config = config();
    let prepared = Prepared::new(&s, &config).unwrap();
    let fight = Fight::new(&s, &prepared, &config).unwrap();
    let mut draw = TrialDraw::mean(s.time.as_ref().unwrap());
    draw.decisive = Some((1, 0));
    let out = fight.run(&draw, false);
    assert_eq!(out.deal_month, None);
    assert_eq!(out.decisive, Some((2, 1)));
    assert_eq!(out.terms.as_deref(), Some(&[0.0][..]));
    // Drawn for a month after the deal: the deal comes first.
    draw.decisive = Some((3, 0));
    let out = fight.run(&draw, false);
    assert_eq!((out.deal_month, out.decisive), (Some(2), None));
}

/// No victory beliefs gives exactly the old numbers: a belief whose chance a `scale-victory`
/// lever sets to 0 from month 0 takes the old code path and must give the same trace, bit for
/// bit, as the scenario without the belief (under mutual drift optimism and a noisy front).
#[test]
fn r12_no_victory_belief_is_the_old_model_exactly() {
    let sd = (3.0f64 / 80.0).sqrt();
    let z = [0.3, -1.2, 0.7, 0.0, 2.0, -0.4];
    let plain = scenario(6, 0.05, 10.0, &beliefs(20.0, -15.0, 8.0));
    let off = format!(
        "{}{}\n[[time.levers]]\nid = \"off\"\nname = \"Off\"\nwhy = \"w\"\n  [[time.levers.effects]]\n  kind = \"scale-victory\"\n  actor = \"a\"\n  factor = 0\n  [[time.levers.effects]]\n  kind = \"scale-victory\"\n  actor = \"b\"\n  factor = 0\n",
        beliefs(20.0, -15.0, 8.0),
        victory((0.25, sd), (0.25, sd))
    );
    let with = scenario(6, 0.05, 10.0, &off);
    let config = DynamicsConfig {
        levers: vec!["off".into()],
        ..config()
    };
    let prepared = Prepared::new(&with, &config).unwrap();
    let draw = TrialDraw {
        rate: vec![0.0],
        noise: z.iter().map(|z| vec![*z]).collect(),
        decisive: None,
    };
    let a = Fight::new(&with, &prepared, &config)
        .unwrap()
        .run(&draw, true);
    let b = run(&plain, &z);
    assert_eq!(a.deal_month, b.deal_month);
    assert_eq!(a.terms, b.terms);
    for (x, y) in a.months.iter().zip(&b.months) {
        assert_eq!(x.fight_value, y.fight_value);
    }
    assert_eq!(a.months.len(), b.months.len());
}

/// The Beta-Bernoulli update against its closed form: after `n` months without the event the
/// posterior of `Beta(a, b)` is `Beta(a, b + n)`, whose mean `a / (a + b + n)` is checked
/// against the posterior mean computed by numerical integration of `h · h^(a−1) (1 − h)^(b+n−1)`
/// over `[0, 1]` (midpoint rule, 200 000 cells), for `Beta(2.5, 40)` and `n = 0, 1, 12`.
#[test]
fn r12_beta_update_matches_closed_form() {
    let (a, b) = (2.5f64, 40.0f64);
    for n in [0u32, 1, 12] {
        let cells = 200_000;
        let (mut num, mut den) = (0.0, 0.0);
        for k in 0..cells {
            let h = (k as f64 + 0.5) / cells as f64;
            let like = h.powf(a - 1.0) * (1.0 - h).powf(b + f64::from(n) - 1.0);
            num += h * like;
            den += like;
        }
        let numeric = num / den;
        let closed = beta_posterior_mean(a, b, n);
        assert!(
            (numeric - closed).abs() < 1e-7,
            "n {n}: {numeric} vs {closed}"
        );
        assert!(close(closed, a / (a + b + f64::from(n))));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// All else fixed (costs, noise, the drawn front, prior sds), moving each party's prior
    /// further toward its own side (`a` up, `b` down; divergence factor `f` on the offsets) never
    /// brings the deal earlier: each party's value of fighting on rises with its optimism, so
    /// the zone can only shrink. So P(deal by month m) never rises with divergence.
    #[test]
    fn r12_more_divergent_priors_never_bring_the_deal_earlier(
        cost in 0.01f64..0.2,
        sd in 0.0f64..15.0,
        prior_sd in 0.5f64..20.0,
        off_a in 0.0f64..20.0,
        off_b in 0.0f64..20.0,
        f in 0.0f64..2.0,
        more in 0.0f64..2.0,
        z in proptest::collection::vec(-2.0f64..2.0, 8),
    ) {
        let month = |factor: f64| {
            let s = scenario(8, cost, sd, &beliefs(factor * off_a, -factor * off_b, prior_sd));
            run(&s, &z).deal_month.map_or(u32::MAX, |m| m)
        };
        prop_assert!(month(f + more) >= month(f));
    }

    /// More optimistic victory priors never bring the deal earlier: each party's prior on its
    /// chance of winning outright is `Beta(m K, (1 − m) K)` (prior strength `K` fixed, so the
    /// posterior mean `m K / (K + n)` rises with `m` in every month); raising either party's
    /// `m` raises its value of fighting on (a win gives its best frontier package, at least
    /// what the line gives) and can only shrink the zone. So P(deal by month m) never rises.
    #[test]
    fn r12_more_optimistic_victory_priors_never_bring_the_deal_earlier(
        cost in 0.01f64..0.2,
        sd in 0.0f64..15.0,
        k in 2.0f64..60.0,
        ma in 0.005f64..0.3,
        mb in 0.005f64..0.3,
        up_a in 0.0f64..0.3,
        up_b in 0.0f64..0.3,
        z in proptest::collection::vec(-2.0f64..2.0, 8),
    ) {
        let month = |ma: f64, mb: f64| {
            let sd_of = |m: f64| (m * (1.0 - m) / (k + 1.0)).sqrt();
            let s = scenario(8, cost, sd, &victory((ma, sd_of(ma)), (mb, sd_of(mb))));
            run(&s, &z).deal_month.map_or(u32::MAX, |m| m)
        };
        let (ma2, mb2) = ((ma + up_a).min(0.6), (mb + up_b).min(0.6));
        prop_assert!(month(ma2, mb2) >= month(ma, mb));
    }
}

/// The value of fighting on counts the months at the line, not only the line after the
/// look-ahead. Discount 0.9, look-ahead 1, cost 0.1, a front that does not move at 50:
/// `W = (1 − 0.9) · 0.5 − 0.1 + 0.9 · 0.5 = 0.4`, what signing the status quo (0.5) less the
/// month's cost gives; valuing only the line after the month would give `0.35`. With no cost
/// `W` is exactly `u(SQ) = 0.5`: waiting at an unmoving front costs nothing by itself.
#[test]
fn r12_fighting_on_holds_the_line_month_by_month() {
    // The helper writes `a`'s cost without a discount; write the file with the discount.
    let text = |cost: f64| {
        let base = scenario_text(2, cost, 10.0, "");
        base.replacen(
            &format!("actor = \"a\"\ncost_per_month = {cost}\n"),
            &format!("actor = \"a\"\ncost_per_month = {cost}\ndiscount = 0.9\n"),
            1,
        )
    };
    for (cost, w) in [(0.1, 0.4), (0.0, 0.5)] {
        let s = parse("fighting.toml", &text(cost)).unwrap().scenario;
        let out = run(&s, &[]);
        assert!(
            close(out.months[0].fight_value[0], w),
            "cost {cost}: W_a = {}, by hand {w}",
            out.months[0].fight_value[0]
        );
    }
}

/// Enforcement can delay a deal when a broken deal's terms stand (Powell 2006), and cannot when
/// a breakdown is a clean return to the war. Status quo 50, costs 0.1, look-ahead 1; `a`
/// believes the front gains it 5 points a month, held so firmly (prior sd 0.001 against the
/// front's noise of 10) that a few quiet months leave it at 5 within 1e-7: `W_a = 0.55 − 0.1 =
/// 0.45`, `W_b = 0.4`, `C = 0.1` for both. Terms stand: at 50 `a` gains `0.05 − (1 − p) · 0.1`
/// and `b` gains `0.1 p`; at 60 or above `b` loses `(1 − p) · 0.1`, at 40 or below `a` loses; so
/// a deal needs `p > 0.5`. With `p = 0.4` there is none; a `shift-enforcement` lever of +0.2
/// from month 3 makes `p = 0.6` and the deal comes in month 3, at 50. Back to war: at 50 the
/// gains are `0.4 · 0.05` and `0.4 · 0.1`, positive, so the deal comes at once.
#[test]
fn r12_a_deal_that_may_break_waits_for_guarantees_by_hand() {
    let file = |breakdown: &str, lever: bool| {
        let mut extra = format!(
            "\n[[time.beliefs]]\nactor = \"a\"\nissue = \"land\"\ndrift = 5\nsd = 0.001\nwhy = \"w\"\n\n[time.enforcement]\nholds = 0.4\n{breakdown}why = \"w\"\n"
        );
        if lever {
            extra.push_str(
                "\n[[time.levers]]\nid = \"guarantees\"\nname = \"Guarantees\"\nwhy = \"w\"\n  [[time.levers.effects]]\n  kind = \"shift-enforcement\"\n  probability = 0.2\n  from = 3\n",
            );
        }
        scenario(6, 0.1, 10.0, &extra)
    };
    let s = file("", false);
    let out = run(&s, &[]);
    assert!(close(out.months[0].fight_value[0], 0.45));
    assert_eq!(out.deal_month, None);
    let s = file("breakdown = \"terms-stand\"\n", true);
    let config = with_lever("guarantees");
    let prepared = Prepared::new(&s, &config).unwrap();
    let out = Fight::new(&s, &prepared, &config)
        .unwrap()
        .run(&TrialDraw::mean(s.time.as_ref().unwrap()), true);
    assert_eq!(out.deal_month, Some(3));
    assert_eq!(out.terms.as_deref(), Some(&[50.0][..]));
    assert!(close(out.holds.unwrap(), 0.6));
    let out = run(&file("breakdown = \"back-to-war\"\n", false), &[]);
    assert_eq!(out.deal_month, Some(0));
    assert_eq!(out.terms.as_deref(), Some(&[50.0][..]));
}

fn with_lever(id: &str) -> DynamicsConfig {
    DynamicsConfig {
        levers: vec![id.into()],
        ..config()
    }
}
