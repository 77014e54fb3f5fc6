#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]
use detente_models::smp::*;

#[test]
fn names_round_trip_and_errors_list_choices() {
    for v in VotingRule::ALL {
        assert_eq!(v.ktab_name().parse::<VotingRule>(), Ok(*v));
    }
    assert_eq!("prop".parse::<VotingRule>(), Ok(VotingRule::Proportional));
    let e = "Median".parse::<PceModel>().unwrap_err();
    assert_eq!(
        e.to_string(),
        "unknown Condorcet election model `Median`; expected one of: Conditional, \
         MarkovIncentive, MarkovUniform"
    );
}

#[test]
fn set_by_ktab_parameter_name() {
    let mut c = SmpConfig::ktab();
    c.set("PCEModel", "MarkovUniform").unwrap();
    c.set("big_r_range", "Max").unwrap();
    assert_eq!(c.pce_model, PceModel::MarkovUniform);
    assert_eq!(c.big_r_range, BigRRange::Max);
    assert!(c.set("Foo", "x").is_err());
    // What `ktab_parameters` writes, `set` reads back, under the names KTAB lists.
    let mut d = SmpConfig::ktab();
    for (k, v) in c.ktab_parameters() {
        d.set(k, v).unwrap();
    }
    assert_eq!(d, c);
    let names: Vec<&str> = c.ktab_parameters().iter().map(|(k, _)| *k).collect();
    assert_eq!(names, SmpConfig::PARAMETER_NAMES);
}
