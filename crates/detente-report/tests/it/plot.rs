//! The stand-alone SVG charts of `detente report --plot`, read back as XML: every chart well
//! formed and titled, and each carrying the results it draws.

use detente_models::dynamics::DynamicsConfig;
use detente_models::forecast::{Forecast, ForecastConfig, forecast};
use detente_sim::sensitivity::{Sensitivity, SensitivityConfig, sensitivity};
use detente_sim::settle::{SettleConfig, SettlementReport, settlement_report};
use detente_sim::{MonteCarloConfig, Target, montecarlo};

use detente_analysis::Packages as BargainOut;
use detente_core::Scenario;
use detente_models::dynamics::DelayReport;
use detente_models::forecast::Model;
use detente_sim::MonteCarloResult;

use detente_report::{Plot, ReportInput, plots};

const ISTANBUL: &str = include_str!("../../../../scenarios/istanbul-2025.toml");

struct Results {
    scenario: Scenario,
    forecast: Forecast,
    bargain: BargainOut,
    delay: DelayReport,
    settlement: SettlementReport,
    mc: MonteCarloResult,
    sens: Sensitivity,
}

fn results(text: &str) -> Results {
    let scenario = detente_core::parse("x.toml", text).unwrap().scenario;
    let forecast = forecast(&scenario, &ForecastConfig::default());
    let bargain = detente_analysis::packages(&scenario, &Default::default()).unwrap();
    let delay = detente_models::dynamics::delay(&scenario, &DynamicsConfig::default()).unwrap();
    let targets = [Target::Spatial(ForecastConfig::default())];
    let config = MonteCarloConfig {
        trials: 50,
        ..MonteCarloConfig::default()
    };
    let mc = montecarlo(&scenario, &targets, &config, &|_| {}).unwrap();
    let config = SensitivityConfig {
        trials: 0,
        ..SensitivityConfig::default()
    };
    let sens = sensitivity(&scenario, &targets, &config, &|_| {}).unwrap();
    let settle = SettleConfig {
        trials: 100,
        position_draws: 0,
        ..SettleConfig::default()
    };
    let settlement = settlement_report(&scenario, &settle).unwrap();
    Results {
        scenario,
        forecast,
        bargain,
        delay,
        settlement,
        mc,
        sens,
    }
}

fn all(r: &Results) -> Vec<Plot> {
    plots(&ReportInput {
        file: "x.toml",
        scenario: &r.scenario,
        forecast: &r.forecast,
        bargain: Ok(&r.bargain),
        delay: Some(Ok(&r.delay)),
        levers: None,
        settlement: Some(Ok(&r.settlement)),
        settlement_levers: None,
        montecarlo: Some(&r.mc),
        sensitivity: Some(&r.sens),
    })
}

fn find<'a>(plots: &'a [Plot], file: &str) -> roxmltree::Document<'a> {
    let p = plots.iter().find(|p| p.file == file).unwrap();
    roxmltree::Document::parse(&p.svg).unwrap()
}

fn count(doc: &roxmltree::Document<'_>, tag: &str, class: &str) -> usize {
    doc.descendants()
        .filter(|n| n.has_tag_name(tag) && n.attribute("class") == Some(class))
        .count()
}

fn titles(doc: &roxmltree::Document<'_>) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("title"))
        .filter_map(|n| n.text().map(str::to_owned))
        .collect()
}

#[test]
fn every_chart_is_a_well_formed_svg_with_a_title() {
    let r = results(ISTANBUL);
    let plots = all(&r);
    // 8 headline and 8 EUM charts, the frontier, the delay chart, the settlement chart, 8
    // band charts, a histogram per Monte Carlo metric, and a tornado for every forecast
    // some input moves.
    let histograms = r.mc.metrics.len();
    assert!(histograms >= 32, "{histograms}");
    let moved = r
        .sens
        .metrics
        .iter()
        .filter(|m| m.tornado.iter().any(|b| b.swing > 0.0))
        .count();
    assert_eq!(plots.len(), 8 + 8 + 1 + 1 + 1 + 8 + histograms + moved);
    for p in &plots {
        let doc = roxmltree::Document::parse(&p.svg).unwrap_or_else(|e| panic!("{}: {e}", p.file));
        let root = doc.root_element();
        assert!(
            root.has_tag_name(("http://www.w3.org/2000/svg", "svg")),
            "{}",
            p.file
        );
        assert!(root.attribute("viewBox").is_some(), "{}", p.file);
        assert!(!titles(&doc).is_empty(), "{}", p.file);
    }
}

#[test]
fn the_eum_chart_has_a_line_per_actor_and_the_models_forecasts() {
    let r = results(ISTANBUL);
    let plots = all(&r);
    let doc = find(&plots, "eum-ceasefire.svg");
    let issue = &r.forecast.issues[0];
    let eum = issue.eum.as_ref().unwrap();
    // One line per distinct path: actors whose positions coincide in every round share one.
    let paths: Vec<Vec<f64>> = (0..eum.rounds[0].actors.len())
        .map(|i| eum.rounds.iter().map(|r| r.actors[i].position).collect())
        .collect();
    let mut distinct: Vec<&Vec<f64>> = Vec::new();
    for p in &paths {
        if !distinct
            .iter()
            .any(|q| q.iter().zip(p).all(|(a, b)| (a - b).abs() < 1e-9))
        {
            distinct.push(p);
        }
    }
    assert!(
        distinct.len() < paths.len(),
        "Istanbul's ceasefire has shared paths"
    );
    assert_eq!(count(&doc, "g", "series"), distinct.len());
    let titles = titles(&doc);
    for m in Model::ALL {
        let at = issue.point(m).unwrap().position;
        assert!(
            titles.iter().any(|t| t.ends_with(&format!(": {at:.1}"))),
            "{m} at {at:.1} missing from {titles:?}"
        );
    }
    // One dot per actor and round, each on the actor's position after that round.
    let russia = eum.rounds.iter().map(|r| r.actors[0].position);
    let dots: Vec<String> = titles
        .iter()
        .filter(|t| t.starts_with("Russia, round"))
        .cloned()
        .collect();
    assert_eq!(dots.len(), eum.rounds.len());
    for (dot, x) in dots.iter().zip(russia) {
        assert!(dot.ends_with(&format!(": {x:.1}")), "{dot} vs {x}");
    }
}

#[test]
fn the_frontier_chart_has_every_frontier_point_and_the_solutions() {
    let r = results(ISTANBUL);
    let plots = all(&r);
    let doc = find(&plots, "frontier.svg");
    let points = doc
        .descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some("frontier"))
        .flat_map(|g| g.children().filter(|c| c.has_tag_name("circle")))
        .count();
    assert_eq!(points, r.bargain.frontier.len());
    let nash = r.bargain.solutions.nash.as_ref().unwrap();
    let expect = format!("Nash: ({:.3}, {:.3})", nash.utilities[0], nash.utilities[1]);
    assert!(titles(&doc).contains(&expect), "{expect}");
    let marks = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("mark"))
        .count();
    assert_eq!(marks, 5);
}

#[test]
fn the_delay_chart_marks_the_ripeness_month() {
    let r = results(ISTANBUL);
    let plots = all(&r);
    let doc = find(&plots, "delay.svg");
    assert_eq!(count(&doc, "g", "series"), 2 * r.delay.parties.len());
    let ripe = r.delay.ripeness.unwrap();
    assert!(
        doc.descendants()
            .any(|n| n.text() == Some(&format!("ripe (month {ripe})")))
    );
}

#[test]
fn the_settlement_chart_draws_p_deal_by_month_and_marks_the_median() {
    let r = results(ISTANBUL);
    let plots = all(&r);
    let doc = find(&plots, "settlement.svg");
    // The curve, its two interval lines and (Istanbul has a veto ally) the curve of the
    // parties alone, one point per month.
    let f = &r.settlement.forecast;
    assert!(!f.parties_by_month.is_empty());
    assert_eq!(count(&doc, "g", "series"), 4);
    assert!(
        doc.descendants()
            .any(|n| n.text() == Some("parties alone (without the vetoes)"))
    );
    assert_eq!(f.by_month.len(), f.horizon as usize + 1);
    if let Some(m) = f.median_month {
        assert!(
            doc.descendants()
                .any(|n| n.text() == Some(&format!("median deal month ({m})")))
        );
    }
}

#[test]
fn band_and_tornado_charts_carry_the_results() {
    let r = results(ISTANBUL);
    let plots = all(&r);
    let doc = find(&plots, "montecarlo-territory.svg");
    assert_eq!(count(&doc, "g", "band"), 4);
    let m =
        r.mc.metrics
            .iter()
            .find(|m| m.metric.key == "territory/median")
            .unwrap();
    let expect = format!(
        "Weighted median: 5-95% {:.1} to {:.1}, median {:.1}, without noise {:.1}",
        m.summary.p05.unwrap(),
        m.summary.p95.unwrap(),
        m.summary.median.unwrap(),
        m.baseline.unwrap()
    );
    assert!(titles(&doc).contains(&expect), "{expect}");

    let doc = find(&plots, "tornado-armed-forces-median.svg");
    let sens = r
        .sens
        .metrics
        .iter()
        .find(|m| m.metric == "armed-forces/median")
        .unwrap();
    let moving = sens.tornado.iter().filter(|b| b.swing > 0.0).count();
    assert_eq!(count(&doc, "g", "tornado-bar"), moving.min(10));
    // Largest swing first.
    let first = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("tornado-bar"))
        .unwrap();
    let tip = first
        .children()
        .find(|c| c.has_tag_name("title"))
        .unwrap()
        .text()
        .unwrap();
    assert!(tip.starts_with(&sens.tornado[0].input), "{tip}");
    assert_eq!(count(&doc, "line", "baseline"), 1);
}

#[test]
fn names_with_markup_characters_stay_text() {
    let text = ISTANBUL.replace("name = \"Russia\"", "name = \"Russia <&> \\\"RF\\\"\"");
    assert_ne!(text, ISTANBUL);
    let r = results(&text);
    for p in all(&r) {
        roxmltree::Document::parse(&p.svg).unwrap_or_else(|e| panic!("{}: {e}", p.file));
    }
    let plots = all(&r);
    let doc = find(&plots, "frontier.svg");
    assert!(titles(&doc).iter().any(|t| t.contains("Russia <&> \"RF\"")));
}
