//! KTAB's spatial-model CSV (KAPSARC Toolkit for Behavioral Analysis).
//!
//! Line 1 is `name, description, nActors, nDims`; line 2 is `Actor, Description, Power, <dim>
//! Position, <dim> Salience, ...`; then one actor per line. Fields are padded and lines end in a
//! comma, which the reader's trimming and the dropping of empty trailing cells absorb. Positions
//! run from 0 to 100 and so does each salience; every dimension becomes one issue. KTAB gives no
//! status quo or roles, so the importer assumes them and notes it.

use super::{
    Cell, Context, Ids, Imported, RawSalience, Row, capability, cell_error, description, number,
    row_error, salience_divisor, status_quo, status_quo_error, status_quo_warning,
};
use crate::diagnostic::Finding;
use crate::file::{
    ActorFile, IssueFile, MetaFile, PositionFile, RoleFile, ScenarioFile, SpaceFile,
};

use super::SalienceScale;

/// Whether `rows` look like a KTAB file: the second line starts with `Actor, Description`.
pub(super) fn looks_like(rows: &[Row]) -> bool {
    let Some(header) = rows.get(1) else {
        return false;
    };
    let is = |i: usize, word: &str| {
        header
            .cells
            .get(i)
            .is_some_and(|c| c.text.eq_ignore_ascii_case(word))
    };
    is(0, "actor") && is(1, "description") && rows[0].cells.len() >= 3
}

/// A dimension's display name from its position column: `Policy Position` → `Policy`,
/// `Pstn1` → `Dimension 1`.
fn dimension_name(header: &str, index: usize) -> String {
    let lower = header.to_ascii_lowercase();
    // ASCII lowercasing keeps byte offsets, so indices into `lower` are valid in `header`.
    let rest = if let Some(at) = lower.rfind("position") {
        format!("{}{}", &header[..at], &header[at + "position".len()..])
    } else if lower.starts_with("pstn") {
        header[4..].to_owned()
    } else {
        header.to_owned()
    };
    let rest = rest.trim().trim_matches(['-', '_', ' ']).trim();
    if rest.is_empty() {
        format!("Dimension {}", index + 1)
    } else if rest.chars().all(|c| c.is_ascii_digit()) {
        format!("Dimension {rest}")
    } else {
        rest.to_owned()
    }
}

/// A count on line 1 (`nActors`, `nDims`).
fn count(row: &Row, i: usize, column: &str, errors: &mut Vec<Finding>) -> Option<usize> {
    let Some(cell) = row.cells.get(i) else {
        errors.push(row_error(
            row,
            format!("line 1 has no {column}"),
            "line 1 of a KTAB file is `name, description, nActors, nDims`",
        ));
        return None;
    };
    let n = cell.text.parse::<usize>().ok();
    if n.is_none() {
        errors.push(cell_error(
            row,
            cell,
            column,
            format!("{column} `{}` is not a whole number", cell.text),
            "line 1 of a KTAB file is `name, description, nActors, nDims`, the last two counts",
        ));
    }
    n
}

struct Dimension<'a> {
    name: String,
    position: &'a Cell,
    salience: &'a Cell,
}

struct Line<'a> {
    row: &'a Row,
    name: String,
    note: Option<String>,
    capability: f64,
    /// Position and raw salience on each dimension.
    stances: Vec<(f64, f64)>,
}

pub(super) fn import(context: &Context<'_>, rows: &[Row]) -> Result<Imported, Vec<Finding>> {
    let (Some(first), Some(header)) = (rows.first(), rows.get(1)) else {
        return Err(rows
            .first()
            .map(|r| {
                row_error(
                    r,
                    "a KTAB file needs a scenario line and a header line",
                    "start with `name, description, nActors, nDims` and `Actor, Description, Power, <dim> Position, <dim> Salience`",
                )
            })
            .into_iter()
            .collect());
    };
    let data = &rows[2..];
    let mut errors = Vec::new();
    let n_actors = count(first, 2, "nactors", &mut errors);
    let n_dims = count(first, 3, "ndims", &mut errors);

    // Header: three fixed columns, then a position and a salience column per dimension. Its
    // trailing empty cells are dropped, unless line 1 counts them in: KTAB reads `3 + 2 × nDims`
    // header cells by place, so `P Position,` before the line break is a salience column left
    // unnamed, read by place below as any unnamed column is.
    let filled = header.filled();
    let columns = match n_dims.map(|n| n.saturating_mul(2).saturating_add(3)) {
        Some(want) if filled.len() < want && header.cells.len() >= want => &header.cells[..want],
        _ => filled,
    };
    let pairs = columns.len().saturating_sub(3);
    if columns.len() < 5 || pairs % 2 != 0 {
        errors.push(row_error(
            header,
            format!(
                "line {} has {} columns; a KTAB header is `Actor, Description, Power` and then a position and a salience column per dimension",
                header.line,
                columns.len()
            ),
            "give each dimension a `<dim> Position` and a `<dim> Salience` column",
        ));
        return Err(errors);
    }
    let mut dimensions = Vec::with_capacity(pairs / 2);
    // KTAB reads the header by place, and so does `detente smp`: a column whose name does not
    // say its role (or is empty) is read by where it stands, with a warning to check it. A name
    // that says the other role (a salience column where a position belongs) contradicts its
    // place, most likely two swapped columns, and is refused.
    let mut header_warnings = Vec::new();
    let position_marks = ["pos", "pstn"].as_slice();
    let salience_marks = ["sal"].as_slice();
    for (d, pair) in columns[3..].chunks_exact(2).enumerate() {
        let [position, salience] = pair else {
            continue;
        };
        let roles = [
            (position, "position", position_marks, salience_marks),
            (salience, "salience", salience_marks, position_marks),
        ];
        for (k, (cell, role, own, other)) in roles.into_iter().enumerate() {
            let lower = cell.text.to_ascii_lowercase();
            let says = |marks: &[&str]| marks.iter().any(|m| lower.contains(m));
            let title = if role == "position" {
                "Position"
            } else {
                "Salience"
            };
            if says(own) {
                continue;
            }
            if says(other) {
                errors.push(cell_error(
                    header,
                    cell,
                    &lower,
                    format!("column `{}` should be a {role} column", cell.text),
                    "after `Actor, Description, Power` come pairs of columns: `<dim> Position`, `<dim> Salience`",
                ));
                continue;
            }
            let named = if cell.text.is_empty() {
                "has no name".to_owned()
            } else {
                format!(
                    "is named `{}`",
                    crate::diagnostic::neutralise(crate::diagnostic::clip(cell.text.clone(), 60))
                        .replace('\n', "\\n")
                )
            };
            header_warnings.push(format!(
                "column {} of line {} {named}, and is read by its place as the {role} on dimension {}; check that it holds {role}s, and name it `<dim> {title}`",
                4 + 2 * d + k,
                header.line,
                d + 1,
            ));
        }
        dimensions.push(Dimension {
            name: dimension_name(&position.text, d),
            position,
            salience,
        });
    }
    if let Some(n) = n_dims
        && n != dimensions.len()
        && let Some(cell) = first.cells.get(3)
    {
        errors.push(cell_error(
            first,
            cell,
            "ndims",
            format!(
                "line {} says nDims = {n}, but line {} has {} dimension{} (position and salience columns)",
                first.line,
                header.line,
                dimensions.len(),
                if dimensions.len() == 1 { "" } else { "s" }
            ),
            format!(
                "set nDims to {} on line {}, or add the missing columns to line {}",
                dimensions.len(),
                first.line,
                header.line
            ),
        ));
    }
    if let Some(n) = n_actors
        && n != data.len()
        && let Some(cell) = first.cells.get(2)
    {
        errors.push(cell_error(
            first,
            cell,
            "nactors",
            format!(
                "line {} says nActors = {n}, but the file has {} actor line{}",
                first.line,
                data.len(),
                if data.len() == 1 { "" } else { "s" }
            ),
            format!(
                "set nActors to {} on line {}, or add the missing actors",
                data.len(),
                first.line
            ),
        ));
    }
    if data.len() < 2 {
        errors.push(row_error(
            header,
            format!(
                "the file has {} actor line{}; a negotiation needs at least two",
                data.len(),
                if data.len() == 1 { "" } else { "s" }
            ),
            "add a line for every other actor that takes part",
        ));
    }

    let (min, max) = context.options.scale.unwrap_or((0.0, 100.0));
    let power_label = header
        .cells
        .get(2)
        .map_or("power".to_owned(), |c| c.text.to_lowercase());
    let name_label = header
        .cells
        .first()
        .map_or("actor".to_owned(), |c| c.text.to_lowercase());
    let width = 3 + 2 * dimensions.len();
    let mut lines = Vec::with_capacity(data.len());
    let mut saliences = Vec::new();
    for row in data {
        // `filled`: the empty cell after a trailing comma is not a value.
        if row.filled().len() < width {
            errors.push(row_error(
                row,
                format!(
                    "line {} has {} cells, the header has {width}",
                    row.line,
                    row.filled().len()
                ),
                "give every actor a name, description, power and a position and salience per dimension",
            ));
            continue;
        }
        let name = &row.cells[0];
        if name.text.is_empty() {
            errors.push(cell_error(
                row,
                name,
                &name_label,
                "the actor's name is empty",
                "give the actor a name, or delete the line",
            ));
        }
        let note = Some(row.cells[1].text.clone()).filter(|d| !d.is_empty());
        let capability = capability(row, &row.cells[2], &power_label, &mut errors);
        let mut stances = Vec::with_capacity(dimensions.len());
        for (d, dim) in dimensions.iter().enumerate() {
            let pos_cell = &row.cells[3 + 2 * d];
            let sal_cell = &row.cells[4 + 2 * d];
            let pos_label = dim.position.text.to_lowercase();
            let position = number(pos_cell).filter(|p| min <= *p && *p <= max);
            if position.is_none() {
                errors.push(cell_error(
                    row,
                    pos_cell,
                    &pos_label,
                    format!(
                        "position `{}` is not a number within [{min}, {max}]",
                        pos_cell.text
                    ),
                    "KTAB positions run from 0 to 100; correct the value (or import with a scale that holds it)",
                ));
            }
            let salience = number(sal_cell);
            match salience {
                Some(value) => saliences.push(RawSalience {
                    row,
                    cell: sal_cell,
                    column: dim.salience.text.to_lowercase(),
                    value,
                }),
                None => errors.push(cell_error(
                    row,
                    sal_cell,
                    &dim.salience.text.to_lowercase(),
                    format!("salience `{}` is not a number", sal_cell.text),
                    "give a salience from 0 to 100",
                )),
            }
            if let (Some(p), Some(s)) = (position, salience) {
                stances.push((p, s));
            }
        }
        if let Some(capability) = capability
            && stances.len() == dimensions.len()
        {
            lines.push(Line {
                row,
                name: name.text.clone(),
                note,
                capability,
                stances,
            });
        }
    }
    let divisor = match salience_divisor(
        &saliences,
        context.options.salience_scale,
        Some(SalienceScale::Percent),
    ) {
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

    // One status quo per dimension, as the option says.
    let mut status_quos = Vec::with_capacity(dimensions.len());
    for d in 0..dimensions.len() {
        let stances: Vec<(f64, f64)> = lines
            .iter()
            .filter_map(|l| {
                l.stances
                    .get(d)
                    .map(|&(x, salience)| (x, salience * l.capability))
            })
            .collect();
        match status_quo(context.options.status_quo, min, max, &stances) {
            Some(sq) => status_quos.push(sq),
            None => return Err(vec![status_quo_error(min, max)]),
        }
    }
    let mut notes = vec![
        format!(
            "read as a KTAB file with {} actors and {} dimension{}, one issue each, grouped as one space for `detente smp`",
            lines.len(),
            dimensions.len(),
            if dimensions.len() == 1 { "" } else { "s" }
        ),
        salience_note,
    ];
    notes.push(match context.options.scale {
        Some(_) => format!("scale [{min}, {max}] as given"),
        None => "scale [0, 100], as KTAB defines".to_owned(),
    });
    notes.push(
        "every actor is a principal: the source gives no roles; the description column became each actor's note"
            .to_owned(),
    );

    let mut ids = Ids::default();
    let actor_ids: Vec<String> = lines.iter().map(|l| ids.unique(&l.name, "actor")).collect();
    let mut issue_ids = Ids::default();
    let issues: Vec<IssueFile> = dimensions
        .iter()
        .enumerate()
        .map(|(d, dim)| IssueFile {
            id: issue_ids.unique(&dim.name, "dimension"),
            name: dim.name.clone(),
            scale: [min, max],
            status_quo: status_quos[d].0,
            status_quo_why: Some(status_quos[d].1.clone()),
            decision_rule: None,
            quota: None,
            procedural: false,
            note: None,
            anchors: Vec::new(),
            positions: lines
                .iter()
                .zip(&actor_ids)
                .filter_map(|(line, id)| {
                    let (position, salience) = line.stances.get(d).copied()?;
                    Some(PositionFile {
                        actor: id.clone(),
                        position,
                        salience: salience / divisor,
                        sd: None,
                        range: None,
                        why: Some(context.why(line.row.line)),
                    })
                })
                .collect(),
        })
        .collect();
    let actors = lines
        .iter()
        .zip(actor_ids)
        .map(|(line, id)| ActorFile {
            id,
            name: line.name.clone(),
            capability: line.capability,
            role: RoleFile::Principal,
            bloc: None,
            note: line.note.clone(),
            why: Some(context.why(line.row.line)),
        })
        .collect();

    let source_name = first.cells.first().map(|c| c.text.as_str());
    let source_description = first.cells.get(1).map(|c| c.text.as_str());
    // The dimensions together are KTAB's one multi-dimensional issue: a space, on which
    // `detente smp` runs KTAB's model jointly while the other models take each dimension alone.
    let title = context.title(source_name);
    let space = SpaceFile {
        id: Ids::default().unique(&title, "ktab"),
        name: title.clone(),
        dimensions: issues.iter().map(|i| i.id.clone()).collect(),
        note: source_description
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_owned),
        smp: std::collections::BTreeMap::new(),
        ideal_adjustment: Vec::new(),
    };
    let file = ScenarioFile {
        format: Some(crate::validate::FORMAT_VERSION),
        scenario: MetaFile {
            title,
            date: None,
            description: Some(description(source_description, &notes)),
            sources: vec![context.file_name.to_owned()],
            caveat: None,
            headline: None,
            headline_why: None,
        },
        actors,
        issues,
        spaces: vec![space],
        time: None,
    };
    // A few columns read by place are worth a line each; a header of thousands of them gets
    // one line for the rest, so the warnings stay readable and bounded.
    const SHOWN: usize = 5;
    let hidden = header_warnings.len().saturating_sub(SHOWN);
    header_warnings.truncate(SHOWN);
    if hidden > 0 {
        header_warnings.push(format!(
            "{hidden} more column{} of line {} {} read by {} place in the same way",
            if hidden == 1 { "" } else { "s" },
            header.line,
            if hidden == 1 { "is" } else { "are" },
            if hidden == 1 { "its" } else { "their" },
        ));
    }
    header_warnings.push(status_quo_warning(context.options.status_quo));
    Ok(Imported {
        file,
        notes,
        warnings: header_warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::dimension_name;

    #[test]
    fn dimension_names() {
        assert_eq!(dimension_name("Policy Position", 0), "Policy");
        assert_eq!(dimension_name("XYZ Position", 0), "XYZ");
        assert_eq!(dimension_name("Pstn1", 0), "Dimension 1");
        assert_eq!(dimension_name("Position", 2), "Dimension 3");
    }
}
