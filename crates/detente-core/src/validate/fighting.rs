//! Checks of the `[time]` keys read only by the bargaining-while-fighting model (issue 12):
//! `lookahead`, a drift's `sd`, `[[time.beliefs]]`, `[[time.audience_costs]]` and
//! `[time.enforcement]`, and the numbers of the lever effects that act on them. Kept apart from
//! the rest of `validate.rs` so the older checks read as before.

use std::collections::BTreeMap;

use super::{Checker, Refs};
use crate::diagnostic::FieldPath;
use crate::file::{AcrossFile, RoleFile, TimeFile};
use crate::scenario::{
    AudienceCost, Belief, BetaPrior, DEFAULT_LOOKAHEAD, Decisive, Enforcement, EnforcementTerm,
    MAX_HORIZON, Scale, Veto, Victory,
};

/// The validated fighting-model part of `[time]`.
pub(super) struct Fighting {
    pub(super) lookahead: u32,
    pub(super) beliefs: Vec<Belief>,
    pub(super) audience_costs: Vec<AudienceCost>,
    pub(super) enforcement: Option<Enforcement>,
    pub(super) victory: Vec<Victory>,
    pub(super) decisive: Vec<Decisive>,
    pub(super) vetoes: Vec<Veto>,
}

impl Checker {
    /// Checks `lookahead`, `[[time.beliefs]]`, `[[time.audience_costs]]` and
    /// `[time.enforcement]`.
    pub(super) fn fighting(
        &mut self,
        path: &FieldPath,
        time: &TimeFile,
        refs: &Refs<'_>,
    ) -> Fighting {
        let lookahead = match time.lookahead {
            None => DEFAULT_LOOKAHEAD,
            Some(l) if l >= 1 && l <= i64::from(MAX_HORIZON) => l as u32,
            Some(l) => {
                self.error(
                    path.key("lookahead"),
                    format!("lookahead {l} is outside 1..={MAX_HORIZON} months"),
                    format!(
                        "give the months of fighting a party weighs when it values fighting on, from 1 to {MAX_HORIZON}, e.g. `lookahead = 12`"
                    ),
                );
                DEFAULT_LOOKAHEAD
            }
        };

        let mut beliefs = Vec::new();
        let mut seen = BTreeMap::new();
        for (k, b) in time.beliefs.iter().enumerate() {
            let bpath = path.key("beliefs").index(k);
            let actor = self.actor_ref(&bpath.key("actor"), &b.actor, refs);
            let issue = self.issue_ref(&bpath.key("issue"), &b.issue, refs);
            let mut ok = actor.is_some() && issue.is_some();
            let scale = issue.and_then(|(_, s)| s);
            if issue.is_some() && !time.drift.iter().any(|d| d.issue == b.issue) {
                ok = false;
                self.error(
                    bpath.key("issue"),
                    format!("issue `{}` has no `[[time.drift]]`, so there is nothing to believe about", b.issue),
                    format!(
                        "add a `[[time.drift]]` for `{}` (the analyst's process the parties learn about), or put the belief on a drifting issue",
                        b.issue
                    ),
                );
            }
            if let (Some(a), Some((i, _))) = (actor, issue)
                && let Some(first) = seen.insert((a, i), k)
            {
                ok = false;
                self.error(
                    bpath.key("actor"),
                    format!(
                        "actor `{}` has two beliefs about `{}` ({first} and {k})",
                        b.actor, b.issue
                    ),
                    "keep one `[[time.beliefs]]` per actor and issue; to change a belief later, use a lever with `kind = \"shift-belief\"`",
                );
            }
            ok &= self.scale_step(&bpath.key("drift"), b.drift, scale, "believed drift");
            let width = scale.map_or(f64::INFINITY, Scale::width);
            if !(b.sd.is_finite() && b.sd > 0.0 && b.sd <= width) {
                ok = false;
                self.error(
                    bpath.key("sd"),
                    format!("belief sd {} is not a positive number within the scale's width ({width})", b.sd),
                    "give the party's uncertainty about the monthly drift in scale points, greater than 0 (a party sure of the drift is one without a belief entry), e.g. `sd = 0.5`",
                );
            }
            self.why_warning(
                &bpath.key("actor"),
                b.why.as_deref(),
                &format!("belief of `{}` about `{}`", b.actor, b.issue),
            );
            if ok && let (Some(actor), Some((issue, _))) = (actor, issue) {
                beliefs.push(Belief {
                    actor,
                    issue,
                    drift: b.drift,
                    sd: b.sd,
                    why: b.why.clone(),
                });
            }
        }

        let mut audience_costs = Vec::new();
        for (k, a) in time.audience_costs.iter().enumerate() {
            let apath = path.key("audience_costs").index(k);
            let actor = self.actor_ref(&apath.key("actor"), &a.actor, refs);
            let issue = self.issue_ref(&apath.key("issue"), &a.issue, refs);
            let mut ok = actor.is_some() && issue.is_some();
            if let Some(scale) = issue.and_then(|(_, s)| s)
                && !(a.line.is_finite() && scale.contains(a.line))
            {
                ok = false;
                self.error(
                    apath.key("line"),
                    format!(
                        "line {} is outside the scale [{}, {}]",
                        a.line,
                        scale.min(),
                        scale.max()
                    ),
                    "put the committed line on the issue's scale; `across` says which side of it the party has ruled out",
                );
            }
            match (a.cost, a.hard) {
                (Some(cost), false) if !(cost.is_finite() && (0.0..=1.0).contains(&cost)) => {
                    ok = false;
                    self.error(
                        apath.key("cost"),
                        format!("audience cost {cost} is outside 0..=1 utility points"),
                        "give what signing a package across the line costs the party, in package utility points, e.g. 0.05",
                    );
                }
                (Some(_), true) => {
                    ok = false;
                    self.error(
                        apath.key("cost"),
                        "a red line (`hard = true`) has no cost: the party signs nothing across it",
                        "remove `cost` to keep the red line, or remove `hard` to make crossing the line cost `cost` utility points",
                    );
                }
                (None, false) => {
                    ok = false;
                    self.error(
                        apath.key("cost"),
                        "an audience cost needs `cost` (utility points) or `hard = true` (a red line)",
                        "add `cost = 0.05` (what crossing the line costs the party), or `hard = true` if it signs nothing across the line",
                    );
                }
                _ => {}
            }
            if a.hard && a.decay.is_some() {
                ok = false;
                self.error(
                    apath.key("decay"),
                    "a red line (`hard = true`) cannot fade: it binds in full until `until`",
                    "remove `decay`, or give `until` (the first month the line no longer binds), or make it a cost that fades (`cost` without `hard`)",
                );
            }
            let decay = a.decay.unwrap_or(1.0);
            if !(decay.is_finite() && decay > 0.0 && decay <= 1.0) {
                ok = false;
                self.error(
                    apath.key("decay"),
                    format!("decay {decay} is outside (0, 1]"),
                    "give the share of the cost left after each month, e.g. 0.9; 1 means the commitment does not fade",
                );
            }
            let until = match a.until {
                None => None,
                Some(u) if u >= 1 && u <= i64::from(MAX_HORIZON) => Some(u as u32),
                Some(u) => {
                    ok = false;
                    self.error(
                        apath.key("until"),
                        format!("month {u} is outside 1..={MAX_HORIZON}"),
                        "give the first month the commitment no longer binds, from 1 (a commitment that never binds needs no entry)",
                    );
                    None
                }
            };
            self.why_warning(
                &apath.key("actor"),
                a.why.as_deref(),
                &format!("audience cost of `{}` on `{}`", a.actor, a.issue),
            );
            if ok && let (Some(actor), Some((issue, _))) = (actor, issue) {
                audience_costs.push(AudienceCost {
                    actor,
                    issue,
                    line: a.line,
                    above: a.across == AcrossFile::Above,
                    cost: a.cost.unwrap_or(0.0),
                    hard: a.hard,
                    decay,
                    until,
                    why: a.why.clone(),
                });
            }
        }

        let enforcement = time.enforcement.as_ref().and_then(|e| {
            let epath = path.key("enforcement");
            let mut ok = true;
            if !(e.holds.is_finite() && (0.0..=1.0).contains(&e.holds)) {
                ok = false;
                self.error(
                    epath.key("holds"),
                    format!("chance {} is outside 0..=1", e.holds),
                    "give the chance that a deal holds without any of the terms, e.g. 0.7",
                );
            }
            let per = e.per_drift_point.unwrap_or(0.0);
            if !(per.is_finite() && (0.0..=1.0).contains(&per)) {
                ok = false;
                self.error(
                    epath.key("per_drift_point"),
                    format!("{per} is outside 0..=1"),
                    "give the chance of holding lost per scale point of monthly drift, e.g. 0.05",
                );
            }
            self.why_warning(&epath.key("holds"), e.why.as_deref(), "enforcement");
            let mut terms = Vec::new();
            for (k, t) in e.terms.iter().enumerate() {
                let tpath = epath.key("terms").index(k);
                let issue = self.issue_ref(&tpath.key("issue"), &t.issue, refs);
                let mut term_ok = issue.is_some();
                if let Some(scale) = issue.and_then(|(_, s)| s)
                    && !(t.at.is_finite() && scale.contains(t.at))
                {
                    term_ok = false;
                    self.error(
                        tpath.key("at"),
                        format!(
                            "point {} is outside the scale [{}, {}]",
                            t.at,
                            scale.min(),
                            scale.max()
                        ),
                        "put `at`, where the term counts in full, on the issue's scale",
                    );
                }
                term_ok &= self.probability_change(&tpath.key("change"), t.change);
                self.why_warning(
                    &tpath.key("issue"),
                    t.why.as_deref(),
                    &format!("enforcement term on `{}`", t.issue),
                );
                ok &= term_ok;
                if let Some((issue, _)) = issue {
                    terms.push(EnforcementTerm {
                        issue,
                        at: t.at,
                        change: t.change,
                        why: t.why.clone(),
                    });
                }
            }
            ok.then(|| Enforcement {
                holds: e.holds,
                per_drift_point: per,
                why: e.why.clone(),
                breakdown: e.breakdown.unwrap_or_default(),
                terms,
            })
        });

        let (victory, decisive) = self.victory(path, time, refs);
        let vetoes = self.vetoes(path, time, refs);
        Fighting {
            lookahead,
            beliefs,
            audience_costs,
            enforcement,
            victory,
            decisive,
            vetoes,
        }
    }

    /// Checks `[[time.vetoes]]`: an ally that is not a principal, takes a position somewhere
    /// (else it has nothing to consent to) and backs a principal; one entry per ally.
    fn vetoes(&mut self, path: &FieldPath, time: &TimeFile, refs: &Refs<'_>) -> Vec<Veto> {
        let role = |id: &str| refs.file.actors.iter().find(|a| a.id == id).map(|a| a.role);
        let principals = || {
            refs.file
                .actors
                .iter()
                .filter(|a| a.role == RoleFile::Principal)
                .map(|a| format!("`{}`", a.id))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut vetoes = Vec::new();
        let mut seen = BTreeMap::new();
        for (k, v) in time.vetoes.iter().enumerate() {
            let vpath = path.key("vetoes").index(k);
            let actor = self.actor_ref(&vpath.key("actor"), &v.actor, refs);
            let backs = self.actor_ref(&vpath.key("backs"), &v.backs, refs);
            let mut ok = actor.is_some() && backs.is_some();
            if actor.is_some() && role(&v.actor) == Some(RoleFile::Principal) {
                ok = false;
                self.error(
                    vpath.key("actor"),
                    format!("`{}` is a principal, so it bargains already and needs no veto", v.actor),
                    "give an ally, mediator or observer whose consent a settlement needs, or remove the entry",
                );
            }
            if actor.is_some()
                && !refs
                    .file
                    .issues
                    .iter()
                    .any(|i| i.positions.iter().any(|p| p.actor == v.actor))
            {
                ok = false;
                self.error(
                    vpath.key("actor"),
                    format!("`{}` takes no position on any issue, so it has no terms to consent to", v.actor),
                    format!("add its positions under the issues' `positions`, or remove the veto of `{}`", v.actor),
                );
            }
            if backs.is_some() && role(&v.backs) != Some(RoleFile::Principal) {
                ok = false;
                self.error(
                    vpath.key("backs"),
                    format!(
                        "`{}` is not a principal; a veto ally backs one of the bargaining parties",
                        v.backs
                    ),
                    format!(
                        "give the party whose side the ally is on: one of {}",
                        principals()
                    ),
                );
            }
            if let Some(a) = actor
                && let Some(first) = seen.insert(a, k)
            {
                ok = false;
                self.error(
                    vpath.key("actor"),
                    format!("actor `{}` has two vetoes ({first} and {k})", v.actor),
                    "keep one `[[time.vetoes]]` per actor",
                );
            }
            self.why_warning(
                &vpath.key("actor"),
                v.why.as_deref(),
                &format!("veto of `{}`", v.actor),
            );
            if ok && let (Some(actor), Some(backs)) = (actor, backs) {
                vetoes.push(Veto {
                    actor,
                    backs,
                    why: v.why.clone(),
                });
            }
        }
        vetoes
    }

    /// Checks `[[time.victory]]` and `[[time.decisive]]`.
    fn victory(
        &mut self,
        path: &FieldPath,
        time: &TimeFile,
        refs: &Refs<'_>,
    ) -> (Vec<Victory>, Vec<Decisive>) {
        let mut victory = Vec::new();
        let mut seen = BTreeMap::new();
        for (k, v) in time.victory.iter().enumerate() {
            let vpath = path.key("victory").index(k);
            let actor = self.actor_ref(&vpath.key("actor"), &v.actor, refs);
            let mut ok = actor.is_some();
            if let Some(a) = actor
                && let Some(first) = seen.insert(a, k)
            {
                ok = false;
                self.error(
                    vpath.key("actor"),
                    format!("actor `{}` has two victory beliefs ({first} and {k})", v.actor),
                    "keep one `[[time.victory]]` per actor; to change it later, use a lever with `kind = \"scale-victory\"`",
                );
            }
            let wins = self.beta(&vpath, "wins", v.wins, Some(v.wins_sd));
            ok &= wins.is_some();
            let loses = match v.loses {
                None | Some(0.0) if v.loses_sd.is_none() => Some(None),
                None => {
                    self.error(
                        vpath.key("loses_sd"),
                        "`loses_sd` is given without `loses`",
                        "add `loses = ...` (the believed monthly chance of losing outright) or remove `loses_sd`",
                    );
                    None
                }
                Some(m) => self.beta(&vpath, "loses", m, v.loses_sd).map(Some),
            };
            ok &= loses.is_some();
            if let (Some(w), Some(Some(l))) = (wins, loses)
                && w.mean() + l.mean() >= 1.0
            {
                ok = false;
                self.error(
                    vpath.key("loses"),
                    format!(
                        "the believed chances of winning ({}) and losing ({}) in a month add up to 1 or more",
                        v.wins,
                        l.mean()
                    ),
                    "give monthly chances whose sum is below 1, e.g. `wins = 0.05` and `loses = 0.02`",
                );
            }
            self.why_warning(
                &vpath.key("actor"),
                v.why.as_deref(),
                &format!("victory belief of `{}`", v.actor),
            );
            if ok && let (Some(actor), Some(wins), Some(loses)) = (actor, wins, loses) {
                victory.push(Victory {
                    actor,
                    wins,
                    loses,
                    why: v.why.clone(),
                });
            }
        }
        let mut decisive = Vec::new();
        let mut seen = BTreeMap::new();
        let mut total = 0.0;
        for (k, d) in time.decisive.iter().enumerate() {
            let dpath = path.key("decisive").index(k);
            let actor = self.actor_ref(&dpath.key("actor"), &d.actor, refs);
            let mut ok = actor.is_some();
            if let Some(a) = actor
                && let Some(first) = seen.insert(a, k)
            {
                ok = false;
                self.error(
                    dpath.key("actor"),
                    format!(
                        "actor `{}` has two decisive hazards ({first} and {k})",
                        d.actor
                    ),
                    "keep one `[[time.decisive]]` per actor",
                );
            }
            if !(d.per_month.is_finite() && (0.0..1.0).contains(&d.per_month)) {
                ok = false;
                self.error(
                    dpath.key("per_month"),
                    format!("monthly chance {} is outside 0..1", d.per_month),
                    "give the analyst's monthly chance that this side wins outright, 0 or more and below 1, e.g. `per_month = 0.01`",
                );
            } else {
                total += d.per_month;
            }
            self.why_warning(
                &dpath.key("actor"),
                d.why.as_deref(),
                &format!("decisive hazard of `{}`", d.actor),
            );
            if ok && let Some(actor) = actor {
                decisive.push(Decisive {
                    actor,
                    per_month: d.per_month,
                    why: d.why.clone(),
                });
            }
        }
        if total >= 1.0 {
            self.error(
                path.key("decisive"),
                format!("the monthly chances of a decisive end add up to {total}, 1 or more"),
                "give chances whose sum is below 1: the war must be able to go on",
            );
            decisive.clear();
        }
        (victory, decisive)
    }

    /// Checks a Beta prior given by `mean` (key `key`) and `sd` (key `key_sd`).
    fn beta(
        &mut self,
        path: &FieldPath,
        key: &str,
        mean: f64,
        sd: Option<f64>,
    ) -> Option<BetaPrior> {
        let sd_key = format!("{key}_sd");
        if !(mean.is_finite() && mean > 0.0 && mean < 1.0) {
            self.error(
                path.key(key),
                format!("believed monthly chance {mean} is not in the open interval 0..1"),
                format!(
                    "give a monthly chance above 0 and below 1, e.g. `{key} = 0.03` (a party that rules the outcome out has no `{key}`)"
                ),
            );
            return None;
        }
        let Some(sd) = sd else {
            self.error(
                path.key(key),
                format!("`{key}` needs `{sd_key}`, the party's uncertainty about it"),
                format!("add `{sd_key} = ...`, e.g. `{sd_key} = {}`", mean / 2.0),
            );
            return None;
        };
        let max = (mean * (1.0 - mean)).sqrt();
        match BetaPrior::from_mean_sd(mean, sd) {
            Some(b) => Some(b),
            None => {
                self.error(
                    path.key(&sd_key),
                    format!("sd {sd} is not a positive number below {max:.4}, the largest a Beta prior with mean {mean} allows"),
                    format!("give `{sd_key}` greater than 0 and below sqrt(mean (1 - mean)) = {max:.4}, e.g. `{sd_key} = {}`", mean / 2.0),
                );
                None
            }
        }
    }

    /// Checks a drift's `sd`: finite, `>= 0`, within the scale's width.
    pub(super) fn drift_sd(
        &mut self,
        path: &FieldPath,
        sd: Option<f64>,
        scale: Option<Scale>,
    ) -> bool {
        let Some(sd) = sd else { return true };
        let width = scale.map_or(f64::INFINITY, Scale::width);
        if sd.is_finite() && sd >= 0.0 && sd <= width {
            return true;
        }
        self.error(
            path.clone(),
            format!("drift sd {sd} is not a number in 0..={width}"),
            "give the monthly noise of the front in scale points, 0 or more, e.g. `sd = 1`",
        );
        false
    }

    /// Checks a `scale-audience-cost` factor: finite and `>= 0`.
    pub(super) fn audience_factor(&mut self, path: &FieldPath, f: f64) -> bool {
        if f.is_finite() && f >= 0.0 {
            return true;
        }
        self.error(
            path.clone(),
            format!("audience-cost factor {f} is not a number >= 0"),
            "give a multiplier of the audience cost, e.g. 0 to remove it or 0.5 to halve it",
        );
        false
    }

    /// Checks a `scale-victory` factor: finite and `>= 0`.
    pub(super) fn victory_factor(&mut self, path: &FieldPath, f: f64) -> bool {
        if f.is_finite() && f >= 0.0 {
            return true;
        }
        self.error(
            path.clone(),
            format!("victory factor {f} is not a number >= 0"),
            "give a multiplier of the believed chance of winning, e.g. 0 to drop it or 0.5 to halve it",
        );
        false
    }

    /// Checks a signed change of a probability: finite, in `-1..=1`.
    pub(super) fn probability_change(&mut self, path: &FieldPath, p: f64) -> bool {
        if p.is_finite() && (-1.0..=1.0).contains(&p) {
            return true;
        }
        self.error(
            path.clone(),
            format!("change in probability {p} is outside -1..=1"),
            "give a signed change in the chance that a deal holds, e.g. 0.1",
        );
        false
    }
}
