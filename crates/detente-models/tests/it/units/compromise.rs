use detente_core::ActorIndex;
use detente_models::compromise::*;
use detente_models::stance::Stance;

fn stance(capability: f64, position: f64, salience: f64) -> Stance {
    Stance {
        actor: ActorIndex(0),
        capability,
        position,
        salience,
    }
}

#[test]
fn weighted_mean_by_hand() {
    // (2*1*10 + 1*0.5*40) / (2 + 0.5) = 40 / 2.5 = 16
    let s = [stance(2.0, 10.0, 1.0), stance(1.0, 40.0, 0.5)];
    assert_eq!(compromise(&s), Some(16.0));
}

#[test]
fn no_weight_no_forecast() {
    let s = [stance(2.0, 10.0, 0.0), stance(1.0, 40.0, 0.0)];
    assert_eq!(compromise(&s), None);
}
