use detente_models::stop::*;

#[test]
fn the_default_flag_never_stops_and_clones_share_a_raised_flag() {
    let never = StopFlag::default();
    never.raise();
    assert!(!never.is_raised());
    let flag = StopFlag::new();
    let other = flag.clone();
    assert!(!other.is_raised());
    flag.raise();
    assert!(other.is_raised());
}
