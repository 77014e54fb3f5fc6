//! Checks the meaning of a [`ScenarioFile`] and turns it into a [`Scenario`].
//!
//! Every rule of `docs/scenario-format.md` lives here, once. The checks collect every problem
//! instead of stopping at the first, and each problem names its field path and the fix. Spans are
//! attached later by [`crate::parse`], which knows the source text.

mod events;
mod fighting;
mod spaces;

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::{FieldPath, Finding};
use crate::file::{
    DecisionRuleFile, EffectFile, EffectKindFile, IssueFile, PositionFile, RoleFile, ScenarioFile,
    TimeFile,
};
use crate::scenario::{
    Actor, ActorIndex, ActorTime, Anchor, Capability, DEFAULT_HORIZON, DecisionRule, Drift, Effect,
    EffectKind, Issue, IssueIndex, Lever, MAX_HORIZON, Metadata, Position, Role, Salience, Scale,
    Scenario, Time, Uncertainty,
};

/// The only format version so far.
pub const FORMAT_VERSION: u32 = 1;

/// Smallest capability accepted. Only ratios between capabilities matter, and the models
/// multiply capabilities by saliences and distances: outside `MIN_CAPABILITY..=MAX_CAPABILITY`
/// those products underflow to 0 or overflow to infinity (issue 16: a capability of 1e308
/// printed `inf` as the compromise forecast).
pub const MIN_CAPABILITY: f64 = 1e-9;

/// Largest capability accepted; see [`MIN_CAPABILITY`].
pub const MAX_CAPABILITY: f64 = 1e12;

/// Largest magnitude of a scale end. Distances and squared distances on wider scales overflow
/// (issue 16: `scale = [-1e308, 1e308]` gave NaN).
pub const MAX_SCALE_MAGNITUDE: f64 = 1e12;

/// Narrowest scale accepted, relative to the size of its ends (and absolute below 1): on a
/// narrower scale the models' tolerances underflow (issue 16: `scale = [0, 1e-320]` made the
/// Nash bisection spin forever).
pub const MIN_SCALE_WIDTH: f64 = 1e-9;

/// Result of validation: the scenario when there was no error, and every finding.
#[derive(Debug)]
pub struct Validated {
    /// `Some` exactly when `findings` holds no error.
    pub scenario: Option<Scenario>,
    /// Errors and warnings, in document order.
    pub findings: Vec<Finding>,
}

/// Validates a deserialised file.
pub fn validate(file: &ScenarioFile) -> Validated {
    let mut v = Checker::default();
    let root = FieldPath::root();

    if let Some(format) = file.format
        && format != FORMAT_VERSION
    {
        v.error(
            root.key("format"),
            format!("unknown format version {format}"),
            format!("this version of detente reads format {FORMAT_VERSION}; set `format = {FORMAT_VERSION}` or remove the key"),
        );
    }

    let meta_path = root.key("scenario");
    if file.scenario.title.trim().is_empty() {
        v.error(
            meta_path.key("title"),
            "the title is empty",
            "give the scenario a short title, e.g. `title = \"Istanbul talks, May 2025\"`",
        );
    }
    let headline = file.scenario.headline.as_deref().and_then(|text| {
        crate::HeadlineWeights::parse(text)
            .map_err(|e| {
                v.error(
                    meta_path.key("headline"),
                    e,
                    "write `headline = \"learnt\"`, `\"equal\"`, `\"none\"` or weights such as `\"compromise=0.6,eum=0.4\"`, or remove the key for the learnt weights",
                );
            })
            .ok()
    });
    let meta = Metadata {
        title: file.scenario.title.clone(),
        date: file.scenario.date.clone(),
        description: file.scenario.description.clone(),
        sources: file.scenario.sources.clone(),
        caveat: file.scenario.caveat.clone(),
        headline,
        headline_why: file.scenario.headline_why.clone(),
    };

    let actors = v.actors(file);
    let ids: BTreeMap<&str, ActorIndex> = file
        .actors
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), ActorIndex(i)))
        .rev() // the first occurrence of a duplicate id wins
        .collect();

    let mut issues = Vec::with_capacity(file.issues.len());
    let mut issue_ids = BTreeSet::new();
    if file.issues.is_empty() {
        v.error(
            root.key("issues"),
            "the scenario has no issues",
            "add at least one `[[issues]]` table with its `[[issues.positions]]`",
        );
    }
    for (i, issue) in file.issues.iter().enumerate() {
        let path = root.key("issues").index(i);
        v.id(&path.key("id"), &issue.id, "issue");
        if !issue_ids.insert(issue.id.as_str()) {
            v.error(
                path.key("id"),
                format!("duplicate issue id `{}`", issue.id),
                "every issue needs its own id; rename one of them",
            );
        }
        if let Some(issue) = v.issue(&path, issue, &ids, &actors) {
            issues.push(issue);
        }
    }

    // Warn about actors that take no position anywhere: usually a forgotten block of positions.
    // (A set, not a search per actor: that was quadratic in a table of thousands of actors.)
    let used: std::collections::HashSet<&str> = file
        .issues
        .iter()
        .flat_map(|issue| issue.positions.iter().map(|p| p.actor.as_str()))
        .collect();
    for (i, actor) in file.actors.iter().enumerate() {
        if !used.contains(actor.id.as_str()) {
            v.warning(
                root.key("actors").index(i).key("id"),
                format!("actor `{}` takes no position on any issue", actor.id),
                "add its `[[issues.positions]]` entries, or remove the actor",
            );
        }
    }

    let spaces = v.spaces(file, &ids);

    let time = file
        .time
        .as_ref()
        .map(|t| v.time(&root.key("time"), t, file, &ids));

    v.findings.extend(crate::text::check(file));

    let ok = !v.has_errors();
    Validated {
        scenario: ok.then(|| Scenario {
            format: file.format.unwrap_or(FORMAT_VERSION),
            meta,
            actors: actors.into_iter().flatten().collect(),
            issues,
            spaces,
            time,
        }),
        findings: v.findings,
    }
}

#[derive(Default)]
struct Checker {
    findings: Vec<Finding>,
}

impl Checker {
    fn error(&mut self, path: FieldPath, message: impl Into<String>, help: impl Into<String>) {
        self.findings.push(Finding::error(path, message, help));
    }

    fn warning(&mut self, path: FieldPath, message: impl Into<String>, help: impl Into<String>) {
        self.findings.push(Finding::warning(path, message, help));
    }

    fn has_errors(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity == crate::diagnostic::Severity::Error)
    }

    fn id(&mut self, path: &FieldPath, id: &str, what: &str) {
        let ok = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            self.error(
                path.clone(),
                format!("invalid {what} id `{id}`"),
                "use letters, digits, '-' and '_' only, e.g. `united-states`",
            );
        }
    }

    /// Checks every actor; the vector keeps one slot per file entry so indices stay aligned.
    fn actors(&mut self, file: &ScenarioFile) -> Vec<Option<Actor>> {
        let root = FieldPath::root().key("actors");
        if file.actors.is_empty() {
            self.error(
                root.clone(),
                "the scenario has no actors",
                "add `[[actors]]` tables with id, name, capability and role",
            );
        }
        let mut seen = BTreeSet::new();
        let mut out = Vec::with_capacity(file.actors.len());
        for (i, a) in file.actors.iter().enumerate() {
            let path = root.index(i);
            self.id(&path.key("id"), &a.id, "actor");
            if !seen.insert(a.id.as_str()) {
                self.error(
                    path.key("id"),
                    format!("duplicate actor id `{}`", a.id),
                    "every actor needs its own id; rename one of them",
                );
            }
            if a.name.trim().is_empty() {
                self.error(
                    path.key("name"),
                    "the name is empty",
                    "give the actor a display name",
                );
            }
            let capability = Capability::new(a.capability)
                .filter(|c| (MIN_CAPABILITY..=MAX_CAPABILITY).contains(&c.get()));
            if Capability::new(a.capability).is_some() && capability.is_none() {
                self.error(
                    path.key("capability"),
                    format!(
                        "capability {} is outside {MIN_CAPABILITY:e}..={MAX_CAPABILITY:e}, where the models' arithmetic stays exact enough",
                        a.capability
                    ),
                    "only ratios between actors matter: rescale every capability, e.g. 100 for the strongest",
                );
            } else if capability.is_none() {
                self.error(
                    path.key("capability"),
                    format!("capability must be a positive number, found {}", a.capability),
                    "use a number greater than 0; only ratios between actors matter, so e.g. 100 for the strongest",
                );
            }
            let role = match a.role {
                RoleFile::Principal => Role::Principal,
                RoleFile::Mediator => Role::Mediator,
                RoleFile::Ally => Role::Ally,
                RoleFile::Observer => Role::Observer,
            };
            out.push(capability.map(|capability| Actor {
                id: a.id.clone(),
                name: a.name.clone(),
                capability,
                role,
                bloc: a.bloc.clone(),
                note: a.note.clone(),
                why: a.why.clone(),
            }));
        }
        out
    }

    fn issue(
        &mut self,
        path: &FieldPath,
        issue: &IssueFile,
        ids: &BTreeMap<&str, ActorIndex>,
        actors: &[Option<Actor>],
    ) -> Option<Issue> {
        if issue.name.trim().is_empty() {
            self.error(
                path.key("name"),
                "the name is empty",
                "give the issue a display name",
            );
        }
        let [min, max] = issue.scale;
        let scale = Scale::new(min, max);
        if scale.is_none() {
            self.error(
                path.key("scale"),
                format!("scale [{min}, {max}] is not a range"),
                "write `scale = [min, max]` with finite numbers and min < max, e.g. `[0, 100]`",
            );
        }
        let scale = scale.filter(|s| self.computable_scale(&path.key("scale"), *s));
        let range_text = format!("[{min}, {max}]");
        let on_scale = |x: f64| scale.is_some_and(|s| s.contains(x));

        if scale.is_some() && !on_scale(issue.status_quo) {
            self.error(
                path.key("status_quo"),
                format!(
                    "status quo {} is outside the scale {range_text}",
                    issue.status_quo
                ),
                format!("put the status quo within {range_text}"),
            );
        }

        let decision_rule = match (issue.decision_rule.unwrap_or_default(), issue.quota) {
            (DecisionRuleFile::UnanimityOfPrincipals, None) => {
                Some(DecisionRule::UnanimityOfPrincipals)
            }
            (DecisionRuleFile::Unanimity, None) => Some(DecisionRule::Unanimity),
            (DecisionRuleFile::WeightedMajority, quota) => {
                let quota = quota.unwrap_or(0.5);
                if quota.is_finite() && quota > 0.0 && quota <= 1.0 {
                    Some(DecisionRule::WeightedMajority { quota })
                } else {
                    self.error(
                        path.key("quota"),
                        format!("quota {quota} is outside (0, 1]"),
                        "give the share of capability a winning coalition must exceed, e.g. 0.5 or 0.66",
                    );
                    None
                }
            }
            (_, Some(_)) => {
                self.error(
                    path.key("quota"),
                    "`quota` only applies to `decision_rule = \"weighted-majority\"`",
                    "remove `quota`, or set `decision_rule = \"weighted-majority\"`",
                );
                None
            }
        };

        let mut anchors = Vec::with_capacity(issue.anchors.len());
        for (k, anchor) in issue.anchors.iter().enumerate() {
            if scale.is_some() && !on_scale(anchor.at) {
                self.error(
                    path.key("anchors").index(k).key("at"),
                    format!("anchor at {} is outside the scale {range_text}", anchor.at),
                    format!("place the anchor within {range_text}"),
                );
            }
            anchors.push(Anchor {
                at: anchor.at,
                label: anchor.label.clone(),
            });
        }
        anchors.sort_by(|a, b| a.at.total_cmp(&b.at));

        let mut positions = Vec::with_capacity(issue.positions.len());
        let mut seen = BTreeMap::new();
        for (k, p) in issue.positions.iter().enumerate() {
            let ppath = path.key("positions").index(k);
            let actor = ids.get(p.actor.as_str()).copied();
            match actor {
                None => {
                    self.error(
                        ppath.key("actor"),
                        format!("unknown actor `{}`", p.actor),
                        format!(
                            "use the id of an actor declared under [[actors]]: {}",
                            if ids.is_empty() {
                                "none is declared yet".to_owned()
                            } else {
                                known_list(ids.keys().copied())
                            }
                        ),
                    );
                }
                Some(index) => {
                    if let Some(first) = seen.insert(index, k) {
                        self.error(
                            ppath.key("actor"),
                            format!(
                                "actor `{}` has two positions on issue `{}` (entries {first} and {k})",
                                p.actor, issue.id
                            ),
                            "keep one position per actor and issue; merge or delete the other",
                        );
                    }
                }
            }
            if let Some(position) = self.position(&ppath, p, scale, &range_text)
                && let Some(index) = actor
                && actors.get(index.0).is_some_and(Option::is_some)
            {
                positions.push(Position {
                    actor: index,
                    ..position
                });
            }
        }

        if issue.positions.len() < 2 {
            self.error(
                path.key("positions"),
                format!(
                    "issue `{}` has {} position{}; a negotiation needs at least two actors",
                    issue.id,
                    issue.positions.len(),
                    if issue.positions.len() == 1 { "" } else { "s" }
                ),
                "add `[[issues.positions]]` for at least two actors, or remove the issue",
            );
        }
        self.issue_warnings(path, issue, actors, ids);

        Some(Issue {
            id: issue.id.clone(),
            name: issue.name.clone(),
            scale: scale?,
            status_quo: issue.status_quo,
            status_quo_why: issue.status_quo_why.clone(),
            decision_rule: decision_rule?,
            procedural: issue.procedural,
            note: issue.note.clone(),
            anchors,
            positions,
        })
    }

    /// Whether the models can compute on `scale` (see [`MAX_SCALE_MAGNITUDE`] and
    /// [`MIN_SCALE_WIDTH`]); reports it when not.
    fn computable_scale(&mut self, path: &FieldPath, scale: Scale) -> bool {
        let (min, max) = (scale.min(), scale.max());
        let size = min.abs().max(max.abs());
        if size > MAX_SCALE_MAGNITUDE {
            self.error(
                path.clone(),
                format!("scale [{min}, {max}] reaches beyond ±{MAX_SCALE_MAGNITUDE:e}"),
                "rescale the issue, e.g. to `[0, 100]`: only relative places on the scale matter to the models",
            );
            return false;
        }
        if scale.width() < MIN_SCALE_WIDTH * size.max(1.0) {
            self.error(
                path.clone(),
                format!(
                    "scale [{min}, {max}] is narrower than {MIN_SCALE_WIDTH:e} of its size, too narrow to compute on"
                ),
                "rescale the issue, e.g. to `[0, 100]`: only relative places on the scale matter to the models",
            );
            return false;
        }
        true
    }

    /// Checks one position; the returned value has a placeholder actor the caller fills in.
    fn position(
        &mut self,
        path: &FieldPath,
        p: &PositionFile,
        scale: Option<Scale>,
        range_text: &str,
    ) -> Option<Position> {
        let mut ok = true;
        if let Some(scale) = scale
            && !scale.contains(p.position)
        {
            ok = false;
            self.error(
                path.key("position"),
                format!("position {} is outside the scale {range_text}", p.position),
                format!("put the position within {range_text}"),
            );
        }
        let salience = Salience::new(p.salience);
        if salience.is_none() {
            let hint = if p.salience > 1.0 && p.salience <= 100.0 {
                format!(
                    "salience runs from 0 to 1; on a 0-100 scale this would be {}",
                    p.salience / 100.0
                )
            } else {
                "salience runs from 0 (does not care) to 1 (nothing matters more)".to_owned()
            };
            self.error(
                path.key("salience"),
                format!("salience {} is outside 0..=1", p.salience),
                hint,
            );
        }
        let uncertainty = match (p.sd, p.range) {
            (Some(_), Some(_)) => {
                ok = false;
                self.error(
                    path.key("range"),
                    "both `sd` and `range` are given",
                    "describe the uncertainty one way: keep either `sd` or `range`",
                );
                None
            }
            (Some(sd), None) => {
                if !(sd.is_finite() && sd >= 0.0) {
                    ok = false;
                    self.error(
                        path.key("sd"),
                        format!("standard deviation {sd} is not a non-negative number"),
                        "give `sd` as a distance on the scale, 0 or more",
                    );
                }
                Some(Uncertainty::Sd(sd))
            }
            (None, Some([low, high])) => {
                let inside = scale.is_none_or(|s| s.contains(low) && s.contains(high));
                if !(low <= high && inside) {
                    ok = false;
                    self.error(
                        path.key("range"),
                        format!("range [{low}, {high}] is not an interval within {range_text}"),
                        format!(
                            "write `range = [low, high]` with low <= high, both within {range_text}"
                        ),
                    );
                } else if !(low <= p.position && p.position <= high) {
                    self.warning(
                        path.key("range"),
                        format!(
                            "range [{low}, {high}] does not contain the position {}",
                            p.position
                        ),
                        "widen the range to include the position, or move the position",
                    );
                }
                Some(Uncertainty::Range(low, high))
            }
            (None, None) => None,
        };
        if p.why.as_deref().is_none_or(|w| w.trim().is_empty()) {
            self.warning(
                path.key("actor"),
                format!("position of `{}` has no `why`", p.actor),
                "add `why = \"...\"` citing the source or calling it a judgement, so reviewers can check it",
            );
        }
        Some(Position {
            actor: ActorIndex(usize::MAX),
            // Adding +0.0 turns -0.0 into 0.0: the two zeros are one place on a scale, and
            // code that sorts by `total_cmp` would otherwise tell them apart (issue 16).
            position: p.position + 0.0,
            salience: salience?,
            uncertainty,
            why: p.why.clone(),
        })
        .filter(|_| ok)
    }

    fn issue_warnings(
        &mut self,
        path: &FieldPath,
        issue: &IssueFile,
        actors: &[Option<Actor>],
        ids: &BTreeMap<&str, ActorIndex>,
    ) {
        if issue.positions.len() < 2 {
            return;
        }
        // Every model weighs actors by capability × salience; when the weights sum to nothing
        // (all saliences 0, or so small the products underflow) no weighted forecast exists
        // (issue 16: "mean NaN"), so this is an error, not a warning.
        let total_weight: f64 = issue
            .positions
            .iter()
            .filter_map(|p| {
                let actor = ids.get(p.actor.as_str())?;
                let capability = actors.get(actor.0)?.as_ref()?.capability.get();
                Some(capability * p.salience)
            })
            .filter(|w| w.is_finite() && *w >= 0.0)
            .sum();
        let saliences_ok = issue
            .positions
            .iter()
            .all(|p| Salience::new(p.salience).is_some());
        let actors_ok = issue.positions.iter().all(|p| {
            ids.get(p.actor.as_str())
                .and_then(|i| actors.get(i.0))
                .is_some_and(Option::is_some)
        });
        if saliences_ok && actors_ok && total_weight <= 0.0 {
            self.error(
                path.key("positions"),
                format!(
                    "every salience on issue `{}` is 0 (or too small to weigh), so no weighted forecast exists",
                    issue.id
                ),
                "give the actors who care about this issue a salience above 0, or remove the issue",
            );
        }
        let first = issue.positions[0].position;
        if issue.positions.iter().all(|p| p.position == first) {
            self.warning(
                path.key("positions"),
                format!(
                    "every actor on issue `{}` holds the same position {first}",
                    issue.id
                ),
                "there is nothing to negotiate; check the positions",
            );
        }
        if issue.decision_rule.unwrap_or_default() == DecisionRuleFile::UnanimityOfPrincipals {
            let has_principal = issue.positions.iter().any(|p| {
                ids.get(p.actor.as_str())
                    .and_then(|i| actors.get(i.0))
                    .and_then(Option::as_ref)
                    .is_some_and(|a| a.role == Role::Principal)
            });
            if !has_principal {
                self.warning(
                    path.key("decision_rule"),
                    format!(
                        "issue `{}` is decided by unanimity of principals, but no principal takes a position",
                        issue.id
                    ),
                    "give a principal a position, or choose another `decision_rule`",
                );
            }
        }
    }

    /// Checks `[time]`. The returned value is only used when no error was found anywhere.
    fn time(
        &mut self,
        path: &FieldPath,
        time: &TimeFile,
        file: &ScenarioFile,
        actor_ids: &BTreeMap<&str, ActorIndex>,
    ) -> Time {
        let issue_ids: BTreeMap<&str, IssueIndex> = file
            .issues
            .iter()
            .enumerate()
            .map(|(i, issue)| (issue.id.as_str(), IssueIndex(i)))
            .rev()
            .collect();
        let refs = Refs {
            issues: &issue_ids,
            actors: actor_ids,
            file,
        };

        let horizon = match time.horizon {
            None => DEFAULT_HORIZON,
            Some(h) if h >= 1 && h <= i64::from(MAX_HORIZON) => h as u32,
            Some(h) => {
                self.error(
                    path.key("horizon"),
                    if h < 0 {
                        format!("horizon {h} is a negative number of months")
                    } else {
                        format!("horizon {h} is outside 1..={MAX_HORIZON} months")
                    },
                    format!("give the number of months to look ahead, from 1 to {MAX_HORIZON}, e.g. `horizon = 24`"),
                );
                DEFAULT_HORIZON
            }
        };

        let mut drift = Vec::new();
        let mut drifting = BTreeMap::new();
        for (k, d) in time.drift.iter().enumerate() {
            let dpath = path.key("drift").index(k);
            let Some((issue, scale)) = self.issue_ref(&dpath.key("issue"), &d.issue, &refs) else {
                continue;
            };
            if let Some(first) = drifting.insert(issue, k) {
                self.error(
                    dpath.key("issue"),
                    format!(
                        "issue `{}` has two drift entries ({first} and {k})",
                        d.issue
                    ),
                    "keep one `[[time.drift]]` per issue; to change the rate later, use a lever with `kind = \"drift-rate\"`",
                );
            }
            let mut ok = self.scale_step(&dpath.key("per_month"), d.per_month, scale, "drift");
            ok &= self.drift_sd(&dpath.key("sd"), d.sd, scale);
            if let Some(cap) = d.cap
                && let Some(scale) = scale
            {
                if !scale.contains(cap) {
                    ok = false;
                    self.error(
                        dpath.key("cap"),
                        format!(
                            "cap {cap} is outside the scale [{}, {}]",
                            scale.min(),
                            scale.max()
                        ),
                        "put the cap, the point where drift stops, on the issue's scale",
                    );
                } else if let Some(sq) = file.issues.get(issue.0).map(|i| i.status_quo) {
                    let behind =
                        (d.per_month > 0.0 && cap <= sq) || (d.per_month < 0.0 && cap >= sq);
                    if behind {
                        self.warning(
                            dpath.key("cap"),
                            format!(
                                "cap {cap} is not ahead of the status quo {sq} in the direction of drift, so the issue never drifts"
                            ),
                            "move the cap beyond the status quo in the direction of `per_month`, or remove the drift",
                        );
                    }
                }
            }
            self.why_warning(
                &dpath.key("issue"),
                d.why.as_deref(),
                &format!("drift of `{}`", d.issue),
            );
            if ok {
                drift.push(Drift {
                    issue,
                    per_month: d.per_month,
                    cap: d.cap,
                    sd: d.sd.unwrap_or(0.0),
                    why: d.why.clone(),
                });
            }
        }

        let mut actors = Vec::new();
        let mut seen = BTreeMap::new();
        for (k, a) in time.actors.iter().enumerate() {
            let apath = path.key("actors").index(k);
            let Some(actor) = self.actor_ref(&apath.key("actor"), &a.actor, &refs) else {
                continue;
            };
            if let Some(first) = seen.insert(actor, k) {
                self.error(
                    apath.key("actor"),
                    format!("actor `{}` has two time entries ({first} and {k})", a.actor),
                    "keep one `[[time.actors]]` per actor; to change its cost later, use a lever with `kind = \"add-cost\"`",
                );
            }
            let cost = a.cost_per_month.unwrap_or(0.0);
            let mut ok = true;
            if !(cost.is_finite() && (0.0..=1.0).contains(&cost)) {
                ok = false;
                self.error(
                    apath.key("cost_per_month"),
                    format!("monthly cost {cost} is outside 0..=1 utility points"),
                    "give the utility an actor loses per month without a deal, in the units of package utilities (0 = nothing, 1 = the whole range from worst to best package), e.g. 0.01",
                );
            }
            let discount = a.discount.unwrap_or(1.0);
            if !(discount.is_finite() && discount > 0.0 && discount <= 1.0) {
                ok = false;
                self.error(
                    apath.key("discount"),
                    format!("discount factor {discount} is outside (0, 1]"),
                    "give the value of a deal one month later relative to now, e.g. 0.98; 1 means no impatience",
                );
            }
            if a.cost_per_month.is_none() && a.discount.is_none() {
                self.warning(
                    apath.key("actor"),
                    format!(
                        "time entry of `{}` gives neither `cost_per_month` nor `discount`",
                        a.actor
                    ),
                    "add `cost_per_month` or `discount`, or remove the entry",
                );
            }
            self.why_warning(
                &apath.key("actor"),
                a.why.as_deref(),
                &format!("time entry of `{}`", a.actor),
            );
            if ok {
                actors.push(ActorTime {
                    actor,
                    cost_per_month: cost,
                    discount,
                    why: a.why.clone(),
                });
            }
        }

        let mut levers = Vec::new();
        let mut lever_ids = BTreeSet::new();
        for (k, l) in time.levers.iter().enumerate() {
            let lpath = path.key("levers").index(k);
            self.id(&lpath.key("id"), &l.id, "lever");
            if !lever_ids.insert(l.id.as_str()) {
                self.error(
                    lpath.key("id"),
                    format!("duplicate lever id `{}`", l.id),
                    "every lever needs its own id; rename one of them",
                );
            }
            if l.name.trim().is_empty() {
                self.error(
                    lpath.key("name"),
                    "the name is empty",
                    "give the lever a display name, e.g. \"New EU sanctions\"",
                );
            }
            if l.effects.is_empty() {
                self.error(
                    lpath.key("id"),
                    format!("lever `{}` has no effects", l.id),
                    "add at least one `[[time.levers.effects]]` with a `kind`",
                );
            }
            self.why_warning(
                &lpath.key("id"),
                l.why.as_deref(),
                &format!("lever `{}`", l.id),
            );
            let effects: Vec<Effect> = l
                .effects
                .iter()
                .enumerate()
                .filter_map(|(e, effect)| {
                    self.effect(&lpath.key("effects").index(e), effect, &refs, horizon)
                })
                .collect();
            levers.push(Lever {
                id: l.id.clone(),
                name: l.name.clone(),
                why: l.why.clone(),
                effects,
            });
        }

        let fighting = self.fighting(path, time, &refs);
        Time {
            horizon,
            horizon_why: time.horizon_why.clone(),
            drift,
            actors,
            levers,
            lookahead: fighting.lookahead,
            beliefs: fighting.beliefs,
            audience_costs: fighting.audience_costs,
            enforcement: fighting.enforcement,
            victory: fighting.victory,
            decisive: fighting.decisive,
            events: self.events(path, time, &refs, horizon),
            vetoes: fighting.vetoes,
        }
    }

    fn effect(
        &mut self,
        path: &FieldPath,
        e: &EffectFile,
        refs: &Refs<'_>,
        horizon: u32,
    ) -> Option<Effect> {
        let mut ok = true;
        let mut month = |this: &mut Self, key: &str, value: Option<i64>| -> Option<u32> {
            let value = value?;
            if value < 0 {
                ok = false;
                this.error(
                    path.key(key),
                    format!("month {value} is negative"),
                    "months count from 0, the month of the scenario's date; use 0 or more",
                );
                None
            } else if value > i64::from(MAX_HORIZON) {
                ok = false;
                this.error(
                    path.key(key),
                    format!("month {value} is beyond the longest horizon, {MAX_HORIZON}"),
                    format!("use a month from 0 to {MAX_HORIZON}"),
                );
                None
            } else {
                Some(value as u32)
            }
        };
        let from = month(self, "from", e.from).unwrap_or(0);
        let until = month(self, "until", e.until);
        if let Some(until) = until
            && until <= from
        {
            ok = false;
            self.error(
                path.key("until"),
                format!("`until` (month {until}) is not after `from` (month {from})"),
                "`until` is the first month the effect no longer holds; make it larger than `from`, or remove it",
            );
        }
        if ok && from > horizon {
            self.warning(
                path.key("from"),
                format!("the effect starts in month {from}, after the horizon of {horizon} months"),
                "move `from` within the horizon, or lengthen `[time] horizon`",
            );
        }

        let kind_name = match e.kind {
            EffectKindFile::StopDrift => "stop-drift",
            EffectKindFile::DriftRate => "drift-rate",
            EffectKindFile::AddCost => "add-cost",
            EffectKindFile::ScaleCapability => "scale-capability",
            EffectKindFile::MoveStatusQuo => "move-status-quo",
            EffectKindFile::ShiftBelief => "shift-belief",
            EffectKindFile::StopLearning => "stop-learning",
            EffectKindFile::ScaleAudienceCost => "scale-audience-cost",
            EffectKindFile::ShiftEnforcement => "shift-enforcement",
            EffectKindFile::ScaleVictory => "scale-victory",
        };
        // Which keys each kind reads; a key given to a kind that ignores it is an error, so a
        // misplaced number never passes silently.
        let (needs_issue, needs_actor, uses): (bool, bool, &[&str]) = match e.kind {
            EffectKindFile::StopDrift => (false, false, &["issue"]),
            EffectKindFile::DriftRate => (true, false, &["issue", "per_month"]),
            EffectKindFile::AddCost => (false, true, &["actor", "per_month"]),
            EffectKindFile::ScaleCapability => (false, true, &["actor", "factor"]),
            EffectKindFile::MoveStatusQuo => (true, false, &["issue", "points"]),
            EffectKindFile::ShiftBelief => (true, true, &["actor", "issue", "per_month"]),
            EffectKindFile::StopLearning => (false, false, &["issue"]),
            EffectKindFile::ScaleAudienceCost => (false, true, &["actor", "issue", "factor"]),
            EffectKindFile::ShiftEnforcement => (false, false, &["probability"]),
            EffectKindFile::ScaleVictory => (false, true, &["actor", "factor"]),
        };
        let given: [(&str, bool); 6] = [
            ("issue", e.issue.is_some()),
            ("actor", e.actor.is_some()),
            ("per_month", e.per_month.is_some()),
            ("factor", e.factor.is_some()),
            ("points", e.points.is_some()),
            ("probability", e.probability.is_some()),
        ];
        for (key, present) in given {
            if present && !uses.contains(&key) {
                ok = false;
                self.error(
                    path.key(key),
                    format!("`{key}` does not apply to an effect of kind `{kind_name}`"),
                    format!(
                        "an effect of kind `{kind_name}` reads {}; remove `{key}` or change `kind`",
                        uses.iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
        }
        for key in uses {
            let present = given.iter().any(|(k, p)| k == key && *p);
            let required = match *key {
                "issue" => needs_issue,
                "actor" => needs_actor,
                _ => true,
            };
            if required && !present {
                ok = false;
                self.error(
                    path.key("kind"),
                    format!("an effect of kind `{kind_name}` needs `{key}`"),
                    format!("add `{key} = ...` to this effect"),
                );
            }
        }
        if e.kind == EffectKindFile::MoveStatusQuo && e.until.is_some() {
            ok = false;
            self.error(
                path.key("until"),
                "a `move-status-quo` effect is a one-time move at month `from` and has no end",
                "remove `until`; to undo the move later, add a second effect with the opposite `points`",
            );
        }

        let issue = match &e.issue {
            Some(id) => match self.issue_ref(&path.key("issue"), id, refs) {
                Some(found) => Some(found),
                None => {
                    ok = false;
                    None
                }
            },
            None => None,
        };
        let actor = match &e.actor {
            Some(id) => {
                let found = self.actor_ref(&path.key("actor"), id, refs);
                ok &= found.is_some();
                found
            }
            None => None,
        };
        let scale = issue.and_then(|(_, s)| s);
        if let Some(x) = e.per_month {
            match e.kind {
                EffectKindFile::DriftRate | EffectKindFile::ShiftBelief => {
                    ok &= self.scale_step(&path.key("per_month"), x, scale, "drift")
                }
                EffectKindFile::AddCost if !(x.is_finite() && (-1.0..=1.0).contains(&x)) => {
                    ok = false;
                    self.error(
                        path.key("per_month"),
                        format!("added monthly cost {x} is outside -1..=1 utility points"),
                        "give the change in utility lost per month, e.g. 0.01 (a negative value lowers the cost)",
                    );
                }
                _ => {}
            }
        }
        if let Some(f) = e.factor
            && e.kind == EffectKindFile::ScaleAudienceCost
        {
            ok &= self.audience_factor(&path.key("factor"), f);
        } else if let Some(f) = e.factor
            && e.kind == EffectKindFile::ScaleVictory
        {
            ok &= self.victory_factor(&path.key("factor"), f);
        } else if let Some(f) = e.factor
            && !(f.is_finite() && f > 0.0)
        {
            ok = false;
            self.error(
                path.key("factor"),
                format!("capability factor {f} is not a positive number"),
                "give a multiplier greater than 0, e.g. 0.8 for a fifth less capability",
            );
        }
        if let Some(p) = e.points {
            ok &= self.scale_step(&path.key("points"), p, scale, "move");
        }
        if let Some(p) = e.probability {
            ok &= self.probability_change(&path.key("probability"), p);
        }
        if !ok {
            return None;
        }
        let kind = match e.kind {
            EffectKindFile::StopDrift => EffectKind::StopDrift {
                issue: issue.map(|(i, _)| i),
            },
            EffectKindFile::DriftRate => EffectKind::DriftRate {
                issue: issue?.0,
                per_month: e.per_month?,
            },
            EffectKindFile::AddCost => EffectKind::AddCost {
                actor: actor?,
                per_month: e.per_month?,
            },
            EffectKindFile::ScaleCapability => EffectKind::ScaleCapability {
                actor: actor?,
                factor: e.factor?,
            },
            EffectKindFile::MoveStatusQuo => EffectKind::MoveStatusQuo {
                issue: issue?.0,
                points: e.points?,
            },
            EffectKindFile::ShiftBelief => EffectKind::ShiftBelief {
                actor: actor?,
                issue: issue?.0,
                per_month: e.per_month?,
            },
            EffectKindFile::StopLearning => EffectKind::StopLearning {
                issue: issue.map(|(i, _)| i),
            },
            EffectKindFile::ScaleAudienceCost => EffectKind::ScaleAudienceCost {
                actor: actor?,
                issue: issue.map(|(i, _)| i),
                factor: e.factor?,
            },
            EffectKindFile::ShiftEnforcement => EffectKind::ShiftEnforcement {
                probability: e.probability?,
            },
            EffectKindFile::ScaleVictory => EffectKind::ScaleVictory {
                actor: actor?,
                factor: e.factor?,
            },
        };
        Some(Effect { from, until, kind })
    }

    /// Resolves an issue id in `[time]`, reporting an unknown one.
    fn issue_ref(
        &mut self,
        path: &FieldPath,
        id: &str,
        refs: &Refs<'_>,
    ) -> Option<(IssueIndex, Option<Scale>)> {
        match refs.issues.get(id) {
            Some(&index) => {
                let scale = refs
                    .file
                    .issues
                    .get(index.0)
                    .and_then(|i| Scale::new(i.scale[0], i.scale[1]));
                Some((index, scale))
            }
            None => {
                let known: Vec<&str> = refs.issues.keys().copied().collect();
                self.error(
                    path.clone(),
                    format!("unknown issue `{id}`"),
                    format!(
                        "use the id of an issue declared under [[issues]]: {}",
                        known.join(", ")
                    ),
                );
                None
            }
        }
    }

    /// Resolves an actor id in `[time]`, reporting an unknown one.
    fn actor_ref(&mut self, path: &FieldPath, id: &str, refs: &Refs<'_>) -> Option<ActorIndex> {
        let found = refs.actors.get(id).copied();
        if found.is_none() {
            let known: Vec<&str> = refs.actors.keys().copied().collect();
            self.error(
                path.clone(),
                format!("unknown actor `{id}`"),
                format!(
                    "use the id of an actor declared under [[actors]]: {}",
                    known.join(", ")
                ),
            );
        }
        found
    }

    /// Checks a signed distance on an issue's scale (a drift rate or a move): finite and no
    /// longer than the scale is wide.
    fn scale_step(&mut self, path: &FieldPath, x: f64, scale: Option<Scale>, what: &str) -> bool {
        let width = scale.map_or(f64::INFINITY, Scale::width);
        if x.is_finite() && x.abs() <= width {
            return true;
        }
        self.error(
            path.clone(),
            format!("{what} of {x} scale points is not a number within the scale's width ({width})"),
            format!("give a signed number of scale points between -{width} and {width}; positive moves up the scale"),
        );
        false
    }

    fn why_warning(&mut self, path: &FieldPath, why: Option<&str>, what: &str) {
        if why.is_none_or(|w| w.trim().is_empty()) {
            self.warning(
                path.clone(),
                format!("{what} has no `why`"),
                "add `why = \"...\"` citing the source or calling it a judgement, so reviewers can check it",
            );
        }
    }
}

/// Id lookups for `[time]`.
struct Refs<'a> {
    issues: &'a BTreeMap<&'a str, IssueIndex>,
    actors: &'a BTreeMap<&'a str, ActorIndex>,
    file: &'a ScenarioFile,
}

/// At most 20 ids, comma-separated, then how many more: a help line stays short however many
/// actors a file declares (and a file with many unknown references stays linear to check).
fn known_list<'a>(ids: impl ExactSizeIterator<Item = &'a str>) -> String {
    const SHOWN: usize = 20;
    let total = ids.len();
    let mut text = ids.take(SHOWN).collect::<Vec<_>>().join(", ");
    if total > SHOWN {
        text.push_str(&format!(" and {} more", total - SHOWN));
    }
    text
}
