//! Conditioning the settlement forecast on `[[time.events]]` (issue 13): a synthetic recovery
//! of a known drift rate, the rejection of trials an agreement event contradicts, and the error
//! when no trial fits.
#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use detente_core::{Scenario, parse};
use detente_models::dynamics::DynamicsError;
use detente_sim::settle::{SettleConfig, settle};

/// One drifting issue whose parties never settle (a deal never holds and a broken deal is a
/// clean return to the war), so every trial's front runs the whole horizon: the analyst's
/// median rate is 0.5 points a month, the front's monthly noise sd 0.5.
const NEVER: &str = r#"
[scenario]
title = "Synthetic front"
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
status_quo = 20
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
horizon = 24
lookahead = 1
[[time.drift]]
issue = "land"
per_month = 0.5
sd = 0.5
why = "w"
[[time.actors]]
actor = "a"
cost_per_month = 0.01
why = "w"
[[time.actors]]
actor = "b"
cost_per_month = 0.01
why = "w"
[time.enforcement]
holds = 0
breakdown = "back-to-war"
why = "w"
"#;

/// The true rate the synthetic events are generated from.
const TRUTH: f64 = 1.2;

fn with_events(months: &[u32]) -> Scenario {
    let mut text = NEVER.to_owned();
    for m in months {
        // The front on its mean path under the true rate: 20 + 1.2 m.
        let value = 20.0 + TRUTH * f64::from(*m);
        text.push_str(&format!(
            "\n[[time.events]]\nkind = \"status-quo\"\nissue = \"land\"\nmonth = {m}\nvalue = {value}\nerror = 1\nsource = \"synthetic\"\nwhy = \"w\"\n"
        ));
    }
    parse("synthetic.toml", &text).unwrap().scenario
}

fn config() -> SettleConfig {
    SettleConfig {
        trials: 4000,
        seed: 11,
        // The analyst's uncertainty about the true rate: log-normal, median 0.5.
        rate_noise: 0.6,
        position_draws: 0,
        ..SettleConfig::default()
    }
}

/// The posterior mean of the true rate moves toward the rate that generated the events as
/// events are added, and its effective sample size shrinks. Without conditioning the mean would
/// stay at the prior's (about 0.6), so each assertion fails if the events are ignored.
#[test]
fn r13_posterior_concentrates_on_the_true_rate() {
    let prior = settle(&with_events(&[]), &config()).unwrap();
    assert!(prior.events.is_none());
    let mut last_error = f64::INFINITY;
    let mut last_ess = f64::INFINITY;
    for months in [&[4u32][..], &[4, 8], &[4, 8, 16]] {
        let out = settle(&with_events(months), &config()).unwrap();
        let c = out.events.unwrap();
        assert_eq!(c.events, months.len());
        let prior_mean = c.rate_prior[0];
        let post = c.rate_posterior[0];
        let error = (post - TRUTH).abs();
        assert!(
            error < 0.75 * (prior_mean - TRUTH).abs(),
            "{months:?}: posterior {post}, prior {prior_mean}"
        );
        assert!(error < last_error, "{months:?}: {error} after {last_error}");
        assert!(
            c.ess < last_ess && c.ess > 10.0,
            "{months:?}: ess {}",
            c.ess
        );
        last_error = error;
        last_ess = c.ess;
    }
    // Three observations a year apart pin the rate within a tenth of a point.
    assert!(last_error < 0.1, "{last_error}");
}

/// The same seed gives the same posterior on any thread count.
#[test]
fn r13_conditioning_is_identical_on_any_thread_count() {
    let s = with_events(&[4, 8]);
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| serde_json::to_string(&settle(&s, &config()).unwrap()).unwrap())
    };
    assert_eq!(run(1), run(2));
}

/// An agreement observed by a month no trial reaches rejects every trial: an error, not an
/// empty forecast.
#[test]
fn r13_no_trial_fits_is_an_error() {
    let text = format!(
        "{NEVER}\n[[time.events]]\nkind = \"deal\"\nmonth = 3\nsource = \"s\"\nwhy = \"w\"\n"
    );
    let s = parse("deal.toml", &text).unwrap().scenario;
    let e = settle(&s, &config()).unwrap_err();
    assert!(matches!(
        e,
        DynamicsError::NoTrialFitsEvents { trials: 4000 }
    ));
    assert!(e.to_string().contains("nothing was stored"), "{e}");
}

/// On Istanbul, "no agreement by month 1" leaves only the trials that settle later: the
/// posterior gives no deal in months 0 and 1, and the forecast's later months carry all of it.
#[test]
fn r13_no_deal_event_rejects_earlier_deals() {
    let text = format!(
        "{}\n[[time.events]]\nkind = \"no-deal\"\nmonth = 1\nsource = \"s\"\nwhy = \"w\"\n",
        include_str!("../../../../scenarios/istanbul-2025.toml")
    );
    let s = parse("istanbul-events.toml", &text).unwrap().scenario;
    let config = SettleConfig {
        trials: 500,
        ..SettleConfig::default()
    };
    let prior = settle(
        &parse(
            "i.toml",
            include_str!("../../../../scenarios/istanbul-2025.toml"),
        )
        .unwrap()
        .scenario,
        &config,
    )
    .unwrap();
    let out = settle(&s, &config).unwrap();
    let c = out.events.as_ref().unwrap();
    // The trials that fit are exactly those the prior run settles after month 1.
    let later = 1.0 - prior.by_month[1].p;
    assert!(
        (c.consistent as f64 - later * 500.0).abs() < 0.5,
        "{} vs {later}",
        c.consistent
    );
    assert_eq!(out.by_month[0].p, 0.0);
    assert_eq!(out.by_month[1].p, 0.0);
    assert!(out.by_month[2].p > 0.0);
}

/// `montecarlo` on the same synthetic front: with drift-rate noise as the prior (log-normal,
/// median 0.5) and the delay target, the status-quo events pull the posterior rate toward the
/// true 1.2 as they are added, the effective sample size shrinks, and the delay target's
/// metrics are read from the posterior (they differ from the prior's). Ignoring the events
/// would leave every posterior at the prior, so each assertion fails then.
#[test]
fn r13_montecarlo_posterior_concentrates_on_the_true_rate() {
    use detente_sim::{MonteCarloConfig, Noise, Target, montecarlo};
    let mut noise = Noise::default();
    noise.set("drift=0.6").unwrap();
    let config = MonteCarloConfig {
        trials: 4000,
        seed: 5,
        noise,
        ..MonteCarloConfig::default()
    };
    // Zero front noise: each observation measures the rate through its error alone.
    let exact = |months: &[u32]| {
        let mut s = with_events(months);
        if let Some(t) = s.time.as_mut() {
            t.drift[0].sd = 0.0;
        }
        s
    };
    let targets = [Target::Delay(
        detente_models::dynamics::DynamicsConfig::default(),
    )];
    let prior = montecarlo(&exact(&[]), &targets, &config, &|_| {}).unwrap();
    assert!(prior.events.is_none());
    let mut last_error = f64::INFINITY;
    let mut last_ess = f64::INFINITY;
    for months in [&[4u32][..], &[4, 8], &[4, 8, 16]] {
        let out = montecarlo(&exact(months), &targets, &config, &|_| {}).unwrap();
        let c = out.events.clone().unwrap();
        assert_eq!((c.events, c.read), (months.len(), months.len()));
        let (prior_mean, post) = (c.rate_prior[0], c.rate_posterior[0]);
        let error = (post - TRUTH).abs();
        assert!(
            error < 0.5 * (prior_mean - TRUTH).abs(),
            "{months:?}: posterior {post}, prior {prior_mean}"
        );
        assert!(error < last_error, "{months:?}: {error} after {last_error}");
        assert!(
            c.ess < last_ess && c.ess > 10.0,
            "{months:?}: ess {}",
            c.ess
        );
        assert_ne!(
            out.metrics, prior.metrics,
            "{months:?}: the summaries ignore the weights"
        );
        last_error = error;
        last_ess = c.ess;
    }
    assert!(last_error < 0.1, "{last_error}");
}

/// A `no-deal` event rejects the trials whose ripeness month comes first; without the delay
/// target it is listed as not read; with every trial rejected the run is an error.
#[test]
fn r13_montecarlo_reads_deal_events_through_the_delay_target() {
    use detente_sim::{MonteCarloConfig, Target, TargetError, montecarlo};
    let text = format!(
        "{NEVER}\n[[time.events]]\nkind = \"no-deal\"\nmonth = 30\nsource = \"s\"\nwhy = \"w\"\n"
    )
    .replace("horizon = 24", "horizon = 36");
    let s = parse("synthetic.toml", &text).unwrap().scenario;
    let config = MonteCarloConfig {
        trials: 50,
        ..MonteCarloConfig::default()
    };
    let spatial = [Target::Spatial(Default::default())];
    let out = montecarlo(&s, &spatial, &config, &|_| {}).unwrap();
    let c = out.events.unwrap();
    assert_eq!((c.events, c.read, c.consistent), (1, 0, 50));
    assert!(
        c.not_read[0].starts_with("no-deal in month 30"),
        "{:?}",
        c.not_read
    );
    // The complete-information model ripens this front at once: no trial fits.
    let delay = [Target::Delay(Default::default())];
    assert!(matches!(
        montecarlo(&s, &delay, &config, &|_| {}),
        Err(TargetError::NoTrialFitsEvents { trials: 50 })
    ));
}
