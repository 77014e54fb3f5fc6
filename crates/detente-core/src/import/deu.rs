//! The DEU data on legislative decision-making in the European Union (Thomson et al. 2006; DEU III,
//! Arregui & Perarnaud 2021), in the tab-separated layout of the `blksv/predictioneers_game`
//! replication: one row per contested issue with every actor's position and salience, the
//! reference point, the Council's voting rule and the outcome.
//!
//! The file holds many issues, each a negotiation of its own, so [`parse_deu`] returns the rows as
//! [`DeuData`] and [`DeuIssue::scenario`] turns one issue into a validated [`Scenario`] with the
//! capabilities the caller chooses. Conventions, each a documented option or note:
//! - an empty position means the actor took no position and is absent from the scenario;
//! - saliences run 0..100 in the file and are divided by 100; a position whose salience is empty
//!   gets salience 0 (the convention of the public replication that reports a compromise-model
//!   error of 23.2), counted in [`DeuData::notes`];
//! - `rp` (the reference point) becomes the status quo; when it is empty, the status quo is set by
//!   [`MissingReference`];
//! - `counvte` `QMV` and `QMV(10)` become a weighted majority with [`DeuScenarioOptions::qmv_quota`],
//!   `Unan` becomes unanimity of principals; member states are principals, the Commission and
//!   the Parliament per [`DeuScenarioOptions`] (by default the Parliament holds a veto under
//!   co-decision `COD` only, the Commission none).
//!
//! References: Arregui, J. & Perarnaud, C. (2021), "A new dataset on legislative decision-making
//! in the European Union: the DEU III dataset", *Journal of European Public Policy*, data
//! doi:10.34810/data53. Thomson, R., Stokman, F. N., Achen, C. H. & König, T. (eds.) (2006),
//! *The European Union Decides*, Cambridge University Press.

use crate::diagnostic::{FieldPath, Finding, ScenarioError, Source};
use crate::file::{
    ActorFile, DecisionRuleFile, IssueFile, MetaFile, PositionFile, RoleFile, ScenarioFile,
};
use crate::parse::MAX_SCENARIO_BYTES;
use crate::scenario::Scenario;
use crate::validate::validate;

use super::path_of;

/// The actors of the DEU file: column suffix and display name, in the file's order.
pub const DEU_ACTORS: [(&str, &str); 30] = [
    ("com", "European Commission"),
    ("ep", "European Parliament"),
    ("at", "Austria"),
    ("be", "Belgium"),
    ("bu", "Bulgaria"),
    ("cr", "Croatia"),
    ("cy", "Cyprus"),
    ("cz", "Czech Republic"),
    ("dk", "Denmark"),
    ("ee", "Estonia"),
    ("fi", "Finland"),
    ("fr", "France"),
    ("de", "Germany"),
    ("el", "Greece"),
    ("hu", "Hungary"),
    ("ie", "Ireland"),
    ("it", "Italy"),
    ("lv", "Latvia"),
    ("lt", "Lithuania"),
    ("lu", "Luxembourg"),
    ("mt", "Malta"),
    ("nl", "Netherlands"),
    ("pl", "Poland"),
    ("pt", "Portugal"),
    ("ro", "Romania"),
    ("si", "Slovenia"),
    ("sk", "Slovakia"),
    ("es", "Spain"),
    ("se", "Sweden"),
    ("uk", "United Kingdom"),
];

/// Which institution an actor is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeuActorKind {
    /// The European Commission (proposes).
    Commission,
    /// The European Parliament (co-legislator under co-decision).
    Parliament,
    /// A member state in the Council.
    MemberState,
}

/// One actor column pair of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct DeuActor {
    /// Column suffix, e.g. `de`; used as the actor id.
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Institution.
    pub kind: DeuActorKind,
    /// The GDP-like capability of the file's second line.
    pub gdp: f64,
}

/// The Council's voting rule on an issue (`counvte`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CouncilRule {
    /// Qualified majority (`QMV`, `QMV(10)`).
    QualifiedMajority,
    /// Unanimity (`Unan`).
    Unanimity,
}

impl CouncilRule {
    /// Short lowercase name for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::QualifiedMajority => "qmv",
            Self::Unanimity => "unanimity",
        }
    }
}

/// The legislative procedure (`proc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Procedure {
    /// Co-decision (`COD`): the Parliament must approve.
    Codecision,
    /// Consultation (`CNS`): the Parliament gives an opinion.
    Consultation,
}

/// A calendar date from the `intro` column (`dd-mm-yy`, years 90..99 in the 1900s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DeuDate {
    /// Four-digit year.
    pub year: i32,
    /// Month 1..=12.
    pub month: u32,
    /// Day 1..=31.
    pub day: u32,
}

/// One actor's stance on one issue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeuStance {
    /// Index into [`DeuData::actors`].
    pub actor: usize,
    /// Position, 0..=100.
    pub position: f64,
    /// Salience, 0..=1 (the file's 0..100 divided by 100; 0 when the file leaves it empty).
    pub salience: f64,
}

/// One row of the file: one contested issue.
#[derive(Debug, Clone, PartialEq)]
pub struct DeuIssue {
    /// Line of the file.
    pub line: usize,
    /// Proposal id (`prnr`), shared by the issues of one legislative proposal.
    pub proposal: String,
    /// Proposal short name (`prname`).
    pub proposal_name: String,
    /// Issue id (`isnr`).
    pub id: String,
    /// Council voting rule.
    pub council_rule: CouncilRule,
    /// Legislative procedure.
    pub procedure: Procedure,
    /// When the Commission introduced the proposal, if the cell is a date.
    pub introduced: Option<DeuDate>,
    /// The actors that took a position, in column order.
    pub stances: Vec<DeuStance>,
    /// The reference point (status quo), 0..=100, if coded.
    pub reference_point: Option<f64>,
    /// The outcome, 0..=100, if known.
    pub outcome: Option<f64>,
}

/// The whole file.
#[derive(Debug, Clone, PartialEq)]
pub struct DeuData {
    /// The 30 actors, in [`DEU_ACTORS`] order.
    pub actors: Vec<DeuActor>,
    /// Every issue row, in file order.
    pub issues: Vec<DeuIssue>,
    /// What the importer assumed, one sentence each.
    pub notes: Vec<String>,
}

/// What status quo an issue without a coded reference point gets in its scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingReference {
    /// The unweighted mean of the positions (the convention that reproduces the reference-point
    /// error of 43.1 reported beside the bundled data).
    #[default]
    MeanOfPositions,
    /// The middle of the scale, 50.
    Midpoint,
}

/// How an issue becomes a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct DeuScenarioOptions {
    /// Capability of each actor, in [`DeuData::actors`] order; `None` leaves the actor out of the
    /// scenario (e.g. the Commission when institutions are excluded). Values must be positive.
    pub capabilities: Vec<Option<f64>>,
    /// Status quo when `rp` is empty.
    pub missing_reference: MissingReference,
    /// Quota of the weighted-majority rule written for QMV issues (share of capability that a
    /// winning coalition must exceed); 255/345 is the Nice-Treaty threshold of the EU-27.
    pub qmv_quota: f64,
    /// Whether the Commission holds a veto (is a principal) on every issue.
    pub commission_veto: bool,
    /// Whether the Parliament holds a veto under co-decision.
    pub parliament_veto_codecision: bool,
    /// Whether the Parliament holds a veto under consultation.
    pub parliament_veto_consultation: bool,
}

impl Default for DeuScenarioOptions {
    fn default() -> Self {
        Self {
            capabilities: Vec::new(),
            missing_reference: MissingReference::default(),
            qmv_quota: 255.0 / 345.0,
            commission_veto: false,
            parliament_veto_codecision: true,
            parliament_veto_consultation: false,
        }
    }
}

const REQUIRED: [&str; 8] = [
    "prnr", "prname", "isnr", "counvte", "proc", "intro", "rp", "out",
];

/// Reads a DEU file (the contents of the file called `name`).
///
/// # Errors
/// A [`ScenarioError`] naming each offending cell (`row N, column X`, N the line of the file)
/// with its fix: a missing column, a non-numeric or out-of-range position, salience, reference
/// point or outcome, an unknown voting rule or procedure, a bad GDP value.
pub fn parse_deu(name: &str, text: &str) -> Result<DeuData, ScenarioError> {
    let source = Source::new(name, text);
    let fail = |findings: Vec<Finding>| ScenarioError::new(&source, findings);
    if text.len() > MAX_SCENARIO_BYTES {
        return Err(fail(vec![Finding::error(
            FieldPath::root(),
            format!(
                "the file is {} bytes, over the limit of {MAX_SCENARIO_BYTES}",
                text.len()
            ),
            "the DEU III file is under 100 kB; check that this is the right file",
        )]));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, split(l)))
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()));
    let Some((header_line, header)) = lines.next() else {
        return Err(fail(vec![Finding::error(
            FieldPath::root(),
            "the file is empty",
            "give the DEU table: a header line, a GDP line, then one line per issue",
        )]));
    };
    let column = |name: &str| header.iter().position(|h| h == name);
    // A first line with no tab and none of the DEU columns is another kind of file (a scenario,
    // a comma CSV): one message saying so beats one error per missing column (issue 16: 38).
    let known = REQUIRED.iter().filter(|n| column(n).is_some()).count()
        + DEU_ACTORS
            .iter()
            .filter(|(id, _)| column(&format!("p{id}")).is_some())
            .count();
    if known == 0 && header.len() < 2 {
        return Err(fail(vec![Finding::error(
            path_of(header_line, None),
            "this is not a DEU file: its first line names none of the DEU columns (prnr, prname, isnr, ..., pcom, scom, ...)",
            "give the tab-separated DEU III table (data/deu3/deu3.tsv); scenarios go to `detente forecast`, other CSVs through `detente import`",
        )]));
    }
    let mut findings = Vec::new();
    for name in REQUIRED {
        if column(name).is_none() {
            findings.push(Finding::error(
                path_of(header_line, None),
                format!("the header has no `{name}` column"),
                "the header must name prnr, prname, isnr, counvte, proc, intro, rp, out and a p<actor>/s<actor> pair per actor (pcom, scom, pep, sep, pat, sat, ...)",
            ));
        }
    }
    let mut actor_cols = Vec::new();
    for (id, _) in DEU_ACTORS {
        match (column(&format!("p{id}")), column(&format!("s{id}"))) {
            (Some(p), Some(s)) => actor_cols.push((p, s)),
            _ => findings.push(Finding::error(
                path_of(header_line, None),
                format!("the header lacks the columns `p{id}` and `s{id}`"),
                "every DEU actor needs a position column p<actor> and a salience column s<actor>",
            )),
        }
    }
    if !findings.is_empty() {
        return Err(fail(findings));
    }
    let col = |name: &str| column(name).unwrap_or(0);

    // Line 2: the GDP figures, in the position columns.
    let Some((gdp_line, gdp_cells)) = lines.next() else {
        return Err(fail(vec![Finding::error(
            path_of(header_line + 1, None),
            "the file ends after the header",
            "line 2 must hold the GDP figures under the position columns, then one line per issue",
        )]));
    };
    let mut actors = Vec::with_capacity(DEU_ACTORS.len());
    for (k, ((id, name), (p, _))) in DEU_ACTORS.iter().zip(&actor_cols).enumerate() {
        let cell = get(&gdp_cells, *p);
        let kind = match k {
            0 => DeuActorKind::Commission,
            1 => DeuActorKind::Parliament,
            _ => DeuActorKind::MemberState,
        };
        match cell.parse::<f64>() {
            Ok(gdp) if gdp.is_finite() && gdp > 0.0 => actors.push(DeuActor {
                id,
                name,
                kind,
                gdp,
            }),
            _ => findings.push(Finding::error(
                path_of(gdp_line, Some(&format!("p{id}"))),
                format!("the GDP figure `{cell}` is not a positive number"),
                "line 2 holds each actor's GDP-like capability (a positive number) under its position column",
            )),
        }
    }

    let mut issues = Vec::new();
    let mut missing_salience = 0usize;
    for (line, cells) in lines {
        let at = |name: &str| path_of(line, Some(name));
        let text_of = |name: &str| get(&cells, col(name)).to_owned();
        let number = |name: &str, cell: &str, findings: &mut Vec<Finding>| -> Option<f64> {
            if cell.is_empty() {
                return None;
            }
            match cell.parse::<f64>() {
                Ok(x) if x.is_finite() && (0.0..=100.0).contains(&x) => Some(x),
                _ => {
                    findings.push(Finding::error(
                        at(name),
                        format!("`{cell}` is not a number in 0..100"),
                        "positions, saliences, the reference point and the outcome are numbers from 0 to 100, or empty when unknown",
                    ));
                    None
                }
            }
        };
        let council_rule = match text_of("counvte").as_str() {
            "QMV" | "QMV(10)" => Some(CouncilRule::QualifiedMajority),
            "Unan" => Some(CouncilRule::Unanimity),
            other => {
                findings.push(Finding::error(
                    at("counvte"),
                    format!("unknown Council voting rule `{other}`"),
                    "use QMV, QMV(10) or Unan",
                ));
                None
            }
        };
        let procedure = match text_of("proc").as_str() {
            "COD" => Some(Procedure::Codecision),
            "CNS" => Some(Procedure::Consultation),
            other => {
                findings.push(Finding::error(
                    at("proc"),
                    format!("unknown procedure `{other}`"),
                    "use COD (co-decision) or CNS (consultation)",
                ));
                None
            }
        };
        let mut stances = Vec::new();
        for (k, ((id, _), (p, s))) in DEU_ACTORS.iter().zip(&actor_cols).enumerate() {
            let pname = format!("p{id}");
            let sname = format!("s{id}");
            let position = number(&pname, get(&cells, *p), &mut findings);
            let salience = number(&sname, get(&cells, *s), &mut findings);
            if let Some(position) = position {
                if salience.is_none() {
                    missing_salience += 1;
                }
                stances.push(DeuStance {
                    actor: k,
                    position,
                    salience: salience.unwrap_or(0.0) / 100.0,
                });
            }
        }
        let reference_point = number("rp", &text_of("rp"), &mut findings);
        let outcome = number("out", &text_of("out"), &mut findings);
        if let (Some(council_rule), Some(procedure)) = (council_rule, procedure) {
            issues.push(DeuIssue {
                line,
                proposal: text_of("prnr"),
                proposal_name: text_of("prname"),
                id: text_of("isnr"),
                council_rule,
                procedure,
                introduced: date(&text_of("intro")),
                stances,
                reference_point,
                outcome,
            });
        }
    }
    if !findings.is_empty() {
        return Err(fail(findings));
    }
    let mut notes = Vec::new();
    if missing_salience > 0 {
        notes.push(format!(
            "{missing_salience} positions have an empty salience and were given salience 0"
        ));
    }
    Ok(DeuData {
        actors,
        issues,
        notes,
    })
}

/// Splits one tab-separated line and strips the quotes around each cell.
fn split(line: &str) -> Vec<String> {
    line.trim_end_matches('\r')
        .split('\t')
        .map(|c| {
            let c = c.trim();
            c.strip_prefix('"')
                .and_then(|c| c.strip_suffix('"'))
                .unwrap_or(c)
                .trim()
                .to_owned()
        })
        .collect()
}

/// Reads `dd-mm-yy`; two-digit years from 90 are 19xx, the rest 20xx.
fn date(cell: &str) -> Option<DeuDate> {
    let mut parts = cell.split('-').map(str::parse::<u32>);
    let (day, month, yy) = (
        parts.next()?.ok()?,
        parts.next()?.ok()?,
        parts.next()?.ok()?,
    );
    if parts.next().is_some() || !(1..=31).contains(&day) || !(1..=12).contains(&month) || yy > 99 {
        return None;
    }
    let yy = i32::try_from(yy).ok()?;
    let year = if yy >= 90 { 1900 + yy } else { 2000 + yy };
    Some(DeuDate { year, month, day })
}

impl DeuIssue {
    /// The unweighted mean of the positions, if any.
    pub fn mean_position(&self) -> Option<f64> {
        if self.stances.is_empty() {
            return None;
        }
        let n = self.stances.len() as f64;
        Some(self.stances.iter().map(|s| s.position).sum::<f64>() / n)
    }

    /// The status quo the scenario uses: the reference point, or the fallback.
    pub fn status_quo(&self, missing: MissingReference) -> f64 {
        match (self.reference_point, missing) {
            (Some(rp), _) => rp,
            (None, MissingReference::MeanOfPositions) => self.mean_position().unwrap_or(50.0),
            (None, MissingReference::Midpoint) => 50.0,
        }
    }

    /// The issue as a scenario file (one issue, the actors with a position and a capability).
    pub fn scenario_file(&self, data: &DeuData, options: &DeuScenarioOptions) -> ScenarioFile {
        let why = format!("DEU issue {}, line {}", self.id, self.line);
        let mut actors = Vec::new();
        let mut positions = Vec::new();
        for stance in &self.stances {
            let (Some(actor), Some(Some(capability))) = (
                data.actors.get(stance.actor),
                options.capabilities.get(stance.actor),
            ) else {
                continue;
            };
            let veto = match actor.kind {
                DeuActorKind::MemberState => true,
                DeuActorKind::Commission => options.commission_veto,
                DeuActorKind::Parliament => match self.procedure {
                    Procedure::Codecision => options.parliament_veto_codecision,
                    Procedure::Consultation => options.parliament_veto_consultation,
                },
            };
            actors.push(ActorFile {
                id: actor.id.to_owned(),
                name: actor.name.to_owned(),
                capability: *capability,
                role: if veto {
                    RoleFile::Principal
                } else {
                    RoleFile::Observer
                },
                bloc: None,
                note: None,
                why: None,
            });
            positions.push(PositionFile {
                actor: actor.id.to_owned(),
                position: stance.position,
                salience: stance.salience,
                sd: None,
                range: None,
                why: Some(why.clone()),
            });
        }
        let (decision_rule, quota) = match self.council_rule {
            CouncilRule::QualifiedMajority => {
                (DecisionRuleFile::WeightedMajority, Some(options.qmv_quota))
            }
            CouncilRule::Unanimity => (DecisionRuleFile::UnanimityOfPrincipals, None),
        };
        let status_quo_why = match (self.reference_point, options.missing_reference) {
            (Some(_), _) => "the DEU reference point (rp)".to_owned(),
            (None, MissingReference::MeanOfPositions) => {
                "rp is empty: the unweighted mean of the positions".to_owned()
            }
            (None, MissingReference::Midpoint) => "rp is empty: the midpoint 50".to_owned(),
        };
        ScenarioFile {
            format: None,
            scenario: MetaFile {
                title: format!("DEU {} ({})", self.id, self.proposal_name),
                date: None,
                description: None,
                sources: vec![
                    "Arregui & Perarnaud (2021), DEU III, doi:10.34810/data53".to_owned(),
                ],
                caveat: None,
                headline: None,
                headline_why: None,
            },
            actors,
            spaces: Vec::new(),
            time: None,
            issues: vec![IssueFile {
                id: self.id.clone(),
                name: self.proposal_name.clone(),
                scale: [0.0, 100.0],
                status_quo: self.status_quo(options.missing_reference),
                status_quo_why: Some(status_quo_why),
                decision_rule: Some(decision_rule),
                quota,
                procedural: false,
                note: None,
                anchors: Vec::new(),
                positions,
            }],
        }
    }

    /// The issue as a validated scenario.
    ///
    /// # Errors
    /// The validation findings, e.g. fewer than two actors with a position and a capability, or
    /// a non-positive capability, under the name `file`.
    pub fn scenario(
        &self,
        file: &str,
        data: &DeuData,
        options: &DeuScenarioOptions,
    ) -> Result<Scenario, ScenarioError> {
        let validated = validate(&self.scenario_file(data, options));
        let source = Source::new(
            format!("{file} (issue {}, line {})", self.id, self.line),
            "",
        );
        validated
            .scenario
            .ok_or_else(|| ScenarioError::new(&source, validated.findings))
    }
}

/// Cell `i` of a split line, or the empty string.
fn get(cells: &[String], i: usize) -> &str {
    cells.get(i).map_or("", String::as_str)
}
