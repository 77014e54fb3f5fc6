//! The one-issue actor table of the expected utility literature ("Predictioneer's table").
//!
//! A header row names four columns, in any order and any case: the actor (`Actor`, `Name`,
//! `Stakeholder`...), its capability (`Capability`, `Resources`, `Power`, `Influence`), its
//! position and its salience; other columns are ignored with a note. The table gives no scale,
//! status quo or roles, so the importer takes as the scale the smallest conventional one (0-1,
//! 0-10 or 0-100) that holds every position and is at least 30% covered by them, or else the
//! positions' range (unless the caller gives a scale); the scale's midpoint as the status quo; and
//! every actor as a principal. It notes each assumption.

use super::{
    Cell, Context, Ids, Imported, RawSalience, Row, capability, cell_error, description, number,
    row_error, salience_divisor, status_quo, status_quo_error, status_quo_warning,
};
use crate::diagnostic::Finding;
use crate::file::{ActorFile, IssueFile, MetaFile, PositionFile, RoleFile, ScenarioFile};

/// What a header cell can stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Name,
    Capability,
    Position,
    Salience,
}

impl Kind {
    const ALL: [Kind; 4] = [Kind::Name, Kind::Capability, Kind::Position, Kind::Salience];

    /// Header names accepted for this column, lowercase with only letters and digits kept.
    fn names(self) -> &'static [&'static str] {
        match self {
            Kind::Name => &[
                "actor",
                "actors",
                "name",
                "actorname",
                "stakeholder",
                "stakeholders",
                "player",
                "party",
            ],
            Kind::Capability => &[
                "capability",
                "capabilities",
                "resources",
                "resource",
                "power",
                "influence",
                "clout",
            ],
            Kind::Position => &["position", "positions", "stance"],
            Kind::Salience => &["salience", "saliences", "importance"],
        }
    }

    fn label(self) -> &'static str {
        match self {
            Kind::Name => "actor",
            Kind::Capability => "capability",
            Kind::Position => "position",
            Kind::Salience => "salience",
        }
    }

    fn of(header: &str) -> Option<Kind> {
        let key: String = header
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        Kind::ALL
            .into_iter()
            .find(|k| k.names().contains(&key.as_str()))
    }
}

/// Where the four columns are.
#[derive(Debug, Clone)]
pub(super) struct Columns {
    /// Column index of each [`Kind`], in the order of [`Kind::ALL`].
    index: [usize; 4],
    /// Header text of each, lowercase, for field paths.
    label: [String; 4],
}

impl Columns {
    /// Whether `header` names all four columns (perhaps some twice: [`Columns::read`] reports
    /// that, so a table with a doubled column is still recognised and its error shown).
    pub(super) fn find(header: &Row) -> bool {
        Kind::ALL
            .into_iter()
            .all(|k| header.cells.iter().any(|c| Kind::of(&c.text) == Some(k)))
    }

    fn read(header: &Row) -> Result<Self, Vec<Finding>> {
        let mut found: [Option<usize>; 4] = [None; 4];
        let mut errors = Vec::new();
        for (i, cell) in header.cells.iter().enumerate() {
            let Some(kind) = Kind::of(&cell.text) else {
                continue;
            };
            let slot = &mut found[kind as usize];
            match *slot {
                None => *slot = Some(i),
                Some(first) => errors.push(cell_error(
                    header,
                    cell,
                    &cell.text.to_lowercase(),
                    format!(
                        "a second {} column (`{}` after `{}`)",
                        kind.label(),
                        cell.text,
                        header.cells.get(first).map_or("", |c| c.text.as_str())
                    ),
                    "keep one column of each kind; rename or delete the other",
                )),
            }
        }
        for kind in Kind::ALL {
            if found[kind as usize].is_none() {
                errors.push(row_error(
                    header,
                    format!("the header has no {} column", kind.label()),
                    format!(
                        "name the columns in the first row; accepted for the {}: {}",
                        kind.label(),
                        kind.names().join(", ")
                    ),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let index = found.map(|i| i.unwrap_or(0));
        let label = index.map(|i| {
            header
                .cells
                .get(i)
                .map_or(String::new(), |c| c.text.to_lowercase())
        });
        Ok(Self { index, label })
    }

    fn cell<'r>(&self, row: &'r Row, kind: Kind) -> Option<&'r Cell> {
        row.cells.get(self.index[kind as usize])
    }

    fn label(&self, kind: Kind) -> &str {
        &self.label[kind as usize]
    }
}

/// One actor row as read.
struct Line<'a> {
    row: &'a Row,
    name: String,
    capability: f64,
    position: f64,
    salience: f64,
}

pub(super) fn import(context: &Context<'_>, rows: &[Row]) -> Result<Imported, Vec<Finding>> {
    let Some((header, data)) = rows.split_first() else {
        return Err(Vec::new());
    };
    let columns = Columns::read(header)?;
    if data.is_empty() {
        return Err(vec![row_error(
            header,
            "the table has a header but no actor rows",
            "add one row per actor under the header",
        )]);
    }

    let mut errors = Vec::new();
    let mut lines = Vec::with_capacity(data.len());
    let mut saliences = Vec::with_capacity(data.len());
    let width = columns.index.iter().max().map_or(0, |m| m + 1);
    for row in data {
        let (Some(name), Some(cap), Some(pos), Some(sal)) = (
            columns.cell(row, Kind::Name),
            columns.cell(row, Kind::Capability),
            columns.cell(row, Kind::Position),
            columns.cell(row, Kind::Salience),
        ) else {
            errors.push(row_error(
                row,
                format!(
                    "row {} has {} cells, the header needs {width}",
                    row.line,
                    row.cells.len()
                ),
                "fill in the actor's name, capability, position and salience",
            ));
            continue;
        };
        if name.text.is_empty() {
            errors.push(cell_error(
                row,
                name,
                columns.label(Kind::Name),
                "the actor's name is empty",
                "give the actor a name, or delete the row",
            ));
        }
        let capability = capability(row, cap, columns.label(Kind::Capability), &mut errors);
        let position = number(pos);
        if position.is_none() {
            errors.push(cell_error(
                row,
                pos,
                columns.label(Kind::Position),
                format!("position `{}` is not a number", pos.text),
                "give the actor's position as a finite number on the issue's scale",
            ));
        }
        let salience = number(sal);
        match salience {
            Some(value) => saliences.push(RawSalience {
                row,
                cell: sal,
                column: columns.label(Kind::Salience).to_owned(),
                value,
            }),
            None => errors.push(cell_error(
                row,
                sal,
                columns.label(Kind::Salience),
                format!("salience `{}` is not a number", sal.text),
                "give a salience from 0 to 1 (or every salience from 0 to 100)",
            )),
        }
        if let (Some(capability), Some(position), Some(salience)) = (capability, position, salience)
        {
            lines.push(Line {
                row,
                name: name.text.clone(),
                capability,
                position,
                salience,
            });
        }
    }
    if data.len() < 2 {
        errors.push(row_error(
            header,
            format!(
                "the table has {} actor row; a negotiation needs at least two",
                data.len()
            ),
            "add a row for every other actor that takes part",
        ));
    }
    let divisor = match salience_divisor(&saliences, context.options.salience_scale, None) {
        Ok(d) => Some(d),
        Err(mut e) => {
            errors.append(&mut e);
            None
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let Some((divisor, salience_note)) = divisor else {
        return Err(errors);
    };

    let mut notes = vec![format!(
        "read as a one-issue actor table: columns `{}` (actor), `{}` (capability), `{}` (position), `{}` (salience)",
        columns.label(Kind::Name),
        columns.label(Kind::Capability),
        columns.label(Kind::Position),
        columns.label(Kind::Salience),
    )];
    let ignored: Vec<String> = header
        .cells
        .iter()
        .enumerate()
        .filter(|(i, c)| !c.text.is_empty() && !columns.index.contains(i))
        .map(|(_, c)| format!("`{}`", c.text))
        .collect();
    if !ignored.is_empty() {
        notes.push(format!("ignored column(s) {}", ignored.join(", ")));
    }
    notes.push(salience_note);

    let (min, max) = match context.options.scale {
        Some((min, max)) => {
            let outside: Vec<Finding> = lines
                .iter()
                .filter(|l| !(min <= l.position && l.position <= max))
                .filter_map(|l| {
                    let cell = columns.cell(l.row, Kind::Position)?;
                    Some(cell_error(
                        l.row,
                        cell,
                        columns.label(Kind::Position),
                        format!(
                            "position {} is outside the scale [{min}, {max}]",
                            l.position
                        ),
                        "give a scale that holds every position, or correct the position",
                    ))
                })
                .collect();
            if !outside.is_empty() {
                return Err(outside);
            }
            notes.push(format!("scale [{min}, {max}] as given"));
            (min, max)
        }
        None => {
            let min = lines
                .iter()
                .map(|l| l.position)
                .fold(f64::INFINITY, f64::min);
            let max = lines
                .iter()
                .map(|l| l.position)
                .fold(f64::NEG_INFINITY, f64::max);
            // Positions are finite and there are at least two, so min and max are numbers.
            if min >= max {
                return Err(vec![row_error(
                    header,
                    format!("every position is {min}, so the scale cannot be taken from them"),
                    "give the scale explicitly when importing, or check the position column",
                )]);
            }
            // Published tables use conventional scales (0-1, 0-10, 0-100) without saying so;
            // the smallest of them that holds every position is a better guess of the scale
            // than the positions' own range, which would put the extreme actors at its ends.
            // Positions bunched in a small part of such a scale (the Sultan data, 12.85..14.25)
            // were measured on a scale of their own, so the range is kept for them.
            match [1.0, 10.0, 100.0]
                .into_iter()
                .find(|&top| min >= 0.0 && max <= top)
                .filter(|&top| (max - min) / top >= 0.3)
            {
                Some(top) => {
                    notes.push(format!(
                        "scale [0, {top}]: the source gives none, and it is the smallest \
                         conventional scale (0-1, 0-10, 0-100) that holds every position"
                    ));
                    (0.0, top)
                }
                None => {
                    notes.push(format!(
                        "scale [{min}, {max}] is the range of the positions: the source gives \
                         none and they fill too little of any conventional scale (0-1, 0-10, 0-100)"
                    ));
                    (min, max)
                }
            }
        }
    };
    let stances: Vec<(f64, f64)> = lines
        .iter()
        .map(|l| (l.position, l.salience * l.capability))
        .collect();
    let Some((status_quo, status_quo_why)) =
        status_quo(context.options.status_quo, min, max, &stances)
    else {
        return Err(vec![status_quo_error(min, max)]);
    };
    notes.push("every actor is a principal: the source gives no roles".to_owned());

    let mut ids = Ids::default();
    let mut actors = Vec::with_capacity(lines.len());
    let mut positions = Vec::with_capacity(lines.len());
    for line in &lines {
        let id = ids.unique(&line.name, "actor");
        let why = context.why(line.row.line);
        positions.push(PositionFile {
            actor: id.clone(),
            position: line.position,
            salience: line.salience / divisor,
            sd: None,
            range: None,
            why: Some(why.clone()),
        });
        actors.push(ActorFile {
            id,
            name: line.name.clone(),
            capability: line.capability,
            role: RoleFile::Principal,
            bloc: None,
            note: None,
            why: Some(why),
        });
    }

    let title = context.title(None);
    let issue_name = if context.stem.trim().is_empty() {
        title.clone()
    } else {
        context.stem.trim().to_owned()
    };
    let issue = IssueFile {
        id: Ids::default().unique(&issue_name, "issue"),
        name: issue_name,
        scale: [min, max],
        status_quo,
        status_quo_why: Some(status_quo_why),
        decision_rule: None,
        quota: None,
        procedural: false,
        note: None,
        anchors: Vec::new(),
        positions,
    };
    let file = ScenarioFile {
        format: Some(crate::validate::FORMAT_VERSION),
        scenario: MetaFile {
            title,
            date: None,
            description: Some(description(None, &notes)),
            sources: vec![context.file_name.to_owned()],
            caveat: None,
            headline: None,
            headline_why: None,
        },
        actors,
        issues: vec![issue],
        spaces: Vec::new(),
        time: None,
    };
    Ok(Imported {
        file,
        notes,
        warnings: vec![status_quo_warning(context.options.status_quo)],
    })
}
