//! Package bargaining on GENIUS domains, pinned to independent reference numbers.
//!
//! `tests/data/genius/reference.json` was produced by `tests/data/genius/make_reference.py`
//! (NegMAS from PyPI, version recorded in the file, plus a brute-force enumeration in Python, both
//! under GENIUS semantics: each issue's evaluations divided by the issue's maximum). The sources
//! of the domain files are in `tests/data/genius/README.md`. Our frontier, its utilities and every
//! solution must match to 1e-9; the reader's error messages are checked at the end.
#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::path::Path;

use detente_models::bargain::{KsRule, Problem, Solution, Solutions, SolveConfig, genius, solve};
use serde_json::Value as Json;

fn data_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/genius")
}

fn read_folder(name: &str) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(data_dir().join(name)).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        files.push((file, std::fs::read_to_string(&path).unwrap()));
    }
    files
}

fn load(name: &str) -> Problem {
    genius::load_folder(name, &read_folder(name)).unwrap()
}

fn reference(name: &str) -> Json {
    let text = std::fs::read_to_string(data_dir().join("reference.json")).unwrap();
    let all: Json = serde_json::from_str(&text).unwrap();
    all["domains"][name].clone()
}

fn numbers(json: &Json) -> Vec<f64> {
    json.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn indices(json: &Json) -> Vec<usize> {
    json.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect()
}

fn assert_close(label: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{label}");
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() <= 1e-9, "{label}: got {got:?}, want {want:?}");
    }
}

fn assert_solution(label: &str, got: &Option<Solution>, want: &Json) {
    let got = got.as_ref().unwrap();
    assert_eq!(got.package.0, indices(&want["package"]), "{label} package");
    assert_close(label, &got.utilities, &numbers(&want["utilities"]));
    assert_eq!(
        got.ties as u64,
        want["ties"].as_u64().unwrap(),
        "{label} ties"
    );
}

/// NegMAS returns every point within 1e-12 of the optimum; ours must be one of them.
fn assert_among_negmas(label: &str, got: &Option<Solution>, negmas: &Json) {
    let got = got.as_ref().unwrap();
    let found = negmas["utilities"].as_array().unwrap().iter().any(|u| {
        numbers(u)
            .iter()
            .zip(&got.utilities)
            .all(|(a, b)| (a - b).abs() <= 1e-9)
    });
    assert!(
        found,
        "{label}: {:?} not among NegMAS {}",
        got.utilities, negmas["utilities"]
    );
}

fn check(name: &str) {
    let problem = load(name);
    let want = reference(name);
    let bf = &want["brute_force"];
    let negmas = &want["negmas"];
    let solved: Solutions = solve(&problem, &SolveConfig::default()).unwrap();

    let parties: Vec<&str> = problem.parties().iter().map(|p| p.name.as_str()).collect();
    let want_parties: Vec<&str> = want["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(parties, want_parties);
    assert_eq!(
        problem.domain().size(),
        u128::from(bf["outcomes"].as_u64().unwrap())
    );
    assert_close(
        "disagreement",
        &solved.frontier.disagreement,
        &numbers(&bf["disagreement"]),
    );
    assert_close("ideal", &solved.frontier.ideal, &numbers(&bf["ideal"]));

    // Frontier: same packages in the same order (first party's utility descending), same
    // utilities, and the same size and utilities as NegMAS's `pareto_frontier`.
    let frontier = bf["frontier"].as_array().unwrap();
    assert_eq!(
        solved.frontier.points.len(),
        frontier.len(),
        "frontier size"
    );
    assert_eq!(
        solved.frontier.points.len() as u64,
        negmas["frontier_size"].as_u64().unwrap()
    );
    for ((point, b), n) in solved
        .frontier
        .points
        .iter()
        .zip(frontier)
        .zip(negmas["frontier_utilities"].as_array().unwrap())
    {
        assert_eq!(point.package.0, indices(&b["package"]));
        assert_close(
            "frontier point",
            &point.utilities,
            &numbers(&b["utilities"]),
        );
        assert_close("negmas frontier point", &point.utilities, &numbers(n));
    }

    assert_solution("nash", &solved.nash, &bf["nash"]);
    assert_solution(
        "kalai-smorodinsky",
        &solved.kalai_smorodinsky,
        &bf["kalai_smorodinsky"],
    );
    assert_solution("egalitarian", &solved.egalitarian, &bf["egalitarian"]);
    assert_solution("utilitarian", &solved.utilitarian, &bf["utilitarian"]);
    assert_among_negmas("nash", &solved.nash, &negmas["nash"]);
    assert_among_negmas("egalitarian", &solved.egalitarian, &negmas["egalitarian"]);
    assert_among_negmas("utilitarian", &solved.utilitarian, &negmas["utilitarian"]);

    // NegMAS's rule for Kalai-Smorodinsky (smallest spread of normalised gains).
    let spread = solve(
        &problem,
        &SolveConfig {
            ks_rule: KsRule::SmallestSpread,
            ..SolveConfig::default()
        },
    )
    .unwrap();
    assert_solution(
        "ks spread",
        &spread.kalai_smorodinsky,
        &bf["kalai_smorodinsky_smallest_spread"],
    );
    assert_among_negmas(
        "ks spread",
        &spread.kalai_smorodinsky,
        &negmas["kalai_smorodinsky_smallest_spread"],
    );

    let z = &solved.zopa;
    assert_eq!(z.rational_count, bf["rational_count"].as_u64());
    assert_eq!(z.strict_count, bf["strict_count"].as_u64());
    assert_eq!(z.exists, bf["strict_count"].as_u64().unwrap() > 0);
}

#[test]
fn laptop() {
    check("Laptop");
}

#[test]
fn itex_vs_cypress() {
    check("ItexvsCypress");
}

#[test]
fn england_zimbabwe() {
    check("EnglandZimbabwe");
}

#[test]
fn airport_site_selection_a() {
    check("AirportSiteSelectionA");
}

/// SupermarketA (112,896 packages) is the benchmark domain; pin what enumeration says about it.
#[test]
fn supermarket_a_zopa() {
    let problem = load("SupermarketA");
    let solved = solve(&problem, &SolveConfig::default()).unwrap();
    assert_eq!(problem.domain().size(), 112_896);
    assert_eq!(solved.zopa.rational_count, Some(23_456));
    assert_eq!(solved.zopa.strict_count, Some(22_318));
    assert_eq!(solved.frontier.points.len(), 28);
}

fn load_err(files: &[(&str, &str)]) -> String {
    let files: Vec<(String, String)> = files
        .iter()
        .map(|(n, t)| ((*n).to_string(), (*t).to_string()))
        .collect();
    genius::load_folder("test", &files).unwrap_err().to_string()
}

const DOMAIN: &str = r#"<negotiation_template><utility_space><objective>
  <issue index="1" name="price" type="discrete"><item index="1" value="low"/><item index="2" value="high"/></issue>
</objective></utility_space></negotiation_template>"#;

fn profile(weight: &str, evaluation: &str) -> String {
    format!(
        r#"<utility_space><objective><weight index="1" value="{weight}"/>
  <issue index="1" name="price" type="discrete"><item index="1" value="low" evaluation="{evaluation}"/><item index="2" value="high" evaluation="2"/></issue>
</objective></utility_space>"#
    )
}

#[test]
fn errors_name_file_element_and_attribute() {
    let good = profile("1", "1");
    assert_eq!(
        load_err(&[
            ("d.xml", DOMAIN),
            ("a.xml", &good),
            ("b.xml", &profile("heavy", "1"))
        ]),
        "b.xml: <weight> attribute `value` is \"heavy\", not a finite number"
    );
    let no_eval = good.replace(r#" evaluation="1""#, "");
    assert_eq!(
        load_err(&[("d.xml", DOMAIN), ("a.xml", &no_eval), ("b.xml", &good)]),
        "a.xml: <item> has no `evaluation` attribute"
    );
    assert!(
        load_err(&[
            ("d.xml", DOMAIN),
            ("a.xml", "<utility_space>"),
            ("b.xml", &good)
        ])
        .starts_with("a.xml: not well-formed xml")
    );
    assert_eq!(
        load_err(&[("a.xml", &good), ("b.xml", &good)]),
        "expected exactly one domain file (root <negotiation_template>), found 0"
    );
    assert_eq!(
        load_err(&[("d.xml", DOMAIN), ("a.xml", &good)]),
        "bargaining needs at least two parties, found 1"
    );
    let integer = DOMAIN.replace(r#"type="discrete""#, r#"type="integer""#);
    assert_eq!(
        load_err(&[("d.xml", &integer), ("a.xml", &good), ("b.xml", &good)]),
        "d.xml: <issue>: issue type \"integer\" is not supported (only discrete linear-additive domains)"
    );
    let nonlinear = good.replace("<utility_space>", r#"<utility_space type="nonlinear">"#);
    assert!(
        load_err(&[("d.xml", DOMAIN), ("a.xml", &nonlinear), ("b.xml", &good)])
            .starts_with("a.xml: <utility_space>: utility space type \"nonlinear\"")
    );
    let missing_item = good.replace(r#"value="high""#, r#"value="medium""#);
    assert_eq!(
        load_err(&[
            ("d.xml", DOMAIN),
            ("a.xml", &missing_item),
            ("b.xml", &good)
        ]),
        "a.xml: <issue>: no <item> for value \"high\" of issue `price`"
    );
}

#[test]
fn evaluations_are_scaled_by_the_issue_maximum() {
    let files = vec![
        ("d.xml".to_string(), DOMAIN.to_string()),
        ("a.xml".to_string(), profile("0.5", "1")),
        ("b.xml".to_string(), profile("1", "4")),
    ];
    let problem = genius::load_folder("test", &files).unwrap();
    let a = problem.parties()[0].utility.additive().unwrap();
    assert_eq!(a.weights, vec![0.5]);
    assert_eq!(a.evaluations, vec![vec![0.5, 1.0]]);
    assert_eq!(
        problem.parties()[1].utility.additive().unwrap().evaluations,
        vec![vec![1.0, 0.5]]
    );
    assert_eq!(a.reservation, Some(0.0));
}
