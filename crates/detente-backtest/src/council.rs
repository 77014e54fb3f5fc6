//! The Council of the EU's weighted votes in each period the DEU data covers, and which period an
//! issue falls in.
//!
//! # Facts
//! - **EU-15** (to 30 April 2004): Treaty establishing the European Community, Art. 205(2) (as
//!   amended by the 1994 Act of Accession of Austria, Finland and Sweden): Germany, France, Italy,
//!   United Kingdom 10; Spain 8; Belgium, Greece, Netherlands, Portugal 5; Austria, Sweden 4;
//!   Denmark, Ireland, Finland 3; Luxembourg 2. Total 87; a qualified majority is 62 votes.
//! - **EU-25** (from 1 May 2004; the weights below from 1 November 2004): Treaty of Nice,
//!   Protocol on the enlargement of the European Union, Art. 3, as adapted by the 2003 Act of
//!   Accession, Art. 12: Germany, France, Italy, United Kingdom 29; Spain, Poland 27; Netherlands
//!   13; Belgium, Czech Republic, Greece, Hungary, Portugal 12; Austria, Sweden 10; Denmark,
//!   Ireland, Lithuania, Slovakia, Finland 7; Cyprus, Estonia, Latvia, Luxembourg, Slovenia 4;
//!   Malta 3. Total 321; qualified majority 232.
//! - **EU-27** (from 1 January 2007): 2005 Act of Accession of Bulgaria and Romania, Art. 22:
//!   Romania 14, Bulgaria 10, the others as above. Total 345; qualified majority 255.
//! - **EU-28** (from 1 July 2013): 2012 Act of Accession of Croatia, Art. 20: Croatia 7. Total
//!   352; qualified majority 260.
//!
//! # Simplifications (documented, not hidden)
//! - Only the weight threshold is modelled; the Nice rule's further conditions (a majority of
//!   member states; 62 % of the population on request) rarely bind and are left out.
//! - The transitional weights of May-October 2004 are not modelled (EU-25 uses the Nice weights).
//! - From 1 November 2014 the Lisbon double majority (55 % of states, 65 % of population, TEU
//!   Art. 16(4)) replaced weights, with the Nice rule available on request until March 2017.
//!   Issues of that period (introduced 2014-2018, a few dozen) keep the EU-28 Nice weights.
//! - An issue's period is the one in force when the proposal was introduced (`intro`), moved
//!   later if a member state that joined later took a position on it (the decision then fell
//!   after that enlargement). The data's decision date (`finact`) is not a usable date.

use detente_core::import::{DeuData, DeuDate, DeuIssue};

/// A period of the Council's voting weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    /// Fifteen members, Amsterdam weights.
    Eu15,
    /// Twenty-five members, Nice weights.
    Eu25,
    /// Twenty-seven members, Nice weights.
    Eu27,
    /// Twenty-eight members, Nice weights.
    Eu28,
}

impl Period {
    /// Every period, oldest first.
    pub const ALL: [Period; 4] = [Period::Eu15, Period::Eu25, Period::Eu27, Period::Eu28];

    /// Short name, e.g. `EU-27`.
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Eu15 => "EU-15",
            Period::Eu25 => "EU-25",
            Period::Eu27 => "EU-27",
            Period::Eu28 => "EU-28",
        }
    }

    /// The period in force on `date`.
    pub fn on(date: DeuDate) -> Period {
        let d = (date.year, date.month);
        if d < (2004, 5) {
            Period::Eu15
        } else if d < (2007, 1) {
            Period::Eu25
        } else if d < (2013, 7) {
            Period::Eu27
        } else {
            Period::Eu28
        }
    }

    /// The Council votes of member state `id` (DEU column suffix), 0 if not a member then.
    pub fn votes(self, id: &str) -> u32 {
        let (eu15, nice) = match id {
            "de" | "fr" | "it" | "uk" => (10, 29),
            "es" => (8, 27),
            "pl" => (0, 27),
            "ro" => (0, 14),
            "nl" => (5, 13),
            "be" | "el" | "pt" => (5, 12),
            "cz" | "hu" => (0, 12),
            "at" | "se" => (4, 10),
            "bu" => (0, 10),
            "dk" | "ie" | "fi" => (3, 7),
            "lt" | "sk" | "cr" => (0, 7),
            "lu" => (2, 4),
            "cy" | "ee" | "lv" | "si" => (0, 4),
            "mt" => (0, 3),
            _ => (0, 0),
        };
        let joined = match id {
            "bu" | "ro" => Period::Eu27,
            "cr" => Period::Eu28,
            _ if eu15 == 0 => Period::Eu25,
            _ => Period::Eu15,
        };
        if self < joined {
            0
        } else if self == Period::Eu15 {
            eu15
        } else {
            nice
        }
    }

    /// Votes needed for a qualified majority.
    pub fn qmv_threshold(self) -> u32 {
        match self {
            Period::Eu15 => 62,
            Period::Eu25 => 232,
            Period::Eu27 => 255,
            Period::Eu28 => 260,
        }
    }

    /// The first period in which member state `id` votes, if it ever does.
    pub fn joined(id: &str) -> Option<Period> {
        Period::ALL.into_iter().find(|p| p.votes(id) > 0)
    }
}

/// The period an issue was decided in: see the module documentation.
pub fn period_of(data: &DeuData, issue: &DeuIssue) -> Period {
    let by_date = issue.introduced.map_or(Period::Eu15, Period::on);
    issue
        .stances
        .iter()
        .filter_map(|s| data.actors.get(s.actor))
        .filter_map(|a| Period::joined(a.id))
        .fold(by_date, Period::max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use detente_core::import::DEU_ACTORS;

    fn total(p: Period) -> u32 {
        DEU_ACTORS.iter().map(|(id, _)| p.votes(id)).sum()
    }

    /// The totals and member counts the treaties state.
    #[test]
    fn totals_match_the_treaties() {
        assert_eq!(total(Period::Eu15), 87);
        assert_eq!(total(Period::Eu25), 321);
        assert_eq!(total(Period::Eu27), 345);
        assert_eq!(total(Period::Eu28), 352);
        let members = |p: Period| DEU_ACTORS.iter().filter(|(id, _)| p.votes(id) > 0).count();
        assert_eq!(
            Period::ALL.map(members),
            [15, 25, 27, 28],
            "member counts per period"
        );
        assert_eq!(Period::Eu15.votes("com"), 0);
    }

    #[test]
    fn dates_pick_periods() {
        let d = |year, month| DeuDate {
            year,
            month,
            day: 1,
        };
        assert_eq!(Period::on(d(2004, 4)), Period::Eu15);
        assert_eq!(Period::on(d(2004, 5)), Period::Eu25);
        assert_eq!(Period::on(d(2012, 12)), Period::Eu27);
        assert_eq!(Period::on(d(2016, 3)), Period::Eu28);
    }
}
