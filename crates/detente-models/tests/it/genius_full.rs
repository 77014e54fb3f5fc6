//! Full GENIUS semantics (integer, real, non-linear, discount, reservation), GeniusWeb JSON, the
//! GENIUS XML export round trip, and every malformed-file case.
//!
//! Expected values are computed by hand from the XML (shown beside each assertion); the
//! non-linear ones come from a 10-line Python/ElementTree evaluation written separately from
//! the Rust loader (sum of the `utility` of every rectangle whose `INCLUDES` all hold, divided
//! by `maxutility` = 536, capped at 1).
#![expect(clippy::unwrap_used, reason = "tests")]

use std::path::Path;

use approx::assert_relative_eq;
use detente_models::bargain::genius_full::{
    GeniusConfig, GeniusFolder, IssueValue, load_folder_full, parse_domain_full, parse_profile_full,
};
use detente_models::bargain::geniusweb::{
    parse_geniusweb_domain, parse_geniusweb_profile, to_genius_xml,
};
use detente_models::bargain::{Package, PackageConfig, from_scenario};

fn read_folder(name: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/genius")
        .join(name);
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn load(name: &str) -> GeniusFolder {
    load_folder_full(name, &read_folder(name)).unwrap()
}

#[test]
fn integer_issues_are_linear_over_x_minus_lowerbound_and_clamped() {
    let f = load("IntegerDomain");
    assert_eq!(f.domain.size(), 121);
    let p1 = &f.profiles[0];
    assert_eq!(p1.name, "IntegerDomain-prof1");
    // discount_factor 0.0 means no discount; reservation 0.
    assert_eq!(p1.discount, None);
    assert_eq!(p1.reservation, 0.0);
    let n = |a: f64, b: f64| [IssueValue::Number(a), IssueValue::Number(b)];
    // price: 0.3 + 0.08 (x + 5); otherprice: 0.1 (x + 5); weights 0.75 / 0.25.
    assert_relative_eq!(p1.eval_values(&n(-5.0, -5.0)), 0.75 * 0.3, epsilon = 1e-12);
    assert_relative_eq!(
        p1.eval_values(&n(0.0, 2.0)),
        0.75 * 0.7 + 0.25 * 0.7,
        epsilon = 1e-12
    );
    // 0.3 + 0.8 = 1.1 is clamped to 1.
    assert_relative_eq!(p1.eval_values(&n(5.0, 5.0)), 1.0, epsilon = 1e-12);
    // Package [10, 0] is price 5, otherprice -5.
    assert_relative_eq!(f.eval(0, &Package(vec![10, 0])), 0.75, epsilon = 1e-12);
}

#[test]
fn real_issues_are_parameter0_plus_parameter1_x_clamped() {
    let f = load("RealIssueFuzzy");
    // Files sort as buyer_utility.xml, seller_utility.xml.
    let (buyer, seller) = (&f.profiles[0], &f.profiles[1]);
    let x = |v: f64| [IssueValue::Number(v)];
    // Buyer: 1.3333333333 - 0.033333333 x; at 10 that is 1.0000000033, clamped to 1.
    assert_eq!(buyer.eval_values(&x(10.0)), 1.0);
    assert_relative_eq!(
        buyer.eval_values(&x(25.0)),
        1.3333333333 - 0.033333333 * 25.0,
        epsilon = 1e-12
    );
    // Seller: -0.3333333 + 0.03333333 x, negative below 10 and clamped to 0.
    assert_eq!(seller.eval_values(&x(5.0)), 0.0);
    assert_relative_eq!(
        seller.eval_values(&x(40.0)),
        -0.3333333 + 0.03333333 * 40.0,
        epsilon = 1e-12
    );
    // The grid holds both bounds and 11 points by default.
    let issue = &f.domain.issues()[0];
    assert_eq!(issue.values.len(), 11);
    assert_eq!(issue.values[0].number, Some(10.0));
    assert_eq!(issue.values[10].number, Some(40.0));
    assert_eq!(issue.values[5].number, Some(25.0));
}

#[test]
fn nonlinear_profiles_sum_hyperrectangles_over_maxutility() {
    let f = load("Nonlinear10issuesWithRV");
    assert_eq!(f.domain.size(), 10_000_000_000);
    let p = &f.profiles[0];
    assert_eq!(p.reservation, 0.75);
    let v = |xs: [i32; 10]| xs.map(|x| IssueValue::Number(f64::from(x)));
    assert_relative_eq!(p.eval_values(&v([0; 10])), 309.0 / 536.0, epsilon = 1e-12);
    assert_relative_eq!(p.eval_values(&v([9; 10])), 119.0 / 536.0, epsilon = 1e-12);
    assert_relative_eq!(
        p.eval_values(&v([3, 1, 4, 1, 5, 9, 2, 6, 5, 3])),
        278.0 / 536.0,
        epsilon = 1e-12
    );
}

const NL_DOMAIN: &str = r#"<negotiation_template><utility_space><objective index="0" name="root">
<issue index="1" name="a" type="integer" lowerbound="0" upperbound="3"/>
<issue index="2" name="b" type="integer" lowerbound="0" upperbound="3"/>
</objective></utility_space></negotiation_template>"#;

fn nl_profile(max: &str, includes: &str) -> String {
    format!(
        r#"<utility_space type="nonlinear"><objective index="0" name="root">
<utility maxutility="{max}"><ufun type="PlainUfun" weight="1" aggregation="sum">
<hyperRectangle utility="6">{includes}</hyperRectangle>
<hyperRectangle utility="5"><INCLUDES index="2" min="1" max="3"/></hyperRectangle>
</ufun></utility></objective></utility_space>"#
    )
}

#[test]
fn nonlinear_by_hand_and_capped_at_one() {
    let d = parse_domain_full("nl", "d.xml", NL_DOMAIN, &GeniusConfig::default()).unwrap();
    let (p, _) = parse_profile_full(
        &d,
        "p.xml",
        &nl_profile("10", r#"<INCLUDES index="1" min="0" max="1"/>"#),
    )
    .unwrap();
    let v = |a: f64, b: f64| [IssueValue::Number(a), IssueValue::Number(b)];
    assert_relative_eq!(p.eval_values(&v(0.0, 0.0)), 0.6, epsilon = 1e-12); // first only
    assert_relative_eq!(p.eval_values(&v(2.0, 2.0)), 0.5, epsilon = 1e-12); // second only
    assert_eq!(p.eval_values(&v(3.0, 0.0)), 0.0); // neither
    assert_eq!(p.eval_values(&v(1.0, 1.0)), 1.0); // 11/10 capped at 1
}

/// Rectangles each read every value of the issue they constrain when the folder becomes a
/// package problem: 880 kB of them on a million-value issue asked for 10 GB. Past the limit
/// the folder is refused, naming the count; below it, the same profiles load.
#[test]
fn profiles_reading_too_many_values_together_are_refused() {
    let domain = r#"<negotiation_template><utility_space><objective index="0" name="root">
<issue index="1" name="a" type="integer" lowerbound="0" upperbound="999999"/>
</objective></utility_space></negotiation_template>"#;
    let profile = |rectangles: usize| {
        let body: String = (0..rectangles)
            .map(|k| {
                format!(
                    r#"<hyperRectangle utility="1"><INCLUDES index="1" min="{k}" max="{}"/></hyperRectangle>"#,
                    k + 10
                )
            })
            .collect();
        format!(
            r#"<utility_space type="nonlinear"><objective index="0" name="root"><utility maxutility="100"><ufun type="PlainUfun" weight="1" aggregation="sum">{body}</ufun></utility></objective></utility_space>"#
        )
    };
    let folder = |rectangles: usize| {
        vec![
            ("d.xml".to_string(), domain.to_string()),
            ("pa.xml".to_string(), profile(rectangles)),
            ("pb.xml".to_string(), profile(rectangles)),
        ]
    };
    // 2 profiles × 11 rectangles × 1,000,000 values.
    let e = load_folder_full("t", &folder(11))
        .unwrap()
        .to_problem()
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("the profiles read 22000000 values of the domain in all")
            && e.contains("over the limit of 20000000"),
        "{e}"
    );
    // 2 × 2 × 1,000,000 fits.
    assert!(
        load_folder_full("t", &folder(2))
            .unwrap()
            .to_problem()
            .is_ok()
    );
}

#[test]
fn discount_factor_is_d_to_the_t() {
    let f = load("Laptop");
    let d = 0.42441038;
    let p = &f.profiles[0];
    assert_eq!(p.discount, Some(d));
    assert_relative_eq!(p.discounted(0.8, 0.5), 0.8 * d.sqrt(), epsilon = 1e-12);
    assert_eq!(p.discounted(0.8, 0.0), 0.8);
    // A discount above 1 means none.
    let text = read_folder("Laptop")
        .into_iter()
        .find(|(n, _)| n == "laptop_buyer_utility.xml")
        .unwrap()
        .1
        .replace("0.42441038", "1.5");
    let (q, _) = parse_profile_full(&f.genius_domain, "b.xml", &text).unwrap();
    assert_eq!(q.discount, None);
}

#[test]
fn geniusweb_profiles_use_the_reservation_bid() {
    let files = read_folder("geniusweb");
    let get = |n: &str| files.iter().find(|(f, _)| f == n).unwrap().1.clone();
    let domain = parse_geniusweb_domain("party.json", &get("party.json")).unwrap();
    assert_eq!(domain.size(), 4 * 4 * 4 * 4 * 3 * 4);
    assert_eq!(domain.issues()[0].name, "Food");
    let (name, u, warnings) =
        parse_geniusweb_profile(&domain, "party1.json", &get("party1.json")).unwrap();
    assert_eq!(name, "party1");
    assert!(warnings.is_empty());
    // Package: first value of every issue: Chips and Nuts .75, Non-Alcoholic .263, Party Tent
    // .52, Plain .24, MP3 .65, Water and Soap .65 with weights .19 .28 .19 .05 .19 .10.
    let first = u.eval(&Package(vec![0; 6])).unwrap();
    let want = 0.19 * 0.75 + 0.28 * 0.263 + 0.19 * 0.52 + 0.05 * 0.24 + 0.19 * 0.65 + 0.10 * 0.65;
    assert_relative_eq!(first, want, epsilon = 1e-12);
    // The reservation is the utility of the reservation bid, which is not 0 here.
    let r = u.reservation.unwrap();
    assert!(r > 0.0 && r < 1.0, "{r}");
}

#[test]
fn scenario_export_round_trips_through_genius_xml() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/istanbul-2025.toml"),
    )
    .unwrap();
    let scenario = detente_core::parse("istanbul-2025.toml", &text)
        .unwrap()
        .scenario;
    let problem = from_scenario(
        &scenario,
        &PackageConfig {
            step: 50.0,
            ..PackageConfig::default()
        },
    )
    .unwrap();
    let (domain, profiles) = to_genius_xml(&problem).unwrap();
    let mut files = vec![("domain.xml".to_string(), domain)];
    files.extend(profiles);
    let back = load_folder_full("istanbul", &files).unwrap();
    assert_eq!(back.domain.size(), problem.domain().size());
    assert_eq!(back.profiles.len(), problem.parties().len());
    let names: Vec<&str> = back.profiles.iter().map(|p| p.name.as_str()).collect();
    // Profiles come back in file-name order.
    let mut want: Vec<&str> = problem.parties().iter().map(|p| p.name.as_str()).collect();
    want.sort_unstable();
    assert_eq!(names, want);
    let mut checked = 0;
    for party in problem.parties() {
        let p = back
            .profiles
            .iter()
            .position(|x| x.name == party.name)
            .unwrap();
        assert_relative_eq!(
            back.profiles[p].reservation,
            party.utility.reservation().unwrap(),
            epsilon = 1e-12
        );
        // Every package of the (small) space.
        let sizes: Vec<usize> = problem
            .domain()
            .issues()
            .iter()
            .map(|i| i.values.len())
            .collect();
        let total: usize = sizes.iter().product();
        for mut k in 0..total {
            let mut digits = vec![0; sizes.len()];
            for (d, s) in digits.iter_mut().zip(&sizes).rev() {
                *d = k % s;
                k /= s;
            }
            let pkg = Package(digits);
            assert_relative_eq!(
                back.eval(p, &pkg),
                party.utility.eval(&pkg).unwrap(),
                epsilon = 1e-12
            );
            checked += 1;
        }
    }
    assert!(checked > 100);
}

// ---- malformed files ----

const DOMAIN: &str = r#"<negotiation_template><utility_space><objective index="0" name="root">
<issue index="1" name="color" type="discrete"><item index="1" value="red"/><item index="2" value="blue"/></issue>
<issue index="2" name="size" type="integer" lowerbound="1" upperbound="3"/>
</objective></utility_space></negotiation_template>"#;

fn profile(w1: &str, w2: &str, items: &str, evaluator: &str) -> String {
    format!(
        r#"<utility_space><objective index="0" name="root">
<issue index="1" name="color" type="discrete">{items}</issue>
<issue index="2" name="size" type="integer" lowerbound="1" upperbound="3">{evaluator}</issue>
{w1}{w2}</objective></utility_space>"#
    )
}

const ITEMS: &str = r#"<item value="red" evaluation="2"/><item value="blue" evaluation="4"/>"#;
const EVAL: &str = r#"<evaluator ftype="linear" slope="0.5" offset="0"/>"#;
const W1: &str = r#"<weight index="1" value="0.4"/>"#;
const W2: &str = r#"<weight index="2" value="0.6"/>"#;

fn check(profile_text: &str, expect: &str) {
    let files = vec![
        ("d.xml".to_string(), DOMAIN.to_string()),
        ("p.xml".to_string(), profile_text.to_string()),
        ("q.xml".to_string(), profile(W1, W2, ITEMS, EVAL)),
    ];
    match load_folder_full("t", &files) {
        Ok(f) => {
            let warnings: Vec<String> = f.warnings.iter().map(ToString::to_string).collect();
            assert_eq!(warnings.join("\n"), expect);
        }
        Err(e) => assert_eq!(e.to_string(), expect),
    }
}

#[test]
fn a_good_profile_loads_without_warnings_and_evaluates_by_hand() {
    let files = vec![
        ("d.xml".to_string(), DOMAIN.to_string()),
        ("p.xml".to_string(), profile(W1, W2, ITEMS, EVAL)),
        ("q.xml".to_string(), profile(W1, W2, ITEMS, EVAL)),
    ];
    let f = load_folder_full("t", &files).unwrap();
    assert!(f.warnings.is_empty());
    // red = 2/4 = 0.5; size 3 = 0.5 * (3 - 1) = 1.0 -> 0.4 * 0.5 + 0.6 * 1.0.
    assert_relative_eq!(f.eval(0, &Package(vec![0, 2])), 0.8, epsilon = 1e-12);
}

#[test]
fn malformed_missing_weight() {
    check(
        &profile(W1, "", ITEMS, EVAL),
        "p.xml: <weight index=\"2\"> has no `value (no weight for issue `size`)` attribute",
    );
}

#[test]
fn malformed_weight_for_unknown_issue_index() {
    check(
        &profile(W1, r#"<weight index="7" value="0.6"/>"#, ITEMS, EVAL),
        "p.xml: <weight>: attribute `index` is \"7\", which names no <issue> of the profile",
    );
}

#[test]
fn malformed_evaluation_for_a_value_the_domain_lacks() {
    let items = format!(r#"{ITEMS}<item value="green" evaluation="1"/>"#);
    check(
        &profile(W1, W2, &items, EVAL),
        "p.xml: <item>: attribute `value` is \"green\", a value issue `color` of the domain lacks",
    );
}

#[test]
fn malformed_weights_not_summing_to_one_is_a_warning() {
    check(
        &profile(W1, r#"<weight index="2" value="0.9"/>"#, ITEMS, EVAL),
        "warning: p.xml: <weight> values sum to 1.3, not 1; utilities are not normalised",
    );
}

#[test]
fn malformed_missing_and_non_numeric_attributes() {
    check(
        &profile(W1, W2, ITEMS, r#"<evaluator ftype="linear" offset="0"/>"#),
        "p.xml: <evaluator> has no `slope` attribute",
    );
    check(
        &profile(W1, r#"<weight index="2" value="heavy"/>"#, ITEMS, EVAL),
        "p.xml: <weight> attribute `value` is \"heavy\", not a finite number",
    );
    check(
        &profile(W1, W2, ITEMS, ""),
        "p.xml: <issue>: issue `size` has no <evaluator>",
    );
}

#[test]
fn malformed_nonlinear_unknown_issue_index() {
    let d = parse_domain_full("nl", "d.xml", NL_DOMAIN, &GeniusConfig::default()).unwrap();
    let e = parse_profile_full(
        &d,
        "p.xml",
        &nl_profile("10", r#"<INCLUDES index="9" min="0" max="1"/>"#),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "p.xml: <INCLUDES>: attribute `index` is \"9\", which names no issue of the domain"
    );
    let e = parse_profile_full(&d, "p.xml", &nl_profile("0", "")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "p.xml: <utility>: attribute `maxutility` must be positive"
    );
    // Two rectangles of -1e308 would sum to an infinite utility: refused, not computed.
    let huge = nl_profile("10", "")
        .replace(r#"utility="6""#, r#"utility="-1e308""#)
        .replace(r#"utility="5""#, r#"utility="-1e308""#);
    let e = parse_profile_full(&d, "p.xml", &huge).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("p.xml: <utility>: the hyper-rectangle utilities are too large"),
        "{e}"
    );
    // A tiny `maxutility` overflows the scaled sum the same way.
    let tiny = nl_profile("1e-320", "");
    assert!(parse_profile_full(&d, "p.xml", &tiny).is_err());
}

#[test]
fn malformed_geniusweb() {
    let files = read_folder("geniusweb");
    let get = |n: &str| files.iter().find(|(f, _)| f == n).unwrap().1.clone();
    let domain = parse_geniusweb_domain("party.json", &get("party.json")).unwrap();
    let bad = get("party1.json").replace("\"Beer Only\": 0.98", "\"Wine\": 0.98");
    let e = parse_geniusweb_profile(&domain, "party1.json", &bad).unwrap_err();
    assert_eq!(
        e.to_string(),
        "party1.json: <valueUtilities>: value \"Wine\" is not a value of issue \"Drinks\""
    );
    let e = parse_geniusweb_domain("x.json", "{\"name\": 3}").unwrap_err();
    assert!(
        e.to_string().starts_with("x.json: <domain>: invalid type"),
        "{e}"
    );
}

/// Issue 15, one GENIUS reader: `GeniusFolder::to_problem` (what `bargain` now reads) gives, on
/// every discrete test domain, the same utility of every package as the discrete-only reader
/// it replaces (`genius::load_folder`, matched to GENIUS's own solutions before), and the same
/// reservation values; on the integer and real domains its utilities are the profiles' own
/// `eval_package_in` (the negotiation semantics), package by package, as on a sample of the
/// non-linear domain's packages.
#[test]
fn to_problem_agrees_with_the_discrete_reader_and_the_profiles() {
    use detente_models::bargain::genius;
    for name in [
        "AirportSiteSelectionA",
        "EnglandZimbabwe",
        "Grocery",
        "ItexvsCypress",
        "Kitchen",
        "Laptop",
        "SupermarketA",
    ] {
        let files = read_folder(name);
        let old = genius::load_folder(name, &files).unwrap();
        let new = load_folder_full(name, &files)
            .unwrap()
            .to_problem()
            .unwrap();
        assert_eq!(old.parties().len(), new.parties().len(), "{name}");
        for (a, b) in old.parties().iter().zip(new.parties()) {
            assert_eq!(a.name, b.name, "{name}");
            assert_relative_eq!(
                a.utility.reservation().unwrap_or(0.0),
                b.utility.reservation().unwrap_or(0.0),
                epsilon = 1e-12
            );
        }
        // Every package of the smaller domains, a stride through the larger ones.
        let size = old.domain().size();
        let stride = (size / 20_000).max(1);
        let sizes: Vec<usize> = old
            .domain()
            .issues()
            .iter()
            .map(|i| i.values.len())
            .collect();
        let mut k = 0u128;
        while k < size {
            let mut rest = k;
            let package = Package(
                sizes
                    .iter()
                    .rev()
                    .map(|&m| {
                        let v = (rest % m as u128) as usize;
                        rest /= m as u128;
                        v
                    })
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect(),
            );
            let a = old.utilities(&package).unwrap();
            let b = new.utilities(&package).unwrap();
            for (x, y) in a.iter().zip(&b) {
                assert_relative_eq!(*x, *y, epsilon = 1e-12);
            }
            k += stride;
        }
    }
    for name in ["IntegerDomain", "RealIssueFuzzy"] {
        let folder = load(name);
        let problem = folder.to_problem().unwrap();
        let sizes: Vec<usize> = folder
            .domain
            .issues()
            .iter()
            .map(|i| i.values.len())
            .collect();
        let total: usize = sizes.iter().product();
        for k in 0..total {
            let mut rest = k;
            let mut values = vec![0; sizes.len()];
            for (slot, &m) in values.iter_mut().zip(&sizes).rev() {
                *slot = rest % m;
                rest /= m;
            }
            let package = Package(values);
            let u = problem.utilities(&package).unwrap();
            for (p, got) in u.iter().enumerate() {
                assert_relative_eq!(*got, folder.eval(p, &package), epsilon = 1e-12);
            }
        }
    }
    // The non-linear domain (10^10 packages): a seeded sample of packages.
    let folder = load("Nonlinear10issuesWithRV");
    let problem = folder.to_problem().unwrap();
    let mut state = 0x5EED_u64;
    for _ in 0..20_000 {
        let values = (0..10)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                ((state >> 33) % 10) as usize
            })
            .collect();
        let package = Package(values);
        let u = problem.utilities(&package).unwrap();
        for (p, got) in u.iter().enumerate() {
            assert_eq!(*got, folder.eval(p, &package), "{package:?}");
        }
    }
}

/// Issue 15: `bargain` on a non-linear GENIUS domain. GENIUS ships a Pareto frontier of
/// Nonlinear10issuesWithRV (10 issues of 10 values, 10^10 packages) as `pareto.xml`: seven
/// utility pairs GENIUS computed itself. The exact frontier that detente finds by walking every
/// cell (`bargain::cells`) holds all seven, to the 8 digits GENIUS wrote, and one point more:
/// (0.7108, 0.9792), the package (0, 6, 7, 7, 0, 3, 0, 3, 6, 5), which beats GENIUS's
/// (0.7015, 1.0) for the first profile and its (0.8078, 0.952) for the second, so no GENIUS point
/// dominates it. Its utilities were checked with a separate Python/ElementTree evaluation of the
/// two profile files (0.710820895522388 and 0.9792); GENIUS's list, computed without visiting
/// every outcome, misses it. Every point's package has its utilities under the profiles' own
/// semantics (`eval_package_in`, the negotiation engine's reading), and the walk's exactness is
/// checked against brute force on random small problems (`bargain_properties.rs`).
#[test]
fn nonlinear_frontier_holds_the_pareto_file_genius_ships() {
    use detente_models::bargain::frontier::unrestricted_frontier;
    use detente_models::bargain::{FrontierConfig, SolveConfig, solve};
    let files = read_folder("Nonlinear10issuesWithRV");
    let pareto = &files.iter().find(|(n, _)| n == "pareto.xml").unwrap().1;
    let genius: Vec<(f64, f64)> = pareto
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (a, b) = l.split_once(',').unwrap();
            (a.trim().parse().unwrap(), b.trim().parse().unwrap())
        })
        .collect();
    assert_eq!(genius.len(), 7);

    let folder = load("Nonlinear10issuesWithRV");
    let problem = folder.to_problem().unwrap();
    let all = unrestricted_frontier(&problem, &FrontierConfig::default()).unwrap();
    for point in &all {
        for (p, u) in point.utilities.iter().enumerate() {
            assert_eq!(*u, folder.eval(p, &point.package));
        }
    }
    let close = |u: &[f64], (a, b): (f64, f64)| (u[0] - a).abs() < 1e-7 && (u[1] - b).abs() < 1e-7;
    for &g in &genius {
        assert!(all.iter().any(|p| close(&p.utilities, g)), "{g:?} missing");
    }
    let extra: Vec<_> = all
        .iter()
        .filter(|p| !genius.iter().any(|&g| close(&p.utilities, g)))
        .collect();
    assert_eq!(extra.len(), 1, "{extra:?}");
    assert_eq!(
        extra[0].package,
        Package(vec![0, 6, 7, 7, 0, 3, 0, 3, 6, 5])
    );
    assert!((extra[0].utilities[0] - 0.710_820_895_522_388).abs() < 1e-12);
    assert!((extra[0].utilities[1] - 0.9792).abs() < 1e-12);
    for &(a, b) in &genius {
        let u = &extra[0].utilities;
        assert!(!(a >= u[0] && b >= u[1]), "({a}, {b}) dominates {u:?}");
    }

    let solved = solve(&problem, &SolveConfig::default()).unwrap();
    assert_eq!(solved.frontier.disagreement, vec![0.75, 0.75]);
    let rational: Vec<_> = all
        .iter()
        .filter(|p| p.utilities.iter().all(|u| *u >= 0.75))
        .collect();
    assert_eq!(solved.frontier.points.len(), rational.len());
    assert_eq!(solved.zopa.frontier_size, 8);
    assert_eq!(solved.zopa.space_size, 10_000_000_000);
    // Counted over the cells, exactly (the counting is checked against enumeration on small
    // problems in `bargain_properties.rs`; this pins the figure `detente bargain` prints).
    assert_eq!(solved.zopa.strict_count, Some(6_667_200));
    assert!(solved.zopa.rational_count.unwrap() >= 6_667_200);
    assert!(solved.nash.is_some());
}
