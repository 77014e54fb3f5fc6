//! Importers: published negotiation data sets (CSV tables) turned into a [`ScenarioFile`].
//!
//! Two layouts are read: the one-issue table of the expected utility literature (actor,
//! capability, position, salience; "Predictioneer's table", module `predictioneer`) and the CSV
//! files of KAPSARC's KTAB spatial model (module `ktab`). Importers are pure functions from text to
//! a [`ScenarioFile`], like the rest of this crate: the caller reads the file. Whatever the source
//! leaves unsaid (roles, status quo, the scale of saliences) the importer assumes and says so in
//! [`Imported::notes`] and in the scenario's description, so the analyst can check it. Every
//! problem is a [`Finding`] pointing at the CSV cell, with a field path like
//! `row 7, column salience` where "row" is the line of the file. The DEU data on EU legislative
//! decisions (many issues with known outcomes, module `deu`) is read by [`parse_deu`] into
//! [`DeuData`], each issue becoming a scenario of its own.

mod deu;
mod ktab;
mod predictioneer;

pub use deu::{
    CouncilRule, DEU_ACTORS, DeuActor, DeuActorKind, DeuData, DeuDate, DeuIssue,
    DeuScenarioOptions, DeuStance, MissingReference, Procedure, parse_deu,
};

use std::ops::Range;

use crate::diagnostic::{FieldPath, Finding, ScenarioError, Segment, Source};
use crate::file::ScenarioFile;
use crate::parse::MAX_SCENARIO_BYTES;

/// The layouts an importer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// One issue; a header row naming actor, capability, position and salience columns.
    Predictioneer,
    /// KTAB's spatial-model CSV: a scenario line, a header line, then one actor per line.
    Ktab,
}

/// How saliences in the source are to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SalienceScale {
    /// Decide from the values (Predictioneer: 0..1 when every value is at most 1, else 0..100;
    /// KTAB: 0..100, as the format defines).
    #[default]
    Auto,
    /// Values already run from 0 to 1.
    Unit,
    /// Values run from 0 to 100 and are divided by 100.
    Percent,
}

/// What the caller knows that the source does not say.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportOptions {
    /// How to read saliences.
    pub salience_scale: SalienceScale,
    /// Title of the scenario; by default taken from the source (KTAB) or the file name.
    pub title: Option<String>,
    /// Scale `[min, max]` of every issue; by default the importer picks one and says which.
    pub scale: Option<(f64, f64)>,
    /// How to set the status quo, which neither source gives (default: the scale's midpoint).
    pub status_quo: StatusQuo,
}

/// How an importer sets the status quo the source does not give ([`ImportOptions::status_quo`]).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum StatusQuo {
    /// The midpoint of the issue's scale (the default).
    #[default]
    Midpoint,
    /// The weighted median of the positions, each weighted by capability times salience: where
    /// the issue would stand if the actors' weight decided it today.
    WeightedMedian,
    /// This value on every issue; it must lie on the scale.
    At(f64),
}

/// The status quo of one issue under `choice`, from the positions and their weights
/// (capability × salience), with the sentence for its `status_quo_why`; `None` when a given
/// value lies off the scale.
pub fn status_quo(
    choice: StatusQuo,
    min: f64,
    max: f64,
    stances: &[(f64, f64)],
) -> Option<(f64, String)> {
    match choice {
        StatusQuo::Midpoint => {
            let x = midpoint(min, max);
            Some((
                x,
                format!("the source gives no status quo; set to the midpoint of the scale ({x})"),
            ))
        }
        StatusQuo::WeightedMedian => {
            let mut sorted: Vec<(f64, f64)> =
                stances.iter().copied().filter(|(_, w)| *w > 0.0).collect();
            sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
            let total: f64 = sorted.iter().map(|(_, w)| w).sum();
            let mut acc = 0.0;
            let x = sorted
                .iter()
                .find(|(_, w)| {
                    acc += w;
                    acc >= total / 2.0
                })
                .map_or_else(|| midpoint(min, max), |(x, _)| *x);
            Some((
                x,
                format!(
                    "the source gives no status quo; set to the weighted median of the positions, by capability times salience ({x})"
                ),
            ))
        }
        StatusQuo::At(x) => (x.is_finite() && (min..=max).contains(&x)).then(|| {
            (
                x,
                format!("the source gives no status quo; set to {x} at import"),
            )
        }),
    }
}

/// The error for a status quo given off the scale.
fn status_quo_error(min: f64, max: f64) -> Finding {
    Finding::error(
        FieldPath::root(),
        format!("the status quo given is off the scale [{min}, {max}]"),
        "give a status quo on the issues' scale, or `midpoint` or `median`",
    )
}

/// The warning every import gives about the status quo it assumed, naming what depends on it.
/// The warning every import gives about the status quo it assumed, naming what depends on it
/// and how to change it.
pub fn status_quo_warning(choice: StatusQuo) -> String {
    let how = match choice {
        StatusQuo::Midpoint => "the midpoint of each scale".to_owned(),
        StatusQuo::WeightedMedian => "the weighted median of each issue's positions".to_owned(),
        StatusQuo::At(x) => format!("{x} on every issue"),
    };
    format!(
        "the source gives no status quo, so it is {how}: the Nash forecast, package bargaining, the delay model and the headline forecast read it as the outcome without agreement, so their answers depend on it (the EUM, compromise and median forecasts do not); set it with `--status-quo midpoint|median|<value>` or edit `status_quo` in the scenario"
    )
}

/// The result of an import: the scenario file and what the importer assumed.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The scenario, ready for [`ScenarioFile::to_toml`].
    pub file: ScenarioFile,
    /// Every assumption made, one sentence each (also written into the description).
    pub notes: Vec<String>,
    /// Assumptions that change what the models answer (the status quo), one sentence each.
    pub warnings: Vec<String>,
}

/// Recognises the layout of `text` from its first lines, or `None` if it is neither.
pub fn detect(text: &str) -> Option<ImportKind> {
    let (_, body) = strip_bom(text);
    let rows = read_rows(body, 0).ok()?;
    detect_rows(&rows)
}

/// Imports `text` (the contents of the file called `name`), detecting its layout.
///
/// # Errors
/// A [`ScenarioError`] naming each offending cell (row = line of the file), with the fix.
pub fn import(name: &str, text: &str, options: &ImportOptions) -> Result<Imported, ScenarioError> {
    import_with(None, name, text, options)
}

/// Imports `text` as the given layout, without detection.
///
/// # Errors
/// As [`import`].
pub fn import_as(
    kind: ImportKind,
    name: &str,
    text: &str,
    options: &ImportOptions,
) -> Result<Imported, ScenarioError> {
    import_with(Some(kind), name, text, options)
}

fn import_with(
    kind: Option<ImportKind>,
    name: &str,
    text: &str,
    options: &ImportOptions,
) -> Result<Imported, ScenarioError> {
    let source = Source::new(name, text);
    let fail = |findings: Vec<Finding>| ScenarioError::new(&source, findings);
    if text.len() > MAX_SCENARIO_BYTES {
        return Err(fail(vec![Finding::error(
            FieldPath::root(),
            format!(
                "the file is {} bytes, over the limit of {MAX_SCENARIO_BYTES}",
                text.len()
            ),
            "an actor table is a few kilobytes; check that this is the right file",
        )]));
    }
    let (offset, body) = strip_bom(text);
    let rows = read_rows(body, offset).map_err(|f| fail(vec![f]))?;
    if rows.is_empty() {
        return Err(fail(vec![Finding {
            span: Some(0..0),
            ..Finding::error(
                FieldPath::root(),
                "the file is empty",
                "give a CSV table: a header row (actor, capability, position, salience) and one row per actor",
            )
        }]));
    }
    if let Some(scale) = options.scale
        && !(scale.0.is_finite() && scale.1.is_finite() && scale.0 < scale.1)
    {
        return Err(fail(vec![Finding::error(
            FieldPath::root(),
            format!(
                "the scale [{}, {}] given to the importer is not a range",
                scale.0, scale.1
            ),
            "give a scale with finite ends and min < max, e.g. [0, 100]",
        )]));
    }
    let kind = match kind.or_else(|| detect_rows(&rows)) {
        Some(kind) => kind,
        None => {
            return Err(fail(vec![Finding {
                span: rows.first().map(|r| r.span.clone()),
                ..Finding::error(
                    path_of(rows.first().map_or(1, |r| r.line), None),
                    "neither a Predictioneer-style table nor a KTAB csv",
                    "a Predictioneer-style table starts with a header naming actor (or stakeholder), capability (or resources, power, influence), position and salience columns; a KTAB file starts with `name, description, nActors, nDims` and `Actor, Description, Power, ...`",
                )
            }]));
        }
    };
    let context = Context {
        file_name: name,
        stem: stem(name),
        options,
    };
    match kind {
        ImportKind::Predictioneer => predictioneer::import(&context, &rows),
        ImportKind::Ktab => ktab::import(&context, &rows),
    }
    .map_err(fail)
}

/// What both importers need besides the rows.
struct Context<'a> {
    file_name: &'a str,
    stem: String,
    options: &'a ImportOptions,
}

impl Context<'_> {
    /// The scenario title: the caller's, else the source's, else the file's stem.
    fn title(&self, from_source: Option<&str>) -> String {
        [
            self.options.title.as_deref(),
            from_source,
            Some(self.stem.as_str()),
        ]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|t| !t.is_empty())
        .unwrap_or("imported scenario")
        .to_owned()
    }

    fn why(&self, line: usize) -> String {
        format!("imported from {}, row {line}", self.file_name)
    }
}

/// One CSV cell, trimmed, with its byte span in the original text.
#[derive(Debug, Clone)]
struct Cell {
    text: String,
    span: Range<usize>,
}

/// One non-blank CSV record.
#[derive(Debug, Clone)]
struct Row {
    /// One-based line of the file where the record starts.
    line: usize,
    /// The record's bytes, without the line ending.
    span: Range<usize>,
    cells: Vec<Cell>,
}

impl Row {
    /// The cells, without the empty ones a trailing comma leaves at the end.
    fn filled(&self) -> &[Cell] {
        let n = self
            .cells
            .iter()
            .rposition(|c| !c.text.is_empty())
            .map_or(0, |i| i + 1);
        &self.cells[..n]
    }
}

fn strip_bom(text: &str) -> (usize, &str) {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => ('\u{feff}'.len_utf8(), rest),
        None => (0, text),
    }
}

/// Reads every non-blank record of `text` (which starts at byte `offset` of the file).
fn read_rows(text: &str, offset: usize) -> Result<Vec<Row>, Finding> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    for result in reader.records() {
        let record = result.map_err(|e| {
            let (span, line) = match e.position() {
                Some(p) => {
                    let at = usize::try_from(p.byte()).unwrap_or(0).min(text.len()) + offset;
                    (Some(at..at), usize::try_from(p.line()).unwrap_or(0))
                }
                None => (None, 0),
            };
            Finding {
                span,
                ..Finding::error(
                    path_of(line, None),
                    format!("unreadable CSV: {e}"),
                    "fix the CSV syntax (quotes, delimiters) on that line",
                )
            }
        })?;
        let start = record
            .position()
            .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(0))
            .min(text.len());
        records.push((start, record));
    }

    // The reader's position of a record is where it began looking for it, before the blank
    // lines it skips; move each start past them and count lines from the text itself.
    let mut line = 1;
    let mut counted = 0;
    let records: Vec<(usize, usize, csv::StringRecord)> = records
        .into_iter()
        .map(|(start, record)| {
            let skipped = text.get(start..).map_or(0, |rest| {
                rest.len() - rest.trim_start_matches(['\r', '\n']).len()
            });
            let start = start + skipped;
            line += text
                .get(counted..start)
                .map_or(0, |t| t.matches('\n').count());
            counted = start.max(counted);
            (start, line, record)
        })
        .collect();

    let mut rows = Vec::with_capacity(records.len());
    let mut fields = csv_core::Reader::new();
    for (i, (start, line, record)) in records.iter().enumerate() {
        let end = records
            .get(i + 1)
            .map_or(text.len(), |next| next.0)
            .max(*start);
        let raw = text.get(*start..end).unwrap_or("");
        let raw = raw.trim_end_matches(['\r', '\n']);
        let mut cells = Vec::with_capacity(record.len());
        // The csv reader gives the decoded fields but not where each lies in the text; split
        // the raw record again by the same grammar for that (spans are only for display).
        let ranges = field_ranges(&mut fields, raw);
        for (k, field) in record.iter().enumerate() {
            // `str::trim` as well: the reader trims ASCII whitespace only, validation all of it.
            let field = field.trim();
            let (from, to) = match ranges.get(k) {
                Some(range) if !field.is_empty() => content_of(raw, range.clone()),
                Some(range) => (range.start, range.start),
                None => (raw.len(), raw.len()),
            };
            cells.push(Cell {
                text: field.to_owned(),
                span: offset + start + from..offset + start + to,
            });
        }
        if cells.iter().all(|c| c.text.is_empty()) {
            continue;
        }
        rows.push(Row {
            line: *line,
            span: offset + start..offset + start + raw.len(),
            cells,
        });
    }
    Ok(rows)
}

/// Where each field of one raw record lies, quotes and blanks included, split by the grammar
/// the csv reader uses (its defaults: `,` between fields, `"` quotes, `""` for a quote inside
/// them). `reader` is reused from record to record: building one costs more than reading a
/// short record. One pass over the record: searching each decoded field in the rest of the line instead
/// took quadratic time on a long line of fields with escaped quotes (30 s for 840 kB).
fn field_ranges(reader: &mut csv_core::Reader, raw: &str) -> Vec<Range<usize>> {
    let bytes = raw.as_bytes();
    reader.reset();
    // The decoded field is not needed, only how much of the input it took.
    let mut scratch = [0u8; 4096];
    let mut ranges = Vec::new();
    let (mut at, mut start) = (0, 0);
    // Each call takes at least one byte or ends a field; the bound only guards against a reader
    // that would not, so a record can never loop.
    for _ in 0..2 * bytes.len() + 8 {
        let (result, taken, _) = reader.read_field(&bytes[at..], &mut scratch);
        at += taken;
        match result {
            csv_core::ReadFieldResult::InputEmpty | csv_core::ReadFieldResult::OutputFull => {}
            csv_core::ReadFieldResult::Field { record_end } => {
                // Within the record a field ends at the delimiter this call took; the last one
                // ends at the end of input, which a call with nothing left reports.
                let end = if taken > 0 { at - 1 } else { at };
                ranges.push(start..end.max(start));
                start = at;
                if record_end {
                    break;
                }
            }
            csv_core::ReadFieldResult::End => break,
        }
    }
    ranges
}

/// The span of a field's content within `range` of its record: blanks around it and its
/// enclosing quotes left out.
fn content_of(raw: &str, range: Range<usize>) -> (usize, usize) {
    let Some(piece) = raw.get(range.clone()) else {
        return (range.start, range.start);
    };
    let trimmed = piece.trim_start();
    let mut from = range.start + (piece.len() - trimmed.len());
    let mut inner = trimmed.trim_end();
    if inner.len() >= 2 && inner.starts_with('"') && inner.ends_with('"') {
        inner = &inner[1..inner.len() - 1];
        from += 1;
        let kept = inner.trim_start();
        from += inner.len() - kept.len();
        inner = kept.trim_end();
    }
    (from, from + inner.len())
}

fn detect_rows(rows: &[Row]) -> Option<ImportKind> {
    let first = rows.first()?;
    if ktab::looks_like(rows) {
        Some(ImportKind::Ktab)
    } else if predictioneer::Columns::find(first) {
        Some(ImportKind::Predictioneer)
    } else {
        None
    }
}

/// The field path of a cell (`row 7, column salience`) or of a whole row (`row 7`).
fn path_of(line: usize, column: Option<&str>) -> FieldPath {
    let text = match column {
        Some(column) => format!("row {line}, column {column}"),
        None => format!("row {line}"),
    };
    FieldPath(vec![Segment::Key(text)])
}

/// An error about one cell.
fn cell_error(
    row: &Row,
    cell: &Cell,
    column: &str,
    message: impl Into<String>,
    help: impl Into<String>,
) -> Finding {
    Finding {
        span: Some(cell.span.clone()),
        ..Finding::error(path_of(row.line, Some(column)), message, help)
    }
}

/// An error about a whole row.
fn row_error(row: &Row, message: impl Into<String>, help: impl Into<String>) -> Finding {
    Finding {
        span: Some(row.span.clone()),
        ..Finding::error(path_of(row.line, None), message, help)
    }
}

/// A finite number, or `None`.
fn number(cell: &Cell) -> Option<f64> {
    cell.text.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Reads a capability cell: a finite number in the range a scenario accepts
/// ([`crate::MIN_CAPABILITY`]`..=`[`crate::MAX_CAPABILITY`]), so that every import validates.
fn capability(row: &Row, cell: &Cell, column: &str, out: &mut Vec<Finding>) -> Option<f64> {
    match number(cell) {
        Some(x) if (crate::MIN_CAPABILITY..=crate::MAX_CAPABILITY).contains(&x) => Some(x),
        Some(x) if x > 0.0 => {
            out.push(cell_error(
                row,
                cell,
                column,
                format!(
                    "capability `{}` is outside {:e}..={:e}, where the models' arithmetic stays exact enough",
                    cell.text,
                    crate::MIN_CAPABILITY,
                    crate::MAX_CAPABILITY
                ),
                "rescale the column (only ratios between actors matter), e.g. give it in thousands or millions",
            ));
            None
        }
        _ => {
            out.push(cell_error(
                row,
                cell,
                column,
                format!(
                    "capability `{}` is not a positive number",
                    cell.text
                ),
                "give a number greater than 0 (only ratios between actors matter), or drop the actor's row",
            ));
            None
        }
    }
}

/// A salience as read, before the scale of the column is known.
struct RawSalience<'a> {
    row: &'a Row,
    cell: &'a Cell,
    column: String,
    value: f64,
}

/// Decides how saliences are scaled and returns the divisor with the note saying why, or an
/// error for every value that does not fit. `format_scale` is what the layout itself defines for
/// [`SalienceScale::Auto`]; `None` lets the values decide.
fn salience_divisor(
    values: &[RawSalience<'_>],
    requested: SalienceScale,
    format_scale: Option<SalienceScale>,
) -> Result<(f64, String), Vec<Finding>> {
    let max = values.iter().map(|s| s.value).fold(0.0_f64, f64::max);
    let (unit, note) = match (requested, format_scale) {
        (SalienceScale::Unit, _) => (true, "salience read on 0..1, as requested".to_owned()),
        (SalienceScale::Percent, _) => (
            false,
            "salience read on 0..100 and divided by 100, as requested".to_owned(),
        ),
        (SalienceScale::Auto, Some(SalienceScale::Unit)) => (
            true,
            "salience read on 0..1, as the format defines".to_owned(),
        ),
        (SalienceScale::Auto, Some(_)) => (
            false,
            "salience read on 0..100 and divided by 100, as the format defines".to_owned(),
        ),
        (SalienceScale::Auto, None) if max <= 1.0 => (
            true,
            "salience read on 0..1 because every value is within [0, 1]".to_owned(),
        ),
        (SalienceScale::Auto, None) => (
            false,
            format!(
                "salience read on 0..100 and divided by 100 because the largest value is {max}"
            ),
        ),
    };
    let (limit, range) = if unit {
        (1.0, "0..1")
    } else {
        (100.0, "0..100")
    };
    let errors: Vec<Finding> = values
        .iter()
        .filter(|s| !(0.0..=limit).contains(&s.value))
        .map(|s| {
            let help = if unit && s.value > 1.0 && s.value <= 100.0 {
                "saliences were to run from 0 to 1, but this looks like 0..100; import with the percent (or auto) salience scale"
            } else if unit {
                "give a salience from 0 (does not care) to 1 (nothing matters more)"
            } else {
                "give a salience from 0 (does not care) to 100 (nothing matters more)"
            };
            cell_error(
                s.row,
                s.cell,
                &s.column,
                format!("salience {} is outside {range}", s.value),
                help,
            )
        })
        .collect();
    if errors.is_empty() {
        Ok((limit, note))
    } else {
        Err(errors)
    }
}

/// The midpoint of `[min, max]`, computed so that huge ends do not overflow.
fn midpoint(min: f64, max: f64) -> f64 {
    (min / 2.0 + max / 2.0).clamp(min, max)
}

/// Lowercase ASCII letters and digits with runs of anything else made one '-'.
fn slugify(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

/// Hands out ids that are unique: a repeated slug becomes `slug-2`, `slug-3`...
#[derive(Default)]
struct Ids {
    taken: std::collections::BTreeSet<String>,
    /// Per repeated slug, the suffix to try next: every suffix below it is taken, so the `k`-th
    /// repeat does not try the `k` suffixes before it (quadratic in a file of one repeated
    /// name: 30,000 rows took 15 s).
    next: std::collections::BTreeMap<String, usize>,
}

impl Ids {
    fn unique(&mut self, name: &str, fallback: &str) -> String {
        let mut base = slugify(name);
        if base.is_empty() {
            base = fallback.to_owned();
        }
        if self.taken.insert(base.clone()) {
            return base;
        }
        let n = self.next.entry(base.clone()).or_insert(2);
        loop {
            let id = format!("{base}-{n}");
            *n += 1;
            if self.taken.insert(id.clone()) {
                return id;
            }
        }
    }
}

/// The file name without directories and extension.
fn stem(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = match base.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => base,
    };
    stem.to_owned()
}

/// Notes as the scenario's description, after what the source itself says.
fn description(from_source: Option<&str>, notes: &[String]) -> String {
    let mut text = String::new();
    if let Some(d) = from_source.map(str::trim).filter(|d| !d.is_empty()) {
        text.push_str(d);
        text.push_str("\n\n");
    }
    text.push_str("Assumed on import: ");
    text.push_str(&notes.join("; "));
    text.push('.');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_valid_ids() {
        assert_eq!(slugify("Costa Rica"), "costa-rica");
        assert_eq!(slugify("  Liu He - Deputy "), "liu-he-deputy");
        assert_eq!(slugify("Ünïcode"), "n-code");
        let mut ids = Ids::default();
        assert_eq!(ids.unique("A", "actor"), "a");
        assert_eq!(ids.unique("a", "actor"), "a-2");
        assert_eq!(ids.unique("", "actor"), "actor");
        assert_eq!(ids.unique("!!", "actor"), "actor-2");
    }

    #[test]
    fn repeated_names_take_the_next_free_suffix() {
        let mut ids = Ids::default();
        let got: Vec<String> = ["x 3", "x", "x", "x", "x 5", "x"]
            .iter()
            .map(|n| ids.unique(n, "actor"))
            .collect();
        assert_eq!(got, ["x-3", "x", "x-2", "x-4", "x-5", "x-6"]);
        let mut ids = Ids::default();
        let last = (0..10_000).map(|_| ids.unique("A", "actor")).last();
        assert_eq!(last.as_deref(), Some("a-10000"));
    }

    #[test]
    fn stems() {
        assert_eq!(stem("/a/b/china.csv"), "china");
        assert_eq!(stem("c:\\x\\y.tar.csv"), "y.tar");
        assert_eq!(stem(".csv"), ".csv");
    }

    #[test]
    fn cells_know_their_place() {
        let text = "a,  b ,\"c,d\",\n\n x,y\r\n";
        let rows = read_rows(text, 0).unwrap_or_default();
        assert_eq!(rows.len(), 2);
        let spans: Vec<&str> = rows[0]
            .cells
            .iter()
            .map(|c| &text[c.span.clone()])
            .collect();
        assert_eq!(spans, ["a", "b", "c,d", ""]);
        assert_eq!(rows[1].line, 3);
        assert_eq!(&text[rows[1].cells[1].span.clone()], "y");
        assert_eq!(&text[rows[1].span.clone()], " x,y");
    }
}
