//! Procedural constraints: the range of outcomes the EU's decision rule lets pass against the
//! reference point.
//!
//! # What it models
//! A law replaces the reference point `q` only if the actors whose consent the procedure requires
//! prefer it to `q`. With single-peaked symmetric preferences on a line, member state `i` (ideal
//! `x_i`) weakly prefers `x` to `q` exactly when `x` lies between `q` and its *reach*
//! `2 x_i - q` (the point as far beyond its ideal as `q` lies before it). So:
//! - **unanimity** (`Unan`): every member state with a position must agree: `x` can move from `q`
//!   toward higher values only up to the smallest upward reach, and only if every member stands
//!   above `q` (likewise downward);
//! - **qualified majority** (`QMV`): members holding at least the qualified-majority share of the
//!   Council votes of the members with a position must agree: sorting upward reaches from the
//!   largest, the bound is the reach at which their cumulative votes first make a qualified
//!   majority (the QMV pivot; Tsebelis 2002, Achen 2006 on "procedural" models);
//! - the **Parliament** (under co-decision by default) and optionally the **Commission** are veto
//!   players on top of the Council: the bound is also capped by their reaches.
//!
//! The result is an interval `[lo, hi]` containing `q`: the outcomes that can beat the reference
//! point. A procedural variant of a model clamps its forecast into this interval.
//!
//! # Assumptions
//! Members without a position neither block nor support (the quota is taken as a share of the
//! votes of members with a position, so issues where few members were coded are not gridlocked by
//! silence). Council votes come from [`crate::council`], whatever capability measure the
//! forecasts use, since the procedure is a formal rule. The Commission's right to insist on
//! unanimity for amendments (TFEU Art. 293) is not modelled beyond the optional veto.
//!
//! # References
//! Tsebelis, G. (2002), *Veto Players*, Princeton UP. Achen, C. H. (2006), "Institutional realism
//! and bargaining models", in Thomson et al. (eds.), *The European Union Decides*, ch. 4.
//! Steunenberg, B. (1994), "Decision making under different institutional arrangements",
//! *Journal of Institutional and Theoretical Economics* 150(4).

use detente_core::import::{CouncilRule, DeuActorKind, DeuData, DeuIssue, Procedure};
use serde::Serialize;

use crate::council::Period;

/// Which institutions hold a veto besides the Council.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct VetoConfig {
    /// The Commission holds a veto on every issue.
    pub commission: bool,
    /// The Parliament holds a veto under co-decision.
    pub parliament_codecision: bool,
    /// The Parliament holds a veto under consultation.
    pub parliament_consultation: bool,
}

impl Default for VetoConfig {
    fn default() -> Self {
        Self {
            commission: false,
            parliament_codecision: true,
            parliament_consultation: false,
        }
    }
}

/// The interval of outcomes that can beat the reference point `status_quo` on `issue`.
pub fn acceptable_range(
    data: &DeuData,
    issue: &DeuIssue,
    period: Period,
    status_quo: f64,
    vetoes: &VetoConfig,
) -> (f64, f64) {
    let q = status_quo;
    // (upward reach, downward reach, votes) of each member state with a position.
    let mut members = Vec::new();
    let (mut hi, mut lo) = (100.0_f64, 0.0_f64);
    for s in &issue.stances {
        let Some(actor) = data.actors.get(s.actor) else {
            continue;
        };
        let up = (2.0 * s.position - q).max(q);
        let down = (2.0 * s.position - q).min(q);
        let veto = match actor.kind {
            DeuActorKind::MemberState => {
                members.push((up, down, f64::from(period.votes(actor.id))));
                false
            }
            DeuActorKind::Commission => vetoes.commission,
            DeuActorKind::Parliament => match issue.procedure {
                Procedure::Codecision => vetoes.parliament_codecision,
                Procedure::Consultation => vetoes.parliament_consultation,
            },
        };
        if veto {
            hi = hi.min(up);
            lo = lo.max(down);
        }
    }
    let total: f64 = members.iter().map(|m| m.2).sum();
    if total > 0.0 {
        let share = match issue.council_rule {
            CouncilRule::Unanimity => 1.0,
            CouncilRule::QualifiedMajority => {
                f64::from(period.qmv_threshold())
                    / f64::from(
                        detente_core::import::DEU_ACTORS
                            .iter()
                            .map(|(id, _)| period.votes(id))
                            .sum::<u32>(),
                    )
            }
        };
        let needed = share * total * (1.0 - 1e-12);
        hi = hi.min(pivot(&mut members, needed, |m| m.0, true));
        lo = lo.max(pivot(&mut members, needed, |m| m.1, false));
    }
    (lo.min(q), hi.max(q))
}

/// The reach at which the members, taken from the most permissive, first hold `needed` votes.
fn pivot(
    members: &mut [(f64, f64, f64)],
    needed: f64,
    reach: impl Fn(&(f64, f64, f64)) -> f64,
    upward: bool,
) -> f64 {
    members.sort_by(|a, b| {
        let (x, y) = (reach(a), reach(b));
        if upward {
            y.total_cmp(&x)
        } else {
            x.total_cmp(&y)
        }
    });
    let mut votes = 0.0;
    for m in members.iter() {
        votes += m.2;
        if votes >= needed {
            return reach(m);
        }
    }
    // Unreachable when `needed` is at most the total; the least permissive reach then binds.
    members
        .last()
        .map_or(if upward { 100.0 } else { 0.0 }, reach)
}

#[cfg(test)]
mod tests {
    use super::*;
    use detente_core::import::{DeuActor, DeuStance};

    fn data() -> DeuData {
        let actor = |id, kind| DeuActor {
            id,
            name: id,
            kind,
            gdp: 1.0,
        };
        DeuData {
            actors: vec![
                actor("com", DeuActorKind::Commission),
                actor("ep", DeuActorKind::Parliament),
                actor("de", DeuActorKind::MemberState),
                actor("fr", DeuActorKind::MemberState),
                actor("lu", DeuActorKind::MemberState),
            ],
            issues: Vec::new(),
            notes: Vec::new(),
        }
    }

    fn issue(rule: CouncilRule, procedure: Procedure, positions: &[(usize, f64)]) -> DeuIssue {
        DeuIssue {
            line: 3,
            proposal: "p".into(),
            proposal_name: "p".into(),
            id: "i".into(),
            council_rule: rule,
            procedure,
            introduced: None,
            stances: positions
                .iter()
                .map(|&(actor, position)| DeuStance {
                    actor,
                    position,
                    salience: 0.5,
                })
                .collect(),
            reference_point: Some(0.0),
            outcome: Some(0.0),
        }
    }

    /// Unanimity: q = 10, members at 30, 60, 80 reach 50, 110, 150: the outcome can rise to 50.
    #[test]
    fn unanimity_stops_at_the_nearest_members_reach() {
        let d = data();
        let i = issue(
            CouncilRule::Unanimity,
            Procedure::Consultation,
            &[(2, 30.0), (3, 60.0), (4, 80.0)],
        );
        let r = acceptable_range(&d, &i, Period::Eu15, 10.0, &VetoConfig::default());
        assert_eq!(r, (10.0, 50.0));
    }

    /// A member on the other side of q blocks any move under unanimity.
    #[test]
    fn unanimity_gridlock() {
        let d = data();
        let i = issue(
            CouncilRule::Unanimity,
            Procedure::Consultation,
            &[(2, 30.0), (3, 60.0), (4, 0.0)],
        );
        let r = acceptable_range(&d, &i, Period::Eu15, 10.0, &VetoConfig::default());
        assert_eq!(r, (10.0, 10.0));
    }

    /// EU-15 votes: de 10, fr 10, lu 2 (22 with a position); a qualified majority is 62/87 of
    /// that, 15.7 votes, so de and fr together decide and lu's reach does not bind. Upward: reaches
    /// de 90, fr 70, lu 12 → pivot at fr, 70. Downward nobody reaches below q = 10.
    #[test]
    fn qmv_pivot() {
        let d = data();
        let i = issue(
            CouncilRule::QualifiedMajority,
            Procedure::Consultation,
            &[(2, 50.0), (3, 40.0), (4, 11.0)],
        );
        let r = acceptable_range(&d, &i, Period::Eu15, 10.0, &VetoConfig::default());
        assert_eq!(r, (10.0, 70.0));
    }

    /// Under co-decision the Parliament's reach caps the range.
    #[test]
    fn parliament_veto_under_codecision() {
        let d = data();
        let positions = [(1, 20.0), (2, 50.0), (3, 40.0), (4, 11.0)];
        let cod = issue(
            CouncilRule::QualifiedMajority,
            Procedure::Codecision,
            &positions,
        );
        let cns = issue(
            CouncilRule::QualifiedMajority,
            Procedure::Consultation,
            &positions,
        );
        let v = VetoConfig::default();
        assert_eq!(
            acceptable_range(&d, &cod, Period::Eu15, 10.0, &v),
            (10.0, 30.0)
        );
        assert_eq!(
            acceptable_range(&d, &cns, Period::Eu15, 10.0, &v),
            (10.0, 70.0)
        );
    }
}
